//! The capacity sheet: from the scenario alone, before simulating, what every resource
//! can carry in a year, the load the flows offer it, and their ratio ρ.
//!
//! Every figure is a mean-value calculation on the compiled network (distribution
//! means, seasonality averaging to 1), in the time the resource must spend per year
//! against the time it has:
//!
//! - **berth group** — needed berth-hours: for each ship service calling, the calls a
//!   year it needs (full loads on its busiest sailing) × berthing time, plus the
//!   tonnes it loads and unloads there ÷ the handling rate (or calls × the mean
//!   service time, for berths with a sampled service time); the same for open
//!   arrivals. Available: berths × 8,760 h × the share of time the port is open
//!   (storms: `1 − exp(−Σ λ·q·E[duration])`, averaged over the months, with `q` the
//!   chance a storm closes the port: 1, or a sheltered port's `close_probability`).
//! - **fleet** — needed vessel-hours: cycles a year (busiest sailing's tonnes ÷ vessel
//!   capacity) × (mean sailing of the loop + berthing per call), plus tonnes handled
//!   ÷ rate. Available: vessels × 8,760 h × the share of time the ports of its loop
//!   are open and its sea links sailable (a closed port or a suspended sailing holds
//!   vessels). Waits for berths and cargo are left
//!   out: they are other resources' load. A **pool** (vessels shared by several
//!   services) is one row: its lines' vessel-hours together against all its vessels ×
//!   8,760 h × their routes' open share (weighted by each line's need); repositioning
//!   is counted only as the lines' own sailings.
//! - **rail line** — trains a year in the busier direction (loaded trains of services
//!   that way, empty returns of services the other way) against paths a year
//!   (8,760 h ÷ headway).
//! - **trainsets** — trains a year (tonnes ÷ train capacity) × cycle (loading, mean
//!   transit, unloading, mean transit back) against trainsets × 8,760 h; a timetabled
//!   service also runs at most one train per slot.
//! - **yard** — the stock the cargo passing through holds on average (Little's law:
//!   tonnes per hour × mean dwell) against the yard's capacity. The dwell is half the
//!   interval between departures of the service the cargo waits for; for ships, only
//!   while no vessel waits at berth (a waiting vessel loads cargo as it arrives),
//!   taken as the fleet's ρ of the time. A rough figure: yards fill when what
//!   empties them cannot keep up, which the other rows show.
//! - **transfer point** — consignments a year × mean dwell against servers × 8,760 h.
//!
//! Capacity in tonnes a year is the offered tonnes ÷ ρ (the tonnes at which the
//! resource would be fully used, with the same mix of cargo).

mod rows;

use super::bound::RhoBound;
use super::compiled::Network;
use super::network::{Handling, Kg, tonnes};
use serde::{Deserialize, Serialize};

pub(super) const HOURS_PER_YEAR: f64 = 8_760.0;

/// What kind of resource a capacity-sheet row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A group of berths of one class at a port.
    Berths,
    /// A port's yard.
    Yard,
    /// The vessels of a ship service.
    Fleet,
    /// The trainsets of a train service.
    Trainsets,
    /// A rail line (paths per direction).
    RailLine,
    /// A transfer point's servers.
    TransferPoint,
    /// A pipeline's pumping rate.
    Pipeline,
}

impl ResourceKind {
    /// A short readable name.
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::Berths => "berths",
            ResourceKind::Yard => "yard",
            ResourceKind::Fleet => "fleet",
            ResourceKind::Trainsets => "trainsets",
            ResourceKind::RailLine => "rail line",
            ResourceKind::TransferPoint => "transfer point",
            ResourceKind::Pipeline => "pipeline",
        }
    }
}

/// One resource on the capacity sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityRow {
    /// The resource, named as in `utilisation.*` and `rho.*` KPI keys (e.g.
    /// `port.baku.berths.rail_ferry`, `service.aktau_ferry`, `rail.btk`).
    pub resource: String,
    /// Its kind.
    pub kind: ResourceKind,
    /// Tonnes a year the flows offer it.
    pub offered_tonnes_per_year: f64,
    /// Tonnes a year it could carry with the same mix of cargo (offered ÷ ρ); `None`
    /// when nothing is offered.
    pub capacity_tonnes_per_year: Option<f64>,
    /// Offered load over capacity: above 1, the resource cannot keep up.
    pub rho: f64,
    /// How the figures were worked out, in a line.
    pub basis: String,
}

