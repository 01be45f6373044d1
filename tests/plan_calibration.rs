//! The plan search's calls and its stated confidence, over many seeds, on M/M/c cases
//! Erlang C answers: a smaller run of `examples/plan_calibration.rs` (whose full
//! tables are in docs/plan.md).

#[path = "common/plan_calibration.rs"]
mod plan_calibration;
use plan_calibration::{
    binomial_upper, calibration, calls_at_the_edge, mm2_simulated_wait, mm2_wait, search_two_ports,
};

const SEEDS: u64 = 30;

#[test]
fn a_kpi_at_the_edge_of_the_zone_is_called_wrongly_at_most_alpha_of_the_time() {
    // A year's run puts the wait 0.4 % below Erlang C's: the edges are placed on
    // the simulated mean (25,000 replications).
    let (wait, half) = mm2_simulated_wait(10);
    assert!((wait - mm2_wait()).abs() < 0.01 * mm2_wait() + half, "{wait} ± {half} against Erlang C {}", mm2_wait());
    let seeds = 2 * SEEDS;
    let bound = binomial_upper(seeds, 0.05);
    let inside = calls_at_the_edge(wait, 0.05, true, seeds);
    assert!(
        (inside.infeasible as f64) <= bound,
        "δ inside called infeasible {} of {seeds}: {inside:?}",
        inside.infeasible
    );
    let outside = calls_at_the_edge(wait, 0.05, false, seeds);
    assert!(
        (outside.feasible as f64) <= bound,
        "δ outside called feasible {} of {seeds}: {outside:?}",
        outside.feasible
    );
}

#[test]
fn the_search_finds_the_cheapest_plan_outside_the_zone_and_says_so_honestly() {
    for (wa, wb) in [(6.0, 4.0), (13.5, 4.0)] {
        let run = search_two_ports(wa, wb, 0.02, SEEDS, None);
        assert!(run.outside_zone, "limits {wa}, {wb}: a deciding KPI is inside the zone");
        // At least 95 % right, within binomial error (a 1 % test).
        let misses = run.seeds - run.right;
        assert!((misses as f64) <= binomial_upper(SEEDS, 0.05), "limits {wa}, {wb}: {misses} of {SEEDS} wrong");
        // Of the answers stated at P ≥ 0.9, at least 90 % right, within binomial error.
        let (sure, right) = calibration(&run.stated, 0.9);
        assert!(sure > 0, "limits {wa}, {wb}: no answer stated at 0.9 or more: {:?}", run.stated);
        assert!(
            ((sure - right) as f64) <= binomial_upper(sure as u64, 0.10),
            "limits {wa}, {wb}: {right} of {sure} right"
        );
    }
}
