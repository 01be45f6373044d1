//! The run report (`corridor run`/`compare --out`): the decision, what binds (the
//! map first), ports, flows, services, and the spread across the unknowns.

use super::*;

/// `run --uncertain`: each variant's share of input scenarios in which it is stable,
/// and each headline KPI across them beside its simulation interval.
fn uncertain_section(run: &UncertainRun) -> Section {
    let mut table = Table::new(&[
        ("variant", ""),
        ("stable in", "input scenarios"),
        ("KPI", ""),
        ("nominal", "mean [95 % CI, simulation]"),
        ("across the unknowns", "median [10–90 %]"),
        ("noise", "± in one scenario"),
    ]);
    table.id = Some("uncertain-table".into());
    let num = crate::report::uncertainty::figure;
    for v in &run.variants {
        let stable = v.stable.iter().filter(|s| **s).count();
        for (i, k) in v.kpis.iter().enumerate() {
            let (name, share) = if i == 0 {
                (
                    Cell::text(&v.variant),
                    Cell::num(format!("{stable} of {}", v.stable.len())).sub(format!(
                        "95 % CI {:.0}–{:.0} %",
                        v.stable_share_ci95[0] * 100.0,
                        v.stable_share_ci95[1] * 100.0
                    )),
                )
            } else {
                (Cell::text(""), Cell::text(""))
            };
            table.rows.push(vec![
                name,
                share,
                Cell::text(&k.kpi),
                Cell::num(format!("{} [{}, {}]", num(k.nominal), num(k.nominal_ci95[0]), num(k.nominal_ci95[1]))),
                Cell::num(format!("{} [{}, {}]", num(k.median), num(k.p10), num(k.p90))),
                Cell::num(num(k.noise_half_width)),
            ]);
        }
    }
    Section {
        id: "uncertain".into(),
        title: "Across what nobody knows".into(),
        intro: vec![format!(
            "Every variant again in {} input scenarios: a Latin hypercube of the scenario's {} uncertain inputs (a group counts once), each range taken as uniform, seed {}, {} replications each on the same random numbers. \"Nominal\" is the file as written; \"across the unknowns\" is the KPI's mean in each input scenario; \"noise\" is the half-width of the simulation interval inside one of them. A spread far wider than the noise is what the nominal interval does not show.",
            run.scenarios,
            run.factors.len(),
            run.seed,
            run.replications
        )],
        tables: vec![table],
        ..Section::default()
    }
}

pub(super) fn decision_section(result: &ExperimentResult) -> Section {
    let rows = decision_rows(result);
    let ports = focus_ports(result);
    let mut head: Vec<(String, String)> = vec![
        ("variant".into(), String::new()),
        ("demand".into(), "Mt/yr".into()),
        ("delivered".into(), "Mt/yr".into()),
        ("backlog at the end".into(), "kt".into()),
        ("verdict".into(), String::new()),
        ("binding resource".into(), "ρ".into()),
    ];
    for p in &ports {
        head.push((format!("{p} ship wait"), "mean / p95, h".into()));
    }
    let with_transit = rows.iter().any(|r| r.transit_p95_days.is_some());
    if with_transit {
        head.push(("slowest focus flow".into(), "p95 transit, days".into()));
    }
    let head_refs: Vec<(&str, &str)> = head.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let mut table = Table::new(&head_refs);
    table.id = Some("decision-table".into());
    for r in &rows {
        let binding = r.stability.binding.as_ref();
        let mut cells = vec![
            Cell::text(&r.variant),
            Cell::num(fixed(r.demand_mt_per_year, 2)),
            Cell::num(fixed(r.delivered_mt_per_year, 2)),
            Cell::num(fixed(r.backlog_kt, 0)),
            Cell::verdict(r.stability.verdict),
            Cell::text(binding.map_or("—".into(), |b| short_resource(&b.resource)))
                .sub(binding.map_or(String::new(), |b| format!("ρ {:.2}", b.rho()))),
        ];
        for (_, mean, p95) in &r.waits {
            cells.push(Cell::num(format!("{} / {}", fixed(*mean, 1), fixed(*p95, 1))));
        }
        if with_transit {
            cells.push(match &r.transit_p95_days {
                Some((flow, days)) => Cell::num(fixed(*days, 1)).sub(flow.clone()),
                None => Cell::num("—"),
            });
        }
        table.rows.push(cells);
    }
    let days = result.variants.first().and_then(|v| v.summary("system.measured_days")).map_or(0.0, |s| s.mean);
    table.caption = Some(format!(
        "Means over replications; demand and delivered scaled to a year from the {days:.0}-day measured window; \
         backlog: cargo still in the corridor at the end.{}",
        result
            .variants
            .first()
            .and_then(|v| v.years().last().copied())
            .map_or(String::new(), |y| format!(" A planning run: the table shows {y}, the last year."))
    ));
    let verdicts = result
        .variants
        .iter()
        .map(|v| {
            let s = v.stability();
            let mut text = s.summary.clone();
            for c in &s.caveats {
                text += &format!(" Note: {c}");
            }
            VerdictLine {
                variant: v.name.clone(),
                verdict: s.verdict.name().to_string(),
                class: verdict_class(s.verdict),
                text,
            }
        })
        .collect();
    let mut intro = Vec::new();
    let sat = crate::report::saturation_text(result);
    if !sat.is_empty() {
        intro.push(sat);
    }
    let precision = crate::report::precision_text(result);
    let mut texts = Vec::new();
    if !precision.is_empty() {
        texts.push(precision.trim().to_string());
    }
    intro.push(crate::report::conservation_line(result).trim().replace('\n', " "));
    Section {
        id: "decision".into(),
        title: "Decision table and stability verdicts".into(),
        notes: intro,
        tables: vec![table],
        verdicts,
        texts,
        ..Section::default()
    }
}

