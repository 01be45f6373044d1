//! Trains and lines: train services carry one leg (a rail link, one direction) with a
//! fleet of trainsets that leave when full (or with a part load once the oldest
//! consignment has waited long enough), or by timetable. Every train — loaded, or its
//! empty return — takes a path on its line in its direction; paths are spaced by the
//! line's headway (24 h / trains per day, per direction).
//!
//! Streams: `rail/<id>/transit`.
//! Measurement: per service, departures and load factors, and how trainsets spend their
//! time (see [`TrainState`]); per line and direction, trains entering it with departure times in the measured
//! window (counted by departure time, so a path reserved before the window opens still
//! counts when the train leaves inside it).

use super::corridor::{Corridor, Event, Network};
use super::network::{CompileError, Dist, Kg, LegDef, NodeDef, hours, kg_from_tonnes, node_of, sampler};
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::scenario::{DeparturePolicy, ScenarioSpec};
use crate::stats::OnlineStats;

/// A rail line, compiled.
#[derive(Debug, Clone)]
pub(crate) struct RailLinkDef {
    pub(crate) id: String,
    /// Transit time, hours.
    pub(crate) transit: Dist,
    /// Minimum spacing of departures in one direction.
    pub(crate) headway: SimTime,
}

/// A train service, compiled.
#[derive(Debug, Clone)]
pub(crate) struct TrainServiceDef {
    pub(crate) id: String,
    /// The leg this service carries (`None` if no flow uses it).
    pub(crate) leg: Option<usize>,
    pub(crate) from: usize,
    pub(crate) to: usize,
    /// Rail link index.
    pub(crate) link: usize,
    /// Direction on the link (0: between[0] → between[1]).
    pub(crate) direction: usize,
    pub(crate) trainsets: u32,
    /// Capacity per train.
    pub(crate) capacity: Kg,
    pub(crate) policy: DeparturePolicy,
    pub(crate) timetable: SimTime,
    /// Longest wait of the oldest consignment before a part-load departure (when full).
    pub(crate) max_wait: SimTime,
    /// Whether `max_wait` counts from the last departure instead of the oldest cargo.
    pub(crate) wait_from_departure: bool,
    pub(crate) loading: SimTime,
    pub(crate) unloading: SimTime,
}

/// Compiles rail links and train services.
pub(super) fn compile(
    spec: &ScenarioSpec,
    nodes: &[NodeDef],
    legs: &[LegDef],
) -> Result<(Vec<RailLinkDef>, Vec<TrainServiceDef>), CompileError> {
    let mut rail_links = Vec::new();
    for (id, l) in &spec.rail_links {
        rail_links.push(RailLinkDef {
            id: id.clone(),
            transit: sampler(|| format!("rail_links.{id}.transit_hours"), &l.transit_hours)?,
            headway: hours(24.0 / l.trains_per_day),
        });
    }
    let mut services = Vec::new();
    for (index, (id, t)) in spec.train_services.iter().enumerate() {
        let entity = || format!("train_services.{id}.route");
        let (link, direction) = spec
            .rail_links
            .values()
            .enumerate()
            .find_map(|(i, l)| {
                if l.between[0] == t.route[0] && l.between[1] == t.route[1] {
                    Some((i, 0))
                } else if l.between[1] == t.route[0] && l.between[0] == t.route[1] {
                    Some((i, 1))
                } else {
                    None
                }
            })
            .ok_or_else(|| CompileError::UnknownReference {
                entity: entity(),
                kind: "rail link",
                id: format!("{} ↔ {}", t.route[0], t.route[1]),
            })?;
        services.push(TrainServiceDef {
            id: id.clone(),
            leg: legs.iter().position(|l| l.carrier == super::network::Carrier::Train(index)),
            from: node_of(nodes, &t.route[0], &entity)?,
            to: node_of(nodes, &t.route[1], &entity)?,
            link,
            direction,
            trainsets: t.trainsets,
            capacity: kg_from_tonnes(t.wagons as f64 * t.tonnes_per_wagon),
            policy: t.departure,
            timetable: hours(t.timetable_hours.unwrap_or(24.0)),
            max_wait: hours(t.max_wait_hours),
            wait_from_departure: t.max_wait_from == crate::scenario::WaitFrom::LastDeparture,
            loading: hours(t.loading_hours),
            unloading: hours(t.unloading_hours),
        });
    }
    Ok((rail_links, services))
}

/// How a trainset spends its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrainState {
    /// Running with cargo.
    LoadedRunning,
    /// Returning empty.
    EmptyRunning,
    /// Waiting for its path on the line (loaded or empty).
    WaitingForPath,
    /// Loading or unloading.
    Handling,
    /// Idle at the origin, waiting for a load (or a timetable slot).
    WaitingForCargo,
}

