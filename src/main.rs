//! The `corridor` command-line tool: a thin shell over the library. It parses
//! arguments, calls the library and prints.
//!
//! Exit codes: 0 success; 1 invalid scenario or failed run; 2 bad command-line usage;
//! 130 interrupted by Ctrl-C (completed replications were written). Every error line
//! starts with `error:`. A closed standard output (`| head`) ends the program quietly.

use clap::{Parser, Subcommand};
use corridor::experiment::shard::{self, ShardResult};
use corridor::experiment::sweep::run_sweep;
use corridor::experiment::{Experiment, ExperimentError, ExperimentResult, MAX_THREADS, PrecisionTarget, Shard};
use corridor::model::{Network, kpi_keys};
use corridor::report::{self, output::OutputDir};
use corridor::scenario::{BASE, Scenario, limits::MAX_REPLICATIONS};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Parser)]
#[command(name = "corridor", version, about = "Discrete-event simulation of freight corridors")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file (TOML).
    file: PathBuf,
    /// Variant to run (repeatable; `base` is the unmodified scenario). Default: every declared variant.
    #[arg(long = "variant")]
    variants: Vec<String>,
    /// Replications per variant (default: the scenario's `replications`).
    #[arg(long, conflicts_with = "precision", value_parser = clap::value_parser!(u64).range(2..=MAX_REPLICATIONS))]
    replications: Option<u64>,
    /// Run until the 95 % CI half-width of KPI is within REL × mean (Stein's two-stage procedure), e.g. port.baku.ship_wait_hours.mean=0.05.
    #[arg(long, value_name = "KPI=REL")]
    precision: Option<String>,
    /// Most replications with --precision.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(2..=MAX_REPLICATIONS))]
    max_replications: u64,
    /// Master seed (default: the scenario's `seed`, which defaults to 42).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads; 0 means one per core (the default).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=MAX_THREADS as u64))]
    threads: u64,
    /// Write the run's files (JSON, CSV, charts) to this folder, replacing it as a whole.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for standard output (then nothing else goes there).
    #[arg(long)]
    json: Option<String>,
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

#[derive(Subcommand)]
enum Command {
    /// Run the variants; print headline KPIs with 95 % confidence intervals.
    Run(RunArgs),
    /// Paired differences (common random numbers) of every variant against a base.
    Compare {
        #[command(flatten)]
        run: RunArgs,
        /// The variant to compare against (default: the first variant run).
        #[arg(long)]
        base: Option<String>,
    },
    /// Run the sweep declared in the file's [sweep].
    Sweep {
        #[command(flatten)]
        run: RunArgs,
    },
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
    },
    /// Check a scenario: every error (exit 1) or a short summary (exit 0).
    Validate {
        /// Scenario file.
        file: PathBuf,
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

/// Prints to standard output; a closed pipe ends the program quietly, a full disk is an error.
fn say(text: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(141),
        Err(e) => Err(Failure::Run(format!("cannot write to standard output: {e}"))),
    }
}

/// Prints a note to standard error (ignoring a closed stderr).
fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

static INTERRUPT: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();

/// Set by the first Ctrl-C (or SIGTERM); a second one exits at once.
fn interrupt_flag(distributed: bool) -> Arc<AtomicBool> {
    let flag = INTERRUPT.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler = Arc::clone(&flag);
        let _ = ctrlc::set_handler(move || {
            if distributed {
                note("error: stopped: under mpirun a Ctrl-C stops every rank at once, so nothing is written; use `run --shard` and `merge` to keep partial work");
                std::process::exit(130);
            }
            if handler.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            note("\ninterrupted: finishing the replications in progress, then writing what is done (Ctrl-C again to quit now)");
        });
        flag
    });
    Arc::clone(flag)
}

/// Progress on standard error: a bar on a terminal, otherwise a line at the first
/// replication and at every tenth.
fn progress(done: u64, total: u64) {
    static BAR: std::sync::OnceLock<indicatif::ProgressBar> = std::sync::OnceLock::new();
    static LAST_TENTH: AtomicU64 = AtomicU64::new(u64::MAX);
    if std::io::stderr().is_terminal() {
        let bar = BAR.get_or_init(|| {
            let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} replications ({eta} left)");
            indicatif::ProgressBar::new(total)
                .with_style(style.unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()))
        });
        bar.set_length(total);
        bar.set_position(done);
        if done >= total {
            bar.finish_and_clear();
        }
    } else {
        let tenth = done * 10 / total.max(1);
        if LAST_TENTH.swap(tenth, Ordering::Relaxed) != tenth {
            note(&format!("progress: {done}/{total} replications"));
        }
    }
}

