//! Cargo flows, their routes and units, costs and emissions, and the weather.

use super::*;

/// Flows (with their routes and units), costs and emission factors, weather.
pub(super) fn check(c: &mut Checker<'_>) {
    let spec = c.spec;
    for (id, flow) in &spec.flows {
        check_flow(c, id, flow);
    }
    check_costs(c);

    for (id, w) in &spec.weather {
        let p = format!("weather.{id}");
        if w.ports.is_empty() && w.close_probability.is_empty() && w.sea_links.is_empty() {
            c.issue(
                format!("{p}.ports"),
                "a storm area that touches nothing",
                "`ports`, `close_probability` or `sea_links` listing what its storms close",
            );
        }
        for (port, probability) in &w.close_probability {
            let path = format!("{p}.close_probability.{port}");
            if !c.is_port(port) {
                let valid = c.known_ports();
                c.issue(path, format!("unknown port {port:?}"), valid);
            } else if w.ports.contains(port) {
                c.issue(
                    path,
                    format!("port {port:?} is also in `ports`"),
                    "each port in `ports` or in `close_probability`, not both",
                );
            } else {
                c.number(path, *probability, 0.0, 1.0, false);
            }
        }
        for (i, link) in w.sea_links.iter().enumerate() {
            if !spec.sea_links.contains_key(link) {
                let valid =
                    format!("one of the sea links: {}", spec.sea_links.keys().cloned().collect::<Vec<_>>().join(", "));
                c.issue(format!("{p}.sea_links[{i}]"), format!("unknown sea link {link:?}"), valid);
            }
        }
        for (i, port) in w.ports.iter().enumerate() {
            if !c.is_port(port) {
                let valid = c.known_ports();
                c.issue(format!("{p}.ports[{i}]"), format!("unknown port {port:?}"), valid);
            }
        }
        c.number(format!("{p}.storms_per_year"), w.storms_per_year, 0.0, MAX_STORMS_PER_YEAR, false);
        if let Some(m) = &w.monthly_weights {
            c.months(format!("{p}.monthly_weights"), m);
        }
        c.dist(format!("{p}.duration_hours"), &w.duration_hours);
    }
}

