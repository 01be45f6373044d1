//! Cargo flows, their alternative routes, empty returns and outside options, and
//! the weather.
use super::*;

/// Another corridor a flow's cargo may take (see `FlowSpec::outside_option`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OutsideOptionSpec {
    /// Display name, e.g. "northern route via Russia".
    #[serde(default)]
    pub name: Option<String>,
    /// Its tariffs and charges per tonne (currency).
    pub cost_per_tonne: f64,
    /// Its door-to-door days; valued at the flow's `value_of_time_per_tonne_day`.
    pub days: f64,
    /// The logit's scale (currency per tonne): the corridor's share is
    /// `1 / (1 + exp((C − A) / scale))` for generalised costs `C` (the corridor) and
    /// `A` (this option) per tonne.
    pub scale: f64,
    /// The corridor's door-to-door days assumed before any are simulated (the first
    /// planning year, or a run without planning); default its running times, without
    /// waits.
    #[serde(default)]
    pub corridor_days: Option<f64>,
}

impl OutsideOptionSpec {
    /// An option costing `cost_per_tonne` and taking `days`, with a logit of `scale`.
    pub fn new(cost_per_tonne: f64, days: f64, scale: f64) -> OutsideOptionSpec {
        OutsideOptionSpec { name: None, cost_per_tonne, days, scale, corridor_days: None }
    }

    /// The share the corridor captures when its generalised cost per tonne is
    /// `corridor` and this option's `alternative`.
    pub fn share(&self, corridor: f64, alternative: f64) -> f64 {
        logit_share(corridor, alternative, self.scale)
    }
}

/// `1 / (1 + exp((corridor − alternative) / scale))`, the corridor's binary logit share.
pub fn logit_share(corridor: f64, alternative: f64, scale: f64) -> f64 {
    let z = ((corridor - alternative) / scale).clamp(-700.0, 700.0);
    1.0 / (1.0 + z.exp())
}

/// A cargo flow from an origin to a destination along a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FlowSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Ordered nodes the cargo passes, origin first, destination last (or give
    /// `routes`).
    #[serde(default)]
    pub route: Vec<String>,
    /// Alternative routes, by name, instead of `route`: each consignment takes one,
    /// chosen by `choice` when it is generated.
    #[serde(default)]
    pub routes: IndexMap<String, RouteSpec>,
    /// How a consignment chooses among `routes`.
    #[serde(default)]
    pub choice: RouteChoice,
    /// What a tonne-day in transit costs the cargo owner (in the scenario's currency):
    /// the value of time in the generalised cost.
    #[serde(default)]
    pub value_of_time_per_tonne_day: f64,
    /// Commodity class: which berth class handles it at ports.
    pub class: BerthClass,
    /// Annual volume in tonnes (or give `annual_teu` and `tonnes_per_teu`).
    #[serde(default)]
    pub annual_tonnes: Option<f64>,
    /// Annual volume in TEU.
    #[serde(default)]
    pub annual_teu: Option<f64>,
    /// Tonnes per TEU, with `annual_teu`.
    #[serde(default)]
    pub tonnes_per_teu: Option<f64>,
    /// Consignment size (tonnes); not needed for a flow fed only by ships arriving
    /// (`ship_arrivals.<id>.continues_as`).
    #[serde(default)]
    pub consignment_tonnes: Option<DistSpec>,
    /// Optional 12 monthly factors (January first) scaling the arrival rate; mean 1.
    #[serde(default)]
    pub seasonality: Option<Vec<f64>>,
    /// The unit the cargo travels in (`"wagon"`, `"truck"`, `"teu"`, …): consignments
    /// are whole units and take the slots of ship services that have them.
    #[serde(default)]
    pub unit: Option<String>,
    /// Tonnes of cargo per unit, with `unit` (for `unit = "teu"`, `tonnes_per_teu`
    /// serves).
    #[serde(default)]
    pub tonnes_per_unit: Option<f64>,
    /// Empty units going back: a share of the units that reach the return route's
    /// first node travel it empty, taking slots but no tonnes.
    #[serde(default)]
    pub empty_return: Option<EmptyReturnSpec>,
    /// Another corridor the cargo may take instead: the flow's `annual_tonnes` is then
    /// the market, and the corridor captures a logit share of it by the two
    /// generalised costs, updated each planning year from the corridor's simulated
    /// door-to-door time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside_option: Option<OutsideOptionSpec>,
    /// Tags, e.g. "transit".
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One of a flow's alternative routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RouteSpec {
    /// Ordered nodes, origin first, destination last.
    pub route: Vec<String>,
    /// With `choice = "shares"`: the share of consignments taking it (the shares of a
    /// flow sum to 1). With `"congestion"`: the share the capacity sheet assumes.
    #[serde(default)]
    pub share: Option<f64>,
    /// With `choice = "cost"`: the expected door-to-door days used in the generalised
    /// cost (default: the route's running times, without waits).
    #[serde(default)]
    pub expected_days: Option<f64>,
}

/// How consignments of a flow with alternative routes choose one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RouteChoice {
    /// Fixed shares: each consignment draws a route with the routes' `share`s.
    #[default]
    Shares,
    /// Least expected generalised cost per tonne: tariffs and charges plus value of
    /// time × expected days. Every consignment takes the cheapest route.
    Cost,
    /// Congestion-aware: the route with the least cargo waiting for its legs when the
    /// consignment is generated (ties: least generalised cost, then the first listed).
    Congestion,
}

impl RouteChoice {
    /// The names used in files, for messages.
    pub const NAMES: &'static [&'static str] = &["shares", "cost", "congestion"];
}

/// The return of a flow's empty units (wagons, trucks, containers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EmptyReturnSpec {
    /// Share of the loaded units that go back empty (0 to 1).
    pub share: f64,
    /// Where they go: node ids, first the node where loaded units hand over their
    /// empties. Default: the flow's route reversed (from its destination).
    #[serde(default)]
    pub route: Option<Vec<String>>,
}

/// Storm closures of one or more ports (a sea area).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WeatherSpec {
    /// Ports closed by every storm of this area.
    #[serde(default)]
    pub ports: Vec<String>,
    /// Sheltered ports: each storm closes them only with this probability (0 to 1).
    #[serde(default)]
    pub close_probability: BTreeMap<String, f64>,
    /// Sea links whose sailings a storm suspends: ships ready to sail on them wait in
    /// port until it passes (ships already at sea carry on).
    #[serde(default)]
    pub sea_links: Vec<String>,
    /// Mean number of storms per year.
    pub storms_per_year: f64,
    /// Optional 12 monthly weights of storm onsets (January first).
    #[serde(default)]
    pub monthly_weights: Option<Vec<f64>>,
    /// Duration of a closure (hours).
    pub duration_hours: DistSpec,
}
