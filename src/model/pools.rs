//! Pools: vessels shared by several ship services (lines), as an operator moves its
//! ferries to where cargo waits.
//!
//! A pooled vessel serves one line at a time. When it has unloaded everything at the
//! pool's release port (a port every line calls at), the pool's dispatch rule picks
//! the line it loads for and sails next: the line with the most tonnes waiting per
//! vessel serving it, the line whose oldest consignment has waited longest, or its
//! own line always (the fixed split). A vessel waiting empty at the release port for
//! cargo of its line is also released when cargo of another line arrives there, if
//! the rule then prefers that line. A vessel changing line sails the new line's sea
//! links, loaded or empty, as any vessel of that line would: that is its repositioning.
//!
//! Measurement: per pool, line changes in the measured window; per line, the vessel
//! time it received (`service.<id>.vessel_days`).

use super::corridor::Corridor;
use super::network::{CompileError, PortDef, port_of};
use super::ships::ShipServiceDef;
use crate::engine::SimTime;
use crate::scenario::{Dispatch, ScenarioSpec};

/// A pool, compiled.
#[derive(Debug, Clone)]
pub(crate) struct PoolDef {
    pub(crate) id: String,
    /// Its lines (ship service indices), in the order of the file.
    pub(crate) lines: Vec<usize>,
    /// The port where vessels are released to a line.
    pub(crate) release_port: usize,
    /// Per line: the position of the release port in its route.
    pub(crate) release_pos: Vec<usize>,
    pub(crate) dispatch: Dispatch,
}

/// Compiles the pools and marks each pooled service with its pool.
pub(super) fn compile(
    spec: &ScenarioSpec,
    ports: &[PortDef],
    services: &mut [ShipServiceDef],
) -> Result<Vec<PoolDef>, CompileError> {
    let mut pools = Vec::new();
    for (index, (id, pool)) in spec.pools.iter().enumerate() {
        let lines: Vec<usize> = pool
            .services
            .iter()
            .enumerate()
            .map(|(i, svc)| {
                spec.ship_services.keys().position(|k| k == svc).ok_or_else(|| CompileError::UnknownReference {
                    entity: format!("pools.{id}.services[{i}]"),
                    kind: "ship service",
                    id: svc.clone(),
                })
            })
            .collect::<Result<_, _>>()?;
        let first = &spec.ship_services[&pool.services[0]];
        let release = match &pool.release_at {
            Some(port) => port.clone(),
            None => first
                .route
                .iter()
                .find(|port| pool.services.iter().all(|s| spec.ship_services[s].route.contains(port)))
                .cloned()
                .unwrap_or_default(),
        };
        let release_port = port_of(ports, &release, &|| format!("pools.{id}.release_at"))?;
        let release_pos = lines
            .iter()
            .map(|&s| {
                services[s].route.iter().position(|&p| p == release_port).ok_or_else(|| {
                    CompileError::UnknownReference {
                        entity: format!("pools.{id}.release_at"),
                        kind: "port on every line's route",
                        id: release.clone(),
                    }
                })
            })
            .collect::<Result<_, _>>()?;
        // Under the fixed split no vessel moves: each line stays a fleet of its own
        // (in the capacity sheet, the bound and the KPIs).
        if pool.dispatch != Dispatch::Fixed {
            for &s in &lines {
                services[s].pool = Some(index);
            }
        }
        pools.push(PoolDef { id: id.clone(), lines, release_port, release_pos, dispatch: pool.dispatch });
    }
    Ok(pools)
}

/// Whether vessel `ship` is free to change line now: a vessel of a pool that moves
/// vessels (services are marked with their pool only then), empty, at the release
/// port's position of its line's route.
fn releasable(w: &Corridor<'_>, ship: usize) -> Option<(usize, usize)> {
    let sh = &w.ships.vessels[ship];
    let svc = sh.service? as usize;
    let pool = w.net.ship_services[svc].pool?;
    let def = &w.net.pools[pool];
    let k = def.lines.iter().position(|&l| l == svc)?;
    let free = sh.port == def.release_port
        && sh.route_pos == def.release_pos[k]
        && sh.cargo.is_empty()
        && sh.load == 0
        && sh.open_cargo == 0;
    free.then_some((pool, k))
}

