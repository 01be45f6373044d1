//! Every ASSUMPTION of the Middle Corridor scenarios, listed and ranked one at a time
//! (docs/assumptions.md). Shared by `tests/assumptions.rs` (every ASSUMPTION marked in
//! the two files is accounted for, and the document is current) and
//! `examples/assumptions.rs` (which writes the document).
//!
//! The ranking moves each assumption of `scenarios/middle_corridor.toml` over its
//! plausible range, one at a time, the others as written, on the baseline (2024) and
//! on common random numbers, and measures how much the planner's answer moves: the
//! surge headroom (1 ÷ the highest simulated ρ of any resource, less 1: how much more
//! cargo the busiest resource could take on average) and Baku's p95 ship wait, each
//! as a paired difference high − low with its 95 % interval.

use corridor::experiment::{Experiment, ExperimentResult, VariantResult};
use corridor::scenario::{Scenario, VariantSpec};

/// The two scenario files whose assumptions are listed.
pub const FILES: [&str; 2] = ["scenarios/middle_corridor.toml", "scenarios/middle_corridor_2030.toml"];
/// The file the ranking moves assumptions in, and its variant.
pub const SCENARIO: &str = "scenarios/middle_corridor.toml";
pub const VARIANT: &str = "baseline";
pub const SEED: u64 = 2024;
pub const REPLICATIONS: u64 = 10;

/// How one field moves over an assumption's range.
#[derive(Clone, Copy)]
pub enum Shift {
    /// Multiplied by the low, then the high factor.
    Scale(f64, f64),
    /// Set to the low, then the high value.
    Set(f64, f64),
    /// Set to the low, then the high whole number.
    Count(i64, i64),
}

/// One assumption (or several that stand or fall together), moved one at a time.
pub struct Move {
    pub id: &'static str,
    /// What is assumed, and the range, in the planner's words.
    pub what: &'static str,
    /// Why no figure replaces it.
    pub why: &'static str,
    /// The fields it moves together.
    pub fields: &'static [(&'static str, Shift)],
    /// The tables whose ASSUMPTION markers it answers for (prefixes of table names).
    pub covers: &'static [&'static str],
}

use Shift::{Count, Scale, Set};

