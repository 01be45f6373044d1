//! The Middle Corridor's calibration against 2024 figures: each observed figure of the
//! data notes (docs/data.md) against what the bundled scenario's baseline gives, with
//! a 95 % confidence interval over replications. Shared by `tests/calibration.rs`
//! (which checks the bands and that docs/calibration.md is current) and
//! `examples/calibration.rs` (which writes docs/calibration.md).

use corridor::experiment::{Experiment, VariantResult};
use corridor::scenario::Scenario;
use corridor::stats::{OnlineStats, student_t_interval};

/// The scenario, variant, seed and replications of the calibration run.
pub const SCENARIO: &str = "scenarios/middle_corridor.toml";
pub const VARIANT: &str = "baseline";
pub const SEED: u64 = 2024;
pub const REPLICATIONS: u64 = 20;

/// One calibrated (or checked) figure.
pub struct Row {
    /// What is compared.
    pub what: &'static str,
    /// The observation and its source (section of docs/data.md).
    pub source: &'static str,
    /// Observed value.
    pub observed: f64,
    /// Modelled mean and its 95 % interval.
    pub modelled: f64,
    pub lo: f64,
    pub hi: f64,
    /// The calibration band (relative), or `None` for a figure shown as a check only.
    pub band: Option<f64>,
    /// Unit, for display.
    pub unit: &'static str,
}

impl Row {
    /// Whether the modelled mean is within the band of the observed value.
    pub fn within(&self) -> bool {
        self.band.is_none_or(|b| (self.modelled / self.observed - 1.0).abs() <= b)
    }
}

/// Runs the calibration replications of the baseline.
pub fn run() -> VariantResult {
    let scenario = Scenario::load(SCENARIO).unwrap_or_else(|e| panic!("{e}"));
    let result = Experiment::for_scenario(&scenario)
        .replications(REPLICATIONS)
        .seed(SEED)
        .variants([VARIANT])
        .run(&scenario, None)
        .unwrap_or_else(|e| panic!("{e}"));
    result.variants.into_iter().next().expect("the baseline")
}

/// Per replication, `f` of the replication's KPIs: mean and 95 % interval.
pub fn per_replication(v: &VariantResult, keys: &[&str], f: impl Fn(&[f64]) -> f64) -> (f64, f64, f64) {
    let columns: Vec<Vec<f64>> = keys.iter().map(|k| v.values(k).unwrap_or_else(|| panic!("no KPI {k}"))).collect();
    let mut stats = OnlineStats::new();
    for r in 0..columns[0].len() {
        let row: Vec<f64> = columns.iter().map(|c| c[r]).collect();
        stats.push(f(&row));
    }
    let ci = student_t_interval(&stats, 0.95);
    (ci.mean, ci.lo(), ci.hi())
}

/// Baku's cargo vessels' (container, dry and oil calls) mean time at berth, weighted by
/// calls: mean and 95 % interval over replications.
pub fn cargo_vessels_at_berth(v: &VariantResult) -> (f64, f64, f64) {
    let classes = ["container", "dry", "liquid_bulk"];
    let mut keys = Vec::new();
    for c in classes {
        keys.push(format!("port.baku.berth_hours.{c}.mean"));
        keys.push(format!("port.baku.ship_calls.{c}"));
    }
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    per_replication(v, &keys, |x| {
        let (hours, calls) =
            (0..classes.len()).fold((0.0, 0.0), |(h, n), i| (h + x[2 * i] * x[2 * i + 1], n + x[2 * i + 1]));
        hours / calls
    })
}

/// The ship services carrying `unit` across Baku's quays, with the directions to and
/// from Baku, as `service:direction,direction`.
fn services_carrying(unit: &str) -> Vec<String> {
    let dirs = |port: &str| format!("{port}_to_baku,baku_to_{port}");
    let (k, a, t) = (dirs("kuryk"), dirs("aktau"), dirs("turkmenbashi"));
    match unit {
        "teu" => vec![format!("aktau_feeder:{a}")],
        "wagon" => vec![
            format!("kuryk_ferry:{k}"),
            format!("aktau_ferry:{a}"),
            format!("turkmen_ferry:{t}"),
            format!("kuryk_ropax:{k}"),
        ],
        _ => vec![
            format!("kuryk_ferry:{k}"),
            format!("aktau_ferry:{a}"),
            format!("turkmen_ferry:{t}"),
            format!("kuryk_ropax:{k}"),
            format!("turkmen_ropax:{t}"),
        ],
    }
}

/// Loaded `unit`s (teu, wagon, truck) across Baku's quays in both directions, from the
/// services in `services` (`service:direction,direction`): mean and 95 % interval.
pub fn units_by(v: &VariantResult, unit: &str, services: &[String]) -> (f64, f64, f64) {
    let keys: Vec<String> = services
        .iter()
        .flat_map(|s| {
            let (svc, dirs) = s.split_once(':').unwrap();
            dirs.split(',').map(move |d| format!("service.{svc}.{d}.loaded_units.{unit}")).collect::<Vec<_>>()
        })
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    per_replication(v, &keys, |x| x.iter().sum())
}

