//! `run`, `compare`, `sweep` and `merge`: experiments on variants, sweep grids and
//! shards.

use crate::flags::{KpiFlags, Sampling, SlurmArray, whole};
use crate::output::{Failure, Outcome, from_experiment, interrupted, load, publish, run_failure};
use corridor::experiment::cluster::Cluster;
use corridor::experiment::shard::{self, ShardResult};
use corridor::experiment::sweep::run_sweep;
use corridor::experiment::uncertainty::{self, UncertainRunSettings};
use corridor::experiment::{Experiment, PrecisionTarget, Shard, default_variants};
use corridor::report::KpiSelection;
use corridor::report::publish::{self, Destinations};
use corridor::report::terminal::{interrupt_on_ctrl_c, note, progress};
use corridor::scenario::{BASE, Scenario, limits::MAX_REPLICATIONS};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML).
    pub(crate) file: PathBuf,
    /// Variant to run (repeatable; `base` is the unmodified scenario). Default: every declared variant.
    #[arg(long = "variant")]
    pub(crate) variants: Vec<String>,
    /// Replications per variant (default: the scenario's `replications`).
    #[arg(long, conflicts_with = "precision", value_parser = whole::<2, MAX_REPLICATIONS>)]
    pub(crate) replications: Option<u64>,
    /// Run until the 95 % CI half-width of KPI is within REL × mean (Stein's two-stage procedure), e.g. port.baku.ship_wait_hours.mean=0.05.
    #[arg(long, value_name = "KPI=REL")]
    pub(crate) precision: Option<String>,
    /// Most replications with --precision.
    #[arg(long, default_value_t = 1000, value_parser = whole::<2, MAX_REPLICATIONS>)]
    pub(crate) max_replications: u64,
    #[command(flatten)]
    pub(crate) sampling: Sampling,
    /// Write the run's files (JSON, CSV, charts) to this folder, replacing it as a whole.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output (then nothing else goes there).
    #[arg(long)]
    pub(crate) json: Option<String>,
    /// Print the full KPI table (every port's headline KPIs with 95 % CIs) after the decision table.
    #[arg(long)]
    pub(crate) all: bool,
    #[command(flatten)]
    pub(crate) kpis: KpiFlags,
    /// Also run every variant in N input scenarios drawn from the scenario's [uncertain.*] inputs (Latin hypercube from the seed): each headline KPI's spread across them beside its simulation CI, and the share of them in which each variant is stable.
    #[arg(long, value_name = "N", value_parser = whole::<2, 10_000>)]
    pub(crate) uncertain: Option<u64>,
    /// Run only shard K of N (K from 0): replications r with r % N == K, and with --uncertain the input scenarios i with i % N == K; writes DIR/shard.json (and DIR/uncertain_shard.json; needs --out).
    #[arg(long, value_name = "K/N", value_parser = |s: &str| Shard::parse(s).map_err(|e| e.to_string()))]
    pub(crate) shard: Option<Shard>,
    #[command(flatten)]
    pub(crate) slurm: SlurmArray,
}

/// The experiment the flags ask for; command-line mistakes are reported as usage errors.
pub(crate) fn experiment(
    scenario: &Scenario,
    args: &RunArgs,
    variants: Vec<String>,
    distributed: bool,
) -> Result<Experiment, Failure> {
    let mut exp = Experiment::for_scenario(scenario).variants(variants);
    args.sampling.apply(&mut exp);
    exp.interrupt = Some(interrupt_on_ctrl_c(distributed));
    // The report's yard and transit charts come from replication 0, traced as it runs.
    if args.out.is_some() {
        exp.trace_every = Some(corridor::report::TRACE_INTERVAL);
    }
    exp.replications = args.replications.unwrap_or(exp.replications);
    exp.shard = args.slurm.shard(args.shard)?;
    if let Some(text) = &args.precision {
        if distributed {
            return Err(Failure::Usage("--precision cannot be used under mpirun: the ranks would each need every replication; run it on one machine".into()));
        }
        exp.precision = Some(
            PrecisionTarget::parse(text, args.max_replications)
                .map_err(|e| Failure::Usage(format!("--precision: {e}")))?,
        );
        exp.replications = args.replications.unwrap_or(corridor::experiment::precision::MIN_PILOT);
    }
    exp.check_against(scenario).map_err(from_experiment)?;
    destinations(args).check().map_err(|e| Failure::Usage(e.to_string()))?;
    check_kpi_patterns(scenario, &exp.variants, &args.kpis)?;
    if exp.shard.is_some() && args.out.is_none() {
        return Err(Failure::Usage("--shard needs --out DIR (the shard is written to DIR/shard.json)".into()));
    }
    Ok(exp)
}

