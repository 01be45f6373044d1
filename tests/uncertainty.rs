//! `run --uncertain`: a variant's stability and KPIs across input scenarios drawn from
//! the scenario's uncertain inputs, checked against an M/M/1 port whose stability
//! boundary is known (ρ = 1), an input that changes nothing (its spread is exactly
//! zero: common random numbers), and thread counts.

use corridor::experiment::Experiment;
use corridor::experiment::capacity::{CapacitySearch, Criterion, search};
use corridor::experiment::uncertainty::{UncertainError, UncertainRunSettings, across_inputs, capacity_across_inputs};
use corridor::scenario::Scenario;

#[path = "common/mmc_capacity.rs"]
mod mmc_capacity;
use mmc_capacity::{MMC, analytic_lambda};

/// One berth, exponential service of 10 h (876 ships a year at most), Poisson
/// arrivals of `ships_per_year` (uncertain: 350 to 1,400, ρ 0.40 to 1.60), and an
/// idle berth class nobody calls at whose count is uncertain too.
const PORT: &str = r#"
[scenario]
name = "M/M/1 with an uncertain arrival rate"
horizon_days = 1500
warmup_days = 100
replications = 8
seed = 7

[ports.port]
yard_capacity_tonnes = 0
berths.dry = { count = 1, service_hours = { dist = "exponential", mean = 10.0 } }
berths.liquid_bulk = { count = 1, service_hours = { dist = "constant", value = 5.0 } }

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 600
cargo_tonnes = { dist = "constant", value = 1000.0 }

[variants.busy]
description = "twice the ships, whatever their uncertain number"
scale = { "ship_arrivals.ships.ships_per_year" = 2.0 }

[uncertain.arrivals]
path = "ship_arrivals.ships.ships_per_year"
range = [350.0, 1400.0]
reason = "test: rho from 0.40 to 1.60"

[uncertain.idle_berths]
path = "ports.port.berths.liquid_bulk.count"
range = [1.0, 3.0]
reason = "test: berths no ship uses"
"#;

fn run(threads: usize, scenarios: usize) -> corridor::experiment::uncertainty::UncertainRun {
    let scenario = Scenario::from_str(PORT, "mm1_uncertain.toml").expect("valid test scenario");
    let mut exp = Experiment::for_scenario(&scenario).variants(["base", "busy"]);
    exp.threads = Some(threads);
    let nominal = exp.run(&scenario, None).expect("runs");
    across_inputs(&scenario, &nominal, &exp, &UncertainRunSettings { scenarios, seed: 11 }, None).expect("runs")
}