impl TrainState {
    /// Every state, in the order of the KPIs.
    pub(crate) const ALL: [TrainState; 5] = [
        TrainState::LoadedRunning,
        TrainState::EmptyRunning,
        TrainState::WaitingForPath,
        TrainState::Handling,
        TrainState::WaitingForCargo,
    ];

    /// The name in KPI keys.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TrainState::LoadedRunning => "loaded_running",
            TrainState::EmptyRunning => "empty_running",
            TrainState::WaitingForPath => "waiting_for_path",
            TrainState::Handling => "handling",
            TrainState::WaitingForCargo => "waiting_for_cargo",
        }
    }

    /// Productive time: carrying cargo or handling it.
    pub(crate) fn productive(self) -> bool {
        matches!(self, TrainState::LoadedRunning | TrainState::Handling)
    }

    /// The trainset's own work (what its cycle needs, excluding waits for cargo and
    /// for paths): the share of the fleet that the offered load takes.
    pub(crate) fn own_work(self) -> bool {
        matches!(self, TrainState::LoadedRunning | TrainState::EmptyRunning | TrainState::Handling)
    }
}

/// The stretches of time a trainset has committed to, from its last decision to its
/// next event: at most a wait for a path, a run and an unloading. Every transition
/// of a train happens at one of its own events, so its future is known when the
/// event is scheduled; the stretches are counted when the next one is planned.
#[derive(Debug, Clone, Copy)]
struct Plan {
    stretches: [(TrainState, SimTime, SimTime); 3],
    len: u8,
}

impl Plan {
    fn new(stretches: &[(TrainState, SimTime, SimTime)]) -> Plan {
        let mut plan = Plan { stretches: [(TrainState::WaitingForCargo, SimTime::ZERO, SimTime::ZERO); 3], len: 0 };
        for (slot, &stretch) in plan.stretches.iter_mut().zip(stretches) {
            *slot = stretch;
            plan.len += 1;
        }
        plan
    }
}

/// A trainset.
#[derive(Debug, Clone)]
pub(crate) struct Train {
    pub(crate) service: u32,
    /// Consignments on board.
    pub(crate) cargo: Vec<u32>,
    /// Weight on board.
    pub(crate) load: Kg,
    /// What it is doing until its next event.
    plan: Plan,
}

/// State and measurement of one train service.
#[derive(Debug, Clone)]
pub(crate) struct TrainService {
    /// Trainsets idle at the origin.
    pub(crate) idle: Vec<u32>,
    /// Generation of the part-load timer.
    pub(crate) token: u32,
    /// When its last train was dispatched.
    pub(crate) last_departure: SimTime,
    /// Departures in the measured window.
    pub(crate) trips: u64,
    /// Load factor at departure.
    pub(crate) load_factor: OnlineStats,
    /// Trainset-hours in each state within the measured window (indexed like
    /// [`TrainState::ALL`]).
    pub(crate) hours: [f64; 5],
}

/// The trains subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Trains {
    pub(crate) trains: Vec<Train>,
    pub(crate) services: Vec<TrainService>,
    /// Per line and direction: when the next path is free.
    line_free_at: Vec<[SimTime; 2]>,
    /// Per line and direction: trains entering it in the measured window.
    pub(crate) line_trains: Vec<[u64; 2]>,
    rail_rng: Vec<RandomStream>,
    /// Start of the measured window (time before it is not counted).
    window_start: SimTime,
    /// End of the measured window: trains entering a line are counted by departure
    /// time within the window.
    window_end: SimTime,
}

impl Trains {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Trains {
        let mut trains = Vec::new();
        let services = net
            .train_services
            .iter()
            .enumerate()
            .map(|(s, t)| {
                let idle = (0..t.trainsets)
                    .map(|_| {
                        let idle = Plan::new(&[(TrainState::WaitingForCargo, SimTime::ZERO, SimTime::MAX)]);
                        trains.push(Train { service: s as u32, cargo: Vec::new(), load: 0, plan: idle });
                        (trains.len() - 1) as u32
                    })
                    .collect();
                TrainService {
                    idle,
                    token: 0,
                    last_departure: SimTime::ZERO,
                    trips: 0,
                    load_factor: OnlineStats::new(),
                    hours: [0.0; 5],
                }
            })
            .collect();
        Trains {
            trains,
            services,
            line_free_at: vec![[SimTime::ZERO; 2]; net.rail_links.len()],
            line_trains: vec![[0; 2]; net.rail_links.len()],
            rail_rng: net.rail_links.iter().map(|l| streams.stream(&format!("rail/{}/transit", l.id))).collect(),
            window_start: net.warmup,
            window_end: net.windows().first().map_or(net.end, |w| w.1),
        }
    }

