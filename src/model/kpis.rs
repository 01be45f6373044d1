//! Typed KPIs of one replication, and their flattening into dotted keys.

use super::audit;
use super::cargo::leg_name;
use super::corridor::{Corridor, Saturation};
use super::network::tonnes;
use crate::engine::SimTime;
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
    /// Ship calls completed.
    pub ship_calls: f64,
    /// Berth occupancy (busy berths / berths) per class.
    pub berth_occupancy: Vec<(String, f64)>,
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
    /// Fraction of the fleet busy (not idle waiting for cargo or at home).
    pub utilisation: f64,
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

/// KPIs of one flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowKpis {
    /// Flow id.
    pub id: String,
    /// Generated in the measured window, tonnes.
    pub generated_tonnes: f64,
    /// Delivered in the measured window, tonnes.
    pub delivered_tonnes: f64,
    /// In the system at the end, tonnes.
    pub backlog_tonnes: f64,
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
    /// Tonnes inside at the end (yards, gates, vessels, trains, queues).
    pub in_system_tonnes: f64,
    /// Tonnes inside when the window opened (the end of the warm-up).
    pub in_system_start_tonnes: f64,
    /// Events handled.
    pub events: f64,
}

/// Where the corridor is tightest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bottleneck {
    /// The resource with the highest utilisation.
    pub busiest: String,
    /// Its utilisation (0–1).
    pub utilisation: f64,
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
    /// Utilisation of every resource, by name (berth groups, yards, fleets, lines).
    pub utilisation: Vec<(String, f64)>,
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
}

