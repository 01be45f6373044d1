//! Every ASSUMPTION of the Middle Corridor scenarios is accounted for in
//! docs/assumptions.md (moved one at a time and ranked, or said why not), and the
//! document is current.

#[path = "common/assumptions.rs"]
mod assumptions;

#[test]
fn every_assumption_marked_in_the_scenarios_is_accounted_for() {
    let markers = assumptions::markers();
    assert!(markers.len() > 100, "only {} ASSUMPTION markers found: is the parser reading the files?", markers.len());
    let nowhere: Vec<String> = markers
        .iter()
        .filter(|m| assumptions::accounted(m).is_none())
        .map(|m| format!("{}:{} [{}] {}", m.file, m.line, m.table, m.text))
        .collect();
    assert!(
        nowhere.is_empty(),
        "ASSUMPTIONs accounted for nowhere: give each a move with its range in \
         tests/common/assumptions.rs, or say why it is not moved:\n{}",
        nowhere.join("\n")
    );
    // Every move's tables exist, so that it answers for a marker.
    for mv in assumptions::MOVES {
        assert!(
            markers.iter().any(|m| m.file == assumptions::SCENARIO
                && mv.covers.iter().any(|p| m.table == *p || m.table.starts_with(&format!("{p}.")))),
            "move {} answers for no ASSUMPTION of {}",
            mv.id,
            assumptions::SCENARIO
        );
    }
}

#[test]
fn the_ranking_of_the_assumptions_is_current() {
    let started = std::time::Instant::now();
    let result = assumptions::run();
    let rows = assumptions::ranked(&result);
    for r in &rows {
        eprintln!(
            "{}: headroom {:+.2} ± {:.2} points, Baku p95 {:+.2} ± {:.2} h",
            r.mv.id, r.headroom.mean, r.headroom.half, r.baku_wait.mean, r.baku_wait.half
        );
    }
    let expected = assumptions::markdown(&result, &rows, &assumptions::markers());
    let on_disk = std::fs::read_to_string("docs/assumptions.md").unwrap_or_default();
    eprintln!("{} moves at both ends in {:.1} s", rows.len(), started.elapsed().as_secs_f64());
    assert!(on_disk == expected, "docs/assumptions.md is out of date: run `cargo run --release --example assumptions`");
}
