//! What a planner is handed: the output folders of `run`, `compare`, `sweep`,
//! `capacity` and `plan`, with their charts and `report.html`. Every chart has a title,
//! axis labels with units and no text off its canvas; every report is one
//! self-contained file; and the bundled scenario's report reads in a real browser
//! (headless Chromium) at 1,366 × 768.

use corridor::report::charts::check::layout_problems;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_corridor");

/// The output folders, made once for every test here: (what, folder).
fn outputs() -> &'static Vec<(&'static str, PathBuf)> {
    static OUTPUTS: OnceLock<Vec<(&'static str, PathBuf)>> = OnceLock::new();
    OUTPUTS.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let runs: [(&str, &[&str]); 7] = [
            ("run", &["run", "scenarios/middle_corridor.toml", "--replications", "3"]),
            (
                "compare",
                &[
                    "compare",
                    "scenarios/middle_corridor.toml",
                    "--replications",
                    "2",
                    "--base",
                    "baseline",
                    "--variant",
                    "transit_surge",
                ],
            ),
            ("sweep", &["sweep", "scenarios/middle_corridor.toml", "--replications", "2"]),
            (
                "capacity",
                &[
                    "capacity",
                    "scenarios/mmc_port.toml",
                    "--replications",
                    "3",
                    "--criterion",
                    "port.port.ship_wait_hours.mean <= 2",
                ],
            ),
            (
                "planning",
                &["run", "scenarios/middle_corridor_2030.toml", "--replications", "2", "--variant", "no_upgrades"],
            ),
            (
                "plan",
                &[
                    "plan",
                    "tests/common/plan_two_ports.toml",
                    "--criterion",
                    "port.a.ship_wait_hours.mean <= 6",
                    "--criterion",
                    "port.b.ship_wait_hours.mean <= 4",
                    "--replications",
                    "10",
                ],
            ),
            (
                "plan_years",
                &[
                    "plan",
                    "tests/common/plan_growing_port.toml",
                    "--criterion",
                    "port.p.ship_wait_hours.mean <= 8",
                    "--best",
                    "3",
                ],
            ),
        ];
        runs.iter()
            .map(|(what, args)| {
                let dir = root.join(what);
                let out = Command::new(BIN).args(*args).arg("--out").arg(&dir).output().expect("corridor runs");
                assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
                (*what, dir)
            })
            .collect()
    })
}

fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    found.sort();
    found
}