impl ReplicationKpis {
    /// Adds a resource and its utilisation (0–1); it becomes the bottleneck if busier
    /// than every resource so far.
    pub fn add_resource(&mut self, name: String, utilisation: f64) {
        if utilisation > self.bottleneck.utilisation {
            self.bottleneck.busiest = name.clone();
            self.bottleneck.utilisation = utilisation;
        }
        self.utilisation.push((name, utilisation));
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
            out.push((k("ship_calls"), p.ship_calls));
            for (class, occ) in &p.berth_occupancy {
                out.push((k(&format!("berth_occupancy.{class}")), *occ));
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
        }
        for r in &self.rails {
            out.push((format!("rail.{}.trains_per_day.forward", r.id), r.trains_per_day_forward));
            out.push((format!("rail.{}.trains_per_day.reverse", r.id), r.trains_per_day_reverse));
        }
        for f in &self.flows {
            let k = |name: &str| format!("flow.{}.{name}", f.id);
            out.push((k("generated_tonnes"), f.generated_tonnes));
            out.push((k("delivered_tonnes"), f.delivered_tonnes));
            out.push((k("backlog_tonnes"), f.backlog_tonnes));
            out.push((k("transit_hours.mean"), f.transit_mean_hours));
            out.push((k("transit_hours.p95"), f.transit_p95_hours));
        }
        out.extend(self.extra.iter().cloned());
        for (name, u) in &self.utilisation {
            out.push((format!("utilisation.{name}"), *u));
        }
        out.push(("system.generated_tonnes".into(), self.system.generated_tonnes));
        out.push(("system.delivered_tonnes".into(), self.system.delivered_tonnes));
        out.push(("system.in_system_tonnes".into(), self.system.in_system_tonnes));
        out.push(("system.in_system_start_tonnes".into(), self.system.in_system_start_tonnes));
        out.push(("system.events".into(), self.system.events));
        out.push(("system.saturated".into(), if self.saturation.is_some() { 1.0 } else { 0.0 }));
        out
    }
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// The KPIs of a replication whose measured window was closed at `end` (see
/// `Corridor::close_window`), read from each subsystem's measurement.
pub(super) fn assemble(w: &Corridor<'_>, end: SimTime, events: u64) -> ReplicationKpis {
    let net = w.net;
    let t = end.as_millis();
    let measured_hours = (end - net.warmup).as_hours();
    let mut utilisation = Vec::new();
    let mut ports = Vec::new();
    for (p, def) in net.ports.iter().enumerate() {
        let (berths, yard, closure) = (&w.berths.ports[p], &w.yards.ports[p], &w.weather.ports[p]);
        let berth_occupancy: Vec<(String, f64)> = def
            .berths
            .iter()
            .zip(&berths.groups)
            .map(|(b, g)| {
                let occ = if b.count == 0 { 0.0 } else { g.occupancy.mean(t) / b.count as f64 };
                (b.class.name().to_string(), finite(occ))
            })
            .collect();
        for (class, occ) in &berth_occupancy {
            utilisation.push((format!("port.{}.berths.{class}", def.id), *occ));
        }
        let yard_mean = yard.stock.mean(t);
        if def.yard_capacity > 0 {
            utilisation.push((format!("port.{}.yard", def.id), finite(yard_mean / tonnes(def.yard_capacity))));
        }
        ports.push(PortKpis {
            id: def.id.clone(),
            throughput_tonnes: tonnes(berths.throughput),
            ship_wait_mean_hours: berths.wait.mean(),
            ship_wait_p95_hours: berths.wait_quantiles.quantile(0.95),
            ships_at_anchor_mean: berths.anchorage.mean(t),
            turnaround_mean_hours: berths.turnaround.mean(),
            ship_calls: berths.turnaround.count() as f64,
            berth_occupancy,
            yard_stock_mean_tonnes: yard_mean,
            yard_stock_max_tonnes: yard.stock.max(),
            closed_hours: closure.closed_hours,
            yard_blocked_hours: yard.blocked_hours,
        });
    }
    let mut services = Vec::new();
    for (def, st) in net.ship_services.iter().zip(&w.ships.services) {
        let busy = if def.vessels == 0 { 0.0 } else { 1.0 - st.idle.mean(t) / def.vessels as f64 };
        utilisation.push((format!("service.{}", def.id), finite(busy)));
        services.push(ServiceKpis {
            id: def.id.clone(),
            trips: st.trips as f64,
            load_factor: st.load_factor.mean(),
            utilisation: finite(busy),
        });
    }
    for (def, st) in net.train_services.iter().zip(&w.trains.services) {
        let busy = if def.trainsets == 0 { 0.0 } else { st.busy.mean(t) / def.trainsets as f64 };
        utilisation.push((format!("service.{}", def.id), finite(busy)));
        services.push(ServiceKpis {
            id: def.id.clone(),
            trips: st.trips as f64,
            load_factor: st.load_factor.mean(),
            utilisation: finite(busy),
        });
    }
    let mut rails = Vec::new();
    for (i, link) in net.rail_links.iter().enumerate() {
        // Capacity is per direction; loaded and empty trains both take a path. The
        // line's utilisation is that of its busier direction: trains counted against
        // the most paths a window of this length can hold.
        let window = (end - net.warmup).as_millis();
        let paths = window.div_ceil(link.headway.as_millis().max(1)).max(1) as f64;
        let [forward, reverse] = w.trains.line_trains[i];
        let per_day = |n: u64| {
            if measured_hours > 0.0 { n as f64 / (measured_hours / 24.0) } else { 0.0 }
        };
        let busier = forward.max(reverse) as f64 / paths;
        utilisation.push((format!("rail.{}", link.id), finite(busier)));
        rails.push(RailKpis {
            id: link.id.clone(),
            trains_per_day_forward: per_day(forward),
            trains_per_day_reverse: per_day(reverse),
            utilisation: finite(busier),
        });
    }
    let flows = net
        .flows
        .iter()
        .zip(&w.flows.state)
        .map(|(def, st)| FlowKpis {
            id: def.id.clone(),
            generated_tonnes: tonnes(st.generated),
            delivered_tonnes: tonnes(st.delivered),
            backlog_tonnes: tonnes(st.in_system),
            transit_mean_hours: st.transit.mean(),
            transit_p95_hours: st.transit_quantiles.quantile(0.95),
        })
        .collect();
    let (busiest, top) = utilisation
        .iter()
        .fold((String::from("none"), 0.0), |(n, u), (name, v)| if *v > u { (name.clone(), *v) } else { (n, u) });
    let (mut longest_wait, mut wait_hours) = (String::from("none"), 0.0);
    for (i, q) in w.cargo.legs.iter().enumerate() {
        if q.wait.count() > 0 && q.wait.mean() > wait_hours {
            wait_hours = q.wait.mean();
            longest_wait = leg_name(net, i);
        }
    }
    let conservation = audit::conservation(w);
    ReplicationKpis {
        ports,
        services,
        rails,
        flows,
        utilisation,
        system: SystemKpis {
            generated_tonnes: tonnes(w.cargo.window_generated),
            delivered_tonnes: tonnes(w.cargo.window_delivered),
            in_system_tonnes: tonnes(conservation.waiting_kg + conservation.on_vessels_kg + conservation.on_trains_kg),
            in_system_start_tonnes: tonnes(w.cargo.in_system_at_start),
            events: events as f64,
        },
        bottleneck: Bottleneck { busiest, utilisation: top, longest_wait, wait_hours },
        conservation,
        saturation: w.saturation.clone(),
        extra: Vec::new(),
    }
}