pub(super) fn alerts(result: &ExperimentResult) -> Vec<Alert> {
    let unsteady: Vec<&str> =
        result.variants.iter().filter(|v| !v.stability().verdict.is_steady()).map(|v| v.name.as_str()).collect();
    let mut out = Vec::new();
    if unsteady.is_empty() {
        out.push(Alert { text: "Every variant reaches a steady state (stable).".into(), class: "ok" });
    } else {
        out.push(Alert {
            text: format!(
                "{} of {} NOT in a steady state — the backlog grows or the verdict is inconclusive: {}. \
                 Their waits and stocks describe this run only.",
                unsteady.len(),
                count(result.variants.len(), "variant is", "variants are"),
                unsteady.join(", ")
            ),
            class: "bad",
        });
    }
    for v in &result.variants {
        if v.summary("system.delivered_tonnes").is_some_and(|s| s.mean <= 0.0) {
            out.push(Alert {
                text: format!("{}: NOTHING was delivered in the measured window.", v.name),
                class: "bad",
            });
        }
    }
    if result.interrupted {
        out.push(Alert { text: "The run was interrupted: fewer replications than asked for.".into(), class: "bad" });
    }
    out
}

fn ports_section(scenario: &Scenario, result: &ExperimentResult, charts: &[(String, String)]) -> Section {
    let Some(first) = result.variants.first() else { return Section::default() };
    let per_year = mt_per_year(first);
    let mut ports: Vec<String> = focus_ports(result);
    for k in &first.keys {
        if let Some(p) = k.strip_prefix("port.").and_then(|k| k.strip_suffix(".throughput_tonnes"))
            && !ports.iter().any(|x| x == p)
        {
            ports.push(p.to_string());
        }
    }
    let panels = ports
        .iter()
        .map(|port| {
            let head = [
                ("variant", ""),
                ("throughput", "Mt/yr"),
                ("ship wait", "mean, h"),
                ("ship wait", "p95, h"),
                ("ships at anchor", "mean"),
                ("yard stock", "mean, t"),
                ("yard stock", "max, t"),
                ("yard full", "hours"),
            ];
            let mut table = Table::new(&head);
            for v in &result.variants {
                let k = |s: &str| format!("port.{port}.{s}");
                let row = vec![
                    Cell::text(&v.name),
                    kpi_cell(v, &k("throughput_tonnes"), per_year, 2),
                    kpi_cell(v, &k("ship_wait_hours.mean"), 1.0, 1),
                    kpi_cell(v, &k("ship_wait_hours.p95"), 1.0, 1),
                    kpi_cell(v, &k("ships_at_anchor.mean"), 1.0, 2),
                    kpi_cell(v, &k("yard_stock_tonnes.mean"), 1.0, 0),
                    kpi_cell(v, &k("yard_stock_tonnes.max"), 1.0, 0),
                    kpi_cell(v, &k("yard_blocked_hours"), 1.0, 0),
                ];
                table.rows.push(row);
            }
            table.caption = Some(
                "Mean, with the 95 % confidence interval below; berth occupancy by class is in the chart above.".into(),
            );
            Panel {
                title: format!("{} ({port})", crate::report::port_display_name(scenario, port)),
                intro: Vec::new(),
                tables: vec![table],
            }
        })
        .collect();
    let charts = [
        ("ship_wait.svg", "Ship wait for a berth by port: bar = mean, whisker = its 95 % CI, diamond = p95."),
        (
            "berth_occupancy.svg",
            "Berth time by berth group: handling is productive; occupied-not-handling is a ship alongside \
             waiting for cargo, weather or departure; the rest is idle.",
        ),
        (
            "yard_stock.svg",
            "Yard stock in one replication of each variant over the whole run; warm-up shaded, yard capacity dotted.",
        ),
    ]
    .iter()
    .filter_map(|(n, c)| chart(charts, n, c))
    .collect();
    Section { id: "ports".into(), title: "Ports".into(), charts, panels, ..Section::default() }
}

