//! The serde schema of scenario files. Units are in the field names.
//!
//! Every table rejects unknown fields. Entities are keyed by ids (`[ports.baku]`);
//! maps are ordered (`BTreeMap`) so that everything derived from a scenario is
//! deterministic.

use super::dist::DistSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Run settings.
    pub scenario: Settings,
    /// Ports, by id.
    #[serde(default)]
    pub ports: BTreeMap<String, PortSpec>,
    /// Other nodes (rail terminals, origins, destinations), by id.
    #[serde(default)]
    pub nodes: BTreeMap<String, NodeSpec>,
    /// Sea links between ports, by id.
    #[serde(default)]
    pub sea_links: BTreeMap<String, SeaLinkSpec>,
    /// Rail lines, by id.
    #[serde(default)]
    pub rail_links: BTreeMap<String, RailLinkSpec>,
    /// Ship services (fleets running loops between ports), by id.
    #[serde(default)]
    pub ship_services: BTreeMap<String, ShipServiceSpec>,
    /// Train services, by id.
    #[serde(default)]
    pub train_services: BTreeMap<String, TrainServiceSpec>,
    /// Ships arriving from outside the model (tankers, tramps), by id.
    #[serde(default)]
    pub ship_arrivals: BTreeMap<String, ShipArrivalSpec>,
    /// Cargo flows, by id.
    #[serde(default)]
    pub flows: BTreeMap<String, FlowSpec>,
    /// Weather closures, by id.
    #[serde(default)]
    pub weather: BTreeMap<String, WeatherSpec>,
    /// Named variants: overrides of this base scenario.
    #[serde(default)]
    pub variants: BTreeMap<String, VariantSpec>,
    /// An optional parameter sweep.
    #[serde(default)]
    pub sweep: Option<SweepSpec>,
}

/// Run settings of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Simulated days measured after the warm-up.
    pub horizon_days: f64,
    /// Days simulated first and discarded from statistics.
    #[serde(default)]
    pub warmup_days: f64,
    /// Default master seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Default number of replications.
    #[serde(default = "default_replications")]
    pub replications: u64,
    /// Cap on consignments in the system at once; beyond it a replication is saturated.
    #[serde(default = "default_max_consignments")]
    pub max_consignments_in_system: u64,
    /// Cap on events per replication; beyond it a replication is saturated.
    #[serde(default = "default_max_events")]
    pub max_events_per_replication: u64,
}

fn default_seed() -> u64 {
    42
}
fn default_replications() -> u64 {
    20
}
fn default_max_consignments() -> u64 {
    200_000
}
fn default_max_events() -> u64 {
    50_000_000
}

/// Classes of berths and of the cargo (or ships) they handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BerthClass {
    /// Rail ferries (wagons roll on and off).
    RailFerry,
    /// Ro-ro and ro-pax (trucks, trailers).
    RoRo,
    /// Containers.
    Container,
    /// Dry bulk and general cargo.
    Dry,
    /// Liquid bulk (crude, products).
    LiquidBulk,
}

impl BerthClass {
    /// Every class, in a fixed order.
    pub const ALL: [BerthClass; 5] = [
        BerthClass::RailFerry,
        BerthClass::RoRo,
        BerthClass::Container,
        BerthClass::Dry,
        BerthClass::LiquidBulk,
    ];

    /// The snake_case name used in files and KPI keys.
    pub fn name(self) -> &'static str {
        match self {
            BerthClass::RailFerry => "rail_ferry",
            BerthClass::RoRo => "ro_ro",
            BerthClass::Container => "container",
            BerthClass::Dry => "dry",
            BerthClass::LiquidBulk => "liquid_bulk",
        }
    }
}

/// A port: berth groups by class, a yard, optional display name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Yard capacity in tonnes for cargo waiting at the port.
    pub yard_capacity_tonnes: f64,
    /// Berth groups by class.
    #[serde(default)]
    pub berths: BTreeMap<BerthClass, BerthSpec>,
}

/// A group of identical berths of one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BerthSpec {
    /// Number of berths.
    pub count: u32,
    /// Handling rate per berth (tonnes/hour). Give this or `service_hours`.
    #[serde(default)]
    pub handling_tonnes_per_hour: Option<f64>,
    /// Fixed berthing + unberthing time per call (hours), with a handling rate.
    #[serde(default)]
    pub berthing_hours: f64,
    /// Time a ship occupies the berth per call, as a distribution (hours).
    #[serde(default)]
    pub service_hours: Option<DistSpec>,
}

/// Kinds of non-port nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A rail terminal (cargo can wait and change trains).
    RailTerminal,
    /// Where flows enter the model.
    Origin,
    /// Where flows leave the model.
    Destination,
}

/// A non-port node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// What kind of node.
    pub kind: NodeKind,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
}

