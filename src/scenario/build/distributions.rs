//! Distributions.

use super::super::dist::DistSpec;

impl DistSpec {
    /// Exponential with this mean.
    pub fn exponential(mean: f64) -> DistSpec {
        DistSpec::Exponential { mean }
    }

    /// Uniform on `[min, max]`.
    pub fn uniform(min: f64, max: f64) -> DistSpec {
        DistSpec::Uniform { min, max }
    }

    /// Triangular on `[min, max]` with its peak at `mode`.
    pub fn triangular(min: f64, mode: f64, max: f64) -> DistSpec {
        DistSpec::Triangular { min, mode, max }
    }

    /// Lognormal with this mean and standard deviation (of the value, not its log).
    pub fn lognormal(mean: f64, sd: f64) -> DistSpec {
        DistSpec::Lognormal { mean, sd }
    }

    /// Erlang: `k` phases, this overall mean.
    pub fn erlang(k: u32, mean: f64) -> DistSpec {
        DistSpec::Erlang { k, mean }
    }

    /// One of `values`, equally likely.
    pub fn empirical(values: impl Into<Vec<f64>>) -> DistSpec {
        DistSpec::Empirical { values: values.into(), weights: None }
    }

    /// Normal with this mean and standard deviation, truncated at 0 (negative draws
    /// are redrawn).
    pub fn normal(mean: f64, sd: f64) -> DistSpec {
        DistSpec::Normal { mean, sd }
    }

    /// Gamma with this shape and scale.
    pub fn gamma(shape: f64, scale: f64) -> DistSpec {
        DistSpec::Gamma { shape, scale }
    }

    /// Weibull with this shape and scale.
    pub fn weibull(shape: f64, scale: f64) -> DistSpec {
        DistSpec::Weibull { shape, scale }
    }

    /// One of `values`, each with its weight (weights need not sum to 1).
    pub fn weighted(values: impl Into<Vec<f64>>, weights: impl Into<Vec<f64>>) -> DistSpec {
        DistSpec::Empirical { values: values.into(), weights: Some(weights.into()) }
    }
}
