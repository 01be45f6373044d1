//! Property test: generated and mutated scenario files never make the loader panic.
//! Every input either loads (and then compiles into a network) or gives errors that
//! name the file and a line. Mutations change values, bytes and lines, and structure:
//! entries added to or removed from lists, and years and dates at the edges of their
//! ranges. 10,000 cases by default (`PROPTEST_CASES` overrides).

use corridor::model::Network;
use corridor::scenario::Scenario;
use proptest::prelude::*;

const BASES: [&str; 3] = [
    include_str!("../scenarios/middle_corridor.toml"),
    include_str!("../scenarios/mmc_port.toml"),
    include_str!("../scenarios/middle_corridor_2030.toml"),
];

/// Values that stress parsers and validators.
const EXTREMES: [&str; 22] = [
    "0",
    "-1",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "18446744073709551615",
    "9223372036854775807",
    "4294967296",
    "1e-320",
    "\"\"",
    "\"x\"",
    "true",
    "[]",
    "{}",
    "[1, 2, 3]",
    "{ dist = \"nope\" }",
    "{ dist = \"empirical\", values = [] }",
    "0.5",
    "100000000",
];

/// Cases per property: `PROPTEST_CASES` if set, else 10,000.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SetValue(usize, usize),
    Truncate(usize),
    InsertBytes(usize, Vec<u8>),
    ReplaceByte(usize, u8),
    SwapLines(usize, usize),
    /// One more entry at the end of the i-th one-line list.
    ExtendList(usize, usize),
    /// The last entry of the i-th one-line list removed.
    ShortenList(usize),
    /// The i-th year or date set at an edge of the range.
    EdgeYear(usize, usize),
}

/// Years and dates at and just past the edges of what is valid (1900–2200, the horizon).
const EDGE_YEARS: [&str; 10] =
    ["1899", "1900", "2200", "2201", "\"1899\"", "\"2200-12-31\"", "\"2201-01-01\"", "\"2099\"", "\"2026-02-29\"", "0"];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 0..EXTREMES.len()).prop_map(|(l, v)| Mutation::SetValue(l, v)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, b)| Mutation::InsertBytes(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::ReplaceByte(at, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), 0..EXTREMES.len()).prop_map(|(l, v)| Mutation::ExtendList(l, v)),
        any::<usize>().prop_map(Mutation::ShortenList),
        (any::<usize>(), 0..EDGE_YEARS.len()).prop_map(|(l, v)| Mutation::EdgeYear(l, v)),
    ]
}

fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
    let s = String::from_utf8_lossy(text).to_string();
    let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match m {
        Mutation::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
        }
        Mutation::DuplicateLine(i) => {
            if let Some(l) = lines.get(i % n).cloned() {
                lines.insert(i % n, l);
            }
        }
        Mutation::SetValue(i, v) => {
            // Replace the value of the i-th `key = value` line.
            let assignments: Vec<usize> = (0..lines.len()).filter(|&j| lines[j].contains(" = ")).collect();
            if !assignments.is_empty() {
                let j = assignments[i % assignments.len()];
                let key = lines[j].split(" = ").next().unwrap_or("").to_string();
                lines[j] = format!("{key} = {}", EXTREMES[*v]);
            }
        }
        Mutation::Truncate(at) => return text[..at % (text.len() + 1)].to_vec(),
        Mutation::InsertBytes(at, bytes) => {
            let at = at % (text.len() + 1);
            return [&text[..at], bytes.as_slice(), &text[at..]].concat();
        }
        Mutation::ReplaceByte(at, b) => {
            let mut t = text.to_vec();
            if !t.is_empty() {
                let i = at % t.len();
                t[i] = *b;
            }
            return t;
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
        }
        Mutation::ExtendList(i, v) => {
            if let Some(j) = nth_line(&lines, *i, |l| l.contains(" = [") && l.trim_end().ends_with(']')) {
                let close = lines[j].rfind(']').unwrap_or(0);
                let empty = lines[j][..close].trim_end().ends_with('[');
                let entry = if empty { EXTREMES[*v].to_string() } else { format!(", {}", EXTREMES[*v]) };
                lines[j].insert_str(close, &entry);
            }
        }
        Mutation::ShortenList(i) => {
            if let Some(j) = nth_line(&lines, *i, |l| l.contains(" = [") && l.trim_end().ends_with(']')) {
                let close = lines[j].rfind(']').unwrap_or(0);
                let open = lines[j].find(" = [").map_or(0, |o| o + 4);
                let cut = lines[j][open..close].rfind(',').map_or(open, |c| open + c);
                lines[j].replace_range(cut..close, "");
            }
        }
        Mutation::EdgeYear(i, v) => {
            if let Some(j) = nth_line(&lines, *i, |l| {
                let key = l.split(" = ").next().unwrap_or("");
                l.contains(" = ") && (key.contains("year") || key.contains("date") || key.contains("earliest"))
            }) {
                let key = lines[j].split(" = ").next().unwrap_or("").to_string();
                lines[j] = format!("{key} = {}", EDGE_YEARS[*v]);
            }
        }
    }
    lines.join("\n").into_bytes()
}

/// The index of the `i`-th line (cyclically) for which `wanted` holds.
fn nth_line(lines: &[String], i: usize, wanted: impl Fn(&str) -> bool) -> Option<usize> {
    let hits: Vec<usize> = (0..lines.len()).filter(|&j| wanted(&lines[j])).collect();
    (!hits.is_empty()).then(|| hits[i % hits.len()])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_load_or_fail_cleanly(base in 0..BASES.len(), mutations in proptest::collection::vec(mutation(), 1..4)) {
        let mut bytes = BASES[base].as_bytes().to_vec();
        for m in &mutations {
            bytes = apply(&bytes, m);
        }
        match Scenario::from_bytes(&bytes, "fuzz.toml") {
            Ok(scenario) => {
                // A valid scenario must also compile, for every variant.
                Network::compile(scenario.base()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                for name in scenario.variant_names() {
                    let spec = scenario.variant(&name).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    Network::compile(&spec).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.starts_with("error: fuzz.toml"), "error does not name the file: {}", text);
                prop_assert!(!e.diagnostics.is_empty());
                // An error about a field (not the file as a whole) points at a line.
                for d in &e.diagnostics {
                    prop_assert!(d.path.is_empty() || d.line > 0, "an error without a line: {}", d);
                }
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Scenario::from_bytes(&bytes, "random.toml");
    }
}
