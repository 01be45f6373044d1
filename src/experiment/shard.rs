//! Shards and their merge: run parts of an experiment anywhere (Slurm job arrays,
//! separate machines), then combine them into exactly the result one run would have
//! produced.
//!
//! **Integrity.** Each shard carries a BLAKE3 digest of its content, and `merge`
//! checks every shard's shape before trusting it: the digest, the format, the run's
//! identity, every count against the declared run, each variant holding exactly the
//! shard's replications once, each record holding one value per KPI key, and the keys
//! being those the scenario produces. This protects against corruption, truncation,
//! mixing runs and hand edits; it is not a signature and does not stop someone who
//! recomputes the digest on purpose.

use super::{ExperimentResult, Shard, VariantResult};
use crate::model::{Network, kpi_keys};
use crate::scenario::Scenario;
use crate::scenario::limits::MAX_REPLICATIONS;
use serde::{Deserialize, Serialize};

/// File format tag of shard results.
pub const FORMAT: &str = "corridor-shard-3";

/// A shard file of an analysis across input scenarios (sensitivity, `run
/// --uncertain`, `capacity --uncertain`): its format tag and its digest.
pub(crate) trait SealedPart {
    /// What the file is, in an error: "a capacity shard".
    const KIND: &'static str;
    /// The format tag of this version.
    const FORMAT: &'static str;
    /// The format tag the file carries.
    fn format(&self) -> &str;
    /// The digest the file carries.
    fn digest(&self) -> &str;
    /// The digest of the file's content.
    fn content_digest(&self) -> String;
}

/// Checks every part's format and digest before anything else is read of them.
///
/// # Errors
/// The first defect: the part's file, and what is wrong.
pub(crate) fn check_sealed<T: SealedPart>(parts: &[(String, T)]) -> Result<(), (String, String)> {
    for (file, part) in parts {
        if part.format() != T::FORMAT {
            return Err((file.clone(), format!("not {} of this version (format {:?})", T::KIND, part.format())));
        }
        if part.digest() != part.content_digest() {
            return Err((
                file.clone(),
                "its digest does not match its content: the file was changed or damaged".into(),
            ));
        }
    }
    Ok(())
}

/// What makes shards parts of the same experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunIdentity {
    /// Scenario display name.
    pub scenario: String,
    /// BLAKE3 hash of the scenario text, hex.
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
    /// BLAKE3 digest (hex) of everything above; see [`ShardResult::content_digest`].
    #[serde(default)]
    pub digest: String,
}

/// The fields the digest covers (all but the digest itself).
#[derive(Serialize)]
struct Content<'a> {
    format: &'a str,
    identity: &'a RunIdentity,
    shard_index: u64,
    replications: &'a [u64],
    scenario_text: &'a str,
    threads: usize,
    wall_seconds: f64,
    variants: &'a [VariantResult],
}

/// Hash of a scenario's text, as stored in shard identities.
pub fn scenario_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

impl ShardResult {
    /// Wraps the result of a sharded run, with its digest.
    pub fn new(result: &ExperimentResult, scenario_text: &str, shard: Shard, replications: u64) -> ShardResult {
        let mut s = ShardResult {
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
            digest: String::new(),
        };
        s.digest = s.content_digest();
        s
    }

    /// BLAKE3 (hex) of the shard's canonical JSON without the digest field. JSON
    /// numbers round-trip exactly, so a shard read back gives the same digest.
    pub fn content_digest(&self) -> String {
        let content = Content {
            format: &self.format,
            identity: &self.identity,
            shard_index: self.shard_index,
            replications: &self.replications,
            scenario_text: &self.scenario_text,
            threads: self.threads,
            wall_seconds: self.wall_seconds,
            variants: &self.variants,
        };
        let bytes = serde_json::to_vec(&content).unwrap_or_default();
        blake3::hash(&bytes).to_hex().to_string()
    }

