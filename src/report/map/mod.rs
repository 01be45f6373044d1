//! The corridor as a map: ports and nodes at their coordinates (`lon`, `lat`; a
//! schematic ring when any is missing), links between them (sea links, rail lines,
//! pipelines) coloured by ρ in the bands of the "what binds" chart and as wide as the
//! tonnes offered them, and the places where cargo accumulates significantly marked
//! ×. [`CorridorMap::svg`] draws it for `report.html` (and `map_<variant>.svg`);
//! [`geojson`] writes every variant's nodes and links with their figures as
//! properties, for GIS tools (`corridor.geojson`).
//!
//! A link's ρ is the highest of the resources that carry it: the ship services whose
//! route sails it, the rail line's own paths and the train services that run on it,
//! the pipeline; each resource's ρ is the higher of the capacity sheet's and the
//! simulated (as the "what binds" chart takes it). A port's ρ is that of its busiest
//! berth group or yard.

use crate::experiment::{ExperimentResult, VariantResult};
use crate::scenario::ScenarioSpec;
use serde_json::{Value, json};
use std::collections::BTreeMap;

mod draw;

/// One node of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    /// The port's or node's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// `port`, or the node's kind.
    pub kind: String,
    /// Degrees east and north, when the scenario gives them.
    pub at: Option<(f64, f64)>,
    /// The highest ρ of its berth groups and yard, and which.
    pub rho: Option<(f64, String)>,
    /// Tonnes a day accumulating there, when significantly more than nothing, and where.
    pub accumulating: Option<(f64, String)>,
}

/// One link of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLink {
    /// The link's id.
    pub id: String,
    /// `sea_link`, `rail_link` or `pipeline`.
    pub kind: &'static str,
    /// The ids of its ends.
    pub ends: [String; 2],
    /// The highest ρ of what carries it, and which resource that is.
    pub rho: Option<(f64, String)>,
    /// Tonnes a year offered to it (the capacity sheet's, over what carries it).
    pub offered_tonnes_per_year: f64,
}

/// A variant's corridor as a map.
#[derive(Debug, Clone, PartialEq)]
pub struct CorridorMap {
    /// The variant.
    pub variant: String,
    /// Ports first, then other nodes, each by id.
    pub nodes: Vec<MapNode>,
    /// Sea links, rail links, then pipelines, each by id.
    pub links: Vec<MapLink>,
}

/// The higher of two optional (ρ, resource) pairs.
fn higher(a: Option<(f64, String)>, b: Option<(f64, String)>) -> Option<(f64, String)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

