//! Ships: fleets of vessels running loops between ports (ship services); ships from
//! open arrival streams (see `arrivals`) call the same way. A vessel arrives at a
//! port's anchorage, takes a berth, unloads what is for this port (into the yard, or
//! blocked while the yard is full), loads what waits for the ports ahead, and sails
//! when full enough or after its longest wait for cargo — unless the port is closed by
//! weather.
//!
//! Streams: `sea/<id>/sailing`.
//! Measurement: per service, departures and their load factors, and vessels waiting
//! for cargo over time.

use super::berths::Berths;
use super::cargo::Consignment;
use super::corridor::{Corridor, Event, Network};
pub(crate) use super::fleet_time::{MAX_UNITS_PER_SERVICE, ServiceState, VesselState, set_phase};
use super::network::Kg;
pub(super) use super::ship_services::compile;
pub(crate) use super::ship_services::{SeaLinkDef, ShipServiceDef};
use super::ship_weather::{handling_paused, held_by_weather, park};
pub(crate) use super::ship_weather::{pause_handling, release_weather_held, resume_handling, schedule_step};
use crate::engine::{EventHandle, RandomStream, Scheduler, SimTime, Streams};
use crate::stats::OnlineStats;

/// What a ship is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Sailing towards its next port.
    Sailing,
    /// At anchor waiting for a berth.
    Queued,
    /// At berth, berthing or in a sampled service time.
    Berthing,
    /// Unloading.
    Unloading,
    /// Blocked: the yard has no room for the next consignment.
    Blocked,
    /// Loading.
    Loading,
    /// At berth, waiting for more cargo.
    WaitingCargo,
    /// Ready to leave but the port is closed or the sailing suspended.
    WaitingWeather,
    /// At berth, handling paused while a storm closes the port.
    Paused,
    /// Left the model (open arrivals).
    Gone,
}

/// A vessel.
#[derive(Debug, Clone)]
pub(crate) struct Ship {
    /// Ship service, or `None` for an open arrival.
    pub(crate) service: Option<u32>,
    /// Position in the service's route of the current port.
    pub(crate) route_pos: usize,
    /// Current (or next) port.
    pub(crate) port: usize,
    /// Berth group index at that port.
    pub(crate) berth: usize,
    /// Consignments on board.
    pub(crate) cargo: Vec<u32>,
    /// Weight on board (consignments and open cargo).
    pub(crate) load: Kg,
    /// Units on board, per slot of its service.
    pub(crate) units: [u32; MAX_UNITS_PER_SERVICE],
    /// Deck parts taken (shared deck).
    pub(crate) deck_used: u64,
    /// Cargo of an open arrival (leaves at this port, or lands for `landing`).
    pub(crate) open_cargo: Kg,
    /// For an open arrival whose cargo continues inland: (flow, parcel kg, lands at end).
    pub(crate) landing: Option<(u32, Kg, bool)>,
    /// With a landing at the end: whether the handling time has been spent.
    pub(crate) handled: bool,
    pub(crate) phase: Phase,
    /// When it reached the port (anchorage).
    pub(crate) arrived: SimTime,
    /// When it took its berth.
    pub(crate) berthed: SimTime,
    /// When it started waiting for cargo or was blocked.
    pub(crate) since: SimTime,
    /// Generation of its wait timer.
    pub(crate) token: u32,
    /// Whether it has started waiting for cargo at this call (`since` is then set).
    pub(crate) has_waited: bool,
    /// Its pending handling event (berthing or a cargo step) and when it is due.
    pub(crate) step: Option<(EventHandle, SimTime)>,
    /// While paused by a storm: the phase to resume and the time its step had left.
    pub(crate) paused: (Phase, SimTime),
}

/// The ships subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Ships {
    pub(crate) vessels: Vec<Ship>,
    free: Vec<u32>,
    pub(crate) services: Vec<ServiceState>,
    /// Per port: ships at berth waiting for cargo.
    pub(crate) waiting_cargo: Vec<Vec<u32>>,
    /// Per port: ships ready to leave, held by the weather.
    pub(crate) weather_held: Vec<Vec<u32>>,
    /// Per port: ships whose handling a storm paused.
    pub(crate) paused: Vec<Vec<u32>>,
    /// Per service: vessels serving it now (pooled vessels move between services).
    pub(crate) assigned: Vec<u32>,
    /// Per pool: vessels that changed line in the measured window.
    pub(crate) pool_changes: Vec<u64>,
    sea_rng: Vec<RandomStream>,
}

