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
