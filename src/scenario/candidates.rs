//! Candidate upgrades: things a planner could build, each with its cost, the changes it
//! makes (the same paths as variants and dated changes) and the earliest date it can
//! be ready. `corridor plan` chooses among them (see `experiment::plan`).
//!
//! A candidate may name a dated change whose entries it reuses (`change = "baku_phase2"`),
//! give its own `set`, `scale` and `add` entries, or both. A plan puts each chosen
//! candidate into service on a date: in a planning run it becomes a dated change; in a
//! run without planning it holds from the start.

use super::limits::{MAX_CANDIDATES, MAX_QUANTITY};
use super::path::Segment;
use super::planning::{
    CANDIDATE_CHANGE, CHANGEABLE_VALID, ChangeProblem, ChangeSpec, DAYS_PER_YEAR, date_of, parse_date, path_text,
};
use super::schema::{OverrideValue, ScenarioSpec};
use super::validate::Issue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The life of a candidate's asset when it states none, in years: a typical ship's
/// (ports and track last longer; give them `life_years`).
pub const DEFAULT_LIFE_YEARS: f64 = 25.0;

/// The longest asset life accepted, in years.
pub const MAX_LIFE_YEARS: f64 = 200.0;

/// An upgrade that a plan may include.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CandidateSpec {
    /// Display name (default: the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Free text: what it is and where its cost comes from.
    #[serde(default)]
    pub description: Option<String>,
    /// What it costs to build, in the scenario's currency, paid when it enters service.
    pub capital_cost: f64,
    /// What it costs to run per year in service (default 0).
    #[serde(default)]
    pub yearly_cost: f64,
    /// The asset's life in years (default [`DEFAULT_LIFE_YEARS`]): at the end of the
    /// planning horizon a plan is credited the capital cost not yet written off,
    /// straight line over this life.
    #[serde(default)]
    pub life_years: Option<f64>,
    /// The earliest date it can enter service: `"2027"`, `"2027-07"` or `"2027-07-01"`
    /// (default: the date of the change it names, else the first planning day).
    #[serde(default)]
    pub earliest: Option<String>,
    /// A dated change whose `set`, `scale` and `add` entries it makes (its own date and
    /// `enabled` do not matter to the plan).
    #[serde(default)]
    pub change: Option<String>,
    /// Values to set, by dotted path.
    #[serde(default)]
    pub set: BTreeMap<String, OverrideValue>,
    /// Factors to multiply numbers by, by dotted path.
    #[serde(default)]
    pub scale: BTreeMap<String, f64>,
    /// Amounts to add to numbers, by dotted path (e.g. one more berth).
    #[serde(default)]
    pub add: BTreeMap<String, f64>,
    /// Candidates that cannot be in the same plan.
    #[serde(default)]
    pub excludes: Vec<String>,
    /// Candidates that must be in the plan, in service no later than this one
    /// (phase 2 before phase 3).
    #[serde(default)]
    pub requires: Vec<String>,
}

impl CandidateSpec {
    /// A candidate costing `capital_cost`, changing nothing yet.
    pub fn new(capital_cost: f64) -> CandidateSpec {
        CandidateSpec { capital_cost, ..CandidateSpec::default() }
    }

    /// Sets the field at `path` to `value`.
    pub fn set(mut self, path: impl Into<String>, value: impl Into<OverrideValue>) -> Self {
        self.set.insert(path.into(), value.into());
        self
    }

    /// Multiplies the number at `path` by `factor`.
    pub fn scale(mut self, path: impl Into<String>, factor: f64) -> Self {
        self.scale.insert(path.into(), factor);
        self
    }

    /// Adds `amount` to the number at `path`.
    pub fn add(mut self, path: impl Into<String>, amount: f64) -> Self {
        self.add.insert(path.into(), amount);
        self
    }

    /// The yearly operating cost.
    pub fn yearly_cost(mut self, cost: f64) -> Self {
        self.yearly_cost = cost;
        self
    }

    /// The asset's life in years, over which its capital is written off.
    pub fn life_years(mut self, years: f64) -> Self {
        self.life_years = Some(years);
        self
    }

    /// The earliest date it can enter service.
    pub fn earliest(mut self, date: impl Into<String>) -> Self {
        self.earliest = Some(date.into());
        self
    }

    /// A candidate it cannot be combined with.
    pub fn excludes(mut self, other: impl Into<String>) -> Self {
        self.excludes.push(other.into());
        self
    }

