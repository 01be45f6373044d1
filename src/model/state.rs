//! Mutable state of one replication: consignments, ships, trains, queues, and the
//! statistics accumulators. Plain data in `Vec`s indexed by typed indices.

use super::network::Kg;
use crate::engine::SimTime;
use crate::stats::{OnlineStats, StreamQuantiles, TimeWeighted};
use std::collections::VecDeque;

/// One consignment of cargo.
#[derive(Debug, Clone, Copy)]
pub struct Consignment {
    /// Flow index.
    pub flow: u32,
    /// Position in the flow's legs of the leg it is on or waiting for.
    pub leg_pos: u16,
    /// Weight.
    pub kg: Kg,
    /// When it entered the system.
    pub created: SimTime,
    /// When it arrived at the node where it is now.
    pub at_node_since: SimTime,
}

/// Consignments in a slab with a free list: ids are reused, storage is not reallocated.
#[derive(Debug, Default)]
pub struct Slab {
    /// Slots.
    pub items: Vec<Consignment>,
    free: Vec<u32>,
    /// Live consignments.
    pub live: u64,
}

impl Slab {
    /// Stores a consignment and returns its id.
    pub fn insert(&mut self, c: Consignment) -> u32 {
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
    pub fn remove(&mut self, id: u32) {
        self.live -= 1;
        self.free.push(id);
    }

    /// Which slots hold a live consignment (for audits; O(slots)).
    pub fn live_slots(&self) -> Vec<bool> {
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
#[derive(Debug, Default)]
pub struct LegQueue {
    /// Consignment ids, oldest first.
    pub items: VecDeque<u32>,
    /// Total weight waiting.
    pub kg: Kg,
    /// Waits of consignments taken from this queue (hours, after warm-up).
    pub wait: OnlineStats,
}

/// What a ship is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Sailing towards `port`.
    Sailing,
    /// At anchor waiting for a berth.
    Queued,
    /// At berth, berthing or in a sampled service time.
    Berthing,
    /// Unloading.
    Unloading,
    /// Blocked: the yard has no room for the next consignment.
    Blocked,
    /// Loading.
    Loading,
    /// At berth, waiting for more cargo.
    WaitingCargo,
    /// Ready to leave but the port is closed.
    WaitingWeather,
    /// Left the model (open arrivals).
    Gone,
}

/// A vessel.
#[derive(Debug)]
pub struct Ship {
    /// Ship service, or `None` for an open arrival.
    pub service: Option<u32>,
    /// Position in the service's route of the current port.
    pub route_pos: usize,
    /// Current (or next) port.
    pub port: usize,
    /// Berth group index at that port.
    pub berth: usize,
    /// Consignments on board.
    pub cargo: Vec<u32>,
    /// Weight on board (consignments and open cargo).
    pub load: Kg,
    /// Cargo of an open arrival (leaves at this port).
    pub open_cargo: Kg,
    /// Phase.
    pub phase: Phase,
    /// When it reached the port (anchorage).
    pub arrived: SimTime,
    /// When it started waiting for cargo or was blocked.
    pub since: SimTime,
    /// Generation of its wait timer.
    pub token: u32,
    /// Whether it has started waiting for cargo at this call (`since` is then set).
    pub has_waited: bool,
}

/// State of a berth group.
#[derive(Debug)]
pub struct BerthState {
    /// Berths in use.
    pub busy: u32,
    /// Ships waiting at anchor, FIFO.
    pub queue: VecDeque<u32>,
    /// Berths in use over time.
    pub occupancy: TimeWeighted,
}

/// State of a port.
#[derive(Debug)]
pub struct PortState {
    /// Cargo in the yard.
    pub yard: Kg,
    /// Yard stock over time (tonnes).
    pub yard_stock: TimeWeighted,
    /// Consignments waiting upstream to enter the yard.
    pub gate: VecDeque<u32>,
    /// Weight at the gate.
    pub gate_kg: Kg,
    /// Ships blocked by a full yard, FIFO.
    pub blocked: VecDeque<u32>,
    /// Ships waiting at berth for cargo.
    pub waiting_ships: Vec<u32>,
    /// Ships ready to leave, held by weather.
    pub weather_held: Vec<u32>,
    /// Closed by weather until this time (if closed).
    pub closed_until: SimTime,
    /// Whether closed now.
    pub closed: bool,
    /// When the current closure began.
    pub closed_since: SimTime,
    /// Closed hours after warm-up.
    pub closed_hours: f64,
    /// Ship-hours blocked by a full yard after warm-up.
    pub blocked_hours: f64,
    /// Tonnes across the quay after warm-up, kg.
    pub throughput: Kg,
    /// Ship waits for a berth (hours).
    pub wait: OnlineStats,
    /// Quantiles of ship waits.
    pub wait_quantiles: StreamQuantiles,
    /// Ship turnaround (anchorage arrival to departure), hours.
    pub turnaround: OnlineStats,
    /// Berth groups.
    pub berths: Vec<BerthState>,
    /// Ships at anchor waiting for a berth (all classes), over time.
    pub anchorage: TimeWeighted,
}

/// State of a ship service.
#[derive(Debug, Default)]
pub struct ShipServiceState {
    /// Departures after warm-up.
    pub trips: u64,
    /// Load factor at departure.
    pub load_factor: OnlineStats,
    /// Vessels waiting for cargo (for utilisation), over time.
    pub idle: TimeWeighted,
}

/// A trainset.
#[derive(Debug)]
pub struct Train {
    /// Service index.
    pub service: u32,
    /// Consignments on board.
    pub cargo: Vec<u32>,
    /// Weight on board.
    pub load: Kg,
}

/// State of a train service.
#[derive(Debug)]
pub struct TrainServiceState {
    /// Trainsets idle at the origin.
    pub idle: Vec<u32>,
    /// Departures after warm-up.
    pub trips: u64,
    /// Load factor at departure.
    pub load_factor: OnlineStats,
    /// Trainsets busy over time.
    pub busy: TimeWeighted,
    /// Generation of the part-load timer.
    pub token: u32,
}

/// Per-flow statistics.
#[derive(Debug)]
pub struct FlowState {
    /// Delivered after warm-up, kg.
    pub delivered: Kg,
    /// Generated after warm-up, kg.
    pub generated: Kg,
    /// In the system now, kg.
    pub in_system: Kg,
    /// End-to-end transit, hours.
    pub transit: OnlineStats,
    /// Quantiles of transit.
    pub transit_quantiles: StreamQuantiles,
}
