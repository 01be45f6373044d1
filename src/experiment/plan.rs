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

pub mod robust;

use super::capacity::{Comparison, Criterion, CriterionError};
use super::feasibility::{Call, Guarantee, call, looks};
use super::plan_space::{ChainOrder, Space};
use super::selection::{Earlier, Sampled, SimulatedPlan};
use super::{Experiment, VariantResult};
use crate::model::{Network, kpi_keys};
use crate::scenario::limits::MAX_CANDIDATES;
use crate::scenario::{DAYS_PER_YEAR, Scenario, ScenarioSpec};
use crate::stats::Summary;
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
    /// `stable in 2027` (the backlog's growth), `drains in 2027` (its net growth over
    /// the year), or a criterion as text (`year.2027.port.baku... <= 24`).
    pub constraint: String,
    /// The year it concerns (`None` for a run without planning).
    pub year: Option<i32>,
    /// The criterion given (its index in [`PlanAnswer::criteria`]) that this checks;
    /// `None` for stability.
    pub criterion: Option<usize>,
    /// The mean (tonnes a day, for stability).
    pub mean: f64,
    /// Its 95 % interval.
    pub ci95: [f64; 2],
    /// The limit: the growth tolerance, or the criterion's threshold.
    pub limit: f64,
    /// Whether the mean is on the allowed side.
    pub holds: bool,
    /// The call of the feasibility procedure at the last look: `holds` or `fails`
    /// with the stated guarantee, or `undecided` (inside the indifference zone).
    pub call: Call,
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
    /// The first year in which something fails significantly or for certain: the
    /// year up to which plans with no more capacity are ruled out (`None` if feasible,
    /// inside the zone, or without planning).
    pub failing_year: Option<i32>,
    /// What fails (stability or criteria), in words; empty if feasible.
    pub failures: Vec<String>,
    /// Whether some constraint was still undecided at the last look: the call is then
    /// on the means, inside the indifference zone, without the guarantee.
    pub within_zone: bool,
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
    /// The resource that binds in the last year: the highest simulated ρ (mean over
    /// replications). The sheet's estimates can exceed 1 where the simulation splits
    /// shared cargo more kindly; the simulated figure is what the plan was called on.
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
    /// The indifference zone and overall error of each plan's call.
    pub guarantee: Guarantee,
    /// The feasible plans found, cheapest first (at most `best`).
    pub best: Vec<RankedPlan>,
    /// Every plan simulated, in the order simulated.
    pub evaluated: Vec<PlanEvaluation>,
    /// Plans in all (each candidate not built, or built in one of its possible years).
    pub plans_in_all: u128,
    /// Plans that keep `requires`, `excludes` and earliest dates and pass the capacity
    /// sheet in every year (ρ < 1): the only ones that could be feasible.
    pub plans_passing_sheet: u128,
    /// Sets of candidates whose capacity sheets were worked out (the others followed
    /// from a subset that passes).
    pub sheets_worked_out: u64,
    /// Plans taken in cost order from those passing the sheet (simulated, or ruled
    /// out by their own bound).
    pub considered: u64,
    /// Partial plans (a plan's years up to a failure, with every completion) set aside
    /// because a cheaper plan with at least as much capacity in those years failed
    /// (significantly or for certain).
    pub ruled_out_by_failure: u64,
    /// Of those, plans ruled out by their own capacity bound (ρ ≥ 1 in some year with
    /// their candidates on their dates), without simulating.
    pub ruled_out_by_bound: u64,
    /// Replications run in all.
    pub replications_run: u64,
    /// Runs of plans up to a year only, to learn how large a failure is.
    pub learning_runs: u64,
    /// Replication-years simulated: for plans, and to learn failures.
    pub replication_years: [f64; 2],
    /// Of the replication-years asked for, those run and those resumed from states
    /// kept for plans with the same upgrades up to a year's close.
    #[serde(default)]
    pub years_run_and_resumed: [u64; 2],
    /// The most bytes of replication states kept at once for sharing (roughly).
    #[serde(default)]
    pub shared_state_bytes: u64,
    /// Replications of the first look.
    pub screen_replications: u64,
    /// The fewest replications of a plan called feasible.
    pub confirm_replications: u64,
    /// The most replications a plan gets.
    pub max_replications: u64,
    /// How sure the search is that plan 1 is the cheapest feasible plan (`None` when
    /// no plan was found).
    pub selection: Option<Selection>,
    /// Why the search stopped before finding `best` plans, if it did.
    pub stopped: Option<String>,
    /// The master seed.
    pub seed: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// How sure the search is that plan 1 is the cheapest feasible plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The estimated probability, by resampling the replications of the plans
    /// simulated jointly (see [`super::selection`]).
    pub probability: f64,
    /// Plans simulated before plan 1 in cost order (all cheaper), which it covers.
    pub simulated: usize,
    /// Plans before plan 1 ruled out by the failure of a simulated plan with as much
    /// capacity, which it covers through that plan.
    pub ruled_out_by_failure: u64,
    /// Resamples drawn.
    pub resamples: usize,
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

