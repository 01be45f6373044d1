//! The corridor: the model of one replication (on a compiled [`Network`]), which
//! owns one instance of every subsystem, routes each event to the subsystem that owns
//! it, routes cargo between nodes, and opens and closes every subsystem's measured
//! window. This file is where a new kind of entity is registered.

use super::arrivals::Arrivals;
use super::backlog::Backlog;
use super::berths::Berths;
use super::cargo::Cargo;
use super::flows::Flows;
use super::kpis::ReplicationKpis;
use super::pipelines::Pipelines;
use super::planning::CapacityClock;
use super::ships::Ships;
use super::trace::{Trace, Tracer};
use super::trains::Trains;
use super::transfer::Transfers;
use super::weather::Weather;
use super::yards::Yards;
use super::{arrivals, backlog, flows, pipelines, ships, trace, trains, transfer, weather};
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use rand::RngExt;

pub(crate) use super::compiled::Calendar;
pub use super::compiled::Network;

/// Events of the corridor model, each owned by one subsystem. Small and `Copy`: they
/// carry indices only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// Flows: a flow may generate a consignment (thinned Poisson process).
    FlowArrival(u32),
    /// Ships: an open arrival stream brings a ship.
    OpenShip(u32),
    /// Ships: a ship reaches its port's anchorage.
    ShipAtPort(u32),
    /// Ships: a ship's berthing time (or sampled service time) is over.
    Berthed(u32),
    /// Ships: a ship's next cargo step (unload or load) is due.
    ShipStep(u32),
    /// Ships: a ship's wait for cargo may be over (ship, timer generation).
    ShipTimeout(u32, u32),
    /// Trains: a service's timetabled departure.
    Timetable(u32),
    /// Trains: a service's oldest consignment may have waited long enough.
    TrainTimeout(u32, u32),
    /// Trains: a train finished loading.
    TrainLoaded(u32),
    /// Trains: a train reached its destination and finished unloading.
    TrainArrived(u32),
    /// Trains: a train is back at its origin.
    TrainReturned(u32),
    /// Weather: a storm may start.
    Storm(u32),
    /// Weather: a port may reopen.
    Reopen(u32),
    /// Weather: sailings on a sea link may resume.
    LinkReopen(u32),
    /// Weather: a storm over an area may be over.
    AreaClear(u32),
    /// Transfer points: a consignment's handling is done (point, consignment).
    TransferDone(u32, u32),
    /// Pipelines: a consignment is pumped (pipeline).
    Pumped(u32),
    /// Pipelines: a consignment reached the far end (pipeline, consignment).
    PipelineArrived(u32, u32),
    /// The corridor: the end of the warm-up opens every measured window.
    WarmupEnd,
    /// Backlog: sample every backlog level.
    BacklogSample,
}

/// Why a replication stopped early.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Saturation {
    /// What hit its cap.
    pub resource: String,
    /// Simulated hours at which it happened.
    pub at_hours: f64,
    /// Explanation.
    pub reason: String,
}

/// The model of one replication: every subsystem's state.
#[derive(Debug, Clone)]
pub(crate) struct Corridor<'n> {
    /// The configuration in force now (changes at dated changes).
    pub(crate) net: &'n Network,
    /// The network as compiled: the first configuration, which holds the later ones.
    pub(crate) root: &'n Network,
    pub(crate) cargo: Cargo,
    pub(crate) flows: Flows,
    pub(crate) yards: Yards,
    pub(crate) berths: Berths,
    pub(crate) ships: Ships,
    pub(crate) arrivals: Arrivals,
    pub(crate) trains: Trains,
    pub(crate) weather: Weather,
    pub(crate) transfers: Transfers,
    pub(crate) pipelines: Pipelines,
    pub(crate) backlog: Backlog,
    /// Capacity over the measured window (for windows with a change in them).
    pub(crate) capacity: CapacityClock,
    pub(crate) tracer: Option<Tracer>,
    /// Whether the measured window is open (the warm-up is over).
    pub(crate) measuring: bool,
    /// When the current measured window opened.
    pub(crate) window_start: SimTime,
    /// Events handled so far, and when the current window opened.
    pub(crate) events: u64,
    pub(crate) events_at_window_start: u64,
    /// The KPIs of each planning year already closed, in order (shared, so that a
    /// copy of the state at a year's close costs no copy of them).
    pub(crate) years: Vec<std::sync::Arc<Vec<(String, f64)>>>,
    pub(crate) saturation: Option<Saturation>,
    /// How many of the network's dated changes ([`Network::epochs`]) are in force: the
    /// run loop applies the next one when its time comes (see [`super::run_from`]).
    pub(crate) changes_applied: usize,
}

