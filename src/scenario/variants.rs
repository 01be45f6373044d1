//! Variants (named overrides) and sweeps, applied to the scenario *document* before it
//! is deserialised, so any field can be overridden and the result is validated exactly
//! like a file.
//!
//! Order: a variant's ancestors (`extends`) are applied first, **each exactly once**,
//! in depth-first order — a parent's own ancestors before the parent, parents left to
//! right — and the variant itself last. Within one variant: `demand_factor`, then every
//! `set`, then every `scale` (each in key order). Linearising the ancestors keeps the
//! cost linear in the number of variants, whatever the shape of the `extends` graph.

use super::limits::MAX_ANCESTORS;
use super::path::{self, Segment};
use super::schema::VariantSpec;
use indexmap::IndexMap;
use std::collections::HashSet;
use toml::{Table, Value};

/// Which entry of a variant a [`PatchError`] concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchField {
    /// The variant as a whole (e.g. an unknown variant name).
    Variant,
    /// `extends[i]`.
    Extends(usize),
    /// The `set` entry with this path.
    Set(String),
    /// The `scale` entry with this path.
    Scale(String),
}

/// Why an override could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("variant {variant:?}: {message} (valid: {valid})")]
pub struct PatchError {
    /// The variant whose entry failed (an ancestor, when the failure is inherited).
    pub variant: String,
    /// The entry.
    pub field: PatchField,
    /// For a malformed path: the character offset inside the path.
    pub offset: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What would be valid.
    pub valid: String,
}

/// Why a path could not be applied to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PathProblem {
    /// Character offset inside the path, when the path itself is malformed.
    pub offset: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl PathProblem {
    fn at(message: String) -> Self {
        PathProblem { offset: None, message }
    }
}

/// "a float", "an integer", ... for messages.
fn a(value: &Value) -> String {
    let t = value.type_str();
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {t}")
}

fn parse(path: &str) -> Result<Vec<Segment>, PathProblem> {
    path::parse(path)
        .map_err(|e| PathProblem { offset: Some(e.offset), message: format!("malformed path: {}", e.message) })
}

fn get_mut<'a>(doc: &'a mut Table, segments: &[Segment]) -> Result<&'a mut Value, PathProblem> {
    let Some((Segment::Key(first), rest)) = segments.split_first() else {
        return Err(PathProblem::at("a path starts with a table key".into()));
    };
    let mut value = doc.get_mut(first.as_str()).ok_or_else(|| PathProblem::at(format!("`{first}` does not exist")))?;
    let mut walked = first.clone();
    for segment in rest {
        value = match (segment, value) {
            (Segment::Key(k), Value::Table(t)) => {
                t.get_mut(k.as_str()).ok_or_else(|| PathProblem::at(format!("`{walked}.{k}` does not exist")))?
            }
            (Segment::Index(i), Value::Array(a)) => {
                let len = a.len();
                a.get_mut(*i).ok_or_else(|| {
                    PathProblem::at(format!("index {i} is out of range: `{walked}` has {len} entries"))
                })?
            }
            (Segment::Key(k), other) => {
                return Err(PathProblem::at(format!("`{walked}` is {}, so it has no field `{k}`", a(other))));
            }
            (Segment::Index(i), other) => {
                return Err(PathProblem::at(format!(
                    "`{walked}` is {}, not a list, so it has no entry [{i}]",
                    a(other)
                )));
            }
        };
        walked = format!("{walked}{}{segment}", if matches!(segment, Segment::Key(_)) { "." } else { "" });
    }
    Ok(value)
}

/// The value at `path`.
///
/// # Errors
/// A malformed path, or a path that does not exist.
pub(super) fn get_path(doc: &mut Table, path: &str) -> Result<Value, PathProblem> {
    let segments = parse(path)?;
    get_mut(doc, &segments).map(|v| v.clone())
}

