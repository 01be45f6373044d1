//! What a simulated plan must meet and how it fails: the constraints of each year
//! (stability and the criteria, per year), each called at a look, the year a plan
//! fails in and what is implicated, the capacity bound's verdict, and the texts that
//! say so.

use super::ConstraintValue;
use crate::experiment::VariantResult;
use crate::experiment::capacity::Criterion;
use crate::experiment::feasibility::{Call, call};
use crate::experiment::selection::Sampled;
use crate::model::Network;
use crate::scenario::ScenarioSpec;
use crate::stats::Summary;

/// Each constraint called at `levels` (those of the look, for every constraint).
pub(super) fn calls_at(
    samples: &[(ConstraintText, Sampled)],
    levels: crate::experiment::feasibility::Levels,
) -> Vec<Call> {
    samples.iter().map(|(_, s)| call(&s.values, s.limit, s.at_most, s.zone, levels)).collect()
}

/// The fewest replications a run that learns how large a failure is may take before
/// it counts as not failing (the failure is then learned smaller). A learning run may
/// take as many as the plan whose failure it generalises needed to fail: a set with
/// more capacity fails by a smaller margin, and rarely with fewer.
pub(super) const LEARNING_REPLICATIONS: u64 = 10;

/// What a plan's run implicates in year `year`'s failure, as resource names or their
/// prefixes: where cargo accumulated, what binds, and the criteria that fail (empty:
/// unknown, so everything is).
pub(super) fn implicated(result: &VariantResult, year: i32) -> Vec<String> {
    let Some(v) = result.year(year) else { return Vec::new() };
    let s = v.stability();
    let mut out: Vec<String> = s
        .accumulating
        .iter()
        .filter_map(|p| {
            if let Some((_, service)) = p.place.split_once(".waiting_for.") {
                Some(format!("service.{service}"))
            } else if let Some(port) = p.place.strip_suffix(".gate") {
                Some(format!("port.{port}."))
            } else {
                p.place.strip_suffix(".transfer").map(|n| format!("transfer.{n}"))
            }
        })
        .collect();
    out.extend(s.binding.map(|b| b.resource));
    if let Some(bound) = v.capacity.as_ref().and_then(|c| c.bound.as_ref()) {
        out.extend(bound.binding.iter().cloned());
    }
    out
}

/// Whether candidate `id` touches a resource in `implicated` (a sea link touches
/// every service sailing it, and a rail link its trains: they count as touching all).
pub(super) fn touches(spec: &ScenarioSpec, id: &str, implicated: &[String]) -> bool {
    spec.candidate_paths(id).iter().any(|path| {
        let keys: Vec<&str> = path.split('.').collect();
        let resource = match keys.as_slice() {
            ["ports", p, "berths", class, ..] => format!("port.{p}.berths.{class}"),
            ["ports", p, "yard_capacity_tonnes", ..] => format!("port.{p}.yard"),
            ["ports", p, ..] => format!("port.{p}."),
            ["ship_services", s, ..] | ["train_services", s, ..] => format!("service.{s}"),
            ["nodes", n, ..] => format!("transfer.{n}"),
            ["pipelines", p, ..] => format!("pipeline.{p}"),
            _ => return true,
        };
        implicated.iter().any(|i| i.starts_with(&resource) || resource.starts_with(i.as_str()))
    })
}

/// The outcome of the sequential procedure on one network.
pub(super) struct Checked {
    pub(super) result: VariantResult,
    pub(super) samples: Vec<(ConstraintText, Sampled)>,
    pub(super) calls: Vec<Call>,
    pub(super) capped: Option<Option<i32>>,
    pub(super) n: u64,
    pub(super) fails: bool,
    pub(super) holds: bool,
}

/// The year of the first significant (or certain) failure; `None` without planning
/// (a failure then rules out up to the horizon).
pub(super) fn failing_year(
    samples: &[(ConstraintText, Sampled)],
    calls: &[Call],
    capped: Option<Option<i32>>,
) -> Option<i32> {
    let failing: Vec<Option<i32>> =
        samples.iter().zip(calls).filter(|(_, c)| **c == Call::Fails).map(|((_, s), _)| s.year).chain(capped).collect();
    if failing.iter().any(Option::is_none) { None } else { failing.iter().flatten().min().copied() }
}

