//! The decision table: one row per variant with what a planner decides on — demand
//! against delivered, the backlog left, the stability verdict, what binds, the ship
//! wait at the focus ports and the p95 transit time of the focus flows — and the
//! paired differences of the same figures between variants.
//!
//! Columns fit in [`MAX_WIDTH`] characters. Figures are means over the replications
//! that finished; their intervals are in the JSON, the CSV and `--all`.

use crate::experiment::{ExperimentResult, Stability, VariantResult, Verdict};

/// The widest the decision table may be, in characters.
pub const MAX_WIDTH: usize = 100;

/// Days in a year: window totals × 365 ÷ days measured give a year's figure.
const DAYS_PER_YEAR: f64 = 365.0;

/// One variant's row.
#[derive(Debug, Clone)]
pub struct DecisionRow {
    /// Variant name.
    pub variant: String,
    /// Tonnes generated, Mt a year.
    pub demand_mt_per_year: f64,
    /// Tonnes delivered, Mt a year.
    pub delivered_mt_per_year: f64,
    /// Cargo in the system at the end, kt.
    pub backlog_kt: f64,
    /// The stability verdict and its evidence.
    pub stability: Stability,
    /// Per focus port: (port, mean ship wait h, p95 ship wait h).
    pub waits: Vec<(String, f64, f64)>,
    /// The slowest focus flow and its p95 transit time in days.
    pub transit_p95_days: Option<(String, f64)>,
}

fn mean(v: &VariantResult, key: &str) -> Option<f64> {
    v.summary(key).map(|s| s.mean)
}

/// The ports whose waits the table shows: the scenario's focus ports, or else the
/// port with the largest throughput in the first variant.
pub fn focus_ports(result: &ExperimentResult) -> Vec<String> {
    if !result.focus.ports.is_empty() {
        return result.focus.ports.clone();
    }
    let Some(first) = result.variants.first() else {
        return Vec::new();
    };
    first
        .keys
        .iter()
        .filter_map(|k| {
            let port = k.strip_prefix("port.")?.strip_suffix(".throughput_tonnes")?;
            Some((port.to_string(), mean(first, k).unwrap_or(0.0)))
        })
        .fold(None::<(String, f64)>, |best, (p, t)| match best {
            Some((_, bt)) if bt >= t => best,
            _ => Some((p, t)),
        })
        .map(|(p, _)| vec![p])
        .unwrap_or_default()
}

/// The flows whose transit times the table shows: the scenario's focus flows, or
/// else every flow.
pub fn focus_flows(result: &ExperimentResult) -> Vec<String> {
    if !result.focus.flows.is_empty() {
        return result.focus.flows.clone();
    }
    let Some(first) = result.variants.first() else {
        return Vec::new();
    };
    first
        .keys
        .iter()
        .filter_map(|k| k.strip_prefix("flow.")?.strip_suffix(".transit_hours.p95").map(String::from))
        .collect()
}

/// The rows of the decision table, one per variant.
pub fn decision_rows(result: &ExperimentResult) -> Vec<DecisionRow> {
    let ports = focus_ports(result);
    let flows = focus_flows(result);
    result
        .variants
        .iter()
        .map(|v| {
            let days = mean(v, "system.measured_days").unwrap_or(0.0).max(1e-9);
            let per_year = |key: &str| mean(v, key).unwrap_or(0.0) / days * DAYS_PER_YEAR / 1e6;
            let waits = ports
                .iter()
                .map(|p| {
                    let w = |s: &str| mean(v, &format!("port.{p}.ship_wait_hours.{s}")).unwrap_or(f64::NAN);
                    (p.clone(), w("mean"), w("p95"))
                })
                .collect();
            let transit_p95_days = flows
                .iter()
                .filter_map(|f| Some((f.clone(), mean(v, &format!("flow.{f}.transit_hours.p95"))? / 24.0)))
                .fold(None::<(String, f64)>, |best, (f, d)| match best {
                    Some((_, bd)) if bd >= d => best,
                    _ => Some((f, d)),
                });
            DecisionRow {
                variant: v.name.clone(),
                demand_mt_per_year: per_year("system.generated_tonnes"),
                delivered_mt_per_year: per_year("system.delivered_tonnes"),
                backlog_kt: mean(v, "system.in_system_tonnes").unwrap_or(0.0) / 1e3,
                stability: v.stability(),
                waits,
                transit_p95_days,
            }
        })
        .collect()
}

