//! Writes docs/assumptions.md: every ASSUMPTION of the Middle Corridor scenarios, and
//! those that can move the simulation ranked one at a time by how far they move the
//! surge headroom and Baku's p95 ship wait.
//!
//! `cargo run --release --example assumptions`

#[path = "../tests/common/assumptions.rs"]
mod assumptions;

fn main() {
    let started = std::time::Instant::now();
    let result = assumptions::run();
    let rows = assumptions::ranked(&result);
    let markers = assumptions::markers();
    let text = assumptions::markdown(&result, &rows, &markers);
    std::fs::write("docs/assumptions.md", &text).expect("write docs/assumptions.md");
    print!("{text}");
    for m in markers.iter().filter(|m| assumptions::accounted(m).is_none()) {
        eprintln!("warning: {}:{} [{}] is accounted for nowhere: {}", m.file, m.line, m.table, m.text);
    }
    eprintln!("{:.1} s", started.elapsed().as_secs_f64());
}
