//! Simulation time as integer milliseconds.
//!
//! Integer time makes ties exact and ordering total: two events scheduled for
//! "the same instant" really are at the same instant, and there is no NaN.
//! Floating-point hours and days appear only at the edges (input and output).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Milliseconds in one second.
pub const MILLIS_PER_SECOND: u64 = 1_000;
/// Milliseconds in one hour.
pub const MILLIS_PER_HOUR: u64 = 3_600_000;
/// Milliseconds in one day.
pub const MILLIS_PER_DAY: u64 = 24 * MILLIS_PER_HOUR;

/// `x` rounded to the nearest whole number, halves away from zero, as `u64`: exactly
/// `x.round() as u64` (NaN and negatives give 0, values beyond `u64` give `u64::MAX`),
/// without the `round` library call that x86-64 without SSE4.1 makes for `f64::round`.
/// It sits on the hot path of every sampled duration and cargo weight.
///
/// ```
/// use corridor::engine::nearest_u64;
/// assert_eq!(nearest_u64(2.5), 3);
/// assert_eq!(nearest_u64(2.4999999999999996), 2);
/// assert_eq!(nearest_u64(-0.7), 0);
/// assert_eq!(nearest_u64(f64::NAN), 0);
/// assert_eq!(nearest_u64(1e300), u64::MAX);
/// ```
#[inline(always)]
pub fn nearest_u64(x: f64) -> u64 {
    // `as` truncates towards zero and saturates: NaN -> 0, negative -> 0, huge -> MAX.
    let whole = x as u64;
    if whole == u64::MAX {
        return whole;
    }
    // Exact: for x < 1 the fraction is x itself; for 1 <= x < 2^53, `whole` is within a
    // factor of two of x (Sterbenz); from 2^53 on, x is whole and the fraction is 0.
    let fraction = x - whole as f64;
    whole + u64::from(fraction >= 0.5)
}

/// A point in simulated time, or a span of it, in whole milliseconds since the start of the run.
///
/// `SimTime` is totally ordered and cannot hold NaN or a negative value. Conversions
/// from `f64` hours or days are checked ([`SimTime::try_from_hours`]) or clamping
/// ([`SimTime::from_hours_clamped`]), so no conversion can create an invalid time.
///
/// ```
/// use corridor::engine::SimTime;
/// let t = SimTime::try_from_hours(1.5).unwrap();
/// assert_eq!(t.as_millis(), 5_400_000);
/// assert_eq!(t.as_hours(), 1.5);
/// assert!(SimTime::try_from_hours(f64::NAN).is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct SimTime(u64);

/// Why an `f64` could not be turned into a [`SimTime`].
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum TimeError {
    /// The value was NaN.
    #[error("time is NaN; a time must be a finite number >= 0")]
    NaN,
    /// The value was negative (or negative infinity).
    #[error("time {0} is negative; a time must be >= 0")]
    Negative(f64),
    /// The value was infinite or too large to represent in u64 milliseconds.
    #[error("time {0} is too large; at most about 584 million years can be represented")]
    TooLarge(f64),
}

impl SimTime {
    /// Time zero: the start of the run.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable time, used as "never".
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// A time of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> SimTime {
        SimTime(ms)
    }

    /// A time of whole `seconds`, saturating at [`SimTime::MAX`].
    pub const fn from_seconds(seconds: u64) -> SimTime {
        SimTime(seconds.saturating_mul(MILLIS_PER_SECOND))
    }

    /// A time of whole `hours`, saturating at [`SimTime::MAX`].
    pub const fn from_whole_hours(hours: u64) -> SimTime {
        SimTime(hours.saturating_mul(MILLIS_PER_HOUR))
    }

    /// A time of whole `days`, saturating at [`SimTime::MAX`].
    pub const fn from_whole_days(days: u64) -> SimTime {
        SimTime(days.saturating_mul(MILLIS_PER_DAY))
    }

    /// Converts `hours` to the nearest millisecond; NaN, negative or too large values are errors.
    ///
    /// # Errors
    /// [`TimeError`] for NaN, negative or unrepresentable values.
    pub fn try_from_hours(hours: f64) -> Result<SimTime, TimeError> {
        Self::try_from_millis_f64(hours * MILLIS_PER_HOUR as f64, hours)
    }

    /// Converts `days` to the nearest millisecond; NaN, negative or too large values are errors.
    ///
    /// # Errors
    /// [`TimeError`] for NaN, negative or unrepresentable values.
    pub fn try_from_days(days: f64) -> Result<SimTime, TimeError> {
        Self::try_from_millis_f64(days * MILLIS_PER_DAY as f64, days)
    }

    fn try_from_millis_f64(ms: f64, original: f64) -> Result<SimTime, TimeError> {
        if ms.is_nan() {
            Err(TimeError::NaN)
        } else if ms < 0.0 {
            Err(TimeError::Negative(original))
        } else if ms >= u64::MAX as f64 {
            Err(TimeError::TooLarge(original))
        } else {
            Ok(SimTime(nearest_u64(ms)))
        }
    }

    /// Converts `hours` to the nearest millisecond, mapping NaN and negatives to zero and
    /// huge values to [`SimTime::MAX`]. Meant for sampled durations, which are validated
    /// to be non-negative upstream but may round oddly at the extremes.
    pub fn from_hours_clamped(hours: f64) -> SimTime {
        let ms = hours * MILLIS_PER_HOUR as f64;
        SimTime(nearest_u64(ms))
    }

    /// Whole milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Hours, as `f64`.
    pub fn as_hours(self) -> f64 {
        self.0 as f64 / MILLIS_PER_HOUR as f64
    }

    /// Days, as `f64`.
    pub fn as_days(self) -> f64 {
        self.0 as f64 / MILLIS_PER_DAY as f64
    }

    /// `self + rhs`, or `None` on overflow.
    pub const fn checked_add(self, rhs: SimTime) -> Option<SimTime> {
        match self.0.checked_add(rhs.0) {
            Some(v) => Some(SimTime(v)),
            None => None,
        }
    }

    /// `self + rhs`, saturating at [`SimTime::MAX`].
    pub const fn saturating_add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }

    /// `self - rhs`, saturating at zero.
    pub const fn saturating_sub(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(rhs.0))
    }
}