fn check_flow(c: &mut Checker<'_>, id: &str, flow: &FlowSpec) {
    let p = format!("flows.{id}");
    check_units(c, &p, flow);
    let fed = c.spec.ship_arrivals.values().any(|a| a.continues_as.as_deref() == Some(id));
    match (flow.annual_tonnes, flow.annual_teu, flow.tonnes_per_teu) {
        (None, None, None) if fed => {}
        (Some(t), None, None) => c.number(format!("{p}.annual_tonnes"), t, 0.0, MAX_QUANTITY, false),
        (None, Some(teu), Some(tpt)) => {
            c.number(format!("{p}.annual_teu"), teu, 0.0, MAX_QUANTITY, false);
            c.number(format!("{p}.tonnes_per_teu"), tpt, 0.0, 100.0, true);
        }
        _ => c.issue(
            p.clone(),
            "volume is missing or given twice",
            "either `annual_tonnes`, or both `annual_teu` and `tonnes_per_teu`",
        ),
    }
    let own_volume = flow.annual_tonnes.is_some() || flow.annual_teu.is_some();
    let size = match &flow.consignment_tonnes {
        Some(d) => Some(d),
        None if !own_volume && fed => None,
        None => {
            c.issue(
                format!("{p}.consignment_tonnes"),
                "missing: a flow with an annual volume needs a consignment size",
                "a distribution such as { dist = \"erlang\", k = 3, mean = 300.0 }",
            );
            None
        }
    };
    if let Some(size) = size {
        c.dist(format!("{p}.consignment_tonnes"), size);
    }
    if let Some(size) = size.filter(|d| d.check().is_ok()) {
        let mean = size.mean();
        let annual =
            flow.annual_tonnes.unwrap_or_else(|| flow.annual_teu.unwrap_or(0.0) * flow.tonnes_per_teu.unwrap_or(0.0));
        if mean < 1e-3 {
            c.issue(
                format!("{p}.consignment_tonnes"),
                format!("mean consignment of {mean} t"),
                "a distribution with mean >= 0.001 t",
            );
        } else if annual / mean / 8_760.0 > MAX_CONSIGNMENTS_PER_HOUR {
            c.issue(
                format!("{p}.consignment_tonnes"),
                "this would create more than 100,000 consignments per hour",
                "larger consignments or a smaller annual volume",
            );
        }
    }
    if let Some(m) = &flow.seasonality {
        c.months(format!("{p}.seasonality"), m);
    }
    if flow.value_of_time_per_tonne_day != 0.0 {
        c.number(
            format!("{p}.value_of_time_per_tonne_day"),
            flow.value_of_time_per_tonne_day,
            0.0,
            MAX_QUANTITY,
            false,
        );
    }
    if let Some(o) = &flow.outside_option {
        let q = format!("{p}.outside_option");
        c.number(format!("{q}.cost_per_tonne"), o.cost_per_tonne, 0.0, MAX_QUANTITY, false);
        c.number(format!("{q}.days"), o.days, 0.0, MAX_HORIZON_DAYS, false);
        c.number(format!("{q}.scale"), o.scale, 0.0, MAX_QUANTITY, true);
        if let Some(days) = o.corridor_days {
            c.number(format!("{q}.corridor_days"), days, 0.0, MAX_HORIZON_DAYS, false);
        }
        if !flow.routes.is_empty() {
            c.issue(
                q.clone(),
                "an outside option with alternative routes: the corridor's cost would depend on the route chosen",
                "an outside option on a flow with one `route`",
            );
        }
    }
    let mean = size.filter(|d| d.check().is_ok()).map(DistSpec::mean);
    if flow.routes.is_empty() {
        check_route(c, id, flow, &format!("{p}.route"), &flow.route, mean);
        return;
    }
    if !flow.route.is_empty() {
        c.issue(
            format!("{p}.route"),
            "both `route` and `routes` given",
            "either one `route` or named alternative `routes`",
        );
    }
    if flow.routes.len() > MAX_ROUTES {
        c.issue(format!("{p}.routes"), format!("{} routes", flow.routes.len()), format!("at most {MAX_ROUTES}"));
        return;
    }
    if c.spec.ship_arrivals.values().any(|a| a.continues_as.as_deref() == Some(id)) {
        c.issue(
            format!("{p}.routes"),
            "cargo landed by ship arrivals continues on one route",
            "a single `route` for a flow fed by `continues_as`",
        );
    }
    let mut shares = 0.0;
    for (name, r) in &flow.routes {
        let rp = format!("{p}.routes.{name}");
        if !id_ok(name) {
            c.issue(rp.clone(), format!("route name {name:?}"), "letters, digits, '_' or '-' (at most 64)");
        }
        check_route(c, id, flow, &format!("{rp}.route"), &r.route, mean);
        match r.share {
            Some(x) => {
                c.number(format!("{rp}.share"), x, 0.0, 1.0, false);
                shares += x;
            }
            None if flow.choice == RouteChoice::Shares => {
                c.issue(
                    format!("{rp}.share"),
                    "missing: with choice = \"shares\" every route needs a share",
                    "a share from 0 to 1; a flow's shares sum to 1",
                );
            }
            None => {}
        }
        if let Some(d) = r.expected_days {
            c.number(format!("{rp}.expected_days"), d, 0.0, MAX_HORIZON_DAYS, false);
        }
    }
    let all_shares = flow.routes.values().all(|r| r.share.is_some());
    if all_shares && (shares - 1.0).abs() > 1e-6 {
        c.issue(format!("{p}.routes"), format!("the routes' shares sum to {}", show(shares)), "shares that sum to 1");
    }
}

