//! The corridor model: the event handler that moves ships, trains and cargo.

use super::network::{Carrier, Handling, Kg, Network, month_of};
use super::state::*;
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::scenario::DeparturePolicy;
use crate::stats::{OnlineStats, StreamQuantiles, TimeWeighted};
use rand::RngExt;
use std::collections::VecDeque;

/// Events of the corridor model. Small and `Copy`: they carry indices only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A flow may generate a consignment (thinned Poisson process).
    FlowArrival(u32),
    /// An open arrival stream may bring a ship.
    OpenShip(u32),
    /// A ship reaches its next port's anchorage.
    ShipAtPort(u32),
    /// A ship's berthing time (or sampled service time) is over.
    Berthed(u32),
    /// A ship's next cargo step (unload or load) is due.
    ShipStep(u32),
    /// A ship's wait for cargo may be over.
    ShipTimeout(u32, u32),
    /// A train service's timetable departure.
    Timetable(u32),
    /// A train service's oldest consignment may have waited long enough.
    TrainTimeout(u32, u32),
    /// A train finished loading.
    TrainLoaded(u32),
    /// A train reached its destination and finished unloading.
    TrainArrived(u32),
    /// A train is back at its origin.
    TrainReturned(u32),
    /// A storm may start.
    Storm(u32),
    /// A port may reopen.
    Reopen(u32),
    /// End of the warm-up: statistics restart.
    WarmupEnd,
    /// Take a trace sample (only scheduled when tracing).
    Sample,
}

/// Time series of one replication, for charts: sampled every `interval`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Trace {
    /// Sample times, days.
    pub days: Vec<f64>,
    /// Yard stock (tonnes) per port, aligned with `days`.
    pub yard_tonnes: Vec<(String, Vec<f64>)>,
    /// End-to-end transit (hours) per flow at percentiles 1, 2, ..., 99 of deliveries.
    pub transit_percentiles: Vec<(String, Vec<f64>)>,
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

/// The model of one replication.
pub struct Corridor<'n> {
    pub(super) net: &'n Network,
    flow_arrival_rng: Vec<RandomStream>,
    flow_size_rng: Vec<RandomStream>,
    open_ship_rng: Vec<RandomStream>,
    open_cargo_rng: Vec<RandomStream>,
    berth_rng: Vec<Vec<RandomStream>>,
    sea_rng: Vec<RandomStream>,
    rail_rng: Vec<RandomStream>,
    storm_rng: Vec<RandomStream>,
    storm_duration_rng: Vec<RandomStream>,

    pub(super) consignments: Slab,
    pub(super) legs: Vec<LegQueue>,
    pub(super) ships: Vec<Ship>,
    free_ships: Vec<u32>,
    pub(super) ports: Vec<PortState>,
    pub(super) ship_services: Vec<ShipServiceState>,
    pub(super) trains: Vec<Train>,
    pub(super) train_services: Vec<TrainServiceState>,
    line_free_at: Vec<[SimTime; 2]>,
    /// Trains entering each rail line in the measured window, per direction
    /// (0: between[0] → between[1]), loaded or empty.
    pub(super) line_trains: Vec<[u64; 2]>,
    pub(super) flows: Vec<FlowState>,
    /// Node-level queues for cargo at non-port nodes are the leg queues themselves.
    pub(super) generated: Kg,
    pub(super) delivered: Kg,
    pub(super) open_generated: Kg,
    pub(super) open_delivered: Kg,
    /// Kilograms generated in the measured window (flows and open arrivals).
    pub(super) window_generated: Kg,
    /// Kilograms delivered in the measured window.
    pub(super) window_delivered: Kg,
    /// Kilograms in the system when the measured window opened.
    pub(super) in_system_at_start: Kg,
    pub(super) measuring: bool,
    pub(super) saturation: Option<Saturation>,
    trace: Option<(SimTime, Trace)>,
}

fn quantiles() -> StreamQuantiles {
    StreamQuantiles::new(0.01, 1e6)
}

