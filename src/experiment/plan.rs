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
//! # Deciding whether a plan is feasible
//!
//! The constraints are: every year stable, and every criterion in every year (a
//! criterion that names no year, `year.<Y>.`, must hold in each planning year). A
//! sequential check with an indifference zone, after Andradóttir & Kim (2010),
//! "Fully sequential procedures for comparing constrained systems via simulation":
//!
//! 1. **screen** with [`PlanSearch::screen_replications`]. If some constraint fails at
//!    95 % (its interval wholly on the wrong side, a significantly growing backlog, or
//!    a replication stopped at a cap), the plan is infeasible.
//! 2. Otherwise the replications double, up to [`PlanSearch::confirm_replications`],
//!    and the check repeats on all of them.
//! 3. At the most replications, a plan is feasible when every constraint holds on the
//!    mean. A constraint whose interval still straddles its limit then lies within the
//!    indifference zone (the interval's width about the limit), where either answer is
//!    acceptable; the note on the decision says so.
//!
//! Screening rejects clearly infeasible plans cheaply; every plan judged feasible has
//! run the most replications, so the plans reported have their KPIs and intervals
//! from the full number.
//!
//! # The stated confidence
//!
//! For each plan, the probability that it meets the constraints is estimated as a
//! Bonferroni lower bound, 1 − Σ P(constraint fails), each term from Student's t on the
//! constraint's mean and standard error. The probability that the selection is right
//! is the chosen plan's probability times, for every cheaper plan simulated and judged
//! infeasible, the probability that it is indeed infeasible; plans set aside by the
//! sheet or by a failed plan count as surely infeasible.

use super::capacity::{Criterion, CriterionError, CriterionValue};
use super::plan_space::{ChainOrder, Space};
use super::stability::Verdict;
use super::{Experiment, VariantResult, years};
use crate::model::{Network, kpi_keys};
use crate::scenario::limits::MAX_CANDIDATES;
use crate::scenario::{DAYS_PER_YEAR, Scenario, ScenarioSpec};
use crate::stats::{Summary, probability_mean_at_most};
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
    /// Replications of a plan reported, and the most any plan gets.
    pub confirm_replications: u64,
    /// How many feasible plans to find and report (the cheapest first).
    pub best: usize,
    /// The most plans simulated before the search stops.
    pub max_simulated: usize,
}

impl PlanSearch {
    /// A search with these criteria: screening with 5 replications, confirming with 20,
    /// reporting the 5 cheapest feasible plans.
    pub fn new(criteria: Vec<Criterion>) -> PlanSearch {
        PlanSearch {
            criteria,
            criteria_from: None,
            budget: None,
            screen_replications: 5,
            confirm_replications: 20,
            best: 5,
            max_simulated: 200,
        }
    }
}

/// One candidate in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedUpgrade {
    /// The candidate's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// When it enters service (`YYYY-MM-DD`; `None` without planning: from the start).
    pub date: Option<String>,
    /// Its cost in the plan (present value).
    pub cost: f64,
}

/// A set of candidates with dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// What is built and when, in date order.
    pub upgrades: Vec<PlannedUpgrade>,
    /// The total cost (present value).
    pub cost: f64,
}

impl Plan {
    /// The plan in a line: `baku_phase2 2027-01-01 + third_ropax 2026-04-01`, or
    /// `nothing`.
    pub fn describe(&self) -> String {
        if self.upgrades.is_empty() {
            return "nothing".into();
        }
        let parts: Vec<String> = self
            .upgrades
            .iter()
            .map(|u| match &u.date {
                Some(d) => format!("{} {d}", u.id),
                None => u.id.clone(),
            })
            .collect();
        parts.join(" + ")
    }
}

