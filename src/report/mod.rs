//! Reports: the readable table, the JSON contract, CSV files. Files are written to a
//! temporary name and renamed, so no half-written file is ever left behind.

pub mod charts;

use crate::experiment::ExperimentResult;
use crate::stats::Summary;
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::Path;

fn summary_json(s: &Summary) -> Value {
    json!({
        "mean": s.mean, "sd": s.sd, "ci95": [s.ci95[0], s.ci95[1]], "min": s.min,
        "p05": s.p05, "p50": s.p50, "p95": s.p95, "max": s.max, "n": s.n
    })
}

/// The JSON document of the contract in README.md. `comparisons` lists
/// `(base, variant)` pairs to include as paired differences.
pub fn to_json(result: &ExperimentResult, comparisons: &[(String, String)]) -> Value {
    let variants: Vec<Value> = result
        .variants
        .iter()
        .map(|v| {
            let mut kpis = Map::new();
            for (key, s) in v.summaries() {
                kpis.insert(key, summary_json(&s));
            }
            let (bottleneck, share) = v.bottleneck();
            let (waits, wait_share) = v.longest_wait();
            let saturated: Vec<Value> = v
                .saturated()
                .into_iter()
                .map(|(r, s)| json!({"replication": r, "resource": s.resource, "at_hours": s.at_hours, "reason": s.reason}))
                .collect();
            json!({"name": v.name, "kpis": kpis, "bottleneck": {"resource": bottleneck, "share": share, "longest_wait": waits, "longest_wait_share": wait_share}, "saturated": saturated})
        })
        .collect();
    let comparisons: Vec<Value> = comparisons
        .iter()
        .filter_map(|(base, variant)| {
            let diffs = result.compare(base, variant)?;
            let mut kpis = Map::new();
            for (key, d) in diffs {
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
        "variants": variants,
        "comparisons": comparisons,
    })
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("out")
    ));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// `summary.csv`: one row per variant and KPI.
pub fn summary_csv(result: &ExperimentResult) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant", "kpi", "mean", "sd", "ci95_lo", "ci95_hi", "min", "p05", "p50", "p95", "max", "n",
    ])?;
    for v in &result.variants {
        for (key, s) in v.summaries() {
            let nums = [s.mean, s.sd, s.ci95[0], s.ci95[1], s.min, s.p05, s.p50, s.p95, s.max];
            let mut row = vec![v.name.clone(), key];
            row.extend(nums.iter().map(|x| x.to_string()));
            row.push(s.n.to_string());
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `replications.csv`: one row per replication and variant.
pub fn replications_csv(result: &ExperimentResult) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let keys = result.variants.first().map(|v| v.keys.clone()).unwrap_or_default();
    let mut header = vec![
        "variant".to_string(),
        "replication".into(),
        "bottleneck".into(),
        "longest_wait".into(),
        "saturated".into(),
    ];
    header.extend(keys.iter().cloned());
    w.write_record(&header)?;
    for v in &result.variants {
        for r in &v.records {
            let mut row = vec![
                v.name.clone(),
                r.replication.to_string(),
                r.bottleneck.clone(),
                r.longest_wait.clone(),
                r.saturation.as_ref().map_or(String::new(), |s| s.resource.clone()),
            ];
            row.extend(r.values.iter().map(|x| x.to_string()));
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

/// The readable table: headline KPIs (mean and 95 % CI) per variant, then bottlenecks.
pub fn table(result: &ExperimentResult) -> String {
    let mut out = String::new();
    let names: Vec<&str> = result.variants.iter().map(|v| v.name.as_str()).collect();
    let keys: Vec<String> = result
        .variants
        .first()
        .map(|v| v.keys.iter().filter(|k| headline(k)).cloned().collect())
        .unwrap_or_default();
    let width = keys.iter().map(String::len).max().unwrap_or(10).max(10);
    let col = 24;
    out += &format!("{:width$}", "KPI (mean [95% CI])");
    for n in &names {
        out += &format!(" | {n:>col$}");
    }
    out += "\n";
    out += &"-".repeat(width + names.len() * (col + 3));
    out += "\n";
    for key in &keys {
        out += &format!("{key:width$}");
        for v in &result.variants {
            let cell = v.summary(key).map_or("saturated".to_string(), |s| {
                format!("{} [{}, {}]", fmt_num(s.mean), fmt_num(s.ci95[0]), fmt_num(s.ci95[1]))
            });
            out += &format!(" | {cell:>col$}");
        }
        out += "\n";
    }
    out += &conservation_line(result);
    out += "\nBottleneck (busiest resource; where cargo waits longest — share of replications):\n";
    for v in &result.variants {
        let (b, share) = v.bottleneck();
        let (w, wait_share) = v.longest_wait();
        out += &format!(
            "  {:<22} {b} ({:.0} %); {w} ({:.0} %)\n",
            v.name,
            share * 100.0,
            wait_share * 100.0
        );
        let sat = v.saturated();
        if let Some((_, s)) = sat.first() {
            out += &format!(
                "  {:<22} SATURATED in {} of {} replications: {} at {:.0} h — {}\n",
                "",
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
/// (tonnes, measured window) held in every replication.
fn conservation_line(result: &ExperimentResult) -> String {
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
            "\nCargo conservation: in system at the start + generated = delivered + in system at the end, to the kilogram, in all {checked} replications.\n"
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
