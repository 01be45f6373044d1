//! An M/M/c queue written on the engine alone — and a guide to writing your own model.
//!
//! Run it:
//!
//! ```text
//! cargo run --release --example mmc -- --lambda 4.5 --mu 1 --servers 5
//! ```
//!
//! It simulates independent replications of a queue with Poisson arrivals (rate λ),
//! `c` servers and exponential (or deterministic) service (rate μ), and prints the
//! simulated mean wait in queue Wq with its 99 % confidence interval next to the
//! exact value from Erlang C (or Pollaczek–Khinchine for deterministic service).
//!
//! How a model is built on `corridor::engine`, step by step:
//! 1. an `enum` of the events the model reacts to (`Event` below);
//! 2. a struct holding all state, random streams and statistics (`Queue`);
//! 3. `impl Model for Queue`: one `handle` method that matches on the event, updates
//!    the state and schedules follow-up events through the `Scheduler`;
//! 4. a `Simulation` that owns the model, one or more seed events, and a `run` call.
//!
//! The test suite (`tests/queueing_theory.rs`) and the benchmark (`benches/engine.rs`)
//! reuse this very model, so what you read here is what is validated and measured.

use clap::Parser;
use corridor::engine::{Model, RandomStream, Scheduler, SimTime, Simulation, Streams};
use corridor::stats::{OnlineStats, TimeWeighted, queueing, student_t_interval};
use rand_distr::{Distribution, Exp};
use std::collections::VecDeque;

/// How long a service takes.
#[derive(Debug, Clone, Copy)]
pub enum Service {
    /// Exponential with the given rate μ (M/M/c).
    Exponential {
        /// Service rate per server.
        rate: f64,
    },
    /// Always exactly `1/rate` (M/D/c).
    Deterministic {
        /// Service rate per server.
        rate: f64,
    },
}

/// Parameters of one queue. Times are in hours (any unit works; the engine's clock is
/// integer milliseconds, so one "unit" is 3.6 million ticks — plenty of resolution).
#[derive(Debug, Clone, Copy)]
pub struct QueueConfig {
    /// Arrival rate λ (customers per hour).
    pub lambda: f64,
    /// Service process.
    pub service: Service,
    /// Number of servers c.
    pub servers: u32,
    /// Customers generated in total per replication.
    pub customers: u64,
    /// Customers at the start whose statistics are discarded (warm-up).
    pub warmup_customers: u64,
}

/// Step 1: the events. Small, `Copy`, carrying only what the handler needs.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// A customer arrives.
    Arrival,
    /// A server finishes the customer that arrived at `arrived`.
    Departure {
        /// When that customer arrived (to measure its time in system).
        arrived: SimTime,
        /// Whether that customer counts in the statistics (arrived after warm-up).
        counted: bool,
    },
}

/// Step 2: the state, random streams and statistics of the queue.
pub struct Queue {
    config: QueueConfig,
    interarrival: Exp<f64>,
    /// Built once: distributions are constructed at set-up, never per draw.
    exponential_service: Option<Exp<f64>>,
    arrival_rng: RandomStream,
    service_rng: RandomStream,
    /// Arrival times (and whether counted) of customers waiting for a server, FIFO.
    waiting: VecDeque<(SimTime, bool)>,
    busy: u32,
    generated: u64,
    /// Time the warm-up ended (statistics start here).
    pub measure_from: Option<SimTime>,
    /// Wait in queue of counted customers, hours.
    pub wait: OnlineStats,
    /// Time in system of counted customers, hours.
    pub sojourn: OnlineStats,
    /// Number in system over time (ticks = ms), from the end of the warm-up.
    pub in_system: TimeWeighted,
    /// Time of the last departure (the end of the run).
    pub last_departure: SimTime,
}

