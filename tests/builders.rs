//! Everything a scenario file can say can be said in code: the Middle Corridor 2025–2030
//! file, built table by table with the builders, is the very `ScenarioSpec` the file
//! loads to (and so runs identically).

use corridor::scenario::*;

const FILE: &str = "scenarios/middle_corridor_2030.toml";

fn triangular(min: f64, mode: f64, max: f64) -> DistSpec {
    DistSpec::triangular(min, mode, max)
}

fn rail_ferry(name: &str, vessels: u32, route: [&str; 2], max_wait: f64, wagon: f64, truck: f64) -> ShipServiceSpec {
    ShipServiceSpec::new(BerthClass::RailFerry, vessels, 5000.0, route)
        .name(name)
        .tariff_per_unit("wagon", wagon)
        .tariff_per_unit("truck", truck)
        .co2_g_per_tonne_km(60.0)
        .fill_threshold(0.75)
        .max_wait_hours(max_wait)
        .wait_for_cargo_at([route[0]])
        .slots("wagon", 54)
        .slots("truck", 40)
        .loading_order(["wagon", "truck"])
}

fn bulk_line(name: &str, class: BerthClass, vessels: u32, tonnes: f64, from: &str, tariff: f64) -> ShipServiceSpec {
    ShipServiceSpec::new(class, vessels, tonnes, [from, "baku"])
        .name(name)
        .tariff_per_tonne(tariff)
        .co2_g_per_tonne_km(15.0)
        .fill_threshold(0.8)
        .max_wait_hours(96.0)
        .wait_for_cargo_at([from])
}

#[allow(clippy::too_many_arguments)]
fn train(
    name: &str,
    route: [&str; 2],
    trainsets: u32,
    wagons: u32,
    max_wait: f64,
    loading: f64,
    unloading: f64,
    tariff: f64,
    co2: f64,
) -> TrainServiceSpec {
    TrainServiceSpec::when_full(route, trainsets, wagons, 50.0)
        .name(name)
        .tariff_per_tonne(tariff)
        .co2_g_per_tonne_km(co2)
        .max_wait_hours(max_wait)
        .loading_hours(loading)
        .unloading_hours(unloading)
}

fn trucks(name: &str, route: [&str; 2], tonnes: f64) -> FlowSpec {
    FlowSpec::tonnes(route, BerthClass::RoRo, tonnes, DistSpec::constant(20.0))
        .value_of_time_per_tonne_day(3.0)
        .name(name)
        .unit("truck")
        .tonnes_per_unit(20.0)
}

fn boxes() -> DistSpec {
    DistSpec::weighted([14.0, 28.0, 56.0, 112.0], [4.0, 3.0, 2.0, 1.0])
}

fn bulk(name: &str, route: &[&str], tonnes: f64, value_of_time: f64) -> FlowSpec {
    FlowSpec::tonnes(route.iter().copied(), BerthClass::Dry, tonnes, DistSpec::lognormal(1500.0, 600.0))
        .value_of_time_per_tonne_day(value_of_time)
        .name(name)
}

