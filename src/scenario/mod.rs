//! Scenario files: the serde schema, loading with precise errors, semantic validation,
//! variants (overrides) and sweeps.
//!
//! A [`Scenario`] is a validated base [`ScenarioSpec`] plus its variants and sweep.
//! Every variant and sweep point is validated when the file is loaded, but resolved
//! again only when asked for, so memory stays linear in the size of the file however
//! many variants or sweep points it declares. Every error names the file, line and
//! column, the field path and what would be valid; no input panics.
//!
//! ```
//! use corridor::scenario::Scenario;
//! let text = r#"
//! [scenario]
//! name = "one berth"
//! horizon_days = 10
//!
//! [ports.p]
//! yard_capacity_tonnes = 1000
//! berths.dry = { count = 0, handling_tonnes_per_hour = 100 }
//! "#;
//! let scenario = Scenario::from_str(text, "doc.toml").unwrap();
//! assert_eq!(scenario.base().ports.len(), 1);
//!
//! let err = Scenario::from_str("[scenario]\nname = 1\n", "bad.toml").unwrap_err();
//! assert!(err.to_string().contains("bad.toml:2:8"));
//! ```
//!
//! # Building a scenario in code
//!
//! Everything a file can say can be said in code (`tests/builders.rs` builds every
//! table of the Middle Corridor 2025–2030 file and gets the identical spec). Each spec
//! type has a constructor taking what it cannot do without, and a chainable setter for
//! every other field, named as the field, with the default a file gets; lists of names
//! take anything iterable, names take `impl Into<String>`, and keyed entries (a
//! vessel's `slots`, a tariff per unit, a variant's `set`) are added one call at a time.
//! [`Scenario::from_spec`] then checks the result exactly as it checks a file.
//!
//! ```
//! use corridor::scenario::*;
//! let spec = ScenarioSpec::new("two ports", 365.0)
//!     .planning(2025, 2) // two calendar years: the horizon becomes 730 days
//!     .seed(7)
//!     .port("east", PortSpec::new(50_000.0).berths(BerthClass::Container, BerthSpec::rate(1, 300.0)))
//!     .port("west", PortSpec::new(50_000.0).berths(BerthClass::Container, BerthSpec::rate(1, 300.0).berthing_hours(2.0)))
//!     .sea_link("crossing", SeaLinkSpec::new("east", "west", DistSpec::triangular(18.0, 22.0, 30.0)).distance_km(400.0))
//!     .ship_service(
//!         "feeder",
//!         ShipServiceSpec::new(BerthClass::Container, 3, 2_000.0, ["east", "west"])
//!             .name("East-West feeders")
//!             .slots("teu", 140)
//!             .tariff_per_unit("teu", 450.0)
//!             .wait_for_cargo_at(["east"]),
//!     )
//!     .flow(
//!         "boxes",
//!         FlowSpec::tonnes(["east", "west"], BerthClass::Container, 0.0, DistSpec::constant(28.0))
//!             .teu(28_000.0, 14.0)
//!             .unit("teu")
//!             .empty_return(EmptyReturnSpec::new(0.2))
//!             .tag("transit"),
//!     )
//!     .variant("busier", VariantSpec::new().demand_factor(1.3, ["transit"]))
//!     .dated_change("second_berth", ChangeSpec::new("2026-01-01").add("ports.west.berths.container.count", 1.0));
//! let scenario = Scenario::from_spec(&spec)?;
//! assert_eq!(scenario.variant_names(), ["busier"]);
//! # Ok::<(), ScenarioError>(())
//! ```

mod build;
mod candidates;
mod diagnostics;
mod dist;
pub mod limits;
pub(crate) mod messages;
pub mod path;
mod planning;
mod schema;
mod sweep;
mod uncertain;
mod validate;
mod variants;

pub use candidates::{CandidateSpec, DEFAULT_LIFE_YEARS, MAX_LIFE_YEARS};
pub use diagnostics::{Diagnostic, MAX_DIAGNOSTICS, ScenarioError, Source, locate};
pub use dist::{DistError, DistSpec, MAX_COEFFICIENT_OF_VARIATION, Sampler};
pub use planning::{ChangeProblem, ChangeSpec, DAYS_PER_YEAR, GrowthSpec, PlanningSpec, date_of, parse_date};
pub use schema::*;
pub use sweep::Sweep;
pub use uncertain::{UncertainFactor, UncertainSpec};
pub use validate::{Issue, check};
pub use variants::{PatchError, PatchField, linearize};

