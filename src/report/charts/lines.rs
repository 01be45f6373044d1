//! Line charts: a KPI against a swept parameter or the demand factor, yard stock over
//! the run, transit-time curves, and cargo delivered year by year.

use super::{
    ChartError, Dash, LIGHT_GRID, LIGHT_LINES, Swatch, TITLE_FONT, color, dash, draw_line, err, fit_title, head,
    head_height, human, kpi_axis_label, render,
};
use crate::experiment::ExperimentResult;
use crate::model::Trace;
use plotters::prelude::*;

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
            .max_light_lines(LIGHT_LINES)
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
            .max_light_lines(LIGHT_LINES)
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
                .max_light_lines(LIGHT_LINES)
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
    (answer, ci95): (f64, Option<[f64; 2]>),
    unsteady: &[f64],
) -> Result<String, ChartError> {
    let mut points = points.to_vec();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let grey = RGBColor(200, 200, 200);
    let red = RGBColor(213, 94, 0);
    let blue = RGBColor(0, 114, 178);
    let marked: Vec<(f64, f64)> = points.iter().filter(|p| unsteady.contains(&p.0)).map(|p| (p.0, p.1)).collect();
    let mut legend = vec![
        (
            Swatch::Fill(grey),
            match ci95 {
                Some([lo, hi]) => format!("answer ×{answer:.2}, 95 % CI ×{lo:.2}–×{hi:.2}"),
                None => format!("answer ×{answer:.2}: not monotone, no interval"),
            },
        ),
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
            .max_light_lines(LIGHT_LINES)
            .x_desc("demand factor on the searched flows (×1 = today's demand)")
            .y_desc(y_label)
            .x_label_formatter(&|x| format!("×{x:.2}"))
            .y_label_formatter(&|y| human(*y))
            .draw()
            .map_err(err)?;
        if let Some(ci95) = ci95 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(ci95[0], y_lo - pad), (ci95[1].max(ci95[0] + x_max * 0.002), y_hi + pad)],
                    grey.mix(0.5).filled(),
                )))
                .map_err(err)?;
        }
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
            .max_light_lines(LIGHT_LINES)
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
