//! Monte Carlo experiments: replications in parallel (rayon), common random numbers
//! across variants, summaries with confidence intervals, paired comparisons, sweeps,
//! and precision-driven stopping.
//!
//! Determinism: replication `i` of every variant draws from
//! `Streams::new(seed, i)`, the same purpose-named streams, whatever thread runs it;
//! results are collected in replication order, so every number is identical, bit for
//! bit, for any thread count.

pub mod capacity;
pub mod cluster;
#[cfg(feature = "mpi")]
pub mod distributed;
pub mod feasibility;
pub mod plan;
mod plan_space;
pub mod precision;
mod prepared;
mod result;
pub mod selection;
pub mod sensitivity;
pub mod shard;
mod shared_years;
pub mod sobol;
pub mod stability;
pub mod sweep;
pub mod uncertainty;
pub mod years;

pub use precision::{PrecisionError, PrecisionReport, PrecisionTarget, VariantPrecision};
pub use prepared::PreparedExperiment;
pub use result::{ExperimentResult, Focus, KpiError, PairedDifference, Record, VariantResult, WhatBinds, nearest_keys};
pub use stability::{Binding, Stability, Verdict, depends_on_steady_state};
pub use years::YearSummary;

use crate::model::{CompileError, Network, ReplicationKpis, kpi_keys, run_replication};
use crate::scenario::limits::MAX_REPLICATIONS;
use crate::scenario::{BASE, Scenario, ScenarioError, UnknownVariant, VariantError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What to run.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// Variants to run, by name ([`BASE`] for the unmodified scenario).
    pub variants: Vec<String>,
    /// Replications (the initial batch when a precision target is set).
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None`: rayon's default, all cores).
    pub threads: Option<usize>,
    /// Optional precision target.
    pub precision: Option<PrecisionTarget>,
    /// Run only this shard's replications (for clusters; see [`Shard`]).
    pub shard: Option<Shard>,
    /// When set to `true` (e.g. by a Ctrl-C handler), replications not yet started
    /// are skipped and the result is marked interrupted.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// When set, replication 0 of every variant is traced, sampling yard stocks at
    /// this interval, and the trace kept in [`VariantResult::trace`] (for charts).
    /// Its KPIs are those of the same replication untraced, bit for bit.
    pub trace_every: Option<crate::engine::SimTime>,
}

impl Default for Experiment {
    /// The base scenario, 20 replications, seed 42, all cores. Prefer
    /// [`Experiment::for_scenario`], which takes these from the scenario's settings.
    fn default() -> Self {
        Experiment {
            variants: vec![BASE.to_string()],
            replications: 20,
            seed: 42,
            threads: None,
            precision: None,
            shard: None,
            interrupt: None,
            trace_every: None,
        }
    }
}

impl Experiment {
    /// Every declared variant of `scenario` (or its base when it declares none), with
    /// the scenario's own seed and number of replications, on all cores.
    ///
    /// ```
    /// use corridor::experiment::Experiment;
    /// use corridor::scenario::Scenario;
    /// let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml").unwrap();
    /// let experiment = Experiment::for_scenario(&scenario).replications(4);
    /// assert_eq!(experiment.seed, scenario.base().scenario.seed);
    /// ```
    pub fn for_scenario(scenario: &Scenario) -> Experiment {
        let settings = &scenario.base().scenario;
        Experiment {
            variants: default_variants(scenario),
            replications: settings.replications,
            seed: settings.seed,
            ..Experiment::default()
        }
    }

    /// These variants instead.
    pub fn variants<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.variants = names.into_iter().map(Into::into).collect();
        self
    }

    /// This many replications (the pilot, with a precision target).
    pub fn replications(mut self, n: u64) -> Self {
        self.replications = n;
        self
    }

    /// This master seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// This many worker threads.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// Traces replication 0 of every variant, sampling yard stocks every `interval`
    /// (see [`Experiment::trace_every`]).
    pub fn traced(mut self, interval: crate::engine::SimTime) -> Self {
        self.trace_every = Some(interval);
        self
    }

    /// Run to a precision target (see [`precision`]).
    pub fn precision(mut self, target: PrecisionTarget) -> Self {
        self.precision = Some(target);
        self
    }

    /// Checks the settings against each other and the documented limits.
    ///
    /// # Errors
    /// Replications out of range, or a shard combined with a precision target (the
    /// stopping rule needs every replication).
    pub fn check(&self) -> Result<(), SettingsError> {
        if !(2..=MAX_REPLICATIONS).contains(&self.replications) {
            return Err(SettingsError::Replications(self.replications));
        }
        if let Some(p) = &self.precision
            && !(2..=MAX_REPLICATIONS).contains(&p.max_replications)
        {
            return Err(SettingsError::MaxReplications(p.max_replications));
        }
        if self.shard.is_some() && self.precision.is_some() {
            return Err(SettingsError::ShardWithPrecision);
        }
        if let Some(t) = self.threads
            && t > MAX_THREADS
        {
            return Err(SettingsError::Threads(t));
        }
        Ok(())
    }
}