fn flows_section(result: &ExperimentResult, charts: &[(String, String)]) -> Section {
    let Some(first) = result.variants.first() else { return Section::default() };
    let per_year = mt_per_year(first);
    let focus = focus_flows(result);
    let mut flows = focus.clone();
    for k in &first.keys {
        if let Some(f) = k.strip_prefix("flow.").and_then(|k| k.strip_suffix(".delivered_share"))
            && !flows.iter().any(|x| x == f)
            && !f.ends_with("_empties")
        {
            flows.push(f.to_string());
        }
    }
    let panels = flows
        .iter()
        .map(|flow| {
            let mut table = Table::new(&[
                ("variant", ""),
                ("demand", "Mt/yr"),
                ("delivered", "Mt/yr"),
                ("delivered share", "of generated"),
                ("backlog growth", "t/day"),
                ("transit", "mean, days"),
                ("transit", "p95, days"),
            ]);
            for v in &result.variants {
                let k = |s: &str| format!("flow.{flow}.{s}");
                table.rows.push(vec![
                    Cell::text(&v.name),
                    kpi_cell(v, &k("generated_tonnes"), per_year, 3),
                    kpi_cell(v, &k("delivered_tonnes"), per_year, 3),
                    kpi_cell(v, &k("delivered_share"), 1.0, 3),
                    kpi_cell(v, &k("backlog_growth_tonnes_per_day"), 1.0, 0),
                    kpi_cell(v, &k("transit_hours.mean"), 1.0 / 24.0, 2),
                    kpi_cell(v, &k("transit_hours.p95"), 1.0 / 24.0, 2),
                ]);
            }
            let focus_note = if focus.contains(flow) { " (focus flow)" } else { "" };
            Panel { title: format!("{flow}{focus_note}"), intro: Vec::new(), tables: vec![table] }
        })
        .collect();
    let charts = chart(
        charts,
        "transit_times.svg",
        "Share of consignments delivered within a given time, door to door, in one replication of the first variant.",
    )
    .into_iter()
    .collect();
    Section { id: "flows".into(), title: "Flows".into(), charts, panels, ..Section::default() }
}

fn services_section(result: &ExperimentResult, charts: &[(String, String)]) -> Section {
    let Some(first) = result.variants.first() else { return Section::default() };
    let services: Vec<&str> =
        first.keys.iter().filter_map(|k| k.strip_prefix("service.")?.strip_suffix(".utilisation")).collect();
    let panels = services
        .iter()
        .map(|service| {
            let mut table = Table::new(&[
                ("variant", ""),
                ("utilisation", "productive share"),
                ("ρ", "offered ÷ capacity"),
                ("waiting for cargo", "share of time"),
                ("waiting for a berth or path", "share of time"),
                ("load factor", "tonnes ÷ capacity"),
                ("trips", "in the window"),
            ]);
            for v in &result.variants {
                let k = |s: &str| format!("service.{service}.{s}");
                let berth = if v.keys.contains(&k("time.waiting_for_path")) {
                    "time.waiting_for_path"
                } else {
                    "time.waiting_for_berth"
                };
                table.rows.push(vec![
                    Cell::text(&v.name),
                    kpi_cell(v, &k("utilisation"), 1.0, 2),
                    kpi_cell(v, &k("rho"), 1.0, 2),
                    kpi_cell(v, &k("time.waiting_for_cargo"), 1.0, 2),
                    kpi_cell(v, &k(berth), 1.0, 2),
                    kpi_cell(v, &k("load_factor"), 1.0, 2),
                    kpi_cell(v, &k("trips"), 1.0, 0),
                ]);
            }
            Panel { title: (*service).to_string(), intro: Vec::new(), tables: vec![table] }
        })
        .collect();
    let charts = result
        .variants
        .iter()
        .filter_map(|v| {
            chart(
                charts,
                &format!("time_split_{}.svg", v.name),
                &format!("{}: where the time of every fleet and berth group goes.", v.name),
            )
        })
        .collect();
    Section {
        id: "services".into(),
        title: "Services and where the time goes".into(),
        charts,
        grid: true,
        panels,
        ..Section::default()
    }
}

