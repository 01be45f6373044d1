//! The KPIs of a replication read off each subsystem's measurement when its window
//! closes.

use super::{BacklogPath, Bottleneck, FlowKpis, PortKpis, RailKpis, ReplicationKpis, ServiceKpis, SystemKpis};
use crate::engine::SimTime;
use crate::model::audit;
use crate::model::cargo::leg_name;
use crate::model::corridor::Corridor;
use crate::model::network::tonnes;
use crate::model::ships::VesselState;
use crate::model::trains::TrainState;

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Delivered over generated, 1 when nothing was generated.
fn share(delivered: f64, generated: f64) -> f64 {
    if generated > 0.0 { delivered / generated } else { 1.0 }
}

/// The KPIs of a replication whose measured window was closed at `end` (see
/// `Corridor::close_window`), read from each subsystem's measurement.
pub(in crate::model) fn assemble(w: &Corridor<'_>, end: SimTime, events: u64) -> ReplicationKpis {
    let net = w.net;
    let t = end.as_millis();
    let measured_hours = (end.saturating_sub(w.window_start)).as_hours();
    // Capacity over the window: the configuration in force, or its mean over a
    // window with a change in it.
    let held = w.capacity.held(net, w.window_start, end);
    let mut resources: Vec<(String, f64, f64)> = Vec::new();
    let mut ports = Vec::new();
    for (p, def) in net.ports.iter().enumerate() {
        let (berths, yard, closure) = (&w.berths.ports[p], &w.yards.ports[p], &w.weather.ports[p]);
        let per_berth = |count: f64, level: f64| if count <= 0.0 { 0.0 } else { finite(level / count) };
        let mut berth_occupancy = Vec::new();
        let mut berth_handling = Vec::new();
        let mut berth_hours_by_class = Vec::new();
        let mut ship_calls_by_class = Vec::new();
        for (i, (b, g)) in def.berths.iter().zip(&berths.groups).enumerate() {
            let class = b.class.name().to_string();
            berth_hours_by_class.push((class.clone(), finite(g.at_berth.mean())));
            ship_calls_by_class.push((class.clone(), g.at_berth.count() as f64));
            let count = held.berths(p, i);
            let handling = per_berth(count, g.working.mean(t));
            berth_occupancy.push((class.clone(), per_berth(count, g.occupancy.mean(t))));
            berth_handling.push((class.clone(), handling));
            resources.push((format!("port.{}.berths.{class}", def.id), handling, handling));
        }
        let yard_mean = yard.stock.mean(t);
        if def.yard_capacity > 0 {
            let filled = finite(yard_mean / held.yard_tonnes(p));
            resources.push((format!("port.{}.yard", def.id), filled, filled));
        }
        ports.push(PortKpis {
            id: def.id.clone(),
            throughput_tonnes: tonnes(berths.throughput),
            ship_wait_mean_hours: berths.wait.mean(),
            ship_wait_p95_hours: berths.wait_quantiles.quantile(0.95),
            ships_at_anchor_mean: berths.anchorage.mean(t),
            turnaround_mean_hours: berths.turnaround.mean(),
            berth_mean_hours: berths.at_berth.mean(),
            ship_calls: berths.turnaround.count() as f64,
            berth_occupancy,
            berth_handling,
            berth_hours_by_class,
            ship_calls_by_class,
            yard_stock_mean_tonnes: yard_mean,
            yard_stock_max_tonnes: yard.stock.max(),
            closed_hours: closure.closed_hours,
            yard_blocked_hours: yard.blocked_hours,
        });
    }
    let mut services = Vec::new();
    // Per pool: vessel-hours, productive hours and own-work hours over its lines.
    let mut pooled = vec![[0.0f64; 3]; net.pools.len()];
    let mut vessel_days = Vec::new();
    for (i, (def, st)) in net.ship_services.iter().zip(&w.ships.services).enumerate() {
        let states = VesselState::ALL
            .iter()
            .map(|&s| (s.name(), st.time[s as usize].mean(t) * measured_hours, s.productive(), s.own_work()));
        let on_line: f64 = VesselState::ALL.iter().map(|&s| st.time[s as usize].mean(t) * measured_hours).sum();
        vessel_days.push((format!("service.{}.vessel_days", def.id), on_line / 24.0));
        // A pooled line has the vessel time its vessels spent on it; the pool is the
        // resource (a line's share of it changes with the dispatch).
        let fleet_hours = if def.pool.is_some() { on_line } else { held.vessels(i) * measured_hours };
        let kpis = fleet_kpis(&def.id, st.trips, st.load_factor.mean(), fleet_hours, states);
        if let Some(pool) = net.pools.iter().position(|p| p.lines.contains(&i)) {
            let own = |keep: fn(VesselState) -> bool| -> f64 {
                VesselState::ALL.iter().filter(|&&s| keep(s)).map(|&s| st.time[s as usize].mean(t)).sum::<f64>()
                    * measured_hours
            };
            let totals = &mut pooled[pool];
            totals[0] += on_line;
            totals[1] += own(VesselState::productive);
            totals[2] += own(VesselState::own_work);
        }
        if def.pool.is_none() {
            resources.push((format!("service.{}", def.id), kpis.utilisation, kpis.rho));
        }
        services.push(kpis);
    }
    for (pool, [hours, productive, own]) in net.pools.iter().zip(&pooled) {
        if pool.dispatch != crate::scenario::Dispatch::Fixed {
            let share = |x: f64| if *hours > 0.0 { finite(x / hours) } else { 0.0 };
            resources.push((format!("pool.{}", pool.id), share(*productive), share(*own)));
        }
    }
    for (i, (def, st)) in net.train_services.iter().zip(&w.trains.services).enumerate() {
        let states = TrainState::ALL.iter().map(|&s| (s.name(), st.hours[s as usize], s.productive(), s.own_work()));
        let fleet_hours = held.trainsets(i) * measured_hours;
        let kpis = fleet_kpis(&def.id, st.trips, st.load_factor.mean(), fleet_hours, states);
        resources.push((format!("service.{}", def.id), kpis.utilisation, kpis.rho));
        services.push(kpis);
    }
    let mut rails = Vec::new();
    for (i, link) in net.rail_links.iter().enumerate() {
        // Capacity is per direction; loaded and empty trains both take a path. The
        // line's utilisation is that of its busier direction: trains counted against
        // the most paths a window of this length can hold.
        let window = (end.saturating_sub(w.window_start)).as_millis();
        let paths = held.paths(i).unwrap_or_else(|| window.div_ceil(link.headway.as_millis().max(1)) as f64).max(1.0);
        let [forward, reverse] = w.trains.line_trains[i];
        let per_day = |n: u64| {
            if measured_hours > 0.0 { n as f64 / (measured_hours / 24.0) } else { 0.0 }
        };
        let busier = finite(forward.max(reverse) as f64 / paths);
        resources.push((format!("rail.{}", link.id), busier, busier));
        rails.push(RailKpis {
            id: link.id.clone(),
            trains_per_day_forward: per_day(forward),
            trains_per_day_reverse: per_day(reverse),
            utilisation: busier,
        });
    }
    let flows = net
        .flows
        .iter()
        .zip(&w.flows.state)
        .zip(&w.backlog.flows)
        .filter(|((def, _), _)| !def.empty)
        .map(|((def, st), trend)| FlowKpis {
            id: def.id.clone(),
            generated_tonnes: tonnes(st.generated),
            delivered_tonnes: tonnes(st.delivered),
            delivered_share: share(tonnes(st.delivered), tonnes(st.generated)),
            backlog_tonnes: tonnes(st.in_system),
            backlog: BacklogPath::of(trend, w.backlog.growth(trend)),
            transit_mean_hours: st.transit.mean(),
            transit_p95_hours: st.transit_quantiles.quantile(0.95),
        })
        .collect();
    let places = w.backlog.places.iter().map(|(place, trend)| (place.key(net), w.backlog.growth(trend))).collect();
    let (mut longest_wait, mut wait_hours) = (String::from("none"), 0.0);
    for (i, q) in w.cargo.legs.iter().enumerate() {
        if q.wait.count() > 0 && q.wait.mean() > wait_hours {
            wait_hours = q.wait.mean();
            longest_wait = leg_name(net, i);
        }
    }
    let conservation = audit::conservation(w);
    let (generated, delivered) = (tonnes(w.cargo.window_generated), tonnes(w.cargo.window_delivered));
    let mut kpis = ReplicationKpis {
        ports,
        services,
        rails,
        flows,
        utilisation: Vec::new(),
        rho: Vec::new(),
        places,
        system: SystemKpis {
            generated_tonnes: generated,
            delivered_tonnes: delivered,
            delivered_share: share(delivered, generated),
            in_system_tonnes: tonnes(conservation.waiting_kg + conservation.on_vessels_kg + conservation.on_trains_kg),
            in_system_start_tonnes: tonnes(w.cargo.in_system_at_start),
            backlog: BacklogPath::of(&w.backlog.system, w.backlog.growth(&w.backlog.system)),
            measured_days: measured_hours / 24.0,
            events: events as f64,
        },
        bottleneck: Bottleneck { busiest: String::from("none"), rho: 0.0, longest_wait, wait_hours },
        conservation,
        saturation: w.saturation.clone(),
        extra: Vec::new(),
        calendar: Vec::new(),
        years: Vec::new(),
    };
    for (name, utilisation, rho) in resources {
        kpis.add_resource(name, utilisation, rho);
    }
    for (a, def) in net.weather.iter().enumerate() {
        kpis.extra.push((format!("weather.{}.storm_hours", def.id), w.weather.areas[a].closed_hours));
    }
    for (l, link) in net.sea_links.iter().enumerate() {
        if net.weather.iter().any(|d| d.links.contains(&l)) {
            kpis.extra.push((format!("sea.{}.suspended_hours", link.id), w.weather.links[l].closed_hours));
        }
    }
    direction_kpis(w, &mut kpis.extra);
    kpis.extra.extend(vessel_days);
    for ((pool, changes), [hours, _, _]) in net.pools.iter().zip(&w.ships.pool_changes).zip(&pooled) {
        kpis.extra.push((format!("pool.{}.line_changes", pool.id), *changes as f64));
        kpis.extra.push((format!("pool.{}.vessels", pool.id), finite(hours / measured_hours.max(1e-9))));
    }
    market_kpis(w, &mut kpis.extra);
    for (def, st) in net.flows.iter().zip(&w.flows.state) {
        if def.unit.is_some() {
            let what = if def.empty { "empty_units_returned" } else { "units_delivered" };
            let id = def.id.strip_suffix("_empties").filter(|_| def.empty).unwrap_or(&def.id);
            kpis.extra.push((format!("flow.{id}.{what}"), st.units_delivered as f64));
        }
    }
    kpis
}