/// The ports and their berths.
fn ports(spec: ScenarioSpec) -> ScenarioSpec {
    let berth = |count, rate, berthing| BerthSpec::rate(count, rate).berthing_hours(berthing);
    spec.port(
        "baku",
        PortSpec::new(120_000.0)
            .at(49.40, 39.94)
            .charge_per_tonne(8.0)
            .co2_kg_per_tonne(1.5)
            .name("Port of Baku (Alat)")
            .berths(BerthClass::RailFerry, berth(2, 250.0, 2.0))
            .berths(BerthClass::RoRo, berth(2, 200.0, 1.5))
            .berths(BerthClass::Container, berth(3, 135.0, 2.0))
            .berths(BerthClass::Dry, berth(4, 250.0, 2.0))
            .berths(BerthClass::LiquidBulk, berth(2, 560.0, 3.0)),
    )
    .port(
        "aktau",
        PortSpec::new(150_000.0)
            .at(51.17, 43.62)
            .charge_per_tonne(6.0)
            .co2_kg_per_tonne(1.5)
            .name("Port of Aktau")
            .berths(BerthClass::RailFerry, berth(1, 250.0, 2.0))
            .berths(BerthClass::Container, berth(2, 120.0, 2.0))
            .berths(BerthClass::Dry, berth(3, 200.0, 2.0))
            .berths(BerthClass::LiquidBulk, berth(3, 1000.0, 2.0)),
    )
    .port(
        "kuryk",
        PortSpec::new(100_000.0)
            .at(51.67, 43.17)
            .charge_per_tonne(6.0)
            .co2_kg_per_tonne(1.5)
            .name("Port of Kuryk")
            .berths(BerthClass::RailFerry, berth(2, 500.0, 1.5))
            .berths(BerthClass::RoRo, berth(2, 200.0, 1.5)),
    )
    .port(
        "turkmenbashi",
        PortSpec::new(200_000.0)
            .at(52.97, 40.02)
            .charge_per_tonne(6.0)
            .co2_kg_per_tonne(1.5)
            .name("Turkmenbashi International Seaport")
            .berths(BerthClass::RailFerry, berth(2, 300.0, 2.0))
            .berths(BerthClass::RoRo, berth(2, 200.0, 1.5))
            .berths(BerthClass::Dry, berth(3, 200.0, 2.0)),
    )
}

/// The inland nodes, the rail lines and the sea links.
fn network(spec: ScenarioSpec) -> ScenarioSpec {
    spec.node("tbilisi", NodeSpec::rail_terminal().at(44.79, 41.72).name("Tbilisi marshalling yard"))
        .node("poti", NodeSpec::destination().at(41.67, 42.15).name("Poti / Batumi (Georgian Black Sea ports)"))
        .node("kars", NodeSpec::destination().at(43.10, 40.60).name("Kars (Turkey), via Baku–Tbilisi–Kars"))
        .node("ceyhan", NodeSpec::destination().at(35.93, 36.88).name("Ceyhan (BTC pipeline terminal)"))
        .rail_link(
            "baku_tbilisi",
            RailLinkSpec::new("baku", "tbilisi", triangular(20.0, 26.0, 40.0), 16.0).length_km(550.0),
        )
        .rail_link("btk", RailLinkSpec::new("tbilisi", "kars", triangular(24.0, 30.0, 48.0), 9.0).length_km(280.0))
        .rail_link(
            "tbilisi_poti",
            RailLinkSpec::new("tbilisi", "poti", triangular(10.0, 14.0, 24.0), 14.0).length_km(300.0),
        )
        .sea_link("kuryk_baku", SeaLinkSpec::new("kuryk", "baku", triangular(18.0, 22.0, 28.0)).distance_km(480.0))
        .sea_link("aktau_baku", SeaLinkSpec::new("aktau", "baku", triangular(18.0, 24.0, 30.0)).distance_km(460.0))
        .sea_link(
            "turkmenbashi_baku",
            SeaLinkSpec::new("turkmenbashi", "baku", triangular(9.0, 10.0, 13.0)).distance_km(300.0),
        )
}

