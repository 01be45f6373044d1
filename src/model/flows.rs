//! Cargo flows: consignments generated at an origin (a thinned Poisson process with
//! monthly seasonality), routed leg by leg, delivered at the destination.
//!
//! Streams: `flow/<id>/arrivals` (gaps and thinning), `flow/<id>/size` (weights).
//! Measurement: per flow, tonnes generated and delivered in the measured window, and
//! end-to-end transit times of deliveries.

use super::cargo::Consignment;
use super::corridor::{Corridor, Event, Network, exp_gap};
use super::network::{
    Carrier, CompileError, Dist, Kg, LegDef, NodeDef, kg_from_tonnes, month_of, monthly, node_of, sampler,
};
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::scenario::{LegCarrier, ScenarioSpec};
use crate::stats::{OnlineStats, StreamQuantiles};
use rand::RngExt;

/// A cargo flow, compiled.
#[derive(Debug, Clone)]
pub(crate) struct FlowDef {
    /// Scenario id.
    pub(crate) id: String,
    /// Legs, in order (indices into `Network::legs`).
    pub(crate) legs: Vec<usize>,
    /// Origin node.
    pub(crate) origin: usize,
    /// Mean consignments per hour (before seasonality).
    pub(crate) rate_per_hour: f64,
    /// Monthly factors, mean 1.
    pub(crate) seasonality: [f64; 12],
    /// Largest monthly factor (for thinning).
    pub(crate) peak_factor: f64,
    /// Consignment size, tonnes.
    pub(crate) size: Dist,
}

/// Compiles the flows and the legs they travel (legs shared between flows where the
/// origin, destination and carrier agree).
pub(super) fn compile(spec: &ScenarioSpec, nodes: &[NodeDef]) -> Result<(Vec<LegDef>, Vec<FlowDef>), CompileError> {
    let ship_ids: Vec<&String> = spec.ship_services.keys().collect();
    let train_ids: Vec<&String> = spec.train_services.keys().collect();
    let mut legs: Vec<LegDef> = Vec::new();
    let mut flows = Vec::new();
    for (id, f) in &spec.flows {
        let entity = || format!("flows.{id}");
        let mut flow_legs = Vec::new();
        for pair in f.route.windows(2) {
            let (from, to) = (&pair[0], &pair[1]);
            let carrier = match spec.leg_carrier(f.class, from, to) {
                Some(LegCarrier::Ship(s)) => Carrier::Ship(ship_ids.iter().position(|x| *x == s).unwrap_or(0)),
                Some(LegCarrier::Train(t)) => Carrier::Train(train_ids.iter().position(|x| *x == t).unwrap_or(0)),
                None => {
                    return Err(CompileError::UnservedLeg {
                        entity: entity(),
                        class: f.class.name(),
                        from: from.clone(),
                        to: to.clone(),
                    });
                }
            };
            let leg = LegDef { from: node_of(nodes, from, &entity)?, to: node_of(nodes, to, &entity)?, carrier };
            let index = legs
                .iter()
                .position(|l| l.from == leg.from && l.to == leg.to && l.carrier == leg.carrier)
                .unwrap_or_else(|| {
                    legs.push(leg);
                    legs.len() - 1
                });
            flow_legs.push(index);
        }
        let annual = f.annual_tonnes.unwrap_or_else(|| f.annual_teu.unwrap_or(0.0) * f.tonnes_per_teu.unwrap_or(0.0));
        // A flow fed only by arriving ships generates nothing itself.
        let own = f.consignment_tonnes.clone().unwrap_or(crate::scenario::DistSpec::constant(1.0));
        let annual = if f.consignment_tonnes.is_some() { annual } else { 0.0 };
        let mean = own.mean().max(1e-3);
        let (seasonality, peak_factor) = monthly(f.seasonality.as_ref());
        let origin = f.route.first().ok_or_else(|| CompileError::UnknownReference {
            entity: entity(),
            kind: "origin",
            id: String::new(),
        })?;
        flows.push(FlowDef {
            id: id.clone(),
            legs: flow_legs,
            origin: node_of(nodes, origin, &entity)?,
            rate_per_hour: annual / mean / 8_760.0,
            seasonality,
            peak_factor,
            size: sampler(|| format!("flows.{id}.consignment_tonnes"), &own)?,
        });
    }
    Ok((legs, flows))
}

