//! Which unknowns drive the answer: Morris elementary effects of the scenario's
//! uncertain inputs (`[uncertain.<id>]`) on chosen KPIs, to screen many inputs
//! cheaply, and Sobol' first-order and total indices ([`sobol`], estimators in
//! [`super::sobol`]) for the few that matter. Both simulate each input scenario with
//! the same replications (common random numbers), so an input that changes nothing
//! has effects and indices of exactly zero. What follows describes Morris.
//!
//! **Design.** Each input (or each `group` of inputs, moving together) is a factor on
//! the unit interval, its range mapped linearly onto it. A trajectory starts at a
//! random point of the grid {0, 1/3, 2/3, 1} (levels p = 4) with every factor at 0 or
//! 1/3, and moves the factors one at a time, in random order, by Δ = 2/3: k + 1 input
//! scenarios for k factors. The elementary effect of a factor on a KPI is the change
//! of the KPI's mean when the factor moves, divided by Δ: the KPI's change over the
//! factor's whole range, were it linear. Over r trajectories: μ* (mean absolute
//! effect, the screening measure), μ
//! (mean effect, with its sign) and σ (spread of the effects: non-linearity or
//! interaction).
//!
//! The inputs change the base and the variant is applied on top
//! ([`crate::scenario::Scenario::with_inputs`]): a variant that scales an uncertain
//! number (twice the storms) scales the value of each input scenario.
//!
//! **Noise.** Every input scenario runs the same replications (common random
//! numbers: replication `i` draws from the same streams in each), so an effect is a
//! paired difference. Its simulation standard error is reported per factor as
//! `noise`: the root mean square, over trajectories, of the effect's standard error
//! over replications. Because every trajectory runs the same replications, that noise
//! is shared by all of them and does not shrink with more trajectories: μ*'s 95 %
//! interval combines the Student-t spread over trajectories with 1.96 × the noise.
//! An input that changes nothing has μ* = 0 exactly; one whose μ* interval reaches
//! down to zero is not told apart from simulation noise (noise alone gives μ* about
//! 0.8 × the noise, inside that interval).
//!
//! **The capacity factor.** The KPI [`CAPACITY_FACTOR`] (`capacity.factor`) is the
//! capacity search's answer ([`crate::experiment::capacity`]): by default the largest
//! factor on every flow's demand that keeps the variant stable, with the search's
//! defaults (up to ×3, to 0.01). It has no value per replication, so each input
//! scenario runs the search twice, on the even and on the odd replications (the same
//! ones in every input scenario: common random numbers): two independent answers
//! that stand in for two replications. Their mean is the value and, paired as
//! replications are, their difference gives each elementary effect's noise (one
//! degree of freedom each, pooled over the trajectories). An answer of ×3 means "at
//! least ×3"; it needs at least 4 replications. The key may name another search, the
//! one `corridor capacity` runs with the same settings: `capacity.factor[tags=transit;
//! criterion=port.baku.ship_wait_hours.p95 <= 24]` scales only the tagged demand and
//! keeps the criteria besides stability (see `capacity_kpi` for the grammar).
//!
//! Determinism: the trajectories come from the seed alone; every replication from its
//! index and the seed; results are gathered in order, so any thread count gives the
//! same numbers.

use super::result::KpiError;
use super::sobol::{SobolDesign, SobolIndex};
use crate::model::{Network, run_replication};
use crate::scenario::{Scenario, UncertainFactor, VariantError};
use crate::stats::{OnlineStats, student_t_quantile};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

mod capacity_kpi;
mod shard;

pub use capacity_kpi::{CAPACITY_FACTOR, capacity_factor_key, capacity_search_of, kpi_meaning};

pub use shard::{SHARD_FORMAT, SensitivityShard, ShardIdentity, ShardMergeError, merge_shards, run_shard};

/// Grid levels of the Morris design.
const LEVELS: f64 = 4.0;
/// The step: p / (2 (p − 1)).
const DELTA: f64 = LEVELS / (2.0 * (LEVELS - 1.0));
/// The normal 97.5 % quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// How to screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorrisSettings {
    /// Trajectories (r): more give tighter μ* intervals. At least 2.
    pub trajectories: usize,
    /// Replications of each input scenario.
    pub replications: u64,
    /// Seed of the trajectories and of the replications.
    pub seed: u64,
}

/// A factor: an uncertain input, or a group of inputs moving together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// The input's id, or the group's name.
    pub name: String,
    /// Its inputs: `path: low → high` (factors as `×low → ×high`), and where the range
    /// comes from.
    pub inputs: Vec<String>,
}

