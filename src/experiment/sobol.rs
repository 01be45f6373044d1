//! Sobol' variance-based sensitivity indices: the first-order index S_i (the share of
//! the KPI's variance explained by input i alone) and the total index S_Ti (the share
//! left unexplained when every input but i is known: i alone and in every
//! interaction), by the Saltelli (2010) and Jansen (1999) estimators on a radial
//! design.
//!
//! **Design.** Two independent Latin hypercube samples A and B of N points in the unit
//! cube of k inputs, and for each input i the matrix A_B^i: A with column i taken
//! from B. The model runs N (k + 2) times. With f_A, f_B and f_i the model's values
//! on the rows of A, B and A_B^i, and V the variance of f over the 2N rows of A and B:
//!
//! - S_i = mean_j((f_B,j − f̄) (f_i,j − f_A,j)) / V (Saltelli et al. 2010, table 2, b,
//!   with f_B centred on the mean f̄ of A and B: the same expectation, since f_i − f_A
//!   has mean zero, and far less spread when the KPI's mean is large against its
//!   variation);
//! - S_Ti = mean_j((f_A,j − f_i,j)²) / (2 V) (Jansen 1999; Saltelli et al. 2010, f).
//!
//! **Intervals.** 95 % percentile bootstrap over the N rows, resampled jointly for
//! every matrix (Archer, Saltelli & Sobol' 1997), from a stated seed.
//!
//! References: Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and
//! Tarantola, S. (2010), "Variance based sensitivity analysis of model output. Design
//! and estimator for the total sensitivity index", *Computer Physics Communications*
//! 181, 259–270. Jansen, M. J. W. (1999), "Analysis of variance designs for model
//! output", *Computer Physics Communications* 117, 35–43.

use super::uncertainty::latin_hypercube;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Bootstrap resamples of the intervals.
const RESAMPLES: usize = 1000;

/// The points a Sobol' analysis runs, in order: the N rows of A, then of B, then of
/// A_B^1 … A_B^k (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct SobolDesign {
    /// Base samples N.
    pub n: usize,
    /// Inputs k.
    pub k: usize,
    /// Every point, N (k + 2) of them, in the order above.
    pub points: Vec<Vec<f64>>,
}

impl SobolDesign {
    /// The design of `n` base samples over `k` inputs, drawn from `seed`.
    pub fn new(n: usize, k: usize, seed: u64) -> SobolDesign {
        let a = latin_hypercube(n, k, seed ^ 0x536f_626f_6c41);
        let b = latin_hypercube(n, k, seed ^ 0x536f_626f_6c42);
        let mut points = Vec::with_capacity(n * (k + 2));
        points.extend(a.iter().cloned());
        points.extend(b.iter().cloned());
        for i in 0..k {
            for (row_a, row_b) in a.iter().zip(&b) {
                let mut row = row_a.clone();
                row[i] = row_b[i];
                points.push(row);
            }
        }
        SobolDesign { n, k, points }
    }
}

/// One input's indices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SobolIndex {
    /// First-order index S_i.
    pub first: f64,
    /// Its 95 % bootstrap interval.
    pub first_ci95: [f64; 2],
    /// Total index S_Ti.
    pub total: f64,
    /// Its 95 % bootstrap interval.
    pub total_ci95: [f64; 2],
}

/// The indices of every input from the model's values on the design's points (in
/// the design's order), with the variance they divide; `None` when the values do not
/// vary at all (no index is defined).
pub fn indices(design: &SobolDesign, values: &[f64], seed: u64) -> Option<(Vec<SobolIndex>, f64)> {
    let (n, k) = (design.n, design.k);
    assert_eq!(values.len(), n * (k + 2), "one value per point of the design");
    let rows: Vec<usize> = (0..n).collect();
    let point = estimate(values, n, k, &rows)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x426f_6f74);
    let mut draws: Vec<Vec<(f64, f64)>> = vec![Vec::with_capacity(RESAMPLES); k];
    let mut resampled = vec![0; n];
    for _ in 0..RESAMPLES {
        for r in &mut resampled {
            *r = rand::RngExt::random_range(&mut rng, 0..n);
        }
        if let Some((est, _)) = estimate(values, n, k, &resampled) {
            for (d, e) in draws.iter_mut().zip(est) {
                d.push((e.first, e.total));
            }
        }
    }
    let interval = |mut xs: Vec<f64>| -> [f64; 2] {
        xs.sort_by(f64::total_cmp);
        if xs.is_empty() {
            return [f64::NAN, f64::NAN];
        }
        [crate::stats::quantile_sorted(&xs, 0.025), crate::stats::quantile_sorted(&xs, 0.975)]
    };
    let out = point
        .0
        .iter()
        .zip(draws)
        .map(|(p, d)| SobolIndex {
            first: p.first,
            first_ci95: interval(d.iter().map(|x| x.0).collect()),
            total: p.total,
            total_ci95: interval(d.iter().map(|x| x.1).collect()),
        })
        .collect();
    Some((out, point.1))
}