/// The Caspian fleet, the pipeline and the trains.
fn services(spec: ScenarioSpec) -> ScenarioSpec {
    spec.ship_service("kuryk_ferry", rail_ferry("Kuryk ⇄ Alat rail ferries", 6, ["kuryk", "baku"], 48.0, 1800.0, 900.0))
        .ship_service("aktau_ferry", rail_ferry("Aktau ⇄ Alat rail ferries", 2, ["aktau", "baku"], 48.0, 1800.0, 900.0))
        .ship_service(
            "turkmen_ferry",
            rail_ferry("Turkmenbashi ⇄ Alat rail ferries", 4, ["turkmenbashi", "baku"], 36.0, 1400.0, 700.0),
        )
        .ship_service(
            "kuryk_ropax",
            ShipServiceSpec::new(BerthClass::RoRo, 2, 5000.0, ["kuryk", "baku"])
                .name("Kuryk ⇄ Alat Ro-Pax (ASCO)")
                .tariff_per_unit("wagon", 1800.0)
                .tariff_per_unit("truck", 900.0)
                .co2_g_per_tonne_km(80.0)
                .fill_threshold(0.8)
                .max_wait_hours(36.0)
                .wait_for_cargo_at(["kuryk"])
                .slots("truck", 50)
                .slots("wagon", 56)
                .loading_order(["truck", "wagon"]),
        )
        .ship_service(
            "turkmen_ropax",
            ShipServiceSpec::new(BerthClass::RoRo, 2, 2400.0, ["turkmenbashi", "baku"])
                .name("Turkmenbashi ⇄ Alat Ro-Pax (Turkmen)")
                .tariff_per_unit("truck", 700.0)
                .co2_g_per_tonne_km(80.0)
                .fill_threshold(0.8)
                .max_wait_hours(24.0)
                .wait_for_cargo_at(["turkmenbashi"])
                .slots("truck", 53),
        )
        .ship_service(
            "aktau_feeder",
            ShipServiceSpec::new(BerthClass::Container, 6, 2240.0, ["aktau", "baku"])
                .name("Aktau ⇄ Alat container feeders")
                .tariff_per_unit("teu", 450.0)
                .co2_g_per_tonne_km(35.0)
                .fill_threshold(0.8)
                .max_wait_hours(72.0)
                .wait_for_cargo_at(["aktau"])
                .slots("teu", 160),
        )
        .ship_service(
            "turkmen_dry",
            bulk_line("Turkmenbashi ⇄ Alat dry cargo (fertiliser)", BerthClass::Dry, 3, 5000.0, "turkmenbashi", 14.0),
        )
        .ship_service("aktau_dry", bulk_line("Aktau ⇄ Alat dry cargo", BerthClass::Dry, 2, 5000.0, "aktau", 18.0))
        .ship_service(
            "aktau_tankers",
            bulk_line("Aktau → Dubendi crude tankers", BerthClass::LiquidBulk, 3, 9500.0, "aktau", 16.0)
                .fill_threshold(0.95),
        )
        .pipeline(
            "btc",
            PipelineSpec::new("baku", "ceyhan", 5700.0)
                .length_km(1768.0)
                .tariff_per_tonne(25.0)
                .co2_g_per_tonne_km(3.0)
                .name("Baku–Tbilisi–Ceyhan pipeline")
                .transit_hours(DistSpec::constant(216.0)),
        )
        .train_service(
            "baku_tbilisi",
            train("Baku → Tbilisi freight trains", ["baku", "tbilisi"], 24, 50, 24.0, 6.0, 4.0, 14.0, 18.0),
        )
        .train_service(
            "tbilisi_baku",
            train("Tbilisi → Baku freight trains (eastbound)", ["tbilisi", "baku"], 8, 50, 48.0, 6.0, 4.0, 14.0, 18.0),
        )
        .train_service(
            "tbilisi_poti",
            train("Tbilisi → Poti/Batumi", ["tbilisi", "poti"], 14, 50, 24.0, 4.0, 6.0, 9.0, 18.0),
        )
        .train_service(
            "btk_block",
            train("Tbilisi → Kars block trains (BTK)", ["tbilisi", "kars"], 26, 30, 72.0, 4.0, 4.0, 22.0, 22.0),
        )
}

