//! Where the time goes: every fleet's and berth group's time by state, one chart
//! per variant.

use super::{ChartError, LIGHT_GRID, LIGHT_LINES, TITLE_FONT, err, render};
use crate::experiment::VariantResult;
use plotters::prelude::*;

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
        let title = format!("Where the time goes — {}{}", v.name, crate::report::decision::verdict_mark(verdict));
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
            .max_light_lines(LIGHT_LINES)
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
