//! The robust plan (`corridor plan --robust P --uncertain N`) on a case whose answer
//! follows from Erlang C: two M/M/c ports whose demand is uncertain (one factor on
//! both), and berths to add at each. The cheapest plan feasible in at least a share P
//! of the drawn input scenarios is the cheapest berth counts whose Erlang C waits hold
//! at (at least) ⌈P·N⌉ of the drawn demand factors.

use corridor::experiment::Experiment;
use corridor::experiment::capacity::Criterion;
use corridor::experiment::plan::robust::{self, Robustness};
use corridor::experiment::plan::{PlanError, PlanSearch, search};
use corridor::scenario::Scenario;
use corridor::stats::queueing::mmc_wq;

/// Port a: 1,100 ships a year, 12 h calls, 2 berths; port b: 2,000 ships, 10 h calls,
/// 3 berths. Demand ×0.8 to ×1.3 on both. A berth more or two at each port.
const TWO_UNCERTAIN_PORTS: &str = include_str!("common/robust_two_ports.toml");

const CRITERIA: [&str; 2] = ["port.a.ship_wait_hours.mean <= 4", "port.b.ship_wait_hours.mean <= 2"];

/// Port a's and b's Erlang C mean waits (hours) at demand factor `f` with `a` and `b`
/// berths.
fn waits(f: f64, a: u32, b: u32) -> (f64, f64) {
    let wq = |ships: f64, mean: f64, c: u32| mmc_wq(ships * f / 8760.0, 1.0 / mean, c).unwrap_or(f64::INFINITY);
    (wq(1100.0, 12.0, a), wq(2000.0, 10.0, b))
}

/// Whether `f` holds with `a` and `b` berths, each wait within `(1 + slack)` × its limit.
fn holds(f: f64, a: u32, b: u32, slack: f64) -> bool {
    let (wa, wb) = waits(f, a, b);
    wa <= 4.0 * (1.0 + slack) && wb <= 2.0 * (1.0 + slack)
}

/// The plans in cost order, as (ids, berths at a, berths at b).
fn plans() -> Vec<(Vec<&'static str>, u32, u32, f64)> {
    let mut all = Vec::new();
    for extra_a in 0..=2u32 {
        for extra_b in 0..=2u32 {
            let mut ids = Vec::new();
            ids.extend(["a_berth", "a_second_berth"].iter().take(extra_a as usize));
            ids.extend(["b_berth", "b_second_berth"].iter().take(extra_b as usize));
            all.push((ids, 2 + extra_a, 3 + extra_b, f64::from(extra_a) * 10e6 + f64::from(extra_b) * 14e6));
        }
    }
    all.sort_by(|x, y| x.3.total_cmp(&y.3));
    all
}

/// The cheapest plan holding at `needed` of `factors`, by Erlang C with `slack`.
fn cheapest(factors: &[f64], needed: usize, slack: f64) -> Vec<&'static str> {
    let (mut ids, _, _, _) = plans()
        .into_iter()
        .find(|(_, a, b, _)| factors.iter().filter(|f| holds(**f, *a, *b, slack)).count() >= needed)
        .expect("some plan holds");
    ids.sort();
    ids
}

fn settings() -> PlanSearch {
    PlanSearch::new(CRITERIA.iter().map(|c| Criterion::parse(c).unwrap()).collect())
}

fn ids(plan: &corridor::experiment::plan::Plan) -> Vec<&str> {
    let mut ids: Vec<&str> = plan.upgrades.iter().map(|u| u.id.as_str()).collect();
    ids.sort();
    ids
}