/// One route of flow `id` (its `route`, or one of its `routes`), at `path`.
fn check_route(c: &mut Checker<'_>, id: &str, flow: &FlowSpec, path: &str, route: &[String], mean: Option<f64>) {
    let spec = c.spec;
    let p = format!("flows.{id}");
    c.route_length(path.to_string(), route.len());
    if route.len() < 2 {
        c.issue(path.to_string(), "a route needs an origin and a destination", "a list of 2 or more node ids");
    }
    let mut all_known = true;
    for (i, node) in route.iter().enumerate() {
        if !c.is_node(node) {
            all_known = false;
            let valid = c.known_nodes();
            c.issue(format!("{path}[{i}]"), format!("unknown node {node:?}"), valid);
        } else if route[..i].contains(node) {
            c.issue(
                format!("{path}[{i}]"),
                format!("node {node:?} appears twice"),
                "a route that visits each node once",
            );
        }
    }
    if !all_known {
        return;
    }
    for (i, leg) in route.windows(2).enumerate() {
        let (from, to) = (&leg[0], &leg[1]);
        let (capacity, carrier) = match spec.leg_carrier(flow.class, flow.unit.as_deref(), from, to) {
            Some(LegCarrier::Ship(s)) => (spec.ship_services[s].capacity_tonnes, format!("ship service {s:?}")),
            Some(LegCarrier::Train(t)) => {
                let t_spec = &spec.train_services[t];
                (t_spec.wagons as f64 * t_spec.tonnes_per_wagon, format!("train service {t:?}"))
            }
            Some(LegCarrier::Pipeline(x)) => (f64::INFINITY, format!("pipeline {x:?}")),
            None => {
                let cargo = match &flow.unit {
                    Some(u) => format!("{} cargo in {u} units", flow.class.name()),
                    None => format!("{} cargo", flow.class.name()),
                };
                c.issue(
                    format!("{path}[{}]", i + 1),
                    format!("no service carries {cargo} from {from:?} to {to:?}"),
                    format!("a ship service calling at both ports (of class {}, or with `slots` for the flow's unit), a train service with route [\"{from}\", \"{to}\"], or a pipeline", flow.class.name()),
                );
                continue;
            }
        };
        if let Some(per_unit) = flow.tonnes_per_unit
            && capacity.is_finite()
            && per_unit > capacity
        {
            c.issue(
                format!("{p}.tonnes_per_unit"),
                format!(
                    "one unit ({} t) is heavier than what the {carrier} carries at once ({} t)",
                    show(per_unit),
                    show(capacity)
                ),
                format!("at most {} t a unit", show(capacity)),
            );
        }
        // Starved flows: a carrier or a yard that cannot hold an average consignment
        // would move the flow only in slivers, or not at all.
        if let Some(mean) = mean
            && capacity.is_finite()
            && capacity < mean
        {
            c.issue(
                format!("{p}.consignment_tonnes"),
                format!(
                    "an average consignment ({} t) is larger than what the {carrier} carries at once ({} t), so the flow would move in slivers or starve",
                    show(mean),
                    show(capacity)
                ),
                format!("consignments of at most {} t on average, or a larger carrier", show(capacity)),
            );
        }
        if let (Some(per_unit), Some(port)) = (flow.tonnes_per_unit, spec.ports.get(from.as_str()))
            && port.yard_capacity_tonnes.is_finite()
            && port.yard_capacity_tonnes < per_unit
        {
            c.issue(
                format!("ports.{from}.yard_capacity_tonnes"),
                format!(
                    "the yard ({} t) cannot hold one unit of flow {id:?} ({} t), which waits there for its next leg",
                    show(port.yard_capacity_tonnes),
                    show(per_unit)
                ),
                format!("at least {} t", show(per_unit)),
            );
        }
        if let (Some(mean), Some(port)) = (mean, spec.ports.get(from.as_str()))
            && port.yard_capacity_tonnes.is_finite()
            && port.yard_capacity_tonnes < mean
        {
            c.issue(
                format!("ports.{from}.yard_capacity_tonnes"),
                format!(
                    "the yard ({} t) cannot hold an average consignment of flow {id:?} ({} t), which waits there for its next leg; the flow would starve",
                    show(port.yard_capacity_tonnes),
                    show(mean)
                ),
                format!("at least {} t, or a route that does not pass through {from:?}", show(mean)),
            );
        }
    }
}

