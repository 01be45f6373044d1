//! Online statistics: mergeable mean/variance, time-weighted averages, quantiles,
//! confidence intervals, batch means, and queueing-theory formulas for validation.
//!
//! This module knows nothing about ships, ports or the engine; times are plain
//! integer ticks or `f64`.

mod interval;
mod online;
mod quantiles;
pub mod queueing;
mod summary;
mod time_weighted;
mod trend;

pub use interval::{BatchMeans, ConfidenceInterval, probability_mean_at_most, student_t_interval, student_t_quantile};
pub use online::OnlineStats;
pub use quantiles::{StreamQuantiles, quantile_sorted};
pub use summary::Summary;
pub use time_weighted::TimeWeighted;
pub use trend::{TREND_SAMPLES, Trend};
