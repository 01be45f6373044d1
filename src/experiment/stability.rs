//! The stability verdict of a variant: is the corridor in a steady state, or does
//! cargo pile up? Separate from "saturated" (a replication hit a cap and stopped).
//!
//! # The test
//!
//! Each replication measures the cargo in the system over the measured window and
//! fits a least-squares line to its second half (see `model::backlog`): the growth
//! `g_i`, in tonnes per day. Across the `n` replications that finished, the mean
//! growth has the Student-t 95 % interval `ḡ ± t(0.975, n−1)·s/√n`. The tolerance is
//! [`GROWTH_TOLERANCE`] of the daily demand: a backlog may wander, but one growing
//! by more than 1 % of a day's demand every day is not a steady state.
//!
//! - **saturated** — a replication hit a cap (events or consignments) and stopped
//!   early: its figures are not a year's, and the corridor is overloaded.
//! - **unstable** — the interval's lower bound exceeds the tolerance (growth
//!   beyond tolerance at one-sided 97.5 % confidence), or the same holds for one
//!   flow against 1 % of that flow's demand, or a flow delivered less than
//!   [`DELIVERED_SHARE_FLOOR`] of what it generated: a run in which a flow
//!   delivers nothing, or a small part of its demand, is never stable.
//! - **inconclusive** — the mean growth exceeds the tolerance but the interval
//!   reaches below it: more replications or a longer horizon will tell.
//! - **stable** — the mean growth is within the tolerance (its interval is given,
//!   so the reader sees how much growth the data still allow).
//!
//! Each replication also gets a verdict from its own figures (growth against the
//! tolerance, delivered shares, the cap); one replication's slope is noisy, so
//! these are evidence, counted, not the verdict.
//!
//! Where cargo accumulates is read from the growth of each place (a node's queue
//! for a service, a port's gate, a transfer point); what binds from the capacity
//! sheet's ρ and the simulated ρ, the higher of the two.

use super::result::VariantResult;
use crate::stats::{OnlineStats, student_t_quantile};
use serde::{Deserialize, Serialize};

/// Growth tolerated, as a share of the daily demand, per day.
pub const GROWTH_TOLERANCE: f64 = 0.01;