/// The cargo flows and the storms.
fn demand(spec: ScenarioSpec) -> ScenarioSpec {
    let wagon_cuts = DistSpec::erlang(3, 360.0);
    spec.flow(
        "kazakh_wagons",
        FlowSpec::tonnes(Vec::<String>::new(), BerthClass::RailFerry, 1_400_000.0, wagon_cuts.clone())
            .name("Kazakh rail wagons via Kuryk or Aktau → Poti")
            .unit("wagon")
            .tonnes_per_unit(60.0)
            .empty_return(EmptyReturnSpec::new(0.6).route(["baku", "kuryk"]))
            .value_of_time_per_tonne_day(1.5)
            .tag("transit")
            .routes(
                RouteChoice::Shares,
                [
                    ("via_kuryk", ["kuryk", "baku", "tbilisi", "poti"], 0.714286),
                    ("via_aktau", ["aktau", "baku", "tbilisi", "poti"], 0.285714),
                ],
            ),
    )
    .flow(
        "turkmen_wagons",
        FlowSpec::tonnes(["turkmenbashi", "baku", "tbilisi", "poti"], BerthClass::RailFerry, 900_000.0, wagon_cuts)
            .value_of_time_per_tonne_day(1.5)
            .name("Central Asian rail wagons via Turkmenbashi → Poti")
            .unit("wagon")
            .tonnes_per_unit(60.0)
            .empty_return(EmptyReturnSpec::new(0.6).route(["baku", "turkmenbashi"]))
            .tag("transit"),
    )
    .flow(
        "turkmen_trucks",
        trucks("Trucks via Turkmenbashi (drive on from Baku)", ["turkmenbashi", "baku"], 600_000.0)
            .seasonality([0.9, 0.9, 1.0, 1.0, 1.1, 1.1, 1.1, 1.1, 1.0, 1.0, 0.9, 0.9])
            .empty_return(EmptyReturnSpec::new(0.3))
            .tag("transit"),
    )
    .flow(
        "kuryk_trucks",
        trucks("Trucks via Kuryk (drive on from Baku)", ["kuryk", "baku"], 400_000.0)
            .empty_return(EmptyReturnSpec::new(0.3))
            .tag("transit"),
    )
    .flow(
        "east_trucks_turkmenbashi",
        trucks("Trucks from Baku to Turkmenbashi (eastbound)", ["baku", "turkmenbashi"], 150_000.0)
            .tag("transit")
            .tag("eastbound"),
    )
    .flow(
        "east_trucks_kuryk",
        trucks("Trucks from Baku to Kuryk (eastbound)", ["baku", "kuryk"], 50_000.0).tag("transit").tag("eastbound"),
    )
    .flow(
        "china_containers",
        FlowSpec::tonnes(Vec::<String>::new(), BerthClass::Container, 0.0, boxes())
            .name("China → Europe and Turkey containers via Aktau, then Kars or Poti")
            .unit("teu")
            .teu(68_775.0, 14.0)
            .empty_return(EmptyReturnSpec::new(0.2).route(["baku", "aktau"]))
            .value_of_time_per_tonne_day(3.0)
            .tag("transit")
            .choice(RouteChoice::Congestion)
            .alternative("via_kars", RouteSpec::new(["aktau", "baku", "tbilisi", "kars"]).share(0.436))
            .alternative("via_poti", RouteSpec::new(["aktau", "baku", "tbilisi", "poti"]).share(0.564)),
    )
    .flow(
        "east_containers",
        FlowSpec::tonnes(["tbilisi", "baku", "aktau"], BerthClass::Container, 0.0, boxes())
            .value_of_time_per_tonne_day(3.0)
            .name("Containers from Georgia and Turkey to Central Asia via Aktau (eastbound)")
            .unit("teu")
            .teu(8000.0, 14.0)
            .tag("transit")
            .tag("eastbound"),
    )
    .flow(
        "turkmen_fertiliser",
        bulk("Turkmen fertiliser → Poti", &["turkmenbashi", "baku", "tbilisi", "poti"], 1_000_000.0, 0.3)
            .tag("transit"),
    )
    .flow(
        "aktau_dry_import",
        bulk("Kazakh grain and general cargo for Azerbaijan", &["aktau", "baku"], 600_000.0, 0.3).tag("import"),
    )
    .flow(
        "kazakh_crude",
        FlowSpec::tonnes(
            ["aktau", "baku", "ceyhan"],
            BerthClass::LiquidBulk,
            1_450_000.0,
            DistSpec::exponential(1000.0),
        )
        .value_of_time_per_tonne_day(0.5)
        .name("Kazakh crude: Aktau → Dubendi → BTC → Ceyhan")
        .tag("oil"),
    )
    .weather(
        "caspian_storms",
        WeatherSpec::new(["aktau", "turkmenbashi", "baku"], 12.0, DistSpec::lognormal(60.0, 40.0))
            .sheltered("kuryk", 0.33)
            .suspends("kuryk_baku")
            .suspends("aktau_baku")
            .suspends("turkmenbashi_baku")
            .monthly_weights([1.6, 1.6, 1.3, 1.0, 0.6, 0.4, 0.4, 0.5, 0.8, 1.2, 1.4, 1.6]),
    )
}

