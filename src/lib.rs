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
//! ## The model
//!
//! A scenario (a TOML file, or built in code: see [`scenario`]) describes a network:
//! - **ports** with a yard and groups of berths by class (rail ferry, Ro-Ro, container,
//!   dry, liquid bulk, general), each handling at a rate or for a sampled time;
//!   **nodes** inland (rail terminals, transfer points such as borders, destinations);
//!   **sea links** and **rail links** with sampled running times and train paths;
//! - **services** that carry cargo over them: ship services (vessels on a loop of ports,
//!   sailing when full enough or after a wait, with slots per unit on deck), pools of
//!   vessels moved between lines, train services (when full or by timetable) and
//!   pipelines;
//! - **demand**: flows of cargo along routes (or alternative routes, by shares or by
//!   congestion), in consignments, whole units (wagons, trucks, TEU) and empties, with
//!   seasonality, growth by year and an optional outside corridor that takes cargo
//!   when this one is slow or dear; ships arriving from outside; storms that close
//!   ports and suspend crossings;
//! - **variants** that patch any field, dated **changes**, candidate **upgrades** with
//!   costs, and **uncertain inputs** with their ranges.
//!
//! Running it simulates every replication from its own random streams and reports
//! KPIs by dotted keys built from the scenario's ids, e.g.
//! `port.baku.ship_wait_hours.p95`, `flow.<id>.transit_hours.mean`, `rho.<resource>`,
//! `system.backlog_growth_tonnes_per_day` (every key: [`kpis`]). Each KPI is summarised
//! over replications with a 95 % interval ([`stats::Summary`]); variants share random
//! numbers, so their paired differences are sharp ([`experiment::ExperimentResult::paired`]).
//!
//! Three answers rest on those runs:
//! - **Is it stable?** A growing backlog is not a steady state: each variant gets a
//!   verdict (stable, unstable, saturated) from the growth of the cargo in the system,
//!   with what binds ([`experiment::VariantResult::stability`],
//!   [`experiment::VariantResult::what_binds`]).
//! - **How much more demand can it take?** [`experiment::capacity`] finds the largest
//!   factor on demand at which a variant stays stable and meets criteria such as
//!   `port.baku.ship_wait_hours.p95 <= 24`.
//! - **What is the cheapest set of upgrades?** [`experiment::plan`] searches plans of
//!   candidate upgrades by year, cheapest first, calling each feasible or not with a
//!   stated error.
//!
//! ## Use
//!
//! Load a scenario, run two variants with common random numbers, and read a KPI with
//! its confidence interval and a paired difference ([`prelude`] holds what this needs):
//!
//! ```
//! use corridor::prelude::*;
//!
//! let scenario = Scenario::from_str(corridor::scenario::bundled::MIDDLE_CORRIDOR, "middle_corridor.toml")?;
//! let result = scenario.experiment().variants(["baseline", "baku_phase2"]).replications(4).run()?;
//! let baseline = result.variant("baseline").unwrap();
//! let wait = baseline.kpi("port.baku.ship_wait_hours.mean")?;
//! println!("Baku wait {:.1} h [{:.1}, {:.1}]", wait.mean, wait.ci95[0], wait.ci95[1]);
//! println!("verdict {:?}, binding {:?}", baseline.stability().verdict, baseline.what_binds().binding);
//! let phase2 = result.paired("baseline", "baku_phase2", "port.baku.ship_wait_hours.mean")?;
//! println!("phase 2 changes it by {:+.1} h [{:+.1}, {:+.1}]", phase2.mean, phase2.ci95[0], phase2.ci95[1]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs, missing_debug_implementations, unreachable_pub, clippy::missing_errors_doc)]

pub mod engine;
#[doc = include_str!("../docs/kpis.md")]
pub mod kpis {}
pub mod experiment;
pub mod model;
pub mod prelude;
#[cfg(feature = "cli")]
pub mod report;
pub mod scenario;
pub mod stats;