/// The smallest share of its demand a flow must deliver for a run to be stable.
pub const DELIVERED_SHARE_FLOOR: f64 = 0.5;

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
    fn of(values: &[f64]) -> Growth {
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

fn growth_text(g: &Growth) -> String {
    match g.ci95 {
        Some([lo, hi]) => format!("{} t/day (95 % CI {} to {})", grouped(g.mean), grouped(lo), grouped(hi)),
        None => format!("{} t/day (one replication: no interval)", grouped(g.mean)),
    }
}

impl VariantResult {
    /// Values of `key` in every replication that finished (saturated ones left out).
    fn finished(&self, key: &str) -> Vec<f64> {
        self.values(key).unwrap_or_default()
    }

    /// The stability verdict and its evidence (see [`crate::experiment::stability`]).
    pub fn stability(&self) -> Stability {
        let mean = |key: &str| {
            let v = self.finished(key);
            if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 }
        };
        let days = mean("system.measured_days").max(1e-9);
        let demand = mean("system.generated_tonnes") / days;
        let tolerance = GROWTH_TOLERANCE * demand;
        let growth = Growth::of(&self.finished("system.backlog_growth_tonnes_per_day"));
        let delivered_share = mean("system.delivered_share");
        let mut reasons = Vec::new();

        // Flows.
        let flow_ids: Vec<String> = self
            .keys
            .iter()
            .filter_map(|k| k.strip_prefix("flow.")?.strip_suffix(".backlog_growth_tonnes_per_day").map(String::from))
            .collect();
        let mut flows = Vec::new();
        for id in flow_ids {
            let key = |name: &str| format!("flow.{id}.{name}");
            let demand = mean(&key("generated_tonnes")) / days;
            let growth = Growth::of(&self.finished(&key("backlog_growth_tonnes_per_day")));
            let share = mean(&key("delivered_share"));
            let mut unstable = false;
            if demand > 0.0 && share < DELIVERED_SHARE_FLOOR {
                unstable = true;
                reasons.push(format!("flow {id} delivered only {:.0} % of what it generated", 100.0 * share));
            }
            if demand > 0.0 && growth.ci95.is_some() && growth.lo() > GROWTH_TOLERANCE * demand {
                unstable = true;
                reasons.push(format!("flow {id}'s cargo in the system grows {}", growth_text(&growth)));
            }
            flows.push(FlowStability {
                flow: id,
                demand_tonnes_per_day: demand,
                delivered_share: share,
                growth,
                unstable,
            });
        }
        let generated = mean("system.generated_tonnes");
        if generated > 0.0 && mean("system.delivered_tonnes") <= 0.0 {
            reasons.insert(0, "nothing was delivered".to_string());
        }

        // Places.
        let mut accumulating: Vec<PlaceGrowth> = self
            .keys
            .iter()
            .filter_map(|k| k.strip_prefix("place.")?.strip_suffix(".growth_tonnes_per_day"))
            .map(|place| {
                let growth = Growth::of(&self.finished(&format!("place.{place}.growth_tonnes_per_day")));
                PlaceGrowth { place: place.to_string(), description: describe_place(place), growth }
            })
            .filter(|p| p.growth.mean > 0.0 && p.growth.mean > 0.1 * tolerance)
            .collect();
        accumulating.sort_by(|a, b| b.growth.mean.total_cmp(&a.growth.mean).then_with(|| a.place.cmp(&b.place)));

        let binding = self.binding();
        let replications = self.replication_counts();
        let saturated = self.saturated();
        let system_grows =
            growth.ci95.is_some() && growth.lo() > tolerance || growth.ci95.is_none() && growth.mean > tolerance;
        if system_grows {
            reasons.insert(0, format!("the backlog grows {}", growth_text(&growth)));
        }
        let verdict = if !saturated.is_empty() {
            Verdict::Saturated
        } else if !reasons.is_empty() {
            Verdict::Unstable
        } else if growth.mean > tolerance {
            Verdict::Inconclusive
        } else {
            Verdict::Stable
        };
        let place =
            accumulating.first().map(|p| format!(", most {} ({} t/day)", p.description, grouped(p.growth.mean)));
        let summary = match verdict {
            Verdict::Saturated => {
                let (_, s) = saturated[0];
                format!(
                    "saturated: {} of {} replications hit a cap ({}) — the corridor is overloaded",
                    saturated.len(),
                    self.records.len(),
                    s.reason
                )
            }
            Verdict::Unstable => format!("unstable: {}{}", reasons[0], place.unwrap_or_default()),
            Verdict::Inconclusive => format!(
                "inconclusive: the backlog grows {} against a tolerance of {} t/day — run more replications or a longer horizon",
                growth_text(&growth),
                grouped(tolerance)
            ),
            Verdict::Stable => format!(
                "stable: backlog growth {} is within the tolerance of {} t/day (1 % of demand)",
                growth_text(&growth),
                grouped(tolerance)
            ),
        };
        let mut caveats = Vec::new();
        if self.capacity.as_ref().is_some_and(|c| c.seasonal) && days < 365.0 {
            caveats.push(
                "demand or storms vary by month and the window is shorter than a year: growth cannot be told from a seasonal swing"
                    .to_string(),
            );
        }
        if verdict != Verdict::Saturated && self.finished("system.measured_days").len() < 2 {
            caveats.push("fewer than two replications finished: no interval".to_string());
        }
        Stability {
            verdict,
            summary,
            reasons,
            demand_tonnes_per_day: demand,
            tolerance_tonnes_per_day: tolerance,
            growth,
            delivered_share,
            backlog_end_tonnes: mean("system.in_system_tonnes"),
            accumulating,
            flows,
            binding,
            replications,
            caveats,
        }
    }

    /// The resource with the highest ρ: the capacity sheet's or the simulated one,
    /// whichever is higher.
    pub fn binding(&self) -> Option<Binding> {
        let mut candidates: Vec<Binding> = Vec::new();
        let mut add = |resource: &str, rho_static: Option<f64>, rho_simulated: Option<f64>| match candidates
            .iter_mut()
            .find(|b| b.resource == resource)
        {
            Some(b) => {
                b.rho_static = b.rho_static.or(rho_static);
                b.rho_simulated = b.rho_simulated.or(rho_simulated);
            }
            None => candidates.push(Binding { resource: resource.to_string(), rho_static, rho_simulated }),
        };
        if let Some(sheet) = &self.capacity {
            for row in &sheet.rows {
                add(&row.resource, Some(row.rho), None);
            }
        }
        for key in &self.keys {
            if let Some(resource) = key.strip_prefix("rho.") {
                let values = self.finished(key);
                if !values.is_empty() {
                    add(resource, None, Some(values.iter().sum::<f64>() / values.len() as f64));
                }
            }
        }
        candidates.into_iter().max_by(|a, b| a.rho().total_cmp(&b.rho()).then_with(|| b.resource.cmp(&a.resource)))
    }

    /// Growth tolerated, tonnes a day: [`GROWTH_TOLERANCE`] of the mean daily demand.
    pub fn growth_tolerance(&self) -> f64 {
        let mean = |key: &str| {
            let v = self.finished(key);
            if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 }
        };
        GROWTH_TOLERANCE * mean("system.generated_tonnes") / mean("system.measured_days").max(1e-9)
    }

    /// Each replication's own verdict (stable, unstable or saturated; see the module
    /// documentation), in record order.
    pub fn replication_verdicts(&self) -> Vec<Verdict> {
        let tolerance = self.growth_tolerance();
        let index = |k: &str| self.keys.iter().position(|x| x == k);
        let growth = index("system.backlog_growth_tonnes_per_day");
        let shares: Vec<(usize, usize)> = self
            .keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.starts_with("flow.") && k.ends_with(".delivered_share"))
            .filter_map(|(i, k)| Some((i, index(&k.replace(".delivered_share", ".generated_tonnes"))?)))
            .collect();
        self.records
            .iter()
            .map(|r| {
                if r.saturation.is_some() {
                    return Verdict::Saturated;
                }
                let grows = growth.is_some_and(|g| r.values[g] > tolerance);
                let starved = shares.iter().any(|&(s, g)| r.values[g] > 0.0 && r.values[s] < DELIVERED_SHARE_FLOOR);
                if grows || starved { Verdict::Unstable } else { Verdict::Stable }
            })
            .collect()
    }

    fn replication_counts(&self) -> ReplicationVerdicts {
        let mut counts = ReplicationVerdicts::default();
        for v in self.replication_verdicts() {
            match v {
                Verdict::Saturated => counts.saturated += 1,
                Verdict::Unstable | Verdict::Inconclusive => counts.unstable += 1,
                Verdict::Stable => counts.stable += 1,
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Record;

    /// A variant whose replications say `growth` t/day and `share` delivered, for one
    /// flow of 1,000 t a day over 100 days.
    fn variant(growth: &[f64], share: f64) -> VariantResult {
        let keys = [
            "flow.f.generated_tonnes",
            "flow.f.delivered_share",
            "flow.f.backlog_growth_tonnes_per_day",
            "system.generated_tonnes",
            "system.delivered_tonnes",
            "system.delivered_share",
            "system.backlog_growth_tonnes_per_day",
            "system.measured_days",
        ];
        let records = growth
            .iter()
            .enumerate()
            .map(|(i, &g)| Record {
                replication: i as u64,
                values: vec![100_000.0, share, g, 100_000.0, 100_000.0 * share, share, g, 100.0],
                bottleneck: String::new(),
                longest_wait: String::new(),
                saturation: None,
            })
            .collect();
        VariantResult {
            name: "v".into(),
            keys: keys.map(String::from).to_vec(),
            records,
            capacity: None,
            years_capacity: Vec::new(),
        }
    }

    #[test]
    fn the_verdict_follows_the_documented_rule() {
        // Tolerance: 1 % of 1,000 t a day = 10 t/day.
        let flat = variant(&[-3.0, 2.0, 1.0, -1.0, 0.5], 1.0).stability();
        assert_eq!(flat.verdict, Verdict::Stable, "{}", flat.summary);
        assert!((flat.tolerance_tonnes_per_day - 10.0).abs() < 1e-9);
        let growing = variant(&[30.0, 32.0, 29.0, 31.0, 33.0], 1.0).stability();
        assert_eq!(growing.verdict, Verdict::Unstable, "{}", growing.summary);
        // Mean above the tolerance, interval reaching below it.
        let unsure = variant(&[-20.0, 50.0, 5.0, 40.0, 0.0], 1.0).stability();
        assert_eq!(unsure.verdict, Verdict::Inconclusive, "{}", unsure.summary);
        // Flat backlog but the flow delivers a tenth of its demand: never stable.
        let starved = variant(&[0.0, 1.0, -1.0, 0.0, 0.5], 0.1).stability();
        assert_eq!(starved.verdict, Verdict::Unstable, "{}", starved.summary);
        assert!(starved.reasons[0].contains("flow f delivered only 10 %"), "{:?}", starved.reasons);
        assert_eq!(starved.replications.unstable, 5);
    }

    #[test]
    fn a_cap_makes_it_saturated_whatever_the_rest_says() {
        let mut v = variant(&[0.0, 1.0, -1.0], 1.0);
        v.records[1].saturation =
            Some(crate::model::Saturation { resource: "x".into(), at_hours: 5.0, reason: "the cap".into() });
        let s = v.stability();
        assert_eq!(s.verdict, Verdict::Saturated);
        assert!(s.summary.contains("1 of 3 replications hit a cap (the cap)"), "{}", s.summary);
        assert_eq!(s.replications, ReplicationVerdicts { stable: 2, unstable: 0, saturated: 1 });
    }

    #[test]
    fn places_read_as_words() {
        assert_eq!(describe_place("aktau.waiting_for.aktau_feeder"), "at aktau, waiting for aktau_feeder");
        assert_eq!(describe_place("baku.gate"), "at the gate of baku (yard full)");
        assert_eq!(describe_place("akhalkalaki.transfer"), "at transfer point akhalkalaki");
        assert_eq!(grouped(1_234_567.4), "1,234,567");
        assert_eq!(grouped(-1_500.0), "−1,500");
    }
}