/// The assumptions of `scenarios/middle_corridor.toml` that can move the simulation,
/// each with a plausible range.
pub const MOVES: &[Move] = &[
    Move {
        id: "baku_rail_ferry_rate",
        what: "Baku's rail-ferry handling, 250–500 t/h",
        why: "not published; 500 t/h is Kuryk's 6–8 h cycle (data notes §1.3)",
        fields: &[("ports.baku.berths.rail_ferry.handling_tonnes_per_hour", Set(250.0, 500.0))],
        covers: &["ports.baku"],
    },
    Move {
        id: "baku_other_rates",
        what: "Baku's ro-ro, container, dry and oil handling, ×0.85–×1.15",
        why: "the container, dry and oil rates are fitted to the 20.1 h at berth of 2024 (§1.3), the ro-ro rate is not published",
        fields: &[
            ("ports.baku.berths.ro_ro.handling_tonnes_per_hour", Scale(0.85, 1.15)),
            ("ports.baku.berths.container.handling_tonnes_per_hour", Scale(0.85, 1.15)),
            ("ports.baku.berths.dry.handling_tonnes_per_hour", Scale(0.85, 1.15)),
            ("ports.baku.berths.liquid_bulk.handling_tonnes_per_hour", Scale(0.85, 1.15)),
        ],
        covers: &["ports.baku"],
    },
    Move {
        id: "baku_yard",
        what: "Baku's yard, 60,000–240,000 t (×0.5–×2)",
        why: "only the storage areas are published (56,000 m² open, 14,000 m² closed; §1.2), not tonnes",
        fields: &[("ports.baku.yard_capacity_tonnes", Scale(0.5, 2.0))],
        covers: &["ports.baku"],
    },
    Move {
        id: "turkmenbashi_rail_ferry_rate",
        what: "Turkmenbashi's rail-ferry handling, 300–500 t/h",
        why: "not published (§2.3)",
        fields: &[("ports.turkmenbashi.berths.rail_ferry.handling_tonnes_per_hour", Set(300.0, 500.0))],
        covers: &["ports.turkmenbashi"],
    },
    Move {
        id: "eastern_rates",
        what: "the eastern ports' other handling rates (Aktau's ferry, container, dry and oil berths, the ro-ro berths of Kuryk and Turkmenbashi, Turkmenbashi's dry berths), ×0.7–×1.5",
        why: "not published (§2); only Kuryk's rail-ferry cycle is",
        fields: &[
            ("ports.aktau.berths.rail_ferry.handling_tonnes_per_hour", Scale(0.7, 1.5)),
            ("ports.aktau.berths.container.handling_tonnes_per_hour", Scale(0.7, 1.5)),
            ("ports.aktau.berths.dry.handling_tonnes_per_hour", Scale(0.7, 1.5)),
            ("ports.aktau.berths.liquid_bulk.handling_tonnes_per_hour", Scale(0.7, 1.5)),
            ("ports.kuryk.berths.ro_ro.handling_tonnes_per_hour", Scale(0.7, 1.5)),
            ("ports.turkmenbashi.berths.ro_ro.handling_tonnes_per_hour", Scale(0.7, 1.5)),
            ("ports.turkmenbashi.berths.dry.handling_tonnes_per_hour", Scale(0.7, 1.5)),
        ],
        covers: &["ports.aktau", "ports.kuryk", "ports.turkmenbashi"],
    },
    Move {
        id: "kuryk_rail_ferry_rate",
        what: "Kuryk's rail-ferry handling, ×0.8–×1.2 of 500 t/h",
        why: "fitted to the published 6–8 h processing cycle (§2.2), which has that spread",
        fields: &[("ports.kuryk.berths.rail_ferry.handling_tonnes_per_hour", Scale(0.8, 1.2))],
        covers: &["ports.kuryk"],
    },
    Move {
        id: "eastern_yards",
        what: "the yards of Aktau, Kuryk and Turkmenbashi, ×0.5–×2",
        why: "not published (§2)",
        fields: &[
            ("ports.aktau.yard_capacity_tonnes", Scale(0.5, 2.0)),
            ("ports.kuryk.yard_capacity_tonnes", Scale(0.5, 2.0)),
            ("ports.turkmenbashi.yard_capacity_tonnes", Scale(0.5, 2.0)),
        ],
        covers: &["ports.aktau", "ports.kuryk", "ports.turkmenbashi"],
    },
    Move {
        id: "rail_lines",
        what: "Georgian and Azerbaijani rail: line capacity ×0.75–×1.25 and transit times ×1.25–×0.8",
        why: "neither is published for Baku–Tbilisi or Tbilisi–Poti (§4); BTK's times are not either",
        fields: &[
            ("rail_links.baku_tbilisi.trains_per_day", Scale(0.75, 1.25)),
            ("rail_links.tbilisi_poti.trains_per_day", Scale(0.75, 1.25)),
            ("rail_links.baku_tbilisi.transit_hours.mode", Scale(1.25, 0.8)),
            ("rail_links.tbilisi_poti.transit_hours.mode", Scale(1.25, 0.8)),
            ("rail_links.btk.transit_hours.mode", Scale(1.25, 0.8)),
        ],
        covers: &["rail_links"],
    },
    Move {
        id: "trains",
        what: "train fleets, ×0.75–×1.25 trainsets, and their waits, ×0.5–×1.5",
        why: "no figures for Azerbaijani and Georgian freight trains (§4)",
        fields: &[
            ("train_services.baku_tbilisi.trainsets", Count(18, 30)),
            ("train_services.tbilisi_baku.trainsets", Count(6, 10)),
            ("train_services.tbilisi_poti.trainsets", Count(11, 18)),
            ("train_services.btk_block.trainsets", Count(20, 32)),
            ("train_services.baku_tbilisi.max_wait_hours", Scale(0.5, 1.5)),
            ("train_services.tbilisi_poti.max_wait_hours", Scale(0.5, 1.5)),
            ("train_services.btk_block.max_wait_hours", Scale(0.5, 1.5)),
        ],
        covers: &["train_services"],
    },
    Move {
        id: "long_crossings",
        what: "the Kazakh crossings' sailing times, ×0.85–×1.2",
        why: "18–28 h from traveller reports only (§3.3); the modes are assumed",
        fields: &[
            ("sea_links.kuryk_baku.sailing_hours.min", Scale(0.85, 1.2)),
            ("sea_links.kuryk_baku.sailing_hours.mode", Scale(0.85, 1.2)),
            ("sea_links.kuryk_baku.sailing_hours.max", Scale(0.85, 1.2)),
            ("sea_links.aktau_baku.sailing_hours.min", Scale(0.85, 1.2)),
            ("sea_links.aktau_baku.sailing_hours.mode", Scale(0.85, 1.2)),
            ("sea_links.aktau_baku.sailing_hours.max", Scale(0.85, 1.2)),
        ],
        covers: &["sea_links"],
    },
    Move {
        id: "turkmen_crossing",
        what: "the Turkmenbashi crossing's sailing time, ×0.85–×1.2",
        why: "9–12 h from traveller reports only (§3.3); the mode is assumed",
        fields: &[
            ("sea_links.turkmenbashi_baku.sailing_hours.min", Scale(0.85, 1.2)),
            ("sea_links.turkmenbashi_baku.sailing_hours.mode", Scale(0.85, 1.2)),
            ("sea_links.turkmenbashi_baku.sailing_hours.max", Scale(0.85, 1.2)),
        ],
        covers: &["sea_links"],
    },
    Move {
        id: "ferry_fill",
        what: "the rail ferries' fill threshold, 0.6–0.9",
        why: "the operators' sailing rule is not published; the hindcast finds the real ferries sail fuller",
        fields: &[
            ("ship_services.kuryk_ferry.fill_threshold", Set(0.6, 0.9)),
            ("ship_services.aktau_ferry.fill_threshold", Set(0.6, 0.9)),
            ("ship_services.turkmen_ferry.fill_threshold", Set(0.6, 0.9)),
        ],
        covers: &["ship_services.kuryk_ferry", "ship_services.aktau_ferry", "ship_services.turkmen_ferry"],
    },
    Move {
        id: "ferry_split",
        what: "the rail ferries' split over the lines: one Turkmenbashi ferry fewer or more, against Kuryk",
        why: "the fleet by line is not published; 10 of ASCO's 12 in service, split 4/2/4 after one report (§3.1; §9.1 for the line split of wagons)",
        fields: &[
            ("ship_services.turkmen_ferry.vessels", Count(3, 5)),
            ("ship_services.kuryk_ferry.vessels", Count(7, 5)),
        ],
        covers: &["ship_services.kuryk_ferry", "ship_services.aktau_ferry", "ship_services.turkmen_ferry"],
    },
    Move {
        id: "ferry_deadweight",
        what: "the rail ferries' cargo deadweight, 4,500–5,500 t",
        why: "5,985 t carrying capacity is published (§3.2), not what is loaded",
        fields: &[
            ("ship_services.kuryk_ferry.capacity_tonnes", Set(4500.0, 5500.0)),
            ("ship_services.aktau_ferry.capacity_tonnes", Set(4500.0, 5500.0)),
            ("ship_services.turkmen_ferry.capacity_tonnes", Set(4500.0, 5500.0)),
        ],
        covers: &["ship_services.kuryk_ferry", "ship_services.aktau_ferry", "ship_services.turkmen_ferry"],
    },
    Move {
        id: "feeder_size",
        what: "the container feeders' load, 120–225 TEU (160 assumed)",
        why: "the published range of the fleet (§3.1–3.2); the average load is not published",
        fields: &[
            ("ship_services.aktau_feeder.slots.teu", Count(120, 225)),
            ("ship_services.aktau_feeder.capacity_tonnes", Set(1680.0, 3150.0)),
        ],
        covers: &["ship_services.aktau_feeder"],
    },
    Move {
        id: "dry_ships",
        what: "the dry-cargo ships' load, 4,000–6,000 t",
        why: "the fleet is published (§3.1), not the loads",
        fields: &[
            ("ship_services.turkmen_dry.capacity_tonnes", Set(4000.0, 6000.0)),
            ("ship_services.aktau_dry.capacity_tonnes", Set(4000.0, 6000.0)),
        ],
        covers: &["ship_services.turkmen_dry", "ship_services.aktau_dry"],
    },
    Move {
        id: "tankers",
        what: "the crude tankers on the run, 2–4 of 9,500 t",
        why: "ASCO has 20 tankers and runs 12–14 voyages a month (§5.3); how many serve Aktau is not published",
        fields: &[("ship_services.aktau_tankers.vessels", Count(2, 4))],
        covers: &["ship_services.aktau_tankers"],
    },
    Move {
        id: "empties",
        what: "the share of wagons and trucks returning empty, ×0.5–×1.5 (wagons 30–90 %, trucks 15–45 %)",
        why: "no published figure (§3.4)",
        fields: &[
            ("flows.kuryk_wagons.empty_return.share", Scale(0.5, 1.5)),
            ("flows.aktau_wagons.empty_return.share", Scale(0.5, 1.5)),
            ("flows.turkmen_wagons.empty_return.share", Scale(0.5, 1.5)),
            ("flows.turkmen_trucks.empty_return.share", Scale(0.5, 1.5)),
            ("flows.kuryk_trucks.empty_return.share", Scale(0.5, 1.5)),
            ("flows.china_btk_containers.empty_return.share", Scale(0.5, 1.5)),
            ("flows.china_poti_containers.empty_return.share", Scale(0.5, 1.5)),
        ],
        covers: &["flows"],
    },
    Move {
        id: "eastbound",
        what: "eastbound cargo (trucks and containers from Georgia and Turkey), ×0.5–×1.5",
        why: "Baku's totals are published (§1.4), not by direction",
        fields: &[
            ("flows.east_trucks_turkmenbashi.annual_tonnes", Scale(0.5, 1.5)),
            ("flows.east_trucks_kuryk.annual_tonnes", Scale(0.5, 1.5)),
            ("flows.east_containers.annual_teu", Scale(0.5, 1.5)),
        ],
        covers: &["flows"],
    },
    Move {
        id: "wagon_line_split",
        what: "the wagons' split between the lines: 20 % of Turkmenbashi's wagons moved to Kuryk, or 20 % of Kuryk's to Turkmenbashi",
        why: "Baku's wagons are published, not by line for 2024 (half on the Turkmenbashi line in 2023, §9.1)",
        fields: &[
            ("flows.turkmen_wagons.annual_tonnes", Set(720_000.0, 1_100_000.0)),
            ("flows.kuryk_wagons.annual_tonnes", Set(1_180_000.0, 800_000.0)),
        ],
        covers: &["flows"],
    },
    Move {
        id: "consignments",
        what: "consignment sizes: cuts of wagons and crude batches ×0.5–×2, dry lots ×0.5–×1.5 (a lot larger than a train is refused)",
        why: "not published (§3.4)",
        fields: &[
            ("flows.kuryk_wagons.consignment_tonnes.mean", Scale(0.5, 2.0)),
            ("flows.aktau_wagons.consignment_tonnes.mean", Scale(0.5, 2.0)),
            ("flows.turkmen_wagons.consignment_tonnes.mean", Scale(0.5, 2.0)),
            ("flows.turkmen_fertiliser.consignment_tonnes.mean", Scale(0.5, 1.5)),
            ("flows.turkmen_fertiliser.consignment_tonnes.sd", Scale(0.5, 1.5)),
            ("flows.aktau_dry_import.consignment_tonnes.mean", Scale(0.5, 1.5)),
            ("flows.aktau_dry_import.consignment_tonnes.sd", Scale(0.5, 1.5)),
            ("flows.kazakh_crude.consignment_tonnes.mean", Scale(0.5, 2.0)),
        ],
        covers: &["flows"],
    },
    Move {
        id: "storms_per_year",
        what: "gales a year, 12–24",
        why: "no published count of gales (§3.3); 10 storm days in one January (§9.2)",
        fields: &[("weather.caspian_storms.storms_per_year", Set(12.0, 24.0))],
        covers: &["weather"],
    },
    Move {
        id: "storm_length",
        what: "gale length, ×0.7–×1.5",
        why: "no published durations; closures of one to several days (§3.3)",
        fields: &[
            ("weather.caspian_storms.duration_hours.mean", Scale(0.7, 1.5)),
            ("weather.caspian_storms.duration_hours.sd", Scale(0.7, 1.5)),
        ],
        covers: &["weather"],
    },
    Move {
        id: "kuryk_shelter",
        what: "the share of gales that close Kuryk, 0.33–1",
        why: "a bay chosen for shelter (§3.3), yet closed about half of November–December (§9.2)",
        fields: &[("weather.caspian_storms.close_probability.kuryk", Set(0.33, 1.0))],
        covers: &["weather"],
    },
];

