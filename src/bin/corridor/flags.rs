//! Flags several commands share: which KPIs the files carry, the random numbers and
//! threads, and whole numbers read with their valid range.

use crate::output::Failure;
use corridor::experiment::capacity::Criterion;
use corridor::experiment::{Experiment, MAX_THREADS, Shard};
use corridor::report::KpiSelection;

/// Which KPIs the JSON and CSV files carry: the same flags for `run`, `compare`,
/// `sweep` and `merge`.
#[derive(clap::Args)]
pub(crate) struct KpiFlags {
    /// Write every KPI key to summary.json, summary.csv and replications.csv (by default only the headline KPIs go there).
    #[arg(long, conflicts_with = "kpis")]
    pub(crate) all_kpis: bool,
    /// Also write the KPIs whose keys match PATTERN (repeatable; `*` stands for any characters), e.g. 'year.*.service.*'.
    #[arg(long = "kpis", value_name = "PATTERN")]
    pub(crate) kpis: Vec<String>,
}

impl KpiFlags {
    /// `--all-kpis`, or the headline KPIs and the `--kpis` patterns.
    pub(crate) fn selection(&self) -> KpiSelection {
        if self.all_kpis { KpiSelection::all() } else { KpiSelection::headline_and(&self.kpis) }
    }
}

/// The random numbers and the threads: the same flags for every command that simulates.
#[derive(clap::Args)]
pub(crate) struct Sampling {
    /// Master seed (default: the scenario's `seed`, which defaults to 42).
    #[arg(long, value_parser = whole::<0, { u64::MAX }>)]
    pub(crate) seed: Option<u64>,
    /// Worker threads; 0 means one per core (the default).
    #[arg(long, default_value_t = 0, value_parser = whole::<0, { MAX_THREADS as u64 }>)]
    pub(crate) threads: u64,
}

impl Sampling {
    /// Applies the flags to an experiment.
    pub(crate) fn apply(&self, exp: &mut Experiment) {
        exp.seed = self.seed.unwrap_or(exp.seed);
        exp.threads = (self.threads > 0).then_some(self.threads as usize);
    }
}

/// Reads a whole number from `LO` to `HI` for a flag; clap names the flag, this says
/// what was wrong and what is valid (a negative number or a fraction included).
pub(crate) fn whole<const LO: u64, const HI: u64>(text: &str) -> Result<u64, String> {
    let valid = format!("valid: a whole number from {LO} to {HI}");
    match text.trim().parse::<i128>() {
        Ok(n) if (i128::from(LO)..=i128::from(HI)).contains(&n) => Ok(n as u64),
        Ok(n) => Err(format!("{n} is out of range ({valid})")),
        Err(_) => Err(format!("not a whole number ({valid})")),
    }
}

/// A Slurm job array's variables, read from the environment: inside an array task
/// they choose the shard when `--shard` is not given.
#[derive(clap::Args)]
pub(crate) struct SlurmArray {
    #[arg(long, env = "SLURM_ARRAY_TASK_ID", hide = true)]
    pub(crate) slurm_task_id: Option<u64>,
    #[arg(long, env = "SLURM_ARRAY_TASK_COUNT", hide = true)]
    pub(crate) slurm_task_count: Option<u64>,
    #[arg(long, env = "SLURM_ARRAY_TASK_MIN", hide = true)]
    pub(crate) slurm_task_min: Option<u64>,
}

impl SlurmArray {
    /// The shard to run: `given` (from `--shard`), or the array task's.
    pub(crate) fn shard(&self, given: Option<Shard>) -> Result<Option<Shard>, Failure> {
        match (given, self.slurm_task_id, self.slurm_task_count) {
            (None, Some(id), Some(count)) => Shard::from_slurm(id, count, self.slurm_task_min)
                .map(Some)
                .map_err(|e| Failure::Usage(format!("Slurm variables: {e}"))),
            (given, _, _) => Ok(given),
        }
    }
}

/// The `--criterion` flags, parsed; a mistake is a usage error.
pub(crate) fn criteria(texts: &[String]) -> Result<Vec<Criterion>, Failure> {
    texts
        .iter()
        .map(|c| Criterion::parse(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Usage(format!("--criterion: {e}")))
}
