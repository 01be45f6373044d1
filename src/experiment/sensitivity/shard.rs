//! Shards of a sensitivity analysis (`corridor sensitivity --shard K/N`): each runs
//! the input scenarios i mod N = K and keeps their KPI values per replication; the
//! merge checks the shards and works out the measures one machine would.

use super::*;

/// One shard of an analysis: the input scenarios `index % shard_count ==
/// shard_index` simulated, each with its KPI values per replication. Shards of one
/// analysis, merged with [`merge_shards`], give exactly what one machine gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityShard {
    /// Always [`SHARD_FORMAT`].
    pub format: String,
    /// What makes shards parts of one analysis.
    pub identity: ShardIdentity,
    /// This shard's index.
    pub shard_index: u64,
    /// The scenario text, so the merge needs no file.
    pub scenario_text: String,
    /// Per input scenario this shard ran, in order: its index in the design and, per
    /// KPI, the values of every replication (`null` for a KPI without a value); for
    /// a capacity factor ([`CAPACITY_FACTOR`]), the searches' answers on the even and on the odd
    /// replications.
    pub points: Vec<(usize, Vec<Vec<Option<f64>>>)>,
    /// BLAKE3 digest (hex) of everything above.
    #[serde(default)]
    pub digest: String,
}

/// File format tag of sensitivity shards.
pub const SHARD_FORMAT: &str = "corridor-sensitivity-shard-1";

/// What makes sensitivity shards parts of one analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardIdentity {
    /// BLAKE3 hash of the scenario text, hex.
    pub scenario_hash: String,
    /// The variant analysed.
    pub variant: String,
    /// The KPIs, in order.
    pub kpis: Vec<String>,
    /// The method and its size.
    pub method: Method,
    /// Replications of each input scenario.
    pub replications: u64,
    /// Seed of the design and the replications.
    pub seed: u64,
    /// Input scenarios in the whole design.
    pub points: usize,
    /// Number of shards.
    pub shard_count: u64,
}

impl SensitivityShard {
    /// BLAKE3 (hex) of the shard's JSON without its digest.
    pub fn content_digest(&self) -> String {
        let mut copy = self.clone();
        copy.digest = String::new();
        blake3::hash(&serde_json::to_vec(&copy).unwrap_or_default()).to_hex().to_string()
    }
}

impl crate::experiment::shard::SealedPart for SensitivityShard {
    const KIND: &'static str = "a sensitivity shard";
    const FORMAT: &'static str = SHARD_FORMAT;
    fn format(&self) -> &str {
        &self.format
    }
    fn digest(&self) -> &str {
        &self.digest
    }
    fn content_digest(&self) -> String {
        SensitivityShard::content_digest(self)
    }
}

