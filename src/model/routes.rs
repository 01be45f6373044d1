//! Route choice: a flow with alternative routes generates consignments like any flow,
//! and each consignment takes one route when it is generated. Each route is compiled
//! as a flow of its own (`<flow>.route.<name>`, generating nothing itself), so that
//! its cargo is routed, measured and costed like any flow's; the flow's own KPIs add
//! up its routes'.
//!
//! Rules:
//! - **shares**: a uniform draw from the flow's own stream picks a route with the
//!   routes' shares;
//! - **cost**: every consignment takes the route of least expected generalised cost
//!   per tonne — tariffs and charges plus the value of time × the expected days (the
//!   route's `expected_days`, or its running times without waits);
//! - **congestion**: the route with the least cargo waiting for its legs now (all
//!   flows' cargo); ties go to the least generalised cost, and routes equal in both
//!   share the tie by a uniform draw (so identical routes split evenly).
//!
//! Draws (shares, and ties of the congestion rule) come from `flow/<id>/route`, a
//! stream of its own: the arrivals and sizes of every flow are the same whatever the
//! rule (common random numbers survive a change of rule or of routes).

use super::cargo::Cargo;
use super::compiled::Network;
use crate::engine::RandomStream;
use crate::scenario::RouteChoice;
use rand::RngExt;

/// A flow's alternative routes, compiled.
#[derive(Debug, Clone)]
pub(crate) struct RouteSet {
    /// The rule.
    pub(crate) rule: RouteChoice,
    /// The routes' flows (indices into `Network::flows`), in file order.
    pub(crate) routes: Vec<usize>,
    /// Cumulative shares (rule `shares`).
    pub(crate) cumulative: Vec<f64>,
    /// Expected generalised cost per tonne of each route.
    pub(crate) generalised: Vec<f64>,
    /// The route of least expected generalised cost (the first of equals).
    pub(crate) cheapest: usize,
}

impl RouteSet {
    /// A set of `routes` with their `shares` (summing to 1 for the shares rule) and
    /// expected generalised costs per tonne.
    pub(crate) fn new(rule: RouteChoice, routes: Vec<usize>, shares: &[f64], generalised: Vec<f64>) -> RouteSet {
        let mut total = 0.0;
        let cumulative = shares
            .iter()
            .map(|s| {
                total += s;
                total
            })
            .collect();
        let cheapest =
            (0..generalised.len()).fold(0, |best, i| if generalised[i] < generalised[best] { i } else { best });
        RouteSet { rule, routes, cumulative, generalised, cheapest }
    }

    /// The share of the flow's demand each route gets on the capacity sheet: its
    /// share; with the cost rule, all on the cheapest; with the congestion rule, the
    /// stated shares or an equal split.
    pub(crate) fn sheet_shares(&self, stated: &[Option<f64>]) -> Vec<f64> {
        let n = self.routes.len();
        match self.rule {
            RouteChoice::Cost => (0..n).map(|i| if i == self.cheapest { 1.0 } else { 0.0 }).collect(),
            _ if stated.iter().all(Option::is_some) => stated.iter().map(|s| s.unwrap_or(0.0)).collect(),
            _ => vec![1.0 / n.max(1) as f64; n],
        }
    }
}

/// The route (a flow index) a new consignment of flow `f` takes, drawing from `rng`
/// (the flow's route stream) where the rule needs a draw. It reads the compiled
/// network and the cargo waiting per leg only, not the whole run-time corridor.
pub(super) fn choose(net: &Network, cargo: &Cargo, rng: &mut RandomStream, f: usize) -> usize {
    let Some(set) = &net.flows[f].routes else {
        return f;
    };
    let pick = match set.rule {
        RouteChoice::Shares => {
            let u: f64 = rng.random::<f64>();
            set.cumulative.iter().position(|&c| u < c).unwrap_or(set.routes.len() - 1)
        }
        RouteChoice::Cost => set.cheapest,
        RouteChoice::Congestion => {
            let waiting = |r: usize| -> u64 { net.flows[set.routes[r]].legs.iter().map(|&l| cargo.legs[l].kg).sum() };
            let key = |r: usize| (waiting(r), set.generalised[r]);
            let best = (1..set.routes.len()).fold(0, |best, r| {
                let ((a, ca), (b, cb)) = (key(r), key(best));
                if a < b || (a == b && ca < cb) { r } else { best }
            });
            let tied = (0..set.routes.len()).filter(|&r| key(r) == key(best)).count();
            if tied > 1 {
                let k = (rng.random::<f64>() * tied as f64) as usize;
                (0..set.routes.len()).filter(|&r| key(r) == key(best)).nth(k.min(tied - 1)).unwrap_or(best)
            } else {
                best
            }
        }
    };
    set.routes[pick]
}
