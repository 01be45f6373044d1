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
pub const MAX_PARAMETER: f64 = 1e12;

fn finite_non_negative(x: f64) -> bool {
    x.is_finite() && (0.0..=MAX_PARAMETER).contains(&x)
}

fn finite_positive(x: f64) -> bool {
    finite_non_negative(x) && x > 0.0
}

impl DistSpec {
    /// A constant.
    pub fn constant(value: f64) -> Self {
        DistSpec::Constant { value }
    }

    /// Checks the parameters; on failure returns `(field, what would be valid)`.
    pub fn check(&self) -> Result<(), (String, String)> {
        let bad = |field: &str, valid: &str| Err((field.to_string(), valid.to_string()));
        let nonneg = "a finite number >= 0 (at most 1e12)";
        let pos = "a finite number > 0 (at most 1e12)";
        match *self {
            DistSpec::Constant { value } if !finite_non_negative(value) => bad("value", nonneg),
            DistSpec::Exponential { mean } if !finite_positive(mean) => bad("mean", pos),
            DistSpec::Uniform { min, .. } if !finite_non_negative(min) => bad("min", nonneg),
            DistSpec::Uniform { min, max } if !finite_non_negative(max) || max < min => {
                bad("max", "a finite number >= min")
            }
            DistSpec::Triangular { min, .. } if !finite_non_negative(min) => bad("min", nonneg),
            DistSpec::Triangular { min, mode, max } if !finite_non_negative(mode) || mode < min || mode > max => {
                bad("mode", "a number with min <= mode <= max")
            }
            DistSpec::Triangular { min, max, .. } if !finite_non_negative(max) || max < min => {
                bad("max", "a finite number >= min")
            }
            DistSpec::Normal { mean, .. } if !finite_non_negative(mean) => bad("mean", nonneg),
            DistSpec::Normal { sd, .. } if !finite_non_negative(sd) => bad("sd", nonneg),
            DistSpec::Lognormal { mean, .. } if !finite_positive(mean) => bad("mean", pos),
            DistSpec::Lognormal { sd, .. } if !finite_non_negative(sd) => bad("sd", nonneg),
            DistSpec::Gamma { shape, .. } if !finite_positive(shape) => bad("shape", pos),
            DistSpec::Gamma { scale, .. } if !finite_positive(scale) => bad("scale", pos),
            DistSpec::Erlang { k, .. } if k == 0 || k > 1_000 => bad("k", "a whole number from 1 to 1000"),
            DistSpec::Erlang { mean, .. } if !finite_positive(mean) => bad("mean", pos),
            DistSpec::Weibull { shape, .. } if !finite_positive(shape) => bad("shape", pos),
            DistSpec::Weibull { scale, .. } if !finite_positive(scale) => bad("scale", pos),
            DistSpec::Empirical {
                ref values,
                ref weights,
            } => {
                if values.is_empty() || values.len() > 100_000 {
                    return bad("values", "a list of 1 to 100000 numbers >= 0");
                }
                if !values.iter().all(|&v| finite_non_negative(v)) {
                    return bad("values", "numbers that are finite and >= 0");
                }
                if let Some(w) = weights {
                    if w.len() != values.len() {
                        return bad("weights", "one weight per value");
                    }
                    if !w.iter().all(|&x| finite_non_negative(x)) || w.iter().sum::<f64>() <= 0.0 {
                        return bad("weights", "numbers >= 0, not all zero");
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
            DistSpec::Normal { mean, sd } => {
                if sd == 0.0 {
                    return mean;
                }
                use statrs::distribution::{Continuous, ContinuousCDF};
                let std = statrs::distribution::Normal::standard();
                let alpha = -mean / sd;
                let tail = 1.0 - std.cdf(alpha);
                if tail <= 0.0 {
                    0.0
                } else {
                    mean + sd * std.pdf(alpha) / tail
                }
            }
            DistSpec::Gamma { shape, scale } => shape * scale,
            DistSpec::Weibull { shape, scale } => scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape),
            DistSpec::Empirical {
                ref values,
                ref weights,
            } => match weights {
                None => values.iter().sum::<f64>() / values.len() as f64,
                Some(w) => values.iter().zip(w).map(|(v, w)| v * w).sum::<f64>() / w.iter().sum::<f64>(),
            },
        }
    }

    /// Multiplies the distribution by `factor` (> 0): every draw scales by it.
    pub fn scaled(&self, factor: f64) -> DistSpec {
        let f = factor;
        match self.clone() {
            DistSpec::Constant { value } => DistSpec::Constant { value: value * f },
            DistSpec::Exponential { mean } => DistSpec::Exponential { mean: mean * f },
            DistSpec::Uniform { min, max } => DistSpec::Uniform {
                min: min * f,
                max: max * f,
            },
            DistSpec::Triangular { min, mode, max } => DistSpec::Triangular {
                min: min * f,
                mode: mode * f,
                max: max * f,
            },
            DistSpec::Normal { mean, sd } => DistSpec::Normal {
                mean: mean * f,
                sd: sd * f,
            },
            DistSpec::Lognormal { mean, sd } => DistSpec::Lognormal {
                mean: mean * f,
                sd: sd * f,
            },
            DistSpec::Gamma { shape, scale } => DistSpec::Gamma {
                shape,
                scale: scale * f,
            },
            DistSpec::Erlang { k, mean } => DistSpec::Erlang { k, mean: mean * f },
            DistSpec::Weibull { shape, scale } => DistSpec::Weibull {
                shape,
                scale: scale * f,
            },
            DistSpec::Empirical { values, weights } => DistSpec::Empirical {
                values: values.iter().map(|v| v * f).collect(),
                weights,
            },
        }
    }

    /// Builds the sampler. Call [`DistSpec::check`] first; invalid parameters give a
    /// constant-0 sampler rather than a panic.
    pub fn sampler(&self) -> Sampler {
        self.try_sampler().unwrap_or(Sampler::Constant(0.0))
    }

    fn try_sampler(&self) -> Option<Sampler> {
        self.check().ok()?;
        Some(match *self {
            DistSpec::Constant { value } => Sampler::Constant(value),
            DistSpec::Exponential { mean } => Sampler::Exponential(Exp::new(1.0 / mean).ok()?),
            DistSpec::Uniform { min, max } if min == max => Sampler::Constant(min),
            DistSpec::Uniform { min, max } => Sampler::Uniform(Uniform::new_inclusive(min, max).ok()?),
            DistSpec::Triangular { min, max, .. } if min == max => Sampler::Constant(min),
            DistSpec::Triangular { min, mode, max } => Sampler::Triangular(Triangular::new(min, max, mode).ok()?),
            DistSpec::Normal { mean, sd } => Sampler::TruncatedNormal(Normal::new(mean, sd).ok()?),
            DistSpec::Lognormal { mean, sd } => {
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                Sampler::Lognormal(LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt()).ok()?)
            }
            DistSpec::Gamma { shape, scale } => Sampler::Gamma(Gamma::new(shape, scale).ok()?),
            DistSpec::Erlang { k, mean } => Sampler::Gamma(Gamma::new(k as f64, mean / k as f64).ok()?),
            DistSpec::Weibull { shape, scale } => Sampler::Weibull(Weibull::new(scale, shape).ok()?),
            DistSpec::Empirical {
                ref values,
                ref weights,
            } => {
                let weights = weights.clone().unwrap_or_else(|| vec![1.0; values.len()]);
                Sampler::Empirical(values.clone(), WeightedIndex::new(weights).ok()?)
            }
        })
    }
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

    fn sample_mean(spec: &DistSpec) -> f64 {
        let sampler = spec.sampler();
        let mut rng = stream(1, 0, "dist-test");
        let mut s = OnlineStats::new();
        for _ in 0..200_000 {
            s.push(sampler.sample(&mut rng));
        }
        s.mean()
    }

    #[test]
    fn sample_means_match_analytic_means() {
        let specs = [
            DistSpec::Constant { value: 3.0 },
            DistSpec::Exponential { mean: 2.0 },
            DistSpec::Uniform { min: 1.0, max: 5.0 },
            DistSpec::Triangular {
                min: 6.0,
                mode: 8.0,
                max: 12.0,
            },
            DistSpec::Normal { mean: 1.0, sd: 1.0 },
            DistSpec::Lognormal { mean: 60.0, sd: 40.0 },
            DistSpec::Gamma { shape: 2.0, scale: 3.0 },
            DistSpec::Erlang { k: 3, mean: 20.0 },
            DistSpec::Weibull {
                shape: 1.5,
                scale: 10.0,
            },
            DistSpec::Empirical {
                values: vec![1.0, 2.0, 10.0],
                weights: Some(vec![1.0, 1.0, 2.0]),
            },
        ];
        for spec in &specs {
            spec.check().unwrap();
            let (m, s) = (spec.mean(), sample_mean(spec));
            assert!((m - s).abs() / m < 0.02, "{spec:?}: analytic {m}, sampled {s}");
        }
    }

    #[test]
    fn invalid_parameters_are_named() {
        assert_eq!(DistSpec::Exponential { mean: -1.0 }.check().unwrap_err().0, "mean");
        assert_eq!(
            DistSpec::Triangular {
                min: 1.0,
                mode: 5.0,
                max: 3.0
            }
            .check()
            .unwrap_err()
            .0,
            "mode"
        );
        assert_eq!(DistSpec::Uniform { min: 2.0, max: 1.0 }.check().unwrap_err().0, "max");
        assert_eq!(
            DistSpec::Lognormal {
                mean: f64::NAN,
                sd: 1.0
            }
            .check()
            .unwrap_err()
            .0,
            "mean"
        );
        assert_eq!(DistSpec::Erlang { k: 0, mean: 1.0 }.check().unwrap_err().0, "k");
        let e = DistSpec::Empirical {
            values: vec![1.0],
            weights: Some(vec![]),
        };
        assert_eq!(e.check().unwrap_err().0, "weights");
        assert!(matches!(
            DistSpec::Gamma { shape: 0.0, scale: 1.0 }.sampler(),
            Sampler::Constant(_)
        ));
    }

    #[test]
    fn scaling_scales_the_mean() {
        let d = DistSpec::Lognormal { mean: 10.0, sd: 2.0 };
        assert!((d.scaled(1.3).mean() - 13.0).abs() < 1e-12);
    }
}
