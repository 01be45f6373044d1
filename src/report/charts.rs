//! SVG charts (plotters, SVG backend: no fonts or system libraries needed).
//! Every chart has a title, axis labels with units, and a legend.

use crate::experiment::ExperimentResult;
use crate::model::Trace;
use plotters::prelude::*;

/// Chart drawing failed (plotters' error types are generic over the backend, so the
/// cause is kept as text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(pub String);

const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(255, 187, 120),
];

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

type Root<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Draws on a white SVG canvas of `size` and returns the SVG text.
fn render(size: (u32, u32), draw: impl FnOnce(&Root<'_>) -> Result<(), ChartError>) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Grouped bars with 95 % CI error bars: one group per KPI key, one bar per variant.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn grouped_bars(
    result: &ExperimentResult,
    keys: &[(String, String)],
    title: &str,
    y_label: &str,
) -> Result<String, ChartError> {
    let variants = &result.variants;
    let width = (160 + keys.len() as u32 * (40 + 26 * variants.len() as u32)).clamp(700, 2400);
    render((width, 520), |root| {
        let mut y_max: f64 = 0.0;
        for v in variants {
            for (k, _) in keys {
                if let Some(s) = v.summary(k) {
                    y_max = y_max.max(s.ci95[1]).max(s.mean);
                }
            }
        }
        let y_max = if y_max > 0.0 { y_max * 1.15 } else { 1.0 };
        let groups = keys.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(70)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..groups, 0f64..y_max)
            .map_err(err)?;
        let labels: Vec<String> = keys.iter().map(|(_, l)| l.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(keys.len().max(1) * 2 + 1)
            .x_label_formatter(&|x| {
                let i = x.floor() as usize;
                if (x - x.floor() - 0.5).abs() < 1e-6 && i < labels.len() { labels[i].clone() } else { String::new() }
            })
            .y_desc(y_label)
            .draw()
            .map_err(err)?;
        let n = variants.len().max(1) as f64;
        let bar = 0.8 / n;
        for (vi, v) in variants.iter().enumerate() {
            let c = color(vi);
            let mut bars = Vec::new();
            let mut whiskers = Vec::new();
            for (ki, (k, _)) in keys.iter().enumerate() {
                if let Some(s) = v.summary(k) {
                    let x0 = ki as f64 + 0.1 + vi as f64 * bar;
                    bars.push(Rectangle::new([(x0, 0.0), (x0 + bar * 0.9, s.mean)], c.filled()));
                    let xm = x0 + bar * 0.45;
                    whiskers.push(ErrorBar::new_vertical(xm, s.ci95[0], s.mean, s.ci95[1], BLACK.stroke_width(1), 6));
                }
            }
            chart
                .draw_series(bars)
                .map_err(err)?
                .label(v.name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
            chart.draw_series(whiskers).map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// A KPI against the swept parameter, with its 95 % CI as a band.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn sweep_chart(points: &[(f64, f64, f64, f64)], parameter: &str, kpi: &str) -> Result<String, ChartError> {
    render((900, 520), |root| {
        let xs = points.iter().map(|p| p.0);
        let (x0, x1) = xs.clone().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        let (x0, x1) = if x0.is_finite() && x1 > x0 { (x0, x1) } else { (x0.min(0.0), x0.max(0.0) + 1.0) };
        let y_max = points.iter().map(|p| p.3).fold(0.0, f64::max) * 1.15 + 1e-9;
        let y_min = points.iter().map(|p| p.2).fold(f64::INFINITY, f64::min).min(0.0);
        let mut chart = ChartBuilder::on(root)
            .caption(format!("{kpi} against {parameter}"), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y_min..y_max)
            .map_err(err)?;
        chart.configure_mesh().x_desc(parameter).y_desc(kpi).draw().map_err(err)?;
        let c = color(0);
        let mut band: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.3)).collect();
        band.extend(points.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, c.mix(0.25).filled())))
            .map_err(err)?
            .label("95 % confidence band")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.mix(0.25).filled()));
        chart
            .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), c.stroke_width(2)))
            .map_err(err)?
            .label("mean")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2)));
        chart.draw_series(points.iter().map(|p| Circle::new((p.0, p.1), 4, c.filled()))).map_err(err)?;
        chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw().map_err(err)?;
        Ok(())
    })
}

