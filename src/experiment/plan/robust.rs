//! The cheapest plan that holds across the unknowns (`corridor plan --robust P
//! --uncertain N`): the cheapest plan called feasible in at least a share `P` of `N`
//! input scenarios drawn from the scenario's `[uncertain.*]` inputs.
//!
//! # The input scenarios
//!
//! As for `run --uncertain` (see [`crate::experiment::uncertainty`]): a Latin
//! hypercube of the uncertain inputs, `N` points from the seed, each the scenario with
//! every input at its drawn value and the variant applied on top. Inside each, a plan
//! is called exactly as the nominal search calls it (the same sequential procedure,
//! guarantee and replications, common random numbers): feasible or infeasible with
//! probability at least `1 − α` outside the indifference zone.
//!
//! # The search
//!
//! Plans are taken in ascending order of their cost **as the file writes it** (an
//! uncertain cost does not change what is feasible; the order is the nominal one). A
//! plan is robust when it is called feasible in at least `m = ⌈P·N⌉` input scenarios,
//! so it may fail in at most `N − m`. A plan is set aside without simulating when it
//! is ruled out in more than `N − m` of them, counting in each input scenario:
//!
//! - its sets of candidates failing the capacity bound there (ρ ≥ 1 whatever the split
//!   of the cargo): the plan space keeps a set in a year only when it passes the bound
//!   in at least `m` input scenarios, which no robust plan can fail to;
//! - its own bound reaching 1 there, with its candidates on their dates;
//! - a cheaper plan with at least as much capacity up to a year having failed
//!   significantly there by that year (learned as large as simulation shows, as in the
//!   nominal search).
//!
//! Each rule only sets aside plans that fail in that input scenario, so a plan set
//! aside fails in more than `N − m` of them: none is robust. A whole plan is checked
//! first where a cheaper plan's failure rules it out (no network needed), then by its
//! own bound, compiling its network in one input scenario after another (those where
//! bounds failed most often first) and stopping as soon as it fails in more than
//! `N − m`: compiling is the costly part of a plan that is never simulated. A plan
//! simulated is called where it is known to fail without simulating (a cheaper plan
//! with as much capacity failed there) first, then in the input scenarios where plans
//! have failed most often so far, until it fails in more than `N − m` (not robust) or
//! has been called in all of them. The order changes only how soon a plan that is not robust
//! is dropped, never a call. The answer is called in every input
//! scenario, and the report names the ones it fails under, with their inputs.
//!
//! # What it says, and what it does not
//!
//! The share is over the `N` input scenarios drawn: the answer is the cheapest plan
//! that holds in at least `m` of them. With its 95 % Wilson interval, it estimates the
//! share of the declared input ranges (as uniform, or as the inputs' distributions
//! say) in which the plan holds; with few input scenarios that interval is wide.
//! `P = 1` asks for a plan that holds in every scenario drawn.

use super::constraints::{FAILS_BY_BOUND, bound_failure, first_overloaded};
use super::{Failed, Plan, PlanError, PlanSearch, Searcher};
use crate::experiment::Experiment;
use crate::experiment::plan_space::ChainOrder;
use crate::experiment::shared_years::{DEFAULT_BUDGET, SharedYears};
use crate::experiment::uncertainty::{InputScenario, UncertainRunSettings, design_of, wilson};
use crate::model::Network;
use crate::scenario::{DAYS_PER_YEAR, Scenario, ScenarioSpec, UncertainFactor};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The robust plan's target: a share of input scenarios, and how many to draw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Robustness {
    /// `P`: the least share of input scenarios a plan must be called feasible in, in
    /// (0, 1].
    pub share: f64,
    /// `N`: input scenarios drawn (at least 2).
    pub scenarios: usize,
    /// Seed of the Latin hypercube (the replications keep the experiment's seed).
    pub seed: u64,
}

impl Robustness {
    /// How many input scenarios a robust plan must hold in: `⌈P·N⌉`.
    pub fn needed(&self) -> usize {
        ((self.share * self.scenarios as f64) - 1e-9).ceil().max(1.0) as usize
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`PlanError::Settings`], naming the flag.
    pub fn check(&self) -> Result<(), PlanError> {
        if !(self.share > 0.0 && self.share <= 1.0) {
            return Err(PlanError::Settings(format!(
                "--robust: {} is out of range (valid: a share of input scenarios above 0 and at most 1, e.g. 0.8)",
                self.share
            )));
        }
        if self.scenarios < 2 {
            return Err(PlanError::Settings(format!(
                "--uncertain: {} input scenarios is too few for a robust plan (valid: 2 or more, e.g. 20)",
                self.scenarios
            )));
        }
        Ok(())
    }
}

