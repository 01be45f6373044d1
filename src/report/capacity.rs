//! Reports of `corridor capacity`: the static capacity sheet as a table, the
//! capacity search's answer per variant, its JSON, CSV and charts.

use super::ReportError;
use super::charts::{ChartError, render_line_with_band};
use super::decision::short_resource;
use super::output::OutputDir;
use crate::experiment::capacity::{CapacityAnswer, CapacitySearch};
use crate::model::CapacitySheet;
use serde_json::json;

fn mt(x: f64) -> String {
    format!("{:.3}", x / 1e6)
}

/// The capacity sheet as a table, busiest first; `limit` rows at most (all when
/// `None`), then how the busiest rows were worked out.
pub fn sheet_text(variant: &str, sheet: &CapacitySheet, limit: Option<usize>) -> String {
    let mut out = format!(
        "Capacity sheet — {variant}: worked out from the scenario alone, before simulating; demand {} Mt/yr{}\n",
        mt(sheet.demand_tonnes_per_year),
        if sheet.seasonal { " (varies by month)" } else { "" }
    );
    out += &format!("{:<36} {:<12} {:>8} {:>9} {:>6}\n", "resource", "kind", "offered", "capacity", "ρ");
    out += &format!("{:<36} {:<12} {:>8} {:>9} {:>6}\n", "", "", "Mt/yr", "Mt/yr", "");
    out += &"-".repeat(75);
    out += "\n";
    let shown = limit.unwrap_or(sheet.rows.len()).min(sheet.rows.len());
    for row in &sheet.rows[..shown] {
        let flag = if row.rho > 1.0 { "  > 1 (estimate)" } else { "" };
        out += &format!(
            "{:<36} {:<12} {:>8} {:>9} {:>6.2}{flag}\n",
            row.resource,
            row.kind.name(),
            mt(row.offered_tonnes_per_year),
            row.capacity_tonnes_per_year.map_or("—".into(), mt),
            row.rho
        );
    }
    if shown < sheet.rows.len() {
        out += &format!("… and {} more rows (corridor capacity FILE --static)\n", sheet.rows.len() - shown);
    }
    out +=
        "Each ρ is an estimate: shared legs split by what each fleet can take, chosen routes by their\nstated shares. ";
    if let Some(bound) = &sheet.bound {
        out += &match &bound.note {
            Some(note) => format!("The bound on the highest ρ could not be worked out ({note}).\n"),
            None => format!(
                "Whatever the split, the highest ρ is at least {}{}.\n",
                bound.describe(),
                if bound.overloaded() { ": a backlog that grows whatever the randomness" } else { "" }
            ),
        };
    } else {
        out.push('\n');
    }
    out += "How the top rows were worked out:\n";
    for row in sheet.rows.iter().take(shown.min(5)) {
        let options = textwrap::Options::new(100).initial_indent("  ").subsequent_indent("      ");
        for line in textwrap::wrap(&format!("{}: {}", row.resource, row.basis), options) {
            out += &line;
            out.push('\n');
        }
    }
    out
}

fn factor_text(a: &CapacityAnswer) -> (String, String, String) {
    let surge = |f: f64| format!("{:+.1} %", (f - 1.0) * 100.0);
    if a.at_least {
        (format!("≥ {:.3}", a.factor), "—".into(), format!("≥ {}", surge(a.factor)))
    } else {
        let ci = match a.ci95 {
            Some([lo, hi]) => format!("{lo:.3}–{hi:.3}"),
            None => "not monotone".to_string(),
        };
        (format!("{:.3}", a.factor), ci, surge(a.factor))
    }
}