/// A flow's unit, tonnes per unit and the return of its empty units.
fn check_units(c: &mut Checker<'_>, p: &str, flow: &crate::scenario::FlowSpec) {
    let Some(unit) = &flow.unit else {
        for (field, given) in
            [("tonnes_per_unit", flow.tonnes_per_unit.is_some()), ("empty_return", flow.empty_return.is_some())]
        {
            if given {
                c.issue(
                    format!("{p}.{field}"),
                    "the flow has no `unit`",
                    "a `unit` (e.g. \"wagon\") with it, or no such field",
                );
            }
        }
        return;
    };
    if !id_ok(unit) {
        c.issue(
            format!("{p}.unit"),
            format!("invalid unit name {unit:?}"),
            "a name of 1-64 letters, digits, '_' or '-'",
        );
    }
    let per_unit = flow.tonnes_per_unit.or(if unit == "teu" { flow.tonnes_per_teu } else { None });
    match per_unit {
        Some(t) => c.number(format!("{p}.tonnes_per_unit"), t, 0.0, 10_000.0, true),
        None => c.issue(
            format!("{p}.tonnes_per_unit"),
            "missing: the weight of one unit of cargo",
            "tonnes per unit, e.g. 50 for a wagon",
        ),
    }
    let Some(ret) = &flow.empty_return else { return };
    c.number(format!("{p}.empty_return.share"), ret.share, 0.0, 1.0, false);
    if !flow.routes.is_empty() && ret.route.is_none() {
        c.issue(
            format!("{p}.empty_return.route"),
            "missing: a flow with alternative routes needs its empties' route",
            "the node ids the empty units travel, first the node where they are handed over",
        );
        return;
    }
    let route: Vec<String> = ret.route.clone().unwrap_or_else(|| flow.route.iter().rev().cloned().collect());
    c.route_length(format!("{p}.empty_return.route"), route.len());
    if route.len() < 2 {
        c.issue(format!("{p}.empty_return.route"), "a route needs at least two nodes", "a list of 2 or more node ids");
    }
    for (i, node) in route.iter().enumerate() {
        if !c.is_node(node) {
            let valid = c.known_nodes();
            c.issue(format!("{p}.empty_return.route[{i}]"), format!("unknown node {node:?}"), valid);
            return;
        } else if route[..i].contains(node) {
            c.issue(
                format!("{p}.empty_return.route[{i}]"),
                format!("node {node:?} appears twice"),
                "a route that visits each node once",
            );
            return;
        }
    }
    let Some(first) = route.first() else { return };
    let reached = flow.route.contains(first) || flow.routes.values().any(|r| r.route.contains(first));
    if ret.route.is_some() && !reached {
        c.issue(
            format!("{p}.empty_return.route[0]"),
            format!("node {:?} is not on the flow's route, so no loaded units reach it", route[0]),
            format!("one of the flow's nodes: {}", flow.route.join(", ")),
        );
    }
    for (i, leg) in route.windows(2).enumerate() {
        let on_ships =
            matches!(c.spec.leg_carrier(flow.class, Some(unit), &leg[0], &leg[1]), Some(LegCarrier::Ship(_)));
        if !on_ships {
            c.issue(
                format!("{p}.empty_return.route[{}]", i + 1),
                format!("no ship service carries empty {unit} units from {:?} to {:?} (empties travel by ship only)", leg[0], leg[1]),
                format!("a ship service calling at both ports with `slots` for {unit:?} (or of class {}), or a return route over such legs", flow.class.name()),
            );
        }
    }
}