/// A plan's call in one input scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputCall {
    /// The input scenario (from 0, in the order of the design).
    pub scenario: usize,
    /// Called feasible there.
    pub feasible: bool,
    /// How, in words (as the nominal search says it).
    pub decided: String,
    /// What fails there, in words; empty if feasible.
    pub failures: Vec<String>,
    /// Replications run there (0: ruled out without simulating).
    pub replications: u64,
}

/// A plan called across the input scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustEvaluation {
    /// Its place in cost order among the plans considered (from 1).
    pub considered: u64,
    /// The plan, with its costs as the file writes them.
    pub plan: Plan,
    /// Its calls, in the order made (not every input scenario when it failed in too
    /// many to be robust).
    pub calls: Vec<InputCall>,
    /// Input scenarios it is called feasible in.
    pub feasible_in: usize,
    /// Whether it holds in at least `⌈P·N⌉` input scenarios.
    pub robust: bool,
}

/// The answer of a robust search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustAnswer {
    /// The variant the plans are built on.
    pub variant: String,
    /// The criteria, as given.
    pub criteria: Vec<String>,
    /// The first year criteria that name no year must hold in (a planning run).
    pub criteria_from: Option<i32>,
    /// The currency of costs.
    pub currency: String,
    /// The target.
    pub robustness: Robustness,
    /// The unknowns varied.
    pub factors: Vec<UncertainFactor>,
    /// Each input scenario's factor positions (0 = low end, 1 = high end).
    pub design: Vec<Vec<f64>>,
    /// The cheapest robust plan, called in every input scenario (`None`: none found).
    pub plan: Option<RobustEvaluation>,
    /// The 95 % Wilson interval of the share of input scenarios the plan holds in.
    pub share_ci95: Option<[f64; 2]>,
    /// Every plan simulated, in cost order.
    pub evaluated: Vec<RobustEvaluation>,
    /// Plans taken in cost order (simulated, ruled out by their own bounds, or ruled
    /// out without simulating by cheaper plans' failures).
    pub considered: u64,
    /// Of those, ruled out by their own capacity bounds in too many input scenarios.
    pub ruled_out_by_bound: u64,
    /// Partial plans set aside because they were ruled out by failures in too many
    /// input scenarios.
    pub ruled_out_by_failure: u64,
    /// Whole plans taken but not simulated: ruled out in too many input scenarios by
    /// their bounds and by cheaper plans with as much capacity that failed there.
    #[serde(default)]
    pub ruled_out_without_simulating: u64,
    /// Replications run in all, over every input scenario.
    pub replications_run: u64,
    /// Why no plan was found, if none was.
    pub stopped: Option<String>,
    /// The cost of the last plan taken in cost order: every cheaper plan was ruled
    /// out or called not robust, so when the search stopped without a plan, a robust
    /// plan costs at least this much (`None`: no plan was taken).
    #[serde(default)]
    pub reached_cost: Option<f64>,
    /// The master seed.
    pub seed: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Each unknown's position in its range, in words (`storms at 80 % of its range`).