/// The answers, one row per variant, then what binds at each.
pub fn answers_text(search: &CapacitySearch, answers: &[CapacityAnswer], seed: u64) -> String {
    let tags = if search.tags.is_empty() {
        "every flow".to_string()
    } else {
        format!("flows tagged {}", search.tags.join(", "))
    };
    let mut criteria: Vec<String> = search.criteria.iter().map(ToString::to_string).collect();
    criteria.push("a stable verdict".into());
    let mut out = format!(
        "Capacity search — the largest demand factor on {tags} (×1 = the variant's own demand) with\n  {}\n\
         {} replications a point, common random numbers (seed {seed}); bisection to {}, up to ×{}.\n\n",
        criteria.join("; "),
        answers.first().map_or(0, |a| a.replications),
        search.resolution,
        search.max_factor
    );
    out += &format!(
        "{:<20} {:>8} {:>12} {:>8} {:>7}  {}\n",
        "variant", "factor", "95 % CI", "surge", "points", "binding resource above it (ρ)"
    );
    out += &"-".repeat(90);
    out += "\n";
    for a in answers {
        let (factor, ci, surge) = factor_text(a);
        let resource = a
            .binding_resource
            .as_ref()
            .map_or("—".to_string(), |b| format!("{} ({:.2})", short_resource(&b.resource), b.rho()));
        out += &format!("{:<20} {factor:>8} {ci:>12} {surge:>8} {:>7}  {resource}\n", a.variant, a.evaluations.len());
    }
    if let Some((first, rest)) = answers.split_first() {
        for a in rest {
            let (verb, pct) = (if a.factor >= first.factor { "raises" } else { "lowers" }, |f: f64| (f - 1.0) * 100.0);
            out += &format!(
                "\n{} {verb} the sustainable demand from {:+.1} % (×{:.3}) on {} to {:+.1} % (×{:.3}).",
                a.variant,
                pct(first.factor),
                first.factor,
                first.variant,
                pct(a.factor),
                a.factor
            );
        }
        if !rest.is_empty() {
            out += "\n";
        }
    }
    out += "\nWhat fails first above the answer:\n";
    for a in answers {
        let what = match (&a.binding_criterion, a.at_least, a.breaking_factor) {
            (_, true, _) => format!("nothing up to ×{} — raise --max-factor", search.max_factor),
            (Some(c), _, Some(f)) => {
                let value = a
                    .evaluations
                    .iter()
                    .find(|e| e.factor == f)
                    .and_then(|e| e.criteria.iter().find(|v| v.criterion == *c))
                    .map(|v| format!("mean {:.3} (95 % CI {:.3} to {:.3})", v.mean, v.ci95[0], v.ci95[1]));
                let detail = value.unwrap_or_else(|| a.breaking_summary.clone().unwrap_or_default());
                format!("{c} at ×{f:.3} — {detail}")
            }
            _ => "—".into(),
        };
        let options = textwrap::Options::new(100).initial_indent("  ").subsequent_indent("      ");
        for line in textwrap::wrap(&format!("{}: {what}", a.variant), options) {
            out += &line;
            out.push('\n');
        }
        if !a.non_monotone.is_empty() {
            out += &non_monotone_text(a);
            out.push('\n');
        }
        if a.factor == 0.0 {
            out += &format!(
                "  {}: not even ×{} holds — the criteria or the untagged flows already fail\n",
                a.variant, search.resolution
            );
        }
    }
    out
}

/// The warning for a search whose criteria are not monotone in the factor.
pub fn non_monotone_text(a: &CapacityAnswer) -> String {
    let at: Vec<String> = a.non_monotone.iter().map(|f| format!("×{f:.3}")).collect();
    format!(
        "  {}: NOT MONOTONE — every criterion holds again at {}, above factors where they fail: ×{:.3} is only the top of the lowest range that holds, and no interval is given. A criterion may worsen as demand falls (e.g. ships waiting longer to fill).",
        a.variant,
        at.join(", "),
        a.factor
    )
}

/// The JSON document of a capacity search.
pub fn answers_json(
    search: &CapacitySearch,
    answers: &[CapacityAnswer],
    across: Option<&crate::experiment::uncertainty::UncertainCapacity>,
    seed: u64,
) -> serde_json::Value {
    let mut doc = json!({"search": search, "seed": seed, "answers": answers});
    if let Some(u) = across {
        doc["uncertain"] = json!(u);
    }
    doc
}

