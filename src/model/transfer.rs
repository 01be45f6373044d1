//! Transfer points: nodes of kind `transfer` — a border crossing, customs, a gauge
//! change (Akhalkalaki on Baku–Tbilisi–Kars, 1,520 ↔ 1,435 mm). Every consignment
//! that reaches such a node (its origin, a node on its way, or its destination) waits
//! for one of `servers` servers, first come, first served, and is handled for a
//! sampled dwell time before it goes on. A multi-server FIFO queue: M/M/c or M/G/c
//! when consignments arrive as a Poisson stream.
//!
//! Streams: `transfer/<id>/dwell`.
//! Measurement: waits for a server (mean, p95), dwell times, servers busy over time
//! (utilisation) and consignments waiting over time.

use super::cargo::Slab;
use super::corridor::{Corridor, Event, Network};
use super::kpis::ReplicationKpis;
use super::network::{CompileError, Dist, Kg, NodeDef, node_of, sampler};
use super::planning::Held;
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::scenario::{NodeKind, ScenarioSpec};
use crate::stats::{OnlineStats, StreamQuantiles, TimeWeighted};
use std::collections::VecDeque;

/// A transfer point, compiled.
#[derive(Debug, Clone)]
pub(crate) struct TransferDef {
    pub(crate) id: String,
    /// Its node.
    pub(crate) node: usize,
    /// Servers working in parallel.
    pub(crate) servers: u32,
    /// Dwell time per consignment, hours.
    pub(crate) dwell: Dist,
}

/// Compiles the transfer points.
pub(super) fn compile(spec: &ScenarioSpec, nodes: &[NodeDef]) -> Result<Vec<TransferDef>, CompileError> {
    let mut out = Vec::new();
    for (id, n) in spec.nodes.iter().filter(|(_, n)| n.kind == NodeKind::Transfer) {
        let entity = || format!("nodes.{id}");
        let dwell = n.dwell_hours.as_ref().ok_or_else(|| CompileError::UnknownReference {
            entity: entity(),
            kind: "dwell-time distribution",
            id: "dwell_hours".into(),
        })?;
        out.push(TransferDef {
            id: id.clone(),
            node: node_of(nodes, id, &entity)?,
            servers: n.servers.unwrap_or(1),
            dwell: sampler(|| format!("nodes.{id}.dwell_hours"), dwell)?,
        });
    }
    Ok(out)
}

/// State and measurement of one transfer point.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    /// Consignments waiting for a server, with their arrival times.
    queue: VecDeque<(u32, SimTime)>,
    /// Consignments being handled (one per busy server).
    serving: Vec<u32>,
    /// Waits for a server, hours.
    wait: OnlineStats,
    /// Quantiles of waits.
    wait_quantiles: StreamQuantiles,
    /// Dwell times, hours.
    dwell: OnlineStats,
    /// Servers busy over time.
    busy_over_time: TimeWeighted,
    /// Consignments waiting over time.
    queue_over_time: TimeWeighted,
}

/// The transfer subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Transfers {
    points: Vec<Point>,
    /// Per node: the transfer point there, if any.
    at_node: Vec<Option<usize>>,
    dwell_rng: Vec<RandomStream>,
    window_open: bool,
}

impl Transfers {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Transfers {
        let mut at_node = vec![None; net.nodes.len()];
        for (i, t) in net.transfers.iter().enumerate() {
            at_node[t.node] = Some(i);
        }
        Transfers {
            points: net
                .transfers
                .iter()
                .map(|_| Point {
                    queue: VecDeque::new(),
                    serving: Vec::new(),
                    wait: OnlineStats::new(),
                    wait_quantiles: StreamQuantiles::new(0.01, 1e6),
                    dwell: OnlineStats::new(),
                    busy_over_time: TimeWeighted::new(0, 0.0),
                    queue_over_time: TimeWeighted::new(0, 0.0),
                })
                .collect(),
            at_node,
            dwell_rng: net.transfers.iter().map(|t| streams.stream(&format!("transfer/{}/dwell", t.id))).collect(),
            window_open: net.warmup == SimTime::ZERO,
        }
    }

    /// The transfer point at `node`, if there is one.
    #[inline]
    pub(crate) fn at(&self, node: usize) -> Option<usize> {
        self.at_node.get(node).copied().flatten()
    }

