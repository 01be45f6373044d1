//! Explicit numeric limits. Values beyond them are errors that name the limit, so no
//! scenario can exhaust memory or time by accident.

/// Longest measured horizon, days (100 years).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;
/// Most berths in one berth group.
pub const MAX_BERTHS: u32 = 1_000;
/// Most vessels in one ship service.
pub const MAX_VESSELS: u32 = 1_000;
/// Most trainsets in one train service.
pub const MAX_TRAINSETS: u32 = 10_000;
/// Most wagons per train.
pub const MAX_WAGONS: u32 = 1_000;
/// Most replications of one experiment.
pub const MAX_REPLICATIONS: u64 = 1_000_000;
/// Highest cap on consignments in the system at once.
pub const MAX_CONSIGNMENTS_IN_SYSTEM: u64 = 10_000_000;
/// Highest cap on events per replication: at about 10 million events a second, one
/// replication then takes at most about a minute.
pub const MAX_EVENTS_PER_REPLICATION: u64 = 500_000_000;
/// Largest quantity of tonnes, rates and counts per year.
pub const MAX_QUANTITY: f64 = 1e12;
/// Most ship arrivals per year in one arrival stream.
pub const MAX_SHIPS_PER_YEAR: f64 = 1e6;
/// Most trains per day on a line.
pub const MAX_TRAINS_PER_DAY: f64 = 10_000.0;
/// Most storms per year.
pub const MAX_STORMS_PER_YEAR: f64 = 10_000.0;
/// Most values on one sweep axis.
pub const MAX_SWEEP_VALUES: usize = 1_000;
/// Largest demand factor of a variant.
pub const MAX_DEMAND_FACTOR: f64 = 1_000.0;
/// Longest scenario file accepted, bytes (4 MiB; the bundled Middle Corridor is 13 KB).
/// Parsing costs up to about 110 bytes of memory per byte of the densest TOML (a
/// list of millions of tiny entries), so this keeps any file under half a gigabyte.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Largest mean consignment rate (consignments per hour, summed over one flow).
pub const MAX_CONSIGNMENTS_PER_HOUR: f64 = 100_000.0;
/// Most entries in one route (of a flow or a ship service).
pub const MAX_ROUTE_LENGTH: usize = 64;
/// Most variants in one file.
pub const MAX_VARIANTS: usize = 1_000;
/// Most points in a sweep grid (the product of its axes' lengths).
pub const MAX_SWEEP_POINTS: usize = 10_000;
/// Most variants one variant may build on, directly or through `extends`.
pub const MAX_ANCESTORS: usize = 256;

/// Most calendar years in a planning horizon.
pub const MAX_PLANNING_YEARS: u32 = 50;

/// Most dated changes in one scenario.
pub const MAX_CHANGES: usize = 200;

/// Most candidate upgrades in one scenario: `corridor plan` works through every set
/// of them (2^14 sets, each year).
pub const MAX_CANDIDATES: usize = 14;

/// Most alternative routes of one flow.
pub const MAX_ROUTES: usize = 16;

/// Most parcels an average arriving ship's cargo lands in (`parcel_tonnes`): each is
/// an event and a consignment.
pub const MAX_PARCELS_PER_SHIP: f64 = 10_000.0;

/// The most hours a berth may take per unit rolled or lifted on or off.
pub const MAX_UNIT_HOURS: f64 = 100.0;

/// The deepest port depth or vessel draught accepted (metres).
pub const MAX_DEPTH_M: f64 = 100.0;
