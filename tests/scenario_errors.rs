//! Every class of bad scenario input gives its own specific error, located in the file.

use corridor::model::{CompileError, Network};
use corridor::scenario::{DistSpec, Scenario, ScenarioSpec};

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
    let e = error_after("vessels = 6\ncapacity_tonnes = 5000", "vessels = 6\nvesels = 3\ncapacity_tonnes = 5000");
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
    assert!(e.contains("ports.baku.berths.rail_ferry.handling_tonnes_per_hour"), "{e}");
    assert!(e.contains("-250 is out of range"), "{e}");
    assert!(e.contains("valid: a finite number > 0"), "{e}");
}

#[test]
fn a_leg_no_service_serves_is_an_error() {
    let e = error_after(
        "route = [\"kuryk\", \"baku\", \"tbilisi\", \"poti\"]",
        "route = [\"kuryk\", \"tbilisi\", \"poti\"]",
    );
    assert!(e.contains("no service carries rail_ferry cargo in wagon units from \"kuryk\" to \"tbilisi\""), "{e}");
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
    assert!(e.contains("expected a number, found the text \"a year\""), "{e}");
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
    let e = error_after("dist = \"erlang\", k = 3, mean = 360.0", "dist = \"erlang\", k = 0, mean = 360.0");
    assert!(e.contains("consignment_tonnes.k"), "{e}");
}

