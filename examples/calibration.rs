//! Writes docs/calibration.md: the Middle Corridor baseline against its 2024 figures,
//! observed against modelled with 95 % confidence intervals.
//!
//! `cargo run --release --example calibration`

#[path = "../tests/common/calibration.rs"]
mod calibration;

fn main() {
    let v = calibration::run();
    let rows = calibration::rows(&v);
    let text = calibration::markdown(&rows);
    std::fs::write("docs/calibration.md", &text).expect("write docs/calibration.md");
    print!("{text}");
    for r in rows.iter().filter(|r| !r.within()) {
        eprintln!("warning: {} is outside its band", r.what);
    }
}
