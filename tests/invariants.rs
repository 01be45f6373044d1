//! Property test: random small valid scenarios, run for many seeds, keep every
//! invariant — every kilogram accounted for against the live consignments, stocks
//! within capacity, no ship in two places (`run_audited` checks these after every
//! run), occupancy and utilisation in [0, 1], finite KPIs — and give identical
//! results when run twice.

use corridor::model::{Network, run_audited};
use corridor::scenario::Scenario;
use proptest::prelude::*;

/// Cases: `PROPTEST_CASES` if set, else 300.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

#[derive(Debug, Clone)]
struct Params {
    spokes: usize,
    berths: Vec<u32>,
    hub_berths: u32,
    yard: f64,
    vessels: u32,
    capacity: f64,
    fill: f64,
    demand: Vec<f64>,
    trainsets: u32,
    timetable: bool,
    both_ways: bool,
    storms: f64,
    horizon: f64,
}

fn params() -> impl Strategy<Value = Params> {
    (1usize..=3)
        .prop_flat_map(|spokes| {
            (
                Just(spokes),
                proptest::collection::vec(1u32..=3, spokes),
                1u32..=3,
                prop_oneof![150.0..5_000.0f64, 1e5..1e7f64],
                1u32..=4,
                200.0..5_000.0f64,
                0.0..=1.0f64,
                proptest::collection::vec(1e4..3e6f64, spokes),
                (1u32..=4, any::<bool>(), any::<bool>(), 0.0..40.0f64, 20.0..120.0f64),
            )
        })
        .prop_map(
            |(
                spokes,
                berths,
                hub_berths,
                yard,
                vessels,
                capacity,
                fill,
                demand,
                (trainsets, timetable, both_ways, storms, horizon),
            )| Params {
                spokes,
                berths,
                hub_berths,
                yard,
                vessels,
                capacity,
                fill,
                demand,
                trainsets,
                timetable,
                both_ways,
                storms,
                horizon,
            },
        )
}

fn scenario_text(p: &Params) -> String {
    let mut t = format!(
        "[scenario]\nname = \"random\"\nhorizon_days = {}\nwarmup_days = 5\nmax_consignments_in_system = 20000\nmax_events_per_replication = 2000000\n\n",
        p.horizon
    );
    t += &format!(
        "[ports.hub]\nyard_capacity_tonnes = {}\nberths.dry = {{ count = {}, handling_tonnes_per_hour = 300.0, berthing_hours = 1.0 }}\n\n",
        p.yard, p.hub_berths
    );
    t += "[nodes.inland]\nkind = \"destination\"\n\n[rail_links.line]\nbetween = [\"hub\", \"inland\"]\ntransit_hours = { dist = \"uniform\", min = 5.0, max = 15.0 }\ntrains_per_day = 6\n\n";
    let departure = if p.timetable {
        "departure = \"timetable\"\ntimetable_hours = 12"
    } else {
        "departure = \"when_full\""
    };
    t += &format!(
        "[train_services.trains]\nroute = [\"hub\", \"inland\"]\ntrainsets = {}\nwagons = 20\ntonnes_per_wagon = 50\n{departure}\nloading_hours = 2\nunloading_hours = 2\n\n",
        p.trainsets
    );
    if p.both_ways {
        // Inland cargo for the hub: trains in the other direction on the same line.
        t += "[nodes.depot]\nkind = \"origin\"\n\n[rail_links.spur]\nbetween = [\"depot\", \"inland\"]\ntransit_hours = { dist = \"constant\", value = 3.0 }\ntrains_per_day = 12\n\n";
        t += &format!(
            "[train_services.back]\nroute = [\"inland\", \"hub\"]\ntrainsets = {}\nwagons = 20\ntonnes_per_wagon = 50\ndeparture = \"when_full\"\nmax_wait_hours = 12\nloading_hours = 2\nunloading_hours = 2\n\n",
            p.trainsets
        );
        t += "[train_services.feeder]\nroute = [\"depot\", \"inland\"]\ntrainsets = 2\nwagons = 20\ntonnes_per_wagon = 50\ndeparture = \"when_full\"\nmax_wait_hours = 12\n\n";
        t += "[flows.inbound]\nroute = [\"depot\", \"inland\", \"hub\"]\nclass = \"dry\"\nannual_tonnes = 200000\nconsignment_tonnes = { dist = \"exponential\", mean = 120.0 }\n\n";
    }
    for i in 0..p.spokes {
        t += &format!(
            "[ports.s{i}]\nyard_capacity_tonnes = {}\nberths.dry = {{ count = {}, service_hours = {{ dist = \"erlang\", k = 2, mean = 8.0 }} }}\n\n",
            p.yard.max(1.0) * 2.0,
            p.berths[i]
        );
        t += &format!(
            "[sea_links.l{i}]\nbetween = [\"s{i}\", \"hub\"]\nsailing_hours = {{ dist = \"triangular\", min = 8.0, mode = 12.0, max = 20.0 }}\n\n"
        );
        t += &format!(
            "[ship_services.ships{i}]\nclass = \"dry\"\nvessels = {}\ncapacity_tonnes = {}\nroute = [\"s{i}\", \"hub\"]\nfill_threshold = {}\nmax_wait_hours = 24\n\n",
            p.vessels, p.capacity, p.fill
        );
        t += &format!(
            "[flows.f{i}]\nroute = [\"s{i}\", \"hub\", \"inland\"]\nclass = \"dry\"\nannual_tonnes = {}\nconsignment_tonnes = {{ dist = \"lognormal\", mean = 150.0, sd = 100.0 }}\n\n",
            p.demand[i]
        );
    }
    if p.storms > 0.5 {
        t += &format!(
            "[weather.w]\nports = [\"hub\", \"s0\"]\nstorms_per_year = {}\nduration_hours = {{ dist = \"exponential\", mean = 30.0 }}\n",
            p.storms
        );
    }
    t
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
            for (name, u) in &a.utilisation {
                prop_assert!((0.0..=1.0 + 1e-9).contains(u), "{} utilisation {}", name, u);
            }
            for (key, v) in a.entries() {
                prop_assert!(v.is_finite() && v >= 0.0, "{} = {}", key, v);
            }
        }
    }
}