#[test]
fn variant_errors_point_at_the_variant() {
    let e = error_after("\"ports.baku.berths.rail_ferry.count\" = 3", "\"ports.bakuu.berths.rail_ferry.count\" = 3");
    assert!(e.contains("variants.baku_phase2"), "{e}");
    assert!(e.contains("`bakuu` does not exist") || e.contains("does not exist"), "{e}");
    let e = error_after("extends = [\"transit_surge\", \"baku_phase2\"]", "extends = [\"transit_surge\", \"phase3\"]");
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

/// Internal names a user must never see.
const INTERNAL: [&str; 12] = [
    "DistSpec",
    "internally tagged",
    "expected struct",
    "Settings",
    "unit variant",
    "string only",
    "i128",
    "u128",
    "recursion limit",
    "expected f64",
    "expected u64",
    "expected u32",
];

#[test]
fn messages_speak_the_users_language() {
    let cases = [
        (
            "consignment_tonnes = { dist = \"erlang\", k = 3, mean = 360.0 }",
            "consignment_tonnes = 300",
            "a distribution such as { dist = \"triangular\"",
        ),
        ("[scenario]", "scenario = 3\n[scenarioo]", "expected a table"),
        ("class = \"rail_ferry\"\nvessels = 4", "class = 999999999999\nvessels = 4", "one of \"rail_ferry\""),
        ("horizon_days = 365", "horizon_days = 1e308", "1e308 is out of range"),
        ("horizon_days = 365", "horizon_days = 18446744073709551615", "out of range"),
        ("replications = 20", "replications = 18446744073709551615", "out of range"),
        ("replications = 20", "replications = 99999999999999999999", "expected a whole number"),
        ("vessels = 4", "vessels = 4294967296", "4294967296 is more than the limit: a whole number from 0 to 1000"),
        ("vessels = 4", "vessels = 1.5", "expected a whole number"),
        (
            "replications = 20",
            "replications = 1",
            "`scenario.replications`: 1 is out of range (valid: a whole number from 2",
        ),
        (
            "horizon_days = 365",
            "horizon_days = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            "nested too deeply",
        ),
        ("departure = \"when_full\"", "departure = 7", "one of \"when_full\", \"timetable\""),
    ];
    for (from, to, expected) in cases {
        let e = error_after(from, to);
        assert!(e.contains(expected), "{to}: {e}");
        assert!(e.starts_with("error: mc.toml:"), "no line: {e}");
        for word in INTERNAL {
            assert!(!e.contains(word), "{to}: internal name {word:?} in {e}");
        }
        let longest_number =
            e.lines().next().unwrap().split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
        assert!(longest_number <= 19, "{to}: a {longest_number}-digit number in {e}");
    }
    // The whole file missing its [scenario] gets a line and a hint.
    let e = Scenario::from_str("[ports.p]\nyard_capacity_tonnes = 1\n", "x.toml").unwrap_err().to_string();
    assert!(e.starts_with("error: x.toml:1:1: missing field `scenario`"), "{e}");
    assert!(e.contains("[scenario] table"), "{e}");
    // An unknown parent never prints an empty list of valid names.
    let text = "[scenario]\nname = \"x\"\nhorizon_days = 1\n[variants.a]\nextends = [\"b\"]\n";
    let e = Scenario::from_str(text, "x.toml").unwrap_err().to_string();
    assert!(!e.contains("one of: )"), "{e}");
}

#[test]
fn malformed_variant_and_sweep_paths_are_errors_with_a_caret() {
    let cases = [
        ("ports.a[0]]", "unexpected ']'"),
        ("a[]]", "expected a whole number inside [ ]"),
        ("ports.baku.yard_capacity_tonnes[foo]", "expected a whole number inside [ ]"),
        ("flows.kuryk_wagons.route[99999999999999999999]", "too large"),
        ("ports.bakü.yard_capacity_tonnes", "unexpected 'ü'"),
        ("ports.baku.yard_capacity_tonnes[0]", "is an integer, not a list"),
        ("flows.kuryk_wagons.route[9]", "out of range"),
    ];
    for (path, expected) in cases {
        for kind in ["set", "scale"] {
            let value = if kind == "set" { "3" } else { "2.0" };
            let to = format!("[variants.baseline]\n{kind} = {{ \"{path}\" = {value} }}");
            let e = error_after("[variants.baseline]", &to);
            assert!(e.contains(expected), "{kind} {path}: {e}");
            assert!(e.contains("^"), "{kind} {path}: no caret in {e}");
        }
        let to = format!("parameter = \"{path}\"");
        let e = error_after("parameter = \"ports.baku.berths.rail_ferry.count\"", &to);
        assert!(e.contains(expected), "sweep {path}: {e}");
    }
    // The caret sits under the offending character.
    let e = error_after(
        "[variants.baseline]",
        "[variants.baseline]\nscale = { \"ports.baku.yard_capacity_tonnes[foo]\" = 2.0 }",
    );
    let caret_line = e.lines().find(|l| l.contains('^')).unwrap();
    let text_line = e.lines().find(|l| l.contains("scale = {")).unwrap();
    let at = caret_line.find('^').unwrap();
    assert_eq!(&text_line[at..at + 3], "foo", "{e}");
}

#[test]
fn a_diamond_applies_its_shared_ancestor_once() {
    let text = GOOD.to_string()
        + "\n[variants.left]\nextends = [\"transit_surge\"]\n[variants.right]\nextends = [\"transit_surge\"]\n[variants.both]\nextends = [\"left\", \"right\"]\n";
    let sc = Scenario::from_str(&text, "mc.toml").unwrap();
    let both = sc.variant("both").unwrap();
    let surge = sc.variant("transit_surge").unwrap();
    assert_eq!(both.flows, surge.flows, "the ×1.3 surge was applied more than once");
    assert_eq!(both.flows["kuryk_wagons"].annual_tonnes, Some(1_300_000.0));
}

#[test]
fn forty_levels_of_diamonds_load_quickly() {
    let mut text = String::from("[scenario]\nname = \"deep\"\nhorizon_days = 1\n");
    text += "[variants.l0a]\n[variants.l0b]\n";
    for l in 1..40 {
        for side in ["a", "b"] {
            text += &format!("[variants.l{l}{side}]\nextends = [\"l{0}a\", \"l{0}b\"]\n", l - 1);
        }
    }
    assert!(text.len() < 4_000, "{} bytes", text.len());
    let started = std::time::Instant::now();
    Scenario::from_str(&text, "deep.toml").unwrap();
    assert!(started.elapsed().as_secs_f64() < 2.0, "took {:?}", started.elapsed());
}

fn good_spec() -> ScenarioSpec {
    toml::from_str(GOOD).unwrap()
}

#[test]
fn scenarios_built_in_code_get_exactly_the_checks_files_get() {
    // The same defect, in a file and in code, gives the same message.
    let mut spec = good_spec();
    spec.ship_services.get_mut("kuryk_ferry").unwrap().vessels = 5_000;
    let from_code = Scenario::from_spec(&spec).unwrap_err().to_string();
    let from_file = error_after("vessels = 6\ncapacity_tonnes = 5000", "vessels = 5000\ncapacity_tonnes = 5000");
    let message = |e: &str| e.lines().next().unwrap().split(": field ").nth(1).unwrap().to_string();
    assert_eq!(message(&from_code), message(&from_file));
    assert!(from_code.starts_with("error: <built in code>:"), "{from_code}");
    // A NaN that a file could also hold.
    let mut spec = good_spec();
    spec.flows.get_mut("kuryk_wagons").unwrap().annual_tonnes = Some(f64::NAN);
    let e = Scenario::from_spec(&spec).unwrap_err().to_string();
    assert!(e.contains("flows.kuryk_wagons.annual_tonnes"), "{e}");
}

#[test]
fn compiling_an_invalid_spec_is_an_error_not_a_fallback() {
    let mut spec = good_spec();
    spec.flows.get_mut("kuryk_wagons").unwrap().route[1] = "nowhere".into();
    assert!(matches!(Network::compile(&spec), Err(CompileError::Invalid(_))));
    let mut spec = good_spec();
    spec.ship_services.get_mut("kuryk_ferry").unwrap().vessels = 0;
    spec.ship_services.get_mut("kuryk_ropax").unwrap().vessels = 0;
    let e = Network::compile(&spec).unwrap_err().to_string();
    assert!(e.contains("no service carries"), "{e}");
    let mut spec = good_spec();
    spec.sea_links.get_mut("kuryk_baku").unwrap().sailing_hours = DistSpec::Gamma { shape: 1e-12, scale: 1.0 };
    let e = Network::compile(&spec).unwrap_err().to_string();
    assert!(e.contains("sea_links.kuryk_baku.sailing_hours.shape"), "{e}");
    assert!(DistSpec::Weibull { shape: 1e-6, scale: 1.0 }.sampler().is_err());
}

#[test]
fn distributions_with_infinite_or_degenerate_moments_are_rejected() {
    let cases = [
        (
            "{ dist = \"erlang\", k = 3, mean = 360.0 }",
            "{ dist = \"weibull\", shape = 1e-6, scale = 300.0 }",
            "infinite mean",
        ),
        ("{ dist = \"erlang\", k = 3, mean = 360.0 }", "{ dist = \"gamma\", shape = 1e-12, scale = 1e12 }", "sd/mean"),
    ];
    for (from, to, expected) in cases {
        let e = error_after(from, to);
        assert!(e.contains(expected), "{to}: {e}");
        assert!(e.contains("flows.kuryk_wagons.consignment_tonnes.shape"), "{e}");
    }
    let e = error_after(
        "sailing_hours = { dist = \"triangular\", min = 18.0, mode = 22.0, max = 28.0 }",
        "sailing_hours = { dist = \"weibull\", shape = 1e-6, scale = 22.0 }",
    );
    assert!(e.contains("infinite mean") && e.contains("sea_links.kuryk_baku.sailing_hours"), "{e}");
}

#[test]
fn starved_flows_are_rejected_at_validation() {
    // A yard of 0 t at an origin: the flow would deliver nothing.
    let e = error_after(
        "yard_capacity_tonnes = 100000            # ASSUMPTION\nberths.rail_ferry = { count = 2, handling_tonnes_per_hour = 500.0",
        "yard_capacity_tonnes = 0\nberths.rail_ferry = { count = 2, handling_tonnes_per_hour = 500.0",
    );
    assert!(e.contains("ports.kuryk.yard_capacity_tonnes") && e.contains("would starve"), "{e}");
    // A ship smaller than the average consignment it must carry.
    let e = error_after(
        "vessels = 2\ncapacity_tonnes = 5000\nroute = [\"aktau\", \"baku\"]\nfill_threshold = 0.8",
        "vessels = 2\ncapacity_tonnes = 50\nroute = [\"aktau\", \"baku\"]\nfill_threshold = 0.8",
    );
    assert!(e.contains("larger than what the ship service \"aktau_dry\" carries at once"), "{e}");
}

#[test]
fn coordinates_out_of_range_or_alone_are_located_errors() {
    let e = error_after("lon = 49.40", "lon = 249.40");
    assert!(e.contains(&format!("mc.toml:{}:", line_of("lon = 49.40"))), "{e}");
    assert!(e.contains("ports.baku.lon") && e.contains("<= 180"), "{e}");
    let e = error_after("lat = 41.72", "altitude = 41.72");
    assert!(e.contains("unknown field `altitude`"), "{e}");
    let tbilisi = "lon = 44.79                              # map only: approximate, rounded to 0.01° (OpenStreetMap)\nlat = 41.72\n";
    let e = error_after(tbilisi, "lat = 41.72\n");
    assert!(e.contains("nodes.tbilisi.lat") && e.contains("both lon and lat, or neither"), "{e}");
}

#[test]
fn a_berth_field_of_the_wrong_type_names_its_berth_class() {
    // The berth classes are map keys the deserialiser cannot name: the error reads
    // them off the file, inline (the third class of Baku's) or as a section.
    let e = error_after(
        "berths.container = { count = 3, handling_tonnes_per_hour = 135.0,",
        "berths.container = { count = \"three\", handling_tonnes_per_hour = 135.0,",
    );
    assert!(e.contains("field `ports.baku.berths.container.count`"), "{e}");
    assert!(e.contains("found the text \"three\""), "{e}");
    let section = "[scenario]\nname = \"x\"\nhorizon_days = 30\n[ports.p]\nyard_capacity_tonnes = 0\n\
        [ports.p.berths.dry]\ncount = 1\nservice_hours = { dist = \"exponential\", mean = 12.0 }\n\
        [ports.p.berths.container]\ncount = \"two\"\nservice_hours = { dist = \"exponential\", mean = 12.0 }\n";
    let e = Scenario::from_str(section, "s.toml").map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("s.toml:10:") && e.contains("field `ports.p.berths.container.count`"), "{e}");
}
