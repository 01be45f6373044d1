//! Memory does not grow with replications beyond one small record each: a
//! 10,000-replication experiment stays under 200 MB peak (VmHWM of this process).

use corridor::experiment::Experiment;
use corridor::scenario::Scenario;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[test]
fn ten_thousand_replications_stay_under_200_mb() {
    let text = std::fs::read_to_string("scenarios/mmc_port.toml")
        .unwrap()
        .replace("horizon_days = 3650", "horizon_days = 20")
        .replace("warmup_days = 100", "warmup_days = 2");
    let scenario = Scenario::from_str(&text, "short_mmc.toml").unwrap();
    let experiment = Experiment {
        variants: vec!["base".into()],
        replications: 10_000,
        seed: 5,
        threads: None,
        precision: None,
        shard: None,
        interrupt: None,
        trace_every: None,
    };
    let result = experiment.run(&scenario, None).unwrap();
    assert_eq!(result.replications, 10_000);
    let s = result.variants[0].summary("port.port.throughput_tonnes").unwrap();
    assert_eq!(s.n, 10_000);
    if let Some(mb) = peak_rss_mb() {
        eprintln!("peak resident memory after 10,000 replications: {mb:.1} MB");
        assert!(mb < 200.0, "peak {mb} MB");
    }
}
