//! Building scenarios in code: every spec type has a constructor taking what it cannot
//! do without, and a chainable setter for every other field, with the defaults a file
//! gets (see the `scenario` module's documentation for an example). The types are
//! `#[non_exhaustive]`, so new fields never break a crate that builds scenarios this
//! way.

use super::schema::*;

/// Setters that replace a field: `fn field(self, value: impl Into<T>) -> Self`.
macro_rules! setters {
    ($ty:ty { $($(#[$doc:meta])* $name:ident: $t:ty),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                pub fn $name(mut self, value: impl Into<$t>) -> Self {
                    self.$name = value.into();
                    self
                }
            )*
        }
    };
}

/// Setters of optional fields: `fn field(self, value: impl Into<T>) -> Self` sets
/// `Some(value)`.
macro_rules! optional_setters {
    ($ty:ty { $($(#[$doc:meta])* $name:ident: $t:ty),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                pub fn $name(mut self, value: impl Into<$t>) -> Self {
                    self.$name = Some(value.into());
                    self
                }
            )*
        }
    };
}

/// Setters of lists of names: `fn field(self, names: impl IntoIterator<Item = impl Into<String>>) -> Self`.
macro_rules! name_list_setters {
    ($ty:ty { $($(#[$doc:meta])* $name:ident),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                pub fn $name<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
                    self.$name = names.into_iter().map(Into::into).collect();
                    self
                }
            )*
        }
    };
}

/// The `set`, `scale` and `add` entries of a dated change or a candidate, one call
/// each; `$when` says from when they hold.
macro_rules! patch_setters {
    ($ty:ty, $when:literal) => {
        impl $ty {
            #[doc = concat!("Sets the field at `path` to `value`", $when, ".")]
            pub fn set(mut self, path: impl Into<String>, value: impl Into<OverrideValue>) -> Self {
                self.set.insert(path.into(), value.into());
                self
            }

            #[doc = concat!("Multiplies the number at `path` by `factor`", $when, ".")]
            pub fn scale(mut self, path: impl Into<String>, factor: f64) -> Self {
                self.scale.insert(path.into(), factor);
                self
            }

            #[doc = concat!("Adds `amount` to the number at `path`", $when, ".")]
            pub fn add(mut self, path: impl Into<String>, amount: f64) -> Self {
                self.add.insert(path.into(), amount);
                self
            }
        }
    };
}

mod demand;
mod distributions;
mod network;
mod plans;
mod services;

impl ScenarioSpec {
    /// A scenario with a name and a measured horizon, and nothing in it yet.
    pub fn new(name: impl Into<String>, horizon_days: f64) -> ScenarioSpec {
        ScenarioSpec {
            scenario: Settings::new(name, horizon_days),
            ports: Default::default(),
            nodes: Default::default(),
            sea_links: Default::default(),
            rail_links: Default::default(),
            ship_services: Default::default(),
            pools: Default::default(),
            pipelines: Default::default(),
            train_services: Default::default(),
            ship_arrivals: Default::default(),
            flows: Default::default(),
            weather: Default::default(),
            variants: Default::default(),
            sweep: None,
            planning: None,
            growth: Default::default(),
            changes: Default::default(),
            candidates: Default::default(),
            uncertain: Default::default(),
        }
    }

    /// Measures `years` calendar years from `start_year` (the horizon becomes 365 days
    /// a year).
    pub fn planning(self, start_year: i32, years: u32) -> Self {
        self.planning_years(crate::scenario::PlanningSpec::new(start_year, years))
    }

    /// Demand of the flows and arrivals tagged `tag` grows along `path`.
    pub fn growth(mut self, tag: impl Into<String>, path: crate::scenario::GrowthSpec) -> Self {
        self.growth.insert(tag.into(), path);
        self
    }

    /// From `date` (`"YYYY-MM-DD"`) on, the field at `path` takes `value`: a dated
    /// change named `id` (several calls with one id add to that change).
    pub fn change(
        mut self,
        id: impl Into<String>,
        date: impl Into<String>,
        path: impl Into<String>,
        value: impl Into<OverrideValue>,
    ) -> Self {
        let change = self.changes.entry(id.into()).or_default();
        change.date = date.into();
        change.enabled = true;
        change.set.insert(path.into(), value.into());
        self
    }

    /// Declares candidate upgrade `id` for `corridor plan`.
    pub fn candidate(mut self, id: impl Into<String>, candidate: crate::scenario::CandidateSpec) -> Self {
        self.candidates.insert(id.into(), candidate);
        self
    }

    /// Days simulated first and discarded.
    pub fn warmup_days(mut self, days: f64) -> Self {
        self.scenario.warmup_days = days;
        self
    }

