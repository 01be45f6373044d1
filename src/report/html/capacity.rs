//! The capacity search's report (`corridor capacity --out`), with the search across
//! the unknowns (`--uncertain N`) when there is one.

use super::*;

/// The report of a capacity search: the answer table first, then the charts of every
/// variant and criterion and the search's full text.
///
/// # Errors
/// The template cannot be rendered (a bug).
pub fn capacity_report(
    scenario: &Scenario,
    search: &CapacitySearch,
    answers: &[CapacityAnswer],
    across: Option<&UncertainCapacity>,
    seed: u64,
    charts: &[(String, String)],
    files: &[String],
) -> Result<String, ReportError> {
    let mut table = Table::new(&[
        ("variant", ""),
        ("largest demand factor", "×1 = today's demand"),
        ("95 % CI", ""),
        ("surge it takes", "%"),
        ("what fails first above it", ""),
        ("binding resource there", "ρ"),
    ]);
    table.id = Some("decision-table".into());
    for a in answers {
        let factor = if a.at_least { format!("≥ ×{:.3}", a.factor) } else { format!("×{:.3}", a.factor) };
        table.rows.push(vec![
            Cell::text(&a.variant),
            Cell::num(factor),
            Cell::num(match a.ci95 {
                Some([lo, hi]) => format!("×{lo:.3} – ×{hi:.3}"),
                None => "not monotone: none".to_string(),
            }),
            Cell::num(format!("{:+.1}", (a.factor - 1.0) * 100.0)),
            Cell::text(a.binding_criterion.clone().unwrap_or_else(|| "—".into()))
                .sub(a.breaking_factor.map_or(String::new(), |f| format!("at ×{f:.3}"))),
            Cell::text(a.binding_resource.as_ref().map_or("—".into(), |b| short_resource(&b.resource)))
                .sub(a.binding_resource.as_ref().map_or(String::new(), |b| format!("ρ {:.2}", b.rho()))),
        ]);
    }
    let mut criteria: Vec<String> = search.criteria.iter().map(ToString::to_string).collect();
    criteria.push("a stable verdict".into());
    let mut caption = format!("The largest demand factor with {} (95 % confidence).", criteria.join("; "));
    for a in answers.iter().filter(|a| !a.non_monotone.is_empty()) {
        caption += &crate::report::capacity::non_monotone_text(a);
    }
    table.caption = Some(caption);
    let caption = "The KPI against the demand factor, the threshold dashed and the answer shaded.";
    let chart_list: Vec<Chart> =
        charts.iter().map(|(_, svg)| Chart { svg: svg.clone(), caption: caption.to_string() }).collect();
    let mut sections = vec![
        Section {
            id: "decision".into(),
            title: "How much demand the corridor takes".into(),
            tables: vec![table],
            ..Section::default()
        },
        Section {
            id: "search".into(),
            title: "The search".into(),
            texts: vec![crate::report::capacity::answers_text(search, answers, seed).trim().to_string()],
            charts: chart_list,
            grid: true,
            ..Section::default()
        },
    ];
    if let Some(u) = across {
        sections.insert(1, capacity_across_section(u));
    }
    let replications = answers.first().map_or(0, |a| a.replications);
    let page = Page {
        title: format!("{} — capacity search", scenario.base().scenario.name),
        subtitle: format!(
            "{}, {} a point, seed {seed}",
            count(answers.len(), "variant", "variants"),
            count(replications as usize, "replication", "replications")
        ),
        alerts: Vec::new(),
        sections,
        assumptions: assumptions(scenario),
        provenance: Provenance::new(scenario, seed, format!("{replications} per evaluated point")),
        files: files.to_vec(),
    };
    render(&page)
}

/// The capacity search across the unknowns (`capacity --uncertain N`): per variant
/// the nominal factor, its spread over the input scenarios, what moves it (rank
/// correlations beyond chance) and what binds.
fn capacity_across_section(u: &UncertainCapacity) -> Section {
    let mut table = Table::new(&[
        ("variant", ""),
        ("as written", "largest factor"),
        ("across the unknowns", "median [10–90 %]"),
        ("lowest – highest", ""),
        ("moved by", "rank correlation"),
        ("binds", "input scenarios"),
    ]);
    table.id = Some("capacity-uncertain-table".into());
    let chance = crate::experiment::uncertainty::beyond_chance(u.scenarios);
    for v in &u.variants {
        let [lowest, highest] = v.range();
        let moved: Vec<String> = v.moved_by(&u.factors).iter().map(|(name, r)| format!("{name} ({r:+.2})")).collect();
        let binds: Vec<String> = v.binding.iter().map(|(what, n)| format!("{} in {n}", short_resource(what))).collect();
        table.rows.push(vec![
            Cell::text(&v.variant),
            Cell::num(format!("×{:.3}", v.nominal)),
            Cell::num(format!("×{:.3} [×{:.3}, ×{:.3}]", v.median, v.p10, v.p90)),
            Cell::num(format!("×{lowest:.3} – ×{highest:.3}")),
            Cell::text(if moved.is_empty() { "no unknown on its own".to_string() } else { moved.join(", ") }),
            Cell::text(binds.join(", ")),
        ]);
    }
    Section {
        id: "capacity-uncertain".into(),
        title: "How much demand, across what nobody knows".into(),
        intro: vec![format!(
            "The capacity search again in {} input scenarios: a Latin hypercube of the scenario's {} (a group counts once), each range taken as uniform, seed {}, on the same random numbers. \"As written\" is the file's answer; the spread is the answer's over the input scenarios, which its 95 % interval (simulation noise only) does not show. An unknown is named as moving it where its rank correlation with the answer reaches ±{chance:.2}, beyond chance with {} scenarios.",
            u.scenarios,
            count(u.factors.len(), "uncertain input", "uncertain inputs"),
            u.seed,
            u.scenarios
        )],
        tables: vec![table],
        ..Section::default()
    }
}
