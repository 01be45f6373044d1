//! The documentation stays true: the README's JSON contract names every key the
//! program writes, its synopsis every subcommand and flag, its `--out` list every file
//! written; every file the docs and scenario comments refer to exists; every timing
//! claim stands beside the command that measured it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_corridor");

fn readme() -> String {
    std::fs::read_to_string("README.md").unwrap()
}

/// The README section that starts with `heading` (up to the next heading of any level).
fn section(heading: &str) -> String {
    let text = readme();
    let start = text.find(heading).unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &text[start + heading.len()..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    rest[..end].to_string()
}

fn keys_of(value: &serde_json::Value) -> Vec<String> {
    value.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn the_json_contract_names_every_key_written() {
    let dir = std::env::temp_dir().join(format!("corridor-docs-{}", std::process::id()));
    let out = Command::new(BIN)
        .args([
            "compare",
            "scenarios/middle_corridor.toml",
            "--max-replications",
            "12",
            "--variant",
            "baseline",
            "--variant",
            "baku_phase2",
        ])
        .args(["--precision", "port.baku.throughput_tonnes=0.5", "--json", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let contract = section("### JSON contract");
    let mut keys: BTreeSet<String> = keys_of(&doc).into_iter().collect();
    let variant = &doc["variants"][0];
    keys.extend(keys_of(variant));
    keys.extend(keys_of(&variant["bottleneck"]));
    let stability = &variant["stability"];
    keys.extend(keys_of(stability));
    keys.extend(keys_of(&stability["growth"]));
    keys.extend(keys_of(&stability["binding"]));
    keys.extend(keys_of(&stability["replications"]));
    keys.extend(keys_of(&stability["flows"][0]));
    keys.extend(keys_of(&variant["capacity"]));
    keys.extend(keys_of(&variant["capacity"]["rows"][0]));
    keys.extend(keys_of(variant["kpis"].as_object().unwrap().values().next().unwrap()));
    keys.extend(keys_of(&doc["comparisons"][0]));
    keys.extend(keys_of(&doc["precision"]));
    keys.extend(keys_of(&doc["precision"]["variants"][0]));
    for key in keys {
        assert!(
            contract.contains(&format!("`{key}`")) || contract.contains(&format!("\"{key}\"")),
            "the JSON contract does not name `{key}`"
        );
    }
    // Every family of KPI keys is listed: `port.<id>.throughput_tonnes` → throughput_tonnes.
    for k in variant["kpis"].as_object().unwrap().keys() {
        let parts: Vec<&str> = k.split('.').collect();
        let family = match parts[0] {
            "system" => parts[1],
            "utilisation" | "rho" | "place" => parts[0],
            // Per-direction service KPIs: `service.<id>.<from>_to_<to>.trips`.
            "service" if parts.len() > 3 && parts[2].contains("_to_") => parts[3],
            _ => parts.get(2).copied().unwrap_or(parts[0]),
        };
        assert!(contract.contains(family), "the JSON contract lists no KPI like {k} ({family})");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_json_contract_names_every_planning_and_cost_key() {
    let out = Command::new(BIN)
        .args(["run", "scenarios/middle_corridor_2030.toml", "--replications", "2", "--variant", "announced"])
        .args(["--json", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let contract = section("### JSON contract");
    let variant = &doc["variants"][0];
    let mut keys: BTreeSet<String> = keys_of(variant).into_iter().collect();
    keys.extend(keys_of(&variant["years"][0]));
    for key in keys {
        assert!(
            contract.contains(&format!("`{key}`")) || contract.contains(&format!("\"{key}\"")),
            "the JSON contract does not name `{key}`"
        );
    }
    let kpis: Vec<&String> = variant["kpis"].as_object().unwrap().keys().collect();
    for needle in ["year.2025.", ".system.completed", ".route.", "cost_per_tonne", "co2_kg_per_tonne"] {
        assert!(kpis.iter().any(|k| k.contains(needle)), "no KPI contains {needle}");
    }
    for k in kpis {
        let k = k.strip_prefix("year.").and_then(|r| r.split_once('.')).map_or(k.as_str(), |(_, rest)| rest);
        let last = k.rsplit('.').find(|p| !["mean", "p95"].contains(p)).unwrap_or(k);
        if [
            "cost_per_tonne",
            "tariff_per_tonne",
            "time_cost_per_tonne",
            "co2_kg_per_tonne",
            "door_to_door_days",
            "cost_total",
            "co2_tonnes",
            "completed",
        ]
        .contains(&last)
        {
            assert!(contract.contains(last), "the JSON contract lists no KPI like {k}");
        }
    }
}

#[test]
fn the_synopsis_names_every_subcommand_and_flag() {
    let synopsis = section("## The CLI");
    let help = String::from_utf8(Command::new(BIN).arg("--help").output().unwrap().stdout).unwrap();
    let subcommands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(subcommands.len() >= 5, "{help}");
    for sub in &subcommands {
        assert!(synopsis.contains(&format!("corridor {sub}")), "the synopsis lacks `corridor {sub}`");
        let help =
            String::from_utf8(Command::new(BIN).args([sub.as_str(), "--help"]).output().unwrap().stdout).unwrap();
        for flag in help.split_whitespace().filter(|w| w.starts_with("--") && w.len() > 3) {
            let flag = flag.trim_end_matches([',', '.', ')', '`']);
            let flag = flag.split('=').next().unwrap();
            if flag == "--help" || flag == "--version" {
                continue;
            }
            assert!(synopsis.contains(flag), "the synopsis does not mention {flag} (of `corridor {sub}`)");
        }
    }
    for default in ["seed 42", "first variant"] {
        assert!(synopsis.contains(default), "the synopsis does not state the default {default:?}");
    }
}

#[test]
fn the_out_list_names_every_file_written() {
    let synopsis = section("## The CLI");
    let commands: [&[&str]; 2] = [
        &["run", "scenarios/mmc_port.toml", "--replications", "2"],
        &[
            "plan",
            "tests/common/plan_growing_port.toml",
            "--criterion",
            "port.p.ship_wait_hours.mean <= 8",
            "--best",
            "2",
        ],
    ];
    for (k, args) in commands.iter().enumerate() {
        let dir = std::env::temp_dir().join(format!("corridor-docs-out-{}-{k}", std::process::id()));
        let out = Command::new(BIN).args(*args).arg("--out").arg(&dir).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            // Per-variant files are listed by pattern: `time_split_<variant>.svg`.
            let listed = if name.starts_with("time_split_") {
                "time_split_<variant>.svg".to_string()
            } else if name.starts_with("map_") {
                "map_<variant>.svg".to_string()
            } else {
                name.clone()
            };
            assert!(synopsis.contains(&listed), "the README does not list {listed}, which --out writes");
        }
        std::fs::remove_dir_all(dir).ok();
    }
}

/// Paths like `tests/x.rs` or `docs/x.md` mentioned in a text.
fn mentioned_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["tests/", "examples/", "benches/", "scenarios/", "docs/", "deploy/", "src/", "fuzz/", ".ci/"] {
        let mut rest = text;
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            let tail = &rest[i..];
            let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || "/_.-".contains(c))).unwrap_or(tail.len());
            let path = tail[..end].trim_end_matches('.').to_string();
            if !matches!(before, Some(c) if c.is_ascii_alphanumeric() || c == '/' || c == '.') && path.contains('.') {
                out.push(path);
            }
            rest = &tail[end.max(1)..];
        }
    }
    out
}

#[test]
fn every_file_the_docs_mention_exists() {
    let mut sources: Vec<String> = vec!["README.md".into(), "ARCHITECTURE.md".into()];
    for dir in ["scenarios", "docs"] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            sources.extend(entries.map(|e| e.unwrap().path().display().to_string()));
        }
    }
    for source in sources {
        let text = std::fs::read_to_string(&source).unwrap();
        assert!(!text.contains("../shared"), "{source} refers to a file outside the repository");
        for path in mentioned_paths(&text) {
            let path = path.trim_end_matches("/*");
            if path.contains('*') || path.contains("<") {
                continue;
            }
            assert!(Path::new(path).exists(), "{source} mentions {path}, which does not exist");
        }
    }
}

#[test]
fn every_timing_claim_names_its_command() {
    let text = readme();
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let timed = paragraph
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '.' && c != 'µ')
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0].parse::<f64>().is_ok() && ["s", "ms", "µs"].contains(&w[1]));
        if timed {
            assert!(
                paragraph.contains("`cargo")
                    || paragraph.contains("`corridor")
                    || paragraph.contains("cargo bench")
                    || paragraph.contains("cargo run"),
                "a timing without the command that measured it:\n{paragraph}"
            );
            // The machine is named in the paragraph or the one introducing it.
            let context = format!("{}{paragraph}", if i > 0 { paragraphs[i - 1] } else { "" });
            assert!(
                context.contains("2-core") || context.contains("2 cores"),
                "a timing without the machine:\n{paragraph}"
            );
        }
    }
}