/// Axis labels and placement of a line chart.
struct LineLayout<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    legend: SeriesLabelPosition,
    /// Fixed y range, or `None` for 0 to 110 % of the largest value.
    y_range: Option<(f64, f64)>,
}

/// One line per series, each a list of (x, y) points.
fn line_chart(series: &[(String, Vec<(f64, f64)>)], layout: LineLayout<'_>) -> Result<String, ChartError> {
    render((900, 520), |root| {
        let points = || series.iter().flat_map(|(_, p)| p.iter());
        let x_min = points().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let x_max = points().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let (x_min, x_max) = if x_min.is_finite() && x_max > x_min { (x_min, x_max) } else { (0.0, 1.0) };
        let (y_min, y_max) =
            layout.y_range.unwrap_or_else(|| (0.0, points().map(|p| p.1).fold(0.0, f64::max) * 1.1 + 1e-9));
        let mut chart = ChartBuilder::on(root)
            .caption(layout.title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x_min..x_max, y_min..y_max)
            .map_err(err)?;
        chart.configure_mesh().x_desc(layout.x_label).y_desc(layout.y_label).draw().map_err(err)?;
        for (i, (name, points)) in series.iter().enumerate() {
            let c = color(i);
            chart
                .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(2)))
                .map_err(err)?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(layout.legend)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// Yard stock over time for one replication.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn yard_stock(trace: &Trace, variant: &str) -> Result<String, ChartError> {
    let series: Vec<(String, Vec<(f64, f64)>)> = trace
        .yard_tonnes
        .iter()
        .map(|(port, levels)| (port.clone(), trace.days.iter().copied().zip(levels.iter().copied()).collect()))
        .collect();
    let title = format!("Yard stock over time — {variant}, replication 0");
    let layout = LineLayout {
        title: &title,
        x_label: "simulated time (days)",
        y_label: "yard stock (tonnes)",
        legend: SeriesLabelPosition::UpperLeft,
        y_range: None,
    };
    line_chart(&series, layout)
}

/// Distribution of end-to-end transit times per flow, as cumulative curves: the share
/// of consignments delivered within a given number of hours.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn transit_distribution(trace: &Trace, variant: &str) -> Result<String, ChartError> {
    let series: Vec<(String, Vec<(f64, f64)>)> = trace
        .transit_percentiles
        .iter()
        .map(|(flow, hours)| (flow.clone(), hours.iter().enumerate().map(|(p, h)| (*h, (p + 1) as f64)).collect()))
        .collect();
    let title = format!("End-to-end transit times — {variant}, replication 0");
    let layout = LineLayout {
        title: &title,
        x_label: "transit time, origin to destination (hours)",
        y_label: "consignments delivered within (%)",
        legend: SeriesLabelPosition::LowerRight,
        y_range: Some((0.0, 100.0)),
    };
    line_chart(&series, layout)
}

/// The standard charts of a run: ship waits and berth occupancy per port and variant,
/// as `(file name, SVG)`.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn run_charts(result: &ExperimentResult) -> Result<Vec<(String, String)>, ChartError> {
    let Some(first) = result.variants.first() else {
        return Ok(Vec::new());
    };
    let waits: Vec<(String, String)> = first
        .keys
        .iter()
        .filter(|k| k.ends_with(".ship_wait_hours.mean"))
        .map(|k| (k.clone(), k.trim_start_matches("port.").trim_end_matches(".ship_wait_hours.mean").to_string()))
        .collect();
    let occupancy: Vec<(String, String)> = first
        .keys
        .iter()
        .filter(|k| k.contains(".berth_occupancy."))
        .map(|k| (k.clone(), k.trim_start_matches("port.").replace(".berth_occupancy.", " ")))
        .collect();
    let waits = grouped_bars(result, &waits, "Ship wait for a berth, by port (mean, 95 % CI)", "hours")?;
    let occupancy = grouped_bars(
        result,
        &occupancy,
        "Berth occupancy, by port and berth class (mean, 95 % CI)",
        "busy berths / berths",
    )?;
    Ok(vec![("ship_wait.svg".into(), waits), ("berth_occupancy.svg".into(), occupancy)])
}
