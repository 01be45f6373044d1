//! The freight corridor model: ports with berths and yards, ship and train services,
//! cargo flows, open ship arrivals and weather closures, on the generic engine.
//!
//! Data-oriented: entities live in `Vec`s indexed by position; events carry indices;
//! names from the scenario are resolved once, by [`Network::compile`]. Cargo is
//! counted in whole kilograms so that conservation is exact: at every instant each
//! kilogram generated is delivered or in exactly one place (a yard queue, a gate,
//! a vessel, a train, a queue at an inland node).

mod kpis;
mod network;
mod sim;
mod state;

pub use kpis::{Bottleneck, Conservation, FlowKpis, PortKpis, RailKpis, ReplicationKpis, ServiceKpis, SystemKpis};
pub use network::{CompileError, Kg, Network, kg_from_tonnes, month_of, tonnes};
pub use sim::{Corridor, Event, Saturation, Trace};

use crate::engine::{Scheduler, SimTime, Simulation, StopReason, Streams};

/// Runs replication `replication` of `network` under `master_seed` to the end of its
/// horizon (or until a cap saturates it), and returns its KPIs.
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
    run(network, master_seed, replication, None).0
}

/// The KPI keys a replication of `network` reports, in order (without running it).
pub fn kpi_keys(network: &Network) -> Vec<String> {
    let model = Corridor::new(network, Streams::new(0, 0));
    model
        .kpis(network.end, 0)
        .entries()
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

/// Like [`run_replication`], also sampling yard stocks every `interval` (for charts).
pub fn run_traced(
    network: &Network,
    master_seed: u64,
    replication: u64,
    interval: SimTime,
) -> (ReplicationKpis, Trace) {
    let (kpis, trace) = run(network, master_seed, replication, Some(interval));
    (kpis, trace.unwrap_or_default())
}

fn run(
    network: &Network,
    master_seed: u64,
    replication: u64,
    trace: Option<SimTime>,
) -> (ReplicationKpis, Option<Trace>) {
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
    let model = sim.model();
    let mut kpis = model.kpis(end, report.events);
    if report.stop == StopReason::StepBudget {
        kpis.saturation = Some(Saturation {
            resource: kpis.bottleneck.busiest.clone(),
            at_hours: end.as_hours(),
            reason: format!(
                "the event budget of {} events per replication was used up",
                network.max_events
            ),
        });
    }
    if cfg!(debug_assertions) {
        // Debug builds and tests audit every replication.
        if let Err(violation) = model.check_invariants() {
            panic!("replication {replication} (seed {master_seed}) broke an invariant: {violation}");
        }
        assert!(
            kpis.conservation.holds(),
            "cargo not conserved: {:?}",
            kpis.conservation
        );
    }
    (kpis, model.trace())
}

/// Runs a replication like [`run_replication`] and always audits it (in release builds
/// too): conservation against the live consignments and the structural invariants.
///
/// # Errors
/// The first invariant found broken.
pub fn run_audited(network: &Network, master_seed: u64, replication: u64) -> Result<ReplicationKpis, String> {
    let model = Corridor::new(network, Streams::new(master_seed, replication));
    let mut sim = Simulation::with_scheduler(model, Scheduler::with_capacity(1024));
    {
        let (model, scheduler) = sim.parts_mut();
        model.start(scheduler);
    }
    let report = sim.run_with(network.end, network.max_events);
    let model = sim.model();
    model.check_invariants()?;
    let kpis = model.kpis(report.now, report.events);
    if !kpis.conservation.holds() {
        return Err(format!("cargo not conserved: {:?}", kpis.conservation));
    }
    Ok(kpis)
}
