//! The trend of a level (a backlog, a queue) sampled at regular times over a window:
//! its least-squares growth per day, and its value at the window's start and at each
//! tenth of it.
//!
//! Two fits, chosen by the caller:
//!
//! - **second half** — a straight line through the samples of the window's second
//!   half, after the start-up transient has had half the window to die out;
//! - **with an annual cycle** — a line plus one annual harmonic,
//!   `y = α + β·t + γ·sin(2πt/365 d) + δ·cos(2πt/365 d)`, through every sample of
//!   the window. A backlog that rises every winter and falls every summer is not a
//!   growing backlog; over a window of at least a year the harmonic takes the seasonal
//!   swing and `β` is what is left. Shorter windows cannot tell the two apart and use
//!   the second-half line.

use serde::{Deserialize, Serialize};

/// Number of levels reported across the window: at its start and at each tenth.
pub const TREND_SAMPLES: usize = 11;

/// Days in the seasonal cycle.
const YEAR_DAYS: f64 = 365.0;

/// A level sampled over the window `[start, end]` (times in hours).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    start: f64,
    end: f64,
    /// Sample times (hours) and levels, in time order.
    samples: Vec<(f64, f64)>,
}

impl Trend {
    /// An empty trend over the window `[start, end]` (hours), expecting about
    /// `capacity` samples.
    pub fn new(start: f64, end: f64, capacity: usize) -> Trend {
        Trend { start, end, samples: Vec::with_capacity(capacity) }
    }

    /// The level is `level` at `now` (hours; times never decrease). Samples outside
    /// the window are ignored.
    #[inline]
    pub fn observe(&mut self, now: f64, level: f64) {
        if now >= self.start && now <= self.end {
            self.samples.push((now, level));
        }
    }

    /// Ends the window at `end` (hours), if the run stopped before its planned end.
    pub fn close(&mut self, end: f64) {
        self.end = self.end.min(end);
        let end = self.end;
        self.samples.retain(|&(t, _)| t <= end);
    }

    /// The least-squares growth per day of a line through the samples of the window's
    /// second half (0 with fewer than two).
    pub fn slope_per_day(&self) -> f64 {
        let middle = self.start + (self.end - self.start) / 2.0;
        let half: Vec<(f64, f64)> = self.samples.iter().copied().filter(|&(t, _)| t >= middle).collect();
        let n = half.len() as f64;
        if half.len() < 2 {
            return 0.0;
        }
        let (mt, my) = half.iter().fold((0.0, 0.0), |(a, b), &(t, y)| (a + t / n, b + y / n));
        let (sty, stt) =
            half.iter().fold((0.0, 0.0), |(a, b), &(t, y)| (a + (t - mt) * (y - my), b + (t - mt) * (t - mt)));
        if stt <= 0.0 { 0.0 } else { 24.0 * sty / stt }
    }

    /// The growth per day of a line fitted with an annual cycle through every sample,
    /// when the window spans at least a year; otherwise [`Trend::slope_per_day`].
    pub fn deseasonalised_slope_per_day(&self) -> f64 {
        let span_days = match (self.samples.first(), self.samples.last()) {
            (Some(a), Some(b)) => (b.0 - a.0) / 24.0,
            _ => 0.0,
        };
        if span_days < YEAR_DAYS || self.samples.len() < 8 {
            return self.slope_per_day();
        }
        // Regressors on a centred, scaled time axis (in years) keep the system well
        // conditioned: [1, u, sin 2πu, cos 2πu], u = (t − mid) / year.
        let mid = (self.samples[0].0 + self.samples[self.samples.len() - 1].0) / 2.0;
        let mut normal = [[0.0f64; 5]; 4];
        for &(t, y) in &self.samples {
            let u = (t - mid) / (24.0 * YEAR_DAYS);
            let angle = std::f64::consts::TAU * t / (24.0 * YEAR_DAYS);
            let x = [1.0, u, angle.sin(), angle.cos()];
            for i in 0..4 {
                for j in 0..4 {
                    normal[i][j] += x[i] * x[j];
                }
                normal[i][4] += x[i] * y;
            }
        }
        match solve4(normal) {
            Some(beta) => beta[1] / YEAR_DAYS,
            None => self.slope_per_day(),
        }
    }

    /// The level at the window's start and at each tenth of it: the last sample at or
    /// before each of those times (the first sample before the first; 0 with none).
    pub fn tenths(&self) -> [f64; TREND_SAMPLES] {
        let mut out = [0.0; TREND_SAMPLES];
        let Some(&(_, first)) = self.samples.first() else {
            return out;
        };
        let mut i = 0;
        let mut level = first;
        for (k, slot) in out.iter_mut().enumerate() {
            // Tolerate rounding in sample times (they are whole milliseconds).
            let at = self.start + (self.end - self.start) * k as f64 / (TREND_SAMPLES - 1) as f64 + 1e-6;
            while i < self.samples.len() && self.samples[i].0 <= at {
                level = self.samples[i].1;
                i += 1;
            }
            *slot = level;
        }
        out
    }