/// Loaded `unit`s (teu, wagon, truck) across Baku's quays in both directions, by every
/// service carrying them: mean and 95 % interval.
pub fn baku_units(v: &VariantResult, unit: &str) -> (f64, f64, f64) {
    units_by(v, unit, &services_carrying(unit))
}

/// The calibration table of a baseline run.
pub fn rows(v: &VariantResult) -> Vec<Row> {
    let row = |what, source, observed, (modelled, lo, hi): (f64, f64, f64), band, unit| Row {
        what,
        source,
        observed,
        modelled,
        lo,
        hi,
        band,
        unit,
    };
    let one = |key: &str, scale: f64| per_replication(v, &[key], |x| x[0] * scale);
    let cargo_vessels = cargo_vessels_at_berth(v);
    let units = |unit: &str| baku_units(v, unit);
    vec![
        row(
            "Port of Baku throughput",
            "§1.4: 7.6 Mt in 2024",
            7.6,
            one("port.baku.throughput_tonnes", 1e-6),
            Some(0.05),
            "Mt",
        ),
        row(
            "Baku: cargo vessels' mean time at berth",
            "§1.3: 20.1 h a vessel in 2024 (container, dry and oil calls)",
            20.1,
            cargo_vessels,
            Some(0.10),
            "h",
        ),
        row("Baku: containers across the quay", "§1.4: 76,775 TEU in 2024", 76_775.0, units("teu"), None, "TEU"),
        row("Baku: loaded rail wagons", "§1.4: 37,515 wagons in 2024", 37_515.0, units("wagon"), None, "wagons"),
        row("Baku: loaded trucks", "§1.4: 58,169 trucks in 2024", 58_169.0, units("truck"), None, "trucks"),
        row(
            "Kazakh crude into the BTC",
            "§5.3: 1.4-1.5 Mt/yr (2023-24)",
            1.45,
            one("pipeline.btc.pumped_tonnes", 1e-6),
            None,
            "Mt",
        ),
        row(
            "Crude tanker voyages Aktau → Baku",
            "§3.3: 12-14 a month",
            13.0,
            one("service.aktau_tankers.aktau_to_baku.trips", 1.0 / 12.0),
            None,
            "a month",
        ),
        row(
            "Kuryk: rail-ferry time at berth",
            "§1.3: ferry cycle 6-8 h (single deck)",
            7.0,
            one("port.kuryk.berth_hours.rail_ferry.mean", 1.0),
            None,
            "h",
        ),
        row(
            "Baku: all calls' mean time at berth (incl. ferries)",
            "not published (for information)",
            f64::NAN,
            one("port.baku.berth_hours.mean", 1.0),
            None,
            "h",
        ),
    ]
}

pub fn show(x: f64) -> String {
    if !x.is_finite() {
        "—".into()
    } else if x.abs() >= 1000.0 {
        let s = format!("{:.0}", x.round());
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 && c != '-' {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// docs/calibration.md for these rows.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "# Calibration of the Middle Corridor baseline to 2024\n\n\
         Generated by `cargo run --release --example calibration` (and checked by\n\
         `tests/calibration.rs`, which fails when this file is out of date or a calibrated\n\
         figure leaves its band). Do not edit by hand.\n\n",
    );
    out += &format!(
        "Run: `{SCENARIO}`, variant `{VARIANT}`, {REPLICATIONS} replications of 365 days after 60 days of warm-up, seed {SEED}. \
         Modelled figures are means over replications with their 95 % confidence interval (Student t).\n\n"
    );
    out += "| figure | observed | source | modelled (95 % CI) | band | within |\n|---|---|---|---|---|---|\n";
    for r in rows {
        let band = r.band.map_or("check only".to_string(), |b| format!("± {:.0} %", 100.0 * b));
        let within = match r.band {
            Some(_) if r.within() => "yes",
            Some(_) => "**no**",
            None => "—",
        };
        out += &format!(
            "| {} | {} {} | {} | {} ({} – {}) {} | {} | {} |\n",
            r.what,
            show(r.observed),
            if r.observed.is_finite() { r.unit } else { "" },
            r.source,
            show(r.modelled),
            show(r.lo),
            show(r.hi),
            r.unit,
            band,
            within
        );
    }
    out += "\n## Reading the table\n\n\
- **Calibrated** figures have a band: the scenario's unpublished inputs (handling rates at Baku's container, \
dry and oil berths, which are ASSUMPTIONS in the scenario) were fitted so that the modelled mean falls inside it. \
The flows' volumes are inputs taken from the data notes, so throughput is matched by construction of demand, not \
fitted; what the model adds is that the corridor carries that demand in a steady state.\n\
- **Time at berth.** The 20.1 h of the Port of Baku (the TITR protocol's 30 h maximum per vessel, §1.3) is read \
as the time cargo vessels (container, dry-cargo and oil calls) spend at berth. Rail ferries and Ro-Pax are \
processed on their own cycle (the same source table gives 6–8 h at Kuryk), and Baku's two ferry berths could not \
hold ~1,500 ferry calls a year at 20 h each (2 × 8,760 h ÷ 1,500 ≈ 11.7 h at full occupancy). The mean over all \
calls is shown for information.\n\
- **Check-only** figures are not fitted: they show how far the modelled corridor is from other published counts. \
Unit counts are loaded units across Baku's quays in both directions; the observed counts may include empties.\n";
    out
}
