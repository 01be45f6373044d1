//! Tracing: time series of one replication for charts — yard stocks sampled at a
//! fixed interval, and the distribution of end-to-end transit times per flow.

use super::corridor::{Corridor, Event};
use super::network::tonnes;
use crate::engine::{Scheduler, SimTime};

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

/// A trace being recorded.
#[derive(Debug, Clone)]
pub(crate) struct Tracer {
    interval: SimTime,
    trace: Trace,
}

impl Tracer {
    /// Samples every `interval` (at least an hour).
    pub(crate) fn new(ports: impl Iterator<Item = String>, interval: SimTime) -> Tracer {
        Tracer {
            interval: interval.max(SimTime::from_whole_hours(1)),
            trace: Trace {
                days: Vec::new(),
                yard_tonnes: ports.map(|p| (p, Vec::new())).collect(),
                transit_percentiles: Vec::new(),
            },
        }
    }
}

/// Takes a sample and schedules the next.
pub(super) fn on_sample(w: &mut Corridor<'_>, s: &mut Scheduler<Event>) {
    let now = s.now();
    let Some(tracer) = &mut w.tracer else {
        return;
    };
    tracer.trace.days.push(now.as_days());
    for (yard, (_, series)) in w.yards.ports.iter().zip(tracer.trace.yard_tonnes.iter_mut()) {
        series.push(tonnes(yard.kg));
    }
    let interval = tracer.interval;
    if now + interval <= w.net.end {
        s.schedule_in(interval, Event::Sample);
    }
}

/// The trace recorded so far, with transit percentiles (`None` unless tracing).
pub(super) fn finish(w: &Corridor<'_>) -> Option<Trace> {
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
