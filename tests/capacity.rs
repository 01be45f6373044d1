//! The capacity sheet: worked by hand for a small corridor, with storms, and checked
//! against the simulation — where nothing blocks, the sheet's ρ of every berth
//! group, fleet, train service, rail line and transfer point must lie within the
//! simulated ρ's 99 % interval.

#[path = "common/corridor.rs"]
mod template;

use corridor::experiment::Experiment;
use corridor::model::{CapacitySheet, Network, ResourceKind};
use corridor::scenario::Scenario;
use template::{ROOMY, corridor};

fn sheet(text: &str) -> CapacitySheet {
    Network::compile(Scenario::from_str(text, "sheet.toml").unwrap().base()).unwrap().capacity_sheet()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn the_sheet_of_a_small_corridor_matches_the_hand_computation() {
    let sheet = sheet(&corridor(&ROOMY));
    // 1 Mt a year in 200 t consignments: 5,000 consignments, 114.155 t an hour.
    let per_hour = 1e6 / 8760.0;
    // Ships of 5,000 t: 200 round trips. Each call: 1 h berthing; 1,000 t/h handling.
    // Berths at a: 200 × 1 h + 1e6 t / 1,000 t/h = 1,200 h of 2 × 8,760 h.
    // Fleet: 200 × (12 h + 12 h sailing + 1 h + 1 h berthing) + 2 × 1,000 h handling
    // = 7,200 h of 4 × 8,760 h. Trains of 60 × 40 t = 2,400 t: 416.67 trains × (2 h
    // loading + 2 × 10 h transit + 2 h unloading) = 10,000 h of 10 × 8,760 h; the line
    // carries 416.67 trains each way (loaded out, empty back) in 8,760 / 2 = 4,380 paths.
    // Border: 5,000 consignments × 1 h of 2 × 8,760 h.
    // Yard at a: ships call every 26 / 4 = 6.5 h, but gathering 5,000 t takes
    // 5,000 / 114.155 = 43.8 h; cargo waits half of that while no ship is at berth
    // (the fleet's ρ of the time). Yard at b: trains gather 2,400 t in 21.02 h.
    let fleet = 7_200.0 / 35_040.0;
    let expected: [(&str, ResourceKind, f64); 8] = [
        ("transfer.c", ResourceKind::TransferPoint, 5_000.0 / 17_520.0),
        ("service.ships", ResourceKind::Fleet, fleet),
        ("service.trains", ResourceKind::Trainsets, 10_000.0 / 87_600.0),
        ("rail.bc", ResourceKind::RailLine, (1e6 / 2_400.0) / 4_380.0),
        ("port.a.berths.dry", ResourceKind::Berths, 1_200.0 / 17_520.0),
        ("port.b.berths.dry", ResourceKind::Berths, 1_200.0 / 17_520.0),
        ("port.b.yard", ResourceKind::Yard, per_hour * (2_400.0 / per_hour) / 2.0 / 100_000.0),
        ("port.a.yard", ResourceKind::Yard, per_hour * (5_000.0 / per_hour) / 2.0 * fleet / 100_000.0),
    ];
    let names: Vec<&str> = sheet.rows.iter().map(|r| r.resource.as_str()).collect();
    assert_eq!(names, expected.iter().map(|e| e.0).collect::<Vec<_>>(), "sorted by ρ, highest first");
    for (resource, kind, rho) in expected {
        let row = sheet.row(resource).unwrap();
        assert_eq!(row.kind, kind, "{resource}");
        assert!(close(row.rho, rho), "{resource}: ρ {} by the sheet, {rho} by hand ({})", row.rho, row.basis);
        assert!(close(row.offered_tonnes_per_year, 1e6), "{resource}: offered {}", row.offered_tonnes_per_year);
        assert!(close(row.capacity_tonnes_per_year.unwrap(), 1e6 / rho), "{resource}");
    }
    assert!(close(sheet.demand_tonnes_per_year, 1e6));
    assert!(!sheet.seasonal);
    assert_eq!(sheet.binding().unwrap().resource, "transfer.c");
}

#[test]
fn storms_take_their_share_of_berth_and_fleet_time() {
    // 12 storms a year of 60 h on average: a port is open exp(−12 × 60 / 8,760) of the
    // time. With monthly weights the chance is averaged month by month.
    let storms = "\n[weather.storms]\nports = [\"a\", \"b\"]\nstorms_per_year = 12\nduration_hours = { dist = \"exponential\", mean = 60.0 }\n";
    let text = corridor(&ROOMY) + storms;
    let open = (-12.0f64 * 60.0 / 8760.0).exp();
    let s = sheet(&text);
    assert!(close(s.row("port.a.berths.dry").unwrap().rho, 1_200.0 / (17_520.0 * open)));
    assert!(close(s.row("service.ships").unwrap().rho, 7_200.0 / (35_040.0 * open)));
    assert!(!s.seasonal);
    let weights = "monthly_weights = [2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0]\n";
    let s = sheet(&(text + weights));
    let open = ((-24.0f64 * 60.0 / 8760.0).exp() + 1.0) / 2.0;
    assert!(close(s.row("port.b.berths.dry").unwrap().rho, 1_200.0 / (17_520.0 * open)));
    assert!(s.seasonal);
}

#[test]
fn where_nothing_blocks_the_sheet_agrees_with_the_simulation() {
    let text = corridor(&ROOMY);
    let scenario = Scenario::from_str(&text, "roomy.toml").unwrap();
    let result = Experiment::for_scenario(&scenario).replications(20).run(&scenario, None).unwrap();
    let v = &result.variants[0];
    let sheet = v.capacity.as_ref().unwrap();
    let mut checked = 0;
    for row in sheet.rows.iter().filter(|r| r.kind != ResourceKind::Yard) {
        let values = v.values(&format!("rho.{}", row.resource)).unwrap();
        let mut stats = corridor::stats::OnlineStats::new();
        values.iter().for_each(|&x| stats.push(x));
        let ci = corridor::stats::student_t_interval(&stats, 0.99);
        assert!(
            ci.contains(row.rho),
            "{}: the sheet says ρ {:.4}, the simulation {:.4} (99 % CI {:.4} to {:.4})",
            row.resource,
            row.rho,
            ci.mean,
            ci.lo(),
            ci.hi()
        );
        checked += 1;
    }
    assert_eq!(checked, 6);
    // Where the productive share is the whole of the work (berths, rail paths,
    // transfer servers) utilisation and simulated ρ are one figure.
    for resource in ["port.a.berths.dry", "port.b.berths.dry", "rail.bc", "transfer.c"] {
        let (u, r) =
            (v.summary(&format!("utilisation.{resource}")).unwrap(), v.summary(&format!("rho.{resource}")).unwrap());
        assert_eq!(u.mean, r.mean, "{resource}");
    }
}