/// One factor's effect on one KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// The factor.
    pub factor: String,
    /// μ*: mean absolute elementary effect (the KPI's change over the whole range).
    pub mu_star: f64,
    /// 95 % interval of μ*: the spread over trajectories and the simulation noise.
    pub mu_star_ci95: [f64; 2],
    /// μ: mean elementary effect (its sign says which way the KPI moves).
    pub mu: f64,
    /// σ: standard deviation of the elementary effects (non-linearity, interactions).
    pub sigma: f64,
    /// The simulation noise of one elementary effect (root mean square of its
    /// standard error over replications).
    pub noise: f64,
    /// Whether μ*'s interval (which counts the noise) lies above zero: an effect told
    /// apart from simulation noise.
    pub above_noise: bool,
}

/// The effects on one KPI, largest μ* first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiSensitivity {
    /// The KPI key.
    pub kpi: String,
    /// Its mean over every input scenario and replication.
    pub mean: f64,
    /// Effects, ranked.
    pub effects: Vec<Effect>,
}

/// One factor's Sobol' indices on one KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolEffect {
    /// The factor.
    pub factor: String,
    /// Its first-order and total indices with their intervals.
    #[serde(flatten)]
    pub index: SobolIndex,
}

/// The Sobol' indices on one KPI, largest total index first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolKpi {
    /// The KPI key.
    pub kpi: String,
    /// Its mean over every input scenario and replication.
    pub mean: f64,
    /// The variance of its mean across the input scenarios of A and B: what the
    /// indices are shares of (0: it does not vary, and no index is defined).
    pub variance: f64,
    /// The simulation noise of one input scenario's mean (its squared standard error
    /// over replications, averaged over the input scenarios) as a share of
    /// `variance`. Common random numbers make much of it shared by every input
    /// scenario, where it cancels, so this bounds its weight from above; above about
    /// 0.1 the indices carry noise and more replications are worth running.
    pub noise_share: f64,
    /// The indices, ranked (empty when the KPI does not vary).
    pub indices: Vec<SobolEffect>,
}

/// How to estimate Sobol' indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SobolSettings {
    /// Base samples N: N (k + 2) input scenarios for k factors. At least 8.
    pub samples: usize,
    /// Replications of each input scenario.
    pub replications: u64,
    /// Seed of the design, the replications and the bootstrap.
    pub seed: u64,
}

/// A sensitivity analysis: Morris screening or Sobol' indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The variant screened.
    pub variant: String,
    /// "morris" or "sobol".
    pub method: String,
    /// Trajectories (Morris), or base samples N (Sobol').
    pub trajectories: usize,
    /// Replications of each input scenario.
    pub replications: u64,
    /// Seed of the trajectories and replications.
    pub seed: u64,
    /// Input scenarios simulated: trajectories × (factors + 1).
    pub points: usize,
    /// The factors.
    pub factors: Vec<Factor>,
    /// Per KPI, the ranked effects (Morris).
    pub kpis: Vec<KpiSensitivity>,
    /// Per KPI, the ranked indices (Sobol').
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sobol: Vec<SobolKpi>,
}

/// Why a screening could not run.
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    /// The variant is unknown or invalid.
    #[error(transparent)]
    Variant(#[from] VariantError),
    /// The scenario declares no uncertain inputs.
    #[error(
        "the scenario declares no uncertain inputs: add `[uncertain.<id>]` tables (path, range or factor, source or reason)"
    )]
    NoInputs,
    /// Too few trajectories or replications.
    #[error("{0}")]
    Settings(String),
    /// An input scenario is not valid.
    #[error("the input scenario {point} ({values}) is not valid: {message}")]
    InvalidPoint {
        /// Its number.
        point: usize,
        /// Its input values.
        values: String,
        /// What is wrong.
        message: String,
    },
    /// A KPI that the scenario does not report.
    #[error(transparent)]
    Kpi(#[from] KpiError),
}

/// What a factor's inputs are, for reading: `path: low → high (source or reason)`.
fn described(spec: &crate::scenario::ScenarioSpec, factor: &UncertainFactor) -> Factor {
    let inputs = factor
        .inputs
        .iter()
        .map(|id| {
            let input = &spec.uncertain[id];
            let ([low, high], scaled) = input.ends();
            let why = input.source.as_deref().or(input.reason.as_deref()).unwrap_or_default();
            let range = if scaled { format!("×{low} → ×{high}") } else { format!("{low} → {high}") };
            format!("{}: {range} ({why})", input.path)
        })
        .collect();
    Factor { name: factor.name.clone(), inputs }
}

