//! What an experiment produces: per-replication records of every variant, summaries
//! with confidence intervals, and paired differences over common random numbers.

use super::precision::PrecisionReport;
use crate::model::{CapacitySheet, Saturation};
use crate::stats::{OnlineStats, Summary, student_t_quantile};
use serde::{Deserialize, Serialize};

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
    /// The variant's capacity sheet, worked out from its scenario before simulating
    /// (of the last year, in a planning run).
    #[serde(default)]
    pub capacity: Option<CapacitySheet>,
    /// In a planning run, the capacity sheet of each year: the configuration in force
    /// at the year's end, with that year's demand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years_capacity: Vec<(i32, CapacitySheet)>,
    /// Replication 0 traced (yard stocks over time, transit-time percentiles), when
    /// the experiment asked for it ([`crate::experiment::Experiment::trace_every`]):
    /// the very replication whose KPIs are recorded, not a run of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<crate::model::Trace>,
}

/// The planning year of a KPI key `year.<Y>.…` (the `<Y>`), if it is one.
fn year_of(key: &str) -> Option<&str> {
    key.strip_prefix("year.").and_then(|rest| rest.split_once('.')).map(|(year, _)| year)
}

impl VariantResult {
    /// Adds a replication's record with the KPI keys its values go with. Replications
    /// of one network usually report the same keys; where one does not (it stopped
    /// early, at a cap or after a planning year, under another configuration than the
    /// last, which has KPIs of its own), values are matched by key: a key it lacks
    /// reads NaN in it, and a key new to the result reads NaN in the records before.
    pub(crate) fn push_record(&mut self, keys: Vec<String>, mut record: Record) {
        if self.records.is_empty() && self.keys.is_empty() {
            self.keys = keys;
        } else if keys != self.keys {
            let known: std::collections::HashSet<&str> = self.keys.iter().map(String::as_str).collect();
            let new: Vec<String> = keys.iter().filter(|k| !known.contains(k.as_str())).cloned().collect();
            if !new.is_empty() {
                for r in &mut self.records {
                    r.values.resize(r.values.len() + new.len(), f64::NAN);
                }
                self.keys.extend(new);
            }
            let at: std::collections::HashMap<&str, usize> =
                keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
            record.values =
                self.keys.iter().map(|k| at.get(k.as_str()).map_or(f64::NAN, |&i| record.values[i])).collect();
        }
        self.records.push(record);
    }

    /// Values of KPI `key` across stable (non-saturated) replications.
    ///
    /// A planning year's KPI (`year.<Y>.…`) takes every replication that measured the
    /// year in full, including those that stopped at a cap in a later year.
    pub fn values(&self, key: &str) -> Option<Vec<f64>> {
        let i = self.keys.iter().position(|k| k == key)?;
        let completed = year_of(key).and_then(|year| {
            let completed = format!("year.{year}.system.completed");
            self.keys.iter().position(|k| *k == completed)
        });
        Some(self.values_at(i, completed))
    }

    /// Values of the KPI at key index `i` across the replications that measured it:
    /// those whose year-completed flag at index `completed` is 1 (a planning year's
    /// KPI), else those that did not saturate.
    fn values_at(&self, i: usize, completed: Option<usize>) -> Vec<f64> {
        self.records
            .iter()
            .filter(|r| match completed {
                Some(c) => r.values[c] == 1.0,
                None => r.saturation.is_none(),
            })
            .map(|r| r.values[i])
            .collect()
    }

    /// Summary of KPI `key` over stable replications (`None` for an unknown key or
    /// when every replication saturated; see [`VariantResult::kpi`] for an error that
    /// says which).
    pub fn summary(&self, key: &str) -> Option<Summary> {
        Summary::of(&self.values(key)?)
    }

