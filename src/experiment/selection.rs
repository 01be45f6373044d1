//! How sure the plan search is that its answer is the cheapest feasible plan.
//!
//! The plans simulated share their replications (common random numbers: replication
//! `r` has the same demand and weather in every plan), so their errors are
//! correlated and cannot be multiplied as if independent. Instead the replications
//! are **resampled jointly**: each resample draws replication indices with
//! replacement, the same draws for every plan, recomputes every constraint's mean
//! from them and asks again which plan is the cheapest whose every mean lies on the
//! allowed side. The share of resamples in which the answer is the same plan is the
//! estimate (a bootstrap, Efron and Tibshirani 1993, ch. 6).
//!
//! It covers the plans simulated, and the plans ruled out because a cheaper plan with
//! at least as much capacity failed: in a resample where that plan is feasible it is
//! cheaper than the answer anyway, and where it fails in a year no later than the one
//! that ruled them out, so do they; otherwise the resample counts against the answer.
//! Plans the capacity bound rules out are not resampled: they are infeasible whatever
//! the randomness, under the model's mean-value assumptions.

use crate::engine::stream;
use rand::RngExt;

/// Resamples drawn.
pub const RESAMPLES: usize = 2000;

/// One constraint of a simulated plan: its value in each replication, its limit and
/// side, and its year (`None` without planning).
#[derive(Debug, Clone)]
pub(crate) struct Sampled {
    pub(crate) values: Vec<f64>,
    pub(crate) limit: f64,
    pub(crate) at_most: bool,
    /// The indifference zone, as a share of `|limit|`.
    pub(crate) zone: f64,
    pub(crate) year: Option<i32>,
}

/// A simulated plan, for resampling: its constraints, and the years in which it fails
/// whatever the randomness (a replication hit a cap, or the bound is at least 1).
#[derive(Debug, Clone)]
pub(crate) struct SimulatedPlan {
    pub(crate) constraints: Vec<Sampled>,
    /// The year (`None` without planning) of a certain failure, if any.
    pub(crate) fails_surely: Option<Option<i32>>,
    /// Replications run (the constraints' values are as many, or fewer where
    /// replications hit a cap).
    pub(crate) replications: u64,
}

/// A plan considered before the answer, in cost order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Earlier {
    /// Simulated: its index among the simulated plans.
    Simulated(usize),
    /// Ruled out because simulated plan `by` failed, in a year no later than `until`
    /// (`None`: whatever year, without planning).
    Dominated { by: usize, until: Option<i32> },
}

/// Which years a plan fails in (on resampled means): the first, or `Some(None)` for
/// a failure without a year; `None` when it meets every constraint.
fn first_failure(plan: &SimulatedPlan, draws: &[f64]) -> Option<Option<i32>> {
    let mut first: Option<Option<i32>> = plan.fails_surely;
    for c in &plan.constraints {
        let n = c.values.len();
        if n == 0 {
            continue;
        }
        let sum: f64 = draws.iter().take(n).map(|u| c.values[((u * n as f64) as usize).min(n - 1)]).sum();
        let mean = sum / draws.len().min(n) as f64;
        let holds = if c.at_most { mean <= c.limit } else { mean >= c.limit };
        if !holds {
            first = Some(match (first, c.year) {
                (Some(Some(a)), Some(b)) => Some(a.min(b)),
                (Some(None), _) | (_, None) => None,
                (None, Some(b)) => Some(b),
            });
        }
    }
    first
}

/// The estimated probability that `answer` (an index among `simulated`) is the
/// cheapest feasible plan, given the plans considered before it in cost order;
/// resampled with draws seeded by `seed` (see the module documentation).
pub(crate) fn probability(simulated: &[SimulatedPlan], earlier: &[Earlier], answer: usize, seed: u64) -> f64 {
    let most = simulated.iter().map(|p| p.replications as usize).max().unwrap_or(0).max(1);
    let mut rng = stream(seed, 0, "plan/selection");
    let mut draws = vec![0.0; most];
    let mut right = 0usize;
    for _ in 0..RESAMPLES {
        for u in &mut draws {
            *u = rng.random::<f64>();
        }
        let fails = |i: usize| first_failure(&simulated[i], &draws);
        let mut ok = fails(answer).is_none();
        for e in earlier {
            if !ok {
                break;
            }
            ok = match *e {
                Earlier::Simulated(i) => fails(i).is_some(),
                // Its dominator feasible: cheaper than the answer. Failing no later
                // than the year that ruled the plan out: the plan fails too.
                Earlier::Dominated { by, until } => match fails(by) {
                    None => false,
                    Some(year) => match (year, until) {
                        (Some(y), Some(u)) => y <= u,
                        _ => true,
                    },
                },
            };
        }
        right += usize::from(ok);
    }
    right as f64 / RESAMPLES as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(means: &[f64], sd: f64, limit: f64) -> SimulatedPlan {
        SimulatedPlan {
            constraints: means
                .iter()
                .map(|&m| Sampled {
                    values: (0..20).map(|i| m + if i % 2 == 0 { sd } else { -sd }).collect(),
                    limit,
                    at_most: true,
                    zone: 0.02,
                    year: Some(2025),
                })
                .collect(),
            fails_surely: None,
            replications: 20,
        }
    }

    #[test]
    fn clear_cases_are_sure_and_close_ones_are_not() {
        // A cheaper plan far over its limit, the answer far under it: sure.
        let plans = [plan(&[20.0], 1.0, 10.0), plan(&[5.0], 1.0, 10.0)];
        let p = probability(&plans, &[Earlier::Simulated(0)], 1, 7);
        assert!(p > 0.999, "{p}");
        // A cheaper plan right at its limit: about even.
        let close = [plan(&[10.0], 3.0, 10.0), plan(&[5.0], 1.0, 10.0)];
        let p = probability(&close, &[Earlier::Simulated(0)], 1, 7);
        assert!((0.3..0.7).contains(&p), "{p}");
        // A plan ruled out by the first, which fails in 2025: covered by it.
        let p = probability(&plans, &[Earlier::Simulated(0), Earlier::Dominated { by: 0, until: Some(2025) }], 1, 7);
        assert!(p > 0.999, "{p}");
        // Ruled out up to 2024 only, by a plan failing in 2025: not covered.
        let p = probability(&plans, &[Earlier::Dominated { by: 0, until: Some(2024) }], 1, 7);
        assert!(p < 0.001, "{p}");
    }
}
