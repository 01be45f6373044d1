//! The generic event-scheduling kernel: time, event queue, scheduler, run loop and
//! random streams.
//!
//! This module knows nothing about ships or ports and depends on nothing else in the
//! crate; another crate can write its own models on it alone. See
//! `examples/mmc.rs` for a complete model (an M/M/c queue) written on the engine.

mod queue;
mod rng;
mod scheduler;
mod simulation;
mod time;

pub use rng::{RandomStream, Streams, stream};
pub use scheduler::{EventHandle, ScheduleError, Scheduler};
pub use simulation::{Model, RunReport, Simulation, StopReason};
pub use time::{MILLIS_PER_DAY, MILLIS_PER_HOUR, MILLIS_PER_SECOND, SimTime, TimeError, nearest_u64};
