//! Probability distributions as written in scenario files, and their samplers.
//!
//! In TOML a distribution is a tagged table, e.g.
//! `{ dist = "lognormal", mean = 22.0, sd = 4.0 }`; a constant is
//! `{ dist = "constant", value = 8.0 }`.

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Normal, Triangular, Uniform, Weibull, weighted::WeightedIndex};
use serde::{Deserialize, Serialize};

/// A distribution of a non-negative quantity (hours, tonnes), as written in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum DistSpec {
    /// Always `value`.
    Constant {
        /// The value.
        value: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean (> 0).
        mean: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound (≥ 0).
        min: f64,
        /// Upper bound (≥ min).
        max: f64,
    },
    /// Triangular on `[min, max]` with peak at `mode`.
    Triangular {
        /// Lower bound (≥ 0).
        min: f64,
        /// Most likely value (min ≤ mode ≤ max).
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal, truncated at 0 (negative draws are redrawn).
    Normal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
    /// Lognormal given by its own mean and standard deviation (not those of the log).
    Lognormal {
        /// Mean (> 0).
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
    /// Gamma with shape k and scale θ (mean kθ).
    Gamma {
        /// Shape (> 0).
        shape: f64,
        /// Scale (> 0).
        scale: f64,
    },
    /// Erlang: the sum of `k` exponentials, with the given overall mean.
    Erlang {
        /// Number of phases (≥ 1).
        k: u32,
        /// Mean (> 0).
        mean: f64,
    },
    /// Weibull with shape and scale.
    Weibull {
        /// Shape (> 0).
        shape: f64,
        /// Scale (> 0).
        scale: f64,
    },
    /// One of `values`, with optional relative `weights` (equal when omitted).
    Empirical {
        /// The possible values (≥ 0).
        values: Vec<f64>,
        /// Relative weights, one per value (≥ 0, not all 0).
        #[serde(default)]
        weights: Option<Vec<f64>>,
    },
}

/// Largest value any distribution parameter may take (keeps arithmetic finite).
pub(super) const MAX_PARAMETER: f64 = 1e12;

/// Largest coefficient of variation (sd / mean) accepted. Beyond it most of the mean
/// comes from rare, extreme draws: a run of realistic length does not reproduce the
/// mean, and for gamma shapes below 0.01 the draws underflow in f64.
pub const MAX_COEFFICIENT_OF_VARIATION: f64 = 10.0;

/// Why a distribution's parameters are not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message} (valid: {valid})")]
pub struct DistError {
    /// The parameter at fault (`mean`, `shape`, ...); empty for the distribution as a whole.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
    /// What would be valid.
    pub valid: String,
}

fn finite_non_negative(x: f64) -> bool {
    x.is_finite() && (0.0..=MAX_PARAMETER).contains(&x)
}

fn finite_positive(x: f64) -> bool {
    finite_non_negative(x) && x > 0.0
}

/// A number for messages: plain where short, scientific where it would be long.
pub(crate) fn show(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 || (1e-4..1e9).contains(&a) {
        let s = format!("{x}");
        if s.len() <= 12 { s } else { format!("{x:.6}") }
    } else if x.is_finite() {
        let s = format!("{x:.3e}");
        match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
            None => s,
        }
    } else {
        format!("{x}")
    }
}

impl DistSpec {
    /// A constant.
    pub fn constant(value: f64) -> Self {
        DistSpec::Constant { value }
    }

