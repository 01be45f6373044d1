//! Scenario errors that point at the source: file, line, column, field path, message
//! and what would be valid, with a caret under the offending text.

use super::path::Segment;
use std::fmt;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// One problem found in a scenario.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file (or a label such as `<built in code>`).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// Dotted path of the field, e.g. `ports.baku.berths.dry.count`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What would be valid, when known.
    pub valid: Option<String>,
    /// The source line with a caret, when known.
    pub snippet: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.path.is_empty() {
            write!(f, ": field `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(valid) = &self.valid {
            write!(f, " (valid: {valid})")?;
        }
        if let Some(snippet) = &self.snippet {
            write!(f, "\n{snippet}")?;
        }
        Ok(())
    }
}

/// Most diagnostics kept in one [`ScenarioError`]; the rest are counted.
pub const MAX_DIAGNOSTICS: usize = 100;

/// Every problem found in a scenario; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// The problems, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl ScenarioError {
    /// An error from `diagnostics`, keeping at most [`MAX_DIAGNOSTICS`] of them and a
    /// last one that counts the rest.
    pub fn many(mut diagnostics: Vec<Diagnostic>) -> Self {
        if diagnostics.len() > MAX_DIAGNOSTICS {
            let more = diagnostics.len() - MAX_DIAGNOSTICS;
            let file = diagnostics[0].file.clone();
            diagnostics.truncate(MAX_DIAGNOSTICS);
            diagnostics.push(Diagnostic {
                file,
                line: 0,
                column: 0,
                path: String::new(),
                message: format!("… and {more} more problems (fix those above first)"),
                valid: None,
                snippet: None,
            });
        }
        ScenarioError { diagnostics }
    }

    /// An error with one diagnostic.
    pub fn single(diagnostic: Diagnostic) -> Self {
        ScenarioError { diagnostics: vec![diagnostic] }
    }

    /// An error about a whole file (unreadable, not UTF-8, ...).
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self::single(Diagnostic {
            file: file.to_string(),
            line: 0,
            column: 0,
            path: String::new(),
            message: message.into(),
            valid: None,
            snippet: None,
        })
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        if self.diagnostics.len() > 1 {
            write!(f, "\n{} errors", self.diagnostics.len())?;
        }
        Ok(())
    }
}

/// The text of one scenario file, for turning byte offsets and paths into positions.
#[derive(Debug, Clone)]
pub struct Source {
    /// File name as given by the user.
    pub file: String,
    /// The file's text.
    pub text: String,
}

impl Source {
    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let offset = (0..=offset).rev().find(|&o| self.text.is_char_boundary(o)).unwrap_or(0);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// The line holding `span.start`, with carets under the span (clipped to the line).
    pub fn snippet(&self, span: &Range<usize>) -> String {
        let (line, column) = self.line_col(span.start);
        let text = self.text.lines().nth(line - 1).unwrap_or("");
        let width = self.text.get(span.clone()).map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
        let width = width.min(text.chars().count().saturating_sub(column - 1).max(1));
        let gutter = " ".repeat(line.to_string().len());
        format!("{gutter} |\n{line} | {text}\n{gutter} | {}{}", " ".repeat(column - 1), "^".repeat(width))
    }

    /// A diagnostic located at `span`.
    pub fn at_span(
        &self,
        span: Option<Range<usize>>,
        path: &str,
        message: String,
        valid: Option<String>,
    ) -> Diagnostic {
        let (line, column, snippet) = match span {
            Some(span) => {
                let (l, c) = self.line_col(span.start);
                (l, c, Some(self.snippet(&span)))
            }
            None => (0, 0, None),
        };
        Diagnostic { file: self.file.clone(), line, column, path: path.to_string(), message, valid, snippet }
    }

    /// A diagnostic located at the field `path` (or its nearest existing parent).
    pub fn at_path(&self, path: &str, message: String, valid: Option<String>) -> Diagnostic {
        let span = locate(&self.text, path);
        self.at_span(span, path, message, valid)
    }
}

/// Byte span of the value at `path` in `text`, or of its nearest existing ancestor.
/// A malformed path locates nothing.
pub fn locate(text: &str, path: &str) -> Option<Range<usize>> {
    let segments = super::path::parse(path).ok()?;
    locate_segments(text, &segments, false)
}

/// Byte span of the entry at `segments` (of its key when `key` is set, else of its
/// value; tables always by their key), or of the nearest existing ancestor.
pub(super) fn locate_segments(text: &str, segments: &[Segment], key: bool) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    walk(root.get_ref(), segments, key)
}