/// The unknowns, with their ranges and reasons.
fn unknowns(spec: ScenarioSpec) -> ScenarioSpec {
    let mut spec = spec
        .uncertain(
            "storms_per_year",
            UncertainSpec::range(
                "weather.caspian_storms.storms_per_year",
                12.0,
                24.0,
                "no published count of gales (§3.3); 10 storm days in one January (§9.2)",
            ),
        )
        .uncertain(
            "storm_length",
            UncertainSpec::factor(
                "weather.caspian_storms.duration_hours.mean",
                0.7,
                1.5,
                "no published durations; closures of one to several days (§3.3)",
            )
            .group("storm_length"),
        )
        .uncertain(
            "storm_length_sd",
            UncertainSpec::factor("weather.caspian_storms.duration_hours.sd", 0.7, 1.5, "moves with the mean duration")
                .group("storm_length"),
        )
        .uncertain(
            "kuryk_shelter",
            UncertainSpec::range_from_source(
                "weather.caspian_storms.close_probability.kuryk",
                0.33,
                1.0,
                "§3.3: a bay chosen for shelter; §9.2: closed about half of November-December (its director)",
            ),
        )
        .uncertain(
            "baku_rail_ferry_rate",
            UncertainSpec::range(
                "ports.baku.berths.rail_ferry.handling_tonnes_per_hour",
                250.0,
                500.0,
                "not published: 250 t/h assumed; 500 t/h is Kuryk's 6-8 h cycle (§1.3)",
            ),
        )
        .uncertain(
            "turkmenbashi_rail_ferry_rate",
            UncertainSpec::range(
                "ports.turkmenbashi.berths.rail_ferry.handling_tonnes_per_hour",
                300.0,
                500.0,
                "not published: 300 t/h assumed; 500 t/h is Kuryk's cycle (§1.3)",
            ),
        );
    for (id, service, reason) in [
        (
            "ferry_fill_kuryk",
            "kuryk_ferry",
            "the operator's sailing rule is not published; the hindcast finds real ferries sail fuller (docs/hindcast.md)",
        ),
        ("ferry_fill_aktau", "aktau_ferry", "as the Kuryk ferries"),
        ("ferry_fill_turkmen", "turkmen_ferry", "as the Kuryk ferries"),
    ] {
        let path = format!("ship_services.{service}.fill_threshold");
        spec = spec.uncertain(id, UncertainSpec::range(path, 0.6, 0.9, reason).group("ferry_fill"));
    }
    for (id, link, end, reason) in [
        (
            "long_crossing_min",
            "kuryk_baku",
            "min",
            "Alat-Kuryk/Aktau 18-28 h, traveller reports (§3.3); the mode is an ASSUMPTION",
        ),
        ("long_crossing_mode", "kuryk_baku", "mode", "as its minimum"),
        ("long_crossing_max", "kuryk_baku", "max", "as its minimum"),
        ("aktau_crossing_min", "aktau_baku", "min", "as Kuryk's"),
        ("aktau_crossing_mode", "aktau_baku", "mode", "as Kuryk's"),
        ("aktau_crossing_max", "aktau_baku", "max", "as Kuryk's"),
    ] {
        let path = format!("sea_links.{link}.sailing_hours.{end}");
        spec = spec.uncertain(id, UncertainSpec::factor(path, 0.85, 1.2, reason).group("long_crossings"));
    }
    spec.uncertain(
        "transit_growth",
        UncertainSpec::range(
            "growth.transit.reach",
            1.4,
            1.8,
            "the World Bank's ~11 Mt/yr by 2030 (§8) is one projection; 1.4-1.8x of 2024's transit brackets it",
        ),
    )
    .uncertain(
        "phase2_cost",
        UncertainSpec::factor(
            "candidates.baku_phase2.capital_cost",
            0.6,
            1.4,
            "not published (§1.1): 400 M USD assumed, +-40 %. A robust plan keeps the costs as written",
        ),
    )
}

