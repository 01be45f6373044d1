//! Pooled fleets against queueing theory: two symmetric lines from one home port,
//! each a Poisson stream of one-vessel lots with an exponential round trip, behave
//! as two M/M/1 queues when each line keeps its own vessel (the fixed split) and as
//! one M/M/2 queue when the two vessels are pooled (either dispatch rule). The
//! pooling gain is the difference, and the tolerance is the estimate's own 99 %
//! confidence interval.

use corridor::experiment::{Experiment, VariantResult};
use corridor::model::Network;
use corridor::scenario::Scenario;
use corridor::stats::{OnlineStats, student_t_interval};

/// Mean outbound sailing (hours): the exponential service time of a vessel.
const SAIL_HOURS: f64 = 10.0;
/// Lots an hour on each line.
const LAMBDA: f64 = 0.06;

/// Lines `h → a` and `h → b`, [`LAMBDA`] lots an hour each (see [`two_lines_at`]).
fn two_lines(pool: &str) -> String {
    two_lines_at([LAMBDA, LAMBDA], pool)
}

/// Lines `h → a` and `h → b` with `lambda` lots an hour each: lots of 100 t, one a
/// vessel; the sailing out is exponential, the way back (via a return point) near
/// instantaneous, handling near instantaneous. `pool` is extra text (a `[pools.*]`
/// table, or nothing).
fn two_lines_at(lambda: [f64; 2], pool: &str) -> String {
    let port = "yard_capacity_tonnes = 1000000000\nberths.dry = { count = 4, handling_tonnes_per_hour = 1000000000.0 }";
    let line = |x: &str, lambda: f64| {
        let annual = lambda * 8_760.0 * 100.0;
        format!(
            r#"
[ports.{x}]
{port}

[ports.r{x}]
{port}

[sea_links.h{x}]
between = ["h", "{x}"]
sailing_hours = {{ dist = "exponential", mean = {SAIL_HOURS} }}

[sea_links.{x}r]
between = ["{x}", "r{x}"]
sailing_hours = {{ dist = "constant", value = 0.001 }}

[sea_links.r{x}h]
between = ["r{x}", "h"]
sailing_hours = {{ dist = "constant", value = 0.001 }}

[ship_services.line_{x}]
class = "dry"
vessels = 1
capacity_tonnes = 100
fill_threshold = 1.0
route = ["h", "{x}", "r{x}"]
max_wait_hours = 100000
wait_for_cargo_at = ["h"]

[flows.to_{x}]
route = ["h", "{x}"]
class = "dry"
annual_tonnes = {annual}
consignment_tonnes = {{ dist = "constant", value = 100.0 }}
"#
        )
    };
    format!(
        r#"
[scenario]
name = "two lines"
horizon_days = 3000
warmup_days = 100
max_consignments_in_system = 10000000

[ports.h]
{port}
{a}
{b}
{pool}
"#,
        a = line("a", lambda[0]),
        b = line("b", lambda[1]),
    )
}

fn run(text: &str, replications: u64) -> VariantResult {
    let scenario = Scenario::from_str(text, "pool.toml").unwrap_or_else(|e| panic!("{e}"));
    let result =
        Experiment::for_scenario(&scenario).replications(replications).seed(11).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

/// The 99 % interval of the mean time in system (creation to delivery) over both
/// lines, each replication weighting its two lines alike (they are symmetric).
fn sojourn(v: &VariantResult) -> corridor::stats::ConfidenceInterval {
    let a = v.values("flow.to_a.transit_hours.mean").expect("transit of line a");
    let b = v.values("flow.to_b.transit_hours.mean").expect("transit of line b");
    let mut stats = OnlineStats::new();
    a.iter().zip(&b).for_each(|(x, y)| stats.push((x + y) / 2.0));
    student_t_interval(&stats, 0.99)
}

/// Erlang C: the mean wait in queue of M/M/c at arrival rate `lambda`, service rate `mu`.
fn erlang_c_wait(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho);
    let wait_probability = last / (sum + last);
    wait_probability / (f64::from(c) * mu - lambda)
}

fn assert_matches(what: &str, v: &VariantResult, expected: f64) -> f64 {
    let ci = sojourn(v);
    eprintln!("{what}: theory {expected:.3} h, simulated {:.3} ± {:.3} h (99 %)", ci.mean, ci.half_width);
    assert!(
        ci.contains(expected),
        "{what}: theory {expected:.3} h outside the 99 % CI [{:.3}, {:.3}]",
        ci.lo(),
        ci.hi()
    );
    assert!(ci.half_width < 0.04 * expected, "{what}: CI ± {:.3} h too wide to judge", ci.half_width);
    ci.mean
}

const POOL: &str = "[pools.both]\nservices = [\"line_a\", \"line_b\"]\nrelease_at = \"h\"\n";

