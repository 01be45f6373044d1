//! The serde schema of scenario files. Units are in the field names.
//!
//! Every table rejects unknown fields. Entities are keyed by ids (`[ports.baku]`);
//! maps are ordered (`BTreeMap`) so that everything derived from a scenario is
//! deterministic.

use super::candidates::CandidateSpec;
use super::dist::DistSpec;
use super::limits::{MAX_BERTHS, MAX_TRAINSETS, MAX_VESSELS, MAX_WAGONS};
use super::planning::{ChangeSpec, GrowthSpec, PlanningSpec};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
    /// Pools of vessels shared by several ship services (lines), by id.
    #[serde(default)]
    pub pools: BTreeMap<String, PoolSpec>,
    /// Pipelines (e.g. Baku–Tbilisi–Ceyhan), by id.
    #[serde(default)]
    pub pipelines: BTreeMap<String, PipelineSpec>,
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
    /// Named variants: overrides of this base scenario, in file order.
    #[serde(default)]
    pub variants: IndexMap<String, VariantSpec>,
    /// An optional parameter sweep.
    #[serde(default)]
    pub sweep: Option<SweepSpec>,
    /// A planning horizon of several calendar years (see [`PlanningSpec`]).
    #[serde(default)]
    pub planning: Option<PlanningSpec>,
    /// Demand growth paths, by the tag of the flows and arrivals they scale.
    #[serde(default)]
    pub growth: BTreeMap<String, GrowthSpec>,
    /// Dated capacity changes (upgrades, new vessels, works), by id.
    #[serde(default)]
    pub changes: BTreeMap<String, ChangeSpec>,
    /// Upgrades `corridor plan` may choose among, by id.
    #[serde(default)]
    pub candidates: IndexMap<String, CandidateSpec>,
    /// Inputs nobody knows exactly, with their ranges, by id (see `corridor sensitivity`).
    #[serde(default)]
    pub uncertain: IndexMap<String, super::uncertain::UncertainSpec>,
}

/// Who carries one leg of a flow, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegCarrier<'a> {
    /// A ship service.
    Ship(&'a str),
    /// A train service.
    Train(&'a str),
    /// A pipeline.
    Pipeline(&'a str),
}

impl ScenarioSpec {
    /// The sea link joining ports `a` and `b` (either way round), with its id.
    pub fn sea_link_between(&self, a: &str, b: &str) -> Option<(&String, &SeaLinkSpec)> {
        self.sea_links.iter().find(|(_, l)| joins(&l.between, a, b))
    }

    /// The rail line joining nodes `a` and `b` (either way round), with its id.
    pub fn rail_link_between(&self, a: &str, b: &str) -> Option<(&String, &RailLinkSpec)> {
        self.rail_links.iter().find(|(_, l)| joins(&l.between, a, b))
    }

    /// Every tag carried by a flow or an arrival stream: what a demand factor can scale.
    pub fn demand_tags(&self) -> std::collections::BTreeSet<&str> {
        self.flows
            .values()
            .flat_map(|f| &f.tags)
            .chain(self.ship_arrivals.values().flat_map(|a| &a.tags))
            .map(String::as_str)
            .collect()
    }

    /// The service that carries cargo of `class` (in `unit`, if the flow counts units)
    /// from node `from` to node `to`: the first of [`ScenarioSpec::leg_carriers`].
    pub fn leg_carrier(&self, class: BerthClass, unit: Option<&str>, from: &str, to: &str) -> Option<LegCarrier<'_>> {
        self.leg_carriers(class, unit, from, to).into_iter().next()
    }

    /// Every service that can carry cargo of `class` (in `unit`) from `from` to `to`:
    /// the ship services (in id order) with vessels calling at both ports that take the
    /// cargo — those with `slots` take the units they have slots for, the others take
    /// cargo of their own class; if there are none, the first train service with
    /// trainsets running `from` → `to`; if there is none, the first pipeline running
    /// `from` → `to`. Cargo waiting for a leg that several ship services carry takes
    /// the first vessel of any of them with room.
    pub fn leg_carriers(&self, class: BerthClass, unit: Option<&str>, from: &str, to: &str) -> Vec<LegCarrier<'_>> {
        let ships: Vec<LegCarrier<'_>> = self
            .ship_services
            .iter()
            .filter(|(_, s)| {
                let takes =
                    if s.slots.is_empty() { s.class == class } else { unit.is_some_and(|u| s.slots.contains_key(u)) };
                s.vessels > 0 && takes && s.route.iter().any(|p| p == from) && s.route.iter().any(|p| p == to)
            })
            .map(|(id, _)| LegCarrier::Ship(id))
            .collect();
        if !ships.is_empty() {
            return ships;
        }
        if let Some((id, _)) =
            self.train_services.iter().find(|(_, t)| t.trainsets > 0 && t.route[0] == from && t.route[1] == to)
        {
            return vec![LegCarrier::Train(id)];
        }
        self.pipelines
            .iter()
            .find(|(_, p)| p.route[0] == from && p.route[1] == to)
            .map(|(id, _)| vec![LegCarrier::Pipeline(id)])
            .unwrap_or_default()
    }
}

