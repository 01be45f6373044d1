//! Weather: storms over sea areas. Storm onsets are a Poisson process with monthly
//! weights (by thinning); each lasts a sampled duration, and overlapping storms
//! extend what they close. A storm
//!
//! - closes the area's `ports`, and each sheltered port (`close_probability`) with its
//!   probability: no ship takes a berth or leaves, and where the port pauses handling
//!   in storms (the default) the ships at berth stop work, keep their berths and
//!   resume where they stopped when the port reopens;
//! - suspends sailings on the area's `sea_links`: ships ready to sail on them wait in
//!   port (ships already at sea carry on).
//!
//! Streams: `weather/<id>/onsets`, `weather/<id>/durations`, and for sheltered ports
//! `weather/<id>/shelter`.
//! Measurement: hours each port is closed, each sea link suspended and each area
//! under a storm, in the measured window.

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
    /// Port indices closed by every storm.
    pub(crate) ports: Vec<usize>,
    /// Sheltered ports and the probability that a storm closes them.
    pub(crate) sheltered: Vec<(usize, f64)>,
    /// Sea-link indices whose sailings a storm suspends.
    pub(crate) links: Vec<usize>,
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
        let link_of = |l: &String| {
            spec.sea_links.keys().position(|k| k == l).ok_or_else(|| CompileError::UnknownReference {
                entity: format!("weather.{id}.sea_links"),
                kind: "sea link",
                id: l.clone(),
            })
        };
        weather.push(WeatherDef {
            id: id.clone(),
            ports: w.ports.iter().map(|p| port_of(ports, p, &entity)).collect::<Result<_, _>>()?,
            sheltered: w
                .close_probability
                .iter()
                .map(|(p, &q)| Ok((port_of(ports, p, &entity)?, q)))
                .collect::<Result<_, CompileError>>()?,
            links: w.sea_links.iter().map(link_of).collect::<Result<_, _>>()?,
            rate_per_hour: w.storms_per_year / 8_760.0,
            monthly,
            peak_factor,
            duration: sampler(|| format!("weather.{id}.duration_hours"), &w.duration_hours)?,
        });
    }
    Ok(weather)
}

/// Closure state of one port, sea link or area.
#[derive(Debug, Clone, Default)]
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

impl Closure {
    /// Extends the closure to `until`; returns whether it was open (and is now closed).
    fn extend(&mut self, now: SimTime, until: SimTime) -> bool {
        if until > self.until {
            self.until = until;
        }
        if self.closed {
            return false;
        }
        self.closed = true;
        self.since = now;
        true
    }

    /// Counts the time closed since it closed (or the window opened) up to `now`.
    fn count(&mut self, now: SimTime, window_start: SimTime) {
        let since = self.since.max(window_start);
        if now > since {
            self.closed_hours += (now - since).as_hours();
        }
    }
}

/// The weather subsystem.
#[derive(Debug, Clone)]
pub(crate) struct Weather {
    pub(crate) ports: Vec<Closure>,
    /// Per sea link: sailings suspended.
    pub(crate) links: Vec<Closure>,
    /// Per area: a storm is blowing.
    pub(crate) areas: Vec<Closure>,
    onset_rng: Vec<RandomStream>,
    duration_rng: Vec<RandomStream>,
    shelter_rng: Vec<RandomStream>,
    /// Start of the measured window (the end of the warm-up).
    window_start: SimTime,
}

