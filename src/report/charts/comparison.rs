//! Charts that compare the variants of a run: ship waits by port, berth time by
//! berth group, and what binds.

use super::{Bar, ChartError, Dash, PortName, Swatch, Trellis, color};
use crate::experiment::{ExperimentResult, VariantResult};
use plotters::prelude::*;

fn steady_mark(v: &VariantResult) -> &'static str {
    if v.stability().verdict.is_steady() { "" } else { " *" }
}

/// Ship waits for a berth: one panel per port (by name), one bar per variant with the
/// mean and its 95 % CI, and the p95 as a diamond with its CI.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn ship_wait(result: &ExperimentResult, port_name: PortName<'_>) -> Result<String, ChartError> {
    let Some(first) = result.variants.first() else {
        return Ok(String::new());
    };
    let ports: Vec<&str> =
        first.keys.iter().filter_map(|k| k.strip_prefix("port.")?.strip_suffix(".ship_wait_hours.mean")).collect();
    let panels = ports
        .iter()
        .map(|port| {
            let bars = result
                .variants
                .iter()
                .map(|v| {
                    let mean = v.summary(&format!("port.{port}.ship_wait_hours.mean"))?;
                    let p95 = v.summary(&format!("port.{port}.ship_wait_hours.p95"));
                    Some(Bar {
                        parts: vec![(mean.mean, color(0))],
                        whisker: Some(mean.ci95),
                        marker: p95.map(|s| (s.mean, s.ci95)),
                    })
                })
                .collect();
            (port_name(port), bars)
        })
        .collect();
    Trellis {
        title: "Ship wait for a berth, by port",
        x_label: "wait for a berth (hours)",
        x_range: None,
        rows: result.variants.iter().map(|v| format!("{}{}", v.name, steady_mark(v))).collect(),
        panels,
        legend: vec![
            (Swatch::Fill(color(0)), "mean".into()),
            (Swatch::Diamond, "p95 (95 % of ships wait less)".into()),
            (Swatch::Whisker, "95 % confidence interval".into()),
            (Swatch::Fill(WHITE), "* not a steady state: grows with the run".into()),
        ],
        reference: None,
        percent: false,
        columns: 2,
        panel_width: 300,
    }
    .render()
}

/// Berth time by berth group, one panel per variant: handling (productive), occupied
/// but not handling (ship alongside waiting for cargo, a storm or a departure), idle.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn berth_occupancy(result: &ExperimentResult, port_name: PortName<'_>) -> Result<String, ChartError> {
    let mut groups: Vec<(String, String)> = Vec::new();
    for v in &result.variants {
        for key in &v.keys {
            let Some(group) = key.strip_prefix("port.").and_then(|k| k.strip_suffix(".handling")) else { continue };
            let Some((port, class)) = group.split_once(".berth_time.") else { continue };
            if !groups.iter().any(|g| g.0 == port && g.1 == class) {
                groups.push((port.to_string(), class.to_string()));
            }
        }
    }
    let (productive, held, idle) = (color(0), color(4), RGBColor(220, 220, 220));
    let panels = result
        .variants
        .iter()
        .map(|v| {
            let bars = groups
                .iter()
                .map(|(port, class)| {
                    let handling = v.summary(&format!("port.{port}.berth_time.{class}.handling"))?.mean;
                    let occupied = v
                        .summary(&format!("port.{port}.berth_time.{class}.occupied_not_handling"))
                        .map_or(0.0, |s| s.mean);
                    let rest = (1.0 - handling - occupied).max(0.0);
                    Some(Bar { parts: vec![(handling, productive), (occupied, held), (rest, idle)], ..Bar::default() })
                })
                .collect();
            (format!("{}{}", v.name, crate::report::decision::verdict_mark(v.stability().verdict)), bars)
        })
        .collect();
    Trellis {
        title: "Berth time by berth group: productive, held, idle (mean over replications)",
        x_label: "share of berth-hours (%)",
        x_range: Some((0.0, 1.0)),
        rows: groups.iter().map(|(p, c)| format!("{}: {}", port_name(p), c.replace('_', " "))).collect(),
        panels,
        legend: vec![
            (Swatch::Fill(productive), "handling cargo (productive)".into()),
            (Swatch::Fill(held), "occupied, not handling (waiting for cargo, weather, sailing)".into()),
            (Swatch::Fill(idle), "idle".into()),
        ],
        reference: None,
        percent: true,
        columns: 3,
        panel_width: 240,
    }
    .render()
}

/// The colour of ρ in three bands, as the "what binds" chart and the map draw it:
/// below 0.85, from 0.85 to 1 (queues grow fast), and 1 or more (cannot keep up).
pub fn rho_colour(rho: f64) -> RGBColor {
    if rho >= 1.0 {
        color(1)
    } else if rho >= 0.85 {
        color(4)
    } else {
        color(0)
    }
}

/// What binds in each variant: the ρ (offered load ÷ capacity) of its binding
/// resource, the higher of the capacity sheet's and the simulated, against ρ = 1.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn binding(result: &ExperimentResult) -> Result<String, ChartError> {
    let (over, near, under) = (rho_colour(1.0), rho_colour(0.9), rho_colour(0.0));
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    for v in &result.variants {
        let stability = v.stability();
        let Some(b) = stability.binding.as_ref() else { continue };
        let rho = b.rho();
        let c = rho_colour(rho);
        rows.push(format!("{}{}: {}", v.name, steady_mark(v), crate::report::decision::short_resource(&b.resource)));
        bars.push(Some(Bar { parts: vec![(rho, c)], ..Bar::default() }));
    }
    let longest = bars.iter().flatten().map(|b| b.parts[0].0).fold(0.0, f64::max);
    Trellis {
        title: "What binds: the busiest resource of each variant",
        x_label: "ρ, offered load ÷ capacity (1 = at capacity)",
        x_range: Some((0.0, longest.max(1.0) * 1.1)),
        rows,
        panels: vec![("variant: binding resource".into(), bars)],
        legend: vec![
            (Swatch::Fill(under), "ρ < 0.85".into()),
            (Swatch::Fill(near), "0.85 ≤ ρ < 1: queues grow fast".into()),
            (Swatch::Fill(over), "ρ ≥ 1: cannot keep up".into()),
            (Swatch::Line(RGBColor(213, 94, 0), Dash::Dashed), "ρ = 1".into()),
            (Swatch::Fill(WHITE), "* not a steady state".into()),
        ],
        reference: Some((1.0, "ρ = 1".into())),
        percent: false,
        columns: 1,
        panel_width: 520,
    }
    .render()
}