/// A failed plan: its days, the end of the year up to which it failed (significantly
/// or for certain), and which simulated plan it is (`None`: ruled out by its bound).
struct Failed {
    days: Days,
    until: f64,
    year: Option<i32>,
    by: Option<usize>,
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
    /// Candidates whose paths the scenario's own enabled changes also touch.
    interacting: u32,
    failures: Vec<Failed>,
    replications_run: u64,
    /// Runs of plans up to a year only, to learn failures.
    prefix_runs: u64,
    /// Replication-years simulated for plans, and for learning failures.
    full_years: f64,
    prefix_years: f64,
    /// Replication states kept at years' closes, for plans that share them.
    shared: super::shared_years::SharedYears,
}

impl<'a> Searcher<'a> {
    /// A searcher of `spec`'s candidates: the criteria checked against its KPI keys
    /// and spread over the planning years.
    fn new(spec: &'a ScenarioSpec, search: &'a PlanSearch, experiment: &'a Experiment) -> Result<Self, PlanError> {
        let ids: Vec<String> = spec.candidates.keys().cloned().collect();
        if ids.len() > MAX_CANDIDATES {
            return Err(PlanError::Settings(format!(
                "{} candidates: the plan search takes at most {MAX_CANDIDATES} (it works through every set of them); leave some out, or join those that go together",
                ids.len()
            )));
        }
        let mut searcher = Searcher {
            spec,
            search,
            experiment,
            interacting: interacting(spec, &ids),
            ids,
            years: spec.planning.as_ref().map(|p| p.calendar()).unwrap_or_default(),
            criteria: Vec::new(),
            failures: Vec::new(),
            replications_run: 0,
            prefix_runs: 0,
            full_years: 0.0,
            prefix_years: 0.0,
            shared: super::shared_years::SharedYears::new(
                spec.planning.as_ref().map_or(1, |p| p.years as usize),
                super::shared_years::DEFAULT_BUDGET,
                search.share_years,
            ),
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
                "--criteria-from: {y} is not a planning year (the planning years are {}–{last})",
                searcher.years[0]
            )));
        }
        let years: Vec<i32> = searcher.years.iter().copied().filter(|y| *y >= from).collect();
        searcher.criteria = per_year(&search.criteria, &years, &keys);
        Ok(searcher)
    }

    fn horizon_end(&self) -> f64 {
        self.spec.planning.as_ref().map_or(f64::INFINITY, |p| f64::from(p.years) * DAYS_PER_YEAR)
    }

    /// Planning years (1 without planning).
    fn layers(&self) -> usize {
        self.years.len().max(1)
    }

    /// The end of the year `year` fails in, in days (the horizon without planning).
    fn until(&self, year: Option<i32>) -> f64 {
        match (year, self.years.first()) {
            (Some(y), Some(first)) => (f64::from(y - first + 1) * DAYS_PER_YEAR).min(self.horizon_end()),
            _ => self.horizon_end(),
        }
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

    /// Whether a set keeps `requires` and `excludes`.
    fn keeps_rules(&self, mask: u32) -> bool {
        let bit = |other: &String| self.ids.iter().position(|i| i == other).map(|j| 1u32 << j);
        self.members(mask).all(|c| {
            let spec = &self.spec.candidates[&self.ids[c]];
            spec.excludes.iter().filter_map(bit).all(|b| mask & b == 0)
                && spec.requires.iter().filter_map(bit).all(|b| mask & b != 0)
        })
    }

    /// The capacity bound of each year with the candidates of `mask` in service all
    /// year, applied after the scenario's own changes (valid for sets that touch
    /// nothing those touch: see the module documentation).
    fn sheet(&self, mask: u32) -> Result<Vec<crate::model::RhoBound>, PlanError> {
        let plan: Vec<(String, f64)> = self.members(mask).map(|c| (self.ids[c].clone(), 0.0)).collect();
        Ok(bounds(&self.compile(&plan)?))
    }

    /// Which sets pass the capacity bound in each year, and how many sets' bounds
    /// were worked out. Sets are taken by size; a set passes in a year without its own
    /// bound when the set less one candidate passes (more capacity never raises it),
    /// and a set with a candidate that interacts with the scenario's own changes passes
    /// (its plans are checked one by one). Sets that break the rules are never worked out.
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
                let unknown = mask & self.interacting != 0;
                let inferred: Vec<bool> = (0..layers)
                    .map(|k| unknown || self.members(mask).any(|c| passes[k][(mask & !(1 << c)) as usize]))
                    .collect();
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
                for (k, bound) in sheet?.iter().enumerate().take(layers) {
                    passes[k][*mask as usize] |= !bound.overloaded();
                }
            }
        }
        Ok((passes, worked_out))
    }

    /// Why no plan passes the capacity bound: what binds with every candidate in
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
        Ok(match sheet.iter().enumerate().find(|(_, b)| b.overloaded()) {
            Some((k, b)) => format!(
                "no plan passes the capacity bound: even with every candidate in service from the start, {}{} whatever the split of the cargo; add a candidate that relieves it",
                year(k),
                b.describe()
            ),
            None => "no plan passes the capacity bound in time: candidates come into service too late (see their earliest dates)".to_string(),
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

    /// The failure that rules out a plan whose candidates enter on `days` (`None`:
    /// not built) up to day `known` (the rest is not decided yet): one that had at
    /// least as much capacity up to the end of its failing year, no later than `known`.
    fn ruled_out_by_failure(&self, days: &Days, known: f64) -> Option<usize> {
        self.failures.iter().position(|failed| {
            failed.until <= known
                && days.iter().zip(&failed.days).all(|(d, f)| match d {
                    Some(d) if *d < failed.until => f.is_some_and(|f| f <= *d),
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

    /// The constraints of a simulated plan, each with its values per replication, and
    /// the first year a replication hit a cap in (a certain failure).
    fn samples(&self, v: &VariantResult, up_to: Option<i32>) -> (Vec<(ConstraintText, Sampled)>, Option<Option<i32>>) {
        let mut out = Vec::new();
        let mut capped: Option<Option<i32>> = None;
        let within = |y: &i32| up_to.is_none_or(|last| *y <= last);
        let years: Vec<(Option<i32>, VariantResult)> = if self.years.is_empty() {
            vec![(None, v.clone())]
        } else {
            self.years.iter().filter(|y| within(y)).filter_map(|y| Some((Some(*y), v.year(*y)?))).collect()
        };
        for (year, result) in &years {
            if capped.is_none() && result.records.iter().any(|r| r.saturation.is_some()) {
                capped = Some(*year);
            }
            let tolerance = result.growth_tolerance();
            let name = |what: &str| year.map_or(what.to_string(), |y| format!("{what} in {y}"));
            let growth = result.values("system.backlog_growth_tonnes_per_day").unwrap_or_default();
            out.push((
                ConstraintText { text: name("stable"), criterion: None },
                Sampled { values: growth, limit: tolerance, at_most: true, zone: STABILITY_ZONE, year: *year },
            ));
            if let Some(net) = result.net_growth() {
                out.push((
                    ConstraintText { text: name("drains"), criterion: None },
                    Sampled { values: net, limit: tolerance, at_most: true, zone: STABILITY_ZONE, year: *year },
                ));
            }
        }
        for (source, c) in &self.criteria {
            let year = c.key.strip_prefix("year.").and_then(|k| k.split('.').next()?.parse::<i32>().ok());
            if year.is_some_and(|y| !within(&y)) {
                continue;
            }
            out.push((
                ConstraintText { text: c.to_string(), criterion: Some(*source) },
                Sampled {
                    values: v.values(&c.key).unwrap_or_default(),
                    limit: c.threshold,
                    at_most: c.comparison == Comparison::AtMost,
                    zone: self.search.guarantee.tolerance,
                    year,
                },
            ));
        }
        (out, capped)
    }

    /// Runs the sequential procedure of the module documentation on `network`, over
    /// every year or only up to planning year `up_to` (the run then stops at that
    /// year's end: the years before are exactly those of the whole run, by common
    /// random numbers). Stops as soon as a constraint fails, or every constraint holds
    /// with at least `confirm` replications, or at the last look. A run up to a year,
    /// which only asks whether something fails, also stops when nothing fails on its
    /// mean, and at `confirm` replications.
    ///
    /// Every replication runs to the end of its years even when an earlier year
    /// already fails: the later years' states are what later plans resume from (see
    /// `shared_years`). Stopping a look at its failing year was tried, and made the
    /// README's search slower (415 s against 318 s to its 80th plan).
    fn check(&mut self, label: &str, days: &Days, network: Network, up_to: Option<usize>, confirm: u64) -> Checked {
        let upgrades = self.shared.upgrades_by_close(days);
        let shared = &self.shared;
        let stop_after = up_to.map(|k| k + 1);
        let replicate = |_: usize, net: &Network, seed: u64, r: u64| shared.run(net, seed, r, &upgrades, stop_after);
        let last_year = up_to.and_then(|k| self.years.get(k).copied());
        let networks = vec![(label.to_string(), network)];
        let search = self.search;
        let looks = looks(search.screen_replications, search.max_replications);
        // The looks are fixed in advance (the error is spread over all of them) even
        // when a run up to a year stops before the last.
        let stop_at = if up_to.is_some() { confirm.min(search.max_replications) } else { search.max_replications };
        let mut n = looks[0];
        let mut runs = self
            .experiment
            .clone()
            .replications(n)
            .run_networks_with(label, networks.clone(), None, &replicate)
            .variants;
        loop {
            let (samples, capped) = self.samples(&runs[0], last_year);
            let calls = calls_at(&samples, search.guarantee.levels(n, &looks, samples.len()));
            let last = n >= *looks.last().unwrap_or(&n) || (up_to.is_some() && n >= stop_at);
            let fails = capped.is_some() || calls.contains(&Call::Fails);
            let holds = calls.iter().all(|c| *c == Call::Holds) && n >= confirm;
            let none_failing = up_to.is_some()
                && samples.iter().all(|(_, s)| {
                    Summary::of(&s.values).is_none_or(|m| if s.at_most { m.mean <= s.limit } else { m.mean >= s.limit })
                });
            if fails || holds || last || none_failing {
                self.count_replications(n, up_to);
                return Checked { result: runs.swap_remove(0), samples, calls, capped, n, fails, holds };
            }
            let more = looks.iter().copied().find(|&l| l > n).unwrap_or(n);
            self.experiment.extend_networks_with(&networks, &mut runs, more, &replicate);
            n = more;
        }
    }

    /// Counts `n` replications run, up to planning year `up_to` or over every year.
    fn count_replications(&mut self, n: u64, up_to: Option<usize>) {
        self.replications_run += n;
        let years = n as f64 * up_to.map_or(self.layers(), |k| k + 1) as f64;
        if up_to.is_some() {
            self.prefix_years += years;
        } else {
            self.full_years += years;
        }
    }

    /// Simulates a plan by the sequential procedure of the module documentation.
    fn evaluate(
        &mut self,
        considered: u64,
        days: &Days,
        network: Network,
    ) -> (PlanEvaluation, VariantResult, SimulatedPlan) {
        let plan = self.plan_of(days);
        let search = self.search;
        let Checked { result, samples, calls, capped, n, fails, holds } =
            self.check(&plan.describe(), days, network, None, search.confirm_replications);
        let constraints: Vec<ConstraintValue> =
            samples.iter().zip(&calls).map(|((text, s), c)| constraint_value(text, s, *c)).collect();
        let within_zone = !fails && !holds;
        let feasible = holds || (within_zone && constraints.iter().all(|c| c.holds));
        let mut failures: Vec<String> = Vec::new();
        if let Some(year) = capped {
            let y = year.map_or(String::new(), |y| format!(" in {y}"));
            failures.push(format!("a replication hit a cap{y}: the corridor is overloaded"));
        }
        // What fails significantly first, then what fails on its mean only.
        failures.extend(constraints.iter().filter(|c| c.call == Call::Fails).map(failure_text));
        failures.extend(constraints.iter().filter(|c| !c.holds && c.call != Call::Fails).map(failure_text));
        let zone = format!(
            "δ = {} % of each limit, α = {} %",
            search.guarantee.tolerance * 100.0,
            search.guarantee.alpha * 100.0
        );
        let decided = if fails {
            format!("fails ({zone}) with {n} replications")
        } else if holds {
            format!("holds ({zone}) with {n} replications")
        } else {
            let undecided: Vec<&str> =
                constraints.iter().filter(|c| c.call == Call::Undecided).map(|c| c.constraint.as_str()).collect();
            format!(
                "{} on the means: inside the indifference zone at {n} replications ({} undecided)",
                if feasible { "holds" } else { "fails" },
                undecided.join(", ")
            )
        };
        let evaluation = PlanEvaluation {
            considered,
            plan,
            replications: n,
            feasible,
            decided,
            failing_year: if fails { failing_year(&samples, &calls, capped) } else { None },
            failures,
            within_zone,
            constraints,
        };
        let simulated = SimulatedPlan {
            constraints: samples.into_iter().map(|(_, s)| s).collect(),
            fails_surely: capped,
            replications: n,
        };
        (evaluation, result, simulated)
    }

    /// Whether `days`, run up to planning year `k` only, fails significantly by then;
    /// if so, its simulated record (for the stated confidence) and the year.
    fn fails_by(&mut self, days: &Days, k: usize) -> Result<Option<(SimulatedPlan, Option<i32>)>, PlanError> {
        let entries: Vec<(String, f64)> =
            self.ids.iter().zip(days).filter_map(|(id, d)| Some((id.clone(), (*d)?))).collect();
        let network = self.compile(&entries)?;
        if let Some(y) = bounds(&network).iter().take(k + 1).position(crate::model::RhoBound::overloaded) {
            let year = self.years.get(y).copied();
            let certain = SimulatedPlan { constraints: Vec::new(), fails_surely: Some(year), replications: 1 };
            return Ok(Some((certain, year)));
        }
        let label = format!("{} (to {})", self.plan_of(days).describe(), self.years.get(k).copied().unwrap_or(0));
        let checked =
            self.check(&label, days, network, Some(k), LEARNING_REPLICATIONS.max(self.search.screen_replications));
        self.prefix_runs += 1;
        if !checked.fails {
            return Ok(None);
        }
        let year = failing_year(&checked.samples, &checked.calls, checked.capped);
        let simulated = SimulatedPlan {
            constraints: checked.samples.into_iter().map(|(_, s)| s).collect(),
            fails_surely: checked.capped,
            replications: checked.n,
        };
        Ok(Some((simulated, year)))
    }

    /// `failing` with the candidates `added` (and what they require) from their
    /// earliest days, if that keeps `requires` and `excludes`.
    fn grown(&self, failing: &Days, added: &[usize], k: usize, earliest: &[f64]) -> Option<Days> {
        let mut grown = failing.clone();
        for &c in added {
            grown[c] = Some(earliest[c]);
            for r in
                self.spec.candidates[&self.ids[c]].requires.iter().filter_map(|r| self.ids.iter().position(|i| i == r))
            {
                grown[r] = grown[r].or(entry_day(self.spec, &self.ids[r], k).map(|_| earliest[r]));
            }
        }
        let mask = grown.iter().enumerate().filter(|(_, d)| d.is_some()).fold(0u32, |m, (i, _)| m | (1 << i));
        self.keeps_rules(mask).then_some(grown)
    }

    /// After a plan with `days` failed (significantly, in `significant`; and on its
    /// means from `on_means`), learns as large a failure as simulation shows, so that
    /// it rules out as many plans as it may: the plan's candidates up to the earliest
    /// failing year, each from its earliest date, then every other candidate that can
    /// be in service by then and still leaves that year failing (cheapest first).
    /// Each step is a run up to that year only.
    fn learn(
        &mut self,
        days: &Days,
        (significant, on_means): (Option<i32>, Option<i32>),
        result: &VariantResult,
        records: &mut Vec<SimulatedPlan>,
        by: usize,
    ) -> Result<Failed, PlanError> {
        let plain = Failed { until: self.until(significant), days: days.clone(), year: significant, by: Some(by) };
        let Some(significant) = significant else { return Ok(plain) };
        let mut targets: Vec<i32> = on_means.into_iter().filter(|y| *y < significant).collect();
        targets.push(significant);
        for target in targets {
            let Some(k) = self.years.iter().position(|y| *y == target) else { continue };
            let end = (k as f64 + 1.0) * DAYS_PER_YEAR;
            let earliest_days: Vec<f64> = self.ids.iter().map(|id| self.spec.candidate_earliest_day(id)).collect();
            let earliest = |c: usize| earliest_days[c];
            let mut failing: Days =
                days.iter().enumerate().map(|(c, d)| d.filter(|d| *d < end).map(|_| earliest(c))).collect();
            let Some((record, year)) = self.fails_by(&failing, k)? else { continue };
            records.push(record);
            let mut found = (records.len() - 1, year);
            // Grow it with every candidate that can be in service by then: first, at once,
            // those that touch nothing implicated in the failing year; then one by one,
            // cheapest first.
            let mut more: Vec<usize> = (0..self.ids.len())
                .filter(|&c| failing[c].is_none() && entry_day(self.spec, &self.ids[c], k).is_some())
                .collect();
            let spec = self.spec;
            let costs: Vec<f64> =
                self.ids.iter().zip(&earliest_days).map(|(id, d)| present_cost(spec, id, *d)).collect();
            more.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]));
            let implicated = implicated(result, target);
            let (apart, rest): (Vec<usize>, Vec<usize>) =
                more.iter().partition(|&&c| !implicated.is_empty() && !touches(spec, &self.ids[c], &implicated));
            let mut one_by_one = rest;
            if !apart.is_empty() {
                match self.grown(&failing, &apart, k, &earliest_days) {
                    Some(grown) => match self.fails_by(&grown, k)? {
                        Some((record, year)) => {
                            records.push(record);
                            found = (records.len() - 1, year);
                            failing = grown;
                        }
                        None => one_by_one.extend(apart),
                    },
                    None => one_by_one.extend(apart),
                }
            }
            one_by_one.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]));
            for c in one_by_one {
                if failing[c].is_some() {
                    continue;
                }
                let Some(grown) = self.grown(&failing, &[c], k, &earliest_days) else { continue };
                if let Some((record, year)) = self.fails_by(&grown, k)? {
                    records.push(record);
                    found = (records.len() - 1, year);
                    failing = grown;
                }
            }
            let year = found.1.or(Some(target));
            return Ok(Failed { until: self.until(year), days: failing, year, by: Some(found.0) });
        }
        Ok(plain)
    }
}

