//! The capacity sheet's rows, one function per kind of resource (see the module
//! documentation of `model::capacity` for how each figure is worked out). Each pushes
//! its rows to `rows` in the order the sheet lists them before sorting.

use super::{CapacityRow, ResourceKind};
use super::{HOURS_PER_YEAR, ShipPlan, call_time, flow_annual, headway, open_share, ratio, row, unit_time};
use crate::model::compiled::Network;
use crate::model::network::{Carrier, tonnes};
use crate::scenario::DeparturePolicy;

/// Berth groups: berth-hours needed by every service calling and every open
/// arrival, against berths × 8,760 h × the port's open share.
pub(super) fn berth_rows(net: &Network, plans: &[ShipPlan], rows: &mut Vec<CapacityRow>) {
    for (p, port) in net.ports.iter().enumerate() {
        let open = open_share(net, &[p], &[]);
        for (b, group) in port.berths.iter().enumerate() {
            let (per_call, per_tonne) = call_time(net, p, b);
            let (mut hours, mut calls, mut moved) = (0.0, 0.0, 0.0);
            for (s, def) in net.ship_services.iter().enumerate() {
                if port.berth_of(def.class) != Some(b) {
                    continue;
                }
                for (pos, _) in def.route.iter().enumerate().filter(|(_, r)| **r == p) {
                    let t = plans[s].handled[pos];
                    calls += plans[s].cycles;
                    moved += t;
                    hours +=
                        plans[s].cycles * per_call + t * per_tonne + unit_time(net, p, b, &plans[s].unit_moves[pos]);
                }
            }
            for a in net.arrivals.iter().filter(|a| a.port == p && a.berth == b) {
                let ships = a.rate_per_hour * HOURS_PER_YEAR;
                let t = ships * a.cargo.mean;
                calls += ships;
                moved += t;
                hours += ships * per_call + t * per_tonne;
            }
            let available = f64::from(group.count) * HOURS_PER_YEAR * open;
            let basis = format!(
                "{:.0} calls/yr, {:.0} berth-h needed; {} berths × 8,760 h × {:.1} % open",
                calls,
                hours,
                group.count,
                100.0 * open
            );
            rows.push(row(
                format!("port.{}.berths.{}", port.id, group.class.name()),
                ResourceKind::Berths,
                moved,
                ratio(hours, available),
                basis,
            ));
        }
    }
}

/// Fleets and pools: vessel-hours needed against vessels × 8,760 h × the route's
/// open share. Returns each service's ρ (its pool's, for a pooled line), which the
/// yard rows use.
pub(super) fn fleet_rows(net: &Network, plans: &[ShipPlan], rows: &mut Vec<CapacityRow>) -> Vec<f64> {
    let mut fleet_rho = vec![0.0; net.ship_services.len()];
    // Per pool: vessel-hours needed, need-weighted open share, tonnes carried.
    let mut pooled = vec![(0.0, 0.0, 0.0); net.pools.len()];
    for (s, def) in net.ship_services.iter().enumerate() {
        let plan = &plans[s];
        let mut per_cycle = plan.sailing;
        let mut handling = 0.0;
        for (pos, &p) in def.route.iter().enumerate() {
            let b = net.ports[p].berth_of(def.class).unwrap_or(0);
            let (per_call, per_tonne) = call_time(net, p, b);
            per_cycle += per_call;
            handling += plan.handled[pos] * per_tonne + unit_time(net, p, b, &plan.unit_moves[pos]);
        }
        let needed = plan.cycles * per_cycle + handling;
        // Closed ports hold vessels (none berths or leaves): the fleet works while
        // its ports are open.
        let open = open_share(net, &def.route, &def.sailing);
        if let Some(pool) = def.pool {
            let (need, weighted_open, carried) = &mut pooled[pool];
            *need += needed;
            *weighted_open += needed * open;
            *carried += plan.carried;
            continue;
        }
        fleet_rho[s] = ratio(needed, f64::from(def.vessels) * HOURS_PER_YEAR * open);
        let basis = format!(
            "{:.0} round trips/yr × {:.1} h (sailing {:.1} h) + {:.0} h handling; {} vessels × {:.0} t, route open {:.1} %",
            plan.cycles,
            per_cycle,
            plan.sailing,
            handling,
            def.vessels,
            tonnes(def.capacity),
            100.0 * open
        );
        rows.push(row(format!("service.{}", def.id), ResourceKind::Fleet, plan.carried, fleet_rho[s], basis));
    }
    // A pool: its lines' vessel-hours together against all its vessels (a vessel
    // serves whichever line needs it), working while the lines' routes are open.
    for (pool, &(needed, weighted_open, carried)) in net.pools.iter().zip(&pooled) {
        if pool.dispatch == crate::scenario::Dispatch::Fixed {
            continue; // each line is a fleet of its own
        }
        let vessels: u32 = pool.lines.iter().map(|&s| net.ship_services[s].vessels).sum();
        let open = if needed > 0.0 {
            weighted_open / needed
        } else {
            let lines = &pool.lines;
            lines
                .iter()
                .map(|&s| open_share(net, &net.ship_services[s].route, &net.ship_services[s].sailing))
                .sum::<f64>()
                / lines.len().max(1) as f64
        };
        let rho = ratio(needed, f64::from(vessels) * HOURS_PER_YEAR * open);
        for &s in &pool.lines {
            fleet_rho[s] = rho;
        }
        let names: Vec<&str> = pool.lines.iter().map(|&s| net.ship_services[s].id.as_str()).collect();
        let basis = format!(
            "{needed:.0} vessel-h/yr needed by lines {}; {vessels} pooled vessels × 8,760 h, routes open {:.1} %",
            names.join(", "),
            100.0 * open
        );
        rows.push(row(format!("pool.{}", pool.id), ResourceKind::Fleet, carried, rho, basis));
    }
    fleet_rho
}