    /// A candidate that must be in service no later than this one.
    pub fn requires(mut self, other: impl Into<String>) -> Self {
        self.requires.push(other.into());
        self
    }
}

/// Where a problem with candidate `id`'s entry lies.
fn at(id: &str, field: &str) -> Vec<Segment> {
    ["candidates", id, field].map(|k| Segment::Key(k.to_string())).to_vec()
}

impl ScenarioSpec {
    /// The display name of candidate `id`.
    pub fn candidate_name(&self, id: &str) -> String {
        self.candidates.get(id).and_then(|c| c.name.clone()).unwrap_or_else(|| id.to_string())
    }

    /// The patch candidate `id` makes: its change's entries, then its own.
    fn candidate_patch(&self, id: &str) -> ChangeSpec {
        let mut patch = ChangeSpec::default();
        let Some(c) = self.candidates.get(id) else { return patch };
        if let Some(change) = c.change.as_ref().and_then(|name| self.changes.get(name)) {
            patch.set.extend(change.set.clone());
            patch.scale.extend(change.scale.clone());
            patch.add.extend(change.add.clone());
        }
        let own = self.candidate_own_patch(id);
        patch.set.extend(own.set);
        patch.scale.extend(own.scale);
        patch.add.extend(own.add);
        patch
    }

    /// The entries candidate `id` gives itself (without those of the change it names).
    fn candidate_own_patch(&self, id: &str) -> ChangeSpec {
        let Some(c) = self.candidates.get(id) else { return ChangeSpec::default() };
        ChangeSpec { set: c.set.clone(), scale: c.scale.clone(), add: c.add.clone(), ..ChangeSpec::default() }
    }

    /// The earliest day (after the end of the warm-up, 0 at the earliest) candidate `id`
    /// can enter service: 0 without planning.
    pub fn candidate_earliest_day(&self, id: &str) -> f64 {
        let Some(c) = self.candidates.get(id) else { return 0.0 };
        let date =
            c.earliest.as_ref().or_else(|| c.change.as_ref().and_then(|n| self.changes.get(n)).map(|ch| &ch.date));
        date.and_then(|d| self.day_of(d)).map_or(0.0, |d| d.max(0.0))
    }

    /// The scenario with the candidates of `plan` in service, each from its day (days
    /// after the end of the warm-up; ignored without planning, where every candidate
    /// holds from the start). The result has no candidates.
    ///
    /// # Errors
    /// The candidate whose entry cannot be applied, located at `candidates.<id>`.
    pub fn with_plan(&self, plan: &[(String, f64)]) -> Result<ScenarioSpec, ChangeProblem> {
        let mut spec = self.clone();
        spec.candidates.clear();
        // Candidates entering on the same day apply in an order that puts what one
        // requires before it, else in the order declared.
        let mut plan: Vec<&(String, f64)> = plan.iter().collect();
        plan.sort_by_key(|(id, _)| (self.requirements(id), self.candidates.get_index_of(id)));
        if self.planning.is_some() {
            for (k, (id, day)) in plan.iter().enumerate() {
                let mut change = self.candidate_patch(id);
                // A candidate's change is made once. When the change is enabled it
                // happens anyway on its own date: a plan can only bring it forward.
                if let Some(name) = self.candidates.get(id).and_then(|c| c.change.as_ref())
                    && let Some(scheduled) = self.changes.get(name)
                {
                    let own_day = scheduled.enabled.then(|| self.day_of(&scheduled.date)).flatten();
                    match own_day {
                        Some(d) if d <= *day => change = self.candidate_own_patch(id),
                        _ => {
                            spec.changes.remove(name);
                        }
                    }
                }
                if change.is_empty() {
                    continue;
                }
                change.date = self.date_at(*day);
                change.enabled = true;
                change.from_plan = true;
                change.description = Some(format!("candidate {}", self.candidate_name(id)));
                // Ids sort by day, then in this order (the timeline's order of ties).
                spec.changes.insert(format!("{CANDIDATE_CHANGE}{k:02}:{id}"), change);
            }
            // Checked here so a problem points at the candidate, not its change.
            spec.timeline().map_err(|p| {
                let id =
                    p.change.strip_prefix(CANDIDATE_CHANGE).and_then(|c| c.split_once(':')).map_or(&*p.change, |c| c.1);
                let id = id.to_string();
                let mut location = p.location;
                if location.len() >= 2 && self.candidates.contains_key(&id) {
                    location[0] = Segment::Key("candidates".into());
                    location[1] = Segment::Key(id.clone());
                }
                ChangeProblem { change: id, location, message: p.message }
            })?;
            return Ok(spec);
        }
        let mut doc = toml::Table::try_from(&spec).map_err(|e| ChangeProblem {
            change: String::new(),
            location: Vec::new(),
            message: format!("cannot represent the scenario: {e}"),
        })?;
        for (id, _) in &plan {
            let patch = self.candidate_patch(id);
            patch.apply(&mut doc, "candidates", id)?;
        }
        super::deserialize(doc).map_err(|(field, message)| {
            let id = plan.first().map_or(String::new(), |(id, _)| id.clone());
            self.candidate_patch(&id).problem_at("candidates", &id, &field, &message)
        })
    }

