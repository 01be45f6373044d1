//! The serde schema of scenario files. Units are in the field names.
//!
//! Every table rejects unknown fields. Entities are keyed by ids (`[ports.baku]`);
//! maps are ordered (`BTreeMap`) so that everything derived from a scenario is
//! deterministic.

//!
//! One file per group of tables: `network.rs` (ports, berths, nodes, links),
//! `services.rs` (ship and train services, pools, pipelines, ships arriving),
//! `demand.rs` (flows, routes, outside options, weather), `overrides.rs` (variants,
//! the values they write, sweeps); this file holds the document and its settings, and
//! the readers the tables share.

mod demand;
mod network;
mod overrides;
mod services;

pub use demand::*;
pub use network::*;
pub use overrides::*;
pub use services::*;

use super::candidates::CandidateSpec;
use super::dist::DistSpec;
use super::limits::{MAX_BERTHS, MAX_TRAINSETS, MAX_VESSELS, MAX_WAGONS};
use super::planning::{ChangeSpec, GrowthSpec, PlanningSpec};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ScenarioSpec {
    /// Run settings.
    pub scenario: Settings,
    /// Ports, by id.
    #[serde(default)]
    pub ports: BTreeMap<String, PortSpec>,
    /// Other nodes (rail terminals, origins, destinations), by id.
    #[serde(default)]
    pub nodes: BTreeMap<String, NodeSpec>,
    /// Sea links between ports, by id.
    #[serde(default)]
    pub sea_links: BTreeMap<String, SeaLinkSpec>,
    /// Rail lines, by id.
    #[serde(default)]
    pub rail_links: BTreeMap<String, RailLinkSpec>,
    /// Ship services (fleets running loops between ports), by id.
    #[serde(default)]
    pub ship_services: BTreeMap<String, ShipServiceSpec>,
    /// Pools of vessels shared by several ship services (lines), by id.
    #[serde(default)]
    pub pools: BTreeMap<String, PoolSpec>,
    /// Pipelines (e.g. Baku–Tbilisi–Ceyhan), by id.
    #[serde(default)]
    pub pipelines: BTreeMap<String, PipelineSpec>,
    /// Train services, by id.
    #[serde(default)]
    pub train_services: BTreeMap<String, TrainServiceSpec>,
    /// Ships arriving from outside the model (tankers, tramps), by id.
    #[serde(default)]
    pub ship_arrivals: BTreeMap<String, ShipArrivalSpec>,
    /// Cargo flows, by id.
    #[serde(default)]
    pub flows: BTreeMap<String, FlowSpec>,
    /// Weather closures, by id.
    #[serde(default)]
    pub weather: BTreeMap<String, WeatherSpec>,
    /// Named variants: overrides of this base scenario, in file order.
    #[serde(default)]
    pub variants: IndexMap<String, VariantSpec>,
    /// An optional parameter sweep.
    #[serde(default)]
    pub sweep: Option<SweepSpec>,
    /// A planning horizon of several calendar years (see [`PlanningSpec`]).
    #[serde(default)]
    pub planning: Option<PlanningSpec>,
    /// Demand growth paths, by the tag of the flows and arrivals they scale.
    #[serde(default)]
    pub growth: BTreeMap<String, GrowthSpec>,
    /// Dated capacity changes (upgrades, new vessels, works), by id.
    #[serde(default)]
    pub changes: BTreeMap<String, ChangeSpec>,
    /// Upgrades `corridor plan` may choose among, by id.
    #[serde(default)]
    pub candidates: IndexMap<String, CandidateSpec>,
    /// Inputs nobody knows exactly, with their ranges, by id (see `corridor sensitivity`).
    #[serde(default)]
    pub uncertain: IndexMap<String, super::uncertain::UncertainSpec>,
}