/// Whether a link with ends `between` joins `a` and `b`, either way round.
fn joins(between: &[String; 2], a: &str, b: &str) -> bool {
    (between[0] == a && between[1] == b) || (between[0] == b && between[1] == a)
}

/// Run settings of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
    /// Ports whose ship waits the decision table shows (default: the busiest port).
    #[serde(default)]
    pub focus_ports: Vec<String>,
    /// Flows whose p95 transit time the decision table shows (default: every flow,
    /// the slowest one's figure).
    #[serde(default)]
    pub focus_flows: Vec<String>,
    /// The currency of tariffs, charges and the value of time (a label, e.g. "USD").
    #[serde(default = "default_currency")]
    pub currency: String,
}

fn default_currency() -> String {
    "USD".to_string()
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
#[non_exhaustive]
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
    pub const ALL: [BerthClass; 5] =
        [BerthClass::RailFerry, BerthClass::RoRo, BerthClass::Container, BerthClass::Dry, BerthClass::LiquidBulk];

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
#[non_exhaustive]
pub struct PortSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Yard capacity in tonnes for cargo waiting at the port.
    pub yard_capacity_tonnes: f64,
    /// Usable depth at the berths (metres, less the under-keel clearance the port
    /// requires), at the sea level of the start of `[planning] start_year`: a vessel
    /// whose draught exceeds it loads less (see `draught_m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_m: Option<f64>,
    /// Berth groups by class.
    #[serde(default)]
    pub berths: BTreeMap<BerthClass, BerthSpec>,
    /// What happens to cargo handling at berth while a storm closes the port.
    #[serde(default)]
    pub handling_in_storms: StormHandling,
    /// Port charges per tonne of cargo passing the port (loaded or discharged), in
    /// the scenario's currency.
    #[serde(default)]
    pub charge_per_tonne: f64,
    /// CO2 of handling, kg per tonne passing the port.
    #[serde(default)]
    pub co2_kg_per_tonne: f64,
    /// Longitude, degrees east (−180 to 180), for the report's map and the GeoJSON
    /// file; with `lat`. Changes nothing simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Latitude, degrees north (−90 to 90); with `lon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
}

/// Cargo handling at berth while a storm closes the port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StormHandling {
    /// Handling stops (cranes and ramps have wind limits); the ship keeps its berth
    /// and resumes when the port reopens. The default: what ports do in practice.
    #[default]
    Pause,
    /// Handling goes on (a sheltered or covered terminal); only berthing and
    /// departures wait for the port to reopen.
    Continue,
}

/// A group of identical berths of one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BerthSpec {
    /// Number of berths.
    #[serde(deserialize_with = "Count::<{ MAX_BERTHS as u64 }>::read")]
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
    /// Hours per unit rolled or lifted on or off, by unit (`{ wagon = 0.1, truck =
    /// 0.05 }`), loaded or empty: a ro-ro or rail-ferry berth works by the unit, so an
    /// empty wagon costs berth time too. Added to `handling_tonnes_per_hour` (which may
    /// then be left out: tonnes take no time of their own); not with `service_hours`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unit_hours: BTreeMap<String, f64>,
}

/// Kinds of non-port nodes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NodeKind {
    /// A rail terminal (cargo can wait and change trains).
    #[default]
    RailTerminal,
    /// Where flows enter the model.
    Origin,
    /// Where flows leave the model.
    Destination,
    /// A transfer point — border crossing, customs, gauge change: every consignment
    /// passing waits for one of `servers` servers and is handled for `dwell_hours`.
    Transfer,
}

impl NodeKind {
    /// The names used in files, for messages.
    pub const NAMES: &'static [&'static str] = &["rail_terminal", "origin", "destination", "transfer"];
}