#[test]
fn the_robust_plan_is_the_erlang_c_answer_at_the_drawn_demands() {
    let scenario = Scenario::from_str(TWO_UNCERTAIN_PORTS, "two.toml").unwrap_or_else(|e| panic!("{e}"));
    let experiment = Experiment::for_scenario(&scenario).seed(11).threads(2);
    let search_settings = settings();

    // The nominal plan: the demand as written.
    let nominal = search(&scenario, "base", &search_settings, &experiment, None).unwrap();
    assert_eq!(ids(&nominal.best[0].evaluation.plan), cheapest(&[1.0], 1, 0.0));

    // At 0.85 the answer holds in exactly the 17 input scenarios it must.
    for share in [0.8, 0.85, 0.95] {
        let robustness = Robustness { share, scenarios: 20, seed: 5 };
        let answer = robust::search(&scenario, "base", &search_settings, &robustness, &experiment, None).unwrap();
        let factors: Vec<f64> = answer.design.iter().map(|x| 0.8 + 0.5 * x[0]).collect();
        let needed = robustness.needed();
        // The Erlang C answer is the same whether the draws near a limit (within the
        // indifference zone) count as holding or not: the case decides it clearly.
        let expected = cheapest(&factors, needed, 0.0);
        assert_eq!(expected, cheapest(&factors, needed, 0.05), "test setup: a draw sits at a limit");
        assert_eq!(expected, cheapest(&factors, needed, -0.05), "test setup: a draw sits at a limit");
        let plan = answer.plan.as_ref().unwrap_or_else(|| panic!("P {share}: no plan ({:?})", answer.stopped));
        assert_eq!(ids(&plan.plan), expected, "P {share}");
        assert!(plan.robust && plan.feasible_in >= needed && plan.calls.len() == 20, "P {share}: {plan:?}");
        // Where it is called feasible is where Erlang C says it holds (outside the zone).
        let (a, b) = plans()
            .into_iter()
            .find(|p| {
                let mut i = p.0.clone();
                i.sort();
                i == expected
            })
            .map(|p| (p.1, p.2))
            .unwrap();
        for call in &plan.calls {
            let f = factors[call.scenario];
            if holds(f, a, b, -0.05) {
                assert!(call.feasible, "P {share}: factor {f:.3} holds by Erlang C: {call:?}");
            }
            if !holds(f, a, b, 0.05) {
                assert!(!call.feasible, "P {share}: factor {f:.3} fails by Erlang C: {call:?}");
                assert!(!call.failures.is_empty());
            }
        }
        // The counts add up, and a plan counted as simulated ran replications.
        assert_eq!(
            answer.considered,
            answer.ruled_out_by_bound + answer.ruled_out_without_simulating + answer.evaluated.len() as u64,
            "P {share}"
        );
        for e in &answer.evaluated {
            assert!(e.calls.iter().map(|c| c.replications).sum::<u64>() > 0, "P {share}: not simulated: {e:?}");
        }
        // Every cheaper plan simulated was found not robust.
        for e in answer.evaluated.iter().filter(|e| e.plan.cost < plan.plan.cost) {
            assert!(!e.robust && e.feasible_in < needed, "{e:?}");
        }
        // Stopped early, it says what a robust plan costs at least; that must not
        // exceed the answer the whole search finds.
        let mut short = search_settings.clone();
        short.max_simulated = 1;
        let stopped = robust::search(&scenario, "base", &short, &robustness, &experiment, None).unwrap();
        if stopped.plan.is_none() {
            let at_least = stopped.reached_cost.expect("plans were taken");
            assert!(stopped.stopped.is_some(), "P {share}");
            assert!(at_least <= plan.plan.cost, "P {share}: at least {at_least} > the answer {}", plan.plan.cost);
            assert!(stopped.evaluated.iter().all(|e| e.plan.cost <= at_least), "P {share}");
            #[cfg(feature = "cli")]
            assert!(corridor::report::plan::robust_text(&stopped).contains("costs at least"), "P {share}");
        }
        let [lo, hi] = answer.share_ci95.unwrap();
        let share_seen = plan.feasible_in as f64 / 20.0;
        assert!(lo <= share_seen && share_seen <= hi && lo >= 0.0 && hi <= 1.0);
    }
}

#[test]
fn a_robust_plan_needs_uncertain_inputs_and_a_share_in_range() {
    let scenario = Scenario::from_str(TWO_UNCERTAIN_PORTS, "two.toml").unwrap();
    let experiment = Experiment::for_scenario(&scenario).seed(1).threads(1);
    for (share, n, needle) in [(0.0, 10, "--robust"), (1.5, 10, "--robust"), (0.8, 1, "--uncertain")] {
        let robustness = Robustness { share, scenarios: n, seed: 1 };
        match robust::search(&scenario, "base", &settings(), &robustness, &experiment, None) {
            Err(PlanError::Settings(m)) => assert!(m.contains(needle), "{m}"),
            other => panic!("{share} {n}: {:?}", other.map(|a| a.plan)),
        }
    }
    let plain = TWO_UNCERTAIN_PORTS.split("[uncertain.demand_a]").next().unwrap();
    let scenario = Scenario::from_str(plain, "two.toml").unwrap();
    let robustness = Robustness { share: 0.8, scenarios: 10, seed: 1 };
    match robust::search(&scenario, "base", &settings(), &robustness, &experiment, None) {
        Err(e) => assert!(e.to_string().contains("uncertain"), "{e}"),
        Ok(_) => panic!("a robust plan without uncertain inputs ran"),
    }
}

