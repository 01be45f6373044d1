//! Random small valid scenarios, shared by the invariants property test and the
//! golden-output test: a hub port with inland rail, 1–3 spoke ports with ship
//! services, optional trains back towards the hub, optional storms.

#![allow(dead_code)]

use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct Params {
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

pub fn params() -> impl Strategy<Value = Params> {
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

pub fn scenario_text(p: &Params) -> String {
    let mut t = format!(
        "[scenario]\nname = \"random\"\nhorizon_days = {}\nwarmup_days = 5\nmax_consignments_in_system = 20000\nmax_events_per_replication = 2000000\n\n",
        p.horizon
    );
    t += &format!(
        "[ports.hub]\nyard_capacity_tonnes = {}\nberths.dry = {{ count = {}, handling_tonnes_per_hour = 300.0, berthing_hours = 1.0 }}\n\n",
        p.yard, p.hub_berths
    );
    t += "[nodes.inland]\nkind = \"destination\"\n\n[rail_links.line]\nbetween = [\"hub\", \"inland\"]\ntransit_hours = { dist = \"uniform\", min = 5.0, max = 15.0 }\ntrains_per_day = 6\n\n";
    let departure =
        if p.timetable { "departure = \"timetable\"\ntimetable_hours = 12" } else { "departure = \"when_full\"" };
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
