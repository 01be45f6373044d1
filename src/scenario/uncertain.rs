//! Uncertain inputs (`[uncertain.<id>]`): numbers nobody knows exactly, each with the
//! range it may lie in and why. They define the input scenarios of `corridor
//! sensitivity`: each input takes a value in its range (a value to set, or a factor to
//! multiply the file's value by), inputs of one `group` moving together.

use super::path::Segment;
use super::schema::ScenarioSpec;
use super::validate::Issue;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

/// An uncertain input: a dotted path (as in a variant's `set`), the range it may lie
/// in, and where the range comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UncertainSpec {
    /// The number it sets, by dotted path (e.g. `"weather.caspian_storms.storms_per_year"`).
    pub path: String,
    /// The values the number may take, `[low, high]`, uniformly (a whole number stays
    /// whole: the value is rounded).
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// Instead of `range`: factors `[low, high]` the file's value is multiplied by.
    #[serde(default)]
    pub factor: Option<[f64; 2]>,
    /// Where the range comes from (a published figure).
    #[serde(default)]
    pub source: Option<String>,
    /// Why the range, where no figure was found.
    #[serde(default)]
    pub reason: Option<String>,
    /// Inputs of one group move together (the same position in their ranges): one
    /// unknown that several numbers share.
    #[serde(default)]
    pub group: Option<String>,
}

impl UncertainSpec {
    /// An input setting `path` anywhere in `[low, high]`, for `reason`.
    pub fn range(path: impl Into<String>, low: f64, high: f64, reason: impl Into<String>) -> UncertainSpec {
        UncertainSpec {
            path: path.into(),
            range: Some([low, high]),
            factor: None,
            source: None,
            reason: Some(reason.into()),
            group: None,
        }
    }

    /// An input multiplying the number at `path` by a factor in `[low, high]`, for `reason`.
    pub fn factor(path: impl Into<String>, low: f64, high: f64, reason: impl Into<String>) -> UncertainSpec {
        UncertainSpec { range: None, factor: Some([low, high]), ..UncertainSpec::range(path, 0.0, 0.0, reason) }
    }

    /// Puts the input in `group`.
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// Its low and high ends, and whether they are factors.
    pub fn ends(&self) -> ([f64; 2], bool) {
        match (self.range, self.factor) {
            (Some(r), _) => (r, false),
            (None, Some(f)) => (f, true),
            (None, None) => ([0.0, 0.0], false),
        }
    }

    /// Its value at position `u` (0 to 1) in its range.
    pub fn at(&self, u: f64) -> f64 {
        let ([low, high], _) = self.ends();
        low + u.clamp(0.0, 1.0) * (high - low)
    }
}

fn location(id: &str, field: &str) -> Vec<Segment> {
    ["uncertain", id, field].map(|k| Segment::Key(k.to_string())).to_vec()
}

/// Sets (or multiplies) the number at `path` of `doc`, keeping a whole number whole:
/// `doc` is the scenario as its types write it, so a whole number here is a count
/// (berths, vessels), drawn as the nearest whole count; a rate written `3` in the file
/// is `3.0` here and varies continuously.
fn put(doc: &mut Table, path: &str, value: f64, factor: bool) -> Result<(), String> {
    let problem = |p: super::variants::PathProblem| p.message;
    let current = super::variants::get_path(doc, path).map_err(problem)?;
    let value = match (&current, factor) {
        (Value::Integer(i), true) => *i as f64 * value,
        (_, true) => return super::variants::scale_path(doc, path, value).map_err(problem),
        (_, false) => value,
    };
    match current {
        Value::Integer(_) => {
            let whole = Value::Integer(value.round().clamp(i64::MIN as f64, i64::MAX as f64) as i64);
            super::variants::set_path(doc, path, whole).map_err(problem)
        }
        Value::Float(_) => super::variants::set_path(doc, path, Value::Float(value)).map_err(problem),
        other => Err(format!("`{path}` is a {}, not a number", other.type_str())),
    }
}

/// One unknown as it is varied: an uncertain input alone, or a `group` of inputs that
/// move together (the same position in their ranges).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertainFactor {
    /// The input's id, or the group's name.
    pub name: String,
    /// Its inputs' ids, in file order.
    pub inputs: Vec<String>,
}

impl UncertainFactor {
    /// Every input of `factors` at the position its factor has in `x` (one position a
    /// factor, in `[0, 1]`), as [`ScenarioSpec::with_inputs`] takes them.
    pub fn positions<'a>(factors: &'a [UncertainFactor], x: &[f64]) -> Vec<(&'a str, f64)> {
        factors.iter().zip(x).flat_map(|(f, &u)| f.inputs.iter().map(move |id| (id.as_str(), u))).collect()
    }
}

impl ScenarioSpec {
    /// The factors of the uncertain inputs: each group once (where its first input
    /// stands), each ungrouped input alone (never joined with a group of its name).
    pub fn uncertain_factors(&self) -> Vec<UncertainFactor> {
        let mut out: Vec<UncertainFactor> = Vec::new();
        for (id, input) in &self.uncertain {
            let joins =
                |f: &UncertainFactor| input.group.is_some() && self.uncertain[&f.inputs[0]].group == input.group;
            match out.iter_mut().find(|f| joins(f)) {
                Some(f) => f.inputs.push(id.clone()),
                None => out.push(UncertainFactor {
                    name: input.group.clone().unwrap_or_else(|| id.clone()),
                    inputs: vec![id.clone()],
                }),
            }
        }
        out
    }

