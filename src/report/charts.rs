//! SVG charts (plotters, SVG backend: no fonts or system libraries needed).
//! Every chart has a title, axis labels with units, and a legend.

use crate::experiment::{ExperimentResult, VariantResult};
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
                .label(format!("{}{}", v.name, super::decision::verdict_mark(v.stability().verdict)))
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

/// A tick value for reading: thousands separated, decimals only where they tell
/// something (`12,500`, `37.5`, `0.84`).
fn human(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 || x == x.round() && a >= 1.0 {
        let digits = format!("{:.0}", a);
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{}{grouped}", if x < 0.0 { "-" } else { "" })
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a == 0.0 {
        "0".into()
    } else {
        format!("{x:.2}")
    }
}

/// A KPI against the swept parameter, with its 95 % CI as a band. Whole-number
/// parameters get whole-number ticks; the legend sits above the plot, clear of the
/// data; the x range is padded so the end points show whole.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn sweep_chart(points: &[(f64, f64, f64, f64)], parameter: &str, kpi: &str) -> Result<String, ChartError> {
    render((900, 560), |root| {
        let xs = points.iter().map(|p| p.0);
        let (x0, x1) = xs.clone().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        let (x0, x1) = if x0.is_finite() && x1 > x0 { (x0, x1) } else { (x0.min(0.0), x0.max(0.0) + 1.0) };
        let pad = (x1 - x0) * 0.05;
        let whole = points.iter().all(|p| p.0 == p.0.round());
        let y_max = points.iter().map(|p| p.3).fold(0.0, f64::max) * 1.1 + 1e-9;
        let y_min = points.iter().map(|p| p.2).fold(f64::INFINITY, f64::min).min(0.0);
        let c = color(0);
        // The legend, in a strip of its own under the title.
        let (legend, plot) = root.split_vertically(60);
        legend.draw(&Text::new(format!("{kpi} against {parameter}"), (12, 8), ("sans-serif", 20))).map_err(err)?;
        legend.draw(&Rectangle::new([(100, 40), (114, 50)], c.mix(0.25).filled())).map_err(err)?;
        legend.draw(&Text::new("95 % confidence band", (120, 38), ("sans-serif", 14))).map_err(err)?;
        legend.draw(&PathElement::new(vec![(300, 45), (316, 45)], c.stroke_width(2))).map_err(err)?;
        legend.draw(&Circle::new((308, 45), 4, c.filled())).map_err(err)?;
        legend.draw(&Text::new("mean over replications", (322, 38), ("sans-serif", 14))).map_err(err)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d((x0 - pad)..(x1 + pad), y_min..y_max)
            .map_err(err)?;
        let span = (x1 - x0).round() as usize + 1;
        let x_ticks = if whole { span.clamp(2, 12) } else { 10 };
        let x_format = |x: &f64| {
            if !whole {
                human(*x)
            } else if (x - x.round()).abs() < 1e-9 {
                format!("{}", x.round() as i64)
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_labels(x_ticks)
            .x_label_formatter(&x_format)
            .y_label_formatter(&|y| human(*y))
            .x_desc(parameter)
            .y_desc(kpi)
            .draw()
            .map_err(err)?;
        let mut band: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.3)).collect();
        band.extend(points.iter().rev().map(|p| (p.0, p.2)));
        chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.25).filled()))).map_err(err)?;
        chart.draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), c.stroke_width(2))).map_err(err)?;
        chart.draw_series(points.iter().map(|p| Circle::new((p.0, p.1), 4, c.filled()))).map_err(err)?;
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
    let mut charts = vec![("ship_wait.svg".into(), waits), ("berth_occupancy.svg".into(), occupancy)];
    for v in &result.variants {
        charts.push((format!("time_split_{}.svg", v.name), time_split(v)?));
    }
    Ok(charts)
}