#[test]
fn a_fixed_split_is_two_m_m_1_queues_and_a_pool_is_one_m_m_2() {
    let mu = 1.0 / SAIL_HOURS;
    let mm1 = erlang_c_wait(LAMBDA, mu, 1) + SAIL_HOURS;
    let mm2 = erlang_c_wait(2.0 * LAMBDA, mu, 2) + SAIL_HOURS;
    assert!((mm1 - 25.0).abs() < 1e-9 && (mm2 - 15.625).abs() < 1e-9, "{mm1} {mm2}");

    let fixed = assert_matches("fixed split", &run(&two_lines(""), 24), mm1);
    let fixed_pool = format!("{POOL}dispatch = \"fixed\"\n");
    assert_matches("pool, dispatch fixed", &run(&two_lines(&fixed_pool), 24), mm1);
    let most = run(&two_lines(POOL), 24);
    let pooled = assert_matches("pool, most tonnes waiting", &most, mm2);
    let oldest = format!("{POOL}dispatch = \"oldest_cargo\"\n");
    assert_matches("pool, oldest cargo", &run(&two_lines(&oldest), 24), mm2);
    eprintln!("pooling gain: {:.1} h of {:.1} h ({:.0} %)", fixed - pooled, fixed, 100.0 * (fixed - pooled) / fixed);

    // Vessels move: line changes happen, and the two lines share the two vessels'
    // time between them.
    let changes = most.summary("pool.both.line_changes").unwrap().mean;
    assert!(changes > 100.0, "{changes} line changes");
    let days = |k: &str| most.summary(&format!("service.{k}.vessel_days")).unwrap().mean;
    let total = days("line_a") + days("line_b");
    assert!((total - 2.0 * 3000.0).abs() < 1.0, "{total} vessel-days, 2 vessels × 3,000 days");
    let vessels = most.summary("pool.both.vessels").unwrap().mean;
    assert!((vessels - 2.0).abs() < 1e-3, "{vessels}");
}

#[test]
fn the_capacity_sheet_and_the_bound_count_the_pool_as_one_fleet() {
    // One line with all the cargo: its own vessel would need ρ = 2 × 0.6 = 1.2; the
    // pool's two vessels need 0.6 each.
    let text = two_lines_at([2.0 * LAMBDA, 0.0], POOL);
    let scenario = Scenario::from_str(&text, "pool.toml").unwrap_or_else(|e| panic!("{e}"));
    let sheet = Network::compile(scenario.base()).unwrap().capacity_sheet();
    let pool = sheet.row("pool.both").expect("a pool row");
    // Needed vessel-hours: 1,051.2 round trips × (10 + 0.002) h; available: 2 × 8,760 h.
    // (plus 100 t off and on at 10⁹ t/h a cycle).
    let expected = 2.0 * LAMBDA * 8_760.0 * (SAIL_HOURS + 0.002 + 2e-7) / (2.0 * 8_760.0);
    assert!((pool.rho - expected).abs() < 1e-9, "pool ρ {} against {expected}", pool.rho);
    assert!(sheet.row("service.line_a").is_none(), "a pooled line is not a fleet of its own");
    let bound = sheet.bound.clone().expect("the bound");
    assert!((bound.rho - expected).abs() < 1e-6, "bound {} against {expected}", bound.rho);

    // Without the pool, or with a pool that never moves a vessel, the loaded line's
    // vessel is overloaded, and both say so.
    for alone in [text.replace(POOL, ""), text.replace(POOL, &format!("{POOL}dispatch = \"fixed\"\n"))] {
        let scenario = Scenario::from_str(&alone, "pool.toml").unwrap();
        let net = Network::compile(scenario.base()).unwrap();
        let sheet = net.capacity_sheet();
        let line = sheet.row("service.line_a").map(|r| r.rho);
        assert!(line > Some(1.19) && sheet.row("pool.both").is_none(), "{line:?}");
        assert!(net.rho_bound_of_year(0).rho > 1.19);
    }
}

#[test]
fn pool_mistakes_are_located_errors() {
    let cases = [
        ("[pools.p]\nservices = [\"line_a\"]\n", "two or more lines"),
        ("[pools.p]\nservices = [\"line_a\", \"ferry\"]\n", "unknown ship service \"ferry\""),
        ("[pools.p]\nservices = [\"line_a\", \"line_a\"]\n", "listed twice"),
        ("[pools.p]\nservices = [\"line_a\", \"line_b\"]\nrelease_at = \"a\"\n", "does not call at \"a\""),
        ("[pools.p]\nservices = [\"line_a\", \"line_b\"]\ndispatch = \"nearest\"\n", "most_tonnes_waiting"),
        (
            "[pools.p]\nservices = [\"line_a\", \"line_b\"]\n[pools.q]\nservices = [\"line_b\", \"line_a\"]\n",
            "already in pool",
        ),
    ];
    for (pool, expected) in cases {
        let text = two_lines(pool);
        let error = Scenario::from_str(&text, "pool.toml").expect_err(pool).to_string();
        assert!(error.contains(expected), "{pool}: {error}");
        assert!(error.contains("pool.toml:"), "{pool}: no location in {error}");
    }
}