/// Keys whose ASSUMPTION moves costs, tariffs or emissions only, never what the
/// simulation does (the model reads them in `model/costs.rs` and the plan's costs).
pub const COST_KEYS: &[&str] = &[
    "tariff_per_unit",
    "tariff_per_tonne",
    "charge_per_tonne",
    "co2_g_per_tonne_km",
    "co2_kg_per_tonne",
    "distance_km",
    "length_km",
    "capital_cost",
    "yearly_cost",
    "discount_rate",
    "value_of_time",
];

/// Tables whose ASSUMPTIONS are not moved one at a time here, and why.
pub const NOT_MOVED: &[(&str, &str)] = &[
    (
        "pipelines",
        "the BTC pipeline takes 50 Mt/yr against 1.45 Mt of Kazakh crude: no plausible rate or time makes it bind",
    ),
    (
        "candidates",
        "a plan's upgrade: its costs and earliest dates move the plan's cost, ranked by the 2030 file's own unknowns",
    ),
    (
        "changes",
        "a dated change of the 2030 file (an announced upgrade, its date and size), ranked by the 2030 file's own unknowns",
    ),
    ("growth", "growth to 2030, ranked by the 2030 file's own unknowns (README, \"Which unknowns drive 2030\")"),
    ("planning", "the planning horizon and discount rate: costs only"),
    ("scenario", "a statement about the whole file (what is assumed where), not a value"),
    (
        "variants",
        "a variant is a question asked of the model (a surge, an upgrade, a past year), not a value of the base; the past years are judged against what was observed in docs/hindcast.md",
    ),
    ("costs", "costs and the value of time: costs only"),
    (
        "uncertain",
        "the reason an `[uncertain.*]` input gives for its range: the value it declares is moved with its own table",
    ),
];

