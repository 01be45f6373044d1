//! SVG charts (plotters, SVG backend: no fonts or system libraries needed).
//! Every chart has a title, axis labels with units, and a legend.

use crate::experiment::{ExperimentResult, VariantResult};
use crate::model::Trace;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Chart drawing failed (plotters' error types are generic over the backend, so the
/// cause is kept as text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(pub String);

pub mod check;
pub mod panels;

pub use panels::{Bar, Trellis};

/// Okabe and Ito's palette, which readers with every common colour-vision deficiency
/// can tell apart (yellow, hard to see on white, comes last).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// A KPI key or a scenario path as an axis label with its unit, read from its words:
/// `port.baku.ship_wait_hours.p95` → `port.baku.ship_wait_hours.p95 (hours)`.
pub fn kpi_axis_label(key: &str) -> String {
    let unit = if key.contains("hours") {
        "hours"
    } else if key.contains("tonnes_per_day") {
        "t/day"
    } else if key.contains("tonnes") {
        "tonnes"
    } else if key.contains("co2") {
        "kg CO2"
    } else if key.contains("cost") || key.contains("charges") {
        "currency"
    } else if key.contains("utilisation") || key.contains("occupancy") || key.contains("share") {
        "share of 1"
    } else if key.contains("rho") {
        "offered load ÷ capacity"
    } else if key.contains("ships") || key.contains("trains") || key.contains("count") {
        "number"
    } else if key.contains("days") {
        "days"
    } else {
        "as measured"
    };
    format!("{key} ({unit})")
}

/// The fine grid: faint, so the data stays in front.
const LIGHT_GRID: RGBColor = RGBColor(243, 243, 243);

/// The colour of series `i`.
fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// How a line is drawn, so series stay apart in grey print and for readers who do not
/// see the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// A solid line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
}

/// The line style of series `i`: neighbours differ in colour and style, and no two of
/// the first 24 series share both (colour `i mod 8`, style `(i mod 8 + i div 8) mod 3`).
fn dash(i: usize) -> Dash {
    match (i % PALETTE.len() + i / PALETTE.len()) % 3 {
        0 => Dash::Solid,
        1 => Dash::Dashed,
        _ => Dash::Dotted,
    }
}

/// What a legend entry shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A filled box (bars, areas).
    Fill(RGBColor),
    /// A line in a colour and style.
    Line(RGBColor, Dash),
    /// The open diamond of a second figure (p95).
    Diamond,
    /// A 95 % CI whisker.
    Whisker,
}

/// Width of `text` in pixels at `font` pixels, estimated generously (sans-serif
/// averages about half an em a character; capitals and digits run wider).
pub fn text_width(text: &str, font: u32) -> u32 {
    (text.chars().count() as f64 * f64::from(font) * 0.6).ceil() as u32
}

const LEGEND_GAP: u32 = 22;

/// The legends' font size, pixels before plotters' scaling (about 12 px on the page).
const LEGEND_FONT: u32 = 15;

/// The titles' font size, pixels before plotters' scaling.
const TITLE_FONT: u32 = 20;

/// The height of the title strip, pixels.
const TITLE_HEIGHT: u32 = 40;

/// The narrowest canvas that shows `title` whole, at least `width`.
fn fit_title(width: u32, title: &str) -> u32 {
    width.max(text_width(title, TITLE_FONT) + 40)
}

fn legend_entry_width(label: &str, font: u32) -> u32 {
    28 + text_width(label, font) + LEGEND_GAP
}

/// The height a legend of `items` needs in `width` pixels (entries flow left to right
/// and wrap).
fn legend_height(items: &[(Swatch, String)], width: u32, font: u32) -> u32 {
    if items.is_empty() {
        return 0;
    }
    let mut lines = 1;
    let mut x = 0;
    for (_, label) in items {
        let w = legend_entry_width(label, font);
        if x > 0 && x + w > width {
            lines += 1;
            x = 0;
        }
        x += w;
    }
    lines * (font + 10) + 8
}

