//! Typed KPIs of one replication, and their flattening into dotted keys; `assemble`
//! reads them off a corridor whose window has closed.

mod assemble;

pub(super) use assemble::assemble;

use super::corridor::Saturation;
use crate::stats::Trend;
use serde::{Deserialize, Serialize};

/// KPIs of one port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortKpis {
    /// Port id.
    pub id: String,
    /// Tonnes loaded onto and unloaded from ships (measured window).
    pub throughput_tonnes: f64,
    /// Mean ship wait for a berth, hours.
    pub ship_wait_mean_hours: f64,
    /// 95th percentile of ship waits, hours.
    pub ship_wait_p95_hours: f64,
    /// Time-weighted mean number of ships at anchor waiting for a berth.
    pub ships_at_anchor_mean: f64,
    /// Mean ship turnaround (anchorage arrival to departure), hours.
    pub turnaround_mean_hours: f64,
    /// Mean time a ship spends at berth (berthing to departure), hours: what port
    /// statistics call the time per vessel at berth.
    pub berth_mean_hours: f64,
    /// Ship calls completed.
    pub ship_calls: f64,
    /// Berth occupancy (occupied berths / berths) per class: a berth is occupied from
    /// berthing to departure, including time its ship waits there for cargo, for
    /// room in the yard or for the weather.
    pub berth_occupancy: Vec<(String, f64)>,
    /// Share of berth time per class in which the ship there works cargo (berthing,
    /// unloading, loading): the berths' productive utilisation. The rest of
    /// `berth_occupancy` is occupied without handling.
    pub berth_handling: Vec<(String, f64)>,
    /// Mean time at berth per call, per class, hours.
    pub berth_hours_by_class: Vec<(String, f64)>,
    /// Calls completed, per class.
    pub ship_calls_by_class: Vec<(String, f64)>,
    /// Time-weighted mean yard stock, tonnes.
    pub yard_stock_mean_tonnes: f64,
    /// Largest yard stock, tonnes.
    pub yard_stock_max_tonnes: f64,
    /// Hours closed by weather.
    pub closed_hours: f64,
    /// Ship-hours blocked at berth by a full yard.
    pub yard_blocked_hours: f64,
}

/// KPIs of one ship or train service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceKpis {
    /// Service id.
    pub id: String,
    /// Departures.
    pub trips: f64,
    /// Mean load / capacity over all departures (empty return legs included).
    pub load_factor: f64,
    /// Productive share of the fleet's time: carrying cargo, berthing and handling it
    /// (ships); running loaded, loading and unloading (trains).
    pub utilisation: f64,
    /// The share of the fleet's time its own cycle takes — sailing or running (loaded
    /// or empty), berthing and handling — leaving out waits for cargo, for a berth or
    /// a path, for room in a yard and for the weather: the simulated counterpart of
    /// the capacity sheet's ρ.
    pub rho: f64,
    /// Share of the fleet's time in each state (they sum to 1): ships `loaded_sailing`,
    /// `empty_sailing`, `waiting_for_berth`, `berthing`, `handling`, `blocked_by_yard`,
    /// `waiting_for_cargo`, `weather_bound`; trains `loaded_running`, `empty_running`,
    /// `waiting_for_path`, `handling`, `waiting_for_cargo`.
    pub time: Vec<(String, f64)>,
}

/// KPIs of one rail line. Its capacity (`trains_per_day`) is per direction, and
/// every train takes a path: loaded trains and their empty returns alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RailKpis {
    /// Rail link id.
    pub id: String,
    /// Trains per day entering the line from `between[0]` towards `between[1]`.
    pub trains_per_day_forward: f64,
    /// Trains per day in the other direction.
    pub trains_per_day_reverse: f64,
    /// Trains in the busier direction over the paths the line offers (0–1).
    pub utilisation: f64,
}

