//! A port model written directly: ships arriving from the sea whose cargo enters the
//! yard and goes inland by train (`ship_arrivals.<id>.continues_as`), against
//! hand-computed cases: when cargo enters the yard (as handled or at the end), and
//! part-load trains timed from the last departure. Plus the bundled
//! `scenarios/port_rail.toml`.

use corridor::experiment::{Experiment, VariantResult};
use corridor::scenario::Scenario;

fn run(text: &str, replications: u64) -> VariantResult {
    let scenario = Scenario::from_str(text, "port.toml").unwrap_or_else(|e| panic!("{e}"));
    let result = Experiment::for_scenario(&scenario).replications(replications).seed(3).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

fn mean(v: &VariantResult, key: &str) -> f64 {
    v.summary(key).unwrap_or_else(|| panic!("no {key}")).mean
}

/// Ships of 1,000 t, handled at 100 t/h with no berthing time, at one of 5 berths
/// (so they almost never wait); a train of 1,000 t leaves when full, runs 5 h and
/// unloads at once. Cargo landed parcel by parcel (100 t) is all in the yard when the
/// last parcel lands, 9 h after the ship arrived (a parcel lands as its handling
/// starts): delivered 14 h after arrival. Landed at the end: 10 h, so 15 h.
fn ship_to_train(landing: &str) -> String {
    format!(
        r#"
[scenario]
name = "ship to train"
horizon_days = 3650
warmup_days = 10

[ports.port]
yard_capacity_tonnes = 10000
berths.dry = {{ count = 5, handling_tonnes_per_hour = 100.0, berthing_hours = 0.0 }}

[nodes.inland]
kind = "destination"

[rail_links.line]
between = ["port", "inland"]
transit_hours = {{ dist = "constant", value = 5.0 }}
trains_per_day = 24

[train_services.block]
route = ["port", "inland"]
trainsets = 3
wagons = 10
tonnes_per_wagon = 100
departure = "when_full"
max_wait_hours = 1000

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 20
cargo_tonnes = {{ dist = "constant", value = 1000.0 }}
continues_as = "inland_cargo"
landing = "{landing}"
parcel_tonnes = 100

[flows.inland_cargo]
route = ["port", "inland"]
class = "dry"
"#
    )
}

#[test]
fn cargo_lands_as_handled_or_at_the_end_and_goes_on_by_train() {
    let handled = run(&ship_to_train("as_handled"), 8);
    let at_end = run(&ship_to_train("at_end"), 8);
    let (h, e) =
        (mean(&handled, "flow.inland_cargo.transit_hours.mean"), mean(&at_end, "flow.inland_cargo.transit_hours.mean"));
    // Isolated ships give exactly 14 h and 15 h; the odd pair of ships close together
    // pools parcels into trains (a train may fill early or late), which moves both
    // means a little and by the same amount (common random numbers).
    assert!((h - 14.0).abs() < 0.2, "as handled: {h:.3} h");
    assert!((e - h - 1.0).abs() < 0.05, "at the end − as handled = {:.3} h, expected 1 h", e - h);
    for v in [&handled, &at_end] {
        let delivered = mean(v, "flow.inland_cargo.delivered_tonnes");
        let landed = mean(v, "port.port.throughput_tonnes");
        assert!((delivered - landed).abs() <= 1000.0, "delivered {delivered} vs landed {landed}");
        assert!(mean(v, "service.block.trips") > 150.0);
        assert_eq!(v.stability().verdict, corridor::experiment::Verdict::Stable, "{}", v.stability().summary);
        // Time at berth: 1,000 t at 100 t/h, no berthing time, nothing else holds the
        // ship (the yard has room): 10 h a call, for all calls and for the dry berths.
        assert!((mean(v, "port.port.berth_hours.mean") - 10.0).abs() < 1e-9);
        assert!((mean(v, "port.port.berth_hours.dry.mean") - 10.0).abs() < 1e-9);
    }
    // As handled, the yard holds at most one ship's cargo; at the end, too, but it
    // arrives in one piece.
    assert!(mean(&handled, "port.port.yard_stock_tonnes.max") <= 2000.0 + 1e-6);
}

#[test]
fn part_load_trains_can_leave_a_fixed_time_after_the_last_departure() {
    // Cargo trickles in (10 t every ~52 min); trains of 10,000 t never fill, so one
    // leaves every 8 h after the one before: 365 × 3 = 1,095 in the year.
    let text = r#"
[scenario]
name = "trains every 8 h"
horizon_days = 365
warmup_days = 5

[ports.port]
yard_capacity_tonnes = 100000

[nodes.origin]
kind = "rail_terminal"

[nodes.inland]
kind = "destination"

[rail_links.feeder]
between = ["origin", "port"]
transit_hours = { dist = "constant", value = 1.0 }
trains_per_day = 96

[train_services.feeder]
route = ["origin", "port"]
trainsets = 4
wagons = 1
tonnes_per_wagon = 10
departure = "when_full"

[rail_links.line]
between = ["port", "inland"]
transit_hours = { dist = "constant", value = 1.0 }
trains_per_day = 24

[train_services.block]
route = ["port", "inland"]
trainsets = 4
wagons = 100
tonnes_per_wagon = 100
departure = "when_full"
max_wait_hours = 8
max_wait_from = "last_departure"

[flows.trickle]
route = ["origin", "port", "inland"]
class = "dry"
annual_tonnes = 100000
consignment_tonnes = { dist = "constant", value = 10.0 }
"#;
    let v = run(text, 4);
    let trips = v.summary("service.block.trips").unwrap();
    assert!(trips.min >= 1094.0 && trips.max <= 1096.0, "trips {} to {}", trips.min, trips.max);
    // Counted from the oldest cargo instead, each wait starts a little after the
    // departure (when the next consignment arrives): fewer trains.
    let oldest = run(&text.replace("max_wait_from = \"last_departure\"", "max_wait_from = \"oldest_cargo\""), 4);
    assert!(oldest.summary("service.block.trips").unwrap().max < trips.min, "oldest cargo should wait longer");
}

#[test]
fn the_bundled_port_rail_scenario_runs_and_its_capacity_sheet_counts_the_ships_cargo() {
    let scenario = Scenario::load("scenarios/port_rail.toml").unwrap();
    let v = run(scenario.text(), 6);
    let demand = 1460.0 * 5000.0;
    let delivered = mean(&v, "flow.imports.delivered_tonnes");
    assert!((delivered / demand - 1.0).abs() < 0.03, "delivered {delivered:.0} t of {demand:.0}");
    assert_eq!(v.stability().verdict, corridor::experiment::Verdict::Stable);
    let sheet = v.capacity.as_ref().unwrap();
    let trains = sheet.row("service.block").unwrap();
    assert!((trains.offered_tonnes_per_year - demand).abs() < 1.0, "trains offered {}", trains.offered_tonnes_per_year);
    let events_per_ship = mean(&v, "system.events") / mean(&v, "port.port.ship_calls");
    eprintln!("port_rail: {events_per_ship:.1} events per ship");
    assert!(events_per_ship < 25.0, "{events_per_ship:.1} events per ship");
}

#[test]
fn continuing_cargo_must_name_a_flow_that_starts_at_the_port() {
    let unknown = ship_to_train("at_end").replace("continues_as = \"inland_cargo\"", "continues_as = \"inland\"");
    let e = Scenario::from_str(&unknown, "p.toml").unwrap_err().to_string();
    assert!(e.contains("ship_arrivals.ships.continues_as") && e.contains("one of the flows: inland_cargo"), "{e}");
    let elsewhere = ship_to_train("at_end")
        .replace("route = [\"port\", \"inland\"]\nclass", "route = [\"inland\", \"port\"]\nclass");
    let e = Scenario::from_str(&elsewhere, "p.toml").unwrap_err().to_string();
    assert!(e.contains("starts at \"inland\", not at this port \"port\""), "{e}");
    let bad = ship_to_train("sometime");
    let e = Scenario::from_str(&bad, "p.toml").unwrap_err().to_string();
    assert!(e.contains("landing") && e.contains("as_handled"), "{e}");
    // A flow with its own volume still needs a consignment size (the flow is last).
    let own = format!("{}annual_tonnes = 5\n", ship_to_train("at_end"));
    let e = Scenario::from_str(&own, "p.toml").unwrap_err().to_string();
    assert!(e.contains("flows.inland_cargo.consignment_tonnes") && e.contains("missing"), "{e}");
}
