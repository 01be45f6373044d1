//! `capacity`: the capacity sheet, or the largest demand factor that keeps a variant
//! stable and every criterion true.

use crate::flags::{Sampling, SlurmArray, whole};
use crate::output::{Failure, Outcome, load, publish, run_failure};
use corridor::experiment::capacity::{CapacityError, CapacitySearch};
use corridor::experiment::cluster::Cluster;
use corridor::experiment::uncertainty::{self, UncertainRunSettings};
use corridor::experiment::{Experiment, Shard, default_variants};
use corridor::report::publish::Destinations;
use corridor::report::terminal::note;
use corridor::scenario::limits::MAX_REPLICATIONS;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct CapacityArgs {
    /// Scenario file (TOML).
    pub(crate) file: PathBuf,
    /// Variant to search (repeatable; `base` is the unmodified scenario). Default: the first declared variant.
    #[arg(long = "variant")]
    pub(crate) variants: Vec<String>,
    /// Print the capacity sheet worked out from the scenario alone, without simulating.
    #[arg(long = "static")]
    pub(crate) static_sheet: bool,
    /// Scale the demand of flows and arrivals with this tag (repeatable). Default: all of them.
    #[arg(long = "tags", value_delimiter = ',')]
    pub(crate) tags: Vec<String>,
    /// A condition on a KPI's mean, e.g. 'port.baku.ship_wait_hours.p95 <= 24' or 'delivered_share >= 0.99' (repeatable).
    #[arg(long = "criterion")]
    pub(crate) criteria: Vec<String>,
    /// The largest demand factor tried.
    #[arg(long, default_value_t = 3.0)]
    pub(crate) max_factor: f64,
    /// Stop when the factor is known to within this.
    #[arg(long, default_value_t = 0.01)]
    pub(crate) resolution: f64,
    /// Replications at each factor (default: the scenario's `replications`).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    pub(crate) replications: Option<u64>,
    /// Also search again in N input scenarios drawn from the scenario's [uncertain.*] inputs (Latin hypercube from the seed): the sustainable factor's median and 10–90 % across them, which unknowns move it, and what binds.
    #[arg(long, value_name = "N", value_parser = whole::<2, 10_000>)]
    pub(crate) uncertain: Option<u64>,
    /// With --uncertain, run only shard K of N (K from 0): the input scenarios i with i % N == K, and in shard 0 the search as written; writes DIR/capacity_shard.json (needs --out). `corridor merge` combines the shards into what one machine writes.
    #[arg(long, value_name = "K/N", value_parser = |s: &str| Shard::parse(s).map_err(|e| e.to_string()))]
    pub(crate) shard: Option<Shard>,
    #[command(flatten)]
    pub(crate) slurm: SlurmArray,
    #[command(flatten)]
    pub(crate) sampling: Sampling,
    /// Write capacity.json, capacity.csv and the charts to this folder, replacing it as a whole.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output.
    #[arg(long)]
    pub(crate) json: Option<String>,
}

