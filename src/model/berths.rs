//! Berths and anchorage: each port has berth groups by class; a ship arriving when
//! every berth of its class is busy (or the port is closed) waits at anchor, first
//! come, first served. A berth is held from berthing until the ship departs.
//!
//! Streams: `port/<id>/<class>/service` (sampled call times).
//! Measurement: berths in use over time, ships at anchor over time, waits for a berth
//! (mean and quantiles), turnaround (anchorage arrival to departure) and tonnes across
//! the quay.

use super::corridor::{Corridor, Event, Network};
use super::network::{Handling, Kg};
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::stats::{OnlineStats, StreamQuantiles, TimeWeighted};
use std::collections::VecDeque;

/// State of one berth group.
#[derive(Debug, Clone)]
pub(crate) struct BerthGroup {
    /// Berths in use.
    pub(crate) busy: u32,
    /// Ships waiting at anchor, FIFO.
    pub(crate) queue: VecDeque<u32>,
    /// Berths in use over time.
    pub(crate) occupancy: TimeWeighted,
    /// Berths whose ship is working cargo (berthing, unloading, loading) over time.
    pub(crate) working: TimeWeighted,
    /// Time at berth of the calls that ended (hours).
    pub(crate) at_berth: OnlineStats,
}

/// Berths, anchorage and quay measurement of one port.
#[derive(Debug, Clone)]
pub(crate) struct PortBerths {
    /// Berth groups, as in the port's definition.
    pub(crate) groups: Vec<BerthGroup>,
    /// Ships at anchor waiting for a berth (all classes), over time.
    pub(crate) anchorage: TimeWeighted,
    /// Ship waits for a berth (hours).
    pub(crate) wait: OnlineStats,
    /// Quantiles of ship waits.
    pub(crate) wait_quantiles: StreamQuantiles,
    /// Ship turnaround (anchorage arrival to departure), hours.
    pub(crate) turnaround: OnlineStats,
    /// Time at berth (berthing to departure), hours.
    pub(crate) at_berth: OnlineStats,
    /// Tonnes across the quay in the measured window, kg.
    pub(crate) throughput: Kg,
}

/// The berths subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Berths {
    pub(crate) ports: Vec<PortBerths>,
    service_rng: Vec<Vec<RandomStream>>,
    /// Whether the measured window is open. Wait quantiles (a large histogram, costly
    /// to clear) record only inside it; every other measure records all along and is
    /// reset when the window opens.
    window_open: bool,
}

impl Berths {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Berths {
        Berths {
            ports: net
                .ports
                .iter()
                .map(|p| PortBerths {
                    groups: p
                        .berths
                        .iter()
                        .map(|_| BerthGroup {
                            busy: 0,
                            queue: VecDeque::new(),
                            occupancy: TimeWeighted::new(0, 0.0),
                            working: TimeWeighted::new(0, 0.0),
                            at_berth: OnlineStats::new(),
                        })
                        .collect(),
                    anchorage: TimeWeighted::new(0, 0.0),
                    wait: OnlineStats::new(),
                    wait_quantiles: StreamQuantiles::new(0.01, 1e6),
                    turnaround: OnlineStats::new(),
                    at_berth: OnlineStats::new(),
                    throughput: 0,
                })
                .collect(),
            service_rng: net
                .ports
                .iter()
                .map(|p| {
                    p.berths
                        .iter()
                        .map(|b| streams.stream(&format!("port/{}/{}/service", p.id, b.class.name())))
                        .collect()
                })
                .collect(),
            window_open: net.warmup == SimTime::ZERO,
        }
    }

    /// A ship takes a berth of group `b` at port `p` after waiting since `arrived`;
    /// returns how long berthing (or the whole sampled call) takes.
    #[inline]
    pub(crate) fn occupy(&mut self, net: &Network, p: usize, b: usize, arrived: SimTime, now: SimTime) -> SimTime {
        let port = &mut self.ports[p];
        let group = &mut port.groups[b];
        group.busy += 1;
        group.occupancy.set(now.as_millis(), group.busy as f64);
        let h = (now - arrived).as_hours();
        port.wait.push(h);
        if self.window_open {
            port.wait_quantiles.record(h);
        }
        match &net.ports[p].berths[b].handling {
            Handling::Rate { berthing, .. } => *berthing,
            Handling::Service(d) => SimTime::from_hours_clamped(d.sample(&mut self.service_rng[p][b])),
        }
    }

    /// A ship leaves a berth of group `b` at port `p` after a call that began at
    /// `arrived`, at berth since `berthed`.
    #[inline]
    pub(crate) fn release(&mut self, p: usize, b: usize, arrived: SimTime, berthed: SimTime, now: SimTime) {
        let port = &mut self.ports[p];
        let group = &mut port.groups[b];
        group.busy -= 1;
        group.occupancy.set(now.as_millis(), group.busy as f64);
        port.turnaround.push((now - arrived).as_hours());
        port.at_berth.push((now - berthed).as_hours());
        port.groups[b].at_berth.push((now - berthed).as_hours());
    }

    /// Time to move `kg` across the quay at a berth of group `b` at port `p`, in
    /// `units` units of `unit` (none for cargo counted in tonnes): the tonnes at the
    /// berth's rate plus the berth's hours per unit, loaded or empty.
    #[inline]
    pub(crate) fn step_time(net: &Network, p: usize, b: usize, kg: Kg, unit: Option<usize>, units: u32) -> SimTime {
        let group = &net.ports[p].berths[b];
        match &group.handling {
            Handling::Rate { kg_per_hour, .. } => {
                let per_unit = unit.and_then(|u| group.unit_hours.get(u)).copied().unwrap_or(0.0);
                SimTime::from_hours_clamped(kg as f64 / kg_per_hour + f64::from(units) * per_unit)
            }
            Handling::Service(_) => SimTime::ZERO,
        }
    }

    /// Opens the measured window.
    /// Forgets the wait quantiles (a new planning year's window opens).
    pub(crate) fn clear_quantiles(&mut self) {
        for port in &mut self.ports {
            port.wait_quantiles.reset();
        }
    }

    pub(crate) fn reset(&mut self, now: SimTime) {
        let t = now.as_millis();
        self.window_open = true;
        for port in &mut self.ports {
            port.anchorage.reset(t);
            for g in &mut port.groups {
                g.occupancy.reset(t);
                g.working.reset(t);
                g.at_berth = OnlineStats::new();
            }
            port.wait = OnlineStats::new();
            port.turnaround = OnlineStats::new();
            port.at_berth = OnlineStats::new();
            port.throughput = 0;
        }
    }
}

/// Berths may have come free at port `p`: ships at anchor take them, in order.
pub(super) fn next_berth(w: &mut Corridor<'_>, p: usize, b: usize, s: &mut Scheduler<Event>) {
    if w.weather.closed(p) {
        return;
    }
    while w.berths.ports[p].groups[b].busy < w.net.ports[p].berths[b].count {
        let Some(next) = w.berths.ports[p].groups[b].queue.pop_front() else {
            break;
        };
        w.berths.ports[p].anchorage.add(s.now().as_millis(), -1.0);
        super::ships::seize_berth(w, next, s);
    }
}
