//! Shard results and their merge: run parts of an experiment anywhere (Slurm job
//! arrays, separate machines), then combine them into exactly the result one run
//! would have produced.

use super::{ExperimentResult, Shard, VariantResult};
use crate::engine::fnv1a64;
use serde::{Deserialize, Serialize};

/// File format tag of shard results.
pub const FORMAT: &str = "corridor-shard-1";

/// What makes shards parts of the same experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunIdentity {
    /// Scenario display name.
    pub scenario: String,
    /// FNV-1a hash of the scenario text, hex.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Variants, in order.
    pub variants: Vec<String>,
    /// Replications of the whole experiment.
    pub replications: u64,
    /// Number of shards.
    pub shard_count: u64,
}

/// One shard's results: its identity, its index and per-replication records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardResult {
    /// Always [`FORMAT`].
    pub format: String,
    /// The experiment this shard belongs to.
    pub identity: RunIdentity,
    /// This shard's index.
    pub shard_index: u64,
    /// Replication indices this shard ran.
    pub replications: Vec<u64>,
    /// The scenario text, so a merge can redraw charts without the file.
    pub scenario_text: String,
    /// Threads used by this shard.
    pub threads: usize,
    /// Wall-clock seconds of this shard.
    pub wall_seconds: f64,
    /// Per variant, this shard's records.
    pub variants: Vec<VariantResult>,
}

/// Hash of a scenario's text, as stored in shard identities.
pub fn scenario_hash(text: &str) -> String {
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

impl ShardResult {
    /// Wraps the result of a sharded run.
    pub fn new(result: &ExperimentResult, scenario_text: &str, shard: Shard, replications: u64) -> ShardResult {
        ShardResult {
            format: FORMAT.to_string(),
            identity: RunIdentity {
                scenario: result.scenario.clone(),
                scenario_hash: scenario_hash(scenario_text),
                seed: result.seed,
                variants: result.variants.iter().map(|v| v.name.clone()).collect(),
                replications,
                shard_count: shard.count,
            },
            shard_index: shard.index,
            replications: (0..replications).filter(|&r| shard.owns(r)).collect(),
            scenario_text: scenario_text.to_string(),
            threads: result.threads,
            wall_seconds: result.wall_seconds,
            variants: result.variants.clone(),
        }
    }
}

/// Why shards cannot be merged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no shard results given")]
    Empty,
    /// A file is not a shard result of this format.
    #[error("{0}: not a corridor shard result (format {1:?}, expected {FORMAT:?})")]
    Format(String, String),
    /// Shards of different experiments.
    #[error("{file} belongs to a different run: {what} is {theirs}, but {first} has {ours}")]
    Mismatch {
        /// The odd file.
        file: String,
        /// The first file.
        first: String,
        /// What differs.
        what: String,
        /// Its value there.
        theirs: String,
        /// The value in the first file.
        ours: String,
    },
    /// The same shard twice.
    #[error("shard {index}/{count} is given twice ({a} and {b})")]
    Duplicate {
        /// Shard index.
        index: u64,
        /// Shard count.
        count: u64,
        /// One file.
        a: String,
        /// The other.
        b: String,
    },
    /// Replications missing from the union.
    #[error("replications missing: {0} (run the missing shards, then merge again)")]
    Missing(String),
}

/// Merges shard results (with the names of the files they came from) into the result
/// a single run would have given: records in replication order, every replication
/// exactly once. `threads` is the largest shard's, `wall_seconds` the sum.
pub fn merge(shards: &[(String, ShardResult)]) -> Result<(ExperimentResult, String), MergeError> {
    let ((first_name, first), rest) = shards.split_first().ok_or(MergeError::Empty)?;
    for (name, s) in shards {
        if s.format != FORMAT {
            return Err(MergeError::Format(name.clone(), s.format.clone()));
        }
    }
    for (name, s) in rest {
        let (a, b) = (&first.identity, &s.identity);
        let check = |what: &str, theirs: String, ours: String| {
            if theirs == ours {
                Ok(())
            } else {
                Err(MergeError::Mismatch {
                    file: name.clone(),
                    first: first_name.clone(),
                    what: what.into(),
                    theirs,
                    ours,
                })
            }
        };
        check(
            "the scenario (hash of its text)",
            b.scenario_hash.clone(),
            a.scenario_hash.clone(),
        )?;
        check("the seed", b.seed.to_string(), a.seed.to_string())?;
        check("the variants", b.variants.join(","), a.variants.join(","))?;
        check(
            "the number of replications",
            b.replications.to_string(),
            a.replications.to_string(),
        )?;
        check(
            "the number of shards",
            b.shard_count.to_string(),
            a.shard_count.to_string(),
        )?;
    }
    let mut seen: Vec<Option<&String>> = vec![None; first.identity.shard_count as usize];
    for (name, s) in shards {
        let slot = seen
            .get_mut(s.shard_index as usize)
            .ok_or_else(|| MergeError::Mismatch {
                file: name.clone(),
                first: first_name.clone(),
                what: "the shard index".into(),
                theirs: s.shard_index.to_string(),
                ours: format!("below {}", first.identity.shard_count),
            })?;
        if let Some(other) = slot {
            return Err(MergeError::Duplicate {
                index: s.shard_index,
                count: first.identity.shard_count,
                a: (*other).clone(),
                b: name.clone(),
            });
        }
        *slot = Some(name);
    }
    let mut variants: Vec<VariantResult> = first
        .variants
        .iter()
        .map(|v| VariantResult {
            name: v.name.clone(),
            keys: v.keys.clone(),
            records: Vec::new(),
        })
        .collect();
    for (_, s) in shards {
        for (merged, part) in variants.iter_mut().zip(&s.variants) {
            merged.records.extend(part.records.iter().cloned());
        }
    }
    for v in &mut variants {
        v.records.sort_by_key(|r| r.replication);
    }
    let have: Vec<u64> = variants
        .first()
        .map(|v| v.records.iter().map(|r| r.replication).collect())
        .unwrap_or_default();
    let missing: Vec<String> = (0..first.identity.replications)
        .filter(|r| have.binary_search(r).is_err())
        .map(|r| r.to_string())
        .collect();
    if !missing.is_empty() {
        let shown = missing.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
        let more = if missing.len() > 20 {
            format!(" and {} more", missing.len() - 20)
        } else {
            String::new()
        };
        return Err(MergeError::Missing(format!("{shown}{more}")));
    }
    let result = ExperimentResult {
        scenario: first.identity.scenario.clone(),
        seed: first.identity.seed,
        replications: first.identity.replications,
        threads: shards.iter().map(|(_, s)| s.threads).max().unwrap_or(1),
        wall_seconds: shards.iter().map(|(_, s)| s.wall_seconds).sum(),
        variants,
        interrupted: false,
    };
    Ok((result, first.scenario_text.clone()))
}