    /// Summary of KPI `key` over stable replications, flagged
    /// [`Summary::not_steady_state`] when the figure describes waiting, queues or stocks
    /// and the variant is not stable (it then describes the run, not a steady state).
    ///
    /// # Errors
    /// [`KpiError::Unknown`] naming the nearest keys, or [`KpiError::NoData`] when no
    /// stable replication measured it.
    ///
    /// ```
    /// use corridor::experiment::Experiment;
    /// use corridor::scenario::Scenario;
    /// let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml")?;
    /// let result = Experiment::for_scenario(&scenario).replications(4).run(&scenario, None)?;
    /// let port = &result.variants[0];
    /// let wait = port.kpi("port.port.ship_wait_hours.mean")?;
    /// assert!(wait.ci95[0] <= wait.mean && wait.mean <= wait.ci95[1]);
    /// assert!(!wait.not_steady_state, "an M/M/3 port at rho 2/3 is stable");
    /// assert!(port.kpi("port.port.ship_wait_hour.mean").is_err()); // names the nearest keys
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kpi(&self, key: &str) -> Result<Summary, KpiError> {
        let values = self.values(key).ok_or_else(|| KpiError::unknown(key, &self.keys))?;
        let mut summary = Summary::of(&values)
            .ok_or_else(|| KpiError::NoData { key: key.to_string(), variant: self.name.clone() })?;
        summary.not_steady_state =
            super::stability::depends_on_steady_state(key) && !self.stability().verdict.is_steady();
        Ok(summary)
    }

    /// Summaries of every KPI, in key order, flagged as [`VariantResult::kpi`] flags them.
    pub fn summaries(&self) -> Vec<(String, Summary)> {
        let unsteady = !self.stability().verdict.is_steady();
        // Each planning year's completed flag, found once: a lookup per key would make
        // this quadratic in the number of keys (thousands in a planning run).
        let completed: std::collections::HashMap<&str, usize> = self
            .keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| Some((k.strip_prefix("year.")?.strip_suffix(".system.completed")?, i)))
            .collect();
        self.keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| {
                let flag = year_of(k).and_then(|year| completed.get(year).copied());
                let mut summary = Summary::of(&self.values_at(i, flag))?;
                summary.not_steady_state = unsteady && super::stability::depends_on_steady_state(k);
                Some((k.clone(), summary))
            })
            .collect()
    }

    /// What binds, by every measure the program has: the resource with the highest ρ
    /// (on the capacity sheet or simulated), the resource most often the busiest in a
    /// replication, and where cargo most often waited longest for its next leg.
    ///
    /// ```
    /// use corridor::experiment::Experiment;
    /// use corridor::scenario::Scenario;
    /// let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml")?;
    /// let result = Experiment::for_scenario(&scenario).replications(4).run(&scenario, None)?;
    /// let binds = result.variants[0].what_binds();
    /// let binding = binds.binding.expect("a port with berths has a rho");
    /// assert_eq!(binding.resource, "port.port.berths.dry");
    /// assert!((binding.rho_static.unwrap() - 2.0 / 3.0).abs() < 1e-9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn what_binds(&self) -> WhatBinds {
        let (busiest, busiest_share) = self.bottleneck();
        let (longest_wait, longest_wait_share) = self.longest_wait();
        WhatBinds { binding: self.binding(), busiest, busiest_share, longest_wait, longest_wait_share }
    }

    /// The most frequent busiest resource and the share of replications naming it.
    pub(crate) fn bottleneck(&self) -> (String, f64) {
        mode(self.records.iter().map(|r| r.bottleneck.as_str()), self.records.len())
    }

    /// The most frequent place where cargo waits longest, and its share of replications.
    pub(crate) fn longest_wait(&self) -> (String, f64) {
        mode(self.records.iter().map(|r| r.longest_wait.as_str()), self.records.len())
    }

    /// Replications that saturated.
    pub fn saturated(&self) -> Vec<(u64, &Saturation)> {
        self.records.iter().filter_map(|r| r.saturation.as_ref().map(|s| (r.replication, s))).collect()
    }
}

/// What binds in one variant (see [`VariantResult::what_binds`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatBinds {
    /// The resource with the highest ρ, the capacity sheet's or the simulated one,
    /// whichever is higher (what the stability verdict names); `None` for a network
    /// without resources.
    pub binding: Option<super::stability::Binding>,
    /// The resource most often the busiest in a replication (as in `rho.*` keys).
    pub busiest: String,
    /// The share of replications in which it was the busiest (0–1).
    pub busiest_share: f64,
    /// Where cargo most often waited longest for its next leg.
    pub longest_wait: String,
    /// The share of replications in which it did (0–1).
    pub longest_wait_share: f64,
}

