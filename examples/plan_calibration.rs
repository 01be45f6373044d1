//! Whether the plan search's calls and stated confidence mean what they say, over
//! many seeds, on M/M/c cases Erlang C answers (the tables of docs/plan.md).
//!
//! ```text
//! cargo run --release --example plan_calibration [-- SEEDS]
//! ```
//!
//! 1. **The call's error α**: the M/M/2 port's mean wait placed exactly at an edge of
//!    the indifference zone (δ inside or δ outside its limit); the call must be wrong
//!    (infeasible when inside, feasible when outside) in at most α = 5 % of seeds,
//!    within binomial error. Undecided calls (inside the zone at 80 replications) are
//!    counted apart.
//! 2. **The search**: the two-port case (64 plans) with limits that put every plan up
//!    to the cheapest feasible one outside the indifference zone: the search must
//!    answer that plan in at least 95 % of seeds.
//! 3. **The stated confidence**: of the answers stated at P ≥ 0.9, at least 90 % right
//!    (within binomial error), on that case and on one with a near tie.

#[path = "../tests/common/plan_calibration.rs"]
mod plan_calibration;
use plan_calibration::{
    Calls, binomial_upper, calibration, calls_at_the_edge, mm2_simulated_wait, mm2_wait, search_two_ports,
};

fn main() {
    let seeds: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let started = std::time::Instant::now();
    let (wait, half) = mm2_simulated_wait(40);
    println!(
        "## The call at the edges of the zone (M/M/2: Erlang C wait {:.3} h, a year's run {wait:.3} ± {half:.3} h by 100,000 replications; {seeds} seeds)\n",
        mm2_wait()
    );
    println!("| δ | KPI | called feasible | called infeasible | inside the zone | wrong | bound (α 5 %, 1 % test) |");
    println!("|---|---|---|---|---|---|---|");
    for delta in [0.02, 0.10] {
        for inside in [true, false] {
            let c: Calls = calls_at_the_edge(wait, delta, inside, seeds);
            let wrong = if inside { c.infeasible } else { c.feasible };
            let bound = binomial_upper(seeds, 0.05);
            println!(
                "| {} % | {} | {} | {} | {} | {} ({:.1} %) | ≤ {:.1} {} |",
                delta * 100.0,
                if inside { "δ inside" } else { "δ outside" },
                c.feasible,
                c.infeasible,
                c.undecided,
                wrong,
                100.0 * wrong as f64 / seeds as f64,
                bound,
                if (wrong as f64) <= bound { "✓" } else { "✗" }
            );
        }
    }
    println!("\n## The search and its stated confidence (two ports, 64 plans; {seeds} seeds)\n");
    println!(
        "| limits (a, b) | truth | outside the zone | right | stated P ≥ 0.9: right of | plans simulated a seed |"
    );
    println!("|---|---|---|---|---|---|");
    // Cases with every deciding KPI outside the zone (truth by Erlang C): the last two
    // put a's limit 5 % above and 4 % below the a_berth plan's wait (12.9 h).
    for (wa, wb, truth) in [(6.0, 4.0, None), (4.8, 4.0, None), (6.0, 2.7, None), (13.5, 4.0, None), (12.4, 4.0, None)]
    {
        let run = search_two_ports(wa, wb, 0.02, seeds, truth);
        let (sure, right) = calibration(&run.stated, 0.9);
        println!(
            "| {wa} h, {wb} h | {} | {} | {} of {} ({:.1} %) | {right} of {sure} | {:.1} |",
            run.truth.join(" + "),
            if run.outside_zone { "yes" } else { "no" },
            run.right,
            run.seeds,
            100.0 * run.right as f64 / run.seeds as f64,
            run.simulated as f64 / run.seeds as f64
        );
    }
    println!("\n({:.0} s)", started.elapsed().as_secs_f64());
}
