//! Engine benchmarks.
//!
//! - The classic *hold model*: N events pending; each event, when it fires, schedules
//!   one new event at now + a random delay. Measured for the engine (scheduler + run
//!   loop, as a model sees it) and, in the same run, for the baseline
//!   `std::collections::BinaryHeap<Reverse<(u64, u64, u32)>>` doing the same holds.
//!   Both draw delays from the same pre-computed table of exponential variates, so
//!   the comparison is about the event queue, not the random number generator.
//! - M/M/1 throughput (customers per second) with the model of `examples/mmc.rs`, and
//!   beside it the floor no event engine can beat: the Lindley recursion
//!   `W(n+1) = max(0, W(n) + S(n) - A(n+1))` over the same ChaCha8 streams and `Exp`
//!   samplers, with no events at all. After criterion's lines, the bench times both
//!   again, alternating, and prints the engine's cost as a multiple of the floor.
//!
//! Compare the "corridor" and "std_binary_heap" lines of each `hold/N` group: the
//! ratio of their times per event is the engine's speed-up.

#[allow(dead_code)]
#[path = "../examples/mmc.rs"]
mod mmc;

use corridor::engine::{Model, Scheduler, SimTime, Simulation, Streams, stream};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand_distr::{Distribution, Exp};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::time::Instant;

/// Holds per measured iteration.
const HOLDS: u64 = 10_000;
/// Size of the delay table (a power of two, larger than any cache line effects matter).
const DELAYS: usize = 1 << 16;

fn delay_table() -> Vec<u64> {
    let mut rng = stream(1, 0, "bench/hold/delays");
    let exp: Exp<f64> = Exp::new(1.0 / 1_000.0).expect("valid rate");
    (0..DELAYS).map(|_| exp.sample(&mut rng).round() as u64).collect()
}

/// The hold model on the engine: each event reschedules itself after the next delay.
struct Hold {
    delays: Vec<u64>,
    next: usize,
}

impl Model for Hold {
    type Event = u32;
    #[inline]
    fn handle(&mut self, id: u32, scheduler: &mut Scheduler<u32>) {
        let delay = self.delays[self.next & (DELAYS - 1)];
        self.next = self.next.wrapping_add(1);
        scheduler.schedule_in(SimTime::from_millis(delay), id);
    }
}

fn hold(c: &mut Criterion) {
    let delays = delay_table();
    for n in [10usize, 1_000, 100_000] {
        let mut group = c.benchmark_group(format!("hold/{n}"));
        group.throughput(Throughput::Elements(HOLDS));

        let mut sim = Simulation::with_scheduler(Hold { delays: delays.clone(), next: 0 }, Scheduler::with_capacity(n));
        for id in 0..n {
            let delay = delays[id % DELAYS];
            sim.scheduler_mut().schedule_in(SimTime::from_millis(delay), id as u32);
        }
        group.bench_function(BenchmarkId::from_parameter("corridor"), |b| b.iter(|| black_box(sim.run_steps(HOLDS))));

        let mut heap: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::with_capacity(n);
        let mut seq = 0u64;
        for id in 0..n {
            heap.push(Reverse((delays[id % DELAYS], seq, id as u32)));
            seq += 1;
        }
        let mut next = 0usize;
        group.bench_function(BenchmarkId::from_parameter("std_binary_heap"), |b| {
            b.iter(|| {
                for _ in 0..HOLDS {
                    let Reverse((now, _, id)) = heap.pop().expect("n > 0 events pending");
                    let delay = delays[next & (DELAYS - 1)];
                    next = next.wrapping_add(1);
                    heap.push(Reverse((now + delay, seq, id)));
                    seq += 1;
                }
                black_box(heap.len())
            })
        });
        group.finish();
    }
}

/// The M/M/1 customers of one replication with the engine's own model.
fn mm1_config(customers: u64) -> mmc::QueueConfig {
    mmc::QueueConfig {
        lambda: 0.9,
        service: mmc::Service::Exponential { rate: 1.0 },
        servers: 1,
        customers,
        warmup_customers: 0,
    }
}

/// The event-free floor: the mean wait of `customers` M/M/1 customers by the Lindley
/// recursion, drawing from the streams and samplers `examples/mmc.rs` uses.
fn lindley_mean_wait(lambda: f64, mu: f64, customers: u64, master_seed: u64, replication: u64) -> f64 {
    let streams = Streams::new(master_seed, replication);
    let (mut arrivals, mut service) = (streams.stream("mmc/arrivals"), streams.stream("mmc/service"));
    let (gap, work) = (Exp::new(lambda).expect("valid rate"), Exp::new(mu).expect("valid rate"));
    let (mut wait, mut total) = (0.0f64, 0.0f64);
    for _ in 0..customers {
        total += wait;
        let s: f64 = work.sample(&mut service);
        let a: f64 = gap.sample(&mut arrivals);
        wait = (wait + s - a).max(0.0);
    }
    total / customers as f64
}

fn mm1_throughput(c: &mut Criterion) {
    let customers = 100_000;
    let config = mm1_config(customers);
    let mut group = c.benchmark_group("mm1");
    group.throughput(Throughput::Elements(customers));
    let mut replication = 0;
    group.bench_function("customers", |b| {
        b.iter(|| {
            replication += 1;
            black_box(mmc::run_replication(config, 42, replication))
        })
    });
    group.bench_function("lindley_floor", |b| {
        b.iter(|| {
            replication += 1;
            black_box(lindley_mean_wait(0.9, 1.0, customers, 42, replication))
        })
    });
    group.finish();

    // The ratio itself, from both timed alternately in this one run (best of 7 rounds
    // of 10^6 customers each, so a noisy neighbour inflates neither side alone).
    let customers = 1_000_000;
    let config = mm1_config(customers);
    let (mut engine, mut floor) = (f64::INFINITY, f64::INFINITY);
    for round in 0..7 {
        let start = Instant::now();
        black_box(mmc::run_replication(config, 42, round));
        engine = engine.min(start.elapsed().as_secs_f64());
        let start = Instant::now();
        black_box(lindley_mean_wait(0.9, 1.0, customers, 42, round));
        floor = floor.min(start.elapsed().as_secs_f64());
    }
    let rate = |secs: f64| customers as f64 / secs / 1e6;
    println!(
        "mm1: engine {:.1} M customers/s, Lindley floor {:.1} M customers/s: the engine costs {:.2}x the floor (goal: at most 4x)",
        rate(engine),
        rate(floor),
        engine / floor
    );
}

criterion_group!(benches, hold, mm1_throughput);
criterion_main!(benches);
