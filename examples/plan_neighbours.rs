//! The README's 2030 plan against the plans next to it: each of its upgrades moved a
//! year later (or, from its last year, left out), each called exactly as the search
//! calls a plan. Every such plan costs less, so each must be infeasible; a feasible
//! one would be a cheaper plan the search missed.
//!
//! ```text
//! cargo run --release --example plan_neighbours
//! ```

use corridor::experiment::Experiment;
use corridor::experiment::capacity::Criterion;
use corridor::experiment::plan::{PlanSearch, evaluate_plans, search};
use corridor::report::plan::{call_words, money};
use corridor::scenario::Scenario;

fn main() {
    let started = std::time::Instant::now();
    let scenario = Scenario::load("scenarios/middle_corridor_2030.toml").expect("the bundled scenario loads");
    let mut settings =
        PlanSearch::new(vec![Criterion::parse("port.baku.ship_wait_hours.p95 <= 24").expect("a valid criterion")]);
    settings.criteria_from = Some(2027);
    settings.best = 1;
    let experiment = Experiment::for_scenario(&scenario);
    let answer = search(&scenario, "no_upgrades", &settings, &experiment, None).expect("the search runs");
    let Some(best) = answer.best.first() else {
        println!("no plan found: {}", answer.stopped.unwrap_or_default());
        return;
    };
    let plan = &best.evaluation.plan;
    println!(
        "plan 1: {} — {}, {}",
        money(plan.cost, &answer.currency),
        plan.describe(),
        call_words(&best.evaluation, &answer)
    );
    println!("\n| moved | plan | cost | call |\n|---|---|---|---|");
    // Each upgrade a year later, or the last ones left out: called together, so that
    // the years they share are simulated once (each call is what it would be alone).
    let moves: Vec<(String, i32)> = plan
        .upgrades
        .iter()
        .map(|u| (u.id.clone(), u.date.as_deref().and_then(|d| d[..4].parse().ok()).expect("a planning run has dates")))
        .collect();
    let neighbours: Vec<Vec<(String, Option<String>)>> = moves
        .iter()
        .enumerate()
        .map(|(i, (_, year))| {
            let mut neighbour: Vec<(String, Option<String>)> =
                plan.upgrades.iter().map(|u| (u.id.clone(), u.date.clone())).collect();
            if *year >= 2030 {
                neighbour.remove(i);
            } else {
                neighbour[i].1 = Some(format!("{}", year + 1));
            }
            neighbour
        })
        .collect();
    let calls =
        evaluate_plans(&scenario, "no_upgrades", &neighbours, &settings, &experiment).expect("the plans are valid");
    let mut missed = 0;
    for ((id, year), e) in moves.iter().zip(&calls) {
        let cheaper = e.plan.cost < plan.cost;
        let wrong = e.feasible && cheaper && !e.within_zone;
        missed += usize::from(wrong);
        println!(
            "| {} {} | {} | {} | {}{} |",
            id,
            if *year >= 2030 { "left out".to_string() } else { format!("to {}", year + 1) },
            e.plan.describe(),
            money(e.plan.cost, &answer.currency),
            call_words(e, &answer),
            if e.feasible { String::new() } else { format!(": {}", e.failures.first().cloned().unwrap_or_default()) }
        );
    }
    println!("\n{missed} cheaper neighbours called feasible; {:.0} s", started.elapsed().as_secs_f64());
}