/// Most worker threads an experiment may ask for.
pub const MAX_THREADS: usize = 1_024;

/// Settings of an experiment that cannot work together or exceed a limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// Replications out of range.
    #[error("replications must be from 2 to {MAX_REPLICATIONS} (got {0})")]
    Replications(u64),
    /// The most replications of a precision target out of range.
    #[error("the most replications of a precision target must be from 2 to {MAX_REPLICATIONS} (got {0})")]
    MaxReplications(u64),
    /// A shard and a precision target together.
    #[error("a shard cannot run to a precision target: the stopping rule needs every replication")]
    ShardWithPrecision,
    /// Too many threads.
    #[error("at most {MAX_THREADS} threads (got {0})")]
    Threads(usize),
}

/// A deterministic part of the replications: replication `r` belongs to shard
/// `r % count`. Shards are numbered from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, `0 <= index < count`.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Whether replication `r` belongs to this shard.
    pub fn owns(&self, r: u64) -> bool {
        self.count > 0 && r % self.count == self.index
    }

    /// Parses `K/N` (shard K of N, from 0), with N at most the replication limit.
    ///
    /// # Errors
    /// Not of that form, or K and N out of range.
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let (k, n) = text.split_once('/').ok_or_else(|| ShardError::Form(text.to_string()))?;
        let number = |t: &str| t.trim().parse::<u64>().map_err(|_| ShardError::Form(text.to_string()));
        Shard::new(number(k)?, number(n)?)
    }

    /// Shard `index` of `count`.
    ///
    /// # Errors
    /// `index >= count`, or `count` is 0 or above the replication limit.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 || count > MAX_REPLICATIONS || index >= count {
            return Err(ShardError::Range { index, count });
        }
        Ok(Shard { index, count })
    }

    /// The shard of a Slurm job-array task: `SLURM_ARRAY_TASK_ID` less
    /// `SLURM_ARRAY_TASK_MIN` (0 when absent), of `SLURM_ARRAY_TASK_COUNT`.
    ///
    /// # Errors
    /// A task id below the minimum, or a shard out of range.
    pub fn from_slurm(task_id: u64, task_count: u64, task_min: Option<u64>) -> Result<Shard, ShardError> {
        let min = task_min.unwrap_or(0);
        let index = task_id.checked_sub(min).ok_or(ShardError::Slurm { task_id, min })?;
        Shard::new(index, task_count)
    }
}

/// Why a shard is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// Not `K/N`.
    #[error("a shard is K/N with 0 <= K < N, e.g. 2/8 (got {0:?})")]
    Form(String),
    /// Out of range.
    #[error("shard {index}/{count} is out of range (valid: 0 <= K < N <= {MAX_REPLICATIONS})")]
    Range {
        /// K.
        index: u64,
        /// N.
        count: u64,
    },
    /// A Slurm task id below the array's minimum.
    #[error("SLURM_ARRAY_TASK_ID {task_id} is below SLURM_ARRAY_TASK_MIN {min}")]
    Slurm {
        /// The task id.
        task_id: u64,
        /// The array's minimum.
        min: u64,
    },
}

