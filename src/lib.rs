//! # corridor
//!
//! Discrete-event simulation of freight corridors: ships, trains and port berths as
//! simulated entities on a network, scenario files that vary capacity and demand, and
//! a parallel Monte Carlo core that turns a stochastic model into answers with
//! confidence intervals.
//!
//! Layers, each depending only on those below it:
//! - [`engine`]: the generic event-scheduling kernel (time, queue, run loop, random streams).
//! - [`stats`]: online statistics and confidence intervals.
//! - [`scenario`]: scenario files, validation with located errors, variants, sweeps.
//! - [`model`]: the freight corridor model on the engine.
//! - [`experiment`]: parallel Monte Carlo, common random numbers, comparisons.
//! - [`report`]: tables, JSON and CSV.
#![warn(missing_docs)]

pub mod engine;
pub mod experiment;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