    /// The default master seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.scenario.seed = seed;
        self
    }

    /// The default number of replications.
    pub fn replications(mut self, n: u64) -> Self {
        self.scenario.replications = n;
        self
    }

    /// Adds a port.
    pub fn port(mut self, id: impl Into<String>, port: PortSpec) -> Self {
        self.ports.insert(id.into(), port);
        self
    }

    /// Adds a node that is not a port.
    pub fn node(mut self, id: impl Into<String>, node: NodeSpec) -> Self {
        self.nodes.insert(id.into(), node);
        self
    }

    /// Adds a sea link.
    pub fn sea_link(mut self, id: impl Into<String>, link: SeaLinkSpec) -> Self {
        self.sea_links.insert(id.into(), link);
        self
    }

    /// Adds a rail link.
    pub fn rail_link(mut self, id: impl Into<String>, link: RailLinkSpec) -> Self {
        self.rail_links.insert(id.into(), link);
        self
    }

    /// Adds a ship service.
    pub fn ship_service(mut self, id: impl Into<String>, service: ShipServiceSpec) -> Self {
        self.ship_services.insert(id.into(), service);
        self
    }

    /// Adds an uncertain input.
    pub fn uncertain(mut self, id: impl Into<String>, input: super::uncertain::UncertainSpec) -> Self {
        self.uncertain.insert(id.into(), input);
        self
    }

    /// Adds a pool of vessels shared by ship services.
    pub fn pool(mut self, id: impl Into<String>, pool: PoolSpec) -> Self {
        self.pools.insert(id.into(), pool);
        self
    }

    /// Adds a train service.
    pub fn train_service(mut self, id: impl Into<String>, service: TrainServiceSpec) -> Self {
        self.train_services.insert(id.into(), service);
        self
    }

    /// Adds a stream of ships arriving from outside.
    pub fn ship_arrivals(mut self, id: impl Into<String>, arrivals: ShipArrivalSpec) -> Self {
        self.ship_arrivals.insert(id.into(), arrivals);
        self
    }

    /// Adds a cargo flow.
    pub fn flow(mut self, id: impl Into<String>, flow: FlowSpec) -> Self {
        self.flows.insert(id.into(), flow);
        self
    }

    /// Adds a weather area.
    pub fn weather(mut self, id: impl Into<String>, weather: WeatherSpec) -> Self {
        self.weather.insert(id.into(), weather);
        self
    }

    /// Adds a variant.
    pub fn variant(mut self, id: impl Into<String>, variant: VariantSpec) -> Self {
        self.variants.insert(id.into(), variant);
        self
    }

    /// Replaces the `[scenario]` table (name, horizon and run settings) with `settings`.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.scenario = settings;
        self
    }

    /// Free text describing the scenario.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.scenario = self.scenario.description(text);
        self
    }

    /// Ports whose ship waits the decision table shows (default: the busiest port).
    pub fn focus_ports<S: Into<String>>(mut self, ports: impl IntoIterator<Item = S>) -> Self {
        self.scenario = self.scenario.focus_ports(ports);
        self
    }

    /// Flows whose p95 transit time the decision table shows (default: every flow).
    pub fn focus_flows<S: Into<String>>(mut self, flows: impl IntoIterator<Item = S>) -> Self {
        self.scenario = self.scenario.focus_flows(flows);
        self
    }

    /// The currency of tariffs, charges and the value of time (a label, e.g. "EUR").
    pub fn currency(mut self, currency: impl Into<String>) -> Self {
        self.scenario = self.scenario.currency(currency);
        self
    }

    /// Measures the calendar years of `planning` (the horizon becomes 365 days a
    /// year), with its discount rate and sea level; [`ScenarioSpec::planning`] is the
    /// short form.
    pub fn planning_years(mut self, planning: crate::scenario::PlanningSpec) -> Self {
        self.scenario.horizon_days = f64::from(planning.years) * crate::scenario::DAYS_PER_YEAR;
        self.planning = Some(planning);
        self
    }

    /// Adds the dated change `id` (switched on and off by variants with
    /// `changes.<id>.enabled`); [`ScenarioSpec::change`] is the short form for one value.
    pub fn dated_change(mut self, id: impl Into<String>, change: crate::scenario::ChangeSpec) -> Self {
        self.changes.insert(id.into(), change);
        self
    }

    /// Adds a pipeline.
    pub fn pipeline(mut self, id: impl Into<String>, pipeline: PipelineSpec) -> Self {
        self.pipelines.insert(id.into(), pipeline);
        self
    }

    /// Sets the sweep grid.
    pub fn sweep(mut self, sweep: SweepSpec) -> Self {
        self.sweep = Some(sweep);
        self
    }
}

impl Settings {
    /// Settings with the defaults a file gets: no warm-up, seed 42, 20 replications,
    /// at most 200,000 consignments in the system and 50 million events a replication.
    pub fn new(name: impl Into<String>, horizon_days: f64) -> Settings {
        Settings {
            name: name.into(),
            description: None,
            horizon_days,
            warmup_days: 0.0,
            seed: 42,
            replications: 20,
            max_consignments_in_system: 200_000,
            max_events_per_replication: 50_000_000,
            focus_ports: Vec::new(),
            focus_flows: Vec::new(),
            currency: "USD".to_string(),
            start_year: None,
        }
    }
}

setters!(Settings {
    /// Days simulated first and discarded from statistics.
    warmup_days: f64,
    /// The default master seed.
    seed: u64,
    /// The default number of replications.
    replications: u64,
    /// Cap on consignments in the system at once; beyond it a replication is saturated.
    max_consignments_in_system: u64,
    /// Cap on events per replication; beyond it a replication is saturated.
    max_events_per_replication: u64,
    /// The currency of tariffs, charges and the value of time (a label, e.g. "EUR").
    currency: String,
});

optional_setters!(Settings {
    /// Free text describing the scenario.
    description: String,
    /// Without `[planning]`: the calendar year the measured window opens on 1 January,
    /// for dated changes inside one run.
    start_year: i32,
});

name_list_setters!(Settings {
    /// Ports whose ship waits the decision table shows (default: the busiest port).
    focus_ports,
    /// Flows whose p95 transit time the decision table shows (default: every flow).
    focus_flows,
});
