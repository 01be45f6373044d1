//! Error messages in the user's terms. The TOML parser and serde speak of Rust types
//! ("expected internally tagged enum DistSpec", "expected struct Settings",
//! "invalid type: unit variant", "i128"); this module rewrites those messages into what
//! a scenario author needs: what the field should hold, with an example.

use std::ops::Range;

/// A typical distribution, shown wherever a distribution is expected.
pub(crate) const DIST_EXAMPLE: &str = "a distribution such as { dist = \"triangular\", min = 18.0, mode = 22.0, max = 30.0 } (kinds: constant, exponential, uniform, triangular, normal, lognormal, gamma, erlang, weibull, empirical)";

use super::schema::{BerthClass, DeparturePolicy, NodeKind};

/// A number as a message shows it: plain when it reads well (`-1`, `0.02`, `1000`),
/// in scientific notation when it is huge or tiny (`1e308`, not 309 digits).
pub(crate) fn figure(x: f64) -> String {
    let size = x.abs();
    if x.is_finite() && size != 0.0 && !(1e-4..1e9).contains(&size) { format!("{x:e}") } else { format!("{x}") }
}

/// Rewrites a TOML syntax error.
pub(crate) fn syntax(message: &str) -> String {
    let m = message.trim();
    if m.contains("recursion") || m.contains("nesting") {
        return "values are nested too deeply (lists or tables inside each other dozens of levels deep)".into();
    }
    if m.contains("value was too large") || (m.contains("integer") && m.contains("expected any valid TOML value")) {
        return format!(
            "this whole number is too large (at most {}); write a decimal such as 1.5e19 if a real number is meant",
            i64::MAX
        );
    }
    if m == "duplicate key" {
        return "this key is given twice".into();
    }
    tidy(m)
}

/// Where nesting first gets too deep, for parser errors that carry no position.
pub(crate) fn nesting_span(text: &str) -> Option<Range<usize>> {
    let mut depth = 0usize;
    let mut in_string = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '[' | '{' if !in_string => {
                depth += 1;
                if depth > 80 {
                    return Some(i..i + 1);
                }
            }
            ']' | '}' if !in_string => depth = depth.saturating_sub(1),
            '\n' => in_string = false,
            _ => {}
        }
    }
    None
}

/// Rewrites a deserialisation error at field `path`; returns the message and, where
/// it helps, what would be valid.
pub(crate) fn field(path: &str, message: &str) -> (String, Option<String>) {
    let m = message.trim();
    if let Some(missing) = m.strip_prefix("missing field ") {
        let name = missing.trim_matches('`');
        let hint = match (path, name) {
            ("", "scenario") => {
                Some("a [scenario] table with at least `name = \"...\"` and `horizon_days = 365`".to_string())
            }
            _ => Some(format!("add `{name} = ...` here (see docs/scenarios.md for its unit and range)")),
        };
        return (format!("missing field `{name}`"), hint);
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    if m.contains("internally tagged enum") || m.contains("DistSpec") {
        return ("expected a distribution".into(), Some(DIST_EXAMPLE.into()));
    }
    let what = match last {
        "class" => "class",
        "kind" => "node kind",
        "departure" => "departure policy",
        "dist" => "distribution",
        _ => "value",
    };
    if let Some(given) = between(m, "unknown variant `", "`") {
        if what == "distribution" {
            return (format!("unknown distribution {given:?}"), Some(DIST_EXAMPLE.into()));
        }
        let valid = m
            .split_once("expected one of ")
            .or_else(|| m.split_once("expected "))
            .map(|(_, list)| format!("one of {}", list.replace('`', "\"")));
        return (format!("unknown {what} {given:?}"), valid);
    }
    let names: Option<Vec<&str>> = match what {
        "class" => Some(BerthClass::ALL.iter().map(|c| c.name()).collect()),
        "node kind" => Some(NodeKind::NAMES.to_vec()),
        "departure policy" => Some(DeparturePolicy::NAMES.to_vec()),
        _ => None,
    };
    if let Some(names) = names
        && (m.contains("expected string only") || m.contains("wanted string") || m.contains("invalid type"))
    {
        let list: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
        return (format!("expected a {what} in quotes"), Some(format!("one of {}", list.join(", "))));
    }
    (tidy(m), None)
}

/// The text between `open` and the next `close` after it.
fn between(text: &str, open: &str, close: &str) -> Option<String> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(text[start..end].to_string())
}

