//! The `corridor` command-line tool: a thin shell over the library.
//!
//! Exit codes: 0 success; 1 invalid scenario or failed run (one clear message on
//! stderr); 2 bad command-line usage; 130 interrupted by Ctrl-C (completed
//! replications were written).

use clap::{Parser, Subcommand};
use corridor::engine::SimTime;
use corridor::experiment::shard::{self, ShardResult};
use corridor::experiment::{Experiment, ExperimentResult, PrecisionTarget, Progress, Shard, default_variants};
use corridor::model::{Network, run_traced};
use corridor::report;
use corridor::scenario::Scenario;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

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
    /// Variant to run (repeatable; `base` is the unmodified scenario). Default: all declared.
    #[arg(long = "variant")]
    variants: Vec<String>,
    /// Replications per variant (default: the scenario's).
    #[arg(long, conflicts_with = "precision")]
    replications: Option<u64>,
    /// Run until the 95 % CI half-width of KPI is below REL × mean, e.g. port.baku.ship_wait_hours.mean=0.05.
    #[arg(long, value_name = "KPI=REL")]
    precision: Option<String>,
    /// Most replications with --precision.
    #[arg(long, default_value_t = 1000)]
    max_replications: u64,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Write summary.json, summary.csv and replications.csv to this folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the JSON document to this file, or `-` for stdout.
    #[arg(long)]
    json: Option<String>,
    /// Run only shard K of N (K from 0): replications r with r % N == K. Writes DIR/shard.json
    /// (needs --out); combine shards with `corridor merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Slurm job-array task id (sets the shard with --slurm-task-count).
    #[arg(long, env = "SLURM_ARRAY_TASK_ID", hide = true)]
    slurm_task_id: Option<u64>,
    /// Slurm job-array task count.
    #[arg(long, env = "SLURM_ARRAY_TASK_COUNT", hide = true)]
    slurm_task_count: Option<u64>,
    /// Slurm job-array lowest task id (0 when the array starts at 0).
    #[arg(long, env = "SLURM_ARRAY_TASK_MIN", hide = true)]
    slurm_task_min: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the base and variants; print headline KPIs with 95 % confidence intervals.
    Run(RunArgs),
    /// Paired comparisons (common random numbers) of every variant against a base.
    Compare {
        #[command(flatten)]
        run: RunArgs,
        /// The variant to compare against.
        #[arg(long, default_value = "baseline")]
        base: String,
    },
    /// Run the sweep declared in the file.
    Sweep {
        #[command(flatten)]
        run: RunArgs,
    },
    /// Combine shard results (from `run --shard`) into the output of a single run.
    Merge {
        /// Folders (or shard.json files) written by `corridor run --shard K/N --out DIR`.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Folder for the merged summary.json, CSV files and charts.
        #[arg(long)]
        out: PathBuf,
        /// Also write the JSON document to this file, or `-` for stdout.
        #[arg(long)]
        json: Option<String>,
    },
    /// Check a scenario: every error (exit 1) or a short summary (exit 0).
    Validate {
        /// Scenario file.
        file: PathBuf,
    },
}

fn load(file: &Path) -> Result<Scenario, String> {
    Scenario::load(file).map_err(|e| e.to_string())
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} replications ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn experiment(scenario: &Scenario, args: &RunArgs, variants: Vec<String>) -> Result<Experiment, String> {
    let settings = &scenario.base().scenario;
    let precision = match &args.precision {
        None => None,
        Some(spec) => {
            let (kpi, rel) = spec
                .split_once('=')
                .ok_or("--precision takes KPI=REL, e.g. port.baku.ship_wait_hours.mean=0.05")?;
            let relative: f64 = rel
                .parse()
                .map_err(|_| format!("--precision: {rel:?} is not a number"))?;
            if !(relative > 0.0 && relative < 1.0) {
                return Err("--precision: REL must be between 0 and 1, e.g. 0.05".into());
            }
            Some(PrecisionTarget {
                kpi: kpi.to_string(),
                relative,
                max_replications: args.max_replications,
            })
        }
    };
    let replications = args.replications.unwrap_or(settings.replications);
    if !(2..=corridor::scenario::limits::MAX_REPLICATIONS).contains(&replications) {
        return Err(format!(
            "--replications must be from 2 to {}",
            corridor::scenario::limits::MAX_REPLICATIONS
        ));
    }
    let shard = shard(args)?;
    if shard.is_some() && precision.is_some() {
        return Err("--shard and --precision cannot be combined: the stopping rule needs every replication".into());
    }
    if shard.is_some() && args.out.is_none() {
        return Err("--shard needs --out DIR (the shard result is written to DIR/shard.json)".into());
    }
    Ok(Experiment {
        variants,
        replications: if precision.is_some() { 10 } else { replications },
        seed: args.seed.unwrap_or(settings.seed),
        threads: args.threads,
        precision,
        shard,
        interrupt: Some(interrupt_flag()),
    })
}

