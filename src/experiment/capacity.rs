//! Capacity search: the largest demand factor on tagged flows for which every
//! criterion holds and the corridor is stable.
//!
//! # The search
//!
//! A point is a demand factor `f` applied to the flows and arrivals carrying one of
//! the tags (all of them when no tag is given), on top of the variant. Each point runs
//! the same replications with the same seed: common random numbers, so neighbouring
//! points differ by the factor, not by luck, and the response is close to monotone.
//!
//! A point is **feasible** when the stability verdict is `stable` and every
//! criterion holds on the mean over replications. In a planning run the verdict is
//! every year's: the first year that is not stable decides (criteria read the last
//! year's KPIs unless they name a year, `year.<Y>.<key>`). The largest feasible factor is
//! found by bisection on `[0, max_factor]`: the scenario's own demand (`f = 1`)
//! first, then `max_factor` (if that holds, the answer is "at least `max_factor`"),
//! then halving the bracket between the largest feasible and the smallest infeasible
//! factor until it is narrower than the resolution.
//!
//! # Its confidence interval
//!
//! By test inversion. A point is **surely feasible** when, at 95 %, every criterion's
//! interval lies on the allowed side of its threshold and the backlog growth's
//! interval lies below the growth tolerance; **surely infeasible** when the variant
//! is significantly unstable (or saturated, or a flow starves) or some criterion's
//! interval lies wholly on the wrong side. The interval's lower end is the largest
//! factor found surely feasible, its upper end the smallest found surely
//! infeasible, each located by a further bisection between evaluated points. Every
//! factor in between is one the data cannot decide: the answer lies there with
//! about 95 % confidence (each end is a one-sided 97.5 % test at a point; the
//! response's monotonicity in the factor makes the ends bracket the answer).
//!
//! # Monotonicity
//!
//! Bisection assumes that a factor above one that fails fails too. Stability is
//! monotone (more demand is more load everywhere); a criterion need not be: transit
//! times can be long at low demand, when ships wait to fill. With criteria, the search
//! probes up to [`MONOTONICITY_PROBES`] factors spread above the interval's upper end
//! (until one is not stable); if any holds, the answer reports them as
//! `non_monotone` and gives no interval.
//!
//! # Bounds
//!
//! The largest factor is at most [`MAX_SEARCH_FACTOR`] and the resolution at least
//! [`MIN_RESOLUTION`], so a search takes a bounded number of points.
//!
//! The criterion that binds is the one violated at the smallest infeasible factor
//! above the answer (by the largest margin relative to its threshold, if several);
//! the resource that binds is that point's binding resource (highest ρ).

use super::stability::{Binding, Stability, Verdict};
use super::{Experiment, ExperimentError, VariantResult, nearest_keys};
use crate::model::{Network, kpi_keys};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// Which side of the threshold is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `KEY <= X`.
    AtMost,
    /// `KEY >= X`.
    AtLeast,
}

/// A criterion on a KPI's mean over replications, e.g. `port.baku.ship_wait_hours.p95 <= 24`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// The KPI key (`delivered_share` alone means `system.delivered_share`).
    pub key: String,
    /// The allowed side.
    pub comparison: Comparison,
    /// The threshold.
    pub threshold: f64,
}

/// Why a criterion cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CriterionError {
    /// Not of the form `KEY <= NUMBER` or `KEY >= NUMBER`.
    #[error(
        "cannot read criterion {text:?}: {reason}; write KEY <= NUMBER or KEY >= NUMBER, e.g. 'port.baku.ship_wait_hours.p95 <= 24'"
    )]
    Syntax {
        /// The text given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The KPI does not exist.
    #[error("criterion {text:?}: unknown KPI {key:?} (nearest: {})", nearest.join(", "))]
    UnknownKey {
        /// The criterion as given.
        text: String,
        /// The key.
        key: String,
        /// The nearest existing keys.
        nearest: Vec<String>,
    },
}