/// A resource key in a few words: `service.aktau_feeder` → `aktau_feeder fleet`,
/// `port.baku.berths.dry` → `baku dry berths`, `rail.btk` → `btk line`.
pub fn short_resource(resource: &str) -> String {
    if let Some(rest) = resource.strip_prefix("port.") {
        if let Some((port, class)) = rest.split_once(".berths.") {
            return format!("{port} {class} berths");
        }
        if let Some(port) = rest.strip_suffix(".yard") {
            return format!("{port} yard");
        }
    }
    if let Some(s) = resource.strip_prefix("service.") {
        return s.to_string();
    }
    if let Some(l) = resource.strip_prefix("rail.") {
        return format!("{l} line");
    }
    if let Some(t) = resource.strip_prefix("transfer.") {
        return format!("{t} transfer");
    }
    resource.to_string()
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// `x` with `decimals` places, or a dash when it is not finite.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    if x.is_finite() { format!("{x:.decimals$}") } else { "—".to_string() }
}

/// The decision table as text, with a line per variant that is not stable saying
/// why, and the caveats.
pub fn decision_table(result: &ExperimentResult) -> String {
    let rows = decision_rows(result);
    // 19 columns of name leave room for one focus port and the transit column.
    let name_width = rows.iter().map(|r| r.variant.chars().count()).max().unwrap_or(7).clamp(7, 19);
    let mut columns = Columns::new();
    columns.text("variant", "", name_width);
    columns.number("demand", "Mt/yr", 6);
    columns.number("deliv.", "Mt/yr", 6);
    columns.number("backlog", "kt", 7);
    columns.text("verdict", "", 12);
    columns.text("binding resource", "", 20);
    columns.number("ρ", "", 4);
    let with_transit = rows.iter().any(|r| r.transit_p95_days.is_some());
    let transit_width = if with_transit { 8 } else { 0 };
    let mut ports_shown = 0;
    for p in focus_ports(result) {
        if columns.width() + 12 + transit_width > MAX_WIDTH {
            break;
        }
        let label = clip(&format!("{p} wait h"), 11);
        columns.number(&label, "mean", 5);
        columns.number("", "p95", 5);
        ports_shown += 1;
    }
    if with_transit {
        columns.number("transit", "p95 d", 7);
    }
    let mut out = columns.header();
    for r in &rows {
        let binding = r.stability.binding.as_ref();
        let mut cells = vec![
            clip(&r.variant, name_width),
            fixed(r.demand_mt_per_year, 2),
            fixed(r.delivered_mt_per_year, 2),
            fixed(r.backlog_kt, 0),
            r.stability.verdict.name().to_string(),
            binding.map_or("—".into(), |b| clip(&short_resource(&b.resource), 20)),
            binding.map_or("—".into(), |b| fixed(b.rho(), 2)),
        ];
        for (_, m, p95) in r.waits.iter().take(ports_shown) {
            cells.push(fixed(*m, 1));
            cells.push(fixed(*p95, 1));
        }
        if with_transit {
            cells.push(r.transit_p95_days.as_ref().map_or("—".into(), |(_, d)| fixed(*d, 1)));
        }
        out += &columns.row(&cells);
    }
    out += &footnotes(result, &rows, ports_shown);
    out
}