impl CorridorMap {
    /// The map of variant `v`, whose scenario is `spec`.
    pub fn of(spec: &ScenarioSpec, v: &VariantResult) -> CorridorMap {
        // Each resource's ρ (the higher of sheet and simulation) and offered tonnes.
        let mut resources: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        if let Some(sheet) = &v.capacity {
            for row in &sheet.rows {
                resources.insert(row.resource.clone(), (row.rho, row.offered_tonnes_per_year));
            }
        }
        for key in &v.keys {
            if let Some(resource) = key.strip_prefix("rho.")
                && let Some(s) = v.summary(key)
                && s.mean.is_finite()
            {
                let entry = resources.entry(resource.to_string()).or_insert((0.0, 0.0));
                entry.0 = entry.0.max(s.mean);
            }
        }
        let rho_of = |resource: &str| resources.get(resource).map(|(rho, _)| (*rho, resource.to_string()));
        let offered = |resource: &str| resources.get(resource).map_or(0.0, |(_, t)| *t);

        let stability = v.stability();
        let mut accumulating: BTreeMap<String, (f64, String)> = BTreeMap::new();
        for place in &stability.accumulating {
            let significant = place.growth.ci95.is_some_and(|ci| ci[0] > 0.0);
            let Some(node) = place.place.split('.').next() else { continue };
            if significant {
                let entry = accumulating.entry(node.to_string()).or_insert((0.0, String::new()));
                entry.0 += place.growth.mean;
                if entry.1.is_empty() {
                    entry.1.clone_from(&place.description);
                }
            }
        }

        let mut nodes = Vec::new();
        for (id, port) in &spec.ports {
            let prefix = format!("port.{id}.");
            let rho = resources.keys().filter(|r| r.starts_with(&prefix)).fold(None, |best, r| higher(best, rho_of(r)));
            nodes.push(MapNode {
                id: id.clone(),
                name: port.name.clone().unwrap_or_else(|| id.clone()),
                kind: "port".into(),
                at: port.lon.zip(port.lat),
                rho,
                accumulating: accumulating.get(id).cloned(),
            });
        }
        for (id, node) in &spec.nodes {
            let kind = serde_json::to_value(node.kind).ok().and_then(|k| k.as_str().map(String::from));
            nodes.push(MapNode {
                id: id.clone(),
                name: node.name.clone().unwrap_or_else(|| id.clone()),
                kind: kind.unwrap_or_else(|| "node".into()),
                at: node.lon.zip(node.lat),
                rho: rho_of(&format!("node.{id}")),
                accumulating: accumulating.get(id).cloned(),
            });
        }

        let mut links = Vec::new();
        for (id, link) in &spec.sea_links {
            let [a, b] = &link.between;
            let sails = |route: &[String]| {
                (0..route.len()).any(|i| {
                    let (x, y) = (&route[i], &route[(i + 1) % route.len()]);
                    (x == a && y == b) || (x == b && y == a)
                })
            };
            let services: Vec<String> = spec
                .ship_services
                .iter()
                .filter(|(_, s)| s.route.len() >= 2 && sails(&s.route))
                .map(|(s, _)| format!("service.{s}"))
                .collect();
            links.push(MapLink {
                id: id.clone(),
                kind: "sea_link",
                ends: link.between.clone(),
                rho: services.iter().fold(None, |best, r| higher(best, rho_of(r))),
                offered_tonnes_per_year: services.iter().map(|r| offered(r)).sum(),
            });
        }
        for (id, link) in &spec.rail_links {
            let own = format!("rail.{id}");
            let trains: Vec<String> = spec
                .train_services
                .iter()
                .filter(|(_, t)| rail_path(spec, &t.route).contains(id))
                .map(|(t, _)| format!("service.{t}"))
                .collect();
            let by_trains: f64 = trains.iter().map(|r| offered(r)).sum();
            links.push(MapLink {
                id: id.clone(),
                kind: "rail_link",
                ends: link.between.clone(),
                rho: trains.iter().fold(rho_of(&own), |best, r| higher(best, rho_of(r))),
                offered_tonnes_per_year: if resources.contains_key(&own) { offered(&own) } else { by_trains },
            });
        }
        for (id, pipe) in &spec.pipelines {
            let own = format!("pipeline.{id}");
            links.push(MapLink {
                id: id.clone(),
                kind: "pipeline",
                ends: pipe.route.clone(),
                rho: rho_of(&own),
                offered_tonnes_per_year: offered(&own),
            });
        }
        CorridorMap { variant: v.name.clone(), nodes, links }
    }

    /// Whether every node has coordinates (else the map is a schematic ring).
    pub fn is_geographic(&self) -> bool {
        !self.nodes.is_empty() && self.nodes.iter().all(|n| n.at.is_some())
    }
}

/// The rail links a train service from `route[0]` to `route[1]` runs on: the shortest
/// path by number of links (none when there is no path).
fn rail_path(spec: &ScenarioSpec, route: &[String; 2]) -> Vec<String> {
    let mut previous: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    let mut frontier = vec![route[0].as_str()];
    let mut seen = vec![route[0].as_str()];
    while !frontier.is_empty() && !seen.contains(&route[1].as_str()) {
        let mut next = Vec::new();
        for node in frontier {
            for (id, link) in &spec.rail_links {
                let [a, b] = &link.between;
                let other = if a == node {
                    b.as_str()
                } else if b == node {
                    a.as_str()
                } else {
                    continue;
                };
                if !seen.contains(&other) {
                    seen.push(other);
                    previous.insert(other, (node, id.as_str()));
                    next.push(other);
                }
            }
        }
        frontier = next;
    }
    let mut path = Vec::new();
    let mut at = route[1].as_str();
    while let Some((from, link)) = previous.get(at) {
        path.push(link.to_string());
        at = from;
    }
    path
}