fn load(file: &std::path::Path) -> Result<Scenario, Failure> {
    Scenario::load(file).map_err(run_failure)
}

/// The experiment the flags ask for, with command-line mistakes reported as such.
fn experiment(
    scenario: &Scenario,
    args: &RunArgs,
    variants: Vec<String>,
    distributed: bool,
) -> Result<Experiment, Failure> {
    for name in &variants {
        scenario.check_variant_name(name).map_err(|e| Failure::Usage(format!("--variant: {e}")))?;
    }
    let mut exp = Experiment::for_scenario(scenario).variants(variants);
    exp.seed = args.seed.unwrap_or(exp.seed);
    exp.threads = (args.threads > 0).then_some(args.threads as usize);
    exp.interrupt = Some(interrupt_flag(distributed));
    if let Some(n) = args.replications {
        exp.replications = n;
    }
    exp.shard = match (args.shard, args.slurm_task_id, args.slurm_task_count) {
        (Some(s), _, _) => Some(s),
        (None, Some(id), Some(count)) => Some(
            Shard::from_slurm(id, count, args.slurm_task_min)
                .map_err(|e| Failure::Usage(format!("Slurm variables: {e}")))?,
        ),
        _ => None,
    };
    if let Some(text) = &args.precision {
        if distributed {
            return Err(Failure::Usage("--precision cannot be used under mpirun: the ranks would each need every replication; run it on one machine".into()));
        }
        let target = PrecisionTarget::parse(text, args.max_replications)
            .map_err(|e| Failure::Usage(format!("--precision: {e}")))?;
        let first = exp.variants.first().cloned().unwrap_or_else(|| BASE.into());
        let network =
            scenario.variant(&first).map_err(run_failure).and_then(|s| Network::compile(&s).map_err(run_failure))?;
        target.check_kpi(&kpi_keys(&network)).map_err(|e| Failure::Usage(format!("--precision: {e}")))?;
        exp.replications = args.replications.unwrap_or(corridor::experiment::precision::MIN_PILOT);
        exp.precision = Some(target);
    }
    exp.check().map_err(|e| Failure::Usage(e.to_string()))?;
    check_targets(args.json.as_deref(), args.out.as_ref())?;
    if exp.shard.is_some() && args.out.is_none() {
        return Err(Failure::Usage("--shard needs --out DIR (the shard is written to DIR/shard.json)".into()));
    }
    Ok(exp)
}

/// Refuses output targets that cannot be written, before any work is done.
fn check_targets(json: Option<&str>, out: Option<&PathBuf>) -> Outcome {
    if let Some(path) = json.filter(|p| *p != "-") {
        report::output::check_file(std::path::Path::new(path)).map_err(|e| Failure::Usage(format!("--json {e}")))?;
    }
    if let Some(dir) = out {
        OutputDir::check(dir).map_err(|e| Failure::Usage(format!("--out {e}")))?;
    }
    Ok(())
}

/// Writes the JSON and the output folder (before anything is printed), then the table.
fn finish(
    scenario: &Scenario,
    result: &ExperimentResult,
    json: Option<&str>,
    out: Option<&PathBuf>,
    base: Option<&str>,
) -> Outcome {
    let comparisons: Vec<(String, String)> = base
        .map(|b| result.variants.iter().filter(|v| v.name != b).map(|v| (b.to_string(), v.name.clone())).collect())
        .unwrap_or_default();
    let json_text = report::json_text(result, &comparisons).map_err(run_failure)?;
    if let Some(dir) = out {
        let mut set = OutputDir::create(dir).map_err(run_failure)?;
        let names = report::write_run(&mut set, scenario, result, &comparisons).map_err(run_failure)?;
        set.commit(&format!("seed {} at {:?}", result.seed, std::time::SystemTime::now())).map_err(run_failure)?;
        note(&format!("wrote {} to {}", names.join(", "), dir.display()));
    }
    match json {
        Some("-") => say(&format!("{json_text}\n"))?,
        Some(path) => {
            report::output::write_file(std::path::Path::new(path), json_text.as_bytes()).map_err(run_failure)?
        }
        None => {}
    }
    if json != Some("-") {
        let mut text = format!(
            "{} — {} replications per variant, seed {}, {} threads, {:.1} s\n\n{}",
            result.scenario,
            result.replications,
            result.seed,
            result.threads,
            result.wall_seconds,
            report::table(result)
        );
        if let Some(b) = base {
            text += &report::comparison_table(result, b);
        }
        say(&text)?;
    }
    if result.interrupted {
        return Err(Failure::Interrupted(format!(
            "interrupted: {} replications per variant were completed and written; the run is incomplete",
            result.replications
        )));
    }
    Ok(())
}

