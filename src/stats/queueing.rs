//! Closed-form results of queueing theory, used to validate simulations.
//!
//! Notation: arrival rate λ, service rate μ per server, c servers, offered load
//! a = λ/μ, utilisation ρ = a/c. Every function returns `None` when the queue is
//! unstable (ρ ≥ 1) or the arguments are not positive and finite.

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// Erlang B blocking probability for `c` servers and offered load `a`, by the stable
/// recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
pub fn erlang_b(c: u32, a: f64) -> Option<f64> {
    if !positive(a) || c == 0 {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    Some(b)
}

/// Erlang C: probability that an arrival must wait in an M/M/c queue.
pub fn erlang_c(c: u32, a: f64) -> Option<f64> {
    let b = erlang_b(c, a)?;
    let c = c as f64;
    if a >= c {
        return None;
    }
    Some(c * b / (c - a * (1.0 - b)))
}

/// Mean wait in queue Wq of an M/M/c queue: C(c, a) / (cμ − λ).
///
/// ```
/// use corridor::stats::queueing::mmc_wq;
/// assert!((mmc_wq(0.9, 1.0, 1).unwrap() - 9.0).abs() < 1e-12);
/// assert!((mmc_wq(4.5, 1.0, 5).unwrap() - 1.5250).abs() < 1e-4);
/// ```
pub fn mmc_wq(lambda: f64, mu: f64, c: u32) -> Option<f64> {
    if !positive(lambda) || !positive(mu) {
        return None;
    }
    let p_wait = erlang_c(c, lambda / mu)?;
    Some(p_wait / (c as f64 * mu - lambda))
}

/// Mean wait in queue of an M/G/1 queue by Pollaczek–Khinchine:
/// Wq = λ·E\[S²\] / (2(1 − ρ)), with ρ = λ·E\[S\].
pub fn mg1_wq(lambda: f64, mean_service: f64, second_moment_service: f64) -> Option<f64> {
    if !positive(lambda) || !positive(mean_service) || !positive(second_moment_service) {
        return None;
    }
    let rho = lambda * mean_service;
    if rho >= 1.0 {
        return None;
    }
    Some(lambda * second_moment_service / (2.0 * (1.0 - rho)))
}

/// Mean wait in queue of an M/D/1 queue (deterministic service time `1/μ`):
/// Wq = ρ / (2μ(1 − ρ)).
///
/// ```
/// use corridor::stats::queueing::md1_wq;
/// assert!((md1_wq(0.8, 1.0).unwrap() - 2.0).abs() < 1e-12);
/// ```
pub fn md1_wq(lambda: f64, mu: f64) -> Option<f64> {
    if !positive(mu) {
        return None;
    }
    mg1_wq(lambda, 1.0 / mu, 1.0 / (mu * mu))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_known_values() {
        // c = 1: P(wait) = ρ.
        assert!((erlang_c(1, 0.7).unwrap() - 0.7).abs() < 1e-12);
        // Textbook value: c = 2, a = 1 → C = 1/3.
        assert!((erlang_c(2, 1.0).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!(erlang_c(3, 3.0).is_none());
        assert!(mmc_wq(f64::NAN, 1.0, 2).is_none());
    }

    #[test]
    fn pk_reduces_to_mm1_for_exponential_service() {
        // Exponential service: E[S²] = 2/μ².
        let lambda = 0.6;
        let mm1 = mmc_wq(lambda, 1.0, 1).unwrap();
        let pk = mg1_wq(lambda, 1.0, 2.0).unwrap();
        assert!((mm1 - pk).abs() < 1e-12);
        assert!(mg1_wq(1.0, 1.0, 2.0).is_none());
    }
}