/// Trainsets, and the trains each direction of each rail line must take against its
/// paths.
pub(super) fn rail_rows(net: &Network, loads: &[f64], rows: &mut Vec<CapacityRow>) {
    let mut line_trains = vec![[0.0f64; 2]; net.rail_links.len()];
    for def in &net.train_services {
        let offered = def.leg.map_or(0.0, |l| loads[l]);
        let trains = offered / tonnes(def.capacity).max(1e-9);
        line_trains[def.link][def.direction] += trains;
        line_trains[def.link][1 - def.direction] += trains;
        let transit = net.rail_links[def.link].transit.mean;
        let cycle = def.loading.as_hours() + def.unloading.as_hours() + 2.0 * transit;
        let mut rho = ratio(trains * cycle, f64::from(def.trainsets) * HOURS_PER_YEAR);
        let mut basis = format!(
            "{:.0} trains/yr × {:.1} h cycle; {} trainsets × {:.0} t",
            trains,
            cycle,
            def.trainsets,
            tonnes(def.capacity)
        );
        if def.policy == DeparturePolicy::Timetable {
            let slots = HOURS_PER_YEAR / def.timetable.as_hours().max(1e-9);
            let by_slots = ratio(trains, slots);
            if by_slots > rho {
                rho = by_slots;
                basis = format!("{trains:.0} trains/yr in {slots:.0} timetable slots (one train per slot)");
            }
        }
        rows.push(row(format!("service.{}", def.id), ResourceKind::Trainsets, offered, rho, basis));
    }
    for (i, link) in net.rail_links.iter().enumerate() {
        let paths = HOURS_PER_YEAR / link.headway.as_hours().max(1e-9);
        let offered: f64 =
            net.train_services.iter().filter(|t| t.link == i).map(|t| t.leg.map_or(0.0, |l| loads[l])).sum();
        let [forward, reverse] = line_trains[i];
        let busier = forward.max(reverse);
        let basis = format!(
            "{busier:.0} trains/yr in the busier direction (loaded and empty) in {paths:.0} paths/yr per direction"
        );
        rows.push(row(format!("rail.{}", link.id), ResourceKind::RailLine, offered, ratio(busier, paths), basis));
    }
}

