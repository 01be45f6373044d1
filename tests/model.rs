//! The corridor model against theory and against its own invariants.

use corridor::model::{Network, ReplicationKpis, run_replication};
use corridor::scenario::{BASE, Scenario};
use corridor::stats::{OnlineStats, queueing, student_t_interval};
use rayon::prelude::*;

fn scenario(path: &str) -> Scenario {
    Scenario::load(path).unwrap_or_else(|e| panic!("{e}"))
}

fn value(k: &ReplicationKpis, key: &str) -> f64 {
    k.entries()
        .into_iter()
        .find(|(n, _)| n == key)
        .unwrap_or_else(|| panic!("no KPI {key}"))
        .1
}

#[test]
fn mmc_port_waits_match_erlang_c() {
    let sc = scenario("scenarios/mmc_port.toml");
    let net = Network::compile(sc.base()).unwrap();
    let analytic = queueing::mmc_wq(1.0 / 6.0, 1.0 / 12.0, 3).unwrap();
    assert!((analytic - 16.0 / 3.0).abs() < 1e-9);
    let waits: Vec<f64> = (0..60u64)
        .into_par_iter()
        .map(|r| value(&run_replication(&net, 7, r), "port.port.ship_wait_hours.mean"))
        .collect();
    let mut s = OnlineStats::new();
    waits.iter().for_each(|&w| s.push(w));
    let ci = student_t_interval(&s, 0.99);
    eprintln!(
        "M/M/3 port: simulated Wq {:.4} ± {:.4} h (99%), Erlang C {analytic:.4} h",
        ci.mean, ci.half_width
    );
    assert!(
        ci.contains(analytic),
        "Erlang C {analytic} outside [{}, {}]",
        ci.lo(),
        ci.hi()
    );
    assert!(
        ci.half_width < 0.03 * analytic,
        "half-width {} not under 3% of {analytic}",
        ci.half_width
    );
}

#[test]
fn cargo_is_conserved_in_every_bundled_scenario_variant_and_seed() {
    for path in ["scenarios/middle_corridor.toml", "scenarios/mmc_port.toml"] {
        let sc = scenario(path);
        let mut names = vec![BASE.to_string()];
        names.extend(sc.variant_names().iter().cloned());
        for name in names {
            let net = Network::compile(&sc.variant(&name).unwrap()).unwrap();
            for seed in [1u64, 2, 3] {
                let k = run_replication(&net, seed, seed * 11);
                let c = k.conservation;
                assert!(c.holds(), "{path} {name} seed {seed}: {c:?}");
                assert!(c.generated_kg > 0, "{path} {name}: nothing generated");
                let sys = &k.system;
                let inflow = sys.in_system_start_tonnes + sys.generated_tonnes;
                let outflow = sys.delivered_tonnes + sys.in_system_tonnes;
                assert!(
                    (inflow - outflow).abs() < 1e-6 * inflow.max(1.0),
                    "{path} {name}: {sys:?}"
                );
                for (res, u) in &k.utilisation {
                    assert!(
                        (0.0..=1.0 + 1e-9).contains(u),
                        "{path} {name}: utilisation of {res} = {u}"
                    );
                }
            }
        }
    }
}

const SMALL: &str = r#"
[scenario]
name = "two ports"
horizon_days = 200
warmup_days = 10

[ports.east]
yard_capacity_tonnes = 1000000
berths.dry = { count = 1, handling_tonnes_per_hour = 500.0 }

[ports.west]
yard_capacity_tonnes = YARD
berths.dry = { count = 1, handling_tonnes_per_hour = 500.0 }

[nodes.inland]
kind = "destination"

[sea_links.crossing]
between = ["east", "west"]
sailing_hours = { dist = "constant", value = 12.0 }

[rail_links.line]
between = ["west", "inland"]
transit_hours = { dist = "constant", value = 10.0 }
trains_per_day = 2

[ship_services.shuttle]
class = "dry"
vessels = 2
capacity_tonnes = 3000
route = ["east", "west"]
fill_threshold = 0.9
max_wait_hours = 24

[train_services.trains]
route = ["west", "inland"]
trainsets = 2
wagons = 20
tonnes_per_wagon = 50
departure = "DEPARTURE"
TIMETABLE
loading_hours = 2
unloading_hours = 2

[flows.cargo]
route = ["east", "west", "inland"]
class = "dry"
annual_tonnes = DEMAND
consignment_tonnes = { dist = "exponential", mean = 100.0 }

WEATHER
"#;

fn small(yard: &str, departure: &str, demand: &str, weather: &str) -> Network {
    let timetable = if departure == "timetable" {
        "timetable_hours = 24"
    } else {
        ""
    };
    let text = SMALL
        .replace("YARD", yard)
        .replace("DEPARTURE", departure)
        .replace("TIMETABLE", timetable)
        .replace("DEMAND", demand)
        .replace("WEATHER", weather);
    let sc = Scenario::from_str(&text, "small.toml").unwrap_or_else(|e| panic!("{e}"));
    Network::compile(sc.base()).unwrap()
}