/// The variant's spec and its factors, once the settings and KPIs are checked.
fn prepare(
    scenario: &Scenario,
    variant: &str,
    kpis: &[String],
    replications: u64,
) -> Result<(crate::scenario::ScenarioSpec, Vec<UncertainFactor>), SensitivityError> {
    if replications < 2 {
        return Err(SensitivityError::Settings("at least 2 replications are needed for the noise".into()));
    }
    if replications < 4 && kpis.iter().any(|k| capacity_search_of(k).is_some()) {
        return Err(SensitivityError::Settings(format!(
            "{CAPACITY_FACTOR} needs at least 4 replications: the search runs on the even and on the odd ones"
        )));
    }
    for key in kpis {
        if let Some(Err(message)) = capacity_search_of(key) {
            return Err(SensitivityError::Settings(message));
        }
    }
    let spec = scenario.variant(variant)?;
    let factors = spec.uncertain_factors();
    if factors.is_empty() {
        return Err(SensitivityError::NoInputs);
    }
    // Every KPI is checked before anything is simulated (a planning year's keys,
    // `year.<Y>.…`, only once a replication has run).
    let keys = crate::model::kpi_keys(&Network::compile(&spec).map_err(|e| SensitivityError::InvalidPoint {
        point: 0,
        values: "the variant as written".into(),
        message: e.to_string(),
    })?);
    if let Some(unknown) =
        kpis.iter().find(|k| !k.starts_with("year.") && capacity_search_of(k).is_none() && !keys.contains(k))
    {
        return Err(KpiError::unknown(unknown, &keys).into());
    }
    // A capacity factor's tags and criteria are checked as the search checks them.
    for search in kpis.iter().filter_map(|k| capacity_search_of(k)?.ok()) {
        search
            .check_tags(scenario)
            .and_then(|()| search.check_criteria(&keys))
            .map_err(|e| SensitivityError::Settings(format!("{CAPACITY_FACTOR}: {e}")))?;
    }
    Ok((spec, factors))
}

/// Simulates `variant` at every point (factor positions on the unit interval): per
/// point, per KPI, the values of replications `0..replications` under `seed` (the
/// same replications at every point: common random numbers).
fn simulate_points(
    scenario: &Scenario,
    variant: &str,
    factors: &[UncertainFactor],
    kpis: &[String],
    points: &[(usize, &Vec<f64>)],
    (reps, seed): (u64, u64),
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<Vec<Vec<Vec<f64>>>, SensitivityError> {
    let mut values: Vec<Vec<Vec<f64>>> = Vec::with_capacity(points.len());
    for (done, &(point, x)) in points.iter().enumerate() {
        let positions = UncertainFactor::positions(factors, x);
        let shown =
            || factors.iter().zip(x).map(|(f, u)| format!("{} at {:.2}", f.name, u)).collect::<Vec<_>>().join(", ");
        let invalid = |message: String| SensitivityError::InvalidPoint { point, values: shown(), message };
        let inputs = scenario.with_inputs(&positions).map_err(invalid)?;
        let at = inputs.variant(variant).map_err(|e| invalid(e.to_string()))?;
        let network = Network::compile(&at).map_err(|e| invalid(e.to_string()))?;
        let plain = kpis.iter().any(|k| capacity_search_of(k).is_none());
        let runs: Vec<Vec<(String, f64)>> = if plain {
            (0..reps).into_par_iter().map(|r| run_replication(&network, seed, r).entries()).collect()
        } else {
            Vec::new()
        };
        let mut per_kpi = Vec::with_capacity(kpis.len());
        for key in kpis {
            if let Some(search) = capacity_search_of(key) {
                let search = search.map_err(invalid)?;
                per_kpi.push(capacity_kpi::capacity_factor(&inputs, variant, &search, (reps, seed)).map_err(invalid)?);
                continue;
            }
            let column: Option<Vec<f64>> =
                runs.iter().map(|e| e.iter().find(|(n, _)| n == key).map(|(_, v)| *v)).collect();
            match column {
                Some(c) => per_kpi.push(c),
                None => {
                    let keys: Vec<String> = runs[0].iter().map(|(n, _)| n.clone()).collect();
                    return Err(KpiError::unknown(key, &keys).into());
                }
            }
        }
        values.push(per_kpi);
        if let Some(report) = progress {
            report(done + 1, points.len());
        }
    }
    Ok(values)
}

/// The trajectories: each k + 1 points on the unit cube, and which factor each step
/// moved.
fn trajectories(k: usize, r: usize, seed: u64) -> Vec<(Vec<Vec<f64>>, Vec<usize>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x4d6f_7272_6973);
    (0..r)
        .map(|_| {
            let mut x: Vec<f64> =
                (0..k).map(|_| if rand::RngExt::random_bool(&mut rng, 0.5) { 1.0 / 3.0 } else { 0.0 }).collect();
            let mut order: Vec<usize> = (0..k).collect();
            order.shuffle(&mut rng);
            let mut points = vec![x.clone()];
            for &f in &order {
                x[f] += DELTA;
                points.push(x.clone());
            }
            (points, order)
        })
        .collect()
}

