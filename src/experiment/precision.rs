//! Precision targets: "run until the 95 % confidence interval of KPI is within ±REL of
//! its mean", with a procedure whose coverage is known.
//!
//! # The procedure: Stein's two-stage sampling
//!
//! Re-checking an ordinary t-interval after every batch and stopping as soon as it is
//! narrow enough is biased: it stops when the variance happens to be under-estimated,
//! and its intervals then cover the true value less often than they claim. Instead:
//!
//! 1. **Pilot.** Run `n0` replications (the experiment's `replications`, at least
//!    [`MIN_PILOT`]). For each variant take the pilot's mean `m0` and standard
//!    deviation `s0` of the KPI.
//! 2. **Total.** The variant needs `N = ceil((t · s0 / (REL · m_low))²)` replications,
//!    where `t` is Student's 0.975 quantile with `n0 − 1` degrees of freedom and
//!    `m_low = |m0| − t · s0 / √n0` is the pilot's lower 95 % bound on |mean|: planning
//!    against it rather than `|m0|` makes the final relative half-width meet the target
//!    even when the final mean comes out lower than the pilot's. All variants run
//!    `max N` (common random numbers need the same replications), clamped to
//!    `[n0, max_replications]`.
//! 3. **Interval.** The final interval is `mean ± t · s0 / √N`, with the mean over all
//!    `N` replications and `s0` and `t` from the pilot.
//!
//! Because `N` depends only on the pilot, the second-stage replications are independent
//! of it, and for normally distributed replication results the interval covers the
//! true mean with probability exactly 95 % (Stein, 1945, *Ann. Math. Statist.* 16:
//! 243–258). Replication results are means over many ships or consignments, so they are
//! close to normal; `tests/precision.rs` measures the coverage on an M/M/1 port against
//! the exact Wq. Its half-width is close to `REL · |mean|`; the target counts as met when
//! the achieved half-width is at most that.
//!
//! A saturated replication has no value for the KPI: excluding it would bias the
//! interval towards the runs that coped. A variant with any saturated replication is
//! reported as **not met**, with the reason, and adds no replications.

use super::result::{KpiError, VariantResult};
use crate::stats::{OnlineStats, student_t_quantile};
use serde::{Deserialize, Serialize};

/// Smallest pilot: below it the pilot's standard deviation is too rough to plan with.
pub const MIN_PILOT: u64 = 10;

/// Stop adding replications once the 95 % interval of `kpi` is within `relative` ×
/// |mean| in every variant (or `max_replications` is reached). See the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionTarget {
    /// KPI key, e.g. `port.baku.ship_wait_hours.mean`.
    pub kpi: String,
    /// Target relative half-width, e.g. 0.05.
    pub relative: f64,
    /// Upper bound on replications.
    pub max_replications: u64,
}

/// Why a precision target is not acceptable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrecisionError {
    /// Not of the form `KPI=REL`.
    #[error("a precision target is KPI=REL, e.g. port.baku.ship_wait_hours.mean=0.05 (got {0:?})")]
    Form(String),
    /// REL is not a number in (0, 1).
    #[error("the relative half-width must be a number above 0 and below 1, e.g. 0.05 (got {0:?})")]
    Relative(String),
    /// The KPI does not exist.
    #[error("{0}")]
    Kpi(#[from] KpiError),
}

impl PrecisionTarget {
    /// Parses `KPI=REL`.
    ///
    /// # Errors
    /// A malformed target, or REL outside (0, 1).
    pub fn parse(text: &str, max_replications: u64) -> Result<PrecisionTarget, PrecisionError> {
        let (kpi, rel) = text.split_once('=').ok_or_else(|| PrecisionError::Form(text.to_string()))?;
        let kpi = kpi.trim();
        if kpi.is_empty() {
            return Err(PrecisionError::Form(text.to_string()));
        }
        let relative: f64 = rel.trim().parse().map_err(|_| PrecisionError::Relative(rel.to_string()))?;
        if !(relative > 0.0 && relative < 1.0) {
            return Err(PrecisionError::Relative(rel.to_string()));
        }
        Ok(PrecisionTarget { kpi: kpi.to_string(), relative, max_replications })
    }

    /// Checks that the KPI exists among `keys`.
    ///
    /// # Errors
    /// [`KpiError::Unknown`] with the nearest keys.
    pub fn check_kpi(&self, keys: &[String]) -> Result<(), PrecisionError> {
        if keys.contains(&self.kpi) { Ok(()) } else { Err(KpiError::unknown(&self.kpi, keys).into()) }
    }
}