fn footnotes(result: &ExperimentResult, rows: &[DecisionRow], ports_shown: usize) -> String {
    let mut out = String::new();
    let days = result.variants.first().and_then(|v| mean(v, "system.measured_days")).unwrap_or(0.0);
    let mut para = |text: &str, indent: &str| {
        let hanging = if indent.is_empty() { String::new() } else { format!("{indent}    ") };
        let options = textwrap::Options::new(MAX_WIDTH).initial_indent(indent).subsequent_indent(&hanging);
        for line in textwrap::wrap(text, options) {
            out += &line;
            out.push('\n');
        }
    };
    para("", "");
    para(
        &format!(
            "Means over replications; demand and delivered scaled to a year from the {days:.0}-day measured \
             window; backlog: cargo still in the corridor at the end. ρ: offered load ÷ capacity of the binding \
             resource (the higher of the capacity sheet's and the simulated)."
        ),
        "",
    );
    if let Some(last) = result.variants.first().and_then(|v| v.years().last().copied()) {
        para(
            &format!(
                "A planning run: the table shows {last}, the last year; each year's verdict follows (YEAR BY YEAR)."
            ),
            "",
        );
    }
    let flows = focus_flows(result);
    if !flows.is_empty() {
        para(&format!("Transit: p95 door to door of the slowest of {}.", list(&flows, 4)), "");
    }
    let hidden = focus_ports(result).len().saturating_sub(ports_shown);
    if hidden > 0 {
        para(&format!("{hidden} more focus ports do not fit in {MAX_WIDTH} columns: see --all or the JSON."), "");
    }
    let unsteady: Vec<&DecisionRow> = rows.iter().filter(|r| !r.stability.verdict.is_steady()).collect();
    if !unsteady.is_empty() {
        para("", "");
        para(
            "NOT A STEADY STATE — the waits and transit times of these variants grow with the horizon and \
             describe this run only:",
            "",
        );
        for r in unsteady {
            para(&format!("{}: {}", r.variant, r.stability.summary), "  ");
        }
    }
    for r in rows {
        for c in &r.stability.caveats {
            para(&format!("note ({}): {c}", r.variant), "  ");
        }
    }
    out
}

fn list(items: &[String], n: usize) -> String {
    if items.len() <= n { items.join(", ") } else { format!("{} and {} more", items[..n].join(", "), items.len() - n) }
}

/// The headline figures compared between variants: (KPI key, label, scale, decimals).
fn headline_figures(result: &ExperimentResult) -> Vec<(String, String, f64, usize)> {
    let days = result.variants.first().and_then(|v| mean(v, "system.measured_days")).unwrap_or(0.0).max(1e-9);
    let per_year = DAYS_PER_YEAR / days / 1e6;
    let mut figures = vec![
        ("system.delivered_tonnes".to_string(), "delivered (Mt/yr)".to_string(), per_year, 3),
        ("system.in_system_tonnes".into(), "backlog at the end (kt)".into(), 1e-3, 1),
        ("system.backlog_growth_tonnes_per_day".into(), "backlog growth (t/day)".into(), 1.0, 0),
    ];
    for p in focus_ports(result) {
        figures.push((format!("port.{p}.ship_wait_hours.mean"), format!("{p} ship wait, mean (h)"), 1.0, 2));
        figures.push((format!("port.{p}.ship_wait_hours.p95"), format!("{p} ship wait, p95 (h)"), 1.0, 2));
    }
    for f in focus_flows(result) {
        figures.push((format!("flow.{f}.transit_hours.p95"), format!("{f} transit, p95 (d)"), 1.0 / 24.0, 2));
    }
    figures
}

