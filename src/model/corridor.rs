//! The corridor: the compiled [`Network`] and the model of one replication, which
//! owns one instance of every subsystem, routes each event to the subsystem that owns
//! it, routes cargo between nodes, and opens and closes every subsystem's measured
//! window. This file is where a new kind of entity is registered.

use super::arrivals::{ArrivalDef, Arrivals};
use super::backlog::Backlog;
use super::berths::Berths;
use super::cargo::Cargo;
use super::flows::{FlowDef, Flows};
use super::kpis::ReplicationKpis;
use super::network::{CompileError, LegDef, NodeDef, PortDef, attach_unit_hours, compile_nodes};
use super::pipelines::{PipelineDef, Pipelines};
use super::planning::CapacityClock;
use super::ships::{SeaLinkDef, ShipServiceDef, Ships};
use super::trace::{Trace, Tracer};
use super::trains::{RailLinkDef, TrainServiceDef, Trains};
use super::transfer::{TransferDef, Transfers};
use super::weather::{Weather, WeatherDef};
use super::yards::Yards;
use super::{arrivals, backlog, flows, pipelines, ships, trace, trains, transfer, weather};
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::scenario::ScenarioSpec;
use rand::RngExt;

/// The compiled, validated network of one scenario (or variant): names resolved to
/// indices, distributions to samplers, hours to [`SimTime`]. Built once; shared
/// read-only by every replication.
#[derive(Debug, Clone)]
pub struct Network {
    /// Scenario display name.
    pub name: String,
    /// End of the warm-up.
    pub warmup: SimTime,
    /// End of the run (warm-up + horizon).
    pub end: SimTime,
    /// Cap on consignments in the system.
    pub max_consignments: u64,
    /// Cap on events per replication.
    pub max_events: u64,
    pub(crate) nodes: Vec<NodeDef>,
    pub(crate) ports: Vec<PortDef>,
    pub(crate) sea_links: Vec<SeaLinkDef>,
    pub(crate) rail_links: Vec<RailLinkDef>,
    pub(crate) ship_services: Vec<ShipServiceDef>,
    pub(crate) pools: Vec<super::pools::PoolDef>,
    pub(crate) train_services: Vec<TrainServiceDef>,
    pub(crate) arrivals: Vec<ArrivalDef>,
    pub(crate) legs: Vec<LegDef>,
    pub(crate) flows: Vec<FlowDef>,
    pub(crate) weather: Vec<WeatherDef>,
    pub(crate) transfers: Vec<TransferDef>,
    pub(crate) pipelines: Vec<PipelineDef>,
    /// Cargo units (wagon, truck, TEU, …) named by flows and ship services.
    pub(crate) units: Vec<String>,
    /// The planning calendar, for runs of several years.
    pub(crate) calendar: Option<Calendar>,
    /// Added to the clock to read the month (seasonality, storms): in a planning run,
    /// so that each planning year starts on 1 January; otherwise zero (time 0 is
    /// 1 January).
    pub(crate) calendar_shift: SimTime,
    /// Later configurations (dated changes), in time order: from when each holds.
    pub(crate) epochs: Vec<(SimTime, Network)>,
    /// Whether any tariff, charge, emission factor or value of time is given: cost
    /// and CO2 KPIs are reported only then.
    pub(crate) costed: bool,
}

impl Network {
    /// Compiles a scenario into a network. The scenario is checked first (exactly as a
    /// file is; see [`crate::scenario::check`]), and every reference is resolved.
    ///
    /// # Errors
    /// The scenario's semantic problems, or a reference, leg or distribution that
    /// cannot be compiled.
    pub fn compile(spec: &ScenarioSpec) -> Result<Network, CompileError> {
        let issues = crate::scenario::check(spec);
        if !issues.is_empty() {
            return Err(CompileError::Invalid(issues));
        }
        let timeline = spec.timeline().map_err(|p| {
            CompileError::Invalid(vec![crate::scenario::Issue {
                path: format!("changes.{}", p.change),
                message: p.message,
                valid: None,
                location: Some(p.location),
            }])
        })?;
        // A moving sea level changes what vessels may load each planning year: each
        // year starts a configuration of its own, at the level of its middle.
        let level = |day: f64| match &spec.planning {
            Some(p) if p.sea_level_m_per_year != 0.0 => p.sea_level_in_year(
                ((day / crate::scenario::DAYS_PER_YEAR).floor().max(0.0) as usize).min(p.years as usize - 1),
            ),
            _ => 0.0,
        };
        let mut timeline = timeline;
        if let Some(p) = spec.planning.as_ref().filter(|p| p.sea_level_m_per_year != 0.0) {
            for k in 1..p.years {
                let day = f64::from(k) * crate::scenario::DAYS_PER_YEAR;
                if let Some(i) = timeline.iter().rposition(|(d, _)| *d <= day)
                    && timeline[i].0 < day
                {
                    let config = timeline[i].1.clone();
                    timeline.insert(i + 1, (day, config));
                }
            }
        }
        let mut configurations = timeline.into_iter();
        let Some((_, first)) = configurations.next() else {
            return Self::compile_one(spec, level(0.0));
        };
        let mut network = Self::compile_one(&first, level(0.0))?;
        for (day, later) in configurations {
            let at = network.warmup + SimTime::from_hours_clamped(day * 24.0);
            let epoch = Self::compile_one(&later, level(day))?;
            network.epochs.push((at, epoch));
        }
        Ok(network)
    }