/// The shard from --shard K/N, else from Slurm's job-array variables, else none.
fn shard(args: &RunArgs) -> Result<Option<Shard>, String> {
    let valid = "--shard takes K/N with 0 <= K < N, e.g. 2/8";
    let (index, count) = match (&args.shard, args.slurm_task_id, args.slurm_task_count) {
        (Some(text), _, _) => {
            let (k, n) = text.split_once('/').ok_or(valid)?;
            (
                k.trim().parse::<u64>().map_err(|_| valid)?,
                n.trim().parse::<u64>().map_err(|_| valid)?,
            )
        }
        (None, Some(id), Some(count)) => (id.saturating_sub(args.slurm_task_min.unwrap_or(0)), count),
        _ => return Ok(None),
    };
    if count == 0 || index >= count {
        return Err(format!("{valid} (got {index}/{count})"));
    }
    Ok(Some(Shard { index, count }))
}

/// Set by the first Ctrl-C; a second Ctrl-C exits at once.
static INTERRUPT: OnceLock<Arc<AtomicBool>> = OnceLock::new();

fn interrupt_flag() -> Arc<AtomicBool> {
    INTERRUPT
        .get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler_flag = Arc::clone(&flag);
        let _ = ctrlc::set_handler(move || {
            if handler_flag.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: finishing the replications in progress, then writing what is done (Ctrl-C again to quit now)");
        });
        flag
    })
    .clone()
}

fn outputs(result: &ExperimentResult, args: &RunArgs, comparisons: &[(String, String)]) -> Result<(), String> {
    let doc = report::to_json(result, comparisons);
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    if let Some(target) = &args.json {
        if target == "-" {
            println!("{text}");
        } else {
            report::write_atomic(Path::new(target), text.as_bytes())
                .map_err(|e| format!("cannot write {target}: {e}"))?;
        }
    }
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let write = |name: &str, bytes: &[u8]| {
            report::write_atomic(&dir.join(name), bytes)
                .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
        };
        write("summary.json", text.as_bytes())?;
        write("summary.csv", &report::summary_csv(result).map_err(|e| e.to_string())?)?;
        write(
            "replications.csv",
            &report::replications_csv(result).map_err(|e| e.to_string())?,
        )?;
        eprintln!("wrote summary.json, summary.csv, replications.csv to {}", dir.display());
    }
    Ok(())
}

/// Charts of a run: waits and occupancy per variant, and for the first variant's
/// replication 0 the yard stock over time and the transit-time distribution.
fn run_charts(scenario: &Scenario, result: &ExperimentResult, dir: &Path) -> Result<(), String> {
    let mut written = report::charts::run_charts(result, dir)?;
    if let Some(first) = result.variants.first() {
        let spec = scenario.variant(&first.name).map_err(|e| e.to_string())?;
        let network = Network::compile(&spec).map_err(|e| e.to_string())?;
        let (_, trace) = run_traced(&network, result.seed, 0, SimTime::from_whole_hours(24));
        report::charts::yard_stock(&trace, &first.name, &dir.join("yard_stock.svg"))?;
        report::charts::transit_distribution(&trace, &first.name, &dir.join("transit_times.svg"))?;
        written.extend(["yard_stock.svg".to_string(), "transit_times.svg".to_string()]);
    }
    eprintln!("wrote charts {} to {}", written.join(", "), dir.display());
    Ok(())
}

/// How an experiment is executed: on this machine, or spread over MPI ranks.
/// Returns `None` on MPI ranks other than 0 (they write nothing).
type Executor<'a> =
    &'a dyn Fn(&Experiment, &Scenario, Option<Progress<'_>>) -> Result<Option<ExperimentResult>, String>;

fn run_here(
    exp: &Experiment,
    scenario: &Scenario,
    progress: Option<Progress<'_>>,
) -> Result<Option<ExperimentResult>, String> {
    exp.run(scenario, progress).map(Some).map_err(|e| e.to_string())
}

