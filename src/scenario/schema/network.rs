//! Ports and their berths, inland nodes, sea and rail links.
use super::*;

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