/// The time categories of the time-split chart: label, the state keys it gathers, colour.
const TIME_CATEGORIES: [(&str, &[&str], RGBColor); 10] = [
    ("loaded sailing / running", &["loaded_sailing", "loaded_running"], RGBColor(0, 114, 178)),
    ("berthing", &["berthing"], RGBColor(86, 180, 233)),
    ("handling", &["handling"], RGBColor(0, 158, 115)),
    ("empty sailing / running", &["empty_sailing", "empty_running"], RGBColor(153, 204, 238)),
    ("waiting for cargo", &["waiting_for_cargo"], RGBColor(230, 159, 0)),
    ("waiting for a berth / path", &["waiting_for_berth", "waiting_for_path"], RGBColor(213, 94, 0)),
    ("blocked by a full yard", &["blocked_by_yard"], RGBColor(204, 121, 167)),
    ("weather-bound", &["weather_bound"], RGBColor(90, 90, 90)),
    ("berth occupied, not handling", &["occupied_not_handling"], RGBColor(240, 228, 66)),
    ("berth idle", &["idle"], RGBColor(220, 220, 220)),
];

/// The bars of the time-split chart of `v`: per ship or train service its time by
/// state, per berth group handling / occupied-not-handling / idle (shares of 1).
fn time_split_bars(v: &VariantResult) -> Vec<(String, Vec<(usize, f64)>)> {
    let mean = |key: &str| v.summary(key).map_or(0.0, |s| s.mean);
    let category = |state: &str| TIME_CATEGORIES.iter().position(|(_, states, _)| states.contains(&state));
    let mut bars: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    for key in &v.keys {
        let Some((owner, state)) = key.strip_prefix("service.").and_then(|k| k.split_once(".time.")) else {
            continue;
        };
        let label = format!("{owner} (fleet)");
        let Some(c) = category(state) else { continue };
        match bars.iter_mut().find(|(l, _)| *l == label) {
            Some((_, parts)) => parts.push((c, mean(key))),
            None => bars.push((label, vec![(c, mean(key))])),
        }
    }
    for key in &v.keys {
        let Some(group) = key.strip_prefix("port.").and_then(|k| k.strip_suffix(".handling")) else {
            continue;
        };
        let Some((port, class)) = group.split_once(".berth_time.") else { continue };
        let handling = mean(key);
        let occupied = mean(&format!("port.{group}.occupied_not_handling"));
        let idle = (1.0 - handling - occupied).max(0.0);
        let parts = [("handling", handling), ("occupied_not_handling", occupied), ("idle", idle)];
        bars.push((
            format!("{port} {class} berths"),
            parts.iter().filter_map(|(s, x)| Some((category(s)?, *x))).collect(),
        ));
    }
    bars
}

/// Where the time of every fleet and berth group goes, as stacked horizontal bars:
/// productive work (loaded sailing or running, berthing, handling) in blues and
/// green, waits in orange and red, idle berths in grey. Utilisation in the KPIs is
/// the productive share.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn time_split(v: &VariantResult) -> Result<String, ChartError> {
    let bars = time_split_bars(v);
    let verdict = v.stability().verdict;
    let rows = bars.len().max(1);
    let height = (110 + 26 * rows as u32).max(360);
    render((1100, height), |root| {
        let (left, right) = root.split_horizontally(820);
        let title = format!("Where the time goes — {}{}", v.name, super::decision::verdict_mark(verdict));
        let mut chart = ChartBuilder::on(&left)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(210)
            .build_cartesian_2d(0f64..1f64, 0f64..rows as f64)
            .map_err(err)?;
        let labels: Vec<String> = bars.iter().map(|(l, _)| l.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows * 2 + 1)
            .y_label_formatter(&|y| {
                let i = y.floor() as usize;
                let row = rows.saturating_sub(i + 1);
                if (y - y.floor() - 0.5).abs() < 1e-6 && row < labels.len() {
                    labels[row].clone()
                } else {
                    String::new()
                }
            })
            .x_labels(11)
            .x_label_formatter(&|x| format!("{:.0} %", x * 100.0))
            .x_desc("share of time (fleet: vessel- or train-hours; berths: berth-hours)")
            .draw()
            .map_err(err)?;
        let mut rects = Vec::new();
        for (row, (_, parts)) in bars.iter().enumerate() {
            let y = (rows - row - 1) as f64;
            let mut x = 0.0;
            for &(c, share) in parts {
                let share = share.clamp(0.0, 1.0 - x);
                rects.push(Rectangle::new([(x, y + 0.15), (x + share, y + 0.85)], TIME_CATEGORIES[c].2.filled()));
                x += share;
            }
        }
        chart.draw_series(rects).map_err(err)?;
        let style = ("sans-serif", 15).into_font();
        for (i, (label, _, c)) in TIME_CATEGORIES.iter().enumerate() {
            let y = 60 + 26 * i as i32;
            right.draw(&Rectangle::new([(10, y), (28, y + 14)], c.filled())).map_err(err)?;
            right.draw(&Text::new(label.to_string(), (36, y), style.clone())).map_err(err)?;
        }
        Ok(())
    })
}