impl NodeSpec {
    /// A transfer point (border crossing, customs, gauge change): `servers` in
    /// parallel, each handling a consignment for `dwell_hours`.
    pub fn transfer(servers: u32, dwell_hours: DistSpec) -> NodeSpec {
        NodeSpec {
            kind: NodeKind::Transfer,
            servers: Some(servers),
            dwell_hours: Some(dwell_hours),
            ..NodeSpec::default()
        }
    }
}

impl DeparturePolicy {
    /// The names used in files, for messages.
    pub const NAMES: &'static [&'static str] = &["when_full", "timetable"];
}

/// A non-port node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NodeSpec {
    /// What kind of node.
    pub kind: NodeKind,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// For `kind = "transfer"`: servers working in parallel.
    #[serde(default, deserialize_with = "Count::<{ MAX_BERTHS as u64 }>::read_some")]
    pub servers: Option<u32>,
    /// For `kind = "transfer"`: handling time per consignment (hours).
    #[serde(default)]
    pub dwell_hours: Option<DistSpec>,
    /// Longitude, degrees east (−180 to 180), for the report's map and the GeoJSON
    /// file; with `lat`. Changes nothing simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Latitude, degrees north (−90 to 90); with `lon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
}

/// A sea link between two ports, usable both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeaLinkSpec {
    /// The two port ids.
    #[serde(deserialize_with = "exactly_two")]
    pub between: [String; 2],
    /// Sailing time (hours).
    pub sailing_hours: DistSpec,
    /// Sailing distance (km), for CO2 per tonne-km.
    #[serde(default)]
    pub distance_km: Option<f64>,
}

/// A rail line between two nodes, usable both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RailLinkSpec {
    /// The two node ids (ports or nodes).
    #[serde(deserialize_with = "exactly_two")]
    pub between: [String; 2],
    /// Transit time (hours).
    pub transit_hours: DistSpec,
    /// Line capacity: trains per day (each direction).
    pub trains_per_day: f64,
    /// Length of the line (km), for CO2 per tonne-km.
    #[serde(default)]
    pub length_km: Option<f64>,
}

/// A fleet of vessels running a loop between ports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ShipServiceSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Berth class the vessels need.
    pub class: BerthClass,
    /// Number of vessels.
    #[serde(deserialize_with = "Count::<{ MAX_VESSELS as u64 }>::read")]
    pub vessels: u32,
    /// Cargo capacity per vessel (tonnes).
    pub capacity_tonnes: f64,
    /// Design draught at full load (metres); with `tonnes_per_cm`, a vessel loads only
    /// what the shallowest port of its route lets it float with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draught_m: Option<f64>,
    /// Tonnes per centimetre of immersion: the load a vessel gives up for each
    /// centimetre its draught must shrink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tonnes_per_cm: Option<f64>,
    /// Ports called in order; after the last the vessel returns to the first.
    pub route: Vec<String>,
    /// Sail when loaded to at least this fraction of capacity (0–1): of the weight, or
    /// of the slots (the deck, when shared) for a service with `slots`.
    #[serde(default = "default_fill")]
    pub fill_threshold: f64,
    /// Sail after waiting this long for cargo, whatever the load (hours).
    pub max_wait_hours: f64,
    /// Ports where a vessel waits at berth for cargo (up to `fill_threshold` or
    /// `max_wait_hours`); elsewhere it loads what is waiting and sails. Default: every
    /// port of the route.
    #[serde(default)]
    pub wait_for_cargo_at: Option<Vec<String>>,
    /// Cargo units carried and the slots for each, e.g. `{ wagon = 54, truck = 40 }`:
    /// a vessel with slots carries only flows counted in those units (and any flow of
    /// its own class when it has none). `capacity_tonnes` still caps the weight.
    #[serde(default)]
    pub slots: IndexMap<String, u32>,
    /// How the units share the vessel: `"shared"` (one deck; a unit takes
    /// 1/slots of it, so 27 wagons and 20 trucks fill a `{ wagon = 54, truck = 40 }`
    /// deck) or `"separate"` (each unit has its own slots).
    #[serde(default)]
    pub deck: DeckSharing,
    /// Caps on the units a vessel takes, below their slots (e.g. `{ truck = 20 }`
    /// keeps room for wagons on a shared deck).
    #[serde(default)]
    pub max_units: BTreeMap<String, u32>,
    /// Which units load first; units not listed follow in the order of `slots`.
    /// Within a unit, cargo for the nearest port ahead first, oldest first; loaded
    /// units before empty ones.
    #[serde(default)]
    pub loading_order: Vec<String>,
    /// What cargo pays for the trip, per tonne (in the scenario's currency).
    #[serde(default)]
    pub tariff_per_tonne: f64,
    /// What cargo pays per unit carried, e.g. `{ wagon = 1800, truck = 900 }`.
    #[serde(default)]
    pub tariff_per_unit: BTreeMap<String, f64>,
    /// Emission factor, g CO2 per tonne-km (well to wake).
    #[serde(default)]
    pub co2_g_per_tonne_km: f64,
}