/// Screens `variant`'s uncertain inputs for their effect on each of `kpis` (see the
/// module documentation). `progress` is told after each input scenario: (done, total).
///
/// # Errors
/// An unknown variant or KPI, no uncertain inputs, settings below the minimum, or an
/// input scenario that is not valid.
pub fn morris(
    scenario: &Scenario,
    variant: &str,
    kpis: &[String],
    settings: &MorrisSettings,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<Sensitivity, SensitivityError> {
    if settings.trajectories < 2 {
        return Err(SensitivityError::Settings("at least 2 trajectories are needed for an interval".into()));
    }
    let (spec, factors) = prepare(scenario, variant, kpis, settings.replications)?;
    let design = trajectories(factors.len(), settings.trajectories, settings.seed);
    let points: Vec<Vec<f64>> = design.iter().flat_map(|(points, _)| points.iter().cloned()).collect();
    // Each input scenario's KPI values per replication, in design order.
    let all: Vec<(usize, &Vec<f64>)> = points.iter().enumerate().collect();
    let values =
        simulate_points(scenario, variant, &factors, kpis, &all, (settings.replications, settings.seed), progress)?;
    Ok(morris_analysis(&spec, &factors, variant, kpis, settings, &design, &values))
}

/// Morris's measures from every input scenario's KPI values (in design order).
fn morris_analysis(
    spec: &crate::scenario::ScenarioSpec,
    factors: &[UncertainFactor],
    variant: &str,
    kpis: &[String],
    settings: &MorrisSettings,
    design: &[(Vec<Vec<f64>>, Vec<usize>)],
    values: &[Vec<Vec<f64>>],
) -> Sensitivity {
    let k = factors.len();
    let total = design.len() * (k + 1);
    let reps = settings.replications;
    let t = student_t_quantile(0.95, settings.trajectories as u64 - 1);
    let mut out = Vec::new();
    for (q, key) in kpis.iter().enumerate() {
        let mut mean = OnlineStats::new();
        values.iter().flat_map(|p| &p[q]).for_each(|&v| mean.push(v));
        // Per factor: elementary effects over trajectories, and their noise.
        let mut effects: Vec<(OnlineStats, OnlineStats, f64)> = vec![(OnlineStats::new(), OnlineStats::new(), 0.0); k];
        for (j, (_, order)) in design.iter().enumerate() {
            for (step, &f) in order.iter().enumerate() {
                let (before, after) = (&values[j * (k + 1) + step][q], &values[j * (k + 1) + step + 1][q]);
                let mut paired = OnlineStats::new();
                before.iter().zip(after).for_each(|(a, b)| paired.push((b - a) / DELTA));
                let ee = paired.mean();
                effects[f].0.push(ee.abs());
                effects[f].1.push(ee);
                effects[f].2 += paired.std_error().powi(2);
            }
        }
        let mut ranked: Vec<Effect> = factors
            .iter()
            .zip(&effects)
            .map(|(f, (abs, signed, noise_sq))| {
                let noise = (noise_sq / settings.trajectories as f64).sqrt();
                // Every trajectory runs the same replications, so their noise is shared
                // and does not average out over trajectories: it is added in.
                let half = ((t * abs.std_error()).powi(2) + (Z95 * noise).powi(2)).sqrt();
                let unclamped = abs.mean() - half;
                let low = unclamped.max(0.0);
                Effect {
                    factor: f.name.clone(),
                    mu_star: abs.mean(),
                    mu_star_ci95: [low, abs.mean() + half],
                    mu: signed.mean(),
                    sigma: signed.sd(),
                    noise,
                    above_noise: unclamped > 0.0,
                }
            })
            .collect();
        ranked.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star).then_with(|| a.factor.cmp(&b.factor)));
        out.push(KpiSensitivity { kpi: key.clone(), mean: mean.mean(), effects: ranked });
    }
    Sensitivity {
        variant: variant.to_string(),
        method: "morris".into(),
        trajectories: settings.trajectories,
        replications: reps,
        seed: settings.seed,
        points: total,
        factors: factors.iter().map(|f| described(spec, f)).collect(),
        kpis: out,
        sobol: Vec::new(),
    }
}

