//! Scenario files: the serde schema, loading with precise errors, semantic validation,
//! variants (overrides) and sweeps.
//!
//! A [`Scenario`] is a validated base [`ScenarioSpec`] plus its variants and sweep,
//! each of which resolves to another validated `ScenarioSpec`. Every error names the
//! file, line and column, the field path and what would be valid; no input panics.
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

mod diagnostics;
mod dist;
pub mod limits;
mod schema;
mod validate;
mod variants;

pub use diagnostics::{Diagnostic, ScenarioError, Source, locate};
pub use dist::{DistSpec, Sampler};
pub use schema::*;
pub use validate::{Issue, check};

use std::path::Path;
use toml::{Table, Value};

/// The name under which the unmodified base scenario is run.
pub const BASE: &str = "base";

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

/// A loaded, validated scenario with its variants and sweep.
#[derive(Debug, Clone)]
pub struct Scenario {
    source: Source,
    document: Table,
    base: ScenarioSpec,
    variant_names: Vec<String>,
    variants: Vec<ScenarioSpec>,
}

impl Scenario {
    /// Loads and validates a scenario file.
    pub fn load(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let meta =
            std::fs::metadata(path).map_err(|e| ScenarioError::file(&file, format!("cannot read the file: {e}")))?;
        if meta.len() > limits::MAX_FILE_BYTES {
            return Err(ScenarioError::file(
                &file,
                format!(
                    "the file is {} bytes; the limit is {} bytes",
                    meta.len(),
                    limits::MAX_FILE_BYTES
                ),
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| ScenarioError::file(&file, format!("cannot read the file: {e}")))?;
        Self::from_bytes(&bytes, &file)
    }

    /// Parses and validates scenario bytes (which must be UTF-8); `file` labels the errors.
    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<Scenario, ScenarioError> {
        if bytes.len() as u64 > limits::MAX_FILE_BYTES {
            let message = format!(
                "the input is {} bytes; the limit is {} bytes",
                bytes.len(),
                limits::MAX_FILE_BYTES
            );
            return Err(ScenarioError::file(file, message));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let message = format!(
                "the file is not valid UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            );
            ScenarioError::file(file, message)
        })?;
        Self::from_str(text, file)
    }

    /// Parses and validates scenario `text`; `file` labels the errors.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let source = Source {
            file: file.to_string(),
            text: text.to_string(),
        };
        let document: Table = match text.parse::<Table>() {
            Ok(doc) => doc,
            Err(e) => {
                return Err(ScenarioError::single(source.at_span(
                    e.span(),
                    "",
                    e.message().to_string(),
                    None,
                )));
            }
        };
        let base = deserialize(&document)
            .map_err(|(path, message)| ScenarioError::single(source.at_path(&path, message, None)))?;
        Self::build(source, document, base)
    }

    /// A scenario built in code (no file). Validated like a file.
    pub fn from_spec(spec: ScenarioSpec) -> Result<Scenario, ScenarioError> {
        let text = toml::to_string(&spec)
            .map_err(|e| ScenarioError::file("<built in code>", format!("cannot represent the scenario: {e}")))?;
        let source = Source {
            file: "<built in code>".into(),
            text,
        };
        let document = Table::try_from(&spec).map_err(|e| ScenarioError::file(&source.file, e.to_string()))?;
        Self::build(source, document, spec)
    }

    fn build(source: Source, document: Table, base: ScenarioSpec) -> Result<Scenario, ScenarioError> {
        let mut diagnostics: Vec<Diagnostic> = check(&base)
            .into_iter()
            .map(|i| source.at_path(&i.path, i.message, i.valid))
            .collect();
        if !diagnostics.is_empty() {
            return Err(ScenarioError { diagnostics });
        }
        // Variants in file order (the document keeps it).
        let variant_names: Vec<String> = document
            .get("variants")
            .and_then(Value::as_table)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        let mut scenario = Scenario {
            source,
            document,
            base,
            variant_names,
            variants: Vec::new(),
        };
        for name in scenario.variant_names.clone() {
            match scenario.resolve_variant(&name) {
                Ok(spec) => scenario.variants.push(spec),
                Err(mut e) => diagnostics.append(&mut e.diagnostics),
            }
        }
        if let Err(mut e) = scenario.sweep_points() {
            diagnostics.append(&mut e.diagnostics);
        }
        if diagnostics.is_empty() {
            Ok(scenario)
        } else {
            Err(ScenarioError { diagnostics })
        }
    }

