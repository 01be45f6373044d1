//! The searcher of the plan search: the candidates, years and criteria of one
//! scenario, each plan's capacity bound, the sequential call of a simulated plan, the
//! failures learned and the partial plans they rule out. [`super::search`] walks the
//! plans in cost order with one searcher; [`super::robust`] with one per input
//! scenario.

use super::constraints::*;
use super::{ConstraintValue, Days, Plan, PlanError, PlanEvaluation, PlanSearch, PlannedUpgrade, STABILITY_ZONE};
use super::{entry_day, present_cost};
use crate::experiment::capacity::{Comparison, Criterion};
use crate::experiment::feasibility::{Call, looks};
use crate::experiment::plan_space::Space;
use crate::experiment::selection::{Sampled, SimulatedPlan};
use crate::experiment::{Experiment, VariantResult};
use crate::model::{Network, kpi_keys};
use crate::scenario::limits::MAX_CANDIDATES;
use crate::scenario::{DAYS_PER_YEAR, ScenarioSpec};
use crate::stats::Summary;

/// A failed plan: its days, the end of the year up to which it failed (significantly
/// or for certain), and which simulated plan it is (`None`: ruled out by its bound).
pub(super) struct Failed {
    pub(super) days: Days,
    pub(super) until: f64,
    pub(super) year: Option<i32>,
    pub(super) by: Option<usize>,
}

/// The searcher's state.
pub(super) struct Searcher<'a> {
    pub(super) spec: &'a ScenarioSpec,
    pub(super) search: &'a PlanSearch,
    pub(super) experiment: &'a Experiment,
    pub(super) ids: Vec<String>,
    pub(super) years: Vec<i32>,
    /// The criteria per year, with the index of the criterion given.
    pub(super) criteria: Vec<(usize, Criterion)>,
    /// Candidates whose paths the scenario's own enabled changes also touch.
    pub(super) interacting: u32,
    pub(super) failures: Vec<Failed>,
    pub(super) replications_run: u64,
    /// Runs of plans up to a year only, to learn failures.
    pub(super) prefix_runs: u64,
    /// Replication-years simulated for plans, and for learning failures.
    pub(super) full_years: f64,
    pub(super) prefix_years: f64,
    /// Replication states kept at years' closes, for plans that share them.
    pub(super) shared: crate::experiment::shared_years::SharedYears,
}

impl<'a> Searcher<'a> {
    /// A searcher of `spec`'s candidates: the criteria checked against its KPI keys
    /// and spread over the planning years.
    pub(super) fn new(
        spec: &'a ScenarioSpec,
        search: &'a PlanSearch,
        experiment: &'a Experiment,
    ) -> Result<Self, PlanError> {
        let ids: Vec<String> = spec.candidates.keys().cloned().collect();
        if ids.len() > MAX_CANDIDATES {
            return Err(PlanError::Settings(format!(
                "{} candidates: the plan search takes at most {MAX_CANDIDATES} (it works through every set of them); leave some out, or join those that go together",
                ids.len()
            )));
        }
        let mut searcher = Searcher {
            spec,
            search,
            experiment,
            interacting: interacting(spec, &ids),
            ids,
            years: spec.planning.as_ref().map(|p| p.calendar()).unwrap_or_default(),
            criteria: Vec::new(),
            failures: Vec::new(),
            replications_run: 0,
            prefix_runs: 0,
            full_years: 0.0,
            prefix_years: 0.0,
            shared: crate::experiment::shared_years::SharedYears::new(
                spec.planning.as_ref().map_or(1, |p| p.years as usize),
                crate::experiment::shared_years::DEFAULT_BUDGET,
                search.share_years,
            ),
        };
        let keys = kpi_keys(&searcher.compile(&[])?);
        for c in &search.criteria {
            c.check_key(&keys)?;
        }
        let from = search.criteria_from.unwrap_or(i32::MIN);
        if let (Some(y), Some(last)) = (search.criteria_from, searcher.years.last())
            && !searcher.years.contains(&y)
        {
            return Err(PlanError::Settings(format!(
                "--criteria-from: {y} is not a planning year (the planning years are {}–{last})",
                searcher.years[0]
            )));
        }
        let years: Vec<i32> = searcher.years.iter().copied().filter(|y| *y >= from).collect();
        searcher.criteria = per_year(&search.criteria, &years, &keys);
        Ok(searcher)
    }

