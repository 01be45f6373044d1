//! The cheapest upgrade plan: which of the scenario's candidate upgrades to build, and
//! when, so that every year is stable and every criterion holds, at the least total
//! cost.
//!
//! # Plans and their cost
//!
//! A plan puts some candidates into service, each on a date: in a planning run, on 1
//! January of a planning year (or on its `earliest` date, in the year that date falls);
//! without planning, from the start. Its cost is the sum over its candidates of the
//! capital cost, paid on the date, and the yearly cost for each year (or part of a
//! year) in service to the horizon's end, each discounted to 1 January of the first
//! year at `[planning] discount_rate`. Without planning a candidate costs its capital
//! cost plus one year of its yearly cost. `requires` and `excludes` are kept, and a
//! `--budget` drops dearer plans.
//!
//! # The search
//!
//! Costs are known without simulating, so plans are taken **in ascending order of
//! cost** (lazily, by A* over the years: see `plan_space`), and the cheapest plan
//! judged feasible is the answer; the search goes on to find the next
//! [`PlanSearch::best`] − 1 feasible plans. A plan is set aside without simulating when:
//!
//! - **the capacity sheet rules it out**: some resource's ρ reaches 1 in some year even
//!   with every candidate in service that year counted as in service all year (ρ ≥ 1 is
//!   a growing backlog whatever the randomness);
//! - **a cheaper plan already failed with at least as much capacity**: if plan P failed
//!   in year Y, any plan whose every candidate in service before the end of Y is also
//!   in P, in service no later, has no more capacity up to then and fails too. This
//!   assumes that more capacity never makes a year unstable or a criterion worse.
//!
//! Every simulated plan uses the same replications (common random numbers: replication
//! r has the same demand and weather in every plan), so plans differ by what they
//! build, not by luck.
//!
//! Before a plan is simulated its own capacity bound is worked out for every year (the
//! candidates on their real dates, among the scenario's own changes): a plan whose
//! bound reaches 1 in some year is infeasible whatever the randomness, and is ruled
//! out without simulating.
//!
//! The sets of candidates are screened first by the same bound, each set in service
//! all year: a set whose bound reaches 1 in a year is not allowed in that year. That is
//! only valid when the set's candidates touch nothing the scenario's own enabled
//! changes touch (otherwise the order of a `set` and an `add` matters); such sets are
//! allowed here and their plans checked one by one.
//!
//! # Deciding whether a plan is feasible
//!
//! The constraints are: every year stable (its backlog's growth, and its net growth
//! over the year, within the tolerance; no replication at a cap), and every criterion
//! in every year (a criterion that names no year, `year.<Y>.`, must hold in each
//! planning year). Each plan is checked by the sequential procedure of
//! [`super::feasibility`]: looks of [`PlanSearch::screen_replications`], doubling up to
//! [`PlanSearch::max_replications`], each constraint tested at `α / (constraints ×
//! looks)`, with an indifference zone of [`Guarantee::tolerance`] of each limit. A plan
//! is infeasible as soon as one constraint fails, feasible once every constraint holds
//! with at least [`PlanSearch::confirm_replications`]; one undecided at the last look
//! lies inside the indifference zone and is called on its means, and said to be.
//!
//! # Failed plans rule out weaker ones
//!
//! Only a failure that is significant (or certain) rules out other plans, and only up
//! to the year it is significant in.
//!
//! # The stated confidence
//!
//! The probability that the answer is the cheapest feasible plan is estimated by
//! resampling every simulated plan's replications jointly (see [`super::selection`]):
//! it covers the plans simulated and those their failures rule out; the plans the
//! capacity bound rules out are infeasible whatever the randomness.

mod answer;
mod constraints;
pub mod robust;
mod searcher;

pub use answer::{ConstraintValue, Plan, PlanAnswer, PlanEvaluation, PlannedUpgrade, RankedPlan, Selection};

use super::Experiment;
use super::capacity::{Criterion, CriterionError};
use super::feasibility::Guarantee;
use super::plan_space::ChainOrder;
use super::selection::{Earlier, SimulatedPlan};
use crate::scenario::{DAYS_PER_YEAR, Scenario, ScenarioSpec};
use constraints::{FAILS_BY_BOUND, bound_failure, first_overloaded};
use searcher::{Failed, Searcher};
use serde::{Deserialize, Serialize};