impl<'n> Corridor<'n> {
    /// A fresh replication of `net` drawing from `streams`.
    pub fn new(net: &'n Network, streams: Streams) -> Self {
        let ports: Vec<PortState> = net
            .ports
            .iter()
            .map(|p| PortState {
                yard: 0,
                yard_stock: TimeWeighted::new(0, 0.0),
                gate: VecDeque::new(),
                gate_kg: 0,
                blocked: VecDeque::new(),
                waiting_ships: Vec::new(),
                weather_held: Vec::new(),
                closed_until: SimTime::ZERO,
                closed: false,
                closed_since: SimTime::ZERO,
                closed_hours: 0.0,
                blocked_hours: 0.0,
                throughput: 0,
                wait: OnlineStats::new(),
                wait_quantiles: quantiles(),
                turnaround: OnlineStats::new(),
                berths: p
                    .berths
                    .iter()
                    .map(|_| BerthState {
                        busy: 0,
                        queue: VecDeque::new(),
                        occupancy: TimeWeighted::new(0, 0.0),
                    })
                    .collect(),
                anchorage: TimeWeighted::new(0, 0.0),
            })
            .collect();
        let mut trains = Vec::new();
        let train_services = net
            .train_services
            .iter()
            .enumerate()
            .map(|(s, t)| {
                let idle = (0..t.trainsets)
                    .map(|_| {
                        trains.push(Train {
                            service: s as u32,
                            cargo: Vec::new(),
                            load: 0,
                        });
                        (trains.len() - 1) as u32
                    })
                    .collect();
                TrainServiceState {
                    idle,
                    trips: 0,
                    load_factor: OnlineStats::new(),
                    busy: TimeWeighted::new(0, 0.0),
                    token: 0,
                }
            })
            .collect();
        Corridor {
            net,
            flow_arrival_rng: net
                .flows
                .iter()
                .map(|f| streams.stream(&format!("flow/{}/arrivals", f.id)))
                .collect(),
            flow_size_rng: net
                .flows
                .iter()
                .map(|f| streams.stream(&format!("flow/{}/size", f.id)))
                .collect(),
            open_ship_rng: net
                .arrivals
                .iter()
                .map(|a| streams.stream(&format!("arrivals/{}/ships", a.id)))
                .collect(),
            open_cargo_rng: net
                .arrivals
                .iter()
                .map(|a| streams.stream(&format!("arrivals/{}/cargo", a.id)))
                .collect(),
            berth_rng: net
                .ports
                .iter()
                .map(|p| {
                    p.berths
                        .iter()
                        .map(|b| streams.stream(&format!("port/{}/{}/service", p.id, b.class.name())))
                        .collect()
                })
                .collect(),
            sea_rng: net
                .sea_links
                .iter()
                .map(|(id, _)| streams.stream(&format!("sea/{id}/sailing")))
                .collect(),
            rail_rng: net
                .rail_links
                .iter()
                .map(|l| streams.stream(&format!("rail/{}/transit", l.id)))
                .collect(),
            storm_rng: net
                .weather
                .iter()
                .map(|w| streams.stream(&format!("weather/{}/onsets", w.id)))
                .collect(),
            storm_duration_rng: net
                .weather
                .iter()
                .map(|w| streams.stream(&format!("weather/{}/durations", w.id)))
                .collect(),
            consignments: Slab::default(),
            legs: net.legs.iter().map(|_| LegQueue::default()).collect(),
            ships: Vec::new(),
            free_ships: Vec::new(),
            ports,
            ship_services: net.ship_services.iter().map(|_| ShipServiceState::default()).collect(),
            trains,
            train_services,
            line_free_at: vec![[SimTime::ZERO; 2]; net.rail_links.len()],
            line_trains: vec![[0; 2]; net.rail_links.len()],
            flows: net
                .flows
                .iter()
                .map(|_| FlowState {
                    delivered: 0,
                    generated: 0,
                    in_system: 0,
                    transit: OnlineStats::new(),
                    transit_quantiles: quantiles(),
                })
                .collect(),
            generated: 0,
            delivered: 0,
            open_generated: 0,
            open_delivered: 0,
            window_generated: 0,
            window_delivered: 0,
            in_system_at_start: 0,
            measuring: net.warmup == SimTime::ZERO,
            saturation: None,
            trace: None,
        }
    }

    /// Samples yard stocks every `interval` from the start (call before [`Corridor::start`]).
    pub fn enable_trace(&mut self, interval: SimTime) {
        let yard_tonnes = self.net.ports.iter().map(|p| (p.id.clone(), Vec::new())).collect();
        self.trace = Some((
            interval.max(SimTime::from_whole_hours(1)),
            Trace {
                days: Vec::new(),
                yard_tonnes,
                transit_percentiles: Vec::new(),
            },
        ));
    }

    /// The trace recorded so far, with transit percentiles (`None` unless enabled).
    pub fn trace(&self) -> Option<Trace> {
        let (_, trace) = self.trace.as_ref()?;
        let mut trace = trace.clone();
        trace.transit_percentiles = self
            .net
            .flows
            .iter()
            .zip(&self.flows)
            .map(|(def, st)| {
                (
                    def.id.clone(),
                    (1..100)
                        .map(|p| st.transit_quantiles.quantile(p as f64 / 100.0))
                        .collect(),
                )
            })
            .collect();
        Some(trace)
    }

    fn sample(&mut self, s: &mut Scheduler<Event>) {
        let now = s.now();
        let Some((interval, trace)) = &mut self.trace else {
            return;
        };
        trace.days.push(now.as_days());
        for (port, (_, series)) in self.ports.iter().zip(trace.yard_tonnes.iter_mut()) {
            series.push(super::network::tonnes(port.yard));
        }
        let interval = *interval;
        if now + interval <= self.net.end {
            s.schedule_in(interval, Event::Sample);
        }
    }

    /// Schedules the first events: flows, arrivals, storms, the fleets, timetables.
    pub fn start(&mut self, s: &mut Scheduler<Event>) {
        let net = self.net;
        for f in 0..net.flows.len() {
            self.next_flow_arrival(f, s);
        }
        for a in 0..net.arrivals.len() {
            self.next_open_ship(a, s);
        }
        for w in 0..net.weather.len() {
            self.next_storm(w, s);
        }
        for (svc, def) in net.ship_services.iter().enumerate() {
            // Vessels start spread over the route, arriving over the first day.
            for v in 0..def.vessels {
                let pos = v as usize % def.route.len();
                let ship = self.new_ship(
                    Some(svc as u32),
                    pos,
                    def.route[pos],
                    net.ports[def.route[pos]].berth_of(def.class).unwrap_or(0),
                );
                let offset = SimTime::from_hours_clamped(24.0 * v as f64 / def.vessels.max(1) as f64);
                s.schedule_in(offset, Event::ShipAtPort(ship));
            }
        }
        for (t, def) in net.train_services.iter().enumerate() {
            if def.policy == DeparturePolicy::Timetable {
                s.schedule_in(def.timetable, Event::Timetable(t as u32));
            }
        }
        if net.warmup > SimTime::ZERO {
            let _ = s.schedule_at(net.warmup, Event::WarmupEnd);
        }
        if self.trace.is_some() {
            s.schedule_in(SimTime::ZERO, Event::Sample);
        }
    }

