//! Storms against hand-computed references. Storm onsets are Poisson (rate λ) with
//! durations D, overlapping storms extending the closure, so the share of time closed
//! is that of an M/G/∞ queue being non-empty: `1 − exp(−λ·E[D])`.
//!
//! - A single-berth port kept busy, whose handling pauses in storms, moves cargo at
//!   (share of time open) × handling rate; with handling going on in storms, more.
//! - A storm over a sea area holds a ship that is always ready to sail for the share
//!   of time its sailing is suspended.
//! - A sheltered port closing with probability q per storm is closed `1 − exp(−λ·q·E[D])`
//!   of the time.

use corridor::experiment::{Experiment, VariantResult};
use corridor::scenario::Scenario;

const HOURS: f64 = 3650.0 * 24.0;

fn run(text: &str, replications: u64) -> VariantResult {
    let scenario = Scenario::from_str(text, "weather.toml").unwrap_or_else(|e| panic!("{e}"));
    let result =
        Experiment::for_scenario(&scenario).replications(replications).seed(11).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

/// λ·E[D] for 20 storms a year of mean 48 h.
const EXPOSURE: f64 = 20.0 * 48.0 / 8760.0;

/// One berth at 100 t/h, no berthing time, ships of 1,000 t arriving faster than it
/// can serve them (1,200 a year against at most 876), so it never waits for work.
fn busy_port(handling: &str) -> String {
    format!(
        r#"
[scenario]
name = "busy berth under storms"
horizon_days = 3650
warmup_days = 30
max_consignments_in_system = 1000

[ports.port]
yard_capacity_tonnes = 0
handling_in_storms = "{handling}"
berths.dry = {{ count = 1, handling_tonnes_per_hour = 100.0, berthing_hours = 0.0 }}

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 1200
cargo_tonnes = {{ dist = "constant", value = 1000.0 }}

[weather.storms]
ports = ["port"]
storms_per_year = 20
duration_hours = {{ dist = "exponential", mean = 48.0 }}
"#
    )
}

#[test]
fn a_busy_berth_whose_handling_pauses_serves_at_availability_times_rate() {
    let paused = run(&busy_port("pause"), 20);
    let throughput = paused.summary("port.port.throughput_tonnes").unwrap();
    let open = (-EXPOSURE).exp();
    let expected = open * 100.0 * HOURS;
    let half = throughput.ci95[1] - throughput.mean;
    assert!(half < 0.01 * expected, "interval too wide to test: ±{half:.0} t");
    // 99 % interval: t(0.995, 19)/t(0.975, 19) = 2.861/2.093 of the 95 % half-width.
    let half99 = half * 2.861 / 2.093;
    assert!(
        (throughput.mean - expected).abs() <= half99,
        "throughput {:.0} t, expected {expected:.0} t (open {:.4}) ± {half99:.0}",
        throughput.mean,
        open
    );
    // The closed share itself.
    let closed = paused.summary("port.port.closed_hours").unwrap();
    assert!((closed.mean / HOURS - (1.0 - open)).abs() < 0.01, "closed share {:.4}", closed.mean / HOURS);
    // Handling that goes on in storms moves more: the ship at berth finishes its call.
    // Same storms in both (common random numbers), so compare replication by replication.
    let going_on = run(&busy_port("continue"), 20).values("port.port.throughput_tonnes").unwrap();
    let diffs: Vec<f64> =
        going_on.iter().zip(paused.values("port.port.throughput_tonnes").unwrap()).map(|(c, p)| c - p).collect();
    let n = diffs.len() as f64;
    let mean = diffs.iter().sum::<f64>() / n;
    let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(mean - 2.093 * sd / n.sqrt() > 0.0, "continue − pause: {mean:.0} t (sd {sd:.0})");
}

#[test]
fn a_storm_over_the_sea_holds_ships_in_port_for_the_suspended_share() {
    // One vessel shuttling A ⇄ B with almost no sailing or berthing time: it is nearly
    // always ready to sail, so it waits exactly while sailings are suspended.
    let text = r#"
[scenario]
name = "suspended sailings"
horizon_days = 3650
warmup_days = 30

[ports.a]
yard_capacity_tonnes = 1000
berths.ro_ro = { count = 1, handling_tonnes_per_hour = 1000.0, berthing_hours = 0.01 }

[ports.b]
yard_capacity_tonnes = 1000
berths.ro_ro = { count = 1, handling_tonnes_per_hour = 1000.0, berthing_hours = 0.01 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 0.01 }

[ship_services.shuttle]
class = "ro_ro"
vessels = 1
capacity_tonnes = 100
route = ["a", "b"]
fill_threshold = 0.0
max_wait_hours = 0.0

[weather.sea]
sea_links = ["ab"]
storms_per_year = 20
duration_hours = { dist = "exponential", mean = 48.0 }
"#;
    let v = run(text, 10);
    let suspended = 1.0 - (-EXPOSURE).exp();
    let held = v.summary("service.shuttle.time.weather_bound").unwrap();
    let hours = v.summary("sea.ab.suspended_hours").unwrap();
    let storm = v.summary("weather.sea.storm_hours").unwrap();
    assert!((hours.mean / HOURS - suspended).abs() < 0.01, "suspended {:.4} vs {suspended:.4}", hours.mean / HOURS);
    assert!((storm.mean - hours.mean).abs() < 1e-6, "one link, one area: the same hours");
    // The ship is held whenever sailing is suspended, and only then (it spends a few
    // hundredths of an hour per cycle doing anything else).
    assert!(
        (held.mean - hours.mean / HOURS).abs() < 0.005,
        "held {:.4} vs suspended {:.4}",
        held.mean,
        hours.mean / HOURS
    );
    // The ports stay open: nothing closes them.
    assert_eq!(v.summary("port.a.closed_hours").unwrap().max, 0.0);
}

#[test]
fn a_sheltered_port_closes_less_often() {
    let text = format!(
        "{}\n[ports.shelter]\nyard_capacity_tonnes = 0\nberths.dry = {{ count = 1, service_hours = {{ dist = \"constant\", value = 1.0 }} }}\n",
        busy_port("pause")
    )
    .replace("ports = [\"port\"]", "ports = [\"port\"]\nclose_probability = { shelter = 0.4 }");
    let v = run(&text, 10);
    let exposed = v.summary("port.port.closed_hours").unwrap().mean / HOURS;
    let sheltered = v.summary("port.shelter.closed_hours").unwrap().mean / HOURS;
    let expected = 1.0 - (-0.4 * EXPOSURE).exp();
    assert!((sheltered - expected).abs() < 0.01, "sheltered closed {sheltered:.4}, expected {expected:.4}");
    assert!(sheltered < exposed, "{sheltered} vs {exposed}");
}

#[test]
fn weather_mistakes_point_at_the_field() {
    let bad =
        busy_port("pause").replace("ports = [\"port\"]", "ports = [\"port\"]\nclose_probability = { port = 0.5 }");
    let e = Scenario::from_str(&bad, "w.toml").unwrap_err().to_string();
    assert!(e.contains("weather.storms.close_probability.port") && e.contains("not both"), "{e}");
    let bad = busy_port("pause").replace("ports = [\"port\"]", "ports = [\"port\"]\nsea_links = [\"nowhere\"]");
    let e = Scenario::from_str(&bad, "w.toml").unwrap_err().to_string();
    assert!(e.contains("weather.storms.sea_links[0]") && e.contains("unknown sea link"), "{e}");
    let bad = busy_port("sometimes");
    let e = Scenario::from_str(&bad, "w.toml").unwrap_err().to_string();
    assert!(e.contains("handling_in_storms") && e.contains("pause") && e.contains("continue"), "{e}");
}
