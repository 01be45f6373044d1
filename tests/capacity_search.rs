//! The capacity search against theory: on an M/M/c port the largest arrival rate whose
//! mean wait stays within a threshold is the root of Erlang C's `Wq(λ) = W`, and the
//! search's 95 % interval must contain it. Also: what binds is named, a criterion on
//! an unknown KPI names the nearest keys, and a corridor that holds at every factor
//! says "at least".

use corridor::experiment::Experiment;
use corridor::experiment::capacity::{CapacityError, CapacitySearch, Criterion, search};
use corridor::scenario::Scenario;

#[path = "common/mmc_capacity.rs"]
mod mmc_capacity;
use mmc_capacity::{MMC, analytic_lambda};

fn experiment(scenario: &Scenario, replications: u64) -> Experiment {
    Experiment::for_scenario(scenario).replications(replications).seed(7).threads(2)
}

#[test]
fn on_an_mmc_port_the_interval_contains_the_erlang_c_answer() {
    let scenario = Scenario::from_str(MMC, "mmc.toml").unwrap();
    let lambda0 = 1460.0 / 8760.0;
    for w in [8.0, 12.0] {
        let f_star = analytic_lambda(w, 1.0 / 12.0, 3) / lambda0;
        let criterion = Criterion::parse(&format!("port.port.ship_wait_hours.mean <= {w}")).unwrap();
        let mut s = CapacitySearch::new(vec!["ships".into()], vec![criterion]);
        s.max_factor = 1.45; // ρ = 0.97 at the top: still a queue that settles.
        s.resolution = 0.005;
        let answer = search(&scenario, "base", &s, &experiment(&scenario, 20), None).unwrap();
        let [lo, hi] = answer.ci95.expect("the wait rises with demand: an interval");
        eprintln!(
            "W = {w} h: analytic ×{f_star:.4}; search ×{:.4} (95 % CI {lo:.4}–{hi:.4}) after {} points",
            answer.factor,
            answer.evaluations.len()
        );
        assert!(!answer.at_least, "W = {w}: the top factor should fail");
        assert!(lo <= f_star && f_star <= hi, "W = {w}: analytic factor {f_star:.4} outside the CI [{lo:.4}, {hi:.4}]");
        assert!(hi - lo < 0.08, "W = {w}: the CI [{lo:.4}, {hi:.4}] is too wide to mean anything");
        assert!((answer.factor - f_star).abs() < 0.04, "W = {w}: answer {:.4} vs analytic {f_star:.4}", answer.factor);
        let binds = answer.binding_criterion.unwrap();
        assert!(binds.starts_with("port.port.ship_wait_hours.mean <="), "W = {w}: binds {binds}");
        assert_eq!(answer.binding_resource.unwrap().resource, "port.port.berths.dry");
        // Common random numbers: the mean wait rises with the factor at every point evaluated.
        let waits: Vec<f64> = answer.evaluations.iter().map(|e| e.criteria[0].mean).collect();
        assert!(waits.windows(2).all(|p| p[0] <= p[1]), "W = {w}: waits not monotone in the factor: {waits:?}");
    }
}

#[test]
fn overload_binds_through_stability_when_no_criterion_does() {
    // No criterion: the search stops where the backlog starts to grow, at ρ = 1
    // (factor 1.5 for ρ = 2/3 at ×1). Queued ships are cargo waiting at the port.
    let scenario = Scenario::from_str(MMC, "mmc.toml").unwrap();
    let mut s = CapacitySearch::new(vec!["ships".into()], Vec::new());
    s.max_factor = 2.0;
    s.resolution = 0.01;
    let answer = search(&scenario, "base", &s, &experiment(&scenario, 10), None).unwrap();
    assert!(answer.factor > 1.3 && answer.factor <= 1.52, "factor {:.3}", answer.factor);
    assert_eq!(answer.binding_criterion.as_deref(), Some("stability"));
    let summary = answer.breaking_summary.unwrap();
    assert!(summary.starts_with("unstable") || summary.starts_with("inconclusive"), "{summary}");
}

#[test]
fn unknown_keys_and_tags_are_refused_with_the_nearest_names() {
    let scenario = Scenario::from_str(MMC, "mmc.toml").unwrap();
    let c = Criterion::parse("port.port.ship_wait_hour.mean <= 3").unwrap();
    let e =
        search(&scenario, "base", &CapacitySearch::new(vec![], vec![c]), &experiment(&scenario, 2), None).unwrap_err();
    assert!(matches!(e, CapacityError::Criterion(_)));
    assert!(e.to_string().contains("port.port.ship_wait_hours.mean"), "{e}");
    let e = search(
        &scenario,
        "base",
        &CapacitySearch::new(vec!["transit".into()], vec![]),
        &experiment(&scenario, 2),
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("tags in this scenario: ships"), "{e}");
}

#[test]
fn a_corridor_that_holds_everywhere_says_at_least() {
    let scenario = Scenario::from_str(MMC, "mmc.toml").unwrap();
    let mut s = CapacitySearch::new(vec!["ships".into()], Vec::new());
    s.max_factor = 1.2;
    let answer = search(&scenario, "base", &s, &experiment(&scenario, 4), None).unwrap();
    assert!(answer.at_least && answer.factor == 1.2, "{answer:?}");
    assert_eq!(answer.evaluations.len(), 2);
}

