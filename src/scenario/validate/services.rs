//! Ship services and their slots, pools, pipelines, train services and ships arriving.

use super::*;

/// Ship services, pools, pipelines, train services and ships arriving.
pub(super) fn check(c: &mut Checker<'_>) {
    let spec = c.spec;
    for (id, svc) in &spec.ship_services {
        let p = format!("ship_services.{id}");
        c.count(format!("{p}.vessels"), svc.vessels.into(), 0, MAX_VESSELS.into());
        c.number(format!("{p}.capacity_tonnes"), svc.capacity_tonnes, 0.0, MAX_QUANTITY, true);
        match (svc.draught_m, svc.tonnes_per_cm) {
            (Some(draught), Some(tpc)) => {
                c.number(format!("{p}.draught_m"), draught, 0.0, MAX_DEPTH_M, true);
                c.number(format!("{p}.tonnes_per_cm"), tpc, 0.0, MAX_QUANTITY, true);
            }
            (Some(_), None) => c.issue(
                format!("{p}.draught_m"),
                "a draught without tonnes_per_cm cannot say how much less the vessel loads",
                "draught_m with tonnes_per_cm (tonnes per centimetre of immersion), or neither",
            ),
            (None, Some(_)) => c.issue(
                format!("{p}.tonnes_per_cm"),
                "tonnes_per_cm without a draught",
                "tonnes_per_cm with draught_m (the design draught at full load), or neither",
            ),
            (None, None) => {}
        }
        c.number(format!("{p}.fill_threshold"), svc.fill_threshold, 0.0, 1.0, false);
        c.number(format!("{p}.max_wait_hours"), svc.max_wait_hours, 0.0, 1e5, false);
        c.route_length(format!("{p}.route"), svc.route.len());
        if svc.route.len() < 2 {
            c.issue(format!("{p}.route"), "a loop needs at least two ports", "a list of 2 or more port ids");
        }
        for (i, port) in svc.route.iter().enumerate() {
            if !c.is_port(port) {
                let valid = c.known_ports();
                c.issue(format!("{p}.route[{i}]"), format!("unknown port {port:?}"), valid);
                continue;
            }
            if svc.vessels > 0 && c.berths(port, svc.class) == 0 {
                c.issue(
                    format!("{p}.route[{i}]"),
                    format!("port {port:?} has no {} berths for this service's vessels", svc.class.name()),
                    format!("add `[ports.{port}.berths.{}]` with count >= 1", svc.class.name()),
                );
            }
            let next = &svc.route[(i + 1) % svc.route.len()];
            if svc.route.len() >= 2 && c.is_port(next) && port != next && !c.sea_link(port, next) {
                c.issue(
                    format!("{p}.route[{i}]"),
                    format!("no sea link between {port:?} and {next:?}"),
                    "consecutive ports (and last → first) joined by a `[sea_links.*]`",
                );
            }
            if port == next {
                c.issue(format!("{p}.route[{i}]"), "the same port twice in a row", "consecutive ports that differ");
            }
        }
        check_slots(c, &p, svc);
    }

    check_pools(c);

    for (id, pipe) in &spec.pipelines {
        let p = format!("pipelines.{id}");
        for (i, node) in pipe.route.iter().enumerate() {
            if !c.is_node(node) {
                let valid = c.known_nodes();
                c.issue(format!("{p}.route[{i}]"), format!("unknown node {node:?}"), valid);
            }
        }
        if pipe.route[0] == pipe.route[1] {
            c.issue(format!("{p}.route"), "a pipeline needs two different nodes", "two different node ids");
        }
        c.number(format!("{p}.tonnes_per_hour"), pipe.tonnes_per_hour, 0.0, MAX_QUANTITY, true);
        if let Some(d) = &pipe.transit_hours {
            c.dist(format!("{p}.transit_hours"), d);
        }
    }

    for (id, svc) in &spec.train_services {
        let p = format!("train_services.{id}");
        for (i, node) in svc.route.iter().enumerate() {
            if !c.is_node(node) {
                let valid = c.known_nodes();
                c.issue(format!("{p}.route[{i}]"), format!("unknown node {node:?}"), valid);
            }
        }
        if c.is_node(&svc.route[0]) && c.is_node(&svc.route[1]) && !c.rail_link(&svc.route[0], &svc.route[1]) {
            c.issue(
                format!("{p}.route"),
                format!("no rail link between {:?} and {:?}", svc.route[0], svc.route[1]),
                "two nodes joined by a `[rail_links.*]`",
            );
        }
        c.count(format!("{p}.trainsets"), svc.trainsets.into(), 0, MAX_TRAINSETS.into());
        c.count(format!("{p}.wagons"), svc.wagons.into(), 1, MAX_WAGONS.into());
        c.number(format!("{p}.tonnes_per_wagon"), svc.tonnes_per_wagon, 0.0, 1e5, true);
        c.number(format!("{p}.max_wait_hours"), svc.max_wait_hours, 0.0, 1e5, false);
        c.number(format!("{p}.loading_hours"), svc.loading_hours, 0.0, 1e4, false);
        c.number(format!("{p}.unloading_hours"), svc.unloading_hours, 0.0, 1e4, false);
        match (svc.departure, svc.timetable_hours) {
            (DeparturePolicy::Timetable, Some(h)) => c.number(format!("{p}.timetable_hours"), h, 0.0, 1e5, true),
            (DeparturePolicy::Timetable, None) => {
                c.issue(format!("{p}.timetable_hours"), "a timetable needs an interval", "a number of hours > 0")
            }
            (DeparturePolicy::WhenFull, Some(_)) => c.issue(
                format!("{p}.timetable_hours"),
                "only used with departure = \"timetable\"",
                "remove it, or set departure = \"timetable\"",
            ),
            (DeparturePolicy::WhenFull, None) => {}
        }
    }

    for (id, arr) in &spec.ship_arrivals {
        let p = format!("ship_arrivals.{id}");
        if !c.is_port(&arr.port) {
            let valid = c.known_ports();
            c.issue(format!("{p}.port"), format!("unknown port {:?}", arr.port), valid);
        } else if c.berths(&arr.port, arr.class) == 0 {
            c.issue(
                format!("{p}.class"),
                format!("port {:?} has no {} berths", arr.port, arr.class.name()),
                format!("add `[ports.{}.berths.{}]` with count >= 1", arr.port, arr.class.name()),
            );
        }
        c.number(format!("{p}.ships_per_year"), arr.ships_per_year, 0.0, MAX_SHIPS_PER_YEAR, false);
        c.dist(format!("{p}.cargo_tonnes"), &arr.cargo_tonnes);
        c.number(format!("{p}.parcel_tonnes"), arr.parcel_tonnes, 0.0, MAX_QUANTITY, true);
        // Each parcel is an event and a consignment: bound them, as other limits do.
        let per_ship = arr.cargo_tonnes.mean() / arr.parcel_tonnes;
        if arr.continues_as.is_some()
            && arr.landing == Landing::AsHandled
            && arr.parcel_tonnes > 0.0
            && per_ship.is_finite()
            && per_ship > MAX_PARCELS_PER_SHIP
        {
            c.issue(
                format!("{p}.parcel_tonnes"),
                format!(
                    "{} t parcels make {per_ship:.0} parcels of an average ship's cargo ({} t); the limit is {MAX_PARCELS_PER_SHIP:.0} a ship, to keep every run in memory and time",
                    arr.parcel_tonnes,
                    arr.cargo_tonnes.mean()
                ),
                format!("parcel_tonnes >= {}", arr.cargo_tonnes.mean() / MAX_PARCELS_PER_SHIP),
            );
        }
        if let Some(flow) = &arr.continues_as {
            match spec.flows.get(flow) {
                None => {
                    let valid =
                        format!("one of the flows: {}", spec.flows.keys().cloned().collect::<Vec<_>>().join(", "));
                    c.issue(format!("{p}.continues_as"), format!("unknown flow {flow:?}"), valid);
                }
                Some(f) if f.routes.is_empty() && f.route.first() != Some(&arr.port) => c.issue(
                    format!("{p}.continues_as"),
                    format!(
                        "flow {flow:?} starts at {:?}, not at this port {:?}",
                        f.route.first().cloned().unwrap_or_default(),
                        arr.port
                    ),
                    format!("a flow whose route starts at {:?}", arr.port),
                ),
                Some(_) => {}
            }
        }
    }
}

