//! Cost and CO2 of the cargo delivered: tariffs of the carriers and charges of the
//! ports along each route, the value of the cargo's time, and emissions per
//! tonne-km by carrier plus per tonne at each port.
//!
//! A route's tariffs, charges and emissions per tonne are fixed by its legs and are
//! worked out once, from the scenario (a leg that several ship services share takes
//! the tariff and emission factor of the first, as its cargo is counted). Emissions
//! follow the GLEC approach: a factor per tonne-km (well to wake or wheel, load
//! factors included) times the distance the cargo travels. What varies by
//! replication is the time: the value of time is charged on each consignment's
//! door-to-door hours as simulated, waits included. Empty units returning pay
//! nothing here.
//!
//! Measurement: per flow (and per route of a flow with alternatives), tariffs paid,
//! the value of time and CO2 of the cargo delivered in the window. KPIs exist only
//! when the scenario gives some tariff, charge, emission factor or value of time.

use super::compiled::Network;
use super::flows::Flows;
use super::kpis::ReplicationKpis;
use super::network::tonnes;
use crate::scenario::{FlowSpec, LegCarrier, ScenarioSpec};

/// What a tonne pays and emits along one route, and how long the route runs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct RouteCost {
    /// Tariffs and port charges per tonne.
    pub(crate) per_tonne: f64,
    /// Tariffs per unit (for cargo counted in units).
    pub(crate) per_unit: f64,
    /// CO2 per tonne, kg.
    pub(crate) co2_kg_per_tonne: f64,
    /// Value of the cargo's time, per tonne-hour.
    pub(crate) value_per_tonne_hour: f64,
    /// Sailing, rail transit, loading and pumping time, without waits (hours).
    pub(crate) running_hours: f64,
}

impl RouteCost {
    /// The expected generalised cost of a tonne: tariffs and charges plus the value
    /// of `hours` door to door (`tonnes_per_unit` spreads the per-unit tariffs).
    pub(crate) fn generalised(&self, hours: f64, tonnes_per_unit: f64) -> f64 {
        let per_unit = if tonnes_per_unit > 0.0 { self.per_unit / tonnes_per_unit } else { 0.0 };
        self.per_tonne + per_unit + self.value_per_tonne_hour * hours
    }
}

/// Whether the scenario gives any cost or emission figure.
pub(super) fn costed(spec: &ScenarioSpec) -> bool {
    spec.ports.values().any(|p| p.charge_per_tonne > 0.0 || p.co2_kg_per_tonne > 0.0)
        || spec.ship_services.values().any(|s| {
            s.tariff_per_tonne > 0.0 || s.co2_g_per_tonne_km > 0.0 || s.tariff_per_unit.values().any(|x| *x > 0.0)
        })
        || spec.train_services.values().any(|s| {
            s.tariff_per_tonne > 0.0 || s.co2_g_per_tonne_km > 0.0 || s.tariff_per_unit.values().any(|x| *x > 0.0)
        })
        || spec.pipelines.values().any(|p| p.tariff_per_tonne > 0.0 || p.co2_g_per_tonne_km > 0.0)
        || spec.flows.values().any(|f| f.value_of_time_per_tonne_day > 0.0)
}