/// One constraint of a plan, as measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstraintValue {
    /// `stable in 2027`, or a criterion as text (`year.2027.port.baku... <= 24`).
    pub constraint: String,
    /// The year it concerns (`None` for a run without planning).
    pub year: Option<i32>,
    /// The criterion given (its index in [`PlanAnswer::criteria`]) that this checks;
    /// `None` for stability.
    pub criterion: Option<usize>,
    /// The mean (backlog growth in tonnes a day, for stability).
    pub mean: f64,
    /// Its 95 % interval.
    pub ci95: [f64; 2],
    /// The limit: the growth tolerance, or the criterion's threshold.
    pub limit: f64,
    /// Whether it holds on the mean (for stability: the verdict is `stable`).
    pub holds: bool,
    /// Whether it holds at 95 %.
    pub surely_holds: bool,
    /// Whether it fails at 95 %.
    pub surely_fails: bool,
    /// The estimated probability that it holds.
    pub probability: f64,
}

/// A simulated plan and the decision on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanEvaluation {
    /// Its place in cost order among the plans considered (from 1).
    pub considered: u64,
    /// The plan.
    pub plan: Plan,
    /// Replications run.
    pub replications: u64,
    /// The decision.
    pub feasible: bool,
    /// How it was decided, in words.
    pub decided: String,
    /// The first year something fails (`None` if feasible, or without planning).
    pub failing_year: Option<i32>,
    /// What fails (stability or criteria), in words; empty if feasible.
    pub failures: Vec<String>,
    /// Estimated probability that it meets every constraint (a lower bound).
    pub probability: f64,
    /// Every constraint.
    pub constraints: Vec<ConstraintValue>,
}

/// A feasible plan, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedPlan {
    /// The evaluation (at `confirm_replications`).
    pub evaluation: PlanEvaluation,
    /// Headline KPIs of the last planning year (or of the run): key, mean and 95 % CI.
    pub kpis: Vec<(String, Summary)>,
    /// The year of `kpis` (`None` without planning).
    pub kpis_year: Option<i32>,
    /// The resource that binds in the last year, and its ρ.
    pub binding: Option<(String, f64)>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanAnswer {
    /// The variant the plans are built on.
    pub variant: String,
    /// The criteria, as given.
    pub criteria: Vec<String>,
    /// The first year criteria that name no year must hold in (a planning run).
    pub criteria_from: Option<i32>,
    /// The currency of costs.
    pub currency: String,
    /// The discount rate applied.
    pub discount_rate: f64,
    /// The budget, if one was given.
    pub budget: Option<f64>,
    /// The feasible plans found, cheapest first (at most `best`).
    pub best: Vec<RankedPlan>,
    /// Every plan simulated, in the order simulated.
    pub evaluated: Vec<PlanEvaluation>,
    /// Plans in all (each candidate not built, or built in one of its possible years).
    pub plans_in_all: f64,
    /// Plans that keep `requires`, `excludes` and earliest dates and pass the capacity
    /// sheet in every year (ρ < 1): the only ones that could be feasible.
    pub plans_passing_sheet: f64,
    /// Sets of candidates whose capacity sheets were worked out (the others followed
    /// from a subset that passes).
    pub sheets_worked_out: u64,
    /// Plans taken in cost order from those passing the sheet.
    pub considered: u64,
    /// Of those, plans set aside because a cheaper plan with at least as much capacity
    /// failed.
    pub ruled_out_by_failure: u64,
    /// Replications run in all.
    pub replications_run: u64,
    /// Screening replications.
    pub screen_replications: u64,
    /// Confirming replications.
    pub confirm_replications: u64,
    /// Estimated probability that the cheapest plan reported is the cheapest feasible
    /// plan (see the module documentation).
    pub probability_correct_selection: Option<f64>,
    /// Why the search stopped before finding `best` plans, if it did.
    pub stopped: Option<String>,
    /// The master seed.
    pub seed: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
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

/// The searcher's state.
struct Searcher<'a> {
    spec: &'a ScenarioSpec,
    search: &'a PlanSearch,
    experiment: &'a Experiment,
    ids: Vec<String>,
    years: Vec<i32>,
    /// The criteria per year, with the index of the criterion given.
    criteria: Vec<(usize, Criterion)>,
    /// Failed plans: their days and the end of the year that failed.
    failures: Vec<(Days, f64)>,
    replications_run: u64,
}