/// Like [`locate_segments`] for many entries at once: the text is parsed once.
pub(super) fn locate_many(text: &str, requests: &[(Vec<Segment>, bool)]) -> Vec<Option<Range<usize>>> {
    match DeTable::parse(text) {
        Ok(root) => requests.iter().map(|(s, key)| walk(root.get_ref(), s, *key)).collect(),
        Err(_) => vec![None; requests.len()],
    }
}

fn walk(root: &DeTable<'_>, segments: &[Segment], key: bool) -> Option<Range<usize>> {
    let mut span: Option<Range<usize>> = None;
    let mut table: Option<&DeTable<'_>> = Some(root);
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        let next = match (segment, table, array) {
            (Segment::Key(name), Some(t), _) => t.iter().find(|(k, _)| k.get_ref().as_ref() == name).map(|(k, v)| {
                // Point at the key for tables (their span can be the whole section).
                let at =
                    if matches!(v.get_ref(), DeValue::Table(_)) || (key && i == last) { k.span() } else { v.span() };
                (v, at)
            }),
            (Segment::Index(i), _, Some(a)) => a.get(*i).map(|v| (v, v.span())),
            _ => None,
        };
        let Some((value, at)) = next else { break };
        span = Some(at);
        (table, array) = match value.get_ref() {
            DeValue::Table(t) => (Some(t), None),
            DeValue::Array(a) => (None, Some(a.as_ref())),
            _ => (None, None),
        };
    }
    span
}

/// `path` as the deserialiser gives it, each `?` (a map key it cannot name, such as a
/// berth class) replaced by the key of the table entry whose value holds `span` (the
/// offending value): `ports.p.berths.?.count` becomes `ports.p.berths.dry.count`.
/// Parts it cannot resolve stay as they are.
pub(super) fn name_unnamed_keys(text: &str, path: &str, span: &Range<usize>) -> String {
    if !path.split('.').any(|p| p == "?") {
        return path.to_string();
    }
    let Ok(root) = DeTable::parse(text) else { return path.to_string() };
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut named = Vec::new();
    for part in path.split('.') {
        let found = table.and_then(|t| {
            if part != "?" {
                return t.iter().find(|(k, _)| k.get_ref().as_ref() == part);
            }
            // The entry whose value holds the span (an inline table), else the one
            // declared last before it (a `[a.b.key]` section, whose span is its header).
            t.iter()
                .find(|(_, v)| v.span().start <= span.start && span.end <= v.span().end)
                .or_else(|| t.iter().filter(|(k, _)| k.span().start <= span.start).max_by_key(|(k, _)| k.span().start))
        });
        match found {
            Some((k, v)) => {
                named.push(k.get_ref().to_string());
                table = match v.get_ref() {
                    DeValue::Table(t) => Some(t),
                    _ => None,
                };
            }
            None => {
                named.push(part.to_string());
                table = None;
            }
        }
    }
    named.join(".")
}

/// Narrows `span` (of a key or string holding `needle`) to the character at
/// `char_offset` inside `needle`; the whole span when `needle` is not found.
pub(super) fn narrow_to_char(text: &str, span: Range<usize>, needle: &str, char_offset: usize) -> Range<usize> {
    let Some(slice) = text.get(span.clone()) else {
        return span;
    };
    let Some(at) = slice.find(needle) else {
        return span;
    };
    let byte = needle.char_indices().nth(char_offset).map_or(needle.len(), |(b, _)| b);
    let width = needle[byte..].chars().next().map_or(1, char::len_utf8);
    let start = span.start + at + byte;
    start..start + width
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "[scenario]\nname = \"x\"\n\n[ports.baku.berths.dry]\ncount = -3\nroute = [\"a\", \"b\"]\n";

    #[test]
    fn locates_nested_fields_and_array_items() {
        let src = Source { file: "f.toml".into(), text: DOC.into() };
        let d = src.at_path("ports.baku.berths.dry.count", "negative".into(), Some("a whole number >= 0".into()));
        assert_eq!((d.line, d.column), (5, 9));
        assert!(d.to_string().starts_with("f.toml:5:9: field `ports.baku.berths.dry.count`: negative (valid: a whole"));
        assert!(d.snippet.unwrap().contains("5 | count = -3\n  |         ^^"));
        let d = src.at_path("ports.baku.berths.dry.route[1]", "unknown".into(), None);
        assert_eq!((d.line, d.column), (6, 15));
    }

    #[test]
    fn missing_fields_point_at_the_nearest_parent() {
        let src = Source { file: "f.toml".into(), text: DOC.into() };
        let d = src.at_path("ports.baku.yard_capacity_tonnes", "missing".into(), None);
        assert_eq!(d.line, 4);
    }
}