    /// `n` trainsets join service `t`, idle at its origin.
    pub(crate) fn add_trainsets(&mut self, t: usize, n: u32) {
        for _ in 0..n {
            let idle = Plan::new(&[(TrainState::WaitingForCargo, SimTime::ZERO, SimTime::MAX)]);
            self.trains.push(Train { service: t as u32, cargo: Vec::new(), load: 0, plan: idle });
            let id = (self.trains.len() - 1) as u32;
            self.services[t].idle.push(id);
        }
    }

    /// The next planning year's window opens at `now`: line counts restart. (Paths
    /// reserved before `now` for a departure after it are not counted in either year:
    /// a train or two a year.)
    pub(crate) fn next_window(&mut self, now: SimTime, net: &Network) {
        self.window_end = net.windows().into_iter().find(|w| w.0 >= now).map_or(net.end, |w| w.1);
        for counts in &mut self.line_trains {
            *counts = [0; 2];
        }
    }

    /// Schedules the first timetabled departures.
    pub(crate) fn start(&mut self, net: &Network, s: &mut Scheduler<Event>) {
        for (t, def) in net.train_services.iter().enumerate() {
            if def.policy == DeparturePolicy::Timetable {
                s.schedule_in(def.timetable, Event::Timetable(t as u32));
            }
        }
    }

    /// Reserves the next path on `link` in `direction` at or after `now`; returns the
    /// departure time.
    #[inline]
    fn take_path(&mut self, net: &Network, link: usize, direction: usize, now: SimTime) -> SimTime {
        let slot = &mut self.line_free_at[link][direction];
        let depart = (*slot).max(now);
        *slot = depart + net.rail_links[link].headway;
        if depart >= net.warmup && depart >= self.window_start && depart < self.window_end {
            self.line_trains[link][direction] += 1;
        }
        depart
    }

    /// Counts the part of `train`'s plan before `upto` that falls in the window.
    fn count(&mut self, train: u32, upto: SimTime) {
        let tr = &self.trains[train as usize];
        let hours = &mut self.services[tr.service as usize].hours;
        for &(state, from, to) in &tr.plan.stretches[..tr.plan.len as usize] {
            let (from, to) = (from.max(self.window_start), to.min(upto));
            if to > from {
                hours[state as usize] += (to - from).as_hours();
            }
        }
    }

    /// `train` commits, at `now`, to `stretches` (which follow each other from `now`
    /// until its next event); what it did up to now is counted.
    #[inline]
    fn plan(&mut self, train: u32, now: SimTime, stretches: &[(TrainState, SimTime, SimTime)]) {
        self.count(train, now);
        self.trains[train as usize].plan = Plan::new(stretches);
    }

    /// Opens the measured window (line counts are windowed by departure time instead).
    pub(crate) fn reset(&mut self, now: SimTime) {
        self.window_start = now;
        for svc in &mut self.services {
            svc.trips = 0;
            svc.load_factor = OnlineStats::new();
            svc.hours = [0.0; 5];
        }
    }

    /// Closes the window at `end`: every train's current plan counts up to `end`.
    pub(crate) fn close(&mut self, end: SimTime) {
        for train in 0..self.trains.len() as u32 {
            self.count(train, end);
            let plan = &mut self.trains[train as usize].plan;
            for stretch in &mut plan.stretches[..plan.len as usize] {
                stretch.1 = stretch.1.max(end);
            }
        }
    }
}

/// Arms the part-load timer of service `t` for its oldest waiting consignment.
pub(super) fn arm_timer(w: &mut Corridor<'_>, t: usize, s: &mut Scheduler<Event>) {
    let def = &w.net.train_services[t];
    if def.policy != DeparturePolicy::WhenFull {
        return;
    }
    let Some(&front) = def.leg.and_then(|l| w.cargo.legs[l].items.front()) else {
        return;
    };
    let due = part_load_due(w, t, front);
    let st = &mut w.trains.services[t];
    st.token = st.token.wrapping_add(1);
    let _ = s.schedule_at(due.max(s.now()), Event::TrainTimeout(t as u32, st.token));
}

/// When service `t` may leave with a part load, `front` being its oldest waiting
/// consignment: `max_wait` after that consignment arrived, or after the last departure.
fn part_load_due(w: &Corridor<'_>, t: usize, front: u32) -> SimTime {
    let def = &w.net.train_services[t];
    if def.wait_from_departure {
        w.trains.services[t].last_departure + def.max_wait
    } else {
        w.cargo.consignments.items[front as usize].at_node_since + def.max_wait
    }
}