/// Progress: (replications done, replications planned).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

fn record(replication: u64, kpis: ReplicationKpis) -> (Vec<String>, Record) {
    let (keys, values): (Vec<String>, Vec<f64>) = kpis.entries().into_iter().unzip();
    (
        keys,
        Record {
            replication,
            values,
            bottleneck: kpis.bottleneck.busiest,
            longest_wait: kpis.bottleneck.longest_wait,
            saturation: kpis.saturation,
        },
    )
}

/// Runs one replication: (the network's index among those run, the network, the seed,
/// the replication) to its KPIs. Every way must give what [`run_replication`] gives.
pub(crate) type Replicate<'a> = &'a (dyn Fn(usize, &Network, u64, u64) -> ReplicationKpis + Sync);

/// The plain way: each replication from its start.
fn from_the_start(_: usize, network: &Network, seed: u64, replication: u64) -> ReplicationKpis {
    run_replication(network, seed, replication)
}

/// Runs replications `indices` of every network in parallel and returns, per network,
/// the records in replication order. A replication runs all variants together, so an
/// interrupted run holds the same replications for every variant; replications not
/// started when `interrupt` is set are skipped.
fn run_batch(
    networks: &[(String, Network)],
    (seed, replicate): (u64, Replicate<'_>),
    indices: &[u64],
    done: &std::sync::atomic::AtomicU64,
    total: u64,
    progress: Option<Progress<'_>>,
    interrupt: Option<&AtomicBool>,
) -> Vec<Vec<(Vec<String>, Record)>> {
    let by_replication: Vec<Vec<(Vec<String>, Record)>> = indices
        .par_iter()
        .filter_map(|&r| {
            if interrupt.is_some_and(|i| i.load(Ordering::Relaxed)) {
                return None;
            }
            let runs = networks.iter().enumerate().map(|(i, (_, net))| record(r, replicate(i, net, seed, r))).collect();
            let d = done.fetch_add(networks.len() as u64, Ordering::Relaxed) + networks.len() as u64;
            if let Some(p) = progress {
                p(d, total);
            }
            Some(runs)
        })
        .collect();
    let mut per_network: Vec<Vec<(Vec<String>, Record)>> = networks.iter().map(|_| Vec::new()).collect();
    for runs in by_replication {
        for (slot, run) in per_network.iter_mut().zip(runs) {
            slot.push(run);
        }
    }
    per_network
}

/// Why an experiment could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExperimentError {
    /// A variant name the scenario does not declare.
    #[error(transparent)]
    UnknownVariant(#[from] UnknownVariant),
    /// A variant that does not resolve into a valid scenario.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A precision target that names no KPI of the scenario.
    #[error(transparent)]
    Precision(#[from] PrecisionError),
    /// Settings that cannot work together.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// A variant that cannot be compiled into a network.
    #[error("variant {variant:?}: {error}")]
    Compile {
        /// The variant.
        variant: String,
        /// Why.
        error: CompileError,
    },
}

impl ExperimentError {
    /// Whether the error is a mistake in how the experiment was asked for (an unknown
    /// variant or KPI, settings out of range) rather than in the scenario.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            ExperimentError::UnknownVariant(_) | ExperimentError::Precision(_) | ExperimentError::Settings(_)
        )
    }
}

impl From<VariantError> for ExperimentError {
    fn from(e: VariantError) -> Self {
        match e {
            VariantError::Unknown(u) => ExperimentError::UnknownVariant(u),
            VariantError::Invalid(s) => ExperimentError::Scenario(s),
        }
    }
}

/// Compiles the networks of `variants` of `scenario`.
///
/// # Errors
/// An unknown variant name, or a variant that cannot be compiled.
pub fn compile_variants(scenario: &Scenario, variants: &[String]) -> Result<Vec<(String, Network)>, ExperimentError> {
    for name in variants {
        scenario.check_variant_name(name)?;
    }
    variants
        .iter()
        .map(|name| {
            let spec = scenario.variant(name)?;
            let network =
                Network::compile(&spec).map_err(|error| ExperimentError::Compile { variant: name.clone(), error })?;
            Ok((name.clone(), network))
        })
        .collect()
}