/// Each constraint called at `levels` (those of the look, for every constraint).
fn calls_at(samples: &[(ConstraintText, Sampled)], levels: super::feasibility::Levels) -> Vec<Call> {
    samples.iter().map(|(_, s)| call(&s.values, s.limit, s.at_most, s.zone, levels)).collect()
}

/// The most replications of a run that learns how large a failure is: beyond, an
/// undecided run counts as not failing (the failure is then learned smaller).
const LEARNING_REPLICATIONS: u64 = 10;

/// What a plan's run implicates in year `year`'s failure, as resource names or their
/// prefixes: where cargo accumulated, what binds, and the criteria that fail (empty:
/// unknown, so everything is).
fn implicated(result: &VariantResult, year: i32) -> Vec<String> {
    let Some(v) = result.year(year) else { return Vec::new() };
    let s = v.stability();
    let mut out: Vec<String> = s
        .accumulating
        .iter()
        .filter_map(|p| {
            if let Some((_, service)) = p.place.split_once(".waiting_for.") {
                Some(format!("service.{service}"))
            } else if let Some(port) = p.place.strip_suffix(".gate") {
                Some(format!("port.{port}."))
            } else {
                p.place.strip_suffix(".transfer").map(|n| format!("transfer.{n}"))
            }
        })
        .collect();
    out.extend(s.binding.map(|b| b.resource));
    if let Some(bound) = v.capacity.as_ref().and_then(|c| c.bound.as_ref()) {
        out.extend(bound.binding.iter().cloned());
    }
    out
}