/// Sobol' first-order and total indices of `variant`'s uncertain inputs on each of
/// `kpis` (see [`super::sobol`]): N (k + 2) input scenarios, each the mean of the same
/// replications (common random numbers). `progress` is told after each input
/// scenario: (done, total).
///
/// # Errors
/// An unknown variant or KPI, no uncertain inputs, settings below the minimum, or an
/// input scenario that is not valid.
pub fn sobol(
    scenario: &Scenario,
    variant: &str,
    kpis: &[String],
    settings: &SobolSettings,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<Sensitivity, SensitivityError> {
    if settings.samples < 8 {
        return Err(SensitivityError::Settings("at least 8 base samples are needed for Sobol' indices".into()));
    }
    let (spec, factors) = prepare(scenario, variant, kpis, settings.replications)?;
    let design = SobolDesign::new(settings.samples, factors.len(), settings.seed);
    let all: Vec<(usize, &Vec<f64>)> = design.points.iter().enumerate().collect();
    let values =
        simulate_points(scenario, variant, &factors, kpis, &all, (settings.replications, settings.seed), progress)?;
    Ok(sobol_analysis(&spec, &factors, variant, kpis, settings, &design, &values))
}

/// Sobol' indices from every input scenario's KPI values (in design order).
fn sobol_analysis(
    spec: &crate::scenario::ScenarioSpec,
    factors: &[UncertainFactor],
    variant: &str,
    kpis: &[String],
    settings: &SobolSettings,
    design: &SobolDesign,
    values: &[Vec<Vec<f64>>],
) -> Sensitivity {
    let reps = settings.replications;
    let mut out = Vec::new();
    for (q, key) in kpis.iter().enumerate() {
        let mut all = OnlineStats::new();
        let mut noise = OnlineStats::new();
        let means: Vec<f64> = values
            .iter()
            .map(|point| {
                let mut s = OnlineStats::new();
                point[q].iter().for_each(|&v| {
                    s.push(v);
                    all.push(v);
                });
                noise.push(s.std_error().powi(2));
                s.mean()
            })
            .collect();
        let (indices, variance) = match super::sobol::indices(design, &means, settings.seed) {
            Some((found, variance)) => {
                let mut ranked: Vec<SobolEffect> =
                    factors.iter().zip(found).map(|(f, index)| SobolEffect { factor: f.name.clone(), index }).collect();
                ranked.sort_by(|a, b| b.index.total.total_cmp(&a.index.total).then_with(|| a.factor.cmp(&b.factor)));
                (ranked, variance)
            }
            None => (Vec::new(), 0.0),
        };
        out.push(SobolKpi {
            kpi: key.clone(),
            mean: all.mean(),
            variance,
            noise_share: if variance > 0.0 { noise.mean() / variance } else { 0.0 },
            indices,
        });
    }
    Sensitivity {
        variant: variant.to_string(),
        method: "sobol".into(),
        trajectories: settings.samples,
        replications: reps,
        seed: settings.seed,
        points: design.points.len(),
        factors: factors.iter().map(|f| described(spec, f)).collect(),
        kpis: Vec::new(),
        sobol: out,
    }
}

/// The method of an analysis and its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Method {
    /// Morris screening with this many trajectories.
    Morris {
        /// Trajectories.
        trajectories: usize,
    },
    /// Sobol' indices with this many base samples.
    Sobol {
        /// Base samples N.
        samples: usize,
    },
}

/// The input scenarios of `method` for `k` factors, in design order, and what the
/// analysis needs of the design.
enum Design {
    Morris(Vec<(Vec<Vec<f64>>, Vec<usize>)>),
    Sobol(SobolDesign),
}

impl Design {
    fn of(method: Method, k: usize, seed: u64) -> Design {
        match method {
            Method::Morris { trajectories: r } => Design::Morris(trajectories(k, r, seed)),
            Method::Sobol { samples } => Design::Sobol(SobolDesign::new(samples, k, seed)),
        }
    }

    fn points(&self) -> Vec<&Vec<f64>> {
        match self {
            Design::Morris(design) => design.iter().flat_map(|(points, _)| points.iter()).collect(),
            Design::Sobol(design) => design.points.iter().collect(),
        }
    }
}

/// Checks `method`'s settings as [`morris`] and [`sobol`] do.
fn check_method(method: Method) -> Result<(), SensitivityError> {
    match method {
        Method::Morris { trajectories } if trajectories < 2 => {
            Err(SensitivityError::Settings("at least 2 trajectories are needed for an interval".into()))
        }
        Method::Sobol { samples } if samples < 8 => {
            Err(SensitivityError::Settings("at least 8 base samples are needed for Sobol' indices".into()))
        }
        _ => Ok(()),
    }
}
