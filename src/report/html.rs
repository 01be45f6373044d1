//! `report.html`: one self-contained file a planner can mail — styles and charts
//! inline, no scripts, no network (a Content-Security-Policy forbids any). The
//! decision comes first (the decision table and the verdicts, or the capacity or plan
//! answer), then a panel per port, flow and service, then the assumptions and the
//! provenance (scenario file and hash, seed, replications, program version, command
//! line, date). Laid out for 1,366 px screens without horizontal scrolling and for
//! printing to PDF. The page is a minijinja template, `report.html.j2`.

use super::ReportError;
use super::decision::{decision_rows, focus_flows, focus_ports, headline_comparison, short_resource};
use crate::experiment::capacity::{CapacityAnswer, CapacitySearch};
use crate::experiment::plan::PlanAnswer;
use crate::experiment::sensitivity::Sensitivity;
use crate::experiment::sweep::SweepResult;
use crate::experiment::uncertainty::{UncertainCapacity, UncertainRun};
use crate::experiment::{ExperimentResult, VariantResult, Verdict};
use crate::scenario::Scenario;
use serde::Serialize;

mod capacity;
mod plan;
mod run;
mod sensitivity;
mod sweep;

pub use capacity::capacity_report;
pub use plan::plan_report;
pub use run::run_report;
pub use sensitivity::sensitivity_report;
pub use sweep::sweep_report;

const TEMPLATE: &str = include_str!("report.html.j2");

/// Where a report's figures came from: enough to run it again and get the same numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The scenario file, as given.
    pub scenario_file: String,
    /// The scenario's name.
    pub scenario_name: String,
    /// BLAKE3 hash of the scenario file's text, hex.
    pub scenario_hash: String,
    /// The master seed.
    pub seed: u64,
    /// Replications, in words (per variant, per point or per plan).
    pub replications: String,
    /// This program's version.
    pub version: String,
    /// The command line that wrote the report.
    pub command_line: String,
    /// When it was written (UTC, RFC 3339).
    pub date: String,
}

impl Provenance {
    /// The provenance of results from `scenario` now, with this process's command line.
    pub fn new(scenario: &Scenario, seed: u64, replications: String) -> Provenance {
        let command_line = std::env::args().map(|a| quote(&a)).collect::<Vec<_>>().join(" ");
        Provenance {
            scenario_file: scenario.file().to_string(),
            scenario_name: scenario.base().scenario.name.clone(),
            scenario_hash: blake3::hash(scenario.text().as_bytes()).to_hex().to_string(),
            seed,
            replications,
            version: env!("CARGO_PKG_VERSION").to_string(),
            command_line,
            date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        }
    }
}

/// `n` and a noun: `one` after 1 (`1 variant is`), `many` otherwise (`13 variants are`).
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// An argument as a shell would need it written.
fn quote(arg: &str) -> String {
    let plain = arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain && !arg.is_empty() { arg.to_string() } else { format!("'{}'", arg.replace('\'', "'\\''")) }
}

#[derive(Debug, Clone, Default, Serialize)]
struct Cell {
    text: String,
    /// Lines shown one under another after `text`.
    lines: Vec<String>,
    sub: Option<String>,
    /// `num` for a number (right-aligned; the template writes such cells without a
    /// class, as they are most cells), a verdict's class, or empty for text.
    class: &'static str,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), ..Cell::default() }
    }

    fn num(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), class: "num", ..Cell::default() }
    }

    fn sub(mut self, sub: impl Into<String>) -> Cell {
        self.sub = Some(sub.into());
        self
    }

    fn verdict(verdict: Verdict) -> Cell {
        Cell { text: verdict.name().to_string(), class: verdict_class(verdict), ..Cell::default() }
    }
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Stable => "verdict stable",
        Verdict::Inconclusive => "verdict inconclusive",
        Verdict::Unstable => "verdict unstable",
        Verdict::Saturated => "verdict saturated",
    }
}

#[derive(Debug, Clone, Default, Serialize)]
struct Table {
    id: Option<String>,
    caption: Option<String>,
    head: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(head: &[(&str, &str)]) -> Table {
        let head =
            head.iter().map(|(t, s)| if s.is_empty() { Cell::text(*t) } else { Cell::text(*t).sub(*s) }).collect();
        Table { head, ..Table::default() }
    }
}

#[derive(Debug, Clone, Serialize)]
struct Chart {
    svg: String,
    caption: String,
}

#[derive(Debug, Clone, Default, Serialize)]
struct Panel {
    title: String,
    intro: Vec<String>,
    tables: Vec<Table>,
}