/// Draws a legend into `area`: entries left to right, wrapping at its width.
fn draw_legend(area: &Root<'_>, items: &[(Swatch, String)], font: u32) -> Result<(), ChartError> {
    let width = area.dim_in_pixel().0;
    let line = (font + 10) as i32;
    let (mut x, mut y) = (0i32, 4i32);
    for (swatch, label) in items {
        let w = legend_entry_width(label, font) as i32;
        if x > 0 && x + w > width as i32 {
            x = 0;
            y += line;
        }
        let mid = y + font as i32 / 2;
        match *swatch {
            Swatch::Fill(c) => area.draw(&Rectangle::new([(x, mid - 6), (x + 20, mid + 6)], c.filled())),
            Swatch::Line(c, d) => {
                let style = c.stroke_width(2);
                match d {
                    Dash::Solid => area.draw(&PathElement::new(vec![(x, mid), (x + 22, mid)], style)),
                    Dash::Dashed => {
                        area.draw(&PathElement::new(vec![(x, mid), (x + 8, mid)], style)).map_err(err)?;
                        area.draw(&PathElement::new(vec![(x + 13, mid), (x + 22, mid)], style))
                    }
                    Dash::Dotted => (0..5).try_for_each(|k| {
                        area.draw(&PathElement::new(vec![(x + 5 * k, mid), (x + 5 * k + 2, mid)], style))
                    }),
                }
            }
            Swatch::Diamond => area
                .draw(&Polygon::new(
                    vec![(x + 10, mid - 6), (x + 16, mid), (x + 10, mid + 6), (x + 4, mid)],
                    BLACK.filled(),
                ))
                .and_then(|()| {
                    area.draw(&Polygon::new(
                        vec![(x + 10, mid - 4), (x + 14, mid), (x + 10, mid + 4), (x + 6, mid)],
                        WHITE.filled(),
                    ))
                }),
            Swatch::Whisker => area
                .draw(&PathElement::new(vec![(x + 2, mid), (x + 20, mid)], BLACK.stroke_width(1)))
                .and_then(|()| {
                    area.draw(&PathElement::new(vec![(x + 2, mid - 5), (x + 2, mid + 5)], BLACK.stroke_width(1)))
                })
                .and_then(|()| {
                    area.draw(&PathElement::new(vec![(x + 20, mid - 5), (x + 20, mid + 5)], BLACK.stroke_width(1)))
                }),
        }
        .map_err(err)?;
        area.draw(&Text::new(label.clone(), (x + 28, y), ("sans-serif", font))).map_err(err)?;
        x += w;
    }
    Ok(())
}