/// Every variant's map of `result` as one GeoJSON FeatureCollection: a Point per node
/// and a LineString per link (geometry `null` where coordinates are missing), each
/// with the variant and its figures as properties.
pub fn geojson(spec_of: &dyn Fn(&str) -> Option<ScenarioSpec>, result: &ExperimentResult) -> Value {
    let mut features = Vec::new();
    for v in &result.variants {
        let Some(spec) = spec_of(&v.name) else { continue };
        let map = CorridorMap::of(&spec, v);
        let at: BTreeMap<&str, Option<(f64, f64)>> = map.nodes.iter().map(|n| (n.id.as_str(), n.at)).collect();
        for n in &map.nodes {
            features.push(json!({
                "type": "Feature",
                "geometry": n.at.map(|(lon, lat)| json!({"type": "Point", "coordinates": [lon, lat]})),
                "properties": {
                    "variant": v.name, "id": n.id, "name": n.name, "kind": n.kind,
                    "rho": n.rho.as_ref().map(|r| r.0), "busiest": n.rho.as_ref().map(|r| r.1.clone()),
                    "accumulating_tonnes_per_day": n.accumulating.as_ref().map(|a| a.0),
                },
            }));
        }
        for l in &map.links {
            let ends = (at.get(l.ends[0].as_str()).copied().flatten(), at.get(l.ends[1].as_str()).copied().flatten());
            let geometry = match ends {
                (Some(a), Some(b)) => json!({"type": "LineString", "coordinates": [[a.0, a.1], [b.0, b.1]]}),
                _ => Value::Null,
            };
            features.push(json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "variant": v.name, "id": l.id, "kind": l.kind, "from": l.ends[0], "to": l.ends[1],
                    "rho": l.rho.as_ref().map(|r| r.0), "busiest": l.rho.as_ref().map(|r| r.1.clone()),
                    "offered_tonnes_per_year": l.offered_tonnes_per_year,
                },
            }));
        }
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// The maps `report.html` opens "what binds" with: the first variant's, and that of
/// the variant whose binding ρ is highest when it is another. Each `(file name, SVG)`.
pub fn run_maps(spec_of: &dyn Fn(&str) -> Option<ScenarioSpec>, result: &ExperimentResult) -> Vec<(String, String)> {
    let Some(first) = result.variants.first() else { return Vec::new() };
    let mut chosen = vec![first];
    let busiest = result
        .variants
        .iter()
        .filter_map(|v| Some((v, v.stability().binding.as_ref()?.rho())))
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.name.cmp(&a.0.name)));
    if let Some((v, _)) = busiest
        && v.name != first.name
    {
        chosen.push(v);
    }
    chosen
        .into_iter()
        .filter_map(|v| {
            let spec = spec_of(&v.name)?;
            let map = CorridorMap::of(&spec, v);
            (!map.nodes.is_empty()).then(|| (format!("map_{}.svg", file_safe(&v.name)), map.svg()))
        })
        .collect()
}