#[test]
fn a_full_yard_blocks_unloading_and_never_overflows() {
    // Rail takes at most 2 trains × 1,000 t a day out of `west`; ships bring 1 Mt a year (2,740 t a day).
    let net = small("5000", "when_full", "1000000", "");
    let k = run_replication(&net, 3, 0);
    let west = k.ports.iter().find(|p| p.id == "west").unwrap();
    assert!(west.yard_blocked_hours > 100.0, "blocked {} h", west.yard_blocked_hours);
    assert!(
        west.yard_stock_max_tonnes <= 5000.0 + 1e-9,
        "yard overflowed: {}",
        west.yard_stock_max_tonnes
    );
    assert!(k.conservation.holds());
    // With a roomy yard and the same demand nothing blocks.
    let roomy = run_replication(&small("1000000000", "when_full", "100000", ""), 3, 0);
    assert_eq!(
        roomy.ports.iter().find(|p| p.id == "west").unwrap().yard_blocked_hours,
        0.0
    );
}

#[test]
fn storms_close_ports_and_delay_ships() {
    let storm = r#"
[weather.storms]
ports = ["east", "west"]
storms_per_year = 20
duration_hours = { dist = "constant", value = 48.0 }
"#;
    let calm = run_replication(&small("1000000", "when_full", "300000", ""), 5, 0);
    let stormy = run_replication(&small("1000000", "when_full", "300000", storm), 5, 0);
    let closed = stormy.ports[0].closed_hours;
    // 20 storms a year of 48 h over 200 days ≈ 526 h (fewer if storms overlap).
    assert!(closed > 200.0 && closed < 900.0, "closed {closed} h");
    assert_eq!(calm.ports[0].closed_hours, 0.0);
    assert!(stormy.ports[0].ship_wait_mean_hours > calm.ports[0].ship_wait_mean_hours);
    let transit = |k: &ReplicationKpis| k.flows[0].transit_mean_hours;
    assert!(transit(&stormy) > transit(&calm));
}

#[test]
fn timetabled_trains_leave_with_part_loads() {
    // 100,000 t a year ≈ 274 t a day, a 1,000 t train every 24 h: part loads.
    let k = run_replication(&small("1000000", "timetable", "100000", ""), 9, 0);
    let trains = k.services.iter().find(|s| s.id == "trains").unwrap();
    assert!(trains.trips > 150.0 && trains.trips <= 201.0, "trips {}", trains.trips);
    assert!(
        trains.load_factor > 0.1 && trains.load_factor < 0.6,
        "load factor {}",
        trains.load_factor
    );
}

#[test]
fn middle_corridor_baseline_is_plausible_against_2024() {
    let sc = scenario("scenarios/middle_corridor.toml");
    let net = Network::compile(&sc.variant("baseline").unwrap()).unwrap();
    let runs: Vec<ReplicationKpis> = (0..10u64)
        .into_par_iter()
        .map(|r| run_replication(&net, 2024, r))
        .collect();
    let mut throughput = OnlineStats::new();
    let mut turnaround = OnlineStats::new();
    for k in &runs {
        throughput.push(value(k, "port.baku.throughput_tonnes"));
        turnaround.push(value(k, "port.baku.turnaround_hours.mean"));
    }
    let observed = 7.6e6; // Port of Baku, 2024 (sea-news.az, 2025-01-15)
    eprintln!(
        "Baku: {:.2} Mt/yr simulated vs 7.6 observed; turnaround {:.1} h vs 20.1 h handling",
        throughput.mean() / 1e6,
        turnaround.mean()
    );
    assert!(
        (throughput.mean() / observed - 1.0).abs() <= 0.15,
        "Baku throughput {}",
        throughput.mean()
    );
    assert!(
        turnaround.mean() > 10.0 && turnaround.mean() < 30.0,
        "turnaround {}",
        turnaround.mean()
    );
}

#[test]
fn littles_law_holds_at_the_anchorage() {
    // L = λW for ships waiting for a berth: time-weighted ships at anchor against the
    // observed call rate times the mean wait, on the M/M/3 port and at every port of
    // the Middle Corridor (with storms, blocking and ships waiting for cargo).
    for (path, variant) in [
        ("scenarios/mmc_port.toml", BASE),
        ("scenarios/middle_corridor.toml", "baseline"),
    ] {
        let sc = scenario(path);
        let spec = sc.variant(variant).unwrap();
        let hours = spec.scenario.horizon_days * 24.0;
        let net = Network::compile(&spec).unwrap();
        let k = run_replication(&net, 17, 0);
        for p in &k.ports {
            let l = value(&k, &format!("port.{}.ships_at_anchor.mean", p.id));
            let lambda = p.ship_calls / hours;
            let lw = lambda * p.ship_wait_mean_hours;
            eprintln!("{path} {}: L = {l:.4}, λW = {lw:.4}", p.id);
            assert!(
                (l - lw).abs() <= 0.01 * lw.max(0.05),
                "{path} {}: L = {l}, λW = {lw}",
                p.id
            );
        }
    }
}
