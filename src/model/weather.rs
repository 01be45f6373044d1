//! Weather: storms close groups of ports. Storm onsets are a Poisson process with
//! monthly weights (by thinning); each closes its ports for a sampled duration, and
//! overlapping storms extend the closure. While a port is closed no ship takes a berth
//! and none leaves.
//!
//! Streams: `weather/<id>/onsets`, `weather/<id>/durations`.
//! Measurement: hours each port is closed in the measured window.

use super::corridor::{Corridor, Event, Network, exp_gap};
use super::network::{CompileError, Dist, PortDef, month_of, monthly, port_of, sampler};
use crate::engine::{RandomStream, Scheduler, SimTime, Streams};
use crate::scenario::ScenarioSpec;
use rand::RngExt;

/// Storm closures of a group of ports, compiled.
#[derive(Debug, Clone)]
pub(crate) struct WeatherDef {
    /// Scenario id.
    pub(crate) id: String,
    /// Port indices.
    pub(crate) ports: Vec<usize>,
    /// Mean storms per hour (before monthly weighting).
    pub(crate) rate_per_hour: f64,
    /// Monthly factors, mean 1.
    pub(crate) monthly: [f64; 12],
    /// Largest monthly factor.
    pub(crate) peak_factor: f64,
    /// Duration, hours.
    pub(crate) duration: Dist,
}

pub(super) fn compile(spec: &ScenarioSpec, ports: &[PortDef]) -> Result<Vec<WeatherDef>, CompileError> {
    let mut weather = Vec::new();
    for (id, w) in &spec.weather {
        let entity = || format!("weather.{id}.ports");
        let (monthly, peak_factor) = monthly(w.monthly_weights.as_ref());
        weather.push(WeatherDef {
            id: id.clone(),
            ports: w.ports.iter().map(|p| port_of(ports, p, &entity)).collect::<Result<_, _>>()?,
            rate_per_hour: w.storms_per_year / 8_760.0,
            monthly,
            peak_factor,
            duration: sampler(|| format!("weather.{id}.duration_hours"), &w.duration_hours)?,
        });
    }
    Ok(weather)
}

/// Closure state of one port.
#[derive(Debug, Default)]
pub(crate) struct Closure {
    /// Whether closed now.
    pub(crate) closed: bool,
    /// Closed until this time (if closed).
    pub(crate) until: SimTime,
    /// When the current closure began.
    pub(crate) since: SimTime,
    /// Closed hours in the measured window.
    pub(crate) closed_hours: f64,
}

/// The weather subsystem.
#[derive(Debug)]
pub(crate) struct Weather {
    pub(crate) ports: Vec<Closure>,
    onset_rng: Vec<RandomStream>,
    duration_rng: Vec<RandomStream>,
    /// Start of the measured window (the end of the warm-up).
    window_start: SimTime,
}

impl Weather {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Weather {
        Weather {
            ports: net.ports.iter().map(|_| Closure::default()).collect(),
            onset_rng: net.weather.iter().map(|w| streams.stream(&format!("weather/{}/onsets", w.id))).collect(),
            duration_rng: net.weather.iter().map(|w| streams.stream(&format!("weather/{}/durations", w.id))).collect(),
            window_start: net.warmup,
        }
    }

    /// Whether port `p` is closed.
    #[inline]
    pub(crate) fn closed(&self, p: usize) -> bool {
        self.ports[p].closed
    }

    /// Schedules area `w`'s next candidate storm.
    pub(crate) fn schedule_next(&mut self, net: &Network, w: usize, s: &mut Scheduler<Event>) {
        let def = &net.weather[w];
        let rate = def.rate_per_hour * def.peak_factor;
        if rate > 0.0 {
            let gap = exp_gap(&mut self.onset_rng[w], rate);
            s.schedule_in(gap, Event::Storm(w as u32));
        }
    }

    fn count_closed(&mut self, p: usize, now: SimTime) {
        let since = self.ports[p].since.max(self.window_start);
        if now > since {
            self.ports[p].closed_hours += (now - since).as_hours();
        }
    }

    /// Opens the measured window.
    pub(crate) fn reset(&mut self, now: SimTime) {
        self.window_start = now;
        for c in &mut self.ports {
            c.closed_hours = 0.0;
        }
    }

    /// Closes the window at the horizon: ongoing closures count up to `now`.
    pub(crate) fn close(&mut self, now: SimTime) {
        for p in 0..self.ports.len() {
            if self.ports[p].closed {
                self.count_closed(p, now);
            }
        }
    }
}

/// A storm may start (thinning by month).
pub(super) fn on_storm(w: &mut Corridor<'_>, area: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let def = &net.weather[area];
    let accept = def.monthly[month_of(now)] / def.peak_factor;
    let real = accept >= 1.0 || w.weather.onset_rng[area].random::<f64>() < accept;
    w.weather.schedule_next(net, area, s);
    if !real {
        return;
    }
    let until = now + SimTime::from_hours_clamped(def.duration.sample(&mut w.weather.duration_rng[area]));
    for &p in &def.ports {
        let port = &mut w.weather.ports[p];
        if until > port.until {
            port.until = until;
        }
        if !port.closed {
            port.closed = true;
            port.since = now;
            let _ = s.schedule_at(until, Event::Reopen(p as u32));
        }
    }
}

/// A port may reopen: ships at anchor take free berths, ships held by the weather sail.
pub(super) fn on_reopen(w: &mut Corridor<'_>, p: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let port = &mut w.weather.ports[p];
    if now < port.until {
        let _ = s.schedule_at(port.until, Event::Reopen(p as u32));
        return;
    }
    port.closed = false;
    w.weather.count_closed(p, now);
    for b in 0..w.berths.ports[p].groups.len() {
        super::berths::next_berth(w, p, b, s);
    }
    super::ships::release_weather_held(w, p, s);
}
