//! How often the plan search's calls and its stated confidence are right, over many
//! seeds, on M/M/c cases whose answers Erlang C gives: shared by
//! `tests/plan_calibration.rs` (a few seeds, in CI) and
//! `examples/plan_calibration.rs` (the full tables of docs/plan.md).

#![allow(dead_code)]

use corridor::experiment::Experiment;
use corridor::experiment::capacity::Criterion;
use corridor::experiment::feasibility::Guarantee;
use corridor::experiment::plan::{PlanSearch, evaluate_plan, search};
use corridor::scenario::Scenario;
use corridor::stats::queueing::mmc_wq;

/// One M/M/2 port at ρ 0.7 (a ship every 8.6 h, exponential 12 h calls), a year
/// after 60 days of warm-up.
pub const MM2: &str = r#"
[scenario]
name = "M/M/2 port"
horizon_days = 365
warmup_days = 60

[ports.p]
yard_capacity_tonnes = 0
berths.dry = { count = 2, service_hours = { dist = "exponential", mean = 12.0 } }

[ship_arrivals.ships]
port = "p"
class = "dry"
ships_per_year = 1022
cargo_tonnes = { dist = "constant", value = 1000.0 }

[candidates.nothing_needed]
capital_cost = 1
add = { "ports.p.berths.dry.count" = 1 }
"#;

/// Erlang C's mean wait at the M/M/2 port.
pub fn mm2_wait() -> f64 {
    mmc_wq(1022.0 / 8760.0, 1.0 / 12.0, 2).expect("a stable queue")
}

/// The M/M/2 port's mean wait as a year's run estimates it (its expectation, which a
/// year's run after 60 days of warm-up puts about 0.4 % below Erlang C's steady
/// state: the edges of a 2 % zone need it), from `batches` batches of 2,500
/// replications on seeds no check uses; with its 95 % half-width from the batches.
pub fn mm2_simulated_wait(batches: u64) -> (f64, f64) {
    let scenario = Scenario::from_str(MM2, "mm2.toml").unwrap();
    let means: Vec<f64> = (0..batches)
        .map(|b| {
            let exp = Experiment::for_scenario(&scenario).replications(2500).seed(10_001 + b);
            let result = exp.run(&scenario, None).unwrap();
            result.variants[0].summary("port.p.ship_wait_hours.mean").unwrap().mean
        })
        .collect();
    let s = corridor::stats::Summary::of(&means).unwrap();
    (s.mean, s.half_width())
}

/// Calls on one plan whose KPI sits exactly at an edge of the indifference zone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Calls {
    pub seeds: u64,
    /// Called feasible (decided), infeasible (decided), or left inside the zone.
    pub feasible: u64,
    pub infeasible: u64,
    pub undecided: u64,
}

/// The M/M/2 port's plan of building nothing, with its mean wait placed `inside`
/// (true) or outside the limit by the zone `delta`, called over `seeds` seeds.
pub fn calls_at_the_edge(wait: f64, delta: f64, inside: bool, seeds: u64) -> Calls {
    let scenario = Scenario::from_str(MM2, "mm2.toml").unwrap();
    let limit = if inside { wait / (1.0 - delta) } else { wait / (1.0 + delta) };
    let mut settings =
        PlanSearch::new(vec![Criterion::parse(&format!("port.p.ship_wait_hours.mean <= {limit}")).unwrap()]);
    settings.guarantee = Guarantee { tolerance: delta, alpha: 0.05 };
    let mut calls = Calls { seeds, ..Calls::default() };
    for seed in 1..=seeds {
        let exp = Experiment::for_scenario(&scenario).seed(seed).threads(2);
        let e = evaluate_plan(&scenario, "base", &[], &settings, &exp).unwrap();
        match (e.within_zone, e.feasible) {
            (true, _) => calls.undecided += 1,
            (false, true) => calls.feasible += 1,
            (false, false) => calls.infeasible += 1,
        }
    }
    calls
}

/// The two M/M/c ports and six candidates of `tests/plan.rs` (64 plans).
pub const TWO_PORTS: &str = include_str!("plan_two_ports.toml");

/// Every candidate's effect, as Erlang C reads it: (id, port, extra berths,
/// service-time factor, cost).
pub const EFFECTS: [(&str, char, u32, f64, f64); 6] = [
    ("a_berth", 'a', 1, 1.0, 10e6),
    ("a_two_berths", 'a', 2, 1.0, 17e6),
    ("a_cranes", 'a', 0, 0.75, 7.5e6),
    ("b_berth", 'b', 1, 1.0, 9e6),
    ("b_cranes", 'b', 0, 0.8, 6e6),
    ("b_gate", 'b', 0, 1.0, 1e6),
];

/// A plan by Erlang C: its candidates (sorted), cost, and mean waits at a and b
/// (`None`: unstable).
pub type TwoPortPlan = (Vec<String>, f64, Option<f64>, Option<f64>);

/// Each of the 64 plans by Erlang C.
pub fn two_port_plans() -> Vec<TwoPortPlan> {
    (0..64u32)
        .map(|mask| {
            let chosen: Vec<_> =
                EFFECTS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, e)| e).collect();
            let port = |p: char, lambda: f64, mean: f64, c: u32| {
                let (extra, factor) = chosen.iter().filter(|e| e.1 == p).fold((0, 1.0), |(n, f), e| (n + e.2, f * e.3));
                mmc_wq(lambda, 1.0 / (mean * factor), c + extra)
            };
            let mut ids: Vec<String> = chosen.iter().map(|e| e.0.to_string()).collect();
            ids.sort();
            let cost = chosen.iter().map(|e| e.4).sum();
            (ids, cost, port('a', 1752.0 / 8760.0, 12.0, 2), port('b', 2190.0 / 8760.0, 10.0, 3))
        })
        .collect()
}

