//! Golden outputs: the per-replication results of the bundled scenarios (every
//! variant), their sweep, and a fixed set of random scenarios, at fixed seeds, must
//! stay bit-identical (`wall_seconds` and `threads` describe the machine and are not
//! recorded). Refactoring must not change a number; a deliberate change of behaviour
//! updates the files in a commit of its own that says why:
//!
//! ```text
//! CORRIDOR_BLESS=1 cargo test --test golden
//! ```

mod common;

use corridor::experiment::{Experiment, sweep::run_sweep};
use corridor::scenario::{BASE, Scenario};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

fn check(name: &str, actual: &str) {
    let path = std::path::Path::new("tests/golden").join(format!("{name}.json"));
    if std::env::var_os("CORRIDOR_BLESS").is_some() {
        std::fs::create_dir_all("tests/golden").unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run CORRIDOR_BLESS=1 cargo test --test golden", path.display()));
    if expected != actual {
        let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
        let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
        panic!(
            "{name} differs from {} at line {}:\n  expected {}\n  actual   {}",
            path.display(),
            first + 1,
            e.get(first).unwrap_or(&"<end>"),
            a.get(first).unwrap_or(&"<end>")
        );
    }
}

fn all_variants(scenario: &Scenario) -> Vec<String> {
    std::iter::once(BASE.to_string()).chain(scenario.variant_names()).collect()
}

fn run(scenario: &Scenario, replications: u64, seed: u64) -> String {
    let result = Experiment::for_scenario(scenario)
        .variants(all_variants(scenario))
        .replications(replications)
        .seed(seed)
        .run(scenario, None)
        .unwrap();
    serde_json::to_string_pretty(&result.variants).unwrap()
}

#[test]
fn bundled_scenarios_are_unchanged() {
    for (name, path) in [("middle_corridor", "scenarios/middle_corridor.toml"), ("mmc_port", "scenarios/mmc_port.toml")]
    {
        let scenario = Scenario::load(path).unwrap();
        check(name, &run(&scenario, 3, 11));
    }
}

#[test]
fn the_bundled_sweep_is_unchanged() {
    let scenario = Scenario::load("scenarios/middle_corridor.toml").unwrap();
    let sweep = run_sweep(&scenario, &Experiment::for_scenario(&scenario).replications(2).seed(5), None).unwrap();
    check("middle_corridor_sweep", &serde_json::to_string_pretty(&(&sweep.values, &sweep.result.variants)).unwrap());
}

#[test]
fn random_scenarios_are_unchanged() {
    let mut runner = TestRunner::deterministic();
    let mut all = Vec::new();
    for case in 0..12 {
        let params = common::params().new_tree(&mut runner).unwrap().current();
        let text = common::scenario_text(&params);
        let scenario = Scenario::from_str(&text, "random.toml").unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
        all.push(run(&scenario, 2, 1_000 + case));
    }
    check("random_scenarios", &format!("[{}]", all.join(",\n")));
}

/// A planning run with growth, a dated change, route choice and costs: small enough
/// to keep every year's KPIs in the golden file.
const PLANNING: &str = r#"
[scenario]
name = "planning golden"
horizon_days = 730
warmup_days = 20

[planning]
start_year = 2025
years = 2

[growth.cargo]
annual_rate = 0.3

[ports.a]
yard_capacity_tonnes = 50000
charge_per_tonne = 2.0
berths.dry = { count = 1, handling_tonnes_per_hour = 400.0, berthing_hours = 1.0 }

[ports.b]
yard_capacity_tonnes = 50000
berths.dry = { count = 1, handling_tonnes_per_hour = 400.0, berthing_hours = 1.0 }

[nodes.c]
kind = "destination"

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "triangular", min = 10.0, mode = 12.0, max = 16.0 }
distance_km = 300

[rail_links.bc]
between = ["b", "c"]
transit_hours = { dist = "constant", value = 8.0 }
trains_per_day = 6
length_km = 200

[ship_services.shuttle]
class = "dry"
vessels = 1
capacity_tonnes = 3000
route = ["a", "b"]
max_wait_hours = 24
tariff_per_tonne = 9.0
co2_g_per_tonne_km = 20.0

[train_services.trains]
route = ["b", "c"]
trainsets = 2
wagons = 20
tonnes_per_wagon = 50
departure = "when_full"
tariff_per_tonne = 4.0
co2_g_per_tonne_km = 25.0

[flows.cargo]
class = "dry"
annual_tonnes = 400000
consignment_tonnes = { dist = "lognormal", mean = 500.0, sd = 200.0 }
value_of_time_per_tonne_day = 1.0
tags = ["cargo"]
choice = "congestion"
routes.by_rail = { route = ["a", "b", "c"] }
routes.to_port = { route = ["a", "b"] }

[changes.second_ship]
date = "2026-03-01"
set = { "ship_services.shuttle.vessels" = 2 }
"#;

#[test]
fn a_planning_run_is_unchanged() {
    let scenario = Scenario::from_str(PLANNING, "planning.toml").unwrap();
    check("planning", &run(&scenario, 3, 11));
}