/// How a backlog moved over the measured window: its growth (the least-squares slope
/// over the window's second half — or, when demand or storms are seasonal and the
/// window spans a year, over the whole window with an annual cycle fitted alongside),
/// and its level at the window's start and each tenth of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacklogPath {
    /// Growth, tonnes per day (negative when it shrinks).
    pub growth_tonnes_per_day: f64,
    /// Tonnes in the system at the start of the window and at each tenth of it.
    pub tonnes: Vec<f64>,
}

impl BacklogPath {
    pub(super) fn of(trend: &Trend, growth_tonnes_per_day: f64) -> BacklogPath {
        BacklogPath { growth_tonnes_per_day, tonnes: trend.tenths().to_vec() }
    }

    fn push_entries(&self, prefix: &str, out: &mut Vec<(String, f64)>) {
        out.push((format!("{prefix}.backlog_growth_tonnes_per_day"), self.growth_tonnes_per_day));
        for (i, v) in self.tonnes.iter().enumerate() {
            out.push((format!("{prefix}.backlog_tonnes.t{i:02}"), *v));
        }
    }
}

/// KPIs of one flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowKpis {
    /// Flow id.
    pub id: String,
    /// Generated in the measured window, tonnes.
    pub generated_tonnes: f64,
    /// Delivered in the measured window, tonnes.
    pub delivered_tonnes: f64,
    /// Delivered over generated in the window (1 when nothing was generated).
    pub delivered_share: f64,
    /// In the system at the end, tonnes.
    pub backlog_tonnes: f64,
    /// How the flow's cargo in the system moved over the window.
    pub backlog: BacklogPath,
    /// Mean end-to-end transit of deliveries, hours.
    pub transit_mean_hours: f64,
    /// 95th percentile of transit, hours.
    pub transit_p95_hours: f64,
}

/// System totals over the measured window (after the warm-up), like every other KPI.
/// They balance: `in_system_start + generated = delivered + in_system`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemKpis {
    /// Tonnes that entered the model in the window (flows and open arrivals).
    pub generated_tonnes: f64,
    /// Tonnes that left it at their destination in the window.
    pub delivered_tonnes: f64,
    /// Delivered over generated (1 when nothing was generated).
    pub delivered_share: f64,
    /// Tonnes inside at the end (yards, gates, vessels, trains, queues).
    pub in_system_tonnes: f64,
    /// Tonnes inside when the window opened (the end of the warm-up).
    pub in_system_start_tonnes: f64,
    /// How the cargo in the system moved over the window.
    pub backlog: BacklogPath,
    /// Days in the measured window (shorter than the horizon if the run stopped early).
    pub measured_days: f64,
    /// Events handled.
    pub events: f64,
}

/// Where the corridor is tightest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bottleneck {
    /// The resource with the highest simulated ρ (see [`ReplicationKpis::rho`]).
    pub busiest: String,
    /// Its simulated ρ (0–1).
    pub rho: f64,
    /// The place where cargo waits longest for its next leg.
    pub longest_wait: String,
    /// That mean wait, hours.
    pub wait_hours: f64,
}

/// Exact accounting of every kilogram at the end of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conservation {
    /// Kilograms generated.
    pub generated_kg: u64,
    /// Kilograms delivered.
    pub delivered_kg: u64,
    /// Kilograms waiting: in queues for a leg, at gates, at transfer points.
    pub waiting_kg: u64,
    /// Kilograms on vessels.
    pub on_vessels_kg: u64,
    /// Kilograms on trains.
    pub on_trains_kg: u64,
    /// Kilograms the yards say they hold (must equal the queues at port nodes).
    pub in_yards_kg: u64,
    /// Kilograms of the queues at port nodes.
    pub queued_at_ports_kg: u64,
}

impl Conservation {
    /// Whether generated = delivered + waiting + on vessels + on trains, and the yards agree.
    pub fn holds(&self) -> bool {
        self.generated_kg == self.delivered_kg + self.waiting_kg + self.on_vessels_kg + self.on_trains_kg
            && self.in_yards_kg == self.queued_at_ports_kg
    }
}

