//! Answers that carry input uncertainty: the variants run again over input scenarios
//! drawn from the scenario's uncertain inputs (`[uncertain.<id>]`), and each headline
//! KPI's spread across them set beside its simulation interval (`corridor run
//! --uncertain N`).
//!
//! **Design.** Each input (or each `group` of inputs, moving together) is a factor on
//! the unit interval, its range mapped linearly onto it, as in
//! [`super::sensitivity`]. The `N` input scenarios are a Latin hypercube: each
//! factor's interval is cut into `N` equal strata, each stratum is used exactly once,
//! at a uniform point inside it, and the strata of different factors are paired by
//! independent random permutations. Every factor's whole range is covered evenly
//! with few scenarios, which a plain random draw does not do.
//!
//! The inputs change the base; each variant is then applied on top, so a variant that
//! scales an uncertain number (twice the storms) scales the drawn value.
//!
//! **Two kinds of spread.** Inside an input scenario every variant runs the same
//! replications as the nominal run (common random numbers), so the difference
//! between two input scenarios is the inputs' doing, not the noise's. For each KPI
//! the result gives the nominal run's 95 % simulation interval, the distribution of
//! the KPI's mean over the input scenarios (median, 10 % and 90 %), and the mean
//! half-width of the simulation interval inside one input scenario, so a reader sees
//! which of the two dominates.
//!
//! **Stability.** A variant is counted stable in an input scenario when its verdict
//! is stable and, in a planning run, every year's is. The share of input scenarios
//! in which it is stable has a 95 % Wilson interval (it counts the inputs' spread,
//! not the verdict's own error). For each factor, the mean position (0 = low end,
//! 1 = high end) of the scenarios where the variant is not stable against those
//! where it is says which way an unknown pushes it over.
//!
//! The spread covers only the ranges the scenario declares, as uniform: it is what
//! the answer would be were the unknowns anywhere in their ranges, not a probability
//! about the world.

use super::{Experiment, ExperimentResult, Focus, VariantResult, Verdict};
use crate::model::Network;
use crate::scenario::{Scenario, UncertainFactor};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub mod capacity_shard;
mod capacity_spread;
pub mod shard;

pub use capacity_spread::{
    CapacitySpread, ScenarioCapacity, UncertainCapacity, beyond_chance, capacity_across_inputs, spearman,
};
pub(crate) use capacity_spread::{assemble_capacity, capacity_points};

/// The normal 97.5 % quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// How many input scenarios, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UncertainRunSettings {
    /// Input scenarios (at least 2).
    pub scenarios: usize,
    /// Seed of the Latin hypercube (the replications keep the experiment's seed).
    pub seed: u64,
}

/// A KPI of one variant: its simulation interval and its spread over the inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiSpread {
    /// The KPI key.
    pub kpi: String,
    /// The nominal run's mean and 95 % simulation interval.
    pub nominal: f64,
    /// The nominal run's 95 % interval.
    pub nominal_ci95: [f64; 2],
    /// The KPI's mean in each input scenario, in scenario order (NaN where no
    /// replication gave a value).
    pub means: Vec<f64>,
    /// Median, 10 % and 90 % of `means` (type 7).
    pub median: f64,
    /// 10 % quantile of `means`.
    pub p10: f64,
    /// 90 % quantile of `means`.
    pub p90: f64,
    /// The mean half-width of the 95 % simulation interval inside one input scenario.
    pub noise_half_width: f64,
}

/// One variant over the input scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantSpread {
    /// The variant.
    pub variant: String,
    /// Whether the variant is stable in each input scenario, in scenario order.
    pub stable: Vec<bool>,
    /// The share of input scenarios in which it is stable.
    pub stable_share: f64,
    /// Its 95 % Wilson interval.
    pub stable_share_ci95: [f64; 2],
    /// Per factor (in [`UncertainRun::factors`] order): the mean position of the
    /// scenarios where the variant is not stable minus that of those where it is
    /// (positive: the high end pushes it over; 0 when all or none are stable).
    pub leans: Vec<f64>,
    /// The headline KPIs.
    pub kpis: Vec<KpiSpread>,
}

/// A run over input scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertainRun {
    /// Input scenarios.
    pub scenarios: usize,
    /// Seed of the Latin hypercube.
    pub seed: u64,
    /// Replications of each variant in each input scenario (the nominal run's).
    pub replications: u64,
    /// The factors.
    pub factors: Vec<UncertainFactor>,
    /// Each input scenario's position of every factor, in `[0, 1]`.
    pub design: Vec<Vec<f64>>,
    /// Per variant, in the nominal run's order.
    pub variants: Vec<VariantSpread>,
}

