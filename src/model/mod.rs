//! The freight corridor model: ports with berths and yards, ship and train services,
//! cargo flows, open ship arrivals and weather closures, on the generic engine.
//!
//! One module per kind of entity, each owning its state, its named random streams and
//! its measured window (reset when the warm-up ends, closed at the horizon):
//!
//! | module | owns | events |
//! |---|---|---|
//! | `flows` | flows: consignment generation, delivery, transit times | `FlowArrival` |
//! | `cargo` | consignments, queues for each leg, the system ledger | — |
//! | `yards` | yards and gates, ships blocked by a full yard | — |
//! | `berths` | berth groups, anchorage, waits, turnaround, quay throughput | — |
//! | `ships` | ship services: calls, loading, sailing, waits for cargo and weather | `ShipAtPort`, `Berthed`, `ShipStep`, `ShipTimeout` |
//! | `pools` | vessels shared by several ship services: which line a released vessel serves next | — |
//! | `arrivals` | ships arriving from outside the model with cargo for one port | `OpenShip` |
//! | `trains` | train services and rail lines (paths per direction) | `Timetable`, `TrainTimeout`, `TrainLoaded`, `TrainArrived`, `TrainReturned` |
//! | `weather` | storms over sea areas: port closures, suspended sailings, paused handling | `Storm`, `Reopen`, `LinkReopen`, `AreaClear` |
//! | `transfer` | transfer points (border, customs, gauge change): servers and dwell | `TransferDone` |
//! | `pipelines` | pipelines (e.g. BTC): pumping first come, first served at a rate, then transit | `Pumped`, `PipelineArrived` |
//! | `backlog` | cargo in the system, per flow and per place, sampled over the window (growth) | `BacklogSample` |
//! | `trace` | time series for charts | `Sample` |
//! | `capacity` | the capacity sheet: capacity, offered load and ρ of every resource, from the scenario alone | — |
//! | `corridor` | the compiled [`Network`]; the router; cargo between nodes | `WarmupEnd` |
//!
//! Data-oriented: entities live in `Vec`s indexed by position; events carry indices;
//! names from the scenario are resolved once, by [`Network::compile`]. Cargo is
//! counted in whole kilograms so that conservation is exact.

mod arrivals;
mod audit;
mod backlog;
mod berths;
mod bound;
mod capacity;
mod cargo;
mod compiled;
mod corridor;
mod costs;
mod fleet_time;
mod flows;
mod kpis;
mod network;
mod pipelines;
mod planning;
mod pools;
mod routes;
mod ship_services;
mod ship_weather;
mod ships;
mod trace;
mod trains;
mod transfer;
mod weather;
mod yards;

pub use bound::RhoBound;
pub use capacity::{CapacityRow, CapacitySheet, ResourceKind};
pub use corridor::{Network, Saturation};
pub use kpis::{
    BacklogPath, Bottleneck, Conservation, FlowKpis, PortKpis, RailKpis, ReplicationKpis, ServiceKpis, SystemKpis,
};
pub use network::{CompileError, Kg, kg_from_tonnes, month_of, tonnes};
pub use trace::Trace;

use crate::engine::{Scheduler, SimTime, Simulation, StopReason, Streams};
use corridor::Corridor;

/// Runs replication `replication` of `network` under `master_seed` to the end of its
/// horizon (or until a cap saturates it), and returns its KPIs. Debug builds (and
/// tests) audit every replication and panic on a broken invariant.
///
/// ```
/// use corridor::model::{Network, run_replication};
/// use corridor::scenario::Scenario;
/// let scenario = Scenario::from_str(corridor::scenario::bundled::MMC_PORT, "mmc_port.toml").unwrap();
/// let network = Network::compile(scenario.base()).unwrap();
/// let kpis = run_replication(&network, 42, 0);
/// assert!(kpis.conservation.holds());
/// ```
pub fn run_replication(network: &Network, master_seed: u64, replication: u64) -> ReplicationKpis {
    let (kpis, _, audit) = run(network, master_seed, replication, None, cfg!(debug_assertions));
    if let Err(violation) = audit {
        panic!("replication {replication} (seed {master_seed}) broke an invariant: {violation}");
    }
    kpis
}

/// Like [`run_replication`], also sampling yard stocks every `interval` (for charts).
pub fn run_traced(
    network: &Network,
    master_seed: u64,
    replication: u64,
    interval: SimTime,
) -> (ReplicationKpis, Trace) {
    let (kpis, trace, _) = run(network, master_seed, replication, Some(interval), false);
    (kpis, trace.unwrap_or_default())
}

