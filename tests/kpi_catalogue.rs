//! docs/kpis.md (the rustdoc of `corridor::kpis`) lists every KPI key the model
//! reports: every key of every bundled scenario and of a scenario that uses every
//! feature matches a row, and every row matches a key reported.

use corridor::experiment::compile_variants;
use corridor::model::kpi_keys;
use corridor::scenario::{BASE, Scenario};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

const CATALOGUE: &str = "docs/kpis.md";

/// The scenarios whose keys the catalogue must cover: every bundled one, the starter,
/// and the one that uses every feature.
fn scenarios() -> Vec<Scenario> {
    let mut files: Vec<String> = std::fs::read_dir("scenarios")
        .expect("scenarios/ exists")
        .map(|e| e.expect("a directory entry").path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.push("tests/common/every_feature.toml".to_string());
    files.sort();
    let mut out: Vec<Scenario> = files.iter().map(|f| Scenario::load(f).expect("a bundled scenario loads")).collect();
    out.push(Scenario::from_str(corridor::scenario::STARTER, "starter.toml").expect("the starter loads"));
    out
}

/// Every key the scenarios report, in every variant and the base.
fn reported_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for scenario in scenarios() {
        let mut names = scenario.variant_names();
        names.push(BASE.to_string());
        for (_, network) in compile_variants(&scenario, &names).expect("every variant compiles") {
            keys.extend(kpi_keys(&network));
        }
    }
    keys
}

/// A row's key pattern as a regular expression (the grammar docs/kpis.md states).
fn pattern(key: &str) -> Regex {
    let mut re = String::from("^");
    let mut rest = key;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').expect("a closed <placeholder>");
            re += match &rest[1..end] {
                "resource" | "place" => r"[^.]+(\.[^.]+)*",
                _ => r"[^.]+",
            };
            rest = &rest[end + 1..];
        } else if c == '{' {
            let end = rest.find('}').expect("a closed {a,b}");
            let options: Vec<String> = rest[1..end].split(',').map(regex::escape).collect();
            re += &format!("({})", options.join("|"));
            rest = &rest[end + 1..];
        } else if rest.starts_with("tNN") {
            re += "t(0[0-9]|10)";
            rest = &rest[3..];
        } else {
            re += &regex::escape(&c.to_string());
            rest = &rest[c.len_utf8()..];
        }
    }
    Regex::new(&(re + "$")).expect("the pattern compiles")
}

/// The key patterns of the catalogue's tables, in order.
fn catalogue() -> Vec<(String, Regex)> {
    let text = std::fs::read_to_string(CATALOGUE).expect("the catalogue exists");
    text.lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|row| {
            let key = &row[..row.find('`').expect("a closed key")];
            (key.to_string(), pattern(key))
        })
        .collect()
}

/// The key a prefixed key repeats: `year.<Y>.` (but not `year.<Y>.system.completed`)
/// and `flow.<id>.route.<name>.` are the two prefixes the catalogue states.
fn unprefixed(key: &str) -> String {
    static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^year\.[0-9]{4}\.(.+)$").expect("valid"));
    static ROUTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^flow\.([^.]+)\.route\.[^.]+\.(.+)$").expect("valid"));
    let key = match YEAR.captures(key) {
        Some(c) if &c[1] != "system.completed" => c[1].to_string(),
        _ => key.to_string(),
    };
    match ROUTE.captures(&key) {
        Some(c) => format!("flow.{}.{}", &c[1], &c[2]),
        None => key,
    }
}

#[test]
fn every_reported_key_is_in_the_catalogue_and_every_row_is_reported() {
    let rows = catalogue();
    assert!(rows.len() > 50, "the catalogue's tables were read ({} rows)", rows.len());
    let keys = reported_keys();
    assert!(keys.len() > 1000, "the scenarios report their keys ({})", keys.len());
    let missing: Vec<&String> =
        keys.iter().filter(|k| !rows.iter().any(|(_, re)| re.is_match(&unprefixed(k)))).collect();
    assert!(
        missing.is_empty(),
        "{} keys are not in {CATALOGUE}, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    let unused: Vec<&String> =
        rows.iter().filter(|(_, re)| !keys.iter().any(|k| re.is_match(k))).map(|(key, _)| key).collect();
    assert!(unused.is_empty(), "rows of {CATALOGUE} that no scenario reports: {unused:?}");
}

#[test]
fn the_pattern_grammar_reads_as_the_catalogue_says() {
    assert!(pattern("port.<id>.ship_wait_hours.{mean,p95}").is_match("port.baku.ship_wait_hours.p95"));
    assert!(!pattern("port.<id>.ship_wait_hours.{mean,p95}").is_match("port.baku.ship_wait_hours.p50"));
    assert!(!pattern("port.<id>.closed_hours").is_match("port.a.b.closed_hours"));
    assert!(pattern("rho.<resource>").is_match("rho.port.baku.berths.dry"));
    assert!(pattern("system.backlog_tonnes.tNN").is_match("system.backlog_tonnes.t10"));
    assert!(!pattern("system.backlog_tonnes.tNN").is_match("system.backlog_tonnes.t11"));
    assert_eq!(unprefixed("year.2027.flow.f.route.r.transit_hours.mean"), "flow.f.transit_hours.mean");
    assert_eq!(unprefixed("year.2027.system.completed"), "year.2027.system.completed");
}
