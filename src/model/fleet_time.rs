//! How the vessels of a ship service spend their time: the states their time is split
//! into (loaded and empty sailing, waits for a berth, cargo, yard room or weather,
//! berthing, handling), and the one function that moves a ship between phases while
//! keeping that split and its berth's working/idle split up to date.

use super::corridor::Corridor;
use super::network::Kg;
use super::ships::Phase;
use crate::engine::SimTime;
use crate::stats::{OnlineStats, TimeWeighted};

/// How a vessel of a service spends its time: the states its time is split into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VesselState {
    LoadedSailing,
    EmptySailing,
    WaitingForBerth,
    Berthing,
    Handling,
    BlockedByYard,
    WaitingForCargo,
    WeatherBound,
}

impl VesselState {
    /// Every state, in the order of the KPIs.
    pub(crate) const ALL: [VesselState; 8] = [
        VesselState::LoadedSailing,
        VesselState::EmptySailing,
        VesselState::WaitingForBerth,
        VesselState::Berthing,
        VesselState::Handling,
        VesselState::BlockedByYard,
        VesselState::WaitingForCargo,
        VesselState::WeatherBound,
    ];

    /// The name in KPI keys.
    pub(crate) fn name(self) -> &'static str {
        match self {
            VesselState::LoadedSailing => "loaded_sailing",
            VesselState::EmptySailing => "empty_sailing",
            VesselState::WaitingForBerth => "waiting_for_berth",
            VesselState::Berthing => "berthing",
            VesselState::Handling => "handling",
            VesselState::BlockedByYard => "blocked_by_yard",
            VesselState::WaitingForCargo => "waiting_for_cargo",
            VesselState::WeatherBound => "weather_bound",
        }
    }

    /// Productive time: carrying cargo, or working it at berth.
    pub(crate) fn productive(self) -> bool {
        matches!(self, VesselState::LoadedSailing | VesselState::Berthing | VesselState::Handling)
    }

    /// The vessel's own cycle: sailing (loaded or empty), berthing and handling —
    /// everything but waits (for cargo, a berth, yard room, the weather).
    pub(crate) fn own_work(self) -> bool {
        self.productive() || self == VesselState::EmptySailing
    }

    fn of(phase: Phase, load: Kg) -> Option<VesselState> {
        Some(match phase {
            Phase::Sailing if load > 0 => VesselState::LoadedSailing,
            Phase::Sailing => VesselState::EmptySailing,
            Phase::Queued => VesselState::WaitingForBerth,
            Phase::Berthing => VesselState::Berthing,
            Phase::Unloading | Phase::Loading => VesselState::Handling,
            Phase::Blocked => VesselState::BlockedByYard,
            Phase::WaitingCargo => VesselState::WaitingForCargo,
            Phase::WaitingWeather | Phase::Paused => VesselState::WeatherBound,
            Phase::Gone => return None,
        })
    }
}

/// Whether a ship in `phase` holds a berth and works cargo there (berthing, unloading,
/// loading), holds one without working (blocked, waiting for cargo or weather), or
/// holds none.
pub(super) fn at_berth(phase: Phase) -> Option<bool> {
    match phase {
        Phase::Berthing | Phase::Unloading | Phase::Loading => Some(true),
        Phase::Blocked | Phase::WaitingCargo | Phase::WaitingWeather | Phase::Paused => Some(false),
        Phase::Sailing | Phase::Queued | Phase::Gone => None,
    }
}

/// The most cargo units one ship service can have slots for.
pub(crate) const MAX_UNITS_PER_SERVICE: usize = 8;

/// Departures of a service from one port of its route towards the next, in the
/// measured window: one direction of travel.
#[derive(Debug, Default, Clone)]
pub(crate) struct DirectionStats {
    /// Departures.
    pub(crate) trips: u64,
    /// Departures with cargo or empty units aboard.
    pub(crate) with_cargo: u64,
    /// Tonnes carried.
    pub(crate) kg: u64,
    /// Loaded units carried, per slot of the service (in its loading order).
    pub(crate) loaded_units: [u64; MAX_UNITS_PER_SERVICE],
    /// Empty units carried, per slot.
    pub(crate) empty_units: [u64; MAX_UNITS_PER_SERVICE],
    /// Weight load factor at departure.
    pub(crate) load_factor: OnlineStats,
    /// Share of the slots (deck) taken at departure.
    pub(crate) slot_factor: OnlineStats,
    /// Cargo left behind because a draught limit kept the vessel below its design
    /// capacity: at departures full by weight, what was waiting for it, up to what
    /// the design capacity would have taken more.
    pub(crate) left_by_draught: u64,
}

/// Per-service measurement.
#[derive(Debug, Clone)]
pub(crate) struct ServiceState {
    /// Departures in the measured window.
    pub(crate) trips: u64,
    /// Load factor at departure.
    pub(crate) load_factor: OnlineStats,
    /// Vessels in each state over time (indexed like [`VesselState::ALL`]).
    pub(crate) time: [TimeWeighted; 8],
    /// Per position in the route: departures towards the next port.
    pub(crate) directions: Vec<DirectionStats>,
}

impl ServiceState {
    /// A service calling at `ports` ports.
    pub(crate) fn new(ports: usize) -> Self {
        ServiceState {
            trips: 0,
            load_factor: OnlineStats::new(),
            time: std::array::from_fn(|_| TimeWeighted::new(0, 0.0)),
            directions: vec![DirectionStats::default(); ports],
        }
    }
}

/// Moves vessel `ship`'s time, from `now` on, from its service's split to service
/// `to`'s (a pooled vessel changing line); the caller then changes its service.
pub(crate) fn move_to_service(w: &mut Corridor<'_>, ship: u32, to: usize, now: SimTime) {
    let sh = &w.ships.vessels[ship as usize];
    let (Some(from), Some(state)) = (sh.service, VesselState::of(sh.phase, sh.load)) else { return };
    let t = now.as_millis();
    w.ships.services[from as usize].time[state as usize].add(t, -1.0);
    w.ships.services[to].time[state as usize].add(t, 1.0);
}

/// Moves a ship to `phase`, keeping its service's time split and its berth's
/// working/idle split up to date. Call before the ship's port changes.
pub(crate) fn set_phase(w: &mut Corridor<'_>, ship: u32, phase: Phase, now: SimTime) {
    let sh = &w.ships.vessels[ship as usize];
    let (old, load, port, berth, service) = (sh.phase, sh.load, sh.port, sh.berth, sh.service);
    let (was, becomes) = (VesselState::of(old, load), VesselState::of(phase, load));
    // A step that keeps the vessel's state (one more consignment unloaded) leaves the
    // split as it is: the integrals count whole vessel-milliseconds, exactly.
    if let Some(svc) = service.filter(|_| was != becomes) {
        let time = &mut w.ships.services[svc as usize].time;
        let t = now.as_millis();
        if let Some(state) = was {
            time[state as usize].add(t, -1.0);
        }
        if let Some(state) = becomes {
            time[state as usize].add(t, 1.0);
        }
    }
    let working = |p: Phase| at_berth(p) == Some(true);
    if working(old) != working(phase) {
        let group = &mut w.berths.ports[port].groups[berth];
        group.working.add(now.as_millis(), if working(phase) { 1.0 } else { -1.0 });
    }
    w.ships.vessels[ship as usize].phase = phase;
}
