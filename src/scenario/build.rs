//! Building scenarios in code. Every spec type has a constructor taking what it cannot
//! do without, and chainable setters for everything else, with the defaults a file
//! gets. The types are `#[non_exhaustive]`, so new fields never break a crate that
//! builds scenarios this way.
//!
//! ```
//! use corridor::scenario::*;
//! let spec = ScenarioSpec::new("two ports", 365.0)
//!     .port("east", PortSpec::new(50_000.0).berths(BerthClass::Container, BerthSpec::rate(1, 300.0)))
//!     .port("west", PortSpec::new(50_000.0).berths(BerthClass::Container, BerthSpec::rate(1, 300.0)))
//!     .sea_link("crossing", SeaLinkSpec::new("east", "west", DistSpec::triangular(18.0, 22.0, 30.0)))
//!     .ship_service("feeder", ShipServiceSpec::new(BerthClass::Container, 3, 2_000.0, ["east", "west"]))
//!     .flow("boxes", FlowSpec::tonnes(["east", "west"], BerthClass::Container, 400_000.0, DistSpec::constant(28.0)));
//! assert!(Scenario::from_spec(&spec).is_ok());
//! ```

use super::dist::DistSpec;
use super::schema::*;
use std::collections::BTreeMap;

macro_rules! setters {
    ($ty:ty { $($(#[$doc:meta])* $name:ident: $t:ty),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                pub fn $name(mut self, value: impl Into<$t>) -> Self {
                    self.$name = value.into();
                    self
                }
            )*
        }
    };
}

impl ScenarioSpec {
    /// A scenario with a name and a measured horizon, and nothing in it yet.
    pub fn new(name: impl Into<String>, horizon_days: f64) -> ScenarioSpec {
        ScenarioSpec {
            scenario: Settings::new(name, horizon_days),
            ports: Default::default(),
            nodes: Default::default(),
            sea_links: Default::default(),
            rail_links: Default::default(),
            ship_services: Default::default(),
            pools: Default::default(),
            pipelines: Default::default(),
            train_services: Default::default(),
            ship_arrivals: Default::default(),
            flows: Default::default(),
            weather: Default::default(),
            variants: Default::default(),
            sweep: None,
            planning: None,
            growth: Default::default(),
            changes: Default::default(),
            candidates: Default::default(),
            uncertain: Default::default(),
        }
    }

    /// Measures `years` calendar years from `start_year` (the horizon becomes 365 days
    /// a year).
    pub fn planning(mut self, start_year: i32, years: u32) -> Self {
        self.scenario.horizon_days = f64::from(years) * crate::scenario::DAYS_PER_YEAR;
        self.planning = Some(crate::scenario::PlanningSpec::new(start_year, years));
        self
    }

    /// Demand of the flows and arrivals tagged `tag` grows along `path`.
    pub fn growth(mut self, tag: impl Into<String>, path: crate::scenario::GrowthSpec) -> Self {
        self.growth.insert(tag.into(), path);
        self
    }

    /// From `date` (`"YYYY-MM-DD"`) on, the field at `path` takes `value`: a dated
    /// change named `id` (several calls with one id add to that change).
    pub fn change(
        mut self,
        id: impl Into<String>,
        date: impl Into<String>,
        path: impl Into<String>,
        value: impl Into<OverrideValue>,
    ) -> Self {
        let change = self.changes.entry(id.into()).or_default();
        change.date = date.into();
        change.enabled = true;
        change.set.insert(path.into(), value.into());
        self
    }

    /// Declares candidate upgrade `id` for `corridor plan`.
    pub fn candidate(mut self, id: impl Into<String>, candidate: crate::scenario::CandidateSpec) -> Self {
        self.candidates.insert(id.into(), candidate);
        self
    }

    /// Days simulated first and discarded.
    pub fn warmup_days(mut self, days: f64) -> Self {
        self.scenario.warmup_days = days;
        self
    }