/// A KPI (mean and 95 % CI per point) against the demand factor, with the threshold
/// as a horizontal line and the answer with its interval as a shaded band.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn render_line_with_band(
    points: &[(f64, f64, f64, f64)],
    title: &str,
    y_label: &str,
    threshold: f64,
    threshold_label: &str,
    (answer, ci95): (f64, [f64; 2]),
    unsteady: &[f64],
) -> Result<String, ChartError> {
    let mut points = points.to_vec();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    render((900, 520), |root| {
        let x_max = points.iter().map(|p| p.0).fold(answer, f64::max) * 1.08 + 1e-9;
        let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
        let y_hi = points.iter().map(|p| finite(p.3)).fold(threshold, f64::max);
        let y_lo = points.iter().map(|p| finite(p.2)).fold(threshold.min(0.0), f64::min);
        let pad = (y_hi - y_lo).abs() * 0.08 + 1e-9;
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..x_max, (y_lo - pad)..(y_hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("demand factor on the searched flows (×1 = today's demand)")
            .y_desc(y_label)
            .x_label_formatter(&|x| format!("×{x:.2}"))
            .draw()
            .map_err(err)?;
        let grey = RGBColor(200, 200, 200);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(ci95[0], y_lo - pad), (ci95[1].max(ci95[0] + x_max * 0.002), y_hi + pad)],
                grey.mix(0.5).filled(),
            )))
            .map_err(err)?
            .label(format!("answer ×{answer:.2}, 95 % CI ×{:.2}–×{:.2}", ci95[0], ci95[1]))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], grey.filled()));
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(answer, y_lo - pad), (answer, y_hi + pad)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        let red = RGBColor(213, 94, 0);
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, threshold), (x_max, threshold)], 8, 5, red.stroke_width(2)))
            .map_err(err)?
            .label(threshold_label.to_string())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], red.stroke_width(2)));
        let blue = RGBColor(0, 114, 178);
        chart
            .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), blue.stroke_width(2)))
            .map_err(err)?
            .label("mean over replications, 95 % CI")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], blue.stroke_width(2)));
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| ErrorBar::new_vertical(p.0, finite(p.2), p.1, finite(p.3), blue.stroke_width(1), 6)),
            )
            .map_err(err)?;
        chart.draw_series(points.iter().map(|p| Circle::new((p.0, p.1), 3, blue.filled()))).map_err(err)?;
        let marked: Vec<(f64, f64)> = points.iter().filter(|p| unsteady.contains(&p.0)).map(|p| (p.0, p.1)).collect();
        if !marked.is_empty() {
            chart
                .draw_series(marked.iter().map(|&p| Circle::new(p, 7, red.stroke_width(2))))
                .map_err(err)?
                .label("not a steady state (verdict not stable)")
                .legend(move |(x, y)| Circle::new((x + 6, y), 5, red.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// The years of a planning run: tonnes delivered each year by every variant (mean and
/// 95 % band), demand dashed; each year's point is a filled circle when the year is
/// stable and a cross when it is not (unstable or saturated).
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn years_chart(result: &ExperimentResult) -> Result<String, ChartError> {
    let series: Vec<(String, Vec<crate::experiment::YearSummary>)> =
        result.variants.iter().map(|v| (v.name.clone(), v.year_summaries())).collect();
    let mt = |s: &Option<crate::stats::Summary>| s.as_ref().map(|s| s.mean / 1e6);
    let band = |s: &Option<crate::stats::Summary>| {
        s.as_ref().map(|s| {
            let [lo, hi] = s.ci95;
            if lo.is_finite() && hi.is_finite() { (lo / 1e6, hi / 1e6) } else { (s.mean / 1e6, s.mean / 1e6) }
        })
    };
    let years: Vec<i32> = series.iter().flat_map(|(_, ys)| ys.iter().map(|y| y.year)).collect();
    let (y0, y1) = (years.iter().copied().min().unwrap_or(0), years.iter().copied().max().unwrap_or(1));
    let top = series
        .iter()
        .flat_map(|(_, ys)| ys.iter().flat_map(|y| [mt(&y.demand_tonnes), band(&y.delivered_tonnes).map(|b| b.1)]))
        .flatten()
        .fold(0.0, f64::max);
    render((900, 560), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Cargo delivered each year (mean, 95 % CI); × = not stable", ("sans-serif", 20))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(f64::from(y0) - 0.4..f64::from(y1) + 0.4, 0.0..top * 1.45 + 1e-9)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("calendar year")
            .y_desc("Mt per year")
            .x_labels((y1 - y0 + 1).max(2) as usize)
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-6 { format!("{}", x.round() as i64) } else { String::new() }
            })
            .y_label_formatter(&|y| format!("{y:.1}"))
            .draw()
            .map_err(err)?;
        if let Some((_, first)) = series.first() {
            let demand: Vec<(f64, f64)> =
                first.iter().filter_map(|y| Some((f64::from(y.year), mt(&y.demand_tonnes)?))).collect();
            chart
                .draw_series(DashedLineSeries::new(demand, 6, 4, BLACK.stroke_width(2)))
                .map_err(err)?
                .label("demand (generated; dashed)")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(2)));
        }
        for (i, (name, ys)) in series.iter().enumerate() {
            let c = color(i);
            let pts: Vec<(f64, f64, f64, f64, bool)> = ys
                .iter()
                .filter_map(|y| {
                    let (lo, hi) = band(&y.delivered_tonnes)?;
                    let stable = matches!(y.verdict, crate::experiment::Verdict::Stable);
                    Some((f64::from(y.year), mt(&y.delivered_tonnes)?, lo, hi, stable))
                })
                .collect();
            let mut area: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.3)).collect();
            area.extend(pts.iter().rev().map(|p| (p.0, p.2)));
            chart.draw_series(std::iter::once(Polygon::new(area, c.mix(0.2).filled()))).map_err(err)?;
            chart
                .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), c.stroke_width(2)))
                .map_err(err)?
                .label(format!("{name}: delivered"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2)));
            chart
                .draw_series(pts.iter().filter(|p| p.4).map(|p| Circle::new((p.0, p.1), 5, c.filled())))
                .map_err(err)?;
            chart
                .draw_series(pts.iter().filter(|p| !p.4).map(|p| Cross::new((p.0, p.1), 7, c.stroke_width(3))))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_as_a_person_writes_them() {
        assert_eq!(human(50_000.0), "50,000");
        assert_eq!(human(1_234_567.0), "1,234,567");
        assert_eq!(human(-2500.0), "-2,500");
        assert_eq!(human(12.0), "12");
        assert_eq!(human(37.5), "37.5");
        assert_eq!(human(0.84), "0.84");
        assert_eq!(human(0.0), "0");
    }

    #[test]
    fn a_whole_number_sweep_has_whole_number_ticks_and_its_last_point_inside() {
        let points = [(2.0, 9.7, 6.2, 13.1), (3.0, 3.5, 0.6, 6.4), (4.0, 2.2, 0.1, 4.8)];
        let svg = sweep_chart(&points, "berths", "wait h").unwrap();
        let labels: Vec<&str> =
            svg.split("<text").skip(1).filter_map(|t| t.split('>').nth(1)?.split('<').next()).map(str::trim).collect();
        for tick in ["2", "3", "4"] {
            assert!(labels.contains(&tick), "no tick {tick}: {labels:?}");
        }
        // Every tick is a whole number (the y ticks of this range are too).
        let ticks: Vec<f64> = labels.iter().filter_map(|l| l.replace(',', "").parse().ok()).collect();
        assert!(ticks.len() >= 6 && ticks.iter().all(|t| t.fract() == 0.0), "{labels:?}");
        // The last point's circle lies inside the plot, not on its edge.
        let last_cx: Vec<f64> = svg
            .split("<circle")
            .skip(1)
            .filter_map(|c| c.split("cx=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert!(last_cx.iter().all(|x| *x < 880.0), "{last_cx:?}");
    }
}