impl Criterion {
    /// Reads `KEY <= X` or `KEY >= X` (`<` and `>` read the same; spaces optional).
    ///
    /// # Errors
    /// [`CriterionError::Syntax`] for anything else.
    pub fn parse(text: &str) -> Result<Criterion, CriterionError> {
        let fail = |reason: &str| CriterionError::Syntax { text: text.to_string(), reason: reason.to_string() };
        let at = text.find(['<', '>']).ok_or_else(|| fail("no <= or >="))?;
        let comparison = if text[at..].starts_with('<') { Comparison::AtMost } else { Comparison::AtLeast };
        let rest = text[at + 1..].strip_prefix('=').unwrap_or(&text[at + 1..]);
        let key = text[..at].trim();
        if key.is_empty() {
            return Err(fail("no KPI before the comparison"));
        }
        if key.chars().any(char::is_whitespace) || rest.contains(['<', '>', '=']) {
            return Err(fail("more than one comparison, or spaces inside the KPI"));
        }
        let threshold: f64 = rest.trim().parse().map_err(|_| fail(&format!("{:?} is not a number", rest.trim())))?;
        if !threshold.is_finite() {
            return Err(fail("the threshold must be a finite number"));
        }
        let key = if key == "delivered_share" { "system.delivered_share".to_string() } else { key.to_string() };
        Ok(Criterion { key, comparison, threshold })
    }

    /// Checks the key against the KPI keys a run produces.
    ///
    /// # Errors
    /// [`CriterionError::UnknownKey`] naming the nearest keys.
    pub fn check_key(&self, keys: &[String]) -> Result<(), CriterionError> {
        if keys.contains(&self.key) {
            Ok(())
        } else {
            Err(CriterionError::UnknownKey {
                text: self.to_string(),
                key: self.key.clone(),
                nearest: nearest_keys(&self.key, keys, 5),
            })
        }
    }

    /// Whether `value` is on the allowed side.
    pub fn holds(&self, value: f64) -> bool {
        match self.comparison {
            Comparison::AtMost => value <= self.threshold,
            Comparison::AtLeast => value >= self.threshold,
        }
    }

    /// How far `value` is past the threshold, relative to it (0 when it holds).
    fn violation(&self, value: f64) -> f64 {
        let past = match self.comparison {
            Comparison::AtMost => value - self.threshold,
            Comparison::AtLeast => self.threshold - value,
        };
        past.max(0.0) / self.threshold.abs().max(1e-9)
    }
}

impl std::fmt::Display for Criterion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = match self.comparison {
            Comparison::AtMost => "<=",
            Comparison::AtLeast => ">=",
        };
        write!(f, "{} {op} {}", self.key, self.threshold)
    }
}

/// A criterion's value at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionValue {
    /// The criterion, as text.
    pub criterion: String,
    /// The KPI's mean over replications (NaN when no replication finished).
    pub mean: f64,
    /// Its 95 % interval.
    pub ci95: [f64; 2],
    /// Whether the mean is on the allowed side.
    pub holds: bool,
    /// Whether the whole interval is.
    pub surely_holds: bool,
    /// Whether the whole interval is on the wrong side.
    pub surely_fails: bool,
}

impl CriterionValue {
    /// The criterion's value from the summary of its KPI (`None`: no replication
    /// finished, so it fails).
    pub(crate) fn of(c: &Criterion, summary: Option<&crate::stats::Summary>) -> CriterionValue {
        let (mean, ci95) = summary.map_or((f64::NAN, [f64::NAN; 2]), |s| (s.mean, s.ci95));
        CriterionValue {
            criterion: c.to_string(),
            mean,
            ci95,
            holds: mean.is_finite() && c.holds(mean),
            surely_holds: ci95.iter().all(|x| x.is_finite() && c.holds(*x)),
            surely_fails: !mean.is_finite() || ci95.iter().all(|x| !c.holds(*x)),
        }
    }
}

/// One evaluated demand factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The demand factor on the tagged flows.
    pub factor: f64,
    /// The stability verdict and its evidence.
    pub stability: Stability,
    /// Every criterion's value.
    pub criteria: Vec<CriterionValue>,
    /// Stable, and every criterion holds on the mean.
    pub feasible: bool,
    /// Feasible at 95 % (see the module documentation).
    pub surely_feasible: bool,
    /// Infeasible at 95 %.
    pub surely_infeasible: bool,
}

/// Whether a verdict is stable at 95 %: stable, every flow too, and the backlog
/// growth's whole interval within the tolerance.
fn surely_stable(s: &Stability) -> bool {
    let growth_hi = s.growth.ci95.map_or(f64::INFINITY, |c| c[1]);
    s.verdict == Verdict::Stable && s.flows.iter().all(|f| !f.unstable) && growth_hi <= s.tolerance_tonnes_per_day
}