    fn new_ship(&mut self, service: Option<u32>, route_pos: usize, port: usize, berth: usize) -> u32 {
        let ship = Ship {
            service,
            route_pos,
            port,
            berth,
            cargo: Vec::new(),
            load: 0,
            open_cargo: 0,
            phase: Phase::Sailing,
            arrived: SimTime::ZERO,
            since: SimTime::ZERO,
            token: 0,
            has_waited: false,
        };
        match self.free_ships.pop() {
            Some(id) => {
                let cargo = std::mem::take(&mut self.ships[id as usize].cargo);
                self.ships[id as usize] = Ship { cargo, ..ship };
                id
            }
            None => {
                self.ships.push(ship);
                (self.ships.len() - 1) as u32
            }
        }
    }

    fn exp_gap(rng: &mut RandomStream, rate_per_hour: f64) -> SimTime {
        let u: f64 = rng.random::<f64>();
        SimTime::from_hours_clamped(-(1.0 - u).ln() / rate_per_hour)
    }

    fn next_flow_arrival(&mut self, f: usize, s: &mut Scheduler<Event>) {
        let def = &self.net.flows[f];
        let rate = def.rate_per_hour * def.peak_factor;
        if rate > 0.0 {
            let gap = Self::exp_gap(&mut self.flow_arrival_rng[f], rate);
            s.schedule_in(gap, Event::FlowArrival(f as u32));
        }
    }

    fn next_open_ship(&mut self, a: usize, s: &mut Scheduler<Event>) {
        let rate = self.net.arrivals[a].rate_per_hour;
        if rate > 0.0 {
            let gap = Self::exp_gap(&mut self.open_ship_rng[a], rate);
            s.schedule_in(gap, Event::OpenShip(a as u32));
        }
    }

    fn next_storm(&mut self, w: usize, s: &mut Scheduler<Event>) {
        let def = &self.net.weather[w];
        let rate = def.rate_per_hour * def.peak_factor;
        if rate > 0.0 {
            let gap = Self::exp_gap(&mut self.storm_rng[w], rate);
            s.schedule_in(gap, Event::Storm(w as u32));
        }
    }

    fn saturate(&mut self, resource: String, reason: String, s: &mut Scheduler<Event>) {
        if self.saturation.is_none() {
            self.saturation = Some(Saturation {
                resource,
                at_hours: s.now().as_hours(),
                reason,
            });
        }
        s.request_stop();
    }

    // ----- cargo movement -------------------------------------------------------------

    fn flow_arrival(&mut self, f: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let def = &self.net.flows[f];
        let accept = def.seasonality[month_of(now)] / def.peak_factor;
        let thinned = accept >= 1.0 || self.flow_arrival_rng[f].random::<f64>() < accept;
        self.next_flow_arrival(f, s);
        if !thinned {
            return;
        }
        if self.consignments.live >= self.net.max_consignments {
            let resource = self.most_loaded_queue();
            let reason = format!(
                "{} consignments in the system (the cap): demand exceeds what the corridor carries; cargo piles up most at {resource}",
                self.net.max_consignments
            );
            self.saturate(resource, reason, s);
            return;
        }
        let kg = super::network::kg_from_tonnes(def.size.sample(&mut self.flow_size_rng[f])).max(1);
        let id = self.consignments.insert(Consignment {
            flow: f as u32,
            leg_pos: 0,
            kg,
            created: now,
            at_node_since: now,
        });
        self.generated += kg;
        let flow = &mut self.flows[f];
        flow.in_system += kg;
        if self.measuring {
            flow.generated += kg;
            self.window_generated += kg;
        }
        self.arrive_at_node(id, def.origin, s);
    }

    /// Name of the leg queue holding the most cargo (where demand piles up).
    fn most_loaded_queue(&self) -> String {
        let (mut best, mut kg) = (String::from("unknown"), 0);
        for (i, q) in self.legs.iter().enumerate() {
            if q.kg > kg {
                kg = q.kg;
                best = self.leg_name(i);
            }
        }
        for (p, port) in self.ports.iter().enumerate() {
            if port.gate_kg > kg {
                kg = port.gate_kg;
                best = format!("port.{}.yard", self.net.ports[p].id);
            }
        }
        best
    }

    /// A readable name for the resource a leg's cargo waits for.
    pub(super) fn leg_name(&self, leg: usize) -> String {
        let def = &self.net.legs[leg];
        let node = &self.net.nodes[def.from].id;
        match def.carrier {
            Carrier::Ship(s) => format!("service.{}@{}", self.net.ship_services[s].id, node),
            Carrier::Train(t) => format!("service.{}@{}", self.net.train_services[t].id, node),
        }
    }

    /// Consignment `id` reached `node`: deliver it, or queue it for its next leg.
    fn arrive_at_node(&mut self, id: u32, node: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let c = self.consignments.items[id as usize];
        let flow = &self.net.flows[c.flow as usize];
        if c.leg_pos as usize >= flow.legs.len() {
            self.deliver(id, now);
            return;
        }
        self.consignments.items[id as usize].at_node_since = now;
        match self.net.nodes[node].port {
            Some(p) => {
                // A consignment larger than the whole yard could never enter it: it is
                // split into parts the yard can hold (validation keeps this rare).
                let capacity = self.net.ports[p].yard_capacity.max(1);
                while self.consignments.items[id as usize].kg > capacity {
                    let whole = &mut self.consignments.items[id as usize];
                    whole.kg -= capacity;
                    let part = Consignment { kg: capacity, ..*whole };
                    let part = self.consignments.insert(part);
                    self.admit_to_yard(p, part, s);
                }
                self.admit_to_yard(p, id, s);
            }
            None => self.enqueue(id, s),
        }
    }

