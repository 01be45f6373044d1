//! Small multiples of horizontal bars: one panel per port, variant or other group,
//! every panel with the same rows so they line up, the row labels once at the left,
//! the legend in a strip of its own above the panels.

use super::{ChartError, LIGHT_GRID, LIGHT_LINES, Root, Swatch, err, head, head_height, human, render, text_width};
use plotters::prelude::*;

/// One bar: stacked parts from zero, an optional 95 % CI whisker on the end of the
/// stack, and an optional second figure as a diamond with its own CI (p95 next to a
/// mean).
#[derive(Debug, Clone, Default)]
pub struct Bar {
    /// Stacked parts, left to right: (length, colour).
    pub parts: Vec<(f64, RGBColor)>,
    /// 95 % CI of the stack's end.
    pub whisker: Option<[f64; 2]>,
    /// A second figure and its 95 % CI, drawn as a diamond.
    pub marker: Option<(f64, [f64; 2])>,
}

impl Bar {
    fn end(&self) -> f64 {
        let stack: f64 = self.parts.iter().map(|p| p.0).sum();
        let whisker = self.whisker.map_or(0.0, |w| finite(w[1]));
        let marker = self.marker.map_or(0.0, |(m, ci)| finite(m).max(finite(ci[1])));
        stack.max(whisker).max(marker)
    }
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Panels of bars sharing their rows.
#[derive(Debug, Clone)]
pub struct Trellis<'a> {
    /// The chart's title.
    pub title: &'a str,
    /// The x axis of every panel, with its unit.
    pub x_label: &'a str,
    /// A fixed x range; `None` for zero to a little past the longest bar.
    pub x_range: Option<(f64, f64)>,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// Panels: title and one optional bar per row.
    pub panels: Vec<(String, Vec<Option<Bar>>)>,
    /// What the colours and marks mean.
    pub legend: Vec<(Swatch, String)>,
    /// A vertical reference line and its label (e.g. ρ = 1).
    pub reference: Option<(f64, String)>,
    /// Ticks as percentages of 1 rather than plain numbers.
    pub percent: bool,
    /// Panels per line of the grid.
    pub columns: usize,
    /// Width of one panel's plot, pixels.
    pub panel_width: u32,
}

const ROW_HEIGHT: u32 = 22;
const PANEL_EXTRA: u32 = 86;
const FONT: u32 = 15;
/// Room right of each panel's plot, for its last tick label.
const PANEL_GAP: u32 = 38;

