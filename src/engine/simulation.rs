//! The [`Model`] trait and the run loop that drives a model with a [`Scheduler`].

use super::scheduler::Scheduler;
use super::time::SimTime;

/// A simulation model: a struct that owns its state and handles its own events.
///
/// Events are usually a small `enum` carrying typed ids. The model reacts to each
/// event by changing its state and scheduling further events.
///
/// ```
/// use corridor::engine::{Model, Scheduler, SimTime, Simulation, StopReason};
///
/// /// Counts ticks of a clock that fires every hour.
/// struct Clock { ticks: u32 }
/// enum Tick { Hour }
///
/// impl Model for Clock {
///     type Event = Tick;
///     fn handle(&mut self, event: Tick, scheduler: &mut Scheduler<Tick>) {
///         match event {
///             Tick::Hour => {
///                 self.ticks += 1;
///                 scheduler.schedule_in(SimTime::from_whole_hours(1), Tick::Hour);
///             }
///         }
///     }
/// }
///
/// let mut sim = Simulation::new(Clock { ticks: 0 });
/// sim.scheduler_mut().schedule_in(SimTime::ZERO, Tick::Hour);
/// let report = sim.run_until(SimTime::from_whole_days(1));
/// assert_eq!(sim.model().ticks, 25); // hours 0, 1, ..., 24
/// assert_eq!(report.stop, StopReason::ReachedTime);
/// ```
pub trait Model {
    /// The events this model handles.
    type Event;