/// Runs a replication like [`run_replication`] and always audits it (in release builds
/// too): conservation against the live consignments and the structural invariants.
///
/// # Errors
/// The first invariant found broken.
pub fn run_audited(network: &Network, master_seed: u64, replication: u64) -> Result<ReplicationKpis, String> {
    let (kpis, _, audit) = run(network, master_seed, replication, None, true);
    audit.map(|()| kpis)
}

/// The KPI keys a replication of `network` reports, in order (without running it).
pub fn kpi_keys(network: &Network) -> Vec<String> {
    let mut model = Corridor::new(network, Streams::new(0, 0));
    model.close_window(network.end);
    model.kpis(network.end, 0).entries().into_iter().map(|(k, _)| k).collect()
}

fn run(
    network: &Network,
    master_seed: u64,
    replication: u64,
    trace: Option<SimTime>,
    audit: bool,
) -> (ReplicationKpis, Option<Trace>, Result<(), String>) {
    let model = Corridor::new(network, Streams::new(master_seed, replication));
    let mut sim = Simulation::with_scheduler(model, Scheduler::with_capacity(1024));
    {
        let (model, scheduler) = sim.parts_mut();
        if let Some(interval) = trace {
            model.enable_trace(interval);
        }
        model.start(scheduler);
    }
    let (kpis, mut sim) = drive(network, sim, &mut Pauses::none());
    let now = sim.now();
    let model = sim.model_mut();
    let checked = if audit { audited(model, &kpis) } else { Ok(()) };
    let trace = model.trace(now);
    (kpis, trace, checked)
}

/// The invariants of a finished replication, and conservation in its KPIs.
fn audited(model: &Corridor<'_>, kpis: &ReplicationKpis) -> Result<(), String> {
    audit::check_invariants(model).and_then(|()| {
        if kpis.conservation.holds() { Ok(()) } else { Err(format!("cargo not conserved: {:?}", kpis.conservation)) }
    })
}

/// The state of a replication at the close of a planning year (right after the year's
/// KPIs were kept and before any dated change due at that instant), from which the
/// replication goes on exactly as it would have from its start: on the network it was
/// taken on, or on any other whose configurations are the same up to that instant
/// (the same scenario with other dated changes from then on). See [`run_from`].
#[derive(Debug, Clone)]
pub(crate) struct YearStart {
    corridor: Corridor<'static>,
    scheduler: Scheduler<corridor::Event>,
    /// Planning years closed.
    years: usize,
    /// Dated changes in force, with their times (to check a network resumed on).
    changes: Vec<SimTime>,
}

impl YearStart {
    /// Planning years closed when the state was taken.
    pub(crate) fn years_closed(&self) -> usize {
        self.years
    }

    /// About how many bytes the state holds: the consignments and pending events
    /// counted, everything else (vessels, trains, queues, measurements, all small at a
    /// year's close) as a fixed allowance.
    pub(crate) fn bytes(&self) -> usize {
        const REST: usize = 256 << 10;
        let consignments =
            self.corridor.cargo.consignments.items.capacity() * std::mem::size_of::<cargo::Consignment>();
        let events = self.scheduler.pending() * 2 * (std::mem::size_of::<corridor::Event>() + 16);
        std::mem::size_of::<Self>() + consignments + events + REST
    }
}

/// What a run does at each planning year's close: which states to keep, and after how
/// many years to stop.
pub(crate) struct Pauses<'a> {
    /// Whether to keep the state at the close of the `n`-th year (`n` from 1).
    pub(crate) keep: &'a dyn Fn(usize) -> bool,
    /// The states kept, in order.
    pub(crate) kept: Vec<YearStart>,
    /// Stop once this many years have closed (the KPIs then hold those years).
    pub(crate) stop_after: Option<usize>,
}

impl Pauses<'_> {
    /// Keeps nothing and runs to the end.
    fn none() -> Pauses<'static> {
        Pauses { keep: &|_| false, kept: Vec::new(), stop_after: None }
    }
}

/// The placeholder network a kept state points at while it belongs to no run.
fn detached() -> &'static Network {
    static EMPTY: std::sync::LazyLock<Network> = std::sync::LazyLock::new(Network::empty);
    &EMPTY
}