#[test]
fn a_sweep_can_vary_the_demand_factor_of_tagged_arrivals() {
    let text = format!(
        "{MMC}\n[sweep]\nkpi = \"port.port.ship_calls\"\n[[sweep.axes]]\nparameter = \"demand_factor\"\ntags = [\"ships\"]\nvalues = [0.5, 1.0]\n"
    );
    let scenario = Scenario::from_str(&text, "sweep.toml").unwrap();
    let result = corridor::experiment::sweep::run_sweep(&scenario, &experiment(&scenario, 4), None).unwrap();
    let calls: Vec<f64> =
        result.result.variants.iter().map(|v| v.summary("port.port.ship_calls").unwrap().mean).collect();
    // 1,460 ships a year for 10 years at ×1; half that at ×0.5 (Poisson noise ~1 %).
    assert!((calls[1] / 14_600.0 - 1.0).abs() < 0.03, "{calls:?}");
    assert!((calls[0] / calls[1] - 0.5).abs() < 0.02, "{calls:?}");
    let bad = text.replace("tags = [\"ships\"]\nvalues", "tags = [\"trucks\"]\nvalues");
    let e = Scenario::from_str(&bad, "sweep.toml").unwrap_err().to_string();
    assert!(e.contains("sweep.axes[0].tags[0]") && e.contains("one of: ships"), "{e}");
}

/// Ships that sail only when full (or after 400 h): at low demand cargo waits long
/// for a ship to fill, so transit times fall as demand rises, until the two ships
/// cannot keep up (about ×27).
const FILL_TO_SAIL: &str = r#"
[scenario]
name = "ships that wait to fill"
horizon_days = 730
warmup_days = 60

[ports.a]
yard_capacity_tonnes = 1000000
berths.dry = { count = 1, handling_tonnes_per_hour = 1000.0, berthing_hours = 1.0 }

[ports.b]
yard_capacity_tonnes = 1000000
berths.dry = { count = 1, handling_tonnes_per_hour = 1000.0, berthing_hours = 1.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 10.0 }

[ship_services.shuttle]
class = "dry"
vessels = 2
capacity_tonnes = 5000
route = ["a", "b"]
fill_threshold = 1.0
max_wait_hours = 400
wait_for_cargo_at = ["a"]

[flows.cargo]
route = ["a", "b"]
class = "dry"
annual_tonnes = 100000
consignment_tonnes = { dist = "constant", value = 100.0 }
tags = ["cargo"]
"#;

#[test]
fn a_criterion_that_holds_again_at_higher_demand_is_reported_without_an_interval() {
    // Transit ≤ 100 h fails at ×1 (cargo waits ~200 h for a ship to fill) and below,
    // holds from about ×4 (a ship fills in under 110 h) to the fleet's limit.
    let scenario = Scenario::from_str(FILL_TO_SAIL, "fill.toml").unwrap();
    let criterion = Criterion::parse("flow.cargo.transit_hours.mean <= 100").unwrap();
    let mut s = CapacitySearch::new(vec!["cargo".into()], vec![criterion]);
    s.max_factor = 20.0;
    let answer = search(&scenario, "base", &s, &experiment(&scenario, 10), None).unwrap();
    assert!(answer.factor < 1.0, "{}", answer.factor);
    assert!(answer.ci95.is_none(), "a confident interval on a non-monotone response: {:?}", answer.ci95);
    assert!(answer.non_monotone.iter().any(|f| (5.0..=20.0).contains(f)), "holds again at {:?}", answer.non_monotone);
    let text = corridor::report::capacity::answers_text(&s, std::slice::from_ref(&answer), 7);
    assert!(text.contains("NOT MONOTONE") && text.contains("not monotone"), "{text}");
}

#[test]
fn out_of_range_settings_are_refused_before_any_simulation() {
    let scenario = Scenario::from_str(MMC, "mmc.toml").unwrap();
    for (max, resolution, flag) in [(3.0, 1e-16, "--resolution"), (1e308, 0.01, "--max-factor")] {
        let mut s = CapacitySearch::new(vec![], vec![]);
        s.max_factor = max;
        s.resolution = resolution;
        let e = search(&scenario, "base", &s, &experiment(&scenario, 2), None).unwrap_err();
        assert!(matches!(e, CapacityError::Settings(_)) && e.to_string().contains(flag), "{e}");
    }
}

#[test]
fn above_one_over_rho_the_search_never_answers_stable() {
    // M/M/2 at ρ 0.8: stability binds at ×1.25. Whatever the noise of five
    // replications, no seed may answer above 1.25 by more than the resolution, and
    // no interval may lie wholly above it. Over ten years a backlog at ρ 1.01 grows
    // by less than 1 % of a day's demand a day: the simulation alone cannot tell.
    let text = MMC.replace("count = 3", "count = 2").replace("ships_per_year = 1460", "ships_per_year = 1168");
    let scenario = Scenario::from_str(&text, "mm2.toml").unwrap();
    let mut s = CapacitySearch::new(vec!["ships".into()], Vec::new());
    s.max_factor = 2.0;
    s.resolution = 0.01;
    let (mut above, mut intervals_above) = (0, 0);
    let seeds = 40;
    for seed in 1..=seeds {
        let exp = Experiment::for_scenario(&scenario).replications(5).seed(seed).threads(2);
        let answer = search(&scenario, "base", &s, &exp, None).unwrap();
        above += u32::from(answer.factor > 1.25 + s.resolution);
        intervals_above += u32::from(answer.ci95.is_some_and(|[lo, _]| lo > 1.25));
    }
    assert_eq!(
        (above, intervals_above),
        (0, 0),
        "answers above 1/ρ: {above} of {seeds}; intervals above: {intervals_above}"
    );
}
