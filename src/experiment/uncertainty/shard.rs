//! Shards of `corridor run --uncertain N --shard K/N'`: besides its replications of
//! the nominal run (an ordinary [`crate::experiment::shard::ShardResult`]), each shard
//! runs the input scenarios `i mod N' = K`, every one on all the nominal run's
//! replications, and keeps what the spread across the inputs needs of each. The merge
//! checks the shards and gives exactly the [`UncertainRun`] one machine gives.

use super::{PointOutcome, UncertainError, UncertainRun, UncertainRunSettings, assemble, design_of, simulate_points};
use crate::experiment::{Experiment, ExperimentResult, Shard};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// File format tag of the input-scenario part of a shard.
pub const FORMAT: &str = "corridor-uncertain-shard-1";

/// What makes input-scenario shards parts of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UncertainIdentity {
    /// BLAKE3 hash of the scenario text, hex.
    pub scenario_hash: String,
    /// The variants, in order.
    pub variants: Vec<String>,
    /// Replications of every input scenario (the nominal run's).
    pub replications: u64,
    /// Input scenarios in the whole design.
    pub scenarios: usize,
    /// Seed of the design (and of the replications).
    pub seed: u64,
    /// Number of shards.
    pub shard_count: u64,
}

/// One shard's input scenarios: `index % shard_count == shard_index`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertainShard {
    /// Always [`FORMAT`].
    pub format: String,
    /// The run this shard belongs to.
    pub identity: UncertainIdentity,
    /// This shard's index.
    pub shard_index: u64,
    /// Its input scenarios, in order.
    pub points: Vec<PointOutcome>,
    /// BLAKE3 digest (hex) of everything above.
    #[serde(default)]
    pub digest: String,
}

/// The fields the digest covers (all but the digest itself).
#[derive(Serialize)]
struct Content<'a> {
    format: &'a str,
    identity: &'a UncertainIdentity,
    shard_index: u64,
    points: &'a [PointOutcome],
}

impl UncertainShard {
    /// BLAKE3 (hex) of the shard's JSON without its digest.
    pub fn content_digest(&self) -> String {
        let content = Content {
            format: &self.format,
            identity: &self.identity,
            shard_index: self.shard_index,
            points: &self.points,
        };
        blake3::hash(&serde_json::to_vec(&content).unwrap_or_default()).to_hex().to_string()
    }
}

impl crate::experiment::shard::SealedPart for UncertainShard {
    const KIND: &'static str = "an input-scenario shard";
    const FORMAT: &'static str = FORMAT;
    fn format(&self) -> &str {
        &self.format
    }
    fn digest(&self) -> &str {
        &self.digest
    }
    fn content_digest(&self) -> String {
        UncertainShard::content_digest(self)
    }
}

/// Runs the input scenarios of `shard` for the variants of `experiment` (whose
/// `replications` are the whole run's), as [`super::across_inputs`] would.
///
/// # Errors
/// As [`super::across_inputs`].
pub fn run_shard(
    scenario: &Scenario,
    experiment: &Experiment,
    settings: &UncertainRunSettings,
    shard: Shard,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<UncertainShard, UncertainError> {
    let (factors, design) = design_of(scenario, settings)?;
    let owned: Vec<usize> = (0..design.len()).filter(|&i| shard.owns(i as u64)).collect();
    let points = simulate_points(
        scenario,
        &experiment.variants,
        experiment,
        experiment.replications,
        (&factors, &design),
        &owned,
        progress,
    )?;
    let mut part = UncertainShard {
        format: FORMAT.to_string(),
        identity: UncertainIdentity {
            scenario_hash: crate::experiment::shard::scenario_hash(scenario.text()),
            variants: experiment.variants.clone(),
            replications: experiment.replications.max(2),
            scenarios: design.len(),
            seed: settings.seed,
            shard_count: shard.count,
        },
        shard_index: shard.index,
        points,
        digest: String::new(),
    };
    part.digest = part.content_digest();
    Ok(part)
}

/// Merges the input-scenario parts of a run's shards (with the names of their files)
/// beside the merged nominal run: every part checked (digest, format, the same run as
/// the nominal and each other, each input scenario exactly once and of the right
/// shape), then the spread worked out as one machine would.
///
/// # Errors
/// The first defect found, naming its file.
pub fn merge(
    scenario: &Scenario,
    nominal: &ExperimentResult,
    parts: &[(String, UncertainShard)],
) -> Result<UncertainRun, String> {
    let ((first_file, first), _) = parts.split_first().ok_or("no input-scenario shards given")?;
    let defect = |file: &str, what: String| format!("{file}: {what}");
    crate::experiment::shard::check_sealed(parts).map_err(|(file, d)| defect(&file, d))?;
    let id = &first.identity;
    let variants: Vec<String> = nominal.variants.iter().map(|v| v.name.clone()).collect();
    if id.scenario_hash != crate::experiment::shard::scenario_hash(scenario.text())
        || id.variants != variants
        || id.replications != nominal.replications.max(2)
    {
        return Err(defect(first_file, "it belongs to another run than the shards' nominal replications".into()));
    }
    if Shard::new(0, id.shard_count).is_err() || parts.len() as u64 != id.shard_count {
        return Err(defect(
            first_file,
            format!("{} shards declared, {} given: give every shard's folder once", id.shard_count, parts.len()),
        ));
    }
    // The design comes from the scenario, so nothing is sized by what a file claims.
    let settings = UncertainRunSettings { scenarios: id.scenarios, seed: id.seed };
    let (factors, design) = design_of(scenario, &settings).map_err(|e| defect(first_file, e.to_string()))?;
    let mut points: Vec<Option<PointOutcome>> = vec![None; design.len()];
    let mut seen = vec![false; id.shard_count as usize];
    for (file, part) in parts {
        if part.identity != *id {
            return Err(defect(file, format!("it belongs to another run than {first_file}")));
        }
        if part.shard_index >= id.shard_count || seen[part.shard_index as usize] {
            return Err(defect(
                file,
                format!("shard {}/{} is given twice or out of range", part.shard_index, id.shard_count),
            ));
        }
        seen[part.shard_index as usize] = true;
        for p in &part.points {
            let fits = p.index < design.len()
                && p.index as u64 % id.shard_count == part.shard_index
                && p.variants.len() == variants.len();
            if !fits || points[p.index].is_some() {
                return Err(defect(
                    file,
                    format!("input scenario {} does not belong to this shard or has the wrong shape", p.index),
                ));
            }
            points[p.index] = Some(p.clone());
        }
    }
    let missing: Vec<String> =
        points.iter().enumerate().filter(|(_, p)| p.is_none()).take(20).map(|(i, _)| i.to_string()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "input scenarios missing from the shards: {}; run the missing shards and merge again",
            missing.join(", ")
        ));
    }
    let points: Vec<PointOutcome> = points.into_iter().flatten().collect();
    Ok(assemble(nominal, id.seed, factors, design, &points))
}
