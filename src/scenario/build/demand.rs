//! Cargo flows, their routes, empty returns and outside options, and the weather.

use super::super::dist::DistSpec;
use super::super::schema::*;

impl FlowSpec {
    /// `annual_tonnes` of cargo of `class` along `route`, in consignments of
    /// `consignment_tonnes`.
    pub fn tonnes<S: Into<String>>(
        route: impl IntoIterator<Item = S>,
        class: BerthClass,
        annual_tonnes: f64,
        consignment_tonnes: DistSpec,
    ) -> FlowSpec {
        FlowSpec {
            name: None,
            route: route.into_iter().map(Into::into).collect(),
            class,
            annual_tonnes: Some(annual_tonnes),
            annual_teu: None,
            tonnes_per_teu: None,
            consignment_tonnes: Some(consignment_tonnes),
            seasonality: None,
            unit: None,
            tonnes_per_unit: None,
            empty_return: None,
            outside_option: None,
            tags: Vec::new(),
            routes: Default::default(),
            choice: Default::default(),
            value_of_time_per_tonne_day: 0.0,
        }
    }

    /// Alternative routes instead of one: `(name, route, share)` for each, chosen by
    /// `choice` as each consignment is generated (shares matter for
    /// [`RouteChoice::Shares`], and are what the capacity sheet assumes for
    /// [`RouteChoice::Congestion`]).
    pub fn routes<S, R, N>(mut self, choice: RouteChoice, routes: impl IntoIterator<Item = (S, R, f64)>) -> Self
    where
        S: Into<String>,
        R: IntoIterator<Item = N>,
        N: Into<String>,
    {
        self.route.clear();
        self.choice = choice;
        self.routes =
            routes.into_iter().map(|(name, route, share)| (name.into(), RouteSpec::new(route).share(share))).collect();
        self
    }

    /// Adds the alternative route `name` (the flow then has no single `route`).
    pub fn alternative(mut self, name: impl Into<String>, route: RouteSpec) -> Self {
        self.route.clear();
        self.routes.insert(name.into(), route);
        self
    }

    /// The volume as `annual_teu` TEU a year of `tonnes_per_teu` tonnes each, instead
    /// of tonnes.
    pub fn teu(mut self, annual_teu: f64, tonnes_per_teu: f64) -> Self {
        self.annual_tonnes = None;
        self.annual_teu = Some(annual_teu);
        self.tonnes_per_teu = Some(tonnes_per_teu);
        self
    }

    /// Another corridor the cargo may take: the flow's volume becomes the market, of
    /// which the corridor captures a logit share (see [`OutsideOptionSpec`]).
    pub fn outside_option(mut self, option: OutsideOptionSpec) -> Self {
        self.outside_option = Some(option);
        self
    }

    /// Adds a tag (for variants that scale demand, e.g. "transit").
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Twelve monthly factors of the arrival rate (January first).
    pub fn seasonality(mut self, months: [f64; 12]) -> Self {
        self.seasonality = Some(months.to_vec());
        self
    }
}

impl WeatherSpec {
    /// Storms closing `ports`, `storms_per_year` of them, each lasting `duration_hours`.
    pub fn new<S: Into<String>>(
        ports: impl IntoIterator<Item = S>,
        storms_per_year: f64,
        duration_hours: DistSpec,
    ) -> WeatherSpec {
        WeatherSpec {
            ports: ports.into_iter().map(Into::into).collect(),
            close_probability: Default::default(),
            sea_links: Vec::new(),
            storms_per_year,
            monthly_weights: None,
            duration_hours,
        }
    }

    /// A sheltered port: each storm closes it only with `probability`.
    pub fn sheltered(mut self, port: impl Into<String>, probability: f64) -> Self {
        self.close_probability.insert(port.into(), probability);
        self
    }

    /// A sea link whose sailings each storm suspends.
    pub fn suspends(mut self, sea_link: impl Into<String>) -> Self {
        self.sea_links.push(sea_link.into());
        self
    }
}

optional_setters!(FlowSpec {
    /// Its display name.
    name: String,
    /// Annual volume in tonnes.
    annual_tonnes: f64,
    /// The size of a consignment (tonnes).
    consignment_tonnes: DistSpec,
    /// Units that go back empty (see [`EmptyReturnSpec`]).
    empty_return: EmptyReturnSpec,
    /// The cargo travels as whole units of this name (e.g. `"wagon"`, `"teu"`), taking
    /// the slots of ship services that have them.
    unit: String,
    /// Tonnes a unit.
    tonnes_per_unit: f64,
});

setters!(FlowSpec {
    /// How a consignment chooses among its alternative routes.
    choice: RouteChoice,
    /// What a tonne-day of delay costs its owner (the scenario's currency), for the
    /// generalised cost.
    value_of_time_per_tonne_day: f64,
});

impl RouteSpec {
    /// An alternative route: nodes, origin first.
    pub fn new<S: Into<String>>(route: impl IntoIterator<Item = S>) -> RouteSpec {
        RouteSpec { route: route.into_iter().map(Into::into).collect(), share: None, expected_days: None }
    }
}

optional_setters!(RouteSpec {
    /// Its share of the flow (with [`RouteChoice::Shares`]; the capacity sheet's
    /// assumption with [`RouteChoice::Congestion`]).
    share: f64,
    /// The door-to-door days assumed before any are simulated, for the generalised
    /// cost (default: its running times, without waits).
    expected_days: f64,
});

impl EmptyReturnSpec {
    /// `share` (0 to 1) of the loaded units go back empty, along the flow's route
    /// reversed.
    pub fn new(share: f64) -> EmptyReturnSpec {
        EmptyReturnSpec { share, route: None }
    }

    /// The empties travel `route` (nodes, from where they are emptied) instead.
    pub fn route<S: Into<String>>(mut self, route: impl IntoIterator<Item = S>) -> Self {
        self.route = Some(route.into_iter().map(Into::into).collect());
        self
    }
}

optional_setters!(OutsideOptionSpec {
    /// Its display name, e.g. "northern route via Russia".
    name: String,
    /// The corridor's door-to-door days assumed before any are simulated.
    corridor_days: f64,
});

impl WeatherSpec {
    /// Twelve monthly weights of the storm rate (January first).
    pub fn monthly_weights(mut self, months: [f64; 12]) -> Self {
        self.monthly_weights = Some(months.to_vec());
        self
    }
}