/// Yards: the stock the cargo passing through holds on average (Little's law), over
/// each leg leaving the port, against the yard's capacity.
pub(super) fn yard_rows(
    net: &Network,
    loads: &[f64],
    plans: &[ShipPlan],
    fleet_rho: &[f64],
    rows: &mut Vec<CapacityRow>,
) {
    for (p, port) in net.ports.iter().enumerate() {
        if port.yard_capacity == 0 {
            continue;
        }
        let (mut stock, mut through) = (0.0, 0.0);
        for (l, leg) in net.legs.iter().enumerate().filter(|(_, leg)| leg.from == port.node) {
            let per_hour = loads[l] / HOURS_PER_YEAR;
            let interval = match leg.carrier {
                Carrier::Ship(s) => {
                    let def = &net.ship_services[s];
                    let plan = &plans[s];
                    // Tonnes an hour this service loads at this port, over every leg.
                    let at_port: f64 = def
                        .route
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| **r == p)
                        .flat_map(|(pos, _)| plan.loaded[pos].iter().map(|(_, t)| t))
                        .sum::<f64>()
                        / HOURS_PER_YEAR;
                    let mut cycle = plan.sailing;
                    for &q in &def.route {
                        cycle += call_time(net, q, net.ports[q].berth_of(def.class).unwrap_or(0)).0;
                    }
                    // A vessel waiting at berth loads cargo as it arrives; cargo waits
                    // in the yard only while none is there, about the fleet's ρ of
                    // the time.
                    headway(cycle, def.vessels, def.fill, def.max_wait.as_hours(), at_port) * fleet_rho[s].min(1.0)
                }
                // Pumped as it arrives (the pump's queue is not counted here).
                Carrier::Pipeline(_) => 0.0,
                Carrier::Train(t) => {
                    let def = &net.train_services[t];
                    if def.policy == DeparturePolicy::Timetable {
                        def.timetable.as_hours()
                    } else {
                        let transit = net.rail_links[def.link].transit.mean;
                        let cycle = def.loading.as_hours() + def.unloading.as_hours() + 2.0 * transit;
                        headway(cycle, def.trainsets, def.capacity, def.max_wait.as_hours(), per_hour)
                    }
                }
            };
            stock += per_hour * interval / 2.0;
            through += loads[l];
        }
        let capacity = tonnes(port.yard_capacity);
        let dwell = if through > 0.0 { stock / (through / HOURS_PER_YEAR) } else { 0.0 };
        let basis = format!("mean stock {stock:.0} t (dwell {dwell:.1} h) in {capacity:.0} t");
        rows.push(row(format!("port.{}.yard", port.id), ResourceKind::Yard, through, ratio(stock, capacity), basis));
    }
}

/// Pipelines: tonnes pumped against the pumping rate.
pub(super) fn pipeline_rows(net: &Network, loads: &[f64], rows: &mut Vec<CapacityRow>) {
    for def in &net.pipelines {
        let offered: f64 = def.legs.iter().map(|&l| loads[l]).sum();
        let capacity = def.kg_per_hour / 1000.0 * HOURS_PER_YEAR;
        let basis = format!("{offered:.0} t/yr pumped at {:.0} t/h", def.kg_per_hour / 1000.0);
        rows.push(row(
            format!("pipeline.{}", def.id),
            ResourceKind::Pipeline,
            offered,
            ratio(offered, capacity),
            basis,
        ));
    }
}

/// Transfer points: every consignment whose route passes the node × the mean dwell,
/// against servers × 8,760 h.
pub(super) fn transfer_rows(net: &Network, rows: &mut Vec<CapacityRow>) {
    for def in &net.transfers {
        let (mut consignments, mut offered) = (0.0, 0.0);
        for (i, f) in net.flows.iter().enumerate() {
            let passes = f.origin == def.node || f.legs.iter().any(|&l| net.legs[l].to == def.node);
            if passes {
                let (tonnes, count) = flow_annual(net, i);
                consignments += count;
                offered += tonnes;
            }
        }
        let needed = consignments * def.dwell.mean;
        let basis = format!(
            "{consignments:.0} consignments/yr × {:.1} h dwell; {} servers × 8,760 h",
            def.dwell.mean, def.servers
        );
        rows.push(row(
            format!("transfer.{}", def.id),
            ResourceKind::TransferPoint,
            offered,
            ratio(needed, f64::from(def.servers) * HOURS_PER_YEAR),
            basis,
        ));
    }
}