impl Queue {
    /// A queue whose random numbers come from replication `streams`. Each purpose has
    /// its own named stream, so changing one never shifts the other.
    pub fn new(config: QueueConfig, streams: Streams) -> Self {
        let interarrival = Exp::new(config.lambda).expect("lambda must be positive and finite");
        let exponential_service = match config.service {
            Service::Exponential { rate } => Some(Exp::new(rate).expect("service rate must be positive and finite")),
            Service::Deterministic { .. } => None,
        };
        Queue {
            config,
            interarrival,
            exponential_service,
            arrival_rng: streams.stream("mmc/arrivals"),
            service_rng: streams.stream("mmc/service"),
            waiting: VecDeque::with_capacity(1024),
            busy: 0,
            generated: 0,
            measure_from: None,
            wait: OnlineStats::new(),
            sojourn: OnlineStats::new(),
            in_system: TimeWeighted::new(0, 0.0),
            last_departure: SimTime::ZERO,
        }
    }

    fn service_time(&mut self) -> SimTime {
        let hours = match (&self.exponential_service, self.config.service) {
            (Some(exp), _) => exp.sample(&mut self.service_rng),
            (None, Service::Deterministic { rate } | Service::Exponential { rate }) => 1.0 / rate,
        };
        SimTime::from_hours_clamped(hours)
    }

    /// Starts serving a customer who arrived at `arrived`.
    fn start_service(&mut self, arrived: SimTime, counted: bool, scheduler: &mut Scheduler<Event>) {
        let now = scheduler.now();
        if counted {
            self.wait.push((now - arrived).as_hours());
        }
        self.busy += 1;
        let service = self.service_time();
        scheduler.schedule_in(service, Event::Departure { arrived, counted });
    }

    /// Number of customers in the system (waiting + in service).
    pub fn number_in_system(&self) -> usize {
        self.waiting.len() + self.busy as usize
    }
}

/// Step 3: the event handler.
impl Model for Queue {
    type Event = Event;

    fn handle(&mut self, event: Event, scheduler: &mut Scheduler<Event>) {
        let now = scheduler.now();
        match event {
            Event::Arrival => {
                self.generated += 1;
                let counted = self.generated > self.config.warmup_customers;
                if counted && self.measure_from.is_none() {
                    // Warm-up over: statistics start now.
                    self.measure_from = Some(now);
                    self.in_system.reset(now.as_millis());
                }
                self.in_system.add(now.as_millis(), 1.0);
                if self.busy < self.config.servers {
                    self.start_service(now, counted, scheduler);
                } else {
                    self.waiting.push_back((now, counted));
                }
                if self.generated < self.config.customers {
                    let gap = self.interarrival.sample(&mut self.arrival_rng);
                    scheduler.schedule_in(SimTime::from_hours_clamped(gap), Event::Arrival);
                }
            }
            Event::Departure { arrived, counted } => {
                self.busy -= 1;
                self.in_system.add(now.as_millis(), -1.0);
                self.last_departure = now;
                if counted {
                    self.sojourn.push((now - arrived).as_hours());
                }
                if let Some((next_arrived, next_counted)) = self.waiting.pop_front() {
                    self.start_service(next_arrived, next_counted, scheduler);
                }
            }
        }
    }
}

/// Results of one replication.
#[derive(Debug, Clone, Copy)]
pub struct QueueRun {
    /// Mean wait in queue (hours) of counted customers.
    pub mean_wait: f64,
    /// Mean time in system W (hours) of counted customers.
    pub mean_sojourn: f64,
    /// Time-weighted mean number in system L after warm-up.
    pub mean_in_system: f64,
    /// Observed arrival rate after warm-up (counted customers per hour of the window).
    pub observed_lambda: f64,
    /// Events handled.
    pub events: u64,
}

/// Step 4: build, seed and run one replication.
pub fn run_replication(config: QueueConfig, master_seed: u64, replication: u64) -> QueueRun {
    let mut sim = Simulation::new(Queue::new(config, Streams::new(master_seed, replication)));
    sim.scheduler_mut().schedule_in(SimTime::ZERO, Event::Arrival);
    let report = sim.run();
    let queue = sim.into_model();
    let end = queue.last_departure;
    let start = queue.measure_from.unwrap_or(SimTime::ZERO);
    let window_hours = (end - start).as_hours();
    QueueRun {
        mean_wait: queue.wait.mean(),
        mean_sojourn: queue.sojourn.mean(),
        mean_in_system: queue.in_system.mean(end.as_millis()),
        observed_lambda: queue.sojourn.count() as f64 / window_hours,
        events: report.events,
    }
}