/// Why the run over input scenarios could not be made.
#[derive(Debug, thiserror::Error)]
pub enum UncertainError {
    /// No `[uncertain.*]` tables.
    #[error(
        "the scenario declares no uncertain inputs: add `[uncertain.<id>]` tables (path, range or factor, source or reason)"
    )]
    NoInputs,
    /// Too few input scenarios.
    #[error("--uncertain needs at least 2 input scenarios (got {0})")]
    TooFew(usize),
    /// An input scenario that does not make a valid scenario.
    #[error("input scenario {point} ({values}) of variant {variant:?} is not valid: {message}")]
    InvalidPoint {
        /// Its index.
        point: usize,
        /// The factors' positions.
        values: String,
        /// The variant.
        variant: String,
        /// What is wrong.
        message: String,
    },
}

/// A Latin hypercube of `n` points in `k` dimensions from `seed`.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x4c48_5321);
    let mut points = vec![vec![0.0; k]; n];
    for f in 0..k {
        let mut strata: Vec<usize> = (0..n).collect();
        strata.shuffle(&mut rng);
        for (point, stratum) in points.iter_mut().zip(strata) {
            let u: f64 = rand::RngExt::random(&mut rng);
            point[f] = (stratum as f64 + u) / n as f64;
        }
    }
    points
}

/// The headline KPIs of a variant: delivered share, backlog growth, the ρ of what
/// binds, and each focus port's mean and p95 ship wait (every port's when the
/// scenario names none).
pub fn headline_kpis(result: &VariantResult, focus: &Focus) -> Vec<String> {
    let mut keys = vec!["system.delivered_share".to_string(), "system.backlog_growth_tonnes_per_day".to_string()];
    let (binding, _) = result.bottleneck();
    keys.push(format!("rho.{binding}"));
    let ports: Vec<String> = if focus.ports.is_empty() {
        result
            .keys
            .iter()
            .filter_map(|k| k.strip_prefix("port.")?.strip_suffix(".ship_wait_hours.mean").map(str::to_string))
            .collect()
    } else {
        focus.ports.clone()
    };
    for p in ports {
        keys.push(format!("port.{p}.ship_wait_hours.mean"));
        keys.push(format!("port.{p}.ship_wait_hours.p95"));
    }
    keys.retain(|k| result.keys.contains(k));
    keys.dedup();
    keys
}

/// Whether `v` is stable: its verdict, and in a planning run every year's.
fn is_stable(v: &VariantResult) -> bool {
    v.stability().verdict == Verdict::Stable && v.year_summaries().iter().all(|y| y.verdict == Verdict::Stable)
}

/// Type-7 quantile `q` of `sorted` (finite values, ascending).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The 95 % Wilson score interval of `k` successes in `n`.
pub fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let (p, n) = (k as f64 / n as f64, n as f64);
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    // At 0 or n successes an end is exactly 0 or 1 (the formula gives it to rounding).
    let lo = if k == 0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if k as f64 == n { 1.0 } else { (centre + half).min(1.0) };
    [lo, hi]
}

/// The unknowns of `scenario` as factors, and the Latin hypercube of `settings` over
/// them.
pub(crate) fn design_of(
    scenario: &Scenario,
    settings: &UncertainRunSettings,
) -> Result<(Vec<UncertainFactor>, Vec<Vec<f64>>), UncertainError> {
    if settings.scenarios < 2 {
        return Err(UncertainError::TooFew(settings.scenarios));
    }
    let factors = scenario.base().uncertain_factors();
    if factors.is_empty() {
        return Err(UncertainError::NoInputs);
    }
    let design = latin_hypercube(settings.scenarios, factors.len(), settings.seed);
    Ok((factors, design))
}

/// One input scenario: the scenario with every factor at its position, and how to
/// name it in an error.
pub(crate) struct InputScenario {
    pub(crate) index: usize,
    pub(crate) scenario: Scenario,
    /// The factors' positions, for reading.
    values: String,
}

impl InputScenario {
    /// Input scenario `index`, with the factors at positions `x`.
    pub(crate) fn at(
        scenario: &Scenario,
        factors: &[UncertainFactor],
        index: usize,
        x: &[f64],
    ) -> Result<Self, UncertainError> {
        let values = factors.iter().zip(x).map(|(f, u)| format!("{} at {u:.2}", f.name)).collect::<Vec<_>>().join(", ");
        let positions = UncertainFactor::positions(factors, x);
        match scenario.with_inputs(&positions) {
            Ok(scenario) => Ok(InputScenario { index, scenario, values }),
            Err(message) => Err(UncertainError::InvalidPoint { point: index, values, variant: "base".into(), message }),
        }
    }

