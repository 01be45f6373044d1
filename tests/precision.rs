//! Precision-driven runs: the procedure's 95 % intervals cover the truth as often as
//! they claim, on an M/M/1 port whose mean wait is known exactly; unknown KPIs are
//! refused with the nearest names; saturated replications never silently narrow an
//! interval.

use corridor::experiment::{Experiment, ExperimentError, PrecisionTarget};
use corridor::scenario::Scenario;
use corridor::stats::queueing;
use rayon::prelude::*;

/// One berth, Poisson arrivals 0.05/h, exponential service of mean 10 h: ρ = 0.5,
/// Wq = ρ / (μ − λ) = 10 h. The horizon is long (2,000 days, 2,400 ships) because a
/// replication's mean wait is biased low by ships still at anchor at the end, which are
/// not counted: −0.5 % at 400 days, −0.1 % here.
const MM1: &str = r#"
[scenario]
name = "M/M/1 port"
horizon_days = 2000
warmup_days = 30

[ports.port]
yard_capacity_tonnes = 0
berths.dry = { count = 1, service_hours = { dist = "exponential", mean = 10.0 } }

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 438
cargo_tonnes = { dist = "constant", value = 1.0 }
"#;

const KPI: &str = "port.port.ship_wait_hours.mean";

fn runs() -> u64 {
    std::env::var("PRECISION_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
}

#[test]
fn stein_intervals_cover_the_exact_mm1_wait() {
    let truth = queueing::mmc_wq(0.05, 0.1, 1).unwrap();
    assert!((truth - 10.0).abs() < 1e-9);
    let scenario = Scenario::from_str(MM1, "mm1.toml").unwrap();
    let runs = runs();
    let outcomes: Vec<(bool, bool, u64, bool)> = (0..runs)
        .into_par_iter()
        .map(|run| {
            let experiment = Experiment::for_scenario(&scenario)
                .seed(1_000 + run)
                .threads(1)
                .replications(10)
                .precision(PrecisionTarget::parse(&format!("{KPI}=0.06"), 2_000).unwrap());
            let result = experiment.run(&scenario, None).unwrap();
            let report = result.precision.as_ref().unwrap();
            let p = &report.variants[0];
            let plain = result.variants[0].summary(KPI).unwrap();
            let stein = p.interval[0] <= truth && truth <= p.interval[1];
            let t = plain.ci95[0] <= truth && truth <= plain.ci95[1];
            (stein, t, p.replications, p.met)
        })
        .collect();
    let covered = outcomes.iter().filter(|o| o.0).count() as f64 / runs as f64;
    let covered_plain = outcomes.iter().filter(|o| o.1).count() as f64 / runs as f64;
    let mean_n = outcomes.iter().map(|o| o.2 as f64).sum::<f64>() / runs as f64;
    let met = outcomes.iter().filter(|o| o.3).count();
    eprintln!(
        "{runs} precision runs (±6 %): the procedure's interval covers Wq = {truth} in {:.1} % of runs, \
         the plain t-interval over the same replications in {:.1} %; {mean_n:.0} replications on average; target met in {met}",
        covered * 100.0,
        covered_plain * 100.0
    );
    assert!(covered >= 0.93, "coverage {covered}");
    // The plain t-interval over the same replications is shown for comparison only:
    // with N chosen from the data it covers less often (93.9 % in 1,000 runs), which
    // is why the procedure's interval is the one reported for the precision KPI.
    assert!(met as f64 >= 0.95 * runs as f64, "the target is met in {met} of {runs} runs");
}

#[test]
fn an_unknown_kpi_is_an_error_naming_the_nearest() {
    let scenario = Scenario::from_str(MM1, "mm1.toml").unwrap();
    let experiment = Experiment::for_scenario(&scenario)
        .precision(PrecisionTarget::parse("port.port.ship_wait_hour.mean=0.05", 100).unwrap());
    let e = experiment.run(&scenario, None).unwrap_err();
    assert!(matches!(e, ExperimentError::Precision(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("nearest: port.port.ship_wait_hours.mean"), "{text}");
}

#[test]
fn saturated_replications_mean_the_target_is_not_met() {
    // ρ = 2: every replication hits the consignment cap... here, the event budget.
    let overloaded = MM1
        .replace("ships_per_year = 438", "ships_per_year = 1752")
        .replace("warmup_days = 30", "warmup_days = 30\nmax_events_per_replication = 3000");
    let scenario = Scenario::from_str(&overloaded, "mm1.toml").unwrap();
    let result = Experiment::for_scenario(&scenario)
        .replications(10)
        .precision(PrecisionTarget::parse(&format!("{KPI}=0.05"), 500).unwrap())
        .run(&scenario, None)
        .unwrap();
    let p = &result.precision.as_ref().unwrap().variants[0];
    assert!(!p.met);
    assert!(p.note.as_deref().unwrap_or("").contains("saturated"), "{p:?}");
    assert_eq!(result.replications, 10, "no replications added after a saturated pilot");
}
