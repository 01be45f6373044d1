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

use super::charts::svg_escape as escape;
use crate::experiment::{ExperimentResult, VariantResult};
use crate::scenario::ScenarioSpec;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

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

    /// Each node's position on a canvas of `width` × `height` pixels inside `margin`:
    /// by an equirectangular projection about the mean latitude when every node has
    /// coordinates, else on a ring in the order of [`CorridorMap::nodes`].
    fn positions(&self, (x0, y0, x1, y1): (f64, f64, f64, f64)) -> Vec<(f64, f64)> {
        let n = self.nodes.len();
        if !self.is_geographic() {
            let (cx, cy, r) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, ((x1 - x0).min(y1 - y0) / 2.0).max(1.0));
            return (0..n)
                .map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
                    (cx + r * a.cos(), cy + r * a.sin())
                })
                .collect();
        }
        let at: Vec<(f64, f64)> = self.nodes.iter().filter_map(|n| n.at).collect();
        let mean_lat = at.iter().map(|p| p.1).sum::<f64>() / at.len() as f64;
        let k = mean_lat.to_radians().cos().max(0.1);
        let projected: Vec<(f64, f64)> = at.iter().map(|(lon, lat)| (lon * k, *lat)).collect();
        let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y) in &projected {
            (lo_x, hi_x, lo_y, hi_y) = (lo_x.min(*x), hi_x.max(*x), lo_y.min(*y), hi_y.max(*y));
        }
        let span = (hi_x - lo_x).max(1e-6).max((hi_y - lo_y) * (x1 - x0) / (y1 - y0)).max(1e-6);
        let scale = ((x1 - x0) / span).min((y1 - y0) / (hi_y - lo_y).max(1e-6));
        let (mid_x, mid_y) = ((lo_x + hi_x) / 2.0, (lo_y + hi_y) / 2.0);
        projected
            .iter()
            .map(|(x, y)| ((x0 + x1) / 2.0 + (x - mid_x) * scale, (y0 + y1) / 2.0 - (y - mid_y) * scale))
            .collect()
    }

    /// The map as a self-contained SVG: links coloured by ρ (the bands of the "what
    /// binds" chart) and as wide as their offered tonnes, ports coloured by their
    /// busiest berths or yard, × where cargo accumulates; every element carries a
    /// tooltip with its figures.
    pub fn svg(&self) -> String {
        const W: f64 = 760.0;
        const H: f64 = 470.0;
        let area = (70.0, 70.0, 520.0, 430.0);
        let at = self.positions(area);
        let index: BTreeMap<&str, usize> = self.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let widest = self.links.iter().map(|l| l.offered_tonnes_per_year).fold(0.0, f64::max);
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" role="img" aria-label="map of the corridor, {variant}">"#,
            variant = escape(&self.variant)
        );
        let _ = write!(svg, r##"<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>"##);
        let _ = write!(
            svg,
            r#"<text x="20" y="30" font-size="18" text-anchor="start">Where it binds: {}{}</text>"#,
            escape(&self.variant),
            if self.is_geographic() { "" } else { " (schematic: the scenario gives no coordinates)" }
        );
        for link in &self.links {
            let (Some(&a), Some(&b)) = (index.get(link.ends[0].as_str()), index.get(link.ends[1].as_str())) else {
                continue;
            };
            let width = if widest > 0.0 { 1.5 + 10.0 * (link.offered_tonnes_per_year / widest).sqrt() } else { 1.5 };
            let colour = link.rho.as_ref().map_or("#9e9e9e".to_string(), |(r, _)| hex(*r));
            let dash = if link.kind == "pipeline" { r#" stroke-dasharray="3 4""# } else { "" };
            let tip = format!(
                "{} ({}): {} Mt/yr offered; {}",
                link.id,
                link.kind.replace('_', " "),
                fixed(link.offered_tonnes_per_year / 1e6, 2),
                link.rho
                    .as_ref()
                    .map_or("no capacity figure".into(), |(r, what)| format!("ρ {} ({what})", fixed(*r, 2)))
            );
            let _ = write!(
                svg,
                r#"<line class="map-link" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="{width:.1}" stroke-linecap="round"{dash}><title>{}</title></line>"#,
                at[a].0,
                at[a].1,
                at[b].0,
                at[b].1,
                escape(&tip)
            );
        }
        for (node, &(x, y)) in self.nodes.iter().zip(&at) {
            let colour = node.rho.as_ref().map_or("#d9d9d9".to_string(), |(r, _)| hex(*r));
            let radius = if node.kind == "port" { 7.0 } else { 5.0 };
            let tip = format!(
                "{}{}{}",
                node.name,
                node.rho.as_ref().map_or(String::new(), |(r, what)| format!(": ρ {} ({what})", fixed(*r, 2))),
                node.accumulating.as_ref().map_or(String::new(), |(t, where_)| format!(
                    "; cargo accumulating {} t/day, most {where_}",
                    fixed(*t, 0)
                ))
            );
            let _ = write!(
                svg,
                r##"<circle class="map-node" cx="{x:.1}" cy="{y:.1}" r="{radius}" fill="{colour}" stroke="#333333" stroke-width="1.2"><title>{}</title></circle>"##,
                escape(&tip)
            );
            if node.accumulating.is_some() {
                let d = radius + 5.0;
                let _ = write!(
                    svg,
                    r##"<path class="map-accumulating" d="M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}" stroke="#c00000" stroke-width="2.5"><title>{}</title></path>"##,
                    x - d,
                    y - d,
                    x + d,
                    y + d,
                    x - d,
                    y + d,
                    x + d,
                    y - d,
                    escape(&tip)
                );
            }
        }
        // Labels last, each where it covers no link, node or earlier label.
        let segments: Vec<Segment> = self
            .links
            .iter()
            .filter_map(|l| Some((at[*index.get(l.ends[0].as_str())?], at[*index.get(l.ends[1].as_str())?])))
            .collect();
        let mut taken: Vec<[f64; 4]> = at.iter().map(|&(x, y)| [x - 12.0, y - 12.0, x + 12.0, y + 12.0]).collect();
        for (node, &(x, y)) in self.nodes.iter().zip(&at) {
            let label = short_name(&node.id);
            let (box_, lx, ly, anchor) = label_place(&label, (x, y), &segments, &taken, W - 180.0);
            taken.push(box_);
            let _ = write!(
                svg,
                r#"<text x="{lx:.1}" y="{ly:.1}" font-size="12" text-anchor="{anchor}">{}</text>"#,
                escape(&label)
            );
        }
        // The legend, to the right.
        let lx = 600.0;
        let mut y = 80.0;
        let _ = write!(svg, r#"<text x="{lx}" y="{y}" font-size="12" text-anchor="start">ρ (load ÷ capacity)</text>"#);
        for (rho, words) in [(0.5, "ρ < 0.85"), (0.9, "0.85 ≤ ρ < 1"), (1.1, "ρ ≥ 1")] {
            y += 20.0;
            let _ = write!(
                svg,
                r##"<rect x="{lx}" y="{:.1}" width="14" height="10" fill="{}" stroke="#333333" stroke-width="0.5"/><text x="{:.1}" y="{y:.1}" font-size="11" text-anchor="start">{words}</text>"##,
                y - 9.0,
                hex(rho),
                lx + 20.0,
                words = escape(words)
            );
        }
        y += 20.0;
        let _ = write!(
            svg,
            r##"<rect x="{lx}" y="{:.1}" width="14" height="10" fill="#d9d9d9" stroke="#333333" stroke-width="0.5"/><text x="{:.1}" y="{y:.1}" font-size="11" text-anchor="start">no capacity figure</text>"##,
            y - 9.0,
            lx + 20.0
        );
        y += 30.0;
        let _ = write!(svg, r#"<text x="{lx}" y="{y}" font-size="12" text-anchor="start">line width (Mt/yr)</text>"#);
        for share in [1.0_f64, 0.25] {
            y += 20.0;
            let width = 1.5 + 10.0 * share.sqrt();
            let _ = write!(
                svg,
                r##"<line x1="{lx}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#777777" stroke-width="{width:.1}"/><text x="{:.1}" y="{y:.1}" font-size="11" text-anchor="start">{} offered</text>"##,
                y - 4.0,
                lx + 30.0,
                y - 4.0,
                lx + 38.0,
                fixed(widest * share / 1e6, 2)
            );
        }
        y += 30.0;
        let _ = write!(
            svg,
            r##"<path d="M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}" stroke="#c00000" stroke-width="2.5"/><text x="{:.1}" y="{y:.1}" font-size="11" text-anchor="start">cargo accumulating</text>"##,
            lx,
            y - 10.0,
            lx + 10.0,
            y,
            lx,
            y,
            lx + 10.0,
            y - 10.0,
            lx + 20.0
        );
        y += 16.0;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{y:.1}" font-size="11" text-anchor="start">(significantly)</text>"#,
            lx + 20.0
        );
        y += 24.0;
        let _ = write!(
            svg,
            r##"<line x1="{lx}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#777777" stroke-width="3" stroke-dasharray="3 4"/><text x="{:.1}" y="{y:.1}" font-size="11" text-anchor="start">pipeline</text>"##,
            y - 4.0,
            lx + 30.0,
            y - 4.0,
            lx + 38.0
        );
        svg.push_str("</svg>");
        svg
    }
}

/// A link drawn on the canvas: its two ends.
type Segment = ((f64, f64), (f64, f64));

/// Where the label of a node at `(x, y)` goes: right, left, below or above it, the
/// first that crosses no segment and overlaps no box of `taken` and stays left of
/// `right_edge` (the legend); right when none does. Returns the label's box, its
/// anchor point and the text anchor.
fn label_place(
    label: &str,
    (x, y): (f64, f64),
    segments: &[Segment],
    taken: &[[f64; 4]],
    right_edge: f64,
) -> ([f64; 4], f64, f64, &'static str) {
    let width = label.chars().count() as f64 * 12.0 * 0.58;
    let candidates = [
        ([x + 13.0, y - 10.0, x + 13.0 + width, y + 3.0], x + 13.0, y + 4.0, "start"),
        ([x - 13.0 - width, y - 10.0, x - 13.0, y + 3.0], x - 13.0, y + 4.0, "end"),
        ([x - width / 2.0, y + 13.0, x + width / 2.0, y + 26.0], x, y + 24.0, "middle"),
        ([x - width / 2.0, y - 27.0, x + width / 2.0, y - 14.0], x, y - 16.0, "middle"),
    ];
    let crosses = |b: &[f64; 4]| {
        segments.iter().any(|&((x0, y0), (x1, y1))| {
            (0..=40).any(|i| {
                let t = f64::from(i) / 40.0;
                let (px, py) = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
                px >= b[0] - 2.0 && px <= b[2] + 2.0 && py >= b[1] - 2.0 && py <= b[3] + 2.0
            })
        })
    };
    let overlaps = |b: &[f64; 4]| taken.iter().any(|t| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3]);
    let fits = |b: &[f64; 4]| b[0] >= 4.0 && b[2] <= right_edge && b[1] >= 40.0;
    candidates
        .iter()
        .find(|(b, ..)| fits(b) && !crosses(b) && !overlaps(b))
        .or_else(|| candidates.iter().find(|(b, ..)| fits(b) && !overlaps(b)))
        .copied()
        .unwrap_or(candidates[0])
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

/// The colour of ρ in the bands of the "what binds" chart.
fn hex(rho: f64) -> String {
    super::charts::hex_colour(super::charts::rho_colour(rho))
}

fn fixed(x: f64, decimals: usize) -> String {
    super::decision::fixed(x, decimals)
}

/// An id as a short label: `turkmenbashi` → `Turkmenbashi`, `baku_north` → `Baku north`.
fn short_name(id: &str) -> String {
    let words = id.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
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
