//! What a plan search answers: the plans, each simulated plan's evaluation against
//! the constraints, the ranked feasible plans, and how sure the search is of plan 1.

use super::super::feasibility::{Call, Guarantee};
use crate::stats::Summary;
use serde::{Deserialize, Serialize};

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
    /// simulated jointly (see [`crate::experiment::selection`]).
    pub probability: f64,
    /// Plans simulated before plan 1 in cost order (all cheaper), which it covers.
    pub simulated: usize,
    /// Plans before plan 1 ruled out by the failure of a simulated plan with as much
    /// capacity, which it covers through that plan.
    pub ruled_out_by_failure: u64,
    /// Resamples drawn.
    pub resamples: usize,
}
