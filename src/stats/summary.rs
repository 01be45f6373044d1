//! Summary of a finite sample: mean, sd, confidence interval and order statistics.

use super::interval::student_t_interval;
use super::online::OnlineStats;
use super::quantiles::quantile_sorted;
use serde::{Deserialize, Serialize};

/// Summary of independent observations of one quantity (e.g. one KPI across
/// replications).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// 95 % Student-t confidence interval for the mean, `[lo, hi]`.
    pub ci95: [f64; 2],
    /// Smallest value.
    pub min: f64,
    /// 5th percentile.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Largest value.
    pub max: f64,
    /// Number of observations.
    pub n: u64,
    /// Set on a KPI of waiting, queues or stocks of a variant that is not stable: the
    /// figure describes the run (a backlog that grows with it), not a steady state.
    /// [`Summary::of`] leaves it unset; an experiment's results set it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_steady_state: bool,
}

impl Summary {
    /// Summarises `values` (NaN values are ignored). Returns `None` for an empty sample.
    ///
    /// ```
    /// use corridor::stats::Summary;
    /// let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    /// assert_eq!((s.mean, s.p50, s.n), (3.0, 3.0, 5));
    /// ```
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let mut stats = OnlineStats::new();
        sorted.iter().for_each(|&v| stats.push(v));
        let ci = student_t_interval(&stats, 0.95);
        let (lo, hi) = if ci.half_width.is_nan() { (ci.mean, ci.mean) } else { (ci.lo(), ci.hi()) };
        Some(Summary {
            mean: stats.mean(),
            sd: stats.sd(),
            ci95: [lo, hi],
            min: sorted[0],
            p05: quantile_sorted(&sorted, 0.05),
            p50: quantile_sorted(&sorted, 0.5),
            p95: quantile_sorted(&sorted, 0.95),
            max: sorted[sorted.len() - 1],
            n: sorted.len() as u64,
            not_steady_state: false,
        })
    }

    /// Half-width of the 95 % interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / 2.0
    }
}
