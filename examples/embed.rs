//! Embedding corridor in another crate: build a scenario in code, run it as an
//! experiment, read typed results.
//!
//! ```text
//! cargo run --release --example embed
//! ```

use corridor::experiment::Experiment;
use corridor::scenario::{
    BerthClass, BerthSpec, DeparturePolicy, DistSpec, FlowSpec, NodeKind, NodeSpec, PortSpec, RailLinkSpec, Scenario,
    ScenarioSpec, SeaLinkSpec, Settings, ShipServiceSpec, TrainServiceSpec, VariantSpec,
};
use std::collections::BTreeMap;

fn port(berths: u32) -> PortSpec {
    let berth = BerthSpec {
        count: berths,
        handling_tonnes_per_hour: Some(300.0),
        berthing_hours: 2.0,
        service_hours: None,
    };
    PortSpec {
        name: None,
        yard_capacity_tonnes: 50_000.0,
        berths: BTreeMap::from([(BerthClass::Container, berth)]),
    }
}

fn main() {
    // Two ports, a feeder service between them, and a rail line onwards.
    let spec = ScenarioSpec {
        scenario: Settings {
            name: "Feeder and rail, built in code".into(),
            description: None,
            horizon_days: 365.0,
            warmup_days: 30.0,
            seed: 7,
            replications: 10,
            max_consignments_in_system: 100_000,
            max_events_per_replication: 10_000_000,
        },
        ports: BTreeMap::from([("east".to_string(), port(1)), ("west".to_string(), port(1))]),
        nodes: BTreeMap::from([(
            "hinterland".to_string(),
            NodeSpec {
                kind: NodeKind::Destination,
                name: Some("Inland depot".into()),
            },
        )]),
        sea_links: BTreeMap::from([(
            "crossing".to_string(),
            SeaLinkSpec {
                between: ["east".into(), "west".into()],
                sailing_hours: DistSpec::Triangular {
                    min: 18.0,
                    mode: 22.0,
                    max: 30.0,
                },
            },
        )]),
        rail_links: BTreeMap::from([(
            "line".to_string(),
            RailLinkSpec {
                between: ["west".into(), "hinterland".into()],
                transit_hours: DistSpec::Uniform { min: 20.0, max: 30.0 },
                trains_per_day: 6.0,
            },
        )]),
        ship_services: BTreeMap::from([(
            "feeder".to_string(),
            ShipServiceSpec {
                name: None,
                class: BerthClass::Container,
                vessels: 3,
                capacity_tonnes: 2_000.0,
                route: vec!["east".into(), "west".into()],
                fill_threshold: 0.8,
                max_wait_hours: 48.0,
            },
        )]),
        train_services: BTreeMap::from([(
            "shuttle".to_string(),
            TrainServiceSpec {
                name: None,
                route: ["west".into(), "hinterland".into()],
                trainsets: 4,
                wagons: 40,
                tonnes_per_wagon: 40.0,
                departure: DeparturePolicy::WhenFull,
                timetable_hours: None,
                max_wait_hours: 24.0,
                loading_hours: 4.0,
                unloading_hours: 4.0,
            },
        )]),
        ship_arrivals: BTreeMap::new(),
        flows: BTreeMap::from([(
            "boxes".to_string(),
            FlowSpec {
                name: None,
                route: vec!["east".into(), "west".into(), "hinterland".into()],
                class: BerthClass::Container,
                annual_tonnes: Some(400_000.0),
                annual_teu: None,
                tonnes_per_teu: None,
                consignment_tonnes: DistSpec::Empirical {
                    values: vec![14.0, 28.0, 56.0],
                    weights: None,
                },
                seasonality: None,
                tags: vec!["transit".into()],
            },
        )]),
        weather: BTreeMap::new(),
        variants: indexmap::IndexMap::from([(
            "second_berth".to_string(),
            VariantSpec {
                description: Some("a second container berth at east".into()),
                extends: vec![],
                demand_factor: None,
                demand_tags: vec![],
                set: BTreeMap::from([("ports.east.berths.container.count".to_string(), 2.into())]),
                scale: BTreeMap::new(),
            },
        )]),
        sweep: None,
    };

    // Built-in-code scenarios are validated exactly like files.
    let scenario = Scenario::from_spec(&spec).unwrap_or_else(|e| panic!("{e}"));
    let experiment = Experiment {
        variants: vec!["base".into(), "second_berth".into()],
        replications: 10,
        seed: 7,
        threads: None,
        precision: None,
        shard: None,
        interrupt: None,
    };
    let result = experiment.run(&scenario, None).unwrap_or_else(|e| panic!("{e}"));
    for v in &result.variants {
        let transit = v.summary("flow.boxes.transit_hours.mean").expect("KPI exists");
        let wait = v.summary("port.east.ship_wait_hours.mean").expect("KPI exists");
        println!(
            "{:<14} transit {:6.1} h [{:.1}, {:.1}], ship wait at east {:5.2} h, bottleneck {}",
            v.name,
            transit.mean,
            transit.ci95[0],
            transit.ci95[1],
            wait.mean,
            v.bottleneck().0
        );
    }
    let diffs = result.compare("base", "second_berth").expect("both variants ran");
    for key in ["flow.boxes.transit_hours.mean", "port.east.ship_wait_hours.mean"] {
        let (_, d) = diffs.iter().find(|(k, _)| k == key).expect("KPI exists");
        println!(
            "a second berth at east changes {key} by {:+.2} h (95 % CI {:+.2} to {:+.2})",
            d.mean, d.ci95[0], d.ci95[1]
        );
    }
}
