//! Open arrivals: ships arriving from outside the model (tankers, tramps) as a Poisson
//! stream, each with a sampled cargo that leaves the model at its port — or, with
//! `continues_as`, enters the yard (parcel by parcel as handled, or all at the end of
//! handling) and travels on as a flow's cargo. They call like any ship (see `ships`)
//! and then leave.
//!
//! Streams: `arrivals/<id>/ships` (gaps), `arrivals/<id>/cargo` (cargo per ship).

use super::corridor::{Calendar, Corridor, Event, Network, exp_gap};
use super::network::{CompileError, Dist, Kg, PortDef, kg_from_tonnes, port_of, sampler};
use crate::engine::{RandomStream, Scheduler, Streams};
use crate::scenario::ScenarioSpec;
use rand::RngExt;

/// A stream of ships arriving from outside, compiled.
#[derive(Debug, Clone)]
pub(crate) struct ArrivalDef {
    pub(crate) id: String,
    pub(crate) port: usize,
    /// Berth group index at that port.
    pub(crate) berth: usize,
    pub(crate) rate_per_hour: f64,
    /// Cargo per ship, tonnes.
    pub(crate) cargo: Dist,
    /// Where the cargo goes on: (flow, parcel kg, whether it lands only at the end).
    pub(crate) continues: Option<(u32, Kg, bool)>,
    /// Demand factor in each planning year (empty: 1 throughout).
    pub(crate) growth: Vec<f64>,
    /// The largest of `growth` (1 without): the thinning envelope.
    pub(crate) growth_peak: f64,
}

/// Compiles the open arrival streams.
pub(super) fn compile(
    spec: &ScenarioSpec,
    ports: &[PortDef],
    calendar: Option<&Calendar>,
) -> Result<Vec<ArrivalDef>, CompileError> {
    let mut arrivals = Vec::new();
    for (id, a) in &spec.ship_arrivals {
        let entity = || format!("ship_arrivals.{id}");
        let port = port_of(ports, &a.port, &entity)?;
        let berth = ports[port].berth_of(a.class).ok_or_else(|| CompileError::UnknownReference {
            entity: entity(),
            kind: "berth class at that port",
            id: a.class.name().to_string(),
        })?;
        let growth: Vec<f64> =
            calendar.map_or_else(Vec::new, |c| c.years.iter().map(|&y| spec.growth_factor(&a.tags, y)).collect());
        arrivals.push(ArrivalDef {
            growth_peak: growth.iter().copied().fold(1.0, f64::max),
            growth,
            id: id.clone(),
            port,
            berth,
            rate_per_hour: a.ships_per_year / 8_760.0,
            cargo: sampler(|| format!("ship_arrivals.{id}.cargo_tonnes"), &a.cargo_tonnes)?,
            continues: match &a.continues_as {
                None => None,
                Some(flow) => {
                    let f =
                        spec.flows.keys().position(|k| k == flow).ok_or_else(|| CompileError::UnknownReference {
                            entity: format!("ship_arrivals.{id}.continues_as"),
                            kind: "flow",
                            id: flow.clone(),
                        })?;
                    let at_end = a.landing == crate::scenario::Landing::AtEnd;
                    // Landing at the end puts the whole cargo in the yard at once.
                    let parcel = if at_end { Kg::MAX } else { kg_from_tonnes(a.parcel_tonnes).max(1) };
                    Some((f as u32, parcel, at_end))
                }
            },
        });
    }
    Ok(arrivals)
}

/// The open-arrivals subsystem: its random streams (the ships live in `ships`).
#[derive(Debug, Clone)]
pub(crate) struct Arrivals {
    ship_rng: Vec<RandomStream>,
    cargo_rng: Vec<RandomStream>,
}

impl Arrivals {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Arrivals {
        Arrivals {
            ship_rng: net.arrivals.iter().map(|a| streams.stream(&format!("arrivals/{}/ships", a.id))).collect(),
            cargo_rng: net.arrivals.iter().map(|a| streams.stream(&format!("arrivals/{}/cargo", a.id))).collect(),
        }
    }

    /// Schedules arrival stream `a`'s next ship.
    pub(crate) fn schedule_next(&mut self, net: &Network, a: usize, s: &mut Scheduler<Event>) {
        let rate = net.arrivals[a].rate_per_hour * net.arrivals[a].growth_peak;
        if rate > 0.0 {
            let gap = exp_gap(&mut self.ship_rng[a], rate);
            s.schedule_in(gap, Event::OpenShip(a as u32));
        }
    }
}

/// A ship from an open arrival stream appears at its port with its cargo.
pub(super) fn on_open_ship(w: &mut Corridor<'_>, a: usize, s: &mut Scheduler<Event>) {
    let net = w.net;
    let def = &net.arrivals[a];
    // Thinning: the stream runs at its peak year's rate; other years keep their share.
    let accept = def.growth.get(net.year_index(s.now())).copied().unwrap_or(1.0) / def.growth_peak;
    let real = accept >= 1.0 || w.arrivals.ship_rng[a].random::<f64>() < accept;
    w.arrivals.schedule_next(net, a, s);
    if !real {
        return;
    }
    let kg = kg_from_tonnes(def.cargo.sample(&mut w.arrivals.cargo_rng[a]));
    let ship = w.ships.spawn(None, 0, def.port, def.berth);
    let sh = &mut w.ships.vessels[ship as usize];
    sh.open_cargo = kg;
    sh.load = kg;
    sh.landing = def.continues;
    w.cargo.generated(kg);
    super::ships::on_at_port(w, ship, s);
}
