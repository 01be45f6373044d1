//! Mixed-cargo vessels (units, slots, shared or separate decks, caps and loading
//! order), empty units going back, and pipelines, each against a hand-computed case
//! or queueing theory.

use corridor::experiment::{Experiment, VariantResult};
use corridor::scenario::Scenario;

fn run(text: &str, replications: u64) -> VariantResult {
    let scenario = Scenario::from_str(text, "mixed.toml").unwrap_or_else(|e| panic!("{e}"));
    let result = Experiment::for_scenario(&scenario).replications(replications).seed(5).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

fn mean(v: &VariantResult, key: &str) -> f64 {
    v.summary(key).unwrap_or_else(|| panic!("no {key}")).mean
}

/// One ferry between ports `a` and `b` (11 h each way, handling almost instant), with
/// more wagons (50 t) and trucks (20 t) waiting at `a` than it can take, so that every
/// departure from `a` leaves as full as its loading rules allow. `ship` is the extra
/// fields of the ship service.
fn ferry(ship: &str) -> String {
    format!(
        r#"
[scenario]
name = "mixed ferry"
horizon_days = 60
warmup_days = 5
max_consignments_in_system = 1000000

[ports.a]
yard_capacity_tonnes = 10000000
berths.rail_ferry = {{ count = 1, handling_tonnes_per_hour = 100000.0, berthing_hours = 0.0 }}

[ports.b]
yard_capacity_tonnes = 10000000
berths.rail_ferry = {{ count = 1, handling_tonnes_per_hour = 100000.0, berthing_hours = 0.0 }}

[sea_links.ab]
between = ["a", "b"]
sailing_hours = {{ dist = "constant", value = 11.0 }}

[ship_services.ferry]
class = "rail_ferry"
vessels = 1
route = ["a", "b"]
max_wait_hours = 1
{ship}

[flows.wagons]
route = ["a", "b"]
class = "rail_ferry"
unit = "wagon"
tonnes_per_unit = 50
annual_tonnes = 3650000
consignment_tonnes = {{ dist = "constant", value = 50.0 }}

[flows.trucks]
route = ["a", "b"]
class = "ro_ro"
unit = "truck"
tonnes_per_unit = 20
annual_tonnes = 1460000
consignment_tonnes = {{ dist = "constant", value = 20.0 }}
"#
    )
}

/// Loaded wagons and trucks per departure from `a`.
fn per_trip(v: &VariantResult) -> (f64, f64) {
    let trips = mean(v, "service.ferry.a_to_b.trips");
    assert!(trips > 40.0, "{trips} trips");
    (
        mean(v, "service.ferry.a_to_b.loaded_units.wagon") / trips,
        mean(v, "service.ferry.a_to_b.loaded_units.truck") / trips,
    )
}

#[test]
fn a_shared_deck_takes_each_unit_at_its_share() {
    // Wagons first, capped at 27: they take half the deck (27/54), trucks the other
    // half (20/40).
    let v = run(&ferry("capacity_tonnes = 100000\nslots = { wagon = 54, truck = 40 }\nmax_units = { wagon = 27 }"), 2);
    let (wagons, trucks) = per_trip(&v);
    assert!((wagons - 27.0).abs() < 1e-9 && (trucks - 20.0).abs() < 1e-9, "{wagons} wagons, {trucks} trucks");
    assert!((mean(&v, "service.ferry.a_to_b.slot_factor") - 1.0).abs() < 1e-9);

    // Trucks first: they fill the whole deck.
    let v = run(&ferry("capacity_tonnes = 100000\nslots = { wagon = 54, truck = 40 }\nloading_order = [\"truck\"]"), 2);
    assert_eq!(per_trip(&v), (0.0, 40.0));

    // Separate spaces: each unit fills its own.
    let v = run(&ferry("capacity_tonnes = 100000\nslots = { wagon = 54, truck = 40 }\ndeck = \"separate\""), 2);
    assert_eq!(per_trip(&v), (54.0, 40.0));
}

#[test]
fn weight_caps_a_deck_with_room_left() {
    // 1,500 t: 30 wagons (wagons first), then no truck fits by weight.
    let v = run(&ferry("capacity_tonnes = 1500\nslots = { wagon = 54, truck = 40 }"), 2);
    assert_eq!(per_trip(&v), (30.0, 0.0));
    // 1,520 t: 30 wagons and one truck.
    let v = run(&ferry("capacity_tonnes = 1520\nslots = { wagon = 54, truck = 40 }"), 2);
    assert_eq!(per_trip(&v), (30.0, 1.0));
    assert!((mean(&v, "service.ferry.a_to_b.load_factor") - 1.0).abs() < 1e-9);
}

#[test]
fn a_service_without_slots_for_a_unit_does_not_carry_it() {
    // Slots for wagons only: the trucks' leg has no carrier.
    let text = ferry("capacity_tonnes = 100000\nslots = { wagon = 54 }");
    let err = Scenario::from_str(&text, "mixed.toml").expect_err("trucks have no ship").to_string();
    assert!(err.contains("flows.trucks.route[1]") && err.contains("truck units"), "{err}");
}

/// Wagons a → b at 20 a day, half of them going back empty b → a on the same ferry;
/// a second ferry service of another class also calls at both ports and takes
/// wagons, so the leg is shared.
const EMPTIES: &str = r#"
[scenario]
name = "empties"
horizon_days = 730
warmup_days = 30

[ports.a]
yard_capacity_tonnes = 1000000
berths.rail_ferry = { count = 2, handling_tonnes_per_hour = 1000.0, berthing_hours = 1.0 }
berths.ro_ro = { count = 2, handling_tonnes_per_hour = 1000.0, berthing_hours = 1.0 }

[ports.b]
yard_capacity_tonnes = 1000000
berths.rail_ferry = { count = 2, handling_tonnes_per_hour = 1000.0, berthing_hours = 1.0 }
berths.ro_ro = { count = 2, handling_tonnes_per_hour = 1000.0, berthing_hours = 1.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "triangular", min = 10.0, mode = 12.0, max = 16.0 }

[ship_services.ferry]
class = "rail_ferry"
vessels = 2
capacity_tonnes = 3000
route = ["a", "b"]
max_wait_hours = 24
wait_for_cargo_at = ["a"]
slots = { wagon = 54 }

[ship_services.ropax]
class = "ro_ro"
vessels = 1
capacity_tonnes = 3000
route = ["a", "b"]
max_wait_hours = 24
wait_for_cargo_at = ["a"]
slots = { wagon = 30 }

[flows.wagons]
route = ["a", "b"]
class = "rail_ferry"
unit = "wagon"
tonnes_per_unit = 50
annual_tonnes = 365000
consignment_tonnes = { dist = "erlang", k = 2, mean = 250.0 }
empty_return = { share = 0.5 }
"#;

#[test]
fn empty_units_return_at_their_share_and_take_slots_on_shared_legs() {
    let v = run(EMPTIES, 6);
    let loaded = mean(&v, "flow.wagons.units_delivered");
    let empties = mean(&v, "flow.wagons.empty_units_returned");
    // 365,000 t of 50 t wagons over 730 days: 14,600 wagons; half come back. What is
    // in transit at the window's edges moves the counts by a few ship loads at most.
    assert!((loaded - 14_600.0).abs() < 14_600.0 * 0.03, "{loaded} wagons delivered");
    assert!((empties / loaded - 0.5).abs() < 0.01, "{empties} empties for {loaded} wagons");
    // The empties travel b → a on both services, and nothing loaded does.
    let by_ship = |svc: &str, dir: &str, what: &str| mean(&v, &format!("service.{svc}.{dir}.{what}_units.wagon"));
    let back = by_ship("ferry", "b_to_a", "empty") + by_ship("ropax", "b_to_a", "empty");
    assert!((back - empties).abs() < 60.0, "{back} empties sailed, {empties} returned");
    assert!(by_ship("ropax", "b_to_a", "empty") > 0.0 && by_ship("ropax", "a_to_b", "loaded") > 0.0);
    assert_eq!(by_ship("ferry", "b_to_a", "loaded") + by_ship("ferry", "a_to_b", "empty"), 0.0);
    // Empties weigh nothing: the b → a sailings carry no tonnes.
    assert_eq!(mean(&v, "service.ferry.b_to_a.tonnes"), 0.0);
    // Vessels do not wait for cargo at b, where nothing but empties loads (which never
    // fill a vessel by weight): they sail as soon as handled. Waiting there (up to
    // 24 h a call) costs round trips.
    let trips = |v: &VariantResult| mean(v, "service.ferry.a_to_b.trips");
    assert!((mean(&v, "service.ferry.b_to_a.trips") - trips(&v)).abs() <= 1.0);
    let waiting_everywhere = run(&EMPTIES.replace("wait_for_cargo_at = [\"a\"]\n", ""), 6);
    assert!(trips(&waiting_everywhere) < 0.8 * trips(&v), "{} vs {}", trips(&waiting_everywhere), trips(&v));
    // Cargo is conserved (the audit also checks every consignment's place).
    let net = corridor::model::Network::compile(Scenario::from_str(EMPTIES, "e.toml").unwrap().base()).unwrap();
    let k = corridor::model::run_replication(&net, 5, 0);
    assert!(k.conservation.holds(), "{:?}", k.conservation);
}

/// Crude arriving at a tank terminal as a Poisson stream of 1,000 t parcels, pumped
/// into a pipeline at 5,000 t/h (0.2 h a parcel), ρ = 0.7: an M/D/1 queue.
const PIPELINE: &str = r#"
[scenario]
name = "pipeline"
horizon_days = 3650
warmup_days = 30

[nodes.terminal]
kind = "origin"

[nodes.ceyhan]
kind = "destination"

[pipelines.btc]
route = ["terminal", "ceyhan"]
tonnes_per_hour = 5000
transit_hours = { dist = "constant", value = 240.0 }

[flows.crude]
route = ["terminal", "ceyhan"]
class = "liquid_bulk"
annual_tonnes = 30660000
consignment_tonnes = { dist = "constant", value = 1000.0 }
"#;

#[test]
fn a_pipeline_is_an_md1_queue() {
    let v = run(PIPELINE, 10);
    // λ = 30,660,000 / 1,000 / 8,760 = 3.5 an hour; S = 0.2 h; ρ = 0.7.
    let (rho, service) = (0.7, 0.2);
    let wq = rho * service / (2.0 * (1.0 - rho));
    let transit = v.summary("flow.crude.transit_hours.mean").unwrap();
    let expected = wq + service + 240.0;
    assert!(
        (transit.mean - expected).abs() <= transit.half_width(),
        "transit {:.4} ± {:.4} h, M/D/1 gives {expected:.4} h",
        transit.mean,
        transit.half_width()
    );
    let util = v.summary("pipeline.btc.utilisation").unwrap();
    assert!((util.mean - rho).abs() < 3.0 * util.half_width().max(1e-4), "utilisation {:.4}", util.mean);
    let sheet_rho = corridor::model::Network::compile(Scenario::from_str(PIPELINE, "p.toml").unwrap().base())
        .unwrap()
        .capacity_sheet()
        .row("pipeline.btc")
        .unwrap()
        .rho;
    assert!((sheet_rho - rho).abs() < 1e-9, "sheet ρ {sheet_rho}");
}

/// Crude landing in a small tank farm (the port's yard) at ρ 0.9 of the pump: the
/// yard's gate often holds parcels, and the room a pumped parcel frees admits the next
/// one while the pump is being started. Test builds audit every consignment's place.
#[test]
fn a_pipeline_fed_from_a_full_tank_farm_loses_nothing() {
    let text = r#"
[scenario]
name = "tank farm"
horizon_days = 365
warmup_days = 10

[ports.terminal]
yard_capacity_tonnes = 1500
berths.liquid_bulk = { count = 1, handling_tonnes_per_hour = 1000.0 }

[nodes.ceyhan]
kind = "destination"

[pipelines.btc]
route = ["terminal", "ceyhan"]
tonnes_per_hour = 500

[flows.crude]
route = ["terminal", "ceyhan"]
class = "liquid_bulk"
annual_tonnes = 3942000
consignment_tonnes = { dist = "constant", value = 500.0 }
"#;
    let net = corridor::model::Network::compile(Scenario::from_str(text, "tank.toml").unwrap().base()).unwrap();
    for replication in 0..4 {
        let k = corridor::model::run_replication(&net, 9, replication);
        assert!(k.conservation.holds(), "{:?}", k.conservation);
        let entries = k.entries();
        let util = entries.iter().find(|(key, _)| key == "pipeline.btc.utilisation").unwrap().1;
        assert!((util - 0.9).abs() < 0.05, "utilisation {util}");
    }
}

#[test]
fn unit_fields_are_validated() {
    let base = ferry("capacity_tonnes = 1000\nslots = { wagon = 54, truck = 40 }");
    for (from, to, expect) in [
        ("tonnes_per_unit = 50\n", "", "flows.wagons.tonnes_per_unit"),
        ("slots = { wagon = 54, truck = 40 }", "slots = { wagon = 0, truck = 40 }", "ship_services.ferry.slots.wagon"),
        (
            "slots = { wagon = 54, truck = 40 }",
            "slots = { wagon = 54, truck = 40 }\nloading_order = [\"teu\"]",
            "no slots for unit \"teu\"",
        ),
        (
            "slots = { wagon = 54, truck = 40 }",
            "slots = { wagon = 54, truck = 40 }\nmax_units = { car = 3 }",
            "ship_services.ferry.max_units.car",
        ),
        ("max_wait_hours = 1", "max_wait_hours = 1\nwait_for_cargo_at = [\"c\"]", "not on the service's route"),
        (
            "tonnes_per_unit = 50\n",
            "tonnes_per_unit = 50\nempty_return = { share = 1.5 }\n",
            "flows.wagons.empty_return.share",
        ),
        ("tonnes_per_unit = 50\n", "tonnes_per_unit = 5000\n", "heavier than"),
        (
            "tonnes_per_unit = 20\n",
            "tonnes_per_unit = 20\nempty_return = { share = 0.5, route = [\"b\", \"x\"] }\n",
            "unknown node \"x\"",
        ),
    ] {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let err = Scenario::from_str(&text, "mixed.toml").err().unwrap_or_else(|| panic!("accepted: {to}")).to_string();
        assert!(err.contains(expect), "{to}: {err}");
    }
}

mod random {
    //! Random mixed-cargo corridors: whatever the slots, deck, caps, loading order,
    //! weights, empty shares and yard, cargo is conserved to the kilogram and every
    //! consignment is where the audit expects it (test builds audit every replication).
    use corridor::model::{Network, run_replication};
    use corridor::scenario::Scenario;
    use proptest::prelude::*;

    #[allow(clippy::too_many_arguments)]
    fn scenario(
        wagon_slots: u32,
        truck_slots: u32,
        separate: bool,
        truck_cap: u32,
        trucks_first: bool,
        capacity: f64,
        yard: f64,
        wagon_t: f64,
        empty_share: f64,
        vessels: u32,
    ) -> String {
        let deck = if separate { "separate" } else { "shared" };
        let order = if trucks_first { "[\"truck\"]" } else { "[\"wagon\"]" };
        format!(
            r#"
[scenario]
name = "random mixed"
horizon_days = 60
warmup_days = 5
max_consignments_in_system = 200000

[ports.a]
yard_capacity_tonnes = {yard}
berths.rail_ferry = {{ count = 1, handling_tonnes_per_hour = 300.0, berthing_hours = 1.0 }}

[ports.b]
yard_capacity_tonnes = {yard}
berths.rail_ferry = {{ count = 1, handling_tonnes_per_hour = 300.0, berthing_hours = 1.0 }}

[sea_links.ab]
between = ["a", "b"]
sailing_hours = {{ dist = "triangular", min = 8.0, mode = 10.0, max = 14.0 }}

[ship_services.ferry]
class = "rail_ferry"
vessels = {vessels}
capacity_tonnes = {capacity}
route = ["a", "b"]
max_wait_hours = 12
slots = {{ wagon = {wagon_slots}, truck = {truck_slots} }}
deck = "{deck}"
max_units = {{ truck = {truck_cap} }}
loading_order = {order}

[flows.wagons]
route = ["a", "b"]
class = "rail_ferry"
unit = "wagon"
tonnes_per_unit = {wagon_t}
annual_tonnes = 200000
consignment_tonnes = {{ dist = "exponential", mean = {mean} }}
empty_return = {{ share = {empty_share} }}

[flows.trucks_east]
route = ["b", "a"]
class = "ro_ro"
unit = "truck"
tonnes_per_unit = 20
annual_tonnes = 50000
consignment_tonnes = {{ dist = "constant", value = 20.0 }}
empty_return = {{ share = {empty_share} }}
"#,
            mean = wagon_t * 3.0
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn cargo_is_conserved_whatever_the_deck(
            wagon_slots in 1u32..60,
            truck_slots in 1u32..50,
            separate in any::<bool>(),
            truck_cap in 0u32..50,
            trucks_first in any::<bool>(),
            capacity in 400.0..5000.0f64,
            yard in prop_oneof![400.0..2000.0f64, 1e5..1e6f64],
            wagon_t in 20.0..70.0f64,
            empty_share in 0.0..=1.0f64,
            vessels in 1u32..4,
            seed in 0u64..1000,
        ) {
            let text = scenario(
                wagon_slots, truck_slots, separate, truck_cap, trucks_first, capacity, yard, wagon_t, empty_share, vessels,
            );
            let scenario = Scenario::from_str(&text, "random.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
            let net = Network::compile(scenario.base()).unwrap();
            let k = run_replication(&net, seed, 0);
            prop_assert!(k.conservation.holds(), "{:?}", k.conservation);
            // Units travel whole and keep their weight: what is delivered weighs
            // exactly its units (splits in a yard or aboard never duplicate units).
            let entries = k.entries();
            let kpi = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v).unwrap();
            let per_unit = (wagon_t * 1000.0).round() / 1000.0;
            let delivered = kpi("flow.wagons.delivered_tonnes");
            let units = kpi("flow.wagons.units_delivered");
            prop_assert!((delivered - units * per_unit).abs() < 1e-6 * delivered.max(1.0), "{delivered} t in {units} units of {per_unit} t");
        }
    }
}

/// `vessels` ferries `a ⇄ b` (11 h each way, tonnes handled almost at once) whose
/// rail-ferry berths take `unit_a` and `unit_b` hours per wagon rolled on or off; 50 t
/// wagons `a → b` of `annual` tonnes a year, `share` of them coming back empty.
fn unit_ferry(vessels: u32, annual: f64, share: f64, unit_a: f64, unit_b: f64) -> String {
    format!(
        r#"
[scenario]
name = "per-unit handling"
horizon_days = 365
warmup_days = 20
max_consignments_in_system = 10000000

[ports.a]
yard_capacity_tonnes = 100000000
berths.rail_ferry = {{ count = 1, handling_tonnes_per_hour = 1000000.0, unit_hours = {{ wagon = {unit_a} }} }}

[ports.b]
yard_capacity_tonnes = 100000000
berths.rail_ferry = {{ count = 1, unit_hours = {{ wagon = {unit_b} }} }}

[sea_links.ab]
between = ["a", "b"]
sailing_hours = {{ dist = "constant", value = 11.0 }}

[ship_services.ferry]
class = "rail_ferry"
vessels = {vessels}
capacity_tonnes = 100000
route = ["a", "b"]
max_wait_hours = 1
wait_for_cargo_at = ["a"]
slots = {{ wagon = 54 }}

[flows.wagons]
route = ["a", "b"]
class = "rail_ferry"
unit = "wagon"
tonnes_per_unit = 50
annual_tonnes = {annual}
consignment_tonnes = {{ dist = "constant", value = 50.0 }}
empty_return = {{ share = {share} }}
"#
    )
}

#[test]
fn berths_take_time_per_unit_moved_loaded_or_empty() {
    // More wagons than the ferry takes: every call moves 54 loaded wagons, and with
    // every wagon coming back, 54 empties too. At a, 0.1 h a wagon: (54 + 54) × 0.1 =
    // 10.8 h a call (the tonnes take 2,700 t / 10⁶ t/h ≈ 0.003 h); at b, 0.2 h a
    // wagon and no per-tonne rate: 21.6 h. Without empties, half of each.
    let hours = |v: &VariantResult, port: &str| mean(v, &format!("port.{port}.berth_hours.rail_ferry.mean"));
    let full = run(&unit_ferry(1, 5_000_000.0, 1.0, 0.1, 0.2), 2);
    assert!((hours(&full, "a") - 10.8027).abs() < 0.02, "{}", hours(&full, "a"));
    assert!((hours(&full, "b") - 21.6).abs() < 0.02, "{}", hours(&full, "b"));
    let no_empties = run(&unit_ferry(1, 5_000_000.0, 0.0, 0.1, 0.2), 2);
    assert!((hours(&no_empties, "a") - 5.4027).abs() < 0.02, "{}", hours(&no_empties, "a"));
    assert!((hours(&no_empties, "b") - 10.8).abs() < 0.02, "{}", hours(&no_empties, "b"));
}

#[test]
fn the_capacity_sheet_counts_unit_moves_as_the_simulation_does() {
    // 500,000 t of 50 t wagons: 10,000 loaded wagons a year, all back empty, so each
    // port moves 20,000 wagons: 2,000 berth-hours at a (0.1 h; plus 1,000,000 t at
    // 10⁶ t/h = 1 h), 4,000 at b (0.2 h). One berth each: ρ = 2,001 / 8,760 = 0.2284
    // and 4,000 / 8,760 = 0.4566. Two ferries keep up (a round trip of 54 wagons takes
    // 22 h at sea and 32.4 h at berth).
    let text = unit_ferry(2, 500_000.0, 1.0, 0.1, 0.2);
    let scenario = Scenario::from_str(&text, "u.toml").unwrap();
    let net = corridor::model::Network::compile(scenario.base()).unwrap();
    let sheet = net.capacity_sheet();
    let rho = |name: &str| sheet.rows.iter().find(|r| r.resource == name).map(|r| r.rho).unwrap();
    assert!((rho("port.a.berths.rail_ferry") - 2001.0 / 8760.0).abs() < 1e-3, "{}", rho("port.a.berths.rail_ferry"));
    assert!((rho("port.b.berths.rail_ferry") - 4000.0 / 8760.0).abs() < 1e-3, "{}", rho("port.b.berths.rail_ferry"));
    // The simulation's handling share of b's berth agrees within its interval.
    let v = run(&text, 10);
    assert!(mean(&v, "flow.wagons.delivered_share") > 0.97, "{}", mean(&v, "flow.wagons.delivered_share"));
    let s = v.summary("rho.port.b.berths.rail_ferry").unwrap();
    let want = 4000.0 / 8760.0;
    // Beyond the interval, the window's two edges may cut one call's moves at b (a
    // full load of 54 wagons on and 54 off at 0.2 h) from the year's work.
    let edge = 2.0 * 54.0 * 0.2 / 8760.0;
    assert!(s.ci95[0] - edge <= want && want <= s.ci95[1] + edge, "simulated {:?} vs {want}", s.ci95);
}

#[test]
fn unit_hours_are_refused_with_sampled_calls_and_for_unknown_units() {
    let text = unit_ferry(1, 500_000.0, 1.0, 0.1, 0.2);
    let bad = text.replace(
        "unit_hours = { wagon = 0.2 }",
        "service_hours = { dist = \"constant\", value = 5.0 }, unit_hours = { wagon = 0.2 }",
    );
    let e = Scenario::from_str(&bad, "u.toml").unwrap_err().to_string();
    assert!(e.contains("ports.b.berths.rail_ferry.unit_hours") && e.contains("sampled call"), "{e}");
    let bad = text.replace("unit_hours = { wagon = 0.2 }", "unit_hours = { truck = 0.2 }");
    let e = Scenario::from_str(&bad, "u.toml").unwrap_err().to_string();
    assert!(e.contains("no flow travels in \"truck\"") && e.contains("wagon"), "{e}");
    let bad = text.replace("unit_hours = { wagon = 0.2 }", "unit_hours = { wagon = -1 }");
    let e = Scenario::from_str(&bad, "u.toml").unwrap_err().to_string();
    assert!(e.contains("unit_hours.wagon"), "{e}");
}
