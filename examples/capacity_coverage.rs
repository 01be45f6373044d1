//! How often the capacity search's 95 % interval contains the true answer: on the
//! M/M/3 port of `tests/capacity_search.rs` (mean-wait limit 8 h, where Erlang C
//! gives the exact factor), the search is repeated with independent seeds and the
//! share of intervals that contain the analytic factor is reported, with a Wilson
//! 95 % interval for that share.
//!
//! `cargo run --release --example capacity_coverage -- [SEEDS]` (default 40)

#[path = "../tests/common/mmc_capacity.rs"]
mod mmc_capacity;

use corridor::experiment::Experiment;
use corridor::experiment::capacity::{CapacitySearch, Criterion, search};
use corridor::scenario::Scenario;
use mmc_capacity::{MMC, analytic_lambda};

fn main() {
    let seeds: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(40);
    let scenario = Scenario::from_str(MMC, "mmc.toml").expect("the M/M/3 scenario is valid");
    let wait = 8.0;
    let f_star = analytic_lambda(wait, 1.0 / 12.0, 3) / (1460.0 / 8760.0);
    let criterion = Criterion::parse(&format!("port.port.ship_wait_hours.mean <= {wait}")).expect("valid criterion");
    let mut capacity = CapacitySearch::new(vec!["ships".into()], vec![criterion]);
    capacity.max_factor = 1.45;
    capacity.resolution = 0.005;
    let mut covered = 0u64;
    for seed in 1..=seeds {
        let experiment = Experiment::for_scenario(&scenario).replications(20).seed(seed);
        let answer = search(&scenario, "base", &capacity, &experiment, None).expect("search runs");
        let [lo, hi] = answer.ci95.expect("the wait rises with demand: an interval");
        let inside = lo <= f_star && f_star <= hi;
        covered += u64::from(inside);
        println!(
            "seed {seed:>3}: ×{:.4} (95 % CI {lo:.4}–{hi:.4}) {}",
            answer.factor,
            if inside { "covers" } else { "MISSES" }
        );
    }
    let n = seeds as f64;
    let p = covered as f64 / n;
    // Wilson score interval for the coverage share.
    let z: f64 = 1.959_964;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    println!(
        "\nanalytic factor ×{f_star:.4}: {covered} of {seeds} intervals cover it ({:.1} %, Wilson 95 % interval {:.1}–{:.1} %)",
        100.0 * p,
        100.0 * (centre - half),
        100.0 * (centre + half)
    );
}