/// Paired differences (common random numbers) of the headline figures of every
/// variant against `base`, with 95 % CIs.
pub fn headline_comparison(result: &ExperimentResult, base: &str) -> String {
    let figures = headline_figures(result);
    let width = figures.iter().map(|(_, l, _, _)| l.chars().count()).max().unwrap_or(20);
    let mut out = String::new();
    for v in result.variants.iter().filter(|v| v.name != base) {
        out += &format!("\n{} − {} (paired over common random numbers; 95 % CI):\n", v.name, base);
        let diffs = result.compare(base, &v.name).unwrap_or_default();
        for (key, label, scale, d) in &figures {
            let Some((_, diff)) = diffs.iter().find(|(k, _)| k == key) else {
                continue;
            };
            let sign = |x: f64| {
                let text = fixed(x * scale, *d);
                if x * scale >= 0.0 { format!("+{text}") } else { text.replace('-', "−") }
            };
            out += &format!(
                "  {label:<width$} {:>10}   ({} to {})\n",
                sign(diff.mean),
                sign(diff.ci95[0]),
                sign(diff.ci95[1])
            );
        }
        let (b, s) = (result.variant(base).map(VariantResult::stability), v.stability());
        if let Some(b) = b
            && b.verdict != s.verdict
        {
            out += &format!("  verdict: {} → {}\n", b.verdict.name(), s.verdict.name());
        }
        if !s.verdict.is_steady() {
            out +=
                &format!("  ({} is {}: differences in waits compare non-steady figures)\n", v.name, s.verdict.name());
        }
    }
    out
}

/// A verdict in a word, upper case where it is not stable (for legends).
pub fn verdict_mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Stable => "",
        Verdict::Unstable => " — UNSTABLE",
        Verdict::Inconclusive => " — INCONCLUSIVE",
        Verdict::Saturated => " — SATURATED",
    }
}

/// Fixed-width columns with a two-line header (name, then unit), text left-aligned
/// and numbers right-aligned, one space apart.
struct Columns {
    columns: Vec<(String, String, usize, bool)>,
}

impl Columns {
    fn new() -> Columns {
        Columns { columns: Vec::new() }
    }

    fn text(&mut self, name: &str, unit: &str, width: usize) {
        self.columns.push((name.to_string(), unit.to_string(), width, false));
    }

    fn number(&mut self, name: &str, unit: &str, width: usize) {
        self.columns.push((name.to_string(), unit.to_string(), width, true));
    }

    fn width(&self) -> usize {
        self.columns.iter().map(|c| c.2 + 1).sum::<usize>().saturating_sub(1)
    }

    fn line(&self, cells: &[String]) -> String {
        let mut out = String::new();
        for ((_, _, width, right), cell) in self.columns.iter().zip(cells) {
            if !out.is_empty() {
                out.push(' ');
            }
            let pad = width.saturating_sub(cell.chars().count());
            if *right {
                out += &" ".repeat(pad);
                out += cell;
            } else {
                out += cell;
                out += &" ".repeat(pad);
            }
        }
        out.trim_end().to_string() + "\n"
    }

    /// The header: names (a name followed by columns with no name of their own spans
    /// them, right-aligned), units, and a rule.
    fn header(&self) -> String {
        let mut names = String::new();
        let mut i = 0;
        while i < self.columns.len() {
            let &(ref name, _, mut width, right) = &self.columns[i];
            let mut j = i + 1;
            while j < self.columns.len() && self.columns[j].0.is_empty() {
                width += self.columns[j].2 + 1;
                j += 1;
            }
            if !names.is_empty() {
                names.push(' ');
            }
            let pad = width.saturating_sub(name.chars().count());
            if right {
                names += &" ".repeat(pad);
                names += name;
            } else {
                names += name;
                names += &" ".repeat(pad);
            }
            i = j;
        }
        let units: Vec<String> = self.columns.iter().map(|c| c.1.clone()).collect();
        names.trim_end().to_string() + "\n" + &self.line(&units) + &"-".repeat(self.width()) + "\n"
    }

    fn row(&self, cells: &[String]) -> String {
        self.line(cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_read_as_words() {
        assert_eq!(short_resource("service.aktau_feeder"), "aktau_feeder");
        assert_eq!(short_resource("port.baku.berths.rail_ferry"), "baku rail_ferry berths");
        assert_eq!(short_resource("port.aktau.yard"), "aktau yard");
        assert_eq!(short_resource("rail.btk"), "btk line");
        assert_eq!(short_resource("transfer.akhalkalaki"), "akhalkalaki transfer");
        assert_eq!(clip("abcdefgh", 5), "abcd…");
    }
}