/// A chart with numeric axes on the SVG backend.
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws a line through `points` in a colour and style.
fn draw_line(
    chart: &mut Plot<'_, '_>,
    points: Vec<(f64, f64)>,
    c: RGBColor,
    d: Dash,
    width: u32,
) -> Result<(), ChartError> {
    let style = c.stroke_width(width);
    match d {
        Dash::Solid => chart.draw_series(LineSeries::new(points, style)).map(|_| ()),
        Dash::Dashed => chart.draw_series(DashedLineSeries::new(points, 9, 5, style)).map(|_| ()),
        Dash::Dotted => chart.draw_series(DashedLineSeries::new(points, 2, 4, style)).map(|_| ()),
    }
    .map_err(err)
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

/// A non-negative number rounded to a whole one, its thousands separated by commas
/// (`1,234,567`).
pub(crate) fn thousands(a: f64) -> String {
    let digits = format!("{a:.0}");
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

/// A tick value for reading: thousands separated, decimals only where they tell
/// something (`12,500`, `37.5`, `0.84`).
fn human(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 || x == x.round() && a >= 1.0 {
        format!("{}{}", if x < 0.0 { "-" } else { "" }, thousands(a))
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
    let title = format!("{kpi} against {parameter}");
    render((fit_title(900, &title), 560), |root| {
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
        legend.draw(&Text::new(title.clone(), (12, 8), ("sans-serif", TITLE_FONT))).map_err(err)?;
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
            .light_line_style(LIGHT_GRID)
            .x_labels(x_ticks)
            .x_label_formatter(&x_format)
            .y_label_formatter(&|y| human(*y))
            .x_desc(kpi_axis_label(parameter))
            .y_desc(kpi_axis_label(kpi))
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

/// Axis labels of a line chart.
struct LineLayout<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    /// Fixed y range, or `None` for 0 to 110 % of the largest value.
    y_range: Option<(f64, f64)>,
}

/// One line per series, each a list of (x, y) points, in the colour-blind palette and
/// a line style each; the legend in a strip above the plot.
fn line_chart(series: &[(String, Vec<(f64, f64)>)], layout: LineLayout<'_>) -> Result<String, ChartError> {
    let width = fit_title(900, layout.title);
    let legend: Vec<(Swatch, String)> =
        series.iter().enumerate().map(|(i, (name, _))| (Swatch::Line(color(i), dash(i)), name.clone())).collect();
    render((width, 440 + head_height(&legend, width)), |root| {
        let plot = head(root, layout.title, &legend)?;
        let points = || series.iter().flat_map(|(_, p)| p.iter());
        let x_min = points().map(|p| p.0).fold(f64::INFINITY, f64::min);
        let x_max = points().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let (x_min, x_max) = if x_min.is_finite() && x_max > x_min { (x_min, x_max) } else { (0.0, 1.0) };
        let (y_min, y_max) =
            layout.y_range.unwrap_or_else(|| (0.0, points().map(|p| p.1).fold(0.0, f64::max) * 1.1 + 1e-9));
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x_min..x_max, y_min..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_GRID)
            .x_desc(layout.x_label)
            .y_desc(layout.y_label)
            .x_label_formatter(&|x| human(*x))
            .y_label_formatter(&|y| human(*y))
            .draw()
            .map_err(err)?;
        for (i, (_, points)) in series.iter().enumerate() {
            draw_line(&mut chart, points.clone(), color(i), dash(i), 2)?;
        }
        Ok(())
    })
}

/// One panel of the yard-stock chart: a variant's traced replication and the yard
/// capacity of each port in it.
#[derive(Debug, Clone)]
pub struct YardPanel {
    /// The panel's title (variant and verdict).
    pub title: String,
    /// The traced replication.
    pub trace: Trace,
    /// Yard capacity per port id, tonnes.
    pub capacity: Vec<(String, f64)>,
}

/// Yard stock over the whole run, one panel per variant on a shared scale so a
/// pile-up stands out: a line per port (colour and style as in the legend), its yard
/// capacity as a thin dotted line in the same colour, the warm-up shaded.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn yard_stock(
    panels: &[YardPanel],
    port_name: &dyn Fn(&str) -> String,
    warmup_days: f64,
) -> Result<String, ChartError> {
    let ports: Vec<String> =
        panels.first().map(|p| p.trace.yard_tonnes.iter().map(|(id, _)| id.clone()).collect()).unwrap_or_default();
    let columns = panels.len().clamp(1, 3);
    let (panel_w, panel_h) = (420u32, 300u32);
    let title = "Yard stock over the whole run, replication 1 of each variant (tonnes)";
    let width = fit_title(columns as u32 * panel_w + 24, title);
    let mut legend: Vec<(Swatch, String)> =
        ports.iter().enumerate().map(|(i, id)| (Swatch::Line(color(i), dash(i)), port_name(id))).collect();
    legend.push((Swatch::Line(RGBColor(90, 90, 90), Dash::Dotted), "yard capacity (dotted, port's colour)".into()));
    legend.push((Swatch::Fill(RGBColor(225, 225, 225)), "warm-up (not measured)".into()));
    let lines = panels.len().div_ceil(columns).max(1) as u32;
    let top = panels
        .iter()
        .flat_map(|p| {
            let stock = p.trace.yard_tonnes.iter().flat_map(|(_, s)| s.iter().copied());
            stock.chain(p.capacity.iter().map(|c| c.1).filter(|c| c.is_finite()))
        })
        .fold(0.0, f64::max)
        * 1.08
        + 1.0;
    let end = panels.iter().flat_map(|p| p.trace.days.last().copied()).fold(1.0, f64::max);
    render((width, head_height(&legend, width) + lines * panel_h), |root| {
        let body = head(root, title, &legend)?;
        for (i, panel) in panels.iter().enumerate() {
            let (line, column) = ((i / columns) as u32, (i % columns) as u32);
            let area = body.clone().shrink(((column * panel_w) as i32, (line * panel_h) as i32), (panel_w, panel_h));
            let mut chart = ChartBuilder::on(&area)
                .caption(&panel.title, ("sans-serif", 15))
                .margin(8)
                .margin_right(20)
                .x_label_area_size(40)
                .y_label_area_size(70)
                .build_cartesian_2d(0.0..end, 0.0..top)
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(LIGHT_GRID)
                .x_labels(6)
                .y_labels(6)
                .x_label_formatter(&|x| human(*x))
                .y_label_formatter(&|y| human(*y))
                .x_desc("simulated time (days)")
                .y_desc("yard stock (t)")
                .draw()
                .map_err(err)?;
            if warmup_days > 0.0 {
                let shade = RGBColor(225, 225, 225).mix(0.7).filled();
                chart
                    .draw_series(std::iter::once(Rectangle::new([(0.0, 0.0), (warmup_days.min(end), top)], shade)))
                    .map_err(err)?;
            }
            for (p, id) in ports.iter().enumerate() {
                if let Some((_, cap)) = panel.capacity.iter().find(|(c, _)| c == id).filter(|c| c.1.is_finite()) {
                    draw_line(&mut chart, vec![(0.0, *cap), (end, *cap)], color(p), Dash::Dotted, 1)?;
                }
                if let Some((_, levels)) = panel.trace.yard_tonnes.iter().find(|(y, _)| y == id) {
                    let points = panel.trace.days.iter().copied().zip(levels.iter().copied()).collect();
                    draw_line(&mut chart, points, color(p), dash(p), 2)?;
                }
            }
        }
        Ok(())
    })
}

/// Distribution of end-to-end transit times of `flows` (the loaded flows; empty
/// returns are left out), as cumulative curves: the share of consignments delivered
/// within a given number of hours.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn transit_distribution(trace: &Trace, variant: &str, flows: &[String]) -> Result<String, ChartError> {
    let series: Vec<(String, Vec<(f64, f64)>)> = trace
        .transit_percentiles
        .iter()
        .filter(|(flow, _)| flows.contains(flow))
        .map(|(flow, hours)| (flow.clone(), hours.iter().enumerate().map(|(p, h)| (*h, (p + 1) as f64)).collect()))
        .collect();
    let title = format!("Door-to-door transit times, loaded flows — {variant}, replication 1");
    let layout = LineLayout {
        title: &title,
        x_label: "transit time, origin to destination (hours)",
        y_label: "consignments delivered within (%)",
        y_range: Some((0.0, 100.0)),
    };
    line_chart(&series, layout)
}

/// Names for the charts: a port's display name by id.
pub type PortName<'a> = &'a dyn Fn(&str) -> String;

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
            (format!("{}{}", v.name, super::decision::verdict_mark(v.stability().verdict)), bars)
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

/// What binds in each variant: the ρ (offered load ÷ capacity) of its binding
/// resource, the higher of the capacity sheet's and the simulated, against ρ = 1.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn binding(result: &ExperimentResult) -> Result<String, ChartError> {
    let (over, near, under) = (color(1), color(4), color(0));
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    for v in &result.variants {
        let stability = v.stability();
        let Some(b) = stability.binding.as_ref() else { continue };
        let rho = b.rho();
        let c = if rho >= 1.0 {
            over
        } else if rho >= 0.85 {
            near
        } else {
            under
        };
        rows.push(format!("{}{}: {}", v.name, steady_mark(v), super::decision::short_resource(&b.resource)));
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

/// The standard charts of a run as `(file name, SVG)`: ship waits, berth time, what
/// binds, and where the time goes for every variant.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw the chart.
pub fn run_charts(result: &ExperimentResult, port_name: PortName<'_>) -> Result<Vec<(String, String)>, ChartError> {
    if result.variants.is_empty() {
        return Ok(Vec::new());
    }
    let mut charts = vec![
        ("ship_wait.svg".into(), ship_wait(result, port_name)?),
        ("berth_occupancy.svg".into(), berth_occupancy(result, port_name)?),
        ("binding.svg".into(), binding(result)?),
    ];
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
            .caption(title, ("sans-serif", TITLE_FONT))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(210)
            .build_cartesian_2d(0f64..1f64, 0f64..rows as f64)
            .map_err(err)?;
        let labels: Vec<String> = bars.iter().map(|(l, _)| l.clone()).collect();
        chart
            .configure_mesh()
            .light_line_style(LIGHT_GRID)
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
            .x_desc("share of time (%; fleet: vessel- or train-hours; berths: berth-hours)")
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

/// The height of a chart's title and legend strip on a canvas `width` wide.
fn head_height(legend: &[(Swatch, String)], width: u32) -> u32 {
    TITLE_HEIGHT + legend_height(legend, width.saturating_sub(24), LEGEND_FONT)
}

/// Draws a chart's title and its legend strip at the top of `root` and returns the
/// area left for the plot.
fn head<'a>(root: &Root<'a>, title: &str, legend: &[(Swatch, String)]) -> Result<Root<'a>, ChartError> {
    let (top, plot) = root.split_vertically(head_height(legend, root.dim_in_pixel().0));
    let (title_area, key) = top.split_vertically(TITLE_HEIGHT);
    title_area.draw(&Text::new(title.to_string(), (12, 10), ("sans-serif", TITLE_FONT))).map_err(err)?;
    draw_legend(&key.margin(0, 0, 12, 12), legend, LEGEND_FONT)?;
    Ok(plot)
}

/// A KPI (mean and 95 % CI per point) against the demand factor, with the threshold
/// as a horizontal line and the answer with its interval as a shaded band; the legend
/// above the plot.
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
    let grey = RGBColor(200, 200, 200);
    let red = RGBColor(213, 94, 0);
    let blue = RGBColor(0, 114, 178);
    let marked: Vec<(f64, f64)> = points.iter().filter(|p| unsteady.contains(&p.0)).map(|p| (p.0, p.1)).collect();
    let mut legend = vec![
        (Swatch::Fill(grey), format!("answer ×{answer:.2}, 95 % CI ×{:.2}–×{:.2}", ci95[0], ci95[1])),
        (Swatch::Line(red, Dash::Dashed), threshold_label.to_string()),
        (Swatch::Line(blue, Dash::Solid), "mean over replications, 95 % CI".to_string()),
    ];
    if !marked.is_empty() {
        legend.push((Swatch::Line(red, Dash::Dotted), "circled: not a steady state (verdict not stable)".into()));
    }
    render((900, 560), |root| {
        let plot = head(root, title, &legend)?;
        let x_max = points.iter().map(|p| p.0).fold(answer, f64::max) * 1.08 + 1e-9;
        let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
        let y_hi = points.iter().map(|p| finite(p.3)).fold(threshold, f64::max);
        let y_lo = points.iter().map(|p| finite(p.2)).fold(threshold.min(0.0), f64::min);
        let pad = (y_hi - y_lo).abs() * 0.08 + 1e-9;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..x_max, (y_lo - pad)..(y_hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_GRID)
            .x_desc("demand factor on the searched flows (×1 = today's demand)")
            .y_desc(y_label)
            .x_label_formatter(&|x| format!("×{x:.2}"))
            .y_label_formatter(&|y| human(*y))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(ci95[0], y_lo - pad), (ci95[1].max(ci95[0] + x_max * 0.002), y_hi + pad)],
                grey.mix(0.5).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(answer, y_lo - pad), (answer, y_hi + pad)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        draw_line(&mut chart, vec![(0.0, threshold), (x_max, threshold)], red, Dash::Dashed, 2)?;
        draw_line(&mut chart, points.iter().map(|p| (p.0, p.1)).collect(), blue, Dash::Solid, 2)?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| ErrorBar::new_vertical(p.0, finite(p.2), p.1, finite(p.3), blue.stroke_width(1), 6)),
            )
            .map_err(err)?;
        chart.draw_series(points.iter().map(|p| Circle::new((p.0, p.1), 3, blue.filled()))).map_err(err)?;
        chart.draw_series(marked.iter().map(|&p| Circle::new(p, 7, red.stroke_width(2)))).map_err(err)?;
        Ok(())
    })
}

