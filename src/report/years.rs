//! The years of a planning run in the outputs: a table per variant (demand,
//! delivered, backlog growth, verdict, what binds), the first year that is not
//! stable, `years.csv`, and the cost and CO2 of each flow and route.

use crate::experiment::stability::grouped;
use crate::experiment::{ExperimentResult, Verdict};

/// The years section of a run's text (empty unless it is a planning run).
pub fn years_text(result: &ExperimentResult) -> String {
    let mut text = String::new();
    for v in &result.variants {
        let years = v.year_summaries();
        if years.is_empty() {
            continue;
        }
        if text.is_empty() {
            text += "\nYEAR BY YEAR — each year's window measured on its own (365 days; Mt a year):\n";
        }
        let first = years.iter().find(|y| matches!(y.verdict, Verdict::Unstable | Verdict::Saturated));
        text += &format!(
            "\n{}: {}\n",
            v.name,
            match first {
                Some(y) => format!("first unstable year {} ({})", y.year, y.verdict.name()),
                None => "stable in every year".to_string(),
            }
        );
        text += "  year  demand  delivered (95 % CI)   backlog growth t/day  verdict       binding (ρ)\n";
        for y in &years {
            let mt = |s: &Option<crate::stats::Summary>| s.as_ref().map_or(f64::NAN, |s| s.mean / 1e6);
            let ci = y
                .delivered_tonnes
                .as_ref()
                .map(|s| s.ci95)
                .filter(|c| c[0].is_finite())
                .map_or(String::from("—"), |[lo, hi]| format!("{:.2}–{:.2}", lo / 1e6, hi / 1e6));
            let growth = y.backlog_growth_tonnes_per_day.as_ref().map_or(String::from("—"), |s| grouped(s.mean));
            let binding = y.binding.as_ref().map_or(String::from("—"), |(r, rho)| format!("{r} ({rho:.2})"));
            text += &format!(
                "  {}  {:>6.2}  {:>5.2} {:<13}  {:>20}  {:<12}  {}\n",
                y.year,
                mt(&y.demand_tonnes),
                mt(&y.delivered_tonnes),
                format!("({ci})"),
                growth,
                y.verdict.name(),
                binding
            );
        }
    }
    text
}

/// `years.csv`: one row per variant and year.
///
/// # Errors
/// A CSV writer error (not expected with an in-memory buffer).
pub fn years_csv(result: &ExperimentResult) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "variant",
        "year",
        "verdict",
        "demand_tonnes",
        "delivered_tonnes",
        "delivered_ci_low",
        "delivered_ci_high",
        "backlog_growth_tonnes_per_day",
        "growth_ci_low",
        "growth_ci_high",
        "binding",
        "binding_rho",
    ])?;
    let num = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x}"));
    for v in &result.variants {
        for y in v.year_summaries() {
            let d = y.delivered_tonnes.as_ref();
            let g = y.backlog_growth_tonnes_per_day.as_ref();
            w.write_record([
                v.name.clone(),
                y.year.to_string(),
                y.verdict.name().to_string(),
                num(y.demand_tonnes.as_ref().map(|s| s.mean)),
                num(d.map(|s| s.mean)),
                num(d.map(|s| s.ci95).map(|c| c[0])),
                num(d.map(|s| s.ci95).map(|c| c[1])),
                num(g.map(|s| s.mean)),
                num(g.map(|s| s.ci95).map(|c| c[0])),
                num(g.map(|s| s.ci95).map(|c| c[1])),
                y.binding.as_ref().map_or(String::new(), |b| b.0.clone()),
                num(y.binding.as_ref().map(|b| b.1)),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Cost and CO2 per tonne and door-to-door days of every flow and route (of the last
/// year, in a planning run), per variant; empty when the scenario gives no costs.
pub fn costs_text(result: &ExperimentResult) -> String {
    let mut text = String::new();
    for v in &result.variants {
        let flows: Vec<&str> = v
            .keys
            .iter()
            .filter(|k| !k.starts_with("year."))
            .filter_map(|k| k.strip_prefix("flow.")?.strip_suffix(".cost_per_tonne"))
            .collect();
        if flows.is_empty() {
            continue;
        }
        if text.is_empty() {
            text += &format!(
                "\nCOST AND CO2 per tonne delivered{} (in the scenario's currency; cost = tariffs and port charges + value of time):\n",
                if v.years().is_empty() { String::new() } else { ", last year".to_string() }
            );
        }
        text += &format!(
            "\n{}:\n  {:<44} {:>9} {:>9} {:>9} {:>9} {:>8}\n",
            v.name, "flow / route", "cost/t", "tariff/t", "time/t", "CO2 kg/t", "days"
        );
        let mean = |key: String| v.summary(&key).map_or(f64::NAN, |s| s.mean);
        for f in flows {
            let k = |name: &str| format!("flow.{f}.{name}");
            text += &format!(
                "  {:<44} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>8.1}\n",
                f.replace(".route.", " via route "),
                mean(k("cost_per_tonne")),
                mean(k("tariff_per_tonne")),
                mean(k("time_cost_per_tonne")),
                mean(k("co2_kg_per_tonne")),
                mean(k("door_to_door_days.mean")),
            );
        }
        text += &format!(
            "  {:<44} {:>9.1} {:>9} {:>9} {:>9.1}\n",
            "all cargo delivered",
            mean("system.cost_per_tonne".into()),
            "",
            "",
            mean("system.co2_kg_per_tonne".into())
        );
    }
    text
}
