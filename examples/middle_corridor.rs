//! The planner's decision table for the Middle Corridor.
//!
//! ```text
//! cargo run --release --example middle_corridor [-- REPLICATIONS]
//! ```
//!
//! Runs the 2024 baseline, the +30 % transit surge, Baku's phase 2 and the surge on the
//! phase-2 port (`scenarios/middle_corridor.toml`) with common random numbers, then
//! prints what a planner needs: throughput, ship waits, yard stock and berth occupancy
//! at Baku, cargo delivered and left behind, the bottleneck — and the paired effect of
//! phase 2 under the surge, with its 95 % confidence interval.

use corridor::experiment::{Experiment, ExperimentResult};
use corridor::scenario::Scenario;

const VARIANTS: [&str; 4] = ["baseline", "transit_surge", "baku_phase2", "surge_with_phase2"];

const ROWS: [(&str, &str, f64); 9] = [
    ("port.baku.throughput_tonnes", "Baku throughput, Mt/yr", 1e6),
    ("port.baku.ship_wait_hours.mean", "Baku ship wait for a berth, mean h", 1.0),
    ("port.baku.ship_wait_hours.p95", "Baku ship wait, 95th percentile h", 1.0),
    ("port.baku.turnaround_hours.mean", "Baku turnaround, mean h", 1.0),
    ("port.baku.berth_occupancy.rail_ferry", "Baku rail-ferry berth occupancy", 1.0),
    ("port.baku.yard_stock_tonnes.mean", "Baku yard stock, mean kt", 1e3),
    ("port.aktau.yard_stock_tonnes.mean", "Aktau yard stock, mean kt", 1e3),
    ("system.delivered_tonnes", "Cargo delivered, Mt", 1e6),
    ("system.in_system_tonnes", "Cargo still in the corridor at the end, kt", 1e3),
];

fn cell(result: &ExperimentResult, variant: &str, key: &str, scale: f64) -> String {
    match result.variant(variant).and_then(|v| v.summary(key)) {
        Some(s) => format!("{:.2} ± {:.2}", s.mean / scale, s.half_width() / scale),
        None => "saturated".into(),
    }
}

fn main() {
    let replications = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let scenario = match Scenario::load("scenarios/middle_corridor.toml") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let experiment = Experiment {
        variants: VARIANTS.iter().map(|v| v.to_string()).collect(),
        replications,
        seed: scenario.base().scenario.seed,
        threads: None,
        precision: None,
        shard: None,
        interrupt: None,
    };
    let result = experiment.run(&scenario, None).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });

    println!("Middle Corridor — {replications} replications per variant, 95 % confidence intervals\n");
    print!("{:<44}", "");
    for v in VARIANTS {
        print!("{v:>20}");
    }
    println!();
    for (key, label, scale) in ROWS {
        print!("{label:<44}");
        for v in VARIANTS {
            print!("{:>20}", cell(&result, v, key, scale));
        }
        println!();
    }
    println!("\nBottleneck (busiest resource in most replications):");
    for v in &result.variants {
        let (name, share) = v.bottleneck();
        println!("  {:<20} {name} ({:.0} % of replications)", v.name, share * 100.0);
    }

    println!("\nEffect of phase 2 under the surge (surge_with_phase2 − transit_surge, paired):");
    let diffs = result.compare("transit_surge", "surge_with_phase2").unwrap_or_default();
    for (key, label, scale) in ROWS {
        if let Some((_, d)) = diffs.iter().find(|(k, _)| k == key) {
            println!(
                "  {label:<44} {:+.2} (95 % CI {:+.2} to {:+.2})",
                d.mean / scale,
                d.ci95[0] / scale,
                d.ci95[1] / scale
            );
        }
    }
}
