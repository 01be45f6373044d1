//! Sweeps: the grid declared in a scenario's `[sweep]`, run point by point.
//!
//! Every point runs the same replications with the same seeds, so points are compared
//! under common random numbers without being run side by side: only one point's
//! network is in memory at a time, whatever the size of the grid.

use super::{Experiment, ExperimentError, ExperimentResult, Progress, VariantResult};
use crate::model::{Network, kpi_keys};
use crate::scenario::{Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// The result of a sweep: one [`VariantResult`] per point (named by its label) and the
/// axis values of each point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepResult {
    /// The runs; `variants[i]` is point `i`.
    pub result: ExperimentResult,
    /// The swept parameters.
    pub parameters: Vec<String>,
    /// Axis values of each point, aligned with `result.variants`.
    pub values: Vec<Vec<f64>>,
    /// The KPI the sweep reports (the file's `sweep.kpi`, or system delivered tonnes).
    pub kpi: String,
}

/// One row of a sweep's curve: the first axis value and the KPI's mean and 95 % CI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Value of the first swept parameter.
    pub x: f64,
    /// Mean of the KPI.
    pub mean: f64,
    /// Lower end of the 95 % CI.
    pub lo: f64,
    /// Upper end of the 95 % CI.
    pub hi: f64,
}

impl SweepResult {
    /// The KPI against the first axis, for points where it has a value.
    pub fn curve(&self) -> Vec<(String, Option<CurvePoint>)> {
        self.result
            .variants
            .iter()
            .zip(&self.values)
            .map(|(v, values)| {
                let point = v.summary(&self.kpi).map(|s| CurvePoint {
                    x: values.first().copied().unwrap_or(f64::NAN),
                    mean: s.mean,
                    lo: s.ci95[0],
                    hi: s.ci95[1],
                });
                (v.name.clone(), point)
            })
            .collect()
    }
}

/// Why a sweep could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// The scenario declares no `[sweep]`.
    #[error("the scenario declares no [sweep]")]
    NoSweep,
    /// A point could not be resolved or compiled.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The experiment could not run.
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
}

/// Runs every point of `scenario`'s sweep with `experiment`'s replications, seed and
/// threads (its variants are ignored: the sweep's own `base` applies).
///
/// # Errors
/// No sweep declared, a KPI the scenario does not report, or a point that cannot be
/// compiled.
pub fn run_sweep(
    scenario: &Scenario,
    experiment: &Experiment,
    progress: Option<Progress<'_>>,
) -> Result<SweepResult, SweepError> {
    let sweep = scenario.sweep().ok_or(SweepError::NoSweep)?;
    let kpi = sweep.spec().kpi.clone().unwrap_or_else(|| "system.delivered_tonnes".to_string());
    let started = std::time::Instant::now();
    let points = sweep.len();
    let per_point = experiment.replications.max(2);
    let done = AtomicU64::new(0);
    let total = points as u64 * per_point;
    let mut variants: Vec<VariantResult> = Vec::with_capacity(points);
    let mut values = Vec::with_capacity(points);
    let mut threads = 1;
    let mut interrupted = false;
    for i in 0..points {
        let point = sweep.point(i)?;
        let network = Network::compile(&point.spec)
            .map_err(|error| ExperimentError::Compile { variant: point.label.clone(), error })?;
        if i == 0 && !kpi_keys(&network).contains(&kpi) {
            let keys = kpi_keys(&network);
            return Err(
                ExperimentError::Precision(super::PrecisionError::Kpi(super::KpiError::unknown(&kpi, &keys))).into()
            );
        }
        let offset = done.load(Ordering::Relaxed);
        let forward = |d: u64, _: u64| {
            if let Some(p) = progress {
                p(offset + d, total);
            }
        };
        let mut run = experiment.clone();
        run.precision = None;
        let result =
            run.run_networks(&scenario.base().scenario.name, vec![(point.label.clone(), network)], Some(&forward));
        done.store(offset + per_point, Ordering::Relaxed);
        threads = result.threads;
        interrupted |= result.interrupted;
        variants.extend(result.variants);
        values.push(point.values);
        if interrupted {
            break;
        }
    }
    let replications = variants.iter().map(|v| v.records.len() as u64).min().unwrap_or(0);
    Ok(SweepResult {
        result: ExperimentResult {
            scenario: scenario.base().scenario.name.clone(),
            seed: experiment.seed,
            replications,
            threads,
            wall_seconds: started.elapsed().as_secs_f64(),
            variants,
            interrupted,
            precision: None,
            focus: crate::experiment::Focus::of(scenario),
        },
        parameters: sweep.spec().axes.iter().map(|a| a.parameter.clone()).collect(),
        values,
        kpi,
    })
}