#[test]
fn stability_across_inputs_follows_rho_and_an_inert_input_spreads_nothing() {
    let result = run(2, 10);
    assert_eq!(result.factors.len(), 2);
    let arrivals = result.factors.iter().position(|f| f.name == "arrivals").unwrap();
    let v = &result.variants[0];
    for (x, stable) in result.design.iter().zip(&v.stable) {
        let rho = (350.0 + 1050.0 * x[arrivals]) / 876.0;
        if rho < 0.88 {
            assert!(stable, "ρ {rho:.2} is stable");
        }
        if rho >= 1.0 {
            assert!(!stable, "ρ {rho:.2} is never stable");
        }
    }
    let k = v.stable.iter().filter(|s| **s).count();
    assert!((4..=5).contains(&k), "{k} of 10 stable: strata below ρ 0.88 are 4, the one up to ρ 1.0 may be");
    assert!(v.leans[arrivals] > 0.4, "a high arrival rate pushes it over: {}", v.leans[arrivals]);
    let [lo, hi] = v.stable_share_ci95;
    assert!(lo < v.stable_share && v.stable_share < hi);

    // A variant that doubles the uncertain number doubles the drawn value: stable
    // only where twice the arrivals stay below capacity (ρ < 1 for u < 0.08).
    let busy = &result.variants[1];
    assert_eq!(busy.variant, "busy");
    for (x, stable) in result.design.iter().zip(&busy.stable) {
        let rho = 2.0 * (350.0 + 1050.0 * x[arrivals]) / 876.0;
        if rho >= 1.0 {
            assert!(!stable, "busy at ρ {rho:.2} is never stable");
        }
    }
    assert!(busy.stable.iter().filter(|s| **s).count() <= 1);

    // The idle berths change nothing: with the arrival rate held (a one-input file),
    // every input scenario gives the nominal run's numbers exactly.
    let (before, after) = (PORT.find("[uncertain.arrivals]").unwrap(), PORT.find("[uncertain.idle_berths]").unwrap());
    let inert = format!("{}{}", &PORT[..before], &PORT[after..]);
    let scenario = Scenario::from_str(&inert, "inert.toml").expect("valid");
    let exp = Experiment::for_scenario(&scenario);
    let nominal = exp.run(&scenario, None).unwrap();
    let flat = across_inputs(&scenario, &nominal, &exp, &UncertainRunSettings { scenarios: 5, seed: 3 }, None).unwrap();
    assert_eq!(flat.factors.len(), 1);
    let wait =
        flat.variants[0].kpis.iter().find(|k| k.kpi == "port.port.ship_wait_hours.mean").expect("a headline KPI");
    assert!(wait.means.iter().all(|m| *m == wait.nominal), "{:?} vs {}", wait.means, wait.nominal);
    assert_eq!((wait.p10, wait.p90), (wait.nominal, wait.nominal));
    assert!(wait.noise_half_width > 0.0, "the simulation noise is still there: {}", wait.noise_half_width);
}

#[test]
fn the_same_seed_gives_the_same_answer_on_any_number_of_threads() {
    let one = serde_json::to_string(&run(1, 4)).unwrap();
    let two = serde_json::to_string(&run(2, 4)).unwrap();
    assert_eq!(one, two);
}

#[test]
fn a_scenario_without_uncertain_inputs_is_told_what_to_add() {
    let scenario = Scenario::load("scenarios/mmc_port.toml").unwrap();
    let mut exp = Experiment::for_scenario(&scenario);
    exp.replications = 2;
    let nominal = exp.run(&scenario, None).unwrap();
    let err =
        across_inputs(&scenario, &nominal, &exp, &UncertainRunSettings { scenarios: 4, seed: 1 }, None).unwrap_err();
    assert!(matches!(err, UncertainError::NoInputs));
    assert!(err.to_string().contains("[uncertain.<id>]"), "{err}");
}