/// Everything one replication measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicationKpis {
    /// Per port.
    pub ports: Vec<PortKpis>,
    /// Per ship and train service.
    pub services: Vec<ServiceKpis>,
    /// Per rail line.
    pub rails: Vec<RailKpis>,
    /// Per flow.
    pub flows: Vec<FlowKpis>,
    /// Productive utilisation of every resource, by name (berth groups, yards, fleets,
    /// lines, transfer points): the share of its capacity doing work that moves cargo.
    pub utilisation: Vec<(String, f64)>,
    /// Simulated ρ of every resource, by name: the share of its capacity that the
    /// work offered to it takes — berths handling, fleets on their own cycle (see
    /// [`ServiceKpis::rho`]), rail paths used, yard space filled, transfer servers
    /// busy. Comparable with the capacity sheet's ρ where nothing blocks.
    pub rho: Vec<(String, f64)>,
    /// Growth of the cargo waiting at each place (tonnes per day over the window's
    /// second half), by place: `<node>.waiting_for.<service>`, `<port>.gate`,
    /// `<node>.transfer`.
    pub places: Vec<(String, f64)>,
    /// System totals.
    pub system: SystemKpis,
    /// The bottleneck.
    pub bottleneck: Bottleneck,
    /// Cargo accounting.
    pub conservation: Conservation,
    /// Set when the replication hit a cap and ended early.
    pub saturation: Option<Saturation>,
    /// KPIs of further kinds of entity (e.g. transfer points), by dotted key.
    #[serde(default)]
    pub extra: Vec<(String, f64)>,
    /// The calendar years of a planning run (empty otherwise). The KPIs above are
    /// then those of the last year.
    #[serde(default)]
    pub calendar: Vec<i32>,
    /// The KPIs (as [`ReplicationKpis::entries`]) of each planning year closed
    /// before the last, in order.
    #[serde(default)]
    pub years: Vec<Vec<(String, f64)>>,
}

impl ReplicationKpis {
    /// Adds a resource with its productive utilisation and simulated ρ (both 0–1); it
    /// becomes the bottleneck if its ρ is the highest so far.
    pub fn add_resource(&mut self, name: String, utilisation: f64, rho: f64) {
        if rho > self.bottleneck.rho {
            self.bottleneck.busiest = name.clone();
            self.bottleneck.rho = rho;
        }
        self.utilisation.push((name.clone(), utilisation));
        self.rho.push((name, rho));
    }

