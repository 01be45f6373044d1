//! Pipelines: cargo (crude oil) waiting at a pipeline's first node — in the port's
//! yard, which stands for its tank farm — is pumped first come, first served at the
//! pipeline's rate, one consignment at a time, and reaches the far end after the
//! transit time. A single server whose service time is the consignment's weight over
//! the rate: an M/G/1 queue when consignments arrive as a Poisson stream.
//!
//! Streams: `pipeline/<id>/transit`.
//! Measurement: pumping time (utilisation), tonnes pumped, and cargo waiting for the
//! pump over time.

use super::corridor::{Corridor, Event, Network};
use super::kpis::ReplicationKpis;
use super::network::{Carrier, CompileError, Dist, Kg, LegDef, NodeDef, node_of, sampler, tonnes};
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::scenario::ScenarioSpec;
use crate::stats::TimeWeighted;

/// A pipeline, compiled.
#[derive(Debug, Clone)]
pub(crate) struct PipelineDef {
    pub(crate) id: String,
    /// First node (where cargo waits).
    pub(crate) from: usize,
    /// Far end.
    pub(crate) to: usize,
    /// Pumping rate, kg per hour.
    pub(crate) kg_per_hour: f64,
    /// Transit time, hours (none: arrives as pumped).
    pub(crate) transit: Option<Dist>,
    /// Legs it carries.
    pub(crate) legs: Vec<usize>,
}

/// Compiles the pipelines.
pub(super) fn compile(
    spec: &ScenarioSpec,
    nodes: &[NodeDef],
    legs: &[LegDef],
) -> Result<Vec<PipelineDef>, CompileError> {
    let mut out = Vec::new();
    for (index, (id, p)) in spec.pipelines.iter().enumerate() {
        let entity = || format!("pipelines.{id}.route");
        let transit = match &p.transit_hours {
            Some(d) => Some(sampler(|| format!("pipelines.{id}.transit_hours"), d)?),
            None => None,
        };
        out.push(PipelineDef {
            id: id.clone(),
            from: node_of(nodes, &p.route[0], &entity)?,
            to: node_of(nodes, &p.route[1], &entity)?,
            kg_per_hour: p.tonnes_per_hour * 1000.0,
            transit,
            legs: (0..legs.len()).filter(|&l| legs[l].carrier == Carrier::Pipeline(index)).collect(),
        });
    }
    Ok(out)
}

/// State and measurement of one pipeline.
#[derive(Debug, Clone)]
struct Line {
    /// The consignment being pumped.
    pumping: Option<u32>,
    /// Consignments pumped and on their way to the far end.
    in_transit: Vec<u32>,
    /// Pumping (1) or idle (0), over time.
    busy: TimeWeighted,
    /// Kilograms pumped in the measured window.
    pumped: Kg,
}

/// The pipelines subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Pipelines {
    lines: Vec<Line>,
    transit_rng: Vec<RandomStream>,
}

impl Pipelines {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Pipelines {
        Pipelines {
            lines: net
                .pipelines
                .iter()
                .map(|_| Line { pumping: None, in_transit: Vec::new(), busy: TimeWeighted::new(0, 0.0), pumped: 0 })
                .collect(),
            transit_rng: net.pipelines.iter().map(|p| streams.stream(&format!("pipeline/{}/transit", p.id))).collect(),
        }
    }

    /// Opens the measured window.
    pub(crate) fn reset(&mut self, now: SimTime) {
        for l in &mut self.lines {
            l.busy.reset(now.as_millis());
            l.pumped = 0;
        }
    }

    /// Consignments being pumped or in transit, with the pipeline's name (for audits).
    pub(crate) fn holding(&self, net: &Network) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        for (def, l) in net.pipelines.iter().zip(&self.lines) {
            let place = format!("pipeline {}", def.id);
            out.extend(l.pumping.iter().chain(&l.in_transit).map(|&id| (place.clone(), id)));
        }
        out
    }

    /// Adds every pipeline's KPIs to `kpis`.
    pub(crate) fn kpis(&self, net: &Network, end: SimTime, kpis: &mut ReplicationKpis) {
        let t = end.as_millis();
        for (def, l) in net.pipelines.iter().zip(&self.lines) {
            let utilisation = l.busy.mean(t);
            let utilisation = if utilisation.is_finite() { utilisation } else { 0.0 };
            let key = |name: &str| format!("pipeline.{}.{name}", def.id);
            kpis.extra.extend([(key("pumped_tonnes"), tonnes(l.pumped)), (key("utilisation"), utilisation)]);
            kpis.add_resource(format!("pipeline.{}", def.id), utilisation, utilisation);
        }
    }
}

/// Cargo is waiting for pipeline `x`: it starts pumping if idle.
pub(super) fn cargo_ready(w: &mut Corridor<'_>, x: usize, s: &mut Scheduler<Event>) {
    if w.pipelines.lines[x].pumping.is_some() {
        return;
    }
    let now = s.now();
    let net = w.net;
    let def = &net.pipelines[x];
    let Some((id, kg)) = def.legs.iter().find_map(|&leg| w.cargo.take_from_leg(leg, Kg::MAX, u32::MAX, now)) else {
        return;
    };
    let line = &mut w.pipelines.lines[x];
    line.pumping = Some(id);
    line.busy.set(now.as_millis(), 1.0);
    s.schedule_in(SimTime::from_hours_clamped(kg as f64 / def.kg_per_hour), Event::Pumped(x as u32));
    // Last: the room freed in the tanks may admit cargo from the gate, which calls
    // back here and must find the pump busy.
    if let Some(p) = net.nodes[def.from].port {
        super::yards::remove(w, p, kg, s);
    }
}

/// Pipeline `x` finished pumping a consignment: it travels to the far end, and the
/// pump takes the next.
pub(super) fn on_pumped(w: &mut Corridor<'_>, x: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let def = &net.pipelines[x];
    let line = &mut w.pipelines.lines[x];
    let Some(id) = line.pumping.take() else {
        return;
    };
    line.busy.set(now.as_millis(), 0.0);
    line.pumped += w.cargo.consignments.items[id as usize].kg;
    w.cargo.consignments.items[id as usize].leg_pos += 1;
    match &def.transit {
        Some(d) => {
            let transit = SimTime::from_hours_clamped(d.sample(&mut w.pipelines.transit_rng[x]));
            w.pipelines.lines[x].in_transit.push(id);
            s.schedule_in(transit, Event::PipelineArrived(x as u32, id));
        }
        None => w.arrive_at_node(id, def.to, s),
    }
    cargo_ready(w, x, s);
}

/// Consignment `id` reached pipeline `x`'s far end.
pub(super) fn on_arrived(w: &mut Corridor<'_>, x: usize, id: u32, s: &mut Scheduler<Event>) {
    let line = &mut w.pipelines.lines[x];
    if let Some(i) = line.in_transit.iter().position(|&c| c == id) {
        line.in_transit.swap_remove(i);
    }
    w.arrive_at_node(id, w.net.pipelines[x].to, s);
}
