//! What a planner is handed: the output folders of `run`, `compare`, `sweep`,
//! `capacity` and `plan`, with their charts and `report.html`. Every chart has a title,
//! axis labels with units and no text off its canvas; every report is one
//! self-contained file; and the bundled scenario's report reads in a real browser
//! (headless Chromium) at 1,366 × 768.

use corridor::report::charts::check::layout_problems;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_corridor");

/// The output folders, made once for every test here: (what, folder).
fn outputs() -> &'static Vec<(&'static str, PathBuf)> {
    static OUTPUTS: OnceLock<Vec<(&'static str, PathBuf)>> = OnceLock::new();
    OUTPUTS.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let runs: [(&str, &[&str]); 6] = [
            ("run", &["run", "scenarios/middle_corridor.toml", "--replications", "3"]),
            (
                "compare",
                &["compare", "scenarios/middle_corridor.toml", "--replications", "2", "--variant", "transit_surge"],
            ),
            ("sweep", &["sweep", "scenarios/middle_corridor.toml", "--replications", "2"]),
            (
                "capacity",
                &[
                    "capacity",
                    "scenarios/mmc_port.toml",
                    "--replications",
                    "3",
                    "--criterion",
                    "port.port.ship_wait_hours.mean <= 2",
                ],
            ),
            (
                "planning",
                &["run", "scenarios/middle_corridor_2030.toml", "--replications", "2", "--variant", "no_upgrades"],
            ),
            (
                "plan",
                &[
                    "plan",
                    "tests/common/plan_two_ports.toml",
                    "--criterion",
                    "port.a.ship_wait_hours.mean <= 6",
                    "--criterion",
                    "port.b.ship_wait_hours.mean <= 4",
                    "--replications",
                    "10",
                ],
            ),
        ];
        runs.iter()
            .map(|(what, args)| {
                let dir = root.join(what);
                let out = Command::new(BIN).args(*args).arg("--out").arg(&dir).output().expect("corridor runs");
                assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
                (*what, dir)
            })
            .collect()
    })
}

fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    found.sort();
    found
}

#[test]
fn every_chart_has_a_title_axis_units_and_stays_on_its_canvas() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for (what, dir) in outputs() {
        for svg in files(dir, "svg") {
            checked += 1;
            for p in layout_problems(&std::fs::read_to_string(&svg).unwrap()) {
                problems.push(format!("{what}/{}: {p}", svg.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // run: ship wait, berth time, binding, 13 time splits, yard stock, transit;
    // sweep: 1; capacity: 2; planning: those of one variant and the years; plan: none.
    assert!(checked >= 30, "only {checked} charts were written");
}