    /// The KPIs as `(dotted key, value)` pairs in a fixed order (see README's JSON contract).
    pub fn entries(&self) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        for p in &self.ports {
            let k = |name: &str| format!("port.{}.{name}", p.id);
            out.push((k("throughput_tonnes"), p.throughput_tonnes));
            out.push((k("ship_wait_hours.mean"), p.ship_wait_mean_hours));
            out.push((k("ship_wait_hours.p95"), p.ship_wait_p95_hours));
            out.push((k("ships_at_anchor.mean"), p.ships_at_anchor_mean));
            out.push((k("turnaround_hours.mean"), p.turnaround_mean_hours));
            out.push((k("berth_hours.mean"), p.berth_mean_hours));
            for ((class, h), (_, calls)) in p.berth_hours_by_class.iter().zip(&p.ship_calls_by_class) {
                out.push((k(&format!("berth_hours.{class}.mean")), *h));
                out.push((k(&format!("ship_calls.{class}")), *calls));
            }
            out.push((k("ship_calls"), p.ship_calls));
            for (class, occ) in &p.berth_occupancy {
                out.push((k(&format!("berth_occupancy.{class}")), *occ));
            }
            for ((class, handling), (_, occ)) in p.berth_handling.iter().zip(&p.berth_occupancy) {
                out.push((k(&format!("berth_time.{class}.handling")), *handling));
                out.push((k(&format!("berth_time.{class}.occupied_not_handling")), (occ - handling).max(0.0)));
            }
            out.push((k("yard_stock_tonnes.mean"), p.yard_stock_mean_tonnes));
            out.push((k("yard_stock_tonnes.max"), p.yard_stock_max_tonnes));
            out.push((k("closed_hours"), p.closed_hours));
            out.push((k("yard_blocked_hours"), p.yard_blocked_hours));
        }
        for s in &self.services {
            out.push((format!("service.{}.trips", s.id), s.trips));
            out.push((format!("service.{}.load_factor", s.id), s.load_factor));
            out.push((format!("service.{}.utilisation", s.id), s.utilisation));
            out.push((format!("service.{}.rho", s.id), s.rho));
            for (state, share) in &s.time {
                out.push((format!("service.{}.time.{state}", s.id), *share));
            }
        }
        for r in &self.rails {
            out.push((format!("rail.{}.trains_per_day.forward", r.id), r.trains_per_day_forward));
            out.push((format!("rail.{}.trains_per_day.reverse", r.id), r.trains_per_day_reverse));
        }
        for f in &self.flows {
            let k = |name: &str| format!("flow.{}.{name}", f.id);
            out.push((k("generated_tonnes"), f.generated_tonnes));
            out.push((k("delivered_tonnes"), f.delivered_tonnes));
            out.push((k("delivered_share"), f.delivered_share));
            out.push((k("backlog_tonnes"), f.backlog_tonnes));
            f.backlog.push_entries(&format!("flow.{}", f.id), &mut out);
            out.push((k("transit_hours.mean"), f.transit_mean_hours));
            out.push((k("transit_hours.p95"), f.transit_p95_hours));
        }
        out.extend(self.extra.iter().cloned());
        for (place, growth) in &self.places {
            out.push((format!("place.{place}.growth_tonnes_per_day"), *growth));
        }
        for (name, u) in &self.utilisation {
            out.push((format!("utilisation.{name}"), *u));
        }
        for (name, rho) in &self.rho {
            out.push((format!("rho.{name}"), *rho));
        }
        out.push(("system.generated_tonnes".into(), self.system.generated_tonnes));
        out.push(("system.delivered_tonnes".into(), self.system.delivered_tonnes));
        out.push(("system.delivered_share".into(), self.system.delivered_share));
        out.push(("system.in_system_tonnes".into(), self.system.in_system_tonnes));
        out.push(("system.in_system_start_tonnes".into(), self.system.in_system_start_tonnes));
        self.system.backlog.push_entries("system", &mut out);
        out.push(("system.measured_days".into(), self.system.measured_days));
        out.push(("system.events".into(), self.system.events));
        out.push(("system.saturated".into(), if self.saturation.is_some() { 1.0 } else { 0.0 }));
        self.push_years(&mut out);
        out
    }

    /// Appends `year.<Y>.<key>` for every planning year, and `year.<Y>.system.completed`
    /// (1 for a year measured in full). The last year's values are the unprefixed
    /// ones; a year the run did not finish (it stopped at a cap) has zeros.
    fn push_years(&self, out: &mut Vec<(String, f64)>) {
        if self.calendar.is_empty() {
            return;
        }
        let last: Vec<(String, f64)> = out.clone();
        for (k, year) in self.calendar.iter().enumerate() {
            let (values, completed): (Vec<(String, f64)>, bool) = if let Some(v) = self.years.get(k) {
                (v.clone(), true)
            } else if k == self.years.len() && k + 1 == self.calendar.len() && self.saturation.is_none() {
                (last.clone(), true)
            } else {
                (last.iter().map(|(key, _)| (key.clone(), 0.0)).collect(), false)
            };
            for (key, value) in values {
                out.push((format!("year.{year}.{key}"), value));
            }
            out.push((format!("year.{year}.system.completed"), if completed { 1.0 } else { 0.0 }));
        }
    }
}