/// How to search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSearch {
    /// The criteria, besides stability in every year.
    pub criteria: Vec<Criterion>,
    /// In a planning run, the first year in which criteria that name no year must
    /// hold (default: the first planning year). Stability is required in every year.
    pub criteria_from: Option<i32>,
    /// Plans costing more than this (present value) are not considered.
    pub budget: Option<f64>,
    /// Replications of the first look at a plan.
    pub screen_replications: u64,
    /// The fewest replications of a plan called feasible (its KPIs are reported).
    pub confirm_replications: u64,
    /// The most replications any plan gets: the last look.
    pub max_replications: u64,
    /// The indifference zone and the error of each plan's feasibility call.
    pub guarantee: Guarantee,
    /// How many feasible plans to find and report (the cheapest first).
    pub best: usize,
    /// The most plans simulated before the search stops.
    pub max_simulated: usize,
    /// Whether replications resume from the states of cheaper plans with the same
    /// upgrades up to a year's close (see `shared_years`): the same decisions, fewer
    /// events. Off only to compare.
    #[serde(default = "sharing_by_default")]
    pub share_years: bool,
}

fn sharing_by_default() -> bool {
    true
}

impl PlanSearch {
    /// A search with these criteria: looks of 5, 10, 20, 40, 80 and 160 replications, a
    /// feasible plan confirmed with at least 20, δ = 2 % and α = 5 %, reporting the 5
    /// cheapest feasible plans.
    pub fn new(criteria: Vec<Criterion>) -> PlanSearch {
        PlanSearch {
            criteria,
            criteria_from: None,
            budget: None,
            screen_replications: 5,
            confirm_replications: 20,
            max_replications: 160,
            guarantee: Guarantee::default(),
            best: 5,
            max_simulated: 200,
            share_years: true,
        }
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`PlanError::Settings`], naming the flag.
    pub fn check(&self) -> Result<(), PlanError> {
        let (screen, confirm, most) = (self.screen_replications, self.confirm_replications, self.max_replications);
        if screen < 2 || confirm < screen || most < confirm {
            return Err(PlanError::Settings(format!(
                "--screen, --replications, --max-replications: screening takes at least 2 replications, confirming at least as many as screening, and the most at least as many as confirming (not {screen}, {confirm} and {most})"
            )));
        }
        self.guarantee.check().map_err(PlanError::Settings)?;
        if let Some(b) = self.budget
            && !(b.is_finite() && b >= 0.0)
        {
            return Err(PlanError::Settings(format!(
                "--budget: {} is out of range (valid: an amount from 0 up)",
                crate::scenario::messages::figure(b)
            )));
        }
        Ok(())
    }
}

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A criterion is unusable.
    #[error(transparent)]
    Criterion(#[from] CriterionError),
    /// The scenario declares no candidates.
    #[error(
        "{0} declares no candidate upgrades: add [candidates.<id>] tables with capital_cost and the changes each makes (see docs/scenarios.md)"
    )]
    NoCandidates(String),
    /// Settings out of range.
    #[error("{0}")]
    Settings(String),
    /// The variant, or a plan, is not a valid scenario.
    #[error("{0}")]
    Scenario(String),
    /// The experiment's interrupt flag was set: the search stopped without an answer.
    #[error("interrupted: the plan search stopped without an answer")]
    Interrupted,
}

/// Hears of every plan simulated.
pub type PlanProgress<'a> = &'a dyn Fn(&PlanEvaluation);

/// The candidates' days in a plan (`None`: not built), in candidate order.
type Days = Vec<Option<f64>>;

/// The present value of candidate `id` entering service on `day` (days from 1
/// January of the first planning year): its capital, paid on the day; its running
/// cost, paid evenly from then to the end of the horizon; less the capital not yet
/// written off at the horizon (straight line over its life), all discounted
/// continuously to 1 January of the first year at `[planning] discount_rate`.
/// Without planning: its capital plus one year's running cost.
fn present_cost(spec: &ScenarioSpec, id: &str, day: f64) -> f64 {
    let c = &spec.candidates[id];
    let Some(planning) = &spec.planning else {
        return c.capital_cost + c.yearly_cost;
    };
    let rate = planning.discount_rate;
    let discount = |years: f64| (1.0 + rate).powf(-years);
    let (enters, horizon) = (day / DAYS_PER_YEAR, f64::from(planning.years));
    let in_service = (horizon - enters).max(0.0);
    // ∫ from `enters` to `horizon` of (1 + r)^−t dt.
    let annuity = if rate > 0.0 { (discount(enters) - discount(horizon)) / (1.0 + rate).ln() } else { in_service };
    let life = c.life_years.unwrap_or(crate::scenario::DEFAULT_LIFE_YEARS);
    let residual = c.capital_cost * (1.0 - in_service / life).max(0.0) * discount(horizon);
    c.capital_cost * discount(enters) + c.yearly_cost * annuity - residual
}