/// What serde calls a value, in a scenario author's words.
fn found(what: &str) -> String {
    let what = what.trim();
    let quoted = between(what, "`", "`");
    if let Some(text) = what.strip_prefix("string ") {
        return format!("the text {text}");
    }
    match (what.split_whitespace().next(), quoted) {
        (Some("integer" | "floating" | "boolean"), Some(v)) => v,
        (Some("map"), _) => "a table".into(),
        (Some("sequence"), _) => "a list".into(),
        (Some("unit"), _) => "a bare word".into(),
        _ => what.to_string(),
    }
}

/// Replaces Rust type names by what they mean to a scenario author, and shortens
/// huge numbers.
fn tidy(message: &str) -> String {
    // serde's "invalid type: X, expected Y" and "invalid value: X, expected Y".
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((what, expected)) = rest.split_once(", expected ")
        {
            return tidy(&format!("expected {expected}, found {}", found(what)));
        }
    }
    let mut m = message.to_string();
    for (from, to) in [
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected u64", "expected a whole number >= 0"),
        ("expected u32", "expected a whole number from 0 to 4294967295"),
        ("expected usize", "expected a whole number >= 0"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected a string", "expected text in quotes"),
        ("a sequence", "a list [ ... ]"),
        ("expected a map", "expected a table { ... }"),
        (" as i128", ""),
        (" as u128", ""),
        ("invalid type: ", ""),
        ("unit variant", "a bare word"),
        ("expected string only", "expected text in quotes"),
    ] {
        m = m.replace(from, to);
    }
    if let Some(rest) = m.find("expected struct ") {
        let end = m[rest..].find([',', ')']).map_or(m.len(), |e| rest + e);
        m.replace_range(rest..end, "expected a table { ... }");
    }
    if let Some(rest) = m.find("expected tuple struct ") {
        let end = m[rest..].find([',', ')']).map_or(m.len(), |e| rest + e);
        m.replace_range(rest..end, "expected a value");
    }
    shorten_numbers(&m)
}

/// Writes runs of more than 15 digits in scientific notation.
fn shorten_numbers(text: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() > 15 {
            let first = &digits[..1];
            let rest = digits[1..4].trim_end_matches('0');
            let mantissa = if rest.is_empty() { first.to_string() } else { format!("{first}.{rest}") };
            out.push_str(&format!("{mantissa}e{}", digits.len() - 1));
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_are_rewritten() {
        let (m, v) =
            field("flows.x.consignment_tonnes", "invalid type: integer `3`, expected internally tagged enum DistSpec");
        assert_eq!(m, "expected a distribution");
        assert!(v.unwrap().contains("dist = \"triangular\""));
        assert_eq!(
            tidy("invalid type: string \"x\", expected struct Settings"),
            "expected a table { ... }, found the text \"x\""
        );
        assert_eq!(
            tidy("invalid value: integer `-1`, expected u32"),
            "expected a whole number from 0 to 4294967295, found -1"
        );
        assert!(syntax("cannot recurse further; max recursion depth met").contains("nested"));
        assert_eq!(shorten_numbers("x 1000000000000000000000000 y"), "x 1e24 y");
        let (m, v) = field("ship_services.a.class", "invalid type: unit variant, expected string only");
        assert_eq!(m, "expected a class in quotes");
        assert!(v.unwrap().contains("\"rail_ferry\""));
        let (m, v) = field("nodes.x.kind", "unknown variant `sink`, expected one of `origin`, `destination`");
        assert_eq!(m, "unknown node kind \"sink\"");
        assert_eq!(v.unwrap(), "one of \"origin\", \"destination\"");
        let (m, v) = field("", "missing field `scenario`");
        assert_eq!(m, "missing field `scenario`");
        assert!(v.unwrap().contains("[scenario]"));
    }
}

#[cfg(test)]
mod figure_tests {
    use super::figure;

    #[test]
    fn numbers_read_plainly_or_in_scientific_notation() {
        assert_eq!(figure(-1.0), "-1");
        assert_eq!(figure(0.02), "0.02");
        assert_eq!(figure(1e308), "1e308");
        assert_eq!(figure(1e-16), "1e-16");
        assert_eq!(figure(f64::NAN), "NaN");
    }
}