impl Evaluation {
    fn of(factor: f64, v: &VariantResult, criteria: &[Criterion]) -> Evaluation {
        // A planning run must be stable in every year: the first year not stable is
        // reported, and "surely" holds only when it holds in every year.
        let stability = v.stability_over_years();
        let values: Vec<CriterionValue> =
            criteria.iter().map(|c| CriterionValue::of(c, v.summary(&c.key).as_ref())).collect();
        let every_year: Vec<Stability> = match v.years().as_slice() {
            [] => vec![stability.clone()],
            years => years.iter().filter_map(|y| v.year(*y)).map(|year| year.stability()).collect(),
        };
        let surely_stable = every_year.iter().all(surely_stable);
        let surely_unstable = every_year.iter().any(|s| matches!(s.verdict, Verdict::Unstable | Verdict::Saturated));
        Evaluation {
            factor,
            feasible: stability.verdict == Verdict::Stable && values.iter().all(|c| c.holds),
            surely_feasible: surely_stable && values.iter().all(|c| c.surely_holds),
            surely_infeasible: surely_unstable || values.iter().any(|c| c.surely_fails),
            stability,
            criteria: values,
        }
    }

    /// What fails here, with its margin relative to the threshold (or tolerance).
    fn failures(&self, criteria: &[Criterion]) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        if self.stability.verdict != Verdict::Stable {
            let s = &self.stability;
            let margin = if s.tolerance_tonnes_per_day > 0.0 {
                (s.growth.mean - s.tolerance_tonnes_per_day) / s.tolerance_tonnes_per_day
            } else {
                1.0
            };
            out.push(("stability".to_string(), margin.max(1e-9)));
        }
        for (value, criterion) in self.criteria.iter().zip(criteria) {
            if !value.holds {
                let margin = if value.mean.is_finite() { criterion.violation(value.mean) } else { f64::INFINITY };
                out.push((value.criterion.clone(), margin));
            }
        }
        out
    }
}

/// How to search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacitySearch {
    /// Flows and arrivals whose demand is scaled (by tag); empty: all of them.
    pub tags: Vec<String>,
    /// The criteria, besides stability.
    pub criteria: Vec<Criterion>,
    /// The largest factor tried.
    pub max_factor: f64,
    /// The search stops when the bracket is narrower than this.
    pub resolution: f64,
}

use crate::scenario::messages::figure;

impl CapacitySearch {
    /// A search over `tags` with these criteria, up to ×3, to 0.01.
    pub fn new(tags: Vec<String>, criteria: Vec<Criterion>) -> CapacitySearch {
        CapacitySearch { tags, criteria, max_factor: 3.0, resolution: 0.01 }
    }

