//! The stability verdict: a growing backlog is never reported as a steady state, and
//! a stable corridor is not flagged. Checked on an M/M/1 port either side of ρ = 1,
//! on overloads made three ways (berths, fleet, yard) with the binding resource named,
//! on a flow that delivers nothing, and on the bundled Middle Corridor.

use corridor::experiment::stability::Verdict;
use corridor::experiment::{Experiment, ExperimentResult};
use corridor::scenario::Scenario;

#[path = "common/corridor.rs"]
mod template;
use template::{ROOMY, Shape, corridor};

fn run(text: &str, variants: &[&str], replications: u64) -> ExperimentResult {
    let scenario = Scenario::from_str(text, "stability.toml").unwrap();
    Experiment::for_scenario(&scenario)
        .variants(variants.iter().copied())
        .replications(replications)
        .run(&scenario, None)
        .unwrap()
}

/// One port, one berth, Poisson ships (1,000 t each) with exponential service of 10 h
/// at ρ = 0.95, and a variant at ρ = 1.05. The relaxation time at ρ = 0.95 is about
/// 1/(μ(1 − √ρ)²) ≈ 650 days, so the warm-up is three of them and the window twenty
/// years.
const MM1: &str = r#"
[scenario]
name = "M/M/1 port"
horizon_days = 7300
warmup_days = 2000
replications = 20

[ports.port]
yard_capacity_tonnes = 0
berths.dry = { count = 1, service_hours = { dist = "exponential", mean = 10.0 } }

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 832.2
cargo_tonnes = { dist = "constant", value = 1000.0 }

[variants.below]
description = "rho = 0.95"

[variants.above]
description = "rho = 1.05"
demand_factor = 1.1052631578947
"#;

#[test]
fn an_mm1_port_is_stable_at_095_and_unstable_at_105() {
    let result = run(MM1, &["below", "above"], 20);
    let below = result.variant("below").unwrap().stability();
    let above = result.variant("above").unwrap().stability();
    assert_eq!(below.verdict, Verdict::Stable, "{}", below.summary);
    assert_eq!(above.verdict, Verdict::Unstable, "{}", above.summary);
    // Ships arrive at 0.105 an hour and leave at 0.1: 0.12 ships (120 t) more a day.
    let [lo, hi] = above.growth.ci95.unwrap();
    assert!(lo < 120.0 && 120.0 < hi, "growth {lo}..{hi} t/day should cover 120");
    let binding = above.binding.unwrap();
    assert_eq!(binding.resource, "port.port.berths.dry");
    assert!((binding.rho_static.unwrap() - 1.05).abs() < 1e-6, "{binding:?}");
    assert!(above.summary.starts_with("unstable") && above.summary.contains("ρ ≥ 1.050"), "{}", above.summary);
    assert!(
        above.reasons.iter().any(|r| r.starts_with("the backlog grows") && r.contains("t/day")),
        "{:?}",
        above.reasons
    );
}

fn verdict_of(c: &Shape) -> corridor::experiment::Stability {
    run(&corridor(c), &["base"], 10).variants[0].stability()
}

#[test]
fn a_roomy_corridor_is_stable() {
    let s = verdict_of(&ROOMY);
    assert_eq!(s.verdict, Verdict::Stable, "{}", s.summary);
    assert!(s.delivered_share > 0.97, "{s:?}");
}

#[test]
fn too_few_berths_is_flagged_and_named() {
    // One slow berth at b: 200 calls × 1 h + 1 Mt at 100 t/h = 10,200 berth-h a year
    // against 8,760 (ρ 1.16). The fleet has room (ρ 0.46).
    let s = verdict_of(&Shape { berths_b: 1, rate_b: 100.0, ..ROOMY });
    assert_eq!(s.verdict, Verdict::Unstable, "{}", s.summary);
    let binding = s.binding.unwrap();
    assert_eq!(binding.resource, "port.b.berths.dry", "{binding:?}");
    assert!(binding.rho_static.unwrap() > 1.1, "{binding:?}");
    // Cargo waits at a for the ships that queue at b.
    assert!(s.accumulating[0].place.starts_with("a."), "{:?}", s.accumulating);
}

#[test]
fn too_small_a_fleet_is_flagged_and_named() {
    // One vessel of 2,500 t: 400 round trips × 26 h + 2,000 h handling = 12,400 h a
    // year against 8,760 (ρ 1.42).
    let s = verdict_of(&Shape { vessels: 1, capacity: 2500.0, ..ROOMY });
    assert_eq!(s.verdict, Verdict::Unstable, "{}", s.summary);
    let binding = s.binding.unwrap();
    assert_eq!(binding.resource, "service.ships", "{binding:?}");
    assert!(binding.rho_static.unwrap() > 1.3, "{binding:?}");
    // Cargo waits at a: in the queue for the ships, then at the gate once the yard fills.
    assert!(s.accumulating[0].place.starts_with("a."), "{:?}", s.accumulating);
}

#[test]
fn too_small_a_yard_is_flagged_and_named() {
    // Trains leave b every 48 h by timetable (9,600 t each: room enough), but the
    // 5,480 t that arrive between two trains need a 2,740 t yard on average and b
    // has 2,000 t: ships stay blocked at berth, and cargo piles up at a.
    let s = verdict_of(&Shape {
        yard_b: 2000.0,
        wagons: 240,
        departure: "departure = \"timetable\"\ntimetable_hours = 48",
        ..ROOMY
    });
    assert_eq!(s.verdict, Verdict::Unstable, "{}", s.summary);
    let binding = s.binding.unwrap();
    assert_eq!(binding.resource, "port.b.yard", "{binding:?}");
    assert!(!s.accumulating.is_empty());
}

