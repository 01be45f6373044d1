//! The Middle Corridor hindcast: 2022, 2023 and 2024 with one set of behaviour (the
//! bundled scenario's), only each year's fleet, demand and infrastructure differing
//! (variants `y2022`, `y2023` and `baseline`), against what was observed. Shared by
//! `tests/hindcast.rs` (which checks each banded figure keeps the verdict written down
//! here and that docs/hindcast.md is current) and `examples/hindcast.rs` (which writes
//! docs/hindcast.md). Uses the helpers of `calibration.rs`, which must be a sibling
//! module named `calibration`.

use crate::calibration::{baku_units, cargo_vessels_at_berth, per_replication, show};
use corridor::experiment::{Experiment, ExperimentResult, VariantResult};
use corridor::scenario::{Scenario, VariantSpec, WeatherSpec};

pub const SCENARIO: &str = "scenarios/middle_corridor.toml";
pub const SEED: u64 = 2024;
pub const REPLICATIONS: u64 = 20;

/// The years and their variants; each also runs with ASCO's rail ferries pooled
/// (`<variant>_pooled`), the other dispatch behaviour the hindcast tests.
pub const YEARS: [(i32, &str); 3] = [(2022, "y2022"), (2023, "y2023"), (2024, "baseline")];

/// Kuryk's own winter closures, from its director's figure (data notes §9.2: closed
/// about 50 % of November–December): storms that close Kuryk alone, only in those two
/// months, lasting as the Caspian's do (mean 60 h). Overlapping closures merge, so
/// the closed share is `1 − exp(−λ·60 h)`; with the Caspian storms' own closures of
/// Kuryk (about 4 % of those months) half the time closed needs `λ·60 h = −ln 0.52`,
/// about 16 storms over the 1,464 hours of the two months.
pub const KURYK_WINTER_STORMS: f64 = 16.0;

/// The 2023 variant with pooled ferries and Kuryk's winter closures.
pub const KURYK_WINTER: &str = "y2023_kuryk_winter";

/// A band around an observed figure.
#[derive(Clone, Copy)]
pub enum Band {
    /// Relative, e.g. 0.05 for ± 5 %.
    Relative(f64),
    /// Absolute, in the figure's unit (percentage points for shares).
    Points(f64),
    /// Shown for information; no band.
    CheckOnly,
}

/// One hindcast figure.
pub struct Row {
    pub year: i32,
    pub what: &'static str,
    /// Which behaviour: "fixed split" (the bundled scenario) or "pooled ferries".
    pub behaviour: &'static str,
    pub source: &'static str,
    pub observed: f64,
    pub modelled: f64,
    pub lo: f64,
    pub hi: f64,
    pub band: Band,
    pub unit: &'static str,
    /// Whether the figure is expected inside its band: the verdict this file records,
    /// which the test holds the model to (a change either way must be explained here).
    pub expected_within: bool,
    /// Why, where it is outside, or what the figure is (an input, a calibration).
    pub note: &'static str,
}

impl Row {
    /// Whether the modelled mean is within the band of the observed value.
    pub fn within(&self) -> bool {
        match self.band {
            Band::Relative(b) => (self.modelled / self.observed - 1.0).abs() <= b,
            Band::Points(p) => (self.modelled - self.observed).abs() <= p,
            Band::CheckOnly => true,
        }
    }
}