    /// This scenario with uncertain input `id`s set to the positions `u` (0 to 1) in
    /// their ranges, as `(id, u)`.
    ///
    /// # Errors
    /// An unknown input, a path that does not lead to a number, or values that make
    /// the scenario invalid, in words.
    pub fn with_inputs(&self, positions: &[(&str, f64)]) -> Result<ScenarioSpec, String> {
        let mut doc = Table::try_from(self).map_err(|e| format!("cannot represent the scenario as a document: {e}"))?;
        for &(id, u) in positions {
            let input = self.uncertain.get(id).ok_or_else(|| format!("no uncertain input {id:?}"))?;
            let (_, factor) = input.ends();
            put(&mut doc, &input.path, input.at(u), factor).map_err(|m| format!("uncertain.{id}: {m}"))?;
        }
        let spec = super::deserialize(doc).map_err(|(path, message)| format!("`{path}`: {message}"))?;
        let issues = super::check(&spec);
        match issues.first() {
            None => Ok(spec),
            Some(i) => Err(format!("`{}`: {}", i.path, i.message)),
        }
    }
}

/// The uncertain inputs' own checks (ranges, a source or reason, ids), then each input
/// at both ends of its range applied to the base: a path that leads nowhere or an end
/// that makes the scenario invalid is reported at the input.
pub(super) fn check(spec: &ScenarioSpec) -> Vec<Issue> {
    let mut issues = Vec::new();
    let issue = |issues: &mut Vec<Issue>, id: &str, field: &str, message: String, valid: &str| {
        issues.push(Issue {
            path: format!("uncertain.{id}.{field}"),
            message,
            valid: Some(valid.to_string()),
            location: Some(location(id, field)),
        });
    };
    for (id, input) in &spec.uncertain {
        let ends = match (input.range, input.factor) {
            (Some(_), Some(_)) => {
                issue(
                    &mut issues,
                    id,
                    "factor",
                    "both a range and a factor".into(),
                    "either `range` or `factor`, not both",
                );
                continue;
            }
            (None, None) => {
                issue(&mut issues, id, "path", "no range".into(), "`range = [low, high]` or `factor = [low, high]`");
                continue;
            }
            (Some(r), None) => ("range", r, f64::NEG_INFINITY),
            (None, Some(f)) => ("factor", f, 0.0),
        };
        let (field, [low, high], floor) = ends;
        if !(low.is_finite() && high.is_finite() && low < high && low >= floor) {
            let valid = if field == "factor" {
                "[low, high]: finite factors, 0 <= low < high"
            } else {
                "[low, high]: finite numbers, low < high"
            };
            issue(&mut issues, id, field, format!("[{low}, {high}] is not a range"), valid);
            continue;
        }
        let said = |s: &Option<String>| s.as_deref().is_some_and(|t| !t.trim().is_empty());
        if !said(&input.source) && !said(&input.reason) {
            issue(
                &mut issues,
                id,
                "path",
                "an uncertain input needs its `source` (a published figure) or `reason` (why this range)".into(),
                "`source = \"...\"` or `reason = \"...\"`",
            );
        }
        if let Some(group) = &input.group
            && !super::validate::id_ok(group)
        {
            issue(
                &mut issues,
                id,
                "group",
                format!("{group:?} is not an id"),
                "an id of 1-64 letters, digits, '_' or '-'",
            );
        }
    }
    if !issues.is_empty() {
        return issues;
    }
    // Each input with its group (moving together), at both ends.
    for (id, input) in &spec.uncertain {
        let together: Vec<&str> = match &input.group {
            Some(g) => spec
                .uncertain
                .iter()
                .filter(|(_, other)| other.group.as_ref() == Some(g))
                .map(|(other, _)| other.as_str())
                .collect(),
            None => vec![id.as_str()],
        };
        if together.first() != Some(&id.as_str()) {
            continue; // a group is checked once, at its first input
        }
        for (end, u) in [("low", 0.0), ("high", 1.0)] {
            let positions: Vec<(&str, f64)> = together.iter().map(|&i| (i, u)).collect();
            if let Err(message) = spec.with_inputs(&positions) {
                let (field, valid) = if message.contains("does not exist")
                    || message.contains("not a number")
                    || message.contains("malformed")
                {
                    ("path", "the dotted path of a number in the scenario, as in a variant's `set`")
                } else {
                    (
                        if input.range.is_some() { "range" } else { "factor" },
                        "a range whose ends keep the scenario valid",
                    )
                };
                let with = if together.len() > 1 {
                    format!(" (with its group {})", together.join(", "))
                } else {
                    String::new()
                };
                issue(&mut issues, id, field, format!("at its {end} end{with}: {message}"), valid);
                break;
            }
        }
    }
    issues
}
