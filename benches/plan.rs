//! The plan search of the README: the cheapest plan that keeps
//! `scenarios/middle_corridor_2030.toml` (variant `no_upgrades`, 11 candidates) stable
//! in every year to 2030 with Baku's p95 ship wait within 24 h from 2027, the five
//! best plans called feasible with the search's guarantee, all cores. Target: 10
//! minutes or less on 2 cores.
//!
//! ```text
//! cargo bench --bench plan
//! ```
//!
//! One search takes about six minutes on 2 cores (361 s measured by the CLI), so
//! criterion's minimum sample of 10, one search each, takes about an hour.

use corridor::experiment::Experiment;
use corridor::experiment::capacity::Criterion as PlanCriterion;
use corridor::experiment::plan::{PlanSearch, search};
use corridor::scenario::Scenario;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn plan_search(c: &mut Criterion) {
    let scenario = Scenario::load("scenarios/middle_corridor_2030.toml").expect("bundled scenario is valid");
    let experiment = Experiment::for_scenario(&scenario);
    let mut settings =
        PlanSearch::new(vec![PlanCriterion::parse("port.baku.ship_wait_hours.p95 <= 24").expect("a valid criterion")]);
    settings.criteria_from = Some(2027);
    let mut group = c.benchmark_group("plan");
    // One search a sample (flat sampling), ten samples: about an hour in all.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(700));
    group.bench_function("middle_corridor_2030_cheapest_plan", |b| {
        b.iter(|| black_box(search(&scenario, "no_upgrades", &settings, &experiment, None).expect("the search runs")))
    });
    group.finish();
}

criterion_group!(benches, plan_search);
criterion_main!(benches);
