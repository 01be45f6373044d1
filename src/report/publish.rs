//! Publishing results the way the command line does: to an output folder (written as
//! one set), to a JSON file or standard output, and as readable text.

use super::decision::{decision_table, headline_comparison};
use super::output::{OutputDir, OutputError, check_file, write_file};
use super::{
    ReportError, comparison_table, conservation_line, json_text, precision_text, saturation_text, table, write_run,
    write_sweep,
};
use crate::experiment::ExperimentResult;
use crate::experiment::capacity::{CapacityAnswer, CapacitySearch};
use crate::experiment::shard::ShardResult;
use crate::experiment::sweep::SweepResult;
use crate::experiment::uncertainty::UncertainRun;
use crate::model::CapacitySheet;
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Where results go: an output folder (`--out`) and a JSON target (`--json`, where
/// `-` means standard output).
#[derive(Debug, Clone, Default)]
pub struct Destinations {
    /// The output folder.
    pub out: Option<PathBuf>,
    /// The JSON file, or `-`.
    pub json: Option<String>,
    /// Which KPIs the JSON and CSV files of runs and sweeps carry (default: the
    /// headline ones; see [`super::selection`]).
    pub kpis: super::KpiSelection,
}

/// What publishing wrote.
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// Files written to the output folder.
    pub files: Vec<String>,
    /// The JSON document, when it is meant for standard output.
    pub stdout_json: Option<String>,
}

impl Destinations {
    /// Whether the JSON goes to standard output (then nothing else may).
    pub fn json_to_stdout(&self) -> bool {
        self.json.as_deref() == Some("-")
    }

    /// Checks the targets before any work is done.
    ///
    /// # Errors
    /// A JSON target that is a folder, or an output folder holding other files.
    pub fn check(&self) -> Result<(), OutputError> {
        if let Some(path) = self.json.as_deref().filter(|p| *p != "-") {
            check_file(Path::new(path))?;
        }
        if let Some(dir) = &self.out {
            OutputDir::check(dir)?;
        }
        Ok(())
    }

    fn finish(&self, json: String, files: Vec<String>) -> Result<Published, ReportError> {
        match self.json.as_deref() {
            Some("-") => return Ok(Published { files, stdout_json: Some(json) }),
            Some(path) => write_file(Path::new(path), json.as_bytes())?,
            None => {}
        }
        Ok(Published { files, stdout_json: None })
    }