/// The most cargo units one ship service may have slots for (see
/// `model::fleet_time::MAX_UNITS_PER_SERVICE`).
const MAX_SLOT_UNITS: usize = 8;

/// Pools: two or more known ship services, each in one pool only, of one berth
/// class, all calling at the release port.
fn check_pools(c: &mut Checker<'_>) {
    let spec = c.spec;
    let mut pooled: std::collections::BTreeMap<&str, &str> = Default::default();
    for (id, pool) in &spec.pools {
        let p = format!("pools.{id}");
        if pool.services.len() < 2 {
            c.issue(format!("{p}.services"), "a pool needs two or more lines", "a list of 2 or more ship service ids");
        }
        let mut lines = Vec::new();
        for (i, svc) in pool.services.iter().enumerate() {
            let at = format!("{p}.services[{i}]");
            let Some(def) = spec.ship_services.get(svc) else {
                let known = spec.ship_services.keys().cloned().collect::<Vec<_>>().join(", ");
                c.issue(at, format!("unknown ship service {svc:?}"), format!("one of the ship services: {known}"));
                continue;
            };
            if let Some(other) = pooled.insert(svc, id) {
                let message = if other == id.as_str() {
                    format!("{svc:?} is listed twice")
                } else {
                    format!("{svc:?} is already in pool {other:?}")
                };
                c.issue(at, message, "each ship service in one pool at most, once");
                continue;
            }
            lines.push((i, svc, def));
        }
        // A line that starts without vessels still receives them: its ports need berths.
        for &(i, svc, def) in lines.iter().filter(|(_, _, d)| d.vessels == 0) {
            let bare: Vec<&String> =
                def.route.iter().filter(|port| c.is_port(port) && c.berths(port, def.class) == 0).collect();
            for port in bare {
                c.issue(
                    format!("{p}.services[{i}]"),
                    format!("line {svc:?} calls at {port:?}, which has no {} berths", def.class.name()),
                    format!("add `[ports.{port}.berths.{}]` with count >= 1", def.class.name()),
                );
            }
        }
        let Some(&(_, first, first_def)) = lines.first() else { continue };
        for &(i, svc, def) in &lines[1..] {
            if def.class != first_def.class {
                c.issue(
                    format!("{p}.services[{i}]"),
                    format!(
                        "{svc:?} uses {} berths, {first:?} {}: a pooled vessel is one kind of ship",
                        def.class.name(),
                        first_def.class.name()
                    ),
                    "lines of one berth class",
                );
            }
        }
        match &pool.release_at {
            Some(port) => {
                for &(i, svc, def) in &lines {
                    if !def.route.contains(port) {
                        c.issue(
                            format!("{p}.release_at"),
                            format!("line {svc:?} (services[{i}]) does not call at {port:?}"),
                            "a port every line of the pool calls at",
                        );
                    }
                }
            }
            None => {
                let common = first_def.route.iter().find(|port| lines.iter().all(|(_, _, d)| d.route.contains(port)));
                if common.is_none() && lines.len() == pool.services.len() {
                    c.issue(
                        format!("{p}.services"),
                        "the lines have no port in common, where vessels could change line",
                        "lines that all call at one port (the release port)",
                    );
                }
            }
        }
    }
}