/// The estimators over the rows `rows` (with repeats, for the bootstrap).
fn estimate(values: &[f64], n: usize, k: usize, rows: &[usize]) -> Option<(Vec<SobolIndex>, f64)> {
    let f_a = |j: usize| values[j];
    let f_b = |j: usize| values[n + j];
    let f_i = |i: usize, j: usize| values[(2 + i) * n + j];
    let m = rows.len() as f64;
    let mean = rows.iter().map(|&j| f_a(j) + f_b(j)).sum::<f64>() / (2.0 * m);
    let variance =
        rows.iter().map(|&j| (f_a(j) - mean).powi(2) + (f_b(j) - mean).powi(2)).sum::<f64>() / (2.0 * m - 1.0);
    if variance.is_nan() || variance <= 0.0 {
        return None;
    }
    let out = (0..k)
        .map(|i| {
            let first = rows.iter().map(|&j| (f_b(j) - mean) * (f_i(i, j) - f_a(j))).sum::<f64>() / m / variance;
            let total = rows.iter().map(|&j| (f_a(j) - f_i(i, j)).powi(2)).sum::<f64>() / (2.0 * m) / variance;
            SobolIndex { first, first_ci95: [first; 2], total, total_ci95: [total; 2] }
        })
        .collect();
    Some((out, variance))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// The Ishigami function (a = 7, b = 0.1) on [−π, π]³, from the unit cube.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn the_ishigami_intervals_cover_the_closed_form_as_often_as_they_say() {
        // Closed form (Sobol' & Levitan 1999): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2;
        // S1 = (bπ⁴/5 + b²π⁸/50 + 1/2)/V, S2 = a²/8/V, S3 = 0;
        // ST1 = S1 + 8b²π⁸/225/V, ST2 = S2, ST3 = 8b²π⁸/225/V.
        let (a, b) = (7.0, 0.1);
        let pi4 = PI.powi(4);
        let pi8 = PI.powi(8);
        let v = a * a / 8.0 + b * pi4 / 5.0 + b * b * pi8 / 18.0 + 0.5;
        let v13 = 8.0 * b * b * pi8 / 225.0;
        let s1 = (b * pi4 / 5.0 + b * b * pi8 / 50.0 + 0.5) / v;
        let exact = [s1, a * a / 8.0 / v, 0.0, s1 + v13 / v, a * a / 8.0 / v, v13 / v];
        // 40 designs of 512 base samples: 240 intervals, each of 95 %. Misses are
        // binomial (mean 12, sd 3.4); more than 24 would say the intervals are too
        // narrow. The estimates average out to the closed form.
        let seeds = 40;
        let (mut covered, mut sums) = (0, [0.0; 6]);
        for seed in 0..seeds {
            let design = SobolDesign::new(512, 3, seed);
            let values: Vec<f64> = design.points.iter().map(|p| ishigami(p)).collect();
            let (found, _) = indices(&design, &values, seed).expect("the function varies");
            for (i, idx) in found.iter().enumerate() {
                for (slot, value, ci) in [(i, idx.first, idx.first_ci95), (i + 3, idx.total, idx.total_ci95)] {
                    sums[slot] += value;
                    covered += usize::from(ci[0] <= exact[slot] && exact[slot] <= ci[1]);
                }
            }
        }
        assert!(covered >= 240 - 24, "{covered} of 240 intervals cover the closed form");
        for (slot, (sum, truth)) in sums.iter().zip(exact).enumerate() {
            let mean = sum / seeds as f64;
            assert!((mean - truth).abs() < 0.02, "index {slot}: mean {mean:.4} against {truth:.4}");
        }
    }

    #[test]
    fn a_linear_model_has_first_order_indices_in_proportion_to_squared_coefficients() {
        // f = 1·x1 + 2·x2 + 0·x3 on uniform inputs: S = (1, 4, 0)/5, no interactions.
        let design = SobolDesign::new(2048, 3, 5);
        let values: Vec<f64> = design.points.iter().map(|p| p[0] + 2.0 * p[1]).collect();
        let (found, _) = indices(&design, &values, 5).unwrap();
        for (idx, expected) in found.iter().zip([0.2, 0.8, 0.0]) {
            assert!(idx.first_ci95[0] <= expected && expected <= idx.first_ci95[1], "{idx:?} against {expected}");
            assert!(idx.total_ci95[0] <= expected && expected <= idx.total_ci95[1], "{idx:?} against {expected}");
        }
        // An input that changes nothing has both indices exactly 0.
        assert_eq!((found[2].first, found[2].total), (0.0, 0.0));
    }

    #[test]
    fn values_that_do_not_vary_define_no_index() {
        let design = SobolDesign::new(16, 2, 1);
        assert!(indices(&design, &vec![3.0; design.points.len()], 1).is_none());
    }
}
