//! Shards of `corridor capacity --uncertain N --shard K/N'`: each runs the capacity
//! search in the input scenarios `i mod N' = K`, shard 0 also the nominal search,
//! and `corridor merge` gives exactly the [`UncertainCapacity`] one machine gives.

use super::{
    ScenarioCapacity, UncertainCapacity, UncertainError, UncertainRunSettings, assemble_capacity, capacity_points,
    design_of,
};
use crate::experiment::capacity::{CapacityAnswer, CapacitySearch};
use crate::experiment::{Experiment, Shard};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// File format tag of capacity shards.
pub const FORMAT: &str = "corridor-capacity-shard-1";

/// What makes capacity shards parts of one search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityIdentity {
    /// BLAKE3 hash of the scenario text, hex.
    pub scenario_hash: String,
    /// The variants searched, in order.
    pub variants: Vec<String>,
    /// How the search runs.
    pub search: CapacitySearch,
    /// Replications at each factor.
    pub replications: u64,
    /// Seed of the replications and of the design.
    pub seed: u64,
    /// Input scenarios in the whole design.
    pub scenarios: usize,
    /// Number of shards.
    pub shard_count: u64,
}

/// One shard of a capacity search across input scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityShard {
    /// Always [`FORMAT`].
    pub format: String,
    /// The search this shard belongs to.
    pub identity: CapacityIdentity,
    /// This shard's index.
    pub shard_index: u64,
    /// The scenario text, so the merge needs no file.
    pub scenario_text: String,
    /// The nominal answers (shard 0 only).
    pub nominal: Option<Vec<CapacityAnswer>>,
    /// Per input scenario this shard ran, in order: its index and each variant's answer.
    pub points: Vec<(usize, Vec<ScenarioCapacity>)>,
    /// BLAKE3 digest (hex) of everything above.
    #[serde(default)]
    pub digest: String,
}

/// The fields the digest covers (all but the digest itself).
#[derive(Serialize)]
struct Content<'a> {
    format: &'a str,
    identity: &'a CapacityIdentity,
    shard_index: u64,
    scenario_text: &'a str,
    nominal: &'a Option<Vec<CapacityAnswer>>,
    points: &'a [(usize, Vec<ScenarioCapacity>)],
}

impl CapacityShard {
    /// BLAKE3 (hex) of the shard's JSON without its digest.
    pub fn content_digest(&self) -> String {
        let content = Content {
            format: &self.format,
            identity: &self.identity,
            shard_index: self.shard_index,
            scenario_text: &self.scenario_text,
            nominal: &self.nominal,
            points: &self.points,
        };
        blake3::hash(&serde_json::to_vec(&content).unwrap_or_default()).to_hex().to_string()
    }
}

impl crate::experiment::shard::SealedPart for CapacityShard {
    const KIND: &'static str = "a capacity shard";
    const FORMAT: &'static str = FORMAT;
    fn format(&self) -> &str {
        &self.format
    }
    fn digest(&self) -> &str {
        &self.digest
    }
    fn content_digest(&self) -> String {
        CapacityShard::content_digest(self)
    }
}