    /// Compiles one configuration (the scenario's checks passed), with the sea
    /// `sea_level` metres from the level the ports' depths are given at.
    fn compile_one(spec: &ScenarioSpec, sea_level: f64) -> Result<Network, CompileError> {
        let s = &spec.scenario;
        let warmup = SimTime::from_hours_clamped(s.warmup_days * 24.0);
        let (nodes, mut ports) = compile_nodes(spec)?;
        let calendar = spec.planning.as_ref().map(Calendar::of);
        let (legs, flows, units) = flows::compile(spec, &nodes, calendar.as_ref())?;
        attach_unit_hours(spec, &mut ports, &units);
        let (sea_links, mut ship_services) = ships::compile(spec, &ports, &legs, &units, sea_level)?;
        let pools = super::pools::compile(spec, &ports, &mut ship_services)?;
        let arrivals = arrivals::compile(spec, &ports, calendar.as_ref())?;
        let (rail_links, train_services) = trains::compile(spec, &nodes, &legs)?;
        let weather = weather::compile(spec, &ports)?;
        let transfers = transfer::compile(spec, &nodes)?;
        let pipelines = pipelines::compile(spec, &nodes, &legs)?;
        Ok(Network {
            name: s.name.clone(),
            warmup,
            end: warmup + SimTime::from_hours_clamped(s.horizon_days * 24.0),
            max_consignments: s.max_consignments_in_system,
            max_events: s.max_events_per_replication,
            nodes,
            ports,
            sea_links,
            rail_links,
            ship_services,
            pools,
            train_services,
            arrivals,
            legs,
            flows,
            weather,
            transfers,
            pipelines,
            units,
            calendar_shift: match &calendar {
                Some(c) => {
                    let year = c.year.as_millis().max(1);
                    SimTime::from_millis((year - warmup.as_millis() % year) % year)
                }
                None => SimTime::ZERO,
            },
            calendar,
            epochs: Vec::new(),
            costed: super::costs::costed(spec),
        })
    }

    /// The planning year (0 for the first) that `now` falls in: the warm-up counts
    /// as the first year, the time after the horizon as the last.
    #[inline]
    pub(crate) fn year_index(&self, now: SimTime) -> usize {
        match &self.calendar {
            None => 0,
            Some(c) => c.index(now.saturating_sub(self.warmup)),
        }
    }

    /// The measured windows: one from the warm-up to the horizon, or one per planning
    /// year.
    pub(crate) fn windows(&self) -> Vec<(SimTime, SimTime)> {
        match &self.calendar {
            None => vec![(self.warmup, self.end)],
            Some(c) => (0..c.years.len())
                .map(|k| {
                    let start = self.warmup + SimTime::from_millis(c.year.as_millis() * k as u64);
                    let end = if k + 1 == c.years.len() { self.end } else { start + c.year };
                    (start, end)
                })
                .collect(),
        }
    }

    /// The calendar years measured (empty without planning).
    pub fn years(&self) -> Vec<i32> {
        self.calendar.as_ref().map(|c| c.years.clone()).unwrap_or_default()
    }

    /// A network with nothing in it (what a kept replication state points at while it
    /// belongs to no run).
    pub(crate) fn empty() -> Network {
        Network {
            name: String::new(),
            warmup: SimTime::ZERO,
            end: SimTime::ZERO,
            max_consignments: 0,
            max_events: 0,
            nodes: Vec::new(),
            ports: Vec::new(),
            sea_links: Vec::new(),
            rail_links: Vec::new(),
            ship_services: Vec::new(),
            pools: Vec::new(),
            train_services: Vec::new(),
            arrivals: Vec::new(),
            legs: Vec::new(),
            flows: Vec::new(),
            weather: Vec::new(),
            transfers: Vec::new(),
            pipelines: Vec::new(),
            units: Vec::new(),
            calendar: None,
            calendar_shift: SimTime::ZERO,
            epochs: Vec::new(),
            costed: false,
        }
    }

