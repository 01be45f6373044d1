//! `plan`: the cheapest set of candidate upgrades, with dates, that keeps every year
//! stable and every criterion true (or robust to the unknowns).

use crate::flags::{Sampling, whole};
use crate::output::{Failure, Outcome, load, publish, run_failure};
use corridor::experiment::plan::robust::{RobustEvaluation, Robustness};
use corridor::experiment::plan::{PlanError, PlanSearch};
use corridor::experiment::{Experiment, default_variants};
use corridor::report::publish::Destinations;
use corridor::report::terminal::note;
use corridor::scenario::limits::MAX_REPLICATIONS;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct PlanArgs {
    /// Scenario file (TOML) with [candidates.<id>] tables.
    pub(crate) file: PathBuf,
    /// The variant the plans build on (`base` is the unmodified scenario). Default: the first declared variant.
    #[arg(long)]
    pub(crate) variant: Option<String>,
    /// A condition on a KPI's mean that must hold in every planning year (or in the year it names, `year.2030.KEY`), e.g. 'port.baku.ship_wait_hours.p95 <= 24' (repeatable). Stability in every year is always required.
    #[arg(long = "criterion")]
    pub(crate) criteria: Vec<String>,
    /// Criteria that name no year must hold from this planning year on (default: every year).
    #[arg(long, value_name = "YEAR")]
    pub(crate) criteria_from: Option<i32>,
    /// Leave out plans costing more than this (present value, in the scenario's currency).
    #[arg(long)]
    pub(crate) budget: Option<f64>,
    /// Replications of the first look at each plan.
    #[arg(long, default_value_t = 5, value_parser = whole::<2, MAX_REPLICATIONS>)]
    pub(crate) screen: u64,
    /// Replications of every plan judged feasible (default: the scenario's `replications`).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    pub(crate) replications: Option<u64>,
    /// The most replications any plan gets (the last look of the feasibility call).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    pub(crate) max_replications: Option<u64>,
    /// The indifference zone of each criterion, as a share of its limit: a plan every KPI of which is this far inside its limits is called feasible, and one this far outside infeasible, each with probability at least 1 − α.
    #[arg(long, default_value_t = 0.02)]
    pub(crate) tolerance: f64,
    /// The error of each plan's feasibility call (see --tolerance).
    #[arg(long, default_value_t = 0.05)]
    pub(crate) alpha: f64,
    /// How many feasible plans to report, cheapest first (not with --robust, which reports the cheapest robust plan).
    #[arg(long, default_value_t = 5, value_parser = whole::<1, 100>, conflicts_with = "robust")]
    pub(crate) best: u64,
    /// The most plans to simulate before stopping.
    #[arg(long, default_value_t = 200, value_parser = whole::<1, 100_000>)]
    pub(crate) max_simulated: u64,
    /// Find the cheapest plan called feasible in at least this share of input scenarios drawn from the scenario's [uncertain.*] inputs (e.g. 0.8; needs --uncertain N), and say which inputs it fails under.
    #[arg(long, value_name = "P", requires = "uncertain")]
    pub(crate) robust: Option<f64>,
    /// Input scenarios for --robust (Latin hypercube from the seed; at most 1,000, each held in memory with its own searcher).
    #[arg(long, value_name = "N", requires = "robust", value_parser = whole::<2, 1_000>)]
    pub(crate) uncertain: Option<u64>,
    #[command(flatten)]
    pub(crate) sampling: Sampling,
    /// Write plan.json, plans.csv and plan.txt (with --robust: robust_plan.json, robust_plans.csv and robust_plan.txt) to this folder, replacing it as a whole.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output.
    #[arg(long)]
    pub(crate) json: Option<String>,
}

pub(crate) fn plan(args: &PlanArgs) -> Outcome {
    let scenario = load(&args.file)?;
    let variant = args.variant.clone().unwrap_or_else(|| default_variants(&scenario).remove(0));
    scenario.check_variant_name(&variant).map_err(|e| Failure::Usage(format!("--variant: {e}")))?;
    let to = Destinations { out: args.out.clone(), json: args.json.clone(), ..Destinations::default() };
    to.check().map_err(|e| Failure::Usage(e.to_string()))?;
    let criteria = crate::flags::criteria(&args.criteria)?;
    let mut exp = Experiment::for_scenario(&scenario);
    args.sampling.apply(&mut exp);
    let mut search = PlanSearch::new(criteria);
    search.budget = args.budget;
    search.criteria_from = args.criteria_from;
    search.confirm_replications = args.replications.unwrap_or(exp.replications).max(args.screen);
    search.screen_replications = args.screen;
    search.max_replications = args.max_replications.unwrap_or(search.max_replications).max(search.confirm_replications);
    search.guarantee = corridor::experiment::feasibility::Guarantee { tolerance: args.tolerance, alpha: args.alpha };
    search.best = args.best as usize;
    search.max_simulated = args.max_simulated as usize;
    let started = std::time::Instant::now();
    let report = |e: &corridor::experiment::plan::PlanEvaluation| {
        let verdict = if e.feasible {
            "feasible".to_string()
        } else {
            format!("fails: {}", e.failures.first().map_or("", String::as_str))
        };
        note(&format!(
            "plan: [{:.0} s] #{} {} — {} — {} ({})",
            started.elapsed().as_secs_f64(),
            e.considered,
            corridor::report::plan::money(e.plan.cost, &scenario.base().scenario.currency),
            e.plan.describe(),
            verdict,
            e.decided
        ));
    };
    let plan_failure = |e: PlanError| match e {
        PlanError::Criterion(_) | PlanError::Settings(_) => Failure::Usage(e.to_string()),
        e => Failure::Run(e.to_string()),
    };
    if let (Some(share), Some(n)) = (args.robust, args.uncertain) {
        let robustness = Robustness { share, scenarios: n as usize, seed: exp.seed };
        let tell = |e: &RobustEvaluation| {
            note(&format!(
                "plan: [{:.0} s] #{} {} — {} — feasible in {} of {} input scenarios called{}",
                started.elapsed().as_secs_f64(),
                e.considered,
                corridor::report::plan::money(e.plan.cost, &scenario.base().scenario.currency),
                e.plan.describe(),
                e.feasible_in,
                e.calls.len(),
                if e.robust { " — robust" } else { "" }
            ));
        };
        let answer =
            corridor::experiment::plan::robust::search(&scenario, &variant, &search, &robustness, &exp, Some(&tell))
                .map_err(plan_failure)?;
        let published = to.publish_robust_plan(&answer).map_err(run_failure)?;
        return publish(published, &to, || corridor::report::plan::robust_text(&answer));
    }
    let answer =
        corridor::experiment::plan::search(&scenario, &variant, &search, &exp, Some(&report)).map_err(plan_failure)?;
    let published = to.publish_plan(&scenario, &answer).map_err(run_failure)?;
    publish(published, &to, || corridor::report::plan::plan_text(&answer))
}