    /// Puts a consignment at port `p` into the yard, or at the gate when the yard is
    /// full or others wait before it.
    fn admit_to_yard(&mut self, p: usize, id: u32, s: &mut Scheduler<Event>) {
        let kg = self.consignments.items[id as usize].kg;
        if self.ports[p].gate.is_empty() && self.yard_has_room(p, kg) {
            self.yard_add(p, kg, s.now());
            self.enqueue(id, s);
        } else {
            let port = &mut self.ports[p];
            port.gate.push_back(id);
            port.gate_kg += kg;
        }
    }

    fn deliver(&mut self, id: u32, now: SimTime) {
        let c = self.consignments.items[id as usize];
        self.delivered += c.kg;
        let flow = &mut self.flows[c.flow as usize];
        flow.in_system -= c.kg;
        if self.measuring {
            self.window_delivered += c.kg;
            flow.delivered += c.kg;
            let h = (now - c.created).as_hours();
            flow.transit.push(h);
            flow.transit_quantiles.record(h);
        }
        self.consignments.remove(id);
    }

    fn yard_has_room(&self, p: usize, kg: Kg) -> bool {
        self.ports[p].yard + kg <= self.net.ports[p].yard_capacity
    }

    fn yard_add(&mut self, p: usize, kg: Kg, now: SimTime) {
        let port = &mut self.ports[p];
        port.yard += kg;
        port.yard_stock.set(now.as_millis(), super::network::tonnes(port.yard));
    }

    fn yard_remove(&mut self, p: usize, kg: Kg, s: &mut Scheduler<Event>) {
        let now = s.now();
        let port = &mut self.ports[p];
        port.yard -= kg;
        port.yard_stock.set(now.as_millis(), super::network::tonnes(port.yard));
        self.yard_freed(p, s);
    }

    /// Space freed in a yard: first unblock a ship at berth, then admit from the gate.
    fn yard_freed(&mut self, p: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        if let Some(&ship) = self.ports[p].blocked.front() {
            let capacity = self.net.ports[p].yard_capacity.max(1);
            let need = self.next_unload(ship as usize).map_or(0, |(_, kg)| kg.min(capacity));
            if self.yard_has_room(p, need) {
                self.ports[p].blocked.pop_front();
                let since = self.ships[ship as usize].since.max(self.net.warmup);
                if self.measuring && now > since {
                    self.ports[p].blocked_hours += (now - since).as_hours();
                }
                self.ships[ship as usize].phase = Phase::Unloading;
                s.schedule_in(SimTime::ZERO, Event::ShipStep(ship));
            }
            return;
        }
        while let Some(&id) = self.ports[p].gate.front() {
            let kg = self.consignments.items[id as usize].kg;
            if !self.yard_has_room(p, kg) {
                break;
            }
            let port = &mut self.ports[p];
            port.gate.pop_front();
            port.gate_kg -= kg;
            self.yard_add(p, kg, now);
            self.enqueue(id, s);
        }
    }

    /// Puts a consignment (at its leg's origin node) in the leg queue and tells the carrier.
    fn enqueue(&mut self, id: u32, s: &mut Scheduler<Event>) {
        let c = self.consignments.items[id as usize];
        let leg = self.net.flows[c.flow as usize].legs[c.leg_pos as usize];
        let queue = &mut self.legs[leg];
        let was_empty = queue.items.is_empty();
        queue.items.push_back(id);
        queue.kg += c.kg;
        match self.net.legs[leg].carrier {
            Carrier::Ship(svc) => {
                let node = self.net.legs[leg].from;
                if let Some(p) = self.net.nodes[node].port {
                    let waiting = &mut self.ports[p].waiting_ships;
                    if let Some(i) = waiting
                        .iter()
                        .position(|&sh| self.ships[sh as usize].service == Some(svc as u32))
                    {
                        let ship = waiting.remove(i);
                        self.set_ship_idle(ship as usize, false, s.now());
                        self.ships[ship as usize].phase = Phase::Loading;
                        s.schedule_in(SimTime::ZERO, Event::ShipStep(ship));
                    }
                }
            }
            Carrier::Train(t) => {
                if was_empty {
                    self.arm_train_timer(t, s);
                }
                self.try_dispatch(t, false, s);
            }
        }
    }

    // ----- ships ----------------------------------------------------------------------

    fn set_ship_idle(&mut self, ship: usize, idle: bool, now: SimTime) {
        if let Some(svc) = self.ships[ship].service {
            self.ship_services[svc as usize]
                .idle
                .add(now.as_millis(), if idle { 1.0 } else { -1.0 });
        }
    }

    fn open_ship(&mut self, a: usize, s: &mut Scheduler<Event>) {
        self.next_open_ship(a, s);
        let def = &self.net.arrivals[a];
        let kg = super::network::kg_from_tonnes(def.cargo.sample(&mut self.open_cargo_rng[a]));
        let ship = self.new_ship(None, 0, def.port, def.berth);
        let sh = &mut self.ships[ship as usize];
        sh.open_cargo = kg;
        sh.load = kg;
        self.generated += kg;
        self.open_generated += kg;
        if self.measuring {
            self.window_generated += kg;
        }
        self.ship_at_port(ship, s);
    }

    fn ship_at_port(&mut self, ship: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let sh = &mut self.ships[ship as usize];
        sh.arrived = now;
        sh.phase = Phase::Queued;
        let (p, b) = (sh.port, sh.berth);
        let group = &self.ports[p].berths[b];
        if !self.ports[p].closed && group.busy < self.net.ports[p].berths[b].count && group.queue.is_empty() {
            self.seize_berth(ship, s);
        } else {
            self.ports[p].berths[b].queue.push_back(ship);
            self.ports[p].anchorage.add(now.as_millis(), 1.0);
        }
    }

