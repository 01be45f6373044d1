//! Cargo flows: consignments generated at an origin (a thinned Poisson process with
//! monthly seasonality), routed leg by leg, delivered at the destination.
//!
//! Streams: `flow/<id>/arrivals` (gaps and thinning), `flow/<id>/size` (weights).
//! Measurement: per flow, tonnes generated and delivered in the measured window, and
//! end-to-end transit times of deliveries.

use super::cargo::Consignment;
use super::corridor::{Calendar, Corridor, Event, Network, exp_gap};
use super::costs::RouteCost;
use super::network::{
    Carrier, CompileError, Dist, Kg, LegDef, NodeDef, kg_from_tonnes, month_of, monthly, node_of, sampler, tonnes,
};
use super::routes::RouteSet;
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
    /// Demand factor in each planning year (empty: 1 throughout).
    pub(crate) growth: Vec<f64>,
    /// The largest of `growth` (1 without): with `peak_factor`, the thinning envelope.
    pub(crate) growth_peak: f64,
    /// For a route of a flow with alternatives: that flow.
    pub(crate) parent: Option<usize>,
    /// For a flow with alternative routes: the routes and the rule.
    pub(crate) routes: Option<RouteSet>,
    /// Consignments per hour offered to this flow's legs (the capacity sheet): the
    /// flow's rate, or for a route its share of the flow's.
    pub(crate) offered_rate_per_hour: f64,
    /// Tariffs, charges, emissions and running time of the route.
    pub(crate) cost: RouteCost,
    /// Another corridor the cargo may take instead (see `outside_option`).
    pub(crate) outside: Option<Outside>,
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
pub(super) fn compile(
    spec: &ScenarioSpec,
    nodes: &[NodeDef],
    calendar: Option<&Calendar>,
) -> Result<CompiledFlows, CompileError> {
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
    // Routes of flows with alternatives: (flow index, name, route), compiled after
    // every flow so that no flow's index depends on them.
    let mut alternatives: Vec<(usize, String, Vec<String>)> = Vec::new();
    for (id, f) in &spec.flows {
        let entity = || format!("flows.{id}");
        let unit_index = f.unit.as_deref().map(|u| intern(&mut units, u));
        for (name, r) in &f.routes {
            alternatives.push((flows.len(), name.clone(), r.route.clone()));
        }
        let flow_legs = route_legs(&entity, &f.route, f.class, f.unit.as_deref(), unit_index, false)?;
        let annual = f.annual_tonnes.unwrap_or_else(|| f.annual_teu.unwrap_or(0.0) * f.tonnes_per_teu.unwrap_or(0.0));
        // A flow fed only by arriving ships generates nothing itself.
        let own = f.consignment_tonnes.clone().unwrap_or(crate::scenario::DistSpec::constant(1.0));
        let annual = if f.consignment_tonnes.is_some() { annual } else { 0.0 };
        let mean = own.mean().max(1e-3);
        let (seasonality, peak_factor) = monthly(f.seasonality.as_ref());
        let first_route = f.routes.values().next().map_or(&f.route, |r| &r.route);
        let origin = first_route.first().ok_or_else(|| CompileError::UnknownReference {
            entity: entity(),
            kind: "origin",
            id: String::new(),
        })?;
        let kg_per_unit = f
            .tonnes_per_unit
            .or(if f.unit.as_deref() == Some("teu") { f.tonnes_per_teu } else { None })
            .map_or(0, kg_from_tonnes);
        if let (Some(ret), Some(_), true) = (&f.empty_return, unit_index, f.routes.is_empty()) {
            let route: Vec<String> = ret.route.clone().unwrap_or_else(|| f.route.iter().rev().cloned().collect());
            let entity = || format!("flows.{id}.empty_return.route");
            let legs = route_legs(&entity, &route, f.class, f.unit.as_deref(), unit_index, true)?;
            let at = node_of(nodes, &route[0], &entity)?;
            returns.push((flows.len(), ret.share, at, legs));
        }
        let growth: Vec<f64> =
            calendar.map_or_else(Vec::new, |c| c.years.iter().map(|&y| spec.growth_factor(&f.tags, y)).collect());
        let rate_per_hour = annual / mean / 8_760.0;
        flows.push(FlowDef {
            id: id.clone(),
            legs: flow_legs,
            origin: node_of(nodes, origin, &entity)?,
            rate_per_hour,
            seasonality,
            peak_factor,
            size: sampler(|| format!("flows.{id}.consignment_tonnes"), &own)?,
            unit: unit_index,
            kg_per_unit,
            empties: None,
            empty: false,
            growth_peak: growth.iter().copied().fold(1.0, f64::max),
            growth,
            parent: None,
            routes: None,
            offered_rate_per_hour: rate_per_hour,
            cost: super::costs::route_cost(spec, f, &f.route),
            outside: None,
        });
        // What the corridor captures of a market with another way to go: the
        // capacity sheet reads the first year's share.
        if let Some(o) = &f.outside_option {
            let def = flows.last_mut().expect("just pushed");
            let value_per_hour = def.cost.value_per_tonne_hour;
            let first_hours = o.corridor_days.map_or(def.cost.running_hours, |d| d * 24.0);
            def.outside = Some(Outside {
                alternative: o.cost_per_tonne + value_per_hour * o.days * 24.0,
                scale: o.scale,
                first_hours,
            });
            def.offered_rate_per_hour *= def.captured_share(first_hours);
        }
    }
    // Each alternative route becomes a flow that generates nothing itself.
    let mut sets: Vec<(usize, Vec<usize>)> = Vec::new();
    for (parent, name, route) in alternatives {
        let (id, f) = spec.flows.iter().nth(parent).ok_or_else(|| CompileError::UnknownReference {
            entity: "flows".into(),
            kind: "flow",
            id: name.clone(),
        })?;
        let entity = || format!("flows.{id}.routes.{name}");
        let unit_index = flows[parent].unit;
        let legs_of = route_legs(&entity, &route, f.class, f.unit.as_deref(), unit_index, false)?;
        let origin = node_of(nodes, &route[0], &entity)?;
        if let (Some(ret), Some(_)) = (&f.empty_return, unit_index)
            && let Some(back) = &ret.route
        {
            let entity = || format!("flows.{id}.empty_return.route");
            let legs = route_legs(&entity, back, f.class, f.unit.as_deref(), unit_index, true)?;
            let at = node_of(nodes, &back[0], &entity)?;
            returns.push((flows.len(), ret.share, at, legs));
        }
        match sets.last_mut() {
            Some((p, members)) if *p == parent => members.push(flows.len()),
            _ => sets.push((parent, vec![flows.len()])),
        }
        flows.push(FlowDef {
            id: format!("{id}.route.{name}"),
            legs: legs_of,
            origin,
            rate_per_hour: 0.0,
            empties: None,
            parent: Some(parent),
            routes: None,
            cost: super::costs::route_cost(spec, f, &route),
            ..flows[parent].clone()
        });
    }
    for (parent, members) in sets {
        let Some((_, f)) = spec.flows.iter().nth(parent) else {
            continue;
        };
        let per_unit = tonnes(flows[parent].kg_per_unit);
        let generalised: Vec<f64> = members
            .iter()
            .zip(f.routes.values())
            .map(|(&m, r)| {
                let hours = r.expected_days.map_or(flows[m].cost.running_hours, |d| d * 24.0);
                flows[m].cost.generalised(hours, per_unit)
            })
            .collect();
        let shares: Vec<f64> = f.routes.values().map(|r| r.share.unwrap_or(0.0)).collect();
        let set = RouteSet::new(f.choice, members.clone(), &shares, generalised);
        let stated: Vec<Option<f64>> = f.routes.values().map(|r| r.share).collect();
        for (&m, share) in members.iter().zip(set.sheet_shares(&stated)) {
            flows[m].offered_rate_per_hour = flows[parent].rate_per_hour * share;
        }
        flows[parent].legs.clear();
        flows[parent].routes = Some(set);
    }
    for (loaded, share, at, legs) in returns {
        let empty = FlowDef {
            id: format!("{}_empties", flows[loaded].id),
            legs,
            origin: at,
            rate_per_hour: 0.0,
            offered_rate_per_hour: 0.0,
            empties: None,
            empty: true,
            parent: None,
            routes: None,
            outside: None,
            ..flows[loaded].clone()
        };
        flows[loaded].empties = Some((flows.len(), share, at));
        flows.push(empty);
    }
    Ok((legs, flows, units))
}

