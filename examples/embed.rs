//! Embedding corridor: build a scenario in code, run it, read typed results.
//! `cargo run --release --example embed`
use corridor::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = || PortSpec::new(50_000.0).berths(BerthClass::Container, BerthSpec::rate(1, 300.0).berthing_hours(2.0));
    let spec = ScenarioSpec::new("Feeder and rail, built in code", 365.0)
        .warmup_days(30.0)
        .seed(7)
        .replications(10)
        .port("east", port())
        .port("west", port())
        .node("hinterland", NodeSpec::destination().name("Inland depot"))
        .sea_link("crossing", SeaLinkSpec::new("east", "west", DistSpec::triangular(18.0, 22.0, 30.0)))
        .rail_link("line", RailLinkSpec::new("west", "hinterland", DistSpec::uniform(20.0, 30.0), 6.0))
        .ship_service("feeder", ShipServiceSpec::new(BerthClass::Container, 3, 2_000.0, ["east", "west"]))
        .train_service("shuttle", TrainServiceSpec::when_full(["west", "hinterland"], 4, 40, 40.0).max_wait_hours(24.0))
        .flow(
            "boxes",
            FlowSpec::tonnes(
                ["east", "west", "hinterland"],
                BerthClass::Container,
                400_000.0,
                DistSpec::empirical([14.0, 28.0, 56.0]),
            ),
        )
        .variant("second_berth", VariantSpec::new().set("ports.east.berths.container.count", 2));
    // Built-in-code scenarios are validated exactly like files.
    let scenario = Scenario::from_spec(&spec)?;
    let result = scenario.experiment().variants(["base", "second_berth"]).run()?;
    for v in &result.variants {
        let transit = v.kpi("flow.boxes.transit_hours.mean")?;
        let wait = v.kpi("port.east.ship_wait_hours.mean")?;
        println!(
            "{:<14} transit {:6.1} h [{:.1}, {:.1}], ship wait at east {:5.2} h",
            v.name, transit.mean, transit.ci95[0], transit.ci95[1], wait.mean
        );
    }
    for key in ["flow.boxes.transit_hours.mean", "port.east.ship_wait_hours.mean"] {
        let d = result.paired("base", "second_berth", key)?;
        println!(
            "a second berth at east changes {key} by {:+.2} h (95 % CI {:+.2} to {:+.2})",
            d.mean, d.ci95[0], d.ci95[1]
        );
    }
    let binds = result.variant("base").map(VariantResult::what_binds);
    println!("what binds without it: {:?}", binds.and_then(|b| b.binding).map(|b| b.resource));
    Ok(())
}
