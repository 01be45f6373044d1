//! The capacity sheet's lower bound on ρ, for decisions.
//!
//! The sheet's rows are estimates: where several fleets share a leg it splits the
//! cargo by what each can take, and a flow choosing its route by cost or congestion is
//! split by its stated shares. In a simulation the next vessel with room takes the
//! cargo and consignments go where the queue is shortest, so a row can overstate what
//! a resource must do. A pruning rule may only rule out what is surely infeasible, so
//! decisions use this bound instead:
//!
//! **the least, over every way of splitting the cargo among the carriers that can take
//! it and the routes it may choose, of the highest ρ of any resource.**
//!
//! Every resource's work is linear in the split (berth-hours per call and per tonne,
//! vessel-hours per cycle, trains per tonne, …), and a ship service's cycles are the
//! most any of its sailings needs, so the bound is a linear program: minimise `t`
//! such that every resource's work ≤ `t` × its capacity, over the split shares and the
//! cycles ([`microlp`] solves it). Whatever the simulation does, some resource then
//! has ρ ≥ `t`: a bound `t ≥ 1` is a backlog that grows whatever the randomness.
//!
//! Its terms are the sheet's mean-value figures, each a lower bound on the work:
//! a vessel carries at most its capacity, weight and slots, so it makes at least as
//! many cycles as full loads need; every call takes its berthing time; every tonne
//! its handling. Capacities are upper bounds: a berth whose port pauses handling in
//! storms works only while the port is open (with `continue` it may work all year); a
//! vessel works while its route is open, plus, in each storm that touches it, at most
//! the rest of a sailing under way and one call's handling at a port still open.
//! The vessels of a pool serve any of its lines: its lines' work together is bounded
//! by all its vessels, each working at most what its most favourable line allows.
//! A planning year whose configuration changes during it is bounded over its
//! configurations together, each weighted by the time it holds, each with its own
//! split: the year's work against the year's capacity.

use super::capacity::{HOURS_PER_YEAR, call_time, flow_annual, open_share};
use super::compiled::Network;
use super::network::{Carrier, Handling, tonnes};
use crate::scenario::{DeparturePolicy, RouteChoice};
use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};
use serde::{Deserialize, Serialize};

/// Coefficients (as shares of a resource's capacity) below this are left out of the
/// program: leaving out work only lowers the bound, and it keeps the program well
/// scaled.
const NEGLIGIBLE: f64 = 1e-9;

/// A lower bound on the highest ρ of any resource (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RhoBound {
    /// No split of the cargo among carriers and routes gives every resource a ρ below
    /// this. Infinite when a resource without capacity must take cargo.
    pub rho: f64,
    /// The resources at the bound at the most favourable split, by name (as the
    /// sheet's rows and `rho.*` keys).
    pub binding: Vec<String>,
    /// Set when the program could not be solved: the bound is then 0 (no decision
    /// rests on it).
    pub note: Option<String>,
}

impl RhoBound {
    /// Whether some resource surely has ρ ≥ 1: a backlog that grows whatever the
    /// randomness.
    pub fn overloaded(&self) -> bool {
        self.rho >= 1.0
    }

    /// The bound in words: `ρ ≥ 1.04 at service.turkmen_ferry`.
    pub fn describe(&self) -> String {
        let at = if self.binding.is_empty() { String::new() } else { format!(" at {}", self.binding.join(", ")) };
        if self.rho.is_finite() {
            format!("ρ ≥ {:.3}{at}", self.rho)
        } else {
            format!("ρ unbounded{at} (no capacity for cargo that must go there)")
        }
    }
}

/// A share of a flow's cargo: fixed, or a variable of the program.
#[derive(Debug, Clone, Copy)]
enum Share {
    Fixed(f64),
    Var(Variable),
}

/// A linear expression in the program's variables, plus a constant.
#[derive(Debug, Clone, Default)]
struct Expr {
    terms: Vec<(Variable, f64)>,
    constant: f64,
}