#[test]
fn every_chart_has_a_title_axis_units_and_stays_on_its_canvas() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for (what, dir) in outputs() {
        for svg in files(dir, "svg") {
            checked += 1;
            for p in layout_problems(&std::fs::read_to_string(&svg).unwrap()) {
                problems.push(format!("{what}/{}: {p}", svg.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // run: ship wait, berth time, binding, 13 time splits, yard stock, transit;
    // sweep: 1; capacity: 2; planning: those of one variant and the years; plan: none
    // without planning years, the timeline and plan 1's years with them.
    assert!(checked >= 32, "only {checked} charts were written");
}

fn report(what: &str) -> (PathBuf, String) {
    let dir = &outputs().iter().find(|(w, _)| *w == what).unwrap().1;
    let path = dir.join("report.html");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{what}: no report.html: {e}"));
    (path, text)
}

/// Every `src=`, `href=` and CSS `url(` target in `html`.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["src=\"", "href=\"", "url("] {
        for part in html.split(marker).skip(1) {
            found.push(part.chars().take_while(|c| !matches!(c, '"' | ')')).collect());
        }
    }
    found
}

#[test]
fn every_command_writes_a_self_contained_report_with_its_provenance() {
    for what in ["run", "compare", "sweep", "capacity", "planning", "plan", "plan_years"] {
        let (_, html) = report(what);
        assert!(html.starts_with("<!DOCTYPE html>"), "{what}");
        assert!(html.contains("id=\"decision-table\""), "{what}: no decision table");
        // Nothing is fetched: links stay inside the page, and the policy forbids the rest.
        let outside: Vec<String> = references(&html).into_iter().filter(|r| !r.starts_with('#')).collect();
        assert!(outside.is_empty(), "{what} refers outside itself: {outside:?}");
        assert!(html.contains("default-src 'none'"), "{what}: no Content-Security-Policy");
        assert!(!html.contains("<script"), "{what} has a script");
        // Provenance: the file's hash, the seed, the version, the command line and the date.
        let file = match what {
            "capacity" => "scenarios/mmc_port.toml",
            "planning" => "scenarios/middle_corridor_2030.toml",
            "plan" => "tests/common/plan_two_ports.toml",
            "plan_years" => "tests/common/plan_growing_port.toml",
            _ => "scenarios/middle_corridor.toml",
        };
        let hash = blake3::hash(&std::fs::read(file).unwrap()).to_hex().to_string();
        assert!(html.contains(&hash), "{what}: the scenario's hash is missing");
        assert!(html.contains(&format!("corridor {}", env!("CARGO_PKG_VERSION"))), "{what}: no version");
        let text = html.replace("&#x2f;", "/").replace("&#x27;", "'").replace("&quot;", "\"").replace("&amp;", "&");
        let dir = &outputs().iter().find(|(w, _)| *w == what).unwrap().1;
        assert!(
            text.contains(&format!("{file} ")) && text.contains(&format!("--out {}", dir.display())),
            "{what}: no command line"
        );
        assert!(html.contains("<dt>Written</dt><dd>20"), "{what}: no date");
    }
    // The decision comes first: the table precedes every chart.
    let (_, html) = report("run");
    assert!(html.find("decision-table").unwrap() < html.find("<svg").unwrap());
    for section in ["id=\"binding\"", "id=\"ports\"", "id=\"flows\"", "id=\"services\"", "id=\"provenance\""] {
        assert!(html.contains(section), "run report lacks {section}");
    }
    assert!(html.contains("Port of Baku (Alat) (baku)"), "one panel per port, by name");
    assert!(report("planning").1.contains("id=\"years\""));
    assert!(report("compare").1.contains("id=\"comparison\""));
}

#[test]
fn a_plan_report_draws_the_plans_instead_of_printing_them() {
    let (_, html) = report("plan_years");
    let dir = &outputs().iter().find(|(w, _)| *w == "plan_years").unwrap().1;
    for (file, words) in [
        ("plan_timeline.svg", "When each of the cheapest plans builds what"),
        ("plan_years.svg", "Plan 1 year by year"),
    ] {
        let svg = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(svg.contains(words) && html.contains(words), "{file} is written and in the report");
    }
    // The timeline has a bar per upgrade of the three plans; plan 1's chart a panel for
    // stability and one for the criterion, a mark for each of the four years in each.
    let timeline = std::fs::read_to_string(dir.join("plan_timeline.svg")).unwrap();
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    let upgrades: usize = plan["plan"]["best"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["evaluation"]["plan"]["upgrades"].as_array().unwrap().len())
        .sum();
    assert_eq!(timeline.matches("<rect x=").count(), upgrades);
    let years = std::fs::read_to_string(dir.join("plan_years.svg")).unwrap();
    assert_eq!(years.matches("<circle").count() + years.matches("<path d=").count(), 2 * 4);
    assert!(years.contains("Criterion: port.p.ship_wait_hours.mean &lt;= 8"));
    // The search is a table now, not preformatted text.
    assert!(html.contains("The plans simulated and the search") && !html.contains("<pre"));
    // Without planning years there is nothing to draw, and nothing is.
    let plain = &outputs().iter().find(|(w, _)| *w == "plan").unwrap().1;
    assert!(!plain.join("plan_timeline.svg").exists() && !plain.join("plan_years.svg").exists());
}

/// A Chromium-family browser: `CORRIDOR_BROWSER`, or one on the PATH.
fn browser() -> Option<PathBuf> {
    if let Some(b) = std::env::var_os("CORRIDOR_BROWSER") {
        return Some(PathBuf::from(b));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

fn headless(browser: &Path, args: &[&str], page: &Path) -> std::process::Output {
    Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1366,768"])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser starts")
}

/// A script run before anything else in the page: it records console errors, failed
/// loads and policy violations, and at load writes what the test checks into the DOM.
const PROBE: &str = r#"<script>
window.__errors = [];
const __error = console.error.bind(console);
console.error = (...a) => { window.__errors.push(a.join(' ')); __error(...a); };
window.addEventListener('error', e => window.__errors.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)) || 'resource')), true);
document.addEventListener('securitypolicyviolation', e => window.__errors.push('blocked: ' + e.blockedURI + ' by ' + e.violatedDirective));
window.addEventListener('load', () => {
  const table = document.getElementById('decision-table');
  const r = table ? table.getBoundingClientRect() : null;
  const first = table ? table.querySelector('tbody tr').getBoundingClientRect() : null;
  const out = document.createElement('pre');
  out.id = 'corridor-probe';
  out.textContent = JSON.stringify({
    innerWidth: window.innerWidth, innerHeight: window.innerHeight,
    scrollWidth: document.documentElement.scrollWidth,
    tableTop: r ? r.top : null, firstRowBottom: first ? first.bottom : null,
    svgs: document.querySelectorAll('svg').length, errors: window.__errors,
    mapFirst: (() => { const m = document.querySelector('#binding svg'); return m ? m.getAttribute('aria-label') : null; })(),
    mapLinks: (() => { const m = document.querySelector('#binding svg'); return m ? m.querySelectorAll('.map-link').length : 0; })(),
    mapNodes: (() => { const m = document.querySelector('#binding svg'); return m ? m.querySelectorAll('.map-node').length : 0; })(),
    mapWidth: (() => { const m = document.querySelector('#binding svg'); return m ? m.getBoundingClientRect().width : 0; })(),
    mapAboveTable: (() => { const m = document.querySelector('#binding svg'), t = document.querySelector('#binding table');
      return !!(m && (!t || m.getBoundingClientRect().top < t.getBoundingClientRect().top)); })()
  });
  document.body.appendChild(out);
});
</script>"#;

