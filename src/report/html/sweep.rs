//! The sweep report (`corridor sweep --out`).

use super::run::{alerts, decision_section};
use super::*;

/// The report of a sweep: the KPI at every point, the chart of a one-axis sweep and
/// the verdict of every point.
///
/// # Errors
/// The template cannot be rendered (a bug).
pub fn sweep_report(
    scenario: &Scenario,
    sweep: &SweepResult,
    charts: &[(String, String)],
    files: &[String],
) -> Result<String, ReportError> {
    let mut decision = decision_section(&sweep.result);
    decision.title = "Every point of the sweep".into();
    let section = Section {
        id: "sweep".into(),
        title: format!("{} across the sweep", sweep.kpi),
        texts: vec![crate::report::publish::sweep_text(sweep).trim().to_string()],
        charts: chart(charts, "sweep.svg", "The KPI's mean and 95 % band at every point.").into_iter().collect(),
        ..Section::default()
    };
    let page = Page {
        title: format!("{} — sweep", scenario.base().scenario.name),
        subtitle: format!(
            "{} points × {} replications, seed {}",
            sweep.result.variants.len(),
            sweep.result.replications,
            sweep.result.seed
        ),
        alerts: alerts(&sweep.result),
        sections: vec![decision, section],
        assumptions: assumptions(scenario),
        provenance: Provenance::new(scenario, sweep.result.seed, format!("{} per point", sweep.result.replications)),
        files: files.to_vec(),
    };
    render(&page)
}