    fn seize_berth(&mut self, ship: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let (p, b, arrived) = {
            let sh = &mut self.ships[ship as usize];
            sh.phase = Phase::Berthing;
            (sh.port, sh.berth, sh.arrived)
        };
        let group = &mut self.ports[p].berths[b];
        group.busy += 1;
        group.occupancy.set(now.as_millis(), group.busy as f64);
        if self.measuring {
            let h = (now - arrived).as_hours();
            self.ports[p].wait.push(h);
            self.ports[p].wait_quantiles.record(h);
        }
        let delay = match &self.net.ports[p].berths[b].handling {
            Handling::Rate { berthing, .. } => *berthing,
            Handling::Service(d) => SimTime::from_hours_clamped(d.sample(&mut self.berth_rng[p][b])),
        };
        s.schedule_in(delay, Event::Berthed(ship));
    }

    /// The next consignment to unload at the ship's port, as (index in cargo, kg).
    fn next_unload(&self, ship: usize) -> Option<(usize, Kg)> {
        let sh = &self.ships[ship];
        let node = self.net.ports[sh.port].node;
        sh.cargo.iter().enumerate().find_map(|(i, &id)| {
            let c = &self.consignments.items[id as usize];
            let leg = self.net.flows[c.flow as usize].legs[c.leg_pos as usize];
            (self.net.legs[leg].to == node).then_some((i, c.kg))
        })
    }

    fn step_time(&self, p: usize, b: usize, kg: Kg) -> SimTime {
        match &self.net.ports[p].berths[b].handling {
            Handling::Rate { kg_per_hour, .. } => SimTime::from_hours_clamped(kg as f64 / kg_per_hour),
            Handling::Service(_) => SimTime::ZERO,
        }
    }

    /// One unloading or loading step; decides what the ship does next.
    fn ship_step(&mut self, ship: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let si = ship as usize;
        let (p, b) = (self.ships[si].port, self.ships[si].berth);
        if matches!(self.ships[si].phase, Phase::Berthing | Phase::Unloading) {
            self.ships[si].phase = Phase::Unloading;
            let open = self.ships[si].open_cargo;
            if open > 0 {
                let sh = &mut self.ships[si];
                sh.open_cargo = 0;
                sh.load -= open;
                self.delivered += open;
                self.open_delivered += open;
                if self.measuring {
                    self.window_delivered += open;
                    self.ports[p].throughput += open;
                }
                s.schedule_in(self.step_time(p, b, open), Event::ShipStep(ship));
                return;
            }
            if let Some((i, kg)) = self.next_unload(si) {
                let mut id = self.ships[si].cargo[i];
                let c = self.consignments.items[id as usize];
                let flow = &self.net.flows[c.flow as usize];
                let last_leg = c.leg_pos as usize + 1 >= flow.legs.len();
                // A consignment larger than the whole yard is landed in yard-sized parts.
                let capacity = self.net.ports[p].yard_capacity.max(1);
                let kg = if last_leg { kg } else { kg.min(capacity) };
                if !last_leg && !self.yard_has_room(p, kg) {
                    let sh = &mut self.ships[si];
                    sh.phase = Phase::Blocked;
                    sh.since = now;
                    self.ports[p].blocked.push_back(ship);
                    return;
                }
                if kg < c.kg {
                    self.consignments.items[id as usize].kg -= kg;
                    id = self.consignments.insert(Consignment { kg, ..c });
                } else {
                    self.ships[si].cargo.swap_remove(i);
                }
                let sh = &mut self.ships[si];
                sh.load -= kg;
                if self.measuring {
                    self.ports[p].throughput += kg;
                }
                self.consignments.items[id as usize].leg_pos += 1;
                let node = self.net.ports[p].node;
                self.arrive_at_node(id, node, s);
                s.schedule_in(self.step_time(p, b, kg), Event::ShipStep(ship));
                return;
            }
            self.ships[si].phase = Phase::Loading;
        }
        if self.ships[si].phase == Phase::Loading {
            if let Some(kg) = self.load_one(si, s) {
                s.schedule_in(self.step_time(p, b, kg), Event::ShipStep(ship));
                return;
            }
            self.try_depart(ship, s);
        }
    }

    /// Loads the next waiting consignment (splitting it to fit); returns its weight.
    fn load_one(&mut self, si: usize, s: &mut Scheduler<Event>) -> Option<Kg> {
        let svc = self.ships[si].service? as usize;
        let def = &self.net.ship_services[svc];
        let room = def.capacity.saturating_sub(self.ships[si].load);
        if room == 0 {
            return None;
        }
        let p = self.ships[si].port;
        for &leg in &def.load_legs[self.ships[si].route_pos] {
            if let Some(kg) = self.take_from_leg(leg, room, s) {
                let (id, kg) = kg;
                let sh = &mut self.ships[si];
                sh.cargo.push(id);
                sh.load += kg;
                if self.measuring {
                    self.ports[p].throughput += kg;
                }
                self.yard_remove(p, kg, s);
                return Some(kg);
            }
        }
        None
    }

    /// Takes up to `room` kg from the front of a leg queue, splitting the consignment
    /// if it does not fit. Returns the id now travelling and its weight.
    fn take_from_leg(&mut self, leg: usize, room: Kg, s: &mut Scheduler<Event>) -> Option<(u32, Kg)> {
        let now = s.now();
        let &front = self.legs[leg].items.front()?;
        let c = self.consignments.items[front as usize];
        let (id, kg) = if c.kg <= room {
            self.legs[leg].items.pop_front();
            (front, c.kg)
        } else {
            // Split: the part that fits travels, the rest keeps its place in the queue.
            self.consignments.items[front as usize].kg -= room;
            let part = self.consignments.insert(Consignment { kg: room, ..c });
            (part, room)
        };
        let queue = &mut self.legs[leg];
        queue.kg -= kg;
        if self.measuring {
            queue.wait.push((now - c.at_node_since).as_hours());
        }
        Some((id, kg))
    }

