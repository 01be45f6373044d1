//! The scheduler: the clock, the pending events, scheduling and cancellation.

use super::queue::{Entry, EventQueue};
use super::time::SimTime;
use std::collections::{BTreeSet, HashSet};

/// Identifies one scheduled event so that it can be cancelled.
///
/// A handle stays valid forever: cancelling an event that already fired, or was
/// already cancelled, is a harmless no-op that returns `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventHandle {
    time: SimTime,
    seq: u64,
}

impl EventHandle {
    /// When the event is (or was) due.
    pub fn time(&self) -> SimTime {
        self.time
    }
}

/// Why an event could not be scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The requested time lies before the current simulation time.
    #[error("cannot schedule an event at {at} which is before the current time {now}")]
    InThePast {
        /// The requested time.
        at: SimTime,
        /// The clock when the request was made.
        now: SimTime,
    },
}

/// The clock and the set of pending events of one simulation.
///
/// Events at equal times fire in the order they were scheduled (FIFO), always.
/// Cancellation is lazy: a cancelled event stays in the queue and is skipped when it
/// reaches the front, so cancelling costs O(1).
#[derive(Debug, Clone)]
pub struct Scheduler<E> {
    now: SimTime,
    next_seq: u64,
    /// Key of the last event handed to the model; every key at or below it has fired.
    last_fired: Option<(SimTime, u64)>,
    queue: EventQueue<E>,
    /// Sequence numbers of cancelled events still sitting in the queue.
    cancelled: HashSet<u64>,
    /// Keys of cancelled events already dropped from the queue but not yet at or below
    /// `last_fired`, so that a second `cancel` of them still answers `false`. Entries
    /// leave as soon as an event with a later key fires, so this set stays tiny.
    discarded: BTreeSet<(SimTime, u64)>,
    stop_requested: bool,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    /// An empty scheduler at time zero.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty scheduler with room for `capacity` pending events before it allocates.
    pub fn with_capacity(capacity: usize) -> Self {
        Scheduler {
            now: SimTime::ZERO,
            next_seq: 0,
            last_fired: None,
            queue: EventQueue::with_capacity(capacity),
            cancelled: HashSet::new(),
            discarded: BTreeSet::new(),
            stop_requested: false,
        }
    }

    /// The current simulation time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at the absolute time `at`.
    ///
    /// Scheduling at the current time is allowed (the event fires after every event
    /// already scheduled for this instant); scheduling before it is an error.
    ///
    /// # Errors
    /// [`ScheduleError::InThePast`] when `at` lies before the current time.
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> Result<EventHandle, ScheduleError> {
        if at < self.now {
            return Err(ScheduleError::InThePast { at, now: self.now });
        }
        Ok(self.push(at, event))
    }

    /// Schedules `event` after `delay` from now (saturating at [`SimTime::MAX`]).
    #[inline]
    pub fn schedule_in(&mut self, delay: SimTime, event: E) -> EventHandle {
        let at = self.now.saturating_add(delay);
        self.push(at, event)
    }

    #[inline(always)]
    fn push(&mut self, time: SimTime, event: E) -> EventHandle {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.queue.push(Entry { time, seq, event });
        EventHandle { time, seq }
    }

    /// Cancels a pending event. Returns `true` if it was pending and is now cancelled,
    /// `false` if it had already fired or been cancelled.
    pub fn cancel(&mut self, handle: EventHandle) -> bool {
        let key = (handle.time, handle.seq);
        // Every key at or below the last fired one has left the queue (fired or dropped).
        if handle.seq >= self.next_seq
            || self.last_fired.is_some_and(|fired| key <= fired)
            || self.discarded.contains(&key)
        {
            return false;
        }
        self.cancelled.insert(handle.seq)
    }

    /// Number of pending events that will still fire (cancelled ones excluded).
    pub fn pending(&self) -> usize {
        self.queue.len() - self.cancelled.len()
    }

    /// The time of the next event that will fire, if any.
    pub fn next_time(&mut self) -> Option<SimTime> {
        self.discard_cancelled_front();
        self.queue.peek().map(|e| e.time)
    }

    /// Asks the run loop to stop after the event being handled now.
    pub fn request_stop(&mut self) {
        self.stop_requested = true;
    }

    /// Whether [`Scheduler::request_stop`] was called since the last run started.
    pub fn stop_requested(&self) -> bool {
        self.stop_requested
    }

    pub(super) fn clear_stop_request(&mut self) {
        self.stop_requested = false;
    }

    /// Drops cancelled entries sitting at the front of the queue.
    #[inline]
    fn discard_cancelled_front(&mut self) {
        while !self.cancelled.is_empty() {
            match self.queue.peek() {
                Some(front) if self.cancelled.contains(&front.seq) => {
                    let entry = self.queue.pop().expect("peeked entry exists");
                    self.cancelled.remove(&entry.seq);
                    self.discarded.insert((entry.time, entry.seq));
                }
                _ => break,
            }
        }
    }

    /// Removes the next live event if it is due at or before `until`, advancing the clock.
    #[inline]
    pub(super) fn pop_due(&mut self, until: SimTime) -> Option<E> {
        self.discard_cancelled_front();
        let entry = self.queue.pop_due(until)?;
        debug_assert!(entry.time >= self.now, "time went backwards");
        self.now = entry.time;
        let fired = (entry.time, entry.seq);
        self.last_fired = Some(fired);
        // Dropped keys below the fired one are now covered by `last_fired`.
        if !self.discarded.is_empty() {
            while self.discarded.first().is_some_and(|&k| k <= fired) {
                self.discarded.pop_first();
            }
        }
        Some(entry.event)
    }