impl Experiment {
    /// Checks the experiment against `scenario` without running it: settings within
    /// limits, every variant declared, the precision KPI reported by the scenario.
    ///
    /// # Errors
    /// The first problem found.
    pub fn check_against(&self, scenario: &Scenario) -> Result<(), ExperimentError> {
        self.check()?;
        for name in &self.variants {
            scenario.check_variant_name(name)?;
        }
        if let Some(target) = &self.precision {
            let first = self.variants.first().map_or(BASE, String::as_str);
            let network = Network::compile(&scenario.variant(first)?)
                .map_err(|error| ExperimentError::Compile { variant: first.to_string(), error })?;
            target.check_kpi(&kpi_keys(&network))?;
        }
        Ok(())
    }

    /// Runs the experiment on `scenario`.
    ///
    /// # Errors
    /// An unknown variant name, or a variant that cannot be compiled.
    pub fn run(
        &self,
        scenario: &Scenario,
        progress: Option<Progress<'_>>,
    ) -> Result<ExperimentResult, ExperimentError> {
        self.check()?;
        let networks = compile_variants(scenario, &self.variants)?;
        if let (Some(target), Some((_, network))) = (&self.precision, networks.first()) {
            target.check_kpi(&kpi_keys(network))?;
        }
        let mut result = self.run_networks(&scenario.base().scenario.name, networks, progress);
        result.focus = Focus::of(scenario);
        Ok(result)
    }

    /// Runs the experiment on already compiled networks (e.g. sweep points).
    pub fn run_networks(
        &self,
        name: &str,
        networks: Vec<(String, Network)>,
        progress: Option<Progress<'_>>,
    ) -> ExperimentResult {
        let Some(interval) = self.trace_every else {
            return self.run_networks_with(name, networks, progress, &from_the_start);
        };
        // Replication 0 of each network runs traced: the same events, so the same KPIs.
        let traces: Vec<std::sync::Mutex<Option<crate::model::Trace>>> =
            networks.iter().map(|_| std::sync::Mutex::new(None)).collect();
        let traced = |i: usize, network: &Network, seed: u64, replication: u64| {
            if replication != 0 {
                return run_replication(network, seed, replication);
            }
            let (kpis, trace) = crate::model::run_traced(network, seed, 0, interval);
            if let Ok(mut slot) = traces[i].lock() {
                *slot = Some(trace);
            }
            kpis
        };
        let mut result = self.run_networks_with(name, networks, progress, &traced);
        for (v, trace) in result.variants.iter_mut().zip(traces) {
            v.trace = trace.into_inner().ok().flatten();
        }
        result
    }

    /// Like [`Experiment::run_networks`], each replication run by `replicate`.
    pub(crate) fn run_networks_with(
        &self,
        name: &str,
        networks: Vec<(String, Network)>,
        progress: Option<Progress<'_>>,
        replicate: Replicate<'_>,
    ) -> ExperimentResult {
        let started = std::time::Instant::now();
        let ((variants, precision), threads) = self.on_threads(|| self.replicate(&networks, progress, replicate));
        let replications = variants.first().map_or(0, |v| v.records.len() as u64);
        let interrupted = self.interrupt.as_ref().is_some_and(|i| i.load(Ordering::Relaxed));
        ExperimentResult {
            interrupted,
            precision,
            scenario: name.to_string(),
            seed: self.seed,
            replications,
            threads,
            wall_seconds: started.elapsed().as_secs_f64(),
            variants,
            focus: Focus::default(),
        }
    }

    /// Runs more replications of already run networks: replications
    /// `results[i].records.len()..to` are added to each result, so a result extended
    /// to `to` holds what a run of `to` replications holds (common random numbers: each
    /// replication's streams depend only on the seed and its index).
    pub fn extend_networks(&self, networks: &[(String, Network)], results: &mut [VariantResult], to: u64) {
        self.extend_networks_with(networks, results, to, &from_the_start);
    }