fn positions_of(factors: &[UncertainFactor], x: &[f64]) -> String {
    factors
        .iter()
        .zip(x)
        .map(|(f, u)| format!("{} at {:.0} % of its range", f.name, u * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why no plan holds in `needed` input scenarios once every plan passing the capacity
/// bound in that many was considered, naming the input scenarios where even every
/// candidate leaves a resource overloaded (no plan of these candidates holds there).
fn no_robust_plan(
    inputs: &[Searcher<'_>],
    factors: &[UncertainFactor],
    design: &[Vec<f64>],
    needed: usize,
) -> Result<String, PlanError> {
    let mut blocked = Vec::new();
    for (i, s) in inputs.iter().enumerate() {
        if let Some(what) = s.overloaded_with_every_candidate()? {
            blocked.push(format!("input scenario {} ({}): {what}", i + 1, positions_of(factors, &design[i])));
        }
    }
    let scenarios = inputs.len();
    let mut why = format!(
        "no plan holds in {needed} of the {scenarios} input scenarios: every plan that passes the capacity bound in that many was considered"
    );
    if !blocked.is_empty() {
        let _ = write!(
            why,
            ". In {} of them even every candidate in service from the start leaves a resource overloaded whatever the split of the cargo, so no plan of these candidates holds there (at most {} can); add a candidate that relieves it, or ask for a smaller share:\n  {}",
            blocked.len(),
            scenarios - blocked.len(),
            blocked.join(";\n  ")
        );
    }
    Ok(why)
}

impl RobustAnswer {
    /// Input scenario `index` in words: each unknown's position in its range (0 % the
    /// low end, 100 % the high end).
    pub fn inputs_of(&self, index: usize) -> String {
        self.design.get(index).map_or_else(String::new, |x| positions_of(&self.factors, x))
    }
}

/// Searches for the cheapest plan of `variant`'s candidates that is called feasible
/// in at least a share `robustness.share` of `robustness.scenarios` input scenarios,
/// with the seed and threads of `experiment` (see the module documentation).
/// `progress` hears of every plan simulated.
///
/// # Errors
/// As [`super::search`]; no uncertain inputs, settings out of range, or an input
/// scenario that is not a valid scenario.
pub fn search(
    scenario: &Scenario,
    variant: &str,
    search: &PlanSearch,
    robustness: &Robustness,
    experiment: &Experiment,
    progress: Option<&dyn Fn(&RobustEvaluation)>,
) -> Result<RobustAnswer, PlanError> {
    let started = std::time::Instant::now();
    search.check()?;
    robustness.check()?;
    let nominal_spec = scenario.variant(variant).map_err(|e| PlanError::Scenario(e.to_string()))?;
    if nominal_spec.candidates.is_empty() {
        return Err(PlanError::NoCandidates(scenario.file().to_string()));
    }
    let settings = UncertainRunSettings { scenarios: robustness.scenarios, seed: robustness.seed };
    let (factors, design) = design_of(scenario, &settings).map_err(|e| PlanError::Settings(e.to_string()))?;
    let specs: Vec<ScenarioSpec> = design
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let point = InputScenario::at(scenario, &factors, i, x).map_err(|e| PlanError::Scenario(e.to_string()))?;
            point
                .scenario
                .variant(variant)
                .map_err(|e| PlanError::Scenario(point.invalid(variant, e.to_string()).to_string()))
        })
        .collect::<Result<_, _>>()?;
    let nominal = Searcher::new(&nominal_spec, search, experiment)?;
    let mut inputs: Vec<Searcher<'_>> =
        specs.iter().map(|s| Searcher::new(s, search, experiment)).collect::<Result<_, _>>()?;
    // The states kept for sharing years: one budget over every input scenario.
    for s in &mut inputs {
        s.shared = SharedYears::new(s.layers(), DEFAULT_BUDGET / specs.len().max(1), search.share_years);
    }
    let needed = robustness.needed();
    let may_fail = robustness.scenarios - needed;

    // A plan that cannot be formed in one input scenario names it.
    let in_input = |i: usize, e: PlanError| match e {
        PlanError::Scenario(m) => {
            PlanError::Scenario(format!("in input scenario {} ({}): {m}", i + 1, positions_of(&factors, &design[i])))
        }
        e => e,
    };
    let tables: Vec<Vec<Vec<bool>>> = inputs
        .iter()
        .enumerate()
        .map(|(i, s)| s.sheet_table().map(|(passes, _)| passes).map_err(|e| in_input(i, e)))
        .collect::<Result<_, _>>()?;
    // A set is allowed in a year when it passes the bound in at least `needed` inputs.
    let passes: Vec<Vec<bool>> = (0..nominal.layers())
        .map(|k| (0..tables[0][k].len()).map(|m| tables.iter().filter(|t| t[k][m]).count() >= needed).collect())
        .collect();
    let space = nominal.space(&passes);
    let mut order = ChainOrder::new(&space);
    let (mut considered, mut by_bound, mut by_known_failure) = (0u64, 0u64, 0u64);
    let mut evaluated: Vec<RobustEvaluation> = Vec::new();
    let mut answer = None;
    let mut stopped = None;
    let mut reached_cost = None;
    // How many simulated plans failed in each input scenario so far.
    let mut failed_before = vec![0usize; robustness.scenarios];
    // How many plans failed their own bound in each input scenario so far.
    let mut bound_failed_before = vec![0usize; robustness.scenarios];
    while answer.is_none() {
        if experiment.interrupted() {
            return Err(PlanError::Interrupted);
        }
        let next = {
            let (nominal, inputs) = (&nominal, &inputs);
            order.next_unpruned(|year, chain| {
                let known = if nominal.years.is_empty() { f64::INFINITY } else { (year as f64 + 1.0) * DAYS_PER_YEAR };
                let days = nominal.days_of(chain);
                inputs.iter().filter(|s| s.ruled_out_by_failure(&days, known).is_some()).count() > may_fail
            })
        };
        let Some((cost, chain)) = next else {
            stopped = Some(if order.truncated {
                "too many partial plans were held; narrow the candidates or give a --budget".to_string()
            } else {
                no_robust_plan(&inputs, &factors, &design, needed)?
            });
            break;
        };
        if search.budget.is_some_and(|b| cost > b) {
            stopped = Some(format!(
                "no plan within the budget holds in {needed} of the {} input scenarios",
                robustness.scenarios
            ));
            break;
        }
        considered += 1;
        reached_cost = Some(cost);
        let days = nominal.days_of(&chain);
        // What is known without simulating, cheapest first, stopping as soon as the
        // plan fails in more than N − m input scenarios: a cheaper plan with as much
        // capacity failed there (no network needed), then its own bound, in the input
        // scenarios where bounds have failed most often first (each needs the plan's
        // network compiled, which costs more than the rest of this step).
        let mut calls: Vec<InputCall> = Vec::new();
        let mut unknown: Vec<usize> = Vec::new();
        for (i, s) in inputs.iter().enumerate() {
            if s.ruled_out_by_failure(&days, s.horizon_end()).is_some() {
                calls.push(InputCall {
                    scenario: i,
                    feasible: false,
                    decided: "fails: a cheaper plan with as much capacity failed in this input scenario".into(),
                    failures: Vec::new(),
                    replications: 0,
                });
            } else {
                unknown.push(i);
            }
        }
        unknown.sort_by_key(|i| (std::cmp::Reverse(bound_failed_before[*i]), *i));
        let known_failures = calls.len();
        let mut to_simulate: Vec<(usize, Network)> = Vec::new();
        for i in unknown {
            if calls.len() > may_fail {
                break;
            }
            let s = &mut inputs[i];
            let network = s.compile_days(&days).map_err(|e| in_input(i, e))?;
            match first_overloaded(&network) {
                Some((k, bound)) => {
                    let year = s.years.get(k).copied();
                    s.failures.push(Failed { until: s.until(year), days: days.clone(), year, by: None });
                    calls.push(InputCall {
                        scenario: i,
                        feasible: false,
                        decided: FAILS_BY_BOUND.into(),
                        failures: vec![bound_failure(year, &bound)],
                        replications: 0,
                    });
                    bound_failed_before[i] += 1;
                }
                None => to_simulate.push((i, network)),
            }
        }
        // Ruled out without simulating: it neither counts as simulated nor uses up
        // `--max-simulated`. By its bounds alone when no cheaper plan's failure
        // counted.
        if calls.len() > may_fail {
            if known_failures == 0 {
                by_bound += 1;
            } else {
                by_known_failure += 1;
            }
            continue;
        }
        if evaluated.len() >= search.max_simulated {
            stopped = Some(format!("{} plans were simulated, the most allowed", search.max_simulated));
            break;
        }
        to_simulate.sort_by_key(|(i, _)| (std::cmp::Reverse(failed_before[*i]), *i));
        for (i, network) in to_simulate {
            if calls.iter().filter(|c| !c.feasible).count() > may_fail {
                break;
            }
            let s = &mut inputs[i];
            let (evaluation, result, _) = s.evaluate(considered, &days, network);
            if !evaluation.feasible {
                failed_before[i] += 1;
            }
            if !evaluation.feasible && !evaluation.within_zone {
                let mut records = Vec::new();
                let failed = s.learn(&days, &evaluation, &result, &mut records, 0)?;
                s.failures.push(Failed { by: None, ..failed });
            }
            calls.push(InputCall {
                scenario: i,
                feasible: evaluation.feasible,
                decided: evaluation.decided,
                failures: evaluation.failures,
                replications: evaluation.replications,
            });
        }
        calls.sort_by_key(|c| c.scenario);
        let feasible_in = calls.iter().filter(|c| c.feasible).count();
        let robust = feasible_in >= needed && calls.len() == robustness.scenarios;
        let evaluation = RobustEvaluation { considered, plan: nominal.plan_of(&days), calls, feasible_in, robust };
        if let Some(p) = progress {
            p(&evaluation);
        }
        if robust {
            answer = Some(evaluation.clone());
        }
        evaluated.push(evaluation);
    }
    // Every replication, learning runs included.
    let replications_run = inputs.iter().map(|s| s.replications_run).sum();
    let share_ci95 = answer.as_ref().map(|a| wilson(a.feasible_in, robustness.scenarios));
    Ok(RobustAnswer {
        variant: variant.to_string(),
        criteria: search.criteria.iter().map(ToString::to_string).collect(),
        criteria_from: search.criteria_from,
        currency: nominal_spec.scenario.currency.clone(),
        robustness: *robustness,
        factors,
        design,
        plan: answer,
        share_ci95,
        evaluated,
        considered,
        ruled_out_by_bound: by_bound,
        ruled_out_by_failure: order.pruned,
        ruled_out_without_simulating: by_known_failure,
        replications_run,
        stopped,
        reached_cost,
        seed: experiment.seed,
        seconds: started.elapsed().as_secs_f64(),
    })
}