/// A ship service's slots, caps, loading order and waiting ports.
fn check_slots(c: &mut Checker<'_>, p: &str, svc: &crate::scenario::ShipServiceSpec) {
    if svc.slots.len() > MAX_SLOT_UNITS {
        c.issue(format!("{p}.slots"), format!("{} units", svc.slots.len()), format!("at most {MAX_SLOT_UNITS} units"));
    }
    for (unit, &n) in &svc.slots {
        if !id_ok(unit) {
            c.issue(
                format!("{p}.slots.{unit}"),
                format!("invalid unit name {unit:?}"),
                "a name of 1-64 letters, digits, '_' or '-'",
            );
        }
        c.count(format!("{p}.slots.{unit}"), n.into(), 1, 100_000);
    }
    let units = || format!("one of the units in `slots`: {}", svc.slots.keys().cloned().collect::<Vec<_>>().join(", "));
    for unit in svc.max_units.keys() {
        if !svc.slots.contains_key(unit) {
            c.issue(format!("{p}.max_units.{unit}"), format!("no slots for unit {unit:?}"), units());
        }
    }
    for (i, unit) in svc.loading_order.iter().enumerate() {
        if !svc.slots.contains_key(unit) {
            c.issue(format!("{p}.loading_order[{i}]"), format!("no slots for unit {unit:?}"), units());
        } else if svc.loading_order[..i].contains(unit) {
            c.issue(format!("{p}.loading_order[{i}]"), format!("unit {unit:?} appears twice"), "each unit once");
        }
    }
    for (i, port) in svc.wait_for_cargo_at.iter().flatten().enumerate() {
        if !svc.route.contains(port) {
            c.issue(
                format!("{p}.wait_for_cargo_at[{i}]"),
                format!("port {port:?} is not on the service's route"),
                format!("one of the ports of the route: {}", svc.route.join(", ")),
            );
        }
    }
}