    /// Handles one event at time `scheduler.now()`.
    fn handle(&mut self, event: Self::Event, scheduler: &mut Scheduler<Self::Event>);
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StopReason {
    /// No events were left. When the run had an end time (not [`SimTime::MAX`]), the
    /// clock was still moved to that end time.
    Exhausted,
    /// The next event lies after the requested end time; the clock was set to the end time.
    ReachedTime,
    /// The step budget was used up.
    StepBudget,
    /// The model called [`Scheduler::request_stop`].
    Requested,
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunReport {
    /// Events handled by this run.
    pub events: u64,
    /// The clock when the run stopped.
    pub now: SimTime,
    /// Why it stopped.
    pub stop: StopReason,
}

/// A model together with its scheduler.
#[derive(Debug)]
pub struct Simulation<M: Model> {
    model: M,
    scheduler: Scheduler<M::Event>,
    events_processed: u64,
}

impl<M: Model> Simulation<M> {
    /// A simulation of `model` at time zero with no pending events.
    pub fn new(model: M) -> Self {
        Self::with_scheduler(model, Scheduler::new())
    }

    /// A simulation of `model` driven by a given (possibly pre-sized) scheduler.
    pub fn with_scheduler(model: M, scheduler: Scheduler<M::Event>) -> Self {
        Simulation { model, scheduler, events_processed: 0 }
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutably.
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// The scheduler, e.g. to schedule the first events.
    pub fn scheduler_mut(&mut self) -> &mut Scheduler<M::Event> {
        &mut self.scheduler
    }

    /// The model and the scheduler together, for initialisation code that needs both.
    pub fn parts_mut(&mut self) -> (&mut M, &mut Scheduler<M::Event>) {
        (&mut self.model, &mut self.scheduler)
    }

    /// The scheduler (to read or copy it).
    pub fn scheduler(&self) -> &Scheduler<M::Event> {
        &self.scheduler
    }

    /// Moves the clock forward to `to` without firing anything, when no pending event
    /// is due before it (never backwards, never past a pending event: it then stops at
    /// that event's time).
    pub fn advance_clock(&mut self, to: SimTime) {
        let to = self.scheduler.next_time().map_or(to, |next| next.min(to));
        self.scheduler.advance_to(to);
    }

    /// The current simulation time.
    pub fn now(&self) -> SimTime {
        self.scheduler.now()
    }

    /// Events handled since the simulation was created.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Takes the model out, ending the simulation.
    pub fn into_model(self) -> M {
        self.model
    }

    /// Runs until no events are left.
    pub fn run(&mut self) -> RunReport {
        self.run_with(SimTime::MAX, u64::MAX)
    }

    /// Runs every event due at or before `end`, then sets the clock to `end` — also
    /// when the queue empties before `end` (the stop reason is then
    /// [`StopReason::Exhausted`]).
    pub fn run_until(&mut self, end: SimTime) -> RunReport {
        self.run_with(end, u64::MAX)
    }

    /// Handles at most `max_events` events.
    pub fn run_steps(&mut self, max_events: u64) -> RunReport {
        self.run_with(SimTime::MAX, max_events)
    }

    /// Runs until `end`, the step budget `max_events`, an empty queue, or a stop
    /// requested by the model — whichever comes first. When it stops at `end` or
    /// because the queue is empty, the clock is set to `end` (unless `end` is
    /// [`SimTime::MAX`], which means "no end"); after a step budget or a requested
    /// stop the clock stays at the last event.
    pub fn run_with(&mut self, end: SimTime, max_events: u64) -> RunReport {
        self.scheduler.clear_stop_request();
        let mut events = 0u64;
        let stop = loop {
            if events >= max_events {
                break StopReason::StepBudget;
            }
            let Some(event) = self.scheduler.pop_due(end) else {
                let more = self.scheduler.next_time().is_some();
                if end < SimTime::MAX {
                    self.scheduler.advance_to(end);
                }
                break if more { StopReason::ReachedTime } else { StopReason::Exhausted };
            };
            self.model.handle(event, &mut self.scheduler);
            events += 1;
            if self.scheduler.stop_requested() {
                break StopReason::Requested;
            }
        };
        self.events_processed += events;
        RunReport { events, now: self.scheduler.now(), stop }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the order in which events fire.
    struct Recorder {
        fired: Vec<(u64, u32)>,
    }

    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, event: u32, scheduler: &mut Scheduler<u32>) {
            self.fired.push((scheduler.now().as_millis(), event));
        }
    }

    #[test]
    fn equal_times_fire_in_scheduling_order() {
        let mut sim = Simulation::new(Recorder { fired: vec![] });
        let s = sim.scheduler_mut();
        for id in 0..1_000u32 {
            // Three distinct times, interleaved, so heap order differs from insertion order.
            s.schedule_at(SimTime::from_millis(u64::from(id % 3)), id).unwrap();
        }
        sim.run();
        let fired = &sim.model().fired;
        assert_eq!(fired.len(), 1_000);
        for window in fired.windows(2) {
            let ((t0, a), (t1, b)) = (window[0], window[1]);
            assert!(t0 < t1 || (t0 == t1 && a < b), "{window:?} out of FIFO order");
        }
    }

    #[test]
    fn cancelled_events_never_fire() {
        let mut sim = Simulation::new(Recorder { fired: vec![] });
        let s = sim.scheduler_mut();
        let handles: Vec<_> = (0..10u32).map(|i| s.schedule_in(SimTime::from_millis(5), i)).collect();
        for h in handles.iter().step_by(2) {
            assert!(s.cancel(*h));
        }
        let report = sim.run();
        assert_eq!(report.events, 5);
        let ids: Vec<u32> = sim.model().fired.iter().map(|&(_, id)| id).collect();
        assert_eq!(ids, vec![1, 3, 5, 7, 9]);
    }

    #[test]
    fn run_until_stops_at_the_end_time_and_sets_the_clock() {
        let mut sim = Simulation::new(Recorder { fired: vec![] });
        for t in [10, 20, 30] {
            sim.scheduler_mut().schedule_at(SimTime::from_millis(t), t as u32).unwrap();
        }
        let report = sim.run_until(SimTime::from_millis(20));
        assert_eq!(report, RunReport { events: 2, now: SimTime::from_millis(20), stop: StopReason::ReachedTime });
        let report = sim.run_steps(5);
        assert_eq!(report.stop, StopReason::Exhausted);
        assert_eq!(report.events, 1);
        assert_eq!(sim.events_processed(), 3);
    }

    #[test]
    fn run_until_sets_the_clock_to_the_end_when_the_queue_empties_first() {
        let mut sim = Simulation::new(Recorder { fired: vec![] });
        sim.scheduler_mut().schedule_at(SimTime::from_millis(10), 1).unwrap();
        let report = sim.run_until(SimTime::from_millis(100));
        assert_eq!(report.stop, StopReason::Exhausted);
        assert_eq!(report.now, SimTime::from_millis(100));
        assert_eq!(sim.now(), SimTime::from_millis(100));
        // Without an end time the clock stays at the last event.
        let mut sim = Simulation::new(Recorder { fired: vec![] });
        sim.scheduler_mut().schedule_at(SimTime::from_millis(10), 1).unwrap();
        assert_eq!(sim.run().now, SimTime::from_millis(10));
    }

    #[test]
    fn step_budget_is_respected() {
        struct Forever;
        impl Model for Forever {
            type Event = ();
            fn handle(&mut self, _: (), s: &mut Scheduler<()>) {
                s.schedule_in(SimTime::from_millis(1), ());
            }
        }
        let mut sim = Simulation::new(Forever);
        sim.scheduler_mut().schedule_in(SimTime::ZERO, ());
        let report = sim.run_steps(1_000);
        assert_eq!(report.stop, StopReason::StepBudget);
        assert_eq!(report.events, 1_000);
    }

    #[test]
    fn model_can_request_a_stop() {
        struct StopAtFive(u32);
        impl Model for StopAtFive {
            type Event = ();
            fn handle(&mut self, _: (), s: &mut Scheduler<()>) {
                self.0 += 1;
                if self.0 == 5 {
                    s.request_stop();
                }
                s.schedule_in(SimTime::from_millis(1), ());
            }
        }
        let mut sim = Simulation::new(StopAtFive(0));
        sim.scheduler_mut().schedule_in(SimTime::ZERO, ());
        let report = sim.run();
        assert_eq!(report.stop, StopReason::Requested);
        assert_eq!(report.events, 5);
    }
}