#[test]
fn a_flow_that_delivers_almost_nothing_is_never_stable() {
    // A border crossing with one server and 1,000 h per consignment passes 9 of the
    // 5,000 consignments a year: the flow delivers a fraction of a percent.
    let text = corridor(&ROOMY).replace(
        "servers = 2\ndwell_hours = { dist = \"exponential\", mean = 1.0 }",
        "servers = 1\ndwell_hours = { dist = \"exponential\", mean = 1000.0 }",
    );
    let result = run(&text, &["base"], 4);
    let s = result.variants[0].stability();
    assert_eq!(s.verdict, Verdict::Unstable, "{}", s.summary);
    assert!(s.reasons.iter().any(|r| r.contains("flow goods delivered only")), "{:?}", s.reasons);
    assert_eq!(s.accumulating[0].place, "c.transfer", "{:?}", s.accumulating);
    assert_eq!(s.binding.unwrap().resource, "transfer.c");
}

#[test]
fn the_bundled_baseline_is_stable_and_the_surge_is_not() {
    let text = std::fs::read_to_string("scenarios/middle_corridor.toml").unwrap();
    let result = run(&text, &["baseline", "transit_surge"], 20);
    let baseline = result.variant("baseline").unwrap().stability();
    let surge = result.variant("transit_surge").unwrap().stability();
    assert_eq!(baseline.verdict, Verdict::Stable, "{}", baseline.summary);
    assert_eq!(surge.verdict, Verdict::Unstable, "{}", surge.summary);
    let binding = surge.binding.unwrap();
    assert_eq!(binding.resource, "service.turkmen_ferry", "{binding:?}");
    assert!(binding.rho_static.unwrap() > 1.0, "{binding:?}");
    assert!(surge.accumulating[0].place.starts_with("turkmenbashi."), "{:?}", surge.accumulating);
    assert!(surge.summary.contains("turkmenbashi"), "{}", surge.summary);
}

/// Rare, large lots at a very low load: four 50,000 t consignments a year on a ship
/// of 60,000 t (ρ about 0.01 anywhere). Lots coming and going are not a growing
/// backlog.
const LUMPY: &str = r#"
[scenario]
name = "rare large lots"
horizon_days = 365
warmup_days = 30

[ports.a]
yard_capacity_tonnes = 1000000
berths.dry = { count = 1, handling_tonnes_per_hour = 2000.0, berthing_hours = 2.0 }

[ports.b]
yard_capacity_tonnes = 1000000
berths.dry = { count = 1, handling_tonnes_per_hour = 2000.0, berthing_hours = 2.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "triangular", min = 20.0, mode = 24.0, max = 40.0 }

[ship_services.ship]
class = "dry"
vessels = 1
capacity_tonnes = 60000
route = ["a", "b"]
fill_threshold = 0.5
max_wait_hours = 120

[flows.lots]
route = ["a", "b"]
class = "dry"
annual_tonnes = 200000
consignment_tonnes = { dist = "exponential", mean = 50000.0 }
"#;

#[test]
fn light_lumpy_traffic_is_stable_and_so_is_each_replication() {
    for replications in [5, 20] {
        let result = run(LUMPY, &["base"], replications);
        let v = &result.variants[0];
        let s = v.stability();
        assert_eq!(s.verdict, Verdict::Stable, "{replications} replications: {}", s.summary);
        assert!(s.summary.contains("a large lot over half the window"), "{}", s.summary);
        assert!(v.replication_verdicts().iter().all(|r| *r == Verdict::Stable), "{:?}", s.replications);
    }
}

#[test]
fn a_year_of_works_that_leaves_a_backlog_is_not_stable() {
    // Two berths at ρ 0.9, one of them out of service in the first quarter of 2025:
    // the year's offered load is 1.8 berths against (1 × 90 + 2 × 275) / 365 = 1.75.
    let text = r#"
[scenario]
name = "works"
horizon_days = 730
warmup_days = 200

[planning]
start_year = 2025
years = 2

[ports.port]
yard_capacity_tonnes = 0
berths.dry = { count = 2, service_hours = { dist = "exponential", mean = 12.0 } }

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 1314
cargo_tonnes = { dist = "constant", value = 1000.0 }

[changes.works]
date = "2025-01-01"
set = { "ports.port.berths.dry.count" = 1 }

[changes.reopened]
date = "2025-04-01"
set = { "ports.port.berths.dry.count" = 2 }
"#;
    let result = run(text, &["base"], 10);
    let v = &result.variants[0];
    let works = v.year(2025).unwrap().stability();
    assert_eq!(works.verdict, Verdict::Unstable, "{}", works.summary);
    assert!(works.summary.contains("ρ ≥ 1.02"), "{}", works.summary);
    let wait = v.summary("year.2025.port.port.ship_wait_hours.mean").unwrap().mean;
    assert!(wait > 100.0, "ships waited {wait} h on average in 2025");
    assert_eq!(v.first_unstable_year(), Some(2025));
}