impl Ships {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Ships {
        Ships {
            vessels: Vec::new(),
            free: Vec::new(),
            services: net.ship_services.iter().map(|d| ServiceState::new(d.route.len())).collect(),
            waiting_cargo: net.ports.iter().map(|_| Vec::new()).collect(),
            weather_held: net.ports.iter().map(|_| Vec::new()).collect(),
            paused: net.ports.iter().map(|_| Vec::new()).collect(),
            assigned: vec![0; net.ship_services.len()],
            pool_changes: vec![0; net.pools.len()],
            sea_rng: net.sea_links.iter().map(|l| streams.stream(&format!("sea/{}/sailing", l.id))).collect(),
        }
    }

    /// A new (or recycled) vessel, sailing towards `port`.
    pub(crate) fn spawn(&mut self, service: Option<u32>, route_pos: usize, port: usize, berth: usize) -> u32 {
        let ship = Ship {
            service,
            route_pos,
            port,
            berth,
            cargo: Vec::new(),
            load: 0,
            units: [0; MAX_UNITS_PER_SERVICE],
            deck_used: 0,
            open_cargo: 0,
            landing: None,
            handled: false,
            phase: Phase::Sailing,
            arrived: SimTime::ZERO,
            berthed: SimTime::ZERO,
            since: SimTime::ZERO,
            token: 0,
            has_waited: false,
            step: None,
            paused: (Phase::Sailing, SimTime::ZERO),
        };
        match self.free.pop() {
            Some(id) => {
                let cargo = std::mem::take(&mut self.vessels[id as usize].cargo);
                self.vessels[id as usize] = Ship { cargo, ..ship };
                id
            }
            None => {
                self.vessels.push(ship);
                (self.vessels.len() - 1) as u32
            }
        }
    }

    /// Places the fleets: vessels spread over each route, arriving over the first day.
    pub(crate) fn place_fleets(w: &mut Corridor<'_>, s: &mut Scheduler<Event>) {
        for (svc, def) in w.net.ship_services.iter().enumerate() {
            Ships::place_vessels(w, svc, 0..def.vessels, s);
        }
    }

    /// Puts vessels `range` of service `svc` into service now (at the start, or when a
    /// dated change adds them): spread over the route, arriving over the next day.
    pub(crate) fn place_vessels(
        w: &mut Corridor<'_>,
        svc: usize,
        range: std::ops::Range<u32>,
        s: &mut Scheduler<Event>,
    ) {
        let net = w.net;
        let def = &net.ship_services[svc];
        let count = range.len().max(1) as f64;
        w.ships.assigned[svc] += range.len() as u32;
        for v in range.clone() {
            let pos = v as usize % def.route.len();
            let berth = net.ports[def.route[pos]].berth_of(def.class).unwrap_or(0);
            let ship = w.ships.spawn(Some(svc as u32), pos, def.route[pos], berth);
            w.ships.services[svc].time[VesselState::EmptySailing as usize].add(s.now().as_millis(), 1.0);
            let offset = SimTime::from_hours_clamped(24.0 * f64::from(v - range.start) / count);
            s.schedule_in(offset, Event::ShipAtPort(ship));
        }
    }

    /// Opens the measured window.
    pub(crate) fn reset(&mut self, now: SimTime) {
        self.pool_changes.iter_mut().for_each(|c| *c = 0);
        for svc in &mut self.services {
            svc.trips = 0;
            svc.load_factor = OnlineStats::new();
            for d in &mut svc.directions {
                *d = Default::default();
            }
            for t in &mut svc.time {
                t.reset(now.as_millis());
            }
        }
    }
}

/// A ship reaches its port's anchorage: it takes a berth or joins the queue.
pub(super) fn on_at_port(w: &mut Corridor<'_>, ship: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    set_phase(w, ship, Phase::Queued, now);
    let sh = &mut w.ships.vessels[ship as usize];
    sh.arrived = now;
    let (p, b) = (sh.port, sh.berth);
    let group = &w.berths.ports[p].groups[b];
    if !w.weather.closed(p) && group.busy < w.net.ports[p].berths[b].count && group.queue.is_empty() {
        seize_berth(w, ship, s);
    } else {
        w.berths.ports[p].groups[b].queue.push_back(ship);
        w.berths.ports[p].anchorage.add(now.as_millis(), 1.0);
    }
}

