//! SVG charts (plotters, SVG backend: no fonts or system libraries needed).
//! Every chart has a title, axis labels with units, and a legend.

use crate::experiment::ExperimentResult;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Chart drawing failed (plotters' error types are generic over the backend, so the
/// cause is kept as text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(pub String);

pub mod check;
pub mod comparison;
pub mod lines;
pub mod panels;
pub mod plan;
mod svg_text;
pub mod time_split;

use svg_text::{compact_svg, rects_as_paths, shared_text_style, strokes_as_paths, tidy_text};

pub use comparison::{berth_occupancy, binding, rho_colour, ship_wait};
pub use lines::{YardPanel, render_line_with_band, sweep_chart, transit_distribution, yard_stock, years_chart};
pub use panels::{Bar, Trellis};
pub use time_split::time_split;

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

/// Text for an SVG drawn by hand (the map, the plan charts): `&`, `<`, `>` and `"`
/// escaped.
pub(crate) fn svg_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A colour as SVG writes it: `#rrggbb`.
pub(crate) fn hex_colour(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A KPI key or a scenario path as an axis label with its unit, read from its words:
/// `port.baku.ship_wait_hours.p95` → `port.baku.ship_wait_hours.p95 (hours)`.
pub fn kpi_axis_label(key: &str) -> String {
    if key.starts_with("capacity.factor") {
        // A search's key names its criteria, whose words must not set the unit; the
        // chart's title shows the whole key.
        return "the sustainable demand factor (×)".to_string();
    }
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
/// Light grid lines between two labelled ones: enough to read a value off, few enough
/// that a chart of many panels is not mostly grid (plotters draws ten by default).
const LIGHT_LINES: usize = 4;

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

/// The opacity that marks a line for [`svg_dashes`] to dash (`Dash::Dashed`,
/// `Dash::Dotted`): plotters draws a dashed line as one polyline per dash, which
/// for a long, jagged series is thousands of elements; SVG dashes one polyline itself.
const DASHED_MARK: f64 = 0.999;
const DOTTED_MARK: f64 = 0.998;

/// Draws a line through `points` in a colour and style, at most two points per
/// horizontal pixel of the plot (see [`decimate`]).
fn draw_line(
    chart: &mut Plot<'_, '_>,
    points: Vec<(f64, f64)>,
    c: RGBColor,
    d: Dash,
    width: u32,
) -> Result<(), ChartError> {
    let pixels = chart.plotting_area().dim_in_pixel().0 as usize;
    let points = decimate(points, pixels);
    let mark = match d {
        Dash::Solid => 1.0,
        Dash::Dashed => DASHED_MARK,
        Dash::Dotted => DOTTED_MARK,
    };
    chart.draw_series(LineSeries::new(points, c.mix(mark).stroke_width(width))).map(|_| ()).map_err(err)
}

/// Gives the polylines [`draw_line`] marked their SVG dash pattern (9 on, 5 off for
/// dashed; 2 on, 4 off for dotted, as plotters' `DashedLineSeries` draws them).
fn svg_dashes(svg: String) -> String {
    svg.replace(&format!("opacity=\"{DASHED_MARK}\""), "opacity=\"1\" stroke-dasharray=\"9 5\"")
        .replace(&format!("opacity=\"{DOTTED_MARK}\""), "opacity=\"1\" stroke-dasharray=\"2 4\"")
}

/// A series (in order of x) cut to what `pixels` columns can show: in each column,
/// the lowest and the highest point, in their order, and the series' first and last
/// points. No peak or trough is lost; a series whose x ever goes back is drawn whole; a day-by-day trace of six years drawn 400
/// pixels wide keeps at most 802 of its 2,190 points.
pub(crate) fn decimate(points: Vec<(f64, f64)>, pixels: usize) -> Vec<(f64, f64)> {
    let pixels = pixels.max(1);
    if points.len() <= 2 * pixels + 2 || points.windows(2).any(|w| w[1].0 < w[0].0 || w[1].0.is_nan()) {
        return points;
    }
    let (first, last) = (points[0], points[points.len() - 1]);
    let span = (last.0 - first.0).max(f64::MIN_POSITIVE);
    let column = |x: f64| (((x - first.0) / span * pixels as f64) as usize).min(pixels - 1);
    let mut out = Vec::with_capacity(2 * pixels + 2);
    out.push(first);
    let mut i = 1;
    while i + 1 < points.len() {
        let c = column(points[i].0);
        let (mut lo, mut hi) = (i, i);
        let mut j = i;
        while j + 1 < points.len() && column(points[j].0) == c {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        out.push(points[lo.min(hi)]);
        if hi != lo {
            out.push(points[lo.max(hi)]);
        }
        i = j;
    }
    out.push(last);
    out
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
    Ok(shared_text_style(&rects_as_paths(&strokes_as_paths(&tidy_text(&compact_svg(&svg_dashes(svg)))))))
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
pub(crate) fn human(x: f64) -> String {
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

/// Names for the charts: a port's display name by id.
pub type PortName<'a> = &'a dyn Fn(&str) -> String;

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

#[cfg(test)]
mod tests {
    #[test]
    fn decimation_keeps_every_column_extreme_in_order() {
        // A daily saw-tooth over six years, 2,190 points, onto 100 columns.
        let points: Vec<(f64, f64)> = (0..2190).map(|d| (f64::from(d), f64::from((d * 37) % 101))).collect();
        let cut = decimate(points.clone(), 100);
        assert!(cut.len() <= 202, "{} points", cut.len());
        assert_eq!(cut.first(), points.first());
        assert_eq!(cut.last(), points.last());
        assert!(cut.windows(2).all(|w| w[0].0 < w[1].0), "order kept");
        for c in 0..100 {
            let column: Vec<f64> = points
                .iter()
                .filter(|p| (p.0 / 2189.0 * 100.0) as usize == c && p.0 > 0.0 && p.0 < 2189.0)
                .map(|p| p.1)
                .collect();
            let kept: Vec<f64> = cut
                .iter()
                .filter(|p| (p.0 / 2189.0 * 100.0) as usize == c && p.0 > 0.0 && p.0 < 2189.0)
                .map(|p| p.1)
                .collect();
            let max = |v: &[f64]| v.iter().copied().fold(f64::MIN, f64::max);
            let min = |v: &[f64]| v.iter().copied().fold(f64::MAX, f64::min);
            assert_eq!((min(&kept), max(&kept)), (min(&column), max(&column)), "column {c}");
        }
    }

    #[test]
    fn short_or_unordered_series_are_drawn_whole() {
        let short: Vec<(f64, f64)> = (0..50).map(|d| (f64::from(d), 1.0)).collect();
        assert_eq!(decimate(short.clone(), 24), short);
        let mut back: Vec<(f64, f64)> = (0..500).map(|d| (f64::from(d), f64::from(d % 7))).collect();
        back[300].0 = 10.0;
        assert_eq!(decimate(back.clone(), 20), back);
    }

    #[test]
    fn dashed_lines_are_one_element_with_an_svg_dash_pattern() {
        let svg = render((300, 200), |root| {
            let mut chart = ChartBuilder::on(root).build_cartesian_2d(0.0..10.0, 0.0..10.0).map_err(err)?;
            let zigzag: Vec<(f64, f64)> = (0..200).map(|i| (f64::from(i) / 20.0, f64::from(i % 2) * 9.0)).collect();
            draw_line(&mut chart, zigzag, RGBColor(0, 114, 178), Dash::Dashed, 2)?;
            draw_line(&mut chart, vec![(0.0, 5.0), (10.0, 5.0)], RGBColor(213, 94, 0), Dash::Dotted, 1)
        })
        .unwrap();
        // One element each (a path, as `svg_text` writes strokes), however many dashes.
        assert_eq!(svg.matches("<path fill=\"none\" stroke-dasharray").count(), 2, "{svg}");
        assert_eq!(svg.matches("stroke-dasharray=\"9 5\"").count(), 1);
        assert_eq!(svg.matches("stroke-dasharray=\"2 4\"").count(), 1);
        assert!(!svg.contains("0.999") && !svg.contains("0.998"), "every mark replaced");
    }

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
}
