//! Reports: the readable table, the JSON contract, CSV files, charts, and the output
//! folder of a run (written as one set; see [`output`]).

pub mod capacity;
pub mod charts;
pub mod decision;
pub mod html;
pub mod map;
pub mod output;
pub mod plan;
pub mod publish;
pub mod selection;
pub mod sensitivity;
pub mod terminal;
pub mod uncertainty;
pub mod years;

use crate::experiment::sweep::SweepResult;
use crate::experiment::uncertainty::UncertainRun;
use crate::experiment::{ExperimentResult, VariantResult};
use crate::model::CompileError;
use crate::scenario::{Scenario, VariantError};
use crate::stats::Summary;
use output::{OutputDir, OutputError};
pub use selection::KpiSelection;
use serde_json::{Map, Value, json};

/// Summaries of every KPI of `v`. For the KPI of a precision target the interval is
/// the precision procedure's (see [`crate::experiment::precision`]), which keeps its
/// coverage where the plain t-interval over a data-dependent number of replications
/// does not.
pub fn summaries(result: &ExperimentResult, v: &VariantResult) -> Vec<(String, Summary)> {
    let mut out = v.summaries();
    if let Some(p) = &result.precision
        && let Some(vp) = p.variants.iter().find(|x| x.variant == v.name)
        && let Some((_, s)) = out.iter_mut().find(|(k, _)| *k == p.kpi)
        && vp.interval.iter().all(|x| x.is_finite())
    {
        s.ci95 = vp.interval;
    }
    out
}

/// [`summaries`] of the KPIs `kpis` selects (and the precision target's, always).
pub fn selected_summaries(result: &ExperimentResult, v: &VariantResult, kpis: &KpiSelection) -> Vec<(String, Summary)> {
    let target = result.precision.as_ref().map(|p| p.kpi.as_str());
    summaries(result, v).into_iter().filter(|(k, _)| kpis.keeps(k) || Some(k.as_str()) == target).collect()
}

fn summary_json(s: &Summary) -> Value {
    let mut json = json!({
        "mean": s.mean, "sd": s.sd, "ci95": [s.ci95[0], s.ci95[1]], "min": s.min,
        "p05": s.p05, "p50": s.p50, "p95": s.p95, "max": s.max, "n": s.n
    });
    if s.not_steady_state {
        json["not_steady_state"] = Value::Bool(true);
    }
    json
}

/// The JSON document of the contract in README.md. `comparisons` lists
/// `(base, variant)` pairs to include as paired differences; `kpis` says which KPIs
/// the variants and comparisons carry.
pub fn to_json(result: &ExperimentResult, comparisons: &[(String, String)], kpis: &KpiSelection) -> Value {
    let selection = kpis;
    let variants: Vec<Value> = result
        .variants
        .iter()
        .map(|v| {
            let mut kpis = Map::new();
            for (key, s) in selected_summaries(result, v, selection) {
                kpis.insert(key, summary_json(&s));
            }
            let binds = v.what_binds();
            let stability = v.stability();
            let saturated: Vec<Value> = v
                .saturated()
                .into_iter()
                .map(|(r, s)| json!({"replication": r, "resource": s.resource, "at_hours": s.at_hours, "reason": s.reason}))
                .collect();
            let years = v.year_summaries();
            json!({
                "name": v.name,
                "stability": stability,
                "years": years,
                "first_unstable_year": years.iter().find(|y| matches!(y.verdict, crate::experiment::Verdict::Unstable | crate::experiment::Verdict::Saturated)).map(|y| y.year),
                "capacity": v.capacity,
                "kpis": kpis,
                "bottleneck": {"resource": binds.busiest, "share": binds.busiest_share, "longest_wait": binds.longest_wait, "longest_wait_share": binds.longest_wait_share},
                "saturated": saturated,
            })
        })
        .collect();
    let comparisons: Vec<Value> = comparisons
        .iter()
        .filter_map(|(base, variant)| {
            let diffs = result.compare(base, variant).ok()?;
            let mut kpis = Map::new();
            for (key, d) in diffs.into_iter().filter(|(k, _)| selection.keeps(k)) {
                kpis.insert(key, json!({"mean_difference": d.mean, "ci95": d.ci95, "n": d.n}));
            }
            Some(json!({"base": base, "variant": variant, "kpis": kpis}))
        })
        .collect();
    json!({
        "scenario": result.scenario,
        "seed": result.seed,
        "replications": result.replications,
        "threads": result.threads,
        "wall_seconds": result.wall_seconds,
        "interrupted": result.interrupted,
        "precision": result.precision,
        "variants": variants,
        "comparisons": comparisons,
    })
}

