//! The sensitivity analysis's report (`corridor sensitivity --out`).

use super::*;

/// The report of a sensitivity analysis (`corridor sensitivity`): per KPI the inputs
/// ranked, by μ* (Morris) or by total index (Sobol'), with their intervals and the
/// chart of the same ranking.
///
/// # Errors
/// The template cannot be rendered (a bug).
pub fn sensitivity_report(
    scenario: &Scenario,
    s: &Sensitivity,
    charts: &[(String, String)],
    files: &[String],
) -> Result<String, ReportError> {
    let sobol = s.method == "sobol";
    let design = if sobol {
        format!(
            "Sobol' indices: {} base samples × ({} inputs + 2) = {} input scenarios",
            s.trajectories,
            s.factors.len(),
            s.points
        )
    } else {
        format!("Morris elementary effects: {} trajectories, {} input scenarios", s.trajectories, s.points)
    };
    let inputs = Table {
        id: Some("sensitivity-inputs".into()),
        caption: Some("Each unknown moves over its whole range (a group of inputs moves together).".into()),
        head: vec![Cell::text("unknown"), Cell::text("inputs")],
        rows: s.factors.iter().map(|f| vec![Cell::text(&f.name), Cell::text(f.inputs.join("; "))]).collect(),
    };
    let mut sections = vec![Section {
        id: "inputs".into(),
        title: "What nobody knows".into(),
        intro: vec![format!(
            "Variant {}: {design}, {} replications each on the same random numbers (seed {}). The ranking says which unknown to pin down first; {}",
            s.variant,
            s.replications,
            s.seed,
            if sobol {
                "the intervals are bootstrap intervals over the base samples, and each KPI says how much of its variance is simulation noise."
            } else {
                "the intervals count both the spread over the trajectories and the simulation noise."
            }
        )],
        tables: vec![inputs],
        ..Section::default()
    }];
    let chart_for = |i: usize, caption: String| chart(charts, &format!("sensitivity_{}.svg", i + 1), &caption);
    if sobol {
        for (i, k) in s.sobol.iter().enumerate() {
            let mut table = Table::new(&[
                ("unknown", ""),
                ("first order", "share of the variance alone"),
                ("95 % CI", ""),
                ("total", "with its interactions"),
                ("95 % CI", ""),
            ]);
            table.id = Some(format!("sensitivity-table-{}", i + 1));
            for e in &k.indices {
                let x = &e.index;
                table.rows.push(vec![
                    Cell::text(&e.factor),
                    Cell::num(format!("{:.3}", x.first)),
                    Cell::num(format!("{:.3} – {:.3}", x.first_ci95[0], x.first_ci95[1])),
                    Cell::num(format!("{:.3}", x.total)),
                    Cell::num(format!("{:.3} – {:.3}", x.total_ci95[0], x.total_ci95[1])),
                ]);
            }
            let intro = if k.indices.is_empty() {
                "It does not vary across the input scenarios: no index is defined.".to_string()
            } else {
                format!(
                    "Mean {}, variance across the input scenarios {}, of which simulation noise is at most {:.0} %.",
                    fixed(k.mean, 3),
                    fixed(k.variance, 3),
                    100.0 * k.noise_share
                )
            };
            sections.push(Section {
                id: format!("kpi-{}", i + 1).into(),
                title: k.kpi.clone(),
                intro: meaning(&k.kpi).into_iter().chain([intro]).collect(),
                tables: if k.indices.is_empty() { Vec::new() } else { vec![table] },
                // Charts are numbered over the KPIs that vary (see `sensitivity::charts`).
                charts: if k.indices.is_empty() {
                    Vec::new()
                } else {
                    let n = s.sobol[..i].iter().filter(|k| !k.indices.is_empty()).count();
                    chart_for(n, format!("{}: the unknowns ranked by total index.", k.kpi)).into_iter().collect()
                },
                ..Section::default()
            });
        }
    } else {
        for (i, k) in s.kpis.iter().enumerate() {
            let mut table = Table::new(&[
                ("unknown", ""),
                ("μ*", "change over its range"),
                ("95 % CI", ""),
                ("μ", "with its sign"),
                ("σ", "non-linearity, interactions"),
                ("moves it", "beyond the noise"),
            ]);
            table.id = Some(format!("sensitivity-table-{}", i + 1));
            for e in &k.effects {
                table.rows.push(vec![
                    Cell::text(&e.factor),
                    Cell::num(fixed(e.mu_star, 3)),
                    Cell::num(format!("{} – {}", fixed(e.mu_star_ci95[0], 3), fixed(e.mu_star_ci95[1], 3))),
                    Cell::num(fixed(e.mu, 3)),
                    Cell::num(fixed(e.sigma, 3)),
                    Cell::text(if e.above_noise { "yes" } else { "no: noise" }),
                ]);
            }
            sections.push(Section {
                id: format!("kpi-{}", i + 1).into(),
                title: k.kpi.clone(),
                intro: meaning(&k.kpi)
                    .into_iter()
                    .chain([format!(
                        "Mean {}. μ*: the mean absolute change of the KPI when the unknown moves over its whole range; \"no: noise\": its interval reaches down to zero.",
                        fixed(k.mean, 3)
                    )])
                    .collect(),
                tables: vec![table],
                charts: chart_for(i, format!("{}: the unknowns ranked by μ*.", k.kpi)).into_iter().collect(),
                ..Section::default()
            });
        }
    }
    let page = Page {
        title: format!("{} — what drives the answer", scenario.base().scenario.name),
        subtitle: format!("variant {}, {design}, seed {}", s.variant, s.seed),
        alerts: Vec::new(),
        sections,
        assumptions: assumptions(scenario),
        provenance: Provenance::new(scenario, s.seed, format!("{} per input scenario", s.replications)),
        files: files.to_vec(),
    };
    render(&page)
}

/// A sentence saying what KPI `key` is, where its key alone does not say.
fn meaning(key: &str) -> Option<String> {
    crate::experiment::sensitivity::kpi_meaning(key).map(|m| format!("{key}: {m}."))
}
