//! The `corridor` command-line tool: a thin shell over the library. It parses
//! arguments, calls the library and prints.
//!
//! Exit codes: 0 success; 1 invalid scenario or failed run; 2 bad command-line usage;
//! 130 interrupted by Ctrl-C (completed replications were written). Every error line
//! starts with `error:`. A closed standard output (`| head`) ends the program quietly.

use clap::{Parser, Subcommand};
use corridor::experiment::capacity::{CapacityError, CapacitySearch, Criterion};
use corridor::experiment::cluster::Cluster;
use corridor::experiment::plan::robust::{RobustEvaluation, Robustness};
use corridor::experiment::plan::{PlanError, PlanSearch};
use corridor::experiment::shard::{self, ShardResult};
use corridor::experiment::sweep::run_sweep;
use corridor::experiment::uncertainty::{self, UncertainRunSettings};
use corridor::experiment::{Experiment, ExperimentError, MAX_THREADS, PrecisionTarget, Shard, default_variants};
use corridor::report::KpiSelection;
use corridor::report::publish::{self, Destinations, Published};
use corridor::report::terminal::{interrupt_on_ctrl_c, note, progress};
use corridor::scenario::{BASE, Scenario, limits::MAX_REPLICATIONS};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(name = "corridor", version, about = "Discrete-event simulation of freight corridors")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which KPIs the JSON and CSV files carry: the same flags for `run`, `compare`,
/// `sweep` and `merge`.
#[derive(clap::Args)]
struct KpiFlags {
    /// Write every KPI key to summary.json, summary.csv and replications.csv (by default only the headline KPIs go there).
    #[arg(long, conflicts_with = "kpis")]
    all_kpis: bool,
    /// Also write the KPIs whose keys match PATTERN (repeatable; `*` stands for any characters), e.g. 'year.*.service.*'.
    #[arg(long = "kpis", value_name = "PATTERN")]
    kpis: Vec<String>,
}

impl KpiFlags {
    /// `--all-kpis`, or the headline KPIs and the `--kpis` patterns.
    fn selection(&self) -> KpiSelection {
        if self.all_kpis { KpiSelection::all() } else { KpiSelection::headline_and(&self.kpis) }
    }
}

/// The random numbers and the threads: the same flags for every command that simulates.
#[derive(clap::Args)]
struct Sampling {
    /// Master seed (default: the scenario's `seed`, which defaults to 42).
    #[arg(long, value_parser = whole::<0, { u64::MAX }>)]
    seed: Option<u64>,
    /// Worker threads; 0 means one per core (the default).
    #[arg(long, default_value_t = 0, value_parser = whole::<0, { MAX_THREADS as u64 }>)]
    threads: u64,
}

impl Sampling {
    /// Applies the flags to an experiment.
    fn apply(&self, exp: &mut Experiment) {
        exp.seed = self.seed.unwrap_or(exp.seed);
        exp.threads = (self.threads > 0).then_some(self.threads as usize);
    }
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file (TOML).
    file: PathBuf,
    /// Variant to run (repeatable; `base` is the unmodified scenario). Default: every declared variant.
    #[arg(long = "variant")]
    variants: Vec<String>,
    /// Replications per variant (default: the scenario's `replications`).
    #[arg(long, conflicts_with = "precision", value_parser = whole::<2, MAX_REPLICATIONS>)]
    replications: Option<u64>,
    /// Run until the 95 % CI half-width of KPI is within REL × mean (Stein's two-stage procedure), e.g. port.baku.ship_wait_hours.mean=0.05.
    #[arg(long, value_name = "KPI=REL")]
    precision: Option<String>,
    /// Most replications with --precision.
    #[arg(long, default_value_t = 1000, value_parser = whole::<2, MAX_REPLICATIONS>)]
    max_replications: u64,
    #[command(flatten)]
    sampling: Sampling,
    /// Write the run's files (JSON, CSV, charts) to this folder, replacing it as a whole.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output (then nothing else goes there).
    #[arg(long)]
    json: Option<String>,
    /// Print the full KPI table (every port's headline KPIs with 95 % CIs) after the decision table.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    kpis: KpiFlags,
    /// Also run every variant in N input scenarios drawn from the scenario's [uncertain.*] inputs (Latin hypercube from the seed): each headline KPI's spread across them beside its simulation CI, and the share of them in which each variant is stable.
    #[arg(long, value_name = "N", value_parser = whole::<2, 10_000>, conflicts_with = "shard")]
    uncertain: Option<u64>,
    /// Run only shard K of N (K from 0): replications r with r % N == K; writes DIR/shard.json (needs --out).
    #[arg(long, value_name = "K/N", value_parser = |s: &str| Shard::parse(s).map_err(|e| e.to_string()))]
    shard: Option<Shard>,
    #[arg(long, env = "SLURM_ARRAY_TASK_ID", hide = true)]
    slurm_task_id: Option<u64>,
    #[arg(long, env = "SLURM_ARRAY_TASK_COUNT", hide = true)]
    slurm_task_count: Option<u64>,
    #[arg(long, env = "SLURM_ARRAY_TASK_MIN", hide = true)]
    slurm_task_min: Option<u64>,
}

