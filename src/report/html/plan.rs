//! The plan search's report (`corridor plan --out`).

use super::*;

/// The report of a plan search: the cheapest plans first, then the search's record.
///
/// # Errors
/// The template cannot be rendered (a bug).
pub fn plan_report(
    scenario: &Scenario,
    answer: &PlanAnswer,
    files: &[String],
    charts: &[(String, String)],
) -> Result<String, ReportError> {
    let mut table = Table::new(&[
        ("rank", ""),
        ("cost", "present value"),
        ("feasible", "the call"),
        ("upgrades", "enters service"),
        ("binds next", "ρ"),
    ]);
    table.id = Some("decision-table".into());
    for (i, ranked) in answer.best.iter().enumerate() {
        let plan = &ranked.evaluation.plan;
        let upgrades = if plan.upgrades.is_empty() {
            Cell::text("none — the scenario as it is")
        } else {
            let lines = plan
                .upgrades
                .iter()
                .map(|u| format!("{} — {}", u.date.clone().unwrap_or_else(|| "from the start".into()), u.name))
                .collect();
            Cell { lines, ..Cell::default() }
        };
        table.rows.push(vec![
            Cell::num(format!("{}", i + 1)),
            Cell::num(crate::report::plan::money(plan.cost, &answer.currency)),
            Cell::text(crate::report::plan::call_words(&ranked.evaluation, answer)),
            upgrades,
            Cell::text(ranked.binding.as_ref().map_or("—".into(), |(r, _)| short_resource(r)))
                .sub(ranked.binding.as_ref().map_or(String::new(), |(_, rho)| format!("ρ {rho:.2}"))),
        ]);
    }
    table.caption = Some(format!(
        "The cheapest plans that keep every year stable and meet {}, costs discounted at {:.1} %/yr.",
        if answer.criteria.is_empty() { "no further criterion".to_string() } else { answer.criteria.join("; ") },
        answer.discount_rate * 100.0
    ));
    let mut alerts = Vec::new();
    if answer.best.is_empty() {
        alerts.push(Alert {
            text: "No feasible plan was found: see the search below for what fails.".into(),
            class: "bad",
        });
    }
    if let Some(text) = crate::report::plan::tie_note(answer) {
        alerts.push(Alert { text, class: "bad" });
    }
    if let Some(selection) = &answer.selection {
        alerts.push(Alert {
            text: crate::report::plan::selection_text(answer, selection),
            class: if selection.probability >= 0.9 { "ok" } else { "bad" },
        });
    }
    let timeline = chart(
        charts,
        "plan_timeline.svg",
        "Each upgrade of the cheapest plans, from the day it enters service to the horizon's end.",
    );
    let mut sections = vec![Section {
        id: "decision".into(),
        title: "The cheapest upgrade plans".into(),
        tables: vec![table],
        charts: timeline.into_iter().collect(),
        ..Section::default()
    }];
    if let Some(years) = chart(
        charts,
        "plan_years.svg",
        "Plan 1 in every planning year: each constraint's mean with its 95 % interval against its limit; a × marks a year that fails or is undecided.",
    ) {
        sections.push(Section {
            id: "plan-1".into(),
            title: "Plan 1 year by year".into(),
            charts: vec![years],
            ..Section::default()
        });
    }
    sections.push(Section {
        id: "search".into(),
        title: "The plans simulated and the search".into(),
        intro: vec![crate::report::plan::search_text(answer), crate::report::plan::guarantee_text(answer)],
        tables: vec![simulated_table(answer)],
        ..Section::default()
    });
    let page = Page {
        title: format!("{} — cheapest upgrade plan", scenario.base().scenario.name),
        subtitle: format!(
            "variant {}, {} plans simulated, {} replications in all, seed {}, {:.0} s",
            answer.variant,
            answer.evaluated.len(),
            answer.replications_run,
            answer.seed,
            answer.seconds
        ),
        alerts,
        sections,
        assumptions: assumptions(scenario),
        provenance: Provenance::new(
            scenario,
            answer.seed,
            format!(
                "{} to screen, at least {} to call a plan feasible, at most {}",
                answer.screen_replications, answer.confirm_replications, answer.max_replications
            ),
        ),
        files: files.to_vec(),
    };
    render(&page)
}

/// Every plan simulated, in the order simulated: its cost, what it builds, the
/// replications it took and the call, with what failed.
fn simulated_table(answer: &PlanAnswer) -> Table {
    let mut table = Table::new(&[
        ("#", "in cost order"),
        ("cost", "present value"),
        ("builds", "candidate and date"),
        ("replications", ""),
        ("call", "how it was decided"),
    ]);
    for e in &answer.evaluated {
        let verdict = if e.feasible { "feasible".to_string() } else { "infeasible".to_string() };
        let mut call = Cell::text(verdict).sub(e.decided.clone());
        if let Some(first) = e.failures.first() {
            call.lines.push(first.clone());
        }
        table.rows.push(vec![
            Cell::num(e.considered.to_string()),
            Cell::num(crate::report::plan::money(e.plan.cost, &answer.currency)),
            Cell::text(e.plan.describe()),
            Cell::num(e.replications.to_string()),
            call,
        ]);
    }
    table.caption = Some(format!(
        "The {} plans simulated, in the order simulated (plans.csv has every constraint of each).",
        answer.evaluated.len()
    ));
    table
}