    fn try_depart(&mut self, ship: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let si = ship as usize;
        let p = self.ships[si].port;
        if let Some(svc) = self.ships[si].service {
            let def = &self.net.ship_services[svc as usize];
            let sh = &self.ships[si];
            let waited = if sh.has_waited { now - sh.since } else { SimTime::ZERO };
            let loads_here = !def.load_legs[sh.route_pos].is_empty();
            if loads_here && sh.load < def.fill && waited < def.max_wait && sh.phase != Phase::WaitingCargo {
                let sh = &mut self.ships[si];
                if !sh.has_waited {
                    sh.has_waited = true;
                    sh.since = now;
                    sh.token = sh.token.wrapping_add(1);
                    let token = sh.token;
                    s.schedule_in(def.max_wait, Event::ShipTimeout(ship, token));
                }
                sh.phase = Phase::WaitingCargo;
                self.set_ship_idle(si, true, now);
                self.ports[p].waiting_ships.push(ship);
                return;
            }
        }
        if self.ships[si].phase == Phase::WaitingCargo {
            self.set_ship_idle(si, false, now);
            self.ports[p].waiting_ships.retain(|&x| x != ship);
        }
        if self.ports[p].closed {
            self.ships[si].phase = Phase::WaitingWeather;
            self.ports[p].weather_held.push(ship);
            return;
        }
        self.depart(ship, s);
    }

    fn depart(&mut self, ship: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let si = ship as usize;
        let (p, b) = (self.ships[si].port, self.ships[si].berth);
        let group = &mut self.ports[p].berths[b];
        group.busy -= 1;
        group.occupancy.set(now.as_millis(), group.busy as f64);
        if self.measuring {
            let h = (now - self.ships[si].arrived).as_hours();
            self.ports[p].turnaround.push(h);
        }
        self.next_berth(p, b, s);
        match self.ships[si].service {
            Some(svc) => {
                let svc = svc as usize;
                let def = &self.net.ship_services[svc];
                if self.measuring {
                    let st = &mut self.ship_services[svc];
                    st.trips += 1;
                    st.load_factor.push(self.ships[si].load as f64 / def.capacity as f64);
                }
                let pos = self.ships[si].route_pos;
                let link = def.sailing[pos];
                let sail = SimTime::from_hours_clamped(self.net.sea_links[link].1.sample(&mut self.sea_rng[link]));
                let next = (pos + 1) % def.route.len();
                let sh = &mut self.ships[si];
                sh.has_waited = false;
                sh.route_pos = next;
                sh.port = def.route[next];
                sh.berth = self.net.ports[sh.port].berth_of(def.class).unwrap_or(0);
                sh.phase = Phase::Sailing;
                s.schedule_in(sail, Event::ShipAtPort(ship));
            }
            None => {
                let sh = &mut self.ships[si];
                sh.phase = Phase::Gone;
                self.free_ships.push(ship);
            }
        }
    }

    fn next_berth(&mut self, p: usize, b: usize, s: &mut Scheduler<Event>) {
        if self.ports[p].closed {
            return;
        }
        while self.ports[p].berths[b].busy < self.net.ports[p].berths[b].count {
            let Some(next) = self.ports[p].berths[b].queue.pop_front() else {
                break;
            };
            self.ports[p].anchorage.add(s.now().as_millis(), -1.0);
            self.seize_berth(next, s);
        }
    }

    // ----- trains ---------------------------------------------------------------------

    fn arm_train_timer(&mut self, t: usize, s: &mut Scheduler<Event>) {
        let def = &self.net.train_services[t];
        if def.policy != DeparturePolicy::WhenFull {
            return;
        }
        let leg = def.leg;
        let Some(&front) = leg.and_then(|l| self.legs[l].items.front()) else {
            return;
        };
        let due = self.consignments.items[front as usize].at_node_since + def.max_wait;
        let st = &mut self.train_services[t];
        st.token = st.token.wrapping_add(1);
        let _ = s.schedule_at(due.max(s.now()), Event::TrainTimeout(t as u32, st.token));
    }

    /// Dispatches trains while the policy allows: full loads, or a part load when the
    /// oldest consignment has waited `max_wait` (or at a timetable slot if `timetable`).
    fn try_dispatch(&mut self, t: usize, timetable: bool, s: &mut Scheduler<Event>) {
        let now = s.now();
        let Some(leg) = self.net.train_services[t].leg else {
            return;
        };
        let def = &self.net.train_services[t];
        loop {
            if self.train_services[t].idle.is_empty() || self.legs[leg].items.is_empty() {
                return;
            }
            let go = match def.policy {
                DeparturePolicy::Timetable => timetable,
                DeparturePolicy::WhenFull => {
                    let front = self.legs[leg].items[0];
                    self.legs[leg].kg >= def.capacity
                        || now >= self.consignments.items[front as usize].at_node_since + def.max_wait
                }
            };
            if !go {
                return;
            }
            let train = self.train_services[t].idle.pop().unwrap_or(0);
            let busy = def.trainsets as usize - self.train_services[t].idle.len();
            self.train_services[t].busy.set(now.as_millis(), busy as f64);
            let from_port = self.net.nodes[def.from].port;
            while self.trains[train as usize].load < def.capacity {
                let room = def.capacity - self.trains[train as usize].load;
                let Some((id, kg)) = self.take_from_leg(leg, room, s) else {
                    break;
                };
                let tr = &mut self.trains[train as usize];
                tr.cargo.push(id);
                tr.load += kg;
                if let Some(p) = from_port {
                    self.yard_remove(p, kg, s);
                }
            }
            s.schedule_in(def.loading, Event::TrainLoaded(train));
            if timetable {
                break;
            }
            self.arm_train_timer(t, s);
        }
    }

