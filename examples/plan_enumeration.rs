//! The plan search against a full enumeration, at full size: the two-port case of
//! `tests/plan.rs` (six candidates, 64 plans).
//!
//! ```text
//! cargo run --release --example plan_enumeration [-- SEEDS [REPLICATIONS]]
//! ```
//!
//! 1. Every one of the 64 plans is simulated with REPLICATIONS (default 200) and judged
//!    on its means: the cheapest feasible plan is the truth.
//! 2. `corridor plan`'s search (5 replications to screen, 20 to confirm) runs with
//!    SEEDS independent seeds (default 40); the rate at which it returns the truth is
//!    printed. The issue's bar is 95 %.

use corridor::experiment::capacity::Criterion;
use corridor::experiment::plan::{PlanSearch, search};
use corridor::experiment::{Experiment, Verdict};
use corridor::model::Network;
use corridor::scenario::Scenario;

fn main() {
    let mut args = std::env::args().skip(1);
    let seeds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(40);
    let replications: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let scenario =
        Scenario::from_str(include_str!("../tests/common/plan_two_ports.toml"), "plan_two_ports.toml").unwrap();
    let criteria: Vec<Criterion> = ["port.a.ship_wait_hours.mean <= 6", "port.b.ship_wait_hours.mean <= 4"]
        .iter()
        .map(|c| Criterion::parse(c).unwrap())
        .collect();
    let spec = scenario.base();
    let ids: Vec<String> = spec.candidates.keys().cloned().collect();
    let started = std::time::Instant::now();
    let mut table = Vec::new();
    for mask in 0..1u32 << ids.len() {
        let chosen: Vec<String> =
            ids.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, id)| id.clone()).collect();
        let plan: Vec<(String, f64)> = chosen.iter().map(|id| (id.clone(), 0.0)).collect();
        let network = Network::compile(&spec.with_plan(&plan).unwrap()).unwrap();
        let result = Experiment::for_scenario(&scenario).replications(replications).seed(1_000_003).run_networks(
            "enumeration",
            vec![("plan".into(), network)],
            None,
        );
        let v = &result.variants[0];
        let feasible = v.stability().verdict == Verdict::Stable
            && criteria.iter().all(|c| v.summary(&c.key).is_some_and(|s| c.holds(s.mean)));
        let cost: f64 = chosen.iter().map(|id| spec.candidates[id].capital_cost).sum();
        let mut sorted = chosen;
        sorted.sort();
        table.push((cost, sorted, feasible));
    }
    table.sort_by(|a, b| a.0.total_cmp(&b.0));
    let truth = table.iter().find(|t| t.2).expect("a feasible plan").1.clone();
    println!(
        "enumeration: 64 plans × {replications} replications in {:.1} s; {} feasible; the cheapest: {} ({:.1} M)",
        started.elapsed().as_secs_f64(),
        table.iter().filter(|t| t.2).count(),
        truth.join(" + "),
        table.iter().find(|t| t.2).unwrap().0 / 1e6
    );
    let started = std::time::Instant::now();
    let (mut agree, mut simulated, mut reps) = (0, 0, 0);
    for seed in 1..=seeds {
        let exp = Experiment::for_scenario(&scenario).seed(seed);
        let answer = search(&scenario, "base", &PlanSearch::new(criteria.clone()), &exp, None).unwrap();
        let mut found: Vec<String> = answer
            .best
            .first()
            .map(|b| b.evaluation.plan.upgrades.iter().map(|u| u.id.clone()).collect())
            .unwrap_or_default();
        found.sort();
        simulated += answer.evaluated.len();
        reps += answer.replications_run;
        if found == truth {
            agree += 1;
        } else {
            println!("  seed {seed}: found {}", found.join(" + "));
        }
    }
    println!(
        "search: {agree} of {seeds} seeds found it ({:.1} %); {:.1} plans and {:.0} replications a search on average; {:.1} s in all",
        100.0 * f64::from(agree) / seeds as f64,
        simulated as f64 / seeds as f64,
        reps as f64 / seeds as f64,
        started.elapsed().as_secs_f64()
    );
}