/// Why a KPI could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KpiError {
    /// No KPI has this key.
    #[error("unknown KPI {key:?}{}", if nearest.is_empty() { String::new() } else { format!(" (nearest: {})", nearest.join(", ")) })]
    Unknown {
        /// The key asked for.
        key: String,
        /// Up to five existing keys closest to it.
        nearest: Vec<String>,
    },
    /// Every replication of the variant saturated, so the KPI has no value.
    #[error("KPI {key:?} has no value in variant {variant:?}: every replication saturated")]
    NoData {
        /// The key.
        key: String,
        /// The variant.
        variant: String,
    },
    /// A comparison named a variant the experiment did not run.
    #[error("variant {variant:?} was not run (ran: {}); add it to the experiment's variants", ran.join(", "))]
    VariantNotRun {
        /// The variant asked for.
        variant: String,
        /// The variants run.
        ran: Vec<String>,
    },
    /// Fewer than two replications of both variants measured the KPI, so a paired
    /// difference has no interval.
    #[error(
        "KPI {key:?}: only {pairs} replication(s) of {base:?} and {variant:?} both measured it; a paired difference needs 2"
    )]
    TooFewPairs {
        /// The key.
        key: String,
        /// The base variant.
        base: String,
        /// The other variant.
        variant: String,
        /// Pairs found.
        pairs: u64,
    },
}

impl KpiError {
    /// An unknown-key error listing the keys of `keys` nearest to `key`.
    pub fn unknown(key: &str, keys: &[String]) -> KpiError {
        KpiError::Unknown { key: key.to_string(), nearest: nearest_keys(key, keys, 5) }
    }
}

/// The `n` keys nearest to `key`: same-prefix keys first, then by edit distance.
pub fn nearest_keys(key: &str, keys: &[String], n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, usize, &String)> =
        keys.iter().enumerate().map(|(i, k)| (strsim::levenshtein(key, k), i, k)).collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, k)| k.clone()).collect()
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
    let (name, count) = counts.into_iter().fold(("", 0), |best, c| if c.1 > best.1 { c } else { best });
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

/// What the decision table shows first: the ports whose ship waits and the flows
/// whose transit times matter most to the reader (the scenario's `focus_ports` and
/// `focus_flows`; empty means "choose": the busiest port, every flow).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Focus {
    /// Port ids.
    pub ports: Vec<String>,
    /// Flow ids.
    pub flows: Vec<String>,
}

impl Focus {
    /// The focus a scenario declares.
    pub fn of(scenario: &crate::scenario::Scenario) -> Focus {
        let s = &scenario.base().scenario;
        Focus { ports: s.focus_ports.clone(), flows: s.focus_flows.clone() }
    }
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
    /// The outcome of a precision target, when the run had one.
    #[serde(default)]
    pub precision: Option<PrecisionReport>,
    /// The scenario's focus ports and flows, for the decision table.
    #[serde(default)]
    pub focus: Focus,
}

impl ExperimentResult {
    /// The result of variant `name`.
    pub fn variant(&self, name: &str) -> Option<&VariantResult> {
        self.variants.iter().find(|v| v.name == name)
    }

    /// The result of variant `name`, or an error naming the variants run.
    fn ran(&self, name: &str) -> Result<&VariantResult, KpiError> {
        self.variant(name).ok_or_else(|| KpiError::VariantNotRun {
            variant: name.to_string(),
            ran: self.variants.iter().map(|v| v.name.clone()).collect(),
        })
    }

    /// Paired differences (`variant` − `base`) of every KPI both measured, over common
    /// random numbers, in `base`'s key order.
    ///
    /// # Errors
    /// [`KpiError::VariantNotRun`] when either was not run (a scenario that declares
    /// variants runs them, not its base, unless asked to).
    pub fn compare(&self, base: &str, variant: &str) -> Result<Vec<(String, PairedDifference)>, KpiError> {
        let (b, v) = (self.ran(base)?, self.ran(variant)?);
        let mut out = Vec::new();
        for (i, key) in b.keys.iter().enumerate() {
            let Some(j) = v.keys.iter().position(|k| k == key) else {
                continue;
            };
            if let Some(d) = paired(b, v, i, j) {
                out.push((key.clone(), d));
            }
        }
        Ok(out)
    }

