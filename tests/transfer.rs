//! Transfer points (border crossings, customs, gauge changes) against queueing theory:
//! Poisson consignments at a point with c servers and exponential handling form an
//! M/M/c queue (Erlang C); with one server and uniform handling, an M/G/1 queue
//! (Pollaczek–Khinchine). The analytic wait must lie inside the 99 % CI over
//! replications, and the utilisation must match ρ. A point in the middle of a route
//! keeps every kilogram accounted for.

use corridor::model::{Network, ReplicationKpis, run_audited, run_replication};
use corridor::scenario::Scenario;
use corridor::stats::{OnlineStats, queueing, student_t_interval};
use rayon::prelude::*;

/// Consignments of 10 t generated at `border` at `TONNES` a year, handled there, then
/// railed inland.
const POINT: &str = r#"
[scenario]
name = "a border crossing"
horizon_days = 365
warmup_days = 20

[nodes.border]
kind = "transfer"
servers = SERVERS
dwell_hours = DWELL

[nodes.inland]
kind = "destination"

[rail_links.line]
between = ["border", "inland"]
transit_hours = { dist = "constant", value = 5.0 }
trains_per_day = 200

[train_services.trains]
route = ["border", "inland"]
trainsets = 200
wagons = 10
tonnes_per_wagon = 10
departure = "when_full"
max_wait_hours = 1

[flows.goods]
route = ["border", "inland"]
class = "dry"
annual_tonnes = TONNES
consignment_tonnes = { dist = "constant", value = 10.0 }
"#;

fn point(servers: u32, dwell: &str, per_hour: f64) -> Network {
    let text = POINT
        .replace("SERVERS", &servers.to_string())
        .replace("DWELL", dwell)
        .replace("TONNES", &format!("{}", per_hour * 10.0 * 8_760.0));
    Network::compile(Scenario::from_str(&text, "border.toml").unwrap().base()).unwrap()
}

fn value(k: &ReplicationKpis, key: &str) -> f64 {
    k.entries().into_iter().find(|(n, _)| n == key).unwrap_or_else(|| panic!("no KPI {key}")).1
}

fn check(network: &Network, wq: f64, rho: f64, label: &str) {
    let runs: Vec<ReplicationKpis> = (0..40u64).into_par_iter().map(|r| run_replication(network, 3, r)).collect();
    let mut wait = OnlineStats::new();
    let mut util = OnlineStats::new();
    for k in &runs {
        wait.push(value(k, "transfer.border.wait_hours.mean"));
        util.push(value(k, "transfer.border.utilisation"));
    }
    let (ci, cu) = (student_t_interval(&wait, 0.99), student_t_interval(&util, 0.99));
    eprintln!(
        "{label}: Wq {:.4} ± {:.4} h (99 %) against {wq:.4}; utilisation {:.4} ± {:.4} against ρ = {rho:.4}",
        ci.mean, ci.half_width, cu.mean, cu.half_width
    );
    assert!(ci.contains(wq), "{label}: Wq {wq} outside [{}, {}]", ci.lo(), ci.hi());
    assert!(ci.half_width < 0.03 * wq, "{label}: half-width {} not under 3 % of {wq}", ci.half_width);
    assert!(cu.contains(rho), "{label}: ρ {rho} outside [{}, {}]", cu.lo(), cu.hi());
}

#[test]
fn a_transfer_point_is_an_mmc_queue() {
    // λ = 2 consignments an hour, 3 servers of mean 1 h: ρ = 2/3, Wq = 4/9 h.
    let wq = queueing::mmc_wq(2.0, 1.0, 3).unwrap();
    assert!((wq - 4.0 / 9.0).abs() < 1e-12);
    check(&point(3, "{ dist = \"exponential\", mean = 1.0 }", 2.0), wq, 2.0 / 3.0, "M/M/3");
}

#[test]
fn a_single_server_point_is_an_mg1_queue() {
    // λ = 0.5 an hour, handling uniform on [0.5, 1.5] h: E[S] = 1, E[S²] = 13/12.
    let wq = queueing::mg1_wq(0.5, 1.0, 13.0 / 12.0).unwrap();
    check(&point(1, "{ dist = \"uniform\", min = 0.5, max = 1.5 }", 0.5), wq, 0.5, "M/G/1");
}

#[test]
fn a_gauge_change_in_the_middle_of_a_route_delays_cargo_and_loses_none() {
    let text = r#"
[scenario]
name = "gauge change"
horizon_days = 120
warmup_days = 10

[nodes.a]
kind = "origin"
[nodes.gauge]
kind = "transfer"
servers = 2
dwell_hours = { dist = "triangular", min = 0.05, mode = 0.1, max = 0.2 }
[nodes.b]
kind = "destination"

[rail_links.east]
between = ["a", "gauge"]
transit_hours = { dist = "constant", value = 10.0 }
trains_per_day = 10
[rail_links.west]
between = ["gauge", "b"]
transit_hours = { dist = "constant", value = 10.0 }
trains_per_day = 10

[train_services.broad]
route = ["a", "gauge"]
trainsets = 6
wagons = 20
tonnes_per_wagon = 50
departure = "when_full"
max_wait_hours = 24
[train_services.standard]
route = ["gauge", "b"]
trainsets = 6
wagons = 20
tonnes_per_wagon = 50
departure = "when_full"
max_wait_hours = 24

[flows.boxes]
route = ["a", "gauge", "b"]
class = "container"
annual_tonnes = 300000
consignment_tonnes = { dist = "empirical", values = [14.0, 28.0] }
"#;
    let net = Network::compile(Scenario::from_str(text, "gauge.toml").unwrap().base()).unwrap();
    for r in 0..5 {
        let k = run_audited(&net, 1, r).unwrap_or_else(|e| panic!("replication {r}: {e}"));
        let dwell = value(&k, "transfer.gauge.dwell_hours.mean");
        assert!((dwell - 0.35 / 3.0).abs() < 0.005, "mean dwell {dwell} against 0.117 h (7 minutes a container)");
        assert!(value(&k, "transfer.gauge.handled") > 1_000.0);
        assert!(k.flows[0].delivered_tonnes > 0.8 * 300_000.0 * 120.0 / 365.0);
    }
    // The point is reported among the resources, with its utilisation.
    let k = run_replication(&net, 1, 0);
    assert!(k.utilisation.iter().any(|(n, _)| n == "transfer.gauge"));
}

#[test]
fn transfer_fields_are_validated() {
    let base = "[scenario]\nname = \"x\"\nhorizon_days = 1\n[nodes.n]\n";
    for (body, expected) in [
        ("kind = \"transfer\"\ndwell_hours = { dist = \"constant\", value = 1.0 }\n", "nodes.n.servers"),
        ("kind = \"transfer\"\nservers = 2\n", "a transfer point needs a handling time"),
        ("kind = \"transfer\"\nservers = 0\ndwell_hours = { dist = \"constant\", value = 1.0 }\n", "from 1 to 1000"),
        ("kind = \"origin\"\nservers = 2\n", "belong to transfer points"),
        ("kind = \"border\"\n", "one of \"rail_terminal\", \"origin\", \"destination\", \"transfer\""),
    ] {
        let e = Scenario::from_str(&format!("{base}{body}"), "t.toml").unwrap_err().to_string();
        assert!(e.contains(expected), "{body}: {e}");
    }
}