pub(crate) fn destinations(args: &RunArgs) -> Destinations {
    Destinations { out: args.out.clone(), json: args.json.clone(), kpis: args.kpis.selection() }
}

/// Checks the `--kpis` patterns against the keys every variant of `scenario` reports
/// (each planning year's too), before anything is simulated; without patterns there
/// is nothing to check (and nothing is compiled).
pub(crate) fn check_kpi_patterns(scenario: &Scenario, variants: &[String], patterns: &KpiFlags) -> Result<(), Failure> {
    if patterns.all_kpis || patterns.kpis.is_empty() {
        return Ok(());
    }
    let mut keys = Vec::new();
    for v in variants {
        let spec = scenario.variant(v).map_err(|e| Failure::Usage(format!("--variant: {e}")))?;
        let Ok(network) = corridor::model::Network::compile(&spec) else { continue };
        let run = corridor::model::kpi_keys(&network);
        if let Some(p) = &spec.planning {
            for year in p.start_year..p.start_year + p.years as i32 {
                keys.extend(run.iter().map(|k| format!("year.{year}.{k}")));
            }
        }
        keys.extend(run);
    }
    patterns.selection().check(&keys).map_err(Failure::Usage)
}

pub(crate) fn run(args: &RunArgs, base: Option<&Option<String>>, cluster: &Cluster) -> Outcome {
    let distributed = cluster.is_distributed();
    let scenario = load(&args.file)?;
    let mut variants = if args.variants.is_empty() { default_variants(&scenario) } else { args.variants.clone() };
    let base = base.map(|b| b.clone().unwrap_or_else(|| variants[0].clone()));
    if let Some(b) = &base {
        scenario.check_variant_name(b).map_err(|e| Failure::Usage(format!("--base: {e}")))?;
        if !variants.contains(b) {
            variants.insert(0, b.clone());
        }
    }
    let exp = experiment(&scenario, args, variants, distributed).map_err(|f| match f {
        Failure::Usage(m) if m.starts_with("unknown variant") => Failure::Usage(format!("--variant: {m}")),
        f => f,
    })?;
    if args.uncertain.is_some() && scenario.base().uncertain.is_empty() {
        return Err(Failure::Usage(format!(
            "--uncertain: {} declares no uncertain inputs; add `[uncertain.<id>]` tables (path, range or factor, source or reason), as scenarios/middle_corridor.toml does",
            args.file.display()
        )));
    }
    let result = cluster.run(&exp, &scenario, Some(&progress)).map_err(Failure::Run)?;
    // Under mpirun the ranks share the input scenarios of --uncertain too: each runs
    // its shard of them and rank 0 merges the parts as `corridor merge` would.
    let gathered_inputs = match (cluster.shard(), args.uncertain) {
        (Some(rank), Some(n)) => {
            let settings = UncertainRunSettings { scenarios: n as usize, seed: exp.seed };
            let tell = |done: usize, total: usize| note(&format!("progress: input scenario {done}/{total} of rank 0"));
            let tell: Option<&(dyn Fn(usize, usize) + Sync)> = if cluster.is_root() { Some(&tell) } else { None };
            let part = uncertainty::shard::run_shard(&scenario, &exp, &settings, rank, tell).map_err(run_failure)?;
            let parts = cluster.gather(&part).map_err(Failure::Run)?;
            if let Some(p) = &parts {
                note(&format!("input scenarios over {} ranks: {n} in all", p.len()));
            }
            parts
        }
        _ => None,
    };
    let Some(result) = result else {
        return Ok(());
    };
    if let (Some(shard), Some(dir)) = (exp.shard, &args.out) {
        if result.interrupted {
            return Err(Failure::Interrupted(
                "interrupted: a partial shard is not written; run the shard again".into(),
            ));
        }
        let part = ShardResult::new(&result, scenario.text(), shard, exp.replications);
        let inputs = match args.uncertain {
            Some(n) => {
                let settings = UncertainRunSettings { scenarios: n as usize, seed: exp.seed };
                let tell =
                    |done: usize, total: usize| note(&format!("progress: input scenario {done}/{total} of this shard"));
                let inputs = uncertainty::shard::run_shard(&scenario, &exp, &settings, shard, Some(&tell))
                    .map_err(run_failure)?;
                publish::write_uncertain_shard(dir, &part, &inputs).map_err(run_failure)?;
                format!(" and {} input scenarios", inputs.points.len())
            }
            None => {
                publish::write_shard(dir, &part).map_err(run_failure)?;
                String::new()
            }
        };
        note(&format!(
            "shard {}/{}: {} replications{inputs} written to {}",
            shard.index,
            shard.count,
            part.replications.len(),
            dir.display()
        ));
        return Ok(());
    }
    let across = match (args.uncertain, &gathered_inputs) {
        (Some(_), Some(parts)) if !result.interrupted => {
            Some(uncertainty::shard::merge(&scenario, &result, parts).map_err(Failure::Run)?)
        }
        (Some(n), None) if !result.interrupted => {
            let settings = UncertainRunSettings { scenarios: n as usize, seed: exp.seed };
            let tell = |done: usize, total: usize| note(&format!("progress: input scenario {done}/{total}"));
            Some(uncertainty::across_inputs(&scenario, &result, &exp, &settings, Some(&tell)).map_err(run_failure)?)
        }
        _ => None,
    };
    let to = destinations(args);
    let published =
        to.publish_run_across_inputs(&scenario, &result, base.as_deref(), across.as_ref()).map_err(run_failure)?;
    publish(published, &to, || {
        let mut text = publish::run_text(&result, base.as_deref(), args.all);
        if let Some(run) = &across {
            text += &corridor::report::uncertainty::text(run);
        }
        text
    })?;
    interrupted(result.interrupted, format!("{} replications per variant", result.replications))
}