/// The day candidate `id` enters service if it enters in planning year `k` (from 0):
/// 1 January, or its earliest day in the year that falls; `None` before that year.
/// Without planning, day 0.
fn entry_day(spec: &ScenarioSpec, id: &str, k: usize) -> Option<f64> {
    if spec.planning.is_none() {
        return Some(0.0);
    }
    let earliest = spec.candidate_earliest_day(id);
    let (start, end) = (k as f64 * DAYS_PER_YEAR, (k + 1) as f64 * DAYS_PER_YEAR);
    (earliest < end).then(|| earliest.max(start))
}

/// The indifference zone of stability, as a share of the growth tolerance: a backlog
/// that does not grow is surely stable, one growing by twice the tolerance (2 % of a
/// day's demand a day) surely not; between, either call is acceptable. (A zone of
/// `--tolerance` × the tolerance, a few tonnes a day, would take thousands of
/// replications to resolve at ρ near 1.)
pub const STABILITY_ZONE: f64 = 1.0;

/// The headline KPIs of a reported plan.
const HEADLINE: [&str; 3] =
    ["system.delivered_tonnes", "system.delivered_share", "system.backlog_growth_tonnes_per_day"];

/// Calls one plan feasible or not exactly as [`search`] would: `plan` lists candidate
/// ids with the date each enters service (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None`
/// without planning, or for the earliest). A plan whose capacity bound reaches 1 in
/// some year is infeasible whatever the randomness (no replications run).
///
/// # Errors
/// See [`PlanError`]; an unknown candidate or a date before its earliest is
/// [`PlanError::Settings`].
pub fn evaluate_plan(
    scenario: &Scenario,
    variant: &str,
    plan: &[(String, Option<String>)],
    search: &PlanSearch,
    experiment: &Experiment,
) -> Result<PlanEvaluation, PlanError> {
    let mut all = evaluate_plans(scenario, variant, &[plan.to_vec()], search, experiment)?;
    Ok(all.remove(0))
}

/// Calls several plans as [`evaluate_plan`] calls one, in order, sharing the years
/// they have in common (see [`PlanSearch::share_years`]): each plan's call is exactly
/// what [`evaluate_plan`] gives it alone.
///
/// # Errors
/// See [`evaluate_plan`]: the first plan that cannot be called.
pub fn evaluate_plans(
    scenario: &Scenario,
    variant: &str,
    plans: &[Vec<(String, Option<String>)>],
    search: &PlanSearch,
    experiment: &Experiment,
) -> Result<Vec<PlanEvaluation>, PlanError> {
    search.check()?;
    let spec = scenario.variant(variant).map_err(|e| PlanError::Scenario(e.to_string()))?;
    let mut searcher = Searcher::new(&spec, search, experiment)?;
    plans.iter().map(|plan| call_one(&mut searcher, &spec, plan)).collect()
}

/// One plan's call (see [`evaluate_plan`]) by `searcher`.
fn call_one(
    searcher: &mut Searcher<'_>,
    spec: &ScenarioSpec,
    plan: &[(String, Option<String>)],
) -> Result<PlanEvaluation, PlanError> {
    let mut days: Days = vec![None; searcher.ids.len()];
    for (id, date) in plan {
        let c = searcher.ids.iter().position(|i| i == id).ok_or_else(|| {
            PlanError::Settings(format!("no candidate {id:?} (candidates: {})", searcher.ids.join(", ")))
        })?;
        let earliest = spec.candidate_earliest_day(id);
        let day = match date {
            None => earliest,
            Some(d) => spec
                .day_of(d)
                .filter(|day| *day >= earliest)
                .ok_or_else(|| PlanError::Settings(format!("{id}: {d:?} is not a date on or after its earliest")))?,
        };
        days[c] = Some(if spec.planning.is_some() { day } else { 0.0 });
    }
    let network = searcher.compile_days(&days)?;
    if let Some((k, bound)) = first_overloaded(&network) {
        let year = searcher.years.get(k).copied();
        return Ok(PlanEvaluation {
            considered: 0,
            plan: searcher.plan_of(&days),
            replications: 0,
            feasible: false,
            decided: FAILS_BY_BOUND.into(),
            failing_year: year,
            failures: vec![bound_failure(year, &bound)],
            within_zone: false,
            constraints: Vec::new(),
        });
    }
    Ok(searcher.evaluate(0, &days, network).0)
}

