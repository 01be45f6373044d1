//! Planning horizons: several calendar years in one run, demand growing along paths
//! per tag, and dated changes of capacity (an upgrade opening, a ferry delivered, a
//! berth out of service for works).
//!
//! # The calendar
//! A planning run measures `years` consecutive years of 365 days each, the first
//! being `start_year`, after the warm-up (which runs at the first year's demand).
//! Leap days are left out: a year is a planning period, not a calendar.
//!
//! # Dated changes
//! A change patches the scenario with `set` and `scale`, exactly as a variant does,
//! from its `date` on; changes accumulate in date order (ties in id order). A change
//! may alter capacity — counts, rates, sizes, times and charges of ports, nodes, sea
//! and rail links, ship and train services and pipelines — but not demand (growth
//! paths do that), weather, or the network's shape: no port, link, service or berth
//! class appears or disappears, and fleets (vessels, trainsets) may only grow. A
//! change dated on or before 1 January of the first year holds from the start.

use super::limits::{MAX_CHANGES, MAX_PLANNING_YEARS};
use super::path::Segment;
use super::schema::{OverrideValue, ScenarioSpec};
use super::validate::Issue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod check;

use check::check_changeable;
pub(super) use check::{CHANGEABLE_VALID, check, path_text};

/// Why a dated change cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeProblem {
    /// The change's id.
    pub change: String,
    /// The entry of the change at fault (`changes.<id>.set.<path>` as segments).
    pub location: Vec<Segment>,
    /// What is wrong.
    pub message: String,
}

/// Days in a planning year.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// The largest demand factor a growth path may reach inside the horizon (as
/// `factors` and `reach` are capped).
pub(super) const MAX_GROWTH_FACTOR: f64 = 1000.0;

/// The prefix of the ids a plan's candidates take as dated changes
/// (`candidate:<k>:<id>`; scenario ids cannot contain `:`).
pub(super) const CANDIDATE_CHANGE: &str = "candidate:";

/// A planning horizon of consecutive calendar years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PlanningSpec {
    /// The first year measured (after the warm-up), e.g. 2025.
    pub start_year: i32,
    /// Years measured, 365 days each; `scenario.horizon_days` must be 365 × years.
    pub years: u32,
    /// The yearly rate at which `corridor plan` discounts costs to 1 January of
    /// `start_year` (default 0: costs are summed as they fall).
    #[serde(default)]
    pub discount_rate: f64,
    /// How the sea level moves a year (metres; −0.23 is the Caspian's forecast fall):
    /// each planning year's port depths are those given plus the change to the year's
    /// middle, so draught-limited vessels load less year by year.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sea_level_m_per_year: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl PlanningSpec {
    /// A horizon of `years` years from `start_year`.
    pub fn new(start_year: i32, years: u32) -> PlanningSpec {
        PlanningSpec { start_year, years, discount_rate: 0.0, sea_level_m_per_year: 0.0 }
    }

    /// The sea level in planning year `k` (0 for the first) against the start of
    /// `start_year`: the level at the year's middle.
    pub fn sea_level_in_year(&self, k: usize) -> f64 {
        self.sea_level_m_per_year * (k as f64 + 0.5)
    }

    /// The calendar years measured, in order.
    pub fn calendar(&self) -> Vec<i32> {
        (0..self.years.min(MAX_PLANNING_YEARS)).map(|k| self.start_year + k as i32).collect()
    }
}

/// How the demand of the flows and arrivals with one tag grows, as a factor on their
/// annual volume in each year. Give exactly one of: `factors`; `annual_rate`;
/// `reach` with `by_year`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GrowthSpec {
    /// The year whose factor is 1, for `annual_rate` and `reach` (default: the first
    /// planning year).
    #[serde(default)]
    pub base_year: Option<i32>,
    /// Compound growth per year, e.g. 0.2 for +20 % a year.
    #[serde(default)]
    pub annual_rate: Option<f64>,
    /// The factor reached in `by_year` (compound growth from `base_year`), e.g. 3.0.
    #[serde(default)]
    pub reach: Option<f64>,
    /// With `reach`: the year in which it is reached.
    #[serde(default)]
    pub by_year: Option<i32>,
    /// Factors by year, e.g. `{ "2025" = 1.0, "2027" = 1.6 }`: a year takes the factor
    /// of the latest year listed up to it (1 before the first).
    #[serde(default)]
    pub factors: BTreeMap<String, f64>,
}

impl GrowthSpec {
    /// Compound growth at `rate` a year from `base_year`.
    pub fn annual(rate: f64, base_year: i32) -> GrowthSpec {
        GrowthSpec { annual_rate: Some(rate), base_year: Some(base_year), ..GrowthSpec::default() }
    }