#[derive(clap::Args)]
struct CapacityArgs {
    /// Scenario file (TOML).
    file: PathBuf,
    /// Variant to search (repeatable; `base` is the unmodified scenario). Default: the first declared variant.
    #[arg(long = "variant")]
    variants: Vec<String>,
    /// Print the capacity sheet worked out from the scenario alone, without simulating.
    #[arg(long = "static")]
    static_sheet: bool,
    /// Scale the demand of flows and arrivals with this tag (repeatable). Default: all of them.
    #[arg(long = "tags", value_delimiter = ',')]
    tags: Vec<String>,
    /// A condition on a KPI's mean, e.g. 'port.baku.ship_wait_hours.p95 <= 24' or 'delivered_share >= 0.99' (repeatable).
    #[arg(long = "criterion")]
    criteria: Vec<String>,
    /// The largest demand factor tried.
    #[arg(long, default_value_t = 3.0)]
    max_factor: f64,
    /// Stop when the factor is known to within this.
    #[arg(long, default_value_t = 0.01)]
    resolution: f64,
    /// Replications at each factor (default: the scenario's `replications`).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    replications: Option<u64>,
    /// Also search again in N input scenarios drawn from the scenario's [uncertain.*] inputs (Latin hypercube from the seed): the sustainable factor's median and 10–90 % across them, which unknowns move it, and what binds.
    #[arg(long, value_name = "N", value_parser = whole::<2, 10_000>)]
    uncertain: Option<u64>,
    #[command(flatten)]
    sampling: Sampling,
    /// Write capacity.json, capacity.csv and the charts to this folder, replacing it as a whole.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output.
    #[arg(long)]
    json: Option<String>,
}

#[derive(clap::Args)]
struct SensitivityArgs {
    /// Scenario file (TOML) with [uncertain.<id>] tables.
    file: PathBuf,
    /// A KPI to explain (repeatable), e.g. 'port.baku.ship_wait_hours.p95' or 'system.backlog_growth_tonnes_per_day'.
    #[arg(long = "kpi", required = true)]
    kpis: Vec<String>,
    /// The variant screened (`base` is the unmodified scenario). Default: the first declared variant.
    #[arg(long)]
    variant: Option<String>,
    /// Method: Morris elementary effects (screening many inputs cheaply), or Sobol' first-order and total indices (for the few that matter).
    #[arg(long, value_enum, default_value_t = Method::Morris)]
    method: Method,
    /// Morris trajectories, each (inputs + 1) input scenarios (default 10); or Sobol' base samples N, N × (inputs + 2) input scenarios (default 64).
    #[arg(long, value_parser = whole::<2, 100_000>)]
    samples: Option<u64>,
    /// Replications of each input scenario (default: the scenario's `replications`).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    replications: Option<u64>,
    #[command(flatten)]
    sampling: Sampling,
    /// Write sensitivity.json, sensitivity.csv and sensitivity.txt to this folder, replacing it as a whole.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output.
    #[arg(long)]
    json: Option<String>,
}

/// A sensitivity method.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Method {
    /// Morris elementary effects (μ*, μ, σ): screening many inputs cheaply.
    Morris,
    /// Sobol' first-order and total indices with bootstrap intervals (Saltelli 2010, Jansen 1999).
    Sobol,
}