/// Whether candidate `id` touches a resource in `implicated` (a sea link touches
/// every service sailing it, and a rail link its trains: they count as touching all).
fn touches(spec: &ScenarioSpec, id: &str, implicated: &[String]) -> bool {
    spec.candidate_paths(id).iter().any(|path| {
        let keys: Vec<&str> = path.split('.').collect();
        let resource = match keys.as_slice() {
            ["ports", p, "berths", class, ..] => format!("port.{p}.berths.{class}"),
            ["ports", p, "yard_capacity_tonnes", ..] => format!("port.{p}.yard"),
            ["ports", p, ..] => format!("port.{p}."),
            ["ship_services", s, ..] | ["train_services", s, ..] => format!("service.{s}"),
            ["nodes", n, ..] => format!("transfer.{n}"),
            ["pipelines", p, ..] => format!("pipeline.{p}"),
            _ => return true,
        };
        implicated.iter().any(|i| i.starts_with(&resource) || resource.starts_with(i.as_str()))
    })
}

/// The outcome of the sequential procedure on one network.
struct Checked {
    result: VariantResult,
    samples: Vec<(ConstraintText, Sampled)>,
    calls: Vec<Call>,
    capped: Option<Option<i32>>,
    n: u64,
    fails: bool,
    holds: bool,
}