    /// Consignments waiting or being handled at every point, with the point's name.
    pub(crate) fn holding(&self, net: &Network) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        for (def, p) in net.transfers.iter().zip(&self.points) {
            let place = format!("transfer point {}", def.id);
            out.extend(p.queue.iter().map(|&(id, _)| (place.clone(), id)));
            out.extend(p.serving.iter().map(|&id| (place.clone(), id)));
        }
        out
    }

    /// Kilograms waiting at or being handled at point `x`.
    pub(crate) fn held_kg(&self, x: usize, consignments: &Slab) -> Kg {
        let p = &self.points[x];
        p.queue
            .iter()
            .map(|&(id, _)| id)
            .chain(p.serving.iter().copied())
            .map(|id| consignments.items[id as usize].kg)
            .sum()
    }

    /// Opens the measured window.
    /// Forgets the wait quantiles (a new planning year's window opens).
    pub(crate) fn clear_quantiles(&mut self) {
        for p in &mut self.points {
            p.wait_quantiles.reset();
        }
    }

    pub(crate) fn reset(&mut self, now: SimTime) {
        self.window_open = true;
        for p in &mut self.points {
            p.wait = OnlineStats::new();
            p.dwell = OnlineStats::new();
            p.busy_over_time.reset(now.as_millis());
            p.queue_over_time.reset(now.as_millis());
        }
    }

    /// Adds the KPIs of every point to `kpis`.
    pub(crate) fn kpis(&self, net: &Network, held: &Held<'_>, end: SimTime, kpis: &mut ReplicationKpis) {
        let t = end.as_millis();
        for (x, (def, p)) in net.transfers.iter().zip(&self.points).enumerate() {
            let utilisation = p.busy_over_time.mean(t) / held.servers(x).max(1.0);
            let utilisation = if utilisation.is_finite() { utilisation } else { 0.0 };
            let key = |name: &str| format!("transfer.{}.{name}", def.id);
            kpis.extra.extend([
                (key("wait_hours.mean"), p.wait.mean()),
                (key("wait_hours.p95"), p.wait_quantiles.quantile(0.95)),
                (key("dwell_hours.mean"), p.dwell.mean()),
                (key("waiting.mean"), p.queue_over_time.mean(t)),
                (key("handled"), p.dwell.count() as f64),
                (key("utilisation"), utilisation),
            ]);
            kpis.add_resource(format!("transfer.{}", def.id), utilisation, utilisation);
        }
    }
}

/// Consignment `id` reached transfer point `x`: it takes a free server or queues.
pub(super) fn arrive(w: &mut Corridor<'_>, x: usize, id: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    if (w.transfers.points[x].serving.len() as u32) < w.net.transfers[x].servers {
        start(w, x, id, now, s);
    } else {
        let p = &mut w.transfers.points[x];
        p.queue.push_back((id, now));
        p.queue_over_time.set(now.as_millis(), p.queue.len() as f64);
    }
}

fn start(w: &mut Corridor<'_>, x: usize, id: u32, arrived: SimTime, s: &mut Scheduler<Event>) {
    let now = s.now();
    let def = &w.net.transfers[x];
    let dwell = SimTime::from_hours_clamped(def.dwell.sample(&mut w.transfers.dwell_rng[x]));
    let open = w.transfers.window_open;
    let p = &mut w.transfers.points[x];
    p.serving.push(id);
    p.busy_over_time.set(now.as_millis(), p.serving.len() as f64);
    let h = (now - arrived).as_hours();
    p.wait.push(h);
    if open {
        p.wait_quantiles.record(h);
    }
    p.dwell.push(dwell.as_hours());
    s.schedule_in(dwell, Event::TransferDone(x as u32, id));
}

/// Servers of point `x` were added: they take whoever waits.
pub(super) fn serve_waiting(w: &mut Corridor<'_>, x: usize, s: &mut Scheduler<Event>) {
    while (w.transfers.points[x].serving.len() as u32) < w.net.transfers[x].servers {
        let p = &mut w.transfers.points[x];
        let Some((next, arrived)) = p.queue.pop_front() else {
            break;
        };
        p.queue_over_time.set(s.now().as_millis(), p.queue.len() as f64);
        start(w, x, next, arrived, s);
    }
}

/// Consignment `id` is through transfer point `x`: the server takes the next in line,
/// and the consignment goes on.
pub(super) fn on_done(w: &mut Corridor<'_>, x: usize, id: u32, s: &mut Scheduler<Event>) {
    let now = s.now();
    let p = &mut w.transfers.points[x];
    if let Some(i) = p.serving.iter().position(|&c| c == id) {
        p.serving.swap_remove(i);
    }
    p.busy_over_time.set(now.as_millis(), p.serving.len() as f64);
    if let Some((next, arrived)) = p.queue.pop_front() {
        p.queue_over_time.set(now.as_millis(), p.queue.len() as f64);
        start(w, x, next, arrived, s);
    }
    let node = w.net.transfers[x].node;
    w.route_onward(id, node, s);
}
