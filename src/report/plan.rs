//! The cheapest upgrade plan as text, JSON and CSV (`corridor plan`).

use crate::experiment::plan::robust::RobustAnswer;
use crate::experiment::plan::{ConstraintValue, PlanAnswer, PlanEvaluation, RankedPlan, Selection};
use std::fmt::Write;

/// An amount of money for reading: `412.0 M USD`, `9.5 k USD`.
pub fn money(amount: f64, currency: &str) -> String {
    // A sum of nothing can be -0.0; it reads as 0.
    let amount = if amount == 0.0 { 0.0 } else { amount };
    let (value, unit) = match amount.abs() {
        a if a >= 1e9 => (amount / 1e9, " bn"),
        a if a >= 1e6 => (amount / 1e6, " M"),
        a if a >= 1e3 => (amount / 1e3, " k"),
        _ => (amount, ""),
    };
    format!("{value:.1}{unit} {currency}").trim_end().to_string()
}

/// The worst year's value of each criterion of a plan, as `criterion: mean (CI, worst year)`.
fn criteria_lines(evaluation: &PlanEvaluation, criteria: &[String]) -> Vec<String> {
    criteria
        .iter()
        .enumerate()
        .filter_map(|(i, given)| {
            let margin = |c: &&ConstraintValue| if given.contains(">=") { c.mean - c.limit } else { c.limit - c.mean };
            let worst = evaluation
                .constraints
                .iter()
                .filter(|c| c.criterion == Some(i))
                .min_by(|a, b| margin(a).total_cmp(&margin(b)))?;
            let year = worst.year.map_or(String::new(), |y| format!(", worst year {y}"));
            Some(format!("{given}: {:.3} (95 % CI {:.3}–{:.3}{year})", worst.mean, worst.ci95[0], worst.ci95[1]))
        })
        .collect()
}

/// A headline KPI in a planner's units: `delivered 10.95 Mt (95 % CI 10.87–11.03)`.
fn kpi_line(key: &str, s: &crate::stats::Summary) -> String {
    let (label, scale, unit, digits) = match key {
        "system.delivered_tonnes" => ("delivered", 1e-6, " Mt", 2),
        "system.delivered_share" => ("delivered share", 100.0, " %", 1),
        "system.backlog_growth_tonnes_per_day" => ("backlog growth", 1.0, " t/day", 0),
        other => (other, 1.0, "", 3),
    };
    let f = |x: f64| format!("{:.*}", digits, x * scale);
    format!("{label}: {}{unit} (95 % CI {} to {})", f(s.mean), f(s.ci95[0]), f(s.ci95[1]))
}

/// How a plan was called, in a few words: `feasible (δ 2 %, α 5 %)` or `inside the
/// indifference zone: feasible on the means`.
pub fn call_words(e: &PlanEvaluation, answer: &PlanAnswer) -> String {
    let verdict = if e.feasible { "feasible" } else { "infeasible" };
    if e.replications == 0 && !e.feasible {
        "infeasible whatever the randomness (the capacity bound)".to_string()
    } else if e.within_zone {
        format!("inside the indifference zone: {verdict} on the means")
    } else {
        format!("{verdict} (δ {} %, α {} %)", answer.guarantee.tolerance * 100.0, answer.guarantee.alpha * 100.0)
    }
}

/// The stated confidence in plan 1, in a sentence that says what it covers.
pub fn selection_text(answer: &PlanAnswer, s: &Selection) -> String {
    format!(
        "Plan 1 is the cheapest feasible plan with estimated probability {:.2}: the {} cheaper plan{} simulated and the {} {} ruled out (a cheaper plan with as much capacity failed) resampled jointly over their replications ({} resamples, common random numbers kept); the plans the capacity bound rules out are infeasible whatever the randomness, under the model's mean-value assumptions.",
        s.probability,
        s.simulated,
        if s.simulated == 1 { "" } else { "s" },
        s.ruled_out_by_failure,
        if s.ruled_out_by_failure == 1 { "it" } else { "they" },
        s.resamples
    ) + if answer.best.first().is_some_and(|b| b.evaluation.within_zone) {
        " Plan 1 itself lies inside the indifference zone: its call is on the means."
    } else {
        ""
    }
}

