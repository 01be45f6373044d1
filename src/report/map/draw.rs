//! Drawing the corridor map as SVG: the canvas positions (projected coordinates, or a
//! schematic ring), links coloured by ρ and as wide as their tonnes, nodes, labels
//! placed clear of the links, and the legend.

use super::CorridorMap;
use crate::report::charts::svg_escape as escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;

impl CorridorMap {
    /// Each node's position on a canvas of `width` × `height` pixels inside `margin`:
    /// by an equirectangular projection about the mean latitude when every node has
    /// coordinates, else on a ring in the order of [`CorridorMap::nodes`].
    pub(super) fn positions(&self, (x0, y0, x1, y1): (f64, f64, f64, f64)) -> Vec<(f64, f64)> {
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

/// The colour of ρ in the bands of the "what binds" chart.
fn hex(rho: f64) -> String {
    crate::report::charts::hex_colour(crate::report::charts::rho_colour(rho))
}

fn fixed(x: f64, decimals: usize) -> String {
    crate::report::decision::fixed(x, decimals)
}

/// An id as a short label: `turkmenbashi` → `Turkmenbashi`, `baku_north` → `Baku north`.
fn short_name(id: &str) -> String {
    let words = id.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}