/// How cargo units share a vessel's slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeckSharing {
    /// One deck: every unit takes its share of it (1 / its slots).
    #[default]
    Shared,
    /// Separate spaces: each unit has its own slots.
    Separate,
}

impl DeckSharing {
    /// The names used in files, for messages.
    pub const NAMES: &'static [&'static str] = &["shared", "separate"];
}

/// A pool of vessels shared by several ship services (its lines): each line's
/// `vessels` is only where its vessels start. A vessel is released when it has
/// unloaded everything at the pool's release port; the dispatch rule then picks the
/// line it loads for and sails next, so vessels go where cargo waits. Every line calls
/// at the release port, and all use one berth class (a pooled vessel is one kind of
/// ship); a vessel takes the capacity and slots of the line it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PoolSpec {
    /// The ship services (lines) whose vessels are pooled: two or more.
    pub services: Vec<String>,
    /// The port where vessels are released to a line: one every line calls at.
    /// Default: the first port of the first line's route that every line calls at.
    #[serde(default)]
    pub release_at: Option<String>,
    /// How a released vessel picks its next line.
    #[serde(default)]
    pub dispatch: Dispatch,
}

impl PoolSpec {
    /// A pool of `services`, released where they all call, dispatched to the most
    /// tonnes waiting per vessel.
    pub fn new<S: Into<String>>(services: impl IntoIterator<Item = S>) -> PoolSpec {
        PoolSpec {
            services: services.into_iter().map(Into::into).collect(),
            release_at: None,
            dispatch: Dispatch::default(),
        }
    }

    /// Releases vessels at port `port`.
    pub fn release_at(mut self, port: impl Into<String>) -> Self {
        self.release_at = Some(port.into());
        self
    }

    /// Dispatches released vessels by `rule`.
    pub fn dispatch(mut self, rule: Dispatch) -> Self {
        self.dispatch = rule;
        self
    }
}

/// How a pool sends a released vessel to a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dispatch {
    /// To the line with the most tonnes waiting for it (at every port of its route)
    /// per vessel serving it, counting the released vessel on the line it would join;
    /// ties keep the vessel on its line.
    #[default]
    MostTonnesWaiting,
    /// To the line whose longest-waiting consignment has waited longest (first come,
    /// first served across the lines); with nothing waiting it stays on its line.
    OldestCargo,
    /// Never: each vessel stays on the line it started on (the fixed split).
    Fixed,
}

impl Dispatch {
    /// The names used in files, for messages.
    pub const NAMES: &'static [&'static str] = &["most_tonnes_waiting", "oldest_cargo", "fixed"];
}

/// A pipeline: cargo waiting at its first node (in the port's yard, i.e. its tanks) is
/// pumped first come, first served at `tonnes_per_hour` and reaches the second node
/// after `transit_hours`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PipelineSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `[from, to]`: node ids.
    #[serde(deserialize_with = "exactly_two")]
    pub route: [String; 2],
    /// Pumping capacity available to the modelled cargo (tonnes per hour).
    pub tonnes_per_hour: f64,
    /// Time from the pump to the far end (hours); default 0.
    #[serde(default)]
    pub transit_hours: Option<DistSpec>,
    /// Length (km), for CO2 per tonne-km.
    #[serde(default)]
    pub length_km: Option<f64>,
    /// What cargo pays, per tonne.
    #[serde(default)]
    pub tariff_per_tonne: f64,
    /// Emission factor, g CO2 per tonne-km.
    #[serde(default)]
    pub co2_g_per_tonne_km: f64,
}

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

/// Reads a whole count no larger than `MAX` (berths, vessels, trainsets, …), so a
/// figure too large for the field names its limit, not the integer type that holds it.
struct Count<const MAX: u64>;

impl<const MAX: u64> Count<MAX> {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        d.deserialize_any(Self)
    }

    fn read_some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        Self::read(d).map(Some)
    }
}

