//! The compiled network: scenario names resolved to typed indices, distributions
//! turned into samplers, times into `SimTime`. Built once per variant; shared
//! read-only by every replication.

use crate::engine::SimTime;
use crate::scenario::{BerthClass, DeparturePolicy, DistError, DistSpec, Issue, LegCarrier, Sampler, ScenarioSpec};

/// Kilograms: cargo is counted in whole kilograms so conservation is exact.
pub type Kg = u64;

/// Tonnes to whole kilograms (at least 1 kg for a positive amount).
pub fn kg_from_tonnes(tonnes: f64) -> Kg {
    let kg = (tonnes * 1000.0).round();
    if kg.is_finite() && kg >= 1.0 {
        kg as Kg
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

/// How a berth group turns a ship around.
#[derive(Debug, Clone)]
pub enum Handling {
    /// Cargo moves at `kg_per_hour`, plus a fixed berthing time per call.
    Rate {
        /// Kilograms per hour per berth.
        kg_per_hour: f64,
        /// Fixed time per call.
        berthing: SimTime,
    },
    /// The whole call takes a sampled time; cargo moves at its end.
    Service(Sampler),
}

/// A berth group.
#[derive(Debug, Clone)]
pub struct BerthDef {
    /// Class of the berths.
    pub class: BerthClass,
    /// Number of berths.
    pub count: u32,
    /// Handling.
    pub handling: Handling,
}

/// A port.
#[derive(Debug, Clone)]
pub struct PortDef {
    /// Scenario id.
    pub id: String,
    /// Its node index.
    pub node: usize,
    /// Yard capacity.
    pub yard_capacity: Kg,
    /// Berth groups.
    pub berths: Vec<BerthDef>,
}

impl PortDef {
    /// Index of the berth group of `class`.
    pub fn berth_of(&self, class: BerthClass) -> Option<usize> {
        self.berths.iter().position(|b| b.class == class)
    }
}

/// A node of the network (port or not).
#[derive(Debug, Clone)]
pub struct NodeDef {
    /// Scenario id.
    pub id: String,
    /// The port at this node, if it is one.
    pub port: Option<usize>,
}

/// A rail line.
#[derive(Debug, Clone)]
pub struct RailLinkDef {
    /// Scenario id.
    pub id: String,
    /// Transit time, hours.
    pub transit: Sampler,
    /// Minimum spacing of departures in one direction.
    pub headway: SimTime,
    /// Trains per day (capacity, each direction).
    pub trains_per_day: f64,
}

/// A ship service.
#[derive(Debug, Clone)]
pub struct ShipServiceDef {
    /// Scenario id.
    pub id: String,
    /// Berth class.
    pub class: BerthClass,
    /// Fleet size.
    pub vessels: u32,
    /// Capacity per vessel.
    pub capacity: Kg,
    /// Ports called, in order (port indices).
    pub route: Vec<usize>,
    /// Sailing-time sampler index (into `Network::sea_links`) from route[i] to route[i+1].
    pub sailing: Vec<usize>,
    /// Legs loading onto this service at route[i], in the order of the ports that follow.
    pub load_legs: Vec<Vec<usize>>,
    /// Load at which a vessel sails.
    pub fill: Kg,
    /// Longest wait for cargo.
    pub max_wait: SimTime,
}

/// A train service.
#[derive(Debug, Clone)]
pub struct TrainServiceDef {
    /// Scenario id.
    pub id: String,
    /// The leg this service carries (`None` if no flow uses it).
    pub leg: Option<usize>,
    /// Origin node.
    pub from: usize,
    /// Destination node.
    pub to: usize,
    /// Rail link index.
    pub link: usize,
    /// Direction on the link (0: between[0] → between[1]).
    pub direction: usize,
    /// Trainsets.
    pub trainsets: u32,
    /// Capacity per train.
    pub capacity: Kg,
    /// Departure policy.
    pub policy: DeparturePolicy,
    /// Timetable interval.
    pub timetable: SimTime,
    /// Longest wait of the oldest consignment before a part-load departure (when full).
    pub max_wait: SimTime,
    /// Loading time.
    pub loading: SimTime,
    /// Unloading time.
    pub unloading: SimTime,
}

/// A stream of ships arriving from outside.
#[derive(Debug, Clone)]
pub struct ArrivalDef {
    /// Scenario id.
    pub id: String,
    /// Port index.
    pub port: usize,
    /// Berth group index at that port.
    pub berth: usize,
    /// Mean ships per hour.
    pub rate_per_hour: f64,
    /// Cargo per ship, tonnes.
    pub cargo: Sampler,
}

/// Who carries a leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// A ship service.
    Ship(usize),
    /// A train service.
    Train(usize),
}

/// One leg of a flow's route: cargo waits at `from` for `carrier` to take it to `to`.
#[derive(Debug, Clone)]
pub struct LegDef {
    /// Origin node.
    pub from: usize,
    /// Destination node.
    pub to: usize,
    /// Carrier.
    pub carrier: Carrier,
}

/// A cargo flow.
#[derive(Debug, Clone)]
pub struct FlowDef {
    /// Scenario id.
    pub id: String,
    /// Legs, in order (indices into `Network::legs`).
    pub legs: Vec<usize>,
    /// Origin node.
    pub origin: usize,
    /// Berth class of the cargo.
    pub class: BerthClass,
    /// Mean consignments per hour (before seasonality).
    pub rate_per_hour: f64,
    /// Monthly factors, mean 1.
    pub seasonality: [f64; 12],
    /// Largest monthly factor (for thinning).
    pub peak_factor: f64,
    /// Consignment size, tonnes.
    pub size: Sampler,
}

/// Storm closures of a group of ports.
#[derive(Debug, Clone)]
pub struct WeatherDef {
    /// Scenario id.
    pub id: String,
    /// Port indices.
    pub ports: Vec<usize>,
    /// Mean storms per hour (before monthly weighting).
    pub rate_per_hour: f64,
    /// Monthly factors, mean 1.
    pub monthly: [f64; 12],
    /// Largest monthly factor.
    pub peak_factor: f64,
    /// Duration, hours.
    pub duration: Sampler,
}

/// The compiled, validated network of one scenario (variant).
#[derive(Debug, Clone)]
pub struct Network {
    /// Scenario display name.
    pub name: String,
    /// End of the warm-up.
    pub warmup: SimTime,
    /// End of the run (warm-up + horizon).
    pub end: SimTime,
    /// Nodes (ports first, in id order, then other nodes).
    pub nodes: Vec<NodeDef>,
    /// Ports.
    pub ports: Vec<PortDef>,
    /// Sea links' sailing-time samplers, with their ids.
    pub sea_links: Vec<(String, Sampler)>,
    /// Rail links.
    pub rail_links: Vec<RailLinkDef>,
    /// Ship services.
    pub ship_services: Vec<ShipServiceDef>,
    /// Train services.
    pub train_services: Vec<TrainServiceDef>,
    /// Open ship arrival streams.
    pub arrivals: Vec<ArrivalDef>,
    /// Legs.
    pub legs: Vec<LegDef>,
    /// Flows.
    pub flows: Vec<FlowDef>,
    /// Weather.
    pub weather: Vec<WeatherDef>,
    /// Cap on consignments in the system.
    pub max_consignments: u64,
    /// Cap on events per replication.
    pub max_events: u64,
}

fn monthly(values: Option<&Vec<f64>>) -> ([f64; 12], f64) {
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

fn hours(h: f64) -> SimTime {
    SimTime::from_hours_clamped(h)
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

fn sampler(entity: impl Fn() -> String, d: &DistSpec) -> Result<Sampler, CompileError> {
    d.sampler().map_err(|source| CompileError::Distribution {
        entity: entity(),
        source,
    })
}

fn find<T>(
    items: &[T],
    id: &str,
    key: impl Fn(&T) -> &str,
    entity: impl Fn() -> String,
    kind: &'static str,
) -> Result<usize, CompileError> {
    items
        .iter()
        .position(|x| key(x) == id)
        .ok_or_else(|| CompileError::UnknownReference {
            entity: entity(),
            kind,
            id: id.to_string(),
        })
}

impl Network {
    /// Compiles a scenario into a network. The scenario is checked first (exactly as a
    /// file is; see [`crate::scenario::check`]), and every reference is resolved.
    ///
    /// # Errors
    /// The scenario's semantic problems, or a reference, leg or distribution that
    /// cannot be compiled.
    pub fn compile(spec: &ScenarioSpec) -> Result<Network, CompileError> {
        let issues = crate::scenario::check(spec);
        if !issues.is_empty() {
            return Err(CompileError::Invalid(issues));
        }
        let s = &spec.scenario;
        let warmup = SimTime::from_hours_clamped(s.warmup_days * 24.0);
        let end = warmup + SimTime::from_hours_clamped(s.horizon_days * 24.0);
        let mut nodes: Vec<NodeDef> = Vec::new();
        let mut ports = Vec::new();
        for (id, p) in &spec.ports {
            let mut berths = Vec::new();
            for (class, b) in &p.berths {
                let handling = match (&b.service_hours, b.handling_tonnes_per_hour) {
                    (Some(d), _) => Handling::Service(sampler(
                        || format!("ports.{id}.berths.{}.service_hours", class.name()),
                        d,
                    )?),
                    (None, Some(rate)) => Handling::Rate {
                        kg_per_hour: rate * 1000.0,
                        berthing: hours(b.berthing_hours),
                    },
                    (None, None) => {
                        return Err(CompileError::Invalid(vec![Issue {
                            path: format!("ports.{id}.berths.{}", class.name()),
                            message: "give either a handling rate or a service-time distribution".into(),
                            valid: None,
                            location: None,
                        }]));
                    }
                };
                berths.push(BerthDef {
                    class: *class,
                    count: b.count,
                    handling,
                });
            }
            ports.push(PortDef {
                id: id.clone(),
                node: nodes.len(),
                yard_capacity: kg_from_tonnes(p.yard_capacity_tonnes),
                berths,
            });
            nodes.push(NodeDef {
                id: id.clone(),
                port: Some(ports.len() - 1),
            });
        }
        for id in spec.nodes.keys() {
            nodes.push(NodeDef {
                id: id.clone(),
                port: None,
            });
        }
        let node_of = |id: &str, entity: &dyn Fn() -> String| find(&nodes, id, |n| n.id.as_str(), entity, "node");
        let port_of = |id: &str, entity: &dyn Fn() -> String| find(&ports, id, |p| p.id.as_str(), entity, "port");

        let mut sea_links = Vec::new();
        for (id, l) in &spec.sea_links {
            sea_links.push((
                id.clone(),
                sampler(|| format!("sea_links.{id}.sailing_hours"), &l.sailing_hours)?,
            ));
        }
        let sea_between = |a: &str, b: &str, entity: &dyn Fn() -> String| {
            spec.sea_links
                .values()
                .position(|l| (l.between[0] == a && l.between[1] == b) || (l.between[0] == b && l.between[1] == a))
                .ok_or_else(|| CompileError::UnknownReference {
                    entity: entity(),
                    kind: "sea link",
                    id: format!("{a} ↔ {b}"),
                })
        };
        let mut rail_links = Vec::new();
        for (id, l) in &spec.rail_links {
            rail_links.push(RailLinkDef {
                id: id.clone(),
                transit: sampler(|| format!("rail_links.{id}.transit_hours"), &l.transit_hours)?,
                headway: hours(24.0 / l.trains_per_day),
                trains_per_day: l.trains_per_day,
            });
        }

        let ship_ids: Vec<&String> = spec.ship_services.keys().collect();
        let train_ids: Vec<&String> = spec.train_services.keys().collect();
        let mut legs: Vec<LegDef> = Vec::new();
        let mut flows = Vec::new();
        for (id, f) in &spec.flows {
            let entity = || format!("flows.{id}");
            let mut flow_legs = Vec::new();
            for pair in f.route.windows(2) {
                let (from, to) = (&pair[0], &pair[1]);
                let carrier = match spec.leg_carrier(f.class, from, to) {
                    Some(LegCarrier::Ship(s)) => Carrier::Ship(ship_ids.iter().position(|x| *x == s).unwrap_or(0)),
                    Some(LegCarrier::Train(t)) => Carrier::Train(train_ids.iter().position(|x| *x == t).unwrap_or(0)),
                    None => {
                        return Err(CompileError::UnservedLeg {
                            entity: entity(),
                            class: f.class.name(),
                            from: from.clone(),
                            to: to.clone(),
                        });
                    }
                };
                let leg = LegDef {
                    from: node_of(from, &entity)?,
                    to: node_of(to, &entity)?,
                    carrier,
                };
                let index = legs
                    .iter()
                    .position(|l| l.from == leg.from && l.to == leg.to && l.carrier == leg.carrier)
                    .unwrap_or_else(|| {
                        legs.push(leg);
                        legs.len() - 1
                    });
                flow_legs.push(index);
            }
            let annual = f
                .annual_tonnes
                .unwrap_or_else(|| f.annual_teu.unwrap_or(0.0) * f.tonnes_per_teu.unwrap_or(0.0));
            let mean = f.consignment_tonnes.mean().max(1e-3);
            let (seasonality, peak_factor) = monthly(f.seasonality.as_ref());
            let origin = f.route.first().ok_or_else(|| CompileError::UnknownReference {
                entity: entity(),
                kind: "origin",
                id: String::new(),
            })?;
            flows.push(FlowDef {
                id: id.clone(),
                legs: flow_legs,
                origin: node_of(origin, &entity)?,
                class: f.class,
                rate_per_hour: annual / mean / 8_760.0,
                seasonality,
                peak_factor,
                size: sampler(|| format!("flows.{id}.consignment_tonnes"), &f.consignment_tonnes)?,
            });
        }

        let mut ship_services = Vec::new();
        for (index, (id, sv)) in spec.ship_services.iter().enumerate() {
            let entity = || format!("ship_services.{id}.route");
            let route: Vec<usize> = sv.route.iter().map(|p| port_of(p, &entity)).collect::<Result<_, _>>()?;
            let n = sv.route.len();
            let sailing = (0..n)
                .map(|i| sea_between(&sv.route[i], &sv.route[(i + 1) % n], &entity))
                .collect::<Result<Vec<_>, _>>()?;
            let load_legs = (0..n)
                .map(|pos| {
                    let from = ports[route[pos]].node;
                    (1..n)
                        .filter_map(|k| {
                            let to = ports[route[(pos + k) % n]].node;
                            legs.iter()
                                .position(|l| l.from == from && l.to == to && l.carrier == Carrier::Ship(index))
                        })
                        .collect()
                })
                .collect();
            let capacity = kg_from_tonnes(sv.capacity_tonnes);
            ship_services.push(ShipServiceDef {
                id: id.clone(),
                class: sv.class,
                vessels: sv.vessels,
                capacity,
                route,
                sailing,
                load_legs,
                fill: (capacity as f64 * sv.fill_threshold).round() as Kg,
                max_wait: hours(sv.max_wait_hours),
            });
        }

        let mut train_services = Vec::new();
        for (index, (id, t)) in spec.train_services.iter().enumerate() {
            let entity = || format!("train_services.{id}.route");
            let (link, direction) = spec
                .rail_links
                .values()
                .enumerate()
                .find_map(|(i, l)| {
                    if l.between[0] == t.route[0] && l.between[1] == t.route[1] {
                        Some((i, 0))
                    } else if l.between[1] == t.route[0] && l.between[0] == t.route[1] {
                        Some((i, 1))
                    } else {
                        None
                    }
                })
                .ok_or_else(|| CompileError::UnknownReference {
                    entity: entity(),
                    kind: "rail link",
                    id: format!("{} ↔ {}", t.route[0], t.route[1]),
                })?;
            train_services.push(TrainServiceDef {
                id: id.clone(),
                leg: legs.iter().position(|l| l.carrier == Carrier::Train(index)),
                from: node_of(&t.route[0], &entity)?,
                to: node_of(&t.route[1], &entity)?,
                link,
                direction,
                trainsets: t.trainsets,
                capacity: kg_from_tonnes(t.wagons as f64 * t.tonnes_per_wagon),
                policy: t.departure,
                timetable: hours(t.timetable_hours.unwrap_or(24.0)),
                max_wait: hours(t.max_wait_hours),
                loading: hours(t.loading_hours),
                unloading: hours(t.unloading_hours),
            });
        }

        let mut arrivals = Vec::new();
        for (id, a) in &spec.ship_arrivals {
            let entity = || format!("ship_arrivals.{id}");
            let port = port_of(&a.port, &entity)?;
            let berth = ports[port]
                .berth_of(a.class)
                .ok_or_else(|| CompileError::UnknownReference {
                    entity: entity(),
                    kind: "berth class at that port",
                    id: a.class.name().to_string(),
                })?;
            arrivals.push(ArrivalDef {
                id: id.clone(),
                port,
                berth,
                rate_per_hour: a.ships_per_year / 8_760.0,
                cargo: sampler(|| format!("ship_arrivals.{id}.cargo_tonnes"), &a.cargo_tonnes)?,
            });
        }

        let mut weather = Vec::new();
        for (id, w) in &spec.weather {
            let entity = || format!("weather.{id}.ports");
            let (monthly, peak_factor) = monthly(w.monthly_weights.as_ref());
            weather.push(WeatherDef {
                id: id.clone(),
                ports: w.ports.iter().map(|p| port_of(p, &entity)).collect::<Result<_, _>>()?,
                rate_per_hour: w.storms_per_year / 8_760.0,
                monthly,
                peak_factor,
                duration: sampler(|| format!("weather.{id}.duration_hours"), &w.duration_hours)?,
            });
        }

        Ok(Network {
            name: s.name.clone(),
            warmup,
            end,
            nodes,
            ports,
            sea_links,
            rail_links,
            ship_services,
            train_services,
            arrivals,
            legs,
            flows,
            weather,
            max_consignments: s.max_consignments_in_system,
            max_events: s.max_events_per_replication,
        })
    }
}

/// The month (0 = January) of a simulated time, with 12 equal months of 730 hours.
pub fn month_of(t: SimTime) -> usize {
    ((t.as_hours() / 730.0) as usize) % 12
}