    /// How many candidates `id` requires, directly or through others.
    fn requirements(&self, id: &str) -> usize {
        let mut seen: Vec<&str> = Vec::new();
        let mut frontier: Vec<&str> =
            self.candidates.get(id).map(|c| c.requires.iter().map(String::as_str).collect()).unwrap_or_default();
        while let Some(next) = frontier.pop() {
            if !seen.contains(&next) && next != id {
                seen.push(next);
                frontier.extend(
                    self.candidates.get(next).map(|c| c.requires.iter().map(String::as_str)).into_iter().flatten(),
                );
            }
        }
        seen.len()
    }

    /// The date `day` days after the end of the warm-up, as `YYYY-MM-DD` (in the
    /// model's 365-day planning years).
    pub fn date_at(&self, day: f64) -> String {
        let start = self.planning.as_ref().map_or(2000, |p| p.start_year);
        let years = (day / DAYS_PER_YEAR).floor();
        date_of(start + years as i32, (day - years * DAYS_PER_YEAR).round() as u32)
    }
}

/// How a field of the tables candidates may change bears on capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bearing {
    /// More is more capacity (counts, rates, sizes).
    More,
    /// Less is more capacity (times, or a distribution of times by its mean).
    Less,
    /// No bearing on capacity (names, tariffs, emissions, distances).
    Neutral,
    /// `handling_in_storms`: `continue` is more capacity than `pause`.
    StormHandling,
    /// A rule of operation that may raise or lower capacity (fill thresholds, waits,
    /// departure policies, loading order).
    Either,
}

/// The bearing of a field by its name (`None`: a table whose entries have their own,
/// such as a berth class or a port).
fn bearing(field: &str) -> Option<Bearing> {
    Some(match field {
        "count"
        | "handling_tonnes_per_hour"
        | "yard_capacity_tonnes"
        | "servers"
        | "trains_per_day"
        | "trainsets"
        | "wagons"
        | "tonnes_per_wagon"
        | "vessels"
        | "capacity_tonnes"
        | "slots"
        | "max_units"
        | "tonnes_per_hour"
        | "depth_m" => Bearing::More,
        "berthing_hours" | "loading_hours" | "unloading_hours" | "timetable_hours" | "service_hours"
        | "dwell_hours" | "sailing_hours" | "transit_hours" | "unit_hours" | "draught_m" | "tonnes_per_cm" => {
            Bearing::Less
        }
        "name" | "description" | "charge_per_tonne" | "co2_kg_per_tonne" | "co2_g_per_tonne_km" | "distance_km"
        | "length_km" | "tariff_per_tonne" | "tariff_per_unit" | "kind" | "between" | "route" | "class" => {
            Bearing::Neutral
        }
        "handling_in_storms" => Bearing::StormHandling,
        "fill_threshold" | "max_wait_hours" | "max_wait_from" | "departure" | "wait_for_cargo_at" | "loading_order"
        | "deck" => Bearing::Either,
        _ => return None,
    })
}

