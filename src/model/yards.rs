//! Yards and gates: cargo waiting at a port for its next leg sits in the port's yard,
//! up to the yard's capacity. Cargo arriving by land (or generated at an origin port)
//! that finds the yard full waits at the gate; a ship whose next consignment does not
//! fit stays blocked at its berth. Space freed in a yard first unblocks a ship, then
//! admits cargo from the gate.
//!
//! Measurement: yard stock over time (tonnes), and ship-hours blocked at berth.

use super::corridor::{Corridor, Event, Network};
use super::network::{Kg, tonnes};
use super::ships::Phase;
use crate::engine::{Scheduler, SimTime};
use crate::stats::TimeWeighted;
use std::collections::VecDeque;

/// State and measurement of one port's yard.
#[derive(Debug, Clone)]
pub(crate) struct Yard {
    /// Cargo in the yard.
    pub(crate) kg: Kg,
    /// Consignments waiting upstream to enter the yard.
    pub(crate) gate: VecDeque<u32>,
    /// Weight at the gate.
    pub(crate) gate_kg: Kg,
    /// Ships blocked at berth by a full yard, FIFO.
    pub(crate) blocked: VecDeque<u32>,
    /// Yard stock over time (tonnes).
    pub(crate) stock: TimeWeighted,
    /// Ship-hours blocked in the measured window.
    pub(crate) blocked_hours: f64,
}

/// The yards subsystem: one yard per port.
#[derive(Debug, Clone)]
pub(crate) struct Yards {
    pub(crate) ports: Vec<Yard>,
    /// Start of the measured window.
    window_start: SimTime,
}

impl Yards {
    pub(crate) fn new(net: &Network) -> Yards {
        Yards {
            ports: net
                .ports
                .iter()
                .map(|_| Yard {
                    kg: 0,
                    gate: VecDeque::new(),
                    gate_kg: 0,
                    blocked: VecDeque::new(),
                    stock: TimeWeighted::new(0, 0.0),
                    blocked_hours: 0.0,
                })
                .collect(),
            window_start: SimTime::ZERO,
        }
    }

    /// Whether `kg` more fits in port `p`'s yard.
    #[inline]
    pub(crate) fn has_room(&self, net: &Network, p: usize, kg: Kg) -> bool {
        self.ports[p].kg + kg <= net.ports[p].yard_capacity
    }

    /// Puts `kg` into port `p`'s yard.
    #[inline]
    pub(crate) fn add(&mut self, p: usize, kg: Kg, now: SimTime) {
        let yard = &mut self.ports[p];
        yard.kg += kg;
        yard.stock.set(now.as_millis(), tonnes(yard.kg));
    }

    /// Adds the hours a ship blocked since `since` has been blocked, within the window.
    pub(crate) fn count_blocked(&mut self, p: usize, since: SimTime, now: SimTime) {
        let since = since.max(self.window_start);
        if now > since {
            self.ports[p].blocked_hours += (now - since).as_hours();
        }
    }

    /// Opens the measured window.
    pub(crate) fn reset(&mut self, now: SimTime) {
        self.window_start = now;
        for yard in &mut self.ports {
            yard.stock.reset(now.as_millis());
            yard.blocked_hours = 0.0;
        }
    }

    /// Closes the window at the horizon: ships still blocked count up to `now`.
    pub(crate) fn close(&mut self, now: SimTime, blocked_since: impl Fn(u32) -> SimTime) {
        for p in 0..self.ports.len() {
            let ships: Vec<u32> = self.ports[p].blocked.iter().copied().collect();
            for ship in ships {
                self.count_blocked(p, blocked_since(ship), now);
            }
        }
    }
}

/// Puts a consignment at port `p` into the yard, or at the gate when the yard is full
/// or others wait before it.
#[inline]
pub(super) fn admit(w: &mut Corridor<'_>, p: usize, id: u32, s: &mut Scheduler<Event>) {
    let kg = w.cargo.consignments.items[id as usize].kg;
    if w.yards.ports[p].gate.is_empty() && w.yards.has_room(w.net, p, kg) {
        w.yards.add(p, kg, s.now());
        w.enqueue(id, s);
    } else {
        let yard = &mut w.yards.ports[p];
        yard.gate.push_back(id);
        yard.gate_kg += kg;
    }
}

/// Takes `kg` out of port `p`'s yard (loaded onto a ship or train).
#[inline]
pub(super) fn remove(w: &mut Corridor<'_>, p: usize, kg: Kg, s: &mut Scheduler<Event>) {
    let now = s.now();
    let yard = &mut w.yards.ports[p];
    yard.kg -= kg;
    yard.stock.set(now.as_millis(), tonnes(yard.kg));
    freed(w, p, s);
}

/// Space freed in a yard: first unblock a ship at berth, then admit from the gate.
pub(super) fn freed(w: &mut Corridor<'_>, p: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    if let Some(&ship) = w.yards.ports[p].blocked.front() {
        let need = super::ships::unload_need(w, ship as usize);
        if w.yards.has_room(net, p, need) {
            w.yards.ports[p].blocked.pop_front();
            let since = w.ships.vessels[ship as usize].since;
            w.yards.count_blocked(p, since, now);
            super::ships::set_phase(w, ship, Phase::Unloading, now);
            super::ships::schedule_step(w, ship, SimTime::ZERO, Event::ShipStep(ship), s);
        }
        return;
    }
    while let Some(&id) = w.yards.ports[p].gate.front() {
        let kg = w.cargo.consignments.items[id as usize].kg;
        if !w.yards.has_room(net, p, kg) {
            break;
        }
        let yard = &mut w.yards.ports[p];
        yard.gate.pop_front();
        yard.gate_kg -= kg;
        w.yards.add(p, kg, now);
        w.enqueue(id, s);
    }
}
