//! Audits of one replication: exact cargo accounting, structural invariants, and
//! where cargo piles up. Read-only, over every subsystem.

use super::cargo::leg_name;
use super::corridor::Corridor;
use super::kpis::Conservation;
use super::ships::Phase;

/// Accounts for every kilogram now, from the running totals.
pub(super) fn conservation(w: &Corridor<'_>) -> Conservation {
    let elsewhere: u64 = w.held_elsewhere().iter().map(|&(_, id)| w.cargo.consignments.items[id as usize].kg).sum();
    let waiting: u64 = w.cargo.legs.iter().map(|q| q.kg).sum::<u64>()
        + w.yards.ports.iter().map(|y| y.gate_kg).sum::<u64>()
        + elsewhere;
    let queued_at_ports = w
        .cargo
        .legs
        .iter()
        .zip(&w.net.legs)
        .filter(|(_, def)| w.net.nodes[def.from].port.is_some())
        .map(|(q, _)| q.kg)
        .sum();
    Conservation {
        generated_kg: w.cargo.generated,
        delivered_kg: w.cargo.delivered,
        waiting_kg: waiting,
        on_vessels_kg: w.ships.vessels.iter().map(|s| s.load).sum(),
        on_trains_kg: w.trains.trains.iter().map(|t| t.load).sum(),
        in_yards_kg: w.yards.ports.iter().map(|y| y.kg).sum(),
        queued_at_ports_kg: queued_at_ports,
    }
}

/// Checks structural invariants; returns the first violation found: no ship in two
/// places, berths in use within their count, yards within capacity, and every live
/// consignment in exactly one place with every running total equal to the sum of
/// the consignments it counts (see [`audit_cargo`]).
pub(super) fn check_invariants(w: &Corridor<'_>) -> Result<(), String> {
    audit_cargo(w)?;
    check_places(w)
}

/// Audits cargo against the live consignments themselves, not the running counters:
/// each live consignment sits in exactly one place (a leg queue, a gate, a vessel, a
/// train); queue, gate, vessel, train and flow totals equal the sums of what they
/// hold; and generated − delivered equals the cargo found.
fn audit_cargo(w: &Corridor<'_>) -> Result<(), String> {
    let live = w.cargo.consignments.live_slots();
    let mut seen = vec![0u8; live.len()];
    let mut found_kg: u64 = 0;
    let mut per_flow = vec![0u64; w.flows.state.len()];
    let mut visit = |id: u32, place: &dyn Fn() -> String| -> Result<u64, String> {
        let i = id as usize;
        if !live.get(i).copied().unwrap_or(false) {
            return Err(format!("{} holds consignment {id}, which is not live", place()));
        }
        seen[i] = seen[i].saturating_add(1);
        let c = &w.cargo.consignments.items[i];
        found_kg += c.kg;
        per_flow[c.flow as usize] += c.kg;
        // A route's cargo is also its flow's (see `routes`).
        if let Some(parent) = w.net.flows[c.flow as usize].parent {
            per_flow[parent] += c.kg;
        }
        Ok(c.kg)
    };
    for (l, q) in w.cargo.legs.iter().enumerate() {
        let mut kg = 0;
        for &id in &q.items {
            kg += visit(id, &|| format!("the queue for {}", leg_name(w.net, l)))?;
        }
        if kg != q.kg {
            return Err(format!("queue {} says {} kg but holds {kg} kg", leg_name(w.net, l), q.kg));
        }
    }
    for (p, yard) in w.yards.ports.iter().enumerate() {
        let mut kg = 0;
        for &id in &yard.gate {
            kg += visit(id, &|| format!("the gate of {}", w.net.ports[p].id))?;
        }
        if kg != yard.gate_kg {
            return Err(format!("gate of {} says {} kg but holds {kg} kg", w.net.ports[p].id, yard.gate_kg));
        }
    }
    for (place, id) in w.held_elsewhere() {
        visit(id, &|| place.clone())?;
    }
    let mut open_kg = 0;
    for (i, ship) in w.ships.vessels.iter().enumerate() {
        if ship.phase == Phase::Gone {
            continue;
        }
        let mut kg = ship.open_cargo;
        open_kg += ship.open_cargo;
        for &id in &ship.cargo {
            kg += visit(id, &|| format!("ship {i}"))?;
        }
        if kg != ship.load {
            return Err(format!("ship {i} says {} kg on board but carries {kg} kg", ship.load));
        }
    }
    for (i, train) in w.trains.trains.iter().enumerate() {
        let mut kg = 0;
        for &id in &train.cargo {
            kg += visit(id, &|| format!("train {i}"))?;
        }
        if kg != train.load {
            return Err(format!("train {i} says {} kg on board but carries {kg} kg", train.load));
        }
    }
    for (i, (&is_live, &count)) in live.iter().zip(&seen).enumerate() {
        if is_live && count != 1 {
            return Err(format!("consignment {i} is in {count} places"));
        }
    }
    if w.cargo.generated - w.cargo.delivered != found_kg + open_kg {
        return Err(format!(
            "{} kg generated − {} kg delivered, but {} kg found in the corridor",
            w.cargo.generated,
            w.cargo.delivered,
            found_kg + open_kg
        ));
    }
    for (f, (st, &kg)) in w.flows.state.iter().zip(&per_flow).enumerate() {
        if st.in_system != kg {
            return Err(format!(
                "flow {} says {} kg in the system but {kg} kg were found",
                w.net.flows[f].id, st.in_system
            ));
        }
    }
    Ok(())
}

fn check_places(w: &Corridor<'_>) -> Result<(), String> {
    let mut place = vec![0u32; w.ships.vessels.len()];
    for (p, def) in w.net.ports.iter().enumerate() {
        let yard = &w.yards.ports[p];
        if yard.kg > def.yard_capacity {
            return Err(format!("port {}: yard {} kg above capacity {}", def.id, yard.kg, def.yard_capacity));
        }
        for (b, group) in w.berths.ports[p].groups.iter().enumerate() {
            if group.busy > def.berths[b].count {
                return Err(format!("port {}: {} berths busy of {}", def.id, group.busy, def.berths[b].count));
            }
            for &ship in &group.queue {
                place[ship as usize] += 1;
            }
        }
        for &ship in yard.blocked.iter().chain(&w.ships.waiting_cargo[p]).chain(&w.ships.weather_held[p]) {
            place[ship as usize] += 1;
        }
    }
    for (i, count) in place.iter().enumerate() {
        if *count > 1 {
            return Err(format!("ship {i} is in {count} places at once"));
        }
        let phase = w.ships.vessels[i].phase;
        let listed = matches!(phase, Phase::Queued | Phase::Blocked | Phase::WaitingCargo | Phase::WaitingWeather);
        if listed != (*count == 1) {
            return Err(format!("ship {i} in phase {phase:?} is listed {count} times"));
        }
    }
    Ok(())
}

/// Name of the leg queue (or gate) holding the most cargo: where demand piles up.
pub(super) fn most_loaded_queue(w: &Corridor<'_>) -> String {
    let (mut best, mut kg) = (String::from("unknown"), 0);
    for (i, q) in w.cargo.legs.iter().enumerate() {
        if q.kg > kg {
            kg = q.kg;
            best = leg_name(w.net, i);
        }
    }
    for (p, yard) in w.yards.ports.iter().enumerate() {
        if yard.gate_kg > kg {
            kg = yard.gate_kg;
            best = format!("port.{}.yard", w.net.ports[p].id);
        }
    }
    best
}
