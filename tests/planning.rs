//! Planning runs: demand growth per year, dated changes of capacity, each year's
//! window and verdict, against queueing theory and hand-computed cases.

use corridor::experiment::{Experiment, VariantResult, Verdict};
use corridor::scenario::Scenario;
use corridor::stats::queueing::mmc_wq;

fn run(text: &str, replications: u64) -> VariantResult {
    let scenario = Scenario::from_str(text, "planning.toml").unwrap_or_else(|e| panic!("{e}"));
    let result =
        Experiment::for_scenario(&scenario).replications(replications).seed(11).threads(2).run(&scenario, None);
    result.unwrap().variants.remove(0)
}

/// `theory` lies within three standard errors of the mean of `key` (the tolerance
/// comes from the estimate's own spread, not from a guess).
fn agrees(v: &VariantResult, key: &str, theory: f64) {
    let s = v.summary(key).unwrap_or_else(|| panic!("no {key}"));
    let se = s.sd / (s.n as f64).sqrt();
    assert!(
        (s.mean - theory).abs() <= 3.0 * se,
        "{key}: simulated {:.4} ± {:.4} (3 SE), theory {theory:.4}",
        s.mean,
        3.0 * se
    );
}

/// One port of M/M/c berths (exponential 12 h calls) fed by Poisson ships (one every
/// 6 h in 2025). Ships grow by `growth`; `changes` are dated changes.
fn port(growth: &str, changes: &str, berths: u32) -> String {
    format!(
        r#"
[scenario]
name = "growing M/M/c port"
horizon_days = 1095
warmup_days = 100

[planning]
start_year = 2025
years = 3

[ports.port]
yard_capacity_tonnes = 0
berths.dry = {{ count = {berths}, service_hours = {{ dist = "exponential", mean = 12.0 }} }}

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 1460
cargo_tonnes = {{ dist = "constant", value = 1000.0 }}
tags = ["ships"]

[growth.ships]
{growth}

{changes}
"#
    )
}

#[test]
fn a_year_reads_the_capacity_in_force_during_it() {
    // Offered load a = 2 berths' worth (a ship every 6 h, 12 h calls). A fourth berth
    // from 1 January 2026, the instant 2025 closes: 2025 had three. A fifth from
    // 1 July 2026 (day 181): 2026 had (181 × 4 + 184 × 5) / 365 on average.
    let text = port(
        r#"factors = { "2025" = 1.0 }"#,
        r#"[changes.fourth_berth]
date = "2026-01-01"
set = { "ports.port.berths.dry.count" = 4 }

[changes.fifth_berth]
date = "2026-07-01"
set = { "ports.port.berths.dry.count" = 5 }"#,
        3,
    );
    let v = run(&text, 20);
    let key = |y: i32| format!("year.{y}.utilisation.port.port.berths.dry");
    agrees(&v, &key(2025), 2.0 / 3.0);
    agrees(&v, &key(2026), 2.0 / ((181.0 * 4.0 + 184.0 * 5.0) / 365.0));
    agrees(&v, &key(2027), 2.0 / 5.0);
}

#[test]
fn each_year_matches_erlang_c_under_growth_and_a_dated_berth() {
    // 2025: λ = 1/6 h, c = 3 (a = 2); from 2026-01-01 c = 4; 2027: demand × 1.5 (a = 3).
    let text = port(
        r#"factors = { "2025" = 1.0, "2027" = 1.5 }"#,
        r#"[changes.fourth_berth]
date = "2026-01-01"
set = { "ports.port.berths.dry.count" = 4 }"#,
        3,
    );
    let v = run(&text, 40);
    assert_eq!(v.years(), vec![2025, 2026, 2027]);
    let mu = 1.0 / 12.0;
    agrees(&v, "year.2025.port.port.ship_wait_hours.mean", mmc_wq(1.0 / 6.0, mu, 3).unwrap());
    agrees(&v, "year.2026.port.port.ship_wait_hours.mean", mmc_wq(1.0 / 6.0, mu, 4).unwrap());
    agrees(&v, "year.2027.port.port.ship_wait_hours.mean", mmc_wq(1.5 / 6.0, mu, 4).unwrap());
    // Demand follows the path: 1,460 ships a year, then 2,190 (each of 1,000 t).
    agrees(&v, "year.2025.system.generated_tonnes", 1_460_000.0);
    agrees(&v, "year.2027.system.generated_tonnes", 2_190_000.0);
    // The unprefixed KPIs are the last year's.
    let last = v.summary("port.port.ship_wait_hours.mean").unwrap().mean;
    assert_eq!(last, v.summary("year.2027.port.port.ship_wait_hours.mean").unwrap().mean);
    for y in v.year_summaries() {
        assert_eq!(y.verdict, Verdict::Stable, "{}: {}", y.year, y.summary);
    }
}