#[test]
fn the_json_contract_names_every_plan_key() {
    let out = Command::new(BIN)
        .args(["plan", "tests/common/plan_two_ports.toml", "--best", "1", "--json", "-"])
        .args(["--criterion", "port.a.ship_wait_hours.mean <= 6"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan = &doc["plan"];
    let best = &plan["best"][0];
    let evaluation = &best["evaluation"];
    let mut keys: BTreeSet<String> = keys_of(&doc).into_iter().collect();
    for value in [
        plan,
        best,
        evaluation,
        &evaluation["plan"],
        &evaluation["plan"]["upgrades"][0],
        &evaluation["constraints"][0],
        &plan["evaluated"][0],
    ] {
        let found = keys_of(value);
        assert!(!found.is_empty(), "nothing at a level of {doc}");
        keys.extend(found);
    }
    let contract = section("### JSON contract");
    for key in keys {
        assert!(contract.contains(&format!("\"{key}\"")), "the JSON contract does not name plan key {key:?}");
    }
}

/// Merges `fragment` into `base`: tables merge key by key, other values (and
/// distributions, tables with a `dist`) replace.
fn merge(base: &mut toml::Table, fragment: toml::Table) {
    for (key, value) in fragment {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(f)) if !f.contains_key("dist") => merge(b, f),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The fenced TOML examples of a Markdown document, with the line each starts on.
fn toml_examples(markdown: &str) -> Vec<(usize, String)> {
    let mut examples = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some((i + 2, String::new())),
            (Some(_), "```") => examples.extend(current.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    examples
}

#[test]
fn every_example_in_the_scenario_reference_validates() {
    let doc = std::fs::read_to_string("docs/scenarios.md").unwrap();
    let examples = toml_examples(&doc);
    assert!(examples.len() >= 15, "only {} TOML examples in docs/scenarios.md", examples.len());
    let dir = std::env::temp_dir().join(format!("corridor-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for (line, example) in &examples {
        let text = if example.starts_with("# complete scenario") {
            example.clone()
        } else {
            let mut base: toml::Table = corridor::scenario::STARTER.parse().unwrap();
            let fragment: toml::Table =
                example.parse().unwrap_or_else(|e| panic!("docs/scenarios.md:{line}: not TOML: {e}"));
            merge(&mut base, fragment);
            toml::to_string(&base).unwrap()
        };
        let file = dir.join(format!("example-{line}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = Command::new(BIN).arg("validate").arg(&file).output().unwrap();
        if !out.status.success() {
            failures.push(format!("docs/scenarios.md:{line}:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), examples.len(), failures.join("\n"));
}

#[test]
fn the_scenario_reference_names_every_field_the_loader_accepts() {
    // Every field of every table, as the loader's own messages list them for a typo.
    let doc = std::fs::read_to_string("docs/scenarios.md").unwrap();
    let schema = ["mod", "network", "services", "demand", "overrides"]
        .map(|part| std::fs::read_to_string(format!("src/scenario/schema/{part}.rs")).unwrap())
        .concat()
        + &std::fs::read_to_string("src/scenario/planning/mod.rs").unwrap()
        + &std::fs::read_to_string("src/scenario/candidates/mod.rs").unwrap()
        + &std::fs::read_to_string("src/scenario/dist.rs").unwrap();
    let mut missing = BTreeSet::new();
    let mut in_spec = false;
    for line in schema.lines() {
        let t = line.trim();
        if t.starts_with("pub struct ") && t.contains("Spec") || t == "pub struct Settings {" {
            in_spec = true;
        } else if t == "}" {
            in_spec = false;
        } else if in_spec && let Some(field) = t.strip_prefix("pub ").and_then(|f| f.split(':').next()) {
            let named = [format!("`{field}`"), format!("`{field}."), format!("`[{field}]"), format!("`[{field}.")];
            if !named.iter().any(|n| doc.contains(n.as_str())) {
                missing.insert(field.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "docs/scenarios.md does not describe: {missing:?}");
}

#[test]
fn the_json_contract_names_every_robust_plan_key() {
    let out = Command::new(BIN)
        .args(["plan", "tests/common/robust_two_ports.toml", "--robust", "0.8", "--uncertain", "4", "--json", "-"])
        .args(["--criterion", "port.a.ship_wait_hours.mean <= 4"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let robust = &doc["robust_plan"];
    let plan = &robust["plan"];
    let mut keys: BTreeSet<String> = keys_of(&doc).into_iter().collect();
    for value in
        [robust, &robust["robustness"], &robust["factors"][0], plan, &plan["calls"][0], &robust["evaluated"][0]]
    {
        let found = keys_of(value);
        assert!(!found.is_empty(), "nothing at a level of {doc}");
        keys.extend(found);
    }
    let contract = section("### JSON contract");
    for key in keys {
        assert!(
            contract.contains(&format!("\"{key}\"")) || contract.contains(&format!("`{key}`")),
            "the JSON contract does not name robust plan key {key:?}"
        );
    }
}
