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
//! The tolerance has a floor: a backlog that grows by less than one of the largest
//! lots cargo comes in (the sheet's `lump_tonnes`) over half the window cannot be
//! told from single lots coming and going, so light, lumpy traffic is not flagged.
//!
//! The slope of the second half cannot see a backlog built in the first half that
//! never drains. So the net growth over the whole window, `(level at its end − level
//! at its start) / days`, is tested the same way (where demand is seasonal and the
//! window spans a year the growth is already fitted over the whole window).
//!
//! - **saturated** — a replication hit a cap (events or consignments) and stopped
//!   early: its figures are not a year's, and the corridor is overloaded.
//! - **unstable** — the capacity sheet's bound says some resource has ρ ≥ 1 whatever
//!   the split of the cargo (offered load beyond capacity: a backlog that grows
//!   whatever the randomness, however slowly); or the growth interval's lower bound
//!   exceeds the tolerance (growth beyond tolerance at one-sided 97.5 % confidence),
//!   or the net growth's does, or the same holds for one flow against 1 % of that
//!   flow's demand, or a flow delivered less than [`DELIVERED_SHARE_FLOOR`] of what it
//!   generated: a run in which a flow delivers nothing, or a small part of its
//!   demand, is never stable.
//! - **inconclusive** — the mean growth (or the mean net growth) exceeds the
//!   tolerance but its interval reaches below it: more replications or a longer
//!   horizon will tell.
//! - **stable** — the mean growth and the mean net growth are within the tolerance
//!   (the growth's interval is given, so the reader sees how much growth the data
//!   still allow).
//!
//! Each replication also gets a verdict from its own figures (growth against the
//! tolerance, delivered shares, the cap); one replication's slope is noisy, so
//! these are evidence, counted, not the verdict.
//!
//! Where cargo accumulates is read from the growth of each place (a node's queue
//! for a service, a port's gate, a transfer point); what binds from the capacity
//! sheet's ρ and the simulated ρ, the higher of the two.

mod verdict;

use verdict::growth_text;
pub use verdict::{
    Binding, FlowStability, Growth, PlaceGrowth, ReplicationVerdicts, Stability, Verdict, depends_on_steady_state,
    describe_place, grouped,
};

use super::result::VariantResult;

/// Growth tolerated, as a share of the daily demand, per day.
pub const GROWTH_TOLERANCE: f64 = 0.01;

/// The smallest share of its demand a flow must deliver for a run to be stable.
pub const DELIVERED_SHARE_FLOOR: f64 = 0.5;

impl VariantResult {
    /// Values of `key` in every replication that finished (saturated ones left out).
    fn finished(&self, key: &str) -> Vec<f64> {
        self.values(key).unwrap_or_default()
    }

