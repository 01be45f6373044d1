//! Demand that responds: a flow with an outside option captures a logit share of its
//! market, by the corridor's generalised cost against the option's, and in a
//! multi-year run each year's share follows the door-to-door time the corridor gave
//! the year before. Checked against the logit formula and by hand.

use corridor::experiment::{Experiment, VariantResult};
use corridor::scenario::{Scenario, logit_share};

/// Goods `a → b` by rail (24 h, trains every hour, far more room than cargo), paying
/// 100 a tonne and valued at 24 a tonne-day (1 an hour); another corridor costs 300 a
/// tonne and takes `option_days`; logit scale 20. The corridor is assumed to take
/// `corridor_days` until it has been run. `planning` goes before the ports.
fn market(option_days: f64, corridor_days: f64, planning: &str, horizon_days: f64) -> String {
    format!(
        r#"
[scenario]
name = "market"
horizon_days = {horizon_days}
warmup_days = 0
max_consignments_in_system = 10000000

{planning}

[nodes.a]
kind = "origin"

[nodes.b]
kind = "destination"

[rail_links.ab]
between = ["a", "b"]
transit_hours = {{ dist = "constant", value = 24.0 }}
trains_per_day = 100

[train_services.t]
route = ["a", "b"]
trainsets = 100
wagons = 100
tonnes_per_wagon = 100
departure = "timetable"
timetable_hours = 1
tariff_per_tonne = 100

[flows.goods]
route = ["a", "b"]
class = "dry"
annual_tonnes = 500000
consignment_tonnes = {{ dist = "constant", value = 50.0 }}
value_of_time_per_tonne_day = 24
outside_option = {{ name = "the other corridor", cost_per_tonne = 300, days = {option_days}, scale = 20, corridor_days = {corridor_days} }}
"#
    )
}