#[test]
fn the_sustainable_factor_across_inputs_follows_erlang_c_in_each_input_scenario() {
    // M/M/3 with 10–14 h calls (uncertain) and a 6 h limit on the mean wait: in each
    // input scenario the sustainable factor is where Erlang C's wait reaches 6 h.
    let text = format!(
        "{MMC}\n[uncertain.calls]\npath = \"ports.port.berths.dry.service_hours.mean\"\nrange = [10.0, 14.0]\nreason = \"a test range\"\n"
    );
    let scenario = Scenario::from_str(&text, "mmc.toml").unwrap_or_else(|e| panic!("{e}"));
    let criterion = Criterion::parse("port.port.ship_wait_hours.mean <= 6").unwrap();
    let mut s = CapacitySearch::new(vec!["ships".into()], vec![criterion]);
    s.max_factor = 2.0;
    s.resolution = 0.01;
    let exp = Experiment::for_scenario(&scenario).replications(10).seed(7).threads(2);
    let nominal = search(&scenario, "base", &s, &exp, None).unwrap();
    let settings = UncertainRunSettings { scenarios: 8, seed: 3 };
    let u = capacity_across_inputs(&scenario, &[nominal], &s, &exp, &settings, None).unwrap();
    let v = &u.variants[0];
    let lambda0 = 1460.0 / 8760.0;
    let mut covered = 0;
    for (x, a) in u.design.iter().zip(&v.answers) {
        let calls = 10.0 + 4.0 * x[0];
        let truth = analytic_lambda(6.0, 1.0 / calls, 3) / lambda0;
        let [lo, hi] = a.ci95.expect("the wait rises with demand: an interval");
        eprintln!("calls {calls:.2} h: Erlang C ×{truth:.3}, found ×{:.3} ({lo:.3}–{hi:.3})", a.factor);
        covered += usize::from(lo <= truth && truth <= hi);
        assert!((a.factor - truth).abs() < 0.06, "calls {calls:.2} h: ×{:.3} against ×{truth:.3}", a.factor);
    }
    // Eight 95 % intervals: 6 or more cover with probability 0.994.
    assert!(covered >= 6, "{covered} of 8 intervals hold Erlang C's answer");
    // Longer calls, less room: the one unknown decides the answer, downwards.
    assert!(v.rank_correlations[0] < -0.9, "rank correlation {}", v.rank_correlations[0]);
    let (fastest, slowest) =
        (analytic_lambda(6.0, 1.0 / 10.0, 3) / lambda0, analytic_lambda(6.0, 1.0 / 14.0, 3) / lambda0);
    assert!(slowest < v.p10 && v.p10 <= v.median && v.median <= v.p90 && v.p90 < fastest, "{v:?}");
    assert_eq!(v.binding, vec![("port.port.berths.dry".to_string(), 8)]);
}

#[test]
fn a_rank_correlation_called_beyond_chance_is_chance_one_time_in_twenty() {
    // The reports name an unknown as moving an answer when |Spearman ρ| ≥ 1.96/√(N−1)
    // across N input scenarios. For an unknown that moves nothing (its positions and
    // the answers independent), that must happen about 5 % of the time: 4,000 Latin
    // hypercubes of two factors, the second standing for the answer.
    use corridor::experiment::uncertainty::{beyond_chance, latin_hypercube, spearman};
    for n in [10usize, 20, 40] {
        let threshold = beyond_chance(n);
        let trials = 4_000;
        let called = (0..trials)
            .filter(|&seed| {
                let design = latin_hypercube(n, 2, seed as u64);
                let (x, y): (Vec<f64>, Vec<f64>) = design.iter().map(|p| (p[0], p[1])).unzip();
                spearman(&x, &y).abs() >= threshold
            })
            .count();
        let rate = called as f64 / trials as f64;
        // Binomial error at 5 % over 4,000 trials: ±0.7 points at 2σ; the normal
        // approximation of ρ's null distribution adds a little at N = 10.
        assert!(
            (0.038..=0.062).contains(&rate),
            "N = {n}: called beyond chance in {:.1} % of null cases",
            rate * 100.0
        );
    }
}

#[test]
fn the_stable_share_interval_covers_the_share_of_the_input_ranges() {
    // The stable share over N input scenarios carries a 95 % Wilson interval for the
    // share of the input ranges in which the variant is stable. With stability decided
    // by two unknowns together (x + y < 1.2, a share of 0.68 of the unit square), the
    // interval must cover 0.68 in at least 95 % of Latin hypercubes (LHS only narrows
    // the spread of the count, so it may cover more often).
    use corridor::experiment::uncertainty::{latin_hypercube, wilson};
    let truth = 1.0 - 0.8 * 0.8 / 2.0;
    for n in [10usize, 20, 50] {
        let trials = 2_000;
        let covered = (0..trials)
            .filter(|&seed| {
                let stable = latin_hypercube(n, 2, 1_000 + seed as u64).iter().filter(|p| p[0] + p[1] < 1.2).count();
                let [lo, hi] = wilson(stable, n);
                lo <= truth && truth <= hi
            })
            .count();
        let rate = covered as f64 / trials as f64;
        assert!(rate >= 0.94, "N = {n}: the interval covered the share in {:.1} % of designs", rate * 100.0);
    }
}
