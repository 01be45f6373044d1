//! What the stability verdict answers: the verdict, the growth figures it rests on,
//! where cargo accumulates, what binds, and the words the report uses for them. The
//! rule that reaches it is in the parent module.

use crate::stats::{OnlineStats, student_t_quantile};
use serde::{Deserialize, Serialize};

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Backlog within tolerance: a steady state.
    Stable,
    /// Backlog grows: not a steady state; waits and transit times keep rising.
    Unstable,
    /// Growth above tolerance on average but not significantly.
    Inconclusive,
    /// A cap stopped a replication.
    Saturated,
}

impl Verdict {
    /// The verdict as a word.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Stable => "stable",
            Verdict::Unstable => "unstable",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Saturated => "saturated",
        }
    }

    /// Whether the variant's averages describe a steady state.
    pub fn is_steady(self) -> bool {
        self == Verdict::Stable
    }
}

/// A growth rate across replications, tonnes per day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Growth {
    /// Mean over replications.
    pub mean: f64,
    /// Student-t 95 % interval (`None` with fewer than two replications).
    pub ci95: Option<[f64; 2]>,
}

impl Growth {
    pub(super) fn of(values: &[f64]) -> Growth {
        let mut stats = OnlineStats::new();
        values.iter().for_each(|&v| stats.push(v));
        let ci95 = (stats.count() >= 2).then(|| {
            let hw = student_t_quantile(0.95, stats.count() - 1) * stats.std_error();
            [stats.mean() - hw, stats.mean() + hw]
        });
        Growth { mean: if values.is_empty() { 0.0 } else { stats.mean() }, ci95 }
    }

    /// The interval's lower bound (the mean with one replication).
    pub fn lo(&self) -> f64 {
        self.ci95.map_or(self.mean, |c| c[0])
    }
}

/// Cargo growing at one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceGrowth {
    /// The place's key: `<node>.waiting_for.<service>`, `<port>.gate`, `<node>.transfer`.
    pub place: String,
    /// The place in words.
    pub description: String,
    /// How fast cargo accumulates there.
    pub growth: Growth,
}

/// One flow's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowStability {
    /// Flow id.
    pub flow: String,
    /// Tonnes a day it generated (mean over replications).
    pub demand_tonnes_per_day: f64,
    /// Delivered over generated (mean over replications).
    pub delivered_share: f64,
    /// Growth of its cargo in the system.
    pub growth: Growth,
    /// Whether it alone makes the variant unstable.
    pub unstable: bool,
}

/// Whether a KPI describes waiting, queues or stocks, which grow without bound when
/// the backlog does: such figures of a variant that is not stable describe the run,
/// not a steady state, and are flagged so ([`crate::stats::Summary::not_steady_state`]).
pub fn depends_on_steady_state(key: &str) -> bool {
    ["wait", "transit_hours", "turnaround", "berth_hours", "at_anchor", "stock", "in_system", "queue", "backlog_tonnes"]
        .iter()
        .any(|word| key.contains(word))
}

/// What binds: the resource with the highest ρ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    /// The resource, as in `rho.*` keys.
    pub resource: String,
    /// Its ρ on the capacity sheet (offered load ÷ capacity), if the sheet has it.
    pub rho_static: Option<f64>,
    /// Its simulated ρ (mean over replications), if measured.
    pub rho_simulated: Option<f64>,
}

impl Binding {
    /// The higher of the two ρ.
    pub fn rho(&self) -> f64 {
        self.rho_static.unwrap_or(0.0).max(self.rho_simulated.unwrap_or(0.0))
    }
}

/// Replication verdicts, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReplicationVerdicts {
    /// Replications within tolerance.
    pub stable: u64,
    /// Replications whose backlog grew beyond tolerance (or a flow starved).
    pub unstable: u64,
    /// Replications stopped by a cap.
    pub saturated: u64,
}

/// A variant's stability verdict and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stability {
    /// The verdict.
    pub verdict: Verdict,
    /// The verdict and its main reason, in a sentence.
    pub summary: String,
    /// Every reason the verdict is not "stable".
    pub reasons: Vec<String>,
    /// Tonnes a day generated (mean over replications).
    pub demand_tonnes_per_day: f64,
    /// Growth tolerated, tonnes a day.
    pub tolerance_tonnes_per_day: f64,
    /// Growth of the cargo in the system.
    pub growth: Growth,
    /// Delivered over generated, whole system (mean over replications).
    pub delivered_share: f64,
    /// Cargo in the system at the end, tonnes (mean over replications).
    pub backlog_end_tonnes: f64,
    /// Places where cargo accumulates (mean growth above zero, fastest first).
    pub accumulating: Vec<PlaceGrowth>,
    /// Per flow.
    pub flows: Vec<FlowStability>,
    /// What binds.
    pub binding: Option<Binding>,
    /// Per-replication verdicts, counted.
    pub replications: ReplicationVerdicts,
    /// Things the reader should know (e.g. seasonal demand in a one-year window).
    pub caveats: Vec<String>,
}

/// The place key in words: "at aktau, waiting for aktau_feeder", "at the gate of
/// aktau (yard full)", "at transfer point akhalkalaki".
pub fn describe_place(key: &str) -> String {
    if let Some((node, service)) = key.split_once(".waiting_for.") {
        format!("at {node}, waiting for {service}")
    } else if let Some(port) = key.strip_suffix(".gate") {
        format!("at the gate of {port} (yard full)")
    } else if let Some(node) = key.strip_suffix(".transfer") {
        format!("at transfer point {node}")
    } else {
        key.to_string()
    }
}

/// Thousands separators for whole numbers in messages.
pub fn grouped(x: f64) -> String {
    let n = x.round().abs() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if x.round() < 0.0 { format!("−{out}") } else { out }
}

pub(super) fn growth_text(g: &Growth) -> String {
    match g.ci95 {
        Some([lo, hi]) => format!("{} t/day (95 % CI {} to {})", grouped(g.mean), grouped(lo), grouped(hi)),
        None => format!("{} t/day (one replication: no interval)", grouped(g.mean)),
    }
}
