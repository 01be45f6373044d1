//! Which KPIs a run's files carry: by default the headline ones, which a person can
//! open and read; every one with `--all-kpis`; more by pattern with `--kpis`.
//!
//! A multi-year run of the 2030 scenario reports about 6,300 KPI keys a variant,
//! three quarters of them per year, per flow and per service; written whole, its
//! `summary.json` is 8 MB. The headline set ([`HEADLINE_KPIS`]) keeps what the
//! decision, the stability verdict and the report's tables read: the system's
//! figures, every resource's ρ and utilisation, each port's throughput, ship waits,
//! berth occupancy and yard stock, each flow's delivered tonnes, share and transit
//! time, sea, rail, weather and pipeline figures; for each planning year the same
//! families except the per-flow ones. The report (`report.html`) and the text table
//! are drawn from the run itself and are the same whatever the selection.

use std::sync::LazyLock;
use wildmatch::WildMatch;

/// The KPI families written by default, as patterns where `*` stands for any run of
/// characters (dots included). Each pattern also holds under a planning year's
/// prefix, `year.<year>.`, except the per-flow ones.
pub const HEADLINE_KPIS: &[&str] = &[
    "system.*",
    "rho.*",
    "utilisation.*",
    "port.*.throughput_tonnes",
    "port.*.ship_wait_hours.*",
    "port.*.berth_occupancy.*",
    "port.*.yard_stock_tonnes.*",
    "sea.*",
    "rail.*",
    "weather.*",
    "pipeline.*",
    "pool.*",
];

/// The per-flow headline families, written for the whole run only (per year, the
/// system's figures and each resource's stand for them).
pub const HEADLINE_FLOW_KPIS: &[&str] =
    &["flow.*.delivered_tonnes", "flow.*.delivered_share", "flow.*.transit_hours.mean", "flow.*.transit_hours.p95"];

/// Which KPI keys go into `summary.json`, `summary.csv` and `replications.csv`.
#[derive(Debug, Clone, Default)]
pub struct KpiSelection {
    /// Every key (`--all-kpis`).
    all: bool,
    /// Patterns of keys written besides the headline ones (`--kpis`), as given.
    extra: Vec<String>,
    matchers: Vec<WildMatch>,
}

impl KpiSelection {
    /// Every KPI key.
    pub fn all() -> KpiSelection {
        KpiSelection { all: true, ..KpiSelection::default() }
    }

    /// The headline KPIs and the keys matching any of `patterns` (`*` stands for any
    /// run of characters, `?` for one).
    pub fn headline_and(patterns: &[String]) -> KpiSelection {
        KpiSelection {
            all: false,
            extra: patterns.to_vec(),
            matchers: patterns.iter().map(|p| WildMatch::new(p)).collect(),
        }
    }

    /// Whether every key is written.
    pub fn is_all(&self) -> bool {
        self.all
    }

    /// Whether `key` is written.
    pub fn keeps(&self, key: &str) -> bool {
        self.all || is_headline(key) || self.matchers.iter().any(|m| m.matches(key))
    }

    /// Checks that every `--kpis` pattern matches some key of `keys` (the keys a run
    /// reports).
    ///
    /// # Errors
    /// The first pattern that matches nothing, with examples of the keys there are.
    pub fn check(&self, keys: &[String]) -> Result<(), String> {
        for (pattern, m) in self.extra.iter().zip(&self.matchers) {
            if !keys.iter().any(|k| m.matches(k)) {
                let family = pattern.split(['.', '*', '?']).next().unwrap_or("");
                let mut examples: Vec<&str> = Vec::new();
                for k in keys.iter().filter(|k| k.starts_with(family)).chain(keys) {
                    if examples.len() < 3 && !examples.contains(&k.as_str()) {
                        examples.push(k);
                    }
                }
                return Err(format!(
                    "--kpis {pattern:?} matches no KPI of this run (keys look like {}; `*` stands for any characters, dots included; the README lists the KPI keys)",
                    examples.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// Whether `key` is one of the headline KPIs ([`HEADLINE_KPIS`], and
/// [`HEADLINE_FLOW_KPIS`] for the whole run).
pub fn is_headline(key: &str) -> bool {
    static HEADLINE: LazyLock<Vec<WildMatch>> =
        LazyLock::new(|| HEADLINE_KPIS.iter().map(|p| WildMatch::new(p)).collect());
    static FLOWS: LazyLock<Vec<WildMatch>> =
        LazyLock::new(|| HEADLINE_FLOW_KPIS.iter().map(|p| WildMatch::new(p)).collect());
    let matches = |patterns: &[WildMatch], key: &str| patterns.iter().any(|p| p.matches(key));
    match year_part(key) {
        Some(rest) => matches(&HEADLINE, rest),
        None => matches(&HEADLINE, key) || matches(&FLOWS, key),
    }
}

/// The key without its planning year's prefix (`year.2027.port.baku.…` →
/// `port.baku.…`), if it has one.
fn year_part(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("year.")?;
    let (year, rest) = rest.split_once('.')?;
    year.bytes().all(|b| b.is_ascii_digit()).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_keeps_the_decision_s_figures_and_leaves_the_detail() {
        for key in [
            "system.backlog_growth_tonnes_per_day",
            "port.baku.ship_wait_hours.p95",
            "rho.berth.baku.rail_ferry",
            "year.2027.port.baku.ship_wait_hours.p95",
            "year.2030.system.delivered_tonnes",
            "flow.china_containers.delivered_share",
        ] {
            assert!(KpiSelection::default().keeps(key), "{key}");
        }
        for key in [
            "flow.china_containers.backlog_tonnes.t03",
            "year.2027.flow.china_containers.delivered_share",
            "service.kuryk_ropax.vessel_days",
            "year.2026.service.kuryk_ropax.vessel_days",
            "port.baku.berth_time.rail_ferry.handling",
            "year.x.port.baku.ship_wait_hours.p95",
        ] {
            assert!(!KpiSelection::default().keeps(key), "{key}");
        }
        assert!(KpiSelection::all().keeps("year.2026.service.kuryk_ropax.vessel_days"));
    }

    #[test]
    fn patterns_add_keys_and_a_pattern_that_matches_nothing_is_refused() {
        let keys: Vec<String> =
            ["port.baku.ship_wait_hours.p95", "year.2027.service.kuryk_ropax.vessel_days"].map(String::from).to_vec();
        let wanted = KpiSelection::headline_and(&["year.*.service.*".to_string()]);
        assert!(wanted.keeps("year.2027.service.kuryk_ropax.vessel_days"));
        assert!(!wanted.keeps("service.kuryk_ropax.vessel_days"));
        assert!(wanted.check(&keys).is_ok());
        let typo = KpiSelection::headline_and(&["port.bakku.*".to_string()]);
        let err = typo.check(&keys).unwrap_err();
        assert!(
            err.contains("\"port.bakku.*\" matches no KPI") && err.contains("port.baku.ship_wait_hours.p95"),
            "{err}"
        );
    }
}
