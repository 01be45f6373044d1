//! The engine against queueing theory: M/M/1 and M/M/c (Erlang C) waits and numbers
//! in system, M/D/1 (Pollaczek–Khinchine), using the M/M/c model of `examples/mmc.rs`.
//!
//! Acceptance rule (from the engine issue): the analytic Wq lies inside the 99 %
//! Student-t confidence interval over independent replications, and that interval's
//! half-width is under 3 % of the analytic value — the tolerance is the estimate's own
//! uncertainty, not a number picked to pass.

#[allow(dead_code)]
#[path = "../examples/mmc.rs"]
mod mmc;

use corridor::stats::{OnlineStats, student_t_interval};
use mmc::{QueueConfig, QueueRun, Service, analytic_wait, run_replication};
use rayon::prelude::*;

const SEED: u64 = 20_261_127;

fn replicate(config: QueueConfig, replications: u64) -> Vec<QueueRun> {
    (0..replications).into_par_iter().map(|r| run_replication(config, SEED, r)).collect()
}

fn assert_wait_matches_theory(config: QueueConfig, replications: u64, expected: f64) {
    let analytic = analytic_wait(&config).expect("stable queue with a closed form");
    assert!((analytic - expected).abs() < 1e-4, "formula gives {analytic}, issue states {expected}");
    let mut wait = OnlineStats::new();
    replicate(config, replications).iter().for_each(|r| wait.push(r.mean_wait));
    let ci = student_t_interval(&wait, 0.99);
    eprintln!(
        "Wq: analytic {analytic:.4}, simulated {:.4} ± {:.4} (99%, {:.2}% of analytic)",
        ci.mean,
        ci.half_width,
        100.0 * ci.half_width / analytic
    );
    assert!(ci.contains(analytic), "analytic Wq {analytic} outside the 99% CI [{}, {}]", ci.lo(), ci.hi());
    assert!(
        ci.half_width < 0.03 * analytic,
        "99% CI half-width {} is not under 3% of {analytic}; more customers needed",
        ci.half_width
    );
}

#[test]
fn mm1_wait_matches_erlang_c() {
    let config = QueueConfig {
        lambda: 0.9,
        service: Service::Exponential { rate: 1.0 },
        servers: 1,
        customers: 500_000,
        warmup_customers: 50_000,
    };
    assert_wait_matches_theory(config, 40, 9.0);
}

#[test]
fn mm5_wait_matches_erlang_c() {
    let config = QueueConfig {
        lambda: 4.5,
        service: Service::Exponential { rate: 1.0 },
        servers: 5,
        customers: 400_000,
        warmup_customers: 40_000,
    };
    assert_wait_matches_theory(config, 40, 1.5250);
}

#[test]
fn md1_wait_matches_pollaczek_khinchine() {
    let config = QueueConfig {
        lambda: 0.8,
        service: Service::Deterministic { rate: 1.0 },
        servers: 1,
        customers: 300_000,
        warmup_customers: 30_000,
    };
    assert_wait_matches_theory(config, 30, 2.0);
}

#[test]
fn mean_number_in_system_matches_theory() {
    // L from the time-weighted count of customers present, against the analytic
    // L = λ·(Wq + 1/μ) (Little's law applied to the Erlang C wait): a check against
    // theory, not only of the run against itself.
    for (lambda, servers) in [(0.9, 1), (4.5, 5), (2.0, 3)] {
        let config = QueueConfig {
            lambda,
            service: Service::Exponential { rate: 1.0 },
            servers,
            customers: 200_000,
            warmup_customers: 20_000,
        };
        let analytic = lambda * (analytic_wait(&config).unwrap() + 1.0);
        let mut l = OnlineStats::new();
        replicate(config, 20).iter().for_each(|r| l.push(r.mean_in_system));
        let ci = student_t_interval(&l, 0.99);
        eprintln!("λ={lambda}, c={servers}: L = {:.4} ± {:.4} (99%), theory {analytic:.4}", ci.mean, ci.half_width);
        assert!(ci.contains(analytic), "L {analytic} outside [{}, {}]", ci.lo(), ci.hi());
        assert!(ci.half_width < 0.03 * analytic);
    }
}

#[test]
fn time_and_customer_averages_agree_on_a_run() {
    // A consistency check of two independent accounts of one sample path (the
    // time-weighted count present, and arrivals × mean time in system): Little's law
    // holds on every sample path up to the customers present at the ends, so this
    // catches bookkeeping errors, not modelling errors.
    for (lambda, servers) in [(0.9, 1), (4.5, 5), (2.0, 3)] {
        let config = QueueConfig {
            lambda,
            service: Service::Exponential { rate: 1.0 },
            servers,
            customers: 400_000,
            warmup_customers: 40_000,
        };
        let run = run_replication(config, SEED, 0);
        let l = run.mean_in_system;
        let lambda_w = run.observed_lambda * run.mean_sojourn;
        assert!((l / lambda_w - 1.0).abs() < 0.01, "λ={lambda}, c={servers}: time-weighted L = {l}, λ·W = {lambda_w}");
    }
}

#[test]
fn replications_are_reproducible() {
    let config = QueueConfig {
        lambda: 0.5,
        service: Service::Exponential { rate: 1.0 },
        servers: 2,
        customers: 10_000,
        warmup_customers: 1_000,
    };
    let a = run_replication(config, 7, 3);
    let b = run_replication(config, 7, 3);
    assert_eq!(a.mean_wait.to_bits(), b.mean_wait.to_bits());
    assert_eq!(a.events, b.events);
    let c = run_replication(config, 7, 4);
    assert_ne!(a.mean_wait.to_bits(), c.mean_wait.to_bits());
}