    fn train_loaded(&mut self, train: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let t = self.trains[train as usize].service as usize;
        let def = &self.net.train_services[t];
        let link = &self.net.rail_links[def.link];
        let slot = &mut self.line_free_at[def.link][def.direction];
        let depart = (*slot).max(now);
        *slot = depart + link.headway;
        self.count_line_departure(def.link, def.direction, depart);
        if self.measuring {
            let st = &mut self.train_services[t];
            st.trips += 1;
            st.load_factor
                .push(self.trains[train as usize].load as f64 / def.capacity as f64);
        }
        let transit = SimTime::from_hours_clamped(link.transit.sample(&mut self.rail_rng[def.link]));
        let _ = s.schedule_at(depart + transit + def.unloading, Event::TrainArrived(train));
    }

    fn train_arrived(&mut self, train: u32, s: &mut Scheduler<Event>) {
        let t = self.trains[train as usize].service as usize;
        let def = &self.net.train_services[t];
        let mut cargo = std::mem::take(&mut self.trains[train as usize].cargo);
        for &id in &cargo {
            self.consignments.items[id as usize].leg_pos += 1;
            self.arrive_at_node(id, def.to, s);
        }
        cargo.clear();
        let tr = &mut self.trains[train as usize];
        tr.cargo = cargo;
        tr.load = 0;
        // The empty return takes a path in the opposite direction, like any train.
        let link = &self.net.rail_links[def.link];
        let back = 1 - def.direction;
        let slot = &mut self.line_free_at[def.link][back];
        let depart = (*slot).max(s.now());
        *slot = depart + link.headway;
        self.count_line_departure(def.link, back, depart);
        let transit = SimTime::from_hours_clamped(link.transit.sample(&mut self.rail_rng[def.link]));
        let _ = s.schedule_at(depart + transit, Event::TrainReturned(train));
    }

    /// Counts a train entering a line at `depart` if that lies in the measured window
    /// (the path may be reserved before the window opens, or after it closes).
    fn count_line_departure(&mut self, link: usize, direction: usize, depart: SimTime) {
        if depart >= self.net.warmup && depart < self.net.end {
            self.line_trains[link][direction] += 1;
        }
    }

    fn train_returned(&mut self, train: u32, s: &mut Scheduler<Event>) {
        let t = self.trains[train as usize].service as usize;
        self.train_services[t].idle.push(train);
        let busy = self.net.train_services[t].trainsets as usize - self.train_services[t].idle.len();
        self.train_services[t].busy.set(s.now().as_millis(), busy as f64);
        self.try_dispatch(t, false, s);
    }

    // ----- weather --------------------------------------------------------------------

    fn storm(&mut self, w: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let def = &self.net.weather[w];
        let accept = def.monthly[month_of(now)] / def.peak_factor;
        let real = accept >= 1.0 || self.storm_rng[w].random::<f64>() < accept;
        self.next_storm(w, s);
        if !real {
            return;
        }
        let until = now + SimTime::from_hours_clamped(def.duration.sample(&mut self.storm_duration_rng[w]));
        for &p in &def.ports {
            let port = &mut self.ports[p];
            if until > port.closed_until {
                port.closed_until = until;
            }
            if !port.closed {
                port.closed = true;
                port.closed_since = now;
                let _ = s.schedule_at(until, Event::Reopen(p as u32));
            }
        }
    }

    fn reopen(&mut self, p: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let port = &mut self.ports[p];
        if now < port.closed_until {
            let _ = s.schedule_at(port.closed_until, Event::Reopen(p as u32));
            return;
        }
        port.closed = false;
        let since = port.closed_since.max(self.net.warmup);
        if self.measuring && now > since {
            port.closed_hours += (now - since).as_hours();
        }
        for b in 0..self.ports[p].berths.len() {
            self.next_berth(p, b, s);
        }
        let held = std::mem::take(&mut self.ports[p].weather_held);
        for &ship in &held {
            self.depart(ship, s);
        }
        let mut held = held;
        held.clear();
        self.ports[p].weather_held = held;
    }

    /// Checks structural invariants; returns the first violation found: no ship in two
    /// places, berths in use within their count, yards within capacity, and every live
    /// consignment in exactly one place with every running total equal to the sum of
    /// the consignments it counts (see [`Corridor::audit_cargo`]).
    pub fn check_invariants(&self) -> Result<(), String> {
        self.audit_cargo()?;
        self.check_places()
    }