/// A variant name as part of a file name.
fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// The starter scenario (east port, ferry, west port, rail to an inland node), with
    /// coordinates on every port and node or on none.
    fn starter(coordinates: bool) -> Scenario {
        let mut text = crate::scenario::STARTER.to_string();
        if coordinates {
            for (table, lon) in [("[ports.east]\n", 52.0), ("[ports.west]\n", 49.5), ("[nodes.inland]\n", 45.0)] {
                text = text.replacen(table, &format!("{table}lon = {lon}\nlat = 40.0\n"), 1);
            }
        }
        Scenario::from_str(&text, "starter.toml").unwrap()
    }

    #[test]
    fn a_link_takes_the_rho_and_tonnes_of_the_service_that_sails_it() {
        let scenario = starter(true);
        let result = crate::experiment::Experiment::for_scenario(&scenario)
            .replications(2)
            .variants(["baseline"])
            .run(&scenario, None)
            .unwrap();
        let v = &result.variants[0];
        let map = CorridorMap::of(scenario.base(), v);
        let sheet = v.capacity.as_ref().unwrap();
        let row = |resource: &str| sheet.rows.iter().find(|r| r.resource == resource).unwrap();
        let simulated = |resource: &str| v.summary(&format!("rho.{resource}")).map_or(0.0, |s| s.mean);
        let crossing = map.links.iter().find(|l| l.id == "crossing").unwrap();
        assert_eq!(crossing.offered_tonnes_per_year, row("service.ferry").offered_tonnes_per_year);
        assert_eq!(crossing.rho.as_ref().unwrap().0, row("service.ferry").rho.max(simulated("service.ferry")));
        // The rail line: the higher of its paths and the shuttle that runs on it.
        let line = map.links.iter().find(|l| l.id == "line").unwrap();
        let expected = ["rail.line", "service.shuttle"]
            .iter()
            .filter(|r| sheet.rows.iter().any(|x| x.resource == **r))
            .map(|r| row(r).rho.max(simulated(r)))
            .fold(0.0, f64::max);
        assert_eq!(line.rho.as_ref().unwrap().0, expected);
        assert!(line.offered_tonnes_per_year > 0.0);
        // The ports take their busiest berths or yard.
        let east = &map.nodes[0];
        assert_eq!(east.id, "east");
        assert_eq!(
            east.rho.as_ref().unwrap().0,
            row("port.east.berths.dry").rho.max(simulated("port.east.berths.dry")).max(
                sheet
                    .rows
                    .iter()
                    .find(|r| r.resource == "port.east.yard")
                    .map_or(0.0, |r| r.rho.max(simulated("port.east.yard")))
            )
        );
        assert!(map.is_geographic());
        // East of west on the map, at the same height.
        let at = map.positions((0.0, 0.0, 100.0, 100.0));
        assert!(at[0].0 > at[1].0 && (at[0].1 - at[1].1).abs() < 1e-9, "{at:?}");
        let svg = map.svg();
        assert_eq!(svg.matches("class=\"map-link\"").count(), 2);
        assert_eq!(svg.matches("class=\"map-node\"").count(), 3);
        assert!(crate::report::charts::check::layout_problems(&svg).is_empty(), "{:?}", {
            crate::report::charts::check::layout_problems(&svg)
        });
    }

    #[test]
    fn without_coordinates_the_map_is_a_schematic_ring_and_geojson_has_no_geometry() {
        let scenario = starter(false);
        let result = crate::experiment::Experiment::for_scenario(&scenario)
            .replications(2)
            .variants(["baseline"])
            .run(&scenario, None)
            .unwrap();
        let map = CorridorMap::of(scenario.base(), &result.variants[0]);
        assert!(!map.is_geographic());
        assert!(map.svg().contains("schematic"));
        let spec_of = |name: &str| scenario.variant(name).ok();
        let doc = geojson(&spec_of, &result);
        let features = doc["features"].as_array().unwrap();
        assert_eq!(features.len(), 5, "two ports, a node and two links");
        assert!(features.iter().all(|f| f["geometry"].is_null()));
    }

    #[test]
    fn a_train_service_is_found_on_every_rail_link_of_its_path() {
        let text = r#"
[scenario]
name = "rail"
horizon_days = 10
warmup_days = 0
[nodes.a]
kind = "origin"
[nodes.b]
kind = "rail_terminal"
[nodes.c]
kind = "destination"
[nodes.d]
kind = "destination"
[rail_links.ab]
between = ["a", "b"]
transit_hours = { dist = "constant", value = 5.0 }
trains_per_day = 4
[rail_links.bc]
between = ["c", "b"]
transit_hours = { dist = "constant", value = 5.0 }
trains_per_day = 4
[rail_links.bd]
between = ["b", "d"]
transit_hours = { dist = "constant", value = 5.0 }
trains_per_day = 4
"#;
        let scenario = Scenario::from_str(text, "rail.toml").unwrap();
        let spec = scenario.base();
        assert_eq!(rail_path(spec, &["a".into(), "c".into()]), vec!["bc".to_string(), "ab".to_string()]);
        assert_eq!(rail_path(spec, &["d".into(), "b".into()]), vec!["bd".to_string()]);
        assert!(rail_path(spec, &["a".into(), "x".into()]).is_empty());
    }
}