fn plan_block(out: &mut String, rank: usize, ranked: &RankedPlan, answer: &PlanAnswer) {
    let e = &ranked.evaluation;
    let _ = writeln!(
        out,
        "{rank}. {}  —  {}, {} replications",
        money(e.plan.cost, &answer.currency),
        call_words(e, answer),
        e.replications
    );
    upgrade_lines(out, &e.plan, &answer.currency);
    for line in criteria_lines(e, &answer.criteria) {
        let _ = writeln!(out, "     {line}");
    }
    let year = ranked.kpis_year.map_or(String::new(), |y| format!("in {y}, "));
    for (key, s) in &ranked.kpis {
        let _ = writeln!(out, "     {year}{}", kpi_line(key, s));
    }
    if let Some((resource, rho)) = &ranked.binding {
        let _ = writeln!(out, "     {year}binds first: {resource} (simulated ρ {rho:.2})");
    }
}

/// The criteria in words: stability, then the criteria given, from the year they
/// apply (a planning run with `--criteria-from`).
fn criteria_words(criteria: &[String], from: Option<i32>) -> String {
    match (criteria.is_empty(), from) {
        (true, _) => "stable in every year".to_string(),
        (false, Some(from)) => format!("stable in every year; from {from} on, {}", criteria.join("; ")),
        (false, None) => format!("stable; {}", criteria.join("; ")),
    }
}

/// The answer as text: the cheapest plans, then how the search went.
pub fn plan_text(answer: &PlanAnswer) -> String {
    let mut out = String::new();
    let criteria = criteria_words(&answer.criteria, answer.criteria_from);
    let _ = writeln!(out, "CHEAPEST UPGRADE PLANS — variant {}", answer.variant);
    let _ = writeln!(out, "criteria: {criteria}");
    let mut terms = format!("costs in {}", answer.currency);
    if answer.discount_rate > 0.0 {
        let _ = write!(terms, ", present value at {:.1} % a year", answer.discount_rate * 100.0);
    }
    if let Some(b) = answer.budget {
        let _ = write!(terms, ", budget {}", money(b, &answer.currency));
    }
    let _ = writeln!(out, "{terms}\n");
    if answer.best.is_empty() {
        let _ = writeln!(out, "NO FEASIBLE PLAN FOUND.");
        if let Some(last) = answer.evaluated.last() {
            let _ = writeln!(
                out,
                "The dearest plan simulated ({}) still fails: {}.",
                last.plan.describe(),
                last.failures.join("; ")
            );
        }
    }
    for (i, ranked) in answer.best.iter().enumerate() {
        plan_block(&mut out, i + 1, ranked, answer);
        out.push('\n');
    }
    if let Some(tie) = tie_note(answer) {
        let _ = writeln!(out, "{tie}");
    }
    if let Some(selection) = &answer.selection {
        let _ = writeln!(out, "{}", selection_text(answer, selection));
    }
    let _ = writeln!(out, "{}", guarantee_text(answer));
    let _ = writeln!(out, "{}", search_text(answer));
    out
}

/// The plan search's pictures, as `(file name, SVG)`: `plan_timeline.svg` (when each
/// of the cheapest plans builds what) and `plan_years.svg` (plan 1 year by year
/// against every limit), in a planning run with a feasible plan; none otherwise.
///
/// # Errors
/// The variant's scenario cannot be formed, or a chart drawn.
pub fn plan_charts(
    scenario: &crate::scenario::Scenario,
    answer: &PlanAnswer,
) -> Result<Vec<(String, String)>, super::ReportError> {
    let spec = scenario.variant(&answer.variant)?;
    let mut charts = Vec::new();
    if let Some(svg) = super::charts::plan::plan_timeline(answer, spec.planning.as_ref())? {
        charts.push(("plan_timeline.svg".to_string(), svg));
    }
    if spec.planning.is_some()
        && let Some(svg) = super::charts::plan::plan_years(answer)?
    {
        charts.push(("plan_years.svg".to_string(), svg));
    }
    Ok(charts)
}

/// What each plan's call guarantees, in a paragraph.
pub fn guarantee_text(answer: &PlanAnswer) -> String {
    format!(
        "Each plan is called feasible when every constraint holds, infeasible when one fails: with δ = {} % of each limit and α = {} %, a plan every KPI of which is δ inside its limit is called feasible, and one with a KPI δ outside infeasible, each with probability at least {}; between, either call is acceptable (docs/plan.md).",
        answer.guarantee.tolerance * 100.0,
        answer.guarantee.alpha * 100.0,
        1.0 - answer.guarantee.alpha
    )
}