    /// The default master seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.scenario.seed = seed;
        self
    }

    /// The default number of replications.
    pub fn replications(mut self, n: u64) -> Self {
        self.scenario.replications = n;
        self
    }

    /// Adds a port.
    pub fn port(mut self, id: impl Into<String>, port: PortSpec) -> Self {
        self.ports.insert(id.into(), port);
        self
    }

    /// Adds a node that is not a port.
    pub fn node(mut self, id: impl Into<String>, node: NodeSpec) -> Self {
        self.nodes.insert(id.into(), node);
        self
    }

    /// Adds a sea link.
    pub fn sea_link(mut self, id: impl Into<String>, link: SeaLinkSpec) -> Self {
        self.sea_links.insert(id.into(), link);
        self
    }

    /// Adds a rail link.
    pub fn rail_link(mut self, id: impl Into<String>, link: RailLinkSpec) -> Self {
        self.rail_links.insert(id.into(), link);
        self
    }

    /// Adds a ship service.
    pub fn ship_service(mut self, id: impl Into<String>, service: ShipServiceSpec) -> Self {
        self.ship_services.insert(id.into(), service);
        self
    }

    /// Adds an uncertain input.
    pub fn uncertain(mut self, id: impl Into<String>, input: super::uncertain::UncertainSpec) -> Self {
        self.uncertain.insert(id.into(), input);
        self
    }

    /// Adds a pool of vessels shared by ship services.
    pub fn pool(mut self, id: impl Into<String>, pool: PoolSpec) -> Self {
        self.pools.insert(id.into(), pool);
        self
    }

    /// Adds a train service.
    pub fn train_service(mut self, id: impl Into<String>, service: TrainServiceSpec) -> Self {
        self.train_services.insert(id.into(), service);
        self
    }

    /// Adds a stream of ships arriving from outside.
    pub fn ship_arrivals(mut self, id: impl Into<String>, arrivals: ShipArrivalSpec) -> Self {
        self.ship_arrivals.insert(id.into(), arrivals);
        self
    }

    /// Adds a cargo flow.
    pub fn flow(mut self, id: impl Into<String>, flow: FlowSpec) -> Self {
        self.flows.insert(id.into(), flow);
        self
    }

    /// Adds a weather area.
    pub fn weather(mut self, id: impl Into<String>, weather: WeatherSpec) -> Self {
        self.weather.insert(id.into(), weather);
        self
    }

    /// Adds a variant.
    pub fn variant(mut self, id: impl Into<String>, variant: VariantSpec) -> Self {
        self.variants.insert(id.into(), variant);
        self
    }
}

impl Settings {
    /// Settings with the defaults a file gets: no warm-up, seed 42, 20 replications,
    /// at most 200,000 consignments in the system and 50 million events a replication.
    pub fn new(name: impl Into<String>, horizon_days: f64) -> Settings {
        Settings {
            name: name.into(),
            description: None,
            horizon_days,
            warmup_days: 0.0,
            seed: 42,
            replications: 20,
            max_consignments_in_system: 200_000,
            max_events_per_replication: 50_000_000,
            focus_ports: Vec::new(),
            focus_flows: Vec::new(),
            currency: "USD".to_string(),
        }
    }
}

impl PortSpec {
    /// A port with a yard of `yard_capacity_tonnes` and no berths yet.
    pub fn new(yard_capacity_tonnes: f64) -> PortSpec {
        PortSpec {
            name: None,
            yard_capacity_tonnes,
            berths: Default::default(),
            handling_in_storms: StormHandling::Pause,
            charge_per_tonne: 0.0,
            co2_kg_per_tonne: 0.0,
            depth_m: None,
            lon: None,
            lat: None,
        }
    }

    /// Where it is (degrees east and north), for the report's map and the GeoJSON file.
    pub fn at(mut self, lon: f64, lat: f64) -> Self {
        (self.lon, self.lat) = (Some(lon), Some(lat));
        self
    }

    /// The usable depth at its berths (metres), which limits what deep vessels load.
    pub fn depth_m(mut self, depth: f64) -> Self {
        self.depth_m = Some(depth);
        self
    }

    /// Its display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// What handling does while a storm closes the port (default: it pauses).
    pub fn handling_in_storms(mut self, handling: StormHandling) -> Self {
        self.handling_in_storms = handling;
        self
    }

    /// Adds (or replaces) the berth group of `class`.
    pub fn berths(mut self, class: BerthClass, berths: BerthSpec) -> Self {
        self.berths.insert(class, berths);
        self
    }
}

impl BerthSpec {
    /// `count` berths handling `tonnes_per_hour` each, with no fixed berthing time.
    pub fn rate(count: u32, tonnes_per_hour: f64) -> BerthSpec {
        BerthSpec {
            count,
            handling_tonnes_per_hour: Some(tonnes_per_hour),
            berthing_hours: 0.0,
            service_hours: None,
            unit_hours: BTreeMap::new(),
        }
    }

    /// `count` berths where a call takes a sampled time (hours).
    pub fn service(count: u32, hours: DistSpec) -> BerthSpec {
        BerthSpec {
            count,
            handling_tonnes_per_hour: None,
            berthing_hours: 0.0,
            service_hours: Some(hours),
            unit_hours: BTreeMap::new(),
        }
    }

