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

mod check;

pub(super) use check::check;

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