impl Weather {
    pub(crate) fn new(net: &Network, streams: &Streams) -> Weather {
        Weather {
            ports: net.ports.iter().map(|_| Closure::default()).collect(),
            links: net.sea_links.iter().map(|_| Closure::default()).collect(),
            areas: net.weather.iter().map(|_| Closure::default()).collect(),
            shelter_rng: net.weather.iter().map(|w| streams.stream(&format!("weather/{}/shelter", w.id))).collect(),
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

    /// Whether storms suspend sailings on sea link `l`.
    #[inline]
    pub(crate) fn suspended(&self, l: usize) -> bool {
        self.links.get(l).is_some_and(|c| c.closed)
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

    /// Opens the measured window.
    pub(crate) fn reset(&mut self, now: SimTime) {
        self.window_start = now;
        for c in self.ports.iter_mut().chain(&mut self.links).chain(&mut self.areas) {
            c.closed_hours = 0.0;
        }
    }

    /// Closes the window at the horizon: ongoing closures count up to `now`.
    pub(crate) fn close(&mut self, now: SimTime) {
        let start = self.window_start;
        for c in self.ports.iter_mut().chain(&mut self.links).chain(&mut self.areas) {
            if c.closed {
                c.count(now, start);
            }
        }
    }
}

/// A storm may start (thinning by month).
pub(super) fn on_storm(w: &mut Corridor<'_>, area: usize, s: &mut Scheduler<Event>) {
    let now = s.now();
    let net = w.net;
    let def = &net.weather[area];
    let accept = def.monthly[month_of(now + net.calendar_shift)] / def.peak_factor;
    let real = accept >= 1.0 || w.weather.onset_rng[area].random::<f64>() < accept;
    w.weather.schedule_next(net, area, s);
    if !real {
        return;
    }
    let until = now + SimTime::from_hours_clamped(def.duration.sample(&mut w.weather.duration_rng[area]));
    if w.weather.areas[area].extend(now, until) {
        let _ = s.schedule_at(until, Event::AreaClear(area as u32));
    }
    for &p in &def.ports {
        close_port(w, p, until, s);
    }
    for &(p, probability) in &def.sheltered {
        if w.weather.shelter_rng[area].random::<f64>() < probability {
            close_port(w, p, until, s);
        }
    }
    for &l in &def.links {
        if w.weather.links[l].extend(now, until) {
            let _ = s.schedule_at(until, Event::LinkReopen(l as u32));
        }
    }
}

fn close_port(w: &mut Corridor<'_>, p: usize, until: SimTime, s: &mut Scheduler<Event>) {
    if w.weather.ports[p].extend(s.now(), until) {
        let _ = s.schedule_at(until, Event::Reopen(p as u32));
        if w.net.ports[p].pause_in_storms {
            super::ships::pause_handling(w, p, s);
        }
    }
}

/// Whether closure `c` is over at `now`; if a later storm extended it, its end is
/// scheduled again with `again`.
fn over(c: &mut Closure, now: SimTime, window_start: SimTime, again: Event, s: &mut Scheduler<Event>) -> bool {
    if now < c.until {
        let _ = s.schedule_at(c.until, again);
        return false;
    }
    c.closed = false;
    c.count(now, window_start);
    true
}

/// A port may reopen: paused ships resume, ships at anchor take free berths, ships
/// held by the weather sail.
pub(super) fn on_reopen(w: &mut Corridor<'_>, p: usize, s: &mut Scheduler<Event>) {
    let start = w.weather.window_start;
    if !over(&mut w.weather.ports[p], s.now(), start, Event::Reopen(p as u32), s) {
        return;
    }
    super::ships::resume_handling(w, p, s);
    for b in 0..w.berths.ports[p].groups.len() {
        super::berths::next_berth(w, p, b, s);
    }
    super::ships::release_weather_held(w, p, s);
}

/// Sailings on sea link `l` may resume: ships held for it sail.
pub(super) fn on_link_reopen(w: &mut Corridor<'_>, l: usize, s: &mut Scheduler<Event>) {
    let start = w.weather.window_start;
    if !over(&mut w.weather.links[l], s.now(), start, Event::LinkReopen(l as u32), s) {
        return;
    }
    for p in 0..w.net.ports.len() {
        if !w.ships.weather_held[p].is_empty() {
            super::ships::release_weather_held(w, p, s);
        }
    }
}

/// A storm over area `a` may be over (for its KPI only).
pub(super) fn on_area_clear(w: &mut Corridor<'_>, a: usize, s: &mut Scheduler<Event>) {
    let start = w.weather.window_start;
    over(&mut w.weather.areas[a], s.now(), start, Event::AreaClear(a as u32), s);
}
