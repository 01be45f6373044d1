//! Every class of bad scenario input gives its own specific error, located in the file.

use corridor::scenario::Scenario;

const GOOD: &str = include_str!("../scenarios/middle_corridor.toml");

/// Loads `GOOD` with `from` replaced by `to`; returns the error text.
fn error_after(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "test setup: {from:?} not in the file");
    let text = GOOD.replacen(from, to, 1);
    match Scenario::from_str(&text, "mc.toml") {
        Ok(_) => panic!("replacing {from:?} by {to:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

fn line_of(needle: &str) -> usize {
    GOOD.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_bundled_scenarios_are_valid() {
    Scenario::load("scenarios/middle_corridor.toml").unwrap();
    Scenario::load("scenarios/mmc_port.toml").unwrap();
}

#[test]
fn unknown_field_names_the_field_and_the_valid_ones() {
    let e = error_after(
        "vessels = 4\ncapacity_tonnes = 2700",
        "vessels = 4\nvesels = 3\ncapacity_tonnes = 2700",
    );
    assert!(e.contains("unknown field `vesels`"), "{e}");
    assert!(e.contains("expected one of"), "{e}");
    assert!(e.contains("ship_services.kuryk_ferry"), "{e}");
    assert!(e.starts_with("error: mc.toml:"), "{e}");
}

#[test]
fn unknown_reference_lists_the_known_ids() {
    let e = error_after("route = [\"kuryk\", \"baku\"]", "route = [\"kuryk\", \"bakuu\"]");
    assert!(e.contains("unknown port \"bakuu\""), "{e}");
    assert!(e.contains("ship_services.kuryk_ferry.route[1]"), "{e}");
    assert!(e.contains("one of the ports: aktau, baku, kuryk, turkmenbashi"), "{e}");
    let line = line_of("route = [\"kuryk\", \"baku\"]");
    assert!(e.contains(&format!("mc.toml:{line}:")), "{e} (expected line {line})");
}

#[test]
fn zero_berths_with_traffic_is_an_error() {
    let e = error_after("berths.ro_ro = { count = 2,", "berths.ro_ro = { count = 0,");
    assert!(e.contains("has no ro_ro berths for this service's vessels"), "{e}");
}

#[test]
fn negative_rate_is_an_error_with_the_valid_range() {
    let e = error_after(
        "handling_tonnes_per_hour = 250.0, berthing_hours = 2.0 }",
        "handling_tonnes_per_hour = -250.0, berthing_hours = 2.0 }",
    );
    assert!(
        e.contains("ports.baku.berths.rail_ferry.handling_tonnes_per_hour"),
        "{e}"
    );
    assert!(e.contains("-250 is out of range"), "{e}");
    assert!(e.contains("valid: a finite number > 0"), "{e}");
}

#[test]
fn a_leg_no_service_serves_is_an_error() {
    let e = error_after(
        "route = [\"kuryk\", \"baku\", \"tbilisi\", \"poti\"]",
        "route = [\"kuryk\", \"tbilisi\", \"poti\"]",
    );
    assert!(
        e.contains("no service carries rail_ferry cargo from \"kuryk\" to \"tbilisi\""),
        "{e}"
    );
    assert!(e.contains("flows.kuryk_wagons.route[1]"), "{e}");
}

#[test]
fn a_probability_above_one_is_an_error() {
    let e = error_after("fill_threshold = 0.75", "fill_threshold = 1.5");
    assert!(e.contains("fill_threshold"), "{e}");
    assert!(e.contains("1.5 is out of range"), "{e}");
    assert!(e.contains("<= 1"), "{e}");
}

#[test]
fn wrong_types_and_syntax_errors_are_located() {
    let e = error_after("horizon_days = 365", "horizon_days = \"a year\"");
    assert!(e.contains("scenario.horizon_days"), "{e}");
    assert!(e.contains("invalid type"), "{e}");
    let e = error_after("[ports.baku]", "[ports.baku");
    assert!(e.contains(&format!("mc.toml:{}:", line_of("[ports.baku]"))), "{e}");
}

#[test]
fn bad_distribution_parameters_name_the_parameter() {
    let e = error_after(
        "{ dist = \"triangular\", min = 18.0, mode = 22.0, max = 28.0 }",
        "{ dist = \"triangular\", min = 18.0, mode = 32.0, max = 28.0 }",
    );
    assert!(e.contains("sea_links.kuryk_baku.sailing_hours.mode"), "{e}");
    assert!(e.contains("min <= mode <= max"), "{e}");
    let e = error_after(
        "dist = \"erlang\", k = 3, mean = 300.0",
        "dist = \"erlang\", k = 0, mean = 300.0",
    );
    assert!(e.contains("consignment_tonnes.k"), "{e}");
}

#[test]
fn variant_errors_point_at_the_variant() {
    let e = error_after(
        "\"ports.baku.berths.rail_ferry.count\" = 3",
        "\"ports.bakuu.berths.rail_ferry.count\" = 3",
    );
    assert!(e.contains("variants.baku_phase2"), "{e}");
    assert!(
        e.contains("`bakuu` does not exist") || e.contains("does not exist"),
        "{e}"
    );
    let e = error_after(
        "extends = [\"transit_surge\", \"baku_phase2\"]",
        "extends = [\"transit_surge\", \"phase3\"]",
    );
    assert!(e.contains("unknown variant \"phase3\""), "{e}");
}

#[test]
fn files_that_are_not_text_or_not_there_are_errors() {
    let dir = std::env::temp_dir().join(format!("corridor-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("bin.toml");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let e = Scenario::load(&bin).unwrap_err().to_string();
    assert!(e.contains("not valid UTF-8"), "{e}");
    let e = Scenario::load(dir.join("missing.toml")).unwrap_err().to_string();
    assert!(e.contains("cannot read the file"), "{e}");
    std::fs::remove_dir_all(dir).ok();
}