#[test]
fn the_bundled_scenarios_report_reads_in_a_real_browser() {
    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("CORRIDOR_REQUIRE_BROWSER").is_none(),
            "CORRIDOR_REQUIRE_BROWSER is set, but no Chromium was found (Debian: apt-get install chromium)"
        );
        eprintln!(
            "SKIPPED the browser test: no headless Chromium on this machine (Debian: apt-get install chromium; \
             or set CORRIDOR_BROWSER). CI installs it and never skips."
        );
        return;
    };
    let (page, html) = report("run");
    // The probe needs inline scripts, which the report's policy (rightly) forbids.
    let probe_page = page.with_file_name("report-probe.html");
    let probed = html.replacen("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1).replacen(
        "<head>",
        &format!("<head>{PROBE}"),
        1,
    );
    std::fs::write(&probe_page, probed).unwrap();
    let out = headless(&browser, &["--virtual-time-budget=10000", "--dump-dom"], &probe_page);
    let dom = String::from_utf8_lossy(&out.stdout);
    let json = dom
        .split("<pre id=\"corridor-probe\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("the probe did not report; stderr: {}", String::from_utf8_lossy(&out.stderr)));
    let probe: serde_json::Value = serde_json::from_str(&json.replace("&quot;", "\"").replace("&amp;", "&")).unwrap();
    let number = |k: &str| probe[k].as_f64().unwrap_or_else(|| panic!("{k} missing: {probe}"));
    assert_eq!(number("innerWidth"), 1366.0, "the page was not laid out at 1,366 px: {probe}");
    assert!(number("scrollWidth") <= number("innerWidth"), "the page scrolls sideways at 1,366 px: {probe}");
    // The first screen: the viewport of a 1,366 × 768 window.
    let screen = number("innerHeight");
    assert!(number("tableTop") < screen, "the decision table starts below the first screen: {probe}");
    assert!(number("firstRowBottom") <= screen, "the decision table's first row is not in the first screen: {probe}");
    assert!(number("svgs") >= 10.0, "charts are missing: {probe}");
    assert_eq!(probe["errors"], serde_json::json!([]), "console errors: {probe}");
    // "What binds" opens with the map: the Middle Corridor's 8 ports and nodes and its
    // 7 links (3 sea, 3 rail, the pipeline), drawn at a readable width.
    assert!(
        probe["mapFirst"].as_str().is_some_and(|l| l.starts_with("map of the corridor")),
        "what binds does not open with the map: {probe}"
    );
    assert_eq!((number("mapNodes"), number("mapLinks")), (8.0, 7.0), "the map's ports, nodes and links: {probe}");
    assert!(number("mapWidth") >= 500.0, "the map is drawn too small: {probe}");
    assert_eq!(probe["mapAboveTable"], true, "the map comes after the capacity sheet: {probe}");
    // The picture a planner sees first, kept as a CI artefact, and the page printed to PDF.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("report-first-screen.png");
    let _ = std::fs::remove_file(&shot);
    headless(&browser, &[&format!("--screenshot={}", shot.display())], &page);
    let png = std::fs::read(&shot).expect("a screenshot was taken");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "the screenshot is empty");
    let pdf = shots.join("report.pdf");
    let _ = std::fs::remove_file(&pdf);
    headless(&browser, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())], &page);
    let bytes = std::fs::read(&pdf).expect("the report prints to PDF");
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 50_000, "the PDF is empty");
    eprintln!("browser test: screenshot {} and {} ({} kB)", shot.display(), pdf.display(), bytes.len() / 1024);
}