    /// Publishes a run: the output folder first, then the JSON. `base` names the
    /// variant the others are compared against, if any.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_run(
        &self,
        scenario: &Scenario,
        result: &ExperimentResult,
        base: Option<&str>,
    ) -> Result<Published, ReportError> {
        self.publish_run_across_inputs(scenario, result, base, None)
    }

    /// Publishes a run and, with `uncertain`, the same variants across input
    /// scenarios (`run --uncertain`): the JSON gains `uncertain`, the folder
    /// `uncertain.csv`.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_run_across_inputs(
        &self,
        scenario: &Scenario,
        result: &ExperimentResult,
        base: Option<&str>,
        uncertain: Option<&UncertainRun>,
    ) -> Result<Published, ReportError> {
        let comparisons = comparisons(result, base);
        let mut files = Vec::new();
        if let Some(dir) = &self.out {
            let mut set = OutputDir::create(dir)?;
            files = write_run(&mut set, scenario, result, &comparisons, &self.kpis, uncertain)?;
            set.commit(&run_id(result.seed))?;
        }
        self.finish(json_text(result, &comparisons, &self.kpis, uncertain)?, files)
    }

    /// Publishes a capacity search: `capacity.json`, `capacity.csv`, the charts and
    /// `report.html`.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_capacity(
        &self,
        scenario: &Scenario,
        search: &CapacitySearch,
        answers: &[CapacityAnswer],
        across: Option<&crate::experiment::uncertainty::UncertainCapacity>,
        seed: u64,
    ) -> Result<Published, ReportError> {
        let mut files = Vec::new();
        if let Some(dir) = &self.out {
            let mut set = OutputDir::create(dir)?;
            files = super::capacity::write_capacity(&mut set, scenario, search, answers, across, seed)?;
            set.commit(&run_id(seed))?;
        }
        let json = serde_json::to_string_pretty(&super::capacity::answers_json(search, answers, across, seed))?;
        self.finish(json, files)
    }

    /// Publishes a plan search (`corridor plan`): `plan.json`, `plans.csv`, `plan.txt`
    /// and `report.html`.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_plan(
        &self,
        scenario: &Scenario,
        answer: &crate::experiment::plan::PlanAnswer,
    ) -> Result<Published, ReportError> {
        let json = serde_json::to_string_pretty(&serde_json::json!({ "plan": answer }))?;
        let mut files = Vec::new();
        if let Some(dir) = &self.out {
            let mut set = OutputDir::create(dir)?;
            set.write("plan.json", json.as_bytes())?;
            set.write("plans.csv", &super::plan::plans_csv(answer)?)?;
            set.write("plan.txt", super::plan::plan_text(answer).as_bytes())?;
            files.extend(["plan.json", "plans.csv", "plan.txt"].map(String::from));
            let charts = super::plan::plan_charts(scenario, answer)?;
            for (name, svg) in &charts {
                set.write(name, svg.as_bytes())?;
                files.push(name.clone());
            }
            set.write("report.html", super::html::plan_report(scenario, answer, &files, &charts)?.as_bytes())?;
            files.push("report.html".into());
            set.commit(&run_id(answer.seed))?;
        }
        self.finish(json, files)
    }

    /// Publishes a robust plan (`corridor plan --robust P --uncertain N`):
    /// `robust_plan.json`, `robust_plans.csv` and `robust_plan.txt`.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_robust_plan(
        &self,
        answer: &crate::experiment::plan::robust::RobustAnswer,
    ) -> Result<Published, ReportError> {
        let json = serde_json::to_string_pretty(&serde_json::json!({ "robust_plan": answer }))?;
        let mut files = Vec::new();
        if let Some(dir) = &self.out {
            let mut set = OutputDir::create(dir)?;
            set.write("robust_plan.json", json.as_bytes())?;
            set.write("robust_plans.csv", &super::plan::robust_csv(answer)?)?;
            set.write("robust_plan.txt", super::plan::robust_text(answer).as_bytes())?;
            files.extend(["robust_plan.json", "robust_plans.csv", "robust_plan.txt"].map(String::from));
            set.commit(&run_id(answer.seed))?;
        }
        self.finish(json, files)
    }

    /// Publishes a sensitivity screening (`corridor sensitivity`): `sensitivity.json`,
    /// `sensitivity.csv`, `sensitivity.txt`, a chart per KPI, `sensitivity_<n>.svg`,
    /// and `report.html`.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_sensitivity(
        &self,
        scenario: &Scenario,
        screening: &crate::experiment::sensitivity::Sensitivity,
    ) -> Result<Published, ReportError> {
        let json = serde_json::to_string_pretty(&serde_json::json!({ "sensitivity": screening }))?;
        let mut files = Vec::new();
        if let Some(dir) = &self.out {
            let mut set = OutputDir::create(dir)?;
            set.write("sensitivity.json", json.as_bytes())?;
            set.write("sensitivity.csv", &super::sensitivity::csv(screening)?)?;
            set.write("sensitivity.txt", super::sensitivity::text(screening).as_bytes())?;
            files.extend(["sensitivity.json", "sensitivity.csv", "sensitivity.txt"].map(String::from));
            let charts = super::sensitivity::charts(screening)?;
            for (name, svg) in &charts {
                set.write(name, svg.as_bytes())?;
                files.push(name.clone());
            }
            set.write(
                "report.html",
                super::html::sensitivity_report(scenario, screening, &charts, &files)?.as_bytes(),
            )?;
            files.push("report.html".into());
            set.commit(&run_id(screening.seed))?;
        }
        self.finish(json, files)
    }

    /// Publishes capacity sheets (`corridor capacity --static`): `capacity_sheet.json`.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_sheets(&self, sheets: &[(String, CapacitySheet)]) -> Result<Published, ReportError> {
        let doc: Vec<serde_json::Value> =
            sheets.iter().map(|(v, s)| serde_json::json!({"variant": v, "sheet": s})).collect();
        let json = serde_json::to_string_pretty(&serde_json::json!({ "capacity_sheets": doc }))?;
        let mut files = Vec::new();
        if let Some(dir) = &self.out {
            let mut set = OutputDir::create(dir)?;
            set.write("capacity_sheet.json", json.as_bytes())?;
            files.push("capacity_sheet.json".to_string());
            set.commit(&run_id(0))?;
        }
        self.finish(json, files)
    }

    /// Publishes a sweep.
    ///
    /// # Errors
    /// A file cannot be formed or written.
    pub fn publish_sweep(&self, scenario: &Scenario, sweep: &SweepResult) -> Result<Published, ReportError> {
        let mut files = Vec::new();
        if let Some(dir) = &self.out {
            let mut set = OutputDir::create(dir)?;
            files = write_sweep(&mut set, scenario, sweep, &self.kpis)?;
            set.commit(&run_id(sweep.result.seed))?;
        }
        self.finish(json_text(&sweep.result, &[], &self.kpis, None)?, files)
    }
}

fn run_id(seed: u64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("seed {seed}, written at {now} ns after the epoch by process {}", std::process::id())
}

/// Writes a shard's result to `dir/shard.json` (the folder replaced as a whole).
///
/// # Errors
/// The folder cannot be written.
pub fn write_shard(dir: &Path, shard: &ShardResult) -> Result<(), ReportError> {
    let mut set = OutputDir::create(dir)?;
    set.write("shard.json", &serde_json::to_vec(shard)?)?;
    set.commit(&format!("shard {}/{}", shard.shard_index, shard.identity.shard_count))?;
    Ok(())
}

