//! Backlog: how much cargo is in the system, per flow and where it waits, sampled
//! regularly over the measured window — the evidence for the stability verdict. A
//! growing backlog is not a steady state, whatever the averages say.
//!
//! The levels are sampled [`SAMPLES_PER_WINDOW`] times across the window (plus its
//! start), at exact fractions of it, so that every tenth of the window is a sample.
//! Each level's [`Trend`] gives its growth (tonnes per day) and its value at each
//! tenth. The growth is the least-squares slope over the window's second half; when
//! demand or storms vary by month and the window spans a year, it is the slope of a
//! line fitted with an annual cycle over the whole window instead, so that a backlog
//! that swings with the seasons is not taken for one that grows.
//!
//! Places are where cargo can pile up: the queue at a node for one carrier (cargo
//! waiting for a ship or train service), the gate of a port whose yard is full, and a
//! transfer point.
//!
//! Events: `BacklogSample`. Measurement: the trends (the window is fixed in advance,
//! from the end of the warm-up to the horizon).

use super::corridor::{Corridor, Event, Network};
use super::network::{Carrier, Kg, tonnes};
use crate::engine::{Scheduler, SimTime};
use crate::stats::Trend;

/// Samples taken across the measured window (after the one at its start); a multiple
/// of ten, so that each tenth of the window falls on a sample.
pub(crate) const SAMPLES_PER_WINDOW: u64 = 200;

/// A place where cargo waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// Cargo at `node` waiting for a carrier: the legs that carrier takes from there.
    Queue { node: usize, carrier: Carrier, legs: Vec<usize> },
    /// Cargo at a port's gate, waiting for room in its yard.
    Gate { port: usize },
    /// Cargo waiting for (or being handled at) a transfer point.
    Transfer { point: usize },
}

impl Place {
    /// Every place of `net`, in a fixed order: queues (by leg), then gates, then
    /// transfer points.
    pub(crate) fn all(net: &Network) -> Vec<Place> {
        let mut places: Vec<Place> = Vec::new();
        for (leg, def) in net.legs.iter().enumerate() {
            let same = places.iter_mut().find(
                |p| matches!(p, Place::Queue { node, carrier, .. } if *node == def.from && *carrier == def.carrier),
            );
            match same {
                Some(Place::Queue { legs, .. }) => legs.push(leg),
                _ => places.push(Place::Queue { node: def.from, carrier: def.carrier, legs: vec![leg] }),
            }
        }
        places.extend((0..net.ports.len()).map(|port| Place::Gate { port }));
        places.extend((0..net.transfers.len()).map(|point| Place::Transfer { point }));
        places
    }

    /// The place's name in KPI keys: `<node>.waiting_for.<service>`, `<port>.gate` or
    /// `<node>.transfer`.
    pub(crate) fn key(&self, net: &Network) -> String {
        match self {
            Place::Queue { node, carrier, .. } => {
                let service = match *carrier {
                    Carrier::Ship(s) => &net.ship_services[s].id,
                    Carrier::Train(t) => &net.train_services[t].id,
                    Carrier::Pipeline(x) => &net.pipelines[x].id,
                };
                format!("{}.waiting_for.{service}", net.nodes[*node].id)
            }
            Place::Gate { port } => format!("{}.gate", net.ports[*port].id),
            Place::Transfer { point } => format!("{}.transfer", net.nodes[net.transfers[*point].node].id),
        }
    }
}

/// The backlog subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Backlog {
    /// Cargo in the whole system (flows and open arrivals).
    pub(crate) system: Trend,
    /// Cargo of each flow in the system.
    pub(crate) flows: Vec<Trend>,
    /// Where cargo waits.
    pub(crate) places: Vec<(Place, Trend)>,
    /// Samples taken so far in the current window.
    taken: u64,
    /// The measured windows (one, or one per planning year) and the current one.
    windows: Vec<(SimTime, SimTime)>,
    window: usize,
    /// Whether growth is measured with the seasons removed (see the module docs).
    seasonal: bool,
}