/// The announced upgrades as dated changes, switched on by variants.
fn changes(spec: ScenarioSpec) -> ScenarioSpec {
    let off = |date: &str, description: &str| ChangeSpec::new(date).description(description).enabled(false);
    spec.dated_change(
        "aktau_container_hub",
        off("2026-01-01", "Aktau container hub: pilot terminal end-2025, stage 2 (240k TEU) in 2026 (§2.1)")
            .set("ports.aktau.berths.container.count", 3)
            .scale("ports.aktau.berths.container.handling_tonnes_per_hour", 1.5),
    )
    .dated_change(
        "third_ropax",
        off("2026-04-01", "ASCO's third Ro-Pax, delivery planned Q1 2026 (§8), on Kuryk")
            .set("ship_services.kuryk_ropax.vessels", 3),
    )
    .dated_change(
        "kmtf_feeders",
        off("2027-01-01", "Six new KMTF container ships from 2027 (§3.1-3.2)")
            .set("ship_services.aktau_feeder.vessels", 12),
    )
    .dated_change(
        "kuryk_expansion",
        off(
            "2027-07-01",
            "Kuryk expansion: a third rail-ferry berth and a larger yard (ASSUMPTION: date and size; §2.2 reports plans only)",
        )
        .set("ports.kuryk.berths.rail_ferry.count", 3)
        .set("ports.kuryk.yard_capacity_tonnes", 150_000),
    )
    .dated_change(
        "baku_phase2",
        off(
            "2028-01-01",
            "Baku phase 2, 25 Mt/yr (§1.1); design still under way in Dec 2025, so ASSUMPTION: open 1 Jan 2028, sized as middle_corridor.toml's variant",
        )
        .set("ports.baku.berths.rail_ferry.count", 3)
        .set("ports.baku.berths.container.count", 6)
        .set("ports.baku.berths.dry.count", 6)
        .set("ports.baku.berths.ro_ro.count", 3)
        .set("ports.baku.yard_capacity_tonnes", 250_000)
        .scale("ports.baku.berths.container.handling_tonnes_per_hour", 1.5)
        .scale("ports.baku.berths.dry.handling_tonnes_per_hour", 1.25),
    )
    .dated_change(
        "turkmen_charter",
        off("2026-01-01", "A fifth Turkmenbashi rail ferry and a third Turkmen Ro-Pax, chartered from 2026 (ASSUMPTION)")
            .set("ship_services.turkmen_ferry.vessels", 5)
            .set("ship_services.turkmen_ropax.vessels", 3),
    )
}

/// The upgrades a plan may choose from.
fn candidates(spec: ScenarioSpec) -> ScenarioSpec {
    let change = |name: &str, change: &str, earliest: &str, capital: f64, yearly: f64| {
        CandidateSpec::new(capital).name(name).change(change).earliest(earliest).yearly_cost(yearly)
    };
    let adds = |name: &str, earliest: &str, capital: f64, yearly: f64, path: &str| {
        CandidateSpec::new(capital).name(name).earliest(earliest).yearly_cost(yearly).add(path, 1.0)
    };
    spec.candidate("baku_phase2", change("Baku phase 2 (25 Mt/yr)", "baku_phase2", "2027-01-01", 400e6, 8e6))
        .candidate(
            "aktau_container_hub",
            change("Aktau container hub, stage 2", "aktau_container_hub", "2026-01-01", 22e6, 0.44e6),
        )
        .candidate(
            "kuryk_expansion",
            change("Kuryk: third rail-ferry berth, larger yard", "kuryk_expansion", "2027-07-01", 90e6, 1.8e6),
        )
        .candidate("third_ropax", change("Third ASCO Ro-Pax on Kuryk", "third_ropax", "2026-04-01", 39e6, 3e6))
        .candidate(
            "fourth_ropax",
            adds("Fourth ASCO Ro-Pax on Kuryk", "2028-01-01", 39e6, 3e6, "ship_services.kuryk_ropax.vessels")
                .requires("third_ropax"),
        )
        .candidate("kmtf_feeders", change("Six KMTF container feeders", "kmtf_feeders", "2027-01-01", 90e6, 6e6))
        .candidate(
            "turkmen_rail_ferry",
            adds(
                "Fifth Turkmenbashi rail ferry (charter)",
                "2026-01-01",
                0.0,
                7e6,
                "ship_services.turkmen_ferry.vessels",
            ),
        )
        .candidate(
            "second_turkmen_rail_ferry",
            adds(
                "Sixth Turkmenbashi rail ferry (charter)",
                "2026-01-01",
                0.0,
                7e6,
                "ship_services.turkmen_ferry.vessels",
            )
            .requires("turkmen_rail_ferry"),
        )
        .candidate(
            "kuryk_rail_ferry",
            adds("Seventh Kuryk rail ferry", "2027-01-01", 39e6, 3e6, "ship_services.kuryk_ferry.vessels"),
        )
        .candidate(
            "turkmen_ropax",
            adds("Third Turkmen Ro-Pax (charter)", "2026-01-01", 0.0, 5e6, "ship_services.turkmen_ropax.vessels"),
        )
        .candidate(
            "btk_paths",
            CandidateSpec::new(60e6)
                .name("BTK: 12 train paths a day")
                .earliest("2027-01-01")
                .yearly_cost(1.2e6)
                .set("rail_links.btk.trains_per_day", 12),
        )
}