/// A sea link between two ports, usable both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeaLinkSpec {
    /// The two port ids.
    pub between: [String; 2],
    /// Sailing time (hours).
    pub sailing_hours: DistSpec,
}

/// A rail line between two nodes, usable both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RailLinkSpec {
    /// The two node ids (ports or nodes).
    pub between: [String; 2],
    /// Transit time (hours).
    pub transit_hours: DistSpec,
    /// Line capacity: trains per day (each direction).
    pub trains_per_day: f64,
}

/// A fleet of vessels running a loop between ports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipServiceSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Berth class the vessels need.
    pub class: BerthClass,
    /// Number of vessels.
    pub vessels: u32,
    /// Cargo capacity per vessel (tonnes).
    pub capacity_tonnes: f64,
    /// Ports called in order; after the last the vessel returns to the first.
    pub route: Vec<String>,
    /// Sail when loaded to at least this fraction of capacity (0–1).
    #[serde(default = "default_fill")]
    pub fill_threshold: f64,
    /// Sail after waiting this long for cargo, whatever the load (hours).
    pub max_wait_hours: f64,
}

fn default_fill() -> f64 {
    0.8
}

/// When trains leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeparturePolicy {
    /// As soon as a full train load waits (or after `max_wait_hours`).
    WhenFull,
    /// Every `timetable_hours`, with whatever waits.
    Timetable,
}

/// Trains running between two nodes along a rail link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainServiceSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `[from, to]`: the rail link's two ends; trains run loaded from → to, return empty.
    pub route: [String; 2],
    /// Trainsets in the fleet.
    pub trainsets: u32,
    /// Wagons per train.
    pub wagons: u32,
    /// Payload per wagon (tonnes).
    pub tonnes_per_wagon: f64,
    /// Departure policy.
    pub departure: DeparturePolicy,
    /// Timetable interval (hours), for `departure = "timetable"`.
    #[serde(default)]
    pub timetable_hours: Option<f64>,
    /// For `when_full`: leave with a part load after this long (hours).
    #[serde(default = "default_train_wait")]
    pub max_wait_hours: f64,
    /// Loading time at the origin terminal (hours).
    #[serde(default)]
    pub loading_hours: f64,
    /// Unloading time at the destination terminal (hours).
    #[serde(default)]
    pub unloading_hours: f64,
}

fn default_train_wait() -> f64 {
    48.0
}

/// Ships arriving from outside the model with cargo for one port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipArrivalSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Port the ships call at.
    pub port: String,
    /// Berth class they need.
    pub class: BerthClass,
    /// Mean arrivals per year (Poisson).
    pub ships_per_year: f64,
    /// Cargo discharged per ship (tonnes); it leaves the model there (e.g. to a pipeline).
    pub cargo_tonnes: DistSpec,
    /// Tags (for variants that scale demand).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A cargo flow from an origin to a destination along a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Ordered nodes the cargo passes, origin first, destination last.
    pub route: Vec<String>,
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
    /// Consignment size (tonnes).
    pub consignment_tonnes: DistSpec,
    /// Optional 12 monthly factors (January first) scaling the arrival rate; mean 1.
    #[serde(default)]
    pub seasonality: Option<Vec<f64>>,
    /// Tags, e.g. "transit".
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Storm closures of one or more ports (a sea area).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeatherSpec {
    /// Ports closed together by each storm.
    pub ports: Vec<String>,
    /// Mean number of storms per year.
    pub storms_per_year: f64,
    /// Optional 12 monthly weights of storm onsets (January first).
    #[serde(default)]
    pub monthly_weights: Option<Vec<f64>>,
    /// Duration of a closure (hours).
    pub duration_hours: DistSpec,
}

/// A named variant: overrides applied to the base scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Other variants applied first, in order.
    #[serde(default)]
    pub extends: Vec<String>,
    /// Multiply the annual volume of flows (and ship arrivals) by this factor.
    #[serde(default)]
    pub demand_factor: Option<f64>,
    /// Restrict `demand_factor` to flows and arrivals with one of these tags.
    #[serde(default)]
    pub demand_tags: Vec<String>,
    /// Values to set, by dotted path into the scenario (e.g. `"ports.baku.berths.dry.count"`).
    #[serde(default)]
    pub set: BTreeMap<String, toml::Value>,
    /// Factors to multiply numbers by, by dotted path.
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
}

/// A grid over one or two parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Variant the grid is applied on top of (default: the base).
    #[serde(default)]
    pub base: Option<String>,
    /// One or two axes.
    pub axes: Vec<SweepAxis>,
    /// KPI key plotted against the first axis.
    #[serde(default)]
    pub kpi: Option<String>,
}

/// One axis of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepAxis {
    /// Dotted path of the parameter, e.g. `"ports.baku.berths.rail_ferry.count"`.
    pub parameter: String,
    /// Values it takes.
    pub values: Vec<toml::Value>,
}