#[test]
fn a_tie_in_cost_between_the_first_two_plans_is_said() {
    let dir = &outputs().iter().find(|(w, _)| *w == "plan").unwrap().1;
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("plan.json")).unwrap()).unwrap();
    let mut answer: corridor::experiment::plan::PlanAnswer = serde_json::from_value(json["plan"].clone()).unwrap();
    assert!(answer.best.len() >= 2);
    let tie = "Plans 1 and 2 cost the same";
    // The bundled small case has no tie (23.0 against 23.5 M): nothing is said.
    assert!(!corridor::report::plan::plan_text(&answer).contains(tie));
    answer.best[1].evaluation.plan.cost = answer.best[0].evaluation.plan.cost;
    assert!(corridor::report::plan::plan_text(&answer).contains(tie));
}

#[test]
fn replication_rows_line_up_when_variants_have_different_kpis() {
    // A pooled fleet replaces its lines' `rho.service.*` with `rho.pool.*`: each
    // column must hold its own key's value in every row, empty where a variant has
    // no such KPI.
    use corridor::experiment::Experiment;
    use corridor::scenario::Scenario;
    let scenario = Scenario::load("scenarios/middle_corridor.toml").unwrap();
    let result = Experiment::for_scenario(&scenario)
        .replications(2)
        .variants(["baseline", "asco_pooled"])
        .run(&scenario, None)
        .unwrap();
    let csv =
        String::from_utf8(corridor::report::replications_csv(&result, &corridor::report::KpiSelection::all()).unwrap())
            .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |k: &str| header.iter().position(|h| *h == k).unwrap_or_else(|| panic!("no column {k}"));
    let (pool, line, wait) = (
        column("rho.pool.asco_rail_ferries"),
        column("rho.service.turkmen_ferry"),
        column("port.baku.ship_wait_hours.mean"),
    );
    for row in lines {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{row}");
        let pooled = cells[0] == "asco_pooled";
        assert_eq!(cells[pool].is_empty(), !pooled, "{row}");
        assert_eq!(cells[line].is_empty(), pooled, "{row}");
        let v = result.variant(cells[0]).unwrap();
        let r: usize = cells[1].parse().unwrap();
        let expected = v.values("port.baku.ship_wait_hours.mean").unwrap()[r];
        assert_eq!(cells[wait].parse::<f64>().unwrap(), expected, "{row}");
    }
}

#[test]
fn the_sensitivity_charts_have_a_title_axis_units_and_stay_on_their_canvas() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-sensitivity");
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(BIN)
        .args(["sensitivity", "scenarios/middle_corridor.toml", "--variant", "baseline"])
        .args(["--kpi", "port.baku.ship_wait_hours.p95", "--kpi", "rho.service.turkmen_ferry"])
        .args(["--samples", "2", "--replications", "2", "--out"])
        .arg(&dir)
        .output()
        .expect("corridor runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let charts = files(&dir, "svg");
    assert_eq!(charts.len(), 2, "one chart per --kpi: {charts:?}");
    for svg in charts {
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("baku_rail_ferry_rate"), "{}: the inputs are the rows", svg.display());
        let problems = layout_problems(&text);
        assert!(problems.is_empty(), "{}: {problems:?}", svg.display());
    }
    std::fs::remove_dir_all(dir).ok();
}
