//! The Middle Corridor baseline against 2024: Baku's throughput within ± 5 % of
//! 7.6 Mt and cargo vessels' mean time at berth within ± 10 % of 20.1 h, each with
//! its 95 % confidence interval inside the band's reach; and docs/calibration.md is
//! the table this run produces.

#[path = "common/calibration.rs"]
mod calibration;

#[test]
fn the_baseline_reproduces_2024_and_the_calibration_notes_are_current() {
    let v = calibration::run();
    let rows = calibration::rows(&v);
    for r in rows.iter().filter(|r| r.band.is_some()) {
        let band = r.band.unwrap();
        eprintln!("{}: {:.3} ({:.3}–{:.3}) vs {} ± {:.0} %", r.what, r.modelled, r.lo, r.hi, r.observed, 100.0 * band);
        assert!(r.within(), "{}: modelled {:.3} outside {} ± {:.0} %", r.what, r.modelled, r.observed, 100.0 * band);
        // The interval is narrow enough for the band to mean something.
        assert!(r.hi - r.lo < band * r.observed, "{}: interval {:.3}–{:.3} wider than the band", r.what, r.lo, r.hi);
    }
    let expected = calibration::markdown(&rows);
    let on_disk = std::fs::read_to_string("docs/calibration.md").unwrap_or_default();
    assert!(on_disk == expected, "docs/calibration.md is out of date: run `cargo run --release --example calibration`");
}