    /// The yearly rate implied by `reach` and `by_year`, or `annual_rate`.
    pub fn rate(&self, start_year: i32) -> f64 {
        let base = self.base_year.unwrap_or(start_year);
        match (self.annual_rate, self.reach, self.by_year) {
            (Some(r), _, _) => r,
            (None, Some(reach), Some(by)) if by != base && reach > 0.0 => reach.powf(1.0 / f64::from(by - base)) - 1.0,
            _ => 0.0,
        }
    }

    /// The demand factor in `year` of a horizon starting in `start_year`.
    pub fn factor(&self, year: i32, start_year: i32) -> f64 {
        if !self.factors.is_empty() {
            return self
                .factors
                .iter()
                .filter_map(|(y, f)| Some((y.trim().parse::<i32>().ok()?, *f)))
                .filter(|(y, _)| *y <= year)
                .max_by_key(|(y, _)| *y)
                .map_or(1.0, |(_, f)| f);
        }
        let base = self.base_year.unwrap_or(start_year);
        (1.0 + self.rate(start_year)).powi(year - base)
    }
}

/// A dated change of capacity: overrides, like a variant's, that hold from `date` on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ChangeSpec {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// When it takes effect: `"2027"`, `"2027-07"` or `"2027-07-01"`.
    pub date: String,
    /// Whether it happens (variants switch changes on and off, or move their dates).
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Values to set, by dotted path (as a variant's `set`).
    #[serde(default)]
    pub set: BTreeMap<String, OverrideValue>,
    /// Factors to multiply numbers by, by dotted path (as a variant's `scale`).
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
    /// Amounts to add to numbers, by dotted path, e.g. one more berth:
    /// `"ports.baku.berths.rail_ferry.count" = 1` (whole amounts on whole numbers).
    #[serde(default)]
    pub add: BTreeMap<String, f64>,
    /// Set on the changes a plan's candidates become (never read from a file): on the
    /// same day they come after the scenario's own.
    #[serde(skip)]
    pub(crate) from_plan: bool,
}

impl ChangeSpec {
    /// The entry (`set`, `scale` or `add`, and its path) that `field` points at: a
    /// deserialiser's path, which shows a map key it cannot name as `?` (e.g.
    /// `ports.a.berths.?.count`).
    fn entry_matching(&self, field: &str) -> Option<(&'static str, &String)> {
        let wanted: Vec<&str> = field.split('.').collect();
        let matches = |path: &&String| {
            let parts: Vec<&str> = path.split('.').collect();
            parts.len() == wanted.len() && parts.iter().zip(&wanted).all(|(p, w)| p == w || *w == "?")
        };
        let set = self.set.keys().find(matches).map(|p| ("set", p));
        let scale = || self.scale.keys().find(matches).map(|p| ("scale", p));
        let add = || self.add.keys().find(matches).map(|p| ("add", p));
        set.or_else(scale).or_else(add)
    }

    /// A problem with the scenario this change leaves, found at `field` by the
    /// deserialiser: located at the entry that made it, named by that entry's path.
    pub(super) fn problem_at(&self, table: &str, id: &str, field: &str, message: &str) -> ChangeProblem {
        let (location, field) = match self.entry_matching(field) {
            Some((kind, path)) => ([table, id, kind, path].map(|k| Segment::Key(k.to_string())).to_vec(), path.clone()),
            None => (self.first_entry(table, id), field.to_string()),
        };
        ChangeProblem { change: id.to_string(), location, message: format!("{field}: {message}") }
    }