/// The year of the first significant (or certain) failure; `None` without planning
/// (a failure then rules out up to the horizon).
fn failing_year(samples: &[(ConstraintText, Sampled)], calls: &[Call], capped: Option<Option<i32>>) -> Option<i32> {
    let failing: Vec<Option<i32>> =
        samples.iter().zip(calls).filter(|(_, c)| **c == Call::Fails).map(|((_, s), _)| s.year).chain(capped).collect();
    if failing.iter().any(Option::is_none) { None } else { failing.iter().flatten().min().copied() }
}

/// The bound of every planning year of `network` (one, over the run, without
/// planning).
fn bounds(network: &Network) -> Vec<crate::model::RhoBound> {
    let years = network.years().len().max(1);
    (0..years).map(|k| network.rho_bound_of_year(k)).collect()
}

/// A constraint's name, and the criterion it checks.
struct ConstraintText {
    text: String,
    criterion: Option<usize>,
}

fn constraint_value(text: &ConstraintText, s: &Sampled, call: Call) -> ConstraintValue {
    let summary = Summary::of(&s.values);
    let (mean, ci95) = summary.as_ref().map_or((f64::NAN, [f64::NAN; 2]), |x| (x.mean, x.ci95));
    ConstraintValue {
        constraint: text.text.clone(),
        year: s.year,
        criterion: text.criterion,
        mean,
        ci95,
        limit: s.limit,
        holds: mean.is_finite() && if s.at_most { mean <= s.limit } else { mean >= s.limit },
        call,
    }
}