#[derive(clap::Args)]
struct PlanArgs {
    /// Scenario file (TOML) with [candidates.<id>] tables.
    file: PathBuf,
    /// The variant the plans build on (`base` is the unmodified scenario). Default: the first declared variant.
    #[arg(long)]
    variant: Option<String>,
    /// A condition on a KPI's mean that must hold in every planning year (or in the year it names, `year.2030.KEY`), e.g. 'port.baku.ship_wait_hours.p95 <= 24' (repeatable). Stability in every year is always required.
    #[arg(long = "criterion")]
    criteria: Vec<String>,
    /// Criteria that name no year must hold from this planning year on (default: every year).
    #[arg(long, value_name = "YEAR")]
    criteria_from: Option<i32>,
    /// Leave out plans costing more than this (present value, in the scenario's currency).
    #[arg(long)]
    budget: Option<f64>,
    /// Replications of the first look at each plan.
    #[arg(long, default_value_t = 5, value_parser = whole::<2, MAX_REPLICATIONS>)]
    screen: u64,
    /// Replications of every plan judged feasible (default: the scenario's `replications`).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    replications: Option<u64>,
    /// The most replications any plan gets (the last look of the feasibility call).
    #[arg(long, value_parser = whole::<2, MAX_REPLICATIONS>)]
    max_replications: Option<u64>,
    /// The indifference zone of each criterion, as a share of its limit: a plan every KPI of which is this far inside its limits is called feasible, and one this far outside infeasible, each with probability at least 1 − α.
    #[arg(long, default_value_t = 0.02)]
    tolerance: f64,
    /// The error of each plan's feasibility call (see --tolerance).
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// How many feasible plans to report, cheapest first (not with --robust, which reports the cheapest robust plan).
    #[arg(long, default_value_t = 5, value_parser = whole::<1, 100>, conflicts_with = "robust")]
    best: u64,
    /// The most plans to simulate before stopping.
    #[arg(long, default_value_t = 200, value_parser = whole::<1, 100_000>)]
    max_simulated: u64,
    /// Find the cheapest plan called feasible in at least this share of input scenarios drawn from the scenario's [uncertain.*] inputs (e.g. 0.8; needs --uncertain N), and say which inputs it fails under.
    #[arg(long, value_name = "P", requires = "uncertain")]
    robust: Option<f64>,
    /// Input scenarios for --robust (Latin hypercube from the seed; at most 1,000, each held in memory with its own searcher).
    #[arg(long, value_name = "N", requires = "robust", value_parser = whole::<2, 1_000>)]
    uncertain: Option<u64>,
    #[command(flatten)]
    sampling: Sampling,
    /// Write plan.json, plans.csv and plan.txt (with --robust: robust_plan.json, robust_plans.csv and robust_plan.txt) to this folder, replacing it as a whole.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output.
    #[arg(long)]
    json: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the variants; print headline KPIs with 95 % confidence intervals.
    #[command(allow_negative_numbers = true)]
    Run(RunArgs),
    /// Paired differences (common random numbers) of every variant against a base.
    #[command(allow_negative_numbers = true)]
    Compare {
        #[command(flatten)]
        run: RunArgs,
        /// The variant to compare against (default: the first variant run).
        #[arg(long)]
        base: Option<String>,
    },
    /// Run the sweep declared in the file's [sweep].
    #[command(allow_negative_numbers = true)]
    Sweep {
        #[command(flatten)]
        run: RunArgs,
    },
    /// The capacity sheet (--static), or the largest demand factor on tagged flows that
    /// keeps the corridor stable and every --criterion true.
    #[command(allow_negative_numbers = true)]
    Capacity(CapacityArgs),
    /// The cheapest set of candidate upgrades, with dates, that keeps every year stable
    /// and every --criterion true.
    #[command(allow_negative_numbers = true)]
    Plan(PlanArgs),
    /// Which uncertain inputs ([uncertain.<id>]) move each --kpi most: Morris elementary effects with 95 % intervals and the simulation noise.
    #[command(allow_negative_numbers = true)]
    Sensitivity(SensitivityArgs),
    /// Combine shard results (from `run --shard`) into the output of a single run.
    Merge {
        /// Folders (or shard.json files) written by `corridor run --shard K/N --out DIR`.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Folder for the merged files.
        #[arg(long)]
        out: PathBuf,
        /// Also write the JSON document to this file, or `-` for standard output.
        #[arg(long)]
        json: Option<String>,
        #[command(flatten)]
        kpis: KpiFlags,
    },
    /// Check a scenario: every error (exit 1) or a short summary (exit 0).
    Validate {
        /// Scenario file.
        file: PathBuf,
    },
    /// Write a commented starter scenario (two ports, a ferry, a rail line, one flow)
    /// that validates and runs as written.
    New {
        /// Where to write it.
        file: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
}

/// How the program ends.
enum Failure {
    /// Bad usage (exit 2).
    Usage(String),
    /// A failed run or invalid input (exit 1).
    Run(String),
    /// Interrupted by Ctrl-C after writing what was done (exit 130).
    Interrupted(String),
}

type Outcome = Result<(), Failure>;

fn run_failure(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

/// Prints text to standard output with its control characters escaped (a scenario's
/// names could otherwise drive the terminal); see [`write_out`].
fn say(text: &str) -> Outcome {
    write_out(&corridor::report::terminal::printable(text))
}

/// Writes to standard output as given (JSON, whose strings serde already escapes); a
/// closed pipe ends the program quietly, a full disk is an error.
fn write_out(text: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(141),
        Err(e) => Err(Failure::Run(format!("cannot write to standard output: {e}"))),
    }
}

fn load(file: &std::path::Path) -> Result<Scenario, Failure> {
    Scenario::load(file).map_err(run_failure)
}

fn from_experiment(e: ExperimentError) -> Failure {
    if e.is_usage() { Failure::Usage(e.to_string()) } else { Failure::Run(e.to_string()) }
}

/// The experiment the flags ask for; command-line mistakes are reported as usage errors.
fn experiment(
    scenario: &Scenario,
    args: &RunArgs,
    variants: Vec<String>,
    distributed: bool,
) -> Result<Experiment, Failure> {
    let mut exp = Experiment::for_scenario(scenario).variants(variants);
    args.sampling.apply(&mut exp);
    exp.interrupt = Some(interrupt_on_ctrl_c(distributed));
    exp.replications = args.replications.unwrap_or(exp.replications);
    exp.shard = match (args.shard, args.slurm_task_id, args.slurm_task_count) {
        (None, Some(id), Some(count)) => Some(
            Shard::from_slurm(id, count, args.slurm_task_min)
                .map_err(|e| Failure::Usage(format!("Slurm variables: {e}")))?,
        ),
        (shard, _, _) => shard,
    };
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

fn destinations(args: &RunArgs) -> Destinations {
    Destinations { out: args.out.clone(), json: args.json.clone(), kpis: args.kpis.selection() }
}

/// Checks the `--kpis` patterns against the keys every variant of `scenario` reports
/// (each planning year's too), before anything is simulated; without patterns there
/// is nothing to check (and nothing is compiled).
fn check_kpi_patterns(scenario: &Scenario, variants: &[String], patterns: &KpiFlags) -> Result<(), Failure> {
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

/// Writes the files (before anything is printed), then prints the JSON or the text.
fn publish(published: Published, to: &Destinations, text: impl FnOnce() -> String) -> Outcome {
    if let Some(dir) = &to.out {
        note(&format!("wrote {} to {}", published.files.join(", "), dir.display()));
    }
    match published.stdout_json {
        Some(json) => write_out(&format!("{json}\n")),
        None => say(&text()),
    }
}

fn interrupted(done: bool, what: String) -> Outcome {
    if done {
        Err(Failure::Interrupted(format!("interrupted: {what} were completed and written; the run is incomplete")))
    } else {
        Ok(())
    }
}

fn run(args: &RunArgs, base: Option<&Option<String>>, cluster: &Cluster) -> Outcome {
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
    let Some(result) = cluster.run(&exp, &scenario, Some(&progress)).map_err(Failure::Run)? else {
        return Ok(());
    };
    if let (Some(shard), Some(dir)) = (exp.shard, &args.out) {
        if result.interrupted {
            return Err(Failure::Interrupted(
                "interrupted: a partial shard is not written; run the shard again".into(),
            ));
        }
        let part = ShardResult::new(&result, scenario.text(), shard, exp.replications);
        publish::write_shard(dir, &part).map_err(run_failure)?;
        note(&format!(
            "shard {}/{}: {} replications written to {}",
            shard.index,
            shard.count,
            part.replications.len(),
            dir.display()
        ));
        return Ok(());
    }
    let across = match args.uncertain {
        Some(n) if !result.interrupted => {
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

fn sweep(args: &RunArgs) -> Outcome {
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

fn merge(shards: &[PathBuf], out: &Path, json: Option<&str>, kpis: KpiSelection) -> Outcome {
    let to = Destinations { out: Some(out.to_path_buf()), json: json.map(str::to_string), kpis };
    to.check().map_err(|e| Failure::Usage(e.to_string()))?;
    let (result, scenario) = shard::merge_files(shards).map_err(run_failure)?;
    let keys: Vec<String> = result.variants.iter().flat_map(|v| v.keys.iter().cloned()).collect();
    to.kpis.check(&keys).map_err(Failure::Usage)?;
    note(&format!("merged {} shards: {} replications per variant", shards.len(), result.replications));
    let published = to.publish_run(&scenario, &result, None).map_err(run_failure)?;
    publish(published, &to, || publish::run_text(&result, None, false))
}

fn capacity(args: &CapacityArgs) -> Outcome {
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
    let criteria = args
        .criteria
        .iter()
        .map(|c| Criterion::parse(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Usage(format!("--criterion: {e}")))?;
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
    for v in &variants {
        let answer = corridor::experiment::capacity::search(&scenario, v, &search, &exp, Some(&report)).map_err(
            |e| match e {
                CapacityError::Criterion(_) | CapacityError::Settings(_) => Failure::Usage(e.to_string()),
                e => Failure::Run(e.to_string()),
            },
        )?;
        answers.push(answer);
    }
    note(&format!("capacity search: {:.1} s", started.elapsed().as_secs_f64()));
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

fn sensitivity(args: &SensitivityArgs) -> Outcome {
    let scenario = load(&args.file)?;
    let variant = args.variant.clone().unwrap_or_else(|| default_variants(&scenario).remove(0));
    scenario.check_variant_name(&variant).map_err(|e| Failure::Usage(format!("--variant: {e}")))?;
    let to = Destinations { out: args.out.clone(), json: args.json.clone(), ..Destinations::default() };
    to.check().map_err(|e| Failure::Usage(e.to_string()))?;
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
    let screening = pool
        .install(|| match args.method {
            Method::Morris => {
                let settings = corridor::experiment::sensitivity::MorrisSettings {
                    trajectories: args.samples.unwrap_or(10) as usize,
                    replications,
                    seed: exp.seed,
                };
                corridor::experiment::sensitivity::morris(&scenario, &variant, &args.kpis, &settings, Some(&report))
            }
            Method::Sobol => {
                let settings = corridor::experiment::sensitivity::SobolSettings {
                    samples: args.samples.unwrap_or(64) as usize,
                    replications,
                    seed: exp.seed,
                };
                corridor::experiment::sensitivity::sobol(&scenario, &variant, &args.kpis, &settings, Some(&report))
            }
        })
        .map_err(|e| match e {
            corridor::experiment::sensitivity::SensitivityError::Kpi(_)
            | corridor::experiment::sensitivity::SensitivityError::Settings(_) => Failure::Usage(e.to_string()),
            e => Failure::Run(e.to_string()),
        })?;
    note(&format!("sensitivity: {:.1} s", started.elapsed().as_secs_f64()));
    let published = to.publish_sensitivity(&scenario, &screening).map_err(run_failure)?;
    publish(published, &to, || corridor::report::sensitivity::text(&screening))
}

fn plan(args: &PlanArgs) -> Outcome {
    let scenario = load(&args.file)?;
    let variant = args.variant.clone().unwrap_or_else(|| default_variants(&scenario).remove(0));
    scenario.check_variant_name(&variant).map_err(|e| Failure::Usage(format!("--variant: {e}")))?;
    let to = Destinations { out: args.out.clone(), json: args.json.clone(), ..Destinations::default() };
    to.check().map_err(|e| Failure::Usage(e.to_string()))?;
    let criteria = args
        .criteria
        .iter()
        .map(|c| Criterion::parse(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Usage(format!("--criterion: {e}")))?;
    let mut exp = Experiment::for_scenario(&scenario);
    args.sampling.apply(&mut exp);
    let mut search = PlanSearch::new(criteria);
    search.budget = args.budget;
    search.criteria_from = args.criteria_from;
    search.confirm_replications = args.replications.unwrap_or(exp.replications).max(args.screen);
    search.screen_replications = args.screen;
    search.max_replications = args.max_replications.unwrap_or(search.max_replications).max(search.confirm_replications);
    search.guarantee = corridor::experiment::feasibility::Guarantee { tolerance: args.tolerance, alpha: args.alpha };
    search.best = args.best as usize;
    search.max_simulated = args.max_simulated as usize;
    let started = std::time::Instant::now();
    let report = |e: &corridor::experiment::plan::PlanEvaluation| {
        let verdict = if e.feasible {
            "feasible".to_string()
        } else {
            format!("fails: {}", e.failures.first().map_or("", String::as_str))
        };
        note(&format!(
            "plan: [{:.0} s] #{} {} — {} — {} ({})",
            started.elapsed().as_secs_f64(),
            e.considered,
            corridor::report::plan::money(e.plan.cost, &scenario.base().scenario.currency),
            e.plan.describe(),
            verdict,
            e.decided
        ));
    };
    let plan_failure = |e: PlanError| match e {
        PlanError::Criterion(_) | PlanError::Settings(_) => Failure::Usage(e.to_string()),
        e => Failure::Run(e.to_string()),
    };
    if let (Some(share), Some(n)) = (args.robust, args.uncertain) {
        let robustness = Robustness { share, scenarios: n as usize, seed: exp.seed };
        let tell = |e: &RobustEvaluation| {
            note(&format!(
                "plan: [{:.0} s] #{} {} — {} — feasible in {} of {} input scenarios called{}",
                started.elapsed().as_secs_f64(),
                e.considered,
                corridor::report::plan::money(e.plan.cost, &scenario.base().scenario.currency),
                e.plan.describe(),
                e.feasible_in,
                e.calls.len(),
                if e.robust { " — robust" } else { "" }
            ));
        };
        let answer =
            corridor::experiment::plan::robust::search(&scenario, &variant, &search, &robustness, &exp, Some(&tell))
                .map_err(plan_failure)?;
        let published = to.publish_robust_plan(&answer).map_err(run_failure)?;
        return publish(published, &to, || corridor::report::plan::robust_text(&answer));
    }
    let answer =
        corridor::experiment::plan::search(&scenario, &variant, &search, &exp, Some(&report)).map_err(plan_failure)?;
    let published = to.publish_plan(&scenario, &answer).map_err(run_failure)?;
    publish(published, &to, || corridor::report::plan::plan_text(&answer))
}

fn main() {
    let code = run_cli();
    std::process::exit(code);
}

/// Runs the command and returns the exit code (MPI is finalised when this returns).
fn run_cli() -> i32 {
    let cli = Cli::parse();
    let cluster = Cluster::join();
    let outcome = match &cli.command {
        Command::Run(args) if cluster.is_distributed() && args.shard.is_some() => Err(Failure::Usage(
            "--shard cannot be combined with mpirun: the ranks already share the replications".into(),
        )),
        Command::Run(args) => run(args, None, &cluster),
        Command::Compare { run: args, base } => run(args, Some(base), &cluster),
        _ if !cluster.is_root() => Ok(()),
        Command::Sweep { run: args } => sweep(args),
        Command::Capacity(args) => capacity(args),
        Command::Sensitivity(args) => sensitivity(args),
        Command::Plan(args) => plan(args),
        Command::Merge { shards, out, json, kpis } => merge(shards, out, json.as_deref(), kpis.selection()),
        Command::Validate { file } => load(file).and_then(|s| say(&publish::scenario_summary(&s))),
        Command::New { file, force } => new_scenario(file, *force),
    };
    let (code, message) = match outcome {
        Ok(()) => return 0,
        Err(Failure::Usage(m)) => (2, format!("error: {m}")),
        Err(Failure::Run(m)) => (1, if m.starts_with("error:") { m } else { format!("error: {m}") }),
        Err(Failure::Interrupted(m)) => (130, m),
    };
    note(&message);
    code
}

/// `corridor new FILE`: the starter scenario, never over an existing file unless
/// `force`.
fn new_scenario(file: &std::path::Path, force: bool) -> Result<(), Failure> {
    // A path that exists as a link (even a dangling one, or a loop) exists.
    if std::fs::symlink_metadata(file).is_ok() && !force {
        return Err(Failure::Usage(format!(
            "{} exists; choose another name, or add --force to replace it",
            file.display()
        )));
    }
    corridor::report::output::write_file(file, corridor::scenario::STARTER.as_bytes()).map_err(run_failure)?;
    say(&format!(
        "wrote {}: a starter scenario (two ports, a ferry, a rail line, one flow).\nNext: corridor validate {0}, then corridor run {0}\n",
        file.display()
    ))
}

/// Reads a whole number from `LO` to `HI` for a flag; clap names the flag, this says
/// what was wrong and what is valid (a negative number or a fraction included).
fn whole<const LO: u64, const HI: u64>(text: &str) -> Result<u64, String> {
    let valid = format!("valid: a whole number from {LO} to {HI}");
    match text.trim().parse::<i128>() {
        Ok(n) if (i128::from(LO)..=i128::from(HI)).contains(&n) => Ok(n as u64),
        Ok(n) => Err(format!("{n} is out of range ({valid})")),
        Err(_) => Err(format!("not a whole number ({valid})")),
    }
}