    /// The mean of `key` over the replications that finished (0 with none).
    fn finished_mean(&self, key: &str) -> f64 {
        let v = self.finished(key);
        if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 }
    }

    /// Growth tolerated for a demand of `tonnes_per_day`: [`GROWTH_TOLERANCE`] of it,
    /// or one of the largest lots over half the window, whichever is more.
    fn tolerance_for(&self, tonnes_per_day: f64) -> f64 {
        let days = self.finished_mean("system.measured_days");
        let lump = self.capacity.as_ref().map_or(0.0, |c| c.lump_tonnes);
        let floor = if days > 0.0 { lump / (days / 2.0) } else { 0.0 };
        (GROWTH_TOLERANCE * tonnes_per_day).max(floor)
    }

    /// Per replication: the net growth over the whole window, t/day (the level at its
    /// end less the level at its start, over its days); `None` where it is not
    /// measured (the growth is then fitted over the whole window already).
    pub(crate) fn net_growth(&self) -> Option<Vec<f64>> {
        if self.capacity.as_ref().is_some_and(|c| c.seasonal) {
            return None;
        }
        let last = format!("system.backlog_tonnes.t{:02}", crate::stats::TREND_SAMPLES - 1);
        let (start, end, days) =
            (self.finished("system.backlog_tonnes.t00"), self.finished(&last), self.finished("system.measured_days"));
        if start.is_empty() || start.len() != end.len() || end.len() != days.len() {
            return None;
        }
        Some(start.iter().zip(&end).zip(&days).map(|((a, b), d)| if *d > 0.0 { (b - a) / d } else { 0.0 }).collect())
    }

    /// The stability verdict and its evidence (see [`crate::experiment::stability`]).
    pub fn stability(&self) -> Stability {
        let mean = |key: &str| {
            let v = self.finished(key);
            if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 }
        };
        let days = mean("system.measured_days").max(1e-9);
        let demand = mean("system.generated_tonnes") / days;
        let tolerance = self.tolerance_for(demand);
        let growth = Growth::of(&self.finished("system.backlog_growth_tonnes_per_day"));
        let net = self.net_growth().map(|v| Growth::of(&v));
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
            if demand > 0.0 && growth.ci95.is_some() && growth.lo() > self.tolerance_for(demand) {
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
        let grows = |g: &Growth| g.ci95.is_some() && g.lo() > tolerance || g.ci95.is_none() && g.mean > tolerance;
        if let Some(net) = net.as_ref().filter(|n| grows(n) && !grows(&growth)) {
            reasons.insert(
                0,
                format!(
                    "cargo piled up over the window and did not drain: net growth {} (the second half's slope is {})",
                    growth_text(net),
                    growth_text(&growth)
                ),
            );
        }
        if grows(&growth) {
            reasons.insert(0, format!("the backlog grows {}", growth_text(&growth)));
        }
        if let Some(bound) = self.capacity.as_ref().and_then(|c| c.bound.as_ref()).filter(|b| b.overloaded()) {
            reasons.insert(
                0,
                format!(
                    "the offered load exceeds capacity: whatever the split of the cargo, {} (a backlog that grows whatever the randomness)",
                    bound.describe()
                ),
            );
        }
        let net_above = net.as_ref().is_some_and(|n| n.mean > tolerance);
        let verdict = if !saturated.is_empty() {
            Verdict::Saturated
        } else if !reasons.is_empty() {
            Verdict::Unstable
        } else if growth.mean > tolerance || net_above {
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
                growth_text(if growth.mean > tolerance { &growth } else { net.as_ref().unwrap_or(&growth) }),
                grouped(tolerance)
            ),
            Verdict::Stable => format!(
                "stable: backlog growth {} is within the tolerance of {} t/day ({})",
                growth_text(&growth),
                grouped(tolerance),
                if tolerance > GROWTH_TOLERANCE * demand * (1.0 + 1e-9) {
                    "a large lot over half the window"
                } else {
                    "1 % of demand"
                }
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
    /// whichever is higher (read it as [`VariantResult::what_binds`]`().binding`).
    pub(crate) fn binding(&self) -> Option<Binding> {
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

    /// Growth tolerated, tonnes a day: [`GROWTH_TOLERANCE`] of the mean daily demand,
    /// or one of the largest lots over half the window, whichever is more.
    pub fn growth_tolerance(&self) -> f64 {
        self.tolerance_for(
            self.finished_mean("system.generated_tonnes") / self.finished_mean("system.measured_days").max(1e-9),
        )
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
            trace: None,
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

    /// [`variant`] with the system's level at the window's start and end: `start` and
    /// `end` tonnes in every replication (100 days).
    fn with_levels(growth: &[f64], start: f64, end: f64) -> VariantResult {
        let mut v = variant(growth, 1.0);
        v.keys.push("system.backlog_tonnes.t00".into());
        v.keys.push("system.backlog_tonnes.t10".into());
        for r in &mut v.records {
            r.values.push(start);
            r.values.push(end);
        }
        v
    }

    #[test]
    fn a_backlog_built_early_that_never_drains_is_not_stable() {
        // The second half is flat, but 30 days of demand piled up in the first and
        // stayed: 300 t/day net over the window against a tolerance of 10.
        let flat = [-1.0, 0.5, 0.0, 1.0, -0.5];
        let piled = with_levels(&flat, 0.0, 30_000.0).stability();
        assert_eq!(piled.verdict, Verdict::Unstable, "{}", piled.summary);
        assert!(piled.summary.contains("did not drain"), "{}", piled.summary);
        // The same slope with the level back where it started is stable.
        let drained = with_levels(&flat, 5_000.0, 5_100.0).stability();
        assert_eq!(drained.verdict, Verdict::Stable, "{}", drained.summary);
    }

    #[test]
    fn a_capacity_bound_at_or_above_one_is_never_stable() {
        let mut v = variant(&[-3.0, 2.0, 1.0, -1.0, 0.5], 1.0);
        let bound = |rho: f64| crate::model::RhoBound { rho, binding: vec!["port.p.berths.dry".into()], note: None };
        v.capacity = Some(crate::model::CapacitySheet {
            rows: Vec::new(),
            demand_tonnes_per_year: 365_000.0,
            seasonal: false,
            bound: Some(bound(1.004)),
            lump_tonnes: 0.0,
        });
        let s = v.stability();
        assert_eq!(s.verdict, Verdict::Unstable, "{}", s.summary);
        assert!(s.summary.contains("ρ ≥ 1.004 at port.p.berths.dry"), "{}", s.summary);
        v.capacity.as_mut().unwrap().bound = Some(bound(0.996));
        assert_eq!(v.stability().verdict, Verdict::Stable);
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