/// Runs replication `replication` of `network` under `master_seed`, from its start or
/// from `from` (a state kept by an earlier run of a network with the same
/// configurations up to that state), keeping states and stopping as `pauses` asks.
/// A run from a kept state gives exactly the KPIs of a run from the start.
///
/// # Panics
/// When `from` was taken on a network whose dated changes up to it differ from
/// `network`'s (a caller's mistake).
pub(crate) fn run_from(
    network: &Network,
    master_seed: u64,
    replication: u64,
    from: Option<&YearStart>,
    pauses: &mut Pauses<'_>,
) -> ReplicationKpis {
    let sim = match from {
        Some(start) => {
            let times: Vec<SimTime> = network.epochs.iter().take(start.changes.len()).map(|(at, _)| *at).collect();
            assert!(
                times == start.changes,
                "a state kept at the close of year {} resumed on a network with other dated changes",
                start.years
            );
            let corridor = start.corridor.clone().rebind(network);
            Simulation::with_scheduler(corridor, start.scheduler.clone())
        }
        None => {
            let mut model = Corridor::new(network, Streams::new(master_seed, replication));
            let mut scheduler = Scheduler::with_capacity(1024);
            model.start(&mut scheduler);
            Simulation::with_scheduler(model, scheduler)
        }
    };
    let (kpis, mut sim) = drive(network, sim, pauses);
    if cfg!(debug_assertions)
        && let Err(violation) = audited(sim.model_mut(), &kpis)
    {
        panic!("replication {replication} (seed {master_seed}) broke an invariant: {violation}");
    }
    kpis
}