fn failure_text(c: &ConstraintValue) -> String {
    let sure = if c.call == Call::Fails { "" } else { " (on the mean, inside the zone)" };
    if c.criterion.is_none() {
        let year = c.year.map_or(String::new(), |y| format!(" in {y}"));
        let what = if c.constraint.starts_with("drains") { "net growth over the year" } else { "backlog grows" };
        format!("not stable{year}: {what} {:.0} t/day (tolerance {:.0}){sure}", c.mean, c.limit)
    } else {
        format!("{} (mean {:.3}){sure}", c.constraint, c.mean)
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

/// The indifference zone of stability, as a share of the growth tolerance: a backlog
/// that does not grow is surely stable, one growing by twice the tolerance (2 % of a
/// day's demand a day) surely not; between, either call is acceptable. (A zone of
/// `--tolerance` × the tolerance, a few tonnes a day, would take thousands of
/// replications to resolve at ρ near 1.)
pub const STABILITY_ZONE: f64 = 1.0;

/// The headline KPIs of a reported plan.
const HEADLINE: [&str; 3] =
    ["system.delivered_tonnes", "system.delivered_share", "system.backlog_growth_tonnes_per_day"];

/// The candidates (as a set) whose paths the scenario's own enabled changes also
/// touch: for them the order of a `set` and an `add` matters, so their sets cannot be
/// screened with the candidates applied last.
fn interacting(spec: &ScenarioSpec, ids: &[String]) -> u32 {
    let overlaps = |a: &str, b: &str| {
        let under =
            |x: &str, y: &str| x.len() > y.len() && x.starts_with(y) && matches!(x.as_bytes()[y.len()], b'.' | b'[');
        a == b || under(a, b) || under(b, a)
    };
    let changed: Vec<String> = spec
        .changes
        .values()
        .filter(|c| c.enabled)
        .flat_map(|c| c.set.keys().chain(c.scale.keys()).chain(c.add.keys()).cloned())
        .collect();
    ids.iter().enumerate().fold(0, |mask, (i, id)| {
        let touches = spec.candidate_paths(id).iter().any(|p| changed.iter().any(|q| overlaps(p, q)));
        if touches { mask | (1 << i) } else { mask }
    })
}

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
    let entries: Vec<(String, f64)> =
        searcher.ids.iter().zip(&days).filter_map(|(id, d)| Some((id.clone(), (*d)?))).collect();
    let network = searcher.compile(&entries)?;
    if let Some(k) = bounds(&network).iter().position(crate::model::RhoBound::overloaded) {
        let year = searcher.years.get(k).copied();
        let bound = bounds(&network).swap_remove(k);
        return Ok(PlanEvaluation {
            considered: 0,
            plan: searcher.plan_of(&days),
            replications: 0,
            feasible: false,
            decided: "fails whatever the randomness: the capacity bound reaches 1".into(),
            failing_year: year,
            failures: vec![format!("{}{}", year.map_or(String::new(), |y| format!("in {y}, ")), bound.describe())],
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
        let entries: Vec<(String, f64)> =
            searcher.ids.iter().zip(&days).filter_map(|(id, d)| Some((id.clone(), (*d)?))).collect();
        let network = searcher.compile(&entries)?;
        // The plan's own bound, its candidates on their dates: ρ ≥ 1 in some year is
        // infeasible whatever the randomness.
        if let Some(k) = bounds(&network).iter().position(crate::model::RhoBound::overloaded) {
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
                let on_means = evaluation.constraints.iter().filter(|c| !c.holds).filter_map(|c| c.year).min();
                let by = records.len() - 1;
                let failed = searcher.learn(&days, (evaluation.failing_year, on_means), &result, &mut records, by)?;
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
