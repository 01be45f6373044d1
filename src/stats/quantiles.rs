//! Quantiles: a fixed-memory histogram for streams, exact order statistics for samples.

use hdrhistogram::Histogram;

/// Quantiles of a stream of non-negative values, in fixed memory.
///
/// Values are recorded at a given resolution (e.g. 0.001 h) into an HDR histogram with
/// three significant digits, so any quantile is within 0.1 % of the exact one (plus the
/// resolution). The histogram's memory is taken with the first value recorded and given
/// back by [`StreamQuantiles::reset`]; recording after the first value never allocates.
/// So an empty one costs almost nothing to keep or copy (a replication's state kept at
/// a planning year's close holds dozens, all empty then).
/// Values above the configured maximum are clamped to it; negative values and NaN to 0.
///
/// ```
/// use corridor::stats::StreamQuantiles;
/// let mut q = StreamQuantiles::new(0.001, 10_000.0);
/// for i in 1..=1000 { q.record(i as f64); }
/// assert!((q.quantile(0.95) - 950.0).abs() <= 1.0);
/// ```
#[derive(Debug, Clone)]
pub struct StreamQuantiles {
    /// `None` until the first value.
    histogram: Option<Box<Histogram<u64>>>,
    resolution: f64,
    max_units: u64,
}

impl StreamQuantiles {
    /// A histogram for values in `[0, max]` recorded at `resolution`.
    ///
    /// Non-finite or non-positive arguments fall back to sane values (resolution 1e-3,
    /// max ≥ 1000 × resolution) rather than failing.
    pub fn new(resolution: f64, max: f64) -> Self {
        let resolution = if resolution.is_finite() && resolution > 0.0 { resolution } else { 1e-3 };
        let max_units = if max.is_finite() && max > 0.0 { (max / resolution).ceil() } else { 1e6 };
        let max_units = (max_units as u64).clamp(1_000, u64::MAX / 4);
        StreamQuantiles { histogram: None, resolution, max_units }
    }

    /// The histogram, made on first use.
    fn histogram_mut(&mut self) -> &mut Histogram<u64> {
        let max_units = self.max_units;
        self.histogram.get_or_insert_with(|| {
            Box::new(
                Histogram::new_with_bounds(1, max_units, 3)
                    .expect("bounds are valid: low = 1, high >= 1000, 3 significant digits"),
            )
        })
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, value: f64) {
        // NaN and negatives become 0.
        let units = crate::engine::nearest_u64(value / self.resolution).min(self.max_units);
        self.histogram_mut().saturating_record(units);
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.histogram.as_ref().map_or(0, |h| h.len())
    }

    /// The `q`-quantile (`q` in `[0, 1]`), 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        let Some(histogram) = self.histogram.as_ref().filter(|h| !h.is_empty()) else {
            return 0.0;
        };
        let q = if q.is_nan() { 0.5 } else { q.clamp(0.0, 1.0) };
        histogram.value_at_quantile(q) as f64 * self.resolution
    }

    /// Forgets every value recorded, and gives the memory back.
    pub fn reset(&mut self) {
        self.histogram = None;
    }

    /// Adds the counts of another histogram with the same resolution and range.
    pub fn merge(&mut self, other: &StreamQuantiles) {
        if let Some(theirs) = &other.histogram {
            // Same bounds by construction; `add` can only fail on incompatible ranges.
            let _ = self.histogram_mut().add(theirs.as_ref());
        }
    }
}

/// The `q`-quantile of an ascending `sorted` sample by linear interpolation between
/// order statistics (Hyndman & Fan type 7, the default of R and NumPy).
/// Returns NaN for an empty sample.
///
/// ```
/// use corridor::stats::quantile_sorted;
/// assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// ```
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_numpy() {
        let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let mut s = x.to_vec();
        s.sort_by(f64::total_cmp);
        // numpy.quantile(x, [0.05, 0.5, 0.95]) = [1.0, 3.5, 7.95]
        assert!((quantile_sorted(&s, 0.05) - 1.0).abs() < 1e-12);
        assert!((quantile_sorted(&s, 0.5) - 3.5).abs() < 1e-12);
        assert!((quantile_sorted(&s, 0.95) - 7.95).abs() < 1e-12);
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }

    #[test]
    fn stream_quantiles_of_uniform_grid_are_accurate() {
        let mut q = StreamQuantiles::new(0.01, 1_000.0);
        for i in 0..100_000 {
            q.record(i as f64 / 100.0);
        }
        for p in [0.5, 0.95, 0.99] {
            let exact = p * 1000.0;
            assert!((q.quantile(p) - exact).abs() / exact < 2e-3, "p{p}: {}", q.quantile(p));
        }
    }

    #[test]
    fn odd_values_are_clamped_not_panicking() {
        let mut q = StreamQuantiles::new(f64::NAN, -1.0);
        q.record(f64::NAN);
        q.record(-3.0);
        q.record(f64::INFINITY);
        q.record(1e300);
        assert_eq!(q.count(), 4);
        assert!(q.quantile(1.0).is_finite());
    }

    #[test]
    fn an_empty_or_reset_histogram_holds_no_memory_and_answers_zero() {
        let mut q = StreamQuantiles::new(0.01, 1e6);
        assert!(q.histogram.is_none());
        assert_eq!((q.count(), q.quantile(0.95)), (0, 0.0));
        q.record(5.0);
        assert_eq!(q.count(), 1);
        assert!((q.quantile(0.5) - 5.0).abs() < 0.01);
        q.reset();
        assert!(q.histogram.is_none());
        assert_eq!((q.count(), q.quantile(0.5)), (0, 0.0));
        let mut other = StreamQuantiles::new(0.01, 1e6);
        other.merge(&q);
        assert!(other.histogram.is_none(), "merging an empty one allocates nothing");
        q.record(7.0);
        other.merge(&q);
        assert_eq!(other.count(), 1);
    }
}