    /// Checks the shard on its own: digest, format, counts within the declared run,
    /// each variant holding exactly this shard's replications once, and one value per
    /// KPI key in every record.
    ///
    /// # Errors
    /// The first defect found, in words.
    pub fn verify(&self) -> Result<(), String> {
        if self.format != FORMAT {
            return Err(format!(
                "it is not a corridor shard of this version (format {:?}, expected {FORMAT:?})",
                self.format
            ));
        }
        if self.digest != self.content_digest() {
            return Err(
                "its digest does not match its content: the file was changed or damaged after it was written".into()
            );
        }
        let id = &self.identity;
        if scenario_hash(&self.scenario_text) != id.scenario_hash {
            return Err("its scenario text does not match the scenario hash of its run".into());
        }
        if id.replications < 2 || id.replications > MAX_REPLICATIONS {
            return Err(format!("it declares {} replications (valid: 2 to {MAX_REPLICATIONS})", id.replications));
        }
        if id.shard_count == 0 || id.shard_count > id.replications {
            return Err(format!(
                "it declares {} shards for {} replications (valid: 1 to {})",
                id.shard_count, id.replications, id.replications
            ));
        }
        if self.shard_index >= id.shard_count {
            return Err(format!("its index {} is not below its shard count {}", self.shard_index, id.shard_count));
        }
        let shard = Shard { index: self.shard_index, count: id.shard_count };
        let expected = (id.replications - 1 - self.shard_index) / id.shard_count + 1;
        let owned = self.replications.len() as u64 == expected
            && self.replications.iter().enumerate().all(|(i, &r)| r == self.shard_index + i as u64 * id.shard_count);
        if !owned {
            return Err(format!(
                "its list of replications is not the {expected} that shard {}/{} runs",
                shard.index, shard.count
            ));
        }
        let names: Vec<&str> = self.variants.iter().map(|v| v.name.as_str()).collect();
        if names != id.variants.iter().map(String::as_str).collect::<Vec<_>>() {
            return Err(format!(
                "it holds variants [{}] but its run has [{}]",
                names.join(", "),
                id.variants.join(", ")
            ));
        }
        for v in &self.variants {
            if v.records.len() != self.replications.len() {
                return Err(format!(
                    "variant {:?} holds {} records for {} replications",
                    v.name,
                    v.records.len(),
                    self.replications.len()
                ));
            }
            for (record, &r) in v.records.iter().zip(&self.replications) {
                if record.replication != r {
                    return Err(format!(
                        "variant {:?} holds replication {} where replication {r} belongs (duplicated, missing or out of order)",
                        v.name, record.replication
                    ));
                }
                if record.values.len() != v.keys.len() {
                    return Err(format!(
                        "variant {:?}, replication {r}: {} values for {} KPI keys",
                        v.name,
                        record.values.len(),
                        v.keys.len()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Why shards cannot be merged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no shard results given")]
    Empty,
    /// A shard fails its own checks.
    #[error("{file}: {defect}")]
    Corrupt {
        /// The file.
        file: String,
        /// What is wrong with it.
        defect: String,
    },
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
    /// Shards missing from the set.
    #[error("shards missing: {0} (run them, then merge again)")]
    Missing(String),
}

/// Reads shard results from folders (their `shard.json`) or files.
///
/// # Errors
/// A file that cannot be read or is not a shard result, naming it.
pub fn read_shards(paths: &[std::path::PathBuf]) -> Result<Vec<(String, ShardResult)>, MergeError> {
    let mut parts = Vec::new();
    for path in paths {
        let file = if path.is_dir() { path.join("shard.json") } else { path.clone() };
        let name = file.display().to_string();
        let text = std::fs::read(&file)
            .map_err(|e| MergeError::Corrupt { file: name.clone(), defect: format!("cannot be read: {e}") })?;
        let part: ShardResult = serde_json::from_slice(&text)
            .map_err(|e| MergeError::Corrupt { file: name.clone(), defect: format!("not a corridor shard: {e}") })?;
        parts.push((name, part));
    }
    Ok(parts)
}

/// Reads and merges shard files, checking every shard's KPI keys against those its
/// scenario produces; returns the merged result and the scenario.
///
/// # Errors
/// As [`read_shards`] and [`merge`], or a scenario in the shards that does not load.
pub fn merge_files(paths: &[std::path::PathBuf]) -> Result<(ExperimentResult, Scenario), MergeError> {
    let parts = read_shards(paths)?;
    let (file, first) = parts.first().ok_or(MergeError::Empty)?;
    let scenario = Scenario::from_str(&first.scenario_text, "the shards' scenario")
        .map_err(|e| MergeError::Corrupt { file: file.clone(), defect: format!("its scenario does not load: {e}") })?;
    let keys: Vec<Vec<String>> = first
        .identity
        .variants
        .iter()
        .map(|v| {
            scenario.variant(v).ok().and_then(|s| Network::compile(&s).ok()).map(|n| kpi_keys(&n)).unwrap_or_default()
        })
        .collect();
    let (mut result, _) = merge(&parts, Some(&keys))?;
    // The capacity sheets come from the scenario itself, not from what the shards say.
    for v in &mut result.variants {
        let network = scenario.variant(&v.name).ok().and_then(|s| Network::compile(&s).ok());
        v.capacity = network.as_ref().map(Network::capacity_sheet);
        v.years_capacity = network.as_ref().map(super::years::capacity_by_year).unwrap_or_default();
    }
    result.focus = crate::experiment::Focus::of(&scenario);
    Ok((result, scenario))
}

/// Merges shard results (with the names of the files they came from) into the result
/// a single run would have given: records in replication order, every replication
/// exactly once. `threads` is the largest shard's, `wall_seconds` the sum. Every shard
/// is verified first ([`ShardResult::verify`]), and all must agree on the run and on
/// the KPI keys of every variant. `expected_keys`, when given, are the keys the
/// scenario produces per variant: a shard whose keys differ (reordered, renamed) is
/// refused.
///
/// # Errors
/// The first defect found, naming the file.
pub fn merge(
    shards: &[(String, ShardResult)],
    expected_keys: Option<&[Vec<String>]>,
) -> Result<(ExperimentResult, String), MergeError> {
    let ((first_name, first), rest) = shards.split_first().ok_or(MergeError::Empty)?;
    for (name, s) in shards {
        s.verify().map_err(|defect| MergeError::Corrupt { file: name.clone(), defect })?;
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
        check("the scenario (hash of its text)", b.scenario_hash.clone(), a.scenario_hash.clone())?;
        check("the seed", b.seed.to_string(), a.seed.to_string())?;
        check("the variants", b.variants.join(","), a.variants.join(","))?;
        check("the number of replications", b.replications.to_string(), a.replications.to_string())?;
        check("the number of shards", b.shard_count.to_string(), a.shard_count.to_string())?;
    }
    for (name, s) in shards {
        for (v, (part, reference)) in s.variants.iter().zip(&first.variants).enumerate() {
            let expected = expected_keys.and_then(|k| k.get(v)).unwrap_or(&reference.keys);
            if part.keys != *expected {
                return Err(MergeError::Corrupt {
                    file: name.clone(),
                    defect: format!(
                        "the KPI keys of variant {:?} are not those of its scenario (reordered, renamed or missing)",
                        part.name
                    ),
                });
            }
        }
    }
    let count = first.identity.shard_count;
    let mut seen: Vec<Option<&String>> = vec![None; count as usize];
    for (name, s) in shards {
        let slot = &mut seen[s.shard_index as usize];
        if let Some(other) = slot {
            return Err(MergeError::Duplicate { index: s.shard_index, count, a: (*other).clone(), b: name.clone() });
        }
        *slot = Some(name);
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| format!("{i}/{count}")).collect();
    if !missing.is_empty() {
        let shown = missing.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
        let more = if missing.len() > 20 { format!(" and {} more", missing.len() - 20) } else { String::new() };
        return Err(MergeError::Missing(format!("{shown}{more}")));
    }
    let mut variants: Vec<VariantResult> = first
        .variants
        .iter()
        .map(|v| VariantResult {
            name: v.name.clone(),
            keys: v.keys.clone(),
            records: Vec::with_capacity(first.identity.replications as usize),
            capacity: v.capacity.clone(),
            years_capacity: v.years_capacity.clone(),
            trace: None,
        })
        .collect();
    for (_, s) in shards {
        for (merged, part) in variants.iter_mut().zip(&s.variants) {
            merged.records.extend(part.records.iter().cloned());
            // The trace of replication 0 comes from the shard that ran it, if whole.
            if s.replications.contains(&0) {
                merged.trace = part.trace.clone().filter(crate::model::Trace::is_consistent);
            }
        }
    }
    for v in &mut variants {
        v.records.sort_by_key(|r| r.replication);
    }
    let result = ExperimentResult {
        scenario: first.identity.scenario.clone(),
        seed: first.identity.seed,
        replications: first.identity.replications,
        threads: shards.iter().map(|(_, s)| s.threads).max().unwrap_or(1),
        wall_seconds: shards.iter().map(|(_, s)| s.wall_seconds).sum(),
        variants,
        interrupted: false,
        precision: None,
        focus: Default::default(),
    };
    Ok((result, first.scenario_text.clone()))
}
