//! What every subsystem shares once a scenario is compiled: cargo weights in whole
//! kilograms, nodes and ports, legs and who carries them, compile errors, and the
//! helpers each subsystem's compiler uses. The subsystems compile their own entities
//! (see `Network::compile` in `compiled.rs`).

use crate::engine::SimTime;
use crate::scenario::{BerthClass, DistError, DistSpec, Issue, Sampler, ScenarioSpec};

/// Kilograms: cargo is counted in whole kilograms so conservation is exact.
pub type Kg = u64;

/// Tonnes to whole kilograms (at least 1 kg for a positive amount).
pub fn kg_from_tonnes(tonnes: f64) -> Kg {
    let exact = tonnes * 1000.0;
    let kg = crate::engine::nearest_u64(exact);
    if exact.is_finite() && kg >= 1 {
        kg
    } else if tonnes > 0.0 {
        1
    } else {
        0
    }
}

/// Whole kilograms to tonnes.
pub fn tonnes(kg: Kg) -> f64 {
    kg as f64 / 1000.0
}

/// The month (0 = January) of a simulated time, with 12 equal months of 730 hours.
pub fn month_of(t: SimTime) -> usize {
    // In whole milliseconds (a division by a constant, no floating point): the same
    // month as `hours / 730` rounded down, at every millisecond of a run.
    const MILLIS_PER_MONTH: u64 = 730 * crate::engine::MILLIS_PER_HOUR;
    ((t.as_millis() / MILLIS_PER_MONTH) % 12) as usize
}

/// Hours to simulated time (clamped into range).
pub(super) fn hours(h: f64) -> SimTime {
    SimTime::from_hours_clamped(h)
}

/// How a berth group turns a ship around.
#[derive(Debug, Clone)]
pub(crate) enum Handling {
    /// Cargo moves at `kg_per_hour`, plus a fixed berthing time per call.
    Rate {
        /// Kilograms per hour per berth.
        kg_per_hour: f64,
        /// Fixed time per call.
        berthing: SimTime,
    },
    /// The whole call takes a sampled time; cargo moves at its end.
    Service(Dist),
}

/// A berth group.
#[derive(Debug, Clone)]
pub(crate) struct BerthDef {
    /// Class of the berths.
    pub(crate) class: BerthClass,
    /// Number of berths.
    pub(crate) count: u32,
    /// Handling.
    pub(crate) handling: Handling,
    /// Hours per unit moved on or off, loaded or empty, by unit (index into
    /// `Network::units`; empty until [`attach_unit_hours`] fills it).
    pub(crate) unit_hours: Vec<f64>,
}

/// A port.
#[derive(Debug, Clone)]
pub(crate) struct PortDef {
    /// Scenario id.
    pub(crate) id: String,
    /// Its node index.
    pub(crate) node: usize,
    /// Yard capacity.
    pub(crate) yard_capacity: Kg,
    /// Berth groups.
    pub(crate) berths: Vec<BerthDef>,
    /// Whether handling pauses while a storm closes the port.
    pub(crate) pause_in_storms: bool,
}

impl PortDef {
    /// Index of the berth group of `class`.
    pub(crate) fn berth_of(&self, class: BerthClass) -> Option<usize> {
        self.berths.iter().position(|b| b.class == class)
    }
}

/// A node of the network (port or not).
#[derive(Debug, Clone)]
pub(crate) struct NodeDef {
    /// Scenario id.
    pub(crate) id: String,
    /// The port at this node, if it is one.
    pub(crate) port: Option<usize>,
}

/// Who carries a leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Carrier {
    /// A ship service.
    Ship(usize),
    /// A train service.
    Train(usize),
    /// A pipeline.
    Pipeline(usize),
}

/// One leg of a flow's route: cargo waits at `from` for `carrier` to take it to `to`.
/// On ship legs cargo in different units (and empty units) waits in separate legs, so
/// that a vessel loads them in its loading order.
#[derive(Debug, Clone)]
pub(crate) struct LegDef {
    /// Origin node.
    pub(crate) from: usize,
    /// Destination node.
    pub(crate) to: usize,
    /// Carrier (for ship legs, the first of `ships`).
    pub(crate) carrier: Carrier,
    /// Every ship service that loads this leg's cargo (empty for trains and pipelines).
    pub(crate) ships: Vec<usize>,
    /// The cargo's unit (index into `Network::units`), on ship legs.
    pub(crate) unit: Option<usize>,
    /// Whether the leg carries empty units.
    pub(crate) empty: bool,
}

/// Why a scenario could not be compiled into a network.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompileError {
    /// The scenario fails its semantic checks (see [`crate::scenario::check`]).
    #[error("the scenario is not valid: {}", .0.iter().map(|i| format!("`{}`: {}", i.path, i.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Issue>),
    /// A reference to an id that does not exist.
    #[error("{entity} refers to an unknown {kind} {id:?}")]
    UnknownReference {
        /// Where the reference is, e.g. `ship_services.ferry.route[1]`.
        entity: String,
        /// What kind of id was expected.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// No service carries a leg of a flow.
    #[error("{entity}: no service carries {class} cargo from {from:?} to {to:?}")]
    UnservedLeg {
        /// The flow, e.g. `flows.boxes`.
        entity: String,
        /// Cargo class.
        class: &'static str,
        /// Leg origin.
        from: String,
        /// Leg destination.
        to: String,
    },
    /// A distribution with parameters that cannot be sampled.
    #[error("{entity}: {source}")]
    Distribution {
        /// The field holding the distribution.
        entity: String,
        /// What is wrong with it.
        source: DistError,
    },
}

