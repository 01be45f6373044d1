//! The years of a planning run: each year's KPIs as a variant result of its own, its
//! stability verdict, and the first year the corridor is not stable.
//!
//! A replication that stopped at a cap in some year still measured the years before
//! it in full (`year.<Y>.system.completed` is 1 for them): those years use it; the
//! year it stopped in counts it as saturated.

use super::result::{Record, VariantResult};
use super::stability::{Stability, Verdict};
use crate::model::CapacitySheet;
use crate::stats::Summary;
use serde::{Deserialize, Serialize};

/// One planning year of a variant, in brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearSummary {
    /// The calendar year.
    pub year: i32,
    /// Its stability verdict.
    pub verdict: Verdict,
    /// The verdict in a sentence.
    pub summary: String,
    /// Tonnes generated in the year (demand).
    pub demand_tonnes: Option<Summary>,
    /// Tonnes delivered in the year.
    pub delivered_tonnes: Option<Summary>,
    /// Growth of the cargo in the system, tonnes a day.
    pub backlog_growth_tonnes_per_day: Option<Summary>,
    /// The binding resource and its ρ (the higher of the year's capacity sheet and
    /// the simulated one).
    pub binding: Option<(String, f64)>,
}

impl VariantResult {
    /// The calendar years of a planning run (empty otherwise).
    pub fn years(&self) -> Vec<i32> {
        self.keys
            .iter()
            .filter_map(|k| k.strip_prefix("year.")?.strip_suffix(".system.completed")?.parse().ok())
            .collect()
    }

    /// Year `year` as a variant result of its own: its KPIs without the `year.<Y>.`
    /// prefix; a replication that did not finish the year is marked saturated in it.
    pub fn year(&self, year: i32) -> Option<VariantResult> {
        let prefix = format!("year.{year}.");
        let columns: Vec<(usize, String)> =
            self.keys.iter().enumerate().filter_map(|(i, k)| Some((i, k.strip_prefix(&prefix)?.to_string()))).collect();
        let completed = self.keys.iter().position(|k| *k == format!("{prefix}system.completed"))?;
        let records = self
            .records
            .iter()
            .map(|r| Record {
                replication: r.replication,
                values: columns.iter().map(|(i, _)| r.values[*i]).collect(),
                bottleneck: r.bottleneck.clone(),
                longest_wait: r.longest_wait.clone(),
                saturation: if r.values[completed] == 1.0 { None } else { r.saturation.clone() },
            })
            .collect();
        let capacity = self.years_capacity.iter().find(|(y, _)| *y == year).map(|(_, c)| c.clone());
        Some(VariantResult {
            name: format!("{} {year}", self.name),
            keys: columns.into_iter().map(|(_, k)| k).collect(),
            records,
            capacity,
            years_capacity: Vec::new(),
            trace: None,
        })
    }

    /// Every year's verdict and figures, in order.
    pub fn year_summaries(&self) -> Vec<YearSummary> {
        self.years()
            .into_iter()
            .filter_map(|y| {
                let v = self.year(y)?;
                let stability: Stability = v.stability();
                Some(YearSummary {
                    year: y,
                    verdict: stability.verdict,
                    summary: stability.summary.clone(),
                    demand_tonnes: v.summary("system.generated_tonnes"),
                    delivered_tonnes: v.summary("system.delivered_tonnes"),
                    backlog_growth_tonnes_per_day: v.summary("system.backlog_growth_tonnes_per_day"),
                    binding: stability.binding.map(|b| (b.resource.clone(), b.rho())),
                })
            })
            .collect()
    }

    /// The verdict that must hold for the whole run: for a planning run, that of the
    /// first year not stable (the last year's when every year is stable), the year
    /// named in its summary; otherwise [`VariantResult::stability`].
    pub fn stability_over_years(&self) -> Stability {
        let mut last = None;
        for year in self.years() {
            let Some(v) = self.year(year) else { continue };
            let mut s = v.stability();
            if s.verdict != Verdict::Stable {
                s.summary = format!("{year}: {}", s.summary);
                return s;
            }
            last = Some(s);
        }
        last.unwrap_or_else(|| self.stability())
    }

    /// The first year whose verdict is unstable or saturated (`None` if every year is
    /// stable or inconclusive, or the run is not a planning run).
    pub fn first_unstable_year(&self) -> Option<i32> {
        self.year_summaries()
            .into_iter()
            .find(|y| matches!(y.verdict, Verdict::Unstable | Verdict::Saturated))
            .map(|y| y.year)
    }
}

/// The capacity sheet of every planning year of `network` (empty without planning).
pub fn capacity_by_year(network: &crate::model::Network) -> Vec<(i32, CapacitySheet)> {
    network
        .years()
        .into_iter()
        .enumerate()
        .map(|(k, y)| {
            let mut sheet = network.for_year(k).capacity_sheet();
            sheet.bound = Some(network.rho_bound_of_year(k));
            (y, sheet)
        })
        .collect()
}