/// The years of a planning run: tonnes delivered each year by every variant (mean and
/// 95 % band), demand dashed; each year's point is a filled circle when the year is
/// stable and a cross when it is not (unstable or saturated). The legend sits above
/// the plot.
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
    let mut legend = vec![(Swatch::Line(BLACK, Dash::Dashed), "demand (generated)".to_string())];
    legend.extend(
        series.iter().enumerate().map(|(i, (name, _))| (Swatch::Line(color(i), dash(i)), format!("{name}: delivered"))),
    );
    legend
        .push((Swatch::Line(RGBColor(90, 90, 90), Dash::Solid), "● stable year   × unstable or saturated year".into()));
    render((900, 620), |root| {
        let plot = head(root, "Cargo delivered each year (mean, 95 % CI)", &legend)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(f64::from(y0) - 0.4..f64::from(y1) + 0.4, 0.0..top * 1.15 + 1e-9)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_GRID)
            .x_desc("calendar year")
            .y_desc("delivered (Mt per year)")
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
            draw_line(&mut chart, demand, BLACK, Dash::Dashed, 2)?;
        }
        for (i, (_, ys)) in series.iter().enumerate() {
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
            draw_line(&mut chart, pts.iter().map(|p| (p.0, p.1)).collect(), c, dash(i), 2)?;
            chart
                .draw_series(pts.iter().filter(|p| p.4).map(|p| Circle::new((p.0, p.1), 5, c.filled())))
                .map_err(err)?;
            chart
                .draw_series(pts.iter().filter(|p| !p.4).map(|p| Cross::new((p.0, p.1), 7, c.stroke_width(3))))
                .map_err(err)?;
        }
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
