//! An experiment's interrupt flag stops the capacity and plan searches without an
//! answer (as the Python package's Ctrl-C does), instead of letting them run on with
//! empty replications.

use corridor::experiment::Experiment;
use corridor::experiment::capacity::{CapacityError, CapacitySearch, Criterion};
use corridor::experiment::plan::{PlanError, PlanSearch};
use corridor::scenario::Scenario;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

fn interrupted(scenario: &Scenario) -> Experiment {
    let mut exp = Experiment::for_scenario(scenario).replications(5);
    exp.interrupt = Some(Arc::new(AtomicBool::new(true)));
    exp
}

#[test]
fn an_interrupted_capacity_search_stops_without_an_answer() {
    let scenario = Scenario::load("scenarios/mmc_port.toml").unwrap();
    let criteria = vec![Criterion::parse("port.port.ship_wait_hours.mean <= 8").unwrap()];
    let search = CapacitySearch::new(Vec::new(), criteria);
    let exp = interrupted(&scenario);
    let outcome = corridor::experiment::capacity::search(&scenario, "base", &search, &exp, None);
    assert!(matches!(outcome, Err(CapacityError::Interrupted)), "{:?}", outcome.map(|a| a.factor));
    // Not interrupted, the same search answers.
    let plain = Experiment::for_scenario(&scenario).replications(5);
    assert!(corridor::experiment::capacity::search(&scenario, "base", &search, &plain, None).is_ok());
}

#[test]
fn an_interrupted_plan_search_stops_without_an_answer() {
    let scenario = Scenario::from_str(include_str!("common/plan_two_ports.toml"), "plan_two_ports.toml").unwrap();
    let search = PlanSearch::new(vec![Criterion::parse("port.b.ship_wait_hours.mean <= 4").unwrap()]);
    let exp = interrupted(&scenario);
    let outcome = corridor::experiment::plan::search(&scenario, "base", &search, &exp, None);
    assert!(matches!(outcome, Err(PlanError::Interrupted)), "{:?}", outcome.map(|a| a.best.len()));
}