/// An exponential gap at `rate_per_hour` from `rng` (inverse transform).
#[inline]
pub(super) fn exp_gap(rng: &mut RandomStream, rate_per_hour: f64) -> SimTime {
    let u: f64 = rng.random::<f64>();
    SimTime::from_hours_clamped(-(1.0 - u).ln() / rate_per_hour)
}

impl<'n> Corridor<'n> {
    /// A fresh replication of `net` drawing from `streams`.
    pub(crate) fn new(net: &'n Network, streams: Streams) -> Self {
        Corridor {
            net,
            root: net,
            cargo: Cargo::new(net),
            flows: Flows::new(net, &streams),
            yards: Yards::new(net),
            berths: Berths::new(net, &streams),
            ships: Ships::new(net, &streams),
            arrivals: Arrivals::new(net, &streams),
            trains: Trains::new(net, &streams),
            weather: Weather::new(net, &streams),
            transfers: Transfers::new(net, &streams),
            pipelines: Pipelines::new(net, &streams),
            backlog: Backlog::new(net),
            capacity: CapacityClock::new(net),
            tracer: None,
            measuring: net.warmup == SimTime::ZERO,
            window_start: net.warmup,
            events: 0,
            events_at_window_start: 0,
            years: Vec::new(),
            saturation: None,
            changes_applied: 0,
        }
    }

    /// The time of the next dated change, if any is left.
    pub(crate) fn next_change_at(&self) -> Option<SimTime> {
        self.root.epochs.get(self.changes_applied).map(|(at, _)| *at)
    }