/// Runs shard `shard` of a capacity search of `variants` across the input scenarios
/// of `settings`: its input scenarios, and with `nominal` (shard 0's), the answers of
/// the search as written.
///
/// # Errors
/// As [`super::capacity_across_inputs`].
pub fn run_shard(
    scenario: &Scenario,
    variants: &[String],
    nominal: Option<Vec<CapacityAnswer>>,
    (search, experiment): (&CapacitySearch, &Experiment),
    settings: &UncertainRunSettings,
    shard: Shard,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<CapacityShard, UncertainError> {
    let (factors, design) = design_of(scenario, settings)?;
    let owned: Vec<usize> = (0..design.len()).filter(|&i| shard.owns(i as u64)).collect();
    let points = capacity_points(scenario, variants, search, experiment, (&factors, &design), &owned, progress)?;
    let mut part = CapacityShard {
        format: FORMAT.to_string(),
        identity: CapacityIdentity {
            scenario_hash: crate::experiment::shard::scenario_hash(scenario.text()),
            variants: variants.to_vec(),
            search: search.clone(),
            replications: experiment.replications,
            seed: settings.seed,
            scenarios: design.len(),
            shard_count: shard.count,
        },
        shard_index: shard.index,
        scenario_text: scenario.text().to_string(),
        nominal,
        points,
        digest: String::new(),
    };
    part.digest = part.content_digest();
    Ok(part)
}

/// A merged capacity search across input scenarios: what one machine gives.
#[derive(Debug, Clone)]
pub struct MergedCapacity {
    /// The scenario the shards ran.
    pub scenario: Scenario,
    /// How the search ran.
    pub search: CapacitySearch,
    /// The nominal answers.
    pub answers: Vec<CapacityAnswer>,
    /// The spread across the input scenarios.
    pub across: UncertainCapacity,
    /// Seed of the replications and of the design.
    pub seed: u64,
}

/// Merges the shards of one capacity search (with the names of the files they came
/// from): every shard checked (digest, format, the same search, each input scenario
/// exactly once and of the right shape, one nominal answer per variant, from shard 0),
/// then the spread worked out as one machine would.
///
/// # Errors
/// The first defect found, naming its file.
pub fn merge(parts: &[(String, CapacityShard)]) -> Result<MergedCapacity, String> {
    let ((first_file, first), _) = parts.split_first().ok_or("no capacity shards given")?;
    let defect = |file: &str, what: String| format!("{file}: {what}");
    crate::experiment::shard::check_sealed(parts).map_err(|(file, d)| defect(&file, d))?;
    let id = &first.identity;
    let scenario = Scenario::from_str(&first.scenario_text, "the shards' scenario")
        .map_err(|e| defect(first_file, format!("its scenario does not load: {e}")))?;
    if crate::experiment::shard::scenario_hash(scenario.text()) != id.scenario_hash {
        return Err(defect(first_file, "its scenario text does not match its hash".into()));
    }
    if Shard::new(0, id.shard_count).is_err() {
        return Err(defect(first_file, format!("{} shards is out of range", id.shard_count)));
    }
    // The design comes from the scenario, so nothing is sized by what a file claims.
    let settings = UncertainRunSettings { scenarios: id.scenarios, seed: id.seed };
    let (factors, design) = design_of(&scenario, &settings).map_err(|e| defect(first_file, e.to_string()))?;
    let mut points: Vec<Option<(usize, Vec<ScenarioCapacity>)>> = vec![None; design.len()];
    let mut seen = vec![false; id.shard_count as usize];
    let mut nominal = None;
    for (file, part) in parts {
        if part.identity != *id || part.scenario_text != first.scenario_text {
            return Err(defect(file, format!("it belongs to another search than {first_file}")));
        }
        if part.shard_index >= id.shard_count || seen[part.shard_index as usize] {
            return Err(defect(
                file,
                format!("shard {}/{} is given twice or out of range", part.shard_index, id.shard_count),
            ));
        }
        seen[part.shard_index as usize] = true;
        match (&part.nominal, part.shard_index) {
            (Some(answers), 0)
                if answers.len() == id.variants.len()
                    && answers.iter().zip(&id.variants).all(|(a, v)| a.variant == *v) =>
            {
                nominal = Some(answers.clone());
            }
            (None, k) if k > 0 => {}
            _ => return Err(defect(file, "its nominal answers are missing, misplaced or of other variants".into())),
        }
        for (index, answers) in &part.points {
            let fits = *index < design.len()
                && *index as u64 % id.shard_count == part.shard_index
                && answers.len() == id.variants.len();
            if !fits || points[*index].is_some() {
                return Err(defect(
                    file,
                    format!("input scenario {index} does not belong to this shard or has the wrong shape"),
                ));
            }
            points[*index] = Some((*index, answers.clone()));
        }
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, s)| !**s).map(|(k, _)| format!("{k}/{}", id.shard_count)).collect();
    if !missing.is_empty() {
        return Err(format!("shards missing: {}; run them and merge again", missing.join(", ")));
    }
    let answers = nominal.ok_or("no shard holds the nominal answers (shard 0 does)")?;
    let points: Vec<(usize, Vec<ScenarioCapacity>)> = points.into_iter().flatten().collect();
    if points.len() != design.len() {
        return Err("input scenarios missing from the shards: run the missing shards and merge again".into());
    }
    let across = assemble_capacity(&answers, id.seed, factors, design, &points);
    Ok(MergedCapacity { scenario, search: id.search.clone(), answers, across, seed: id.seed })
}
