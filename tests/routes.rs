//! Route choice (fixed shares, least generalised cost, congestion) and the cost and
//! CO2 of cargo, each on a small case with a hand-computed or theoretical answer.

use corridor::experiment::{Experiment, VariantResult};
use corridor::scenario::Scenario;

fn run(text: &str, replications: u64) -> VariantResult {
    let scenario = Scenario::from_str(text, "routes.toml").unwrap_or_else(|e| panic!("{e}"));
    let result = Experiment::for_scenario(&scenario).replications(replications).seed(3).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

fn mean(v: &VariantResult, key: &str) -> f64 {
    v.summary(key).unwrap_or_else(|| panic!("no {key}")).mean
}

/// Within three standard errors of the estimate of `key`.
fn agrees(v: &VariantResult, key: &str, theory: f64) {
    let s = v.summary(key).unwrap_or_else(|| panic!("no {key}"));
    let se = s.sd / (s.n as f64).sqrt();
    assert!((s.mean - theory).abs() <= 3.0 * se, "{key}: {:.4} ± {:.4} (3 SE), theory {theory:.4}", s.mean, 3.0 * se);
}

/// Two rail routes from `o`: to `a` (line `oa`) and to `b` (line `ob`). Each has one
/// trainset taking one 100 t consignment at a time, so each route is a single server
/// whose service is the round trip; `transit` is each line's one-way time. `flow` is
/// the rest of the flow's table.
fn two_routes(transit_a: &str, transit_b: &str, trains: &str, flow: &str) -> String {
    format!(
        r#"
[scenario]
name = "two routes"
horizon_days = 730
warmup_days = 30
max_consignments_in_system = 1000000

[nodes.o]
kind = "rail_terminal"
[nodes.a]
kind = "destination"
[nodes.b]
kind = "destination"

[rail_links.oa]
between = ["o", "a"]
transit_hours = {transit_a}
trains_per_day = 1000
length_km = 300

[rail_links.ob]
between = ["o", "b"]
transit_hours = {transit_b}
trains_per_day = 1000
length_km = 400

[train_services.to_a]
route = ["o", "a"]
trainsets = 1
wagons = 1
tonnes_per_wagon = 100
departure = "when_full"
{trains}

[train_services.to_b]
route = ["o", "b"]
trainsets = 1
wagons = 1
tonnes_per_wagon = 100
departure = "when_full"

[flows.f]
class = "dry"
consignment_tonnes = {{ dist = "constant", value = 100.0 }}
routes.ra = {{ route = ["o", "a"], share = 0.3 }}
routes.rb = {{ route = ["o", "b"], share = 0.7 }}
{flow}
"#
    )
}

const FAST: &str = r#"{ dist = "constant", value = 1.0 }"#;

#[test]
fn fixed_shares_split_the_consignments() {
    let v = run(&two_routes(FAST, FAST, "", "annual_tonnes = 365000\nchoice = \"shares\""), 20);
    let share = mean(&v, "flow.f.route.ra.generated_tonnes") / mean(&v, "flow.f.generated_tonnes");
    // 3,650 consignments a year, each to `ra` with probability 0.3: binomial SE.
    let se = (0.3 * 0.7 / (3650.0 * 20.0_f64)).sqrt();
    assert!((share - 0.3).abs() < 3.0 * se, "share {share}");
    // The flow's KPIs add up its routes'.
    let total = mean(&v, "flow.f.delivered_tonnes");
    let parts = mean(&v, "flow.f.route.ra.delivered_tonnes") + mean(&v, "flow.f.route.rb.delivered_tonnes");
    assert!((total - parts).abs() < 1e-6 * total, "{total} vs {parts}");
}

#[test]
fn least_generalised_cost_takes_the_cheaper_route_by_hand() {
    // Route a: 10 per tonne and 48 h; route b: 5 per tonne and 72 h.
    let trains = "tariff_per_tonne = 10.0";
    let flow = |vot: f64| format!("annual_tonnes = 36500\nchoice = \"cost\"\nvalue_of_time_per_tonne_day = {vot}");
    let text = |vot| {
        two_routes(
            r#"{ dist = "constant", value = 48.0 }"#,
            r#"{ dist = "constant", value = 72.0 }"#,
            trains,
            &flow(vot),
        )
        .replace("[train_services.to_b]\n", "[train_services.to_b]\ntariff_per_tonne = 5.0\n")
    };
    // Value of time 4 a tonne-day: a costs 10 + 4 × 2 = 18, b 5 + 4 × 3 = 17: all to b.
    let v = run(&text(4.0), 4);
    assert_eq!(mean(&v, "flow.f.route.ra.generated_tonnes"), 0.0);
    assert!(mean(&v, "flow.f.route.rb.generated_tonnes") > 30_000.0);
    // Value of time 6: a costs 22, b 23: all to a.
    let v = run(&text(6.0), 4);
    assert_eq!(mean(&v, "flow.f.route.rb.generated_tonnes"), 0.0);
    assert!(mean(&v, "flow.f.route.ra.generated_tonnes") > 30_000.0);
}

#[test]
fn joining_the_shortest_queue_beats_a_random_split_and_random_split_matches_pollaczek_khinchine() {
    // Each route: one trainset, a round trip of two exponential legs of mean T = 4 h
    // (service Erlang-2, mean 8 h, E[S²] = 6T² = 96 h²). Demand λ = 0.2 consignments
    // an hour; split at random each route gets λ/2 = 0.1: ρ = 0.8, and
    // Pollaczek–Khinchine gives Wq = (λ/2)·E[S²] / (2(1 − ρ)) = 24 h; door to door
    // Wq + T = 28 h.
    let exp = r#"{ dist = "exponential", mean = 4.0 }"#;
    let annual = 0.2 * 8760.0 * 100.0;
    let shares = run(
        &two_routes(exp, exp, "", &format!("annual_tonnes = {annual}\nchoice = \"shares\""))
            .replace("share = 0.3", "share = 0.5")
            .replace("share = 0.7", "share = 0.5"),
        40,
    );
    agrees(&shares, "flow.f.transit_hours.mean", 24.0 + 4.0);
    let jsq = run(&two_routes(exp, exp, "", &format!("annual_tonnes = {annual}\nchoice = \"congestion\"")), 40);
    let (random, joined) =
        (shares.summary("flow.f.transit_hours.mean").unwrap(), jsq.summary("flow.f.transit_hours.mean").unwrap());
    let se = (random.sd.powi(2) / random.n as f64 + joined.sd.powi(2) / joined.n as f64).sqrt();
    assert!(joined.mean + 3.0 * se < random.mean, "JSQ {:.2} h against random {:.2} h", joined.mean, random.mean);
    // Identical routes, ties shared by a draw: JSQ splits evenly (by symmetry), within
    // three standard errors of the replications' shares.
    let shares: Vec<f64> = jsq
        .values("flow.f.route.ra.generated_tonnes")
        .unwrap()
        .iter()
        .zip(jsq.values("flow.f.generated_tonnes").unwrap())
        .map(|(r, t)| r / t)
        .collect();
    let s = corridor::stats::Summary::of(&shares).unwrap();
    assert!((s.mean - 0.5).abs() < 3.0 * s.sd / (s.n as f64).sqrt(), "share {} (sd {})", s.mean, s.sd);
}

#[test]
fn cost_and_co2_per_tonne_add_up_by_hand() {
    // A ferry between ports a and b (400 km), then nothing: tariffs 7 a tonne and 100 a
    // 50 t unit (2 a tonne), port charges 1 (a) and 2 (b), so 12 a tonne; CO2
    // 30 g/tkm × 400 km = 12 kg plus 0.5 kg at each port: 13 kg a tonne. Value of
    // time 2.4 a tonne-day: 0.1 a tonne-hour of door-to-door time.
    let text = r#"
[scenario]
name = "costs"
horizon_days = 200
warmup_days = 10

[ports.a]
yard_capacity_tonnes = 100000
charge_per_tonne = 1.0
co2_kg_per_tonne = 0.5
berths.rail_ferry = { count = 1, handling_tonnes_per_hour = 1000.0 }

[ports.b]
yard_capacity_tonnes = 100000
charge_per_tonne = 2.0
co2_kg_per_tonne = 0.5
berths.rail_ferry = { count = 1, handling_tonnes_per_hour = 1000.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 20.0 }
distance_km = 400

[ship_services.ferry]
class = "rail_ferry"
vessels = 2
capacity_tonnes = 3000
route = ["a", "b"]
max_wait_hours = 12
slots = { wagon = 54 }
tariff_per_tonne = 7.0
tariff_per_unit = { wagon = 100.0 }
co2_g_per_tonne_km = 30.0

[flows.wagons]
route = ["a", "b"]
class = "rail_ferry"
unit = "wagon"
tonnes_per_unit = 50
annual_tonnes = 500000
consignment_tonnes = { dist = "constant", value = 300.0 }
value_of_time_per_tonne_day = 2.4
"#;
    let v = run(text, 4);
    let close = |key: &str, expected: f64| {
        let got = mean(&v, key);
        assert!((got - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{key}: {got}, expected {expected}");
    };
    close("flow.wagons.tariff_per_tonne", 12.0);
    close("flow.wagons.co2_kg_per_tonne", 13.0);
    close("system.co2_kg_per_tonne", 13.0);
    // Every consignment weighs the same, so the time cost per tonne is the value of
    // time times the mean door-to-door days.
    close("flow.wagons.time_cost_per_tonne", 2.4 * mean(&v, "flow.wagons.door_to_door_days.mean"));
    close("flow.wagons.cost_per_tonne", 12.0 + mean(&v, "flow.wagons.time_cost_per_tonne"));
    // One flow: the corridor's totals are the flow's.
    close("system.cost_per_tonne", mean(&v, "flow.wagons.cost_per_tonne"));
    assert!(mean(&v, "system.cost_total") > 12.0 * mean(&v, "system.delivered_tonnes"));
}

#[test]
fn route_mistakes_are_reported_where_they_are() {
    let good = two_routes(FAST, FAST, "", "annual_tonnes = 365000");
    let cases = [
        (good.replace("share = 0.7", "share = 0.6"), "the routes' shares sum to 0.9"),
        (
            good.replace("class = \"dry\"\n", "class = \"dry\"\nroute = [\"o\", \"a\"]\n"),
            "both `route` and `routes` given",
        ),
        (
            good.replace("routes.rb = { route = [\"o\", \"b\"]", "routes.rb = { route = [\"o\", \"c\"]"),
            "unknown node \"c\"",
        ),
        (good.replace(", share = 0.7", ""), "every route needs a share"),
    ];
    for (text, expected) in cases {
        let e = Scenario::from_str(&text, "routes.toml").expect_err(expected).to_string();
        assert!(e.contains(expected), "expected {expected:?} in:\n{e}");
        assert!(e.contains("routes.toml:"), "no location in:\n{e}");
    }
}
