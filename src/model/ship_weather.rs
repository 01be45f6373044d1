//! Ships in storms: handling paused at a closed port (the ship keeps its berth and
//! the time its step had left, and resumes when the port reopens), and departures
//! held while the port is closed or sailings on the next sea link are suspended.

use super::corridor::{Corridor, Event};
use super::fleet_time::set_phase;
use super::ships::{Phase, depart};
use crate::engine::{Scheduler, SimTime};

/// Schedules the ship's next handling event (`Berthed` or `ShipStep`) after `delay`,
/// remembering it so that a storm can pause it.
pub(crate) fn schedule_step(w: &mut Corridor<'_>, ship: u32, delay: SimTime, event: Event, s: &mut Scheduler<Event>) {
    let handle = s.schedule_in(delay, event);
    w.ships.vessels[ship as usize].step = Some((handle, s.now() + delay));
}

/// Whether handling is paused at port `p` now.
pub(super) fn handling_paused(w: &Corridor<'_>, p: usize) -> bool {
    w.net.ports[p].pause_in_storms && w.weather.closed(p)
}

pub(super) fn park(w: &mut Corridor<'_>, ship: u32, remaining: SimTime, now: SimTime) {
    let si = ship as usize;
    let (phase, p) = (w.ships.vessels[si].phase, w.ships.vessels[si].port);
    w.ships.vessels[si].paused = (phase, remaining);
    w.ships.vessels[si].step = None;
    set_phase(w, ship, Phase::Paused, now);
    w.ships.paused[p].push(ship);
}

/// A storm closed port `p`: handling stops; each ship keeps its berth and the time
/// its current step had left.
pub(crate) fn pause_handling(w: &mut Corridor<'_>, p: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    for ship in 0..w.ships.vessels.len() {
        let sh = &w.ships.vessels[ship];
        if sh.port != p || !matches!(sh.phase, Phase::Berthing | Phase::Unloading | Phase::Loading) {
            continue;
        }
        let Some((handle, due)) = sh.step else {
            continue;
        };
        s.cancel(handle);
        park(w, ship as u32, due.saturating_sub(now), now);
    }
}

/// Port `p` reopened: paused ships resume where they stopped.
pub(crate) fn resume_handling(w: &mut Corridor<'_>, p: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let paused = std::mem::take(&mut w.ships.paused[p]);
    for &ship in &paused {
        let (phase, remaining) = w.ships.vessels[ship as usize].paused;
        set_phase(w, ship, phase, now);
        let event = if phase == Phase::Berthing { Event::Berthed(ship) } else { Event::ShipStep(ship) };
        schedule_step(w, ship, remaining, event, s);
    }
    let mut paused = paused;
    paused.clear();
    w.ships.paused[p] = paused;
}

/// The sea link a ship sails next, if it belongs to a service.
pub(super) fn next_link(w: &Corridor<'_>, si: usize) -> Option<usize> {
    let sh = &w.ships.vessels[si];
    sh.service.map(|svc| w.net.ship_services[svc as usize].sailing[sh.route_pos])
}

/// Whether the weather keeps a ship ready to leave in port: its port is closed, or
/// storms suspend sailings on its next sea link.
pub(super) fn held_by_weather(w: &Corridor<'_>, si: usize) -> bool {
    w.weather.closed(w.ships.vessels[si].port) || next_link(w, si).is_some_and(|l| w.weather.suspended(l))
}

/// Port `p` reopened (or a sea link from it): ships held by the weather depart,
/// unless their sailing is still suspended.
pub(crate) fn release_weather_held(w: &mut Corridor<'_>, p: usize, s: &mut Scheduler<Event>) {
    // Taken out and put back, so the list keeps its storage (no allocation per event).
    let mut held = std::mem::take(&mut w.ships.weather_held[p]);
    held.retain(|&ship| {
        let stays = held_by_weather(w, ship as usize);
        if !stays {
            depart(w, ship, s);
        }
        stays
    });
    w.ships.weather_held[p] = held;
}