/// `summary.csv`: one row per variant and KPI, with the variant's verdict and whether
/// the figure describes a steady state (`false` for waits, queues and stocks of a
/// variant that is not stable).
///
/// # Errors
/// A CSV writer error (not expected with an in-memory buffer).
pub fn summary_csv(result: &ExperimentResult, kpis: &KpiSelection) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "verdict",
        "kpi",
        "mean",
        "sd",
        "ci95_lo",
        "ci95_hi",
        "min",
        "p05",
        "p50",
        "p95",
        "max",
        "n",
        "steady_state",
    ])?;
    for v in &result.variants {
        let verdict = v.stability().verdict;
        for (key, s) in selected_summaries(result, v, kpis) {
            let nums = [s.mean, s.sd, s.ci95[0], s.ci95[1], s.min, s.p05, s.p50, s.p95, s.max];
            let steady = !s.not_steady_state;
            let mut row = vec![v.name.clone(), verdict.name().to_string(), key];
            row.extend(nums.iter().map(|x| x.to_string()));
            row.push(s.n.to_string());
            row.push(steady.to_string());
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `replications.csv`: one row per replication and variant, with the replication's
/// own verdict (stable, unstable or saturated). Variants may differ in their KPIs (a
/// pool, a draught limit): the columns are every variant's keys, in the order they
/// first appear, and a variant without a key leaves its cell empty.
///
/// # Errors
/// A CSV writer error (not expected with an in-memory buffer).
pub fn replications_csv(result: &ExperimentResult, kpis: &KpiSelection) -> Result<Vec<u8>, csv::Error> {
    let target = result.precision.as_ref().map(|p| p.kpi.as_str());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut keys: Vec<String> = Vec::new();
    let mut column: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for v in &result.variants {
        for k in v.keys.iter().filter(|k| kpis.keeps(k) || Some(k.as_str()) == target) {
            if !column.contains_key(k.as_str()) {
                column.insert(k, keys.len());
                keys.push(k.clone());
            }
        }
    }
    let mut header = vec![
        "variant".to_string(),
        "replication".into(),
        "verdict".into(),
        "bottleneck".into(),
        "longest_wait".into(),
        "saturated".into(),
    ];
    header.extend(keys.iter().cloned());
    w.write_record(&header)?;
    for v in &result.variants {
        for (r, verdict) in v.records.iter().zip(v.replication_verdicts()) {
            let mut row = vec![
                v.name.clone(),
                r.replication.to_string(),
                verdict.name().to_string(),
                r.bottleneck.clone(),
                r.longest_wait.clone(),
                r.saturation.as_ref().map_or(String::new(), |s| s.resource.clone()),
            ];
            let mut cells = vec![String::new(); keys.len()];
            for (k, x) in v.keys.iter().zip(&r.values) {
                if let Some(&c) = column.get(k.as_str()) {
                    cells[c] = x.to_string();
                }
            }
            row.extend(cells);
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Whether a KPI key belongs in the headline table.
fn headline(key: &str) -> bool {
    key.ends_with("throughput_tonnes")
        || key.ends_with("ship_wait_hours.mean")
        || key.ends_with("ship_wait_hours.p95")
        || key.ends_with("ships_at_anchor.mean")
        || key.ends_with("turnaround_hours.mean")
        || key.ends_with("berth_hours.mean")
        || key.contains("berth_occupancy")
        || key.ends_with("yard_stock_tonnes.mean")
        || key.ends_with("yard_blocked_hours")
        || key.ends_with("closed_hours")
        || key == "system.delivered_tonnes"
}

fn fmt_num(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

/// The full readable table (`--all`): headline KPIs (mean and 95 % CI) per variant,
/// then the busiest resources. A variant that is not in a steady state is marked `*`
/// in the header, with a footnote.
pub fn table(result: &ExperimentResult) -> String {
    let mut out = String::new();
    let names: Vec<String> = result
        .variants
        .iter()
        .map(|v| if v.stability().verdict.is_steady() { v.name.clone() } else { format!("{} *", v.name) })
        .collect();
    let keys: Vec<String> =
        result.variants.first().map(|v| v.keys.iter().filter(|k| headline(k)).cloned().collect()).unwrap_or_default();
    let width = keys.iter().map(String::len).max().unwrap_or(10).max(10);
    let col = 24;
    out += &format!("{:width$}", "KPI (mean [95% CI])");
    for n in &names {
        out += &format!(" | {n:>col$}");
    }
    out += "\n";
    out += &"-".repeat(width + names.len() * (col + 3));
    out += "\n";
    let all: Vec<std::collections::HashMap<String, Summary>> =
        result.variants.iter().map(|v| summaries(result, v).into_iter().collect()).collect();
    for key in &keys {
        out += &format!("{key:width$}");
        for per_variant in &all {
            let cell = per_variant.get(key).map_or("saturated".to_string(), |s| {
                format!("{} [{}, {}]", fmt_num(s.mean), fmt_num(s.ci95[0]), fmt_num(s.ci95[1]))
            });
            out += &format!(" | {cell:>col$}");
        }
        out += "\n";
    }
    if names.iter().any(|n| n.ends_with(" *")) {
        out += "* not a steady state (see the verdicts): waits, queues and stocks grow with the horizon.\n";
    }
    out += "\nBusiest resource (productive utilisation) and where cargo waits longest — share of replications:\n";
    for v in &result.variants {
        let (b, share) = v.bottleneck();
        let (w, wait_share) = v.longest_wait();
        out += &format!("  {:<22} {b} ({:.0} %); {w} ({:.0} %)\n", v.name, share * 100.0, wait_share * 100.0);
    }
    out
}

/// The precision target's outcome per variant, if the run had one.
pub fn precision_text(result: &ExperimentResult) -> String {
    let Some(p) = &result.precision else {
        return String::new();
    };
    let mut out = format!(
        "\nPrecision target: {} within ±{:.1} % (95 %, {}; pilot of {}):\n",
        p.kpi,
        p.target * 100.0,
        "Stein's two-stage procedure",
        p.pilot
    );
    for v in &p.variants {
        out += &format!(
            "  {:<22} {} — ±{:.2} % after {} replications{}\n",
            v.variant,
            if v.met { "met" } else { "NOT MET" },
            v.relative_half_width * 100.0,
            v.replications,
            v.note.as_ref().map_or(String::new(), |n| format!(" ({n})"))
        );
    }
    out
}

/// Replications stopped by a cap, per variant.
pub fn saturation_text(result: &ExperimentResult) -> String {
    let mut out = String::new();
    for v in &result.variants {
        let sat = v.saturated();
        if let Some((_, s)) = sat.first() {
            out += &format!(
                "{}: SATURATED in {} of {} replications: {} at {:.0} h — {}\n",
                v.name,
                sat.len(),
                v.records.len(),
                s.resource,
                s.at_hours,
                s.reason
            );
        }
    }
    out
}

/// Whether in system at the start + generated = delivered + in system at the end
/// (tonnes, measured window) held in every replication, as a sentence.
pub fn conservation_line(result: &ExperimentResult) -> String {
    let (mut checked, mut broken) = (0, 0);
    for v in &result.variants {
        let find = |k: &str| v.keys.iter().position(|x| x == k);
        let (Some(g), Some(d), Some(i), Some(s)) = (
            find("system.generated_tonnes"),
            find("system.delivered_tonnes"),
            find("system.in_system_tonnes"),
            find("system.in_system_start_tonnes"),
        ) else {
            continue;
        };
        for r in &v.records {
            checked += 1;
            // Tonnes come from whole kilograms: the identity is exact up to float rounding.
            let (inflow, outflow) = (r.values[s] + r.values[g], r.values[d] + r.values[i]);
            if (inflow - outflow).abs() > 1e-6 * inflow.max(1.0) {
                broken += 1;
            }
        }
    }
    if broken == 0 {
        format!(
            "\nCargo conserved (in the corridor at the start + generated = delivered + at the end, to the kilogram)\nin all {checked} replications.\n"
        )
    } else {
        format!("\nCargo conservation VIOLATED in {broken} of {checked} replications — please report this as a bug.\n")
    }
}

/// Lines like "baku_phase2 vs baseline: port.baku.ship_wait_hours.mean −11.2 (95 % CI −12.5 – −9.9)".
pub fn comparison_table(result: &ExperimentResult, base: &str) -> String {
    let mut out = String::new();
    for v in result.variants.iter().filter(|v| v.name != base) {
        out += &format!("{} − {} (paired, common random numbers):\n", v.name, base);
        for (key, d) in result.compare(base, &v.name).unwrap_or_default() {
            if headline(&key) {
                out += &format!(
                    "  {key:<45} {:>+12} (95% CI {} to {})\n",
                    fmt_num(d.mean),
                    fmt_num(d.ci95[0]),
                    fmt_num(d.ci95[1])
                );
            }
        }
    }
    out
}

/// Why a run's outputs could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    /// A CSV file could not be formed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The JSON document could not be formed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The HTML report could not be rendered (a bug in its template).
    #[error("cannot write report.html: {0}")]
    Html(String),
    /// The traced replication for the time-series charts could not be set up.
    #[error("cannot draw the time-series charts: {0}")]
    Variant(String),
}

impl From<VariantError> for ReportError {
    fn from(e: VariantError) -> Self {
        ReportError::Variant(e.to_string())
    }
}

impl From<CompileError> for ReportError {
    fn from(e: CompileError) -> Self {
        ReportError::Variant(e.to_string())
    }
}

/// The JSON document of a run as text.
///
/// # Errors
/// Serialisation failed.
pub fn json_text(
    result: &ExperimentResult,
    comparisons: &[(String, String)],
    kpis: &KpiSelection,
    uncertain: Option<&UncertainRun>,
) -> Result<String, ReportError> {
    let mut document = to_json(result, comparisons, kpis);
    if let (Some(run), Value::Object(top)) = (uncertain, &mut document) {
        top.insert("uncertain".into(), serde_json::to_value(run)?);
    }
    let mut text = String::new();
    write_json(&mut text, &document, 0)?;
    text.push('\n');
    Ok(text)
}

/// Writes `value` indented by two spaces a level, except that an object or array
/// holding only numbers, strings, booleans, nulls and arrays of them goes on one line:
/// one KPI's summary a line, which a person can scan and a diff can show, at about
/// two thirds of the size of printing every field on a line of its own.
fn write_json(out: &mut String, value: &Value, depth: usize) -> Result<(), serde_json::Error> {
    let flat = |v: &Value| match v {
        Value::Array(items) => items.iter().all(|x| !x.is_object() && !x.is_array()),
        Value::Object(_) => false,
        _ => true,
    };
    let pad = |out: &mut String, depth: usize| out.extend(std::iter::repeat_n("  ", depth));
    match value {
        Value::Object(map) if !map.is_empty() && !map.values().all(flat) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                pad(out, depth + 1);
                out.push_str(&serde_json::to_string(key)?);
                out.push_str(": ");
                write_json(out, item, depth + 1)?;
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            pad(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() && !flat(value) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, depth + 1);
                write_json(out, item, depth + 1)?;
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, depth);
            out.push(']');
        }
        _ => out.push_str(&serde_json::to_string(value)?),
    }
    Ok(())
}

/// A port's display name (its `name`, or else its id).
pub fn port_display_name(scenario: &Scenario, id: &str) -> String {
    scenario.base().ports.get(id).and_then(|p| p.name.clone()).unwrap_or_else(|| id.to_string())
}

/// How often a run traced for its report samples the yards: daily.
pub const TRACE_INTERVAL: crate::engine::SimTime = crate::engine::SimTime::from_whole_hours(24);

/// The charts drawn from the traced replication 0 of each variant (an experiment run
/// with [`crate::experiment::Experiment::traced`]), as `(file name, SVG)`:
/// `yard_stock.svg` over the whole run for every variant traced, and
/// `transit_times.svg`, the transit-time curves of the first one. None when no
/// variant was traced. Nothing is simulated here.
///
/// # Errors
/// A variant's scenario cannot be formed, or a chart drawn.
pub fn traced_charts(scenario: &Scenario, result: &ExperimentResult) -> Result<Vec<(String, String)>, ReportError> {
    let mut panels = Vec::new();
    for v in &result.variants {
        let Some(trace) = v.trace.clone() else { continue };
        let spec = scenario.variant(&v.name)?;
        let capacity = spec.ports.iter().map(|(id, p)| (id.clone(), p.yard_capacity_tonnes)).collect();
        panels.push(charts::YardPanel {
            title: format!("{}{}", v.name, decision::verdict_mark(v.stability().verdict)),
            trace,
            capacity,
        });
    }
    let Some(first) = panels.first() else { return Ok(Vec::new()) };
    let loaded: Vec<String> = scenario.base().flows.keys().cloned().collect();
    let transit = charts::transit_distribution(&first.trace, &first.title, &loaded)?;
    let port_name = |id: &str| port_display_name(scenario, id);
    let yard = charts::yard_stock(&panels, &port_name, scenario.base().scenario.warmup_days)?;
    Ok(vec![("yard_stock.svg".into(), yard), ("transit_times.svg".into(), transit)])
}

/// Writes a run's files into `out`: `summary.json`, `summary.csv`, `replications.csv`
/// and the charts (`ship_wait.svg`, `berth_occupancy.svg`, `binding.svg`, one
/// `time_split_*.svg` per variant, `yard_stock.svg` over every variant's replication
/// 0, the first variant's `transit_times.svg`, and `map_<variant>.svg` of the first
/// variant and of the one whose binding ρ is highest), `corridor.geojson` (every
/// variant's nodes and links with their figures) and `report.html`, which holds them
/// all. Returns their names.
///
/// # Errors
/// A file cannot be formed or written.
pub fn write_run(
    out: &mut OutputDir,
    scenario: &Scenario,
    result: &ExperimentResult,
    comparisons: &[(String, String)],
    kpis: &KpiSelection,
    uncertain: Option<&UncertainRun>,
) -> Result<Vec<String>, ReportError> {
    let mut names = Vec::new();
    let mut put = |out: &mut OutputDir, name: &str, bytes: &[u8]| -> Result<(), ReportError> {
        out.write(name, bytes)?;
        names.push(name.to_string());
        Ok(())
    };
    put(out, "summary.json", json_text(result, comparisons, kpis, uncertain)?.as_bytes())?;
    if let Some(run) = uncertain {
        put(out, "uncertain.csv", &uncertainty::csv(run)?)?;
    }
    put(out, "summary.csv", &summary_csv(result, kpis)?)?;
    put(out, "replications.csv", &replications_csv(result, kpis)?)?;
    let port_name = |id: &str| port_display_name(scenario, id);
    let mut charts = charts::run_charts(result, &port_name)?;
    if result.variants.iter().any(|v| !v.years().is_empty()) {
        put(out, "years.csv", &years::years_csv(result)?)?;
        charts.push(("years.svg".into(), charts::years_chart(result)?));
    }
    charts.extend(traced_charts(scenario, result)?);
    let spec_of = |name: &str| scenario.variant(name).ok();
    charts.extend(map::run_maps(&spec_of, result));
    for (name, svg) in &charts {
        put(out, name, svg.as_bytes())?;
    }
    put(out, "corridor.geojson", serde_json::to_string(&map::geojson(&spec_of, result))?.as_bytes())?;
    let base = comparisons.first().map(|(b, _)| b.as_str());
    let page = html::run_report(scenario, result, base, &charts, &names, uncertain)?;
    out.write("report.html", page.as_bytes())?;
    names.push("report.html".into());
    Ok(names)
}

/// `sweep.csv`: one row per point with the KPI's mean and 95 % CI.
///
/// # Errors
/// The CSV cannot be formed.
pub fn sweep_csv(sweep: &SweepResult) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(sweep.parameters.iter().cloned());
    header.extend(["kpi".into(), "mean".into(), "ci95_lo".into(), "ci95_hi".into(), "n".into()]);
    w.write_record(&header)?;
    for ((v, values), (_, point)) in sweep.result.variants.iter().zip(&sweep.values).zip(sweep.curve()) {
        let mut row = vec![v.name.clone()];
        row.extend(values.iter().map(|x| x.to_string()));
        row.push(sweep.kpi.clone());
        match (point, v.summary(&sweep.kpi)) {
            (Some(p), Some(s)) => row.extend([p.mean.to_string(), p.lo.to_string(), p.hi.to_string(), s.n.to_string()]),
            _ => row.extend(["".into(), "".into(), "".into(), "0".into()]),
        }
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Writes a sweep's files into `out`: the run's files (see [`write_run`], without the
/// time-series charts), `sweep.csv`, for a one-axis sweep `sweep.svg`, and
/// `report.html`.
///
/// # Errors
/// A file cannot be formed or written.
pub fn write_sweep(
    out: &mut OutputDir,
    scenario: &Scenario,
    sweep: &SweepResult,
    kpis: &KpiSelection,
) -> Result<Vec<String>, ReportError> {
    let result = &sweep.result;
    let mut names =
        vec!["summary.json".to_string(), "summary.csv".into(), "replications.csv".into(), "sweep.csv".into()];
    out.write("summary.json", json_text(result, &[], kpis, None)?.as_bytes())?;
    out.write("summary.csv", &summary_csv(result, kpis)?)?;
    out.write("replications.csv", &replications_csv(result, kpis)?)?;
    out.write("sweep.csv", &sweep_csv(sweep)?)?;
    let mut charts = Vec::new();
    if sweep.parameters.len() == 1 {
        let points: Vec<(f64, f64, f64, f64)> =
            sweep.curve().into_iter().filter_map(|(_, p)| p.map(|p| (p.x, p.mean, p.lo, p.hi))).collect();
        charts.push(("sweep.svg".to_string(), charts::sweep_chart(&points, &sweep.parameters[0], &sweep.kpi)?));
        out.write("sweep.svg", charts[0].1.as_bytes())?;
        names.push("sweep.svg".into());
    }
    out.write("report.html", html::sweep_report(scenario, sweep, &charts, &names)?.as_bytes())?;
    names.push("report.html".into());
    Ok(names)
}