/// The capacity sheet of a network: every resource, busiest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacitySheet {
    /// Rows sorted by ρ, highest first (ties by name).
    pub rows: Vec<CapacityRow>,
    /// Tonnes a year the flows and open arrivals bring.
    pub demand_tonnes_per_year: f64,
    /// Whether demand or storms vary by month (a backlog may then rise and fall with
    /// the seasons).
    pub seasonal: bool,
    /// The lower bound on the highest ρ, whatever the split of shared and chosen
    /// cargo (the rows above are estimates; decisions use this): see [`RhoBound`].
    /// In a planning year, over every configuration in force during it.
    #[serde(default)]
    pub bound: Option<RhoBound>,
    /// The mean size of the largest lots cargo comes in (a flow's consignments, or a
    /// ship's cargo), tonnes: a backlog that grows by less than one of these over half
    /// the window cannot be told from the coming and going of single lots.
    #[serde(default)]
    pub lump_tonnes: f64,
}

impl CapacitySheet {
    /// The row of `resource`, if the sheet has it.
    pub fn row(&self, resource: &str) -> Option<&CapacityRow> {
        self.rows.iter().find(|r| r.resource == resource)
    }

    /// The resource with the highest ρ.
    pub fn binding(&self) -> Option<&CapacityRow> {
        self.rows.first()
    }
}

/// Whether demand or storms vary by month.
pub(crate) fn seasonal(net: &Network) -> bool {
    let varies = |m: &[f64; 12]| m.iter().any(|x| (x - 1.0).abs() > 1e-9);
    net.flows.iter().any(|f| f.rate_per_hour > 0.0 && varies(&f.seasonality))
        || net.weather.iter().any(|w| w.rate_per_hour > 0.0 && varies(&w.monthly))
}

/// Flow `f`'s tonnes and consignments a year: its own, plus the cargo of ships
/// arriving that continues as it (in parcels, or whole when it lands at the end).
pub(super) fn flow_annual(net: &Network, f: usize) -> (f64, f64) {
    let def = &net.flows[f];
    let (mut tonnes, mut consignments) =
        (def.offered_rate_per_hour * def.size.mean * HOURS_PER_YEAR, def.offered_rate_per_hour * HOURS_PER_YEAR);
    for a in &net.arrivals {
        if let Some((flow, parcel, _)) = a.continues
            && flow as usize == f
        {
            let ships = a.rate_per_hour * HOURS_PER_YEAR;
            tonnes += ships * a.cargo.mean;
            consignments += ships * (a.cargo.mean / super::network::tonnes(parcel)).ceil().max(1.0);
        }
    }
    (tonnes, consignments)
}

/// Tonnes a year on each leg, from the flows.
fn leg_loads(net: &Network) -> Vec<f64> {
    let mut loads = vec![0.0; net.legs.len()];
    for (i, f) in net.flows.iter().enumerate() {
        let (annual, _) = flow_annual(net, i);
        for &l in &f.legs {
            loads[l] += annual;
        }
    }
    loads
}

/// Units a year on each leg (loaded units of flows counted in units, and the empty
/// units that return: the share of every loaded unit).
fn leg_units(net: &Network) -> Vec<f64> {
    let mut units = vec![0.0; net.legs.len()];
    for (i, f) in net.flows.iter().enumerate() {
        if f.unit.is_none() || f.kg_per_unit == 0 || f.empty {
            continue;
        }
        let loaded = flow_annual(net, i).0 / tonnes(f.kg_per_unit);
        for &l in &f.legs {
            units[l] += loaded;
        }
        if let Some((empty, share, _)) = f.empties {
            for &l in &net.flows[empty].legs {
                units[l] += loaded * share;
            }
        }
    }
    units
}

/// The share of leg `l`'s cargo that ship service `s` carries when several services
/// load it: in proportion to what their fleets can take of it (vessels × the slots or
/// tonnes they have for it).
fn leg_share(net: &Network, l: usize, s: usize) -> f64 {
    let leg = &net.legs[l];
    if leg.ships.len() <= 1 {
        return 1.0;
    }
    let take = |s: usize| {
        let def = &net.ship_services[s];
        let per_vessel = match def.slot_of(leg.unit) {
            Some(k) => f64::from(def.slots[k].2),
            None => tonnes(def.capacity),
        };
        f64::from(def.vessels) * per_vessel
    };
    let total: f64 = leg.ships.iter().map(|&x| take(x)).sum();
    if total > 0.0 { take(s) / total } else { 1.0 / leg.ships.len() as f64 }
}

