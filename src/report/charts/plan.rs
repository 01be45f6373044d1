//! The plan search's pictures (`corridor plan --out`, planning runs): when each of the
//! cheapest plans builds what, and how plan 1 fares year by year against every limit.
//! Drawn as plain SVG (like the map), so the rows and panels can be laid out exactly.

use super::{ChartError, PALETTE, hex_colour, kpi_axis_label, svg_escape as escape, text_width};
use crate::experiment::feasibility::Call;
use crate::experiment::plan::{ConstraintValue, PlanAnswer};
use crate::scenario::{PlanningSpec, parse_date};
use std::fmt::Write;

/// Canvas width of both charts.
const WIDTH: f64 = 900.0;
/// Left edge of the timeline's bars (its upgrade names sit to the left).
const BARS_LEFT: f64 = 360.0;
/// Right margin.
const RIGHT: f64 = 30.0;
/// A timeline row's height.
const ROW: f64 = 22.0;

/// `text` cut to at most `pixels` wide at `font` px, with an ellipsis when cut.
fn fit(text: &str, pixels: f64, font: u32) -> String {
    if f64::from(text_width(text, font)) <= pixels {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if f64::from(text_width(&format!("{out}{c}…"), font)) > pixels {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// The date `YYYY-MM-DD` as a fractional calendar year (the model's 365-day years).
fn year_of(date: &str) -> Option<f64> {
    parse_date(date).ok().map(|(year, day)| f64::from(year) + f64::from(day) / 365.0)
}

fn colour(i: usize) -> String {
    hex_colour(PALETTE[i % (PALETTE.len() - 1)])
}

/// `plan_timeline.svg`: a row per upgrade of each of the cheapest plans found, its bar
/// from the day it enters service to the horizon's end, the plans in cost order.
/// `None` without a planning horizon or a feasible plan.
///
/// # Errors
/// None in practice (the text is formed in memory); the `Result` matches the other
/// charts.
pub fn plan_timeline(answer: &PlanAnswer, planning: Option<&PlanningSpec>) -> Result<Option<String>, ChartError> {
    let (Some(planning), false) = (planning, answer.best.is_empty()) else { return Ok(None) };
    let (y0, y1) = (f64::from(planning.start_year), f64::from(planning.start_year) + f64::from(planning.years));
    let x = |year: f64| BARS_LEFT + (year.clamp(y0, y1) - y0) / (y1 - y0) * (WIDTH - BARS_LEFT - RIGHT);
    let rows: usize = answer.best.iter().map(|r| 1 + r.evaluation.plan.upgrades.len().max(1)).sum();
    let top = 70.0;
    let height = top + rows as f64 * ROW + 60.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" role="img" aria-label="when each plan builds what">"#
    );
    let _ = write!(
        svg,
        r##"<rect width="{WIDTH}" height="{height}" fill="white"/><text x="20" y="30" font-size="18">When each of the cheapest plans builds what</text><text x="20" y="52" font-size="12" fill="#444444">A bar from the day an upgrade enters service to the end of {}; the plans in order of cost (present value).</text>"##,
        planning.start_year + planning.years as i32 - 1
    );
    let bottom = top + rows as f64 * ROW;
    for k in 0..=planning.years {
        let year = y0 + f64::from(k);
        let _ = write!(svg, r##"<line x1="{0:.1}" y1="{top}" x2="{0:.1}" y2="{bottom}" stroke="#dddddd"/>"##, x(year));
        if k < planning.years {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"#,
                (x(year) + x(year + 1.0)) / 2.0,
                bottom + 18.0,
                planning.start_year + k as i32
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">calendar year (entry into service)</text>"#,
        (BARS_LEFT + WIDTH - RIGHT) / 2.0,
        bottom + 40.0
    );
    let mut row = 0usize;
    let at = |row: usize| top + row as f64 * ROW;
    for (i, ranked) in answer.best.iter().enumerate() {
        let plan = &ranked.evaluation.plan;
        let header = format!("Plan {} — {}", i + 1, crate::report::plan::money(plan.cost, &answer.currency));
        let _ = write!(
            svg,
            r#"<text x="20" y="{:.1}" font-size="13" font-weight="bold" fill="{}">{}</text>"#,
            at(row) + 15.0,
            colour(i),
            escape(&fit(&header, BARS_LEFT - 30.0, 13))
        );
        row += 1;
        if plan.upgrades.is_empty() {
            let _ = write!(
                svg,
                r#"<text x="34" y="{:.1}" font-size="12">builds nothing: the scenario as it is</text>"#,
                at(row) + 15.0
            );
            row += 1;
        }
        for u in &plan.upgrades {
            let from = u.date.as_deref().and_then(year_of).unwrap_or(y0);
            let y = at(row);
            let _ = write!(
                svg,
                r#"<text x="34" y="{:.1}" font-size="12">{}</text><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" fill-opacity="0.75"><title>{} from {}</title></rect>"#,
                y + 15.0,
                escape(&fit(&u.name, BARS_LEFT - 50.0, 12)),
                x(from),
                y + 4.0,
                (x(y1) - x(from)).max(2.0),
                ROW - 8.0,
                colour(i),
                escape(&u.name),
                u.date.as_deref().unwrap_or("the start"),
            );
            row += 1;
        }
    }
    svg.push_str("</svg>");
    Ok(Some(svg))
}

/// A panel of the year-by-year chart: one constraint of plan 1 in every year.
struct Panel<'a> {
    /// The panel's title.
    title: String,
    /// The y axis's label, with its unit.
    axis: String,
    /// The constraint in each year, in year order.
    years: Vec<&'a ConstraintValue>,
    /// Whether the limit is an upper one (`<=`): the allowed side is below.
    at_most: bool,
}

/// The panels of plan 1's constraints: stability's growth, then each criterion.
fn panels(answer: &PlanAnswer) -> Vec<Panel<'_>> {
    let Some(first) = answer.best.first() else { return Vec::new() };
    let constraints: Vec<&ConstraintValue> = first.evaluation.constraints.iter().filter(|c| c.year.is_some()).collect();
    let mut out = Vec::new();
    let stable: Vec<&ConstraintValue> =
        constraints.iter().copied().filter(|c| c.criterion.is_none() && c.constraint.starts_with("stable")).collect();
    if !stable.is_empty() {
        out.push(Panel {
            title: "Stability: backlog growth against the tolerance (a share of demand)".into(),
            axis: "backlog growth (t/day)".into(),
            years: stable,
            at_most: true,
        });
    }
    for (k, criterion) in answer.criteria.iter().enumerate() {
        let years: Vec<&ConstraintValue> = constraints.iter().copied().filter(|c| c.criterion == Some(k)).collect();
        if years.is_empty() {
            continue;
        }
        // The KPI's key, without a `year.<Y>.` prefix, for its unit.
        let key = criterion.split_whitespace().next().unwrap_or(criterion);
        let key = key.strip_prefix("year.").and_then(|k| k.split_once('.')).map_or(key, |(_, rest)| rest);
        // The axis names the measure after its entity (the title names it in full).
        let label = kpi_axis_label(key);
        let axis = match key.splitn(3, '.').nth(2) {
            Some(measure) if label.chars().count() > 30 => label.replacen(key, measure, 1),
            _ => label,
        };
        out.push(Panel { title: format!("Criterion: {criterion}"), axis, years, at_most: criterion.contains("<=") });
    }
    out
}

/// `plan_years.svg`: plan 1, year by year, one panel per constraint (stability's
/// backlog growth, each criterion's KPI): the mean with its 95 % interval as a band,
/// the limit dashed, a dot where the year holds and a × where it fails or stays
/// undecided. `None` without a planning horizon or a feasible plan.
///
/// # Errors
/// None in practice; the `Result` matches the other charts.
pub fn plan_years(answer: &PlanAnswer) -> Result<Option<String>, ChartError> {
    let panels = panels(answer);
    if panels.is_empty() {
        return Ok(None);
    }
    let years: Vec<i32> = panels.iter().flat_map(|p| p.years.iter().filter_map(|c| c.year)).collect();
    let (y0, y1) = (years.iter().copied().min().unwrap_or(0), years.iter().copied().max().unwrap_or(0));
    let (left, right) = (90.0, WIDTH - RIGHT - 10.0);
    let span = f64::from((y1 - y0).max(1));
    let x = |year: i32| left + 30.0 + f64::from(year - y0) / span * (right - left - 60.0);
    let panel_height = 250.0;
    let top = 100.0;
    let height = top + panels.len() as f64 * (panel_height + 40.0) + 30.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" role="img" aria-label="plan 1 year by year">"#
    );
    let plan = &answer.best[0].evaluation;
    let _ = write!(
        svg,
        r##"<rect width="{WIDTH}" height="{height}" fill="white"/><text x="20" y="30" font-size="18">Plan 1 year by year: every constraint against its limit</text><text x="20" y="52" font-size="12" fill="#444444">{}</text><text x="20" y="72" font-size="12" fill="#444444">Mean over {} replications with its 95 % interval (band); limit dashed; ● the year holds, × it fails or is undecided.</text>"##,
        escape(&fit(&format!("Builds: {}", plan.plan.describe()), WIDTH - 40.0, 12)),
        plan.replications
    );
    for (n, panel) in panels.iter().enumerate() {
        let panel_top = top + n as f64 * (panel_height + 40.0) + 20.0;
        let (plot_top, plot_bottom) = (panel_top + 10.0, panel_top + panel_height - 30.0);
        let values = panel.years.iter().flat_map(|c| [c.ci95[0], c.ci95[1], c.mean, c.limit]).filter(|v| v.is_finite());
        let (lo, hi) = values.fold((0.0_f64, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let ticks = nice_ticks(lo, if hi > lo { hi } else { lo + 1.0 });
        let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
        let y = |v: f64| plot_bottom - (v.clamp(lo, hi) - lo) / (hi - lo) * (plot_bottom - plot_top);
        let _ = write!(
            svg,
            r##"<text x="20" y="{:.1}" font-size="13" font-weight="bold">{}</text><rect x="{left}" y="{plot_top:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#bbbbbb"/>"##,
            panel_top,
            escape(&fit(&panel.title, WIDTH - 230.0, 13)),
            right - left,
            plot_bottom - plot_top
        );
        let _ = write!(
            svg,
            r#"<text x="16" y="{0:.1}" font-size="12" text-anchor="middle" transform="rotate(-90 16 {0:.1})">{1}</text>"#,
            (plot_top + plot_bottom) / 2.0,
            escape(&fit(&panel.axis, plot_bottom - plot_top, 12))
        );
        for &v in &ticks {
            let _ = write!(
                svg,
                r##"<line x1="{left}" y1="{0:.1}" x2="{right}" y2="{0:.1}" stroke="#eeeeee"/><text x="{1:.1}" y="{2:.1}" font-size="11" text-anchor="end">{3}</text>"##,
                y(v),
                left - 6.0,
                y(v) + 4.0,
                crate::report::charts::human(v)
            );
        }
        for year in y0..=y1 {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{year}</text>"#,
                x(year),
                plot_bottom + 18.0
            );
        }
        let points: Vec<(f64, &ConstraintValue)> = panel.years.iter().filter_map(|c| Some((x(c.year?), *c))).collect();
        let band: Vec<String> = points
            .iter()
            .map(|(px, c)| format!("{px:.1},{:.1}", y(c.ci95[1])))
            .chain(points.iter().rev().map(|(px, c)| format!("{px:.1},{:.1}", y(c.ci95[0]))))
            .collect();
        let line = |f: &dyn Fn(&ConstraintValue) -> f64| -> String {
            points.iter().map(|(px, c)| format!("{px:.1},{:.1}", y(f(c)))).collect::<Vec<_>>().join(" ")
        };
        let _ = write!(
            svg,
            r##"<polygon points="{0}" fill="{1}" fill-opacity="0.2"/><polyline points="{2}" fill="none" stroke="#000000" stroke-width="1.5" stroke-dasharray="6 4"/><polyline points="{3}" fill="none" stroke="{1}" stroke-width="2"/>"##,
            band.join(" "),
            colour(0),
            line(&|c| c.limit),
            line(&|c| c.mean),
        );
        for (px, c) in &points {
            let fails = !c.holds || c.call != Call::Holds;
            let title = format!(
                "{}: mean {} (95 % CI {} to {}), limit {}{}",
                c.year.unwrap_or_default(),
                crate::report::charts::human(c.mean),
                crate::report::charts::human(c.ci95[0]),
                crate::report::charts::human(c.ci95[1]),
                crate::report::charts::human(c.limit),
                if fails { " — fails or undecided" } else { "" }
            );
            let py = y(c.mean);
            if fails {
                let _ = write!(
                    svg,
                    r##"<path d="M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}" stroke="#c00000" stroke-width="3"><title>{}</title></path>"##,
                    px - 6.0,
                    py - 6.0,
                    px + 6.0,
                    py + 6.0,
                    px - 6.0,
                    py + 6.0,
                    px + 6.0,
                    py - 6.0,
                    escape(&title)
                );
            } else {
                let _ = write!(
                    svg,
                    r#"<circle cx="{px:.1}" cy="{py:.1}" r="5" fill="{}"><title>{}</title></circle>"#,
                    colour(0),
                    escape(&title)
                );
            }
        }
        let side = if panel.at_most { "at most" } else { "at least" };
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#444444">limit (dashed): {side}</text>"##,
            right, panel_top
        );
    }
    svg.push_str("</svg>");
    Ok(Some(svg))
}

/// Round tick values from at most `lo` to at least `hi`: steps of 1, 2 or 5 × 10^k,
/// four to eight of them.
fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let first = (lo / step).floor() * step;
    let mut ticks = Vec::new();
    let mut v = first;
    while v < hi + step * 0.5 && ticks.len() < 20 {
        ticks.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        v += step;
    }
    if ticks.len() < 2 {
        ticks.push(first + step);
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(-3.9, 56.0), vec![-20.0, 0.0, 20.0, 40.0, 60.0]);
        let t = nice_ticks(0.0, 7.43);
        assert_eq!(t, vec![0.0, 2.0, 4.0, 6.0, 8.0]);
    }
}
