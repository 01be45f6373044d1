//! One replication of a simulated year of `scenarios/middle_corridor.toml` (baseline):
//! time per replication, and events per second (criterion's throughput line, with
//! elements = events of one replication).

use corridor::model::{Network, run_replication};
use corridor::scenario::Scenario;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn corridor_year(c: &mut Criterion) {
    let scenario = Scenario::load("scenarios/middle_corridor.toml").expect("bundled scenario is valid");
    let network = Network::compile(&scenario.variant("baseline").expect("baseline exists")).expect("compiles");
    let events = run_replication(&network, 1, 0).system.events as u64;
    let mut group = c.benchmark_group("middle_corridor");
    group.throughput(Throughput::Elements(events));
    let mut replication = 0;
    group.bench_function("replication_year", |b| {
        b.iter(|| {
            replication += 1;
            black_box(run_replication(&network, 1, replication % 16))
        })
    });
    group.finish();
}

criterion_group!(benches, corridor_year);
criterion_main!(benches);
