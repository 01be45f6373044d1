//! The capacity search of the README: the largest sustainable transit surge of the
//! Middle Corridor on the phase-1 and phase-2 port (`baseline`, `baku_phase2`), 20
//! replications a point, criteria on Baku's p95 ship wait and the delivered share,
//! all cores. Target: 60 s or less for both variants on 2 cores.
//!
//! ```text
//! cargo bench --bench capacity
//! ```
//!
//! One search takes tens of seconds, so criterion runs the minimum sample of 10.

use corridor::experiment::Experiment;
use corridor::experiment::capacity::{CapacitySearch, Criterion as Condition, search};
use corridor::scenario::Scenario;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn capacity_search(c: &mut Criterion) {
    let scenario = Scenario::load("scenarios/middle_corridor.toml").expect("bundled scenario is valid");
    let experiment = Experiment::for_scenario(&scenario).replications(20);
    let criteria = ["port.baku.ship_wait_hours.p95 <= 24", "delivered_share >= 0.99"]
        .map(|t| Condition::parse(t).expect("valid criterion"));
    let capacity = CapacitySearch::new(vec!["transit".into()], criteria.to_vec());
    let mut group = c.benchmark_group("capacity");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("middle_corridor_two_variants_20_reps", |b| {
        b.iter(|| {
            for variant in ["baseline", "baku_phase2"] {
                black_box(search(&scenario, variant, &capacity, &experiment, None).expect("search runs"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, capacity_search);
criterion_main!(benches);