/// Dispatches trains while the policy allows: full loads, or a part load when the
/// oldest consignment has waited `max_wait` (or at a timetable slot if `timetable`).
pub(super) fn try_dispatch(w: &mut Corridor<'_>, t: usize, timetable: bool, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let Some(leg) = net.train_services[t].leg else {
        return;
    };
    let def = &net.train_services[t];
    loop {
        if w.trains.services[t].idle.is_empty() || w.cargo.legs[leg].items.is_empty() {
            return;
        }
        let go = match def.policy {
            DeparturePolicy::Timetable => timetable,
            DeparturePolicy::WhenFull => {
                let front = w.cargo.legs[leg].items[0];
                w.cargo.legs[leg].kg >= def.capacity || now >= part_load_due(w, t, front)
            }
        };
        if !go {
            return;
        }
        let train = w.trains.services[t].idle.pop().unwrap_or(0);
        w.trains.services[t].last_departure = now;
        w.trains.plan(train, now, &[(TrainState::Handling, now, now + def.loading)]);
        let from_port = net.nodes[def.from].port;
        while w.trains.trains[train as usize].load < def.capacity {
            let room = def.capacity - w.trains.trains[train as usize].load;
            let Some((id, kg)) = w.cargo.take_from_leg(leg, room, u32::MAX, now) else {
                break;
            };
            let tr = &mut w.trains.trains[train as usize];
            tr.cargo.push(id);
            tr.load += kg;
            if let Some(p) = from_port {
                super::yards::remove(w, p, kg, s);
            }
        }
        s.schedule_in(def.loading, Event::TrainLoaded(train));
        if timetable {
            break;
        }
        arm_timer(w, t, s);
    }
}

/// A timetabled departure of service `t`.
pub(super) fn on_timetable(w: &mut Corridor<'_>, t: usize, s: &mut Scheduler<Event>) {
    try_dispatch(w, t, true, s);
    s.schedule_in(w.net.train_services[t].timetable, Event::Timetable(t as u32));
}

/// Service `t`'s oldest consignment may have waited long enough.
pub(super) fn on_timeout(w: &mut Corridor<'_>, t: usize, token: u32, s: &mut Scheduler<Event>) {
    if w.trains.services[t].token == token {
        try_dispatch(w, t, false, s);
    }
}

/// A train finished loading: it takes the next path and sets off.
pub(super) fn on_loaded(w: &mut Corridor<'_>, train: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let t = w.trains.trains[train as usize].service as usize;
    let def = &net.train_services[t];
    let depart = w.trains.take_path(net, def.link, def.direction, now);
    let st = &mut w.trains.services[t];
    st.trips += 1;
    st.load_factor.push(w.trains.trains[train as usize].load as f64 / def.capacity as f64);
    let link = &net.rail_links[def.link];
    let transit = SimTime::from_hours_clamped(link.transit.sample(&mut w.trains.rail_rng[def.link]));
    let (arrive, unloaded) = (depart + transit, depart + transit + def.unloading);
    w.trains.plan(
        train,
        now,
        &[
            (TrainState::WaitingForPath, now, depart),
            (TrainState::LoadedRunning, depart, arrive),
            (TrainState::Handling, arrive, unloaded),
        ],
    );
    let _ = s.schedule_at(unloaded, Event::TrainArrived(train));
}

/// A train reached its destination and unloaded; it returns empty on the next path back.
pub(super) fn on_arrived(w: &mut Corridor<'_>, train: u32, s: &mut Scheduler<Event>) {
    let net = w.net;
    let t = w.trains.trains[train as usize].service as usize;
    let def = &net.train_services[t];
    let mut cargo = std::mem::take(&mut w.trains.trains[train as usize].cargo);
    for &id in &cargo {
        w.cargo.consignments.items[id as usize].leg_pos += 1;
        w.arrive_at_node(id, def.to, s);
    }
    cargo.clear();
    let tr = &mut w.trains.trains[train as usize];
    tr.cargo = cargo;
    tr.load = 0;
    let back = 1 - def.direction;
    let now = s.now();
    let depart = w.trains.take_path(net, def.link, back, now);
    let link = &net.rail_links[def.link];
    let transit = SimTime::from_hours_clamped(link.transit.sample(&mut w.trains.rail_rng[def.link]));
    let back_home = depart + transit;
    w.trains.plan(
        train,
        now,
        &[(TrainState::WaitingForPath, now, depart), (TrainState::EmptyRunning, depart, back_home)],
    );
    let _ = s.schedule_at(back_home, Event::TrainReturned(train));
}

/// A train is back at its origin, ready for the next load.
pub(super) fn on_returned(w: &mut Corridor<'_>, train: u32, s: &mut Scheduler<Event>) {
    let t = w.trains.trains[train as usize].service as usize;
    w.trains.services[t].idle.push(train);
    let now = s.now();
    w.trains.plan(train, now, &[(TrainState::WaitingForCargo, now, SimTime::MAX)]);
    try_dispatch(w, t, false, s);
}
