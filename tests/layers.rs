//! The model's layering rule, as `ARCHITECTURE.md` ("Layers and imports") states it:
//! the modules that work from the compiled network alone (the sheet, its bound, route
//! shares, costs, the consignment store, the compiled definitions) never import the
//! run-time `Corridor` or its events; they take the narrow inputs they read. Only event
//! handlers and the measurement that reads every subsystem take the whole corridor.

use std::path::Path;

/// The model files that must not depend on the run-time corridor.
const COMPILED_NETWORK_ONLY: &[&str] = &[
    "network.rs",
    "compiled.rs",
    "ship_services.rs",
    "capacity/mod.rs",
    "capacity/rows.rs",
    "bound.rs",
    "routes.rs",
    "costs.rs",
    "cargo.rs",
];

/// What naming the run-time corridor looks like in a model file.
const RUN_TIME: &[&str] = &["super::corridor", "crate::model::corridor", "Corridor<", "Corridor;", "Scheduler<Event>"];

fn source(file: &str) -> String {
    let path = Path::new("src/model").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The code of a file without its comments (doc examples may name anything).
fn code(text: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

#[test]
fn modules_that_read_the_compiled_network_never_import_the_run_time_corridor() {
    for file in COMPILED_NETWORK_ONLY {
        let code = code(&source(file));
        for name in RUN_TIME {
            assert!(
                !code.contains(name),
                "src/model/{file} names `{name}`: it reads the compiled network only (ARCHITECTURE.md, \
                 \"Layers and imports\"); pass it the fields it needs instead"
            );
        }
    }
}

#[test]
fn the_shared_vocabulary_imports_nothing_from_the_model() {
    let code = code(&source("network.rs"));
    assert!(!code.contains("use super::"), "src/model/network.rs imports from the model; it is the bottom layer");
}

#[test]
fn the_rule_is_written_down_with_every_module_it_names() {
    let text = std::fs::read_to_string("ARCHITECTURE.md").expect("ARCHITECTURE.md exists");
    let at = text.find("### Layers and imports").expect("ARCHITECTURE.md states the layering rule");
    let rule = &text[at..];
    let rule = &rule[..rule[4..].find("\n#").map_or(rule.len(), |i| i + 4)];
    for file in COMPILED_NETWORK_ONLY {
        assert!(rule.contains(&format!("`{file}`")), "the rule in ARCHITECTURE.md does not name `{file}`");
    }
}