fn variants(spec: ScenarioSpec) -> ScenarioSpec {
    let announced = ["aktau_container_hub", "third_ropax", "kmtf_feeders", "kuryk_expansion", "baku_phase2"]
        .into_iter()
        .fold(VariantSpec::new(), |v, id| v.set(format!("changes.{id}.enabled"), true));
    spec.variant("no_upgrades", VariantSpec::new().description("Demand grows to 2030; capacity stays as in 2024"))
        .variant("announced", announced.description("Demand grows to 2030; the announced upgrades open on their dates"))
        .variant(
            "announced_and_turkmen",
            VariantSpec::new()
                .description("The announced upgrades, and the Turkmenbashi crossing reinforced from 2026")
                .extends("announced")
                .set("changes.turkmen_charter.enabled", true),
        )
}

fn middle_corridor_2030() -> ScenarioSpec {
    let spec = ScenarioSpec::new("Middle Corridor 2025-2030", 0.0)
        .description("Aktau/Kuryk/Turkmenbashi → Caspian fleet → Baku (Alat) → rail to Georgia and Turkey")
        .planning_years(PlanningSpec::new(2025, 6).discount_rate(0.06))
        .warmup_days(60.0)
        .seed(2024)
        .replications(20)
        .focus_ports(["baku"])
        .focus_flows(["china_containers"])
        .currency("USD")
        .growth("transit", GrowthSpec::reach(1.605, 2030).base_year(2024));
    let spec = network(ports(spec));
    let spec = demand(services(spec));
    variants(candidates(changes(unknowns(spec))))
}