impl Searcher<'_> {
    fn horizon_end(&self) -> f64 {
        self.spec.planning.as_ref().map_or(f64::INFINITY, |p| f64::from(p.years) * DAYS_PER_YEAR)
    }

    /// Planning years (1 without planning).
    fn layers(&self) -> usize {
        self.years.len().max(1)
    }

    /// The candidates in a set.
    fn members(&self, mask: u32) -> impl Iterator<Item = usize> + '_ {
        (0..self.ids.len()).filter(move |c| mask & (1 << c) != 0)
    }

    /// The days of a chain of sets: each candidate enters in the first year it is in.
    fn days_of(&self, chain: &[u32]) -> Days {
        (0..self.ids.len())
            .map(|c| {
                let k = chain.iter().position(|m| m & (1 << c) != 0)?;
                entry_day(self.spec, &self.ids[c], k)
            })
            .collect()
    }

    fn plan_of(&self, days: &Days) -> Plan {
        let mut upgrades: Vec<(f64, PlannedUpgrade)> = self
            .ids
            .iter()
            .zip(days)
            .filter_map(|(id, day)| {
                let day = (*day)?;
                let date = self.spec.planning.as_ref().map(|_| self.spec.date_at(day));
                let upgrade = PlannedUpgrade {
                    id: id.clone(),
                    name: self.spec.candidate_name(id),
                    date,
                    cost: present_cost(self.spec, id, day),
                };
                Some((day, upgrade))
            })
            .collect();
        upgrades.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let cost = upgrades.iter().map(|(_, u)| u.cost).sum();
        Plan { upgrades: upgrades.into_iter().map(|(_, u)| u).collect(), cost }
    }

    /// Whether a set keeps `requires` (by the year) and `excludes`.
    fn keeps_rules(&self, mask: u32) -> bool {
        let bit = |other: &String| self.ids.iter().position(|i| i == other).map(|j| 1u32 << j);
        self.members(mask).all(|c| {
            let spec = &self.spec.candidates[&self.ids[c]];
            spec.excludes.iter().filter_map(bit).all(|b| mask & b == 0)
                && spec.requires.iter().filter_map(bit).all(|b| mask & b != 0)
        })
    }

    /// The highest ρ on the capacity sheet in each year, and what has it, with the
    /// candidates of `mask` in service from the start.
    fn sheet(&self, mask: u32) -> Result<Vec<(f64, String)>, PlanError> {
        let plan: Vec<(String, f64)> = self.members(mask).map(|c| (self.ids[c].clone(), 0.0)).collect();
        let network = self.compile(&plan)?;
        let sheets = if network.years().is_empty() {
            vec![network.capacity_sheet()]
        } else {
            years::capacity_by_year(&network).into_iter().map(|(_, s)| s).collect()
        };
        Ok(sheets.iter().map(|s| s.binding().map_or((0.0, String::new()), |b| (b.rho, b.resource.clone()))).collect())
    }

    /// Which sets pass the capacity sheet (every ρ below 1) in each year, and how many
    /// sheets were worked out. Sets are taken by size; a set passes in a year without
    /// its own sheet when the set less one candidate passes (more capacity never raises
    /// a ρ). Sets that break the rules are never worked out.
    fn sheet_table(&self) -> Result<(Vec<Vec<bool>>, u64), PlanError> {
        self.experiment.on_threads(|| self.sheets_by_size()).0
    }

    /// [`Searcher::sheet_table`], on the current thread pool.
    fn sheets_by_size(&self) -> Result<(Vec<Vec<bool>>, u64), PlanError> {
        use rayon::prelude::*;
        let n = self.ids.len();
        let layers = self.layers();
        let mut passes = vec![vec![false; 1 << n]; layers];
        let mut worked_out = 0;
        for size in 0..=n as u32 {
            let mut todo = Vec::new();
            for mask in (0..1u32 << n).filter(|m| m.count_ones() == size) {
                let inferred: Vec<bool> =
                    (0..layers).map(|k| self.members(mask).any(|c| passes[k][(mask & !(1 << c)) as usize])).collect();
                for (k, p) in inferred.iter().enumerate() {
                    passes[k][mask as usize] = *p;
                }
                if !inferred.iter().all(|p| *p) && self.keeps_rules(mask) {
                    todo.push(mask);
                }
            }
            let sheets: Vec<_> = todo.par_iter().map(|&m| self.sheet(m)).collect();
            for (mask, sheet) in todo.iter().zip(sheets) {
                worked_out += 1;
                for (k, (rho, _)) in sheet?.iter().enumerate().take(layers) {
                    passes[k][*mask as usize] |= *rho < 1.0;
                }
            }
        }
        Ok((passes, worked_out))
    }

    /// Why no plan passes the capacity sheet: what binds with every candidate in
    /// service (skipping, in file order, any that another one already in excludes).
    fn why_nothing_passes(&self) -> Result<String, PlanError> {
        let all = (0..self.ids.len()).fold(0u32, |m, c| {
            let clashes = self.members(m).any(|other| {
                let excludes = |a: usize, b: usize| self.spec.candidates[&self.ids[a]].excludes.contains(&self.ids[b]);
                excludes(other, c) || excludes(c, other)
            });
            if clashes { m } else { m | (1 << c) }
        });
        let sheet = self.sheet(all)?;
        let year = |k: usize| self.years.get(k).map_or(String::new(), |y| format!("in {y}, "));
        Ok(match sheet.iter().enumerate().find(|(_, (rho, _))| *rho >= 1.0) {
            Some((k, (rho, resource))) => format!(
                "no plan passes the capacity sheet: even with every candidate in service from the start, {}{resource} has ρ {rho:.2}; add a candidate that relieves it",
                year(k)
            ),
            None => "no plan passes the capacity sheet in time: candidates come into service too late (see their earliest dates)".to_string(),
        })
    }

    /// The space of plans: costs by entry year, and the sets allowed each year.
    fn space(&self, passes: &[Vec<bool>]) -> Space {
        let layers = self.layers();
        let cost: Vec<Vec<f64>> = self
            .ids
            .iter()
            .map(|id| {
                (0..layers)
                    .map(|k| entry_day(self.spec, id, k).map_or(f64::INFINITY, |d| present_cost(self.spec, id, d)))
                    .collect()
            })
            .collect();
        let allowed = (0..layers)
            .map(|k| (0..1u32 << self.ids.len()).map(|m| passes[k][m as usize] && self.keeps_rules(m)).collect())
            .collect();
        // `requires` holds by the day: a candidate enters in the same year as one it
        // requires only if that one enters no later in the year.
        let later = (0..layers)
            .map(|k| {
                (0..self.ids.len())
                    .map(|c| {
                        let day = |id: &str| entry_day(self.spec, id, k);
                        let own = day(&self.ids[c]);
                        self.spec.candidates[&self.ids[c]]
                            .requires
                            .iter()
                            .filter_map(|r| self.ids.iter().position(|i| i == r))
                            .filter(|&r| matches!((day(&self.ids[r]), own), (Some(a), Some(b)) if a > b))
                            .fold(0u32, |m, r| m | (1 << r))
                    })
                    .collect()
            })
            .collect();
        Space::new(cost, allowed, later)
    }

    /// Whether a failed plan had at least as much capacity up to the end of its failing
    /// year.
    fn ruled_out_by_failure(&self, days: &Days) -> bool {
        self.failures.iter().any(|(failed, until)| {
            days.iter().zip(failed).all(|(d, f)| match d {
                Some(d) if d < until => f.is_some_and(|f| f <= *d),
                _ => true,
            })
        })
    }

    fn compile(&self, plan: &[(String, f64)]) -> Result<Network, PlanError> {
        let spec = self
            .spec
            .with_plan(plan)
            .map_err(|p| PlanError::Scenario(format!("candidate {}: {}", p.change, p.message)))?;
        Network::compile(&spec).map_err(|e| PlanError::Scenario(format!("plan {plan:?}: {e}")))
    }

    /// Every constraint of a simulated plan.
    fn constraints(&self, v: &VariantResult) -> Vec<ConstraintValue> {
        let mut out = Vec::new();
        let years: Vec<(Option<i32>, VariantResult)> = if self.years.is_empty() {
            vec![(None, v.clone())]
        } else {
            self.years.iter().filter_map(|y| Some((Some(*y), v.year(*y)?))).collect()
        };
        for (year, result) in &years {
            let s = result.stability();
            let growth = result.summary("system.backlog_growth_tonnes_per_day");
            let tolerance = s.tolerance_tonnes_per_day;
            let (mean, ci95, n) = growth.as_ref().map_or((f64::NAN, [f64::NAN; 2], 0), |g| (g.mean, g.ci95, g.n));
            let flows_ok = s.flows.iter().all(|f| !f.unstable);
            let probability = if s.verdict == Verdict::Saturated {
                0.0
            } else {
                let se = standard_error(growth.as_ref());
                probability_mean_at_most(mean, se, tolerance, n)
            };
            out.push(ConstraintValue {
                constraint: match year {
                    Some(y) => format!("stable in {y}"),
                    None => "stable".into(),
                },
                year: *year,
                criterion: None,
                mean,
                ci95,
                limit: tolerance,
                holds: s.verdict == Verdict::Stable,
                surely_holds: s.verdict == Verdict::Stable && flows_ok && ci95[1] <= tolerance,
                surely_fails: matches!(s.verdict, Verdict::Unstable | Verdict::Saturated),
                probability: if probability.is_nan() { 0.0 } else { probability },
            });
        }
        for (source, c) in &self.criteria {
            let year = c.key.strip_prefix("year.").and_then(|k| k.split('.').next()?.parse::<i32>().ok());
            let summary = v.summary(&c.key);
            let value = CriterionValue::of(c, summary.as_ref());
            let (mean, ci95) = (value.mean, value.ci95);
            let se = standard_error(summary.as_ref());
            let n = summary.as_ref().map_or(0, |s| s.n);
            let probability = match c.comparison {
                super::capacity::Comparison::AtMost => probability_mean_at_most(mean, se, c.threshold, n),
                // P(mean ≥ t) is P(−mean ≤ −t).
                super::capacity::Comparison::AtLeast => probability_mean_at_most(-mean, se, -c.threshold, n),
            };
            out.push(ConstraintValue {
                constraint: value.criterion,
                year,
                criterion: Some(*source),
                mean,
                ci95,
                limit: c.threshold,
                holds: value.holds,
                surely_holds: value.surely_holds,
                surely_fails: value.surely_fails,
                probability: if probability.is_nan() { 0.0 } else { probability.clamp(0.0, 1.0) },
            });
        }
        out
    }

    /// Simulates a plan by the sequential check of the module documentation.
    fn evaluate(&mut self, considered: u64, days: &Days) -> Result<(PlanEvaluation, VariantResult), PlanError> {
        let plan = self.plan_of(days);
        let entries: Vec<(String, f64)> =
            self.ids.iter().zip(days).filter_map(|(id, d)| Some((id.clone(), (*d)?))).collect();
        let network = self.compile(&entries)?;
        let label = plan.describe();
        let networks = vec![(label.clone(), network)];
        let mut n = self.search.screen_replications.min(self.search.confirm_replications);
        let mut runs = self.experiment.clone().replications(n).run_networks(&label, networks.clone(), None).variants;
        self.replications_run += n;
        loop {
            let constraints = self.constraints(&runs[0]);
            let decision = if constraints.iter().any(|c| c.surely_fails) {
                Some((false, format!("fails at 95 % with {n} replications")))
            } else if n >= self.search.confirm_replications {
                let feasible = constraints.iter().all(|c| c.holds);
                let how = if constraints.iter().all(|c| c.surely_holds) {
                    "holds at 95 %"
                } else if feasible {
                    "holds on the means (indifference zone)"
                } else {
                    "fails on the means (indifference zone)"
                };
                Some((feasible, format!("{how} with {n} replications")))
            } else {
                None
            };
            if let Some((feasible, decided)) = decision {
                let failures: Vec<&ConstraintValue> = constraints.iter().filter(|c| !c.holds).collect();
                let failing_year = failures.iter().filter_map(|c| c.year).min();
                let probability = (1.0 - constraints.iter().map(|c| 1.0 - c.probability).sum::<f64>()).clamp(0.0, 1.0);
                let evaluation = PlanEvaluation {
                    considered,
                    plan,
                    replications: n,
                    feasible,
                    decided,
                    failing_year,
                    failures: failures.iter().map(|c| failure_text(c)).collect(),
                    probability,
                    constraints,
                };
                return Ok((evaluation, runs.swap_remove(0)));
            }
            let more = (2 * n).min(self.search.confirm_replications);
            self.experiment.extend_networks(&networks, &mut runs, more);
            self.replications_run += more - n;
            n = more;
        }
    }
}