impl<'de, const MAX: u64> serde::de::Visitor<'de> for Count<MAX> {
    type Value = u32;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a whole number from 0 to {MAX}")
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u32, E> {
        if n <= MAX {
            u32::try_from(n).map_err(|_| E::custom(format!("{n} is more than {}", u32::MAX)))
        } else {
            Err(E::custom(format!("{n} is more than the limit: a whole number from 0 to {MAX}")))
        }
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<u32, E> {
        match u64::try_from(n) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::custom(format!("{n} is negative: a whole number from 0 to {MAX}"))),
        }
    }
}

/// Reads a list of exactly two ids (the ends of a link, or a pipeline's or train
/// service's `[from, to]`): a third entry is refused, never dropped.
fn exactly_two<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[String; 2], D::Error> {
    let ids = Vec::<String>::deserialize(d)?;
    let given = ids.len();
    <[String; 2]>::try_from(ids)
        .map_err(|_| serde::de::Error::custom(format!("expected exactly two ids, [from, to]; {given} given")))
}

fn default_fill() -> f64 {
    0.8
}

/// When trains leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeparturePolicy {
    /// As soon as a full train load waits (or after `max_wait_hours`).
    WhenFull,
    /// Every `timetable_hours`, with whatever waits.
    Timetable,
}

/// Trains running between two nodes along a rail link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TrainServiceSpec {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// `[from, to]`: the rail link's two ends; trains run loaded from → to, return empty.
    #[serde(deserialize_with = "exactly_two")]
    pub route: [String; 2],
    /// Trainsets in the fleet.
    #[serde(deserialize_with = "Count::<{ MAX_TRAINSETS as u64 }>::read")]
    pub trainsets: u32,
    /// Wagons per train.
    #[serde(deserialize_with = "Count::<{ MAX_WAGONS as u64 }>::read")]
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
    /// What `max_wait_hours` counts from: the oldest waiting cargo's arrival (the
    /// default) or the service's last departure.
    #[serde(default)]
    pub max_wait_from: WaitFrom,
    /// Loading time at the origin terminal (hours).
    #[serde(default)]
    pub loading_hours: f64,
    /// Unloading time at the destination terminal (hours).
    #[serde(default)]
    pub unloading_hours: f64,
    /// What cargo pays for the trip, per tonne.
    #[serde(default)]
    pub tariff_per_tonne: f64,
    /// What cargo pays per unit carried (wagon, truck, TEU), by unit.
    #[serde(default)]
    pub tariff_per_unit: BTreeMap<String, f64>,
    /// Emission factor, g CO2 per tonne-km (well to wheel).
    #[serde(default)]
    pub co2_g_per_tonne_km: f64,
}

/// What a part-load train's wait counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaitFrom {
    /// The oldest waiting consignment's arrival at the terminal.
    #[default]
    OldestCargo,
    /// The service's last departure: a train leaves at most this long after the one before.
    LastDeparture,
}

/// When cargo a ship discharges enters the port's yard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Landing {
    /// Parcel by parcel (`parcel_tonnes`) as it is handled.
    #[default]
    AsHandled,
    /// All of it when the ship's handling ends.
    AtEnd,
}

fn default_parcel_tonnes() -> f64 {
    500.0
}

fn default_train_wait() -> f64 {
    48.0
}

/// Ships arriving from outside the model with cargo for one port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
    /// Cargo discharged per ship (tonnes); it leaves the model there (e.g. to a
    /// pipeline), unless `continues_as` names a flow that carries it on.
    pub cargo_tonnes: DistSpec,
    /// A flow whose route starts at this port: the discharged cargo enters the yard
    /// and travels on as that flow's cargo (a port model: ships → berths → yard → rail).
    #[serde(default)]
    pub continues_as: Option<String>,
    /// With `continues_as`: when the cargo enters the yard.
    #[serde(default)]
    pub landing: Landing,
    /// With `landing = "as_handled"`: the parcel that enters the yard at a time (tonnes).
    #[serde(default = "default_parcel_tonnes")]
    pub parcel_tonnes: f64,
    /// Tags (for variants that scale demand).
    #[serde(default)]
    pub tags: Vec<String>,
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

/// A named variant: overrides applied to the base scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VariantSpec {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Other variants applied first: each ancestor once, depth first, left to right.
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
    pub set: BTreeMap<String, OverrideValue>,
    /// Factors to multiply numbers by, by dotted path.
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
}