impl Backlog {
    pub(crate) fn new(net: &Network) -> Backlog {
        let windows = net.windows();
        let (start, end) = (windows[0].0.as_hours(), windows[0].1.as_hours());
        let trend = || Trend::new(start, end, SAMPLES_PER_WINDOW as usize + 1);
        Backlog {
            system: trend(),
            flows: net.flows.iter().map(|_| trend()).collect(),
            places: Place::all(net).into_iter().map(|p| (p, trend())).collect(),
            taken: 0,
            windows,
            window: 0,
            seasonal: super::capacity::seasonal(net),
        }
    }

    /// Moves to the next window (a planning year): fresh trends over it.
    pub(crate) fn next_window(&mut self) {
        self.window = (self.window + 1).min(self.windows.len() - 1);
        self.taken = 0;
        let (start, end) = self.windows[self.window];
        let (start, end) = (start.as_hours(), end.as_hours());
        for t in
            std::iter::once(&mut self.system).chain(self.flows.iter_mut()).chain(self.places.iter_mut().map(|(_, t)| t))
        {
            *t = Trend::new(start, end, SAMPLES_PER_WINDOW as usize + 1);
        }
    }

    /// Whether the current window is a planning year that closes at `now` and has not
    /// yet taken its closing sample.
    pub(crate) fn closes_year_at(&self, now: SimTime) -> bool {
        self.window + 1 < self.windows.len() && self.windows[self.window].1 <= now && self.taken <= SAMPLES_PER_WINDOW
    }

    /// The growth of `trend`, tonnes per day (see the module documentation).
    pub(crate) fn growth(&self, trend: &Trend) -> f64 {
        if self.seasonal { trend.deseasonalised_slope_per_day() } else { trend.slope_per_day() }
    }

    /// Schedules the first sample, at the start of the measured window.
    pub(crate) fn start(net: &Network, s: &mut Scheduler<Event>) {
        if net.end > net.warmup {
            let _ = s.schedule_at(net.warmup, Event::BacklogSample);
        }
    }

    /// The time of sample `k` (`0..=SAMPLES_PER_WINDOW`) of the current window.
    fn sample_time(&self, k: u64) -> SimTime {
        let (start, end) = self.windows[self.window];
        let window = (end - start).as_millis();
        let offset = (u128::from(window) * u128::from(k) / u128::from(SAMPLES_PER_WINDOW)) as u64;
        start + SimTime::from_millis(offset)
    }

    /// Closes every trend at `end` (the horizon, or where the run stopped).
    pub(crate) fn close(&mut self, end: SimTime) {
        let h = end.as_hours();
        self.system.close(h);
        for t in self.flows.iter_mut().chain(self.places.iter_mut().map(|(_, t)| t)) {
            t.close(h);
        }
    }
}

/// Kilograms waiting at `place` now.
fn level(w: &Corridor<'_>, place: &Place) -> Kg {
    match place {
        Place::Queue { legs, .. } => legs.iter().map(|&l| w.cargo.legs[l].kg).sum(),
        Place::Gate { port } => w.yards.ports[*port].gate_kg,
        Place::Transfer { point } => w.transfers.held_kg(*point, &w.cargo.consignments),
    }
}

/// Samples every level and schedules the next sample.
pub(super) fn on_sample(w: &mut Corridor<'_>, s: &mut Scheduler<Event>) {
    let now = s.now();
    let h = now.as_hours();
    let in_system = w.cargo.generated - w.cargo.delivered;
    w.backlog.system.observe(h, tonnes(in_system));
    for (trend, flow) in w.backlog.flows.iter_mut().zip(&w.flows.state) {
        trend.observe(h, tonnes(flow.in_system));
    }
    for i in 0..w.backlog.places.len() {
        let kg = level(w, &w.backlog.places[i].0);
        w.backlog.places[i].1.observe(h, tonnes(kg));
    }
    w.backlog.taken += 1;
    if w.backlog.taken <= SAMPLES_PER_WINDOW {
        let _ = s.schedule_at(w.backlog.sample_time(w.backlog.taken), Event::BacklogSample);
    } else if w.backlog.window + 1 < w.backlog.windows.len() {
        // A planning year is over: close it, then take the next window's first sample.
        super::planning::end_year(w, s);
        on_sample(w, s);
    }
}
