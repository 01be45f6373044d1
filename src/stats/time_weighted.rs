//! Time-weighted averages of piecewise-constant signals (queue lengths, stocks, occupancy).

use serde::{Deserialize, Serialize};

/// The time-weighted mean and the maximum of a quantity that changes at discrete
/// instants and is constant in between, such as a queue length or a yard stock.
///
/// Time is given as integer ticks (any unit, e.g. milliseconds); the module knows
/// nothing about simulation time. [`TimeWeighted::reset`] restarts the accumulation
/// (e.g. at the end of a warm-up) while keeping the current level.
///
/// ```
/// use corridor::stats::TimeWeighted;
/// let mut q = TimeWeighted::new(0, 0.0);
/// q.set(10, 2.0);  // 0 on [0, 10)
/// q.set(30, 1.0);  // 2 on [10, 30)
/// // 1 on [30, 40)
/// assert_eq!(q.mean(40), (0.0 * 10.0 + 2.0 * 20.0 + 1.0 * 10.0) / 40.0);
/// assert_eq!(q.max(), 2.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeWeighted {
    start: u64,
    last_change: u64,
    level: f64,
    area: f64,
    max: f64,
}

impl Default for TimeWeighted {
    /// Starts at tick 0 with level 0.
    fn default() -> Self {
        Self::new(0, 0.0)
    }
}

impl TimeWeighted {
    /// Starts observing at `start` with level `initial`.
    pub const fn new(start: u64, initial: f64) -> Self {
        TimeWeighted { start, last_change: start, level: initial, area: 0.0, max: initial }
    }

    #[inline]
    fn accumulate(&mut self, now: u64) {
        let now = now.max(self.last_change);
        self.area += self.level * (now - self.last_change) as f64;
        self.last_change = now;
    }

    /// The level becomes `level` at time `now`.
    #[inline]
    pub fn set(&mut self, now: u64, level: f64) {
        self.accumulate(now);
        self.level = level;
        if level > self.max {
            self.max = level;
        }
    }

    /// The level changes by `delta` at time `now`.
    #[inline]
    pub fn add(&mut self, now: u64, delta: f64) {
        let level = self.level + delta;
        self.set(now, level);
    }

    /// The current level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The largest level seen since the start or the last reset.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The integral of the level from the start (or last reset) to `now`.
    pub fn area(&self, now: u64) -> f64 {
        let now = now.max(self.last_change);
        self.area + self.level * (now - self.last_change) as f64
    }

    /// Time-weighted mean over `[start, now]`; the current level if no time has passed.
    pub fn mean(&self, now: u64) -> f64 {
        let span = now.saturating_sub(self.start);
        if span == 0 { self.level } else { self.area(now) / span as f64 }
    }

    /// Length of the observation window up to `now`, in ticks.
    pub fn span(&self, now: u64) -> u64 {
        now.saturating_sub(self.start)
    }

    /// Forgets the history before `now`; the current level carries on.
    pub fn reset(&mut self, now: u64) {
        self.start = now;
        self.last_change = now;
        self.area = 0.0;
        self.max = self.level;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_discards_history_but_keeps_level() {
        let mut s = TimeWeighted::new(0, 5.0);
        s.set(100, 1.0);
        s.reset(100);
        assert_eq!(s.max(), 1.0);
        s.add(150, 2.0);
        assert_eq!(s.mean(200), (1.0 * 50.0 + 3.0 * 50.0) / 100.0);
        assert_eq!(s.level(), 3.0);
        assert_eq!(s.span(200), 100);
    }

    #[test]
    fn mean_of_empty_window_is_current_level() {
        let s = TimeWeighted::new(10, 4.0);
        assert_eq!(s.mean(10), 4.0);
    }
}