    pub(super) fn horizon_end(&self) -> f64 {
        self.spec.planning.as_ref().map_or(f64::INFINITY, |p| f64::from(p.years) * DAYS_PER_YEAR)
    }

    /// Planning years (1 without planning).
    pub(super) fn layers(&self) -> usize {
        self.years.len().max(1)
    }

    /// The end of the year `year` fails in, in days (the horizon without planning).
    pub(super) fn until(&self, year: Option<i32>) -> f64 {
        match (year, self.years.first()) {
            (Some(y), Some(first)) => (f64::from(y - first + 1) * DAYS_PER_YEAR).min(self.horizon_end()),
            _ => self.horizon_end(),
        }
    }

    /// The candidates in a set.
    pub(super) fn members(&self, mask: u32) -> impl Iterator<Item = usize> + '_ {
        (0..self.ids.len()).filter(move |c| mask & (1 << c) != 0)
    }

    /// The days of a chain of sets: each candidate enters in the first year it is in.
    pub(super) fn days_of(&self, chain: &[u32]) -> Days {
        (0..self.ids.len())
            .map(|c| {
                let k = chain.iter().position(|m| m & (1 << c) != 0)?;
                entry_day(self.spec, &self.ids[c], k)
            })
            .collect()
    }

    pub(super) fn plan_of(&self, days: &Days) -> Plan {
        let mut upgrades: Vec<(f64, PlannedUpgrade)> = self
            .ids
            .iter()
            .zip(days)
            .filter_map(|(id, day)| {
                let day = (*day)?;
                let date = self.spec.planning.as_ref().map(|_| self.spec.date_at(day));
                let upgrade = PlannedUpgrade {
                    id: id.clone(),
                    name: self.spec.candidate_name(id),
                    date,
                    cost: present_cost(self.spec, id, day),
                };
                Some((day, upgrade))
            })
            .collect();
        upgrades.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let cost = upgrades.iter().map(|(_, u)| u.cost).sum();
        Plan { upgrades: upgrades.into_iter().map(|(_, u)| u).collect(), cost }
    }

    /// Whether a set keeps `requires` and `excludes`.
    pub(super) fn keeps_rules(&self, mask: u32) -> bool {
        let bit = |other: &String| self.ids.iter().position(|i| i == other).map(|j| 1u32 << j);
        self.members(mask).all(|c| {
            let spec = &self.spec.candidates[&self.ids[c]];
            spec.excludes.iter().filter_map(bit).all(|b| mask & b == 0)
                && spec.requires.iter().filter_map(bit).all(|b| mask & b != 0)
        })
    }

    /// The capacity bound of each year with the candidates of `mask` in service all
    /// year, applied after the scenario's own changes (valid for sets that touch
    /// nothing those touch: see the module documentation).
    pub(super) fn sheet(&self, mask: u32) -> Result<Vec<crate::model::RhoBound>, PlanError> {
        let plan: Vec<(String, f64)> = self.members(mask).map(|c| (self.ids[c].clone(), 0.0)).collect();
        Ok(bounds(&self.compile(&plan)?))
    }

    /// Which sets pass the capacity bound in each year, and how many sets' bounds
    /// were worked out. Sets are taken by size; a set passes in a year without its own
    /// bound when the set less one candidate passes (more capacity never raises it),
    /// and a set with a candidate that interacts with the scenario's own changes passes
    /// (its plans are checked one by one). Sets that break the rules are never worked out.
    pub(super) fn sheet_table(&self) -> Result<(Vec<Vec<bool>>, u64), PlanError> {
        self.experiment.on_threads(|| self.sheets_by_size()).0
    }

    /// [`Searcher::sheet_table`], on the current thread pool.
    pub(super) fn sheets_by_size(&self) -> Result<(Vec<Vec<bool>>, u64), PlanError> {
        use rayon::prelude::*;
        let n = self.ids.len();
        let layers = self.layers();
        let mut passes = vec![vec![false; 1 << n]; layers];
        let mut worked_out = 0;
        for size in 0..=n as u32 {
            let mut todo = Vec::new();
            for mask in (0..1u32 << n).filter(|m| m.count_ones() == size) {
                let unknown = mask & self.interacting != 0;
                let inferred: Vec<bool> = (0..layers)
                    .map(|k| unknown || self.members(mask).any(|c| passes[k][(mask & !(1 << c)) as usize]))
                    .collect();
                for (k, p) in inferred.iter().enumerate() {
                    passes[k][mask as usize] = *p;
                }
                if !inferred.iter().all(|p| *p) && self.keeps_rules(mask) {
                    todo.push(mask);
                }
            }
            let sheets: Vec<_> = todo.par_iter().map(|&m| self.sheet(m)).collect();
            for (mask, sheet) in todo.iter().zip(sheets) {
                worked_out += 1;
                for (k, bound) in sheet?.iter().enumerate().take(layers) {
                    passes[k][*mask as usize] |= !bound.overloaded();
                }
            }
        }
        Ok((passes, worked_out))
    }

    /// Why no plan passes the capacity bound: what binds with every candidate in
    /// service (skipping, in file order, any that another one already in excludes).
    pub(super) fn why_nothing_passes(&self) -> Result<String, PlanError> {
        Ok(match self.overloaded_with_every_candidate()? {
            Some(what) => format!(
                "no plan passes the capacity bound: even with every candidate in service from the start, {what} whatever the split of the cargo; add a candidate that relieves it"
            ),
            None => "no plan passes the capacity bound in time: candidates come into service too late (see their earliest dates)".to_string(),
        })
    }

    /// With every candidate in service from the start (skipping, in file order, any
    /// that another one already in excludes), the first year's resource whose capacity
    /// bound is still overloaded, in words ("in 2030, ..."), or `None`.
    pub(super) fn overloaded_with_every_candidate(&self) -> Result<Option<String>, PlanError> {
        let all = (0..self.ids.len()).fold(0u32, |m, c| {
            let clashes = self.members(m).any(|other| {
                let excludes = |a: usize, b: usize| self.spec.candidates[&self.ids[a]].excludes.contains(&self.ids[b]);
                excludes(other, c) || excludes(c, other)
            });
            if clashes { m } else { m | (1 << c) }
        });
        let sheet = self.sheet(all)?;
        let year = |k: usize| self.years.get(k).map_or(String::new(), |y| format!("in {y}, "));
        Ok(sheet.iter().enumerate().find(|(_, b)| b.overloaded()).map(|(k, b)| format!("{}{}", year(k), b.describe())))
    }

    /// The space of plans: costs by entry year, and the sets allowed each year.
    pub(super) fn space(&self, passes: &[Vec<bool>]) -> Space {
        let layers = self.layers();
        let cost: Vec<Vec<f64>> = self
            .ids
            .iter()
            .map(|id| {
                (0..layers)
                    .map(|k| entry_day(self.spec, id, k).map_or(f64::INFINITY, |d| present_cost(self.spec, id, d)))
                    .collect()
            })
            .collect();
        let allowed = (0..layers)
            .map(|k| (0..1u32 << self.ids.len()).map(|m| passes[k][m as usize] && self.keeps_rules(m)).collect())
            .collect();
        // `requires` holds by the day: a candidate enters in the same year as one it
        // requires only if that one enters no later in the year.
        let later = (0..layers)
            .map(|k| {
                (0..self.ids.len())
                    .map(|c| {
                        let day = |id: &str| entry_day(self.spec, id, k);
                        let own = day(&self.ids[c]);
                        self.spec.candidates[&self.ids[c]]
                            .requires
                            .iter()
                            .filter_map(|r| self.ids.iter().position(|i| i == r))
                            .filter(|&r| matches!((day(&self.ids[r]), own), (Some(a), Some(b)) if a > b))
                            .fold(0u32, |m, r| m | (1 << r))
                    })
                    .collect()
            })
            .collect();
        Space::new(cost, allowed, later)
    }

    /// The failure that rules out a plan whose candidates enter on `days` (`None`:
    /// not built) up to day `known` (the rest is not decided yet): one that had at
    /// least as much capacity up to the end of its failing year, no later than `known`.
    pub(super) fn ruled_out_by_failure(&self, days: &Days, known: f64) -> Option<usize> {
        self.failures.iter().position(|failed| {
            failed.until <= known
                && days.iter().zip(&failed.days).all(|(d, f)| match d {
                    Some(d) if *d < failed.until => f.is_some_and(|f| f <= *d),
                    _ => true,
                })
        })
    }

    /// The network of the plan whose candidates enter on `days` (`None`: not built).
    pub(super) fn compile_days(&self, days: &Days) -> Result<Network, PlanError> {
        let entries: Vec<(String, f64)> =
            self.ids.iter().zip(days).filter_map(|(id, d)| Some((id.clone(), (*d)?))).collect();
        self.compile(&entries)
    }

    pub(super) fn compile(&self, plan: &[(String, f64)]) -> Result<Network, PlanError> {
        let spec = self
            .spec
            .with_plan(plan)
            .map_err(|p| PlanError::Scenario(format!("candidate {}: {}", p.change, p.message)))?;
        Network::compile(&spec).map_err(|e| PlanError::Scenario(format!("plan {plan:?}: {e}")))
    }

    /// The constraints of a simulated plan, each with its values per replication, and
    /// the first year a replication hit a cap in (a certain failure).
    pub(super) fn samples(
        &self,
        v: &VariantResult,
        up_to: Option<i32>,
    ) -> (Vec<(ConstraintText, Sampled)>, Option<Option<i32>>) {
        let mut out = Vec::new();
        let mut capped: Option<Option<i32>> = None;
        let within = |y: &i32| up_to.is_none_or(|last| *y <= last);
        let years: Vec<(Option<i32>, VariantResult)> = if self.years.is_empty() {
            vec![(None, v.clone())]
        } else {
            self.years.iter().filter(|y| within(y)).filter_map(|y| Some((Some(*y), v.year(*y)?))).collect()
        };
        for (year, result) in &years {
            if capped.is_none() && result.records.iter().any(|r| r.saturation.is_some()) {
                capped = Some(*year);
            }
            let tolerance = result.growth_tolerance();
            let name = |what: &str| year.map_or(what.to_string(), |y| format!("{what} in {y}"));
            let growth = result.values("system.backlog_growth_tonnes_per_day").unwrap_or_default();
            out.push((
                ConstraintText { text: name("stable"), criterion: None },
                Sampled { values: growth, limit: tolerance, at_most: true, zone: STABILITY_ZONE, year: *year },
            ));
            if let Some(net) = result.net_growth() {
                out.push((
                    ConstraintText { text: name("drains"), criterion: None },
                    Sampled { values: net, limit: tolerance, at_most: true, zone: STABILITY_ZONE, year: *year },
                ));
            }
        }
        for (source, c) in &self.criteria {
            let year = c.key.strip_prefix("year.").and_then(|k| k.split('.').next()?.parse::<i32>().ok());
            if year.is_some_and(|y| !within(&y)) {
                continue;
            }
            out.push((
                ConstraintText { text: c.to_string(), criterion: Some(*source) },
                Sampled {
                    values: v.values(&c.key).unwrap_or_default(),
                    limit: c.threshold,
                    at_most: c.comparison == Comparison::AtMost,
                    zone: self.search.guarantee.tolerance,
                    year,
                },
            ));
        }
        (out, capped)
    }

    /// Runs the sequential procedure of the module documentation on `network`, over
    /// every year or only up to planning year `up_to` (the run then stops at that
    /// year's end: the years before are exactly those of the whole run, by common
    /// random numbers). Stops as soon as a constraint fails, or every constraint holds
    /// with at least `confirm` replications, or at the last look. A run up to a year,
    /// which only asks whether something fails, also stops when nothing fails on its
    /// mean, and at `confirm` replications.
    ///
    /// Every replication runs to the end of its years even when an earlier year
    /// already fails: the later years' states are what later plans resume from (see
    /// `shared_years`). Stopping a look at its failing year was tried, and made the
    /// README's search slower (415 s against 318 s to its 80th plan).
    pub(super) fn check(
        &mut self,
        label: &str,
        days: &Days,
        network: Network,
        up_to: Option<usize>,
        confirm: u64,
    ) -> Checked {
        let upgrades = self.shared.upgrades_by_close(days);
        let shared = &self.shared;
        let stop_after = up_to.map(|k| k + 1);
        let replicate = |_: usize, net: &Network, seed: u64, r: u64| shared.run(net, seed, r, &upgrades, stop_after);
        let last_year = up_to.and_then(|k| self.years.get(k).copied());
        let networks = vec![(label.to_string(), network)];
        let search = self.search;
        let looks = looks(search.screen_replications, search.max_replications);
        // The looks are fixed in advance (the error is spread over all of them) even
        // when a run up to a year stops before the last.
        let stop_at = if up_to.is_some() { confirm.min(search.max_replications) } else { search.max_replications };
        let mut n = looks[0];
        let mut runs = self
            .experiment
            .clone()
            .replications(n)
            .run_networks_with(label, networks.clone(), None, &replicate)
            .variants;
        loop {
            let (samples, capped) = self.samples(&runs[0], last_year);
            let calls = calls_at(&samples, search.guarantee.levels(n, &looks, samples.len()));
            let last = n >= *looks.last().unwrap_or(&n) || (up_to.is_some() && n >= stop_at);
            let fails = capped.is_some() || calls.contains(&Call::Fails);
            let holds = calls.iter().all(|c| *c == Call::Holds) && n >= confirm;
            let none_failing = up_to.is_some()
                && samples.iter().all(|(_, s)| {
                    Summary::of(&s.values).is_none_or(|m| if s.at_most { m.mean <= s.limit } else { m.mean >= s.limit })
                });
            if fails || holds || last || none_failing {
                self.count_replications(n, up_to);
                return Checked { result: runs.swap_remove(0), samples, calls, capped, n, fails, holds };
            }
            let more = looks.iter().copied().find(|&l| l > n).unwrap_or(n);
            self.experiment.extend_networks_with(&networks, &mut runs, more, &replicate);
            n = more;
        }
    }

    /// Counts `n` replications run, up to planning year `up_to` or over every year.
    pub(super) fn count_replications(&mut self, n: u64, up_to: Option<usize>) {
        self.replications_run += n;
        let years = n as f64 * up_to.map_or(self.layers(), |k| k + 1) as f64;
        if up_to.is_some() {
            self.prefix_years += years;
        } else {
            self.full_years += years;
        }
    }

    /// Simulates a plan by the sequential procedure of the module documentation.
    pub(super) fn evaluate(
        &mut self,
        considered: u64,
        days: &Days,
        network: Network,
    ) -> (PlanEvaluation, VariantResult, SimulatedPlan) {
        let plan = self.plan_of(days);
        let search = self.search;
        let Checked { result, samples, calls, capped, n, fails, holds } =
            self.check(&plan.describe(), days, network, None, search.confirm_replications);
        let constraints: Vec<ConstraintValue> =
            samples.iter().zip(&calls).map(|((text, s), c)| constraint_value(text, s, *c)).collect();
        let within_zone = !fails && !holds;
        let feasible = holds || (within_zone && constraints.iter().all(|c| c.holds));
        let mut failures: Vec<String> = Vec::new();
        if let Some(year) = capped {
            let y = year.map_or(String::new(), |y| format!(" in {y}"));
            failures.push(format!("a replication hit a cap{y}: the corridor is overloaded"));
        }
        // What fails significantly first, then what fails on its mean only.
        failures.extend(constraints.iter().filter(|c| c.call == Call::Fails).map(failure_text));
        failures.extend(constraints.iter().filter(|c| !c.holds && c.call != Call::Fails).map(failure_text));
        let zone = format!(
            "δ = {} % of each limit, α = {} %",
            search.guarantee.tolerance * 100.0,
            search.guarantee.alpha * 100.0
        );
        let decided = if fails {
            format!("fails ({zone}) with {n} replications")
        } else if holds {
            format!("holds ({zone}) with {n} replications")
        } else {
            let undecided: Vec<&str> =
                constraints.iter().filter(|c| c.call == Call::Undecided).map(|c| c.constraint.as_str()).collect();
            format!(
                "{} on the means: inside the indifference zone at {n} replications ({} undecided)",
                if feasible { "holds" } else { "fails" },
                undecided.join(", ")
            )
        };
        let evaluation = PlanEvaluation {
            considered,
            plan,
            replications: n,
            feasible,
            decided,
            failing_year: if fails { failing_year(&samples, &calls, capped) } else { None },
            failures,
            within_zone,
            constraints,
        };
        let simulated = SimulatedPlan {
            constraints: samples.into_iter().map(|(_, s)| s).collect(),
            fails_surely: capped,
            replications: n,
        };
        (evaluation, result, simulated)
    }

    /// Whether `days`, run up to planning year `k` only, fails significantly by then
    /// within `most` replications (at least [`LEARNING_REPLICATIONS`]); if so, its
    /// simulated record (for the stated confidence) and the year.
    pub(super) fn fails_by(
        &mut self,
        days: &Days,
        k: usize,
        most: u64,
    ) -> Result<Option<(SimulatedPlan, Option<i32>)>, PlanError> {
        let network = self.compile_days(days)?;
        if let Some(y) = bounds(&network).iter().take(k + 1).position(crate::model::RhoBound::overloaded) {
            let year = self.years.get(y).copied();
            let certain = SimulatedPlan { constraints: Vec::new(), fails_surely: Some(year), replications: 1 };
            return Ok(Some((certain, year)));
        }
        let label = format!("{} (to {})", self.plan_of(days).describe(), self.years.get(k).copied().unwrap_or(0));
        let most = most.max(LEARNING_REPLICATIONS).max(self.search.screen_replications);
        let checked = self.check(&label, days, network, Some(k), most);
        self.prefix_runs += 1;
        if !checked.fails {
            return Ok(None);
        }
        let year = failing_year(&checked.samples, &checked.calls, checked.capped);
        let simulated = SimulatedPlan {
            constraints: checked.samples.into_iter().map(|(_, s)| s).collect(),
            fails_surely: checked.capped,
            replications: checked.n,
        };
        Ok(Some((simulated, year)))
    }

    /// `failing` with the candidates `added` (and what they require) from their
    /// earliest days, if that keeps `requires` and `excludes`.
    pub(super) fn grown(&self, failing: &Days, added: &[usize], k: usize, earliest: &[f64]) -> Option<Days> {
        let mut grown = failing.clone();
        for &c in added {
            grown[c] = Some(earliest[c]);
            for r in
                self.spec.candidates[&self.ids[c]].requires.iter().filter_map(|r| self.ids.iter().position(|i| i == r))
            {
                grown[r] = grown[r].or(entry_day(self.spec, &self.ids[r], k).map(|_| earliest[r]));
            }
        }
        let mask = grown.iter().enumerate().filter(|(_, d)| d.is_some()).fold(0u32, |m, (i, _)| m | (1 << i));
        self.keeps_rules(mask).then_some(grown)
    }

    /// After a plan with `days` failed as `evaluation` says (significantly in its
    /// failing year, and on its means from its earliest constraint that does not hold),
    /// learns as large a failure as simulation shows, so that it rules out as many
    /// plans as it may: the plan's candidates up to the earliest failing year, each
    /// from its earliest date, then every other candidate that can be in service by
    /// then and still leaves that year failing (cheapest first). Each step is a run up
    /// to that year only, of up to as many replications as the plan needed.
    pub(super) fn learn(
        &mut self,
        days: &Days,
        evaluation: &PlanEvaluation,
        result: &VariantResult,
        records: &mut Vec<SimulatedPlan>,
        by: usize,
    ) -> Result<Failed, PlanError> {
        let significant = evaluation.failing_year;
        let on_means = evaluation.constraints.iter().filter(|c| !c.holds).filter_map(|c| c.year).min();
        let replications = evaluation.replications;
        let plain = Failed { until: self.until(significant), days: days.clone(), year: significant, by: Some(by) };
        let Some(significant) = significant else { return Ok(plain) };
        let mut targets: Vec<i32> = on_means.into_iter().filter(|y| *y < significant).collect();
        targets.push(significant);
        for target in targets {
            let Some(k) = self.years.iter().position(|y| *y == target) else { continue };
            let end = (k as f64 + 1.0) * DAYS_PER_YEAR;
            let earliest_days: Vec<f64> = self.ids.iter().map(|id| self.spec.candidate_earliest_day(id)).collect();
            let earliest = |c: usize| earliest_days[c];
            let mut failing: Days =
                days.iter().enumerate().map(|(c, d)| d.filter(|d| *d < end).map(|_| earliest(c))).collect();
            let Some((record, year)) = self.fails_by(&failing, k, replications)? else { continue };
            records.push(record);
            let mut found = (records.len() - 1, year);
            // Grow it with every candidate that can be in service by then: first, at once,
            // those that touch nothing implicated in the failing year; then one by one,
            // cheapest first.
            let mut more: Vec<usize> = (0..self.ids.len())
                .filter(|&c| failing[c].is_none() && entry_day(self.spec, &self.ids[c], k).is_some())
                .collect();
            let spec = self.spec;
            let costs: Vec<f64> =
                self.ids.iter().zip(&earliest_days).map(|(id, d)| present_cost(spec, id, *d)).collect();
            more.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]));
            let implicated = implicated(result, target);
            let (apart, rest): (Vec<usize>, Vec<usize>) =
                more.iter().partition(|&&c| !implicated.is_empty() && !touches(spec, &self.ids[c], &implicated));
            let mut one_by_one = rest;
            if !apart.is_empty() {
                match self.grown(&failing, &apart, k, &earliest_days) {
                    Some(grown) => match self.fails_by(&grown, k, replications)? {
                        Some((record, year)) => {
                            records.push(record);
                            found = (records.len() - 1, year);
                            failing = grown;
                        }
                        None => one_by_one.extend(apart),
                    },
                    None => one_by_one.extend(apart),
                }
            }
            one_by_one.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]));
            for c in one_by_one {
                if failing[c].is_some() {
                    continue;
                }
                let Some(grown) = self.grown(&failing, &[c], k, &earliest_days) else { continue };
                if let Some((record, year)) = self.fails_by(&grown, k, replications)? {
                    records.push(record);
                    found = (records.len() - 1, year);
                    failing = grown;
                }
            }
            let year = found.1.or(Some(target));
            return Ok(Failed { until: self.until(year), days: failing, year, by: Some(found.0) });
        }
        Ok(plain)
    }
}