use path::Segment;
use std::path::Path;
use toml::{Table, Value};

/// The commented starter scenario `corridor new` writes: two ports, a ferry, a rail
/// line inland and one flow, with a baseline and a busier variant.
///
/// ```
/// let scenario = corridor::scenario::Scenario::from_str(corridor::scenario::STARTER, "starter.toml").unwrap();
/// assert_eq!(scenario.variant_names(), vec!["baseline", "busier"]);
/// ```
pub const STARTER: &str = include_str!("starter.toml");

/// The scenarios bundled with corridor, as text, so that examples and embedders can
/// load them without a file path: `Scenario::from_str(bundled::MMC_PORT, "mmc_port.toml")`.
pub mod bundled {
    /// The Middle Corridor in 2024 (`scenarios/middle_corridor.toml`): Kazakh and
    /// Turkmen ports, the Caspian fleet, Baku (Alat) and rail to Georgia and Turkey,
    /// with its variants, sweep and uncertain inputs.
    pub const MIDDLE_CORRIDOR: &str = include_str!("../../scenarios/middle_corridor.toml");
    /// The Middle Corridor 2025–2030 (`scenarios/middle_corridor_2030.toml`): demand
    /// growth, the announced upgrades as dated changes, candidate upgrades to plan.
    pub const MIDDLE_CORRIDOR_2030: &str = include_str!("../../scenarios/middle_corridor_2030.toml");
    /// An M/M/3 port (`scenarios/mmc_port.toml`): Poisson ships, three berths with
    /// exponential 12 h calls, ρ = 2/3; Erlang C gives a mean wait of 5.33 h.
    pub const MMC_PORT: &str = include_str!("../../scenarios/mmc_port.toml");
    /// A port feeding rail (`scenarios/port_rail.toml`), the peer-comparison case.
    pub const PORT_RAIL: &str = include_str!("../../scenarios/port_rail.toml");
}

/// The name under which the unmodified base scenario is run.
pub const BASE: &str = "base";

/// Label used for scenarios built in code.
pub const BUILT_IN_CODE: &str = "<built in code>";

/// One point of a sweep grid.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// A label such as `ports.baku.berths.dry.count=9`.
    pub label: String,
    /// The axis values at this point (as numbers, NaN if not numeric).
    pub values: Vec<f64>,
    /// The scenario at this point.
    pub spec: ScenarioSpec,
}

/// A name given for a variant that the scenario does not declare.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant {name:?} (valid: {}){}", known.join(", "), did_you_mean(name, known))]
pub struct UnknownVariant {
    /// The name given.
    pub name: String,
    /// Every valid name: [`BASE`] first, then the declared variants in file order.
    pub known: Vec<String>,
}

fn did_you_mean(name: &str, known: &[String]) -> String {
    match nearest(name, known.iter().map(String::as_str), 1).first() {
        Some(best) if strsim::levenshtein(name, best) <= name.len().max(3) / 2 => format!("; did you mean {best:?}?"),
        _ => String::new(),
    }
}

impl UnknownVariant {
    /// Up to three valid names closest to the one given (edit distance).
    pub fn nearest(&self) -> Vec<&str> {
        nearest(&self.name, self.known.iter().map(String::as_str), 3)
    }
}

/// The `n` candidates closest to `name` (edit distance, ties in the given order).
pub fn nearest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(usize, usize, &str)> =
        candidates.enumerate().map(|(i, c)| (strsim::levenshtein(name, c), i, c)).collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, c)| c).collect()
}

/// A loaded, validated scenario with its variants and sweep.
#[derive(Debug, Clone)]
pub struct Scenario {
    source: Source,
    /// The document without `variants` and `sweep`: what variants and sweep points
    /// patch. Parsed on first use.
    content: std::sync::OnceLock<Table>,
    base: ScenarioSpec,
}

