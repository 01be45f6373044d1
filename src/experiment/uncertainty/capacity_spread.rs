//! `capacity --uncertain N`: the capacity search again in each input scenario, and
//! the sustainable factor's spread across them (median, 10–90 %), each unknown's rank
//! correlation with it, and what binds.

use super::{InputScenario, UncertainError, UncertainRunSettings, design_of, quantile};
use crate::experiment::Experiment;
use crate::scenario::{Scenario, UncertainFactor};
use serde::{Deserialize, Serialize};

/// The sustainable factor in one input scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioCapacity {
    /// The largest feasible demand factor found (0: not even the smallest).
    pub factor: f64,
    /// Its 95 % interval (`None` where the criteria are not monotone in the factor).
    pub ci95: Option<[f64; 2]>,
    /// Whether the largest factor tried was feasible (the answer is "at least").
    pub at_least: bool,
    /// What fails first above it: `stability` or a criterion.
    pub binding_criterion: Option<String>,
    /// The resource that binds there.
    pub binding_resource: Option<String>,
}

/// One variant's sustainable factor across the input scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacitySpread {
    /// The variant.
    pub variant: String,
    /// The nominal answer (the scenario as written).
    pub nominal: f64,
    /// Per input scenario, in design order.
    pub answers: Vec<ScenarioCapacity>,
    /// The median of the factors found, and their 10 % and 90 % quantiles.
    pub median: f64,
    /// 10 % quantile.
    pub p10: f64,
    /// 90 % quantile.
    pub p90: f64,
    /// Per uncertain factor (in [`UncertainCapacity::factors`] order), Spearman's rank
    /// correlation between its position in its range and the factor found: near +1
    /// or −1, that unknown decides the answer; near 0, it does not (on its own).
    pub rank_correlations: Vec<f64>,
    /// What binds across the input scenarios: (resource, or the criterion when no
    /// resource is named), how many scenarios; most first.
    pub binding: Vec<(String, usize)>,
}

/// The |rank correlation| that an unknown moving nothing reaches across `n` input
/// scenarios less than 5 % of the time (normal approximation, `n − 1` degrees of
/// freedom; `tests/uncertainty.rs` checks the rate over thousands of designs).
pub fn beyond_chance(n: usize) -> f64 {
    1.96 / ((n as f64 - 1.0).max(1.0)).sqrt()
}

impl CapacitySpread {
    /// The lowest and highest sustainable factor over the input scenarios.
    pub fn range(&self) -> [f64; 2] {
        let lowest = self.answers.iter().map(|a| a.factor).fold(f64::INFINITY, f64::min);
        let highest = self.answers.iter().map(|a| a.factor).fold(f64::NEG_INFINITY, f64::max);
        [lowest, highest]
    }

    /// The unknowns (of `factors`, in the order of `rank_correlations`) whose rank
    /// correlation with the factor is beyond chance, strongest first, with it.
    pub fn moved_by<'a>(&self, factors: &'a [UncertainFactor]) -> Vec<(&'a str, f64)> {
        let chance = beyond_chance(self.answers.len());
        let mut moves: Vec<(&str, f64)> =
            factors.iter().zip(&self.rank_correlations).map(|(f, r)| (f.name.as_str(), *r)).collect();
        moves.retain(|(_, r)| r.abs() >= chance);
        moves.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(b.0)));
        moves
    }
}

/// `corridor capacity --uncertain N`: the capacity search again in N input scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertainCapacity {
    /// Input scenarios.
    pub scenarios: usize,
    /// Seed of the Latin hypercube.
    pub seed: u64,
    /// The unknowns varied.
    pub factors: Vec<UncertainFactor>,
    /// Each input scenario's factor positions (0 = low end, 1 = high end).
    pub design: Vec<Vec<f64>>,
    /// Per variant.
    pub variants: Vec<CapacitySpread>,
}

