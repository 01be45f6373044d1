//! Python bindings of corridor (`corridor._corridor`; the package `corridor` wraps
//! them). Each command of the CLI that simulates, `run`, `compare`, `capacity` and
//! `plan`, is a method of [`Scenario`] that returns the same JSON document the CLI
//! writes (`summary.json`, `capacity.json`, `plan.json`) as text, which the Python
//! layer parses: the numbers are those of the CLI for the same scenario and seed, bit
//! for bit.
//!
//! The simulation runs on a worker thread, detached from the interpreter; the calling
//! thread forwards progress to the Python callback and checks for Ctrl-C every 50 ms.
//! Ctrl-C sets the experiment's interrupt flag, waits for the replications under way
//! to finish, and raises `KeyboardInterrupt`.

use corridor::experiment::capacity::{CapacityError, CapacitySearch, Criterion};
use corridor::experiment::plan::{PlanError, PlanSearch};
use corridor::experiment::{Experiment, default_variants};
use corridor::report::KpiSelection;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyboardInterrupt};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

create_exception!(_corridor, CorridorError, PyException, "Any error of corridor.");
create_exception!(
    _corridor,
    ScenarioError,
    CorridorError,
    "A scenario that cannot be read or is not valid; the message names the file, line, column and field."
);
create_exception!(
    _corridor,
    SettingsError,
    CorridorError,
    "Settings of a call that are out of range or do not work together (a criterion, a variant, a count)."
);
create_exception!(_corridor, SimulationError, CorridorError, "A run or search that could not complete.");

/// A loaded scenario: its base and variants.
#[pyclass(frozen, module = "corridor._corridor")]
struct Scenario {
    inner: corridor::scenario::Scenario,
}

/// The error's message, without the `error: ` the CLI's messages start with (Python
/// names the exception instead).
fn message(e: impl std::fmt::Display) -> String {
    let text = e.to_string();
    text.strip_prefix("error: ").map_or(text.clone(), str::to_string)
}

fn scenario_error(e: impl std::fmt::Display) -> PyErr {
    ScenarioError::new_err(message(e))
}

fn settings_error(e: impl std::fmt::Display) -> PyErr {
    SettingsError::new_err(message(e))
}

/// Loads the scenario file at `path`.
#[pyfunction]
fn load(path: PathBuf) -> PyResult<Scenario> {
    corridor::scenario::Scenario::load(&path).map(|inner| Scenario { inner }).map_err(scenario_error)
}

/// Reads a scenario from TOML text; `file` names it in error messages.
#[pyfunction]
#[pyo3(signature = (text, file = "<string>"))]
fn from_toml(text: &str, file: &str) -> PyResult<Scenario> {
    corridor::scenario::Scenario::from_str(text, file).map(|inner| Scenario { inner }).map_err(scenario_error)
}

/// Reads a scenario from a dict shaped like the TOML file (tables as dicts, arrays
/// as lists); `file` names it in error messages, which give the field's path.
#[pyfunction]
#[pyo3(signature = (data, file = "<dict>"))]
fn from_dict(data: &Bound<'_, PyAny>, file: &str) -> PyResult<Scenario> {
    let value = to_toml(data, "")?;
    let toml::Value::Table(table) = value else {
        return Err(ScenarioError::new_err(format!("{file}: a scenario is a dict of tables")));
    };
    let text = toml::to_string(&table).map_err(|e| ScenarioError::new_err(format!("{file}: {e}")))?;
    from_toml(&text, file)
}

/// A Python value as TOML, or an error naming the path of the value TOML cannot hold.
fn to_toml(value: &Bound<'_, PyAny>, path: &str) -> PyResult<toml::Value> {
    let at =
        |what: &str| ScenarioError::new_err(format!("{}: {what}", if path.is_empty() { "the scenario" } else { path }));
    if value.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(value.extract()?));
    }
    if value.is_instance_of::<PyInt>() {
        let n: i64 = value.extract().map_err(|_| at("an integer out of the range TOML holds"))?;
        return Ok(toml::Value::Integer(n));
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(value.extract()?));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(value.extract()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut table = toml::Table::new();
        for (k, v) in dict.iter() {
            let key: String = k.extract().map_err(|_| at("keys must be strings"))?;
            let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if v.is_none() {
                continue;
            }
            table.insert(key, to_toml(&v, &inner)?);
        }
        return Ok(toml::Value::Table(table));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(to_toml(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(toml::Value::Array(items));
    }
    Err(at(&format!(
        "a {} cannot be written in a scenario (use dicts, lists, strings, numbers and booleans)",
        value.get_type().name()?
    )))
}

/// What the worker thread tells the calling thread.
#[derive(Default)]
struct Shared {
    /// The latest progress: (done, total), or a line of text.
    progress: Option<(u64, u64)>,
    lines: Vec<String>,
}

/// Runs `work` on a worker thread, detached from the interpreter, forwarding progress
/// to `progress` (called with `(done, total)` for runs, or with a line of text for
/// searches) and turning Ctrl-C into the interrupt flag and `KeyboardInterrupt`.
fn supervise<T: Send>(
    py: Python<'_>,
    progress: Option<&Bound<'_, PyAny>>,
    work: impl FnOnce(Arc<AtomicBool>, &Mutex<Shared>) -> PyResult<T> + Send,
) -> PyResult<T> {
    let interrupt = Arc::new(AtomicBool::new(false));
    let shared = Mutex::new(Shared::default());
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let out = work(interrupt.clone(), &shared);
            finished.store(true, Ordering::Release);
            out
        });
        let mut last = None;
        let mut raised: Option<PyErr> = None;
        loop {
            let done = py.detach(|| {
                std::thread::sleep(Duration::from_millis(50));
                finished.load(Ordering::Acquire)
            });
            let (now, lines) = {
                let mut s = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                (s.progress, std::mem::take(&mut s.lines))
            };
            if raised.is_none()
                && let Some(callback) = progress
            {
                let mut told = lines.into_iter().try_for_each(|l| callback.call1((l,)).map(drop));
                if told.is_ok()
                    && now != last
                    && let Some((d, t)) = now
                {
                    told = callback.call1((d, t)).map(drop);
                    last = now;
                }
                if let Err(e) = told {
                    interrupt.store(true, Ordering::Relaxed);
                    raised = Some(e);
                }
            }
            if let Err(e) = py.check_signals() {
                interrupt.store(true, Ordering::Relaxed);
                raised.get_or_insert(e);
            }
            if done {
                break;
            }
        }
        let out = py.detach(|| worker.join()).map_err(|_| SimulationError::new_err("the simulation panicked"))?;
        match raised {
            Some(e) => Err(e),
            None => out,
        }
    })
}

