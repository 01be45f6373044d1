//! Ship services and sea links as compiled from the scenario: each service's fleet,
//! route, slots and deck, fill rule and draught limit, and each sea link's sailing
//! times. What vessels do with them at run time is `ships`.

use super::network::{Carrier, CompileError, Dist, Kg, LegDef, PortDef, hours, kg_from_tonnes, port_of, sampler};
use crate::engine::SimTime;
use crate::scenario::{BerthClass, ScenarioSpec};

/// A ship service, compiled.
#[derive(Debug, Clone)]
pub(crate) struct ShipServiceDef {
    pub(crate) id: String,
    pub(crate) class: BerthClass,
    pub(crate) vessels: u32,
    /// Capacity per vessel: what it may load, its design capacity less what the
    /// shallowest port of its route leaves it (see `draught_limit`).
    pub(crate) capacity: Kg,
    /// Design capacity per vessel, when a draught limits it (`None`: never limited).
    pub(crate) design_capacity: Option<Kg>,
    /// Ports called, in order (port indices).
    pub(crate) route: Vec<usize>,
    /// Sea link (index into `Network::sea_links`) from route[i] to route[i + 1].
    pub(crate) sailing: Vec<usize>,
    /// Legs loading onto this service at route[i], in the order of the ports that follow.
    pub(crate) load_legs: Vec<Vec<usize>>,
    /// Load at which a vessel sails.
    pub(crate) fill: Kg,
    /// Share of the slots (or deck) taken at which a vessel sails, as for `fill`.
    pub(crate) fill_share: f64,
    /// Longest wait for cargo.
    pub(crate) max_wait: SimTime,
    /// Per position in the route: whether a vessel waits there for cargo.
    pub(crate) waits_at: Vec<bool>,
    /// Slots: (unit index in `Network::units`, slots, most units taken), in loading
    /// order. Empty: the service counts tonnes only.
    pub(crate) slots: Vec<(usize, u32, u32)>,
    /// With a shared deck: the deck in whole parts, and the parts one unit of each slot
    /// takes (the deck is the least common multiple of the slot counts where that is at
    /// most 2^40, so a full deck of any one unit is exact). With separate spaces: 0.
    pub(crate) deck: u64,
    pub(crate) deck_per_unit: Vec<u64>,
    /// The pool (index into `Network::pools`) whose vessels this service shares.
    pub(crate) pool: Option<usize>,
}

