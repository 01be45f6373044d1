//! The compiled [`Network`]: every entity of a scenario (or variant) with names
//! resolved to indices, distributions to samplers and hours to [`SimTime`], its later
//! configurations (`epochs`) and its planning [`Calendar`]. Built once and shared
//! read-only by every replication (`corridor.rs`).

use super::arrivals::ArrivalDef;
use super::flows::FlowDef;
use super::network::{CompileError, LegDef, NodeDef, PortDef, attach_unit_hours, compile_nodes};
use super::pipelines::PipelineDef;
use super::ships::{SeaLinkDef, ShipServiceDef};
use super::trains::{RailLinkDef, TrainServiceDef};
use super::transfer::TransferDef;
use super::weather::WeatherDef;
use super::{arrivals, flows, pipelines, ships, trains, transfer, weather};
use crate::engine::SimTime;
use crate::scenario::ScenarioSpec;

/// The compiled, validated network of one scenario (or variant): names resolved to
/// indices, distributions to samplers, hours to [`SimTime`]. Built once; shared
/// read-only by every replication.
#[derive(Debug, Clone)]
pub struct Network {
    /// Scenario display name.
    pub name: String,
    /// End of the warm-up.
    pub warmup: SimTime,
    /// End of the run (warm-up + horizon).
    pub end: SimTime,
    /// Cap on consignments in the system.
    pub max_consignments: u64,
    /// Cap on events per replication.
    pub max_events: u64,
    pub(crate) nodes: Vec<NodeDef>,
    pub(crate) ports: Vec<PortDef>,
    pub(crate) sea_links: Vec<SeaLinkDef>,
    pub(crate) rail_links: Vec<RailLinkDef>,
    pub(crate) ship_services: Vec<ShipServiceDef>,
    pub(crate) pools: Vec<super::pools::PoolDef>,
    pub(crate) train_services: Vec<TrainServiceDef>,
    pub(crate) arrivals: Vec<ArrivalDef>,
    pub(crate) legs: Vec<LegDef>,
    pub(crate) flows: Vec<FlowDef>,
    pub(crate) weather: Vec<WeatherDef>,
    pub(crate) transfers: Vec<TransferDef>,
    pub(crate) pipelines: Vec<PipelineDef>,
    /// Cargo units (wagon, truck, TEU, …) named by flows and ship services.
    pub(crate) units: Vec<String>,
    /// The planning calendar, for runs of several years.
    pub(crate) calendar: Option<Calendar>,
    /// Added to the clock to read the month (seasonality, storms): in a planning run,
    /// so that each planning year starts on 1 January; otherwise zero (time 0 is
    /// 1 January).
    pub(crate) calendar_shift: SimTime,
    /// Later configurations (dated changes), in time order: from when each holds.
    pub(crate) epochs: Vec<(SimTime, Network)>,
    /// Whether any tariff, charge, emission factor or value of time is given: cost
    /// and CO2 KPIs are reported only then.
    pub(crate) costed: bool,
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
        let timeline = spec.timeline().map_err(|p| {
            CompileError::Invalid(vec![crate::scenario::Issue {
                path: format!("changes.{}", p.change),
                message: p.message,
                valid: None,
                location: Some(p.location),
            }])
        })?;
        // A moving sea level changes what vessels may load each planning year: each
        // year starts a configuration of its own, at the level of its middle.
        let level = |day: f64| match &spec.planning {
            Some(p) if p.sea_level_m_per_year != 0.0 => p.sea_level_in_year(
                ((day / crate::scenario::DAYS_PER_YEAR).floor().max(0.0) as usize).min(p.years as usize - 1),
            ),
            _ => 0.0,
        };
        let mut timeline = timeline;
        if let Some(p) = spec.planning.as_ref().filter(|p| p.sea_level_m_per_year != 0.0) {
            for k in 1..p.years {
                let day = f64::from(k) * crate::scenario::DAYS_PER_YEAR;
                if let Some(i) = timeline.iter().rposition(|(d, _)| *d <= day)
                    && timeline[i].0 < day
                {
                    let config = timeline[i].1.clone();
                    timeline.insert(i + 1, (day, config));
                }
            }
        }
        let mut configurations = timeline.into_iter();
        let Some((_, first)) = configurations.next() else {
            return Self::compile_one(spec, level(0.0));
        };
        let mut network = Self::compile_one(&first, level(0.0))?;
        for (day, later) in configurations {
            let at = network.warmup + SimTime::from_hours_clamped(day * 24.0);
            let epoch = Self::compile_one(&later, level(day))?;
            network.epochs.push((at, epoch));
        }
        Ok(network)
    }

    /// Compiles one configuration (the scenario's checks passed), with the sea
    /// `sea_level` metres from the level the ports' depths are given at.
    fn compile_one(spec: &ScenarioSpec, sea_level: f64) -> Result<Network, CompileError> {
        let s = &spec.scenario;
        let warmup = SimTime::from_hours_clamped(s.warmup_days * 24.0);
        let (nodes, mut ports) = compile_nodes(spec)?;
        let calendar = spec.planning.as_ref().map(Calendar::of);
        let (legs, flows, units) = flows::compile(spec, &nodes, calendar.as_ref())?;
        attach_unit_hours(spec, &mut ports, &units);
        let (sea_links, mut ship_services) = ships::compile(spec, &ports, &legs, &units, sea_level)?;
        let pools = super::pools::compile(spec, &ports, &mut ship_services)?;
        let arrivals = arrivals::compile(spec, &ports, calendar.as_ref())?;
        let (rail_links, train_services) = trains::compile(spec, &nodes, &legs)?;
        let weather = weather::compile(spec, &ports)?;
        let transfers = transfer::compile(spec, &nodes)?;
        let pipelines = pipelines::compile(spec, &nodes, &legs)?;
        Ok(Network {
            name: s.name.clone(),
            warmup,
            end: warmup + SimTime::from_hours_clamped(s.horizon_days * 24.0),
            max_consignments: s.max_consignments_in_system,
            max_events: s.max_events_per_replication,
            nodes,
            ports,
            sea_links,
            rail_links,
            ship_services,
            pools,
            train_services,
            arrivals,
            legs,
            flows,
            weather,
            transfers,
            pipelines,
            units,
            calendar_shift: match &calendar {
                Some(c) => {
                    let year = c.year.as_millis().max(1);
                    SimTime::from_millis((year - warmup.as_millis() % year) % year)
                }
                None => SimTime::ZERO,
            },
            calendar,
            epochs: Vec::new(),
            costed: super::costs::costed(spec),
        })
    }

    /// The planning year (0 for the first) that `now` falls in: the warm-up counts
    /// as the first year, the time after the horizon as the last.
    #[inline]
    pub(crate) fn year_index(&self, now: SimTime) -> usize {
        match &self.calendar {
            None => 0,
            Some(c) => c.index(now.saturating_sub(self.warmup)),
        }
    }

    /// The measured windows: one from the warm-up to the horizon, or one per planning
    /// year.
    pub(crate) fn windows(&self) -> Vec<(SimTime, SimTime)> {
        match &self.calendar {
            None => vec![(self.warmup, self.end)],
            Some(c) => (0..c.years.len())
                .map(|k| {
                    let start = self.warmup + SimTime::from_millis(c.year.as_millis() * k as u64);
                    let end = if k + 1 == c.years.len() { self.end } else { start + c.year };
                    (start, end)
                })
                .collect(),
        }
    }

    /// The calendar years measured (empty without planning).
    pub fn years(&self) -> Vec<i32> {
        self.calendar.as_ref().map(|c| c.years.clone()).unwrap_or_default()
    }

    /// A network with nothing in it (what a kept replication state points at while it
    /// belongs to no run).
    pub(crate) fn empty() -> Network {
        Network {
            name: String::new(),
            warmup: SimTime::ZERO,
            end: SimTime::ZERO,
            max_consignments: 0,
            max_events: 0,
            nodes: Vec::new(),
            ports: Vec::new(),
            sea_links: Vec::new(),
            rail_links: Vec::new(),
            ship_services: Vec::new(),
            pools: Vec::new(),
            train_services: Vec::new(),
            arrivals: Vec::new(),
            legs: Vec::new(),
            flows: Vec::new(),
            weather: Vec::new(),
            transfers: Vec::new(),
            pipelines: Vec::new(),
            units: Vec::new(),
            calendar: None,
            calendar_shift: SimTime::ZERO,
            epochs: Vec::new(),
            costed: false,
        }
    }

    /// This configuration alone (without the later ones).
    fn alone(&self) -> Network {
        Network {
            name: self.name.clone(),
            warmup: self.warmup,
            end: self.end,
            max_consignments: self.max_consignments,
            max_events: self.max_events,
            nodes: self.nodes.clone(),
            ports: self.ports.clone(),
            sea_links: self.sea_links.clone(),
            rail_links: self.rail_links.clone(),
            ship_services: self.ship_services.clone(),
            pools: self.pools.clone(),
            train_services: self.train_services.clone(),
            arrivals: self.arrivals.clone(),
            legs: self.legs.clone(),
            flows: self.flows.clone(),
            weather: self.weather.clone(),
            transfers: self.transfers.clone(),
            pipelines: self.pipelines.clone(),
            units: self.units.clone(),
            calendar: self.calendar.clone(),
            calendar_shift: self.calendar_shift,
            epochs: Vec::new(),
            costed: self.costed,
        }
    }

    /// The configuration in force at the end of planning year `k` (or of the run),
    /// with demand at that year's level: what the capacity sheet of that year reads.
    pub fn for_year(&self, k: usize) -> Network {
        let end = match self.windows().get(k) {
            Some(&(_, end)) => end,
            None => self.end,
        };
        self.epochs.iter().rev().find(|(at, _)| *at < end).map_or(self, |(_, n)| n).with_demand_of_year(k)
    }

    /// This configuration alone, with the demand of planning year `k`.
    fn with_demand_of_year(&self, k: usize) -> Network {
        let mut net = self.alone();
        for f in &mut net.flows {
            let factor = f.growth.get(k).copied().unwrap_or(1.0);
            f.rate_per_hour *= factor;
            f.offered_rate_per_hour *= factor;
            f.growth.clear();
            f.growth_peak = 1.0;
        }
        for a in &mut net.arrivals {
            a.rate_per_hour *= a.growth.get(k).copied().unwrap_or(1.0);
            a.growth.clear();
            a.growth_peak = 1.0;
        }
        net
    }

    /// The configurations in force during planning year `k` (or the whole run), each
    /// with the share of the period it holds and that year's demand.
    fn configurations_of_year(&self, k: usize) -> Vec<(f64, Network)> {
        let (start, end) = self.windows().get(k).copied().unwrap_or((self.warmup, self.end));
        let period = end.saturating_sub(start).as_millis().max(1) as f64;
        let segments: Vec<(SimTime, &Network)> =
            std::iter::once((SimTime::ZERO, self)).chain(self.epochs.iter().map(|(at, n)| (*at, n))).collect();
        let mut out = Vec::new();
        for (i, &(from, net)) in segments.iter().enumerate() {
            let to = segments.get(i + 1).map_or(SimTime::MAX, |s| s.0);
            let held = to.min(end).saturating_sub(from.max(start)).as_millis();
            if held > 0 {
                out.push((held as f64 / period, net.with_demand_of_year(k)));
            }
        }
        if out.is_empty() {
            out.push((1.0, self.for_year(k)));
        }
        out
    }

    /// The lower bound on the highest ρ in planning year `k` (or over the run, without
    /// planning), over every configuration in force during it (see
    /// [`RhoBound`](super::RhoBound)).
    pub fn rho_bound_of_year(&self, k: usize) -> super::RhoBound {
        if self.calendar.is_none() && self.epochs.is_empty() {
            return super::bound::of(self);
        }
        let mut configurations = self.configurations_of_year(k);
        // After the first year, demand with another corridor to take is what the
        // simulation makes of it, as low as congestion drives it: the bound counts
        // none of it, which can only lower it.
        if k > 0 {
            for (_, net) in &mut configurations {
                for f in net.flows.iter_mut().filter(|f| f.outside.is_some()) {
                    f.rate_per_hour = 0.0;
                    f.offered_rate_per_hour = 0.0;
                }
            }
        }
        let refs: Vec<(f64, &Network)> = configurations.iter().map(|(w, n)| (*w, n)).collect();
        super::bound::over(&refs)
    }

    /// The last planning year's network (see [`Network::for_year`]), or this one.
    pub fn final_year(&self) -> Network {
        match &self.calendar {
            Some(c) => self.for_year(c.years.len().saturating_sub(1)),
            None => self.clone(),
        }
    }
}

/// The calendar of a planning run: years of 365 days from the end of the warm-up.
#[derive(Debug, Clone)]
pub(crate) struct Calendar {
    /// The calendar years, first to last.
    pub(crate) years: Vec<i32>,
    /// The length of a year.
    pub(crate) year: SimTime,
}

impl Calendar {
    fn of(planning: &crate::scenario::PlanningSpec) -> Calendar {
        Calendar {
            years: planning.calendar(),
            year: SimTime::from_hours_clamped(crate::scenario::DAYS_PER_YEAR * 24.0),
        }
    }

    /// The year index of `since_warmup` after the end of the warm-up.
    #[inline]
    fn index(&self, since_warmup: SimTime) -> usize {
        let k = since_warmup.as_millis() / self.year.as_millis().max(1);
        (k as usize).min(self.years.len().saturating_sub(1))
    }
}