    fn resolve_variant(&self, name: &str) -> Result<ScenarioSpec, ScenarioError> {
        let mut doc = self.document.clone();
        variants::apply_variant(&mut doc, &self.base.variants, name).map_err(|(path, message, valid)| {
            let full = if path.is_empty() {
                format!("variants.{name}")
            } else {
                format!("variants.{name}.{path}")
            };
            ScenarioError::single(self.source.at_path(&full, message, Some(valid)))
        })?;
        self.finish(doc, &format!("variants.{name}"), &format!("variant {name:?}"))
    }

    /// Deserialises and checks a patched document; errors point at `anchor` in the file.
    fn finish(&self, doc: Table, anchor: &str, what: &str) -> Result<ScenarioSpec, ScenarioError> {
        let spec = deserialize(&doc).map_err(|(path, message)| {
            ScenarioError::single(self.source.at_path(
                anchor,
                format!("{what} makes `{path}` invalid: {message}"),
                None,
            ))
        })?;
        let issues = check(&spec);
        if issues.is_empty() {
            Ok(spec)
        } else {
            Err(ScenarioError {
                diagnostics: issues
                    .into_iter()
                    .map(|i| {
                        self.source.at_path(
                            anchor,
                            format!("{what} makes `{}` invalid: {}", i.path, i.message),
                            i.valid,
                        )
                    })
                    .collect(),
            })
        }
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
    pub fn variant_names(&self) -> &[String] {
        &self.variant_names
    }

    /// The scenario for `name`: [`BASE`] or a declared variant.
    pub fn variant(&self, name: &str) -> Result<&ScenarioSpec, ScenarioError> {
        if name == BASE {
            return Ok(&self.base);
        }
        match self.variant_names.iter().position(|n| n == name) {
            Some(i) => Ok(&self.variants[i]),
            None => Err(ScenarioError::single(self.source.at_path(
                "variants",
                format!("unknown variant {name:?}"),
                Some(format!("{BASE} or one of: {}", self.variant_names.join(", "))),
            ))),
        }
    }

    /// Every point of the declared sweep (empty when there is none).
    pub fn sweep_points(&self) -> Result<Vec<SweepPoint>, ScenarioError> {
        let Some(sweep) = &self.base.sweep else {
            return Ok(Vec::new());
        };
        let mut start = self.document.clone();
        if let Some(base) = &sweep.base {
            variants::apply_variant(&mut start, &self.base.variants, base).map_err(|(_, message, valid)| {
                ScenarioError::single(self.source.at_path("sweep.base", message, Some(valid)))
            })?;
        }
        let mut grid: Vec<Vec<(usize, usize)>> = vec![vec![]];
        for (a, axis) in sweep.axes.iter().enumerate() {
            grid = grid
                .into_iter()
                .flat_map(|prefix| (0..axis.values.len()).map(move |v| [prefix.clone(), vec![(a, v)]].concat()))
                .collect();
        }
        let mut points = Vec::with_capacity(grid.len());
        for cell in grid {
            let mut doc = start.clone();
            let mut labels = Vec::new();
            let mut values = Vec::new();
            for &(a, v) in &cell {
                let axis = &sweep.axes[a];
                let value = axis.values[v].clone();
                let anchor = format!("sweep.axes[{a}].parameter");
                variants::set_path(&mut doc, &axis.parameter, value.clone()).map_err(|m| {
                    ScenarioError::single(self.source.at_path(
                        &anchor,
                        m,
                        Some("a dotted path to a field of this scenario".into()),
                    ))
                })?;
                labels.push(format!("{}={}", axis.parameter, value));
                values.push(
                    value
                        .as_float()
                        .or(value.as_integer().map(|i| i as f64))
                        .unwrap_or(f64::NAN),
                );
            }
            let label = labels.join(",");
            let spec = self.finish(doc, "sweep", &format!("sweep point {label}"))?;
            points.push(SweepPoint { label, values, spec });
        }
        Ok(points)
    }
}

/// Deserialises a document, returning `(field path, message)` on failure.
fn deserialize(doc: &Table) -> Result<ScenarioSpec, (String, String)> {
    let value = Value::Table(doc.clone());
    serde_path_to_error::deserialize::<_, ScenarioSpec>(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        (path, e.into_inner().message().to_string())
    })
}