/// Share of the time every port of `ports` is open and every sea link of `links` is
/// sailable: storms are Poisson onsets with monthly weights and sampled durations, so
/// the chance that no storm touching them is blowing in month `m` is
/// `exp(−Σ λ_m·q·E[duration])` over their areas, where `q` is the chance a storm
/// touches them (1, or a sheltered port's `close_probability`; for several sheltered
/// ports of one area, the chance it closes at least one, taken as independent).
pub(super) fn open_share(net: &Network, ports: &[usize], links: &[usize]) -> f64 {
    let mut open = 0.0;
    for month in 0..12 {
        let exposure: f64 = net
            .weather
            .iter()
            .map(|w| {
                let always = w.ports.iter().any(|p| ports.contains(p)) || w.links.iter().any(|l| links.contains(l));
                let touched = if always {
                    1.0
                } else {
                    1.0 - w.sheltered.iter().filter(|(p, _)| ports.contains(p)).map(|(_, q)| 1.0 - q).product::<f64>()
                };
                w.rate_per_hour * w.monthly[month] * w.duration.mean * touched
            })
            .sum();
        open += (-exposure).exp() / 12.0;
    }
    open
}

fn ratio(needed: f64, available: f64) -> f64 {
    if needed <= 0.0 {
        0.0
    } else if available <= 0.0 {
        f64::INFINITY
    } else {
        needed / available
    }
}

fn row(resource: String, kind: ResourceKind, offered: f64, rho: f64, basis: String) -> CapacityRow {
    let capacity = (offered > 0.0 && rho > 0.0).then(|| if rho.is_finite() { offered / rho } else { 0.0 });
    CapacityRow { resource, kind, offered_tonnes_per_year: offered, capacity_tonnes_per_year: capacity, rho, basis }
}

/// Mean berth time a call at berth group `b` of port `p` takes besides the tonnes
/// moved (berthing, or the whole sampled call), and the hours per tonne moved.
pub(super) fn call_time(net: &Network, p: usize, b: usize) -> (f64, f64) {
    match &net.ports[p].berths[b].handling {
        Handling::Rate { kg_per_hour, berthing } => (berthing.as_hours(), 1000.0 / kg_per_hour.max(1e-9)),
        Handling::Service(d) => (d.mean, 0.0),
    }
}

/// Berth hours a year that `moves` (units on or off, by unit) take at berth group `b`
/// of port `p`, by its hours per unit.
pub(super) fn unit_time(net: &Network, p: usize, b: usize, moves: &[(usize, f64)]) -> f64 {
    let per_unit = &net.ports[p].berths[b].unit_hours;
    moves.iter().map(|&(unit, count)| count * per_unit.get(unit).copied().unwrap_or(0.0)).sum()
}

/// What one ship service needs, worked out once for fleets, berths and yards.
struct ShipPlan {
    /// Cycles of the loop a year (full loads on the busiest sailing).
    cycles: f64,
    /// Tonnes carried a year (each consignment once).
    carried: f64,
    /// Per route position: tonnes loaded plus unloaded there a year.
    handled: Vec<f64>,
    /// Per route position: tonnes loaded there a year, by leg.
    loaded: Vec<Vec<(usize, f64)>>,
    /// Per route position: units moved on or off there a year (loaded and empty), as
    /// (unit, count).
    unit_moves: Vec<Vec<(usize, f64)>>,
    /// Mean sailing of the whole loop, hours.
    sailing: f64,
}

fn ship_plan(net: &Network, s: usize, loads: &[f64], units: &[f64]) -> ShipPlan {
    let def = &net.ship_services[s];
    let n = def.route.len();
    let capacity = tonnes(def.capacity).max(1e-9);
    // Vessel loads aboard on each sailing, by what fills a vessel: its weight, each
    // unit's slots (or cap), and a shared deck.
    let dims = 2 + def.slots.len();
    let mut on_board = vec![vec![0.0; dims]; n];
    let mut handled = vec![0.0; n];
    let mut loaded = vec![Vec::new(); n];
    let mut unit_moves: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut carried = 0.0;
    for (pos, legs) in def.load_legs.iter().enumerate() {
        for &l in legs {
            let share = leg_share(net, l, s);
            let (t, u) = (loads[l] * share, units[l] * share);
            let to = net.legs[l].to;
            // Sails from `pos` until the next call at the leg's destination.
            let Some(k) = (1..n).find(|k| net.ports[def.route[(pos + k) % n]].node == to) else {
                continue;
            };
            let slot = def.slot_of(net.legs[l].unit);
            for j in 0..k {
                let aboard = &mut on_board[(pos + j) % n];
                aboard[0] += t / capacity;
                if let Some(k) = slot {
                    let (_, slots, most) = def.slots[k];
                    aboard[1 + k] += u / f64::from(most.max(1));
                    if def.deck > 0 {
                        aboard[dims - 1] += u / f64::from(slots.max(1));
                    }
                }
            }
            handled[pos] += t;
            handled[(pos + k) % n] += t;
            if let Some(unit) = net.legs[l].unit {
                unit_moves[pos].push((unit, u));
                unit_moves[(pos + k) % n].push((unit, u));
            }
            loaded[pos].push((l, t));
            carried += t;
        }
    }
    let busiest = on_board.iter().flatten().cloned().fold(0.0, f64::max);
    ShipPlan {
        cycles: busiest,
        carried,
        handled,
        loaded,
        unit_moves,
        sailing: def.sailing.iter().map(|&l| net.sea_links[l].sailing.mean).sum(),
    }
}