    /// The berths also take `hours` per unit of `unit` moved on or off, loaded or
    /// empty (see `unit_hours` in docs/scenarios.md).
    pub fn unit_hours(mut self, unit: &str, hours: f64) -> BerthSpec {
        self.unit_hours.insert(unit.to_string(), hours);
        self
    }
}

setters!(BerthSpec {
    /// Fixed berthing and unberthing time per call (hours), with a handling rate.
    berthing_hours: f64,
});

impl NodeSpec {
    /// A node of `kind`.
    pub fn new(kind: NodeKind) -> NodeSpec {
        NodeSpec { kind, ..NodeSpec::default() }
    }

    /// Where flows leave the model.
    pub fn destination() -> NodeSpec {
        NodeSpec::new(NodeKind::Destination)
    }

    /// Where flows enter the model.
    pub fn origin() -> NodeSpec {
        NodeSpec::new(NodeKind::Origin)
    }

    /// A rail terminal.
    pub fn rail_terminal() -> NodeSpec {
        NodeSpec::new(NodeKind::RailTerminal)
    }

    /// Where it is (degrees east and north), for the report's map and the GeoJSON file.
    pub fn at(mut self, lon: f64, lat: f64) -> Self {
        (self.lon, self.lat) = (Some(lon), Some(lat));
        self
    }

    /// Its display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl SeaLinkSpec {
    /// A sea link between two ports, sailing for `hours` either way.
    pub fn new(a: impl Into<String>, b: impl Into<String>, hours: DistSpec) -> SeaLinkSpec {
        SeaLinkSpec { between: [a.into(), b.into()], sailing_hours: hours, distance_km: None }
    }
}

impl RailLinkSpec {
    /// A rail line between two nodes: transit `hours`, `trains_per_day` paths each way.
    pub fn new(a: impl Into<String>, b: impl Into<String>, hours: DistSpec, trains_per_day: f64) -> RailLinkSpec {
        RailLinkSpec { between: [a.into(), b.into()], transit_hours: hours, trains_per_day, length_km: None }
    }
}

impl ShipServiceSpec {
    /// `vessels` vessels of `capacity_tonnes` calling at `route` in a loop; they sail at
    /// 80 % full or after 48 hours of waiting for cargo.
    pub fn new<S: Into<String>>(
        class: BerthClass,
        vessels: u32,
        capacity_tonnes: f64,
        route: impl IntoIterator<Item = S>,
    ) -> ShipServiceSpec {
        ShipServiceSpec {
            name: None,
            class,
            vessels,
            capacity_tonnes,
            route: route.into_iter().map(Into::into).collect(),
            fill_threshold: 0.8,
            max_wait_hours: 48.0,
            wait_for_cargo_at: None,
            slots: Default::default(),
            deck: Default::default(),
            max_units: Default::default(),
            loading_order: Vec::new(),
            tariff_per_tonne: 0.0,
            tariff_per_unit: Default::default(),
            co2_g_per_tonne_km: 0.0,
            draught_m: None,
            tonnes_per_cm: None,
        }
    }

    /// Its design draught at full load (metres) and tonnes per centimetre of
    /// immersion: it loads only what the shallowest port of its route lets it float.
    pub fn draught(mut self, draught_m: f64, tonnes_per_cm: f64) -> Self {
        self.draught_m = Some(draught_m);
        self.tonnes_per_cm = Some(tonnes_per_cm);
        self
    }
}

setters!(ShipServiceSpec {
    /// Sail when loaded to at least this fraction of capacity (0–1).
    fill_threshold: f64,
    /// Sail after waiting this long for cargo (hours).
    max_wait_hours: f64,
});

impl TrainServiceSpec {
    /// Trains of `wagons` × `tonnes_per_wagon` from `route[0]` to `route[1]`, leaving
    /// when full (or after 48 hours with a part load).
    pub fn when_full<S: Into<String>>(
        route: [S; 2],
        trainsets: u32,
        wagons: u32,
        tonnes_per_wagon: f64,
    ) -> TrainServiceSpec {
        let [a, b] = route;
        TrainServiceSpec {
            name: None,
            route: [a.into(), b.into()],
            trainsets,
            wagons,
            tonnes_per_wagon,
            departure: DeparturePolicy::WhenFull,
            timetable_hours: None,
            max_wait_hours: 48.0,
            max_wait_from: WaitFrom::OldestCargo,
            loading_hours: 0.0,
            unloading_hours: 0.0,
            tariff_per_tonne: 0.0,
            tariff_per_unit: Default::default(),
            co2_g_per_tonne_km: 0.0,
        }
    }