    /// The distribution's name as written in files (`dist = "..."`).
    pub fn kind(&self) -> &'static str {
        match self {
            DistSpec::Constant { .. } => "constant",
            DistSpec::Exponential { .. } => "exponential",
            DistSpec::Uniform { .. } => "uniform",
            DistSpec::Triangular { .. } => "triangular",
            DistSpec::Normal { .. } => "normal",
            DistSpec::Lognormal { .. } => "lognormal",
            DistSpec::Gamma { .. } => "gamma",
            DistSpec::Erlang { .. } => "erlang",
            DistSpec::Weibull { .. } => "weibull",
            DistSpec::Empirical { .. } => "empirical",
        }
    }

    /// Checks the parameters: each in its range, and a finite mean and variance with a
    /// coefficient of variation of at most [`MAX_COEFFICIENT_OF_VARIATION`].
    ///
    /// # Errors
    /// The first parameter at fault, what is wrong and what would be valid.
    pub fn check(&self) -> Result<(), DistError> {
        self.check_parameters()?;
        let (mean, variance) = (self.mean(), self.variance());
        let kind = self.kind();
        let (field, valid) = match self {
            DistSpec::Gamma { .. } => ("shape", "shape >= 0.01".to_string()),
            DistSpec::Weibull { .. } => ("shape", "shape >= 0.234".to_string()),
            DistSpec::Lognormal { .. } => ("sd", "sd <= 10 × mean".to_string()),
            _ => ("", format!("parameters giving sd <= {MAX_COEFFICIENT_OF_VARIATION} × mean")),
        };
        let fail = |message: String| Err(DistError { field, message, valid: valid.clone() });
        if !mean.is_finite() {
            return fail(format!("this {kind} distribution has an infinite mean"));
        }
        if !variance.is_finite() {
            return fail(format!("this {kind} distribution has an infinite variance"));
        }
        if mean > 0.0 {
            let cv = variance.sqrt() / mean;
            if cv > MAX_COEFFICIENT_OF_VARIATION {
                return fail(format!(
                    "this {kind} distribution has sd/mean = {}: most of its mean comes from rare extreme draws that a run of realistic length does not see",
                    show(cv)
                ));
            }
        }
        Ok(())
    }

    fn check_parameters(&self) -> Result<(), DistError> {
        let bad = |field: &'static str, value: f64, valid: &str| {
            Err(DistError { field, message: format!("{} is out of range", show(value)), valid: valid.to_string() })
        };
        let nonneg = "a finite number >= 0 (at most 1e12)";
        let pos = "a finite number > 0 (at most 1e12)";
        match *self {
            DistSpec::Constant { value } if !finite_non_negative(value) => bad("value", value, nonneg),
            DistSpec::Exponential { mean } if !finite_positive(mean) => bad("mean", mean, pos),
            DistSpec::Uniform { min, .. } if !finite_non_negative(min) => bad("min", min, nonneg),
            DistSpec::Uniform { min, max } if !finite_non_negative(max) || max < min => {
                bad("max", max, "a finite number >= min")
            }
            DistSpec::Triangular { min, .. } if !finite_non_negative(min) => bad("min", min, nonneg),
            DistSpec::Triangular { min, max, .. } if !finite_non_negative(max) || max < min => {
                bad("max", max, "a finite number >= min")
            }
            DistSpec::Triangular { min, mode, max } if !finite_non_negative(mode) || mode < min || mode > max => {
                bad("mode", mode, "a number with min <= mode <= max")
            }
            DistSpec::Normal { mean, .. } if !finite_non_negative(mean) => bad("mean", mean, nonneg),
            DistSpec::Normal { sd, .. } if !finite_non_negative(sd) => bad("sd", sd, nonneg),
            DistSpec::Lognormal { mean, .. } if !finite_positive(mean) => bad("mean", mean, pos),
            DistSpec::Lognormal { sd, .. } if !finite_non_negative(sd) => bad("sd", sd, nonneg),
            DistSpec::Gamma { shape, .. } if !finite_positive(shape) => bad("shape", shape, pos),
            DistSpec::Gamma { scale, .. } if !finite_positive(scale) => bad("scale", scale, pos),
            DistSpec::Erlang { k, .. } if k == 0 || k > 1_000 => bad("k", k as f64, "a whole number from 1 to 1000"),
            DistSpec::Erlang { mean, .. } if !finite_positive(mean) => bad("mean", mean, pos),
            DistSpec::Weibull { shape, .. } if !finite_positive(shape) => bad("shape", shape, pos),
            DistSpec::Weibull { scale, .. } if !finite_positive(scale) => bad("scale", scale, pos),
            DistSpec::Empirical { ref values, ref weights } => {
                let fail = |field: &'static str, message: String, valid: &str| {
                    Err(DistError { field, message, valid: valid.to_string() })
                };
                if values.is_empty() || values.len() > 100_000 {
                    return fail(
                        "values",
                        format!("{} values given", values.len()),
                        "a list of 1 to 100000 numbers >= 0",
                    );
                }
                if let Some(v) = values.iter().find(|&&v| !finite_non_negative(v)) {
                    return fail("values", format!("{} is out of range", show(*v)), nonneg);
                }
                if let Some(w) = weights {
                    if w.len() != values.len() {
                        return fail(
                            "weights",
                            format!("{} weights for {} values", w.len(), values.len()),
                            "one weight per value",
                        );
                    }
                    if !w.iter().all(|&x| finite_non_negative(x)) || w.iter().sum::<f64>() <= 0.0 {
                        return fail(
                            "weights",
                            "weights must be numbers >= 0, not all zero".into(),
                            "numbers >= 0, not all zero",
                        );
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The mean of the distribution (of the truncated normal, for `normal`).
    pub fn mean(&self) -> f64 {
        match *self {
            DistSpec::Constant { value } => value,
            DistSpec::Exponential { mean } | DistSpec::Lognormal { mean, .. } | DistSpec::Erlang { mean, .. } => mean,
            DistSpec::Uniform { min, max } => (min + max) / 2.0,
            DistSpec::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            DistSpec::Normal { mean, sd } => truncated_normal_moments(mean, sd).0,
            DistSpec::Gamma { shape, scale } => shape * scale,
            DistSpec::Weibull { shape, scale } => scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape),
            DistSpec::Empirical { ref values, ref weights } => match weights {
                None => values.iter().sum::<f64>() / values.len() as f64,
                Some(w) => values.iter().zip(w).map(|(v, w)| v * w).sum::<f64>() / w.iter().sum::<f64>(),
            },
        }
    }

    /// The variance of the distribution (of the truncated normal, for `normal`).
    pub fn variance(&self) -> f64 {
        match *self {
            DistSpec::Constant { .. } => 0.0,
            DistSpec::Exponential { mean } => mean * mean,
            DistSpec::Uniform { min, max } => (max - min).powi(2) / 12.0,
            DistSpec::Triangular { min: a, mode: c, max: b } => (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
            DistSpec::Normal { mean, sd } => truncated_normal_moments(mean, sd).1,
            DistSpec::Lognormal { sd, .. } => sd * sd,
            DistSpec::Gamma { shape, scale } => shape * scale * scale,
            DistSpec::Erlang { k, mean } => mean * mean / k as f64,
            DistSpec::Weibull { shape, scale } => {
                use statrs::function::gamma::gamma;
                let g1 = gamma(1.0 + 1.0 / shape);
                scale * scale * (gamma(1.0 + 2.0 / shape) - g1 * g1)
            }
            DistSpec::Empirical { ref values, .. } => {
                let mean = self.mean();
                let weights = match self {
                    DistSpec::Empirical { weights: Some(w), .. } => w.clone(),
                    _ => vec![1.0; values.len()],
                };
                let total: f64 = weights.iter().sum();
                values.iter().zip(&weights).map(|(v, w)| w * (v - mean).powi(2)).sum::<f64>() / total
            }
        }
    }

    /// The largest value a draw can take, or `None` when draws are unbounded.
    pub fn upper_bound(&self) -> Option<f64> {
        match *self {
            DistSpec::Constant { value } => Some(value),
            DistSpec::Uniform { max, .. } | DistSpec::Triangular { max, .. } => Some(max),
            DistSpec::Empirical { ref values, .. } => values.iter().copied().reduce(f64::max),
            _ => None,
        }
    }

    /// Multiplies the distribution by `factor` (> 0): every draw scales by it.
    pub fn scaled(&self, factor: f64) -> DistSpec {
        let f = factor;
        match self.clone() {
            DistSpec::Constant { value } => DistSpec::Constant { value: value * f },
            DistSpec::Exponential { mean } => DistSpec::Exponential { mean: mean * f },
            DistSpec::Uniform { min, max } => DistSpec::Uniform { min: min * f, max: max * f },
            DistSpec::Triangular { min, mode, max } => {
                DistSpec::Triangular { min: min * f, mode: mode * f, max: max * f }
            }
            DistSpec::Normal { mean, sd } => DistSpec::Normal { mean: mean * f, sd: sd * f },
            DistSpec::Lognormal { mean, sd } => DistSpec::Lognormal { mean: mean * f, sd: sd * f },
            DistSpec::Gamma { shape, scale } => DistSpec::Gamma { shape, scale: scale * f },
            DistSpec::Erlang { k, mean } => DistSpec::Erlang { k, mean: mean * f },
            DistSpec::Weibull { shape, scale } => DistSpec::Weibull { shape, scale: scale * f },
            DistSpec::Empirical { values, weights } => {
                DistSpec::Empirical { values: values.iter().map(|v| v * f).collect(), weights }
            }
        }
    }

    /// Builds the sampler.
    ///
    /// # Errors
    /// The parameters fail [`DistSpec::check`].
    pub fn sampler(&self) -> Result<Sampler, DistError> {
        self.check()?;
        let unusable = |what: String| DistError {
            field: "",
            message: format!("the {} distribution cannot be sampled: {what}", self.kind()),
            valid: "parameters within the documented ranges".into(),
        };
        Ok(match *self {
            DistSpec::Constant { value } => Sampler::Constant(value),
            DistSpec::Exponential { mean } => {
                Sampler::Exponential(Exp::new(1.0 / mean).map_err(|e| unusable(e.to_string()))?)
            }
            DistSpec::Uniform { min, max } if min == max => Sampler::Constant(min),
            DistSpec::Uniform { min, max } => {
                Sampler::Uniform(Uniform::new_inclusive(min, max).map_err(|e| unusable(e.to_string()))?)
            }
            DistSpec::Triangular { min, max, .. } if min == max => Sampler::Constant(min),
            DistSpec::Triangular { min, mode, max } => {
                Sampler::Triangular(Triangular::new(min, max, mode).map_err(|e| unusable(e.to_string()))?)
            }
            DistSpec::Normal { mean, sd } => {
                Sampler::TruncatedNormal(Normal::new(mean, sd).map_err(|e| unusable(e.to_string()))?)
            }
            DistSpec::Lognormal { mean, sd } => {
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                Sampler::Lognormal(
                    LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).map_err(|e| unusable(e.to_string()))?,
                )
            }
            DistSpec::Gamma { shape, scale } => {
                Sampler::Gamma(Gamma::new(shape, scale).map_err(|e| unusable(e.to_string()))?)
            }
            DistSpec::Erlang { k, mean } => {
                Sampler::Gamma(Gamma::new(k as f64, mean / k as f64).map_err(|e| unusable(e.to_string()))?)
            }
            DistSpec::Weibull { shape, scale } => {
                Sampler::Weibull(Weibull::new(scale, shape).map_err(|e| unusable(e.to_string()))?)
            }
            DistSpec::Empirical { ref values, ref weights } => {
                let weights = weights.clone().unwrap_or_else(|| vec![1.0; values.len()]);
                Sampler::Empirical(values.clone(), WeightedIndex::new(weights).map_err(|e| unusable(e.to_string()))?)
            }
        })
    }
}

/// Mean and variance of a normal(`mean`, `sd`) truncated to `[0, ∞)`.
fn truncated_normal_moments(mean: f64, sd: f64) -> (f64, f64) {
    if sd == 0.0 {
        return (mean, 0.0);
    }
    use statrs::distribution::{Continuous, ContinuousCDF};
    let std = statrs::distribution::Normal::standard();
    let alpha = -mean / sd;
    let tail = 1.0 - std.cdf(alpha);
    if tail <= 0.0 {
        return (0.0, 0.0);
    }
    let lambda = std.pdf(alpha) / tail;
    let m = mean + sd * lambda;
    let v = sd * sd * (1.0 + alpha * lambda - lambda * lambda);
    (m, v.max(0.0))
}

/// A ready-to-draw distribution. Draws are finite and non-negative.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Always this value.
    Constant(f64),
    /// Exponential.
    Exponential(Exp<f64>),
    /// Uniform.
    Uniform(Uniform<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
    /// Normal truncated at zero.
    TruncatedNormal(Normal<f64>),
    /// Lognormal.
    Lognormal(LogNormal<f64>),
    /// Gamma (and Erlang).
    Gamma(Gamma<f64>),
    /// Weibull.
    Weibull(Weibull<f64>),
    /// Weighted choice among values.
    Empirical(Vec<f64>, WeightedIndex<f64>),
}

impl Sampler {
    /// Draws one value (finite, ≥ 0).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match self {
            Sampler::Constant(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::TruncatedNormal(d) => {
                // Rejection; after 64 negative draws (only if mean << 0) fall back to 0.
                let mut draw = 0.0;
                for _ in 0..64 {
                    let x = d.sample(rng);
                    if x >= 0.0 {
                        draw = x;
                        break;
                    }
                }
                draw
            }
            Sampler::Lognormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Weibull(d) => d.sample(rng),
            Sampler::Empirical(values, index) => values[index.sample(rng)],
        };
        if x.is_finite() { x.max(0.0) } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;
    use crate::stats::OnlineStats;

    fn draws(spec: &DistSpec, n: usize) -> Vec<f64> {
        let sampler = spec.sampler().unwrap();
        let mut rng = stream(1, 0, "dist-test");
        (0..n).map(|_| sampler.sample(&mut rng)).collect()
    }

    /// Sample mean and variance agree with the analytic ones within 4.5 standard errors
    /// (the variance's standard error from the sample's fourth central moment).
    #[test]
    fn sample_means_and_variances_match_analytic_ones() {
        let specs = [
            DistSpec::Constant { value: 3.0 },
            DistSpec::Exponential { mean: 2.0 },
            DistSpec::Uniform { min: 1.0, max: 5.0 },
            DistSpec::Triangular { min: 6.0, mode: 8.0, max: 12.0 },
            DistSpec::Normal { mean: 1.0, sd: 1.0 },
            DistSpec::Normal { mean: 0.0, sd: 2.0 },
            DistSpec::Lognormal { mean: 60.0, sd: 40.0 },
            DistSpec::Gamma { shape: 2.0, scale: 3.0 },
            DistSpec::Gamma { shape: 0.5, scale: 4.0 },
            DistSpec::Erlang { k: 3, mean: 20.0 },
            DistSpec::Weibull { shape: 1.5, scale: 10.0 },
            DistSpec::Weibull { shape: 0.7, scale: 2.0 },
            DistSpec::Empirical { values: vec![1.0, 2.0, 10.0], weights: Some(vec![1.0, 1.0, 2.0]) },
        ];
        let n = 400_000;
        for spec in &specs {
            spec.check().unwrap();
            let x = draws(spec, n);
            let mut s = OnlineStats::new();
            x.iter().for_each(|&v| s.push(v));
            let (m, v) = (spec.mean(), spec.variance());
            let se_mean = (v / n as f64).sqrt();
            assert!((s.mean() - m).abs() <= 4.5 * se_mean + 1e-12, "{spec:?}: analytic mean {m}, sampled {}", s.mean());
            let m4 = x.iter().map(|&xi| (xi - s.mean()).powi(4)).sum::<f64>() / n as f64;
            let se_var = ((m4 - v * v) / n as f64).max(0.0).sqrt();
            assert!(
                (s.variance() - v).abs() <= 4.5 * se_var + 1e-12,
                "{spec:?}: analytic variance {v}, sampled {} (se {se_var})",
                s.variance()
            );
        }
    }

    /// Share of draws at or below `x`.
    fn cdf_at(spec: &DistSpec, x: f64) -> f64 {
        let d = draws(spec, 200_000);
        d.iter().filter(|&&v| v <= x).count() as f64 / d.len() as f64
    }

    /// The shape, where a parameter could be swapped without moving the mean: the
    /// triangular mode against its max, Weibull and gamma shape against scale.
    #[test]
    fn shapes_match_where_swapped_parameters_keep_the_mean() {
        // Triangular(0, 2, 10): P(X <= mode) = (mode - min)/(max - min) = 0.2; swapping
        // mode and max would give a different distribution with the same mean.
        let tri = DistSpec::Triangular { min: 0.0, mode: 2.0, max: 10.0 };
        assert!((cdf_at(&tri, 2.0) - 0.2).abs() < 0.005);
        // Weibull(shape 2, scale 10): P(X <= 10) = 1 - e^-1.
        let wb = DistSpec::Weibull { shape: 2.0, scale: 10.0 };
        assert!((cdf_at(&wb, 10.0) - (1.0 - (-1.0f64).exp())).abs() < 0.005);
        assert!((cdf_at(&wb, 5.0) - (1.0 - (-0.25f64).exp())).abs() < 0.005);
        // Gamma(shape 3, scale 2) = Erlang-3: P(X <= 6) = 1 - e^-3 (1 + 3 + 4.5).
        let g = DistSpec::Gamma { shape: 3.0, scale: 2.0 };
        let expected = 1.0 - (-3.0f64).exp() * (1.0 + 3.0 + 4.5);
        assert!((cdf_at(&g, 6.0) - expected).abs() < 0.005);
        // Lognormal by its own mean and sd: the median is mean / sqrt(1 + cv^2).
        let ln = DistSpec::Lognormal { mean: 60.0, sd: 40.0 };
        let median = 60.0 / (1.0f64 + (40.0f64 / 60.0).powi(2)).sqrt();
        assert!((cdf_at(&ln, median) - 0.5).abs() < 0.005);
        // The truncated normal never draws below 0, and its median sits where it should.
        let tn = DistSpec::Normal { mean: 0.0, sd: 2.0 };
        assert_eq!(cdf_at(&tn, -1e-12), 0.0);
        assert!((cdf_at(&tn, 2.0 * 0.674_489_75) - 0.5).abs() < 0.005);
    }

    #[test]
    fn invalid_parameters_are_named() {
        assert_eq!(DistSpec::Exponential { mean: -1.0 }.check().unwrap_err().field, "mean");
        let swapped = DistSpec::Triangular { min: 1.0, mode: 5.0, max: 3.0 };
        assert_eq!(swapped.check().unwrap_err().field, "mode");
        assert_eq!(DistSpec::Uniform { min: 2.0, max: 1.0 }.check().unwrap_err().field, "max");
        let nan = DistSpec::Lognormal { mean: f64::NAN, sd: 1.0 };
        assert_eq!(nan.check().unwrap_err().field, "mean");
        assert_eq!(DistSpec::Erlang { k: 0, mean: 1.0 }.check().unwrap_err().field, "k");
        let e = DistSpec::Empirical { values: vec![1.0], weights: Some(vec![]) };
        assert_eq!(e.check().unwrap_err().field, "weights");
        assert!(DistSpec::Gamma { shape: 0.0, scale: 1.0 }.sampler().is_err());
    }

    #[test]
    fn infinite_or_degenerate_moments_are_rejected_with_a_reason() {
        let cases = [
            (DistSpec::Weibull { shape: 1e-6, scale: 30.0 }, "infinite mean"),
            (DistSpec::Weibull { shape: 0.01, scale: 30.0 }, "infinite"),
            (DistSpec::Weibull { shape: 0.2, scale: 30.0 }, "sd/mean"),
            (DistSpec::Gamma { shape: 1e-12, scale: 1e6 }, "sd/mean = 1000000"),
            (DistSpec::Lognormal { mean: 1.0, sd: 1e6 }, "sd/mean"),
        ];
        for (spec, reason) in cases {
            let e = spec.check().unwrap_err();
            assert!(e.message.contains(reason), "{spec:?}: {e}");
            assert!(spec.sampler().is_err());
        }
        // Just inside the limits.
        DistSpec::Weibull { shape: 0.24, scale: 30.0 }.check().unwrap();
        DistSpec::Gamma { shape: 0.01, scale: 1.0 }.check().unwrap();
    }

    #[test]
    fn scaling_scales_the_mean() {
        let d = DistSpec::Lognormal { mean: 10.0, sd: 2.0 };
        assert!((d.scaled(1.3).mean() - 13.0).abs() < 1e-12);
    }
}