    /// The paired difference (`variant` − `base`) of KPI `key` over common random
    /// numbers: each replication of one is paired with the same replication of the
    /// other, which shares its random streams, so the interval is usually far narrower
    /// than an unpaired one ([`PairedDifference::unpaired_half_width`]).
    ///
    /// # Errors
    /// A variant that was not run, a key neither has (naming the nearest), or fewer
    /// than two replications measuring it in both.
    ///
    /// ```
    /// use corridor::experiment::Experiment;
    /// use corridor::scenario::*;
    /// let spec = ScenarioSpec::new("one port", 200.0)
    ///     .port("p", PortSpec::new(1e9).berths(BerthClass::Dry, BerthSpec::service(1, DistSpec::exponential(10.0))))
    ///     .ship_arrivals("ships", ShipArrivalSpec::new("p", BerthClass::Dry, 700.0, DistSpec::constant(1000.0)))
    ///     .variant("one_berth", VariantSpec::new())
    ///     .variant("two_berths", VariantSpec::new().set("ports.p.berths.dry.count", 2));
    /// let scenario = Scenario::from_spec(&spec)?;
    /// let result = scenario.experiment().replications(10).run()?;
    /// let d = result.paired("one_berth", "two_berths", "port.p.ship_wait_hours.mean")?;
    /// assert!(d.ci95[1] < 0.0, "a second berth shortens the wait: {d:?}");
    /// assert!(d.ci95[1] - d.ci95[0] < 2.0 * d.unpaired_half_width);
    /// // The base is not run when variants are declared, and the error says so.
    /// assert!(result.paired("base", "two_berths", "port.p.ship_wait_hours.mean").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn paired(&self, base: &str, variant: &str, key: &str) -> Result<PairedDifference, KpiError> {
        let (b, v) = (self.ran(base)?, self.ran(variant)?);
        let i = b.keys.iter().position(|k| k == key).ok_or_else(|| KpiError::unknown(key, &b.keys))?;
        let j = v.keys.iter().position(|k| k == key).ok_or_else(|| KpiError::unknown(key, &v.keys))?;
        paired(b, v, i, j).ok_or_else(|| KpiError::TooFewPairs {
            key: key.to_string(),
            base: base.to_string(),
            variant: variant.to_string(),
            pairs: paired_count(b, v),
        })
    }
}

/// Replications of `b` and `v` that pair up (same index, neither saturated).
fn paired_count(b: &VariantResult, v: &VariantResult) -> u64 {
    b.records
        .iter()
        .filter(|rb| rb.saturation.is_none())
        .filter(|rb| v.records.iter().any(|rv| rv.replication == rb.replication && rv.saturation.is_none()))
        .count() as u64
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(r: u64, values: &[f64]) -> Record {
        Record {
            replication: r,
            values: values.to_vec(),
            bottleneck: String::new(),
            longest_wait: String::new(),
            saturation: None,
        }
    }

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|k| (*k).to_string()).collect()
    }

    #[test]
    fn records_with_other_keys_are_matched_by_key() {
        let mut v = VariantResult {
            name: "v".into(),
            keys: Vec::new(),
            records: Vec::new(),
            capacity: None,
            years_capacity: Vec::new(),
            trace: None,
        };
        v.push_record(keys(&["a", "b"]), record(0, &[1.0, 2.0]));
        // Another order, a key missing and one new.
        v.push_record(keys(&["c", "a"]), record(1, &[30.0, 10.0]));
        v.push_record(keys(&["a", "b"]), record(2, &[100.0, 200.0]));
        assert_eq!(v.keys, keys(&["a", "b", "c"]));
        assert_eq!(v.values("a"), Some(vec![1.0, 10.0, 100.0]));
        let b = v.values("b").unwrap();
        assert!(b[0] == 2.0 && b[1].is_nan() && b[2] == 200.0, "{b:?}");
        let c = v.values("c").unwrap();
        assert!(c[0].is_nan() && c[1] == 30.0 && c[2].is_nan(), "{c:?}");
    }
}
