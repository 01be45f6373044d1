//! Planning runs: dated changes of capacity during a replication, and the close of
//! each planning year's measured window.
//!
//! A dated change switches the corridor to the next compiled configuration
//! ([`Network::epochs`](super::corridor::Network)); the state carries over. Numbers that
//! are read when used (handling rates, sailing and transit times, capacities, line
//! paths, timetables, pumping rates) take effect for the next use. What holds state
//! is adjusted at once: berths, yard space and transfer servers added start serving
//! whoever waits; vessels and trainsets added join their service (a vessel reaches
//! its place on the route within a day, a trainset waits idle at the origin). The
//! validation keeps fleets from shrinking and the network's shape fixed.
//!
//! A planning year closes when its window's last backlog sample is taken: every
//! subsystem's window is closed, the year's KPIs are kept, and the next year's window
//! opens at the same instant.

use super::corridor::{Corridor, Event, Network};
use super::network::tonnes;
use super::ships::Ships;
use crate::engine::{Scheduler, SimTime};

/// The capacity of every resource integrated over the measured window, so that a
/// window with a change in it divides what was used by what was there: berth-hours,
/// vessel-hours, trainset-hours, train paths, yard tonne-hours and server-hours.
#[derive(Debug, Clone)]
pub(crate) struct CapacityClock {
    /// Since when the configuration in force has held (the window's start or the last
    /// change).
    since: SimTime,
    /// Whether a change fell inside the window (otherwise the figures in force are
    /// exact and the integrals are not read).
    changed: bool,
    berths: Vec<Vec<f64>>,
    vessels: Vec<f64>,
    trainsets: Vec<f64>,
    paths: Vec<f64>,
    yards: Vec<f64>,
    servers: Vec<f64>,
}

/// What a resource had over a window: the figure in force, or its mean over time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Held<'c> {
    clock: &'c CapacityClock,
    net: &'c Network,
    /// The window's length, hours, and its end.
    hours: f64,
    end: SimTime,
}

impl CapacityClock {
    pub(crate) fn new(net: &Network) -> CapacityClock {
        CapacityClock {
            since: SimTime::ZERO,
            changed: false,
            berths: net.ports.iter().map(|p| vec![0.0; p.berths.len()]).collect(),
            vessels: vec![0.0; net.ship_services.len()],
            trainsets: vec![0.0; net.train_services.len()],
            paths: vec![0.0; net.rail_links.len()],
            yards: vec![0.0; net.ports.len()],
            servers: vec![0.0; net.transfers.len()],
        }
    }

    /// A window opens at `now`.
    pub(crate) fn reset(&mut self, now: SimTime) {
        self.since = now;
        self.changed = false;
        for x in self.berths.iter_mut().flatten().chain(&mut self.vessels).chain(&mut self.trainsets) {
            *x = 0.0;
        }
        for x in self.paths.iter_mut().chain(&mut self.yards).chain(&mut self.servers) {
            *x = 0.0;
        }
    }

    /// Adds what `net` offered from the last change (or the window's start) to `now`.
    fn accumulate(&mut self, net: &Network, now: SimTime) {
        let h = now.saturating_sub(self.since).as_hours();
        for (acc, port) in self.berths.iter_mut().zip(&net.ports) {
            for (a, group) in acc.iter_mut().zip(&port.berths) {
                *a += f64::from(group.count) * h;
            }
        }
        for (a, def) in self.vessels.iter_mut().zip(&net.ship_services) {
            *a += f64::from(def.vessels) * h;
        }
        for (a, def) in self.trainsets.iter_mut().zip(&net.train_services) {
            *a += f64::from(def.trainsets) * h;
        }
        for (a, link) in self.paths.iter_mut().zip(&net.rail_links) {
            *a += h / link.headway.as_hours().max(1e-9);
        }
        for (a, port) in self.yards.iter_mut().zip(&net.ports) {
            *a += tonnes(port.yard_capacity) * h;
        }
        for (a, def) in self.servers.iter_mut().zip(&net.transfers) {
            *a += f64::from(def.servers) * h;
        }
        self.since = now;
    }

    /// A change at `now` replaces `old`.
    fn change(&mut self, old: &Network, now: SimTime) {
        self.accumulate(old, now);
        self.changed = true;
    }

