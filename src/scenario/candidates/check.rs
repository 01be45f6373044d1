//! The checks of `[candidates]`: each candidate's entries, dates, costs and rules,
//! and that it only adds capacity (a candidate that lowers it would break the plan
//! search's pruning): every field it changes is compared, before and after, in the
//! configuration in force on its earliest date.

use super::*;

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
    let segments = crate::scenario::path::parse(path).ok()?;
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
                toml::Value::Table(t.clone())
                    .try_into::<crate::scenario::DistSpec>()
                    .ok()
                    .map(|d: crate::scenario::DistSpec| d.mean())
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
pub(in crate::scenario) fn check(spec: &ScenarioSpec) -> Vec<Issue> {
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
                let mut problems = crate::scenario::validate::check(&alone);
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