fn ids<T>(map: &indexmap::IndexMap<String, T>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

#[test]
fn every_table_of_the_2030_file_can_be_built_in_code() {
    let loaded = Scenario::load(FILE).expect("the bundled file loads");
    let built = middle_corridor_2030();
    // Table by table first, so that a difference names the table.
    let file = loaded.base();
    assert_eq!(built.scenario, file.scenario, "[scenario]");
    assert_eq!(built.planning, file.planning, "[planning]");
    assert_eq!(built.growth, file.growth, "[growth]");
    for (id, port) in &file.ports {
        assert_eq!(built.ports.get(id), Some(port), "ports.{id}");
    }
    assert_eq!(built.nodes, file.nodes, "[nodes]");
    assert_eq!(built.rail_links, file.rail_links, "[rail_links]");
    assert_eq!(built.sea_links, file.sea_links, "[sea_links]");
    for (id, service) in &file.ship_services {
        assert_eq!(built.ship_services.get(id), Some(service), "ship_services.{id}");
    }
    assert_eq!(built.pipelines, file.pipelines, "[pipelines]");
    for (id, service) in &file.train_services {
        assert_eq!(built.train_services.get(id), Some(service), "train_services.{id}");
    }
    for (id, flow) in &file.flows {
        assert_eq!(built.flows.get(id), Some(flow), "flows.{id}");
    }
    assert_eq!(built.weather, file.weather, "[weather]");
    for (id, input) in &file.uncertain {
        assert_eq!(built.uncertain.get(id), Some(input), "uncertain.{id}");
    }
    for (id, change) in &file.changes {
        assert_eq!(built.changes.get(id), Some(change), "changes.{id}");
    }
    for (id, candidate) in &file.candidates {
        assert_eq!(built.candidates.get(id), Some(candidate), "candidates.{id}");
    }
    assert_eq!(built.variants, file.variants, "[variants]");
    // Then the whole, in the file's order where order is kept.
    assert_eq!(&built, file);
    assert_eq!(ids(&built.candidates), ids(&file.candidates));
    assert_eq!(ids(&built.uncertain), ids(&file.uncertain));
    assert_eq!(ids(&built.variants), ids(&file.variants));
    // And the built scenario passes the checks a file gets.
    let scenario = Scenario::from_spec(&built).expect("the built scenario is valid");
    assert_eq!(scenario.variant_names(), loaded.variant_names());
}

#[test]
fn a_scenario_with_every_feature_can_be_built_in_code() {
    let loaded = Scenario::load("tests/common/every_feature.toml").expect("the file loads");
    let built = ScenarioSpec::new("every feature", 0.0)
        .planning(2025, 1)
        .port(
            "a",
            PortSpec::new(10_000.0).berths(BerthClass::RailFerry, BerthSpec::rate(1, 300.0).unit_hours("wagon", 0.1)),
        )
        .port(
            "b",
            PortSpec::new(10_000.0)
                .depth_m(4.9)
                .berths(BerthClass::RailFerry, BerthSpec::service(1, DistSpec::gamma(2.0, 3.0))),
        )
        .node("border", NodeSpec::new(NodeKind::Transfer).servers(2u32).dwell_hours(DistSpec::weibull(1.5, 4.0)))
        .node("dest", NodeSpec::destination())
        .rail_link("out", RailLinkSpec::new("b", "border", DistSpec::normal(10.0, 2.0), 4.0))
        .rail_link("last", RailLinkSpec::new("border", "dest", DistSpec::uniform(2.0, 3.0), 4.0))
        .sea_link("ab", SeaLinkSpec::new("a", "b", DistSpec::constant(10.0)))
        .ship_service(
            "one",
            ShipServiceSpec::new(BerthClass::RailFerry, 1, 3000.0, ["a", "b"])
                .draught(4.5, 20.0)
                .slots("wagon", 50)
                .max_units("wagon", 40)
                .deck(DeckSharing::Separate),
        )
        .ship_service("two", ShipServiceSpec::new(BerthClass::RailFerry, 1, 3000.0, ["a", "b"]))
        .pool("caspian", PoolSpec::new(["one", "two"]).release_at("a"))
        .train_service("last", TrainServiceSpec::when_full(["border", "dest"], 1, 20, 60.0))
        .train_service(
            "out",
            TrainServiceSpec::timetable(["b", "border"], 2, 20, 60.0, 12.0)
                .max_wait_from(WaitFrom::LastDeparture)
                .tariff_per_unit("wagon", 300.0),
        )
        .flow(
            "wagons",
            FlowSpec::tonnes(["a", "b", "border", "dest"], BerthClass::RailFerry, 100_000.0, DistSpec::constant(60.0))
                .unit("wagon")
                .tonnes_per_unit(60.0)
                .outside_option(OutsideOptionSpec::new(80.0, 12.0, 20.0).name("north").corridor_days(9.0)),
        )
        .ship_arrivals(
            "tankers",
            ShipArrivalSpec::new("a", BerthClass::RailFerry, 10.0, DistSpec::triangular(1000.0, 2000.0, 3000.0))
                .name("tankers")
                .parcel_tonnes(250.0)
                .tag("oil"),
        )
        .variant(
            "busier",
            VariantSpec::new()
                .demand_factor(1.2, ["oil"])
                .scale("ports.a.berths.rail_ferry.handling_tonnes_per_hour", 1.1),
        )
        .sweep(
            SweepSpec::new([
                SweepAxis::new("ports.a.berths.rail_ferry.count", [1, 2]),
                SweepAxis::demand_factor([1.0, 1.5], ["oil"]),
            ])
            .base("busier")
            .kpi("port.a.ship_wait_hours.mean"),
        );
    assert_eq!(&built, loaded.base());
    assert!(Scenario::from_spec(&built).is_ok());
}
