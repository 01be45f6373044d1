//! Confidence intervals: Student-t over independent observations, and batch means
//! for one long, autocorrelated run.

use super::online::OnlineStats;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Above this many degrees of freedom the normal quantile is used: it differs from
/// Student's t by less than 1e-5 there, and statrs' t inverse becomes very slow.
const NORMAL_APPROXIMATION_DOF: u64 = 100_000;

/// A two-sided confidence interval for a mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceInterval {
    /// The point estimate (sample mean).
    pub mean: f64,
    /// Half the width of the interval.
    pub half_width: f64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// Number of independent observations behind it.
    pub n: u64,
}

impl ConfidenceInterval {
    /// Lower bound.
    pub fn lo(&self) -> f64 {
        self.mean - self.half_width
    }

    /// Upper bound.
    pub fn hi(&self) -> f64 {
        self.mean + self.half_width
    }

    /// Whether `value` lies inside the closed interval.
    pub fn contains(&self, value: f64) -> bool {
        self.lo() <= value && value <= self.hi()
    }

    /// Half-width relative to |mean| (∞ when the mean is 0 and the width is not).
    pub fn relative_half_width(&self) -> f64 {
        if self.half_width == 0.0 { 0.0 } else { self.half_width / self.mean.abs() }
    }
}

/// The `(1+level)/2` quantile of Student's t with `dof` degrees of freedom.
/// Returns NaN for `dof == 0` or a level outside `(0, 1)`.
pub fn student_t_quantile(level: f64, dof: u64) -> f64 {
    if dof == 0 || !(level > 0.0 && level < 1.0) {
        return f64::NAN;
    }
    let p = 0.5 + level / 2.0;
    if dof > NORMAL_APPROXIMATION_DOF {
        return Normal::standard().inverse_cdf(p);
    }
    match StudentsT::new(0.0, 1.0, dof as f64) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// The probability that the true mean lies at or below `threshold`, given a sample of
/// `n` observations with this `mean` and standard error `se` (Student's t with `n - 1`
/// degrees of freedom; the normal beyond 100,000). A sample
/// without spread gives 1 or 0. NaN for fewer than two observations.
///
/// ```
/// use corridor::stats::probability_mean_at_most;
/// assert!((probability_mean_at_most(10.0, 1.0, 10.0, 20) - 0.5).abs() < 1e-12);
/// assert!(probability_mean_at_most(10.0, 1.0, 12.093, 20) > 0.97);
/// assert_eq!(probability_mean_at_most(3.0, 0.0, 4.0, 5), 1.0);
/// ```
pub fn probability_mean_at_most(mean: f64, se: f64, threshold: f64, n: u64) -> f64 {
    if n < 2 || !mean.is_finite() {
        return f64::NAN;
    }
    if se <= 0.0 || !se.is_finite() {
        return if mean <= threshold { 1.0 } else { 0.0 };
    }
    let z = (threshold - mean) / se;
    if n - 1 > NORMAL_APPROXIMATION_DOF {
        return Normal::standard().cdf(z);
    }
    StudentsT::new(0.0, 1.0, (n - 1) as f64).map_or(f64::NAN, |t| t.cdf(z))
}

/// Student-t confidence interval for the mean of independent observations.
/// With fewer than two observations the half-width is NaN (no interval is possible).
///
/// ```
/// use corridor::stats::{OnlineStats, student_t_interval};
/// let mut s = OnlineStats::new();
/// for x in [9.8, 10.2, 10.1, 9.9, 10.0] { s.push(x); }
/// let ci = student_t_interval(&s, 0.95);
/// assert!(ci.contains(10.0));
/// assert!((ci.half_width - 0.19632).abs() < 1e-4);
/// ```
pub fn student_t_interval(stats: &OnlineStats, level: f64) -> ConfidenceInterval {
    let n = stats.count();
    let half_width = if n < 2 { f64::NAN } else { student_t_quantile(level, n - 1) * stats.std_error() };
    ConfidenceInterval { mean: stats.mean(), half_width, level, n }
}

/// Non-overlapping batch means for one long run whose observations are correlated.
///
/// Observations are grouped into consecutive batches of `batch_size`; the batch
/// averages are close to independent when batches are long compared with the
/// correlation time, and a Student-t interval over them is valid. An incomplete last
/// batch is ignored.
#[derive(Debug, Clone)]
pub struct BatchMeans {
    batch_size: u64,
    current: OnlineStats,
    batches: OnlineStats,
}

impl BatchMeans {
    /// Batches of `batch_size` observations (at least 1).
    pub fn new(batch_size: u64) -> Self {
        BatchMeans { batch_size: batch_size.max(1), current: OnlineStats::new(), batches: OnlineStats::new() }
    }

    /// Adds one observation.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.current.push(x);
        if self.current.count() == self.batch_size {
            self.batches.push(self.current.mean());
            self.current = OnlineStats::new();
        }
    }

    /// Number of complete batches.
    pub fn batches(&self) -> u64 {
        self.batches.count()
    }

    /// Statistics over the batch means.
    pub fn batch_stats(&self) -> &OnlineStats {
        &self.batches
    }

    /// Confidence interval for the steady-state mean from the complete batches.
    pub fn interval(&self, level: f64) -> ConfidenceInterval {
        student_t_interval(&self.batches, level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Standard table values.
        assert!((student_t_quantile(0.95, 1) - 12.7062).abs() < 1e-3);
        assert!((student_t_quantile(0.95, 9) - 2.2622).abs() < 1e-4);
        assert!((student_t_quantile(0.99, 29) - 2.7564).abs() < 1e-4);
        assert!((student_t_quantile(0.95, 100_000) - 1.95996).abs() < 1e-4);
        assert!((student_t_quantile(0.95, u64::MAX) - 1.959964).abs() < 1e-6);
        assert!(student_t_quantile(0.95, 0).is_nan());
        assert!(student_t_quantile(1.5, 3).is_nan());
    }

    #[test]
    fn single_observation_has_no_interval() {
        let mut s = OnlineStats::new();
        s.push(1.0);
        assert!(student_t_interval(&s, 0.95).half_width.is_nan());
    }

    #[test]
    fn batch_means_group_consecutive_observations() {
        let mut b = BatchMeans::new(4);
        for i in 0..10 {
            b.push(i as f64);
        }
        assert_eq!(b.batches(), 2);
        assert_eq!(b.batch_stats().mean(), (1.5 + 5.5) / 2.0);
        let ci = b.interval(0.95);
        assert_eq!(ci.n, 2);
        assert!((ci.half_width - 12.7062 * 2.0).abs() < 1e-2);
    }
}
