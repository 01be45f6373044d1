//! What an embedding crate usually needs, in one import: `use corridor::prelude::*;`.
//!
//! Loading or building a scenario (every spec type and its builders), running it
//! ([`Scenario::experiment`]), reading results (summaries, paired differences, what
//! binds, the stability verdict) and the two searches (how much demand it sustains,
//! the cheapest plan of upgrades).
//!
//! ```
//! use corridor::prelude::*;
//! let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml")?;
//! let result = scenario.experiment().replications(4).run()?;
//! let port = &result.variants[0];
//! let wait: Summary = port.kpi("port.port.ship_wait_hours.mean")?;
//! assert_eq!(port.stability().verdict, Verdict::Stable);
//! println!("wait {:.1} h, what binds: {:?}", wait.mean, port.what_binds().binding);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use crate::experiment::capacity::{CapacityAnswer, CapacityError, CapacitySearch, Criterion};
pub use crate::experiment::plan::{PlanAnswer, PlanError, PlanSearch};
pub use crate::experiment::{
    Binding, Experiment, ExperimentError, ExperimentResult, KpiError, PairedDifference, PrecisionTarget,
    PreparedExperiment, Stability, VariantResult, Verdict, WhatBinds,
};
pub use crate::scenario::{
    BASE, BerthClass, BerthSpec, CandidateSpec, ChangeSpec, DeckSharing, DeparturePolicy, Dispatch, DistSpec,
    EmptyReturnSpec, FlowSpec, GrowthSpec, Landing, NodeKind, NodeSpec, OutsideOptionSpec, OverrideValue, PipelineSpec,
    PlanningSpec, PoolSpec, PortSpec, RailLinkSpec, RouteChoice, RouteSpec, Scenario, ScenarioError, ScenarioSpec,
    SeaLinkSpec, Settings, ShipArrivalSpec, ShipServiceSpec, StormHandling, SweepAxis, SweepSpec, TrainServiceSpec,
    UncertainSpec, VariantSpec, WaitFrom, WeatherSpec,
};
pub use crate::stats::Summary;