#[derive(Debug, Clone, Serialize)]
struct VerdictLine {
    variant: String,
    verdict: String,
    class: &'static str,
    text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
struct Section {
    /// Its anchor in the page (unique within it).
    id: std::borrow::Cow<'static, str>,
    title: String,
    intro: Vec<String>,
    tables: Vec<Table>,
    verdicts: Vec<VerdictLine>,
    /// Paragraphs after the tables and verdicts.
    notes: Vec<String>,
    texts: Vec<String>,
    /// Charts right after the intro, before the tables (the map of "what binds").
    lead: Vec<Chart>,
    charts: Vec<Chart>,
    grid: bool,
    panels: Vec<Panel>,
}

#[derive(Debug, Clone, Serialize)]
struct Alert {
    text: String,
    class: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct Page {
    title: String,
    subtitle: String,
    alerts: Vec<Alert>,
    sections: Vec<Section>,
    assumptions: Vec<String>,
    provenance: Provenance,
    files: Vec<String>,
}

fn render(page: &Page) -> Result<String, ReportError> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE).map_err(|e| ReportError::Html(e.to_string()))?;
    let template = env.get_template("report.html").map_err(|e| ReportError::Html(e.to_string()))?;
    template.render(minijinja::value::Serde(page)).map_err(|e| ReportError::Html(e.to_string()))
}

/// The SVG of `name` among `charts`, to inline as it is (plotters writes no XML declaration).
fn chart(charts: &[(String, String)], name: &str, caption: &str) -> Option<Chart> {
    let (_, svg) = charts.iter().find(|(n, _)| n == name)?;
    Some(Chart { svg: svg.clone(), caption: caption.to_string() })
}

/// A number with `decimals` places (as the decision table writes it); whole numbers
/// of 10,000 and more get thousands separators.
fn fixed(x: f64, decimals: usize) -> String {
    if decimals == 0 && x.is_finite() && x.abs() >= 10_000.0 {
        return format!("{}{}", if x < 0.0 { "−" } else { "" }, super::charts::thousands(x.abs()));
    }
    super::decision::fixed(x, decimals)
}

/// The factor that turns tonnes over `v`'s measured window into Mt a year.
fn mt_per_year(v: &VariantResult) -> f64 {
    let days = v.summary("system.measured_days").map_or(365.0, |s| s.mean.max(1e-9));
    365.0 / days / 1e6
}

/// A KPI's mean and 95 % CI as a cell, scaled.
fn kpi_cell(v: &VariantResult, key: &str, scale: f64, decimals: usize) -> Cell {
    match v.summary(key) {
        Some(s) => Cell::num(fixed(s.mean * scale, decimals)).sub(format!(
            "{} – {}",
            fixed(s.ci95[0] * scale, decimals),
            fixed(s.ci95[1] * scale, decimals)
        )),
        None => Cell::num("—"),
    }
}

fn assumptions(scenario: &Scenario) -> Vec<String> {
    let b = scenario.base();
    let mut out = vec![
        format!(
            "Every figure comes from the scenario file {} (\"{}\"): capacities, handling rates, demand and \
             distributions marked ASSUMPTION there are the modeller's, not measured.",
            scenario.file(),
            b.scenario.name
        ),
        format!(
            "Each replication runs {} days after {} days of warm-up, which are not measured.",
            b.scenario.horizon_days, b.scenario.warmup_days
        ),
        "A variant is stable when the cargo in the corridor does not grow beyond tolerance over the measured \
         window; waits, queues and stocks of a variant that is not stable grow with the run and describe this run \
         only."
            .into(),
        "Utilisation counts productive time only (loaded sailing or running, berthing, handling); time waiting for \
         cargo, a berth or the weather is not busy."
            .into(),
        "ρ is offered load ÷ capacity, the higher of the capacity sheet's (worked out from the scenario) and the \
         simulated."
            .into(),
    ];
    if let Some(p) = &b.planning {
        out.push(format!(
            "A planning run over {} years from {}: demand grows by the growth paths, dated changes enter on their dates.",
            p.years, p.start_year
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str) -> Page {
        Page {
            title: title.into(),
            subtitle: String::new(),
            alerts: Vec::new(),
            sections: vec![Section {
                id: "decision".into(),
                title: "T".into(),
                charts: vec![Chart { svg: "<svg width=\"1\" height=\"1\"></svg>".into(), caption: "c".into() }],
                ..Section::default()
            }],
            assumptions: Vec::new(),
            provenance: Provenance {
                scenario_file: "f.toml".into(),
                scenario_name: title.into(),
                scenario_hash: "0".into(),
                seed: 1,
                replications: "2".into(),
                version: "0".into(),
                command_line: "corridor run f.toml".into(),
                date: "2026-01-01T00:00:00Z".into(),
            },
            files: Vec::new(),
        }
    }

    #[test]
    fn text_from_the_scenario_is_escaped_and_charts_are_not() {
        let html = render(&page("<script>alert(1)</script> & co")).unwrap();
        assert!(!html.contains("<script>"), "a scenario's name ran as a script");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; co"));
        assert!(html.contains("<svg width=\"1\" height=\"1\"></svg>"), "the chart was escaped");
    }

    #[test]
    fn arguments_are_quoted_as_a_shell_needs() {
        assert_eq!(quote("--out"), "--out");
        assert_eq!(quote("port.a.ship_wait_hours.mean <= 6"), "'port.a.ship_wait_hours.mean <= 6'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
    }
}