/// A ship takes a berth; berthing (or its whole sampled call) begins.
pub(super) fn seize_berth(w: &mut Corridor<'_>, ship: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    set_phase(w, ship, Phase::Berthing, now);
    w.ships.vessels[ship as usize].berthed = now;
    let sh = &w.ships.vessels[ship as usize];
    let (p, b, arrived) = (sh.port, sh.berth, sh.arrived);
    let delay = w.berths.occupy(w.net, p, b, arrived, now);
    schedule_step(w, ship, delay, Event::Berthed(ship), s);
}

/// The next consignment to unload at the ship's port, as (index in cargo, kg).
#[inline]
pub(super) fn next_unload(w: &Corridor<'_>, ship: usize) -> Option<(usize, Kg)> {
    let net = w.net;
    let sh = &w.ships.vessels[ship];
    let node = net.ports[sh.port].node;
    sh.cargo.iter().enumerate().find_map(|(i, &id)| {
        let c = &w.cargo.consignments.items[id as usize];
        let leg = net.flows[c.flow as usize].legs[c.leg_pos as usize];
        (net.legs[leg].to == node).then_some((i, c.kg))
    })
}

/// One unloading or loading step; decides what the ship does next.
pub(super) fn on_step(w: &mut Corridor<'_>, ship: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let si = ship as usize;
    let (p, b) = (w.ships.vessels[si].port, w.ships.vessels[si].berth);
    w.ships.vessels[si].step = None;
    if handling_paused(w, p) && matches!(w.ships.vessels[si].phase, Phase::Berthing | Phase::Unloading | Phase::Loading)
    {
        // Resumed (cargo arrived, yard room freed) while the storm lasts: wait for it.
        park(w, ship, SimTime::ZERO, now);
        return;
    }
    if matches!(w.ships.vessels[si].phase, Phase::Berthing | Phase::Unloading) {
        set_phase(w, ship, Phase::Unloading, now);
        let open = w.ships.vessels[si].open_cargo;
        if open > 0 && w.ships.vessels[si].landing.is_some() {
            if !land_open_cargo(w, ship, now, s) {
                return;
            }
        } else if open > 0 {
            let sh = &mut w.ships.vessels[si];
            sh.open_cargo = 0;
            sh.load -= open;
            w.cargo.delivered(open);
            w.berths.ports[p].throughput += open;
            schedule_step(w, ship, Berths::step_time(net, p, b, open, None, 0), Event::ShipStep(ship), s);
            return;
        }
        if let Some((i, kg)) = next_unload(w, si) {
            let mut id = w.ships.vessels[si].cargo[i];
            let c = w.cargo.consignments.items[id as usize];
            let flow = &net.flows[c.flow as usize];
            let last_leg = c.leg_pos as usize + 1 >= flow.legs.len();
            // A consignment larger than the whole yard is landed in yard-sized parts.
            let capacity = net.ports[p].yard_capacity.max(1);
            let kg = if last_leg { kg } else { kg.min(capacity) };
            if !last_leg && !w.yards.has_room(net, p, kg) {
                block_on_full_yard(w, ship, now);
                return;
            }
            match (kg < c.kg).then(|| w.cargo.split_off(id, kg, u32::MAX)).flatten() {
                Some(part) => id = part,
                None => {
                    w.ships.vessels[si].cargo.swap_remove(i);
                }
            }
            let part = w.cargo.consignments.items[id as usize];
            let (kg, units, unit) = (part.kg, part.units, net.legs[flow.legs[part.leg_pos as usize]].unit);
            book_units(w, si, id, false);
            w.ships.vessels[si].load -= kg;
            w.berths.ports[p].throughput += kg;
            w.cargo.consignments.items[id as usize].leg_pos += 1;
            w.arrive_at_node(id, net.ports[p].node, s);
            schedule_step(w, ship, Berths::step_time(net, p, b, kg, unit, units), Event::ShipStep(ship), s);
            return;
        }
        set_phase(w, ship, Phase::Loading, now);
        super::pools::release(w, ship, now);
    }
    if w.ships.vessels[si].phase == Phase::Loading {
        if let Some((kg, unit, units)) = load_one(w, si, s) {
            schedule_step(w, ship, Berths::step_time(net, p, b, kg, unit, units), Event::ShipStep(ship), s);
            return;
        }
        try_depart(w, ship, s);
    }
}