    /// The same state on the network `root` (its configuration in force chosen by the
    /// changes applied so far). `root` must hold the same configurations as the one the
    /// state was built on, up to the changes applied: the caller's promise.
    pub(crate) fn rebind<'m>(self, root: &'m Network) -> Corridor<'m> {
        let net = match self.changes_applied {
            0 => root,
            k => root.epochs.get(k - 1).map_or(root, |(_, n)| n),
        };
        Corridor {
            net,
            root,
            cargo: self.cargo,
            flows: self.flows,
            yards: self.yards,
            berths: self.berths,
            ships: self.ships,
            arrivals: self.arrivals,
            trains: self.trains,
            weather: self.weather,
            transfers: self.transfers,
            pipelines: self.pipelines,
            backlog: self.backlog,
            capacity: self.capacity,
            tracer: self.tracer,
            measuring: self.measuring,
            window_start: self.window_start,
            events: self.events,
            events_at_window_start: self.events_at_window_start,
            years: self.years,
            saturation: self.saturation,
            changes_applied: self.changes_applied,
        }
    }

    /// Samples yard stocks every `interval` from the start (call before `start`).
    pub(crate) fn enable_trace(&mut self, interval: SimTime) {
        self.tracer = Some(Tracer::new(self.net.ports.iter().map(|p| p.id.clone()), interval));
    }

    /// Schedules the first events: flows, arrivals, storms, the fleets, timetables.
    pub(crate) fn start(&mut self, s: &mut Scheduler<Event>) {
        let net = self.net;
        for f in 0..net.flows.len() {
            self.flows.schedule_next(net, f, s);
        }
        for a in 0..net.arrivals.len() {
            self.arrivals.schedule_next(net, a, s);
        }
        for w in 0..net.weather.len() {
            self.weather.schedule_next(net, w, s);
        }
        Ships::place_fleets(self, s);
        self.trains.start(net, s);
        Backlog::start(net, s);
        if net.warmup > SimTime::ZERO {
            let _ = s.schedule_at(net.warmup, Event::WarmupEnd);
        }
    }

    /// Opens every subsystem's measured window.
    pub(crate) fn open_window(&mut self, now: SimTime) {
        self.measuring = true;
        self.window_start = now;
        self.events_at_window_start = self.events;
        self.cargo.reset(now);
        self.flows.reset(now);
        self.yards.reset(now);
        self.berths.reset(now);
        self.ships.reset(now);
        self.trains.reset(now);
        self.weather.reset(now);
        self.transfers.reset(now);
        self.pipelines.reset(now);
        self.capacity.reset(now);
    }

    /// Opens the next planning year's window at `now`, right after the last one
    /// closed: measurements restart, including the quantile histograms.
    pub(crate) fn reopen_window(&mut self, now: SimTime) {
        let year_hours = self.net.calendar.as_ref().map_or(0.0, |c| c.year.as_hours());
        self.flows.next_year(self.net, year_hours);
        self.berths.clear_quantiles();
        self.flows.clear_quantiles();
        self.transfers.clear_quantiles();
        self.trains.next_window(now, self.net);
        self.backlog.next_window();
        self.open_window(now);
    }

    /// Closes every subsystem's measured window at `end` (the horizon, or where the run
    /// stopped). A run that stopped before its window opened reports an empty window.
    pub(crate) fn close_window(&mut self, end: SimTime) {
        if !self.measuring {
            self.open_window(end);
        }
        let vessels = &self.ships.vessels;
        self.yards.close(end, |ship| vessels[ship as usize].since);
        self.weather.close(end);
        self.trains.close(end);
        self.backlog.close(end);
    }

    /// The KPIs of the closed window (see [`Corridor::close_window`]).
    pub(crate) fn kpis(&self, end: SimTime, events: u64) -> ReplicationKpis {
        let mut kpis = self.window_kpis(end, events);
        kpis.calendar = self.root.years();
        kpis.years = self.years.iter().map(|y| y.as_ref().clone()).collect();
        kpis
    }

    /// The KPIs of the current window alone (without the planning years before it).
    pub(crate) fn window_kpis(&self, end: SimTime, events: u64) -> ReplicationKpis {
        let mut kpis = super::kpis::assemble(self, end, events);
        let held = self.capacity.held(self.net, self.window_start, end);
        self.transfers.kpis(self.net, &held, end, &mut kpis);
        self.pipelines.kpis(self.net, end, &mut kpis);
        super::costs::kpis(self.net, &self.flows, &mut kpis);
        kpis
    }

    /// Consignments held by subsystems other than the leg queues, gates, vessels and
    /// trains, with the name of the place (for audits and conservation).
    pub(crate) fn held_elsewhere(&self) -> Vec<(String, u32)> {
        let mut held = self.transfers.holding(self.net);
        held.extend(self.pipelines.holding(self.net));
        held
    }

    /// The trace recorded up to `now`, the time the run stopped (`None` unless
    /// tracing was enabled).
    pub(crate) fn trace(&mut self, now: SimTime) -> Option<Trace> {
        trace::finish(self, now)
    }

    /// Stops the run: a cap was hit.
    pub(crate) fn saturate(&mut self, resource: String, reason: String, s: &mut Scheduler<Event>) {
        if self.saturation.is_none() {
            self.saturation = Some(Saturation { resource, at_hours: s.now().as_hours(), reason });
        }
        s.request_stop();
    }

    /// Consignment `id` reached `node`: it passes the node's transfer point, if it has
    /// one, then goes on (see [`Corridor::route_onward`]).
    pub(crate) fn arrive_at_node(&mut self, id: u32, node: usize, s: &mut Scheduler<Event>) {
        if let Some(empties) = flows::hand_over_empties(self, id, node, s.now()) {
            self.arrive_at_node(empties, node, s);
        }
        match self.transfers.at(node) {
            Some(x) => transfer::arrive(self, x, id, s),
            None => self.route_onward(id, node, s),
        }
    }

    /// Consignment `id` is ready to leave `node`: deliver it, or queue it for its next
    /// leg (in the yard, if the node is a port).
    pub(crate) fn route_onward(&mut self, id: u32, node: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let c = self.cargo.consignments.items[id as usize];
        let net = self.net;
        if c.leg_pos as usize >= net.flows[c.flow as usize].legs.len() {
            flows::deliver(self, id, now);
            return;
        }
        self.cargo.consignments.items[id as usize].at_node_since = now;
        match net.nodes[node].port {
            Some(p) => {
                // A consignment larger than the whole yard could never enter it: it is
                // split into parts the yard can hold (validation keeps this rare).
                // Cargo in units splits in whole units (validation keeps a unit no
                // heavier than the yard).
                let capacity = net.ports[p].yard_capacity.max(1);
                while self.cargo.consignments.items[id as usize].kg > capacity {
                    let Some(part) = self.cargo.split_off(id, capacity, u32::MAX) else {
                        break;
                    };
                    super::yards::admit(self, p, part, s);
                }
                super::yards::admit(self, p, id, s);
            }
            None => self.enqueue(id, s),
        }
    }

    /// Puts a consignment (at its leg's origin node) in the leg queue and tells the carrier.
    pub(crate) fn enqueue(&mut self, id: u32, s: &mut Scheduler<Event>) {
        let net = self.net;
        let c = self.cargo.consignments.items[id as usize];
        let leg = net.flows[c.flow as usize].legs[c.leg_pos as usize];
        let queue = &mut self.cargo.legs[leg];
        let was_empty = queue.items.is_empty();
        queue.items.push_back(id);
        queue.kg += c.kg;
        match net.legs[leg].carrier {
            super::network::Carrier::Ship(_) => {
                if let Some(p) = net.nodes[net.legs[leg].from].port {
                    for &svc in &net.legs[leg].ships {
                        if ships::cargo_ready(self, svc, p, s) {
                            break;
                        }
                    }
                }
            }
            super::network::Carrier::Pipeline(x) => pipelines::cargo_ready(self, x, s),
            super::network::Carrier::Train(t) => {
                if was_empty {
                    trains::arm_timer(self, t, s);
                }
                trains::try_dispatch(self, t, false, s);
            }
        }
    }
}