    /// Variant `variant` cannot run in this input scenario, because of `message`.
    pub(crate) fn invalid(&self, variant: &str, message: String) -> UncertainError {
        UncertainError::InvalidPoint {
            point: self.index,
            values: self.values.clone(),
            variant: variant.into(),
            message,
        }
    }
}

/// Runs every variant of `nominal` again in `settings.scenarios` input scenarios, with
/// `experiment`'s replications, seed and threads, and sets each headline KPI's spread
/// across them beside the nominal run's interval. `progress` hears `(done, total)`
/// input scenarios.
///
/// # Errors
/// No uncertain inputs, fewer than 2 scenarios, or an input scenario that is not a
/// valid scenario.
pub fn across_inputs(
    scenario: &Scenario,
    nominal: &ExperimentResult,
    experiment: &Experiment,
    settings: &UncertainRunSettings,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<UncertainRun, UncertainError> {
    let (factors, design) = design_of(scenario, settings)?;
    let variants: Vec<String> = nominal.variants.iter().map(|v| v.name.clone()).collect();
    let all: Vec<usize> = (0..design.len()).collect();
    let points =
        simulate_points(scenario, &variants, experiment, nominal.replications, (&factors, &design), &all, progress)?;
    Ok(assemble(nominal, settings.seed, factors, design, &points))
}

/// What one variant showed in one input scenario: whether it was stable, and the mean
/// and 95 % half-width of every KPI that can be a headline KPI (see
/// [`PointVariant::candidate`]), `None` where the KPI has no value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointVariant {
    /// Whether the variant was stable there.
    pub stable: bool,
    /// Per candidate KPI: its key, mean and half-width.
    pub kpis: Vec<(String, Option<f64>, Option<f64>)>,
}

impl PointVariant {
    /// Whether `key` can be one of [`headline_kpis`] (which depend on the nominal run,
    /// so a shard keeps every key that can be).
    pub fn candidate(key: &str) -> bool {
        key == "system.delivered_share"
            || key == "system.backlog_growth_tonnes_per_day"
            || key.starts_with("rho.")
            || (key.starts_with("port.")
                && (key.ends_with(".ship_wait_hours.mean") || key.ends_with(".ship_wait_hours.p95")))
    }

    fn of(v: &VariantResult) -> PointVariant {
        let finite = |x: f64| x.is_finite().then_some(x);
        let kpis = v
            .keys
            .iter()
            .filter(|k| Self::candidate(k))
            .map(|k| {
                let s = v.summary(k);
                let mean = s.as_ref().and_then(|s| finite(s.mean));
                let half = s.as_ref().and_then(|s| finite((s.ci95[1] - s.ci95[0]) / 2.0));
                (k.clone(), mean, half)
            })
            .collect();
        PointVariant { stable: is_stable(v), kpis }
    }

    fn kpi(&self, key: &str) -> (Option<f64>, Option<f64>) {
        self.kpis.iter().find(|(k, _, _)| k == key).map_or((None, None), |(_, m, h)| (*m, *h))
    }
}

/// Input scenario `index` of a design, each variant's outcome there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointOutcome {
    /// Its index in the design.
    pub index: usize,
    /// Per variant, in the nominal run's order.
    pub variants: Vec<PointVariant>,
}

