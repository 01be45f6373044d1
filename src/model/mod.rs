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
/// let scenario = Scenario::load("scenarios/mmc_port.toml").unwrap();
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
    let report = sim.run_with(network.end, network.max_events);
    let end = report.now;
    let model = sim.model_mut();
    model.close_window(end);
    let mut kpis = model.kpis(end, report.events);
    if report.stop == StopReason::StepBudget {
        kpis.saturation = Some(Saturation {
            resource: kpis.bottleneck.busiest.clone(),
            at_hours: end.as_hours(),
            reason: format!("the event budget of {} events per replication was used up", network.max_events),
        });
    }
    let checked = if audit {
        audit::check_invariants(model).and_then(|()| {
            if kpis.conservation.holds() {
                Ok(())
            } else {
                Err(format!("cargo not conserved: {:?}", kpis.conservation))
            }
        })
    } else {
        Ok(())
    };
    (kpis, model.trace(), checked)
}
