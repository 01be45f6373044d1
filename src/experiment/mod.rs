//! Monte Carlo experiments: replications in parallel (rayon), common random numbers
//! across variants, summaries with confidence intervals, paired comparisons, sweeps,
//! and precision-driven stopping.
//!
//! Determinism: replication `i` of every variant draws from
//! `Streams::new(seed, i)`, the same purpose-named streams, whatever thread runs it;
//! results are collected in replication order, so every number is identical, bit for
//! bit, for any thread count.

use crate::model::{CompileError, Network, ReplicationKpis, Saturation, run_replication};
use crate::scenario::{BASE, Scenario, ScenarioError, UnknownVariant, VariantError};
use crate::stats::{OnlineStats, Summary, student_t_quantile};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Stop adding replications once the 95 % CI half-width of `kpi` is below
/// `relative` × |mean| in every variant (or `max_replications` is reached).
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionTarget {
    /// KPI key, e.g. `port.baku.ship_wait_hours.mean`.
    pub kpi: String,
    /// Target relative half-width, e.g. 0.05.
    pub relative: f64,
    /// Upper bound on replications.
    pub max_replications: u64,
}

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
}

impl Default for Experiment {
    /// The base scenario, 20 replications, seed 42, all cores.
    fn default() -> Self {
        Experiment {
            variants: vec![BASE.to_string()],
            replications: 20,
            seed: 42,
            threads: None,
            precision: None,
            shard: None,
            interrupt: None,
        }
    }
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
}

/// One replication's record: KPI values in the variant's key order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Replication index.
    pub replication: u64,
    /// Values, aligned with [`VariantResult::keys`].
    pub values: Vec<f64>,
    /// The busiest resource in this replication.
    pub bottleneck: String,
    /// Where cargo waited longest for its next leg in this replication.
    #[serde(default)]
    pub longest_wait: String,
    /// Set when the replication saturated.
    pub saturation: Option<Saturation>,
}

/// All replications of one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantResult {
    /// Variant name.
    pub name: String,
    /// KPI keys.
    pub keys: Vec<String>,
    /// One record per replication, in replication order.
    pub records: Vec<Record>,
}

impl VariantResult {
    /// Values of KPI `key` across stable (non-saturated) replications.
    pub fn values(&self, key: &str) -> Option<Vec<f64>> {
        let i = self.keys.iter().position(|k| k == key)?;
        Some(
            self.records
                .iter()
                .filter(|r| r.saturation.is_none())
                .map(|r| r.values[i])
                .collect(),
        )
    }

    /// Summary of KPI `key` over stable replications.
    pub fn summary(&self, key: &str) -> Option<Summary> {
        Summary::of(&self.values(key)?)
    }

    /// Summaries of every KPI, in key order.
    pub fn summaries(&self) -> Vec<(String, Summary)> {
        self.keys
            .iter()
            .filter_map(|k| self.summary(k).map(|s| (k.clone(), s)))
            .collect()
    }

    /// The most frequent busiest resource and the share of replications naming it.
    pub fn bottleneck(&self) -> (String, f64) {
        mode(self.records.iter().map(|r| r.bottleneck.as_str()), self.records.len())
    }

    /// The most frequent place where cargo waits longest, and its share of replications.
    pub fn longest_wait(&self) -> (String, f64) {
        mode(self.records.iter().map(|r| r.longest_wait.as_str()), self.records.len())
    }

    /// Replications that saturated.
    pub fn saturated(&self) -> Vec<(u64, &Saturation)> {
        self.records
            .iter()
            .filter_map(|r| r.saturation.as_ref().map(|s| (r.replication, s)))
            .collect()
    }
}

/// The most frequent of `names` and its share of `n`.
fn mode<'a>(names: impl Iterator<Item = &'a str>, n: usize) -> (String, f64) {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for name in names {
        match counts.iter_mut().find(|(c, _)| *c == name) {
            Some((_, k)) => *k += 1,
            None => counts.push((name, 1)),
        }
    }
    // Ties go to the name seen first (deterministic).
    let (name, count) = counts
        .into_iter()
        .fold(("", 0), |best, c| if c.1 > best.1 { c } else { best });
    (name.to_string(), count as f64 / n.max(1) as f64)
}

/// A paired difference (variant − base) of one KPI over common random numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// Mean of the differences.
    pub mean: f64,
    /// 95 % CI of the mean difference.
    pub ci95: [f64; 2],
    /// Half-width an unpaired (Welch) interval would have, for comparison.
    pub unpaired_half_width: f64,
    /// Pairs used.
    pub n: u64,
}

/// Results of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentResult {
    /// Scenario name.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per variant.
    pub replications: u64,
    /// Threads used.
    pub threads: usize,
    /// Wall-clock seconds.
    pub wall_seconds: f64,
    /// Per variant.
    pub variants: Vec<VariantResult>,
    /// Whether the run was interrupted before all replications were done.
    #[serde(default)]
    pub interrupted: bool,
}

impl ExperimentResult {
    /// The result of variant `name`.
    pub fn variant(&self, name: &str) -> Option<&VariantResult> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// Paired differences of every KPI of `variant` against `base`.
    pub fn compare(&self, base: &str, variant: &str) -> Option<Vec<(String, PairedDifference)>> {
        let (b, v) = (self.variant(base)?, self.variant(variant)?);
        let mut out = Vec::new();
        for (i, key) in b.keys.iter().enumerate() {
            let Some(j) = v.keys.iter().position(|k| k == key) else {
                continue;
            };
            if let Some(d) = paired(b, v, i, j) {
                out.push((key.clone(), d));
            }
        }
        Some(out)
    }
}