/// Tariffs, charges and emission factors: not negative, and distances wherever an
/// emission factor per tonne-km needs one.
fn check_costs(c: &mut Checker<'_>) {
    let spec = c.spec;
    let money = |c: &mut Checker<'_>, path: String, x: f64| {
        if x != 0.0 {
            c.number(path, x, 0.0, MAX_QUANTITY, false);
        }
    };
    for (id, port) in &spec.ports {
        money(c, format!("ports.{id}.charge_per_tonne"), port.charge_per_tonne);
        money(c, format!("ports.{id}.co2_kg_per_tonne"), port.co2_kg_per_tonne);
    }
    for (id, l) in &spec.sea_links {
        if let Some(d) = l.distance_km {
            c.number(format!("sea_links.{id}.distance_km"), d, 0.0, 100_000.0, true);
        }
    }
    for (id, l) in &spec.rail_links {
        if let Some(d) = l.length_km {
            c.number(format!("rail_links.{id}.length_km"), d, 0.0, 100_000.0, true);
        }
    }
    for (id, svc) in &spec.ship_services {
        let p = format!("ship_services.{id}");
        money(c, format!("{p}.tariff_per_tonne"), svc.tariff_per_tonne);
        money(c, format!("{p}.co2_g_per_tonne_km"), svc.co2_g_per_tonne_km);
        for (unit, x) in &svc.tariff_per_unit {
            money(c, format!("{p}.tariff_per_unit.{unit}"), *x);
        }
        if svc.co2_g_per_tonne_km > 0.0 {
            for (i, pair) in svc.route.iter().zip(svc.route.iter().cycle().skip(1)).enumerate() {
                let link = spec.sea_link_between(pair.0, pair.1);
                if let Some((lid, l)) = link
                    && l.distance_km.is_none()
                {
                    c.issue(
                        format!("sea_links.{lid}.distance_km"),
                        format!("missing: ship service {id:?} has an emission factor per tonne-km and sails this link (route[{i}])"),
                        "the sailing distance in km",
                    );
                }
            }
        }
    }
    for (id, svc) in &spec.train_services {
        let p = format!("train_services.{id}");
        money(c, format!("{p}.tariff_per_tonne"), svc.tariff_per_tonne);
        money(c, format!("{p}.co2_g_per_tonne_km"), svc.co2_g_per_tonne_km);
        for (unit, x) in &svc.tariff_per_unit {
            money(c, format!("{p}.tariff_per_unit.{unit}"), *x);
        }
        if svc.co2_g_per_tonne_km > 0.0 {
            let link = spec.rail_link_between(&svc.route[0], &svc.route[1]);
            if let Some((lid, l)) = link
                && l.length_km.is_none()
            {
                c.issue(
                    format!("rail_links.{lid}.length_km"),
                    format!("missing: train service {id:?} has an emission factor per tonne-km and runs on this line"),
                    "the line's length in km",
                );
            }
        }
    }
    for (id, pipe) in &spec.pipelines {
        let p = format!("pipelines.{id}");
        money(c, format!("{p}.tariff_per_tonne"), pipe.tariff_per_tonne);
        money(c, format!("{p}.co2_g_per_tonne_km"), pipe.co2_g_per_tonne_km);
        match pipe.length_km {
            Some(d) => c.number(format!("{p}.length_km"), d, 0.0, 100_000.0, true),
            None if pipe.co2_g_per_tonne_km > 0.0 => {
                c.issue(
                    format!("{p}.length_km"),
                    "missing: an emission factor per tonne-km needs the length",
                    "the length in km",
                );
            }
            None => {}
        }
    }
    c.issues.extend(crate::scenario::planning::check(spec));
}