/// Tonnes waiting (kg) for line `svc` at every port of its route, and since when its
/// longest-waiting consignment has waited (`None`: nothing waits).
fn waiting(w: &Corridor<'_>, svc: usize) -> (u64, Option<SimTime>) {
    let (mut kg, mut oldest) = (0u64, None::<SimTime>);
    for legs in &w.net.ship_services[svc].load_legs {
        for &l in legs {
            let queue = &w.cargo.legs[l];
            kg += queue.kg;
            if let Some(&front) = queue.items.front() {
                let since = w.cargo.consignments.items[front as usize].at_node_since;
                oldest = Some(oldest.map_or(since, |o| o.min(since)));
            }
        }
    }
    (kg, oldest)
}

/// The line (position in the pool) the rule sends a vessel released from line
/// position `current` to.
fn choose(w: &Corridor<'_>, pool: usize, current: usize) -> usize {
    let def = &w.net.pools[pool];
    let mut best = current;
    match def.dispatch {
        Dispatch::Fixed => {}
        Dispatch::MostTonnesWaiting => {
            // Tonnes per vessel, the released vessel counted on the line it would
            // serve; compared as kg × vessels' cross products to stay exact.
            let score = |k: usize| {
                let svc = def.lines[k];
                let vessels = u64::from(w.ships.assigned[svc]) + u64::from(k != current);
                (waiting(w, svc).0, vessels.max(1))
            };
            let (mut best_kg, mut best_n) = score(current);
            for k in (0..def.lines.len()).filter(|&k| k != current) {
                let (kg, n) = score(k);
                if u128::from(kg) * u128::from(best_n) > u128::from(best_kg) * u128::from(n) {
                    (best, best_kg, best_n) = (k, kg, n);
                }
            }
        }
        Dispatch::OldestCargo => {
            let mut best_since = waiting(w, def.lines[current]).1;
            for k in (0..def.lines.len()).filter(|&k| k != current) {
                if let Some(since) = waiting(w, def.lines[k]).1
                    && best_since.is_none_or(|b| since < b)
                {
                    (best, best_since) = (k, Some(since));
                }
            }
        }
    }
    best
}

/// Vessel `ship` has unloaded at its pool's release port: its pool's rule picks the
/// line it serves next (it changes line when the rule says so).
pub(super) fn release(w: &mut Corridor<'_>, ship: u32, now: SimTime) {
    let Some((pool, current)) = releasable(w, ship as usize) else { return };
    let next = choose(w, pool, current);
    if next != current {
        change_line(w, ship, pool, next, now);
    }
}

/// A vessel of the pool of line `svc` waiting empty for cargo at port `p` that the
/// rule now sends to `svc` (cargo for it has just arrived there), moved to `svc`; its
/// position in `waiting` (the port's vessels waiting for cargo).
pub(super) fn claim_waiting(w: &mut Corridor<'_>, svc: usize, p: usize, now: SimTime) -> Option<usize> {
    let pool = w.net.ship_services[svc].pool?;
    let def = &w.net.pools[pool];
    if def.release_port != p {
        return None;
    }
    let target = def.lines.iter().position(|&l| l == svc)?;
    let found = w.ships.waiting_cargo[p].iter().enumerate().find_map(|(i, &sh)| {
        let (pool_of, current) = releasable(w, sh as usize)?;
        (pool_of == pool && choose(w, pool, current) == target).then_some((i, sh))
    })?;
    change_line(w, found.1, pool, target, now);
    Some(found.0)
}

/// Moves vessel `ship` to line position `k` of pool `pool`, at the release port.
fn change_line(w: &mut Corridor<'_>, ship: u32, pool: usize, k: usize, now: SimTime) {
    let def = &w.net.pools[pool];
    let (to, pos) = (def.lines[k], def.release_pos[k]);
    let Some(from) = w.ships.vessels[ship as usize].service.map(|s| s as usize) else { return };
    super::fleet_time::move_to_service(w, ship, to, now);
    w.ships.assigned[from] -= 1;
    w.ships.assigned[to] += 1;
    w.ships.pool_changes[pool] += 1;
    let sh = &mut w.ships.vessels[ship as usize];
    sh.service = Some(to as u32);
    sh.route_pos = pos;
}