pub(crate) fn capacity(args: &CapacityArgs, cluster: &Cluster) -> Outcome {
    // Under mpirun only the input scenarios of --uncertain are shared; a search
    // without them runs on rank 0 alone.
    if !cluster.is_root() && args.uncertain.is_none() {
        return Ok(());
    }
    let scenario = load(&args.file)?;
    let variants = if args.variants.is_empty() {
        default_variants(&scenario).into_iter().take(1).collect()
    } else {
        args.variants.clone()
    };
    for v in &variants {
        scenario.check_variant_name(v).map_err(|e| Failure::Usage(format!("--variant: {e}")))?;
    }
    let to = Destinations { out: args.out.clone(), json: args.json.clone(), ..Destinations::default() };
    to.check().map_err(|e| Failure::Usage(e.to_string()))?;
    if args.static_sheet {
        let mut sheets = Vec::new();
        for v in &variants {
            let spec = scenario.variant(v).map_err(run_failure)?;
            let network = corridor::model::Network::compile(&spec).map_err(run_failure)?;
            sheets.push((v.clone(), network.capacity_sheet()));
        }
        let published = to.publish_sheets(&sheets).map_err(run_failure)?;
        return publish(published, &to, || {
            sheets
                .iter()
                .map(|(v, s)| corridor::report::capacity::sheet_text(v, s, None))
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
    if args.uncertain.is_some() && scenario.base().uncertain.is_empty() {
        return Err(Failure::Usage(format!(
            "--uncertain: {} declares no uncertain inputs; add `[uncertain.<id>]` tables (path, range or factor, source or reason), as scenarios/middle_corridor.toml does",
            args.file.display()
        )));
    }
    let shard = args.slurm.shard(args.shard)?;
    let rank = cluster.shard();
    if rank.is_some() && shard.is_some() {
        return Err(Failure::Usage(
            "--shard cannot be combined with mpirun: the ranks already share the input scenarios".into(),
        ));
    }
    if shard.is_some() && (args.uncertain.is_none() || args.out.is_none()) {
        return Err(Failure::Usage(
            "--shard shards the input scenarios of --uncertain N and writes DIR/capacity_shard.json: give both --uncertain and --out".into(),
        ));
    }
    let criteria = crate::flags::criteria(&args.criteria)?;
    let mut search = CapacitySearch::new(args.tags.clone(), criteria);
    search.max_factor = args.max_factor;
    search.resolution = args.resolution;
    let mut exp = Experiment::for_scenario(&scenario);
    args.sampling.apply(&mut exp);
    exp.replications = args.replications.unwrap_or(exp.replications);
    let started = std::time::Instant::now();
    let mut answers = Vec::new();
    let report = |variant: &str, e: &corridor::experiment::capacity::Evaluation| {
        let failing: Vec<&str> = e.criteria.iter().filter(|c| !c.holds).map(|c| c.criterion.as_str()).collect();
        note(&format!(
            "capacity: {variant} ×{:.3} — {}{} → {}",
            e.factor,
            e.stability.verdict.name(),
            if failing.is_empty() { String::new() } else { format!("; fails {}", failing.join(", ")) },
            if e.feasible { "holds" } else { "fails" }
        ));
    };
    // Every shard (or rank) but the first leaves the search as written to shard 0.
    let searched: &[String] = if shard.or(rank).is_some_and(|s| s.index > 0) { &[] } else { &variants };
    for v in searched {
        let answer = corridor::experiment::capacity::search(&scenario, v, &search, &exp, Some(&report)).map_err(
            |e| match e {
                CapacityError::Criterion(_) | CapacityError::Settings(_) => Failure::Usage(e.to_string()),
                e => Failure::Run(e.to_string()),
            },
        )?;
        answers.push(answer);
    }
    note(&format!("capacity search: {:.1} s", started.elapsed().as_secs_f64()));
    // A shard of the input scenarios: given by --shard (written to DIR), or this
    // rank's under mpirun (gathered on rank 0, which writes what one machine writes).
    if let (Some(piece), Some(n)) = (shard.or(rank), args.uncertain) {
        let settings = UncertainRunSettings { scenarios: n as usize, seed: exp.seed };
        let whose = if rank.is_some() { "of rank 0" } else { "of this shard" };
        let tell = |done: usize, total: usize| note(&format!("progress: input scenario search {done}/{total} {whose}"));
        let tell: Option<&(dyn Fn(usize, usize) + Sync)> = if cluster.is_root() { Some(&tell) } else { None };
        let nominal = (piece.index == 0).then_some(answers);
        let part = uncertainty::capacity_shard::run_shard(
            &scenario,
            &variants,
            nominal,
            (&search, &exp),
            &settings,
            piece,
            tell,
        )
        .map_err(run_failure)?;
        if rank.is_some() {
            let Some(parts) = cluster.gather(&part).map_err(Failure::Run)? else { return Ok(()) };
            let merged = uncertainty::capacity_shard::merge(&parts).map_err(Failure::Run)?;
            note(&format!("capacity search over {} ranks: {:.1} s", parts.len(), started.elapsed().as_secs_f64()));
            return publish_merged(&merged, &to);
        }
        // --shard without --out was refused above.
        let dir = args.out.as_ref().ok_or_else(|| Failure::Usage("--shard needs --out DIR".into()))?;
        corridor::report::publish::write_capacity_shard(dir, &part).map_err(run_failure)?;
        note(&format!(
            "capacity shard {}/{}: {} of {n} input scenarios written to {} ({:.1} s)",
            piece.index,
            piece.count,
            part.points.len(),
            dir.display(),
            started.elapsed().as_secs_f64()
        ));
        return Ok(());
    }
    let across = match args.uncertain {
        Some(n) => {
            let settings = UncertainRunSettings { scenarios: n as usize, seed: exp.seed };
            let tell = |done: usize, total: usize| note(&format!("progress: input scenario search {done}/{total}"));
            let found = uncertainty::capacity_across_inputs(&scenario, &answers, &search, &exp, &settings, Some(&tell))
                .map_err(run_failure)?;
            note(&format!("capacity search across the unknowns: {:.1} s", started.elapsed().as_secs_f64()));
            Some(found)
        }
        None => None,
    };
    let published =
        to.publish_capacity(&scenario, &search, &answers, across.as_ref(), exp.seed).map_err(run_failure)?;
    publish(published, &to, || {
        let mut text = corridor::report::capacity::answers_text(&search, &answers, exp.seed);
        if let Some(u) = &across {
            text += &corridor::report::uncertainty::capacity_text(u);
        }
        text
    })
}

/// The capacity shard a merge argument names: `DIR/capacity_shard.json`, or the file
/// itself.
pub(crate) fn capacity_shard_file(path: &std::path::Path) -> Option<PathBuf> {
    let file = if path.is_dir() { path.join("capacity_shard.json") } else { path.to_path_buf() };
    (file.file_name()? == "capacity_shard.json" && file.is_file()).then_some(file)
}

/// `corridor merge` of the shards of `corridor capacity --uncertain N --shard K/N`:
/// the files one machine would have written.
pub(crate) fn merge(shards: &[PathBuf], to: &Destinations) -> Outcome {
    let mut parts = Vec::new();
    for path in shards {
        let Some(file) = capacity_shard_file(path) else {
            return Err(Failure::Run(format!(
                "{}: not a capacity shard, unlike the first one given: merge the shards of one command at a time",
                path.display()
            )));
        };
        let name = file.display().to_string();
        let bytes = std::fs::read(&file).map_err(|e| Failure::Run(format!("{name}: cannot be read: {e}")))?;
        let part = serde_json::from_slice(&bytes)
            .map_err(|e| Failure::Run(format!("{name}: not a corridor capacity shard: {e}")))?;
        parts.push((name, part));
    }
    let merged = uncertainty::capacity_shard::merge(&parts).map_err(Failure::Run)?;
    note(&format!("merged {} capacity shards: {} input scenarios", shards.len(), merged.across.scenarios));
    publish_merged(&merged, to)
}

/// Writes what one machine writes for merged capacity shards (`corridor merge`, or
/// ranks under mpirun).
fn publish_merged(merged: &uncertainty::capacity_shard::MergedCapacity, to: &Destinations) -> Outcome {
    let published = to
        .publish_capacity(&merged.scenario, &merged.search, &merged.answers, Some(&merged.across), merged.seed)
        .map_err(run_failure)?;
    publish(published, to, || {
        let mut text = corridor::report::capacity::answers_text(&merged.search, &merged.answers, merged.seed);
        text += &corridor::report::uncertainty::capacity_text(&merged.across);
        text
    })
}
