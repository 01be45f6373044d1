//! The capacity sheet's lower bound on ρ (`model::bound`): against hand computation
//! where fleets share a leg, where a flow chooses its route by congestion and where a
//! year's capacity changes in the middle; never above the sheet's estimates; and, on
//! random small networks placed above it, a backlog that grows in simulation.

use corridor::experiment::Experiment;
use corridor::model::Network;
use corridor::scenario::Scenario;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn network(text: &str) -> Network {
    let scenario = Scenario::from_str(text, "bound.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    Network::compile(scenario.base()).unwrap()
}

fn bound(text: &str) -> f64 {
    let sheet = network(text).capacity_sheet();
    let b = sheet.bound.expect("a bound");
    assert!(b.note.is_none(), "{:?}", b.note);
    b.rho
}

/// The highest ρ among the sheet's estimated rows (yards left out: they are not
/// capacity the bound covers).
fn estimate(text: &str) -> f64 {
    let sheet = network(text).capacity_sheet();
    sheet.rows.iter().filter(|r| !r.resource.ends_with(".yard")).map(|r| r.rho).fold(0.0, f64::max)
}

/// Ports a and b, ten hours apart, with four berths each at 500 t/h and 1 h
/// berthing, and `services` between them; `tonnes` a year from a to b.
fn two_ports(services: &str, tonnes: f64) -> String {
    format!(
        r#"
[scenario]
name = "shared leg"
horizon_days = 365
warmup_days = 30

[ports.a]
yard_capacity_tonnes = 1000000
berths.dry = {{ count = 4, handling_tonnes_per_hour = 500.0, berthing_hours = 1.0 }}

[ports.b]
yard_capacity_tonnes = 1000000
berths.dry = {{ count = 4, handling_tonnes_per_hour = 500.0, berthing_hours = 1.0 }}

[sea_links.ab]
between = ["a", "b"]
sailing_hours = {{ dist = "constant", value = 10.0 }}

{services}

[flows.cargo]
route = ["a", "b"]
class = "dry"
annual_tonnes = {tonnes}
consignment_tonnes = {{ dist = "constant", value = 100.0 }}
"#
    )
}

const TWO_FLEETS: &str = r#"
[ship_services.small]
class = "dry"
vessels = 2
capacity_tonnes = 1000
route = ["a", "b"]
max_wait_hours = 24

[ship_services.large]
class = "dry"
vessels = 1
capacity_tonnes = 3000
route = ["a", "b"]
max_wait_hours = 24
"#;

#[test]
fn fleets_sharing_a_leg_are_bounded_by_their_pooled_capacity() {
    // A vessel's cycle: 2 × 10 h sailing + 2 × 1 h berthing = 22 h a load, plus
    // 2 / 500 h handling a tonne. A fleet carries at ρ = 1: vessels × 8,760 h ÷
    // (22 / capacity + 0.004) t/yr: 673,846 (small) + 772,941 (large).
    let text = two_ports(TWO_FLEETS, 1_000_000.0);
    let pooled = 1_000_000.0 / (17_520.0 / (22.0 / 1000.0 + 0.004) + 8_760.0 / (22.0 / 3000.0 + 0.004));
    let b = bound(&text);
    assert!((b - pooled).abs() < 1e-6, "bound {b} against {pooled} by hand");
    // The estimate splits the cargo by what each fleet can take (2,000 : 3,000 t):
    // the large fleet then has ρ 0.776, above the pooled 0.691.
    let split = 600_000.0 * (22.0 / 3000.0 + 0.004) / 8_760.0;
    assert!((estimate(&text) - split).abs() < 1e-3, "estimate {} against {split}", estimate(&text));
    assert!(b < estimate(&text));
}

#[test]
fn a_flow_choosing_by_congestion_is_bounded_by_its_most_favourable_split() {
    // Routes to b (10 h away) and to c (30 h away), one one-vessel service each of
    // 2,000 t; the capacity sheet's estimate splits the flow equally.
    let text = r#"
[scenario]
name = "two routes"
horizon_days = 365
warmup_days = 30

[ports.a]
yard_capacity_tonnes = 1000000
berths.dry = { count = 4, handling_tonnes_per_hour = 500.0, berthing_hours = 1.0 }

[ports.b]
yard_capacity_tonnes = 1000000
berths.dry = { count = 4, handling_tonnes_per_hour = 500.0, berthing_hours = 1.0 }

[ports.c]
yard_capacity_tonnes = 1000000
berths.dry = { count = 4, handling_tonnes_per_hour = 500.0, berthing_hours = 1.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 10.0 }

[sea_links.ac]
between = ["a", "c"]
sailing_hours = { dist = "constant", value = 30.0 }

[ship_services.to_b]
class = "dry"
vessels = 1
capacity_tonnes = 2000
route = ["a", "b"]
max_wait_hours = 24

[ship_services.to_c]
class = "dry"
vessels = 1
capacity_tonnes = 2000
route = ["a", "c"]
max_wait_hours = 24

[flows.cargo]
class = "dry"
annual_tonnes = 600000
consignment_tonnes = { dist = "constant", value = 100.0 }
choice = "congestion"
routes.via_b = { route = ["a", "b"] }
routes.via_c = { route = ["a", "c"] }
"#;
    // Hours a tonne takes of a vessel: (2 × sailing + 2 h berthing) / 2,000 t + 0.004 h.
    let per_tonne = |sail: f64| (2.0 * sail + 2.0) / 2000.0 + 0.004;
    let pooled = 600_000.0 / (8_760.0 / per_tonne(10.0) + 8_760.0 / per_tonne(30.0));
    let equal = 300_000.0 * per_tonne(30.0) / 8_760.0;
    let b = bound(text);
    assert!((b - pooled).abs() < 1e-6, "bound {b} against {pooled} by hand");
    assert!((estimate(text) - equal).abs() < 1e-3, "estimate {} against {equal}", estimate(text));
}

#[test]
fn a_year_with_a_change_in_it_is_bounded_over_its_configurations() {
    // One small vessel, a second from 1 July 2025 (day 181): the year has
    // (181 × 1 + 184 × 2) / 365 vessels' worth of time.
    let mut text = two_ports(
        r#"
[ship_services.small]
class = "dry"
vessels = 1
capacity_tonnes = 1000
route = ["a", "b"]
max_wait_hours = 24
"#,
        300_000.0,
    );
    text = text.replace("[ports.a]", "[planning]\nstart_year = 2025\nyears = 1\n\n[ports.a]");
    text += "\n[changes.second]\ndate = \"2025-07-01\"\nset = { \"ship_services.small.vessels\" = 2 }\n";
    let vessels = (181.0 + 184.0 * 2.0) / 365.0;
    let by_hand = 300_000.0 * (22.0 / 1000.0 + 0.004) / (vessels * 8_760.0);
    let b = network(&text).rho_bound_of_year(0);
    assert!((b.rho - by_hand).abs() < 1e-6, "bound {} against {by_hand} by hand", b.rho);
    assert_eq!(b.binding, ["service.small"]);
}

/// A random small network with shared legs, a congestion route choice, storms over
/// one port with another sheltered, and wagons on decks.
#[derive(Debug, Clone)]
struct Random {
    vessels: [u32; 3],
    capacity: [f64; 3],
    slots: u32,
    sailing: [f64; 2],
    berths: u32,
    storms: f64,
    shelter: f64,
    pause: bool,
    trainsets: u32,
    shares: f64,
}

fn random() -> impl Strategy<Value = Random> {
    (
        [1u32..=3, 1u32..=3, 1u32..=2],
        [1000.0..4000.0f64, 1000.0..4000.0f64, 1000.0..4000.0f64],
        20u32..=60,
        [6.0..20.0f64, 10.0..30.0f64],
        1u32..=3,
        (0.0..20.0f64, 0.0..=1.0f64, any::<bool>()),
        (2u32..=6, 0.0..=1.0f64),
    )
        .prop_map(|(vessels, capacity, slots, sailing, berths, (storms, shelter, pause), (trainsets, shares))| {
            Random { vessels, capacity, slots, sailing, berths, storms, shelter, pause, trainsets, shares }
        })
}

fn random_text(r: &Random, scale: f64) -> String {
    let storms = if r.storms > 1.0 {
        format!(
            "[weather.w]\nports = [\"a\"]\nclose_probability = {{ c = {} }}\nsea_links = [\"ab\"]\nstorms_per_year = {}\nduration_hours = {{ dist = \"exponential\", mean = 40.0 }}\n",
            r.shelter, r.storms
        )
    } else {
        String::new()
    };
    let handling = if r.pause { "pause" } else { "continue" };
    format!(
        r#"
[scenario]
name = "random bound case"
horizon_days = 365
warmup_days = 60
max_consignments_in_system = 100000

[ports.a]
yard_capacity_tonnes = 10000000
handling_in_storms = "{handling}"
berths.dry = {{ count = {berths}, handling_tonnes_per_hour = 400.0, berthing_hours = 2.0 }}

[ports.b]
yard_capacity_tonnes = 10000000
berths.dry = {{ count = {berths}, handling_tonnes_per_hour = 400.0, berthing_hours = 2.0 }}

[ports.c]
yard_capacity_tonnes = 10000000
berths.dry = {{ count = {berths}, service_hours = {{ dist = "erlang", k = 2, mean = 6.0 }} }}

[nodes.d]
kind = "destination"

[sea_links.ab]
between = ["a", "b"]
sailing_hours = {{ dist = "triangular", min = {s0}, mode = {s1}, max = {s2} }}

[sea_links.ac]
between = ["a", "c"]
sailing_hours = {{ dist = "exponential", mean = {sc} }}

[rail_links.bd]
between = ["b", "d"]
transit_hours = {{ dist = "uniform", min = 5.0, max = 15.0 }}
trains_per_day = 8

[ship_services.ab_one]
class = "dry"
vessels = {v0}
capacity_tonnes = {c0}
route = ["a", "b"]
fill_threshold = 0.7
max_wait_hours = 24
slots = {{ wagon = {slots} }}

[ship_services.ab_two]
class = "dry"
vessels = {v1}
capacity_tonnes = {c1}
route = ["a", "b"]
max_wait_hours = 12

[ship_services.ac]
class = "dry"
vessels = {v2}
capacity_tonnes = {c2}
route = ["a", "c"]
max_wait_hours = 24

[train_services.trains]
route = ["b", "d"]
trainsets = {trainsets}
wagons = 20
tonnes_per_wagon = 50
departure = "when_full"
max_wait_hours = 24
loading_hours = 2
unloading_hours = 2

[flows.wagons]
route = ["a", "b", "d"]
class = "dry"
unit = "wagon"
tonnes_per_unit = 60
annual_tonnes = {wagons}
consignment_tonnes = {{ dist = "erlang", k = 3, mean = 360.0 }}

[flows.bulk]
class = "dry"
annual_tonnes = {bulk}
consignment_tonnes = {{ dist = "exponential", mean = 200.0 }}
choice = "congestion"
routes.via_b = {{ route = ["a", "b"] }}
routes.via_c = {{ route = ["a", "c"] }}

{storms}
"#,
        berths = r.berths,
        s0 = r.sailing[0],
        s1 = r.sailing[0] * 1.2,
        s2 = r.sailing[0] * 1.6,
        sc = r.sailing[1],
        v0 = r.vessels[0],
        v1 = r.vessels[1],
        v2 = r.vessels[2],
        c0 = r.capacity[0],
        c1 = r.capacity[1],
        c2 = r.capacity[2],
        slots = r.slots,
        trainsets = r.trainsets,
        wagons = (scale * 500_000.0 * r.shares).max(1000.0),
        bulk = (scale * 500_000.0 * (1.0 - r.shares)).max(1000.0),
    )
}

#[test]
fn the_bound_never_exceeds_the_estimates_and_above_one_the_backlog_grows() {
    let mut runner = TestRunner::new_with_rng(
        Config { cases: 12, failure_persistence: None, ..Config::default() },
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    runner
        .run(&(random(), 1.1..1.6f64), |(r, target)| {
            // Demand scaled so that the bound is `target`: every split overloads some
            // resource by at least that much.
            let unit = bound(&random_text(&r, 1.0));
            prop_assume!(unit.is_finite() && unit > 0.0);
            let text = random_text(&r, target / unit);
            let b = bound(&text);
            prop_assert!((b - target).abs() < 0.02 * target, "bound {b} after scaling to {target}");
            prop_assert!(b <= estimate(&text) + 1e-9, "bound {b} above the estimate {}", estimate(&text));
            let scenario = Scenario::from_str(&text, "bound.toml").unwrap();
            let result = Experiment::for_scenario(&scenario).replications(6).seed(3).run(&scenario, None).unwrap();
            let v = &result.variants[0];
            let saturated = v.records.iter().any(|rec| rec.saturation.is_some());
            let growth = v.summary("system.backlog_growth_tonnes_per_day");
            let grows = growth.as_ref().is_some_and(|g| g.ci95[0] > 0.0);
            prop_assert!(
                saturated || grows,
                "bound {b:.3} ({:?}) but the backlog does not grow: {growth:?}\n{text}",
                network(&text).capacity_sheet().bound
            );
            Ok(())
        })
        .unwrap();
}