impl Trellis<'_> {
    /// Draws the panels and returns the SVG.
    ///
    /// # Errors
    /// [`ChartError`] when plotters cannot draw the chart.
    pub fn render(&self) -> Result<String, ChartError> {
        let columns = self.columns.clamp(1, self.panels.len().max(1));
        let lines = self.panels.len().div_ceil(columns).max(1);
        let label_width = (self.rows.iter().map(|r| text_width(r, FONT)).max().unwrap_or(60) + 24).clamp(80, 480);
        let width = super::fit_title(label_width + columns as u32 * (self.panel_width + PANEL_GAP) + 16, self.title);
        // A title wider than the panels widens the chart: the panels share the room
        // rather than leave it blank on the right.
        let panel_width = (width - label_width - 16) / columns as u32 - PANEL_GAP;
        let panel_height = PANEL_EXTRA + ROW_HEIGHT * self.rows.len().max(1) as u32;
        let height = head_height(&self.legend, width) + lines as u32 * panel_height + 8;
        let x_range = self.x_range.unwrap_or_else(|| {
            let longest =
                self.panels.iter().flat_map(|(_, bars)| bars.iter().flatten().map(Bar::end)).fold(0.0, f64::max);
            let reference = self.reference.as_ref().map_or(0.0, |r| r.0);
            (0.0, longest.max(reference) * 1.12 + 1e-9)
        });
        render((width, height), |root| {
            let body = head(root, self.title, &self.legend)?;
            for line in 0..lines {
                let top = (line as u32 * panel_height) as i32;
                let strip = body.clone().shrink((0, top), (width, panel_height));
                let mut x = 0;
                for column in 0..columns {
                    let index = line * columns + column;
                    let Some((panel_title, bars)) = self.panels.get(index) else { break };
                    let labels = column == 0;
                    let w = if labels { label_width + panel_width + PANEL_GAP } else { panel_width + PANEL_GAP };
                    let area = strip.clone().shrink((x as i32, 0), (w, panel_height));
                    x += w;
                    self.panel(&area, panel_title, bars, labels.then_some(label_width), x_range)?;
                }
            }
            Ok(())
        })
    }

    fn panel(
        &self,
        area: &Root<'_>,
        title: &str,
        bars: &[Option<Bar>],
        labels: Option<u32>,
        (x0, x1): (f64, f64),
    ) -> Result<(), ChartError> {
        let rows = self.rows.len().max(1);
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 15))
            .margin_top(6)
            .margin_right(30)
            .x_label_area_size(44)
            .y_label_area_size(labels.unwrap_or(4))
            .build_cartesian_2d(x0..x1, 0f64..rows as f64)
            .map_err(err)?;
        let row_labels = &self.rows;
        let label_of = |y: &f64| {
            let i = y.floor() as usize;
            let row = rows.saturating_sub(i + 1);
            let centred = (y - y.floor() - 0.5).abs() < 1e-6;
            if labels.is_some() && centred && row < row_labels.len() { row_labels[row].clone() } else { String::new() }
        };
        let percent = self.percent;
        let tick = |x: &f64| if percent { format!("{:.0} %", x * 100.0) } else { human(*x) };
        chart
            .configure_mesh()
            .light_line_style(LIGHT_GRID)
            .max_light_lines(LIGHT_LINES)
            .disable_y_mesh()
            .y_labels(rows * 2 + 1)
            .y_label_formatter(&label_of)
            .y_label_style(("sans-serif", FONT))
            .x_labels(5)
            .x_label_formatter(&tick)
            .x_label_style(("sans-serif", FONT - 2))
            .axis_desc_style(("sans-serif", FONT))
            .x_desc(self.x_label)
            .draw()
            .map_err(err)?;
        let mut rects = Vec::new();
        let mut whiskers = Vec::new();
        let mut diamonds = Vec::new();
        for (row, bar) in bars.iter().enumerate() {
            let Some(bar) = bar else { continue };
            let y = (rows - row - 1) as f64;
            let mut x = x0;
            for &(length, colour) in &bar.parts {
                let end = (x + length.max(0.0)).min(x1);
                rects.push(Rectangle::new([(x, y + 0.2), (end, y + 0.8)], colour.filled()));
                x = end;
            }
            if let Some([lo, hi]) = bar.whisker.filter(|w| w.iter().all(|v| v.is_finite())) {
                whiskers.push(ErrorBar::new_horizontal(y + 0.5, lo.max(x0), x, hi.min(x1), BLACK.stroke_width(1), 8));
            }
            if let Some((m, [lo, hi])) = bar.marker.filter(|(m, _)| m.is_finite()) {
                if lo.is_finite() && hi.is_finite() {
                    whiskers.push(ErrorBar::new_horizontal(
                        y + 0.5,
                        lo.max(x0),
                        m,
                        hi.min(x1),
                        BLACK.stroke_width(1),
                        4,
                    ));
                }
                diamonds.push((m.min(x1), y + 0.5));
            }
        }
        chart.draw_series(rects).map_err(err)?;
        if let Some((at, _)) = &self.reference {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*at, 0.0), (*at, rows as f64)],
                    6,
                    4,
                    RGBColor(213, 94, 0).stroke_width(2),
                ))
                .map_err(err)?;
        }
        chart.draw_series(whiskers).map_err(err)?;
        chart
            .draw_series(diamonds.into_iter().map(|(x, y)| {
                EmptyElement::at((x, y))
                    + Polygon::new(vec![(0, -6), (6, 0), (0, 6), (-6, 0)], BLACK.filled())
                    + Polygon::new(vec![(0, -4), (4, 0), (0, 4), (-4, 0)], WHITE.filled())
            }))
            .map_err(err)?;
        Ok(())
    }
}