/// Sets the value at `path`. The parent must exist, and so must the key unless the
/// parent is a table (so that new entries, e.g. a new berth class, can be added).
///
/// # Errors
/// A malformed path, or a parent that does not exist or is not a table.
pub(super) fn set_path(doc: &mut Table, path: &str, new: Value) -> Result<(), PathProblem> {
    let segments = parse(path)?;
    if let Ok(slot) = get_mut(doc, &segments) {
        *slot = new;
        return Ok(());
    }
    match segments.split_last() {
        Some((Segment::Key(key), parent)) if !parent.is_empty() => match get_mut(doc, parent)? {
            Value::Table(t) => {
                t.insert(key.clone(), new);
                Ok(())
            }
            other => Err(PathProblem::at(format!("`{}` is {}, not a table", path::format(parent), a(other)))),
        },
        _ => get_mut(doc, &segments).map(|_| ()),
    }
}

/// Multiplies the number at `path` by `factor`. A whole number stays whole when the
/// product is whole; otherwise it becomes the exact product (a rate written `3` and
/// scaled by 1.3 is 3.9, never rounded to 4), and a field that must be whole then
/// refuses it by its path when the scenario is read.
///
/// # Errors
/// A malformed path, a path that does not exist, or a value that is not a number.
pub(super) fn scale_path(doc: &mut Table, path: &str, factor: f64) -> Result<(), PathProblem> {
    let segments = parse(path)?;
    match get_mut(doc, &segments)? {
        Value::Float(x) => *x *= factor,
        value @ Value::Integer(_) => *value = scale_integer(value.as_integer().unwrap_or_default(), factor),
        other => {
            return Err(PathProblem::at(format!("`{path}` is {}, not a number", a(other))));
        }
    }
    Ok(())
}

/// Adds `amount` to the number at `path` (an integer stays an integer: the amount must
/// then be whole), e.g. one more berth: `"ports.baku.berths.rail_ferry.count" = 1`.
///
/// # Errors
/// A malformed path, a path that does not exist, a value that is not a number, or a
/// fraction added to an integer.
pub(super) fn add_path(doc: &mut Table, path: &str, amount: f64) -> Result<(), PathProblem> {
    let segments = parse(path)?;
    match get_mut(doc, &segments)? {
        Value::Float(x) => *x += amount,
        Value::Integer(i) => {
            if amount.fract() != 0.0 || !amount.is_finite() {
                return Err(PathProblem::at(format!("`{path}` is a whole number, so {amount} cannot be added to it")));
            }
            *i = i.saturating_add(amount.clamp(i64::MIN as f64, i64::MAX as f64) as i64);
        }
        other => {
            return Err(PathProblem::at(format!("`{path}` is {}, not a number", a(other))));
        }
    }
    Ok(())
}

/// `i × factor`: a whole number when the product is one (and fits), the exact product
/// otherwise.
fn scale_integer(i: i64, factor: f64) -> Value {
    let product = i as f64 * factor;
    if product.fract() == 0.0 && product.abs() < 9.0e18 {
        Value::Integer(product as i64)
    } else {
        Value::Float(product)
    }
}

fn has_tag(entity: &Value, tags: &[String]) -> bool {
    if tags.is_empty() {
        return true;
    }
    entity
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|t| t.as_str().is_some_and(|t| tags.iter().any(|x| x == t))))
}