impl Scenario {
    /// Loads and validates a scenario file.
    ///
    /// # Errors
    /// The file cannot be read, is too large, is not UTF-8 or not a valid scenario;
    /// every problem found is listed with its location.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let meta =
            std::fs::metadata(path).map_err(|e| ScenarioError::file(&file, format!("cannot read the file: {e}")))?;
        if meta.is_dir() {
            return Err(ScenarioError::file(&file, "is a folder, not a scenario file"));
        }
        if meta.len() > limits::MAX_FILE_BYTES {
            return Err(ScenarioError::file(
                &file,
                format!("the file is {} bytes; the limit is {} bytes", meta.len(), limits::MAX_FILE_BYTES),
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| ScenarioError::file(&file, format!("cannot read the file: {e}")))?;
        Self::from_bytes(&bytes, &file)
    }

    /// Parses and validates scenario bytes (which must be UTF-8); `file` labels the errors.
    ///
    /// # Errors
    /// As [`Scenario::load`].
    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<Scenario, ScenarioError> {
        if bytes.len() as u64 > limits::MAX_FILE_BYTES {
            let message = format!("the input is {} bytes; the limit is {} bytes", bytes.len(), limits::MAX_FILE_BYTES);
            return Err(ScenarioError::file(file, message));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let message = format!("the file is not valid UTF-8 (first bad byte at offset {})", e.valid_up_to());
            ScenarioError::file(file, message)
        })?;
        Self::from_str(text, file)
    }