/// Flows with an outside option: the share of their market the corridor captures in
/// the window (worked out from the year before, or assumed in the first), and the
/// tonnes lost to the other corridor.
fn market_kpis(w: &Corridor<'_>, extra: &mut Vec<(String, f64)>) {
    for (def, st) in w.net.flows.iter().zip(&w.flows.state) {
        if def.outside.is_some() {
            extra.push((format!("flow.{}.captured_share", def.id), st.share));
            extra.push((format!("flow.{}.lost_tonnes", def.id), tonnes(st.lost)));
            extra.push((format!("flow.{}.share_from_days", def.id), st.share_hours / 24.0));
        }
    }
}

/// Per ship service and direction (from each port of its route to the next), in the
/// measured window: departures with and without anything aboard, tonnes, loaded and
/// empty units per unit, and load factors by weight and by slots.
fn direction_kpis(w: &Corridor<'_>, extra: &mut Vec<(String, f64)>) {
    let net = w.net;
    for (def, st) in net.ship_services.iter().zip(&w.ships.services) {
        let n = def.route.len();
        for (pos, d) in st.directions.iter().enumerate() {
            let (from, to) = (&net.ports[def.route[pos]].id, &net.ports[def.route[(pos + 1) % n]].id);
            let repeated =
                (0..pos).any(|q| def.route[q] == def.route[pos] && def.route[(q + 1) % n] == def.route[(pos + 1) % n]);
            let dir = if repeated { format!("{from}_to_{to}_{pos}") } else { format!("{from}_to_{to}") };
            let key = |name: &str| format!("service.{}.{dir}.{name}", def.id);
            extra.push((key("trips"), d.trips as f64));
            extra.push((key("loaded_trips"), d.with_cargo as f64));
            extra.push((key("empty_trips"), (d.trips - d.with_cargo) as f64));
            extra.push((key("tonnes"), tonnes(d.kg)));
            extra.push((key("load_factor"), finite(d.load_factor.mean())));
            if !def.slots.is_empty() {
                extra.push((key("slot_factor"), finite(d.slot_factor.mean())));
            }
            for (k, &(unit, _, _)) in def.slots.iter().enumerate() {
                let name = &net.units[unit];
                extra.push((key(&format!("loaded_units.{name}")), d.loaded_units[k] as f64));
                extra.push((key(&format!("empty_units.{name}")), d.empty_units[k] as f64));
            }
            if def.design_capacity.is_some() {
                extra.push((key("left_by_draught_tonnes"), tonnes(d.left_by_draught)));
            }
        }
    }
}

/// A fleet's KPIs (ships or trains) from the hours its units spent in each state:
/// `(state, hours, productive, own work)`. Shares are of the fleet's hours.
fn fleet_kpis(
    id: &str,
    trips: u64,
    load_factor: f64,
    fleet_hours: f64,
    states: impl Iterator<Item = (&'static str, f64, bool, bool)>,
) -> ServiceKpis {
    let share = |x: f64| if fleet_hours > 0.0 { finite(x / fleet_hours) } else { 0.0 };
    let states: Vec<(&str, f64, bool, bool)> = states.collect();
    let sum = |keep: fn(&(&str, f64, bool, bool)) -> bool| share(states.iter().filter(|s| keep(s)).map(|s| s.1).sum());
    ServiceKpis {
        id: id.to_string(),
        trips: trips as f64,
        load_factor,
        utilisation: sum(|s| s.2),
        rho: sum(|s| s.3),
        time: states.iter().map(|s| (s.0.to_string(), share(s.1))).collect(),
    }
}