/// A value a variant or sweep writes into the scenario: a number, a string, true or
/// false, a list or a table — the same values a scenario file holds.
///
/// ```
/// use corridor::scenario::OverrideValue;
/// assert_eq!(OverrideValue::from(3), OverrideValue::Integer(3));
/// assert_eq!(OverrideValue::from(2.5), OverrideValue::Float(2.5));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OverrideValue {
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    String(String),
    /// A list.
    Array(Vec<OverrideValue>),
    /// A table.
    Table(BTreeMap<String, OverrideValue>),
}

impl OverrideValue {
    /// The value as TOML, for patching a document.
    pub fn to_toml(&self) -> toml::Value {
        match self {
            OverrideValue::Bool(b) => toml::Value::Boolean(*b),
            OverrideValue::Integer(i) => toml::Value::Integer(*i),
            OverrideValue::Float(x) => toml::Value::Float(*x),
            OverrideValue::String(s) => toml::Value::String(s.clone()),
            OverrideValue::Array(a) => toml::Value::Array(a.iter().map(OverrideValue::to_toml).collect()),
            OverrideValue::Table(t) => toml::Value::Table(t.iter().map(|(k, v)| (k.clone(), v.to_toml())).collect()),
        }
    }

    /// The value of a TOML value (dates become text).
    pub fn from_toml(value: &toml::Value) -> OverrideValue {
        match value {
            toml::Value::Boolean(b) => OverrideValue::Bool(*b),
            toml::Value::Integer(i) => OverrideValue::Integer(*i),
            toml::Value::Float(x) => OverrideValue::Float(*x),
            toml::Value::String(s) => OverrideValue::String(s.clone()),
            toml::Value::Datetime(d) => OverrideValue::String(d.to_string()),
            toml::Value::Array(a) => OverrideValue::Array(a.iter().map(OverrideValue::from_toml).collect()),
            toml::Value::Table(t) => {
                OverrideValue::Table(t.iter().map(|(k, v)| (k.clone(), OverrideValue::from_toml(v))).collect())
            }
        }
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            OverrideValue::Integer(i) => Some(*i as f64),
            OverrideValue::Float(x) => Some(*x),
            _ => None,
        }
    }
}

impl std::fmt::Display for OverrideValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_toml())
    }
}

impl<'de> Deserialize<'de> for OverrideValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OverrideValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, a string, true or false, a list or a table")
            }
            fn visit_bool<E>(self, v: bool) -> Result<OverrideValue, E> {
                Ok(OverrideValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<OverrideValue, E> {
                Ok(OverrideValue::Integer(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OverrideValue, E> {
                i64::try_from(v)
                    .map(OverrideValue::Integer)
                    .map_err(|_| E::custom(format!("{v} is too large (at most {})", i64::MAX)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<OverrideValue, E> {
                Ok(OverrideValue::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<OverrideValue, E> {
                Ok(OverrideValue::String(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<OverrideValue, E> {
                Ok(OverrideValue::String(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OverrideValue, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(OverrideValue::Array(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OverrideValue, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, OverrideValue>()? {
                    out.insert(k, v);
                }
                Ok(OverrideValue::Table(out))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

macro_rules! override_from {
    ($($t:ty => $variant:ident as $as:ty),*) => {
        $(impl From<$t> for OverrideValue {
            fn from(v: $t) -> Self {
                OverrideValue::$variant(v as $as)
            }
        })*
    };
}
override_from!(i64 => Integer as i64, i32 => Integer as i64, u32 => Integer as i64, f64 => Float as f64, bool => Bool as bool);

impl From<&str> for OverrideValue {
    fn from(v: &str) -> Self {
        OverrideValue::String(v.to_string())
    }
}

impl From<String> for OverrideValue {
    fn from(v: String) -> Self {
        OverrideValue::String(v)
    }
}

impl From<DistSpec> for OverrideValue {
    fn from(d: DistSpec) -> Self {
        toml::Value::try_from(&d).map(|v| OverrideValue::from_toml(&v)).unwrap_or(OverrideValue::Table(BTreeMap::new()))
    }
}

/// A grid over one or two parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct SweepAxis {
    /// Dotted path of the parameter, e.g. `"ports.baku.berths.rail_ferry.count"`, or
    /// `"demand_factor"`: the demand of the flows and arrivals with one of `tags` (all,
    /// when none are given) multiplied by each value, as a variant's `demand_factor`.
    pub parameter: String,
    /// Values it takes.
    pub values: Vec<OverrideValue>,
    /// With `parameter = "demand_factor"`: the tags of the flows and arrivals scaled.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The sweep parameter that scales demand instead of setting a field.
pub const DEMAND_FACTOR: &str = "demand_factor";
