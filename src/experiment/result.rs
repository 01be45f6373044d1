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
        let completed = key
            .strip_prefix("year.")
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(year, _)| self.keys.iter().position(|k| *k == format!("year.{year}.system.completed")));
        Some(
            self.records
                .iter()
                .filter(|r| match completed {
                    Some(c) => r.values[c] == 1.0,
                    None => r.saturation.is_none(),
                })
                .map(|r| r.values[i])
                .collect(),
        )
    }

    /// Summary of KPI `key` over stable replications (`None` for an unknown key or
    /// when every replication saturated; see [`VariantResult::kpi`] for an error that
    /// says which).
    pub fn summary(&self, key: &str) -> Option<Summary> {
        Summary::of(&self.values(key)?)
    }

    /// Summary of KPI `key` over stable replications.
    ///
    /// # Errors
    /// [`KpiError::Unknown`] naming the nearest keys, or [`KpiError::NoData`] when no
    /// stable replication measured it.
    pub fn kpi(&self, key: &str) -> Result<Summary, KpiError> {
        let values = self.values(key).ok_or_else(|| KpiError::unknown(key, &self.keys))?;
        Summary::of(&values).ok_or_else(|| KpiError::NoData { key: key.to_string(), variant: self.name.clone() })
    }

    /// Summaries of every KPI, in key order.
    pub fn summaries(&self) -> Vec<(String, Summary)> {
        self.keys.iter().filter_map(|k| self.summary(k).map(|s| (k.clone(), s))).collect()
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
        self.records.iter().filter_map(|r| r.saturation.as_ref().map(|s| (r.replication, s))).collect()
    }
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