/// The outcome of a precision target for one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantPrecision {
    /// The variant.
    pub variant: String,
    /// Whether the achieved relative half-width is within the target.
    pub met: bool,
    /// The mean of the KPI over all replications.
    pub mean: f64,
    /// The 95 % interval of the procedure: `mean ± t · s0 / √N`.
    pub interval: [f64; 2],
    /// Half-width of that interval relative to |mean|.
    pub relative_half_width: f64,
    /// Replications the pilot said this variant needs (may exceed the maximum).
    pub required: u64,
    /// Replications run.
    pub replications: u64,
    /// Why the target is not met, when it is not.
    pub note: Option<String>,
}

/// The outcome of a precision target for every variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionReport {
    /// The KPI.
    pub kpi: String,
    /// The target relative half-width.
    pub target: f64,
    /// Replications in the pilot.
    pub pilot: u64,
    /// The procedure, in words.
    pub method: String,
    /// Per variant.
    pub variants: Vec<VariantPrecision>,
}

/// The pilot's statistics of one variant.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pilot {
    n: u64,
    sd: f64,
    saturated: usize,
    required: u64,
}

/// Plans the total replications from the pilot (see the module docs).
pub(super) fn plan(target: &PrecisionTarget, variants: &[VariantResult], pilot: u64) -> (u64, Vec<Pilot>) {
    let pilots: Vec<Pilot> = variants
        .iter()
        .map(|v| {
            let saturated = v.saturated().len();
            let mut s = OnlineStats::new();
            for x in v.values(&target.kpi).unwrap_or_default() {
                s.push(x);
            }
            let n = s.count();
            let required = if saturated > 0 || n < 2 {
                pilot
            } else if s.sd() == 0.0 {
                n
            } else {
                let t = student_t_quantile(0.95, n - 1);
                let low = s.mean().abs() - t * s.sd() / (n as f64).sqrt();
                let n_needed =
                    if low > 0.0 { (t * s.sd() / (target.relative * low)).powi(2).ceil() } else { f64::INFINITY };
                if n_needed.is_finite() && n_needed < u64::MAX as f64 {
                    n_needed as u64
                } else {
                    target.max_replications.max(pilot)
                }
            };
            Pilot { n, sd: s.sd(), saturated, required }
        })
        .collect();
    let total =
        pilots.iter().map(|p| p.required).max().unwrap_or(pilot).clamp(pilot, target.max_replications.max(pilot));
    (total, pilots)
}

/// The report after all replications ran.
pub(super) fn report(
    target: &PrecisionTarget,
    variants: &[VariantResult],
    pilot: u64,
    pilots: &[Pilot],
) -> PrecisionReport {
    let per_variant = variants
        .iter()
        .zip(pilots)
        .map(|(v, p)| {
            let values = v.values(&target.kpi).unwrap_or_default();
            let saturated = v.saturated().len();
            let mut s = OnlineStats::new();
            values.iter().for_each(|&x| s.push(x));
            let n = s.count();
            let t = if p.n >= 2 { student_t_quantile(0.95, p.n - 1) } else { f64::NAN };
            let half = if n > 0 { t * p.sd / (n as f64).sqrt() } else { f64::NAN };
            let mean = s.mean();
            let relative = if half == 0.0 {
                0.0
            } else {
                half / mean.abs()
            };
            let note = if saturated > 0 || p.saturated > 0 {
                Some(format!(
                    "{saturated} of {} replications saturated: the KPI has no steady-state value, and an interval over the others would be biased",
                    v.records.len()
                ))
            } else if n < 2 {
                Some("fewer than two replications".into())
            } else if relative.is_nan() || relative > target.relative {
                Some(format!(
                    "needs about {} replications; the maximum is {}",
                    p.required, target.max_replications
                ))
            } else {
                None
            };
            VariantPrecision {
                variant: v.name.clone(),
                met: note.is_none(),
                mean,
                interval: [mean - half, mean + half],
                relative_half_width: relative,
                required: p.required,
                replications: v.records.len() as u64,
                note,
            }
        })
        .collect();
    PrecisionReport {
        kpi: target.kpi.clone(),
        target: target.relative,
        pilot,
        method: "Stein's two-stage procedure: the pilot's standard deviation sets the number of replications and the width of the interval".into(),
        variants: per_variant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_reject_nonsense() {
        let t = PrecisionTarget::parse("port.a.ship_wait_hours.mean=0.05", 100).unwrap();
        assert_eq!((t.kpi.as_str(), t.relative), ("port.a.ship_wait_hours.mean", 0.05));
        for bad in ["x", "=0.1", "x=2", "x=0", "x=nan", "x=abc"] {
            assert!(PrecisionTarget::parse(bad, 100).is_err(), "{bad}");
        }
        let keys = vec!["port.baku.ship_wait_hours.mean".to_string(), "system.events".to_string()];
        let e = PrecisionTarget::parse("port.bak.ship_wait_hours.mean=0.1", 10)
            .unwrap()
            .check_kpi(&keys)
            .unwrap_err()
            .to_string();
        assert!(e.contains("nearest: port.baku.ship_wait_hours.mean"), "{e}");
    }
}