/// The experiment of a call: the scenario's own settings, changed by the arguments.
fn experiment(
    scenario: &corridor::scenario::Scenario,
    replications: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<Experiment> {
    let mut exp = Experiment::for_scenario(scenario);
    if let Some(n) = replications {
        exp.replications = n;
    }
    if let Some(s) = seed {
        exp.seed = s;
    }
    if let Some(t) = threads.filter(|t| *t > 0) {
        exp.threads = Some(t);
    }
    exp.check().map_err(settings_error)?;
    Ok(exp)
}

fn criteria(texts: &[String]) -> PyResult<Vec<Criterion>> {
    texts.iter().map(|c| Criterion::parse(c).map_err(|e| settings_error(format!("criterion: {e}")))).collect()
}

#[pymethods]
impl Scenario {
    /// The scenario's name (`[scenario] name`).
    #[getter]
    fn name(&self) -> String {
        self.inner.base().scenario.name.clone()
    }

    /// The file it was read from (or the name given to `from_toml`/`from_dict`).
    #[getter]
    fn file(&self) -> String {
        self.inner.file().to_string()
    }

    /// The declared variants, in file order (empty when it declares none).
    #[getter]
    fn variants(&self) -> Vec<String> {
        self.inner.variant_names().to_vec()
    }

    /// The scenario's master seed and replications.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.base().scenario.seed
    }

    fn __repr__(&self) -> String {
        format!("<corridor.Scenario {:?} from {:?}, {} variants>", self.name(), self.file(), self.variants().len())
    }

    /// `corridor run`: the JSON document of `summary.json`, as text.
    #[pyo3(signature = (variants = None, replications = None, seed = None, threads = None, all_kpis = false, kpis = Vec::new(), base = None, progress = None))]
    #[allow(clippy::too_many_arguments)]
    fn run_json(
        &self,
        py: Python<'_>,
        variants: Option<Vec<String>>,
        replications: Option<u64>,
        seed: Option<u64>,
        threads: Option<usize>,
        all_kpis: bool,
        kpis: Vec<String>,
        base: Option<String>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let scenario = &self.inner;
        let mut variants = variants.unwrap_or_else(|| default_variants(scenario));
        for v in &variants {
            scenario.check_variant_name(v).map_err(settings_error)?;
        }
        if let Some(b) = &base {
            scenario.check_variant_name(b).map_err(|e| settings_error(format!("base: {e}")))?;
            if !variants.contains(b) {
                variants.insert(0, b.clone());
            }
        }
        let selection = if all_kpis { KpiSelection::all() } else { KpiSelection::headline_and(&kpis) };
        let mut exp = experiment(scenario, replications, seed, threads)?.variants(variants.clone());
        supervise(py, progress.as_ref(), |interrupt, shared| {
            exp.interrupt = Some(interrupt.clone());
            let tell = |done: u64, total: u64| {
                shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner).progress = Some((done, total));
            };
            let result = exp.run(scenario, Some(&tell)).map_err(|e| SimulationError::new_err(e.to_string()))?;
            if interrupt.load(Ordering::Relaxed) {
                return Err(PyKeyboardInterrupt::new_err("interrupted"));
            }
            let comparisons: Vec<(String, String)> = match &base {
                Some(b) => variants.iter().filter(|v| *v != b).map(|v| (b.clone(), v.clone())).collect(),
                None => Vec::new(),
            };
            corridor::report::json_text(&result, &comparisons, &selection, None)
                .map_err(|e| SimulationError::new_err(e.to_string()))
        })
    }

    /// `corridor capacity`: the JSON document of `capacity.json`, as text.
    #[pyo3(signature = (criteria, variants = None, tags = Vec::new(), max_factor = 3.0, resolution = 0.01, replications = None, seed = None, threads = None, progress = None))]
    #[allow(clippy::too_many_arguments)]
    fn capacity_json(
        &self,
        py: Python<'_>,
        criteria: Vec<String>,
        variants: Option<Vec<String>>,
        tags: Vec<String>,
        max_factor: f64,
        resolution: f64,
        replications: Option<u64>,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let scenario = &self.inner;
        let variants = variants.unwrap_or_else(|| default_variants(scenario).into_iter().take(1).collect());
        for v in &variants {
            scenario.check_variant_name(v).map_err(settings_error)?;
        }
        let mut search = CapacitySearch::new(tags, self::criteria(&criteria)?);
        search.max_factor = max_factor;
        search.resolution = resolution;
        let mut exp = experiment(scenario, replications, seed, threads)?;
        supervise(py, progress.as_ref(), |interrupt, shared| {
            exp.interrupt = Some(interrupt);
            let tell = |variant: &str, e: &corridor::experiment::capacity::Evaluation| {
                let line = format!(
                    "capacity: {variant} ×{:.3} — {} → {}",
                    e.factor,
                    e.stability.verdict.name(),
                    if e.feasible { "holds" } else { "fails" }
                );
                shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner).lines.push(line);
            };
            let mut answers = Vec::new();
            for v in &variants {
                answers.push(corridor::experiment::capacity::search(scenario, v, &search, &exp, Some(&tell)).map_err(
                    |e| match e {
                        CapacityError::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
                        CapacityError::Criterion(_) | CapacityError::Settings(_) => settings_error(e),
                        e => SimulationError::new_err(e.to_string()),
                    },
                )?);
            }
            let json = corridor::report::capacity::answers_json(&search, &answers, None, exp.seed);
            serde_json::to_string(&json).map_err(|e| SimulationError::new_err(e.to_string()))
        })
    }

    /// `corridor plan`: the JSON document of `plan.json`, as text.
    #[pyo3(signature = (criteria, variant = None, criteria_from = None, budget = None, best = 5, screen = 5, replications = None, max_replications = None, tolerance = 0.02, alpha = 0.05, max_simulated = 200, seed = None, threads = None, progress = None))]
    #[allow(clippy::too_many_arguments)]
    fn plan_json(
        &self,
        py: Python<'_>,
        criteria: Vec<String>,
        variant: Option<String>,
        criteria_from: Option<i32>,
        budget: Option<f64>,
        best: usize,
        screen: u64,
        replications: Option<u64>,
        max_replications: Option<u64>,
        tolerance: f64,
        alpha: f64,
        max_simulated: usize,
        seed: Option<u64>,
        threads: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let scenario = &self.inner;
        let variant = variant.unwrap_or_else(|| default_variants(scenario).remove(0));
        scenario.check_variant_name(&variant).map_err(settings_error)?;
        let mut exp = experiment(scenario, None, seed, threads)?;
        let mut search = PlanSearch::new(self::criteria(&criteria)?);
        search.budget = budget;
        search.criteria_from = criteria_from;
        search.confirm_replications = replications.unwrap_or(exp.replications).max(screen);
        search.screen_replications = screen;
        search.max_replications = max_replications.unwrap_or(search.max_replications).max(search.confirm_replications);
        search.guarantee = corridor::experiment::feasibility::Guarantee { tolerance, alpha };
        search.best = best;
        search.max_simulated = max_simulated;
        let currency = scenario.base().scenario.currency.clone();
        supervise(py, progress.as_ref(), |interrupt, shared| {
            exp.interrupt = Some(interrupt);
            let tell = |e: &corridor::experiment::plan::PlanEvaluation| {
                let line = format!(
                    "plan: #{} {} — {} — {}",
                    e.considered,
                    corridor::report::plan::money(e.plan.cost, &currency),
                    e.plan.describe(),
                    if e.feasible { "feasible" } else { "fails" }
                );
                shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner).lines.push(line);
            };
            let answer = corridor::experiment::plan::search(scenario, &variant, &search, &exp, Some(&tell)).map_err(
                |e| match e {
                    PlanError::Interrupted => PyKeyboardInterrupt::new_err("interrupted"),
                    PlanError::Criterion(_) | PlanError::Settings(_) => settings_error(e),
                    e => SimulationError::new_err(e.to_string()),
                },
            )?;
            serde_json::to_string(&serde_json::json!({ "plan": answer }))
                .map_err(|e| SimulationError::new_err(e.to_string()))
        })
    }
}

/// The extension module.
#[pymodule]
fn _corridor(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scenario>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(from_toml, m)?)?;
    m.add_function(wrap_pyfunction!(from_dict, m)?)?;
    let py = m.py();
    m.add("CorridorError", py.get_type::<CorridorError>())?;
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("SettingsError", py.get_type::<SettingsError>())?;
    m.add("SimulationError", py.get_type::<SimulationError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