    /// Parses and validates scenario `text`; `file` labels the errors.
    ///
    /// # Errors
    /// As [`Scenario::load`].
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let source = Source { file: file.to_string(), text: text.to_string() };
        if text.len() as u64 > limits::MAX_FILE_BYTES {
            return Err(ScenarioError::file(
                file,
                format!("the input is {} bytes; the limit is {}", text.len(), limits::MAX_FILE_BYTES),
            ));
        }
        // The base is deserialised straight from the text (no owned copy of the
        // document); the document that variants patch is parsed only when needed.
        let parsed = toml::de::Deserializer::parse(text).map_err(|e| {
            let span = e.span().or_else(|| messages::nesting_span(text));
            ScenarioError::single(source.at_span(span, "", messages::syntax(e.message()), None))
        })?;
        let base: ScenarioSpec = serde_path_to_error::deserialize(parsed).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let inner = e.into_inner();
            // A map key the deserialiser cannot name (`?`) is read off the text.
            let path = match inner.span() {
                Some(span) => diagnostics::name_unnamed_keys(text, &path, &span),
                None => path,
            };
            let (message, valid) = messages::field(&path, inner.message());
            let d = match inner.span() {
                Some(span) if !path.is_empty() => source.at_span(Some(span), &path, message, valid),
                _ => located(&source, &path, message, valid),
            };
            ScenarioError::single(d)
        })?;
        let scenario = Scenario { source, content: std::sync::OnceLock::new(), base };
        scenario.validate()?;
        Ok(scenario)
    }

    /// A scenario built in code. It is written out as TOML and then loaded exactly like
    /// a file, so it gets exactly the checks a file gets; error locations refer to that
    /// TOML text (see [`Scenario::text`]).
    ///
    /// # Errors
    /// As [`Scenario::load`].
    pub fn from_spec(spec: &ScenarioSpec) -> Result<Scenario, ScenarioError> {
        let text = toml::to_string(spec)
            .map_err(|e| ScenarioError::file(BUILT_IN_CODE, format!("cannot represent the scenario: {e}")))?;
        Self::from_str(&text, BUILT_IN_CODE)
    }

    /// The document variants and sweep points patch (without `variants` and `sweep`).
    fn content(&self) -> &Table {
        self.content.get_or_init(|| {
            // The text parsed once already, so this cannot fail; an empty table would
            // only make every variant fail its checks, never pass wrongly.
            let mut doc: Table = self.source.text.parse().unwrap_or_default();
            doc.remove("variants");
            doc.remove("sweep");
            doc
        })
    }

    /// Checks the base, then every variant and sweep point one at a time.
    fn validate(&self) -> Result<(), ScenarioError> {
        let mut issues = check(&self.base);
        // Candidates are checked once, against the base: each costs a patched
        // configuration. A variant that makes a plan invalid is reported by the search.
        if issues.is_empty() {
            issues = candidates::check(&self.base);
        }
        if issues.is_empty() {
            issues = uncertain::check(&self.base);
        }
        if !issues.is_empty() {
            return Err(ScenarioError::many(self.issue_diagnostics(issues)));
        }
        let mut diagnostics = Vec::new();
        for name in self.base.variants.keys() {
            if let Err(mut e) = self.resolve_variant(name) {
                diagnostics.append(&mut e.diagnostics);
            }
            if diagnostics.len() > diagnostics::MAX_DIAGNOSTICS {
                break;
            }
        }
        if let Some(sweep) = self.sweep()
            && let Err(mut e) = sweep.check_all()
        {
            diagnostics.append(&mut e.diagnostics);
        }
        if diagnostics.is_empty() { Ok(()) } else { Err(ScenarioError::many(diagnostics)) }
    }

    /// Diagnostics for semantic issues, located with one parse of the text.
    fn issue_diagnostics(&self, mut issues: Vec<Issue>) -> Vec<Diagnostic> {
        issues.truncate(diagnostics::MAX_DIAGNOSTICS + 1);
        let requests: Vec<(Vec<Segment>, bool)> = issues
            .iter()
            .map(|i| match &i.location {
                Some(segments) => (segments.clone(), true),
                None => (path::parse(&i.path).unwrap_or_default(), false),
            })
            .collect();
        let spans = diagnostics::locate_many(&self.source.text, &requests);
        issues.into_iter().zip(spans).map(|(i, span)| self.source.at_span(span, &i.path, i.message, i.valid)).collect()
    }

    fn patch_diagnostic(&self, e: PatchError) -> Diagnostic {
        let base = vec![Segment::Key("variants".into()), Segment::Key(e.variant.clone())];
        let (segments, shown, needle) = match &e.field {
            PatchField::Variant => (base, format!("variants.{}", e.variant), None),
            PatchField::Extends(i) => {
                let mut s = base;
                s.extend([Segment::Key("extends".into()), Segment::Index(*i)]);
                (s, format!("variants.{}.extends[{i}]", e.variant), None)
            }
            PatchField::Set(p) | PatchField::Scale(p) => {
                let table = if matches!(e.field, PatchField::Set(_)) { "set" } else { "scale" };
                let mut s = base;
                s.extend([Segment::Key(table.into()), Segment::Key(p.clone())]);
                (s, format!("variants.{}.{table}.\"{p}\"", e.variant), Some(p.clone()))
            }
        };
        let mut span = diagnostics::locate_segments(&self.source.text, &segments, true);
        if let (Some(s), Some(needle), Some(offset)) = (span.clone(), needle, e.offset) {
            span = Some(diagnostics::narrow_to_char(&self.source.text, s, &needle, offset));
        }
        self.source.at_span(span, &shown, e.message, Some(e.valid))
    }

    fn resolve_variant(&self, name: &str) -> Result<ScenarioSpec, ScenarioError> {
        let mut doc = self.content().clone();
        variants::apply_variant(&mut doc, &self.base.variants, name)
            .map_err(|e| ScenarioError::single(self.patch_diagnostic(e)))?;
        self.finish(doc, &format!("variants.{name}"), &format!("variant {name:?}"), Some(name))
    }

    /// The `set` or `scale` entry (of variant `name` or an ancestor, latest first) that
    /// wrote `field` or one of its parents: where to point for a problem with `field`.
    fn override_of(&self, name: &str, field: &str) -> Option<(Vec<Segment>, String)> {
        let chain = variants::linearize(&self.base.variants, name).ok()?;
        // The deserialiser shows a map key it cannot name (a berth class) as `?`.
        let field_parts: Vec<&str> = field.split('.').collect();
        let covers = |p: &str| {
            let parts: Vec<&str> = p.split('.').collect();
            let Some((last, init)) = parts.split_last() else { return false };
            parts.len() <= field_parts.len()
                && init.iter().zip(&field_parts).all(|(a, b)| a == b || *b == "?")
                && (field_parts[init.len()] == *last
                    || field_parts[init.len()] == "?"
                    || field_parts[init.len()].starts_with(&format!("{last}[")))
        };
        chain.iter().rev().find_map(|v| {
            let spec = &self.base.variants[*v];
            let (table, path) = match spec.set.keys().find(|p| covers(p)) {
                Some(p) => ("set", p),
                None => ("scale", spec.scale.keys().find(|p| covers(p))?),
            };
            let segments = vec![
                Segment::Key("variants".into()),
                Segment::Key(v.to_string()),
                Segment::Key(table.into()),
                Segment::Key(path.clone()),
            ];
            Some((segments, format!("variants.{v}.{table}.\"{path}\"")))
        })
    }

    /// Deserialises and checks a patched document. Problems point at the override that
    /// caused them (for a variant) or else at `anchor`, located with one parse.
    fn finish(
        &self,
        doc: Table,
        anchor: &str,
        what: &str,
        variant: Option<&str>,
    ) -> Result<ScenarioSpec, ScenarioError> {
        let problems: Vec<(String, String, Option<String>)> = match deserialize(doc) {
            Err((path, message)) => {
                let (message, valid) = messages::field(&path, &message);
                vec![(path, message, valid)]
            }
            Ok(spec) => {
                let mut issues = check(&spec);
                if issues.is_empty() {
                    return Ok(spec);
                }
                issues.truncate(diagnostics::MAX_DIAGNOSTICS + 1);
                issues.into_iter().map(|i| (i.path, i.message, i.valid)).collect()
            }
        };
        let anchor_segments = path::parse(anchor).unwrap_or_default();
        let targets: Vec<(Vec<Segment>, bool, String)> = problems
            .iter()
            .map(|(field, _, _)| match variant.and_then(|v| self.override_of(v, field)) {
                Some((segments, shown)) => (segments, true, shown),
                None => (anchor_segments.clone(), false, anchor.to_string()),
            })
            .collect();
        let requests: Vec<(Vec<Segment>, bool)> = targets.iter().map(|(s, k, _)| (s.clone(), *k)).collect();
        let spans = diagnostics::locate_many(&self.source.text, &requests);
        Err(ScenarioError::many(
            problems
                .into_iter()
                .zip(targets.into_iter().zip(spans))
                .map(|((field, message, valid), ((_, _, shown), span))| {
                    let field = named_by_override(&field, &shown);
                    self.source.at_span(span, &shown, format!("{what} makes `{field}` invalid: {message}"), valid)
                })
                .collect(),
        ))
    }

    /// The base scenario.
    pub fn base(&self) -> &ScenarioSpec {
        &self.base
    }

    /// The file the scenario came from.
    pub fn file(&self) -> &str {
        &self.source.file
    }

    /// The scenario's text (the file, or the TOML form of a scenario built in code).
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// Names of the declared variants, in file order.
    pub fn variant_names(&self) -> Vec<String> {
        self.base.variants.keys().cloned().collect()
    }

    /// Whether `name` is [`BASE`] or a declared variant.
    ///
    /// # Errors
    /// [`UnknownVariant`], listing the valid names.
    pub fn check_variant_name(&self, name: &str) -> Result<(), UnknownVariant> {
        if name == BASE || self.base.variants.contains_key(name) {
            Ok(())
        } else {
            let mut known = vec![BASE.to_string()];
            known.extend(self.base.variants.keys().cloned());
            Err(UnknownVariant { name: name.to_string(), known })
        }
    }

    /// The scenario for `name`: [`BASE`] or a declared variant (resolved afresh).
    ///
    /// # Errors
    /// An unknown name. (Every declared variant was validated when the file was loaded.)
    pub fn variant(&self, name: &str) -> Result<ScenarioSpec, VariantError> {
        self.check_variant_name(name)?;
        if name == BASE {
            return Ok(self.base.clone());
        }
        Ok(self.resolve_variant(name)?)
    }

    /// The scenario with its uncertain inputs at `positions` (input id, position in
    /// `[0, 1]` of its range): the base changed, and every variant applied on top of
    /// it, so a variant that scales or sets an uncertain number keeps doing so (a
    /// variant doubling the storms doubles the uncertain storm count).
    ///
    /// # Errors
    /// An unknown input id, or a position that makes the scenario invalid.
    pub fn with_inputs(&self, positions: &[(&str, f64)]) -> Result<Scenario, String> {
        let base = self.base.with_inputs(positions)?;
        // What variants patch: the file's document with each input's number as the
        // changed base has it (so everything else reads exactly as written; a number
        // the file leaves at its default is added, with the tables that lead to it).
        let mut full =
            Table::try_from(&base).map_err(|e| format!("cannot represent the scenario as a document: {e}"))?;
        let mut content = self.content().clone();
        for &(id, _) in positions {
            let path = &self.base.uncertain.get(id).ok_or_else(|| format!("no uncertain input {id:?}"))?.path;
            let value = variants::get_path(&mut full, path).map_err(|p| format!("uncertain.{id}: {}", p.message))?;
            if variants::set_path(&mut content, path, value.clone()).is_err() {
                put_creating(&mut content, path, value).map_err(|m| format!("uncertain.{id}: {m}"))?;
            }
        }
        Ok(Scenario { source: self.source.clone(), content: std::sync::OnceLock::from(content), base })
    }

    /// The scenario for `name` with the demand of flows and arrivals tagged with one of
    /// `tags` (all, when empty) multiplied by `factor` — as a variant's `demand_factor`.
    ///
    /// # Errors
    /// As [`Scenario::variant`], or a factor that makes the scenario invalid.
    pub fn with_demand_factor(&self, name: &str, factor: f64, tags: &[String]) -> Result<ScenarioSpec, VariantError> {
        self.check_variant_name(name)?;
        let mut doc = self.content().clone();
        if name != BASE {
            variants::apply_variant(&mut doc, &self.base.variants, name)
                .map_err(|e| ScenarioError::single(self.patch_diagnostic(e)))?;
        }
        variants::scale_demand(&mut doc, factor, tags);
        Ok(self.finish(doc, "", &format!("demand ×{factor} on {name:?}"), None)?)
    }

    /// The declared sweep, if any.
    pub fn sweep(&self) -> Option<Sweep<'_>> {
        let spec = self.base.sweep.as_ref()?;
        Some(Sweep { scenario: self, spec })
    }

    /// Every point of the declared sweep (empty when there is none). Resolves them all:
    /// prefer [`Sweep::point`] one at a time for large sweeps.
    ///
    /// # Errors
    /// A point that cannot be resolved (cannot happen after a successful load).
    pub fn sweep_points(&self) -> Result<Vec<SweepPoint>, ScenarioError> {
        match self.sweep() {
            None => Ok(Vec::new()),
            Some(sweep) => (0..sweep.len()).map(|i| sweep.point(i)).collect(),
        }
    }
}