impl Add for SimTime {
    type Output = SimTime;
    /// Saturating addition: time never wraps around.
    fn add(self, rhs: SimTime) -> SimTime {
        self.saturating_add(rhs)
    }
}

impl AddAssign for SimTime {
    fn add_assign(&mut self, rhs: SimTime) {
        *self = *self + rhs;
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    /// Saturating subtraction: a span is never negative.
    fn sub(self, rhs: SimTime) -> SimTime {
        self.saturating_sub(rhs)
    }
}

impl fmt::Debug for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SimTime({} ms = {:.3} h)", self.0, self.as_hours())
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} h", self.as_hours())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_u64_is_exactly_round_as_u64() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut edges = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            0.49999999999999994,
            4503599627370495.5,
            4503599627370497.0,
            9007199254740993.0,
            18446744073709549568.0,
            18446744073709551616.0,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
        ];
        for k in 0..64 {
            let p = 2f64.powi(k);
            edges.extend([p, p - 0.5, p + 0.5, p.next_down(), p.next_up(), (p + 0.5).next_down(), (p + 0.5).next_up()]);
        }
        for _ in 0..200_000 {
            edges.push(f64::from_bits(rng.random::<u64>()));
            edges.push(rng.random::<f64>() * 1e7);
            edges.push((rng.random_range(0..1_000_000u64) as f64 + 0.5) * 2f64.powi(rng.random_range(-3..12)));
        }
        for x in edges {
            assert_eq!(nearest_u64(x), x.round() as u64, "{x:e} ({:#x})", x.to_bits());
        }
    }

    #[test]
    fn conversions_round_trip() {
        assert_eq!(SimTime::try_from_hours(2.0).unwrap(), SimTime::from_whole_hours(2));
        assert_eq!(SimTime::try_from_days(1.0).unwrap(), SimTime::from_whole_days(1));
        assert_eq!(SimTime::from_whole_days(3).as_days(), 3.0);
        assert_eq!(SimTime::from_seconds(7).as_millis(), 7_000);
    }

    #[test]
    fn invalid_floats_are_rejected() {
        assert_eq!(SimTime::try_from_hours(f64::NAN), Err(TimeError::NaN));
        assert!(matches!(SimTime::try_from_hours(-1.0), Err(TimeError::Negative(_))));
        assert!(matches!(SimTime::try_from_days(f64::INFINITY), Err(TimeError::TooLarge(_))));
        assert!(matches!(SimTime::try_from_hours(1e300), Err(TimeError::TooLarge(_))));
    }

    #[test]
    fn clamped_conversion_never_panics() {
        assert_eq!(SimTime::from_hours_clamped(f64::NAN), SimTime::ZERO);
        assert_eq!(SimTime::from_hours_clamped(-5.0), SimTime::ZERO);
        assert_eq!(SimTime::from_hours_clamped(1e300), SimTime::MAX);
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(SimTime::MAX + SimTime::from_millis(1), SimTime::MAX);
        assert_eq!(SimTime::ZERO - SimTime::from_millis(1), SimTime::ZERO);
        assert_eq!(SimTime::MAX.checked_add(SimTime::from_millis(1)), None);
    }
}
