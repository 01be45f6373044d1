//! Tracing: time series of one replication for charts — yard stocks sampled at a
//! fixed interval, and the distribution of end-to-end transit times per flow.
//!
//! Samples are taken without events of their own: the state is constant between
//! events, so the sample due at time `t` is the state before the first event after
//! `t` (or at the end of the run). A traced replication therefore handles exactly the
//! events, in exactly the order, of the same replication untraced: its KPIs are the
//! same, bit for bit (`tests/model.rs` checks it), so an experiment traces a
//! replication it runs anyway instead of running it again.

use super::corridor::Corridor;
use super::network::tonnes;
use crate::engine::SimTime;

/// Time series of one replication, for charts: sampled every `interval`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Trace {
    /// Sample times, days.
    pub days: Vec<f64>,
    /// Yard stock (tonnes) per port, aligned with `days`.
    pub yard_tonnes: Vec<(String, Vec<f64>)>,
    /// End-to-end transit (hours) per flow at percentiles 1, 2, ..., 99 of deliveries.
    pub transit_percentiles: Vec<(String, Vec<f64>)>,
}

impl Trace {
    /// Whether its series line up: one yard value per sample time, finite times in
    /// order, finite values, 99 percentiles per flow (a trace read from a shard file is
    /// checked before charts are drawn from it).
    pub fn is_consistent(&self) -> bool {
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        finite(&self.days)
            && self.days.windows(2).all(|w| w[0] <= w[1])
            && self.yard_tonnes.iter().all(|(_, s)| s.len() == self.days.len() && finite(s))
            && self.transit_percentiles.iter().all(|(_, p)| p.len() == 99 && finite(p))
    }
}

/// A trace being recorded.
#[derive(Debug, Clone)]
pub(crate) struct Tracer {
    interval: SimTime,
    /// The time of the next sample due.
    next: SimTime,
    trace: Trace,
}

impl Tracer {
    /// Samples every `interval` (at least an hour).
    pub(crate) fn new(ports: impl Iterator<Item = String>, interval: SimTime) -> Tracer {
        Tracer {
            interval: interval.max(SimTime::from_whole_hours(1)),
            next: SimTime::ZERO,
            trace: Trace {
                days: Vec::new(),
                yard_tonnes: ports.map(|p| (p, Vec::new())).collect(),
                transit_percentiles: Vec::new(),
            },
        }
    }
}

impl Tracer {
    /// Whether a sample is due before an event at `now` is handled.
    #[inline]
    pub(crate) fn due(&self, now: SimTime) -> bool {
        self.next <= now
    }
}

/// Takes every sample due up to `until` (and not after the run's end) from the
/// current state, which holds since the last event handled.
pub(super) fn sample_until(w: &mut Corridor<'_>, until: SimTime) {
    let until = until.min(w.net.end);
    let Some(tracer) = &mut w.tracer else {
        return;
    };
    while tracer.next <= until {
        tracer.trace.days.push(tracer.next.as_days());
        for (yard, (_, series)) in w.yards.ports.iter().zip(tracer.trace.yard_tonnes.iter_mut()) {
            series.push(tonnes(yard.kg));
        }
        tracer.next += tracer.interval;
    }
}

/// The trace of a run stopped at `now`: the samples due up to then, with transit
/// percentiles (`None` unless tracing).
pub(super) fn finish(w: &mut Corridor<'_>, now: SimTime) -> Option<Trace> {
    sample_until(w, now);
    let mut trace = w.tracer.as_ref()?.trace.clone();
    trace.transit_percentiles = w
        .net
        .flows
        .iter()
        .zip(&w.flows.state)
        .map(|(def, st)| (def.id.clone(), (1..100).map(|p| st.transit_quantiles.quantile(p as f64 / 100.0)).collect()))
        .collect();
    Some(trace)
}