/// Who carries one leg of a flow, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegCarrier<'a> {
    /// A ship service.
    Ship(&'a str),
    /// A train service.
    Train(&'a str),
    /// A pipeline.
    Pipeline(&'a str),
}

impl ScenarioSpec {
    /// The sea link joining ports `a` and `b` (either way round), with its id.
    pub fn sea_link_between(&self, a: &str, b: &str) -> Option<(&String, &SeaLinkSpec)> {
        self.sea_links.iter().find(|(_, l)| joins(&l.between, a, b))
    }

    /// The rail line joining nodes `a` and `b` (either way round), with its id.
    pub fn rail_link_between(&self, a: &str, b: &str) -> Option<(&String, &RailLinkSpec)> {
        self.rail_links.iter().find(|(_, l)| joins(&l.between, a, b))
    }

    /// Every tag carried by a flow or an arrival stream: what a demand factor can scale.
    pub fn demand_tags(&self) -> std::collections::BTreeSet<&str> {
        self.flows
            .values()
            .flat_map(|f| &f.tags)
            .chain(self.ship_arrivals.values().flat_map(|a| &a.tags))
            .map(String::as_str)
            .collect()
    }

    /// The service that carries cargo of `class` (in `unit`, if the flow counts units)
    /// from node `from` to node `to`: the first of [`ScenarioSpec::leg_carriers`].
    pub fn leg_carrier(&self, class: BerthClass, unit: Option<&str>, from: &str, to: &str) -> Option<LegCarrier<'_>> {
        self.leg_carriers(class, unit, from, to).into_iter().next()
    }

    /// Every service that can carry cargo of `class` (in `unit`) from `from` to `to`:
    /// the ship services (in id order) with vessels calling at both ports that take the
    /// cargo — those with `slots` take the units they have slots for, the others take
    /// cargo of their own class; if there are none, the first train service with
    /// trainsets running `from` → `to`; if there is none, the first pipeline running
    /// `from` → `to`. Cargo waiting for a leg that several ship services carry takes
    /// the first vessel of any of them with room.
    pub fn leg_carriers(&self, class: BerthClass, unit: Option<&str>, from: &str, to: &str) -> Vec<LegCarrier<'_>> {
        let ships: Vec<LegCarrier<'_>> = self
            .ship_services
            .iter()
            .filter(|(_, s)| {
                let takes =
                    if s.slots.is_empty() { s.class == class } else { unit.is_some_and(|u| s.slots.contains_key(u)) };
                s.vessels > 0 && takes && s.route.iter().any(|p| p == from) && s.route.iter().any(|p| p == to)
            })
            .map(|(id, _)| LegCarrier::Ship(id))
            .collect();
        if !ships.is_empty() {
            return ships;
        }
        if let Some((id, _)) =
            self.train_services.iter().find(|(_, t)| t.trainsets > 0 && t.route[0] == from && t.route[1] == to)
        {
            return vec![LegCarrier::Train(id)];
        }
        self.pipelines
            .iter()
            .find(|(_, p)| p.route[0] == from && p.route[1] == to)
            .map(|(id, _)| vec![LegCarrier::Pipeline(id)])
            .unwrap_or_default()
    }
}

/// Whether a link with ends `between` joins `a` and `b`, either way round.
fn joins(between: &[String; 2], a: &str, b: &str) -> bool {
    (between[0] == a && between[1] == b) || (between[0] == b && between[1] == a)
}

/// Run settings of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Settings {
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Simulated days measured after the warm-up.
    pub horizon_days: f64,
    /// Days simulated first and discarded from statistics.
    #[serde(default)]
    pub warmup_days: f64,
    /// Default master seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Default number of replications.
    #[serde(default = "default_replications")]
    pub replications: u64,
    /// Cap on consignments in the system at once; beyond it a replication is saturated.
    #[serde(default = "default_max_consignments")]
    pub max_consignments_in_system: u64,
    /// Cap on events per replication; beyond it a replication is saturated.
    #[serde(default = "default_max_events")]
    pub max_events_per_replication: u64,
    /// Ports whose ship waits the decision table shows (default: the busiest port).
    #[serde(default)]
    pub focus_ports: Vec<String>,
    /// Flows whose p95 transit time the decision table shows (default: every flow,
    /// the slowest one's figure).
    #[serde(default)]
    pub focus_flows: Vec<String>,
    /// The currency of tariffs, charges and the value of time (a label, e.g. "USD").
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Without `[planning]`: the calendar year whose 1 January the measured window
    /// opens on, so that dated changes (`[changes.<id>]`) can fall inside a single
    /// run (a fleet that grows in September). With `[planning]`, leave it out:
    /// `planning.start_year` says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
}

fn default_currency() -> String {
    "USD".to_string()
}

fn default_seed() -> u64 {
    42
}
fn default_replications() -> u64 {
    20
}
fn default_max_consignments() -> u64 {
    200_000
}
fn default_max_events() -> u64 {
    50_000_000
}

/// Reads a whole count no larger than `MAX` (berths, vessels, trainsets, …), so a
/// figure too large for the field names its limit, not the integer type that holds it.
struct Count<const MAX: u64>;

impl<const MAX: u64> Count<MAX> {
    fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        d.deserialize_any(Self)
    }

    fn read_some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        Self::read(d).map(Some)
    }
}

impl<'de, const MAX: u64> serde::de::Visitor<'de> for Count<MAX> {
    type Value = u32;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a whole number from 0 to {MAX}")
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u32, E> {
        if n <= MAX {
            u32::try_from(n).map_err(|_| E::custom(format!("{n} is more than {}", u32::MAX)))
        } else {
            Err(E::custom(format!("{n} is more than the limit: a whole number from 0 to {MAX}")))
        }
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<u32, E> {
        match u64::try_from(n) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::custom(format!("{n} is negative: a whole number from 0 to {MAX}"))),
        }
    }
}

/// Reads a list of exactly two ids (the ends of a link, or a pipeline's or train
/// service's `[from, to]`): a third entry is refused, never dropped.
fn exactly_two<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[String; 2], D::Error> {
    let ids = Vec::<String>::deserialize(d)?;
    let given = ids.len();
    <[String; 2]>::try_from(ids)
        .map_err(|_| serde::de::Error::custom(format!("expected exactly two ids, [from, to]; {given} given")))
}

fn default_fill() -> f64 {
    0.8
}