/// Multiplies the demand of every flow and open-arrival stream carrying one of `tags`
/// (all of them when `tags` is empty) by `factor`.
pub(super) fn scale_demand(doc: &mut Table, factor: f64, tags: &[String]) {
    for (table, field) in [("flows", "annual_tonnes"), ("flows", "annual_teu"), ("ship_arrivals", "ships_per_year")] {
        if let Some(Value::Table(entities)) = doc.get_mut(table) {
            for (_, entity) in entities.iter_mut() {
                if has_tag(entity, tags) {
                    match entity.get_mut(field) {
                        Some(Value::Float(x)) => *x *= factor,
                        Some(value @ Value::Integer(_)) => {
                            *value = scale_integer(value.as_integer().unwrap_or_default(), factor);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

/// The variants to apply for `name`, ancestors first, each once (see the module docs).
///
/// # Errors
/// An unknown variant or a cycle of `extends`.
pub fn linearize<'a>(variants: &'a IndexMap<String, VariantSpec>, name: &'a str) -> Result<Vec<&'a str>, PatchError> {
    fn visit<'a>(
        variants: &'a IndexMap<String, VariantSpec>,
        name: &'a str,
        child: Option<(&'a str, usize)>,
        done: &mut HashSet<&'a str>,
        path: &mut Vec<&'a str>,
        order: &mut Vec<&'a str>,
    ) -> Result<(), PatchError> {
        if done.contains(name) {
            return Ok(());
        }
        let Some((key, variant)) = variants.get_key_value(name) else {
            let names: Vec<&str> = variants.keys().map(String::as_str).collect();
            let (variant, field) = match child {
                Some((c, i)) => (c.to_string(), PatchField::Extends(i)),
                None => (name.to_string(), PatchField::Variant),
            };
            return Err(PatchError {
                variant,
                field,
                offset: None,
                message: format!("unknown variant {name:?}"),
                valid: if names.is_empty() {
                    "the id of a variant in this file (it declares none)".into()
                } else {
                    format!("one of: {}", names.join(", "))
                },
            });
        };
        if let Some(at) = path.iter().position(|p| *p == name) {
            let mut cycle: Vec<&str> = path[at..].to_vec();
            cycle.push(name);
            let (variant, i) = child.unwrap_or((name, 0));
            return Err(PatchError {
                variant: variant.to_string(),
                field: PatchField::Extends(i),
                offset: None,
                message: format!("variants extend each other in a cycle: {}", cycle.join(" → ")),
                valid: "variants that do not extend themselves".into(),
            });
        }
        path.push(key);
        for (i, parent) in variant.extends.iter().enumerate() {
            visit(variants, parent, Some((key, i)), done, path, order)?;
        }
        path.pop();
        done.insert(key);
        order.push(key);
        Ok(())
    }
    let mut order = Vec::new();
    visit(variants, name, None, &mut HashSet::new(), &mut Vec::new(), &mut order)?;
    if order.len() > MAX_ANCESTORS + 1 {
        return Err(PatchError {
            variant: name.to_string(),
            field: PatchField::Extends(0),
            offset: None,
            message: format!(
                "this variant builds on {} others (directly or through `extends`); at most {MAX_ANCESTORS} are allowed",
                order.len() - 1
            ),
            valid: "shorter chains of `extends`".into(),
        });
    }
    Ok(order)
}

/// Applies variant `name` (after its ancestors, each once) to `doc`.
///
/// # Errors
/// The first override that cannot be applied, naming the variant and entry it came from.
pub(super) fn apply_variant(
    doc: &mut Table,
    variants: &IndexMap<String, VariantSpec>,
    name: &str,
) -> Result<(), PatchError> {
    for id in linearize(variants, name)? {
        apply_own(doc, id, &variants[id])?;
    }
    Ok(())
}

/// Applies one variant's own overrides (not its ancestors').
fn apply_own(doc: &mut Table, name: &str, variant: &VariantSpec) -> Result<(), PatchError> {
    if let Some(factor) = variant.demand_factor {
        scale_demand(doc, factor, &variant.demand_tags);
    }
    let fail = |field: PatchField, p: PathProblem, valid: &str| PatchError {
        variant: name.to_string(),
        field,
        offset: p.offset,
        message: p.message,
        valid: valid.to_string(),
    };
    for (path, value) in &variant.set {
        set_path(doc, path, value.to_toml())
            .map_err(|p| fail(PatchField::Set(path.clone()), p, "a dotted path to a field of this scenario"))?;
    }
    for (path, factor) in &variant.scale {
        scale_path(doc, path, *factor)
            .map_err(|p| fail(PatchField::Scale(path.clone()), p, "a dotted path to a number in this scenario"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::OverrideValue;

    #[test]
    fn set_and_scale_follow_paths() {
        let mut doc: Table = toml::from_str("[a.b]\nx = 2\ny = [1.0, 2.0]\n").unwrap();
        set_path(&mut doc, "a.b.x", Value::Integer(5)).unwrap();
        scale_path(&mut doc, "a.b.y[1]", 1.5).unwrap();
        set_path(&mut doc, "a.b.z", Value::Boolean(true)).unwrap();
        assert_eq!(doc["a"]["b"]["x"].as_integer(), Some(5));
        assert_eq!(doc["a"]["b"]["y"][1].as_float(), Some(3.0));
        assert!(set_path(&mut doc, "a.c.x", Value::Integer(1)).is_err());
        assert!(scale_path(&mut doc, "a.b.z", 2.0).is_err());
    }

    #[test]
    fn malformed_paths_never_reach_another_field() {
        let mut doc: Table = toml::from_str("[p]\nyard = 10.0\nroute = [\"a\", \"b\"]\n").unwrap();
        let before = doc.clone();
        for bad in ["p.yard[foo]", "p.route[99999999999999999999]", "p.a[0]]", "p[]]", "p.é"] {
            let e = scale_path(&mut doc, bad, 2.0).unwrap_err();
            assert!(e.offset.is_some(), "{bad}: {e:?}");
            let e = set_path(&mut doc, bad, Value::Integer(1)).unwrap_err();
            assert!(e.offset.is_some(), "{bad}: {e:?}");
        }
        assert!(scale_path(&mut doc, "p.route[5]", 2.0).is_err());
        assert!(scale_path(&mut doc, "p.yard[0]", 2.0).is_err());
        assert_eq!(doc, before, "a failed patch changed the document");
    }

    fn variant(extends: &[&str], factor: Option<f64>) -> VariantSpec {
        VariantSpec {
            extends: extends.iter().map(|s| s.to_string()).collect(),
            demand_factor: factor,
            ..VariantSpec::default()
        }
    }

    #[test]
    fn a_shared_ancestor_is_applied_once() {
        // Diamond: d extends b and c, which both extend a (×2 demand).
        let variants = IndexMap::from([
            ("a".to_string(), variant(&[], Some(2.0))),
            ("b".to_string(), variant(&["a"], None)),
            ("c".to_string(), variant(&["a"], None)),
            ("d".to_string(), variant(&["b", "c"], None)),
        ]);
        assert_eq!(linearize(&variants, "d").unwrap(), vec!["a", "b", "c", "d"]);
        let mut doc: Table = toml::from_str("[flows.f]\nannual_tonnes = 100.0\n").unwrap();
        apply_variant(&mut doc, &variants, "d").unwrap();
        assert_eq!(doc["flows"]["f"]["annual_tonnes"].as_float(), Some(200.0));
    }

    #[test]
    fn deep_diamonds_cost_linear_time() {
        // 30 levels, each extending both variants of the level below: 2^30 paths.
        let mut variants = IndexMap::new();
        variants.insert("l0a".to_string(), variant(&[], Some(1.01)));
        variants.insert("l0b".to_string(), variant(&[], None));
        for l in 1..30 {
            let (a, b) = (format!("l{}a", l - 1), format!("l{}b", l - 1));
            variants.insert(format!("l{l}a"), variant(&[&a, &b], None));
            variants.insert(format!("l{l}b"), variant(&[&a, &b], None));
        }
        let order = linearize(&variants, "l29a").unwrap();
        assert_eq!(order.len(), 59);
        let mut doc: Table = toml::from_str("[flows.f]\nannual_tonnes = 100.0\n").unwrap();
        apply_variant(&mut doc, &variants, "l29a").unwrap();
        assert_eq!(doc["flows"]["f"]["annual_tonnes"].as_float(), Some(101.0));
    }

    #[test]
    fn cycles_and_unknown_parents_are_errors() {
        let variants = IndexMap::from([
            ("a".to_string(), variant(&["b"], None)),
            ("b".to_string(), variant(&["a"], None)),
            ("c".to_string(), variant(&["nope"], None)),
        ]);
        let e = linearize(&variants, "a").unwrap_err();
        assert!(e.message.contains("cycle: a → b → a"), "{e}");
        let e = linearize(&variants, "c").unwrap_err();
        assert_eq!((e.variant.as_str(), &e.field), ("c", &PatchField::Extends(0)));
        let _ = OverrideValue::Integer(1);
    }
}
