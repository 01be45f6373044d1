//! The planning run of the README: `scenarios/middle_corridor_2030.toml`, six years
//! (2025-2030) after 60 days of warm-up, 20 replications of the `announced` variant
//! (every dated upgrade on), all cores. Target: 60 s or less on 2 cores.
//!
//! ```text
//! cargo bench --bench planning
//! ```
//!
//! One run takes seconds to tens of seconds, so criterion runs the minimum sample of 10.

use corridor::experiment::Experiment;
use corridor::scenario::Scenario;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn planning_run(c: &mut Criterion) {
    let scenario = Scenario::load("scenarios/middle_corridor_2030.toml").expect("bundled scenario is valid");
    let experiment = Experiment::for_scenario(&scenario).variants(["announced"]).replications(20);
    let mut group = c.benchmark_group("planning");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(120));
    group.bench_function("middle_corridor_2030_six_years_20_reps", |b| {
        b.iter(|| black_box(experiment.run(&scenario, None).expect("the run succeeds")))
    });
    group.finish();
}

criterion_group!(benches, planning_run);
criterion_main!(benches);