/// The analytic mean wait in queue: Erlang C for exponential service,
/// Pollaczek–Khinchine for deterministic service with one server.
pub fn analytic_wait(config: &QueueConfig) -> Option<f64> {
    match config.service {
        Service::Exponential { rate } => queueing::mmc_wq(config.lambda, rate, config.servers),
        Service::Deterministic { rate } if config.servers == 1 => queueing::md1_wq(config.lambda, rate),
        Service::Deterministic { .. } => None,
    }
}

#[derive(Parser, Debug)]
#[command(about = "Simulate an M/M/c queue and compare with Erlang C")]
struct Args {
    /// Arrival rate λ (customers per hour).
    #[arg(long, default_value_t = 0.9)]
    lambda: f64,
    /// Service rate μ per server (customers per hour).
    #[arg(long, default_value_t = 1.0)]
    mu: f64,
    /// Number of servers c.
    #[arg(long, short = 'c', default_value_t = 1)]
    servers: u32,
    /// Customers per replication.
    #[arg(long, default_value_t = 200_000)]
    customers: u64,
    /// Independent replications.
    #[arg(long, default_value_t = 20)]
    replications: u64,
    /// Master seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Deterministic instead of exponential service (M/D/c).
    #[arg(long)]
    deterministic: bool,
}

fn main() {
    let args = Args::parse();
    let valid_rate = |x: f64| x.is_finite() && x > 0.0;
    if !valid_rate(args.lambda) || !valid_rate(args.mu) || args.servers == 0 || args.replications < 2 {
        eprintln!("error: lambda and mu must be positive numbers, servers >= 1, replications >= 2");
        std::process::exit(2);
    }
    let service = if args.deterministic {
        Service::Deterministic { rate: args.mu }
    } else {
        Service::Exponential { rate: args.mu }
    };
    let config = QueueConfig {
        lambda: args.lambda,
        service,
        servers: args.servers,
        customers: args.customers.max(10),
        warmup_customers: args.customers / 10,
    };
    let started = std::time::Instant::now();
    let runs: Vec<QueueRun> = (0..args.replications).map(|r| run_replication(config, args.seed, r)).collect();
    let elapsed = started.elapsed().as_secs_f64();

    let mut wait = OnlineStats::new();
    let mut little_gap = OnlineStats::new();
    runs.iter().for_each(|r| {
        wait.push(r.mean_wait);
        little_gap.push(r.mean_in_system / (r.observed_lambda * r.mean_sojourn) - 1.0);
    });
    let ci = student_t_interval(&wait, 0.99);
    let rho = args.lambda / (args.mu * args.servers as f64);
    println!(
        "queue: λ = {}, μ = {}, c = {}, ρ = {:.3}, {} service",
        args.lambda,
        args.mu,
        args.servers,
        rho,
        if args.deterministic { "deterministic" } else { "exponential" }
    );
    println!("replications: {} × {} customers (first 10 % discarded)", args.replications, config.customers);
    println!(
        "simulated Wq: {:.4} h  (99 % CI {:.4} – {:.4}, ±{:.2} %)",
        ci.mean,
        ci.lo(),
        ci.hi(),
        100.0 * ci.relative_half_width()
    );
    match analytic_wait(&config) {
        Some(exact) => println!(
            "analytic  Wq: {exact:.4} h  ({}) — {}",
            if args.deterministic { "Pollaczek–Khinchine" } else { "Erlang C" },
            if ci.contains(exact) { "inside the interval" } else { "OUTSIDE the interval" }
        ),
        None if rho >= 1.0 => println!("analytic  Wq: none — the queue is unstable (ρ ≥ 1), waits grow without bound"),
        None => println!("analytic  Wq: no closed form for this case"),
    }
    println!("Little's law: L / (λ·W) − 1 = {:+.5} (mean over replications)", little_gap.mean());
    let events: u64 = runs.iter().map(|r| r.events).sum();
    println!(
        "speed: {:.2} million events/s, {:.2} million customers/s (single thread)",
        events as f64 / elapsed / 1e6,
        (args.replications * config.customers) as f64 / elapsed / 1e6
    );
}