fn binding_section(scenario: &Scenario, result: &ExperimentResult, charts: &[(String, String)]) -> Section {
    let mut tables = Vec::new();
    if let Some(first) = result.variants.first()
        && let Some(sheet) = &first.capacity
    {
        let mut table = Table::new(&[
            ("resource", ""),
            ("kind", ""),
            ("offered", "Mt/yr"),
            ("capacity", "Mt/yr"),
            ("ρ", ""),
            ("how it was worked out", ""),
        ]);
        for row in sheet.rows.iter().take(8) {
            table.rows.push(vec![
                Cell::text(short_resource(&row.resource)),
                Cell::text(row.kind.name()),
                Cell::num(fixed(row.offered_tonnes_per_year / 1e6, 3)),
                Cell::num(row.capacity_tonnes_per_year.map_or("—".into(), |c| fixed(c / 1e6, 3))),
                Cell::num(fixed(row.rho, 2)),
                Cell::text(&row.basis),
            ]);
        }
        table.caption = Some(format!(
            "Capacity sheet of {} ({}), the eight busiest resources; demand {:.2} Mt/yr.",
            first.name,
            scenario.base().scenario.name,
            sheet.demand_tonnes_per_year / 1e6
        ));
        tables.push(table);
    }
    Section {
        id: "binding".into(),
        title: "What binds".into(),
        intro: vec![
            "The resource with the highest ρ binds first: above ρ = 1 it cannot keep up and queues grow without bound."
                .into(),
        ],
        tables,
        lead: charts
            .iter()
            .filter_map(|(name, _)| {
                let variant = name.strip_prefix("map_")?.strip_suffix(".svg")?;
                chart(
                    charts,
                    name,
                    &format!(
                        "{variant}: each link coloured by the highest ρ of what carries it, as wide as the tonnes offered it; each port by its busiest berths or yard; × where cargo accumulates significantly. Hover for the figures; corridor.geojson holds them for GIS tools."
                    ),
                )
            })
            .collect(),
        charts: chart(charts, "binding.svg", "The binding resource of every variant and its ρ.").into_iter().collect(),
        ..Section::default()
    }
}

/// The report of a run or a comparison (`base` names the variant compared against).
/// `charts` are the charts written beside it, by file name; `files` every file.
///
/// # Errors
/// The template cannot be rendered (a bug).
pub fn run_report(
    scenario: &Scenario,
    result: &ExperimentResult,
    base: Option<&str>,
    charts: &[(String, String)],
    files: &[String],
    uncertain: Option<&UncertainRun>,
) -> Result<String, ReportError> {
    let mut sections = vec![decision_section(result)];
    if let Some(run) = uncertain {
        sections.push(uncertain_section(run));
    }
    if let Some(b) = base {
        sections.push(Section {
            id: "comparison".into(),
            title: format!("Differences against {b}"),
            intro: vec![
                "Paired over common random numbers: each variant's replication i against the base's replication i."
                    .into(),
            ],
            texts: vec![headline_comparison(result, b).trim().to_string()],
            ..Section::default()
        });
    }
    if result.variants.iter().any(|v| !v.years().is_empty()) {
        let mut texts = vec![crate::report::years::years_text(result).trim().to_string()];
        let costs = crate::report::years::costs_text(result);
        if !costs.trim().is_empty() {
            texts.push(costs.trim().to_string());
        }
        sections.push(Section {
            id: "years".into(),
            title: "Year by year".into(),
            texts,
            charts: chart(
                charts,
                "years.svg",
                "Cargo delivered each year against demand; × marks a year that is not stable.",
            )
            .into_iter()
            .collect(),
            ..Section::default()
        });
    }
    sections.push(binding_section(scenario, result, charts));
    sections.push(ports_section(scenario, result, charts));
    sections.push(flows_section(result, charts));
    sections.push(services_section(result, charts));
    let what = if base.is_some() { "comparison" } else { "run" };
    let page = Page {
        title: format!("{} — {what}", scenario.base().scenario.name),
        subtitle: format!(
            "{} × {}, seed {}, {:.1} s on {} threads",
            count(result.variants.len(), "variant", "variants"),
            count(result.replications as usize, "replication", "replications"),
            result.seed,
            result.wall_seconds,
            result.threads
        ),
        alerts: alerts(result),
        sections,
        assumptions: assumptions(scenario),
        provenance: Provenance::new(scenario, result.seed, format!("{} per variant", result.replications)),
        files: files.to_vec(),
    };
    render(&page)
}