/// The cost of `route` for cargo of `flow`.
pub(super) fn route_cost(spec: &ScenarioSpec, flow: &FlowSpec, route: &[String]) -> RouteCost {
    let mut cost = RouteCost { value_per_tonne_hour: flow.value_of_time_per_tonne_day / 24.0, ..RouteCost::default() };
    let unit = flow.unit.as_deref();
    for pair in route.windows(2) {
        let (from, to) = (&pair[0], &pair[1]);
        match spec.leg_carrier(flow.class, unit, from, to) {
            Some(LegCarrier::Ship(id)) => {
                let svc = &spec.ship_services[id];
                let (km, hours) = sail_along(spec, &svc.route, from, to);
                cost.per_tonne += svc.tariff_per_tonne;
                cost.per_unit += unit.and_then(|u| svc.tariff_per_unit.get(u)).copied().unwrap_or(0.0);
                cost.co2_kg_per_tonne += svc.co2_g_per_tonne_km * km / 1000.0;
                cost.running_hours += hours;
            }
            Some(LegCarrier::Train(id)) => {
                let svc = &spec.train_services[id];
                let link = spec.rail_link_between(from, to).map(|(_, l)| l);
                let km = link.and_then(|l| l.length_km).unwrap_or(0.0);
                cost.per_tonne += svc.tariff_per_tonne;
                cost.per_unit += unit.and_then(|u| svc.tariff_per_unit.get(u)).copied().unwrap_or(0.0);
                cost.co2_kg_per_tonne += svc.co2_g_per_tonne_km * km / 1000.0;
                cost.running_hours +=
                    link.map_or(0.0, |l| l.transit_hours.mean()) + svc.loading_hours + svc.unloading_hours;
            }
            Some(LegCarrier::Pipeline(id)) => {
                let p = &spec.pipelines[id];
                cost.per_tonne += p.tariff_per_tonne;
                cost.co2_kg_per_tonne += p.co2_g_per_tonne_km * p.length_km.unwrap_or(0.0) / 1000.0;
                cost.running_hours += p.transit_hours.as_ref().map_or(0.0, |d| d.mean());
            }
            None => {}
        }
    }
    for node in route {
        if let Some(port) = spec.ports.get(node) {
            cost.per_tonne += port.charge_per_tonne;
            cost.co2_kg_per_tonne += port.co2_kg_per_tonne;
        }
    }
    cost
}

/// Distance (km, 0 where not given) and mean sailing hours from `from` to `to`
/// following the loop `route` forward.
fn sail_along(spec: &ScenarioSpec, route: &[String], from: &str, to: &str) -> (f64, f64) {
    let Some(start) = route.iter().position(|p| p == from) else {
        return (0.0, 0.0);
    };
    let (mut km, mut hours) = (0.0, 0.0);
    for step in 0..route.len() {
        let a = &route[(start + step) % route.len()];
        let b = &route[(start + step + 1) % route.len()];
        if let Some((_, link)) = spec.sea_link_between(a, b) {
            km += link.distance_km.unwrap_or(0.0);
            hours += link.sailing_hours.mean();
        }
        if b == to {
            break;
        }
    }
    (km, hours)
}

/// Adds the cost and CO2 KPIs (see the module documentation) to `kpis`.
pub(super) fn kpis(net: &Network, flows: &Flows, kpis: &mut ReplicationKpis) {
    if !net.costed {
        return;
    }
    let per = |x: f64, t: f64| if t > 0.0 { x / t } else { 0.0 };
    let (mut paid, mut time, mut co2, mut delivered) = (0.0, 0.0, 0.0, 0.0);
    for (def, st) in net.flows.iter().zip(&flows.state) {
        if def.empty {
            continue;
        }
        let t = tonnes(st.delivered);
        let key = |name: &str| format!("flow.{}.{name}", def.id);
        kpis.extra.extend([
            (key("cost_per_tonne"), per(st.tariffs + st.time_cost, t)),
            (key("tariff_per_tonne"), per(st.tariffs, t)),
            (key("time_cost_per_tonne"), per(st.time_cost, t)),
            (key("co2_kg_per_tonne"), per(st.co2_kg, t)),
            (key("door_to_door_days.mean"), st.transit.mean() / 24.0),
        ]);
        if def.parent.is_none() {
            paid += st.tariffs;
            time += st.time_cost;
            co2 += st.co2_kg;
            delivered += t;
        }
    }
    kpis.extra.extend([
        ("system.cost_total".to_string(), paid + time),
        ("system.cost_per_tonne".to_string(), per(paid + time, delivered)),
        ("system.co2_tonnes".to_string(), co2 / 1000.0),
        ("system.co2_kg_per_tonne".to_string(), per(co2, delivered)),
    ]);
}