/// The yard has no room for what the ship unloads next: it waits at berth, in line
/// for the room `yards` frees.
fn block_on_full_yard(w: &mut Corridor<'_>, ship: u32, now: SimTime) {
    let p = w.ships.vessels[ship as usize].port;
    set_phase(w, ship, Phase::Blocked, now);
    w.ships.vessels[ship as usize].since = now;
    w.yards.ports[p].blocked.push_back(ship);
}

/// The weight an unloading ship needs room for in the yard next (0 when nothing of
/// what it unloads here stays in the yard).
pub(super) fn unload_need(w: &Corridor<'_>, ship: usize) -> Kg {
    let capacity = w.net.ports[w.ships.vessels[ship].port].yard_capacity.max(1);
    match w.ships.vessels[ship].landing {
        Some((_, parcel, _)) if w.ships.vessels[ship].open_cargo > 0 => {
            w.ships.vessels[ship].open_cargo.min(parcel).min(capacity)
        }
        _ => next_unload(w, ship).map_or(0, |(_, kg)| kg.min(capacity)),
    }
}

/// An open arrival's cargo that continues inland: handled, then landed in the yard
/// as consignments of its flow (parcel by parcel as handled, or all at the end).
/// Returns whether the ship is done with it now (landed at the end, in the same
/// instant), so the caller goes on to what comes next.
fn land_open_cargo(w: &mut Corridor<'_>, ship: u32, now: SimTime, s: &mut Scheduler<Event>) -> bool {
    let net = w.net;
    let si = ship as usize;
    let (p, b) = (w.ships.vessels[si].port, w.ships.vessels[si].berth);
    let Some((flow, _, at_end)) = w.ships.vessels[si].landing else {
        return true;
    };
    if at_end && !w.ships.vessels[si].handled {
        let open = w.ships.vessels[si].open_cargo;
        w.ships.vessels[si].handled = true;
        w.berths.ports[p].throughput += open;
        schedule_step(w, ship, Berths::step_time(net, p, b, open, None, 0), Event::ShipStep(ship), s);
        return false;
    }
    while w.ships.vessels[si].open_cargo > 0 {
        let kg = unload_need(w, si);
        if !w.yards.has_room(net, p, kg) {
            block_on_full_yard(w, ship, now);
            return false;
        }
        let sh = &mut w.ships.vessels[si];
        sh.open_cargo -= kg;
        sh.load -= kg;
        let created = sh.arrived;
        let per_unit = net.flows[flow as usize].kg_per_unit;
        let units = kg.checked_div(per_unit).map_or(0, |n| n.max(1) as u32);
        let id = w.cargo.consignments.insert(Consignment { flow, leg_pos: 0, units, kg, created, at_node_since: now });
        let state = &mut w.flows.state[flow as usize];
        state.in_system += kg;
        state.generated += kg;
        w.arrive_at_node(id, net.ports[p].node, s);
        if !at_end {
            w.berths.ports[p].throughput += kg;
            schedule_step(w, ship, Berths::step_time(net, p, b, kg, None, 0), Event::ShipStep(ship), s);
            return false;
        }
    }
    true
}

/// The units of unit `unit` a vessel of `def` still has room for (`u32::MAX` when
/// the service counts tonnes only).
#[inline]
fn room_for_units(def: &ShipServiceDef, ship: &Ship, unit: Option<usize>) -> u32 {
    let Some(k) = def.slot_of(unit) else {
        return u32::MAX;
    };
    let (_, slots, most) = def.slots[k];
    let by_cap = most.min(slots).saturating_sub(ship.units[k]);
    if def.deck > 0 {
        let free = def.deck.saturating_sub(ship.deck_used) / def.deck_per_unit[k].max(1);
        by_cap.min(u32::try_from(free).unwrap_or(u32::MAX))
    } else {
        by_cap
    }
}