pub(crate) fn sweep(args: &RunArgs) -> Outcome {
    let refused = [
        ("--variant", !args.variants.is_empty()),
        ("--shard", args.shard.is_some()),
        ("--precision", args.precision.is_some()),
        ("--uncertain", args.uncertain.is_some()),
    ];
    if let Some((flag, _)) = refused.iter().find(|(_, given)| *given) {
        return Err(Failure::Usage(format!(
            "sweep does not take {flag}: it runs the grid of the file's [sweep], on the variant named by its `base`"
        )));
    }
    let scenario = load(&args.file)?;
    let exp = experiment(&scenario, args, vec![BASE.into()], false)?;
    let result = run_sweep(&scenario, &exp, Some(&progress)).map_err(run_failure)?;
    let to = destinations(args);
    publish(to.publish_sweep(&scenario, &result).map_err(run_failure)?, &to, || publish::sweep_text(&result))?;
    interrupted(result.result.interrupted, format!("{} points", result.result.variants.len()))
}

pub(crate) fn merge(shards: &[PathBuf], out: &Path, json: Option<&str>, kpis: KpiSelection) -> Outcome {
    let to = Destinations { out: Some(out.to_path_buf()), json: json.map(str::to_string), kpis };
    to.check().map_err(|e| Failure::Usage(e.to_string()))?;
    if shards.first().is_some_and(|p| sensitivity_shard_file(p).is_some()) {
        return merge_sensitivity(shards, &to);
    }
    if shards.first().is_some_and(|p| super::capacity::capacity_shard_file(p).is_some()) {
        return super::capacity::merge(shards, &to);
    }
    let (result, scenario) = shard::merge_files(shards).map_err(run_failure)?;
    let keys: Vec<String> = result.variants.iter().flat_map(|v| v.keys.iter().cloned()).collect();
    to.kpis.check(&keys).map_err(Failure::Usage)?;
    let across = merge_inputs(shards, &scenario, &result)?;
    let inputs = across.as_ref().map_or(String::new(), |a| format!(" and {} input scenarios", a.scenarios));
    note(&format!("merged {} shards: {} replications per variant{inputs}", shards.len(), result.replications));
    let published = to.publish_run_across_inputs(&scenario, &result, None, across.as_ref()).map_err(run_failure)?;
    publish(published, &to, || {
        let mut text = publish::run_text(&result, None, false);
        if let Some(run) = &across {
            text += &corridor::report::uncertainty::text(run);
        }
        text
    })
}