    /// Whether the change patches nothing.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.scale.is_empty() && self.add.is_empty()
    }

    /// Applies the change's `set`, then `scale`, then `add` entries (each in key order)
    /// to a scenario document. `id` names the change in the problem, whose location is
    /// `<table>.<id>.<set|scale|add>.<path>` with `table` e.g. `changes`.
    ///
    /// # Errors
    /// The first entry that cannot be applied, located.
    pub(super) fn apply(&self, doc: &mut toml::Table, table: &str, id: &str) -> Result<(), ChangeProblem> {
        let problem = |kind: &str, path: &str, message: String| ChangeProblem {
            change: id.to_string(),
            location: [table, id, kind, path].map(|k| Segment::Key(k.to_string())).to_vec(),
            message,
        };
        for (path, value) in &self.set {
            check_changeable(path).map_err(|m| problem("set", path, m))?;
            super::variants::set_path(doc, path, value.to_toml()).map_err(|p| problem("set", path, p.message))?;
        }
        for (path, factor) in &self.scale {
            check_changeable(path).map_err(|m| problem("scale", path, m))?;
            super::variants::scale_path(doc, path, *factor).map_err(|p| problem("scale", path, p.message))?;
        }
        for (path, amount) in &self.add {
            check_changeable(path).map_err(|m| problem("add", path, m))?;
            super::variants::add_path(doc, path, *amount).map_err(|p| problem("add", path, p.message))?;
        }
        Ok(())
    }

    /// Every entry that cannot be applied on its own to `base` (a scenario document),
    /// located as for [`ChangeSpec::apply`].
    pub(super) fn entry_problems(&self, base: &toml::Table, table: &str, id: &str) -> Vec<ChangeProblem> {
        let alone = |set: BTreeMap<String, OverrideValue>, scale: BTreeMap<String, f64>, add: BTreeMap<String, f64>| {
            ChangeSpec { set, scale, add, ..ChangeSpec::default() }.apply(&mut base.clone(), table, id).err()
        };
        let set = self.set.iter().map(|(p, v)| alone([(p.clone(), v.clone())].into(), [].into(), [].into()));
        let scale = self.scale.iter().map(|(p, f)| alone([].into(), [(p.clone(), *f)].into(), [].into()));
        let add = self.add.iter().map(|(p, a)| alone([].into(), [].into(), [(p.clone(), *a)].into()));
        set.chain(scale).chain(add).flatten().collect()
    }

    /// The location of the change's first entry (for problems of the whole patched
    /// scenario), as for [`ChangeSpec::apply`].
    pub(super) fn first_entry(&self, table: &str, id: &str) -> Vec<Segment> {
        let (kind, path) = match (self.set.keys().next(), self.scale.keys().next(), self.add.keys().next()) {
            (Some(p), _, _) => ("set", p.as_str()),
            (None, Some(p), _) => ("scale", p.as_str()),
            (None, None, Some(p)) => ("add", p.as_str()),
            (None, None, None) => return [table, id].map(|k| Segment::Key(k.to_string())).to_vec(),
        };
        [table, id, kind, path].map(|k| Segment::Key(k.to_string())).to_vec()
    }
}

fn enabled_by_default() -> bool {
    true
}

/// Days before each month in a 365-day year.
const MONTH_STARTS: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Reads `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"` as (year, day of the year from 0).
///
/// ```
/// use corridor::scenario::parse_date;
/// assert_eq!(parse_date("2027"), Ok((2027, 0)));
/// assert_eq!(parse_date("2027-03-02"), Ok((2027, 60)));
/// assert!(parse_date("2027-02-30").is_err());
/// ```
///
/// # Errors
/// What is wrong with the text.
pub fn parse_date(text: &str) -> Result<(i32, u32), String> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let number = |s: &str, what: &str| -> Result<u32, String> {
        if s.is_empty() || s.len() > 4 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("{what} {s:?} is not a number"));
        }
        s.parse::<u32>().map_err(|_| format!("{what} {s:?} is not a number"))
    };
    if parts.is_empty() || parts.len() > 3 {
        return Err(format!("{text:?} is not a date"));
    }
    let year = number(parts[0], "year")?;
    if !(1900..=2200).contains(&year) {
        return Err(format!("year {year} is outside 1900–2200"));
    }
    let month = if parts.len() > 1 { number(parts[1], "month")? } else { 1 };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not 1–12"));
    }
    let day = if parts.len() > 2 { number(parts[2], "day")? } else { 1 };
    let m = (month - 1) as usize;
    if day < 1 || day > MONTH_DAYS[m] {
        return Err(format!("day {day} is not in month {month} (the model's years have 365 days)"));
    }
    Ok((year as i32, MONTH_STARTS[m] + day - 1))
}

/// The date of day `day` (from 0) of `year`, as `YYYY-MM-DD` (the inverse of
/// [`parse_date`] in the model's 365-day years; days past the year's end are clamped).
pub fn date_of(year: i32, day: u32) -> String {
    let day = day.min(364);
    let month = MONTH_STARTS.iter().rposition(|&start| start <= day).unwrap_or(0);
    format!("{year:04}-{:02}-{:02}", month + 1, day - MONTH_STARTS[month] + 1)
}

/// The tables a dated change may patch.
const CHANGEABLE: &[&str] =
    &["ports", "nodes", "sea_links", "rail_links", "ship_services", "train_services", "pipelines"];

impl ScenarioSpec {
    /// The demand factor of an entity with `tags` in `year`: that of the one tag with a
    /// growth path (1 without planning or a path).
    pub fn growth_factor(&self, tags: &[String], year: i32) -> f64 {
        let Some(planning) = &self.planning else {
            return 1.0;
        };
        tags.iter().find_map(|t| self.growth.get(t)).map_or(1.0, |g| g.factor(year, planning.start_year))
    }