/// Books consignment `id`'s units aboard vessel `si` (slots and deck), or releases
/// them when it leaves the vessel (`aboard` false).
#[inline]
fn book_units(w: &mut Corridor<'_>, si: usize, id: u32, aboard: bool) {
    let net = w.net;
    let c = w.cargo.consignments.items[id as usize];
    let sh = &mut w.ships.vessels[si];
    let Some(svc) = sh.service else { return };
    let def = &net.ship_services[svc as usize];
    if let Some(k) = def.slot_of(net.flows[c.flow as usize].unit) {
        let deck = u64::from(c.units) * def.deck_per_unit[k];
        if aboard {
            sh.units[k] += c.units;
            sh.deck_used += deck;
        } else {
            sh.units[k] -= c.units;
            sh.deck_used -= deck;
        }
    }
}

/// Loads the next waiting consignment (splitting it to fit, in whole units where it
/// has units); returns its weight, its unit and how many units. Legs are tried in the
/// service's loading order.
fn load_one(w: &mut Corridor<'_>, si: usize, s: &mut Scheduler<Event>) -> Option<(Kg, Option<usize>, u32)> {
    let net = w.net;
    let svc = w.ships.vessels[si].service? as usize;
    let def = &net.ship_services[svc];
    let room = def.capacity.saturating_sub(w.ships.vessels[si].load);
    let p = w.ships.vessels[si].port;
    for &leg in &def.load_legs[w.ships.vessels[si].route_pos] {
        let room_units = room_for_units(def, &w.ships.vessels[si], net.legs[leg].unit);
        if room_units == 0 {
            continue;
        }
        if let Some((id, kg)) = w.cargo.take_from_leg(leg, room, room_units, s.now()) {
            book_units(w, si, id, true);
            let sh = &mut w.ships.vessels[si];
            sh.cargo.push(id);
            sh.load += kg;
            w.berths.ports[p].throughput += kg;
            super::yards::remove(w, p, kg, s);
            let units = w.cargo.consignments.items[id as usize].units;
            return Some((kg, net.legs[leg].unit, units));
        }
    }
    None
}

/// A ship's wait for cargo may be over.
pub(super) fn on_timeout(w: &mut Corridor<'_>, ship: u32, token: u32, s: &mut Scheduler<Event>) {
    let sh = &w.ships.vessels[ship as usize];
    if sh.phase == Phase::WaitingCargo && sh.token == token {
        try_depart(w, ship, s);
    }
}

/// Cargo for service `svc` is waiting at port `p`: a vessel of the service waiting
/// there for cargo resumes loading. Returns whether one did.
#[inline]
pub(super) fn cargo_ready(w: &mut Corridor<'_>, svc: usize, p: usize, s: &mut Scheduler<Event>) -> bool {
    let vessels = &w.ships.vessels;
    let own = w.ships.waiting_cargo[p].iter().position(|&sh| vessels[sh as usize].service == Some(svc as u32));
    if let Some(i) = own.or_else(|| super::pools::claim_waiting(w, svc, p, s.now())) {
        let ship = w.ships.waiting_cargo[p].remove(i);
        set_phase(w, ship, Phase::Loading, s.now());
        schedule_step(w, ship, SimTime::ZERO, Event::ShipStep(ship), s);
        true
    } else {
        false
    }
}

/// Sails if full enough or waited long enough, else waits for cargo; holds for weather.
fn try_depart(w: &mut Corridor<'_>, ship: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let si = ship as usize;
    let p = w.ships.vessels[si].port;
    if let Some(svc) = w.ships.vessels[si].service {
        let def = &net.ship_services[svc as usize];
        let sh = &w.ships.vessels[si];
        let waited = if sh.has_waited { now - sh.since } else { SimTime::ZERO };
        let loads_here = def.waits_at[sh.route_pos] && !def.load_legs[sh.route_pos].is_empty();
        let full = sh.load >= def.fill || slot_share(def, sh) >= def.fill_share;
        if loads_here && !full && waited < def.max_wait && sh.phase != Phase::WaitingCargo {
            let sh = &mut w.ships.vessels[si];
            if !sh.has_waited {
                sh.has_waited = true;
                sh.since = now;
                sh.token = sh.token.wrapping_add(1);
                let token = sh.token;
                s.schedule_in(def.max_wait, Event::ShipTimeout(ship, token));
            }
            set_phase(w, ship, Phase::WaitingCargo, now);
            w.ships.waiting_cargo[p].push(ship);
            return;
        }
    }
    if w.ships.vessels[si].phase == Phase::WaitingCargo {
        w.ships.waiting_cargo[p].retain(|&x| x != ship);
    }
    if held_by_weather(w, si) {
        set_phase(w, ship, Phase::WaitingWeather, now);
        w.ships.weather_held[p].push(ship);
        return;
    }
    depart(w, ship, s);
}