/// Runs an experiment here, or spread over MPI ranks (`None` on ranks other than 0).
type Executor<'a> = &'a dyn Fn(&Experiment, &Scenario) -> Result<Option<ExperimentResult>, String>;

fn run(args: &RunArgs, base: Option<&Option<String>>, execute: Executor<'_>, distributed: bool) -> Outcome {
    let scenario = load(&args.file)?;
    let mut variants = if args.variants.is_empty() {
        corridor::experiment::default_variants(&scenario)
    } else {
        args.variants.clone()
    };
    let base = base.map(|b| b.clone().unwrap_or_else(|| variants[0].clone()));
    if let Some(b) = &base {
        scenario.check_variant_name(b).map_err(|e| Failure::Usage(format!("--base: {e}")))?;
        if !variants.contains(b) {
            variants.insert(0, b.clone());
        }
    }
    let exp = experiment(&scenario, args, variants, distributed)?;
    let Some(result) = execute(&exp, &scenario).map_err(run_failure)? else {
        return Ok(());
    };
    if let (Some(shard), Some(dir)) = (exp.shard, &args.out) {
        if result.interrupted {
            return Err(Failure::Interrupted(
                "interrupted: a partial shard is not written; run the shard again".into(),
            ));
        }
        let part = ShardResult::new(&result, scenario.text(), shard, exp.replications);
        let mut set = OutputDir::create(dir).map_err(run_failure)?;
        set.write("shard.json", &serde_json::to_vec(&part).map_err(run_failure)?).map_err(run_failure)?;
        set.commit(&format!("shard {}/{}", shard.index, shard.count)).map_err(run_failure)?;
        note(&format!(
            "shard {}/{}: {} replications of {} variants written to {}",
            shard.index,
            shard.count,
            part.replications.len(),
            result.variants.len(),
            dir.join("shard.json").display()
        ));
        return Ok(());
    }
    finish(&scenario, &result, args.json.as_deref(), args.out.as_ref(), base.as_deref())
}

fn sweep(args: &RunArgs) -> Outcome {
    for (given, flag) in [
        (!args.variants.is_empty(), "--variant"),
        (args.shard.is_some(), "--shard"),
        (args.precision.is_some(), "--precision"),
    ] {
        if given {
            return Err(Failure::Usage(format!(
                "sweep does not take {flag}: it runs the grid of the file's [sweep], on the variant named by its `base`"
            )));
        }
    }
    let scenario = load(&args.file)?;
    let exp = experiment(&scenario, args, vec![BASE.into()], false)?;
    let result = run_sweep(&scenario, &exp, Some(&progress)).map_err(run_failure)?;
    if let Some(dir) = &args.out {
        let mut set = OutputDir::create(dir).map_err(run_failure)?;
        let names = report::write_sweep(&mut set, &result).map_err(run_failure)?;
        set.commit(&format!("sweep, seed {}", exp.seed)).map_err(run_failure)?;
        note(&format!("wrote {} to {}", names.join(", "), dir.display()));
    }
    let json_text = report::json_text(&result.result, &[]).map_err(run_failure)?;
    match args.json.as_deref() {
        Some("-") => say(&format!("{json_text}\n"))?,
        Some(path) => {
            report::output::write_file(std::path::Path::new(path), json_text.as_bytes()).map_err(run_failure)?
        }
        None => {}
    }
    if args.json.as_deref() != Some("-") {
        let mut text = format!(
            "sweep of {} — {} replications per point (common random numbers)\n\n{:<50} {:>14} {:>26}\n",
            result.result.scenario, result.result.replications, "point", result.kpi, "95% CI"
        );
        for (label, point) in result.curve() {
            text += &match point {
                Some(p) => format!("{label:<50} {:>14.3} {:>12.3} – {:<12.3}\n", p.mean, p.lo, p.hi),
                None => format!("{label:<50} {:>14}\n", "(every replication saturated)"),
            };
        }
        say(&text)?;
    }
    if result.result.interrupted {
        return Err(Failure::Interrupted(format!(
            "interrupted: {} points were completed and written",
            result.result.variants.len()
        )));
    }
    Ok(())
}