    /// Like [`Experiment::extend_networks`], each replication run by `replicate`.
    pub(crate) fn extend_networks_with(
        &self,
        networks: &[(String, Network)],
        results: &mut [VariantResult],
        to: u64,
        replicate: Replicate<'_>,
    ) {
        let from = results.iter().map(|r| r.records.len() as u64).min().unwrap_or(0);
        if to <= from {
            return;
        }
        let done = std::sync::atomic::AtomicU64::new(0);
        let planned = self.owned(from, to);
        self.on_threads(|| self.run_range(networks, results, (from, to), (&done, planned), None, replicate));
    }

    /// Runs `work` on a pool of this experiment's threads (rayon's global pool if one
    /// cannot be built), and says how many threads it had.
    pub(crate) fn on_threads<R: Send>(&self, work: impl FnOnce() -> R + Send) -> (R, usize) {
        match rayon::ThreadPoolBuilder::new().num_threads(self.threads.unwrap_or(0)).build() {
            Ok(pool) => (pool.install(work), pool.current_num_threads()),
            Err(_) => (work(), rayon::current_num_threads()),
        }
    }

    pub(crate) fn interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|i| i.load(Ordering::Relaxed))
    }

    /// Runs replications `from..to` (of this shard) of every network into `results`.
    fn run_range(
        &self,
        networks: &[(String, Network)],
        results: &mut [VariantResult],
        (from, to): (u64, u64),
        (done, planned): (&std::sync::atomic::AtomicU64, u64),
        progress: Option<Progress<'_>>,
        replicate: Replicate<'_>,
    ) {
        let indices: Vec<u64> = (from..to).filter(|&r| self.shard.is_none_or(|s| s.owns(r))).collect();
        let total = networks.len() as u64 * planned;
        let batch =
            run_batch(networks, (self.seed, replicate), &indices, done, total, progress, self.interrupt.as_deref());
        for (result, runs) in results.iter_mut().zip(batch) {
            for (keys, rec) in runs {
                result.push_record(keys, rec);
            }
        }
    }

    fn owned(&self, from: u64, to: u64) -> u64 {
        (from..to).filter(|&r| self.shard.is_none_or(|s| s.owns(r))).count() as u64
    }

    fn replicate(
        &self,
        networks: &[(String, Network)],
        progress: Option<Progress<'_>>,
        replicate: Replicate<'_>,
    ) -> (Vec<VariantResult>, Option<PrecisionReport>) {
        let mut results: Vec<VariantResult> = networks
            .iter()
            .map(|(n, net)| VariantResult {
                name: n.clone(),
                keys: Vec::new(),
                records: Vec::new(),
                capacity: Some(net.capacity_sheet()),
                years_capacity: years::capacity_by_year(net),
                trace: None,
            })
            .collect();
        let done = std::sync::atomic::AtomicU64::new(0);
        let Some(target) = &self.precision else {
            let n = self.replications.max(2);
            self.run_range(networks, &mut results, (0, n), (&done, self.owned(0, n)), progress, replicate);
            return (results, None);
        };
        // Stein's two-stage procedure (see `precision`): a pilot, then the total it plans.
        let pilot = self.replications.max(precision::MIN_PILOT).min(target.max_replications.max(2));
        self.run_range(networks, &mut results, (0, pilot), (&done, self.owned(0, pilot)), progress, replicate);
        let (total, pilots) = precision::plan(target, &results, pilot);
        if !self.interrupted() && total > pilot {
            self.run_range(networks, &mut results, (pilot, total), (&done, self.owned(0, total)), progress, replicate);
        }
        let report = precision::report(target, &results, pilot, &pilots);
        (results, Some(report))
    }
}

/// Default variant list of a scenario: the declared variants, or the base if none.
pub fn default_variants(scenario: &Scenario) -> Vec<String> {
    if scenario.variant_names().is_empty() { vec![BASE.to_string()] } else { scenario.variant_names().to_vec() }
}
