//! The Middle Corridor hindcast (docs/hindcast.md): 2022–2024 with one set of
//! behaviour. Every banded figure stays on the side of its band that the hindcast
//! records (inside, or outside with the missing mechanism named), its interval is
//! narrow enough for the band to mean something, and the document is current.

#[allow(dead_code)]
#[path = "common/calibration.rs"]
mod calibration;
#[path = "common/hindcast.rs"]
mod hindcast;

use hindcast::Band;

#[test]
fn one_behaviour_reproduces_what_it_records_and_the_hindcast_is_current() {
    let result = hindcast::run();
    let rows = hindcast::rows(&result);
    for r in rows.iter().filter(|r| !matches!(r.band, Band::CheckOnly)) {
        eprintln!(
            "{} {} ({}): {:.3} ({:.3}–{:.3}) vs {}",
            r.year, r.what, r.behaviour, r.modelled, r.lo, r.hi, r.observed
        );
        assert_eq!(
            r.within(),
            r.expected_within,
            "{} {} ({}): modelled {:.3} against {} is {} its band; the hindcast records it {}",
            r.year,
            r.what,
            r.behaviour,
            r.modelled,
            r.observed,
            if r.within() { "inside" } else { "outside" },
            if r.expected_within { "inside" } else { "outside" },
        );
        let width = match r.band {
            Band::Relative(b) => b * r.observed,
            Band::Points(p) => p,
            Band::CheckOnly => f64::INFINITY,
        };
        assert!(r.hi - r.lo < width, "{} {}: interval {:.3}–{:.3} wider than the band", r.year, r.what, r.lo, r.hi);
    }
    let expected = hindcast::markdown(&rows);
    let on_disk = std::fs::read_to_string("docs/hindcast.md").unwrap_or_default();
    assert!(on_disk == expected, "docs/hindcast.md is out of date: run `cargo run --release --example hindcast`");
}
