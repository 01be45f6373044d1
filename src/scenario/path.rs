//! Field paths such as `ports.baku.berths.dry.count` or `flows.x.route[2]`: a strict
//! parser shared by variants, sweeps and error locations.
//!
//! Grammar: `key ( "." key | "[" index "]" )*`, where a key is one or more ASCII
//! letters, digits, `_` or `-` (a bare TOML key) and an index is a whole number below
//! [`MAX_INDEX`]. Anything else is a [`PathError`] that says where the path goes wrong;
//! the parser never panics and never guesses.

use std::fmt;

/// Largest array index a path may use (routes and lists are far shorter).
pub const MAX_INDEX: usize = 1_000_000;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(k) => write!(f, "{k}"),
            Segment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Why a path could not be parsed: the character offset (not byte) where it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed path {path:?}: {message} at character {}", offset + 1)]
pub struct PathError {
    /// The path as given.
    pub path: String,
    /// 0-based character offset of the problem.
    pub offset: usize,
    /// What is wrong there.
    pub message: String,
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Parses a dotted path strictly (see the module docs).
///
/// ```
/// use corridor::scenario::path::{parse, Segment};
/// assert_eq!(
///     parse("flows.a.route[2]").unwrap(),
///     vec![Segment::Key("flows".into()), Segment::Key("a".into()), Segment::Key("route".into()), Segment::Index(2)]
/// );
/// assert!(parse("ports.a[0]]").is_err());
/// assert!(parse("ports.a.yard[foo]").is_err());
/// ```
///
/// # Errors
/// A [`PathError`] naming the first character that does not fit the grammar.
pub fn parse(path: &str) -> Result<Vec<Segment>, PathError> {
    let chars: Vec<char> = path.chars().collect();
    let fail = |offset: usize, message: String| PathError { path: path.to_string(), offset, message };
    let describe = |i: usize| match chars.get(i) {
        Some(c) => format!("unexpected {c:?}"),
        None => "unexpected end".to_string(),
    };
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // A key.
        let start = i;
        while i < chars.len() && is_key_char(chars[i]) {
            i += 1;
        }
        if i == start {
            let what = describe(i);
            return Err(fail(i, format!("{what}, expected a key of letters, digits, '_' or '-'")));
        }
        out.push(Segment::Key(chars[start..i].iter().collect()));
        // Any number of indices.
        while chars.get(i) == Some(&'[') {
            let open = i;
            i += 1;
            let digits = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i == digits {
                let what = describe(i);
                return Err(fail(i, format!("{what}, expected a whole number inside [ ]")));
            }
            if chars.get(i) != Some(&']') {
                let what = describe(i);
                return Err(fail(i, format!("{what}, expected ']'")));
            }
            let text: String = chars[digits..i].iter().collect();
            let index = text
                .parse::<usize>()
                .ok()
                .filter(|&n| n <= MAX_INDEX)
                .ok_or_else(|| fail(open, format!("index {text} is too large (at most {MAX_INDEX})")))?;
            out.push(Segment::Index(index));
            i += 1;
        }
        match chars.get(i) {
            None => return Ok(out),
            Some('.') => i += 1,
            Some(_) => {
                let what = describe(i);
                return Err(fail(i, format!("{what}, expected '.', '[' or the end")));
            }
        }
    }
}

/// Formats segments back into a path (`a.b[2].c`).
pub fn format(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_paths_round_trip() {
        for p in ["a", "a.b", "ports.baku.berths.rail_ferry.count", "flows.x-1.route[0]", "a[1][2].b"] {
            assert_eq!(format(&parse(p).unwrap()), p);
        }
    }

    #[test]
    fn malformed_paths_are_errors_with_a_position() {
        let cases = [
            ("ports.a[0]]", 10),
            ("a[]]", 2),
            ("ports.baku.yard_capacity_tonnes[foo]", 32),
            ("a[99999999999999999999]", 1),
            ("ports.bakü.count", 9),
            ("", 0),
            (".a", 0),
            ("a..b", 2),
            ("a.", 2),
            ("a[1", 3),
            ("a b", 1),
            ("[0]", 0),
        ];
        for (path, offset) in cases {
            let e = parse(path).unwrap_err();
            assert_eq!(e.offset, offset, "{path}: {e}");
        }
    }
}
