//! The corridor model against theory and against its own invariants.

use corridor::model::{Network, ReplicationKpis, run_replication};
use corridor::scenario::{BASE, Scenario};
use corridor::stats::{OnlineStats, queueing, student_t_interval};
use rayon::prelude::*;

fn scenario(path: &str) -> Scenario {
    Scenario::load(path).unwrap_or_else(|e| panic!("{e}"))
}

fn value(k: &ReplicationKpis, key: &str) -> f64 {
    k.entries().into_iter().find(|(n, _)| n == key).unwrap_or_else(|| panic!("no KPI {key}")).1
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
    eprintln!("M/M/3 port: simulated Wq {:.4} ± {:.4} h (99%), Erlang C {analytic:.4} h", ci.mean, ci.half_width);
    assert!(ci.contains(analytic), "Erlang C {analytic} outside [{}, {}]", ci.lo(), ci.hi());
    assert!(ci.half_width < 0.03 * analytic, "half-width {} not under 3% of {analytic}", ci.half_width);
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
                assert!((inflow - outflow).abs() < 1e-6 * inflow.max(1.0), "{path} {name}: {sys:?}");
                for (res, u) in &k.utilisation {
                    assert!((0.0..=1.0 + 1e-9).contains(u), "{path} {name}: utilisation of {res} = {u}");
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
    let timetable = if departure == "timetable" { "timetable_hours = 24" } else { "" };
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
    assert!(west.yard_stock_max_tonnes <= 5000.0 + 1e-9, "yard overflowed: {}", west.yard_stock_max_tonnes);
    assert!(k.conservation.holds());
    // With a roomy yard and the same demand nothing blocks.
    let roomy = run_replication(&small("1000000000", "when_full", "1000000", ""), 3, 0);
    assert_eq!(roomy.ports.iter().find(|p| p.id == "west").unwrap().yard_blocked_hours, 0.0);
}

#[test]
fn storms_close_ports_for_the_share_of_time_theory_gives() {
    // Poisson storm onsets (rate λ) each closing the ports for D hours, overlapping
    // storms extending the closure: the ports are closed while at least one storm is
    // on — an M/G/∞ busy period — so the long-run closed share is 1 − e^(−λE[D]).
    let storm = r#"
[weather.storms]
ports = ["east", "west"]
storms_per_year = 20
duration_hours = { dist = "lognormal", mean = 48.0, sd = 30.0 }
"#;
    let net = small("1000000", "when_full", "300000", storm);
    let hours = 200.0 * 24.0;
    let shares: Vec<f64> =
        (0..60u64).into_par_iter().map(|r| run_replication(&net, 5, r).ports[0].closed_hours / hours).collect();
    let mut s = OnlineStats::new();
    shares.iter().for_each(|&x| s.push(x));
    let ci = student_t_interval(&s, 0.99);
    let theory = 1.0 - (-(20.0 / 8_760.0) * 48.0f64).exp();
    eprintln!("closed share {:.4} ± {:.4} (99 %), theory {theory:.4}", ci.mean, ci.half_width);
    assert!(ci.contains(theory), "theory {theory} outside [{}, {}]", ci.lo(), ci.hi());
    assert!(ci.half_width < 0.15 * theory, "interval too wide to test anything: {}", ci.half_width);
    // Storms delay ships and cargo against the same seeds without them.
    let calm = run_replication(&small("1000000", "when_full", "300000", ""), 5, 0);
    let stormy = run_replication(&net, 5, 0);
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
    assert!(trains.load_factor > 0.1 && trains.load_factor < 0.6, "load factor {}", trains.load_factor);
}

#[test]
fn ships_at_anchor_match_erlang_c() {
    // A real check against theory: the time-average number of ships waiting for a
    // berth on the M/M/3 port against Lq = λ·Wq from Erlang C.
    let sc = scenario("scenarios/mmc_port.toml");
    let net = Network::compile(sc.base()).unwrap();
    let lambda = 1.0 / 6.0;
    let lq = lambda * queueing::mmc_wq(lambda, 1.0 / 12.0, 3).unwrap();
    let values: Vec<f64> = (0..60u64)
        .into_par_iter()
        .map(|r| value(&run_replication(&net, 11, r), "port.port.ships_at_anchor.mean"))
        .collect();
    let mut s = OnlineStats::new();
    values.iter().for_each(|&x| s.push(x));
    let ci = student_t_interval(&s, 0.99);
    eprintln!("M/M/3 ships at anchor {:.4} ± {:.4} (99 %), Erlang C {lq:.4}", ci.mean, ci.half_width);
    assert!(ci.contains(lq), "Lq {lq} outside [{}, {}]", ci.lo(), ci.hi());
    assert!(ci.half_width < 0.05 * lq);
}

#[test]
fn anchorage_accounting_is_consistent_at_every_port() {
    // Not a validation against theory but a consistency check of two independent
    // accounts of one sample path: the time-weighted count of ships at anchor against
    // calls × mean wait / hours (Little's law holds exactly on a sample path, up to
    // ships still at anchor at the ends of the window).
    for (path, variant) in [("scenarios/mmc_port.toml", BASE), ("scenarios/middle_corridor.toml", "baseline")] {
        let sc = scenario(path);
        let spec = sc.variant(variant).unwrap();
        let hours = spec.scenario.horizon_days * 24.0;
        let net = Network::compile(&spec).unwrap();
        let k = run_replication(&net, 17, 0);
        for p in &k.ports {
            let l = value(&k, &format!("port.{}.ships_at_anchor.mean", p.id));
            let lambda = p.ship_calls / hours;
            let lw = lambda * p.ship_wait_mean_hours;
            assert!((l - lw).abs() <= 0.01 * lw.max(0.05), "{path} {}: L = {l}, λW = {lw}", p.id);
        }
    }
}

const TWO_WAY: &str = r#"
[scenario]
name = "one line, trains both ways"
horizon_days = 300
warmup_days = 20

[nodes.a]
kind = "origin"
[nodes.b]
kind = "destination"

[rail_links.line]
between = ["a", "b"]
transit_hours = { dist = "constant", value = 10.0 }
trains_per_day = 4

[train_services.ab]
route = ["a", "b"]
trainsets = 40
wagons = 20
tonnes_per_wagon = 50
departure = "when_full"
max_wait_hours = 48

[train_services.ba]
route = ["b", "a"]
trainsets = 40
wagons = 20
tonnes_per_wagon = 50
departure = "when_full"
max_wait_hours = 48

[flows.east]
route = ["a", "b"]
class = "dry"
annual_tonnes = EAST
consignment_tonnes = { dist = "constant", value = 50.0 }

[flows.west]
route = ["b", "a"]
class = "dry"
annual_tonnes = WEST
consignment_tonnes = { dist = "constant", value = 50.0 }
"#;

#[test]
fn rail_paths_are_per_direction_and_empty_returns_take_one() {
    let runs = |east: &str, west: &str| -> Vec<ReplicationKpis> {
        let text = TWO_WAY.replace("EAST", east).replace("WEST", west);
        let net = Network::compile(Scenario::from_str(&text, "two_way.toml").unwrap().base()).unwrap();
        (0..20u64).into_par_iter().map(|r| run_replication(&net, 3, r)).collect()
    };
    let mean = |ks: &[ReplicationKpis], f: fn(&ReplicationKpis) -> f64| ks.iter().map(f).sum::<f64>() / ks.len() as f64;
    // 1.5 full trains a day east and 0.5 west: each direction carries its loaded trains
    // and the other's empty returns, 2 a day, of 4 paths: utilisation 0.5. (Poisson
    // demand: over 20 replications of 300 days the daily count has sd ≈ 0.02.)
    let ks = runs("547500", "182500");
    let (forward, reverse, utilisation) = (
        mean(&ks, |k| k.rails[0].trains_per_day_forward),
        mean(&ks, |k| k.rails[0].trains_per_day_reverse),
        mean(&ks, |k| k.rails[0].utilisation),
    );
    eprintln!("feasible: {forward:.3} and {reverse:.3} trains a day, utilisation {utilisation:.3}");
    assert!((forward - 2.0).abs() < 0.08 && (reverse - 2.0).abs() < 0.08);
    assert!((utilisation - 0.5).abs() < 0.02);
    // 3 full trains a day each way need 6 paths a day in each direction, against 4:
    // the line is full (utilisation 1, never more) and each flow gets 2 trains a day.
    let ks = runs("1095000", "1095000");
    for k in &ks {
        let rail = &k.rails[0];
        assert!(rail.utilisation <= 1.0 && rail.utilisation > 0.97, "{rail:?}");
    }
    for f in 0..2 {
        let per_day = ks.iter().map(|k| k.flows[f].delivered_tonnes / 300.0).sum::<f64>() / ks.len() as f64;
        eprintln!("overloaded: flow {f} delivers {per_day:.0} t a day");
        assert!((per_day / 2_000.0 - 1.0).abs() < 0.03, "{per_day} t a day");
    }
}

#[test]
fn system_totals_measure_the_same_window_as_every_flow() {
    // A tiny window after a 30-day warm-up: nothing generated before it may appear in
    // the system totals, which must equal the sums over the flows.
    let text = SMALL
        .replace("YARD", "1000000")
        .replace("DEPARTURE", "when_full")
        .replace("TIMETABLE", "")
        .replace("DEMAND", "1000000")
        .replace("WEATHER", "")
        .replace("horizon_days = 200\nwarmup_days = 10", "horizon_days = 0.5\nwarmup_days = 30");
    let net = Network::compile(Scenario::from_str(&text, "tiny.toml").unwrap().base()).unwrap();
    for r in 0..5 {
        let k = run_replication(&net, 9, r);
        let generated: f64 = k.flows.iter().map(|f| f.generated_tonnes).sum();
        let delivered: f64 = k.flows.iter().map(|f| f.delivered_tonnes).sum();
        assert!((k.system.generated_tonnes - generated).abs() < 1e-6, "{:?}", k.system);
        assert!((k.system.delivered_tonnes - delivered).abs() < 1e-6, "{:?}", k.system);
        assert!(k.system.generated_tonnes < 10_000.0, "half a day of 1 Mt/yr: {:?}", k.system);
        assert!(k.system.in_system_start_tonnes > 10_000.0, "30 days of warm-up build stock: {:?}", k.system);
    }
}

/// KPIs as bits, so that NaN (a KPI with no observation) compares equal to itself.
fn bits(k: &ReplicationKpis) -> Vec<(String, u64)> {
    k.entries().into_iter().map(|(key, v)| (key, v.to_bits())).collect()
}

#[test]
fn a_traced_replication_reports_exactly_the_kpis_of_the_same_replication_untraced() {
    let day = corridor::engine::SimTime::from_whole_hours(24);
    for file in
        ["scenarios/middle_corridor.toml", "scenarios/middle_corridor_2030.toml", "tests/common/every_feature.toml"]
    {
        let s = scenario(file);
        let name = s.variant_names().first().cloned().unwrap_or_else(|| BASE.to_string());
        let network = Network::compile(&s.variant(&name).unwrap()).unwrap();
        for replication in [0, 3] {
            let plain = run_replication(&network, 11, replication);
            let (traced, trace) = corridor::model::run_traced(&network, 11, replication, day);
            let (plain, traced) = (bits(&plain), bits(&traced));
            let differs = plain.iter().zip(&traced).find(|(a, b)| a != b);
            assert!(differs.is_none() && plain.len() == traced.len(), "{file}, replication {replication}: {differs:?}");
            // A sample a day from day 0 to the end, from empty yards, not all alike.
            let days = (network.end.as_days().floor() as usize) + 1;
            assert_eq!(trace.days.len(), days, "{file}: one sample a day");
            assert!(trace.is_consistent(), "{file}");
            assert!(trace.yard_tonnes.iter().all(|(_, s)| s[0] == 0.0), "{file}: yards start empty");
            assert!(
                trace.yard_tonnes.iter().any(|(_, s)| s.iter().any(|x| *x != s[days - 1])),
                "{file}: the stock moves over the run"
            );
        }
    }
}

#[test]
fn an_experiment_traces_replication_zero_as_it_runs_it() {
    let s = scenario("scenarios/middle_corridor.toml");
    let run = |traced: bool| {
        let e = s.experiment().variants(["baseline", "transit_surge"]).replications(2).threads(2);
        let e = if traced { e.traced(corridor::engine::SimTime::from_whole_hours(24)) } else { e };
        e.run().unwrap()
    };
    let (plain, traced) = (run(false), run(true));
    for (a, b) in plain.variants.iter().zip(&traced.variants) {
        let json = |v: &corridor::experiment::VariantResult| serde_json::to_string(&v.records).unwrap();
        assert_eq!(json(a), json(b), "{}: the records do not depend on tracing", a.name);
        assert!(a.trace.is_none(), "untraced unless asked");
        let trace = b.trace.as_ref().expect("replication 0 traced");
        assert!(trace.days.len() > 300 && trace.is_consistent());
    }
}
