//! Utilisation means productive work. A berth's utilisation in an M/M/c port is ρ; a
//! fleet far larger than its demand shows low utilisation and spends its time waiting
//! for cargo; adding vessels to a saturated service lowers its utilisation (the old
//! "not idle" measure stayed near 1 either way).

#[path = "common/corridor.rs"]
mod template;

use corridor::experiment::{Experiment, ExperimentResult};
use corridor::scenario::Scenario;
use template::{ROOMY, Shape, corridor};

fn run(text: &str, replications: u64) -> ExperimentResult {
    let scenario = Scenario::from_str(text, "utilisation.toml").unwrap();
    Experiment::for_scenario(&scenario).replications(replications).run(&scenario, None).unwrap()
}

#[test]
fn berth_utilisation_in_an_mmc_port_is_rho() {
    // scenarios/mmc_port.toml: λ = 1/6 per hour, E[S] = 12 h, c = 3: ρ = 2/3.
    let text = std::fs::read_to_string("scenarios/mmc_port.toml").unwrap();
    let result = run(&text, 40);
    let v = &result.variants[0];
    for key in ["utilisation.port.port.berths.dry", "port.port.berth_time.dry.handling"] {
        let values = v.values(key).unwrap();
        let mut stats = corridor::stats::OnlineStats::new();
        values.iter().for_each(|&x| stats.push(x));
        let ci = corridor::stats::student_t_interval(&stats, 0.99);
        assert!(ci.contains(2.0 / 3.0), "{key}: {:.4} ± {:.4} should cover 2/3", ci.mean, ci.half_width);
    }
    // A ship in service is handling: nothing is occupied without handling.
    assert_eq!(v.summary("port.port.berth_time.dry.occupied_not_handling").unwrap().max, 0.0);
    assert!((v.capacity.as_ref().unwrap().row("port.port.berths.dry").unwrap().rho - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn a_fleet_far_larger_than_its_demand_mostly_waits_for_cargo() {
    // 20 vessels (and 20 berths to wait at) for what 4 carry with room to spare.
    let result = run(&corridor(&Shape { vessels: 20, berths_a: 20, ..ROOMY }), 10);
    let v = &result.variants[0];
    let utilisation = v.summary("utilisation.service.ships").unwrap();
    let waiting = v.summary("service.ships.time.waiting_for_cargo").unwrap();
    assert!(utilisation.ci95[1] < 0.05, "productive utilisation {utilisation:?}");
    assert!(waiting.ci95[0] > 0.9, "waiting for cargo {waiting:?}");
    // The time split covers every vessel-hour.
    let total: f64 =
        v.keys.iter().filter(|k| k.starts_with("service.ships.time.")).map(|k| v.summary(k).unwrap().mean).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
}

#[test]
fn adding_vessels_to_a_saturated_service_lowers_its_utilisation() {
    // One vessel of 2,500 t cannot carry 1 Mt a year (ρ 1.42); three can (ρ 0.47).
    let text = corridor(&Shape { vessels: 1, capacity: 2500.0, ..ROOMY })
        + "\n[variants.one]\ndescription = \"one vessel\"\n\n[variants.three]\ndescription = \"three vessels\"\nset = { \"ship_services.ships.vessels\" = 3 }\n";
    let result = run(&text, 10);
    let (one, three) = (result.variant("one").unwrap(), result.variant("three").unwrap());
    let waiting = one.summary("service.ships.time.waiting_for_cargo").unwrap();
    assert!(waiting.mean < 0.01, "a saturated vessel never waits for cargo: {waiting:?}");
    let diffs = result.compare("one", "three").unwrap();
    let d = diffs.iter().find(|(k, _)| k == "utilisation.service.ships").unwrap().1;
    assert!(d.ci95[1] < -0.1, "three vessels are less productive each: {d:?}");
    // Productive work per vessel halves or more; the old measure (1 − waiting for
    // cargo) would have said "busy" for the saturated one and barely less for three.
    let u1 = one.summary("utilisation.service.ships").unwrap().mean;
    let u3 = three.summary("utilisation.service.ships").unwrap().mean;
    assert!(u3 < 0.6 * u1, "{u1} → {u3}");
    // Productive is loaded sailing, berthing and handling: a saturated vessel that
    // returns empty works about 60 % of its time, not the 100 % "not idle" said.
    let share = |key: &str| one.summary(&format!("service.ships.time.{key}")).unwrap().mean;
    assert!((u1 - share("loaded_sailing") - share("berthing") - share("handling")).abs() < 1e-9);
    assert!(u1 < 0.7, "{u1}");
}