    /// Checks that every tag is carried by some flow or arrival stream of `scenario`.
    ///
    /// # Errors
    /// [`CapacityError::Settings`] naming the tag and the scenario's tags.
    pub fn check_tags(&self, scenario: &Scenario) -> Result<(), CapacityError> {
        let known = scenario.base().demand_tags();
        match self.tags.iter().find(|t| !known.contains(t.as_str())) {
            Some(t) => Err(CapacityError::Settings(format!(
                "no flow or arrival stream is tagged {t:?}; tags in this scenario: {}",
                known.into_iter().collect::<Vec<_>>().join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// Checks every criterion's key against `keys`, the KPI keys a run produces.
    ///
    /// # Errors
    /// [`CapacityError::Criterion`] for the first unknown key, naming the nearest.
    pub fn check_criteria(&self, keys: &[String]) -> Result<(), CapacityError> {
        for c in &self.criteria {
            c.check_key(keys)?;
        }
        Ok(())
    }

    /// Checks the settings: a largest factor above 0 and at most
    /// [`MAX_SEARCH_FACTOR`], a resolution from [`MIN_RESOLUTION`] to that factor.
    ///
    /// # Errors
    /// [`CapacityError::Settings`], naming the setting, its value and the range.
    pub fn check(&self) -> Result<(), CapacityError> {
        if !(self.max_factor.is_finite() && self.max_factor > 0.0 && self.max_factor <= MAX_SEARCH_FACTOR) {
            return Err(CapacityError::Settings(format!(
                "--max-factor: {} is out of range (valid: a factor > 0 and <= {MAX_SEARCH_FACTOR})",
                figure(self.max_factor)
            )));
        }
        if !(self.resolution.is_finite() && self.resolution >= MIN_RESOLUTION && self.resolution <= self.max_factor) {
            return Err(CapacityError::Settings(format!(
                "--resolution: {} is out of range (valid: from {MIN_RESOLUTION} to the largest factor, {})",
                figure(self.resolution),
                self.max_factor
            )));
        }
        Ok(())
    }
}

/// The largest demand factor a capacity search may try (as growth factors are capped).
pub const MAX_SEARCH_FACTOR: f64 = 1000.0;

/// The finest resolution of a capacity search: below this the factor is noise, and
/// the bisection's steps (at most log2(1000 / 0.0001) ≈ 24) stay few.
pub const MIN_RESOLUTION: f64 = 1e-4;

/// Points probed above the answer to check that the criteria do not hold again at a
/// higher demand (the bisection assumes they do not), at most.
pub const MONOTONICITY_PROBES: usize = 8;

/// The answer for one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityAnswer {
    /// The variant.
    pub variant: String,
    /// The largest feasible factor found (0 when not even the smallest is).
    pub factor: f64,
    /// Its 95 % interval (see the module documentation); `None` when the criteria
    /// are not monotone in the factor (see [`CapacityAnswer::non_monotone`]), where no
    /// interval can be trusted.
    pub ci95: Option<[f64; 2]>,
    /// Factors above the answer, past one that surely fails, at which every criterion
    /// holds again: the response is not monotone in the factor, and the bisection's
    /// answer is only the edge of the lowest feasible range.
    pub non_monotone: Vec<f64>,
    /// Whether `max_factor` itself was feasible (the answer is then "at least").
    pub at_least: bool,
    /// What fails first above the answer: `stability` or a criterion.
    pub binding_criterion: Option<String>,
    /// The smallest factor evaluated above the answer that fails.
    pub breaking_factor: Option<f64>,
    /// The stability verdict there, in a sentence.
    pub breaking_summary: Option<String>,
    /// The binding resource at the smallest infeasible factor above the answer.
    pub binding_resource: Option<Binding>,
    /// Every evaluated point, by factor.
    pub evaluations: Vec<Evaluation>,
    /// Replications at each point.
    pub replications: u64,
}

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum CapacityError {
    /// A criterion is unusable.
    #[error(transparent)]
    Criterion(#[from] CriterionError),
    /// The variant or a scaled scenario is not valid.
    #[error("{0}")]
    Scenario(String),
    /// Settings out of range.
    #[error("{0}")]
    Settings(String),
    /// The experiment failed.
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    /// The experiment's interrupt flag was set: the search stopped without an answer.
    #[error("interrupted: the capacity search stopped without an answer")]
    Interrupted,
}

/// Hears of every evaluated point: the variant and the evaluation.
pub type PointProgress<'a> = &'a dyn Fn(&str, &Evaluation);

/// Runs the search on `variant` with the replications, seed and threads of `experiment`.
/// `progress` hears of every point as it is evaluated.
///
/// # Errors
/// See [`CapacityError`].
pub fn search(
    scenario: &Scenario,
    variant: &str,
    search: &CapacitySearch,
    experiment: &Experiment,
    progress: Option<PointProgress<'_>>,
) -> Result<CapacityAnswer, CapacityError> {
    search.check()?;
    search.check_tags(scenario)?;
    let compile = |factor: f64| -> Result<Network, CapacityError> {
        let spec = scenario
            .with_demand_factor(variant, factor, &search.tags)
            .map_err(|e| CapacityError::Scenario(e.to_string()))?;
        Network::compile(&spec).map_err(|e| CapacityError::Scenario(e.to_string()))
    };
    search.check_criteria(&kpi_keys(&compile(1.0)?))?;
    let mut evaluations: Vec<Evaluation> = Vec::new();
    let evaluate = |factor: f64, evaluations: &mut Vec<Evaluation>| -> Result<bool, CapacityError> {
        if let Some(e) = evaluations.iter().find(|e| e.factor == factor) {
            return Ok(e.feasible);
        }
        let network = compile(factor)?;
        let label = format!("{variant} ×{factor:.3}");
        let result = experiment.run_networks(&label, vec![(label.clone(), network)], None);
        if result.interrupted {
            return Err(CapacityError::Interrupted);
        }
        let evaluation = Evaluation::of(factor, &result.variants[0], &search.criteria);
        if let Some(p) = progress {
            p(variant, &evaluation);
        }
        let feasible = evaluation.feasible;
        evaluations.push(evaluation);
        Ok(feasible)
    };

    // The largest feasible factor, by bisection.
    let (mut lo, mut hi) = (0.0, search.max_factor);
    let mut at_least = false;
    let first = 1.0_f64.min(search.max_factor);
    if evaluate(first, &mut evaluations)? {
        lo = first;
        if evaluate(search.max_factor, &mut evaluations)? {
            lo = search.max_factor;
            at_least = true;
        }
    } else {
        hi = first;
    }
    if !at_least {
        while hi - lo > search.resolution {
            let mid = (lo + hi) / 2.0;
            if evaluate(mid, &mut evaluations)? {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }
    let answer = lo;

    // The interval, by test inversion (see the module documentation).
    let step = 2.0 * search.resolution;
    let sorted = |evaluations: &Vec<Evaluation>| {
        let mut e: Vec<(f64, bool, bool)> =
            evaluations.iter().map(|e| (e.factor, e.surely_feasible, e.surely_infeasible)).collect();
        e.sort_by(|a, b| a.0.total_cmp(&b.0));
        e
    };
    let lower = loop {
        let points = sorted(&evaluations);
        let a = points.iter().filter(|p| p.0 <= answer && p.1).map(|p| p.0).fold(0.0, f64::max);
        let b = points.iter().filter(|p| p.0 > a && !p.1).map(|p| p.0).fold(f64::INFINITY, f64::min);
        if !b.is_finite() || b - a <= step || a >= answer {
            break a;
        }
        evaluate((a + b) / 2.0, &mut evaluations)?;
    };
    let upper = loop {
        let points = sorted(&evaluations);
        let c = points.iter().filter(|p| p.0 >= answer && p.2).map(|p| p.0).fold(f64::INFINITY, f64::min);
        if !c.is_finite() {
            break search.max_factor;
        }
        let d = points.iter().filter(|p| p.0 < c && !p.2).map(|p| p.0).fold(answer, f64::max);
        if c - d <= step {
            break c;
        }
        evaluate((c + d) / 2.0, &mut evaluations)?;
    };
    // The bisection assumes a point above one that fails fails too. That holds for
    // stability (more demand is more load on every resource), not for every criterion
    // (transit times are long at low demand when ships wait to fill). With criteria,
    // probe above the interval's upper end, going up until a point is not stable: a
    // point that holds there means the criteria are not monotone in the factor, and
    // no interval is given.
    let fails_surely = upper.min(search.max_factor);
    let mut non_monotone = Vec::new();
    if !search.criteria.is_empty() {
        for i in 1..=MONOTONICITY_PROBES {
            let f = fails_surely + (search.max_factor - fails_surely) * i as f64 / MONOTONICITY_PROBES as f64;
            if f <= fails_surely + search.resolution {
                continue;
            }
            if evaluate(f, &mut evaluations)? {
                non_monotone.push(f);
            } else if evaluations.iter().any(|e| e.factor == f && e.stability.verdict != Verdict::Stable) {
                break;
            }
        }
    }
    evaluations.sort_by(|a, b| a.factor.total_cmp(&b.factor));
    let breaking = evaluations.iter().find(|e| e.factor > answer && !e.feasible);
    let binding_criterion = breaking.and_then(|e| {
        e.failures(&search.criteria).into_iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(what, _)| what)
    });
    let binding_resource = breaking.and_then(|e| e.stability.binding.clone());
    Ok(CapacityAnswer {
        variant: variant.to_string(),
        factor: answer,
        ci95: non_monotone.is_empty().then_some([lower.min(answer), upper.max(answer)]),
        non_monotone,
        at_least,
        binding_criterion,
        binding_resource,
        breaking_factor: breaking.map(|e| e.factor),
        breaking_summary: breaking.map(|e| e.stability.summary.clone()),
        evaluations,
        replications: experiment.replications,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Record;

    /// A two-year planning result: one flow of 1,000 t a day over 365 days a year,
    /// whose backlog grows by `growth[year][replication]` t/day.
    fn two_years(growth: [&[f64]; 2]) -> VariantResult {
        let names = [
            "flow.f.generated_tonnes",
            "flow.f.delivered_share",
            "flow.f.backlog_growth_tonnes_per_day",
            "system.generated_tonnes",
            "system.delivered_tonnes",
            "system.delivered_share",
            "system.backlog_growth_tonnes_per_day",
            "system.measured_days",
            "system.completed",
        ];
        let keys: Vec<String> =
            [2025, 2026].iter().flat_map(|y| names.iter().map(move |k| format!("year.{y}.{k}"))).collect();
        let records = (0..growth[0].len())
            .map(|r| Record {
                replication: r as u64,
                values: (0..2)
                    .flat_map(|y| {
                        let g = growth[y][r];
                        [365_000.0, 1.0, g, 365_000.0, 365_000.0, 1.0, g, 365.0, 1.0]
                    })
                    .collect(),
                bottleneck: String::new(),
                longest_wait: String::new(),
                saturation: None,
            })
            .collect();
        VariantResult { name: "v".into(), keys, records, capacity: None, years_capacity: Vec::new(), trace: None }
    }

    #[test]
    fn surely_feasible_needs_every_year_surely_stable() {
        // Tolerance 10 t/day. 2025: stable on the mean, but the interval reaches past
        // the tolerance; 2026: surely stable.
        let v = two_years([&[-20.0, 25.0, 0.0, 20.0, -5.0], &[0.0, 1.0, -1.0, 0.5, 0.0]]);
        let e = Evaluation::of(1.0, &v, &[]);
        assert!(e.feasible && !e.surely_feasible && !e.surely_infeasible, "{e:?}");
        let sure = two_years([&[0.0, 1.0, -1.0, 0.5, 0.0], &[0.0, 1.0, -1.0, 0.5, 0.0]]);
        assert!(Evaluation::of(1.0, &sure, &[]).surely_feasible);
        // A year significantly unstable makes the point surely infeasible, whichever.
        let early = two_years([&[30.0, 32.0, 29.0, 31.0, 33.0], &[0.0, 1.0, -1.0, 0.5, 0.0]]);
        assert!(Evaluation::of(1.0, &early, &[]).surely_infeasible);
    }

    #[test]
    fn settings_are_bounded_and_named() {
        let mut s = CapacitySearch::new(Vec::new(), Vec::new());
        assert!(s.check().is_ok());
        for (max, resolution, words) in [
            (3.0, 1e-16, "--resolution: 1e-16 is out of range"),
            (1e308, 0.01, "--max-factor: 1e308 is out of range (valid: a factor > 0 and <= 1000)"),
            (3.0, 1e-300, "--resolution"),
            (3.0, 4.0, "--resolution: 4 is out of range (valid: from 0.0001 to the largest factor, 3)"),
            (1e308, 0.01, "--max-factor"),
            (-1.0, 0.01, "--max-factor: -1 is out of range (valid: a factor > 0 and <= 1000)"),
            (f64::NAN, 0.01, "--max-factor"),
        ] {
            s.max_factor = max;
            s.resolution = resolution;
            let e = s.check().unwrap_err().to_string();
            assert!(e.contains(words), "{max} {resolution}: {e}");
        }
    }

    #[test]
    fn criteria_read_both_ways_and_reject_nonsense() {
        let c = Criterion::parse("port.baku.ship_wait_hours.p95 <= 24").unwrap();
        assert_eq!(
            (c.key.as_str(), c.comparison, c.threshold),
            ("port.baku.ship_wait_hours.p95", Comparison::AtMost, 24.0)
        );
        let d = Criterion::parse("delivered_share>=0.99").unwrap();
        assert_eq!((d.key.as_str(), d.comparison, d.threshold), ("system.delivered_share", Comparison::AtLeast, 0.99));
        assert!(c.holds(24.0) && !c.holds(24.1) && d.holds(1.0) && !d.holds(0.9));
        for bad in ["x = 3", "<= 3", "x <= y", "x <= 3 <= 4", "x <= inf", "a b <= 3", "x <="] {
            assert!(matches!(Criterion::parse(bad), Err(CriterionError::Syntax { .. })), "{bad} was accepted");
        }
        let keys = vec!["port.baku.ship_wait_hours.p95".to_string(), "port.baku.ship_wait_hours.mean".to_string()];
        let e = Criterion::parse("port.baku.ship_wait_hour.p95 <= 3").unwrap().check_key(&keys).unwrap_err();
        assert!(e.to_string().contains("nearest: port.baku.ship_wait_hours.p95"), "{e}");
        assert!((Criterion::parse("x <= 10").unwrap().violation(12.0) - 0.2).abs() < 1e-12);
    }
}
