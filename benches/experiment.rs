//! Replications per second of `scenarios/middle_corridor.toml` (baseline) with 1
//! thread and with all threads, measured in the same run: the ratio is the parallel
//! speed-up of the Monte Carlo core.

use corridor::experiment::Experiment;
use corridor::scenario::Scenario;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const REPLICATIONS: u64 = 16;

fn replications_per_second(c: &mut Criterion) {
    let scenario = Scenario::load("scenarios/middle_corridor.toml").expect("bundled scenario is valid");
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("experiment");
    group.sample_size(10);
    group.throughput(Throughput::Elements(REPLICATIONS));
    for threads in [1, all] {
        let experiment = Experiment {
            variants: vec!["baseline".into()],
            replications: REPLICATIONS,
            seed: 1,
            threads: Some(threads),
            precision: None,
            shard: None,
            interrupt: None,
            trace_every: None,
        };
        group.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| black_box(experiment.run(&scenario, None).expect("runs")))
        });
    }
    group.finish();
}

criterion_group!(benches, replications_per_second);
criterion_main!(benches);