/// Per-flow state and measurement.
#[derive(Debug)]
pub(crate) struct FlowState {
    /// In the system now, kg.
    pub(crate) in_system: Kg,
    /// Delivered in the measured window, kg.
    pub(crate) delivered: Kg,
    /// Generated in the measured window, kg.
    pub(crate) generated: Kg,
    /// End-to-end transit, hours.
    pub(crate) transit: OnlineStats,
    /// Quantiles of transit.
    pub(crate) transit_quantiles: StreamQuantiles,
}

/// The flows subsystem.
#[derive(Debug)]
pub(crate) struct Flows {
    pub(crate) state: Vec<FlowState>,
    arrival_rng: Vec<RandomStream>,
    size_rng: Vec<RandomStream>,
    /// Whether the measured window is open. Transit quantiles (a large histogram,
    /// costly to clear) record only inside it; every other measure records all along
    /// and is reset when the window opens.
    window_open: bool,
}

pub(super) fn transit_quantiles() -> StreamQuantiles {
    StreamQuantiles::new(0.01, 1e6)
}

impl Flows {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Flows {
        Flows {
            state: net
                .flows
                .iter()
                .map(|_| FlowState {
                    in_system: 0,
                    delivered: 0,
                    generated: 0,
                    transit: OnlineStats::new(),
                    transit_quantiles: transit_quantiles(),
                })
                .collect(),
            arrival_rng: net.flows.iter().map(|f| streams.stream(&format!("flow/{}/arrivals", f.id))).collect(),
            size_rng: net.flows.iter().map(|f| streams.stream(&format!("flow/{}/size", f.id))).collect(),
            window_open: net.warmup == SimTime::ZERO,
        }
    }

    /// Schedules flow `f`'s next candidate arrival.
    #[inline]
    pub(crate) fn schedule_next(&mut self, net: &Network, f: usize, s: &mut Scheduler<Event>) {
        let def = &net.flows[f];
        let rate = def.rate_per_hour * def.peak_factor;
        if rate > 0.0 {
            let gap = exp_gap(&mut self.arrival_rng[f], rate);
            s.schedule_in(gap, Event::FlowArrival(f as u32));
        }
    }

    /// Opens the measured window.
    pub(crate) fn reset(&mut self, _now: SimTime) {
        self.window_open = true;
        for f in &mut self.state {
            f.delivered = 0;
            f.generated = 0;
            f.transit = OnlineStats::new();
        }
    }
}

/// A flow may generate a consignment (thinned Poisson process).
pub(super) fn on_arrival(w: &mut Corridor<'_>, f: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let def = &net.flows[f];
    let accept = def.seasonality[month_of(now)] / def.peak_factor;
    let thinned = accept >= 1.0 || w.flows.arrival_rng[f].random::<f64>() < accept;
    w.flows.schedule_next(net, f, s);
    if !thinned {
        return;
    }
    if w.cargo.consignments.live >= net.max_consignments {
        let resource = super::audit::most_loaded_queue(w);
        let reason = format!(
            "{} consignments in the system (the cap): demand exceeds what the corridor carries; cargo piles up most at {resource}",
            net.max_consignments
        );
        w.saturate(resource, reason, s);
        return;
    }
    let kg = kg_from_tonnes(def.size.sample(&mut w.flows.size_rng[f])).max(1);
    let id =
        w.cargo.consignments.insert(Consignment { flow: f as u32, leg_pos: 0, kg, created: now, at_node_since: now });
    w.cargo.generated(kg);
    let flow = &mut w.flows.state[f];
    flow.in_system += kg;
    flow.generated += kg;
    w.arrive_at_node(id, def.origin, s);
}

/// Consignment `id` has reached its destination.
#[inline]
pub(super) fn deliver(w: &mut Corridor<'_>, id: u32, now: SimTime) {
    let c = w.cargo.consignments.items[id as usize];
    w.cargo.delivered(c.kg);
    let flow = &mut w.flows.state[c.flow as usize];
    flow.in_system -= c.kg;
    flow.delivered += c.kg;
    let h = (now - c.created).as_hours();
    flow.transit.push(h);
    if w.flows.window_open {
        flow.transit_quantiles.record(h);
    }
    w.cargo.consignments.remove(id);
}