/// The input-scenario part a merge argument's folder holds beside its `shard.json`
/// (`run --uncertain N --shard K/N'`), if any.
fn uncertain_shard_file(path: &Path) -> Option<PathBuf> {
    let dir = if path.is_dir() { path.to_path_buf() } else { path.parent()?.to_path_buf() };
    let file = dir.join("uncertain_shard.json");
    file.is_file().then_some(file)
}

/// The spread across input scenarios of a sharded `run --uncertain`: `None` when no
/// shard has an input-scenario part; refused when only some have.
fn merge_inputs(
    shards: &[PathBuf],
    scenario: &corridor::scenario::Scenario,
    nominal: &corridor::experiment::ExperimentResult,
) -> Result<Option<uncertainty::UncertainRun>, Failure> {
    let files: Vec<Option<PathBuf>> = shards.iter().map(|p| uncertain_shard_file(p)).collect();
    if files.iter().all(Option::is_none) {
        return Ok(None);
    }
    let mut parts = Vec::new();
    for (path, file) in shards.iter().zip(&files) {
        let Some(file) = file else {
            return Err(Failure::Run(format!(
                "{}: no uncertain_shard.json beside its shard, unlike others given: every shard of `run --uncertain` has one",
                path.display()
            )));
        };
        let name = file.display().to_string();
        let bytes = std::fs::read(file).map_err(|e| Failure::Run(format!("{name}: cannot be read: {e}")))?;
        let part = serde_json::from_slice(&bytes)
            .map_err(|e| Failure::Run(format!("{name}: not a corridor input-scenario shard: {e}")))?;
        parts.push((name, part));
    }
    uncertainty::shard::merge(scenario, nominal, &parts).map(Some).map_err(Failure::Run)
}

/// The sensitivity shard a merge argument names: `DIR/sensitivity_shard.json`, or the
/// file itself.
fn sensitivity_shard_file(path: &Path) -> Option<PathBuf> {
    let file = if path.is_dir() { path.join("sensitivity_shard.json") } else { path.to_path_buf() };
    (file.file_name()? == "sensitivity_shard.json" && file.is_file()).then_some(file)
}

/// `corridor merge` of the shards of `corridor sensitivity --shard K/N`: the files one
/// machine would have written.
fn merge_sensitivity(shards: &[PathBuf], to: &Destinations) -> Outcome {
    let mut parts = Vec::new();
    for path in shards {
        let Some(file) = sensitivity_shard_file(path) else {
            return Err(Failure::Run(format!(
                "{}: not a sensitivity shard, unlike the first one given: merge the shards of one command at a time",
                path.display()
            )));
        };
        let name = file.display().to_string();
        let bytes = std::fs::read(&file).map_err(|e| Failure::Run(format!("{name}: cannot be read: {e}")))?;
        let part = serde_json::from_slice(&bytes)
            .map_err(|e| Failure::Run(format!("{name}: not a corridor sensitivity shard: {e}")))?;
        parts.push((name, part));
    }
    let (screening, scenario) = corridor::experiment::sensitivity::merge_shards(&parts).map_err(run_failure)?;
    note(&format!("merged {} sensitivity shards: {} input scenarios", shards.len(), screening.points));
    let published = to.publish_sensitivity(&scenario, &screening).map_err(run_failure)?;
    publish(published, to, || corridor::report::sensitivity::text(&screening))
}