fn standard_error(summary: Option<&Summary>) -> f64 {
    summary.map_or(f64::NAN, |s| if s.n > 1 { s.sd / (s.n as f64).sqrt() } else { f64::NAN })
}

fn failure_text(c: &ConstraintValue) -> String {
    if c.constraint.starts_with("stable") {
        let year = c.year.map_or(String::new(), |y| format!(" in {y}"));
        format!("not stable{year}: backlog grows {:.0} t/day (tolerance {:.0})", c.mean, c.limit)
    } else {
        format!("{} (mean {:.3})", c.constraint, c.mean)
    }
}

/// A criterion for every planning year when it names none (`year.<Y>.` keys as given).
fn per_year(criteria: &[Criterion], years: &[i32], keys: &[String]) -> Vec<(usize, Criterion)> {
    criteria
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            let yearly = !years.is_empty()
                && !c.key.starts_with("year.")
                && keys.contains(&format!("year.{}.{}", years[0], c.key));
            if yearly {
                years.iter().map(|y| (i, Criterion { key: format!("year.{y}.{}", c.key), ..c.clone() })).collect()
            } else {
                vec![(i, c.clone())]
            }
        })
        .collect()
}

/// The headline KPIs of a reported plan.
const HEADLINE: [&str; 3] =
    ["system.delivered_tonnes", "system.delivered_share", "system.backlog_growth_tonnes_per_day"];

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
    if search.screen_replications < 2 || search.confirm_replications < search.screen_replications {
        return Err(PlanError::Settings(format!(
            "screening takes at least 2 replications and confirming at least as many as screening (not {} and {})",
            search.screen_replications, search.confirm_replications
        )));
    }
    if let Some(b) = search.budget
        && !(b.is_finite() && b >= 0.0)
    {
        return Err(PlanError::Settings(format!("the budget must be a number from 0 up, not {b}")));
    }
    let spec = scenario.variant(variant).map_err(|e| PlanError::Scenario(e.to_string()))?;
    if spec.candidates.is_empty() {
        return Err(PlanError::NoCandidates(scenario.file().to_string()));
    }
    let ids: Vec<String> = spec.candidates.keys().cloned().collect();
    if ids.len() > MAX_CANDIDATES {
        return Err(PlanError::Settings(format!(
            "{} candidates: the plan search takes at most {MAX_CANDIDATES} (it works through every set of them); leave some out, or join those that go together",
            ids.len()
        )));
    }
    let mut searcher = Searcher {
        spec: &spec,
        search,
        experiment,
        ids,
        years: spec.planning.as_ref().map(|p| p.calendar()).unwrap_or_default(),
        criteria: Vec::new(),
        failures: Vec::new(),
        replications_run: 0,
    };
    let keys = kpi_keys(&searcher.compile(&[])?);
    for c in &search.criteria {
        c.check_key(&keys)?;
    }
    let from = search.criteria_from.unwrap_or(i32::MIN);
    if let (Some(y), Some(last)) = (search.criteria_from, searcher.years.last())
        && !searcher.years.contains(&y)
    {
        return Err(PlanError::Settings(format!(
            "criteria from {y}: the planning years are {}–{last}",
            searcher.years[0]
        )));
    }
    let years: Vec<i32> = searcher.years.iter().copied().filter(|y| *y >= from).collect();
    searcher.criteria = per_year(&search.criteria, &years, &keys);
    let plans_in_all = searcher
        .ids
        .iter()
        .map(|id| 1.0 + (0..searcher.layers()).filter(|&k| entry_day(&spec, id, k).is_some()).count() as f64)
        .product();
    let (passes, sheets_worked_out) = searcher.sheet_table()?;
    let space = searcher.space(&passes);
    let plans_passing_sheet = space.count();

    let mut order = ChainOrder::new(&space);
    let (mut considered, mut by_failure) = (0u64, 0u64);
    let mut evaluated: Vec<PlanEvaluation> = Vec::new();
    let mut best: Vec<RankedPlan> = Vec::new();
    let mut stopped = None;
    let mut selection_confidence = 1.0;
    let horizon_end = searcher.horizon_end();
    while best.len() < search.best {
        let Some((cost, chain)) = order.next() else {
            stopped = Some(if order.truncated {
                "too many partial plans were held; narrow the candidates or give a --budget".to_string()
            } else if plans_passing_sheet == 0.0 {
                searcher.why_nothing_passes()?
            } else {
                format!("every plan that passes the capacity sheet was considered: {} feasible", best.len())
            });
            break;
        };
        if search.budget.is_some_and(|b| cost > b) {
            stopped = Some(format!("every plan within the budget was considered: {} feasible", best.len()));
            break;
        }
        considered += 1;
        let days = searcher.days_of(&chain);
        if searcher.ruled_out_by_failure(&days) {
            by_failure += 1;
            continue;
        }
        if evaluated.len() >= search.max_simulated {
            stopped = Some(format!("{} plans were simulated, the most allowed", search.max_simulated));
            break;
        }
        let (evaluation, result) = searcher.evaluate(considered, &days)?;
        if let Some(p) = progress {
            p(&evaluation);
        }
        if evaluation.feasible {
            let kpis_year = result.years().last().copied();
            let last = kpis_year.and_then(|y| result.year(y)).unwrap_or_else(|| result.clone());
            let kpis = HEADLINE.iter().filter_map(|k| Some((k.to_string(), last.summary(k)?))).collect();
            let binding = last.stability().binding.map(|b| (b.resource.clone(), b.rho()));
            if best.is_empty() {
                selection_confidence *= evaluation.probability;
            }
            best.push(RankedPlan { evaluation: evaluation.clone(), kpis, kpis_year, binding });
        } else {
            if best.is_empty() {
                selection_confidence *= 1.0 - evaluation.probability;
            }
            let until = match (evaluation.failing_year, searcher.years.first()) {
                (Some(y), Some(first)) => (f64::from(y - first + 1) * DAYS_PER_YEAR).min(horizon_end),
                _ => horizon_end,
            };
            searcher.failures.push((days, until));
        }
        evaluated.push(evaluation);
    }
    let currency = spec.scenario.currency.clone();
    Ok(PlanAnswer {
        variant: variant.to_string(),
        criteria: search.criteria.iter().map(ToString::to_string).collect(),
        criteria_from: searcher.years.first().map(|first| search.criteria_from.unwrap_or(*first)),
        currency,
        discount_rate: spec.planning.as_ref().map_or(0.0, |p| p.discount_rate),
        budget: search.budget,
        probability_correct_selection: (!best.is_empty()).then_some(selection_confidence),
        best,
        evaluated,
        plans_in_all,
        plans_passing_sheet,
        sheets_worked_out,
        considered,
        ruled_out_by_failure: by_failure,
        replications_run: searcher.replications_run,
        screen_replications: search.screen_replications,
        confirm_replications: search.confirm_replications,
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
