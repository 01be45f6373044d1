//! `sensitivity`: which uncertain inputs move each KPI most (Morris or Sobol').

use crate::flags::{Sampling, SlurmArray, whole};
use crate::output::{Failure, Outcome, load, publish, run_failure};
use corridor::experiment::cluster::Cluster;
use corridor::experiment::sensitivity::{self as analysis, SensitivityError};
use corridor::experiment::{Experiment, Shard, default_variants};
use corridor::report::publish::Destinations;
use corridor::report::terminal::note;
use corridor::scenario::limits::MAX_REPLICATIONS;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct SensitivityArgs {
    /// Scenario file (TOML) with [uncertain.<id>] tables.
    pub(crate) file: PathBuf,
    /// A KPI to explain (repeatable), e.g. 'port.baku.ship_wait_hours.p95', 'system.backlog_growth_tonnes_per_day', or 'capacity.factor' (the capacity search's sustainable demand factor, searched again in each input scenario).
    #[arg(long = "kpi", required = true)]
    pub(crate) kpis: Vec<String>,
    /// With --kpi capacity.factor: scale the demand of flows and arrivals with this tag (repeatable). Default: all of them.
    #[arg(long = "tags", value_delimiter = ',')]
    pub(crate) tags: Vec<String>,
    /// With --kpi capacity.factor: a condition on a KPI's mean the search keeps besides stability, e.g. 'port.baku.ship_wait_hours.p95 <= 24' (repeatable).
    #[arg(long = "criterion")]
    pub(crate) criteria: Vec<String>,
    /// With --kpi capacity.factor: the largest demand factor tried (default 3).
    #[arg(long)]
    pub(crate) max_factor: Option<f64>,
    /// With --kpi capacity.factor: stop when the factor is known to within this (default 0.01).
    #[arg(long)]
    pub(crate) resolution: Option<f64>,
    /// The variant screened (`base` is the unmodified scenario). Default: the first declared variant.
    #[arg(long)]
    pub(crate) variant: Option<String>,
    /// Method: Morris elementary effects (screening many inputs cheaply), or Sobol' first-order and total indices (for the few that matter).
    #[arg(long, value_enum, default_value_t = Method::Morris)]
    pub(crate) method: Method,
    /// Morris trajectories, each (inputs + 1) input scenarios (default 10); or Sobol' base samples N, N × (inputs + 2) input scenarios (default 64).
    #[arg(long, value_parser = whole::<2, 100_000>)]
    pub(crate) samples: Option<u64>,
    /// Replications of each input scenario (default: the scenario's `replications`).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    pub(crate) replications: Option<u64>,
    #[command(flatten)]
    pub(crate) sampling: Sampling,
    /// Write sensitivity.json, sensitivity.csv and sensitivity.txt to this folder, replacing it as a whole.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output.
    #[arg(long)]
    pub(crate) json: Option<String>,
    /// Run only shard K of N (K from 0): the input scenarios i with i % N == K; writes DIR/sensitivity_shard.json (needs --out). `corridor merge` combines the shards into what one machine writes.
    #[arg(long, value_name = "K/N", value_parser = |s: &str| Shard::parse(s).map_err(|e| e.to_string()))]
    pub(crate) shard: Option<Shard>,
    #[command(flatten)]
    pub(crate) slurm: SlurmArray,
}

/// A sensitivity method.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Method {
    /// Morris elementary effects (μ*, μ, σ): screening many inputs cheaply.
    Morris,
    /// Sobol' first-order and total indices with bootstrap intervals (Saltelli 2010, Jansen 1999).
    Sobol,
}

