//! Morris screening of uncertain inputs: a linear effect found where the hand
//! computation puts it, an input that changes nothing at exactly zero and never above
//! the noise, the same numbers on any thread count, and mistakes in `[uncertain.*]`
//! reported at their line.

use corridor::experiment::sensitivity::{
    Method, MorrisSettings, Sensitivity, SensitivityShard, SobolSettings, merge_shards, morris, run_shard, sobol,
};
use corridor::scenario::{STARTER, Scenario};

/// The starter corridor with uncertain inputs: its demand (600 kt/yr) anywhere in
/// 400–800 kt/yr, and a cap that no run reaches.
fn scenario() -> Scenario {
    let text = format!(
        "{STARTER}
[uncertain.demand]
path = \"flows.goods.annual_tonnes\"
range = [400000.0, 800000.0]
reason = \"what the shippers may send\"

[uncertain.inert]
path = \"scenario.max_events_per_replication\"
factor = [1.0, 2.0]
reason = \"a cap no run reaches: changes nothing\"
"
    );
    Scenario::from_str(&text, "uncertain.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn screen(threads: usize) -> Sensitivity {
    let settings = MorrisSettings { trajectories: 8, replications: 6, seed: 5 };
    let kpis = ["flow.goods.generated_tonnes".to_string(), "port.west.ship_wait_hours.mean".to_string()];
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| morris(&scenario(), "baseline", &kpis, &settings, None)).unwrap()
}

#[test]
fn a_linear_input_is_found_where_the_hand_computation_puts_it_and_an_inert_one_at_zero() {
    let s = screen(2);
    assert_eq!(s.points, 8 * 3);
    let generated = &s.kpis[0];
    let demand = generated.effects.iter().find(|e| e.factor == "demand").unwrap();
    // Generated tonnes over a 365-day window: 400 kt more a year over the range.
    let expected = 400_000.0;
    eprintln!(
        "demand: μ* {:.0} ({:.0}–{:.0}), noise {:.0}",
        demand.mu_star, demand.mu_star_ci95[0], demand.mu_star_ci95[1], demand.noise
    );
    assert!(
        demand.mu_star_ci95[0] <= expected && expected <= demand.mu_star_ci95[1],
        "μ* interval {:?} misses {expected}",
        demand.mu_star_ci95
    );
    assert!(demand.mu > 0.0 && demand.above_noise && generated.effects[0].factor == "demand");
    for k in &s.kpis {
        let inert = k.effects.iter().find(|e| e.factor == "inert").unwrap();
        assert_eq!((inert.mu_star, inert.sigma, inert.noise), (0.0, 0.0, 0.0), "{}", k.kpi);
        assert!(!inert.above_noise);
    }
}

#[test]
fn the_screening_is_the_same_on_any_thread_count() {
    assert_eq!(screen(1), screen(2));
}

#[test]
fn unknown_kpis_and_too_few_samples_are_refused() {
    let settings = MorrisSettings { trajectories: 4, replications: 2, seed: 1 };
    let e = morris(&scenario(), "baseline", &["flow.goods.generated_tonne".into()], &settings, None).unwrap_err();
    assert!(e.to_string().contains("flow.goods.generated_tonnes"), "{e}");
    let few = MorrisSettings { trajectories: 1, ..settings };
    assert!(morris(&scenario(), "baseline", &["system.events".into()], &few, None).is_err());
    let starter = Scenario::from_str(STARTER, "starter.toml").unwrap();
    let e = morris(&starter, "baseline", &["system.events".into()], &settings, None).unwrap_err();
    assert!(e.to_string().contains("no uncertain inputs"), "{e}");
}

#[test]
fn uncertain_input_mistakes_are_located_errors() {
    let cases = [
        ("path = \"flows.goods.annual_tonnes\"\nrange = [1.0, 2.0]\n", "`source`"),
        ("path = \"flows.goods.annual_tonnes\"\nrange = [2.0, 1.0]\nreason = \"r\"\n", "is not a range"),
        ("path = \"flows.goods.annual_tonnes\"\nrange = [1.0, 2.0]\nfactor = [1.0, 2.0]\nreason = \"r\"\n", "not both"),
        ("path = \"flows.good.annual_tonnes\"\nrange = [1.0, 2.0]\nreason = \"r\"\n", "does not exist"),
        ("path = \"flows.goods.class\"\nrange = [1.0, 2.0]\nreason = \"r\"\n", "not a number"),
        ("path = \"ship_services.ferry.fill_threshold\"\nrange = [0.5, 1.5]\nreason = \"r\"\n", "high end"),
        ("path = \"flows.goods.annual_tonnes\"\nreason = \"r\"\n", "no range"),
    ];
    for (body, expected) in cases {
        let text = format!("{STARTER}\n[uncertain.x]\n{body}");
        let e = Scenario::from_str(&text, "u.toml").expect_err(body).to_string();
        assert!(e.contains(expected), "{body}: {e}");
        assert!(e.contains("u.toml:"), "{body}: not located: {e}");
    }
}