/// Another corridor a flow's cargo may take: the corridor captures a logit share of
/// the flow's market, by its generalised cost against this option's.
#[derive(Debug, Clone)]
pub(crate) struct Outside {
    /// The option's generalised cost per tonne (its tariffs and the value of its days).
    pub(crate) alternative: f64,
    /// The logit's scale, currency per tonne.
    pub(crate) scale: f64,
    /// The corridor's door-to-door hours assumed before any are simulated.
    pub(crate) first_hours: f64,
}

impl FlowDef {
    /// The share of the market the corridor captures when its door-to-door time is
    /// `hours` (1 without an outside option).
    pub(crate) fn captured_share(&self, hours: f64) -> f64 {
        match &self.outside {
            Some(o) => crate::scenario::logit_share(
                self.cost.generalised(hours, tonnes(self.kg_per_unit)),
                o.alternative,
                o.scale,
            ),
            None => 1.0,
        }
    }
}

/// Per-flow state and measurement.
#[derive(Debug, Clone)]
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
    /// Loaded units drawn but not yet whole: the fraction of a unit a consignment's
    /// size leaves over, carried to the next, so that the flow ships its declared
    /// tonnes in whole units.
    pub(crate) unit_credit: f64,
    /// Tariffs and charges paid by the cargo delivered in the window.
    pub(crate) tariffs: f64,
    /// Value of the time in transit of the cargo delivered in the window.
    pub(crate) time_cost: f64,
    /// CO2 of the cargo delivered in the window, kg.
    pub(crate) co2_kg: f64,
    /// The share of the market the corridor captures now (1 without an outside
    /// option), and the door-to-door hours it was worked out from.
    pub(crate) share: f64,
    pub(crate) share_hours: f64,
    /// Tonnes of the market lost to the outside option in the window, kg.
    pub(crate) lost: Kg,
}