/// Why [`Scenario::variant`] failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VariantError {
    /// The name is not declared: a mistake by whoever asked (e.g. on the command line).
    #[error(transparent)]
    Unknown(#[from] UnknownVariant),
    /// The variant does not resolve into a valid scenario.
    #[error(transparent)]
    Invalid(#[from] ScenarioError),
}

/// Locates a deserialisation error at `path` (the start of the file for a missing
/// top-level table).
fn located(source: &Source, path: &str, message: String, valid: Option<String>) -> Diagnostic {
    let mut d = source.at_path(path, message, valid);
    if d.line == 0 {
        // A missing top-level table: point at the start of the file.
        d = source.at_span(Some(0..0), path, d.message, d.valid);
    }
    d
}

/// Deserialises a (patched) document, returning `(field path, message)` on failure.
fn deserialize(doc: Table) -> Result<ScenarioSpec, (String, String)> {
    let value = Value::Table(doc);
    serde_path_to_error::deserialize::<_, ScenarioSpec>(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        (path, e.into_inner().message().to_string())
    })
}

/// Sets `value` at `path` of `doc`, adding missing tables on the way (array elements
/// must exist).
fn put_creating(doc: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let segments = path::parse(path).map_err(|e| e.to_string())?;
    let Some((Segment::Key(key), parents)) = segments.split_last() else {
        return Err(format!("`{path}` does not end at a key"));
    };
    let mut table = doc;
    for segment in parents {
        let next = match segment {
            Segment::Key(k) => table.entry(k.clone()).or_insert_with(|| Value::Table(Table::new())),
            Segment::Index(i) => return Err(format!("`{path}`: element {i} of a list cannot hold an uncertain input")),
        };
        table = match next {
            Value::Table(t) => t,
            _ => return Err(format!("`{path}` does not lead through tables")),
        };
    }
    table.insert(key.clone(), value);
    Ok(())
}

/// `field` (a deserialiser's path, with `?` for a map key it cannot name) with each
/// `?` filled in from the override `shown` (`variants.v.scale."ports.p.berths.dry.count"`)
/// that covers it.
fn named_by_override(field: &str, shown: &str) -> String {
    let Some(path) = shown.split_once(".\"").and_then(|(_, p)| p.strip_suffix('"')) else {
        return field.to_string();
    };
    let known: Vec<&str> = path.split('.').collect();
    field
        .split('.')
        .enumerate()
        .map(|(i, part)| if part == "?" { known.get(i).copied().unwrap_or(part) } else { part })
        .collect::<Vec<_>>()
        .join(".")
}