    /// Moves the clock forward to `to` without firing anything (used at the end of a
    /// run bounded by time). Never moves it backwards.
    pub(super) fn advance_to(&mut self, to: SimTime) {
        if to > self.now {
            self.now = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduling_in_the_past_is_an_error() {
        let mut s = Scheduler::new();
        s.schedule_at(SimTime::from_millis(10), ()).unwrap();
        assert_eq!(s.pop_due(SimTime::MAX), Some(()));
        let err = s.schedule_at(SimTime::from_millis(5), ()).unwrap_err();
        assert_eq!(err, ScheduleError::InThePast { at: SimTime::from_millis(5), now: SimTime::from_millis(10) });
        assert!(s.schedule_at(SimTime::from_millis(10), ()).is_ok(), "now itself is allowed");
    }

    #[test]
    fn cancel_reports_whether_anything_was_cancelled() {
        let mut s = Scheduler::new();
        let a = s.schedule_in(SimTime::from_millis(1), 'a');
        let b = s.schedule_in(SimTime::from_millis(2), 'b');
        assert_eq!(s.pending(), 2);
        assert!(s.cancel(b));
        assert!(!s.cancel(b), "double cancel");
        assert_eq!(s.pending(), 1);
        assert_eq!(s.pop_due(SimTime::MAX), Some('a'));
        assert!(!s.cancel(a), "already fired");
        assert_eq!(s.pop_due(SimTime::MAX), None);
        assert_eq!(s.pending(), 0);
    }

    #[test]
    fn cancelling_twice_after_the_front_was_dropped_is_refused() {
        let mut s = Scheduler::new();
        let a = s.schedule_in(SimTime::from_millis(5), 'a');
        let b = s.schedule_in(SimTime::from_millis(9), 'b');
        assert!(s.cancel(a));
        // Peeking drops the cancelled front entry.
        assert_eq!(s.next_time(), Some(SimTime::from_millis(9)));
        assert!(!s.cancel(a), "a second cancel of a dropped event");
        assert_eq!(s.pending(), 1);
        assert_eq!(s.pop_due(SimTime::MAX), Some('b'));
        assert_eq!(s.pending(), 0);
        assert!(!s.cancel(b));
    }

    mod model_based {
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeMap;

        #[derive(Debug, Clone)]
        enum Op {
            /// Schedule at now + delay (ms).
            Schedule(u64),
            /// Cancel the k-th handle ever issued (modulo the count).
            Cancel(usize),
            /// `next_time()`.
            Peek,
            /// `pop_due(now + horizon)`.
            Pop(u64),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                4 => (0u64..50).prop_map(Op::Schedule),
                3 => any::<usize>().prop_map(Op::Cancel),
                2 => Just(Op::Peek),
                3 => (0u64..60).prop_map(Op::Pop),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

            /// Random schedule / cancel / cancel-again / peek / pop sequences agree with a
            /// `BTreeMap` of live events: `pending()`, the order of events and the answer
            /// of every `cancel`.
            #[test]
            fn scheduler_matches_a_btreemap_model(ops in proptest::collection::vec(op(), 1..200)) {
                let mut s: Scheduler<u32> = Scheduler::new();
                let mut live: BTreeMap<(u64, u64), u32> = BTreeMap::new();
                let mut handles: Vec<(EventHandle, (u64, u64))> = Vec::new();
                let mut next_id = 0u32;
                for op in ops {
                    match op {
                        Op::Schedule(delay) => {
                            let h = s.schedule_in(SimTime::from_millis(delay), next_id);
                            let key = (h.time().as_millis(), handles.len() as u64);
                            live.insert(key, next_id);
                            handles.push((h, key));
                            next_id += 1;
                        }
                        Op::Cancel(k) if !handles.is_empty() => {
                            let (h, key) = handles[k % handles.len()];
                            let expected = live.remove(&key).is_some();
                            prop_assert_eq!(s.cancel(h), expected, "cancel of {:?}", key);
                        }
                        Op::Cancel(_) => {}
                        Op::Peek => {
                            let expected = live.keys().next().map(|k| SimTime::from_millis(k.0));
                            prop_assert_eq!(s.next_time(), expected);
                        }
                        Op::Pop(horizon) => {
                            let until = s.now().saturating_add(SimTime::from_millis(horizon));
                            let expected = live
                                .first_key_value()
                                .filter(|(k, _)| k.0 <= until.as_millis())
                                .map(|(k, v)| (*k, *v));
                            let got = s.pop_due(until);
                            prop_assert_eq!(got, expected.map(|(_, v)| v));
                            if let Some((k, _)) = expected {
                                live.remove(&k);
                                prop_assert_eq!(s.now().as_millis(), k.0);
                            }
                        }
                    }
                    prop_assert_eq!(s.pending(), live.len());
                }
                // Drain: the rest fire in key order.
                let rest: Vec<u32> = std::iter::from_fn(|| s.pop_due(SimTime::MAX)).collect();
                prop_assert_eq!(rest, live.values().copied().collect::<Vec<_>>());
                prop_assert_eq!(s.pending(), 0);
            }
        }
    }
}
