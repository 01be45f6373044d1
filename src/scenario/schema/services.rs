//! Ship services, pools of vessels, pipelines, train services and ships arriving
//! from outside.
use super::*;

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
