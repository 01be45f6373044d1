//! Writes docs/hindcast.md: the Middle Corridor's 2022, 2023 and 2024 with one set of
//! behaviour, observed against modelled with 95 % confidence intervals.
//!
//! `cargo run --release --example hindcast`

#[allow(dead_code)]
#[path = "../tests/common/calibration.rs"]
mod calibration;
#[path = "../tests/common/hindcast.rs"]
mod hindcast;

fn main() {
    let result = hindcast::run();
    let rows = hindcast::rows(&result);
    let text = hindcast::markdown(&rows);
    std::fs::write("docs/hindcast.md", &text).expect("write docs/hindcast.md");
    print!("{text}");
    for r in rows.iter().filter(|r| r.within() != r.expected_within) {
        eprintln!(
            "warning: {} {} ({}) is no longer as recorded: update its verdict and note",
            r.year, r.what, r.behaviour
        );
    }
}