#[test]
fn a_plan_that_cannot_be_formed_in_one_input_scenario_names_it() {
    // Port a (3,000 ships a year) is overloaded with 2 or 3 berths, and its count is
    // uncertain (2 or 3): where it is 3, the candidate adding 998 berths is worked out
    // and cannot be formed (a port has at most 1,000), and the error says in which
    // input scenario.
    let text = TWO_UNCERTAIN_PORTS.replacen("ships_per_year = 1100", "ships_per_year = 3000", 1)
        + "\n[candidates.a_many]\ncapital_cost = 1e6\nadd = { \"ports.a.berths.dry.count\" = 998 }\n"
        + "\n[uncertain.a_berths]\npath = \"ports.a.berths.dry.count\"\nrange = [2, 3]\nreason = \"test\"\n";
    let scenario = Scenario::from_str(&text, "two.toml").unwrap_or_else(|e| panic!("{e}"));
    let experiment = Experiment::for_scenario(&scenario).seed(1).threads(2);
    let robustness = Robustness { share: 0.5, scenarios: 4, seed: 3 };
    let e = match robust::search(&scenario, "base", &settings(), &robustness, &experiment, None) {
        Err(e) => e.to_string(),
        Ok(a) => panic!("a berth beyond the most was formed: {:?}", a.plan),
    };
    assert!(e.contains("in input scenario ") && e.contains("a_berths at ") && e.contains("of its range"), "{e}");
    assert!(e.contains("ports.a.berths.dry.count"), "{e}");
}

#[test]
fn no_robust_plan_names_the_input_scenarios_no_candidate_can_relieve() {
    // Demand ×0.8 to ×3.5 on both ports. With both extra berths, port b (5 berths of
    // 10 h calls, 4,380 calls a year) is overloaded above ×2.19 of its 2,000 ships and
    // port a (4 of 12 h, 2,920) above ×2.65 of its 1,100: in those input scenarios no
    // plan of these candidates can hold, whatever simulation would say, and the search
    // must say which they are.
    let text = TWO_UNCERTAIN_PORTS.replace("factor = [0.8, 1.3]", "factor = [0.8, 3.5]");
    let scenario = Scenario::from_str(&text, "two.toml").unwrap_or_else(|e| panic!("{e}"));
    let experiment = Experiment::for_scenario(&scenario).seed(1).threads(2);
    let robustness = Robustness { share: 0.8, scenarios: 10, seed: 5 };
    let answer = robust::search(&scenario, "base", &settings(), &robustness, &experiment, None).unwrap();
    assert!(answer.plan.is_none(), "a robust plan was found: {:?}", answer.plan);
    let demand = |u: f64| 0.8 + u * (3.5 - 0.8);
    let overloaded: Vec<usize> = (0..answer.design.len())
        .filter(|&i| {
            let f = demand(answer.design[i][0]);
            2000.0 * f * 10.0 > 5.0 * 8760.0 || 1100.0 * f * 12.0 > 4.0 * 8760.0
        })
        .collect();
    assert!(overloaded.len() > 2, "the design should overload more than N − ⌈P·N⌉ = 2 input scenarios: {overloaded:?}");
    let stopped = answer.stopped.expect("the search says why it stopped");
    assert!(stopped.contains(&format!("In {} of them", overloaded.len())), "{stopped}");
    assert!(stopped.contains(&format!("(at most {} can)", 10 - overloaded.len())), "{stopped}");
    for i in 0..answer.design.len() {
        let named = stopped.contains(&format!("input scenario {} (", i + 1));
        assert_eq!(
            named,
            overloaded.contains(&i),
            "input scenario {} at ×{:.2}: {stopped}",
            i + 1,
            demand(answer.design[i][0])
        );
    }
    assert!(stopped.contains("at port.b.berths.dry"), "{stopped}");
}