/// Writes a shard of `run --uncertain`: its nominal replications as `dir/shard.json`
/// and its input scenarios as `dir/uncertain_shard.json`, the folder replaced as a
/// whole.
///
/// # Errors
/// The folder cannot be written.
pub fn write_uncertain_shard(
    dir: &Path,
    shard: &ShardResult,
    inputs: &crate::experiment::uncertainty::shard::UncertainShard,
) -> Result<(), ReportError> {
    let mut set = OutputDir::create(dir)?;
    set.write("shard.json", &serde_json::to_vec(shard)?)?;
    set.write("uncertain_shard.json", &serde_json::to_vec(inputs)?)?;
    set.commit(&format!("shard {}/{} with input scenarios", shard.shard_index, shard.identity.shard_count))?;
    Ok(())
}

/// Writes a shard of `capacity --uncertain` as `dir/capacity_shard.json`.
///
/// # Errors
/// The folder or file cannot be written.
pub fn write_capacity_shard(
    dir: &Path,
    shard: &crate::experiment::uncertainty::capacity_shard::CapacityShard,
) -> Result<(), ReportError> {
    let mut set = OutputDir::create(dir)?;
    set.write("capacity_shard.json", &serde_json::to_vec(shard)?)?;
    set.commit(&format!("capacity shard {}/{}", shard.shard_index, shard.identity.shard_count))?;
    Ok(())
}

/// Writes a sensitivity shard as `dir/sensitivity_shard.json`.
///
/// # Errors
/// The folder or file cannot be written.
pub fn write_sensitivity_shard(
    dir: &Path,
    shard: &crate::experiment::sensitivity::SensitivityShard,
) -> Result<(), ReportError> {
    let mut set = OutputDir::create(dir)?;
    set.write("sensitivity_shard.json", &serde_json::to_vec(shard)?)?;
    set.commit(&format!("sensitivity shard {}/{}", shard.shard_index, shard.identity.shard_count))?;
    Ok(())
}

/// The `(base, variant)` pairs compared when `base` is given.
pub fn comparisons(result: &ExperimentResult, base: Option<&str>) -> Vec<(String, String)> {
    base.map(|b| result.variants.iter().filter(|v| v.name != b).map(|v| (b.to_string(), v.name.clone())).collect())
        .unwrap_or_default()
}

/// The readable report of a run: a header line, the decision table (one row per
/// variant, with the verdicts), the paired differences of the headline figures
/// against `base` when given, and with `all` the full KPI table and every headline
/// KPI's paired difference.
pub fn run_text(result: &ExperimentResult, base: Option<&str>, all: bool) -> String {
    let mut text = format!(
        "{} — {} replications per variant, seed {}, {} threads, {:.1} s\n\n{}",
        result.scenario,
        result.replications,
        result.seed,
        result.threads,
        result.wall_seconds,
        decision_table(result)
    );
    text += &saturation_text(result);
    text += &super::years::years_text(result);
    text += &super::years::costs_text(result);
    text += &precision_text(result);
    if let Some(b) = base {
        text += &headline_comparison(result, b);
    }
    if all {
        text += "\n";
        text += &table(result);
        if let Some(b) = base {
            text += "\n";
            text += &comparison_table(result, b);
        }
    }
    text += &conservation_line(result);
    text
}

/// The readable report of a sweep: the KPI's mean and 95 % CI at every point.
pub fn sweep_text(sweep: &SweepResult) -> String {
    let mut text = format!(
        "sweep of {} — {} replications per point (common random numbers)\n\n{:<50} {:>14} {:>26}\n",
        sweep.result.scenario, sweep.result.replications, "point", sweep.kpi, "95% CI"
    );
    for (label, point) in sweep.curve() {
        text += &match point {
            Some(p) => format!("{label:<50} {:>14.3} {:>12.3} – {:<12.3}\n", p.mean, p.lo, p.hi),
            None => format!("{label:<50} {:>14}\n", "(every replication saturated)"),
        };
    }
    text
}

/// A short summary of a valid scenario, as `corridor validate` prints it.
pub fn scenario_summary(scenario: &Scenario) -> String {
    let b = scenario.base();
    let names = scenario.variant_names();
    let mut text = format!(
        "{}: valid — \"{}\"\n  {} ports, {} other nodes, {} sea links, {} rail links, {} ship services, {} train services, \
         {} arrival streams, {} flows, {} weather areas\n  horizon {} days after {} days of warm-up; {} replications by \
         default, seed {}\n  variants: {}\n",
        scenario.file(),
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
    if let Some(p) = &b.planning {
        let enabled = b.changes.values().filter(|c| c.enabled).count();
        text += &format!(
            "  planning: {} years from {}; growth paths for {}; {} dated changes ({} on in the base)\n",
            p.years,
            p.start_year,
            if b.growth.is_empty() {
                "no tag".to_string()
            } else {
                b.growth.keys().cloned().collect::<Vec<_>>().join(", ")
            },
            b.changes.len(),
            enabled
        );
    }
    if let Ok(network) = crate::model::Network::compile(b) {
        text += "\n";
        let label = match network.years().last() {
            Some(y) => format!("the base scenario in {y}, its last year"),
            None => "the base scenario".to_string(),
        };
        text += &super::capacity::sheet_text(&label, &network.capacity_sheet(), Some(5));
    }
    text
}