/// Runs the capacity search of each of `nominal`'s variants again in
/// `settings.scenarios` input scenarios (a Latin hypercube of the uncertain inputs),
/// with `experiment`'s replications, seed and threads: the distribution of the
/// sustainable factor over the unknowns. `progress` hears `(done, total)` searches.
///
/// # Errors
/// No uncertain inputs, fewer than 2 scenarios, an input scenario that is not valid,
/// or a search that cannot run there.
pub fn capacity_across_inputs(
    scenario: &Scenario,
    nominal: &[crate::experiment::capacity::CapacityAnswer],
    search: &crate::experiment::capacity::CapacitySearch,
    experiment: &Experiment,
    settings: &UncertainRunSettings,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<UncertainCapacity, UncertainError> {
    let (factors, design) = design_of(scenario, settings)?;
    let variants: Vec<String> = nominal.iter().map(|a| a.variant.clone()).collect();
    let all: Vec<usize> = (0..design.len()).collect();
    let points = capacity_points(scenario, &variants, search, experiment, (&factors, &design), &all, progress)?;
    Ok(assemble_capacity(nominal, settings.seed, factors, design, &points))
}

/// Searches `variants` in the input scenarios `indices` of `design`: per input
/// scenario, its index and each variant's answer there.
pub(crate) fn capacity_points(
    scenario: &Scenario,
    variants: &[String],
    search: &crate::experiment::capacity::CapacitySearch,
    experiment: &Experiment,
    (factors, design): (&[UncertainFactor], &[Vec<f64>]),
    indices: &[usize],
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<Vec<(usize, Vec<ScenarioCapacity>)>, UncertainError> {
    let total = indices.len() * variants.len();
    let mut out = Vec::with_capacity(indices.len());
    for (done, &index) in indices.iter().enumerate() {
        let point = InputScenario::at(scenario, factors, index, &design[index])?;
        let mut answers = Vec::with_capacity(variants.len());
        for (i, variant) in variants.iter().enumerate() {
            let found = crate::experiment::capacity::search(&point.scenario, variant, search, experiment, None)
                .map_err(|e| point.invalid(variant, e.to_string()))?;
            answers.push(ScenarioCapacity {
                factor: found.factor,
                ci95: found.ci95,
                at_least: found.at_least,
                binding_criterion: found.binding_criterion.clone(),
                binding_resource: found.binding_resource.as_ref().map(|b| b.resource.clone()),
            });
            if let Some(report) = progress {
                report(done * variants.len() + i + 1, total);
            }
        }
        out.push((index, answers));
    }
    Ok(out)
}

/// The sustainable factor's spread across the input scenarios `points` (every one of
/// `design`, in order), beside the nominal answers.
pub(crate) fn assemble_capacity(
    nominal: &[crate::experiment::capacity::CapacityAnswer],
    seed: u64,
    factors: Vec<UncertainFactor>,
    design: Vec<Vec<f64>>,
    points: &[(usize, Vec<ScenarioCapacity>)],
) -> UncertainCapacity {
    let per_variant: Vec<Vec<ScenarioCapacity>> =
        (0..nominal.len()).map(|i| points.iter().map(|(_, answers)| answers[i].clone()).collect()).collect();
    let variants = nominal
        .iter()
        .zip(per_variant)
        .map(|(answer, answers)| {
            let found: Vec<f64> = answers.iter().map(|a| a.factor).collect();
            let mut sorted = found.clone();
            sorted.sort_by(f64::total_cmp);
            let rank_correlations = (0..factors.len())
                .map(|f| spearman(&design.iter().map(|x| x[f]).collect::<Vec<_>>(), &found))
                .collect();
            let mut binding: Vec<(String, usize)> = Vec::new();
            for a in &answers {
                let what = a
                    .binding_resource
                    .clone()
                    .or_else(|| a.binding_criterion.clone())
                    .unwrap_or_else(|| "nothing up to the largest factor tried".into());
                match binding.iter_mut().find(|(w, _)| *w == what) {
                    Some((_, n)) => *n += 1,
                    None => binding.push((what, 1)),
                }
            }
            binding.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            CapacitySpread {
                variant: answer.variant.clone(),
                nominal: answer.factor,
                median: quantile(&sorted, 0.5),
                p10: quantile(&sorted, 0.1),
                p90: quantile(&sorted, 0.9),
                rank_correlations,
                binding,
                answers,
            }
        })
        .collect();
    UncertainCapacity { scenarios: design.len(), seed, factors, design, variants }
}

/// Spearman's rank correlation of `x` and `y` (ties take their mean rank); 0 when
/// either does not vary.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
                j += 1;
            }
            let mean = (i + j) as f64 / 2.0 + 1.0;
            for &k in &order[i..=j] {
                r[k] = mean;
            }
            i = j + 1;
        }
        r
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let (sx, sy): (f64, f64) = (
        rx.iter().map(|a| (a - mx).powi(2)).sum::<f64>().sqrt(),
        ry.iter().map(|b| (b - my).powi(2)).sum::<f64>().sqrt(),
    );
    if sx == 0.0 || sy == 0.0 { 0.0 } else { cov / (sx * sy) }
}