/// What the search did, in a paragraph (and why it stopped early, if it did).
pub fn search_text(answer: &PlanAnswer) -> String {
    let mut out = format!(
        "Searched {} plans: {} keep requires/excludes/earliest dates and pass the capacity bound in every year (ρ < 1 whatever the split of the cargo; {} sets' bounds worked out). In cost order, {} of these were taken: {} ruled out by their own bound with their candidates on their dates, {} simulated ({} replications to screen, at least {} to call a plan feasible, at most {}; {} in all, common random numbers{}); on the way, {} partial plans (years up to a failure, each with all its completions) were set aside because a cheaper plan with as much capacity in those years failed. Seed {}, {:.1} s.",
        grouped_count(answer.plans_in_all),
        grouped_count(answer.plans_passing_sheet),
        answer.sheets_worked_out,
        answer.considered,
        answer.ruled_out_by_bound,
        answer.evaluated.len(),
        answer.screen_replications,
        answer.confirm_replications,
        answer.max_replications,
        answer.replications_run,
        shared_years(answer),
        grouped_count(u128::from(answer.ruled_out_by_failure)),
        answer.seed,
        answer.seconds
    );
    if let Some(why) = &answer.stopped {
        let _ = write!(out, "\nThe search stopped: {why}.");
    }
    out
}

/// How many replication-years were resumed from states kept for plans with the same
/// upgrades up to a year's close, if any.
fn shared_years(answer: &PlanAnswer) -> String {
    let [run, resumed] = answer.years_run_and_resumed;
    if resumed == 0 {
        return String::new();
    }
    format!(
        "; of their {} replication-years, {} were resumed from the state of a plan with the same upgrades up to that year's close, which gives exactly what running them again would",
        run + resumed,
        resumed
    )
}

/// A warning when plan 1 costs the same as plan 2 (to a millionth): the search's order
/// between them is not a preference.
pub fn tie_note(answer: &PlanAnswer) -> Option<String> {
    let [first, second, ..] = answer.best.as_slice() else { return None };
    let (a, b) = (first.evaluation.plan.cost, second.evaluation.plan.cost);
    ((a - b).abs() <= 1e-6 * a.abs().max(1.0)).then(|| {
        "Plans 1 and 2 cost the same: the order between them is the search's, not a preference; choose on what \
         the figures above do not show."
            .to_string()
    })
}