fn run(text: &str, replications: u64) -> VariantResult {
    let scenario = Scenario::from_str(text, "m.toml").unwrap_or_else(|e| panic!("{e}"));
    let result =
        Experiment::for_scenario(&scenario).replications(replications).seed(11).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

fn mean(v: &VariantResult, key: &str) -> f64 {
    v.summary(key).unwrap_or_else(|| panic!("no {key}")).mean
}

/// The share of the market that came this way, and how many consignments it was
/// drawn from (over every replication).
fn realised(v: &VariantResult, prefix: &str, replications: f64) -> (f64, f64) {
    let came = mean(v, &format!("{prefix}flow.goods.generated_tonnes"));
    let lost = mean(v, &format!("{prefix}flow.goods.lost_tonnes"));
    (came / (came + lost), replications * (came + lost) / 50.0)
}

#[test]
fn a_fixed_cost_gap_captures_the_logit_share() {
    // The corridor is assumed to take 10 days: 100 + 240 = 340 a tonne against 300 +
    // 24 × 2 = 348 for a 2-day option: share 1 / (1 + e^((340 − 348)/20)) = 0.5987.
    let want = logit_share(340.0, 348.0, 20.0);
    assert!((want - 0.598_688).abs() < 1e-6, "{want}");
    let v = run(&market(2.0, 10.0, "", 365.0), 8);
    assert!((mean(&v, "flow.goods.captured_share") - want).abs() < 1e-12);
    // Each consignment comes this way with that probability: the realised share is
    // within 3 binomial standard errors of it.
    let (share, n) = realised(&v, "", 8.0);
    let se = (want * (1.0 - want) / n).sqrt();
    assert!((share - want).abs() < 3.0 * se, "{share} of {n} consignments, want {want} ± {se}");
    // The capacity sheet reads the captured share of the market: 0.5987 × 500,000 t.
    let scenario = Scenario::from_str(&market(2.0, 10.0, "", 365.0), "m.toml").unwrap();
    let sheet = corridor::model::Network::compile(scenario.base()).unwrap().capacity_sheet();
    assert!((sheet.demand_tonnes_per_year - want * 500_000.0).abs() < 1.0, "{}", sheet.demand_tonnes_per_year);
}

#[test]
fn each_year_the_share_follows_the_time_the_corridor_gave_the_year_before() {
    // 2026 assumes 10 days (340 a tonne against 300 for an option taking no time):
    // share 1 / (1 + e²) = 0.1192. The corridor delivers in about 24.5 h (24 h on the
    // line, half an hour for the next train), so 2027 costs about 124.5 a tonne and
    // captures nearly everything; 2028 follows 2027's time the same way.
    let planning = "[planning]\nstart_year = 2026\nyears = 3";
    let v = run(&market(0.0, 10.0, planning, 1095.0), 6);
    let first = logit_share(340.0, 300.0, 20.0);
    assert!((mean(&v, "year.2026.flow.goods.captured_share") - first).abs() < 1e-12);
    for (year, before) in [(2027, 2026), (2028, 2027)] {
        let hours = mean(&v, &format!("year.{before}.flow.goods.transit_hours.mean"));
        assert!((24.0..26.0).contains(&hours), "{before}: {hours} h door to door");
        let want = logit_share(100.0 + hours, 300.0, 20.0);
        let got = mean(&v, &format!("year.{year}.flow.goods.captured_share"));
        assert!((got - want).abs() < 1e-6, "{year}: share {got}, want {want} from {hours} h in {before}");
        let (share, n) = realised(&v, &format!("year.{year}."), 6.0);
        let se = (want * (1.0 - want) / n).sqrt().max(1.0 / n);
        assert!((share - want).abs() < 3.0 * se, "{year}: realised {share}, want {want}");
    }
}

#[test]
fn an_outside_option_is_checked() {
    let bad = market(2.0, 10.0, "", 365.0).replace("scale = 20", "scale = 0");
    let e = Scenario::from_str(&bad, "m.toml").unwrap_err().to_string();
    assert!(e.contains("flows.goods.outside_option.scale"), "{e}");
    let bad = market(2.0, 10.0, "", 365.0).replace("days = 2,", "days = -2,");
    let e = Scenario::from_str(&bad, "m.toml").unwrap_err().to_string();
    assert!(e.contains("flows.goods.outside_option.days"), "{e}");
}

/// A market of 1,000 t parcels arriving as a Poisson stream that would, all captured,
/// load a 5,000 t/h pipeline to ρ = 0.95 (an M/D/1 queue, 0.2 h a parcel, then 10 h in
/// the line); time is valued at 1 a tonne-hour and there are no tariffs, so the
/// corridor costs 10.2 + Wq a tonne against 12 for the other way, logit scale 1.
const CONGESTED: &str = r#"
[scenario]
name = "congested market"
horizon_days = 2190
warmup_days = 0

[planning]
start_year = 2026
years = 6

[nodes.terminal]
kind = "origin"

[nodes.port]
kind = "destination"

[pipelines.line]
route = ["terminal", "port"]
tonnes_per_hour = 5000
transit_hours = { dist = "constant", value = 10.0 }

[flows.crude]
route = ["terminal", "port"]
class = "liquid_bulk"
annual_tonnes = 41610000
consignment_tonnes = { dist = "constant", value = 1000.0 }
value_of_time_per_tonne_day = 24
outside_option = { cost_per_tonne = 12, days = 0, scale = 1, corridor_days = 0.425 }
"#;

/// The share the corridor earns when it captured `share` the year before: M/D/1 wait
/// at ρ = 0.95 × share, then the logit.
fn next_share(share: f64) -> f64 {
    let rho = 0.95 * share;
    let wq = rho * 0.2 / (2.0 * (1.0 - rho));
    logit_share(10.2 + wq, 12.0, 1.0)
}

#[test]
fn congestion_feedback_converges_where_the_hand_computation_says() {
    // The map s -> next_share(s) falls (more cargo, longer waits, less cargo) with a
    // slope of about -0.25 near its fixed point, so the years converge to it.
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if next_share(mid) > mid { lo = mid } else { hi = mid }
    }
    let fixed = 0.5 * (lo + hi);
    assert!((0.80..0.82).contains(&fixed), "fixed point {fixed}");
    let v = run(CONGESTED, 6);
    // 2026 assumes no wait (10.2 h door to door): 1 / (1 + e^(-1.8)) = 0.858.
    let first = logit_share(10.2, 12.0, 1.0);
    let share = |year: i32| v.summary(&format!("year.{year}.flow.crude.captured_share")).unwrap();
    assert!((share(2026).mean - first).abs() < 1e-12);
    // 2027 follows 2026's simulated waits: by hand, the M/D/1 wait at ρ = 0.95 × 0.858
    // gives 0.796. The years' noise is the replications' spread of the share (each
    // year's share carries the last one's noise too, damped by the slope of 0.25).
    let mut hand = first;
    for year in 2027..=2031 {
        hand = next_share(hand);
        let s = share(year);
        let tolerance = 3.0 * s.sd / (s.n as f64).sqrt();
        assert!((s.mean - hand).abs() < tolerance, "{year}: share {:.4}, by hand {hand:.4} ± {tolerance:.4}", s.mean);
    }
    assert!((share(2031).mean - fixed).abs() < 0.01, "2031: {} against the fixed point {fixed}", share(2031).mean);
}
