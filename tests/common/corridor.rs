//! A small corridor for tests: port `a` → ships → port `b` → trains → border
//! crossing `c`, with its capacities as parameters.

/// A two-port corridor: cargo from port `a` by ship to port `b`, then by train to a
/// border crossing `c` (its destination). Constant 200 t consignments divide every
/// vessel and train load, so nothing is split. Placeholders set the capacities.
pub const CORRIDOR: &str = r#"
[scenario]
name = "a corridor"
horizon_days = 365
warmup_days = 60
replications = 10

[ports.a]
yard_capacity_tonnes = 100000
berths.dry = { count = BERTHS_A, handling_tonnes_per_hour = 1000.0, berthing_hours = 1.0 }

[ports.b]
yard_capacity_tonnes = YARD_B
berths.dry = { count = BERTHS_B, handling_tonnes_per_hour = RATE_B, berthing_hours = 1.0 }

[nodes.c]
kind = "transfer"
servers = 2
dwell_hours = { dist = "exponential", mean = 1.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "triangular", min = 10.0, mode = 12.0, max = 14.0 }

[ship_services.ships]
class = "dry"
vessels = VESSELS
capacity_tonnes = CAPACITY
route = ["a", "b"]
fill_threshold = 1.0
max_wait_hours = 100000

[rail_links.bc]
between = ["b", "c"]
transit_hours = { dist = "uniform", min = 8.0, max = 12.0 }
trains_per_day = 12

[train_services.trains]
route = ["b", "c"]
trainsets = 10
wagons = WAGONS
tonnes_per_wagon = 40
DEPARTURE
loading_hours = 2
unloading_hours = 2

[flows.goods]
route = ["a", "b", "c"]
class = "dry"
annual_tonnes = 1000000
consignment_tonnes = { dist = "constant", value = 200.0 }
"#;

/// The capacities a test varies.
pub struct Shape {
    pub berths_a: u32,
    pub yard_b: f64,
    pub berths_b: u32,
    pub rate_b: f64,
    pub vessels: u32,
    pub capacity: f64,
    pub wagons: u32,
    pub departure: &'static str,
}

/// Capacity to spare everywhere.
pub const ROOMY: Shape = Shape {
    berths_a: 2,
    yard_b: 100_000.0,
    berths_b: 2,
    rate_b: 1000.0,
    vessels: 4,
    capacity: 5000.0,
    wagons: 60,
    departure: "departure = \"when_full\"\nmax_wait_hours = 100000",
};

/// The scenario text of `c`.
pub fn corridor(c: &Shape) -> String {
    CORRIDOR
        .replace("BERTHS_A", &c.berths_a.to_string())
        .replace("YARD_B", &c.yard_b.to_string())
        .replace("BERTHS_B", &c.berths_b.to_string())
        .replace("RATE_B", &c.rate_b.to_string())
        .replace("VESSELS", &c.vessels.to_string())
        .replace("CAPACITY", &c.capacity.to_string())
        .replace("WAGONS", &c.wagons.to_string())
        .replace("DEPARTURE", c.departure)
}
