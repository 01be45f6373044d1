//! An experiment bound to its scenario: `scenario.experiment()…run()`, the one call
//! chain an embedder needs (the scenario is named once, progress is a setting, not a
//! positional argument).

use super::capacity::{CapacityAnswer, CapacityError, CapacitySearch};
use super::plan::{PlanAnswer, PlanError, PlanSearch};
use super::{Experiment, ExperimentError, ExperimentResult, PrecisionTarget, Shard};
use crate::scenario::Scenario;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// An [`Experiment`] on one scenario, ready to run; made by [`Scenario::experiment`].
///
/// ```
/// use corridor::scenario::Scenario;
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml")?;
/// let done = AtomicU64::new(0);
/// let result = scenario
///     .experiment()
///     .replications(6)
///     .threads(2)
///     .progress(|finished, _planned| done.store(finished, Ordering::Relaxed))
///     .run()?;
/// assert_eq!(result.replications, 6);
/// assert_eq!(done.load(Ordering::Relaxed), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PreparedExperiment<'a> {
    scenario: &'a Scenario,
    experiment: Experiment,
    progress: Option<Box<dyn Fn(u64, u64) + Sync + 'a>>,
}

impl std::fmt::Debug for PreparedExperiment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedExperiment")
            .field("scenario", &self.scenario.base().scenario.name)
            .field("experiment", &self.experiment)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Scenario {
    /// An experiment on this scenario with its own settings: every declared variant
    /// (or the base when it declares none), its seed and replications, all cores.
    /// Change what you need and call [`PreparedExperiment::run`].
    pub fn experiment(&self) -> PreparedExperiment<'_> {
        PreparedExperiment { scenario: self, experiment: Experiment::for_scenario(self), progress: None }
    }
}

impl<'a> PreparedExperiment<'a> {
    /// These variants instead (by name; [`crate::scenario::BASE`] is the unmodified
    /// scenario).
    pub fn variants<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.experiment = self.experiment.variants(names);
        self
    }

    /// This many replications (the pilot, with a precision target).
    pub fn replications(mut self, n: u64) -> Self {
        self.experiment = self.experiment.replications(n);
        self
    }

    /// This master seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.experiment = self.experiment.seed(seed);
        self
    }

    /// This many worker threads (results are identical for any number).
    pub fn threads(mut self, threads: usize) -> Self {
        self.experiment = self.experiment.threads(threads);
        self
    }

    /// Runs until KPI `target.kpi`'s interval is within `target.relative` of its mean
    /// (see [`crate::experiment::precision`]).
    pub fn precision(mut self, target: PrecisionTarget) -> Self {
        self.experiment = self.experiment.precision(target);
        self
    }

    /// Runs only `shard`'s replications (for clusters; merge the shards' results).
    pub fn shard(mut self, shard: Shard) -> Self {
        self.experiment.shard = Some(shard);
        self
    }

    /// Stops starting replications once `flag` is set (e.g. by a Ctrl-C handler); the
    /// result is then marked interrupted.
    pub fn interrupt(mut self, flag: Arc<AtomicBool>) -> Self {
        self.experiment.interrupt = Some(flag);
        self
    }

    /// Traces replication 0 of every variant, sampling yard stocks every `interval`
    /// ([`crate::experiment::VariantResult::trace`]); its KPIs are unchanged.
    pub fn traced(mut self, interval: crate::engine::SimTime) -> Self {
        self.experiment = self.experiment.traced(interval);
        self
    }

    /// Calls `report(done, planned)` as replications finish (from worker threads).
    pub fn progress(mut self, report: impl Fn(u64, u64) + Sync + 'a) -> Self {
        self.progress = Some(Box::new(report));
        self
    }

    /// The experiment's settings as they stand.
    pub fn settings(&self) -> &Experiment {
        &self.experiment
    }

    /// Runs it.
    ///
    /// # Errors
    /// Settings out of range, an unknown variant (naming the nearest), or a variant
    /// that cannot be compiled.
    pub fn run(self) -> Result<ExperimentResult, ExperimentError> {
        self.experiment.run(self.scenario, self.progress.as_deref())
    }

    /// How much more demand `variant` sustains: the largest factor on the demand of
    /// `search.tags` at which it stays stable and meets `search.criteria`, with the
    /// replications, seed and threads set here (see [`crate::experiment::capacity`]).
    ///
    /// # Errors
    /// See [`CapacityError`].
    ///
    /// ```
    /// use corridor::prelude::*;
    /// let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml")?;
    /// let criterion = Criterion::parse("port.port.ship_wait_hours.mean <= 12")?;
    /// let answer = scenario
    ///     .experiment()
    ///     .replications(8)
    ///     .capacity("base", &CapacitySearch::new(vec![], vec![criterion]))?;
    /// // Erlang C: three berths of 12 h keep the mean wait within 12 h up to ×1.18
    /// // of the offered ships (the wait is 8.1 h at ×1.1 and 16.9 h at ×1.25).
    /// assert!(answer.factor > 1.1 && answer.factor < 1.3, "{}", answer.factor);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn capacity(self, variant: &str, search: &CapacitySearch) -> Result<CapacityAnswer, CapacityError> {
        super::capacity::search(self.scenario, variant, search, &self.experiment, None)
    }

    /// The cheapest plan of the scenario's candidate upgrades under which `variant`
    /// is stable in every planning year and meets `search.criteria`, with the seed and
    /// threads set here (see [`crate::experiment::plan`]).
    ///
    /// # Errors
    /// See [`PlanError`].
    pub fn plan(self, variant: &str, search: &PlanSearch) -> Result<PlanAnswer, PlanError> {
        super::plan::search(self.scenario, variant, search, &self.experiment, None)
    }
}