/// The flows subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Flows {
    pub(crate) state: Vec<FlowState>,
    arrival_rng: Vec<RandomStream>,
    size_rng: Vec<RandomStream>,
    /// Route draws of flows with alternative routes (rule `shares`).
    pub(crate) route_rng: Vec<RandomStream>,
    /// Draws of whether a consignment takes the corridor or its outside option (flows
    /// with one only).
    choice_rng: Vec<Option<RandomStream>>,
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
                .map(|def| FlowState {
                    in_system: 0,
                    delivered: 0,
                    generated: 0,
                    transit: OnlineStats::new(),
                    transit_quantiles: transit_quantiles(),
                    units_delivered: 0,
                    empty_credit: 0.0,
                    unit_credit: 0.0,
                    tariffs: 0.0,
                    time_cost: 0.0,
                    co2_kg: 0.0,
                    share: def.outside.as_ref().map_or(1.0, |o| def.captured_share(o.first_hours)),
                    share_hours: def.outside.as_ref().map_or(0.0, |o| o.first_hours),
                    lost: 0,
                })
                .collect(),
            choice_rng: net
                .flows
                .iter()
                .map(|f| f.outside.as_ref().map(|_| streams.stream(&format!("flow/{}/choice", f.id))))
                .collect(),
            arrival_rng: net.flows.iter().map(|f| streams.stream(&format!("flow/{}/arrivals", f.id))).collect(),
            size_rng: net.flows.iter().map(|f| streams.stream(&format!("flow/{}/size", f.id))).collect(),
            route_rng: net.flows.iter().map(|f| streams.stream(&format!("flow/{}/route", f.id))).collect(),
            window_open: net.warmup == SimTime::ZERO,
        }
    }

    /// Schedules flow `f`'s next candidate arrival.
    #[inline]
    pub(crate) fn schedule_next(&mut self, net: &Network, f: usize, s: &mut Scheduler<Event>) {
        let def = &net.flows[f];
        let rate = def.rate_per_hour * def.peak_factor * def.growth_peak;
        if rate > 0.0 {
            let gap = exp_gap(&mut self.arrival_rng[f], rate);
            s.schedule_in(gap, Event::FlowArrival(f as u32));
        }
    }

    /// Forgets the transit quantiles (a new planning year's window opens).
    pub(crate) fn clear_quantiles(&mut self) {
        for f in &mut self.state {
            f.transit_quantiles.reset();
        }
    }

    /// A planning year closed: each flow with an outside option captures next year
    /// the share its cost in the year just closed earns, from the mean door-to-door
    /// time of what it delivered (a year with nothing delivered counts as a year, or
    /// the time assumed before, whichever is longer).
    pub(crate) fn next_year(&mut self, net: &Network, year_hours: f64) {
        for (def, st) in net.flows.iter().zip(&mut self.state) {
            if def.outside.is_none() {
                continue;
            }
            st.share_hours = if st.transit.count() > 0 { st.transit.mean() } else { st.share_hours.max(year_hours) };
            st.share = def.captured_share(st.share_hours);
        }
    }

    /// Opens the measured window.
    pub(crate) fn reset(&mut self, _now: SimTime) {
        self.window_open = true;
        for f in &mut self.state {
            f.lost = 0;
            f.delivered = 0;
            f.generated = 0;
            f.units_delivered = 0;
            f.transit = OnlineStats::new();
            f.tariffs = 0.0;
            f.time_cost = 0.0;
            f.co2_kg = 0.0;
        }
    }
}