    /// This configuration alone (without the later ones).
    fn alone(&self) -> Network {
        Network {
            name: self.name.clone(),
            warmup: self.warmup,
            end: self.end,
            max_consignments: self.max_consignments,
            max_events: self.max_events,
            nodes: self.nodes.clone(),
            ports: self.ports.clone(),
            sea_links: self.sea_links.clone(),
            rail_links: self.rail_links.clone(),
            ship_services: self.ship_services.clone(),
            pools: self.pools.clone(),
            train_services: self.train_services.clone(),
            arrivals: self.arrivals.clone(),
            legs: self.legs.clone(),
            flows: self.flows.clone(),
            weather: self.weather.clone(),
            transfers: self.transfers.clone(),
            pipelines: self.pipelines.clone(),
            units: self.units.clone(),
            calendar: self.calendar.clone(),
            calendar_shift: self.calendar_shift,
            epochs: Vec::new(),
            costed: self.costed,
        }
    }

    /// The configuration in force at the end of planning year `k` (or of the run),
    /// with demand at that year's level: what the capacity sheet of that year reads.
    pub fn for_year(&self, k: usize) -> Network {
        let end = match self.windows().get(k) {
            Some(&(_, end)) => end,
            None => self.end,
        };
        self.epochs.iter().rev().find(|(at, _)| *at < end).map_or(self, |(_, n)| n).with_demand_of_year(k)
    }

    /// This configuration alone, with the demand of planning year `k`.
    fn with_demand_of_year(&self, k: usize) -> Network {
        let mut net = self.alone();
        for f in &mut net.flows {
            let factor = f.growth.get(k).copied().unwrap_or(1.0);
            f.rate_per_hour *= factor;
            f.offered_rate_per_hour *= factor;
            f.growth.clear();
            f.growth_peak = 1.0;
        }
        for a in &mut net.arrivals {
            a.rate_per_hour *= a.growth.get(k).copied().unwrap_or(1.0);
            a.growth.clear();
            a.growth_peak = 1.0;
        }
        net
    }

    /// The configurations in force during planning year `k` (or the whole run), each
    /// with the share of the period it holds and that year's demand.
    fn configurations_of_year(&self, k: usize) -> Vec<(f64, Network)> {
        let (start, end) = self.windows().get(k).copied().unwrap_or((self.warmup, self.end));
        let period = end.saturating_sub(start).as_millis().max(1) as f64;
        let segments: Vec<(SimTime, &Network)> =
            std::iter::once((SimTime::ZERO, self)).chain(self.epochs.iter().map(|(at, n)| (*at, n))).collect();
        let mut out = Vec::new();
        for (i, &(from, net)) in segments.iter().enumerate() {
            let to = segments.get(i + 1).map_or(SimTime::MAX, |s| s.0);
            let held = to.min(end).saturating_sub(from.max(start)).as_millis();
            if held > 0 {
                out.push((held as f64 / period, net.with_demand_of_year(k)));
            }
        }
        if out.is_empty() {
            out.push((1.0, self.for_year(k)));
        }
        out
    }

    /// The lower bound on the highest ρ in planning year `k` (or over the run, without
    /// planning), over every configuration in force during it (see
    /// [`RhoBound`](super::RhoBound)).
    pub fn rho_bound_of_year(&self, k: usize) -> super::RhoBound {
        if self.calendar.is_none() {
            return super::bound::of(self);
        }
        let mut configurations = self.configurations_of_year(k);
        // After the first year, demand with another corridor to take is what the
        // simulation makes of it, as low as congestion drives it: the bound counts
        // none of it, which can only lower it.
        if k > 0 {
            for (_, net) in &mut configurations {
                for f in net.flows.iter_mut().filter(|f| f.outside.is_some()) {
                    f.rate_per_hour = 0.0;
                    f.offered_rate_per_hour = 0.0;
                }
            }
        }
        let refs: Vec<(f64, &Network)> = configurations.iter().map(|(w, n)| (*w, n)).collect();
        super::bound::over(&refs)
    }

    /// The last planning year's network (see [`Network::for_year`]), or this one.
    pub fn final_year(&self) -> Network {
        match &self.calendar {
            Some(c) => self.for_year(c.years.len().saturating_sub(1)),
            None => self.clone(),
        }
    }
}

/// The calendar of a planning run: years of 365 days from the end of the warm-up.
#[derive(Debug, Clone)]
pub(crate) struct Calendar {
    /// The calendar years, first to last.
    pub(crate) years: Vec<i32>,
    /// The length of a year.
    pub(crate) year: SimTime,
}

impl Calendar {
    fn of(planning: &crate::scenario::PlanningSpec) -> Calendar {
        Calendar {
            years: planning.calendar(),
            year: SimTime::from_hours_clamped(crate::scenario::DAYS_PER_YEAR * 24.0),
        }
    }

    /// The year index of `since_warmup` after the end of the warm-up.
    #[inline]
    fn index(&self, since_warmup: SimTime) -> usize {
        let k = since_warmup.as_millis() / self.year.as_millis().max(1);
        (k as usize).min(self.years.len().saturating_sub(1))
    }
}

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
        super::costs::kpis(self, &mut kpis);
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