#[test]
fn compound_growth_is_applied_per_year() {
    let v = run(&port("annual_rate = 0.2\nbase_year = 2025", "", 4), 20);
    for (year, factor) in [(2025, 1.0), (2026, 1.2), (2027, 1.44)] {
        agrees(&v, &format!("year.{year}.system.generated_tonnes"), 1_460_000.0 * factor);
    }
}

#[test]
fn the_first_unstable_year_is_the_one_demand_outgrows_the_berths() {
    // One berth: ρ = 0.5 in 2025, 0.7 in 2026, 1.3 in 2027.
    let text = port(r#"factors = { "2025" = 1.0, "2026" = 1.4, "2027" = 2.6 }"#, "", 1)
        .replace("ships_per_year = 1460", "ships_per_year = 365");
    let v = run(&text, 20);
    let verdicts: Vec<(i32, Verdict)> = v.year_summaries().iter().map(|y| (y.year, y.verdict)).collect();
    assert_eq!(verdicts[0], (2025, Verdict::Stable));
    assert_eq!(verdicts[1], (2026, Verdict::Stable));
    assert_eq!(verdicts[2], (2027, Verdict::Unstable), "{verdicts:?}");
    assert_eq!(v.first_unstable_year(), Some(2027));
}

#[test]
fn a_vessel_delivered_mid_run_doubles_the_trips() {
    // One ferry loaded full every trip (more cargo than it can carry) until 2026, two after.
    let text = r#"
[scenario]
name = "new ferry"
horizon_days = 730
warmup_days = 10
max_consignments_in_system = 1000000

[planning]
start_year = 2025
years = 2

[ports.a]
yard_capacity_tonnes = 100000000
berths.dry = { count = 2, handling_tonnes_per_hour = 100000.0 }

[ports.b]
yard_capacity_tonnes = 100000000
berths.dry = { count = 2, handling_tonnes_per_hour = 100000.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 11.0 }

[ship_services.ferry]
class = "dry"
vessels = 1
capacity_tonnes = 1000
route = ["a", "b"]
max_wait_hours = 1

[flows.cargo]
route = ["a", "b"]
class = "dry"
annual_tonnes = 2000000
consignment_tonnes = { dist = "constant", value = 100.0 }

[changes.second_ferry]
date = "2026-01-01"
set = { "ship_services.ferry.vessels" = 2 }
"#;
    let v = run(text, 4);
    let trips = |y: i32| v.summary(&format!("year.{y}.service.ferry.trips")).unwrap().mean;
    // A round trip takes 22 h: 8,760 / 22 = 398 departures a year from each port.
    assert!((trips(2025) - 2.0 * 8760.0 / 22.0).abs() < 4.0, "{}", trips(2025));
    let ratio = trips(2026) / trips(2025);
    assert!((1.97..=2.03).contains(&ratio), "trips 2026 / 2025 = {ratio}");
}

#[test]
fn planning_mistakes_are_reported_where_they_are() {
    let good = port(r#"annual_rate = 0.1"#, "", 3);
    let cases = [
        (good.replace("horizon_days = 1095", "horizon_days = 1000"), "horizon_days = 1095"),
        (good.replace("tags = [\"ships\"]", "tags = [\"boats\"]"), "no flow or arrival stream has the tag"),
        (
            good.clone() + "[changes.more]\ndate = \"2026-02-30\"\nset = { \"ports.port.berths.dry.count\" = 4 }\n",
            "day 30 is not in month 2",
        ),
        (
            good.clone()
                + "[changes.demand]\ndate = \"2026\"\nset = { \"ship_arrivals.ships.ships_per_year\" = 2000 }\n",
            "demand grows by [growth]",
        ),
        (
            good.clone() + "[changes.fewer]\ndate = \"2026\"\nset = { \"ports.port.berths.dry.count\" = 0 }\n",
            "after change fewer",
        ),
        (good.replace("[planning]\nstart_year = 2025\nyears = 3\n", ""), "growth paths need a planning horizon"),
        (
            // A switched-off change is still checked: a variant may switch it on.
            good.clone()
                + "[changes.typo]\ndate = \"2026\"\nenabled = false\nset = { \"ports.prot.berths.dry.count\" = 4 }\n",
            "changes.typo.set.\"ports.prot.berths.dry.count\"`: `ports.prot` does not exist",
        ),
    ];
    for (text, expected) in cases {
        let e = Scenario::from_str(&text, "planning.toml").expect_err(expected).to_string();
        assert!(e.contains(expected), "expected {expected:?} in:\n{e}");
        assert!(e.contains("planning.toml:"), "no location in:\n{e}");
    }
    // A fleet may only grow.
    let ferry = r#"
[scenario]
name = "x"
horizon_days = 730

[planning]
start_year = 2025
years = 2

[ports.a]
yard_capacity_tonnes = 1000
berths.dry = { count = 1, handling_tonnes_per_hour = 100.0 }

[ports.b]
yard_capacity_tonnes = 1000
berths.dry = { count = 1, handling_tonnes_per_hour = 100.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 11.0 }

[ship_services.ferry]
class = "dry"
vessels = 2
capacity_tonnes = 100
route = ["a", "b"]
max_wait_hours = 1

[changes.sold]
date = "2026-06-01"
set = { "ship_services.ferry.vessels" = 1 }
"#;
    let e = Scenario::from_str(ferry, "planning.toml").expect_err("fleets may not shrink").to_string();
    assert!(e.contains("fleets may only grow"), "{e}");
}

#[test]
fn the_bundled_2030_scenario_conserves_cargo_and_the_upgrades_deliver_more() {
    // Two replications of each variant, six years: audited in test builds.
    let scenario = Scenario::load("scenarios/middle_corridor_2030.toml").unwrap();
    let result = Experiment::for_scenario(&scenario).replications(2).threads(2).run(&scenario, None).unwrap();
    let [none, announced] = [&result.variants[0], &result.variants[1]];
    assert_eq!(none.years(), (2025..=2030).collect::<Vec<_>>());
    let delivered = |v: &VariantResult| v.summary("year.2030.system.delivered_tonnes").unwrap().mean;
    assert!(delivered(announced) > delivered(none) * 1.1, "{} vs {}", delivered(announced), delivered(none));
    // Demand reaches about 11 Mt/yr in 2030 (the World Bank's figure, docs/data.md §8).
    let demand = none.summary("year.2030.system.generated_tonnes").unwrap().mean;
    assert!((10.5e6..11.5e6).contains(&demand), "{demand}");
}

#[test]
fn a_run_is_stable_only_if_every_year_is() {
    // One berth at ρ = 1.3 in 2025; three berths from 2026, which drain the queue.
    let text = port(
        "annual_rate = 0.0",
        r#"[changes.more_berths]
date = "2026-01-01"
set = { "ports.port.berths.dry.count" = 3 }"#,
        1,
    )
    .replace("ships_per_year = 1460", "ships_per_year = 949")
    .replace("years = 3", "years = 2")
    .replace("horizon_days = 1095", "horizon_days = 730");
    let v = run(&text, 10);
    let verdicts: Vec<(i32, Verdict)> = v.year_summaries().iter().map(|y| (y.year, y.verdict)).collect();
    assert_eq!(verdicts, vec![(2025, Verdict::Unstable), (2026, Verdict::Stable)]);
    // The last year alone says stable; the run as a whole does not.
    assert_eq!(v.stability().verdict, Verdict::Stable);
    let whole = v.stability_over_years();
    assert_eq!(whole.verdict, Verdict::Unstable);
    assert!(whole.summary.starts_with("2025: unstable"), "{}", whole.summary);
}

#[test]
fn each_planning_year_starts_on_the_first_of_january() {
    // All demand arrives in January (36,500 t); one 500 t ship a day drains it in about
    // 73 days. A planning year starts on 1 January whatever the warm-up, so a tenth
    // into the year (day 36) half the cargo still waits, and by nine tenths none.
    let text = r#"
[scenario]
name = "january"
horizon_days = 365
warmup_days = 60
max_consignments_in_system = 1000000

[planning]
start_year = 2025
years = 1

[ports.a]
yard_capacity_tonnes = 1000000
berths.dry = { count = 1, handling_tonnes_per_hour = 100000.0 }

[ports.b]
yard_capacity_tonnes = 1000000
berths.dry = { count = 1, handling_tonnes_per_hour = 100000.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 12.0 }

[ship_services.ship]
class = "dry"
vessels = 1
capacity_tonnes = 500
route = ["a", "b"]
max_wait_hours = 1

[flows.cargo]
route = ["a", "b"]
class = "dry"
annual_tonnes = 36500
consignment_tonnes = { dist = "constant", value = 50.0 }
seasonality = [12.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
"#;
    let v = run(text, 4);
    let at = |tenth: &str| v.summary(&format!("year.2025.flow.cargo.backlog_tonnes.{tenth}")).unwrap().mean;
    assert!(at("t01") > 10_000.0, "a tenth into the year: {} t", at("t01"));
    assert!(at("t09") < 1_000.0, "nine tenths into the year: {} t", at("t09"));
}

/// The M/M/c port without `[planning]`: one run of `days` measured from 1 January of
/// `scenario.start_year` 2022, with `changes`.
fn single_run(days: u32, changes: &str) -> String {
    format!(
        r#"
[scenario]
name = "M/M/c port, one run with a dated change"
horizon_days = {days}
warmup_days = 100
start_year = 2022

[ports.port]
yard_capacity_tonnes = 0
berths.dry = {{ count = 3, service_hours = {{ dist = "exponential", mean = 12.0 }} }}

[ship_arrivals.ships]
port = "port"
class = "dry"
ships_per_year = 1460
cargo_tonnes = {{ dist = "constant", value = 1000.0 }}

{changes}
"#
    )
}

#[test]
fn a_single_run_with_a_start_year_takes_a_dated_change_and_weighs_each_configuration_by_its_time() {
    // Offered load 2 berths' worth; a fourth berth from 1 September 2022 (day 243 of
    // 365): the year's berths average (243 × 3 + 122 × 4) / 365.
    let change = r#"[changes.fourth_berth]
date = "2022-09"
set = { "ports.port.berths.dry.count" = 4 }"#;
    let v = run(&single_run(365, change), 20);
    agrees(&v, "utilisation.port.port.berths.dry", 2.0 / ((243.0 * 3.0 + 122.0 * 4.0) / 365.0));
    assert_eq!(v.stability().verdict, Verdict::Stable);
    // The capacity sheet's rows are the configuration at the end (four berths); its
    // bound weighs both configurations by their time.
    let sheet = v.capacity.as_ref().unwrap();
    let rho = sheet.row("port.port.berths.dry").unwrap().rho;
    assert!((rho - 0.5).abs() < 1e-9, "the sheet shows ρ {rho} for four berths");
    let bound = sheet.bound.as_ref().unwrap().rho;
    let weighted = 2.0 / ((243.0 * 3.0 + 122.0 * 4.0) / 365.0);
    assert!((bound - weighted).abs() < 1e-6, "bound {bound}, time-weighted ρ {weighted}");

    // Disabled, the change does nothing: three berths all year.
    let off = change.replace("date = \"2022-09\"", "date = \"2022-09\"\nenabled = false");
    agrees(&run(&single_run(365, &off), 20), "utilisation.port.port.berths.dry", 2.0 / 3.0);

    // Mistakes: a change after the horizon, a start year beside [planning], and a
    // change without any calendar, each named with what would be valid.
    let error = |text: &str| Scenario::from_str(text, "single.toml").err().map(|e| e.to_string()).unwrap_or_default();
    let late = error(&single_run(200, change));
    assert!(late.contains("changes.fourth_berth.date") && late.contains("after the horizon"), "{late}");
    let both = error(
        &port(r#"factors = { "2025" = 1.0 }"#, "", 3)
            .replace("warmup_days = 100", "warmup_days = 100\nstart_year = 2025"),
    );
    assert!(both.contains("scenario.start_year") && both.contains("planning.start_year"), "{both}");
    let none = error(&single_run(365, change).replace("start_year = 2022", ""));
    assert!(none.contains("dated changes need a calendar") && none.contains("scenario.start_year"), "{none}");
}