    /// Audits cargo against the live consignments themselves, not the running counters:
    /// each live consignment sits in exactly one place (a leg queue, a gate, a vessel, a
    /// train); queue, gate, vessel, train and flow totals equal the sums of what they
    /// hold; and generated − delivered equals the cargo found.
    pub fn audit_cargo(&self) -> Result<(), String> {
        let live = self.consignments.live_slots();
        let mut seen = vec![0u8; live.len()];
        let mut found_kg: u64 = 0;
        let mut per_flow = vec![0u64; self.flows.len()];
        let mut visit = |id: u32, place: &str| -> Result<u64, String> {
            let i = id as usize;
            if !live.get(i).copied().unwrap_or(false) {
                return Err(format!("{place} holds consignment {id}, which is not live"));
            }
            seen[i] += 1;
            let c = &self.consignments.items[i];
            found_kg += c.kg;
            per_flow[c.flow as usize] += c.kg;
            Ok(c.kg)
        };
        for (l, q) in self.legs.iter().enumerate() {
            let mut kg = 0;
            for &id in &q.items {
                kg += visit(id, &format!("the queue for {}", self.leg_name(l)))?;
            }
            if kg != q.kg {
                return Err(format!("queue {} says {} kg but holds {kg} kg", self.leg_name(l), q.kg));
            }
        }
        for (p, port) in self.ports.iter().enumerate() {
            let mut kg = 0;
            for &id in &port.gate {
                kg += visit(id, &format!("the gate of {}", self.net.ports[p].id))?;
            }
            if kg != port.gate_kg {
                return Err(format!(
                    "gate of {} says {} kg but holds {kg} kg",
                    self.net.ports[p].id, port.gate_kg
                ));
            }
        }
        let mut open_kg = 0;
        for (i, ship) in self.ships.iter().enumerate() {
            if ship.phase == Phase::Gone {
                continue;
            }
            let mut kg = ship.open_cargo;
            open_kg += ship.open_cargo;
            for &id in &ship.cargo {
                kg += visit(id, &format!("ship {i}"))?;
            }
            if kg != ship.load {
                return Err(format!("ship {i} says {} kg on board but carries {kg} kg", ship.load));
            }
        }
        for (i, train) in self.trains.iter().enumerate() {
            let mut kg = 0;
            for &id in &train.cargo {
                kg += visit(id, &format!("train {i}"))?;
            }
            if kg != train.load {
                return Err(format!("train {i} says {} kg on board but carries {kg} kg", train.load));
            }
        }
        for (i, (&is_live, &count)) in live.iter().zip(&seen).enumerate() {
            if is_live && count != 1 {
                return Err(format!("consignment {i} is in {count} places"));
            }
        }
        if self.generated - self.delivered != found_kg + open_kg {
            return Err(format!(
                "{} kg generated − {} kg delivered, but {} kg found in the corridor",
                self.generated,
                self.delivered,
                found_kg + open_kg
            ));
        }
        for (f, (st, &kg)) in self.flows.iter().zip(&per_flow).enumerate() {
            if st.in_system != kg {
                return Err(format!(
                    "flow {} says {} kg in the system but {kg} kg were found",
                    self.net.flows[f].id, st.in_system
                ));
            }
        }
        Ok(())
    }

    fn check_places(&self) -> Result<(), String> {
        let mut place = vec![0u32; self.ships.len()];
        for (p, port) in self.ports.iter().enumerate() {
            let def = &self.net.ports[p];
            if port.yard > def.yard_capacity {
                return Err(format!(
                    "port {}: yard {} kg above capacity {}",
                    def.id, port.yard, def.yard_capacity
                ));
            }
            for (b, group) in port.berths.iter().enumerate() {
                if group.busy > def.berths[b].count {
                    return Err(format!(
                        "port {}: {} berths busy of {}",
                        def.id, group.busy, def.berths[b].count
                    ));
                }
                for &ship in &group.queue {
                    place[ship as usize] += 1;
                }
            }
            for &ship in port.blocked.iter().chain(&port.waiting_ships).chain(&port.weather_held) {
                place[ship as usize] += 1;
            }
        }
        for (i, count) in place.iter().enumerate() {
            if *count > 1 {
                return Err(format!("ship {i} is in {count} places at once"));
            }
            let phase = self.ships[i].phase;
            let listed = matches!(
                phase,
                Phase::Queued | Phase::Blocked | Phase::WaitingCargo | Phase::WaitingWeather
            );
            if listed != (*count == 1) {
                return Err(format!("ship {i} in phase {phase:?} is listed {count} times"));
            }
        }
        Ok(())
    }

    fn warmup_end(&mut self, now: SimTime) {
        self.measuring = true;
        self.in_system_at_start = self.generated - self.delivered;
        let t = now.as_millis();
        for port in &mut self.ports {
            port.yard_stock.reset(t);
            port.anchorage.reset(t);
            for b in &mut port.berths {
                b.occupancy.reset(t);
            }
        }
        for svc in &mut self.ship_services {
            svc.idle.reset(t);
        }
        for svc in &mut self.train_services {
            svc.busy.reset(t);
        }
    }
}

impl crate::engine::Model for Corridor<'_> {
    type Event = Event;

    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::FlowArrival(f) => self.flow_arrival(f as usize, s),
            Event::OpenShip(a) => self.open_ship(a as usize, s),
            Event::ShipAtPort(ship) => self.ship_at_port(ship, s),
            Event::Berthed(ship) | Event::ShipStep(ship) => self.ship_step(ship, s),
            Event::ShipTimeout(ship, token) => {
                let sh = &self.ships[ship as usize];
                if sh.phase == Phase::WaitingCargo && sh.token == token {
                    self.try_depart(ship, s);
                }
            }
            Event::Timetable(t) => {
                let t = t as usize;
                self.try_dispatch(t, true, s);
                s.schedule_in(self.net.train_services[t].timetable, Event::Timetable(t as u32));
            }
            Event::TrainTimeout(t, token) => {
                if self.train_services[t as usize].token == token {
                    self.try_dispatch(t as usize, false, s);
                }
            }
            Event::TrainLoaded(train) => self.train_loaded(train, s),
            Event::TrainArrived(train) => self.train_arrived(train, s),
            Event::TrainReturned(train) => self.train_returned(train, s),
            Event::Storm(w) => self.storm(w as usize, s),
            Event::Reopen(p) => self.reopen(p as usize, s),
            Event::WarmupEnd => self.warmup_end(s.now()),
            Event::Sample => self.sample(s),
        }
    }
}
