//! The M/M/3 port of the capacity search's validation and its Erlang C answer, shared
//! by `tests/capacity_search.rs` and `examples/capacity_coverage.rs`.

#![allow(dead_code)]

use corridor::stats::queueing::mmc_wq;

/// M/M/3: base arrivals 1,460 a year (λ = 1/6 per hour), service mean 12 h.
pub const MMC: &str = r#"
[scenario]
name = "M/M/3 capacity"
horizon_days = 3650
warmup_days = 100

[ports.port]
yard_capacity_tonnes = 0
berths.dry = { count = 3, service_hours = { dist = "exponential", mean = 12.0 } }

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 1460
cargo_tonnes = { dist = "constant", value = 1000.0 }
tags = ["ships"]
"#;

/// The λ (per hour) at which the M/M/c mean wait equals `w` hours, by bisection on
/// Erlang C (the wait rises with λ).
pub fn analytic_lambda(w: f64, mu: f64, c: u32) -> f64 {
    let (mut lo, mut hi) = (1e-9, c as f64 * mu * (1.0 - 1e-12));
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if mmc_wq(mid, mu, c).unwrap_or(f64::INFINITY) <= w {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}