    /// Samples taken.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether no sample was taken.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// Solves a 4×4 linear system given as an augmented matrix (Gaussian elimination with
/// partial pivoting); `None` if it is singular.
fn solve4(mut m: [[f64; 5]; 4]) -> Option<[f64; 4]> {
    let scale = m.iter().flat_map(|r| r[..4].iter()).fold(0.0f64, |a, x| a.max(x.abs()));
    for col in 0..4 {
        let pivot = (col..4).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() <= 1e-12 * scale.max(1e-300) {
            return None;
        }
        m.swap(col, pivot);
        for row in 0..4 {
            if row != col {
                let f = m[row][col] / m[col][col];
                let pivot_row = m[col];
                for (x, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    Some([m[0][4] / m[0][0], m[1][4] / m[1][1], m[2][4] / m[2][2], m[3][4] / m[3][3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled(start: f64, end: f64, n: usize, level: impl Fn(f64) -> f64) -> Trend {
        let mut t = Trend::new(start, end, n + 1);
        for k in 0..=n {
            let h = start + (end - start) * k as f64 / n as f64;
            t.observe(h, level(h));
        }
        t
    }

    #[test]
    fn a_line_has_its_slope_and_its_tenths() {
        // 24 t a day over a 100-day window, sampled 200 times.
        let t = sampled(0.0, 2_400.0, 200, |h| 50.0 + h);
        assert!((t.slope_per_day() - 24.0).abs() < 1e-9, "{}", t.slope_per_day());
        assert!((t.deseasonalised_slope_per_day() - 24.0).abs() < 1e-9);
        let tenths = t.tenths();
        assert_eq!(tenths[0], 50.0);
        assert_eq!(tenths[5], 1_250.0);
        assert_eq!(tenths[10], 2_450.0);
    }

    #[test]
    fn only_the_second_half_counts() {
        // A jump in the first half is the transient; the second half is flat.
        let t = sampled(100.0, 300.0, 200, |h| if h < 150.0 { 5.0 } else { 50.0 });
        assert!(t.slope_per_day().abs() < 1e-9);
        // A step in the middle of the fitted half has a positive slope.
        let t = sampled(0.0, 240.0, 200, |h| if h < 180.0 { 0.0 } else { 10.0 });
        assert!(t.slope_per_day() > 1.0, "{}", t.slope_per_day());
    }

    #[test]
    fn an_annual_swing_is_not_growth_but_growth_under_it_is_found() {
        let year = 24.0 * YEAR_DAYS;
        // A backlog that swings ±20,000 t with the seasons and does not grow: the
        // second-half line sees a steep rise or fall, the seasonal fit sees none.
        for phase in [0.0, 1.0, 2.0, 4.0] {
            let t = sampled(1_440.0, 1_440.0 + year, 200, |h| {
                30_000.0 + 20_000.0 * (std::f64::consts::TAU * h / year + phase).sin()
            });
            assert!(t.deseasonalised_slope_per_day().abs() < 1e-6, "{phase}: {}", t.deseasonalised_slope_per_day());
        }
        let rising =
            sampled(1_440.0, 1_440.0 + year, 200, |h| 30_000.0 + 20_000.0 * (std::f64::consts::TAU * h / year).cos());
        assert!(rising.slope_per_day().abs() > 50.0, "{}", rising.slope_per_day());
        // The same swing on top of 40 t/day of growth, over two years.
        let t = sampled(0.0, 2.0 * year, 400, |h| {
            40.0 * h / 24.0 + 20_000.0 * (std::f64::consts::TAU * h / year + 1.0).sin()
        });
        assert!((t.deseasonalised_slope_per_day() - 40.0).abs() < 1e-6, "{}", t.deseasonalised_slope_per_day());
    }

    #[test]
    fn short_or_empty_windows_fall_back_or_give_zero() {
        let t = sampled(0.0, 240.0, 20, |h| h);
        assert!((t.deseasonalised_slope_per_day() - 24.0).abs() < 1e-9);
        let empty = Trend::new(0.0, 10.0, 0);
        assert_eq!(empty.slope_per_day(), 0.0);
        assert_eq!(empty.tenths(), [0.0; TREND_SAMPLES]);
        let mut stopped = sampled(0.0, 2_400.0, 200, |h| h);
        stopped.close(1_200.0);
        assert_eq!(stopped.len(), 101);
        assert_eq!(stopped.tenths()[10], 1_200.0);
    }
}