/// The sampler of `d`, or an error naming `entity`.
pub(super) fn sampler(entity: impl Fn() -> String, d: &DistSpec) -> Result<Dist, CompileError> {
    let sampler = d.sampler().map_err(|source| CompileError::Distribution { entity: entity(), source })?;
    Ok(Dist { sampler, mean: d.mean(), variance: d.variance() })
}

/// A compiled distribution: what draws from it, and its mean (for the capacity sheet).
#[derive(Debug, Clone)]
pub(crate) struct Dist {
    sampler: Sampler,
    /// The distribution's mean.
    pub(crate) mean: f64,
    /// Its variance.
    pub(crate) variance: f64,
}

impl Dist {
    /// Draws one value (finite, ≥ 0).
    #[inline]
    pub(crate) fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sampler.sample(rng)
    }
}

/// The index of the item whose key is `id`, or an error naming `entity`.
pub(super) fn find<T>(
    items: &[T],
    id: &str,
    key: impl Fn(&T) -> &str,
    entity: impl Fn() -> String,
    kind: &'static str,
) -> Result<usize, CompileError> {
    items.iter().position(|x| key(x) == id).ok_or_else(|| CompileError::UnknownReference {
        entity: entity(),
        kind,
        id: id.to_string(),
    })
}

/// Twelve monthly factors normalised to mean 1, and the largest (for thinning).
pub(super) fn monthly(values: Option<&Vec<f64>>) -> ([f64; 12], f64) {
    let mut m = [1.0; 12];
    if let Some(v) = values
        && v.len() == 12
    {
        let mean = v.iter().sum::<f64>() / 12.0;
        if mean > 0.0 {
            for (slot, x) in m.iter_mut().zip(v) {
                *slot = x / mean;
            }
        }
    }
    let peak = m.iter().cloned().fold(0.0, f64::max);
    (m, peak)
}

/// Fills each berth group's hours per unit, indexed as `units` (the network's units,
/// in the order flows named them); a unit the berth does not list takes no time.
pub(super) fn attach_unit_hours(spec: &ScenarioSpec, ports: &mut [PortDef], units: &[String]) {
    for port in ports {
        let Some(p) = spec.ports.get(&port.id) else { continue };
        for group in &mut port.berths {
            let listed = p.berths.get(&group.class).map(|b| &b.unit_hours);
            group.unit_hours = units.iter().map(|u| listed.and_then(|l| l.get(u)).copied().unwrap_or(0.0)).collect();
        }
    }
}

/// Ports (first, in id order) and other nodes, with their berths and yards.
pub(super) fn compile_nodes(spec: &ScenarioSpec) -> Result<(Vec<NodeDef>, Vec<PortDef>), CompileError> {
    let mut nodes: Vec<NodeDef> = Vec::new();
    let mut ports = Vec::new();
    for (id, p) in &spec.ports {
        let mut berths = Vec::new();
        for (class, b) in &p.berths {
            let handling = match (&b.service_hours, b.handling_tonnes_per_hour) {
                (Some(d), _) => {
                    Handling::Service(sampler(|| format!("ports.{id}.berths.{}.service_hours", class.name()), d)?)
                }
                (None, Some(rate)) => Handling::Rate { kg_per_hour: rate * 1000.0, berthing: hours(b.berthing_hours) },
                // Handled by the unit only: tonnes take no time of their own.
                (None, None) if !b.unit_hours.is_empty() => {
                    Handling::Rate { kg_per_hour: f64::INFINITY, berthing: hours(b.berthing_hours) }
                }
                (None, None) => {
                    return Err(CompileError::Invalid(vec![Issue {
                        path: format!("ports.{id}.berths.{}", class.name()),
                        message: "give either a handling rate or a service-time distribution".into(),
                        valid: None,
                        location: None,
                    }]));
                }
            };
            berths.push(BerthDef { class: *class, count: b.count, handling, unit_hours: Vec::new() });
        }
        ports.push(PortDef {
            id: id.clone(),
            node: nodes.len(),
            yard_capacity: kg_from_tonnes(p.yard_capacity_tonnes),
            pause_in_storms: p.handling_in_storms == crate::scenario::StormHandling::Pause,
            berths,
        });
        nodes.push(NodeDef { id: id.clone(), port: Some(ports.len() - 1) });
    }
    for id in spec.nodes.keys() {
        nodes.push(NodeDef { id: id.clone(), port: None });
    }
    Ok((nodes, ports))
}

/// The node index of `id`.
pub(super) fn node_of(nodes: &[NodeDef], id: &str, entity: &dyn Fn() -> String) -> Result<usize, CompileError> {
    find(nodes, id, |n| n.id.as_str(), entity, "node")
}

/// The port index of `id`.
pub(super) fn port_of(ports: &[PortDef], id: &str, entity: &dyn Fn() -> String) -> Result<usize, CompileError> {
    find(ports, id, |p| p.id.as_str(), entity, "port")
}