/// Runs shard `shard` of an analysis of `variant` by `method` (see [`morris`] and
/// [`sobol`]): only its input scenarios are simulated.
///
/// # Errors
/// As [`morris`] and [`sobol`].
pub fn run_shard(
    scenario: &Scenario,
    variant: &str,
    kpis: &[String],
    (method, replications, seed): (Method, u64, u64),
    shard: crate::experiment::Shard,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Result<SensitivityShard, SensitivityError> {
    check_method(method)?;
    let (_, factors) = prepare(scenario, variant, kpis, replications)?;
    let design = Design::of(method, factors.len(), seed);
    let points = design.points();
    let owned: Vec<(usize, &Vec<f64>)> =
        points.iter().enumerate().filter(|(i, _)| shard.owns(*i as u64)).map(|(i, x)| (i, *x)).collect();
    let values = simulate_points(scenario, variant, &factors, kpis, &owned, (replications, seed), progress)?;
    let nan_as_none = |v: &Vec<f64>| v.iter().map(|x| x.is_finite().then_some(*x)).collect::<Vec<_>>();
    let mut part = SensitivityShard {
        format: SHARD_FORMAT.to_string(),
        identity: ShardIdentity {
            scenario_hash: crate::experiment::shard::scenario_hash(scenario.text()),
            variant: variant.to_string(),
            kpis: kpis.to_vec(),
            method,
            replications,
            seed,
            points: points.len(),
            shard_count: shard.count,
        },
        shard_index: shard.index,
        scenario_text: scenario.text().to_string(),
        points: owned
            .iter()
            .zip(values)
            .map(|((i, _), per_kpi)| (*i, per_kpi.iter().map(nan_as_none).collect()))
            .collect(),
        digest: String::new(),
    };
    part.digest = part.content_digest();
    Ok(part)
}

/// How many values an input scenario holds for KPI `key`: one per replication, or
/// for a capacity factor ([`CAPACITY_FACTOR`]) the answers of the searches on the even and on the odd
/// replications.
fn values_per_point(key: &str, replications: u64) -> u64 {
    if capacity_search_of(key).is_some() { 2 } else { replications }
}

/// Why sensitivity shards cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardMergeError {
    /// No shards given.
    #[error("no shards given")]
    Empty,
    /// A shard is damaged, of another analysis, or does not fit the others.
    #[error("{file}: {defect}")]
    Defect {
        /// The file.
        file: String,
        /// What is wrong.
        defect: String,
    },
    /// Input scenarios that no shard holds.
    #[error("input scenarios missing from the shards: {0}; run the missing shards and merge again")]
    Missing(String),
    /// The analysis itself failed on the merged values.
    #[error(transparent)]
    Analysis(#[from] SensitivityError),
}

/// Merges the shards of one analysis (with the names of the files they came from)
/// into the analysis one machine would have made: every shard checked (digest,
/// format, the same analysis, each input scenario exactly once and of the right
/// shape), then Morris's measures or Sobol' indices worked out on all of them.
/// Returns the analysis and the scenario.
///
/// # Errors
/// The first defect found, naming its file.
pub fn merge_shards(parts: &[(String, SensitivityShard)]) -> Result<(Sensitivity, Scenario), ShardMergeError> {
    let ((first_file, first), _) = parts.split_first().ok_or(ShardMergeError::Empty)?;
    let defect = |file: &str, defect: String| ShardMergeError::Defect { file: file.to_string(), defect };
    crate::experiment::shard::check_sealed(parts).map_err(|(file, d)| defect(&file, d))?;
    let id = &first.identity;
    // The design comes from the scenario, so nothing is sized by what a file claims.
    let scenario = Scenario::from_str(&first.scenario_text, "the shards' scenario")
        .map_err(|e| defect(first_file, format!("its scenario does not load: {e}")))?;
    if crate::experiment::shard::scenario_hash(scenario.text()) != id.scenario_hash {
        return Err(defect(first_file, "its scenario text does not match its hash".into()));
    }
    check_method(id.method)?;
    let (spec, factors) = prepare(&scenario, &id.variant, &id.kpis, id.replications)?;
    let design = Design::of(id.method, factors.len(), id.seed);
    if design.points().len() != id.points {
        return Err(defect(first_file, "its number of input scenarios does not match its scenario's design".into()));
    }
    if crate::experiment::Shard::new(0, id.shard_count).is_err() {
        return Err(defect(first_file, format!("{} shards is out of range", id.shard_count)));
    }
    let mut values: Vec<Option<Vec<Vec<f64>>>> = vec![None; id.points];
    let mut seen = vec![false; id.shard_count as usize];
    for (file, part) in parts {
        if part.identity != *id {
            return Err(defect(file, format!("it belongs to another analysis than {first_file}")));
        }
        if part.shard_index >= id.shard_count || seen[part.shard_index as usize] {
            return Err(defect(
                file,
                format!("shard {}/{} is given twice or out of range", part.shard_index, id.shard_count),
            ));
        }
        seen[part.shard_index as usize] = true;
        for (i, per_kpi) in &part.points {
            let fits = *i < id.points
                && *i as u64 % id.shard_count == part.shard_index
                && per_kpi.len() == id.kpis.len()
                && per_kpi
                    .iter()
                    .zip(&id.kpis)
                    .all(|(v, key)| v.len() as u64 == values_per_point(key, id.replications));
            if !fits || values[*i].is_some() {
                return Err(defect(
                    file,
                    format!("input scenario {i} does not belong to this shard or has the wrong shape"),
                ));
            }
            values[*i] = Some(per_kpi.iter().map(|v| v.iter().map(|x| x.unwrap_or(f64::NAN)).collect()).collect());
        }
    }
    let missing: Vec<String> =
        values.iter().enumerate().filter(|(_, v)| v.is_none()).take(20).map(|(i, _)| i.to_string()).collect();
    if !missing.is_empty() {
        return Err(ShardMergeError::Missing(missing.join(", ")));
    }
    let values: Vec<Vec<Vec<f64>>> = values.into_iter().flatten().collect();
    let analysis = match (id.method, design) {
        (Method::Morris { trajectories }, Design::Morris(design)) => {
            let settings = MorrisSettings { trajectories, replications: id.replications, seed: id.seed };
            morris_analysis(&spec, &factors, &id.variant, &id.kpis, &settings, &design, &values)
        }
        (Method::Sobol { samples }, Design::Sobol(design)) => {
            let settings = SobolSettings { samples, replications: id.replications, seed: id.seed };
            sobol_analysis(&spec, &factors, &id.variant, &id.kpis, &settings, &design, &values)
        }
        _ => return Err(defect(first_file, "its method does not match its design".into())),
    };
    Ok((analysis, scenario))
}