/// Every simulated plan, one row each: `plans.csv`.
///
/// # Errors
/// A row cannot be written.
pub fn plans_csv(answer: &PlanAnswer) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "considered",
        "plan",
        "cost",
        "replications",
        "feasible",
        "within_zone",
        "failing_year",
        "decided",
        "failures",
    ])?;
    for e in &answer.evaluated {
        w.write_record([
            e.considered.to_string(),
            e.plan.describe(),
            format!("{:.2}", e.plan.cost),
            e.replications.to_string(),
            e.feasible.to_string(),
            e.within_zone.to_string(),
            e.failing_year.map_or(String::new(), |y| y.to_string()),
            e.decided.clone(),
            e.failures.join("; "),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// A whole count with thousands separators, exact however large (`805,345,924,720,991,339,020,288`).
fn grouped_count(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A plan's upgrades, a line each: date, name and present cost.
fn upgrade_lines(out: &mut String, plan: &crate::experiment::plan::Plan, currency: &str) {
    if plan.upgrades.is_empty() {
        let _ = writeln!(out, "     build nothing: the corridor already meets the criteria");
    }
    for u in &plan.upgrades {
        let _ = writeln!(
            out,
            "     {:<11} {:<44} {:>14}",
            u.date.as_deref().unwrap_or("from start"),
            u.name,
            money(u.cost, currency)
        );
    }
}

/// The robust plan (`corridor plan --robust P --uncertain N`) for reading: the plan,
/// where it holds, the input scenarios it fails under with their inputs, and how the
/// search went.
pub fn robust_text(answer: &RobustAnswer) -> String {
    let mut out = String::new();
    let r = &answer.robustness;
    let needed = r.needed();
    let _ = writeln!(out, "ROBUST UPGRADE PLAN — variant {}", answer.variant);
    let _ = writeln!(out, "criteria: {}", criteria_words(&answer.criteria, answer.criteria_from));
    let _ = writeln!(
        out,
        "called feasible in at least {:.0} % of {} input scenarios ({needed} of them), drawn from the scenario's uncertain inputs (Latin hypercube, seed {}); costs in {} as the file writes them\n",
        r.share * 100.0,
        r.scenarios,
        r.seed,
        answer.currency
    );
    match &answer.plan {
        None => {
            let _ = writeln!(out, "NO ROBUST PLAN FOUND.");
        }
        Some(plan) => {
            let _ = writeln!(out, "{}  —  {}", money(plan.plan.cost, &answer.currency), plan.plan.describe());
            upgrade_lines(&mut out, &plan.plan, &answer.currency);
            let ci = answer.share_ci95.map_or(String::new(), |[lo, hi]| {
                format!(" (95 % interval of the share over the input ranges: {:.0}–{:.0} %)", lo * 100.0, hi * 100.0)
            });
            let _ = writeln!(out, "     feasible in {} of {} input scenarios{ci}", plan.feasible_in, r.scenarios);
            for call in plan.calls.iter().filter(|c| !c.feasible) {
                let why = call.failures.first().map_or(call.decided.as_str(), String::as_str);
                let _ = writeln!(
                    out,
                    "     fails in input scenario {} ({}): {why}",
                    call.scenario + 1,
                    answer.inputs_of(call.scenario)
                );
            }
        }
    }
    let cheaper = answer.evaluated.iter().filter(|e| !e.robust).count();
    let _ = writeln!(
        out,
        "\nIn cost order, {} plans were taken: {} ruled out by their own capacity bounds in more than {} input scenarios, {} ruled out there without simulating (by their bounds and by cheaper plans with as much capacity that failed), {} simulated ({} not robust, each called in the input scenarios until it failed in more than {}; {} replications in all, common random numbers); {} partial plans were set aside because cheaper plans with as much capacity failed in more than {} input scenarios. Each call in an input scenario has the nominal search's guarantee (docs/plan.md). Seed {}, {:.1} s.",
        answer.considered,
        answer.ruled_out_by_bound,
        r.scenarios - needed,
        answer.ruled_out_without_simulating,
        answer.evaluated.len(),
        cheaper,
        r.scenarios - needed,
        answer.replications_run,
        grouped_count(u128::from(answer.ruled_out_by_failure)),
        r.scenarios - needed,
        answer.seed,
        answer.seconds
    );
    if let Some(why) = &answer.stopped {
        let _ = writeln!(out, "The search stopped: {why}.");
        if let (None, Some(cost)) = (&answer.plan, answer.reached_cost) {
            let _ = writeln!(
                out,
                "Every plan cheaper than {} was ruled out or called not robust: a robust plan, if there is one, costs at least that.",
                money(cost, &answer.currency)
            );
        }
    }
    out
}

/// Every plan the robust search simulated, a row each: its calls per input scenario
/// (`+` feasible, `-` infeasible, `.` not called) in design order.
///
/// # Errors
/// The CSV cannot be formed.
pub fn robust_csv(answer: &RobustAnswer) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["considered", "plan", "cost", "feasible_in", "called_in", "robust", "calls"])?;
    for e in &answer.evaluated {
        let calls: String = (0..answer.robustness.scenarios)
            .map(|i| match e.calls.iter().find(|c| c.scenario == i) {
                Some(c) if c.feasible => '+',
                Some(_) => '-',
                None => '.',
            })
            .collect();
        w.write_record([
            e.considered.to_string(),
            e.plan.describe(),
            format!("{:.2}", e.plan.cost),
            e.feasible_in.to_string(),
            e.calls.len().to_string(),
            e.robust.to_string(),
            calls,
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_at_a_glance() {
        assert_eq!(money(412_000_000.0, "USD"), "412.0 M USD");
        assert_eq!(money(2.5e9, "AZN"), "2.5 bn AZN");
        assert_eq!(money(950.0, "USD"), "950.0 USD");
        assert_eq!(money(0.0, ""), "0.0");
    }

    #[test]
    fn the_criteria_say_from_which_year_they_hold() {
        let criteria = vec!["port.baku.ship_wait_hours.p95 <= 24".to_string()];
        assert_eq!(
            criteria_words(&criteria, Some(2027)),
            "stable in every year; from 2027 on, port.baku.ship_wait_hours.p95 <= 24"
        );
        assert_eq!(criteria_words(&criteria, None), "stable; port.baku.ship_wait_hours.p95 <= 24");
        assert_eq!(criteria_words(&[], Some(2027)), "stable in every year");
    }
}