    /// Days after the end of the warm-up at which `date` falls (negative before the
    /// first year measured), or `None` without a calendar (`[planning]` or
    /// `scenario.start_year`) or for a malformed date.
    pub fn day_of(&self, date: &str) -> Option<f64> {
        let (start_year, _) = self.change_calendar()?;
        let (year, day) = parse_date(date).ok()?;
        Some((f64::from(year) - f64::from(start_year)) * DAYS_PER_YEAR + f64::from(day))
    }

    /// The calendar dated changes fall in: the first calendar year measured (from its
    /// 1 January, after the warm-up) and the days measured. `[planning]`'s, or
    /// without it `scenario.start_year` and the horizon; `None` when neither is given.
    pub fn change_calendar(&self) -> Option<(i32, f64)> {
        match &self.planning {
            Some(p) => Some((p.start_year, f64::from(p.years) * DAYS_PER_YEAR)),
            None => self.scenario.start_year.map(|year| (year, self.scenario.horizon_days)),
        }
    }

    /// The scenario's configurations over time: the first holds from the start (with
    /// the changes dated on or before the first day), each later one from its day
    /// (days after the end of the warm-up). Every configuration has no `changes`.
    /// Changes after the horizon are left out.
    ///
    /// # Errors
    /// The id of the change that cannot be applied, the field of it and why.
    pub fn timeline(&self) -> Result<Vec<(f64, ScenarioSpec)>, ChangeProblem> {
        let mut base = self.clone();
        base.changes.clear();
        base.variants.clear();
        base.candidates.clear();
        base.sweep = None;
        let horizon = self.change_calendar().map_or(0.0, |(_, days)| days);
        let mut dated: Vec<(f64, &String, &ChangeSpec)> = self
            .changes
            .iter()
            .filter(|(_, c)| c.enabled)
            .filter_map(|(id, c)| Some((self.day_of(&c.date)?, id, c)))
            .filter(|(day, _, _)| *day < horizon)
            .collect();
        // Ties: the scenario's own changes before a plan's candidates (so that a
        // candidate's `add` is never erased by a `set` of the same day), each in id order.
        dated.sort_by(|a, b| {
            a.0.total_cmp(&b.0).then_with(|| a.2.from_plan.cmp(&b.2.from_plan)).then_with(|| a.1.cmp(b.1))
        });
        let mut out: Vec<(f64, ScenarioSpec)> = vec![(0.0, base.clone())];
        let mut doc: toml::Table = toml::Table::try_from(&base).map_err(|e| ChangeProblem {
            change: String::new(),
            location: Vec::new(),
            message: format!("cannot represent the scenario: {e}"),
        })?;
        for (day, id, change) in dated {
            change.apply(&mut doc, "changes", id)?;
            let spec = super::deserialize(doc.clone())
                .map_err(|(field, message)| change.problem_at("changes", id, &field, &message))?;
            let day = day.max(0.0);
            match out.last_mut() {
                Some(last) if last.0 == day => last.1 = spec,
                _ => out.push((day, spec)),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_forms_agree() {
        let g = GrowthSpec::annual(0.2, 2024);
        assert!((g.factor(2026, 2025) - 1.44).abs() < 1e-12);
        let reach =
            GrowthSpec { reach: Some(3.0), by_year: Some(2030), base_year: Some(2024), ..GrowthSpec::default() };
        assert!((reach.factor(2030, 2025) - 3.0).abs() < 1e-12);
        assert!((reach.factor(2024, 2025) - 1.0).abs() < 1e-12);
        let listed = GrowthSpec {
            factors: BTreeMap::from([("2026".into(), 1.5), ("2028".into(), 2.0)]),
            ..GrowthSpec::default()
        };
        assert_eq!(listed.factor(2025, 2025), 1.0);
        assert_eq!(listed.factor(2027, 2025), 1.5);
        assert_eq!(listed.factor(2031, 2025), 2.0);
    }

    #[test]
    fn dates_read_as_days_of_a_365_day_year() {
        assert_eq!(parse_date("2030-12-31"), Ok((2030, 364)));
        assert_eq!(parse_date("2026-07"), Ok((2026, 181)));
        for bad in ["", "2026-13", "2026-02-29", "20x6", "2026-1-1-1", "1800", "-5"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_capacity_tables_change() {
        assert!(check_changeable("ports.baku.berths.dry.count").is_ok());
        assert!(check_changeable("ship_services.x.vessels").is_ok());
        for bad in ["flows.x.annual_tonnes", "ports", "weather.x.storms_per_year", "scenario.seed", "changes.a.date"] {
            assert!(check_changeable(bad).is_err(), "{bad}");
        }
    }
}
