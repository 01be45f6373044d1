//! Bounded cost for every accepted input: the largest file of each kind that the
//! documented limits allow (`src/scenario/limits.rs`) loads and validates in under 5 s
//! and 1 GB, and one step beyond each limit is refused with a message naming it.
//! One test function, because memory peaks are measured per process.

use corridor::scenario::Scenario;
use corridor::scenario::limits::{MAX_ANCESTORS, MAX_FILE_BYTES, MAX_ROUTE_LENGTH, MAX_SWEEP_POINTS, MAX_VARIANTS};

/// Peak resident memory of this process since the last reset, in MB (Linux).
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak (writing 5 to clear_refs resets VmHWM on Linux).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

const HEADER: &str = "[scenario]\nname = \"limits\"\nhorizon_days = 10\n\n";

/// Two ports, a ship service between them, a rail line and a flow.
const SMALL: &str = r#"
[ports.a]
yard_capacity_tonnes = 100000
berths.dry = { count = 2, handling_tonnes_per_hour = 300.0 }

[ports.b]
yard_capacity_tonnes = 100000
berths.dry = { count = 2, handling_tonnes_per_hour = 300.0 }

[sea_links.ab]
between = ["a", "b"]
sailing_hours = { dist = "constant", value = 10.0 }

[ship_services.s]
class = "dry"
vessels = 2
capacity_tonnes = 3000
route = ["a", "b"]
max_wait_hours = 24

[flows.f]
route = ["a", "b"]
class = "dry"
annual_tonnes = 100000
consignment_tonnes = { dist = "constant", value = 100.0 }
"#;

fn long_route(n: usize) -> String {
    // A ship service calling n times, alternating between the two ports.
    let route: Vec<&str> = (0..n).map(|i| if i % 2 == 0 { "\"a\"" } else { "\"b\"" }).collect();
    format!(
        "{HEADER}{}",
        SMALL.replace("route = [\"a\", \"b\"]\nmax_wait", &format!("route = [{}]\nmax_wait", route.join(", ")))
    )
}

fn many_variants(n: usize, chain: usize) -> String {
    let mut t = format!("{HEADER}{SMALL}");
    for i in 0..n {
        // Chains of `chain` variants, each extending the one before.
        let parent = if i % chain > 0 { format!("extends = [\"v{}\"]\n", i - 1) } else { String::new() };
        t += &format!("[variants.v{i}]\n{parent}scale = {{ \"flows.f.annual_tonnes\" = 1.0001 }}\n");
    }
    t
}

fn big_sweep(points: usize) -> String {
    let side = (points as f64).sqrt() as usize;
    let (a, b) = (side, points / side);
    let values =
        |n: usize, scale: f64| (1..=n).map(|i| format!("{:.1}", i as f64 * scale)).collect::<Vec<_>>().join(", ");
    format!(
        "{HEADER}{SMALL}\n[sweep]\n[[sweep.axes]]\nparameter = \"ports.a.berths.dry.handling_tonnes_per_hour\"\nvalues = [{}]\n[[sweep.axes]]\nparameter = \"flows.f.annual_tonnes\"\nvalues = [{}]\n",
        values(a, 10.0),
        values(b, 1000.0)
    )
}

fn big_file(bytes: u64) -> String {
    // Many flows on the one service, up to the size limit.
    let mut t = format!("{HEADER}{SMALL}");
    let mut i = 0;
    while (t.len() as u64) < bytes - 300 {
        t += &format!(
            "[flows.f{i}]\nroute = [\"a\", \"b\"]\nclass = \"dry\"\nannual_tonnes = 10\nconsignment_tonnes = {{ dist = \"constant\", value = 5.0 }}\n"
        );
        i += 1;
    }
    t
}

#[test]
fn the_largest_file_of_each_kind_validates_in_bounded_time_and_memory() {
    let cases: Vec<(&str, String)> = vec![
        ("a route of the maximum length", long_route(MAX_ROUTE_LENGTH)),
        ("the maximum number of variants, in the longest chains allowed", many_variants(MAX_VARIANTS, MAX_ANCESTORS)),
        ("a sweep of the maximum number of points", big_sweep(MAX_SWEEP_POINTS)),
        ("a file of the maximum size", big_file(MAX_FILE_BYTES)),
    ];
    let mut dense = format!("{HEADER}{SMALL}[variants.v]\nset = {{ \"flows.f.route\" = [");
    while (dense.len() as u64) < MAX_FILE_BYTES - 10 {
        dense += "1,";
    }
    dense += "] }\n";
    let cases: Vec<(&str, String, bool)> = cases
        .into_iter()
        .map(|(w, t)| (w, t, true))
        .chain([("the densest file of the maximum size (a list of 2 million entries)", dense, false)])
        .collect();
    for (what, text, valid) in cases {
        reset_peak();
        let before = peak_mb();
        let started = std::time::Instant::now();
        let loaded = Scenario::from_str(&text, "limits.toml");
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(loaded.is_ok(), valid, "{what}: {:?}", loaded.err().map(|e| e.to_string()));
        let mb = peak_mb();
        eprintln!(
            "{what}: {} KB, validated in {seconds:.2} s, peak {:.0} MB (from {:.0} MB)",
            text.len() / 1024,
            mb.unwrap_or(f64::NAN),
            before.unwrap_or(f64::NAN)
        );
        assert!(seconds < 5.0, "{what}: {seconds} s");
        if let Some(mb) = mb {
            assert!(mb < 1_000.0, "{what}: peak {mb} MB");
        }
    }
    // In the same test: memory peaks are per process, and tests run in parallel.
    one_step_beyond_each_limit_is_refused_with_the_limit();
}

fn one_step_beyond_each_limit_is_refused_with_the_limit() {
    let cases = [
        (long_route(MAX_ROUTE_LENGTH + 2), "a route of at most 64 entries"),
        (many_variants(MAX_VARIANTS + 1, 1), "at most 1000 variants"),
        (many_variants(MAX_ANCESTORS + 2, MAX_ANCESTORS + 2), "at most 256 are allowed"),
        (big_sweep(MAX_SWEEP_POINTS * 2), "at most 10000 points"),
    ];
    for (text, expected) in cases {
        let e = Scenario::from_str(&text, "limits.toml").unwrap_err().to_string();
        assert!(e.contains(expected), "{e}");
    }
    let e = Scenario::from_bytes(&vec![b' '; MAX_FILE_BYTES as usize + 1], "huge.toml").unwrap_err().to_string();
    assert!(e.contains("the limit is 4194304 bytes"), "{e}");
    let e = Scenario::from_str(
        &format!("{HEADER}{SMALL}")
            .replace("horizon_days = 10", "horizon_days = 10\nmax_events_per_replication = 10000000000"),
        "events.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("max_events_per_replication") && e.contains("500000000"), "{e}");
}
