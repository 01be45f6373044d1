//! The `corridor` command-line tool: a thin shell over the library. It parses
//! arguments, calls the library and prints.
//!
//! Exit codes: 0 success; 1 invalid scenario or failed run; 2 bad command-line usage;
//! 130 interrupted by Ctrl-C (completed replications were written). Every error line
//! starts with `error:`. A closed standard output (`| head`) ends the program quietly.
//!
//! `main.rs` only dispatches: each command's flags and work are in `commands/`, the
//! flags several commands share in `flags.rs`, and how output and failures reach the
//! user in `output.rs`.

mod commands;
mod flags;
mod output;

use clap::{Parser, Subcommand};
use commands::{capacity, new, plan, run, sensitivity};
use corridor::experiment::cluster::Cluster;
use corridor::report::publish;
use corridor::report::terminal::note;
use flags::KpiFlags;
use output::{Failure, load, say};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "corridor", version, about = "Discrete-event simulation of freight corridors")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the variants; print headline KPIs with 95 % confidence intervals.
    #[command(allow_negative_numbers = true)]
    Run(run::RunArgs),
    /// Paired differences (common random numbers) of every variant against a base.
    #[command(allow_negative_numbers = true)]
    Compare {
        #[command(flatten)]
        run: run::RunArgs,
        /// The variant to compare against (default: the first variant run).
        #[arg(long)]
        base: Option<String>,
    },
    /// Run the sweep declared in the file's [sweep].
    #[command(allow_negative_numbers = true)]
    Sweep {
        #[command(flatten)]
        run: run::RunArgs,
    },
    /// The capacity sheet (--static), or the largest demand factor on tagged flows that
    /// keeps the corridor stable and every --criterion true.
    #[command(allow_negative_numbers = true)]
    Capacity(capacity::CapacityArgs),
    /// The cheapest set of candidate upgrades, with dates, that keeps every year stable
    /// and every --criterion true.
    #[command(allow_negative_numbers = true)]
    Plan(plan::PlanArgs),
    /// Which uncertain inputs ([uncertain.<id>]) move each --kpi most: Morris elementary effects with 95 % intervals and the simulation noise.
    #[command(allow_negative_numbers = true)]
    Sensitivity(sensitivity::SensitivityArgs),
    /// Combine shard results (from `run --shard`, `capacity --uncertain N --shard` or `sensitivity --shard`) into the output of a single run.
    Merge {
        /// Folders (or shard.json / capacity_shard.json / sensitivity_shard.json files) written by `corridor run`, `capacity` or `sensitivity` with `--shard K/N --out DIR` (a folder's uncertain_shard.json, from `run --uncertain`, is merged too).
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
        Command::Run(args) => run::run(args, None, &cluster),
        Command::Compare { run: args, base } => run::run(args, Some(base), &cluster),
        Command::Sensitivity(args) => sensitivity::sensitivity(args, &cluster),
        Command::Capacity(args) => capacity::capacity(args, &cluster),
        _ if !cluster.is_root() => Ok(()),
        Command::Sweep { run: args } => run::sweep(args),
        Command::Plan(args) => plan::plan(args),
        Command::Merge { shards, out, json, kpis } => run::merge(shards, out, json.as_deref(), kpis.selection()),
        Command::Validate { file } => load(file).and_then(|s| say(&publish::scenario_summary(&s))),
        Command::New { file, force } => new::new_scenario(file, *force),
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
