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

use super::corridor::{Corridor, Event};
use super::ships::Ships;
use crate::engine::Scheduler;

/// Dated change `k` takes effect: the corridor runs on its configuration from now.
pub(super) fn on_change(w: &mut Corridor<'_>, k: usize, s: &mut Scheduler<Event>) {
    let old = w.net;
    let Some((_, new)) = w.root.epochs.get(k) else {
        return;
    };
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
    w.years.push(entries);
    w.reopen_window(now);
}
