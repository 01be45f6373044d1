//! Nodes, coordinates, ports and their berths, sea and rail links.

use super::*;

/// Nodes (transfer points), coordinates, ports, sea links and rail links.
pub(super) fn check(c: &mut Checker<'_>) {
    let spec = c.spec;
    for (id, node) in &spec.nodes {
        let p = format!("nodes.{id}");
        match (node.kind, node.servers, &node.dwell_hours) {
            (NodeKind::Transfer, servers, dwell) => {
                c.count(format!("{p}.servers"), servers.unwrap_or(0).into(), 1, MAX_BERTHS.into());
                match dwell {
                    Some(d) => c.dist(format!("{p}.dwell_hours"), d),
                    None => c.issue(
                        format!("{p}.dwell_hours"),
                        "a transfer point needs a handling time",
                        "a distribution such as { dist = \"triangular\", min = 2.0, mode = 4.0, max = 8.0 }",
                    ),
                }
            }
            (_, Some(_), _) | (_, _, Some(_)) => c.issue(
                p,
                "`servers` and `dwell_hours` belong to transfer points",
                "kind = \"transfer\", or remove them",
            ),
            _ => {}
        }
    }

    for (p, (lon, lat)) in spec
        .ports
        .iter()
        .map(|(id, port)| (format!("ports.{id}"), (port.lon, port.lat)))
        .chain(spec.nodes.iter().map(|(id, node)| (format!("nodes.{id}"), (node.lon, node.lat))))
    {
        match (lon, lat) {
            (Some(lon), Some(lat)) => {
                c.number(format!("{p}.lon"), lon, -180.0, 180.0, false);
                c.number(format!("{p}.lat"), lat, -90.0, 90.0, false);
            }
            (Some(_), None) => c.issue(format!("{p}.lon"), "`lon` without `lat`", "both lon and lat, or neither"),
            (None, Some(_)) => c.issue(format!("{p}.lat"), "`lat` without `lon`", "both lon and lat, or neither"),
            (None, None) => {}
        }
    }
    for (id, port) in &spec.ports {
        c.number(format!("ports.{id}.yard_capacity_tonnes"), port.yard_capacity_tonnes, 0.0, MAX_QUANTITY, false);
        if let Some(depth) = port.depth_m {
            c.number(format!("ports.{id}.depth_m"), depth, 0.0, MAX_DEPTH_M, true);
        }
        for (class, berth) in &port.berths {
            let p = format!("ports.{id}.berths.{}", class.name());
            c.count(format!("{p}.count"), berth.count.into(), 0, MAX_BERTHS.into());
            c.number(format!("{p}.berthing_hours"), berth.berthing_hours, 0.0, 1e4, false);
            let per_unit = !berth.unit_hours.is_empty();
            match (&berth.handling_tonnes_per_hour, &berth.service_hours) {
                (Some(rate), None) => c.number(format!("{p}.handling_tonnes_per_hour"), *rate, 0.0, MAX_QUANTITY, true),
                (None, Some(d)) if !per_unit => c.dist(format!("{p}.service_hours"), d),
                (None, None) if per_unit => {}
                (_, Some(_)) if per_unit => c.issue(
                    format!("{p}.unit_hours"),
                    "unit_hours with service_hours: a sampled call already includes its handling",
                    "unit_hours with handling_tonnes_per_hour, or alone",
                ),
                _ => c.issue(
                    p.clone(),
                    "give either a handling rate or a service-time distribution",
                    "exactly one of `handling_tonnes_per_hour` and `service_hours` (or `unit_hours`)",
                ),
            }
            for (unit, hours) in &berth.unit_hours {
                c.number(format!("{p}.unit_hours.{unit}"), *hours, 0.0, MAX_UNIT_HOURS, false);
                if !spec.flows.values().any(|f| f.unit.as_deref() == Some(unit.as_str())) {
                    let mut known: Vec<&str> = spec.flows.values().filter_map(|f| f.unit.as_deref()).collect();
                    known.sort_unstable();
                    known.dedup();
                    let valid = if known.is_empty() {
                        "a unit some flow travels in; no flow has a `unit`".to_string()
                    } else {
                        format!("a unit some flow travels in: {}", known.join(", "))
                    };
                    c.issue(format!("{p}.unit_hours.{unit}"), format!("no flow travels in {unit:?}"), valid);
                }
            }
        }
    }

    for (id, link) in &spec.sea_links {
        for (i, end) in link.between.iter().enumerate() {
            if !c.is_port(end) {
                let valid = c.known_ports();
                c.issue(format!("sea_links.{id}.between[{i}]"), format!("unknown port {end:?}"), valid);
            }
        }
        if link.between[0] == link.between[1] {
            c.issue(format!("sea_links.{id}.between"), "a link needs two different ports", "two different port ids");
        }
        c.dist(format!("sea_links.{id}.sailing_hours"), &link.sailing_hours);
    }
    for (id, link) in &spec.rail_links {
        for (i, end) in link.between.iter().enumerate() {
            if !c.is_node(end) {
                let valid = c.known_nodes();
                c.issue(format!("rail_links.{id}.between[{i}]"), format!("unknown node {end:?}"), valid);
            }
        }
        if link.between[0] == link.between[1] {
            c.issue(format!("rail_links.{id}.between"), "a link needs two different nodes", "two different node ids");
        }
        c.dist(format!("rail_links.{id}.transit_hours"), &link.transit_hours);
        c.number(format!("rail_links.{id}.trains_per_day"), link.trains_per_day, 0.0, MAX_TRAINS_PER_DAY, true);
    }
}