#[test]
fn the_stated_noise_is_the_spread_of_the_effect_over_seeds() {
    // The same screening on 16 seeds: the demand effect's μ varies from seed to seed
    // by simulation noise alone (its true value is fixed), and that spread is what
    // each screening states as its noise (shared by its trajectories, so it does not
    // shrink with them).
    let kpis = ["flow.goods.generated_tonnes".to_string()];
    let (mut mus, mut noises) = (corridor::stats::OnlineStats::new(), corridor::stats::OnlineStats::new());
    for seed in 0..16 {
        let settings = MorrisSettings { trajectories: 4, replications: 6, seed: 100 + seed };
        let s = morris(&scenario(), "baseline", &kpis, &settings, None).unwrap();
        let demand = s.kpis[0].effects.iter().find(|e| e.factor == "demand").unwrap();
        mus.push(demand.mu);
        noises.push(demand.noise);
    }
    let ratio = mus.sd() / noises.mean();
    eprintln!("μ over seeds: sd {:.0}; stated noise {:.0}; ratio {ratio:.2}", mus.sd(), noises.mean());
    // 16 seeds: the sample sd is within a factor 0.55-1.48 of the truth (chi-square, 15
    // degrees of freedom, 99 %).
    assert!((0.55..1.48).contains(&ratio), "the stated noise is off by a factor {ratio:.2}");
}

fn sobol_indices(threads: usize) -> Sensitivity {
    let settings = SobolSettings { samples: 24, replications: 4, seed: 9 };
    let kpis = ["flow.goods.generated_tonnes".to_string(), "flow.goods.transit_hours.mean".to_string()];
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| sobol(&scenario(), "baseline", &kpis, &settings, None)).unwrap()
}

#[test]
fn sobol_indices_put_a_linear_input_at_one_and_an_inert_one_at_exactly_zero() {
    let s = sobol_indices(2);
    assert_eq!((s.method.as_str(), s.points), ("sobol", 24 * (2 + 2)));
    // Generated tonnes are linear in demand: it explains all the variance, alone.
    let generated = &s.sobol[0];
    let demand = &generated.indices[0];
    assert_eq!(demand.factor, "demand");
    for (what, ci) in [("first", demand.index.first_ci95), ("total", demand.index.total_ci95)] {
        assert!(ci[0] <= 1.0 && 1.0 <= ci[1] + 0.02, "{what}-order interval {ci:?} misses 1");
    }
    assert!(generated.noise_share < 0.05, "noise share {}", generated.noise_share);
    // The inert input changes nothing under common random numbers: both indices are
    // exactly zero, on every KPI, however noisy the KPI (transit times vary with
    // demand, and from replication to replication far more).
    assert!(s.sobol[1].noise_share > 0.0 && !s.sobol[1].indices.is_empty());
    for k in &s.sobol {
        let inert = k.indices.iter().find(|e| e.factor == "inert").unwrap();
        assert_eq!((inert.index.first, inert.index.total), (0.0, 0.0), "{}", k.kpi);
    }
}

#[test]
fn sobol_indices_are_the_same_on_any_thread_count() {
    assert_eq!(sobol_indices(1), sobol_indices(2));
}

/// The shards of an analysis, each run on its own as another machine would.
fn shards(
    method: Method,
    replications: u64,
    seed: u64,
    kpis: &[String],
    count: u64,
) -> Vec<(String, SensitivityShard)> {
    (0..count)
        .map(|k| {
            let shard = corridor::experiment::Shard::new(k, count).unwrap();
            let part = run_shard(&scenario(), "baseline", kpis, (method, replications, seed), shard, None).unwrap();
            // Through its file format, as a merge reads it.
            let read: SensitivityShard = serde_json::from_slice(&serde_json::to_vec(&part).unwrap()).unwrap();
            (format!("shard{k}"), read)
        })
        .collect()
}

#[test]
fn sharded_analyses_merge_to_exactly_what_one_machine_gives() {
    let kpis = ["flow.goods.generated_tonnes".to_string(), "port.west.ship_wait_hours.mean".to_string()];
    let json = |s: &Sensitivity| serde_json::to_string(s).unwrap();
    // Morris, in three shards (the shards given in any order).
    let mut parts = shards(Method::Morris { trajectories: 8 }, 6, 5, &kpis, 3);
    parts.reverse();
    let (merged, _) = merge_shards(&parts).unwrap();
    assert_eq!(json(&merged), json(&screen(2)), "Morris: merged shards differ from one machine");
    // Sobol', in two.
    let sobol_kpis = ["flow.goods.generated_tonnes".to_string(), "flow.goods.transit_hours.mean".to_string()];
    let parts = shards(Method::Sobol { samples: 24 }, 4, 9, &sobol_kpis, 2);
    let (merged, _) = merge_shards(&parts).unwrap();
    assert_eq!(json(&merged), json(&sobol_indices(2)), "Sobol': merged shards differ from one machine");
}

#[test]
fn a_missing_repeated_damaged_or_foreign_sensitivity_shard_is_refused() {
    let kpis = ["flow.goods.generated_tonnes".to_string()];
    let parts = shards(Method::Morris { trajectories: 3 }, 3, 5, &kpis, 3);
    let message =
        |parts: &[(String, SensitivityShard)]| merge_shards(parts).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message(&parts[..2]).contains("missing"), "{}", message(&parts[..2]));
    let twice = vec![parts[0].clone(), parts[1].clone(), parts[1].clone()];
    assert!(message(&twice).contains("twice"), "{}", message(&twice));
    let mut damaged = parts.clone();
    damaged[2].1.points[0].1[0][0] = Some(1.0);
    assert!(message(&damaged).contains("shard2: its digest does not match"), "{}", message(&damaged));
    let other = shards(Method::Morris { trajectories: 3 }, 3, 6, &kpis, 3);
    let mixed = vec![parts[0].clone(), parts[1].clone(), other[2].clone()];
    assert!(message(&mixed).contains("another analysis"), "{}", message(&mixed));
}