/// The bound of every planning year of `network` (one, over the run, without
/// planning).
pub(super) fn bounds(network: &Network) -> Vec<crate::model::RhoBound> {
    let years = network.years().len().max(1);
    (0..years).map(|k| network.rho_bound_of_year(k)).collect()
}

/// The first year (its index) in which `network`'s capacity bound reaches 1, with
/// that bound: the plan fails there whatever the randomness.
pub(super) fn first_overloaded(network: &Network) -> Option<(usize, crate::model::RhoBound)> {
    bounds(network).into_iter().enumerate().find(|(_, b)| b.overloaded())
}

/// How a plan ruled out by its own bound is said to be decided.
pub(super) const FAILS_BY_BOUND: &str = "fails whatever the randomness: the capacity bound reaches 1";

/// What fails in a plan ruled out by its own bound in `year`.
pub(super) fn bound_failure(year: Option<i32>, bound: &crate::model::RhoBound) -> String {
    format!("{}{}", year.map_or(String::new(), |y| format!("in {y}, ")), bound.describe())
}

/// A constraint's name, and the criterion it checks.
pub(super) struct ConstraintText {
    pub(super) text: String,
    pub(super) criterion: Option<usize>,
}

pub(super) fn constraint_value(text: &ConstraintText, s: &Sampled, call: Call) -> ConstraintValue {
    let summary = Summary::of(&s.values);
    let (mean, ci95) = summary.as_ref().map_or((f64::NAN, [f64::NAN; 2]), |x| (x.mean, x.ci95));
    ConstraintValue {
        constraint: text.text.clone(),
        year: s.year,
        criterion: text.criterion,
        mean,
        ci95,
        limit: s.limit,
        holds: mean.is_finite() && if s.at_most { mean <= s.limit } else { mean >= s.limit },
        call,
    }
}

pub(super) fn failure_text(c: &ConstraintValue) -> String {
    let sure = if c.call == Call::Fails { "" } else { " (on the mean, inside the zone)" };
    if c.criterion.is_none() {
        let year = c.year.map_or(String::new(), |y| format!(" in {y}"));
        let what = if c.constraint.starts_with("drains") { "net growth over the year" } else { "backlog grows" };
        format!("not stable{year}: {what} {:.0} t/day (tolerance {:.0}){sure}", c.mean, c.limit)
    } else {
        format!("{} (mean {:.3}){sure}", c.constraint, c.mean)
    }
}

/// A criterion for every planning year when it names none (`year.<Y>.` keys as given).
pub(super) fn per_year(criteria: &[Criterion], years: &[i32], keys: &[String]) -> Vec<(usize, Criterion)> {
    criteria
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            let yearly = !years.is_empty()
                && !c.key.starts_with("year.")
                && keys.contains(&format!("year.{}.{}", years[0], c.key));
            if yearly {
                years.iter().map(|y| (i, Criterion { key: format!("year.{y}.{}", c.key), ..c.clone() })).collect()
            } else {
                vec![(i, c.clone())]
            }
        })
        .collect()
}

/// The candidates (as a set) whose paths the scenario's own enabled changes also
/// touch: for them the order of a `set` and an `add` matters, so their sets cannot be
/// screened with the candidates applied last.
pub(super) fn interacting(spec: &ScenarioSpec, ids: &[String]) -> u32 {
    let overlaps = |a: &str, b: &str| {
        let under =
            |x: &str, y: &str| x.len() > y.len() && x.starts_with(y) && matches!(x.as_bytes()[y.len()], b'.' | b'[');
        a == b || under(a, b) || under(b, a)
    };
    let changed: Vec<String> = spec
        .changes
        .values()
        .filter(|c| c.enabled)
        .flat_map(|c| c.set.keys().chain(c.scale.keys()).chain(c.add.keys()).cloned())
        .collect();
    ids.iter().enumerate().fold(0, |mask, (i, id)| {
        let touches = spec.candidate_paths(id).iter().any(|p| changed.iter().any(|q| overlaps(p, q)));
        if touches { mask | (1 << i) } else { mask }
    })
}
