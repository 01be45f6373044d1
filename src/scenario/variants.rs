//! Variants (named overrides) and sweeps, applied to the scenario *document* before it
//! is deserialised, so any field can be overridden and the result is validated exactly
//! like a file.

use super::diagnostics::{Segment, path_segments};
use super::schema::VariantSpec;
use std::collections::BTreeMap;
use toml::{Table, Value};

/// Why an override could not be applied: (path inside the variant, message, valid).
pub type PatchError = (String, String, String);

fn get_mut<'a>(doc: &'a mut Table, path: &str) -> Result<&'a mut Value, String> {
    let segments = path_segments(path);
    let Some((first, rest)) = segments.split_first() else {
        return Err("empty path".into());
    };
    let Segment::Key(first) = first else {
        return Err("a path starts with a table key".into());
    };
    let mut value = doc
        .get_mut(first.as_str())
        .ok_or_else(|| format!("`{first}` does not exist"))?;
    for segment in rest {
        value = match (segment, value) {
            (Segment::Key(k), Value::Table(t)) => {
                t.get_mut(k.as_str()).ok_or_else(|| format!("`{k}` does not exist"))?
            }
            (Segment::Index(i), Value::Array(a)) => {
                a.get_mut(*i).ok_or_else(|| format!("index {i} is out of range"))?
            }
            (s, _) => return Err(format!("cannot step into {s:?} here")),
        };
    }
    Ok(value)
}

/// Sets the value at `path`; the parent must exist, and so must the key unless the
/// parent is a table (so new entries, e.g. a new berth class, can be added).
pub fn set_path(doc: &mut Table, path: &str, new: Value) -> Result<(), String> {
    if let Ok(slot) = get_mut(doc, path) {
        *slot = new;
        return Ok(());
    }
    let (parent, key) = path
        .rsplit_once('.')
        .ok_or_else(|| format!("`{path}` does not exist"))?;
    match get_mut(doc, parent)? {
        Value::Table(t) => {
            t.insert(key.to_string(), new);
            Ok(())
        }
        _ => Err(format!("`{parent}` is not a table")),
    }
}

/// Multiplies the number at `path` by `factor` (integers are rounded).
pub fn scale_path(doc: &mut Table, path: &str, factor: f64) -> Result<(), String> {
    match get_mut(doc, path)? {
        Value::Float(x) => *x *= factor,
        Value::Integer(i) => *i = (*i as f64 * factor).round().clamp(i64::MIN as f64, i64::MAX as f64) as i64,
        other => return Err(format!("`{path}` is a {}, not a number", other.type_str())),
    }
    Ok(())
}

fn has_tag(entity: &Value, tags: &[String]) -> bool {
    if tags.is_empty() {
        return true;
    }
    entity.get("tags").and_then(Value::as_array).is_some_and(|a| {
        a.iter()
            .any(|t| t.as_str().is_some_and(|t| tags.iter().any(|x| x == t)))
    })
}

fn scale_number(value: Option<&mut Value>, factor: f64) {
    match value {
        Some(Value::Float(x)) => *x *= factor,
        Some(Value::Integer(i)) => *i = (*i as f64 * factor).round() as i64,
        _ => {}
    }
}

/// Applies variant `name` (after its `extends`, recursively) to `doc`.
pub fn apply_variant(doc: &mut Table, variants: &BTreeMap<String, VariantSpec>, name: &str) -> Result<(), PatchError> {
    apply_inner(doc, variants, name, &mut Vec::new())
}

fn apply_inner(
    doc: &mut Table,
    variants: &BTreeMap<String, VariantSpec>,
    name: &str,
    stack: &mut Vec<String>,
) -> Result<(), PatchError> {
    let Some(variant) = variants.get(name) else {
        return Err((
            String::new(),
            format!("unknown variant {name:?}"),
            format!("one of: {}", variants.keys().cloned().collect::<Vec<_>>().join(", ")),
        ));
    };
    if stack.iter().any(|s| s == name) {
        return Err((
            "extends".into(),
            format!("variants extend each other in a cycle: {} → {name}", stack.join(" → ")),
            "variants that do not extend themselves".into(),
        ));
    }
    stack.push(name.to_string());
    for parent in &variant.extends {
        apply_inner(doc, variants, parent, stack)?;
    }
    stack.pop();
    if let Some(factor) = variant.demand_factor {
        for (table, field) in [
            ("flows", "annual_tonnes"),
            ("flows", "annual_teu"),
            ("ship_arrivals", "ships_per_year"),
        ] {
            if let Some(Value::Table(entities)) = doc.get_mut(table) {
                for (_, entity) in entities.iter_mut() {
                    if has_tag(entity, &variant.demand_tags) {
                        scale_number(entity.get_mut(field), factor);
                    }
                }
            }
        }
    }
    for (path, value) in &variant.set {
        set_path(doc, path, value.clone()).map_err(|m| {
            (
                format!("set.{path}"),
                m,
                "a dotted path to a field of this scenario".into(),
            )
        })?;
    }
    for (path, factor) in &variant.scale {
        scale_path(doc, path, *factor).map_err(|m| {
            (
                format!("scale.{path}"),
                m,
                "a dotted path to a number in this scenario".into(),
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
