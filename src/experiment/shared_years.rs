//! Years that plans share, simulated once.
//!
//! The plan search simulates many plans that differ only in later years: two plans
//! with the same upgrades in service up to the close of a planning year run, under
//! common random numbers, exactly the same replications up to that instant. So each
//! replication's state is kept at every year's close ([`YearStart`]), under the
//! upgrades in service by then, and a later plan with the same upgrades so far resumes
//! from the latest state it shares instead of simulating those years again. A resumed
//! replication gives exactly the KPIs of one run from the start (tested in
//! `model::tests` and in `tests/plan.rs`), so the search decides exactly what it would
//! decide without sharing; it only runs fewer events.
//!
//! A dated change that falls exactly on a year's close takes effect after the state is
//! kept (the closing year is measured without it), so it belongs to the next year's
//! key. States are dropped, oldest first, beyond a memory budget.

use crate::engine::SimTime;
use crate::model::{Network, Pauses, ReplicationKpis, YearStart, run_from};
use crate::scenario::DAYS_PER_YEAR;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The upgrades in service by a year's close: (candidate, day it enters, as bits).
pub(crate) type Upgrades = Vec<(usize, u64)>;

/// What the states are kept under: (years closed, upgrades in service by then, seed,
/// replication).
type Key = (usize, Upgrades, u64, u64);

/// The states kept, with what they cost.
#[derive(Default)]
struct Kept {
    states: HashMap<Key, Arc<YearStart>>,
    /// Keys in the order they were kept (to drop the oldest first).
    order: VecDeque<Key>,
    bytes: usize,
    /// The most bytes kept at once.
    peak: usize,
}

/// Replication states kept at years' closes, shared by every plan of a search.
pub(crate) struct SharedYears {
    /// Planning years of the scenario.
    years: usize,
    kept: Mutex<Kept>,
    /// The most bytes of states kept (roughly).
    budget: usize,
    /// Whether states are kept and resumed at all (off: every replication from its
    /// start, for comparison).
    enabled: bool,
    /// Replication-years simulated, and those taken from kept states instead.
    simulated: AtomicU64,
    reused: AtomicU64,
}

/// The default memory budget for kept states: 4 GiB.
pub(crate) const DEFAULT_BUDGET: usize = 4 << 30;

impl SharedYears {
    /// Sharing for a scenario of `years` planning years, keeping states up to about
    /// `budget` bytes; `enabled` false runs every replication from its start.
    pub(crate) fn new(years: usize, budget: usize, enabled: bool) -> SharedYears {
        SharedYears {
            years,
            kept: Mutex::new(Kept::default()),
            budget,
            enabled,
            simulated: AtomicU64::new(0),
            reused: AtomicU64::new(0),
        }
    }

    /// The upgrades of a plan in service by the close of each year: element `j` for
    /// the close of year `j` (element 0, the start, is empty). `days[c]` is the day
    /// candidate `c` enters, from the start of the first planning year.
    pub(crate) fn upgrades_by_close(&self, days: &[Option<f64>]) -> Vec<Upgrades> {
        (0..=self.years)
            .map(|j| {
                let close = SimTime::from_hours_clamped(j as f64 * DAYS_PER_YEAR * 24.0);
                days.iter()
                    .enumerate()
                    .filter_map(|(c, d)| {
                        let d = (*d)?;
                        (SimTime::from_hours_clamped(d * 24.0) < close).then_some((c, d.to_bits()))
                    })
                    .collect()
            })
            .collect()
    }

    /// Runs replication `replication` of `network` (a plan whose upgrades by each
    /// year's close are `upgrades`, from [`SharedYears::upgrades_by_close`]), from the
    /// latest kept state it shares, keeping its states at the closes not kept yet, and
    /// stopping after `stop_after` years if given.
    pub(crate) fn run(
        &self,
        network: &Network,
        seed: u64,
        replication: u64,
        upgrades: &[Upgrades],
        stop_after: Option<usize>,
    ) -> ReplicationKpis {
        let last = stop_after.unwrap_or(self.years).min(self.years);
        // States are kept at the closes before the last year (the last closes at the
        // horizon, where nothing is left to share).
        let closes = 1..self.years.min(last + 1);
        let from: Option<Arc<YearStart>> = if self.enabled {
            let kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            closes.clone().rev().find_map(|j| kept.states.get(&(j, upgrades[j].clone(), seed, replication)).cloned())
        } else {
            None
        };
        let start = from.as_ref().map_or(0, |s| s.years_closed());
        let keep = |j: usize| {
            self.enabled && j > start && closes.contains(&j) && {
                let kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                !kept.states.contains_key(&(j, upgrades[j].clone(), seed, replication))
            }
        };
        let mut pauses = Pauses { keep: &keep, kept: Vec::new(), stop_after };
        let kpis = run_from(network, seed, replication, from.as_deref(), &mut pauses);
        let end = if kpis.saturation.is_some() { kpis.years.len() } else { last };
        self.reused.fetch_add(start as u64, Ordering::Relaxed);
        self.simulated.fetch_add(end.saturating_sub(start) as u64, Ordering::Relaxed);
        if !pauses.kept.is_empty() {
            let mut kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for state in pauses.kept {
                let key = (state.years_closed(), upgrades[state.years_closed()].clone(), seed, replication);
                kept.bytes += state.bytes();
                kept.order.push_back(key.clone());
                kept.states.insert(key, Arc::new(state));
            }
            kept.peak = kept.peak.max(kept.bytes);
            while kept.bytes > self.budget {
                let Some(oldest) = kept.order.pop_front() else { break };
                if let Some(state) = kept.states.remove(&oldest) {
                    kept.bytes = kept.bytes.saturating_sub(state.bytes());
                }
            }
        }
        kpis
    }

    /// Replication-years simulated, and those taken from kept states.
    pub(crate) fn years_counted(&self) -> (u64, u64) {
        (self.simulated.load(Ordering::Relaxed), self.reused.load(Ordering::Relaxed))
    }

    /// The most bytes of states kept at once (roughly, as [`YearStart::bytes`] counts).
    pub(crate) fn peak_bytes(&self) -> usize {
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner).peak
    }
}