impl ShipServiceDef {
    /// The slot (position in `slots`) of unit `unit`.
    #[inline]
    pub(crate) fn slot_of(&self, unit: Option<usize>) -> Option<usize> {
        let unit = unit?;
        self.slots.iter().position(|&(u, _, _)| u == unit)
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A sea link, compiled.
#[derive(Debug, Clone)]
pub(crate) struct SeaLinkDef {
    pub(crate) id: String,
    /// Sailing time, hours.
    pub(crate) sailing: Dist,
}

/// What a vessel of `sv` may load (tonnes) with the sea `sea_level` metres from the
/// level its ports' depths are given at: its capacity less `tonnes_per_cm` for each
/// centimetre its design draught exceeds the shallowest port of its route, at least 0.
/// `None` when no draught is given.
fn draught_limit(spec: &ScenarioSpec, sv: &crate::scenario::ShipServiceSpec, sea_level: f64) -> Option<f64> {
    let (draught, per_cm) = (sv.draught_m?, sv.tonnes_per_cm?);
    let shallowest = sv.route.iter().filter_map(|p| spec.ports.get(p)?.depth_m).map(|d| d + sea_level).reduce(f64::min);
    let excess_cm = shallowest.map_or(0.0, |depth| (draught - depth).max(0.0) * 100.0);
    Some((sv.capacity_tonnes - excess_cm * per_cm).max(0.0))
}

/// Compiles sea links and ship services, with the sea `sea_level` metres from the
/// level the ports' depths are given at.
pub(super) fn compile(
    spec: &ScenarioSpec,
    ports: &[PortDef],
    legs: &[LegDef],
    units: &[String],
    sea_level: f64,
) -> Result<(Vec<SeaLinkDef>, Vec<ShipServiceDef>), CompileError> {
    let mut sea_links = Vec::new();
    for (id, l) in &spec.sea_links {
        sea_links.push(SeaLinkDef {
            id: id.clone(),
            sailing: sampler(|| format!("sea_links.{id}.sailing_hours"), &l.sailing_hours)?,
        });
    }
    let sea_between = |a: &str, b: &str, entity: &dyn Fn() -> String| {
        spec.sea_links
            .values()
            .position(|l| (l.between[0] == a && l.between[1] == b) || (l.between[0] == b && l.between[1] == a))
            .ok_or_else(|| CompileError::UnknownReference {
                entity: entity(),
                kind: "sea link",
                id: format!("{a} ↔ {b}"),
            })
    };
    let mut services = Vec::new();
    for (index, (id, sv)) in spec.ship_services.iter().enumerate() {
        let entity = || format!("ship_services.{id}.route");
        let route: Vec<usize> = sv.route.iter().map(|p| port_of(ports, p, &entity)).collect::<Result<_, _>>()?;
        let n = sv.route.len();
        let sailing = (0..n)
            .map(|i| sea_between(&sv.route[i], &sv.route[(i + 1) % n], &entity))
            .collect::<Result<Vec<_>, _>>()?;
        // Slots in loading order: the units named in `loading_order`, then the rest
        // in the order of `slots`.
        let unit_index = |u: &str| units.iter().position(|x| x == u).unwrap_or(usize::MAX);
        let mut order: Vec<&String> = sv.loading_order.iter().filter(|u| sv.slots.contains_key(*u)).collect();
        order.extend(sv.slots.keys().filter(|u| !sv.loading_order.contains(u)));
        let slots: Vec<(usize, u32, u32)> = order
            .iter()
            .map(|u| {
                let count = sv.slots[*u];
                (unit_index(u), count, sv.max_units.get(*u).copied().unwrap_or(count).min(count))
            })
            .collect();
        let shared = sv.deck == crate::scenario::DeckSharing::Shared && !slots.is_empty();
        // Exact with the least common multiple of the slot counts; where that is
        // too large (many large, coprime counts) a deck of 2^40 parts, exact to 1 part
        // in 10^12 and never refusing a full load of one unit.
        const FINE_DECK: u64 = 1 << 40;
        let deck = if shared {
            slots
                .iter()
                .try_fold(1u64, |acc, &(_, n, _)| {
                    let n = u64::from(n.max(1));
                    (acc / gcd(acc, n)).checked_mul(n).filter(|&l| l <= FINE_DECK)
                })
                .unwrap_or(FINE_DECK)
        } else {
            0
        };
        let deck_per_unit =
            slots.iter().map(|&(_, n, _)| if shared { deck / u64::from(n.max(1)) } else { 0 }).collect();
        // Legs loaded at each port: by unit in loading order (cargo without units
        // first), loaded before empty, then by the nearest port ahead.
        let carries = |l: &LegDef| l.carrier == Carrier::Ship(index) || l.ships.contains(&index);
        let rank = |l: &LegDef| match l.unit {
            None => 0,
            Some(u) => 1 + slots.iter().position(|&(x, _, _)| x == u).unwrap_or(slots.len()),
        };
        let load_legs = (0..n)
            .map(|pos| {
                let from = ports[route[pos]].node;
                let mut here: Vec<(usize, bool, usize, usize)> = (1..n)
                    .flat_map(|k| {
                        let to = ports[route[(pos + k) % n]].node;
                        legs.iter()
                            .enumerate()
                            .filter(move |(_, l)| l.from == from && l.to == to && carries(l))
                            .map(move |(i, l)| (rank(l), l.empty, k, i))
                    })
                    .collect();
                here.sort();
                here.into_iter().map(|(_, _, _, i)| i).collect()
            })
            .collect();
        let waits_at =
            sv.route.iter().map(|p| sv.wait_for_cargo_at.as_ref().is_none_or(|ports| ports.contains(p))).collect();
        let limit = draught_limit(spec, sv, sea_level);
        let capacity = kg_from_tonnes(limit.unwrap_or(sv.capacity_tonnes));
        services.push(ShipServiceDef {
            id: id.clone(),
            class: sv.class,
            vessels: sv.vessels,
            capacity,
            design_capacity: limit.map(|_| kg_from_tonnes(sv.capacity_tonnes)),
            route,
            sailing,
            load_legs,
            fill: crate::engine::nearest_u64(capacity as f64 * sv.fill_threshold),
            fill_share: sv.fill_threshold,
            max_wait: hours(sv.max_wait_hours),
            waits_at,
            slots,
            deck,
            deck_per_unit,
            pool: None,
        });
    }
    Ok((sea_links, services))
}