    /// What the resources of `net` (the configuration in force at `end`) had over the
    /// window `[start, end]`.
    pub(crate) fn held<'c>(&'c self, net: &'c Network, start: SimTime, end: SimTime) -> Held<'c> {
        Held { clock: self, net, hours: end.saturating_sub(start).as_hours(), end }
    }
}

impl Held<'_> {
    /// The time-weighted mean of `current` given the integral `acc` up to the last
    /// change: `current` itself when nothing changed in the window.
    fn mean(&self, acc: f64, current: f64) -> f64 {
        if !self.clock.changed || self.hours <= 0.0 {
            return current;
        }
        let rest = self.end.saturating_sub(self.clock.since).as_hours();
        (acc + current * rest) / self.hours
    }

    /// Berths of group `b` at port `p`, on average.
    pub(crate) fn berths(&self, p: usize, b: usize) -> f64 {
        self.mean(self.clock.berths[p][b], f64::from(self.net.ports[p].berths[b].count))
    }

    /// Vessels of ship service `s`, on average.
    pub(crate) fn vessels(&self, s: usize) -> f64 {
        self.mean(self.clock.vessels[s], f64::from(self.net.ship_services[s].vessels))
    }

    /// Trainsets of train service `t`, on average.
    pub(crate) fn trainsets(&self, t: usize) -> f64 {
        self.mean(self.clock.trainsets[t], f64::from(self.net.train_services[t].trainsets))
    }

    /// Train paths rail link `l` offered in the window, per direction (`None`: no
    /// change in the window; the caller counts the paths a window of this length holds).
    pub(crate) fn paths(&self, l: usize) -> Option<f64> {
        if !self.clock.changed {
            return None;
        }
        let rest = self.end.saturating_sub(self.clock.since).as_hours();
        Some(self.clock.paths[l] + rest / self.net.rail_links[l].headway.as_hours().max(1e-9))
    }

    /// Yard capacity of port `p`, tonnes, on average.
    pub(crate) fn yard_tonnes(&self, p: usize) -> f64 {
        self.mean(self.clock.yards[p], tonnes(self.net.ports[p].yard_capacity))
    }

    /// Servers of transfer point `x`, on average.
    pub(crate) fn servers(&self, x: usize) -> f64 {
        self.mean(self.clock.servers[x], f64::from(self.net.transfers[x].servers))
    }
}

/// The next dated change takes effect: the corridor runs on its configuration from
/// now. The run loop calls it once every event due before the change's time has been
/// handled, and before any event due at it or later, except that a planning year
/// closing at that instant closes first, so that the closing year is measured on the
/// configuration in force during it.
pub(super) fn apply_next_change(w: &mut Corridor<'_>, s: &mut Scheduler<Event>) {
    let old = w.net;
    let Some((_, new)) = w.root.epochs.get(w.changes_applied) else {
        return;
    };
    w.changes_applied += 1;
    let now = s.now();
    if w.measuring {
        w.capacity.change(old, now);
    }
    w.net = new;
    for (p, port) in new.ports.iter().enumerate() {
        for (b, group) in port.berths.iter().enumerate() {
            if group.count > old.ports[p].berths[b].count {
                super::berths::next_berth(w, p, b, s);
            }
        }
        if port.yard_capacity > old.ports[p].yard_capacity {
            super::yards::freed(w, p, s);
        }
    }
    for (svc, def) in new.ship_services.iter().enumerate() {
        Ships::place_vessels(w, svc, old.ship_services[svc].vessels..def.vessels, s);
    }
    for (t, def) in new.train_services.iter().enumerate() {
        let before = old.train_services[t].trainsets;
        if def.trainsets > before {
            w.trains.add_trainsets(t, def.trainsets - before);
            super::trains::try_dispatch(w, t, false, s);
        }
    }
    for (x, def) in new.transfers.iter().enumerate() {
        if def.servers > old.transfers[x].servers {
            super::transfer::serve_waiting(w, x, s);
        }
    }
}

/// The window of the current planning year is over (its last backlog sample was just
/// taken): keep its KPIs and open the next year's window now.
pub(super) fn end_year(w: &mut Corridor<'_>, s: &mut Scheduler<Event>) {
    let now = s.now();
    w.close_window(now);
    let entries = w.window_kpis(now, w.events - w.events_at_window_start).entries();
    w.years.push(std::sync::Arc::new(entries));
    w.reopen_window(now);
    // The run loop pauses here: a dated change at this instant applies now, and a run
    // that keeps the state at each year's close takes it now.
    s.request_stop();
}
