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
    /// Scenario id (for empty returns, the flow's id and `_empties`).
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
    /// The unit the cargo travels in (index into `Network::units`).
    pub(crate) unit: Option<usize>,
    /// Weight of one loaded unit.
    pub(crate) kg_per_unit: Kg,
    /// Where this flow's empty units go back: (the empties' flow, share, node where
    /// they are handed over).
    pub(crate) empties: Option<(usize, f64, usize)>,
    /// Whether this is the return of another flow's empty units.
    pub(crate) empty: bool,
}

/// What `compile` produces: the legs, the flows (then their empty returns) and the units.
type CompiledFlows = (Vec<LegDef>, Vec<FlowDef>, Vec<String>);

/// The unit's index in `units`, added if new.
fn intern(units: &mut Vec<String>, unit: &str) -> usize {
    units.iter().position(|u| u == unit).unwrap_or_else(|| {
        units.push(unit.to_string());
        units.len() - 1
    })
}

/// Compiles the flows (and, after them, the returns of their empty units), the legs
/// they travel (shared between flows where the origin, destination and carrier agree —
/// and on ship legs the unit and whether it is empty), and the units.
pub(super) fn compile(spec: &ScenarioSpec, nodes: &[NodeDef]) -> Result<CompiledFlows, CompileError> {
    let ship_ids: Vec<&String> = spec.ship_services.keys().collect();
    let train_ids: Vec<&String> = spec.train_services.keys().collect();
    let pipe_ids: Vec<&String> = spec.pipelines.keys().collect();
    let mut units: Vec<String> = Vec::new();
    for svc in spec.ship_services.values() {
        for u in svc.slots.keys() {
            intern(&mut units, u);
        }
    }
    let mut legs: Vec<LegDef> = Vec::new();
    let mut route_legs = |entity: &dyn Fn() -> String,
                          route: &[String],
                          class: crate::scenario::BerthClass,
                          unit: Option<&str>,
                          unit_index: Option<usize>,
                          empty: bool|
     -> Result<Vec<usize>, CompileError> {
        let mut flow_legs = Vec::new();
        for pair in route.windows(2) {
            let (from, to) = (&pair[0], &pair[1]);
            let carriers = spec.leg_carriers(class, unit, from, to);
            let ships: Vec<usize> = carriers
                .iter()
                .filter_map(|c| match c {
                    LegCarrier::Ship(s) => ship_ids.iter().position(|x| x == s),
                    _ => None,
                })
                .collect();
            let carrier = match carriers.first() {
                Some(LegCarrier::Ship(_)) => Carrier::Ship(ships[0]),
                Some(LegCarrier::Train(t)) => Carrier::Train(train_ids.iter().position(|x| x == t).unwrap_or(0)),
                Some(LegCarrier::Pipeline(p)) => Carrier::Pipeline(pipe_ids.iter().position(|x| x == p).unwrap_or(0)),
                None => {
                    return Err(CompileError::UnservedLeg {
                        entity: entity(),
                        class: class.name(),
                        from: from.clone(),
                        to: to.clone(),
                    });
                }
            };
            let on_ships = !ships.is_empty();
            let leg = LegDef {
                from: node_of(nodes, from, entity)?,
                to: node_of(nodes, to, entity)?,
                carrier,
                unit: if on_ships { unit_index } else { None },
                empty: on_ships && empty,
                ships,
            };
            let index = legs
                .iter()
                .position(|l| {
                    l.from == leg.from
                        && l.to == leg.to
                        && l.carrier == leg.carrier
                        && l.unit == leg.unit
                        && l.empty == leg.empty
                })
                .unwrap_or_else(|| {
                    legs.push(leg);
                    legs.len() - 1
                });
            flow_legs.push(index);
        }
        Ok(flow_legs)
    };
    let mut flows = Vec::new();
    let mut returns = Vec::new();
    for (id, f) in &spec.flows {
        let entity = || format!("flows.{id}");
        let unit_index = f.unit.as_deref().map(|u| intern(&mut units, u));
        let flow_legs = route_legs(&entity, &f.route, f.class, f.unit.as_deref(), unit_index, false)?;
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
        let kg_per_unit = f
            .tonnes_per_unit
            .or(if f.unit.as_deref() == Some("teu") { f.tonnes_per_teu } else { None })
            .map_or(0, kg_from_tonnes);
        if let (Some(ret), Some(_)) = (&f.empty_return, unit_index) {
            let route: Vec<String> = ret.route.clone().unwrap_or_else(|| f.route.iter().rev().cloned().collect());
            let entity = || format!("flows.{id}.empty_return.route");
            let legs = route_legs(&entity, &route, f.class, f.unit.as_deref(), unit_index, true)?;
            let at = node_of(nodes, &route[0], &entity)?;
            returns.push((flows.len(), ret.share, at, legs));
        }
        flows.push(FlowDef {
            id: id.clone(),
            legs: flow_legs,
            origin: node_of(nodes, origin, &entity)?,
            rate_per_hour: annual / mean / 8_760.0,
            seasonality,
            peak_factor,
            size: sampler(|| format!("flows.{id}.consignment_tonnes"), &own)?,
            unit: unit_index,
            kg_per_unit,
            empties: None,
            empty: false,
        });
    }
    for (loaded, share, at, legs) in returns {
        let empty = FlowDef {
            id: format!("{}_empties", flows[loaded].id),
            legs,
            origin: at,
            rate_per_hour: 0.0,
            empties: None,
            empty: true,
            ..flows[loaded].clone()
        };
        flows[loaded].empties = Some((flows.len(), share, at));
        flows.push(empty);
    }
    Ok((legs, flows, units))
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
    /// Units delivered in the measured window (flows counted in units).
    pub(crate) units_delivered: u64,
    /// Empty units owed but not yet whole (the fractional part of share × units).
    pub(crate) empty_credit: f64,
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
                    units_delivered: 0,
                    empty_credit: 0.0,
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
            f.units_delivered = 0;
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
    let tonnes = def.size.sample(&mut w.flows.size_rng[f]);
    // Cargo in units travels in whole units (at least one).
    let (kg, units) = match def.unit {
        Some(_) if def.kg_per_unit > 0 => {
            let units = (kg_from_tonnes(tonnes) as f64 / def.kg_per_unit as f64).round().clamp(1.0, u32::MAX as f64);
            (units as Kg * def.kg_per_unit, units as u32)
        }
        _ => (kg_from_tonnes(tonnes).max(1), 0),
    };
    let id = w.cargo.consignments.insert(Consignment {
        flow: f as u32,
        leg_pos: 0,
        units,
        kg,
        created: now,
        at_node_since: now,
    });
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
    flow.units_delivered += u64::from(c.units);
    flow.transit.push(h);
    if w.flows.window_open {
        flow.transit_quantiles.record(h);
    }
    w.cargo.consignments.remove(id);
}

/// Loaded consignment `id` reached `node`: if its flow hands over empty units there,
/// its share of them (whole units; the fraction carries over to the next) starts
/// back empty along the return route. Returns the empties' consignment, if any.
#[inline]
pub(super) fn hand_over_empties(w: &mut Corridor<'_>, id: u32, node: usize, now: SimTime) -> Option<u32> {
    let c = w.cargo.consignments.items[id as usize];
    let (empty_flow, share, at) = w.net.flows[c.flow as usize].empties?;
    if at != node || c.units == 0 {
        return None;
    }
    let state = &mut w.flows.state[c.flow as usize];
    state.empty_credit += share * f64::from(c.units);
    let whole = state.empty_credit.floor();
    state.empty_credit -= whole;
    if whole < 1.0 {
        return None;
    }
    let empty = Consignment {
        flow: empty_flow as u32,
        leg_pos: 0,
        units: whole as u32,
        kg: 0,
        created: now,
        at_node_since: now,
    };
    Some(w.cargo.consignments.insert(empty))
}