/// Runs `sim` to the end of `network`'s horizon (or a cap, or the stop `pauses` asks
/// for), applying the dated changes as they fall due, and returns its KPIs with the
/// simulation (for audits and traces) and the events handled.
fn drive<'n>(
    network: &'n Network,
    mut sim: Simulation<Corridor<'n>>,
    pauses: &mut Pauses<'_>,
) -> (ReplicationKpis, Simulation<Corridor<'n>>) {
    let end = network.end;
    let budget = network.max_events;
    let stop = loop {
        let handled = sim.model().events;
        let left = budget.saturating_sub(handled);
        let change = sim.model().next_change_at().filter(|at| *at <= end);
        let report = match change {
            // Due now (right after a year's close at this instant): apply it first.
            Some(at) if at <= sim.now() => {
                let (model, scheduler) = sim.parts_mut();
                planning::apply_next_change(model, scheduler);
                continue;
            }
            // Every event before the change, then the change; a year closing at its
            // instant closes first.
            Some(at) => {
                let before = sim.run_with(SimTime::from_millis(at.as_millis() - 1), left);
                if before.stop != StopReason::ReachedTime && before.stop != StopReason::Exhausted {
                    before
                } else if sim.model().backlog.closes_year_at(at) {
                    let left = budget.saturating_sub(sim.model().events);
                    let closing = sim.run_with(at, left);
                    if closing.stop == StopReason::Requested {
                        closing
                    } else {
                        sim.advance_clock(at);
                        continue;
                    }
                } else {
                    sim.advance_clock(at);
                    let (model, scheduler) = sim.parts_mut();
                    planning::apply_next_change(model, scheduler);
                    continue;
                }
            }
            None => sim.run_with(end, left),
        };
        if report.stop != StopReason::Requested || sim.model().saturation.is_some() {
            break report.stop;
        }
        // A planning year closed.
        let years = sim.model().years.len();
        if (pauses.keep)(years) {
            let corridor = sim.model().clone();
            pauses.kept.push(YearStart {
                changes: network.epochs.iter().take(corridor.changes_applied).map(|(at, _)| *at).collect(),
                corridor: corridor.rebind(detached()),
                scheduler: sim.scheduler().clone(),
                years,
            });
        }
        if pauses.stop_after.is_some_and(|n| years >= n) {
            break StopReason::Requested;
        }
    };
    let now = sim.now();
    let events = sim.model().events;
    let model = sim.model_mut();
    model.close_window(now);
    let mut kpis = model.kpis(now, events);
    if stop == StopReason::StepBudget {
        kpis.saturation = Some(Saturation {
            resource: kpis.bottleneck.busiest.clone(),
            at_hours: now.as_hours(),
            reason: format!("the event budget of {} events per replication was used up", network.max_events),
        });
    }
    (kpis, sim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// Four planning years of a ship shuttle and trains, with a berth added at a
    /// year's close, a vessel mid-year, and `later` (dated changes after 2027).
    fn network(later: &str) -> Network {
        let text = format!(
            r#"
[scenario]
name = "resume"
horizon_days = 1460
warmup_days = 30

[planning]
start_year = 2025
years = 4

[growth.cargo]
annual_rate = 0.25

[ports.a]
yard_capacity_tonnes = 60000
berths.dry = {{ count = 1, handling_tonnes_per_hour = 400.0, berthing_hours = 1.0 }}

[ports.b]
yard_capacity_tonnes = 60000
berths.dry = {{ count = 1, handling_tonnes_per_hour = 400.0, berthing_hours = 1.0 }}

[nodes.c]
kind = "destination"

[sea_links.ab]
between = ["a", "b"]
sailing_hours = {{ dist = "triangular", min = 10.0, mode = 12.0, max = 16.0 }}

[rail_links.bc]
between = ["b", "c"]
transit_hours = {{ dist = "constant", value = 8.0 }}
trains_per_day = 6

[ship_services.shuttle]
class = "dry"
vessels = 1
capacity_tonnes = 3000
route = ["a", "b"]
max_wait_hours = 24

[train_services.trains]
route = ["b", "c"]
trainsets = 2
wagons = 20
tonnes_per_wagon = 50
departure = "when_full"

[flows.cargo]
class = "dry"
annual_tonnes = 500000
consignment_tonnes = {{ dist = "lognormal", mean = 500.0, sd = 200.0 }}
tags = ["cargo"]
route = ["a", "b", "c"]

[changes.berth]
date = "2026-01-01"
set = {{ "ports.b.berths.dry.count" = 2 }}

[changes.second_ship]
date = "2026-07-01"
set = {{ "ship_services.shuttle.vessels" = 2 }}
{later}
"#
        );
        let scenario = Scenario::from_str(&text, "resume.toml").unwrap_or_else(|e| panic!("{e}"));
        Network::compile(scenario.base()).unwrap_or_else(|e| panic!("{e}"))
    }

    const THIRD_SHIP: &str =
        "[changes.third_ship]\ndate = \"2028-01-01\"\nset = { \"ship_services.shuttle.vessels\" = 3 }\n";

    fn entries(k: &ReplicationKpis) -> Vec<(String, f64)> {
        let mut all = k.entries();
        all.extend(k.years.iter().flatten().cloned());
        all
    }

    fn kept(net: &Network, seed: u64, r: u64) -> (ReplicationKpis, Vec<YearStart>) {
        let mut pauses = Pauses { keep: &|_| true, kept: Vec::new(), stop_after: None };
        let kpis = run_from(net, seed, r, None, &mut pauses);
        (kpis, pauses.kept)
    }

    #[test]
    fn a_run_resumed_at_any_year_close_gives_the_kpis_of_a_run_from_the_start() {
        let net = network("");
        for r in 0..3 {
            let fresh = run_replication(&net, 7, r);
            let (kpis, states) = kept(&net, 7, r);
            assert_eq!(entries(&kpis), entries(&fresh));
            assert_eq!(states.iter().map(YearStart::years_closed).collect::<Vec<_>>(), vec![1, 2, 3]);
            for state in &states {
                let resumed = run_from(&net, 7, r, Some(state), &mut Pauses::none());
                assert_eq!(entries(&resumed), entries(&fresh), "resumed after year {}", state.years_closed());
            }
        }
    }

    #[test]
    fn a_state_resumes_on_a_network_that_differs_only_after_it() {
        let (with, without) = (network(THIRD_SHIP), network(""));
        let (_, states) = kept(&without, 3, 1);
        let fresh = run_replication(&with, 3, 1);
        // The third ship enters at the close of year 3 (1 January 2028), after the
        // state kept then: every state of the run without it is a start of the run
        // with it.
        for state in &states {
            let resumed = run_from(&with, 3, 1, Some(state), &mut Pauses::none());
            assert_eq!(entries(&resumed), entries(&fresh), "resumed after year {}", state.years_closed());
        }
        // And the ship makes a difference, so the comparison could fail.
        assert_ne!(entries(&fresh), entries(&run_replication(&without, 3, 1)));
    }

    #[test]
    #[should_panic(expected = "other dated changes")]
    fn a_state_refuses_a_network_with_other_changes_before_it() {
        let early = "[changes.berth_a]\ndate = \"2026-06-01\"\nset = { \"ports.a.berths.dry.count\" = 2 }\n";
        let (_, states) = kept(&network(""), 3, 1);
        let _ = run_from(&network(early), 3, 1, Some(&states[1]), &mut Pauses::none());
    }

    #[test]
    fn a_run_stopped_after_a_year_holds_that_years_kpis_of_the_whole_run() {
        let net = network(THIRD_SHIP);
        let whole = run_replication(&net, 5, 0);
        let mut pauses = Pauses { keep: &|_| false, kept: Vec::new(), stop_after: Some(2) };
        let short = run_from(&net, 5, 0, None, &mut pauses);
        assert_eq!(short.years.len(), 2);
        assert_eq!(short.years[..], whole.years[..2]);
    }
}