/// Searches the plans of `variant`'s candidates with the seed and threads of
/// `experiment` (its replications are not used: see [`PlanSearch`]). `progress` hears
/// of every plan simulated.
///
/// # Errors
/// See [`PlanError`].
pub fn search(
    scenario: &Scenario,
    variant: &str,
    search: &PlanSearch,
    experiment: &Experiment,
    progress: Option<PlanProgress<'_>>,
) -> Result<PlanAnswer, PlanError> {
    let started = std::time::Instant::now();
    search.check()?;
    let spec = scenario.variant(variant).map_err(|e| PlanError::Scenario(e.to_string()))?;
    if spec.candidates.is_empty() {
        return Err(PlanError::NoCandidates(scenario.file().to_string()));
    }
    let mut searcher = Searcher::new(&spec, search, experiment)?;
    let plans_in_all = searcher
        .ids
        .iter()
        .map(|id| 1 + (0..searcher.layers()).filter(|&k| entry_day(&spec, id, k).is_some()).count() as u128)
        .fold(1u128, u128::saturating_mul);
    let (passes, sheets_worked_out) = searcher.sheet_table()?;
    let space = searcher.space(&passes);
    let plans_passing_sheet = space.count();

    let mut order = ChainOrder::new(&space);
    let (mut considered, mut by_bound) = (0u64, 0u64);
    let mut evaluated: Vec<PlanEvaluation> = Vec::new();
    // Every run's record for the stated confidence: the plans simulated (`evaluated`
    // maps to these) and the runs that learned failures.
    let mut records: Vec<SimulatedPlan> = Vec::new();
    let mut evaluated_record: Vec<usize> = Vec::new();
    // The plans considered before the first feasible one, for the stated confidence,
    // and the failures that ruled out others before it.
    let mut earlier: Vec<Earlier> = Vec::new();
    let mut dominators: Vec<usize> = Vec::new();
    let mut best: Vec<RankedPlan> = Vec::new();
    let mut stopped = None;
    while best.len() < search.best {
        if experiment.interrupted() {
            return Err(PlanError::Interrupted);
        }
        let next = {
            let searcher = &searcher;
            let dominators = &mut dominators;
            let first_found = !best.is_empty();
            order.next_unpruned(|year, chain| {
                let known = (year as f64 + 1.0) * DAYS_PER_YEAR;
                let known = if searcher.years.is_empty() { f64::INFINITY } else { known };
                let Some(f) = searcher.ruled_out_by_failure(&searcher.days_of(chain), known) else { return false };
                if !first_found && !dominators.contains(&f) {
                    dominators.push(f);
                }
                true
            })
        };
        let Some((cost, chain)) = next else {
            stopped = Some(if order.truncated {
                "too many partial plans were held; narrow the candidates or give a --budget".to_string()
            } else if plans_passing_sheet == 0 {
                searcher.why_nothing_passes()?
            } else {
                format!("every plan that passes the capacity bound was considered: {} feasible", best.len())
            });
            break;
        };
        if search.budget.is_some_and(|b| cost > b) {
            stopped = Some(format!("every plan within the budget was considered: {} feasible", best.len()));
            break;
        }
        considered += 1;
        let days = searcher.days_of(&chain);
        let network = searcher.compile_days(&days)?;
        // The plan's own bound, its candidates on their dates: ρ ≥ 1 in some year is
        // infeasible whatever the randomness.
        if let Some((k, _)) = first_overloaded(&network) {
            by_bound += 1;
            let year = searcher.years.get(k).copied();
            searcher.failures.push(Failed { until: searcher.until(year), days, year, by: None });
            continue;
        }
        if evaluated.len() >= search.max_simulated {
            stopped = Some(format!("{} plans were simulated, the most allowed", search.max_simulated));
            break;
        }
        let (evaluation, result, record) = searcher.evaluate(considered, &days, network);
        if let Some(p) = progress {
            p(&evaluation);
        }
        records.push(record);
        evaluated_record.push(records.len() - 1);
        if evaluation.feasible {
            let kpis_year = result.years().last().copied();
            let last = kpis_year.and_then(|y| result.year(y)).unwrap_or_else(|| result.clone());
            let kpis = HEADLINE.iter().filter_map(|k| Some((k.to_string(), last.summary(k)?))).collect();
            let binding = last
                .keys
                .iter()
                .filter_map(|k| Some((k.strip_prefix("rho.")?.to_string(), last.summary(k)?.mean)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
            best.push(RankedPlan { evaluation: evaluation.clone(), kpis, kpis_year, binding });
        } else {
            if best.is_empty() {
                earlier.push(Earlier::Simulated(records.len() - 1));
            }
            // Only a significant (or certain) failure rules out weaker plans, learned
            // as large as simulation shows it.
            if !evaluation.within_zone {
                let by = records.len() - 1;
                let failed = searcher.learn(&days, &evaluation, &result, &mut records, by)?;
                searcher.failures.push(failed);
            }
        }
        evaluated.push(evaluation);
    }
    for f in dominators {
        if let Some(by) = searcher.failures[f].by {
            earlier.push(Earlier::Dominated { by, until: searcher.failures[f].year });
        }
    }
    let by_failure = order.pruned;
    let selection = best.first().and_then(|first| {
        let answer = evaluated.iter().position(|e| e.considered == first.evaluation.considered)?;
        let answer = evaluated_record[answer];
        Some(Selection {
            probability: super::selection::probability(&records, &earlier, answer, experiment.seed),
            simulated: earlier.iter().filter(|e| matches!(e, Earlier::Simulated(_))).count(),
            ruled_out_by_failure: earlier.iter().filter(|e| matches!(e, Earlier::Dominated { .. })).count() as u64,
            resamples: super::selection::RESAMPLES,
        })
    });
    let currency = spec.scenario.currency.clone();
    Ok(PlanAnswer {
        variant: variant.to_string(),
        criteria: search.criteria.iter().map(ToString::to_string).collect(),
        criteria_from: searcher.years.first().map(|first| search.criteria_from.unwrap_or(*first)),
        currency,
        discount_rate: spec.planning.as_ref().map_or(0.0, |p| p.discount_rate),
        budget: search.budget,
        guarantee: search.guarantee,
        selection,
        best,
        evaluated,
        plans_in_all,
        plans_passing_sheet,
        sheets_worked_out,
        considered,
        ruled_out_by_failure: by_failure,
        ruled_out_by_bound: by_bound,
        replications_run: searcher.replications_run,
        learning_runs: searcher.prefix_runs,
        replication_years: [searcher.full_years, searcher.prefix_years],
        years_run_and_resumed: {
            let (run, resumed) = searcher.shared.years_counted();
            [run, resumed]
        },
        shared_state_bytes: searcher.shared.peak_bytes() as u64,
        screen_replications: search.screen_replications,
        confirm_replications: search.confirm_replications,
        max_replications: search.max_replications,
        stopped,
        seed: experiment.seed,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::CandidateSpec;

    #[test]
    fn cost_is_discounted_continuously_from_the_first_january_less_the_residual_value() {
        let mut spec = ScenarioSpec::new("t", 1.0)
            .planning(2025, 3)
            .candidate("a", CandidateSpec::new(100.0).yearly_cost(10.0).life_years(4.0).add("x", 1.0));
        spec.planning.as_mut().unwrap().discount_rate = 0.1;
        let v = |t: f64| 1.1f64.powf(-t);
        // Built on 1 January 2026: capital at t = 1; running paid evenly over t in
        // [1, 3]; at t = 3 two of its four years of life are left, half its capital.
        let running = 10.0 * (v(1.0) - v(3.0)) / 1.1f64.ln();
        let cost = present_cost(&spec, "a", DAYS_PER_YEAR);
        assert!((cost - (100.0 * v(1.0) + running - 50.0 * v(3.0))).abs() < 1e-9, "{cost}");
        // Capital and running cost are discounted alike: a day later costs a day's
        // discount on both, and the running cost of half a year is half a year's
        // payments at their dates.
        let half = present_cost(&spec, "a", DAYS_PER_YEAR / 2.0);
        let running = 10.0 * (v(0.5) - v(3.0)) / 1.1f64.ln();
        assert!((half - (100.0 * v(0.5) + running - 100.0 * 0.375 * v(3.0))).abs() < 1e-9, "{half}");
        // Without discounting: capital, running cost, residual as they fall.
        spec.planning.as_mut().unwrap().discount_rate = 0.0;
        assert!((present_cost(&spec, "a", 0.0) - (100.0 + 30.0 - 25.0)).abs() < 1e-9);
        spec.planning = None;
        assert_eq!(present_cost(&spec, "a", 0.0), 110.0);
    }
}
