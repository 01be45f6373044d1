//! Cargo: the consignments of one replication, the queues in which they wait for
//! their next leg, and the system ledger (every kilogram generated and delivered).
//!
//! Measurement: waits for the next leg, and the ledger's measured window (generated
//! and delivered after the warm-up, and what was in the system when it ended).

use super::compiled::Network;
use super::network::{Carrier, Kg};
use crate::engine::SimTime;
use crate::stats::OnlineStats;
use std::collections::VecDeque;

/// One consignment of cargo.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Consignment {
    /// Flow index.
    pub(crate) flow: u32,
    /// Position in the flow's legs of the leg it is on or waiting for.
    pub(crate) leg_pos: u16,
    /// Units (wagons, trucks, TEU) for cargo counted in units, else 0. Empty units
    /// have units and no weight.
    pub(crate) units: u32,
    /// Weight.
    pub(crate) kg: Kg,
    /// When it entered the system.
    pub(crate) created: SimTime,
    /// When it arrived at the node where it is now.
    pub(crate) at_node_since: SimTime,
}

/// Consignments in a slab with a free list: ids are reused, storage is not reallocated.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slab {
    /// Slots.
    pub(crate) items: Vec<Consignment>,
    free: Vec<u32>,
    /// Live consignments.
    pub(crate) live: u64,
}

impl Slab {
    /// Stores a consignment and returns its id.
    #[inline]
    pub(crate) fn insert(&mut self, c: Consignment) -> u32 {
        self.live += 1;
        match self.free.pop() {
            Some(id) => {
                self.items[id as usize] = c;
                id
            }
            None => {
                self.items.push(c);
                (self.items.len() - 1) as u32
            }
        }
    }

    /// Frees a consignment id.
    #[inline]
    pub(crate) fn remove(&mut self, id: u32) {
        self.live -= 1;
        self.free.push(id);
    }

    /// Which slots hold a live consignment (for audits; O(slots)).
    pub(crate) fn live_slots(&self) -> Vec<bool> {
        let mut live = vec![true; self.items.len()];
        for &id in &self.free {
            if let Some(slot) = live.get_mut(id as usize) {
                *slot = false;
            }
        }
        live
    }
}

/// A FIFO of consignments waiting for one leg.
#[derive(Debug, Clone, Default)]
pub(crate) struct LegQueue {
    /// Consignment ids, oldest first.
    pub(crate) items: VecDeque<u32>,
    /// Total weight waiting.
    pub(crate) kg: Kg,
    /// Waits of consignments taken from this queue (hours, measured window).
    pub(crate) wait: OnlineStats,
}

/// The cargo subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Cargo {
    /// Every live consignment.
    pub(crate) consignments: Slab,
    /// One queue per leg.
    pub(crate) legs: Vec<LegQueue>,
    /// Kilograms generated since the start (flows and open arrivals).
    pub(crate) generated: Kg,
    /// Kilograms delivered since the start.
    pub(crate) delivered: Kg,
    /// Kilograms generated in the measured window.
    pub(crate) window_generated: Kg,
    /// Kilograms delivered in the measured window.
    pub(crate) window_delivered: Kg,
    /// Kilograms in the system when the measured window opened.
    pub(crate) in_system_at_start: Kg,
}

impl Cargo {
    pub(crate) fn new(net: &Network) -> Cargo {
        Cargo {
            consignments: Slab::default(),
            legs: net.legs.iter().map(|_| LegQueue::default()).collect(),
            generated: 0,
            delivered: 0,
            window_generated: 0,
            window_delivered: 0,
            in_system_at_start: 0,
        }
    }

    /// Records `kg` entering the system.
    #[inline]
    pub(crate) fn generated(&mut self, kg: Kg) {
        self.generated += kg;
        self.window_generated += kg;
    }

    /// Records `kg` leaving the system at its destination.
    #[inline]
    pub(crate) fn delivered(&mut self, kg: Kg) {
        self.delivered += kg;
        self.window_delivered += kg;
    }

    /// Takes up to `room` kg and `room_units` units from the front of a leg queue,
    /// splitting the consignment if it does not fit (in whole units, when it has units).
    /// Returns the id now travelling and its weight.
    #[inline]
    pub(crate) fn take_from_leg(&mut self, leg: usize, room: Kg, room_units: u32, now: SimTime) -> Option<(u32, Kg)> {
        let &front = self.legs[leg].items.front()?;
        let c = self.consignments.items[front as usize];
        let fits = c.kg <= room && c.units <= room_units;
        let (id, kg) = if fits {
            self.legs[leg].items.pop_front();
            (front, c.kg)
        } else {
            // Split: the part that fits travels, the rest keeps its place in the queue.
            let part = self.split_off(front, room, room_units)?;
            (part, self.consignments.items[part as usize].kg)
        };
        let queue = &mut self.legs[leg];
        queue.kg -= kg;
        queue.wait.push((now - c.at_node_since).as_hours());
        Some((id, kg))
    }

    /// Splits off a part of consignment `id` of at most `max_kg` and `max_units`
    /// (whole units, weight in proportion, when it has units) and returns the part's
    /// id; `None` when not even one unit (or one kilogram) fits. `id` keeps the rest.
    pub(crate) fn split_off(&mut self, id: u32, max_kg: Kg, max_units: u32) -> Option<u32> {
        let c = self.consignments.items[id as usize];
        let (kg, units) = if c.units > 0 {
            let by_weight = if c.kg == 0 {
                c.units
            } else {
                ((u128::from(max_kg) * u128::from(c.units)) / u128::from(c.kg)) as u32
            };
            let units = max_units.min(by_weight).min(c.units - 1);
            if units == 0 {
                return None;
            }
            ((u128::from(c.kg) * u128::from(units) / u128::from(c.units)) as Kg, units)
        } else {
            let kg = max_kg.min(c.kg.saturating_sub(1));
            if kg == 0 {
                return None;
            }
            (kg, 0)
        };
        let whole = &mut self.consignments.items[id as usize];
        whole.kg -= kg;
        whole.units -= units;
        Some(self.consignments.insert(Consignment { kg, units, ..c }))
    }

    /// Opens the measured window: waits and window totals restart.
    pub(crate) fn reset(&mut self, _now: SimTime) {
        for q in &mut self.legs {
            q.wait = OnlineStats::new();
        }
        self.window_generated = 0;
        self.window_delivered = 0;
        self.in_system_at_start = self.generated - self.delivered;
    }
}

/// A readable name for the resource a leg's cargo waits for.
pub(crate) fn leg_name(net: &Network, leg: usize) -> String {
    let def = &net.legs[leg];
    let node = &net.nodes[def.from].id;
    match def.carrier {
        Carrier::Ship(s) => format!("service.{}@{}", net.ship_services[s].id, node),
        Carrier::Train(t) => format!("service.{}@{}", net.train_services[t].id, node),
        Carrier::Pipeline(p) => format!("pipeline.{}@{}", net.pipelines[p].id, node),
    }
}