/// The value at a dotted `path` of a scenario document, if it exists.
fn value_at<'a>(doc: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let segments = super::path::parse(path).ok()?;
    let (Segment::Key(first), rest) = segments.split_first()? else { return None };
    let mut value = doc.get(first.as_str())?;
    for segment in rest {
        value = match (segment, value) {
            (Segment::Key(k), toml::Value::Table(t)) => t.get(k.as_str())?,
            (Segment::Index(i), toml::Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

fn number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// Where capacity falls from `before` to `after` under `path` (whose field has
/// `inherited` bearing, if known), in words.
fn capacity_falls(path: &str, before: &toml::Value, after: &toml::Value, inherited: Option<Bearing>) -> Vec<String> {
    let field = path.rsplit('.').next().unwrap_or(path);
    let bear = bearing(field).or(inherited);
    match (before, after, bear) {
        (_, _, Some(Bearing::Neutral)) => Vec::new(),
        (toml::Value::Table(a), toml::Value::Table(b), Some(Bearing::Less)) if a.contains_key("dist") => {
            let mean = |t: &toml::Table| {
                toml::Value::Table(t.clone()).try_into::<super::DistSpec>().ok().map(|d: super::DistSpec| d.mean())
            };
            match (mean(a), mean(b)) {
                (Some(x), Some(y)) if y > x * (1.0 + 1e-12) => {
                    vec![format!("`{path}` has a longer mean ({} h → {} h)", round(x), round(y))]
                }
                _ => Vec::new(),
            }
        }
        (toml::Value::Table(a), toml::Value::Table(b), _) => {
            let mut out = Vec::new();
            for (key, x) in a {
                match b.get(key) {
                    Some(y) => out.extend(capacity_falls(&format!("{path}.{key}"), x, y, bear)),
                    None if bear == Some(Bearing::More) => {
                        out.push(format!("`{path}.{key}` is removed"));
                    }
                    None => {}
                }
            }
            out
        }
        (_, _, Some(Bearing::Either)) if before != after => vec![format!(
            "`{path}` changes a rule of operation ({before} → {after}), which may raise or lower capacity"
        )],
        (_, _, Some(Bearing::StormHandling))
            if before.as_str() == Some("continue") && after.as_str() == Some("pause") =>
        {
            vec![format!("`{path}` stops handling in storms (continue → pause)")]
        }
        (x, y, Some(b @ (Bearing::More | Bearing::Less))) => match (number(x), number(y)) {
            (Some(x), Some(y)) if (b == Bearing::More && y < x) || (b == Bearing::Less && y > x) => {
                let what = if b == Bearing::More { "lower" } else { "longer" };
                vec![format!("`{path}` is {what} ({} → {})", round(x), round(y))]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A number for messages: up to 6 significant digits.
fn round(x: f64) -> String {
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.len() > 12 { format!("{x:e}") } else { text.to_string() }
}

impl ScenarioSpec {
    /// The configuration in force on `day` (days after the end of the warm-up), as a
    /// document: that of the last entry of `timeline` dated on or before it.
    fn document_on(timeline: &[(f64, ScenarioSpec)], day: f64) -> Option<toml::Table> {
        let (_, spec) = timeline.iter().rev().find(|(d, _)| *d <= day).or(timeline.first())?;
        toml::Table::try_from(spec).ok()
    }

    /// The paths candidate `id` patches (its change's and its own).
    pub(crate) fn candidate_paths(&self, id: &str) -> Vec<String> {
        let patch = self.candidate_patch(id);
        patch.set.keys().chain(patch.scale.keys()).chain(patch.add.keys()).cloned().collect()
    }

    /// Where candidate `id` would lower capacity, entering on any day it may (its
    /// earliest, or 1 January of any later planning year): each path, with the values
    /// before and after it enters.
    fn lowers_capacity(&self, id: &str) -> Vec<String> {
        let earliest = self.candidate_earliest_day(id);
        let mut days = vec![earliest];
        if let Some(p) = &self.planning {
            days.extend((0..p.years).map(|k| f64::from(k) * DAYS_PER_YEAR).filter(|d| *d > earliest));
        }
        let Ok(without) = self.with_plan(&[]).and_then(|s| s.timeline()) else { return Vec::new() };
        let mut out: Vec<String> = Vec::new();
        for day in days {
            let Ok(with) = self.with_plan(&[(id.to_string(), day)]).and_then(|s| s.timeline()) else { continue };
            let (Some(before), Some(after)) = (Self::document_on(&without, day), Self::document_on(&with, day)) else {
                continue;
            };
            for path in self.candidate_paths(id) {
                // Compare the whole field the path reaches into (a distribution by its
                // mean, a table of slots entry by entry).
                let segments: Vec<&str> = path.split('.').collect();
                let cut = segments.iter().rposition(|k| bearing(k).is_some()).map_or(segments.len(), |i| i + 1);
                let field = segments[..cut].join(".");
                if let (Some(x), Some(y)) = (value_at(&before, &field), value_at(&after, &field)) {
                    for problem in capacity_falls(&field, x, y, None) {
                        if !out.contains(&problem) {
                            out.push(problem);
                        }
                    }
                }
            }
        }
        out
    }
}

/// The checks of `[candidates]`.
pub(super) fn check(spec: &ScenarioSpec) -> Vec<Issue> {
    let issues = std::cell::RefCell::new(Vec::new());
    if spec.candidates.is_empty() {
        return issues.into_inner();
    }
    let issue = |path: String, message: String, valid: &str, location: Option<Vec<Segment>>| {
        issues.borrow_mut().push(Issue {
            path,
            message,
            valid: (!valid.is_empty()).then(|| valid.to_string()),
            location,
        });
    };
    if spec.candidates.len() > MAX_CANDIDATES {
        issue(
            "candidates".into(),
            format!("{} candidates", spec.candidates.len()),
            &format!("at most {MAX_CANDIDATES}"),
            None,
        );
        return issues.into_inner();
    }
    let horizon_end = spec.planning.as_ref().map(|p| f64::from(p.years) * DAYS_PER_YEAR);
    for (id, c) in &spec.candidates {
        let p = format!("candidates.{id}");
        for (field, value) in [("capital_cost", c.capital_cost), ("yearly_cost", c.yearly_cost)] {
            if !(value.is_finite() && (0.0..=MAX_QUANTITY).contains(&value)) {
                issue(format!("{p}.{field}"), format!("{value} is out of range"), "an amount from 0 to 1e12", None);
            }
        }
        if let Some(life) = c.life_years
            && !(life.is_finite() && life > 0.0 && life <= MAX_LIFE_YEARS)
        {
            issue(
                format!("{p}.life_years"),
                format!("{life} is out of range"),
                &format!("a number of years > 0 and <= {MAX_LIFE_YEARS}"),
                None,
            );
        }
        if let Some(name) = &c.change
            && !spec.changes.contains_key(name)
        {
            let known: Vec<&str> = spec.changes.keys().map(String::as_str).collect();
            issue(
                format!("{p}.change"),
                format!("there is no dated change {name:?}"),
                &if known.is_empty() {
                    "a change declared in [changes]".to_string()
                } else {
                    format!("one of: {}", known.join(", "))
                },
                None,
            );
        } else if spec.candidate_patch(id).is_empty() {
            issue(
                p.clone(),
                "the candidate changes nothing".into(),
                "set, scale or add entries, or change = \"<id>\"",
                None,
            );
        }
        match (&c.earliest, horizon_end) {
            (Some(_), None) => issue(
                format!("{p}.earliest"),
                "a date needs a planning horizon".into(),
                "no earliest (without [planning] every candidate holds from the start), or a [planning] table",
                None,
            ),
            (Some(date), Some(end)) => match parse_date(date) {
                Err(m) => issue(format!("{p}.earliest"), m, "\"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"", None),
                Ok(_) if spec.day_of(date).is_some_and(|d| d >= end) => issue(
                    format!("{p}.earliest"),
                    format!("{date} is after the planning horizon"),
                    "a date before the end of the last planning year",
                    None,
                ),
                Ok(_) => {}
            },
            (None, Some(end)) if spec.candidate_earliest_day(id) >= end => issue(
                format!("{p}.change"),
                "the change it names is dated after the planning horizon, so the candidate could never enter".into(),
                "an earliest date before the end of the last planning year",
                None,
            ),
            (None, _) => {}
        }
        for (field, others) in [("excludes", &c.excludes), ("requires", &c.requires)] {
            for (i, other) in others.iter().enumerate() {
                let known: Vec<&str> = spec.candidates.keys().filter(|k| *k != id).map(String::as_str).collect();
                if other == id || !spec.candidates.contains_key(other) {
                    issue(
                        format!("{p}.{field}[{i}]"),
                        if other == id {
                            "a candidate cannot name itself".into()
                        } else {
                            format!("there is no candidate {other:?}")
                        },
                        &format!("one of: {}", known.join(", ")),
                        None,
                    );
                }
            }
        }
        if let Some(both) = c.requires.iter().find(|r| c.excludes.contains(r)) {
            issue(
                format!("{p}.requires"),
                format!("{both:?} is both required and excluded"),
                "each candidate in at most one of the lists",
                None,
            );
        }
    }
    // A cycle of `requires` could never be built.
    for id in spec.candidates.keys() {
        let mut seen = vec![id.clone()];
        let mut frontier = spec.candidates[id].requires.clone();
        while let Some(next) = frontier.pop() {
            if next == *id {
                issue(
                    format!("candidates.{id}.requires"),
                    format!("{id} requires itself through {}", seen[1..].join(" → ")),
                    "requirements without a cycle",
                    None,
                );
                break;
            }
            if !seen.contains(&next) {
                frontier.extend(spec.candidates.get(&next).map(|c| c.requires.clone()).unwrap_or_default());
                seen.push(next);
            }
        }
    }
    if !issues.borrow().is_empty() {
        return issues.into_inner();
    }
    // Each entry must lead somewhere, and each candidate alone must leave a valid scenario.
    let Ok(base) = toml::Table::try_from(spec) else { return issues.into_inner() };
    for (id, c) in &spec.candidates {
        let own =
            ChangeSpec { set: c.set.clone(), scale: c.scale.clone(), add: c.add.clone(), ..ChangeSpec::default() };
        let problems = own.entry_problems(&base, "candidates", id);
        for p in &problems {
            issue(path_text(&p.location), p.message.clone(), CHANGEABLE_VALID, Some(p.location.clone()));
        }
        if !problems.is_empty() {
            continue;
        }
        let day = spec.candidate_earliest_day(id);
        let located = own.first_entry("candidates", id);
        let located = if own.is_empty() { at(id, "change") } else { located };
        match spec.with_plan(&[(id.clone(), day)]) {
            // The value it leaves is wrong (its paths were checked above): point at the
            // candidate's own entry when the value is its own, else at the candidate.
            Err(p) => {
                let own_entry = match p.location.as_slice() {
                    [_, _, Segment::Key(kind), Segment::Key(path)] => match kind.as_str() {
                        "set" => own.set.contains_key(path),
                        "scale" => own.scale.contains_key(path),
                        "add" => own.add.contains_key(path),
                        _ => false,
                    },
                    _ => false,
                };
                issue(
                    format!("candidates.{id}"),
                    format!("with this candidate, {}", p.message),
                    "",
                    Some(if own_entry { p.location } else { located }),
                );
            }
            Ok(alone) => {
                let mut problems = super::validate::check(&alone);
                problems.truncate(3);
                let valid = problems.is_empty();
                for i in problems {
                    issue(
                        format!("candidates.{id}"),
                        format!("with this candidate, {}: {}", i.path, i.message),
                        i.valid.as_deref().unwrap_or(""),
                        Some(located.clone()),
                    );
                }
                // The plan search takes a plan with more candidates to have at least
                // as much capacity: a candidate must never lower it.
                let lowered = if valid { spec.lowers_capacity(id) } else { Vec::new() };
                if !lowered.is_empty() {
                    issue(
                        format!("candidates.{id}"),
                        format!("the candidate would lower capacity: {}", lowered.join("; ")),
                        LOWERS_VALID,
                        Some(located.clone()),
                    );
                }
            }
        }
    }
    // Two candidates that may be in one plan must not undo each other: a `set` below
    // what another candidate makes of the same field would lower capacity if it
    // entered after it.
    for (a, ca) in &spec.candidates {
        for (path, value) in &ca.set {
            let Some(x) = number(&value.to_toml()) else { continue };
            for (b, cb) in spec.candidates.iter().filter(|(b, _)| *b != a) {
                if ca.excludes.contains(b) || cb.excludes.contains(a) || !spec.candidate_paths(b).contains(path) {
                    continue;
                }
                let Ok(after_b) = spec.with_plan(&[(b.clone(), spec.candidate_earliest_day(b))]) else { continue };
                let Some(timeline) = after_b.timeline().ok() else { continue };
                let Some(doc) = timeline.last().and_then(|(_, s)| toml::Table::try_from(s).ok()) else { continue };
                let field = path.rsplit('.').next().unwrap_or(path);
                let reached = value_at(&doc, path).and_then(number);
                let lower = match bearing(field) {
                    Some(Bearing::More) => reached.is_some_and(|y| x < y),
                    Some(Bearing::Less) => reached.is_some_and(|y| x > y),
                    _ => false,
                };
                if lower {
                    issue(
                        format!("candidates.{a}.set"),
                        format!(
                            "sets `{path}` to {}, below the {} candidate {b} makes of it: entering after {b} it would lower capacity",
                            round(x),
                            round(reached.unwrap_or(0.0))
                        ),
                        "`add` instead of `set`, or `excludes` between the two",
                        Some(vec![
                            Segment::Key("candidates".into()),
                            Segment::Key(a.clone()),
                            Segment::Key("set".into()),
                            Segment::Key(path.clone()),
                        ]),
                    );
                }
            }
        }
    }
    issues.into_inner()
}

/// What a candidate may change, for messages.
const LOWERS_VALID: &str = "a candidate that only adds capacity (more berths, vessels, trains, faster handling or shorter times); model other changes as a variant or a dated change";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{BerthClass, BerthSpec, DistSpec, PortSpec, ShipArrivalSpec};

    /// A port with two berths over 2025-2028, change `x` adding a berth on `date`
    /// (enabled or not), and candidate `c` naming it.
    fn one_port(date: &str, enabled: bool) -> ScenarioSpec {
        let mut spec = ScenarioSpec::new("t", 1.0)
            .planning(2025, 4)
            .port("a", PortSpec::new(0.0).berths(BerthClass::Dry, BerthSpec::service(2, DistSpec::exponential(10.0))))
            .ship_arrivals("s", ShipArrivalSpec::new("a", BerthClass::Dry, 100.0, DistSpec::constant(10.0)));
        let change = ChangeSpec {
            date: date.into(),
            enabled,
            add: [("ports.a.berths.dry.count".to_string(), 1.0)].into(),
            ..ChangeSpec::default()
        };
        spec.changes.insert("x".into(), change);
        spec.candidates.insert("c".into(), CandidateSpec { change: Some("x".into()), ..CandidateSpec::new(1.0) });
        spec
    }

    /// Berths in each planning year (the configuration in force on 1 July).
    fn berths_by_year(spec: &ScenarioSpec) -> Vec<u32> {
        let timeline = spec.timeline().unwrap();
        (0..4)
            .map(|k| {
                let mid = k as f64 * DAYS_PER_YEAR + 181.0;
                let (_, config) = timeline.iter().rev().find(|(day, _)| *day <= mid).unwrap();
                config.ports["a"].berths[&BerthClass::Dry].count
            })
            .collect()
    }

    #[test]
    fn a_candidate_makes_its_change_once_whatever_the_change_says() {
        // Disabled: only the plan makes it, on the plan's date.
        let off = one_port("2027", false);
        assert_eq!(berths_by_year(&off.with_plan(&[("c".into(), DAYS_PER_YEAR)]).unwrap()), [2, 3, 3, 3]);
        // Enabled for 2027, planned for 2026: brought forward, made once.
        let on = one_port("2027", true);
        assert_eq!(berths_by_year(&on.with_plan(&[("c".into(), DAYS_PER_YEAR)]).unwrap()), [2, 3, 3, 3]);
        // Enabled for 2026, planned for 2028: it happens in 2026 anyway, and once.
        let early = one_port("2026", true);
        assert_eq!(berths_by_year(&early.with_plan(&[("c".into(), 3.0 * DAYS_PER_YEAR)]).unwrap()), [2, 3, 3, 3]);
        assert_eq!(berths_by_year(&early.with_plan(&[]).unwrap()), [2, 3, 3, 3]);
    }

    #[test]
    fn a_candidate_entering_with_a_scenario_change_comes_after_it() {
        // The scenario sets 4 berths on 1 January 2026; a candidate adding one that day
        // must not be erased by it.
        let mut spec = one_port("2026", false).change("fleet", "2026-01-01", "ports.a.berths.dry.count", 4u32);
        spec.candidates.insert("more".into(), CandidateSpec::new(1.0).add("ports.a.berths.dry.count", 1.0));
        assert_eq!(berths_by_year(&spec.with_plan(&[("more".into(), DAYS_PER_YEAR)]).unwrap()), [2, 5, 5, 5]);
    }

    #[test]
    fn dates_round_trip_through_days() {
        for (y, d) in [(2025, 0), (2026, 59), (2027, 364), (2030, 181)] {
            assert_eq!(parse_date(&date_of(y, d)), Ok((y, d)));
        }
    }
}