/// Runs `variants` in the input scenarios `indices` of `design`, each on the
/// `replications` of the nominal run (common random numbers).
pub(crate) fn simulate_points(
    scenario: &Scenario,
    variants: &[String],
    experiment: &Experiment,
    replications: u64,
    (factors, design): (&[UncertainFactor], &[Vec<f64>]),
    indices: &[usize],
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<Vec<PointOutcome>, UncertainError> {
    let mut out = Vec::with_capacity(indices.len());
    for (done, &index) in indices.iter().enumerate() {
        let point = InputScenario::at(scenario, factors, index, &design[index])?;
        let mut networks = Vec::with_capacity(variants.len());
        for name in variants {
            let invalid = |message: String| point.invalid(name, message);
            let spec = point.scenario.variant(name).map_err(|e| invalid(e.to_string()))?;
            networks.push((name.clone(), Network::compile(&spec).map_err(|e| invalid(e.to_string()))?));
        }
        let mut exp = experiment.clone();
        exp.replications = replications.max(2);
        exp.precision = None;
        exp.shard = None;
        let run = exp.run_networks(scenario.base().scenario.name.as_str(), networks, None);
        out.push(PointOutcome { index, variants: run.variants.iter().map(PointVariant::of).collect() });
        if let Some(report) = progress {
            report(done + 1, indices.len());
        }
    }
    Ok(out)
}

/// The spread across the input scenarios `points` (every one of `design`, in order),
/// beside the nominal run.
pub(crate) fn assemble(
    nominal: &ExperimentResult,
    seed: u64,
    factors: Vec<UncertainFactor>,
    design: Vec<Vec<f64>>,
    points: &[PointOutcome],
) -> UncertainRun {
    let replications = nominal.replications.max(2);
    let variants = nominal
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let stable: Vec<bool> = points.iter().map(|p| p.variants[i].stable).collect();
            let k = stable.iter().filter(|s| **s).count();
            let leans = (0..factors.len())
                .map(|f| {
                    let mean = |want: bool| {
                        let xs: Vec<f64> =
                            design.iter().zip(&stable).filter(|(_, s)| **s == want).map(|(x, _)| x[f]).collect();
                        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
                    };
                    match (mean(false), mean(true)) {
                        (Some(unstable), Some(stable)) => unstable - stable,
                        _ => 0.0,
                    }
                })
                .collect();
            let kpis = headline_kpis(v, &nominal.focus)
                .into_iter()
                .map(|key| {
                    let nominal_summary = v.summary(&key);
                    let inside: Vec<(Option<f64>, Option<f64>)> =
                        points.iter().map(|p| p.variants[i].kpi(&key)).collect();
                    let means: Vec<f64> = inside.iter().map(|(m, _)| m.unwrap_or(f64::NAN)).collect();
                    let mut sorted: Vec<f64> = means.iter().copied().filter(|m| m.is_finite()).collect();
                    sorted.sort_by(f64::total_cmp);
                    let halves: Vec<f64> = inside.iter().filter_map(|(_, h)| *h).collect();
                    KpiSpread {
                        nominal: nominal_summary.as_ref().map_or(f64::NAN, |s| s.mean),
                        nominal_ci95: nominal_summary.as_ref().map_or([f64::NAN; 2], |s| s.ci95),
                        median: quantile(&sorted, 0.5),
                        p10: quantile(&sorted, 0.1),
                        p90: quantile(&sorted, 0.9),
                        noise_half_width: if halves.is_empty() {
                            f64::NAN
                        } else {
                            halves.iter().sum::<f64>() / halves.len() as f64
                        },
                        means,
                        kpi: key,
                    }
                })
                .collect();
            VariantSpread {
                variant: v.name.clone(),
                stable_share: k as f64 / stable.len() as f64,
                stable_share_ci95: wilson(k, stable.len()),
                stable,
                leans,
                kpis,
            }
        })
        .collect();
    UncertainRun { scenarios: design.len(), seed, replications, factors, design, variants }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin_hypercube_uses_every_stratum_of_every_factor_once() {
        let points = latin_hypercube(17, 3, 5);
        for f in 0..3 {
            let mut strata: Vec<usize> = points.iter().map(|p| (p[f] * 17.0).floor() as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..17).collect::<Vec<_>>(), "factor {f}");
        }
        assert_eq!(latin_hypercube(17, 3, 5), points, "the seed decides");
        assert_ne!(latin_hypercube(17, 3, 6), points);
    }

    #[test]
    fn the_wilson_interval_matches_a_hand_computation() {
        // 7 of 20: p = 0.35; centre (0.35 + 1.9208/20)/(1 + 3.8415/20) = 0.3742;
        // half 1.96·sqrt(0.35·0.65/20 + 3.8415/1600)/1.19207 = 0.1926.
        let [lo, hi] = wilson(7, 20);
        assert!((lo - 0.1812).abs() < 5e-4 && (hi - 0.5671).abs() < 5e-4, "{lo} {hi}");
        assert_eq!(wilson(0, 10)[0], 0.0);
        assert_eq!(wilson(10, 10)[1], 1.0);
    }

    #[test]
    fn spearman_matches_a_hand_computation() {
        // Ranks x 1..5, y (2, 1, 4, 3, 5): d² = 1+1+1+1+0 = 4; 1 − 6·4/(5·24) = 0.8.
        let x = [0.1, 0.2, 0.3, 0.4, 0.5];
        assert!((spearman(&x, &[20.0, 10.0, 40.0, 30.0, 50.0]) - 0.8).abs() < 1e-12);
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&x, &[1.0; 5]), 0.0);
    }

    #[test]
    fn type_7_quantiles() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&xs, 0.5), 3.0);
        assert!((quantile(&xs, 0.1) - 1.4).abs() < 1e-12);
        assert!((quantile(&xs, 0.9) - 4.6).abs() < 1e-12);
    }
}