impl crate::engine::Model for Corridor<'_> {
    type Event = Event;

    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        if self.tracer.as_ref().is_some_and(|t| t.due(s.now())) {
            trace::sample_until(self, s.now());
        }
        self.events += 1;
        match event {
            Event::FlowArrival(f) => flows::on_arrival(self, f as usize, s),
            Event::OpenShip(a) => arrivals::on_open_ship(self, a as usize, s),
            Event::ShipAtPort(ship) => ships::on_at_port(self, ship, s),
            Event::Berthed(ship) | Event::ShipStep(ship) => ships::on_step(self, ship, s),
            Event::ShipTimeout(ship, token) => ships::on_timeout(self, ship, token, s),
            Event::Timetable(t) => trains::on_timetable(self, t as usize, s),
            Event::TrainTimeout(t, token) => trains::on_timeout(self, t as usize, token, s),
            Event::TrainLoaded(train) => trains::on_loaded(self, train, s),
            Event::TrainArrived(train) => trains::on_arrived(self, train, s),
            Event::TrainReturned(train) => trains::on_returned(self, train, s),
            Event::Storm(w) => weather::on_storm(self, w as usize, s),
            Event::Reopen(p) => weather::on_reopen(self, p as usize, s),
            Event::LinkReopen(l) => weather::on_link_reopen(self, l as usize, s),
            Event::AreaClear(a) => weather::on_area_clear(self, a as usize, s),
            Event::TransferDone(x, id) => transfer::on_done(self, x as usize, id, s),
            Event::Pumped(x) => pipelines::on_pumped(self, x as usize, s),
            Event::PipelineArrived(x, id) => pipelines::on_arrived(self, x as usize, id, s),
            Event::WarmupEnd => self.open_window(s.now()),
            Event::BacklogSample => backlog::on_sample(self, s),
        }
    }
}