/// `capacity.csv`: one row per variant, factor and criterion (plus a `stability` row
/// per point with the backlog growth against its tolerance).
///
/// # Errors
/// A CSV writer error.
pub fn answers_csv(search: &CapacitySearch, answers: &[CapacityAnswer]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["variant", "factor", "verdict", "feasible", "measure", "mean", "ci95_lo", "ci95_hi", "threshold"])?;
    for a in answers {
        for e in &a.evaluations {
            let base =
                [a.variant.clone(), e.factor.to_string(), e.stability.verdict.name().into(), e.feasible.to_string()];
            let g = &e.stability.growth;
            let [lo, hi] = g.ci95.unwrap_or([f64::NAN; 2]);
            let mut row = base.to_vec();
            row.extend([
                "system.backlog_growth_tonnes_per_day".into(),
                g.mean.to_string(),
                lo.to_string(),
                hi.to_string(),
                e.stability.tolerance_tonnes_per_day.to_string(),
            ]);
            w.write_record(&row)?;
            for (c, criterion) in e.criteria.iter().zip(&search.criteria) {
                let mut row = base.to_vec();
                let (key, threshold) = (criterion.key.clone(), criterion.threshold.to_string());
                row.extend([key, c.mean.to_string(), c.ci95[0].to_string(), c.ci95[1].to_string(), threshold]);
                w.write_record(&row)?;
            }
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// One chart per variant and criterion (and one of the backlog growth): the KPI's
/// mean and 95 % CI against the factor, the threshold, the answer and its interval.
///
/// # Errors
/// [`ChartError`] when plotters cannot draw a chart.
pub fn answer_charts(search: &CapacitySearch, answers: &[CapacityAnswer]) -> Result<Vec<(String, String)>, ChartError> {
    let mut charts = Vec::new();
    for a in answers {
        let unsteady: Vec<f64> =
            a.evaluations.iter().filter(|e| !e.stability.verdict.is_steady()).map(|e| e.factor).collect();
        let growth: Vec<(f64, f64, f64, f64)> = a
            .evaluations
            .iter()
            .map(|e| {
                let g = &e.stability.growth;
                let [lo, hi] = g.ci95.unwrap_or([g.mean; 2]);
                (e.factor, g.mean, lo, hi)
            })
            .collect();
        let tolerance = a.evaluations.iter().map(|e| e.stability.tolerance_tonnes_per_day).fold(0.0, f64::max);
        let title = format!("{} — backlog growth against the demand factor", a.variant);
        charts.push((
            format!("capacity_{}_stability.svg", a.variant),
            render_line_with_band(
                &growth,
                &title,
                "backlog growth (t/day)",
                tolerance,
                "stability tolerance (largest)",
                (a.factor, a.ci95),
                &unsteady,
            )?,
        ));
        for (i, c) in search.criteria.iter().enumerate() {
            let points: Vec<(f64, f64, f64, f64)> = a
                .evaluations
                .iter()
                .filter_map(|e| {
                    let v = e.criteria.get(i)?;
                    v.mean.is_finite().then_some((e.factor, v.mean, v.ci95[0], v.ci95[1]))
                })
                .collect();
            let title = format!("{} — {} against the demand factor", a.variant, c.key);
            charts.push((
                format!("capacity_{}_{}.svg", a.variant, i + 1),
                render_line_with_band(
                    &points,
                    &title,
                    &super::charts::kpi_axis_label(&c.key),
                    c.threshold,
                    &format!("threshold ({c})"),
                    (a.factor, a.ci95),
                    &unsteady,
                )?,
            ));
        }
    }
    Ok(charts)
}

/// Writes `capacity.json`, `capacity.csv`, the charts and `report.html` into `out`;
/// returns their names.
///
/// # Errors
/// A file cannot be formed or written.
pub fn write_capacity(
    out: &mut OutputDir,
    scenario: &crate::scenario::Scenario,
    search: &CapacitySearch,
    answers: &[CapacityAnswer],
    across: Option<&crate::experiment::uncertainty::UncertainCapacity>,
    seed: u64,
) -> Result<Vec<String>, ReportError> {
    let mut names = vec!["capacity.json".to_string(), "capacity.csv".to_string()];
    out.write("capacity.json", serde_json::to_string_pretty(&answers_json(search, answers, across, seed))?.as_bytes())?;
    out.write("capacity.csv", &answers_csv(search, answers)?)?;
    let charts = answer_charts(search, answers)?;
    for (name, svg) in &charts {
        out.write(name, svg.as_bytes())?;
        names.push(name.clone());
    }
    let page = super::html::capacity_report(scenario, search, answers, across, seed, &charts, &names)?;
    out.write("report.html", page.as_bytes())?;
    names.push("report.html".into());
    Ok(names)
}
