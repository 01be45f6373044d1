//! Draught and sea level: a vessel loads only what the shallowest port of its route
//! lets it float with, the sea's fall lowers that year by year, and dredging (a dated
//! change of depth) restores it. Each checked against the hand computation.

use corridor::experiment::{Experiment, VariantResult};
use corridor::scenario::Scenario;

/// A feeder `a ⇄ b` of 5,000 t design capacity, 6.0 m design draught and 10 t per
/// centimetre of immersion; `a` is `depth_a` m deep, `b` 7 m; far more cargo `a → b`
/// (100 t lots) than it carries. `planning` is extra text for `[planning]` and after.
fn feeder(depth_a: f64, planning: &str) -> String {
    format!(
        r#"
[scenario]
name = "draught"
horizon_days = 1095
warmup_days = 10
max_consignments_in_system = 10000000

{planning}

[ports.a]
yard_capacity_tonnes = 100000000
depth_m = {depth_a}
berths.dry = {{ count = 1, handling_tonnes_per_hour = 1000000.0 }}

[ports.b]
yard_capacity_tonnes = 100000000
depth_m = 7.0
berths.dry = {{ count = 1, handling_tonnes_per_hour = 1000000.0 }}

[sea_links.ab]
between = ["a", "b"]
sailing_hours = {{ dist = "constant", value = 11.0 }}

[ship_services.feeder]
class = "dry"
vessels = 1
capacity_tonnes = 5000
draught_m = 6.0
tonnes_per_cm = 10
route = ["a", "b"]
max_wait_hours = 1
wait_for_cargo_at = ["a"]

[flows.goods]
route = ["a", "b"]
class = "dry"
annual_tonnes = 20000000
consignment_tonnes = {{ dist = "constant", value = 100.0 }}
"#
    )
}

fn run(text: &str) -> VariantResult {
    let scenario = Scenario::from_str(text, "d.toml").unwrap_or_else(|e| panic!("{e}"));
    let result = Experiment::for_scenario(&scenario).replications(2).seed(3).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

fn mean(v: &VariantResult, key: &str) -> f64 {
    v.summary(key).unwrap_or_else(|| panic!("no {key}")).mean
}

/// Tonnes per departure from `a` and tonnes left behind per departure, in `prefix`
/// (`""` for the whole run, `"year.2026."` for a planning year).
fn per_trip(v: &VariantResult, prefix: &str) -> (f64, f64) {
    let trips = mean(v, &format!("{prefix}service.feeder.a_to_b.trips"));
    assert!(trips > 50.0, "{trips} trips");
    (
        mean(v, &format!("{prefix}service.feeder.a_to_b.tonnes")) / trips,
        mean(v, &format!("{prefix}service.feeder.a_to_b.left_by_draught_tonnes")) / trips,
    )
}

#[test]
fn a_vessel_loads_what_the_shallowest_port_lets_it_float() {
    // 6.0 m draught in 5.0 m: 100 cm too deep × 10 t/cm = 1,000 t less: 4,000 t a trip,
    // with 1,000 t of the waiting cargo left behind each time.
    let (load, left) = per_trip(&run(&feeder(5.0, "")), "");
    assert!((load - 4000.0).abs() < 1e-6, "{load} t a trip");
    assert!((left - 1000.0).abs() < 1e-6, "{left} t left a trip");
    // Deep enough everywhere: the design capacity, nothing left by draught.
    let (load, left) = per_trip(&run(&feeder(6.5, "")), "");
    assert!((load - 5000.0).abs() < 1e-6 && left == 0.0, "{load} t a trip, {left} left");
    // The capacity sheet reads the same limit.
    let scenario = Scenario::from_str(&feeder(5.0, ""), "d.toml").unwrap();
    let sheet = corridor::model::Network::compile(scenario.base()).unwrap().capacity_sheet();
    let fleet = sheet.rows.iter().find(|r| r.resource == "service.feeder").unwrap();
    assert!(fleet.basis.contains("× 4000 t"), "{}", fleet.basis);
}

#[test]
fn a_falling_sea_lowers_the_load_year_by_year_and_dredging_restores_it() {
    // The sea falls 0.2 m a year; each year reads the level at its middle: a is 4.9,
    // 4.7 and 4.5 m deep in 2026-2028, so the feeder is 110, 130 and 150 cm too deep
    // and carries 3,900, 3,700 and 3,500 t.
    let planning = "[planning]\nstart_year = 2026\nyears = 3\nsea_level_m_per_year = -0.2";
    let v = run(&feeder(5.0, planning));
    for (year, want) in [(2026, 3900.0), (2027, 3700.0), (2028, 3500.0)] {
        let (load, left) = per_trip(&v, &format!("year.{year}."));
        assert!((load - want).abs() < 1e-6, "{year}: {load} t a trip, want {want}");
        assert!((left - (5000.0 - want)).abs() < 1e-6, "{year}: {left} t left a trip");
    }
    // Dredging a to 7.5 m from 2027: 7.5 - 0.3 = 7.2 m in 2027, deep enough again.
    let dredged = format!("{planning}\n\n[changes.dredging]\ndate = \"2027\"\nset = {{ \"ports.a.depth_m\" = 7.5 }}");
    let v = run(&feeder(5.0, &dredged));
    assert!((per_trip(&v, "year.2026.").0 - 3900.0).abs() < 1e-6);
    assert!((per_trip(&v, "year.2027.").0 - 5000.0).abs() < 1e-6);
    assert_eq!(per_trip(&v, "year.2028.").1, 0.0);
}

#[test]
fn draught_fields_are_checked() {
    let bad = feeder(5.0, "").replace("tonnes_per_cm = 10\n", "");
    let e = Scenario::from_str(&bad, "d.toml").unwrap_err().to_string();
    assert!(e.contains("ship_services.feeder.draught_m") && e.contains("tonnes_per_cm"), "{e}");
    let bad = feeder(-1.0, "");
    let e = Scenario::from_str(&bad, "d.toml").unwrap_err().to_string();
    assert!(e.contains("ports.a.depth_m"), "{e}");
    let bad = feeder(5.0, "[planning]\nstart_year = 2026\nyears = 3\nsea_level_m_per_year = -50");
    let e = Scenario::from_str(&bad, "d.toml").unwrap_err().to_string();
    assert!(e.contains("planning.sea_level_m_per_year"), "{e}");
}
