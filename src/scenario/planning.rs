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
    /// first planning year), or `None` without planning or for a malformed date.
    pub fn day_of(&self, date: &str) -> Option<f64> {
        let planning = self.planning.as_ref()?;
        let (year, day) = parse_date(date).ok()?;
        Some(f64::from(year - planning.start_year) * DAYS_PER_YEAR + f64::from(day))
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
        let horizon = self.planning.as_ref().map_or(0.0, |p| f64::from(p.years) * DAYS_PER_YEAR);
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

/// What a change's path may lead to, for messages.
pub(super) const CHANGEABLE_VALID: &str = "a path to a field of ports, nodes, links, services or pipelines";

/// A location as the dotted text shown in messages: `changes.x.set."ports.a.b"`.
pub(super) fn path_text(location: &[Segment]) -> String {
    let keys: Vec<String> = location.iter().map(ToString::to_string).collect();
    match keys.split_last() {
        Some((last, head)) if keys.len() == 4 => format!("{}.\"{last}\"", head.join(".")),
        _ => keys.join("."),
    }
}

fn check_changeable(path: &str) -> Result<(), String> {
    let table = path.split(['.', '[']).next().unwrap_or("");
    if CHANGEABLE.contains(&table) && path.len() > table.len() + 1 {
        Ok(())
    } else {
        Err(format!(
            "{path:?} cannot be changed by a dated change or a candidate: they change capacity, in {}; demand grows by [growth]",
            CHANGEABLE.join(", ")
        ))
    }
}

/// The checks of `[planning]`, `[growth]` and `[changes]`.
pub(super) fn check(spec: &ScenarioSpec) -> Vec<Issue> {
    let issues = std::cell::RefCell::new(Vec::new());
    let issue = |path: String, message: String, valid: &str, location: Option<Vec<Segment>>| {
        issues.borrow_mut().push(Issue {
            path,
            message,
            valid: (!valid.is_empty()).then(|| valid.to_string()),
            location,
        });
    };
    let Some(planning) = &spec.planning else {
        if !spec.growth.is_empty() {
            issue(
                "growth".into(),
                "growth paths need a planning horizon".into(),
                "a [planning] table with start_year and years",
                None,
            );
        }
        if !spec.changes.is_empty() {
            issue(
                "changes".into(),
                "dated changes need a planning horizon".into(),
                "a [planning] table with start_year and years",
                None,
            );
        }
        return issues.into_inner();
    };
    if !(1900..=2200).contains(&planning.start_year) {
        issue(
            "planning.start_year".into(),
            format!("{} is out of range", planning.start_year),
            "a year from 1900 to 2200",
            None,
        );
    }
    if !(planning.discount_rate.is_finite() && (0.0..=1.0).contains(&planning.discount_rate)) {
        issue(
            "planning.discount_rate".into(),
            format!("{} is out of range", planning.discount_rate),
            "a rate from 0 to 1 (0.04 is 4 % a year)",
            None,
        );
    }
    if !(planning.sea_level_m_per_year.is_finite() && planning.sea_level_m_per_year.abs() <= 5.0) {
        issue(
            "planning.sea_level_m_per_year".into(),
            format!("{} is out of range", planning.sea_level_m_per_year),
            "metres a year from -5 to 5 (the Caspian falls about 0.2-0.3 m a year)",
            None,
        );
    }
    if planning.years == 0 || planning.years > MAX_PLANNING_YEARS {
        issue(
            "planning.years".into(),
            format!("{} is out of range", planning.years),
            &format!("a whole number from 1 to {MAX_PLANNING_YEARS}"),
            None,
        );
    } else {
        let days = f64::from(planning.years) * DAYS_PER_YEAR;
        if spec.scenario.horizon_days != days {
            issue(
                "scenario.horizon_days".into(),
                format!(
                    "{} days do not make {} planning years of 365 days",
                    spec.scenario.horizon_days, planning.years
                ),
                &format!("horizon_days = {days}"),
                None,
            );
        }
    }
    let tags = spec.demand_tags();
    for (tag, g) in &spec.growth {
        let at = |field: &str| format!("growth.{tag}.{field}");
        if !tags.contains(tag.as_str()) {
            let known: Vec<&str> = tags.iter().copied().collect();
            issue(
                format!("growth.{tag}"),
                format!("no flow or arrival stream has the tag {tag:?}"),
                &format!("one of the tags: {}", known.join(", ")),
                None,
            );
        }
        let forms =
            usize::from(!g.factors.is_empty()) + usize::from(g.annual_rate.is_some()) + usize::from(g.reach.is_some());
        if forms != 1 {
            issue(
                format!("growth.{tag}"),
                format!("{forms} kinds of growth given"),
                "exactly one of: factors; annual_rate; reach with by_year",
                None,
            );
        }
        if let Some(r) = g.annual_rate
            && !(r.is_finite() && r > -1.0 && r <= 10.0)
        {
            issue(
                at("annual_rate"),
                format!("{r} is out of range"),
                "a rate > -1 and <= 10 (0.2 is +20 % a year)",
                None,
            );
        }
        if let Some(reach) = g.reach {
            if !(reach.is_finite() && reach > 0.0 && reach <= 1000.0) {
                issue(at("reach"), format!("{reach} is out of range"), "a factor > 0 and <= 1000", None);
            }
            match g.by_year {
                None => {
                    issue(at("reach"), "reach needs by_year".into(), "by_year = the year the factor is reached", None)
                }
                Some(by) if by == g.base_year.unwrap_or(planning.start_year) => issue(
                    at("by_year"),
                    format!("{by} is the base year itself"),
                    "a year other than the base year (base_year, or the first planning year)",
                    None,
                ),
                Some(_) => {}
            }
        } else if g.by_year.is_some() {
            issue(at("by_year"), "by_year without reach".into(), "reach = the factor reached in by_year", None);
        }
        if let Some(base) = g.base_year
            && !(1900..=2200).contains(&base)
        {
            issue(at("base_year"), format!("{base} is out of range"), "a year from 1900 to 2200", None);
        }
        // A path that reaches an absurd factor inside the horizon (11 a year for a
        // century, say) is refused where the year it crosses the cap is named.
        if forms == 1
            && g.base_year.is_none_or(|b| (1900..=2200).contains(&b))
            && let Some((year, factor)) = planning
                .calendar()
                .into_iter()
                .map(|y| (y, g.factor(y, planning.start_year)))
                .find(|(_, f)| !(f.is_finite() && *f <= MAX_GROWTH_FACTOR))
        {
            issue(
                format!("growth.{tag}"),
                format!(
                    "the demand factor reaches {} in {year}",
                    if !factor.is_finite() {
                        "infinity".to_string()
                    } else if factor >= 1e6 {
                        format!("{factor:.3e}")
                    } else {
                        format!("{factor:.1}")
                    }
                ),
                &format!("a path whose factor stays within {MAX_GROWTH_FACTOR} in every planning year"),
                None,
            );
        }
        for (year, f) in &g.factors {
            if year.trim().parse::<i32>().map_or(true, |y| !(1900..=2200).contains(&y)) {
                issue(
                    at("factors"),
                    format!("{year:?} is not a year"),
                    "years from 1900 to 2200 as keys, e.g. \"2027\" = 1.4",
                    None,
                );
            }
            if !(f.is_finite() && *f >= 0.0 && *f <= 1000.0) {
                issue(
                    format!("{}.\"{year}\"", at("factors")),
                    format!("{f} is out of range"),
                    "a factor >= 0 and <= 1000",
                    None,
                );
            }
        }
    }
    let grown = |tags: &[String]| tags.iter().filter(|t| spec.growth.contains_key(*t)).cloned().collect::<Vec<_>>();
    for (id, f) in &spec.flows {
        let g = grown(&f.tags);
        if g.len() > 1 {
            issue(
                format!("flows.{id}.tags"),
                format!("tags {} all have growth paths", g.join(", ")),
                "at most one tag with a growth path per flow",
                None,
            );
        }
    }
    for (id, a) in &spec.ship_arrivals {
        let g = grown(&a.tags);
        if g.len() > 1 {
            issue(
                format!("ship_arrivals.{id}.tags"),
                format!("tags {} all have growth paths", g.join(", ")),
                "at most one tag with a growth path",
                None,
            );
        }
    }
    if spec.changes.len() > MAX_CHANGES {
        issue("changes".into(), format!("{} changes", spec.changes.len()), &format!("at most {MAX_CHANGES}"), None);
        return issues.into_inner();
    }
    let horizon = f64::from(planning.years) * DAYS_PER_YEAR;
    let last_year = planning.start_year + planning.years.saturating_sub(1) as i32;
    for (id, c) in &spec.changes {
        if let Err(m) = parse_date(&c.date) {
            issue(format!("changes.{id}.date"), m, "\"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"", None);
        } else if c.enabled && !c.from_plan && spec.day_of(&c.date).is_some_and(|d| d >= horizon) {
            issue(
                format!("changes.{id}.date"),
                format!("{} is after the planning horizon: the change would never happen", c.date),
                &format!("a date before the end of {last_year}, or enabled = false"),
                None,
            );
        }
        if c.is_empty() {
            issue(format!("changes.{id}"), "the change changes nothing".into(), "set, scale or add entries", None);
        }
    }
    // Every change's paths, enabled or not, must lead somewhere in this scenario (a
    // variant may switch a change on): each entry is tried alone on the base.
    if let Ok(base) = toml::Table::try_from(spec) {
        for (id, c) in &spec.changes {
            for p in c.entry_problems(&base, "changes", id) {
                issue(path_text(&p.location), p.message, CHANGEABLE_VALID, Some(p.location));
            }
        }
    }
    if !issues.borrow().is_empty() {
        return issues.into_inner();
    }
    let timeline = match spec.timeline() {
        Ok(t) => t,
        // The scenario itself holds a figure a TOML document cannot (a seed above
        // 2⁶³ − 1): the scenario's own checks name the field.
        Err(ChangeProblem { change: id, .. }) if id.is_empty() => return issues.into_inner(),
        Err(ChangeProblem { change: id, location, message }) => {
            issue(
                format!("changes.{id}"),
                message,
                "a path to a field of ports, nodes, links, services or pipelines",
                Some(location),
            );
            return issues.into_inner();
        }
    };
    // Changes dated on or before the first day shape the starting configuration.
    if spec.changes.values().any(|c| c.enabled && spec.day_of(&c.date).is_some_and(|d| d <= 0.0)) {
        for i in super::validate::check(&timeline[0].1) {
            issue(
                "changes".into(),
                format!("with the changes dated from the start, {}: {}", i.path, i.message),
                i.valid.as_deref().unwrap_or(""),
                None,
            );
        }
    }
    for pair in timeline.windows(2) {
        let (before, (day, after)) = (&pair[0].1, (&pair[1].0, &pair[1].1));
        let culprit = spec
            .changes
            .iter()
            .filter(|(_, c)| c.enabled && spec.day_of(&c.date).map(|d| d.max(0.0)) == Some(*day))
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let path = format!("changes.{}", culprit.split(", ").next().unwrap_or(""));
        for problem in incompatibilities(before, after) {
            issue(
                path.clone(),
                format!("change {culprit}: {problem}"),
                "changes of capacity that keep the network's shape and do not shrink fleets",
                None,
            );
        }
        for i in super::validate::check(after) {
            issue(
                path.clone(),
                format!("after change {culprit}, {}: {}", i.path, i.message),
                i.valid.as_deref().unwrap_or(""),
                None,
            );
        }
    }
    issues.into_inner()
}

/// What a change may not do between two configurations (see the module docs).
fn incompatibilities(a: &ScenarioSpec, b: &ScenarioSpec) -> Vec<String> {
    let mut out = Vec::new();
    let same_keys = |what: &str, x: Vec<&String>, y: Vec<&String>, out: &mut Vec<String>| {
        if x != y {
            out.push(format!("the {what} are not the same before and after it"));
        }
    };
    same_keys("ports", a.ports.keys().collect(), b.ports.keys().collect(), &mut out);
    for (id, p) in &a.ports {
        if let Some(q) = b.ports.get(id)
            && p.berths.keys().collect::<Vec<_>>() != q.berths.keys().collect::<Vec<_>>()
        {
            out.push(format!("the berth classes of port {id} change (set a count instead)"));
        }
    }
    same_keys("nodes", a.nodes.keys().collect(), b.nodes.keys().collect(), &mut out);
    for (id, n) in &a.nodes {
        if b.nodes.get(id).is_some_and(|m| m.kind != n.kind) {
            out.push(format!("node {id} changes kind"));
        }
    }
    same_keys("sea links", a.sea_links.keys().collect(), b.sea_links.keys().collect(), &mut out);
    same_keys("rail links", a.rail_links.keys().collect(), b.rail_links.keys().collect(), &mut out);
    for (id, l) in &a.sea_links {
        if b.sea_links.get(id).is_some_and(|m| m.between != l.between) {
            out.push(format!("sea link {id} changes its ends"));
        }
    }
    for (id, l) in &a.rail_links {
        if b.rail_links.get(id).is_some_and(|m| m.between != l.between) {
            out.push(format!("rail link {id} changes its ends"));
        }
    }
    same_keys("ship services", a.ship_services.keys().collect(), b.ship_services.keys().collect(), &mut out);
    for (id, s) in &a.ship_services {
        let Some(t) = b.ship_services.get(id) else { continue };
        if t.route != s.route || t.class != s.class || t.deck != s.deck || !t.slots.keys().eq(s.slots.keys()) {
            out.push(format!("ship service {id} changes its route, class or units"));
        }
        if (t.vessels == 0) != (s.vessels == 0) {
            out.push(format!("ship service {id} starts or stops running (give it vessels from the start)"));
        }
        if t.vessels < s.vessels {
            out.push(format!("ship service {id} loses vessels ({} → {}); fleets may only grow", s.vessels, t.vessels));
        }
    }
    same_keys("train services", a.train_services.keys().collect(), b.train_services.keys().collect(), &mut out);
    for (id, s) in &a.train_services {
        let Some(t) = b.train_services.get(id) else { continue };
        if t.route != s.route || t.departure != s.departure {
            out.push(format!("train service {id} changes its route or departure policy"));
        }
        if (t.trainsets == 0) != (s.trainsets == 0) {
            out.push(format!("train service {id} starts or stops running (give it trainsets from the start)"));
        }
        if t.trainsets < s.trainsets {
            out.push(format!(
                "train service {id} loses trainsets ({} → {}); fleets may only grow",
                s.trainsets, t.trainsets
            ));
        }
    }
    same_keys("pipelines", a.pipelines.keys().collect(), b.pipelines.keys().collect(), &mut out);
    for (id, p) in &a.pipelines {
        if b.pipelines.get(id).is_some_and(|q| q.route != p.route) {
            out.push(format!("pipeline {id} changes its route"));
        }
    }
    out
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