/// A flow may generate a consignment (thinned Poisson process).
pub(super) fn on_arrival(w: &mut Corridor<'_>, f: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let def = &net.flows[f];
    let growth = def.growth.get(net.year_index(now)).copied().unwrap_or(1.0);
    let accept = def.seasonality[month_of(now + net.calendar_shift)] * growth / (def.peak_factor * def.growth_peak);
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
    // With another corridor to take, the consignment comes this way with the share
    // the corridor's cost earns; otherwise it is lost to the other.
    if let Some(choice) = w.flows.choice_rng[f].as_mut() {
        let state = &mut w.flows.state[f];
        if choice.random::<f64>() >= state.share {
            state.lost += kg_from_tonnes(tonnes);
            return;
        }
    }
    // Cargo in units travels in whole units: the fraction of a unit left over carries
    // to the next consignment (one smaller than the fraction missing waits for it), so
    // that over a year the flow ships its declared tonnes, whatever the unit.
    let (kg, units) = match def.unit {
        Some(_) if def.kg_per_unit > 0 => {
            let state = &mut w.flows.state[f];
            let owed = kg_from_tonnes(tonnes) as f64 / def.kg_per_unit as f64 + state.unit_credit;
            let whole = (owed + 1e-9).floor().clamp(0.0, f64::from(u32::MAX));
            state.unit_credit = (owed - whole).max(0.0);
            if whole < 1.0 {
                return;
            }
            (whole as Kg * def.kg_per_unit, whole as u32)
        }
        _ => (kg_from_tonnes(tonnes).max(1), 0),
    };
    let route = super::routes::choose(w.net, &w.cargo, &mut w.flows.route_rng[f], f);
    let id = w.cargo.consignments.insert(Consignment {
        flow: route as u32,
        leg_pos: 0,
        units,
        kg,
        created: now,
        at_node_since: now,
    });
    w.cargo.generated(kg);
    for g in [f, route] {
        let flow = &mut w.flows.state[g];
        flow.in_system += kg;
        flow.generated += kg;
        if route == f {
            break;
        }
    }
    w.arrive_at_node(id, net.flows[route].origin, s);
}

/// Consignment `id` has reached its destination.
#[inline]
pub(super) fn deliver(w: &mut Corridor<'_>, id: u32, now: SimTime) {
    let c = w.cargo.consignments.items[id as usize];
    w.cargo.delivered(c.kg);
    let h = (now - c.created).as_hours();
    let def = &w.net.flows[c.flow as usize];
    let (costed, cost) = (w.net.costed, def.cost);
    let mut f = c.flow as usize;
    loop {
        let flow = &mut w.flows.state[f];
        flow.in_system -= c.kg;
        flow.delivered += c.kg;
        flow.units_delivered += u64::from(c.units);
        flow.transit.push(h);
        if w.flows.window_open {
            flow.transit_quantiles.record(h);
        }
        if costed {
            let t = tonnes(c.kg);
            flow.tariffs += cost.per_tonne * t + cost.per_unit * f64::from(c.units);
            flow.time_cost += cost.value_per_tonne_hour * t * h;
            flow.co2_kg += cost.co2_kg_per_tonne * t;
        }
        match w.net.flows[f].parent {
            Some(p) => f = p,
            None => break,
        }
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