/// Hours between departures of a service from a place where cargo arrives at
/// `tonnes_per_hour`: the fleet's natural headway, or the time to gather a departing
/// load (capped by the longest wait), whichever is longer.
fn headway(cycle_hours: f64, units: u32, load: Kg, max_wait_hours: f64, tonnes_per_hour: f64) -> f64 {
    let natural = cycle_hours / f64::from(units.max(1));
    let gather = if tonnes_per_hour > 0.0 { (tonnes(load) / tonnes_per_hour).min(max_wait_hours) } else { 0.0 };
    natural.max(gather)
}

impl Network {
    /// The capacity sheet (see the module documentation of `model::capacity` for how
    /// each figure is worked out), busiest resource first.
    ///
    /// ```
    /// use corridor::model::Network;
    /// use corridor::scenario::Scenario;
    /// let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml").unwrap();
    /// let sheet = Network::compile(scenario.base()).unwrap().capacity_sheet();
    /// let berths = sheet.row("port.port.berths.dry").unwrap();
    /// assert!((berths.rho - 2.0 / 3.0).abs() < 1e-9); // λ E[S] / c = (1/6 h) × 12 h / 3
    /// ```
    ///
    /// In a planning run the sheet is the last year's (see [`Network::final_year`]);
    /// in a single run with dated changes, its rows are the configuration in force at
    /// the end and its bound weighs every configuration by the time it holds.
    pub fn capacity_sheet(&self) -> CapacitySheet {
        if self.calendar.is_none() && !self.epochs.is_empty() {
            let mut sheet = self.for_year(0).capacity_sheet();
            sheet.bound = Some(self.rho_bound_of_year(0));
            return sheet;
        }
        if self.calendar.is_some()
            && (!self.epochs.is_empty()
                || self.flows.iter().any(|f| !f.growth.is_empty())
                || self.arrivals.iter().any(|a| !a.growth.is_empty()))
        {
            let mut sheet = self.final_year().capacity_sheet();
            sheet.bound = Some(self.rho_bound_of_year(self.years().len().saturating_sub(1)));
            return sheet;
        }
        let net = self;
        let loads = leg_loads(net);
        let units = leg_units(net);
        let plans: Vec<ShipPlan> = (0..net.ship_services.len()).map(|s| ship_plan(net, s, &loads, &units)).collect();
        let mut rows = Vec::new();
        rows::berth_rows(net, &plans, &mut rows);
        let fleet_rho = rows::fleet_rows(net, &plans, &mut rows);
        rows::rail_rows(net, &loads, &mut rows);
        rows::yard_rows(net, &loads, &plans, &fleet_rho, &mut rows);
        rows::pipeline_rows(net, &loads, &mut rows);
        rows::transfer_rows(net, &mut rows);

        rows.sort_by(|a, b| b.rho.total_cmp(&a.rho).then_with(|| a.resource.cmp(&b.resource)));
        // A market with another corridor to take counts what this one captures of it.
        let carried =
            |f: &super::flows::FlowDef| if f.outside.is_some() { f.offered_rate_per_hour } else { f.rate_per_hour };
        let demand = net.flows.iter().map(|f| carried(f) * f.size.mean * HOURS_PER_YEAR).sum::<f64>()
            + net.arrivals.iter().map(|a| a.rate_per_hour * HOURS_PER_YEAR * a.cargo.mean).sum::<f64>();
        let lump = net
            .flows
            .iter()
            .filter(|f| f.rate_per_hour > 0.0)
            .map(|f| f.size.mean)
            .chain(net.arrivals.iter().filter(|a| a.rate_per_hour > 0.0).map(|a| a.cargo.mean))
            .fold(0.0, f64::max);
        CapacitySheet {
            rows,
            demand_tonnes_per_year: demand,
            seasonal: seasonal(net),
            bound: Some(super::bound::of(net)),
            lump_tonnes: lump,
        }
    }
}