fn run(args: &RunArgs, compare_base: Option<&str>, execute: Executor<'_>) -> Result<(), String> {
    let scenario = load(&args.file)?;
    let mut variants = if args.variants.is_empty() {
        default_variants(&scenario)
    } else {
        args.variants.clone()
    };
    if let Some(base) = compare_base
        && !variants.iter().any(|v| v == base)
    {
        variants.insert(0, base.to_string());
    }
    let exp = experiment(&scenario, args, variants)?;
    let bar = progress_bar();
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let Some(result) = execute(&exp, &scenario, Some(&progress))? else {
        return Ok(());
    };
    bar.finish_and_clear();
    if let (Some(shard), Some(dir)) = (exp.shard, &args.out) {
        let shard_result = ShardResult::new(&result, scenario.text(), shard, exp.replications);
        if result.interrupted {
            return Err("interrupted: a partial shard is not written; run the shard again".into());
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let text = serde_json::to_string(&shard_result).map_err(|e| e.to_string())?;
        report::write_atomic(&dir.join("shard.json"), text.as_bytes()).map_err(|e| e.to_string())?;
        println!(
            "shard {}/{}: {} replications of {} variants written to {}",
            shard.index,
            shard.count,
            shard_result.replications.len(),
            result.variants.len(),
            dir.join("shard.json").display()
        );
        return Ok(());
    }
    let to_stdout_json = args.json.as_deref() == Some("-");
    let comparisons: Vec<(String, String)> = match compare_base {
        Some(base) => result
            .variants
            .iter()
            .filter(|v| v.name != base)
            .map(|v| (base.to_string(), v.name.clone()))
            .collect(),
        None => Vec::new(),
    };
    if !to_stdout_json {
        println!(
            "{} — {} replications per variant, seed {}, {} threads, {:.1} s\n",
            result.scenario, result.replications, result.seed, result.threads, result.wall_seconds
        );
        println!("{}", report::table(&result));
        if let Some(base) = compare_base {
            println!("{}", report::comparison_table(&result, base));
        }
    }
    outputs(&result, args, &comparisons)?;
    if let Some(dir) = &args.out {
        run_charts(&scenario, &result, dir)?;
    }
    if result.interrupted {
        return Err(format!(
            "interrupted: {} replications per variant were completed and written; the run is incomplete",
            result.replications
        ));
    }
    Ok(())
}

fn merge(shards: &[PathBuf], out: &Path, json: Option<&str>) -> Result<(), String> {
    let mut parts = Vec::new();
    for path in shards {
        let file = if path.is_dir() {
            path.join("shard.json")
        } else {
            path.clone()
        };
        let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let shard: ShardResult =
            serde_json::from_str(&text).map_err(|e| format!("{}: not a shard result: {e}", file.display()))?;
        parts.push((file.display().to_string(), shard));
    }
    let (result, scenario_text) = shard::merge(&parts).map_err(|e| e.to_string())?;
    let scenario = Scenario::from_str(&scenario_text, &result.scenario).map_err(|e| e.to_string())?;
    let args = RunArgs {
        file: PathBuf::new(),
        variants: Vec::new(),
        replications: None,
        precision: None,
        max_replications: 0,
        seed: None,
        threads: None,
        out: Some(out.to_path_buf()),
        json: json.map(str::to_string),
        shard: None,
        slurm_task_id: None,
        slurm_task_count: None,
        slurm_task_min: None,
    };
    println!(
        "merged {} shards: {} replications per variant",
        parts.len(),
        result.replications
    );
    outputs(&result, &args, &[])?;
    run_charts(&scenario, &result, out)
}

fn sweep(args: &RunArgs) -> Result<(), String> {
    let scenario = load(&args.file)?;
    let points = scenario.sweep_points().map_err(|e| e.to_string())?;
    let Some(spec) = &scenario.base().sweep else {
        return Err(format!("{} declares no [sweep]", args.file.display()));
    };
    let kpi = spec.kpi.clone().unwrap_or_else(|| "system.delivered_tonnes".into());
    let exp = experiment(&scenario, args, Vec::new())?;
    let networks: Vec<(String, Network)> = points
        .iter()
        .map(|p| Network::compile(&p.spec).map(|n| (p.label.clone(), n)))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let bar = progress_bar();
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let result = exp.run_networks(&scenario.base().scenario.name, networks, Some(&progress));
    bar.finish_and_clear();
    println!(
        "sweep of {} — {} replications per point (common random numbers)\n",
        result.scenario, result.replications
    );
    println!("{:<50} {:>14} {:>26}", "point", kpi, "95% CI");
    let mut curve = Vec::new();
    for (v, point) in result.variants.iter().zip(&points) {
        match v.summary(&kpi) {
            Some(s) => {
                println!(
                    "{:<50} {:>14.3} {:>12.3} – {:<12.3}",
                    v.name, s.mean, s.ci95[0], s.ci95[1]
                );
                curve.push((
                    point.values.first().copied().unwrap_or(f64::NAN),
                    s.mean,
                    s.ci95[0],
                    s.ci95[1],
                ));
            }
            None => println!("{:<50} {:>14}", v.name, "(unknown KPI or all replications saturated)"),
        }
    }
    outputs(&result, args, &[])?;
    if let Some(dir) = &args.out {
        let mut rows = csv::Writer::from_writer(Vec::new());
        rows.write_record(["point", "parameter_value", "mean", "ci95_lo", "ci95_hi"])
            .map_err(|e| e.to_string())?;
        for (v, c) in result.variants.iter().zip(&curve) {
            rows.write_record([
                v.name.clone(),
                c.0.to_string(),
                c.1.to_string(),
                c.2.to_string(),
                c.3.to_string(),
            ])
            .map_err(|e| e.to_string())?;
        }
        let bytes = rows.into_inner().map_err(|e| e.to_string())?;
        report::write_atomic(&dir.join("sweep.csv"), &bytes).map_err(|e| e.to_string())?;
        let parameter = spec.axes.first().map_or("parameter", |a| a.parameter.as_str());
        if spec.axes.len() == 1 {
            report::charts::sweep_chart(&curve, parameter, &kpi, &dir.join("sweep.svg"))?;
            eprintln!("wrote sweep.csv and sweep.svg to {}", dir.display());
        } else {
            eprintln!(
                "wrote sweep.csv to {} (charts are drawn for one-axis sweeps)",
                dir.display()
            );
        }
    }
    Ok(())
}

fn validate(file: &Path) -> Result<(), String> {
    let scenario = load(file)?;
    let b = scenario.base();
    println!("{}: valid — \"{}\"", file.display(), b.scenario.name);
    println!(
        "  {} ports, {} other nodes, {} sea links, {} rail links, {} ship services, {} train services, {} arrival streams, {} flows, {} weather areas",
        b.ports.len(),
        b.nodes.len(),
        b.sea_links.len(),
        b.rail_links.len(),
        b.ship_services.len(),
        b.train_services.len(),
        b.ship_arrivals.len(),
        b.flows.len(),
        b.weather.len()
    );
    println!(
        "  horizon {} days after {} days of warm-up; {} replications by default",
        b.scenario.horizon_days, b.scenario.warmup_days, b.scenario.replications
    );
    let names = scenario.variant_names();
    println!(
        "  variants: {}",
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    );
    let points = scenario.sweep_points().map_err(|e| e.to_string())?;
    if !points.is_empty() {
        println!("  sweep: {} points", points.len());
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    #[cfg(feature = "mpi")]
    let universe = mpi::initialize();
    #[cfg(feature = "mpi")]
    let world = universe.as_ref().map(|u| u.world());
    #[cfg(feature = "mpi")]
    let ranks = world.as_ref().map_or(1, mpi::traits::Communicator::size);
    #[cfg(feature = "mpi")]
    let distributed = |exp: &Experiment, scenario: &Scenario, progress: Option<Progress<'_>>| match &world {
        Some(w) if ranks > 1 => {
            if exp.shard.is_some() {
                return Err("--shard cannot be combined with mpirun: the ranks already share the replications".into());
            }
            corridor::experiment::distributed::run_distributed(exp, scenario, w, progress)
        }
        _ => run_here(exp, scenario, progress),
    };
    #[cfg(feature = "mpi")]
    let execute: Executor<'_> = &distributed;
    #[cfg(not(feature = "mpi"))]
    let execute: Executor<'_> = &run_here;
    // Under MPI, commands other than run/compare are done by rank 0 alone.
    #[cfg(feature = "mpi")]
    let follower = ranks > 1 && world.as_ref().is_some_and(|w| mpi::traits::Communicator::rank(w) != 0);
    #[cfg(not(feature = "mpi"))]
    let follower = false;
    let outcome = match &cli.command {
        Command::Run(args) => run(args, None, execute),
        Command::Compare { run: args, base } => run(args, Some(base), execute),
        _ if follower => Ok(()),
        Command::Sweep { run: args } => sweep(args),
        Command::Merge { shards, out, json } => merge(shards, out, json.as_deref()),
        Command::Validate { file } => validate(file),
    };
    let interrupted = INTERRUPT.get().is_some_and(|f| f.load(Ordering::SeqCst));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(if interrupted { 130 } else { 1 })
        }
    }
}