    /// Trains leaving every `interval_hours` with whatever waits.
    pub fn timetable<S: Into<String>>(
        route: [S; 2],
        trainsets: u32,
        wagons: u32,
        tonnes_per_wagon: f64,
        interval_hours: f64,
    ) -> TrainServiceSpec {
        TrainServiceSpec {
            departure: DeparturePolicy::Timetable,
            timetable_hours: Some(interval_hours),
            ..TrainServiceSpec::when_full(route, trainsets, wagons, tonnes_per_wagon)
        }
    }
}

setters!(TrainServiceSpec {
    /// For trains leaving when full: leave with a part load after this long (hours).
    max_wait_hours: f64,
    /// Loading time at the origin (hours).
    loading_hours: f64,
    /// Unloading time at the destination (hours).
    unloading_hours: f64,
});

impl ShipArrivalSpec {
    /// `ships_per_year` ships (Poisson) of berth class `class` calling at `port`, each
    /// discharging `cargo_tonnes` that leaves the model there.
    pub fn new(
        port: impl Into<String>,
        class: BerthClass,
        ships_per_year: f64,
        cargo_tonnes: DistSpec,
    ) -> ShipArrivalSpec {
        ShipArrivalSpec {
            name: None,
            port: port.into(),
            class,
            ships_per_year,
            cargo_tonnes,
            continues_as: None,
            landing: Landing::AsHandled,
            parcel_tonnes: 500.0,
            tags: Vec::new(),
        }
    }

    /// The discharged cargo travels on as flow `flow` (whose route starts at this
    /// port), entering the yard as `landing` says.
    pub fn continues_as(mut self, flow: impl Into<String>, landing: Landing) -> Self {
        self.continues_as = Some(flow.into());
        self.landing = landing;
        self
    }
}

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
    /// [`RouteChoice::Shares`]).
    pub fn routes<S: Into<String>>(
        mut self,
        choice: RouteChoice,
        routes: impl IntoIterator<Item = (S, Vec<&'static str>, f64)>,
    ) -> Self {
        self.route.clear();
        self.choice = choice;
        self.routes = routes
            .into_iter()
            .map(|(name, route, share)| {
                let route = route.into_iter().map(String::from).collect();
                (name.into(), RouteSpec { route, share: Some(share), expected_days: None })
            })
            .collect();
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

impl VariantSpec {
    /// A variant that changes nothing yet.
    pub fn new() -> VariantSpec {
        VariantSpec::default()
    }

    /// Its description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Applies `parent` first.
    pub fn extends(mut self, parent: impl Into<String>) -> Self {
        self.extends.push(parent.into());
        self
    }

    /// Multiplies the demand of flows and arrivals (with one of `tags`, or all).
    pub fn demand_factor<S: Into<String>>(mut self, factor: f64, tags: impl IntoIterator<Item = S>) -> Self {
        self.demand_factor = Some(factor);
        self.demand_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the field at `path` (e.g. `"ports.east.berths.container.count"`) to `value`.
    pub fn set(mut self, path: impl Into<String>, value: impl Into<OverrideValue>) -> Self {
        self.set.insert(path.into(), value.into());
        self
    }

    /// Multiplies the number at `path` by `factor`.
    pub fn scale(mut self, path: impl Into<String>, factor: f64) -> Self {
        self.scale.insert(path.into(), factor);
        self
    }
}

impl DistSpec {
    /// Exponential with this mean.
    pub fn exponential(mean: f64) -> DistSpec {
        DistSpec::Exponential { mean }
    }

    /// Uniform on `[min, max]`.
    pub fn uniform(min: f64, max: f64) -> DistSpec {
        DistSpec::Uniform { min, max }
    }

    /// Triangular on `[min, max]` with its peak at `mode`.
    pub fn triangular(min: f64, mode: f64, max: f64) -> DistSpec {
        DistSpec::Triangular { min, mode, max }
    }

    /// Lognormal with this mean and standard deviation (of the value, not its log).
    pub fn lognormal(mean: f64, sd: f64) -> DistSpec {
        DistSpec::Lognormal { mean, sd }
    }

    /// Erlang: `k` phases, this overall mean.
    pub fn erlang(k: u32, mean: f64) -> DistSpec {
        DistSpec::Erlang { k, mean }
    }

    /// One of `values`, equally likely.
    pub fn empirical(values: impl Into<Vec<f64>>) -> DistSpec {
        DistSpec::Empirical { values: values.into(), weights: None }
    }
}