impl Expr {
    fn add(&mut self, share: Share, coefficient: f64) {
        if coefficient == 0.0 || !coefficient.is_finite() {
            return;
        }
        match share {
            Share::Fixed(x) => self.constant += x * coefficient,
            Share::Var(v) => self.terms.push((v, coefficient)),
        }
    }

    fn add_expr(&mut self, other: &Expr, factor: f64) {
        self.constant += other.constant * factor;
        self.terms.extend(other.terms.iter().map(|&(v, c)| (v, c * factor)));
    }

    /// Its largest value with every share at most 1 (the terms' variables here are
    /// shares: route choices and carrier splits).
    fn most(&self) -> f64 {
        self.constant + self.terms.iter().map(|(_, c)| c.max(0.0)).sum::<f64>()
    }

    fn value(&self, solution: &microlp::Solution) -> f64 {
        self.constant + self.terms.iter().map(|&(v, c)| c * solution.var_value(v)).sum::<f64>()
    }
}

/// A resource: its name, the work it must do a year (an expression in the split) and
/// what it can do a year, in the same unit.
struct Row {
    name: String,
    need: Expr,
    available: f64,
}

/// The rows of one configuration, each variable of its split added to `problem`.
fn rows(net: &Network, problem: &mut Problem) -> Vec<Row> {
    let flows = &net.flows;
    // Shares of each flow: route choices by cost or congestion are free (summing to
    // 1 over a flow's routes); empty returns follow their loaded flow.
    let mut share: Vec<Share> = vec![Share::Fixed(1.0); flows.len()];
    let mut whole: Vec<Option<usize>> = vec![None; flows.len()];
    for (p, f) in flows.iter().enumerate() {
        let Some(set) = &f.routes else { continue };
        if set.rule == RouteChoice::Shares {
            continue;
        }
        let vars: Vec<Variable> = set.routes.iter().map(|_| problem.add_var(0.0, (0.0, 1.0))).collect();
        for (&m, &v) in set.routes.iter().zip(&vars) {
            share[m] = Share::Var(v);
            whole[m] = Some(p);
        }
        let sum: Vec<(Variable, f64)> = vars.iter().map(|&v| (v, 1.0)).collect();
        constrain(problem, sum, ComparisonOp::Eq, 1.0);
    }
    // Tonnes, units and consignments a year if the whole flow went this way.
    let mut quantity = vec![(0.0, 0.0, 0.0); flows.len()];
    for (f, def) in flows.iter().enumerate() {
        if def.empty {
            continue;
        }
        let (t, n) = flow_annual(net, whole[f].unwrap_or(f));
        let units = if def.unit.is_some() && def.kg_per_unit > 0 { t / tonnes(def.kg_per_unit) } else { 0.0 };
        quantity[f] = (t, units, n);
    }
    for (g, def) in flows.iter().enumerate() {
        if let Some((e, fraction, _)) = def.empties {
            share[e] = share[g];
            quantity[e] = (0.0, quantity[g].1 * fraction, 0.0);
        }
    }
    // Each flow's share on each leg, per carrier: a leg several ship services load is
    // split among them freely.
    let mut on_leg: Vec<Vec<(usize, Option<usize>, Share)>> = vec![Vec::new(); net.legs.len()];
    for (f, def) in flows.iter().enumerate() {
        let (t, u, _) = quantity[f];
        if t <= 0.0 && u <= 0.0 {
            continue;
        }
        for &l in &def.legs {
            let leg = &net.legs[l];
            if leg.ships.len() > 1 {
                let mut sum: Vec<(Variable, f64)> = Vec::new();
                for &s in &leg.ships {
                    let v = problem.add_var(0.0, (0.0, 1.0));
                    on_leg[l].push((f, Some(s), Share::Var(v)));
                    sum.push((v, 1.0));
                }
                match share[f] {
                    Share::Fixed(x) => constrain(problem, sum, ComparisonOp::Eq, x),
                    Share::Var(z) => {
                        sum.push((z, -1.0));
                        constrain(problem, sum, ComparisonOp::Eq, 0.0);
                    }
                }
            } else {
                let carrier = match leg.carrier {
                    Carrier::Ship(s) => Some(s),
                    _ => None,
                };
                on_leg[l].push((f, carrier, share[f]));
            }
        }
    }
    let tonnes_on = |l: usize| {
        let mut e = Expr::default();
        for &(f, _, sh) in &on_leg[l] {
            e.add(sh, quantity[f].0);
        }
        e
    };

    let mut rows = Vec::new();
    // Ship services: cycles (a variable: at least what every sailing's load needs),
    // and the tonnes each handles at each call.
    let mut cycles: Vec<Option<(Variable, f64)>> = vec![None; net.ship_services.len()];
    let mut handled: Vec<Vec<Expr>> = Vec::new();
    for (s, def) in net.ship_services.iter().enumerate() {
        let n = def.route.len();
        let capacity = tonnes(def.capacity).max(1e-3);
        let dims = 2 + def.slots.len();
        let mut on_board: Vec<Vec<Expr>> = vec![vec![Expr::default(); dims]; n];
        let mut at_call: Vec<Expr> = vec![Expr::default(); n];
        for (pos, legs) in def.load_legs.iter().enumerate() {
            for &l in legs {
                let to = net.legs[l].to;
                let Some(k) = (1..n).find(|k| net.ports[def.route[(pos + k) % n]].node == to) else {
                    continue;
                };
                let slot = def.slot_of(net.legs[l].unit);
                for &(f, carrier, sh) in &on_leg[l] {
                    if carrier != Some(s) {
                        continue;
                    }
                    let (t, u, _) = quantity[f];
                    for j in 0..k {
                        let aboard = &mut on_board[(pos + j) % n];
                        aboard[0].add(sh, t / capacity);
                        if let Some(k) = slot {
                            let (_, slots, most) = def.slots[k];
                            aboard[1 + k].add(sh, u / f64::from(most.max(1)));
                            if def.deck > 0 {
                                aboard[dims - 1].add(sh, u / f64::from(slots.max(1)));
                            }
                        }
                    }
                    at_call[pos].add(sh, t);
                    at_call[(pos + k) % n].add(sh, t);
                }
            }
        }
        let scale = on_board.iter().flatten().map(Expr::most).fold(0.0, f64::max);
        if scale > 0.0 {
            let c = problem.add_var(0.0, (0.0, f64::INFINITY));
            for expr in on_board.iter().flatten().filter(|e| e.most() > NEGLIGIBLE * scale) {
                // c × scale ≥ expr, as c − expr / scale ≥ constant / scale.
                let mut terms = vec![(c, 1.0)];
                terms.extend(expr.terms.iter().filter(|(_, k)| *k / scale > NEGLIGIBLE).map(|&(v, k)| (v, -k / scale)));
                constrain(problem, terms, ComparisonOp::Ge, expr.constant / scale);
            }
            cycles[s] = Some((c, scale));
        }
        handled.push(at_call);
    }
    // Per pool: its lines' work together, its vessels, and the most a vessel can work
    // on any of its lines.
    let mut pooled: Vec<(Expr, f64, f64)> = vec![(Expr::default(), 0.0, 0.0); net.pools.len()];
    for (s, def) in net.ship_services.iter().enumerate() {
        let mut need = Expr::default();
        let mut per_cycle: f64 = def.sailing.iter().map(|&l| net.sea_links[l].sailing.mean).sum();
        let mut per_storm_call: f64 = 0.0;
        for (pos, &p) in def.route.iter().enumerate() {
            let b = net.ports[p].berth_of(def.class).unwrap_or(0);
            let (per_call, per_tonne) = call_time(net, p, b);
            per_cycle += per_call;
            need.add_expr(&handled[s][pos], per_tonne);
            // The longest a call can be: a full vessel's tonnes and units off and on.
            // (Unit time is left out of the need above, which only lowers the bound;
            // here it must be counted, as more work in storms raises what is available.)
            // A unit without slots on the service is not limited in number: its calls
            // are taken to last the year, so storms cost the fleet nothing.
            let units_off_and_on = net.ports[p].berths.get(b).map_or(0.0, |g| {
                g.unit_hours
                    .iter()
                    .enumerate()
                    .filter(|&(_, &h)| h > 0.0)
                    .map(|(unit, &h)| match def.slots.iter().find(|sl| sl.0 == unit) {
                        Some(&(_, _, most)) => 2.0 * f64::from(most) * h,
                        None => f64::INFINITY,
                    })
                    .sum::<f64>()
                    .min(HOURS_PER_YEAR)
            });
            let call = match &net.ports[p].berths.get(b).map(|g| &g.handling) {
                Some(Handling::Service(d)) if d.mean > 0.0 => (d.variance + d.mean * d.mean) / d.mean,
                _ => per_call + 2.0 * tonnes(def.capacity) * per_tonne + units_off_and_on,
            };
            per_storm_call = per_storm_call.max(call);
        }
        if let Some((c, scale)) = cycles[s] {
            need.terms.push((c, scale * per_cycle));
        }
        // While a storm touches the route a vessel works at most the rest of a sailing
        // under way (its mean residual), one call at a port still open (or one that
        // keeps handling in storms), if any; and where the storm leaves some of the
        // route's sea links sailable, a pass through the rest of the route (a sailing
        // and a call at each other port).
        let sailing = |l: usize| &net.sea_links[l].sailing;
        let residual = def
            .sailing
            .iter()
            .map(|&l| {
                let d = sailing(l);
                if d.mean > 0.0 { (d.variance + d.mean * d.mean) / (2.0 * d.mean) } else { 0.0 }
            })
            .fold(0.0, f64::max);
        let longest = def.sailing.iter().map(|&l| sailing(l).mean).fold(0.0, f64::max);
        let pass = (def.route.len().saturating_sub(1)) as f64 * (per_storm_call + longest);
        let in_storms: f64 = net
            .weather
            .iter()
            .map(|w| {
                // A call only where a port of the route may stay open in this storm, or
                // keeps handling in storms.
                let may_work = def.route.iter().any(|p| !w.ports.contains(p) || !net.ports[*p].pause_in_storms);
                let per_storm = residual
                    + if may_work { per_storm_call } else { 0.0 }
                    + if def.sailing.iter().all(|l| w.links.contains(l)) { 0.0 } else { pass };
                storms_touching(w, &def.route, &def.sailing) * per_storm
            })
            .sum();
        let open = open_share(net, &def.route, &def.sailing);
        let per_vessel = (HOURS_PER_YEAR * open + in_storms).min(HOURS_PER_YEAR);
        match def.pool {
            Some(pool) => {
                let (work, vessels, most) = &mut pooled[pool];
                work.add_expr(&need, 1.0);
                *vessels += f64::from(def.vessels);
                *most = f64::max(*most, per_vessel);
            }
            None => rows.push(Row {
                name: format!("service.{}", def.id),
                need,
                available: f64::from(def.vessels) * per_vessel,
            }),
        }
    }
    // A pooled vessel may serve any line: the lines' work together against the pool's
    // vessels, each working at most what the most favourable line allows.
    for (pool, (need, vessels, most)) in net.pools.iter().zip(pooled) {
        if pool.dispatch == crate::scenario::Dispatch::Fixed {
            continue; // each line is a fleet of its own
        }
        rows.push(Row { name: format!("pool.{}", pool.id), need, available: vessels * most });
    }
    // Berth groups: every call of the services using them, and open arrivals.
    for (p, port) in net.ports.iter().enumerate() {
        let open = if port.pause_in_storms { open_share(net, &[p], &[]) } else { 1.0 };
        for (b, group) in port.berths.iter().enumerate() {
            let (per_call, per_tonne) = call_time(net, p, b);
            let mut need = Expr::default();
            for (s, def) in net.ship_services.iter().enumerate() {
                if port.berth_of(def.class) != Some(b) {
                    continue;
                }
                for (pos, _) in def.route.iter().enumerate().filter(|(_, r)| **r == p) {
                    if let Some((c, scale)) = cycles[s] {
                        need.terms.push((c, scale * per_call));
                    }
                    need.add_expr(&handled[s][pos], per_tonne);
                }
            }
            for a in net.arrivals.iter().filter(|a| a.port == p && a.berth == b) {
                let ships = a.rate_per_hour * HOURS_PER_YEAR;
                need.constant += ships * per_call + ships * a.cargo.mean * per_tonne;
            }
            rows.push(Row {
                name: format!("port.{}.berths.{}", port.id, group.class.name()),
                need,
                available: f64::from(group.count) * HOURS_PER_YEAR * open,
            });
        }
    }
    // Train services (trains a year × their cycle, and timetable slots) and rail lines
    // (every train takes a path each way: loaded, and back empty).
    let mut line_trains: Vec<Expr> = vec![Expr::default(); net.rail_links.len()];
    for def in &net.train_services {
        let mut trains = def.leg.map_or_else(Expr::default, tonnes_on);
        let per_train = 1.0 / tonnes(def.capacity).max(1e-9);
        trains.constant *= per_train;
        trains.terms.iter_mut().for_each(|(_, c)| *c *= per_train);
        line_trains[def.link].add_expr(&trains, 1.0);
        let transit = net.rail_links[def.link].transit.mean;
        let cycle = def.loading.as_hours() + def.unloading.as_hours() + 2.0 * transit;
        let mut need = Expr::default();
        need.add_expr(&trains, cycle);
        rows.push(Row {
            name: format!("service.{}", def.id),
            need,
            available: f64::from(def.trainsets) * HOURS_PER_YEAR,
        });
        if def.policy == DeparturePolicy::Timetable {
            let slots = HOURS_PER_YEAR / def.timetable.as_hours().max(1e-9);
            rows.push(Row { name: format!("service.{}", def.id), need: trains, available: slots });
        }
    }
    for (i, link) in net.rail_links.iter().enumerate() {
        let paths = HOURS_PER_YEAR / link.headway.as_hours().max(1e-9);
        rows.push(Row { name: format!("rail.{}", link.id), need: line_trains[i].clone(), available: paths });
    }
    // Transfer points: every consignment passing, for its mean dwell.
    for def in &net.transfers {
        let mut need = Expr::default();
        for (f, flow) in flows.iter().enumerate() {
            let passes = flow.origin == def.node || flow.legs.iter().any(|&l| net.legs[l].to == def.node);
            if passes && !flow.legs.is_empty() {
                need.add(share[f], quantity[f].2 * def.dwell.mean);
            }
        }
        rows.push(Row {
            name: format!("transfer.{}", def.id),
            need,
            available: f64::from(def.servers) * HOURS_PER_YEAR,
        });
    }
    // Pipelines: tonnes pumped against the pumping rate.
    for def in &net.pipelines {
        let mut need = Expr::default();
        for &l in &def.legs {
            need.add_expr(&tonnes_on(l), 1.0);
        }
        rows.push(Row {
            name: format!("pipeline.{}", def.id),
            need,
            available: def.kg_per_hour / 1000.0 * HOURS_PER_YEAR,
        });
    }
    rows
}

