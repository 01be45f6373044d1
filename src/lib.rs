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
//! - `report`: tables, JSON, CSV, charts and the HTML report (feature `cli`, on by
//!   default, with the command line).
//!
//! An embedding crate that only simulates can leave the command line and reports out,
//! with their dependencies: `corridor = { version = "0.1", default-features = false }`.
//!
//! Load a scenario, run two variants with common random numbers, and read a KPI with
//! its confidence interval and a paired difference:
//!
//! ```
//! use corridor::experiment::Experiment;
//! use corridor::scenario::Scenario;
//!
//! let scenario = Scenario::load("scenarios/middle_corridor.toml")?;
//! let result = Experiment::for_scenario(&scenario)
//!     .variants(["baseline", "baku_phase2"])
//!     .replications(4)
//!     .run(&scenario, None)?;
//! let wait = result.variant("baseline").unwrap().kpi("port.baku.ship_wait_hours.mean")?;
//! println!("Baku wait {:.1} h [{:.1}, {:.1}]", wait.mean, wait.ci95[0], wait.ci95[1]);
//! let phase2 = result.compare("baseline", "baku_phase2").unwrap();
//! assert!(!phase2.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs, missing_debug_implementations, unreachable_pub, clippy::missing_errors_doc)]

pub mod engine;
pub mod experiment;
pub mod model;
#[cfg(feature = "cli")]
pub mod report;
pub mod scenario;
pub mod stats;