/// The cheapest plan whose simulated mean waits (`replications` replications of a
/// seed no search uses) meet `(wa, wb)`: the truth the search estimates (Erlang C's
/// steady state differs from a year's run after 30 days of warm-up by a few per cent
/// at ρ 0.8). Plans Erlang C finds unstable are skipped.
pub fn simulated_truth(wa: f64, wb: f64, replications: u64) -> Vec<String> {
    let scenario = Scenario::from_str(TWO_PORTS, "two_ports.toml").unwrap();
    let spec = scenario.base();
    let mut plans = two_port_plans();
    plans.sort_by(|x, y| x.1.total_cmp(&y.1));
    for (ids, _, a, b) in plans {
        if a.is_none() || b.is_none() {
            continue;
        }
        let plan: Vec<(String, f64)> = ids.iter().map(|id| (id.clone(), 0.0)).collect();
        let network = corridor::model::Network::compile(&spec.with_plan(&plan).unwrap()).unwrap();
        let result = Experiment::for_scenario(&scenario).replications(replications).seed(1_000_003).run_networks(
            "truth",
            vec![("plan".into(), network)],
            None,
        );
        let v = &result.variants[0];
        let mean = |k: &str| v.summary(k).map_or(f64::INFINITY, |s| s.mean);
        if mean("port.a.ship_wait_hours.mean") <= wa && mean("port.b.ship_wait_hours.mean") <= wb {
            return ids;
        }
    }
    Vec::new()
}

/// How the search did over many seeds on the two-port case with limits `(wa, wb)` on
/// the mean waits at a and b.
#[derive(Debug, Clone, Default)]
pub struct SearchRun {
    pub seeds: u64,
    /// The cheapest feasible plan by Erlang C.
    pub truth: Vec<String>,
    /// Whether every plan up to the truth (in cost order) has every KPI outside the
    /// indifference zone by Erlang C.
    pub outside_zone: bool,
    /// Seeds whose plan 1 is the truth.
    pub right: u64,
    /// Per seed: the stated probability and whether plan 1 was right.
    pub stated: Vec<(f64, bool)>,
    /// Plans simulated, in all.
    pub simulated: u64,
}

/// Runs the search on the two-port case over `seeds` seeds (zone `delta`), against
/// the truth by Erlang C, or by `truth_replications` of simulation when given.
pub fn search_two_ports(wa: f64, wb: f64, delta: f64, seeds: u64, truth_replications: Option<u64>) -> SearchRun {
    let scenario = Scenario::from_str(TWO_PORTS, "two_ports.toml").unwrap();
    let criteria: Vec<Criterion> =
        [format!("port.a.ship_wait_hours.mean <= {wa}"), format!("port.b.ship_wait_hours.mean <= {wb}")]
            .iter()
            .map(|c| Criterion::parse(c).unwrap())
            .collect();
    let mut plans = two_port_plans();
    plans.sort_by(|x, y| x.1.total_cmp(&y.1));
    let feasible =
        |p: &(Vec<String>, f64, Option<f64>, Option<f64>)| p.2.is_some_and(|w| w <= wa) && p.3.is_some_and(|w| w <= wb);
    let truth_at = plans.iter().position(feasible).expect("a feasible plan");
    let truth = truth_replications.map_or_else(|| plans[truth_at].0.clone(), |n| simulated_truth(wa, wb, n));
    // Outside the zone: the truth δ inside every limit; each cheaper plan δ outside
    // one of them (or unstable).
    let inside = |w: Option<f64>, limit: f64| w.is_some_and(|w| w <= limit * (1.0 - delta));
    let outside = |w: Option<f64>, limit: f64| w.is_none_or(|w| w >= limit * (1.0 + delta));
    let outside_zone = inside(plans[truth_at].2, wa)
        && inside(plans[truth_at].3, wb)
        && plans[..truth_at].iter().all(|p| outside(p.2, wa) || outside(p.3, wb));
    let mut settings = PlanSearch::new(criteria);
    settings.guarantee = Guarantee { tolerance: delta, alpha: 0.05 };
    settings.best = 1;
    let mut run = SearchRun { seeds, truth: truth.clone(), outside_zone, ..SearchRun::default() };
    for seed in 1..=seeds {
        let exp = Experiment::for_scenario(&scenario).seed(seed).threads(2);
        let answer = search(&scenario, "base", &settings, &exp, None).unwrap();
        run.simulated += answer.evaluated.len() as u64;
        let got: Option<Vec<String>> = answer.best.first().map(|b| {
            let mut ids: Vec<String> = b.evaluation.plan.upgrades.iter().map(|u| u.id.clone()).collect();
            ids.sort();
            ids
        });
        let right = got.as_ref() == Some(&truth);
        run.right += u64::from(right);
        if let Some(s) = &answer.selection {
            run.stated.push((s.probability, right));
        }
    }
    run
}

/// Of the answers stated at probability ≥ `at`: how many, and how many right.
pub fn calibration(stated: &[(f64, bool)], at: f64) -> (usize, usize) {
    let sure: Vec<&(f64, bool)> = stated.iter().filter(|(p, _)| *p >= at).collect();
    (sure.len(), sure.iter().filter(|(_, r)| *r).count())
}

/// The largest count of `n` Bernoulli(p) trials that a one-sided binomial test at
/// 1 % would still accept as "at most p" (normal approximation with continuity).
pub fn binomial_upper(n: u64, p: f64) -> f64 {
    n as f64 * p + 2.326 * (n as f64 * p * (1.0 - p)).sqrt() + 0.5
}
