//! Demand far beyond capacity: the Middle Corridor with demand ×5 finishes in bounded
//! time and memory, every replication is marked saturated, and the result names the
//! resource where cargo piles up — it is not averaged with stable replications.

use corridor::experiment::Experiment;
use corridor::scenario::Scenario;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[test]
fn five_times_the_demand_saturates_cleanly() {
    let text = std::fs::read_to_string("scenarios/middle_corridor.toml").unwrap()
        + "\n[variants.demand_x5]\ndescription = \"every flow and tanker stream ×5\"\ndemand_factor = 5.0\n";
    let scenario = Scenario::from_str(&text, "middle_corridor_x5.toml").unwrap();
    let started = std::time::Instant::now();
    let experiment = Experiment {
        variants: vec!["baseline".into(), "demand_x5".into()],
        replications: 4,
        seed: 11,
        threads: None,
        precision: None,
        shard: None,
        interrupt: None,
        trace_every: None,
    };
    let result = experiment.run(&scenario, None).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let overloaded = result.variant("demand_x5").unwrap();
    let saturated = overloaded.saturated();
    assert_eq!(saturated.len(), 4, "every overloaded replication saturates");
    for (_, s) in &saturated {
        assert!(s.resource.starts_with("port.") || s.resource.starts_with("service."), "names a resource: {s:?}");
        assert!(s.reason.contains("consignments in the system"), "{s:?}");
        assert!(s.at_hours > 0.0 && s.at_hours < 425.0 * 24.0, "{s:?}");
    }
    // Saturated replications are not averaged in.
    assert!(overloaded.summary("port.baku.throughput_tonnes").is_none());
    assert!(result.variant("baseline").unwrap().saturated().is_empty());
    // Bounded: generous limits that an unbounded queue would blow through.
    assert!(elapsed < 120.0, "took {elapsed} s");
    if let Some(mb) = peak_rss_mb() {
        eprintln!("demand ×5: {elapsed:.1} s, peak {mb:.0} MB, saturated at {:?}", saturated[0].1);
        assert!(mb < 1_000.0, "peak memory {mb} MB");
    }
}

#[test]
fn the_event_budget_ends_a_replication_as_saturated() {
    let text = std::fs::read_to_string("scenarios/middle_corridor.toml")
        .unwrap()
        .replace("replications = 20", "replications = 20\nmax_events_per_replication = 20000");
    let scenario = Scenario::from_str(&text, "budget.toml").unwrap();
    let net = corridor::model::Network::compile(scenario.base()).unwrap();
    let k = corridor::model::run_replication(&net, 1, 0);
    let s = k.saturation.expect("saturated by the event budget");
    assert!(s.reason.contains("event budget of 20000"), "{s:?}");
    assert!(k.conservation.holds());
}