fn merge(shards: &[PathBuf], out: &PathBuf, json: Option<&str>) -> Outcome {
    check_targets(json, Some(out))?;
    let mut parts = Vec::new();
    for path in shards {
        let file = if path.is_dir() { path.join("shard.json") } else { path.clone() };
        let text = std::fs::read(&file).map_err(|e| Failure::Run(format!("cannot read {}: {e}", file.display())))?;
        let part: ShardResult = serde_json::from_slice(&text)
            .map_err(|e| Failure::Run(format!("{}: not a corridor shard: {e}", file.display())))?;
        parts.push((file.display().to_string(), part));
    }
    let scenario_text = parts.first().map(|(_, p)| p.scenario_text.clone()).unwrap_or_default();
    let scenario = Scenario::from_str(&scenario_text, "the shards' scenario").map_err(run_failure)?;
    let keys: Vec<Vec<String>> = parts
        .first()
        .map(|(_, p)| p.identity.variants.clone())
        .unwrap_or_default()
        .iter()
        .map(|v| {
            scenario.variant(v).ok().and_then(|s| Network::compile(&s).ok()).map(|n| kpi_keys(&n)).unwrap_or_default()
        })
        .collect();
    let (result, _) = shard::merge(&parts, Some(&keys)).map_err(run_failure)?;
    note(&format!("merged {} shards: {} replications per variant", parts.len(), result.replications));
    finish(&scenario, &result, json, Some(out), None)
}

fn validate(file: &std::path::Path) -> Outcome {
    let scenario = load(file)?;
    let b = scenario.base();
    let names = scenario.variant_names();
    let mut text = format!(
        "{}: valid — \"{}\"\n  {} ports, {} other nodes, {} sea links, {} rail links, {} ship services, {} train services, {} arrival streams, {} flows, {} weather areas\n  horizon {} days after {} days of warm-up; {} replications by default, seed {}\n  variants: {}\n",
        file.display(),
        b.scenario.name,
        b.ports.len(),
        b.nodes.len(),
        b.sea_links.len(),
        b.rail_links.len(),
        b.ship_services.len(),
        b.train_services.len(),
        b.ship_arrivals.len(),
        b.flows.len(),
        b.weather.len(),
        b.scenario.horizon_days,
        b.scenario.warmup_days,
        b.scenario.replications,
        b.scenario.seed,
        if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
    );
    if let Some(sweep) = scenario.sweep() {
        text += &format!("  sweep: {} points\n", sweep.len());
    }
    say(&text)
}

fn main() {
    let code = run_cli();
    std::process::exit(code);
}

/// Runs the command and returns the exit code (MPI is finalised when this returns).
fn run_cli() -> i32 {
    let cli = Cli::parse();
    #[cfg(feature = "mpi")]
    let universe = mpi::initialize();
    #[cfg(feature = "mpi")]
    let world = universe.as_ref().map(|u| u.world());
    #[cfg(feature = "mpi")]
    let ranks = world.as_ref().map_or(1, mpi::traits::Communicator::size);
    #[cfg(not(feature = "mpi"))]
    let ranks = 1;
    let distributed = ranks > 1;
    let here = |exp: &Experiment, scenario: &Scenario| {
        exp.run(scenario, Some(&progress)).map(Some).map_err(|e: ExperimentError| e.to_string())
    };
    #[cfg(feature = "mpi")]
    let mpi_run = |exp: &Experiment, scenario: &Scenario| match &world {
        Some(w) if ranks > 1 => corridor::experiment::distributed::run_distributed(exp, scenario, w, Some(&progress)),
        _ => here(exp, scenario),
    };
    #[cfg(feature = "mpi")]
    let execute: Executor<'_> = &mpi_run;
    #[cfg(not(feature = "mpi"))]
    let execute: Executor<'_> = &here;
    #[cfg(feature = "mpi")]
    let follower = distributed && world.as_ref().is_some_and(|w| mpi::traits::Communicator::rank(w) != 0);
    #[cfg(not(feature = "mpi"))]
    let follower = false;
    let outcome = match &cli.command {
        Command::Run(args) if distributed && args.shard.is_some() => Err(Failure::Usage(
            "--shard cannot be combined with mpirun: the ranks already share the replications".into(),
        )),
        Command::Run(args) => run(args, None, execute, distributed),
        Command::Compare { run: args, base } => run(args, Some(base), execute, distributed),
        _ if follower => Ok(()),
        Command::Sweep { run: args } => sweep(args),
        Command::Merge { shards, out, json } => merge(shards, out, json.as_deref()),
        Command::Validate { file } => validate(file),
    };
    match outcome {
        Ok(()) => 0,
        Err(Failure::Usage(m)) => {
            note(&format!("error: {m}"));
            2
        }
        Err(Failure::Run(m)) => {
            note(&if m.starts_with("error:") { m } else { format!("error: {m}") });
            1
        }
        Err(Failure::Interrupted(m)) => {
            note(&m);
            130
        }
    }
}