pub(crate) fn sensitivity(args: &SensitivityArgs, cluster: &Cluster) -> Outcome {
    let scenario = load(&args.file)?;
    let variant = args.variant.clone().unwrap_or_else(|| default_variants(&scenario).remove(0));
    scenario.check_variant_name(&variant).map_err(|e| Failure::Usage(format!("--variant: {e}")))?;
    let to = Destinations { out: args.out.clone(), json: args.json.clone(), ..Destinations::default() };
    to.check().map_err(|e| Failure::Usage(e.to_string()))?;
    let kpis = kpis_with_search(args)?;
    let mut exp = Experiment::for_scenario(&scenario);
    args.sampling.apply(&mut exp);
    let replications = args.replications.unwrap_or(exp.replications);
    let started = std::time::Instant::now();
    let report = |done: usize, total: usize| {
        if done.is_multiple_of(10) || done == total {
            note(&format!("sensitivity: {done}/{total} input scenarios"));
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(exp.threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Run(format!("cannot start the worker threads: {e}")))?;
    let failure = |e: SensitivityError| match e {
        SensitivityError::Kpi(_) | SensitivityError::Settings(_) => Failure::Usage(e.to_string()),
        e => Failure::Run(e.to_string()),
    };
    let method = match args.method {
        Method::Morris => analysis::Method::Morris { trajectories: args.samples.unwrap_or(10) as usize },
        Method::Sobol => analysis::Method::Sobol { samples: args.samples.unwrap_or(64) as usize },
    };
    let shard = args.slurm.shard(args.shard)?;
    // One shard of the input scenarios, as a rank under mpirun or as `--shard K/N`.
    let settings = (method, replications, exp.seed);
    let run_part = |part, tell: Option<&(dyn Fn(usize, usize) + Sync)>| {
        pool.install(|| analysis::run_shard(&scenario, &variant, &kpis, settings, part, tell)).map_err(failure)
    };
    if let Some(rank) = cluster.shard() {
        if shard.is_some() {
            return Err(Failure::Usage(
                "--shard cannot be combined with mpirun: the ranks already share the input scenarios".into(),
            ));
        }
        // Under mpirun: each rank runs its shard, rank 0 merges them as `corridor
        // merge` would and writes what one machine writes.
        let tell: Option<&(dyn Fn(usize, usize) + Sync)> = if cluster.is_root() { Some(&report) } else { None };
        let part = run_part(rank, tell)?;
        let Some(parts) = cluster.gather(&part).map_err(Failure::Run)? else { return Ok(()) };
        let (screening, merged_scenario) = analysis::merge_shards(&parts).map_err(run_failure)?;
        note(&format!("sensitivity over {} ranks: {:.1} s", parts.len(), started.elapsed().as_secs_f64()));
        let published = to.publish_sensitivity(&merged_scenario, &screening).map_err(run_failure)?;
        return publish(published, &to, || corridor::report::sensitivity::text(&screening));
    }
    if let Some(shard) = shard {
        let Some(dir) = &args.out else {
            return Err(Failure::Usage(
                "--shard needs --out DIR (the shard is written to DIR/sensitivity_shard.json)".into(),
            ));
        };
        let part = run_part(shard, Some(&report))?;
        corridor::report::publish::write_sensitivity_shard(dir, &part).map_err(run_failure)?;
        note(&format!(
            "sensitivity shard {}/{}: {} of {} input scenarios written to {} ({:.1} s)",
            shard.index,
            shard.count,
            part.points.len(),
            part.identity.points,
            dir.display(),
            started.elapsed().as_secs_f64()
        ));
        return Ok(());
    }
    let screening = pool
        .install(|| match method {
            analysis::Method::Morris { trajectories } => {
                let settings = analysis::MorrisSettings { trajectories, replications, seed: exp.seed };
                analysis::morris(&scenario, &variant, &kpis, &settings, Some(&report))
            }
            analysis::Method::Sobol { samples } => {
                let settings = analysis::SobolSettings { samples, replications, seed: exp.seed };
                analysis::sobol(&scenario, &variant, &kpis, &settings, Some(&report))
            }
        })
        .map_err(failure)?;
    note(&format!("sensitivity: {:.1} s", started.elapsed().as_secs_f64()));
    let published = to.publish_sensitivity(&scenario, &screening).map_err(run_failure)?;
    publish(published, &to, || corridor::report::sensitivity::text(&screening))
}

/// The KPIs asked for, with `capacity.factor` carrying the search that `--tags`,
/// `--criterion`, `--max-factor` and `--resolution` describe (its key then names the
/// search, so the files and shards say which one it was).
fn kpis_with_search(args: &SensitivityArgs) -> Result<Vec<String>, Failure> {
    let asked =
        !args.tags.is_empty() || !args.criteria.is_empty() || args.max_factor.is_some() || args.resolution.is_some();
    if !asked {
        return Ok(args.kpis.clone());
    }
    if !args.kpis.iter().any(|k| k == analysis::CAPACITY_FACTOR) {
        return Err(Failure::Usage(format!(
            "--tags, --criterion, --max-factor and --resolution set the search of --kpi {}; add it, or leave them out",
            analysis::CAPACITY_FACTOR
        )));
    }
    let criteria = crate::flags::criteria(&args.criteria)?;
    let mut search = corridor::experiment::capacity::CapacitySearch::new(args.tags.clone(), criteria);
    search.max_factor = args.max_factor.unwrap_or(search.max_factor);
    search.resolution = args.resolution.unwrap_or(search.resolution);
    search.check().map_err(|e| Failure::Usage(e.to_string()))?;
    let key = analysis::capacity_factor_key(&search);
    Ok(args.kpis.iter().map(|k| if k == analysis::CAPACITY_FACTOR { key.clone() } else { k.clone() }).collect())
}