/// Storms of area `w` a year expected to touch a route: each counted with the chance
/// it closes one of the route's ports or suspends one of its sea links.
fn storms_touching(w: &super::weather::WeatherDef, ports: &[usize], links: &[usize]) -> f64 {
    let always = w.ports.iter().any(|p| ports.contains(p)) || w.links.iter().any(|l| links.contains(l));
    let touched = if always {
        1.0
    } else {
        1.0 - w.sheltered.iter().filter(|(p, _)| ports.contains(p)).map(|(_, q)| 1.0 - q).product::<f64>()
    };
    w.rate_per_hour * HOURS_PER_YEAR * touched
}

/// The bound for one configuration (see the module documentation).
pub(crate) fn of(net: &Network) -> RhoBound {
    over(&[(1.0, net)])
}

/// The bound for a period made of configurations, each with the share of the period
/// it holds (see the module documentation): each its own split, the period's work
/// against its capacity.
pub(crate) fn over(configurations: &[(f64, &Network)]) -> RhoBound {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let t = problem.add_var(1.0, (0.0, f64::INFINITY));
    let mut combined: Vec<Row> = Vec::new();
    for (weight, net) in configurations {
        let rows = rows(net, &mut problem);
        if combined.is_empty() {
            combined = rows
                .into_iter()
                .map(|mut r| {
                    r.need = weighted(&r.need, *weight);
                    r.available *= weight;
                    r
                })
                .collect();
            continue;
        }
        if rows.len() != combined.len() || rows.iter().zip(&combined).any(|(a, b)| a.name != b.name) {
            return unsolved("the configurations of the period differ in shape".into());
        }
        for (r, c) in rows.iter().zip(&mut combined) {
            c.need.add_expr(&r.need, *weight);
            c.available += weight * r.available;
        }
    }
    for row in &combined {
        if row.available > 0.0 {
            // need / available ≤ t
            let scale = 1.0 / row.available;
            let mut terms: Vec<(Variable, f64)> =
                row.need.terms.iter().filter(|(_, c)| c * scale > NEGLIGIBLE).map(|&(v, c)| (v, c * scale)).collect();
            terms.push((t, -1.0));
            constrain(&mut problem, terms, ComparisonOp::Le, -row.need.constant * scale);
        } else if row.need.constant > 0.0 {
            return RhoBound { rho: f64::INFINITY, binding: vec![row.name.clone()], note: None };
        } else if !row.need.terms.is_empty() {
            // No capacity: nothing may go there.
            let largest = row.need.terms.iter().map(|(_, c)| c.abs()).fold(0.0, f64::max);
            let terms: Vec<(Variable, f64)> = row
                .need
                .terms
                .iter()
                .filter(|(_, c)| c / largest > NEGLIGIBLE)
                .map(|&(v, c)| (v, c / largest))
                .collect();
            constrain(&mut problem, terms, ComparisonOp::Le, 0.0);
        }
    }
    match problem.solve().map(microlp::SolveOutcome::into_solution) {
        Ok(Ok(solution)) => {
            let rho = solution.objective().max(0.0);
            let binding = combined
                .iter()
                .filter(|r| r.available > 0.0)
                .filter(|r| r.need.value(&solution) / r.available >= rho - 1e-6 * rho.max(1.0))
                .map(|r| r.name.clone())
                .fold(Vec::new(), |mut names, n| {
                    if !names.contains(&n) {
                        names.push(n);
                    }
                    names
                });
            RhoBound { rho, binding, note: None }
        }
        Err(microlp::Error::Infeasible) => {
            RhoBound { rho: f64::INFINITY, binding: Vec::new(), note: Some("no split fits the capacity".into()) }
        }
        Ok(Err(e)) => unsolved(format!("the solver stopped: {:?}", e.termination_reason())),
        Err(e) => unsolved(format!("the solver failed: {e:?}")),
    }
}

/// Adds a constraint, each variable once (the solver takes a variable at most once
/// in a constraint: repeated terms are summed).
fn constrain(problem: &mut Problem, mut terms: Vec<(Variable, f64)>, op: ComparisonOp, rhs: f64) {
    terms.sort_by_key(|(v, _)| v.idx());
    let mut merged: Vec<(Variable, f64)> = Vec::with_capacity(terms.len());
    for (v, c) in terms {
        match merged.last_mut() {
            Some((last, sum)) if last.idx() == v.idx() => *sum += c,
            _ => merged.push((v, c)),
        }
    }
    merged.retain(|(_, c)| *c != 0.0 && c.is_finite());
    if rhs.is_finite() {
        problem.add_constraint(&merged[..], op, rhs);
    }
}

fn weighted(e: &Expr, weight: f64) -> Expr {
    let mut out = Expr::default();
    out.add_expr(e, weight);
    out
}

fn unsolved(why: String) -> RhoBound {
    RhoBound { rho: 0.0, binding: Vec::new(), note: Some(format!("no bound: {why}")) }
}
