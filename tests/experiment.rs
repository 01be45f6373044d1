//! Monte Carlo: bit-identical results for any thread count, and common random numbers
//! that make paired comparisons sharper than unpaired ones.

use corridor::experiment::{Experiment, PrecisionTarget};
use corridor::scenario::Scenario;

fn scenario() -> Scenario {
    Scenario::load("scenarios/middle_corridor.toml").unwrap()
}

fn experiment(threads: usize, replications: u64) -> Experiment {
    Experiment {
        variants: vec!["baseline".into(), "baku_phase2".into()],
        replications,
        seed: 99,
        threads: Some(threads),
        ..Experiment::default()
    }
}

#[test]
fn results_are_identical_for_1_2_and_8_threads() {
    let sc = scenario();
    let serialized: Vec<String> = [1, 2, 8]
        .iter()
        .map(|&t| serde_json::to_string(&experiment(t, 6).run(&sc, None).unwrap().variants).unwrap())
        .collect();
    assert_eq!(serialized[0], serialized[1]);
    assert_eq!(serialized[0], serialized[2]);
    let again = serde_json::to_string(&experiment(2, 6).run(&sc, None).unwrap().variants).unwrap();
    assert_eq!(serialized[0], again);
}

#[test]
fn paired_comparison_is_narrower_than_unpaired() {
    let sc = scenario();
    let result = experiment(2, 20).run(&sc, None).unwrap();
    let diffs = result.compare("baseline", "baku_phase2").unwrap();
    let (_, d) = diffs.iter().find(|(k, _)| k == "port.baku.turnaround_hours.mean").unwrap();
    let paired = (d.ci95[1] - d.ci95[0]) / 2.0;
    eprintln!(
        "phase 2 changes Baku turnaround by {:.2} h, paired ±{paired:.3}, unpaired ±{:.3}",
        d.mean, d.unpaired_half_width
    );
    assert!(paired < d.unpaired_half_width, "paired {paired} vs unpaired {}", d.unpaired_half_width);
    assert!(d.ci95[1] < 0.0, "phase 2 should shorten turnaround: {d:?}");
}

#[test]
fn precision_target_adds_replications_until_met() {
    let sc = scenario();
    let mut exp = experiment(2, 10);
    exp.variants = vec!["baseline".into()];
    exp.precision = Some(PrecisionTarget::parse("port.baku.throughput_tonnes=0.005", 200).unwrap());
    let result = exp.run(&sc, None).unwrap();
    let report = result.precision.as_ref().unwrap();
    let p = &report.variants[0];
    assert!(result.replications > 10, "stopped at {}", result.replications);
    assert!(p.met && p.relative_half_width <= 0.005, "{p:?}");
    // The interval reported for the KPI is the procedure's.
    let summary = corridor::report::summaries(&result, &result.variants[0])
        .into_iter()
        .find(|(k, _)| k == "port.baku.throughput_tonnes")
        .unwrap()
        .1;
    assert_eq!(summary.ci95, p.interval);
    let again = exp.run(&sc, None).unwrap();
    assert_eq!(again.replications, result.replications, "deterministic stopping");
}
