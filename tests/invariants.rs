//! Property test: random small valid scenarios, run for many seeds, keep every
//! invariant — every kilogram accounted for against the live consignments, stocks
//! within capacity, no ship in two places (`run_audited` checks these after every
//! run), occupancy and utilisation in [0, 1], finite KPIs — and give identical
//! results when run twice.

mod common;

use common::{params, scenario_text};
use corridor::model::{Network, run_audited};
use corridor::scenario::Scenario;
use proptest::prelude::*;

/// Cases: `PROPTEST_CASES` if set, else 300.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_keep_every_invariant(p in params(), seed in any::<u64>()) {
        let text = scenario_text(&p);
        let scenario = Scenario::from_str(&text, "random.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let net = Network::compile(scenario.base()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for replication in 0..2 {
            let a = run_audited(&net, seed, replication).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let b = run_audited(&net, seed, replication).map_err(TestCaseError::fail)?;
            prop_assert_eq!(&a, &b, "same seed, different results");
            prop_assert!(a.conservation.holds(), "{:?}", a.conservation);
            let s = &a.system;
            prop_assert!(
                (s.in_system_start_tonnes + s.generated_tonnes - s.delivered_tonnes - s.in_system_tonnes).abs()
                    <= 1e-6 * (s.in_system_start_tonnes + s.generated_tonnes).max(1.0),
                "window balance {:?}", s
            );
            for port in &a.ports {
                for (class, occ) in &port.berth_occupancy {
                    prop_assert!((0.0..=1.0 + 1e-9).contains(occ), "{} {} occupancy {}", port.id, class, occ);
                }
            }
            for (name, u) in a.utilisation.iter().chain(&a.rho) {
                prop_assert!((0.0..=1.0 + 1e-9).contains(u), "{} utilisation or rho {}", name, u);
            }
            for port in &a.ports {
                for ((class, handling), (_, occ)) in port.berth_handling.iter().zip(&port.berth_occupancy) {
                    prop_assert!(*handling <= occ + 1e-9, "{} {} handling {} > occupied {}", port.id, class, handling, occ);
                }
            }
            for svc in &a.services {
                // Every vessel or trainset is in exactly one state at every moment.
                let total: f64 = svc.time.iter().map(|(_, share)| share).sum();
                prop_assert!((total - 1.0).abs() < 1e-6, "{} time shares sum to {}: {:?}", svc.id, total, svc.time);
                prop_assert!(svc.utilisation <= svc.rho + 1e-9, "{} productive {} > own work {}", svc.id, svc.utilisation, svc.rho);
            }
            for (key, v) in a.entries() {
                // Growth rates are the only signed KPIs.
                let signed = key.ends_with("growth_tonnes_per_day");
                prop_assert!(v.is_finite() && (signed || v >= 0.0), "{} = {}", key, v);
            }
        }
    }
}
