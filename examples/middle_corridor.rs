//! The planner's answer for the Middle Corridor, in about a screen.
//!
//! ```text
//! cargo run --release --example middle_corridor [-- REPLICATIONS]
//! ```
//!
//! From `scenarios/middle_corridor.toml`, with common random numbers throughout:
//!
//! 1. the sustainable transit surge on the phase-1 port (`baseline`) and on the
//!    phase-2 port (`baku_phase2`): the largest factor on the flows tagged `transit`
//!    that keeps the corridor stable, delivers 99 % of its cargo and keeps Baku's p95
//!    ship wait within 24 h — each with its 95 % CI and what binds;
//! 2. which listed upgrade absorbs the +30 % surge: the decision table of the surge
//!    and its upgrade variants, and each one's verdict;
//! 3. from `scenarios/middle_corridor_2030.toml`: the cheapest plan of upgrades, with
//!    dates, that keeps the corridor stable in every year to 2030 with Baku's p95 ship
//!    wait within 24 h from 2027 (`corridor plan`), its cost and its confidence.

use corridor::experiment::Experiment;
use corridor::experiment::capacity::{CapacitySearch, Criterion, search};
use corridor::experiment::plan::{self, PlanSearch};
use corridor::report::decision::{decision_rows, short_resource};
use corridor::report::plan::money;
use corridor::scenario::Scenario;

const PHASES: [(&str, &str); 2] = [("baseline", "phase 1"), ("baku_phase2", "phase 2")];

const UPGRADES: [&str; 10] = [
    "transit_surge",
    "surge_feeder_plus1",
    "surge_feeder_plus2",
    "surge_ropax_plus1",
    "surge_ferry_plus1",
    "surge_turkmen_ferry_plus1",
    "surge_with_phase2",
    "surge_fleet_package",
    "surge_package_phase2",
    "baseline",
];

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("error: {e}");
    std::process::exit(1);
}

fn main() {
    let replications = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let scenario = Scenario::load("scenarios/middle_corridor.toml").unwrap_or_else(|e| fail(e));
    let experiment = Experiment::for_scenario(&scenario).replications(replications);
    let criteria = ["port.baku.ship_wait_hours.p95 <= 24", "delivered_share >= 0.99"]
        .map(|c| Criterion::parse(c).unwrap_or_else(|e| fail(e)));
    let capacity = CapacitySearch::new(vec!["transit".into()], criteria.to_vec());

    println!("Middle Corridor — {replications} replications a point, common random numbers\n");
    println!("How much transit surge can the corridor take? (stable, 99 % delivered, Baku p95 wait ≤ 24 h)");
    for (variant, label) in PHASES {
        let a = search(&scenario, variant, &capacity, &experiment, None).unwrap_or_else(|e| fail(e));
        let binds = a
            .binding_resource
            .as_ref()
            .map_or("—".to_string(), |b| format!("{} (ρ {:.2})", short_resource(&b.resource), b.rho()));
        let ci = match a.ci95 {
            Some([lo, hi]) => format!("95 % CI {:+.1} % to {:+.1} %", (lo - 1.0) * 100.0, (hi - 1.0) * 100.0),
            None => "not monotone in demand: no interval".to_string(),
        };
        println!("  {label}: {:+.1} % ({ci}), then {binds} binds", (a.factor - 1.0) * 100.0);
        if let (Some(what), Some(f)) = (&a.binding_criterion, a.breaking_factor) {
            println!("    first to fail, at {:+.1} %: {what}", (f - 1.0) * 100.0);
            let options = textwrap::Options::new(96).initial_indent("      ").subsequent_indent("      ");
            for line in textwrap::wrap(a.breaking_summary.as_deref().unwrap_or_default(), options) {
                println!("{line}");
            }
        }
    }

    let result = experiment.clone().variants(UPGRADES).run(&scenario, None).unwrap_or_else(|e| fail(e));
    println!("\nWhich upgrade absorbs +30 % transit?");
    println!(
        "  {:<25} {:>7} {:>8} {:<10} {:<22} {:>5}",
        "variant", "deliv.", "backlog", "verdict", "binding resource", "ρ"
    );
    println!("  {:<25} {:>7} {:>8}", "", "Mt/yr", "kt");
    for row in decision_rows(&result) {
        let binding = row.stability.binding.as_ref();
        println!(
            "  {:<25} {:>7.2} {:>8.0} {:<10} {:<22} {:>5}",
            row.variant,
            row.delivered_mt_per_year,
            row.backlog_kt,
            row.stability.verdict.name(),
            binding.map_or("—".into(), |b| short_resource(&b.resource)),
            binding.map_or("—".into(), |b| format!("{:.2}", b.rho())),
        );
    }
    let absorbing: Vec<String> = decision_rows(&result)
        .into_iter()
        .filter(|r| r.variant.starts_with("surge") && r.stability.verdict.is_steady())
        .map(|r| {
            let description = scenario.base().variants.get(&r.variant).and_then(|v| v.description.clone());
            format!("  {}: {}", r.variant, description.unwrap_or_default())
        })
        .collect();
    if absorbing.is_empty() {
        println!("\nNone of the listed upgrades absorbs +30 % transit.");
    } else {
        println!("\nThese absorb +30 % transit (stable):\n{}", absorbing.join("\n"));
    }

    println!("\nThe cheapest plan to 2030 (stable every year; Baku p95 ship wait ≤ 24 h from 2027)");
    let scenario_2030 = Scenario::load("scenarios/middle_corridor_2030.toml").unwrap_or_else(|e| fail(e));
    let mut settings = PlanSearch::new(vec![criteria[0].clone()]);
    settings.criteria_from = Some(2027);
    settings.best = 1;
    settings.confirm_replications = replications.max(settings.screen_replications);
    settings.max_replications = settings.max_replications.max(settings.confirm_replications);
    let experiment_2030 = Experiment::for_scenario(&scenario_2030);
    let answer =
        plan::search(&scenario_2030, "no_upgrades", &settings, &experiment_2030, None).unwrap_or_else(|e| fail(e));
    match answer.best.first() {
        None => println!("  no plan found: {}", answer.stopped.as_deref().unwrap_or("")),
        Some(best) => {
            let e = &best.evaluation;
            println!(
                "  {} in present value at {:.0} % a year; {}",
                money(e.plan.cost, &answer.currency),
                answer.discount_rate * 100.0,
                corridor::report::plan::call_words(e, &answer)
            );
            for u in &e.plan.upgrades {
                println!("    {}  {}", u.date.as_deref().unwrap_or("from start"), u.name);
            }
            if let Some(s) = &answer.selection {
                println!("  P(it is the cheapest feasible plan) ≈ {:.2}", s.probability);
            }
            println!(
                "  plans simulated: {} of {} that pass the capacity bound; {:.0} s",
                answer.evaluated.len(),
                answer.plans_passing_sheet,
                answer.seconds
            );
        }
    }
}