fn paired(b: &VariantResult, v: &VariantResult, i: usize, j: usize) -> Option<PairedDifference> {
    let mut diffs = OnlineStats::new();
    let (mut sb, mut sv) = (OnlineStats::new(), OnlineStats::new());
    // Pair by replication index (records are in replication order; an interrupted run
    // may hold different replications per variant).
    let mut others = v.records.iter().peekable();
    for rb in &b.records {
        while others.peek().is_some_and(|rv| rv.replication < rb.replication) {
            others.next();
        }
        let Some(rv) = others.peek().filter(|rv| rv.replication == rb.replication) else {
            continue;
        };
        if rb.saturation.is_some() || rv.saturation.is_some() {
            continue;
        }
        diffs.push(rv.values[j] - rb.values[i]);
        sb.push(rb.values[i]);
        sv.push(rv.values[j]);
    }
    let n = diffs.count();
    if n < 2 {
        return None;
    }
    let t = student_t_quantile(0.95, n - 1);
    let hw = t * diffs.std_error();
    let unpaired = t * (sb.variance() / n as f64 + sv.variance() / n as f64).sqrt();
    Some(PairedDifference {
        mean: diffs.mean(),
        ci95: [diffs.mean() - hw, diffs.mean() + hw],
        unpaired_half_width: unpaired,
        n,
    })
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

/// Runs replications `indices` of every network in parallel and returns, per network,
/// the records in replication order. A replication runs all variants together, so an
/// interrupted run holds the same replications for every variant; replications not
/// started when `interrupt` is set are skipped.
fn run_batch(
    networks: &[(String, Network)],
    seed: u64,
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
            let runs = networks
                .iter()
                .map(|(_, net)| record(r, run_replication(net, seed, r)))
                .collect();
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
    /// A variant that cannot be compiled into a network.
    #[error("variant {variant:?}: {error}")]
    Compile {
        /// The variant.
        variant: String,
        /// Why.
        error: CompileError,
    },
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
            let network = Network::compile(&spec).map_err(|error| ExperimentError::Compile {
                variant: name.clone(),
                error,
            })?;
            Ok((name.clone(), network))
        })
        .collect()
}

impl Experiment {
    /// Runs the experiment on `scenario`.
    ///
    /// # Errors
    /// An unknown variant name, or a variant that cannot be compiled.
    pub fn run(
        &self,
        scenario: &Scenario,
        progress: Option<Progress<'_>>,
    ) -> Result<ExperimentResult, ExperimentError> {
        let networks = compile_variants(scenario, &self.variants)?;
        Ok(self.run_networks(&scenario.base().scenario.name, networks, progress))
    }

    /// Runs the experiment on already compiled networks (e.g. sweep points).
    pub fn run_networks(
        &self,
        name: &str,
        networks: Vec<(String, Network)>,
        progress: Option<Progress<'_>>,
    ) -> ExperimentResult {
        let started = std::time::Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.unwrap_or(0))
            .build();
        let work = || self.replicate(&networks, progress);
        let (variants, threads) = match pool {
            Ok(pool) => (pool.install(work), pool.current_num_threads()),
            Err(_) => (work(), rayon::current_num_threads()),
        };
        let replications = variants.first().map_or(0, |v| v.records.len() as u64);
        let interrupted = self.interrupt.as_ref().is_some_and(|i| i.load(Ordering::Relaxed));
        ExperimentResult {
            interrupted,
            scenario: name.to_string(),
            seed: self.seed,
            replications,
            threads,
            wall_seconds: started.elapsed().as_secs_f64(),
            variants,
        }
    }

    fn replicate(&self, networks: &[(String, Network)], progress: Option<Progress<'_>>) -> Vec<VariantResult> {
        let mut results: Vec<VariantResult> = networks
            .iter()
            .map(|(n, _)| VariantResult {
                name: n.clone(),
                keys: Vec::new(),
                records: Vec::new(),
            })
            .collect();
        let first = self.replications.max(2);
        let max = self.precision.as_ref().map_or(first, |p| p.max_replications.max(first));
        let done = std::sync::atomic::AtomicU64::new(0);
        let mut next = 0;
        let mut batch = first;
        while next < max {
            let end = (next + batch).min(max);
            let indices: Vec<u64> = (next..end).filter(|&r| self.shard.is_none_or(|s| s.owns(r))).collect();
            let planned = (0..if self.precision.is_some() { max } else { end })
                .filter(|&r| self.shard.is_none_or(|s| s.owns(r)))
                .count() as u64;
            let total = networks.len() as u64 * planned;
            for (result, runs) in results.iter_mut().zip(run_batch(
                networks,
                self.seed,
                &indices,
                &done,
                total,
                progress,
                self.interrupt.as_deref(),
            )) {
                for (keys, rec) in runs {
                    if result.keys.is_empty() {
                        result.keys = keys;
                    }
                    result.records.push(rec);
                }
            }
            next = end;
            if self.interrupt.as_ref().is_some_and(|i| i.load(Ordering::Relaxed)) {
                break;
            }
            let Some(target) = &self.precision else { break };
            let precise = results.iter().all(|v| {
                v.summary(&target.kpi)
                    .is_some_and(|s| s.n >= 2 && s.half_width() <= target.relative * s.mean.abs())
            });
            if precise {
                break;
            }
            batch = (next / 2).max(10);
        }
        results
    }
}

#[cfg(feature = "mpi")]
pub mod distributed;
pub mod shard;

/// Default variant list of a scenario: the declared variants, or the base if none.
pub fn default_variants(scenario: &Scenario) -> Vec<String> {
    if scenario.variant_names().is_empty() {
        vec![BASE.to_string()]
    } else {
        scenario.variant_names().to_vec()
    }
}