/// The ship leaves its berth: it sails to its next port, or leaves the model.
pub(super) fn depart(w: &mut Corridor<'_>, ship: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let si = ship as usize;
    let (p, b) = (w.ships.vessels[si].port, w.ships.vessels[si].berth);
    let leaving = if w.ships.vessels[si].service.is_some() { Phase::Sailing } else { Phase::Gone };
    set_phase(w, ship, leaving, now);
    w.berths.release(p, b, w.ships.vessels[si].arrived, w.ships.vessels[si].berthed, now);
    super::berths::next_berth(w, p, b, s);
    match w.ships.vessels[si].service {
        Some(svc) => {
            let svc = svc as usize;
            let def = &net.ship_services[svc];
            let st = &mut w.ships.services[svc];
            st.trips += 1;
            st.load_factor.push(w.ships.vessels[si].load as f64 / def.capacity as f64);
            let pos = w.ships.vessels[si].route_pos;
            record_direction(w, si, svc, pos);
            let link = def.sailing[pos];
            let sail = SimTime::from_hours_clamped(net.sea_links[link].sailing.sample(&mut w.ships.sea_rng[link]));
            let next = (pos + 1) % def.route.len();
            let sh = &mut w.ships.vessels[si];
            sh.has_waited = false;
            sh.route_pos = next;
            sh.port = def.route[next];
            sh.berth = net.ports[sh.port].berth_of(def.class).unwrap_or(0);
            s.schedule_in(sail, Event::ShipAtPort(ship));
        }
        None => w.ships.free.push(ship),
    }
}

/// The share of its slots a vessel has taken: of the deck when shared, else of all
/// its slots (0 for a service that counts tonnes only).
#[inline]
fn slot_share(def: &ShipServiceDef, ship: &Ship) -> f64 {
    if def.deck > 0 {
        ship.deck_used as f64 / def.deck as f64
    } else if def.slots.is_empty() {
        0.0
    } else {
        let slots: u64 = def.slots.iter().map(|&(_, n, _)| u64::from(n)).sum();
        let used: u64 = ship.units.iter().map(|&u| u64::from(u)).sum();
        used as f64 / slots.max(1) as f64
    }
}

/// Counts a departure of vessel `si` of service `svc` from route position `pos`: the
/// tonnes, loaded and empty units aboard, and how full it is by weight and by slots.
fn record_direction(w: &mut Corridor<'_>, si: usize, svc: usize, pos: usize) {
    let net = w.net;
    let def = &net.ship_services[svc];
    let sh = &w.ships.vessels[si];
    let d = &mut w.ships.services[svc].directions[pos];
    d.trips += 1;
    d.kg += sh.load;
    if !sh.cargo.is_empty() {
        d.with_cargo += 1;
    }
    for &id in &sh.cargo {
        let c = &w.cargo.consignments.items[id as usize];
        let flow = &net.flows[c.flow as usize];
        if let Some(k) = def.slot_of(flow.unit) {
            let units = if flow.empty { &mut d.empty_units } else { &mut d.loaded_units };
            units[k] += u64::from(c.units);
        }
    }
    d.load_factor.push(sh.load as f64 / def.capacity.max(1) as f64);
    if !def.slots.is_empty() {
        d.slot_factor.push(slot_share(def, sh));
    }
    if let Some(design) = def.design_capacity.filter(|d| *d > def.capacity) {
        // Full by weight: the consignment next in line on no leg fits the room left
        // (cargo in units moves in whole units; other cargo may be split to any weight).
        let room = def.capacity.saturating_sub(sh.load);
        let legs = &def.load_legs[pos];
        let waiting: Kg = legs.iter().map(|&l| w.cargo.legs[l].kg).sum();
        let fits = legs.iter().any(|&l| {
            let Some(&front) = w.cargo.legs[l].items.front() else { return false };
            let c = &w.cargo.consignments.items[front as usize];
            let piece = if c.units > 0 { c.kg / Kg::from(c.units) } else { 1 };
            piece <= room && room_for_units(def, sh, net.legs[l].unit) > 0
        });
        if waiting > 0 && !fits {
            d.left_by_draught += waiting.min(design - def.capacity);
        }
    }
}