/// Runs every year under both behaviours: the bundled scenario's fixed split, and
/// ASCO's rail ferries pooled (dispatch to the most tonnes waiting per ferry).
pub fn run() -> ExperimentResult {
    let loaded = Scenario::load(SCENARIO).unwrap_or_else(|e| panic!("{e}"));
    let mut spec = loaded.base().clone();
    let caspian = spec.weather.get("caspian_storms").expect("the scenario's Caspian storms").duration_hours.clone();
    let mut winter = [0.0; 12];
    winter[10] = 1.0;
    winter[11] = 1.0;
    // No storms but in the variant that asks for them (its own random streams: the
    // other variants run exactly as without it).
    spec = spec.weather("kuryk_winter", WeatherSpec::new(["kuryk"], 0.0, caspian).monthly_weights(winter)).variant(
        KURYK_WINTER,
        VariantSpec::new().extends("y2023_pooled").set("weather.kuryk_winter.storms_per_year", KURYK_WINTER_STORMS),
    );
    let mut names = Vec::new();
    for (_, variant) in YEARS {
        let pooled = format!("{variant}_pooled");
        spec = spec.variant(
            &pooled,
            VariantSpec::new().extends(variant).set("pools.asco_rail_ferries.dispatch", "most_tonnes_waiting"),
        );
        names.push(variant.to_string());
        names.push(pooled);
    }
    names.push(KURYK_WINTER.to_string());
    let scenario = Scenario::from_spec(&spec).unwrap_or_else(|e| panic!("{e}"));
    Experiment::for_scenario(&scenario)
        .replications(REPLICATIONS)
        .seed(SEED)
        .variants(names)
        .run(&scenario, None)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Per year: (observed Baku Mt, source), (TEU, source), (wagons, source), (trucks, source).
type YearFigures = [(f64, &'static str); 4];

fn observed(year: i32) -> YearFigures {
    match year {
        2022 => [
            (6.35, "§1.4, §9.3: 6.3–6.4 Mt"),
            (52_000.0, "§1.4: about 52,000 (DERIVED from 2023's −16 %; CONFLICT)"),
            (36_750.0, "§1.4: about 36,750 (DERIVED: twice the first half's 18,376)"),
            (49_200.0, "§1.4: about 49,200 (DERIVED: 12/10 of Jan–Oct's 41,000)"),
        ],
        2023 => [
            (7.35, "§1.4: 7.3–7.4 Mt"),
            (43_900.0, "§1.4: 43,900"),
            (37_300.0, "§1.4: 37,300"),
            (54_200.0, "§1.4: 54,200"),
        ],
        _ => {
            [(7.6, "§1.4: 7.6 Mt"), (76_775.0, "§1.4: 76,775"), (37_515.0, "§1.4: 37,515"), (58_169.0, "§1.4: 58,169")]
        }
    }
}

/// Why Kuryk's winter closures leave its crossings too many.
const KURYK_WINTER_NOTE: &str = "closing Kuryk half of November–December removes few crossings: the ferries \
    wait out the closures and sail after them, so the closures move crossings in time more than they cut \
    them. The weather is not what the model's too many crossings lack; the operators' sailing rule and vessels \
    out of service remain the candidates";

/// Kuryk's ferries handled in 2023 (rail ferries and Ro-Pax leaving for Baku) under
/// `behaviour`, against §9.1's figure.
fn kuryk_crossings(v: &VariantResult, behaviour: &'static str, note: &'static str) -> Row {
    let (m, lo, hi) = departures(v, &["kuryk_ferry", "kuryk_ropax"], "kuryk_to_baku");
    Row {
        year: 2023,
        what: "Kuryk: ferries handled (rail ferries and Ro-Pax)",
        behaviour,
        source: "§9.1: 599 in 10 months (≈ 720 a year)",
        observed: 720.0,
        modelled: m,
        lo,
        hi,
        band: Band::Relative(0.15),
        unit: "a year",
        expected_within: false,
        note,
    }
}

/// Departures a year of `services` in `direction` (`<from>_to_<to>`), summed.
fn departures(v: &VariantResult, services: &[&str], direction: &str) -> (f64, f64, f64) {
    let keys: Vec<String> = services.iter().map(|s| format!("service.{s}.{direction}.trips")).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    per_replication(v, &keys, |x| x.iter().sum())
}

/// The hindcast table.
pub fn rows(result: &ExperimentResult) -> Vec<Row> {
    let mut rows = Vec::new();
    let fixed = "fixed split";
    let pooled = "pooled ferries";
    for (year, variant) in YEARS {
        let v = result.variant(variant).expect("the year's variant");
        let [tonnes, teu, wagons, trucks] = observed(year);
        let input = "demand is set from this year's counts: reproduced if the corridor carries it";
        let row = |what, (observed, source): (f64, &'static str), (m, lo, hi): (f64, f64, f64), band, unit| Row {
            year,
            what,
            behaviour: fixed,
            source,
            observed,
            modelled: m,
            lo,
            hi,
            band,
            unit,
            expected_within: true,
            note: input,
        };
        rows.push(row(
            "Port of Baku throughput",
            tonnes,
            per_replication(v, &["port.baku.throughput_tonnes"], |x| x[0] * 1e-6),
            Band::Relative(0.05),
            "Mt",
        ));
        rows.push(row("Baku: containers across the quay", teu, baku_units(v, "teu"), Band::Relative(0.10), "TEU"));
        rows.push(row("Baku: loaded rail wagons", wagons, baku_units(v, "wagon"), Band::Relative(0.10), "wagons"));
        rows.push(row("Baku: loaded trucks", trucks, baku_units(v, "truck"), Band::Relative(0.10), "trucks"));
    }
    // 2023's ferry counts and line split: outputs of the dispatch, under both behaviours.
    for (variant, behaviour) in [("y2023", fixed), ("y2023_pooled", pooled)] {
        let v = result.variant(variant).expect("2023");
        let (m, lo, hi) = departures(v, &["turkmen_ferry"], "baku_to_turkmenbashi");
        rows.push(Row {
            year: 2023,
            what: "Turkmenbashi: rail ferries arriving from Baku",
            behaviour,
            source: "§9.1: 213 in Jan–May (≈ 510 a year)",
            observed: 510.0,
            modelled: m,
            lo,
            hi,
            band: Band::Relative(0.15),
            unit: "a year",
            expected_within: behaviour == pooled,
            note: if behaviour == pooled {
                "inside: ASCO's dispatch sends the ferries where cargo waits, and fewer of them to this short line"
            } else {
                "too many crossings (≈ 29 loaded wagons a round trip against ≈ 36 observed): with its ferries fixed to \
                 the line, the short crossing keeps four ferries sailing at 75 % full or after 36 h"
            },
        });
        rows.push(kuryk_crossings(
            v,
            behaviour,
            "too many crossings under either behaviour: the model's ferries and Ro-Pax sail when 75–80 % full or \
                   after 36–48 h, every vessel always in service. Missing mechanisms: the operators' sailing rule \
                   (fewer, fuller crossings) and vessels out of service for repair (e.g. the Shahdag, §9.1), both \
                   behaviour of every year, to be added rather than fitted",
        ));
        // Loaded wagons on the Turkmenbashi line's ferries, of all the ferries' wagons.
        let lines = ["turkmen_ferry:turkmenbashi", "kuryk_ferry:kuryk", "aktau_ferry:aktau", "kuryk_ropax:kuryk"];
        let keys: Vec<String> = lines
            .iter()
            .flat_map(|l| {
                let (svc, port) = l.split_once(':').unwrap();
                [
                    format!("service.{svc}.{port}_to_baku.loaded_units.wagon"),
                    format!("service.{svc}.baku_to_{port}.loaded_units.wagon"),
                ]
            })
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let share = per_replication(v, &keys, |x| 100.0 * (x[0] + x[1]) / x.iter().sum::<f64>());
        rows.push(Row {
            year: 2023,
            what: "Share of Baku's wagons on the Turkmenbashi line",
            behaviour,
            source: "§9.1: 50 % (2023)",
            observed: 50.0,
            modelled: share.0,
            lo: share.1,
            hi: share.2,
            band: Band::Points(7.0),
            unit: "%",
            expected_within: true,
            note: "an input: the year's wagons are split between the lines by this figure",
        });
    }
    // Kuryk's winter closures as its director gives them: do they explain its crossings?
    let winter = "pooled ferries, Kuryk closed half of Nov–Dec";
    let v = result.variant(KURYK_WINTER).expect("2023 with Kuryk's winter closures");
    let (m, lo, hi) = per_replication(v, &["weather.kuryk_winter.storm_hours"], |x| x[0]);
    rows.push(Row {
        year: 2023,
        what: "Kuryk: hours closed by its own winter storms",
        behaviour: winter,
        source: "§9.2: closed about 50 % of Nov–Dec (port director), 732 h",
        observed: 732.0,
        modelled: m,
        lo,
        hi,
        band: Band::CheckOnly,
        unit: "h",
        expected_within: true,
        note: "an input: storms closing Kuryk alone in November and December, as many as give this share \
               (the Caspian storms close it too, a few per cent of those months); shown, not banded, as \
               two months of storms vary too much between replications for 20 to pin them within 10 %",
    });
    rows.push(kuryk_crossings(v, winter, KURYK_WINTER_NOTE));
    let (m, lo, hi) = per_replication(v, &["system.backlog_growth_tonnes_per_day"], |x| x[0]);
    rows.push(Row {
        year: 2023,
        what: "Backlog growth (the year carries its cargo when about 0)",
        behaviour: winter,
        source: "§1.4: 2023's counts were carried",
        observed: 0.0,
        modelled: m,
        lo,
        hi,
        band: Band::CheckOnly,
        unit: "t/day",
        expected_within: true,
        note: "within noise of 0 at 20 replications; with more storms (22 in those months) the stability verdict \
               finds Kuryk's trucks waiting for its ferries",
    });
    let (m, lo, hi) = cargo_vessels_at_berth(result.variant("baseline").expect("2024"));
    rows.push(Row {
        year: 2024,
        what: "Baku: cargo vessels' mean time at berth",
        behaviour: fixed,
        source: "§1.3: 20.1 h (container, dry and oil calls)",
        observed: 20.1,
        modelled: m,
        lo,
        hi,
        band: Band::Relative(0.10),
        unit: "h",
        expected_within: true,
        note: "the calibrated figure (docs/calibration.md): 2024 fitted Baku's unpublished handling rates",
    });
    for (variant, behaviour) in [("y2022", fixed), ("y2022_pooled", pooled)] {
        let v = result.variant(variant).expect("2022");
        let (m, lo, hi) = per_replication(v, &["port.aktau.throughput_tonnes", "pipeline.btc.pumped_tonnes"], |x| {
            (x[0] - x[1]) * 1e-6
        });
        rows.push(Row {
            year: 2022,
            what: "Aktau: cargo other than oil",
            behaviour,
            source: "§9.3: 3.8 Mt, of which 2.5 Mt oil",
            observed: 1.3,
            modelled: m,
            lo,
            hi,
            band: Band::CheckOnly,
            unit: "Mt",
            expected_within: true,
            note: "the model has only Aktau's trades with Baku; its other trades (Russian and Iranian ports) are not in it",
        });
    }
    rows
}

/// docs/hindcast.md for these rows.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "# Hindcast of the Middle Corridor: 2022, 2023 and 2024 with one set of behaviour\n\n\
         Generated by `cargo run --release --example hindcast` (and checked by `tests/hindcast.rs`,\n\
         which fails when this file is out of date or a banded figure changes side of its band).\n\
         Do not edit by hand.\n\n",
    );
    out += &format!(
        "Run: `{SCENARIO}`, variants `y2022`, `y2023` and `baseline` (2024), each also with ASCO's rail ferries \
         pooled (`pools.asco_rail_ferries.dispatch = \"most_tonnes_waiting\"`), and 2023 also with Kuryk closed as \
         its director says (`{KURYK_WINTER}`: pooled, and {KURYK_WINTER_STORMS} storms in November–December that \
         close Kuryk alone); {REPLICATIONS} replications of 365 \
         days after 60 days of warm-up, seed {SEED}. Every year runs the same behaviour — handling rates, per-unit \
         times, dispatch, fill thresholds, weather — and differs only in its fleet, demand and infrastructure \
         (the variants' comments in the scenario give each figure's source). Modelled figures are means over \
         replications with their 95 % confidence interval (Student t).\n\n"
    );
    out += "| year | figure | behaviour | observed | source | modelled (95 % CI) | band | within | note |\n\
            |---|---|---|---|---|---|---|---|---|\n";
    for r in rows {
        let band = match r.band {
            Band::Relative(b) => format!("± {:.0} %", 100.0 * b),
            Band::Points(p) => format!("± {p:.0} points"),
            Band::CheckOnly => "check only".into(),
        };
        let within = match r.band {
            Band::CheckOnly => "—",
            _ if r.within() => "yes",
            _ => "**no**",
        };
        out += &format!(
            "| {} | {} | {} | {} {} | {} | {} ({} – {}) {} | {} | {} | {} |\n",
            r.year,
            r.what,
            r.behaviour,
            show(r.observed),
            r.unit,
            r.source,
            show(r.modelled),
            show(r.lo),
            show(r.hi),
            r.unit,
            band,
            within,
            r.note
        );
    }
    let kuryk = |behaviour: &str| {
        rows.iter()
            .find(|r| r.what.starts_with("Kuryk: ferries handled") && r.behaviour == behaviour)
            .map_or(f64::NAN, |r| r.modelled)
    };
    let before = kuryk("pooled ferries");
    let removed = before - kuryk("pooled ferries, Kuryk closed half of Nov–Dec");
    out += &format!(
        "\n## Reading the table\n\n\
            - **Inputs reproduced.** Each year's demand is set from that year's published counts (wagons and trucks by \
            line, containers, oil), so Baku's throughput and unit counts test only that the corridor carries the \
            year's demand with the shared behaviour, in a steady state. They are not evidence about the behaviour.\n\
            - **Outputs.** The ferry counts are what the behaviour makes of the demand: how often ferries sail, and \
            on which line. They are the real test, and they judge between the fixed split and pooled ferries.\n\
            - **Verdict so far.** Pooled ferries reproduce 2023's Turkmenbashi crossings and come closer at Kuryk; \
            the fixed split does neither. Both run too many Kuryk crossings: the operators' sailing rule and vessels \
            out of service are the missing mechanisms named above. The bundled scenario's headline answers still use \
            the fixed split it was calibrated with; moving them to pooled ferries is the next step this evidence \
            supports (README, \"Pooled rail ferries: before and after\").\n\
            - **Kuryk's winter.** Its director says Kuryk is closed about half of November–December (§9.2), far \
            more than the scenario's Caspian storms close it (one storm in three, a few per cent of those months). \
            Added as storms that close Kuryk alone, it removes only {removed:.0} of the {before:.0} crossings: the \
            ferries wait out the closures and sail after them. So the weather is not what the too many crossings lack. \
            Whether the bundled scenario should take the figure (it would also tighten Kuryk's line in winter) \
            waits for the sailing rule, which decides how much a closure costs.\n\
            - **Within a year.** 2022 runs three Aktau–Alat feeders until September and six after (§9.3), a \
            dated change inside the year (`scenario.start_year`): the crossing binds for eight months and clears \
            after, so Baku's counts still come out of the year's demand, but containers from China wait at Aktau \
            for weeks (their mean door-to-door time is about three times that with four feeders all year), the \
            bottleneck the operators named (§9.3). Borders and transshipment, where the World Bank puts 2022's \
            delays (§9.3), are not in the model yet.\n"
    );
    out
}