/// One ASSUMPTION marked in a scenario file.
pub struct Marker {
    pub file: &'static str,
    pub line: usize,
    /// The table the marker belongs to (the one it stands in, or the one a comment
    /// block above a table describes).
    pub table: String,
    /// The key on the marked line, if it is a key's line.
    pub key: Option<String>,
    pub text: String,
}

/// Where a marker is accounted for.
pub enum Accounted {
    /// Moved one at a time, by these moves.
    Moved(Vec<&'static str>),
    /// Costs and emissions only.
    CostOnly,
    /// Not moved, for this reason.
    NotMoved(&'static str),
}

/// Every line of the two files that marks an ASSUMPTION, except the files' note
/// explaining the word.
pub fn markers() -> Vec<Marker> {
    let mut out = Vec::new();
    for file in FILES {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let lines: Vec<&str> = text.lines().collect();
        let mut table = String::from("scenario");
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim();
            if let Some(header) = table_header(trimmed) {
                table = header;
                continue;
            }
            if !trimmed.contains("ASSUMPTION") || trimmed.contains("is marked ASSUMPTION") {
                continue;
            }
            let (owner, key) = if trimmed.starts_with('#') {
                // A comment describes the table it stands above, when only comments
                // lie between; otherwise the table it stands in.
                let next = lines[i + 1..].iter().map(|l| l.trim()).find(|l| !l.is_empty() && !l.starts_with('#'));
                (next.and_then(table_header).unwrap_or_else(|| table.clone()), None)
            } else {
                let key = trimmed.split('=').next().unwrap_or("").trim().to_string();
                (table.clone(), Some(key))
            };
            let text = trimmed.trim_start_matches('#').trim().to_string();
            out.push(Marker { file, line: i + 1, table: owner, key, text });
        }
    }
    out
}

/// The table a header line opens (`[a.b]` or `[[a.b]]`).
fn table_header(line: &str) -> Option<String> {
    let inner = line.strip_prefix('[')?.split(']').next()?;
    Some(inner.trim_start_matches('[').trim().to_string())
}

fn covered_by(table: &str, prefix: &str) -> bool {
    table == prefix || table.starts_with(&format!("{prefix}."))
}

/// Where `m` is accounted for, if anywhere.
pub fn accounted(m: &Marker) -> Option<Accounted> {
    let key_is_cost = m.key.as_deref().is_some_and(|k| COST_KEYS.iter().any(|c| k.contains(c)));
    if key_is_cost {
        return Some(Accounted::CostOnly);
    }
    let moves: Vec<&'static str> =
        MOVES.iter().filter(|mv| mv.covers.iter().any(|p| covered_by(&m.table, p))).map(|mv| mv.id).collect();
    if !moves.is_empty() {
        return Some(Accounted::Moved(moves));
    }
    NOT_MOVED.iter().find(|(p, _)| covered_by(&m.table, p)).map(|(_, why)| Accounted::NotMoved(why))
}

/// The variant of `mv` at its low (`high = false`) or high end.
fn variant_of(mv: &Move, high: bool) -> VariantSpec {
    let mut v = VariantSpec::new().extends(VARIANT);
    for (path, shift) in mv.fields {
        v = match *shift {
            Scale(lo, hi) => v.scale(*path, if high { hi } else { lo }),
            Set(lo, hi) => v.set(*path, if high { hi } else { lo }),
            Count(lo, hi) => v.set(*path, if high { hi } else { lo }),
        };
    }
    v
}

/// Runs the baseline and every move at both ends, on the same replications.
pub fn run() -> ExperimentResult {
    let loaded = Scenario::load(SCENARIO).unwrap_or_else(|e| panic!("{e}"));
    let mut spec = loaded.base().clone();
    let mut names = vec![VARIANT.to_string()];
    for mv in MOVES {
        for high in [false, true] {
            let name = format!("{}_{}", mv.id, if high { "high" } else { "low" });
            spec = spec.variant(&name, variant_of(mv, high));
            names.push(name);
        }
    }
    let scenario = Scenario::from_spec(&spec).unwrap_or_else(|e| panic!("{e}"));
    Experiment::for_scenario(&scenario)
        .replications(REPLICATIONS)
        .seed(SEED)
        .variants(names)
        .run(&scenario, None)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Surge headroom of each replication: 1 ÷ its highest simulated ρ, less 1.
fn headroom(v: &VariantResult) -> Vec<f64> {
    let rho: Vec<usize> = v.keys.iter().enumerate().filter(|(_, k)| k.starts_with("rho.")).map(|(i, _)| i).collect();
    v.records
        .iter()
        .filter(|r| r.saturation.is_none())
        .map(|r| {
            let top = rho.iter().map(|&i| r.values[i]).filter(|x| x.is_finite()).fold(0.0, f64::max);
            if top > 0.0 { 1.0 / top - 1.0 } else { f64::NAN }
        })
        .collect()
}

/// A paired difference's mean and 95 % half-width.
pub struct Swing {
    pub mean: f64,
    pub half: f64,
}

impl Swing {
    fn of(low: &[f64], high: &[f64]) -> Swing {
        let d: Vec<f64> = low.iter().zip(high).map(|(l, h)| h - l).filter(|x| x.is_finite()).collect();
        let n = d.len() as f64;
        let mean = d.iter().sum::<f64>() / n;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        // Student's t at 95 % for the replications used (9 degrees of freedom at 10).
        let t = student_t_975(d.len().saturating_sub(1));
        Swing { mean, half: t * (var / n).sqrt() }
    }

    /// Whether the interval leaves out 0.
    pub fn significant(&self) -> bool {
        self.mean.abs() > self.half
    }
}

fn student_t_975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 { f64::NAN } else { T.get(df - 1).copied().unwrap_or(1.96) }
}

/// One ranked row.
pub struct Ranked {
    pub mv: &'static Move,
    /// Surge headroom, percentage points, high − low.
    pub headroom: Swing,
    /// Baku's p95 ship wait, hours, high − low.
    pub baku_wait: Swing,
    /// What binds at the low and the high end, with its ρ and the stability verdict.
    pub binds: (String, String),
    /// Whether the corridor is not stable at one end.
    pub unsteady: bool,
}

const BAKU_WAIT: &str = "port.baku.ship_wait_hours.p95";

fn binds(v: &VariantResult) -> String {
    let what = v.what_binds().binding.map_or("nothing".into(), |b| format!("{} ({:.2})", b.resource, b.rho()));
    format!("{what}, {}", v.stability().verdict.name())
}

/// Whether either end of a move leaves the steady state.
fn leaves_steady_state(low: &VariantResult, high: &VariantResult) -> bool {
    !low.stability().verdict.is_steady() || !high.stability().verdict.is_steady()
}

/// The moves, ranked by how far they move the surge headroom (then Baku's wait).
pub fn ranked(result: &ExperimentResult) -> Vec<Ranked> {
    let mut rows: Vec<Ranked> = MOVES
        .iter()
        .map(|mv| {
            let low = result.variant(&format!("{}_low", mv.id)).expect("low end ran");
            let high = result.variant(&format!("{}_high", mv.id)).expect("high end ran");
            let (hl, hh) = (headroom(low), headroom(high));
            let percent = |v: Vec<f64>| v.into_iter().map(|x| 100.0 * x).collect::<Vec<f64>>();
            let headroom = Swing::of(&percent(hl), &percent(hh));
            let baku_wait = Swing::of(
                &low.values(BAKU_WAIT).expect("Baku's wait is measured"),
                &high.values(BAKU_WAIT).expect("Baku's wait is measured"),
            );
            Ranked {
                mv,
                headroom,
                baku_wait,
                binds: (binds(low), binds(high)),
                unsteady: leaves_steady_state(low, high),
            }
        })
        .collect();
    let weight = |s: &Swing| if s.significant() { s.mean.abs() } else { 0.0 };
    rows.sort_by(|a, b| {
        b.unsteady
            .cmp(&a.unsteady)
            .then(weight(&b.headroom).total_cmp(&weight(&a.headroom)))
            .then(weight(&b.baku_wait).total_cmp(&weight(&a.baku_wait)))
            .then(a.mv.id.cmp(b.mv.id))
    });
    rows
}

fn swing_text(s: &Swing, unit: &str, digits: usize) -> String {
    let sign = if s.mean >= 0.0 { "+" } else { "−" };
    let text = format!("{sign}{:.digits$}{unit} (± {:.digits$})", s.mean.abs(), s.half);
    if s.significant() { text } else { format!("noise: {text}") }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The document.
pub fn markdown(result: &ExperimentResult, rows: &[Ranked], markers: &[Marker]) -> String {
    let base = result.variant(VARIANT).expect("the baseline ran");
    let mut s = String::new();
    s.push_str("# Every assumption, and how much it moves the answer\n\n");
    s.push_str(
        "Generated by `cargo run --release --example assumptions`; `tests/assumptions.rs` fails when this\n\
         file is out of date or when an ASSUMPTION marked in a scenario file is accounted for\n\
         nowhere below. The data notes (docs/data.md) give the published figures and the\n\
         reasons; this file lists every value the two Middle Corridor files still assume.\n\n",
    );
    s.push_str("## Ranked, one at a time\n\n");
    s.push_str(&format!(
        "Each assumption of `{SCENARIO}` that can move the simulation is moved over its\n\
         plausible range, low end then high end, the others as written, on the `{VARIANT}`\n\
         variant (2024), {REPLICATIONS} replications on common random numbers (seed {SEED}). Two\n\
         measures of the planner's answer, each the high end's less the low end's with its\n\
         95 % interval (\"noise\" where the interval holds 0):\n\n\
         - **surge headroom**: 1 ÷ the highest simulated ρ of any resource, less 1, in\n  \
           percentage points: how much more cargo the busiest resource could take on\n  \
           average (as written: {:.1} %). It is a mean-value measure, not the capacity\n  \
           search's answer, which also asks the waits to hold; it ranks what moves it.\n\
         - **Baku's p95 ship wait**, the 2030 plan's criterion (as written: {:.1} h).\n\n\
         What binds at each end is what the stability verdict names, with its ρ (the\n\
         higher of the capacity sheet's estimate and the simulated), and the verdict.\n\
         Moves that leave the corridor unstable at one end rank first; then by the\n\
         headroom's swing, then the wait's (swings lost in the noise rank last). One at a time says nothing of interactions: `corridor sensitivity` (README,\n\
         \"How sure is the answer\") treats the declared `[uncertain.*]` inputs together.\n\n",
        100.0 * mean(&headroom(base)),
        base.summary(BAKU_WAIT).map_or(f64::NAN, |m| m.mean),
    ));
    s.push_str(
        "| rank | assumption (range) | why no figure | surge headroom, points | Baku p95 wait, h | binds at the low end | binds at the high end |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|\n");
    for (i, r) in rows.iter().enumerate() {
        s.push_str(&format!(
            "| {} | {} (`{}`) | {} | {} | {} | {} | {} |\n",
            i + 1,
            cell(r.mv.what),
            r.mv.id,
            cell(r.mv.why),
            swing_text(&r.headroom, "", 1),
            swing_text(&r.baku_wait, "", 1),
            r.binds.0,
            r.binds.1,
        ));
    }
    s.push_str("\nWhat each move changes (a factor `×`, or the low and high values):\n\n");
    for mv in MOVES {
        let fields: Vec<String> = mv
            .fields
            .iter()
            .map(|(p, shift)| match shift {
                Scale(lo, hi) => format!("`{p}` ×{lo}–×{hi}"),
                Set(lo, hi) => format!("`{p}` {lo}–{hi}"),
                Count(lo, hi) => format!("`{p}` {lo}–{hi}"),
            })
            .collect();
        s.push_str(&format!("- `{}`: {}\n", mv.id, fields.join(", ")));
    }
    s.push_str("\n## Not moved one at a time\n\n");
    s.push_str(&format!(
        "- Costs, tariffs, charges, emission factors and distances (keys {}): they move the\n  \
         cost and CO2 of what is carried and the price of a plan, never what binds.\n",
        COST_KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
    ));
    for (table, why) in NOT_MOVED {
        s.push_str(&format!("- `[{table}.*]`: {why}.\n"));
    }
    s.push_str("\n## Every ASSUMPTION in the scenario files\n\n");
    s.push_str("| where | table | what the file says | accounted for |\n|---|---|---|---|\n");
    for m in markers {
        let how = match accounted(m) {
            Some(Accounted::Moved(ids)) => {
                let ranks: Vec<String> = ids
                    .iter()
                    .map(|id| {
                        let rank = rows.iter().position(|r| r.mv.id == *id).map_or(0, |p| p + 1);
                        format!("`{id}` (rank {rank})")
                    })
                    .collect();
                let same = if m.file == SCENARIO { "" } else { "of the kind ranked on the 2024 file: " };
                format!("{same}{}", ranks.join(", "))
            }
            Some(Accounted::CostOnly) => "costs and emissions only".into(),
            Some(Accounted::NotMoved(why)) => format!("not moved: {}", cell(why)),
            None => "NOWHERE".into(),
        };
        s.push_str(&format!("| {}:{} | `{}` | {} | {} |\n", m.file, m.line, m.table, cell(&m.text), how));
    }
    s
}

fn mean(v: &[f64]) -> f64 {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    f.iter().sum::<f64>() / f.len() as f64
}
