//! The command line as a user meets it: bounded flags (bad usage exits 2), errors that
//! start with `error:`, pure JSON on standard output, command-line mistakes reported as
//! such, quiet ends on closed pipes, and output paths that never clobber special files.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_corridor");
const MC: &str = "scenarios/middle_corridor.toml";
const MMC: &str = "scenarios/mmc_port.toml";

fn corridor(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .output()
        .expect("corridor runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("corridor-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The first line that is not a progress line.
fn first_message(o: &Output) -> String {
    stderr(o).lines().find(|l| !l.starts_with("progress:") && !l.trim().is_empty()).unwrap_or("").to_string()
}

#[test]
fn out_of_range_flags_are_bad_usage() {
    let cases: [&[&str]; 8] = [
        &["run", MMC, "--threads", "20000"],
        &["run", MMC, "--replications", "1"],
        &["run", MMC, "--replications", "18446744073709551615"],
        &["run", MMC, "--max-replications", "2000000", "--precision", "port.port.ship_wait_hours.mean=0.1"],
        &["run", MMC, "--shard", "0/1000000000000", "--out", "x"],
        &["run", MMC, "--shard", "3/3", "--out", "x"],
        &["run", MMC, "--seed", "-1"],
        &["run", MMC, "--precision", "port.port.ship_wait_hours.mean=2"],
    ];
    for args in cases {
        let o = corridor(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(first_message(&o).starts_with("error:"), "{args:?}: {}", stderr(&o));
    }
    // 0 threads means one per core.
    let o = corridor(&["run", MMC, "--replications", "2", "--threads", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn every_error_line_starts_with_error() {
    let dir = tmp("errors");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[scenario]\nname = 1\n").unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec!["validate".into(), bad.display().to_string()],
        vec!["validate".into(), "no-such-file.toml".into()],
        vec!["run".into(), MMC.into(), "--variant".into(), "nope".into()],
        vec!["merge".into(), "no-such-dir".into(), "--out".into(), dir.join("m").display().to_string()],
        vec!["sweep".into(), MMC.into()],
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = corridor(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(first_message(&o).starts_with("error:"), "{args:?}: {}", stderr(&o));
        assert_ne!(o.status.code(), Some(101), "{args:?} panicked");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn json_on_standard_output_is_pure_json_for_every_subcommand() {
    let dir = tmp("json");
    let shards: Vec<String> = (0..2).map(|k| dir.join(format!("s{k}")).display().to_string()).collect();
    for (k, s) in shards.iter().enumerate() {
        let shard = format!("{k}/2");
        let o = corridor(&["run", MMC, "--replications", "4", "--shard", &shard, "--out", s]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let merged = dir.join("merged").display().to_string();
    let cases: [Vec<&str>; 4] = [
        vec!["run", MMC, "--replications", "2", "--json", "-"],
        vec!["compare", MC, "--replications", "2", "--variant", "baseline", "--variant", "baku_phase2", "--json", "-"],
        vec!["sweep", MC, "--replications", "2", "--json", "-"],
        vec!["merge", &shards[0], &shards[1], "--out", &merged, "--json", "-"],
    ];
    for args in cases {
        let o = corridor(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&o.stdout);
        assert!(parsed.is_ok(), "{args:?}: stdout is not pure JSON:\n{}", String::from_utf8_lossy(&o.stdout));
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn sweep_refuses_flags_it_cannot_honour() {
    for flag in [["--variant", "baseline"], ["--shard", "0/2"], ["--precision", "system.events=0.1"]] {
        let o = corridor(&["sweep", MC, flag[0], flag[1], "--out", "unused"]);
        assert_eq!(o.status.code(), Some(2), "{flag:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(&format!("sweep does not take {}", flag[0])), "{}", stderr(&o));
    }
}

#[test]
fn compare_defaults_to_the_first_variant_and_reports_mistyped_names_as_usage() {
    // A file without a `baseline` variant compares against the first variant run.
    let o = corridor(&["compare", MMC, "--replications", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = corridor(&["compare", MC, "--replications", "3", "--variant", "transit_surge", "--variant", "baku_phase2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("baku_phase2 − transit_surge"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    for args in [vec!["compare", MC, "--base", "baselin"], vec!["run", MC, "--variant", "baselin"]] {
        let o = corridor(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains("did you mean \"baseline\""), "{e}");
        assert!(!e.contains("middle_corridor.toml:"), "a command-line mistake blamed on the file: {e}");
        assert!(!e.contains('^'), "a caret into the file for a command-line mistake: {e}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_an_error() {
    let dir = tmp("pipes");
    let out = dir.join("out");
    let mut child = Command::new(BIN)
        .args(["run", MC, "--replications", "3", "--out", out.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte of the table, then close the pipe like `| head -c1`.
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    stdout.read_exact(&mut byte).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    assert_ne!(o.status.code(), Some(101), "panicked: {}", stderr(&o));
    assert!(!stderr(&o).contains("panicked") && !stderr(&o).contains("error:"), "{}", stderr(&o));
    // The files were written before the table was printed.
    assert!(out.join("summary.json").is_file() && out.join("replications.csv").is_file());
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let o = Command::new(BIN).args(["validate", MC]).stdout(full).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).starts_with("error: cannot write to standard output"), "{}", stderr(&o));
    }
    std::fs::remove_dir_all(dir).ok();
}

#[cfg(unix)]
#[test]
fn json_paths_write_through_special_files_and_never_leave_temporaries() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tmp("paths");
    // A FIFO is written through, not replaced.
    let fifo = dir.join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let o = corridor(&["run", MMC, "--replications", "2", "--json", fifo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let through = reader.join().unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&through).is_ok());
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    // /dev/null stays a device.
    let o = corridor(&["run", MMC, "--replications", "2", "--json", "/dev/null"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    // A symbolic link to a file: the file is replaced, the link stays.
    let real = dir.join("real.json");
    std::fs::write(&real, b"{}").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = corridor(&["run", MMC, "--replications", "2", "--json", link.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read(&real).unwrap().len() > 100);
    // A folder is refused before any work, and nothing is left behind.
    let o = corridor(&["run", MMC, "--replications", "2", "--json", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert!(names.iter().all(|n| !n.contains("tmp")), "{names:?}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_precision_run_says_per_variant_whether_the_target_was_met() {
    let o = corridor(&[
        "run",
        MC,
        "--variant",
        "baseline",
        "--variant",
        "baku_phase2",
        "--precision",
        "port.baku.throughput_tonnes=0.005",
        "--max-replications",
        "40",
        "--json",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let per_variant = doc["precision"]["variants"].as_array().unwrap();
    assert_eq!(per_variant.len(), 2);
    for v in per_variant {
        assert!(v["met"].is_boolean() && v["relative_half_width"].is_number(), "{v}");
    }
    assert!(Path::new(MC).exists());
}

#[test]
fn the_default_table_decides_in_100_columns_and_all_adds_the_kpis() {
    let o = corridor(&["run", MC, "--replications", "3", "--variant", "baseline", "--variant", "transit_surge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    for line in text.lines().skip(1) {
        assert!(line.chars().count() <= 100, "wider than 100 columns: {line:?}");
    }
    let row = |variant: &str| text.lines().find(|l| l.starts_with(variant)).unwrap_or_default().to_string();
    assert!(row("baseline ").contains(" stable "), "{text}");
    assert!(row("transit_surge").contains(" unstable "), "{text}");
    assert!(row("transit_surge").contains("turkmen_ferry"), "{text}");
    assert!(text.contains("NOT A STEADY STATE"), "{text}");
    assert!(!text.contains("KPI (mean [95% CI])"), "the full table belongs behind --all:\n{text}");
    // Every variant of the bundled scenario, long names included, still fits.
    let every = corridor(&["run", MC, "--replications", "2"]);
    let every = String::from_utf8_lossy(&every.stdout).to_string();
    for line in every.lines() {
        assert!(line.chars().count() <= 100, "wider than 100 columns: {line:?}");
    }
    assert!(every.contains("baku wait h") && every.contains("transit"), "{every}");
    let all = corridor(&["run", MC, "--replications", "3", "--variant", "baseline", "--all"]);
    assert!(String::from_utf8_lossy(&all.stdout).contains("KPI (mean [95% CI])"));
    // compare: paired differences of the headline figures.
    let o = corridor(&["compare", MC, "--replications", "3", "--variant", "baseline", "--variant", "transit_surge"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("transit_surge − baseline") && text.contains("backlog at the end (kt)"), "{text}");
    assert!(text.contains("verdict: stable → unstable"), "{text}");
}

#[test]
fn capacity_prints_the_sheet_and_refuses_unknown_criteria_naming_the_nearest() {
    let o = corridor(&["capacity", MC, "--static", "--variant", "transit_surge"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let rhos: Vec<f64> = text
        .lines()
        .filter(|l| l.starts_with("service.") || l.starts_with("port.") || l.starts_with("rail."))
        .filter_map(|l| l.chars().skip(69).take(6).collect::<String>().trim().parse().ok())
        .collect();
    assert!(rhos.len() > 20 && rhos.windows(2).all(|w| w[0] >= w[1]), "not sorted by ρ:\n{text}");
    assert!(text.lines().nth(4).unwrap().starts_with("service.turkmen_ferry"), "{text}");
    let o = corridor(&["capacity", MC, "--criterion", "port.baku.ship_wait_hour.p95 <= 24"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(first_message(&o).contains("nearest: port.baku.ship_wait_hours.p95"), "{}", stderr(&o));
    let o = corridor(&["capacity", MC, "--criterion", "port.baku.ship_wait_hours.p95 = 24"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = corridor(&["capacity", MC, "--tags", "trasit"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(first_message(&o).contains("tags in this scenario"), "{}", stderr(&o));
    let v = corridor(&["validate", MC]);
    assert!(String::from_utf8_lossy(&v.stdout).contains("Capacity sheet"), "validate shows the sheet's top lines");
}

#[test]
fn a_capacity_search_writes_its_answer_and_charts() {
    let out = tmp("capacity");
    let dir = out.join("c");
    let o = corridor(&[
        "capacity",
        MMC,
        "--criterion",
        "port.port.ship_wait_hours.mean <= 8",
        "--replications",
        "4",
        "--max-factor",
        "1.4",
        "--resolution",
        "0.02",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("Capacity search") && text.contains("base"), "{text}");
    for file in ["capacity.json", "capacity.csv", "capacity_base_stability.svg", "capacity_base_1.svg"] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("capacity.json")).unwrap()).unwrap();
    let factor = doc["answers"][0]["factor"].as_f64().unwrap();
    assert!(factor > 1.0 && factor < 1.2, "M/M/3 at ρ 2/3: the wait reaches 8 h near ×1.1, not {factor}");
    std::fs::remove_dir_all(out).ok();
}

#[test]
fn new_writes_a_starter_that_validates_and_runs_and_never_overwrites() {
    let dir = std::env::temp_dir().join(format!("corridor-new-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("starter.toml");
    let path = file.to_str().unwrap();
    let out = corridor(&["new", path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let validate = corridor(&["validate", path]);
    assert!(validate.status.success(), "{}", String::from_utf8_lossy(&validate.stderr));
    let run = corridor(&["run", path, "--replications", "3"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("baseline") && text.contains("busier"), "{text}");
    // A second `new` on the same file refuses (exit 2) and leaves it alone.
    std::fs::write(&file, "# mine\n").unwrap();
    let again = corridor(&["new", path]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
    assert!(corridor(&["new", path, "--force"]).status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), corridor::scenario::STARTER);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn plan_answers_shows_progress_and_refuses_mistakes_clearly() {
    const TWO: &str = "tests/common/plan_two_ports.toml";
    let dir = tmp("plan").join("out");
    let o = corridor(&[
        "plan",
        TWO,
        "--criterion",
        "port.a.ship_wait_hours.mean <= 6",
        "--criterion",
        "port.b.ship_wait_hours.mean <= 4",
        "--best",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("CHEAPEST UPGRADE PLANS"), "{text}");
    assert!(text.contains("1. 23.0 M USD") && text.contains("a_two_berths") && text.contains("b_cranes"), "{text}");
    assert!(text.contains("Plan 1 is the cheapest feasible plan with estimated probability"), "{text}");
    // One progress line per plan simulated, on standard error.
    assert!(stderr(&o).lines().filter(|l| l.starts_with("plan: [")).count() >= 2, "{}", stderr(&o));
    for file in ["plan.json", "plans.csv", "plan.txt"] {
        assert!(dir.join(file).exists(), "{file} missing");
    }
    // Mistakes: a mistyped KPI and a bad year are usage (2); no candidates is a failed run (1).
    let o = corridor(&["plan", TWO, "--criterion", "port.a.ship_wait_hour.mean <= 6"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(first_message(&o).starts_with("error:") && stderr(&o).contains("nearest"), "{}", stderr(&o));
    let o = corridor(&["plan", TWO, "--screen", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = corridor(&["plan", MMC]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("declares no candidate upgrades"), "{}", stderr(&o));
}

#[test]
fn negative_and_huge_numbers_are_refused_naming_the_flag_and_its_range() {
    let mc2030 = "scenarios/middle_corridor_2030.toml";
    let cases: [(&[&str], &str); 8] = [
        (&["plan", mc2030, "--budget", "-1"], "--budget: -1 is out of range (valid: an amount from 0 up)"),
        (&["capacity", MMC, "--max-factor", "-1"], "--max-factor: -1 is out of range"),
        (&["capacity", MMC, "--max-factor", "-5"], "--max-factor: -5 is out of range"),
        (
            &["capacity", MMC, "--max-factor", "1e308"],
            "--max-factor: 1e308 is out of range (valid: a factor > 0 and <= 1000)",
        ),
        (&["capacity", MMC, "--resolution", "1e-300"], "--resolution: 1e-300 is out of range"),
        (
            &["run", MMC, "--replications", "-1"],
            "'--replications <REPLICATIONS>': -1 is out of range (valid: a whole number from 2 to",
        ),
        (
            &["plan", mc2030, "--best", "-2"],
            "'--best <BEST>': -2 is out of range (valid: a whole number from 1 to 100)",
        ),
        (&["plan", mc2030, "--tolerance", "-0.5"], "--tolerance: -0.5 is out of range"),
    ];
    for (args, words) in cases {
        let o = corridor(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let message = first_message(&o);
        assert!(message.starts_with("error:") && message.contains(words), "{args:?}: {message}");
        assert!(!stderr(&o).contains("tip:"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    let dir = tmp("escapes");
    let file = dir.join("escape.toml");
    let text = std::fs::read_to_string(MMC).unwrap().replacen(
        "name = \"M/M/3 port\"",
        "name = \"M/M/3 \\u001b[2J\\u001b]0;owned\\u0007port\"\ncurrency = \"\\u001b[31mUSD\"",
        1,
    );
    std::fs::write(&file, text).unwrap();
    for args in [vec!["validate", file.to_str().unwrap()], vec!["run", file.to_str().unwrap(), "--replications", "2"]] {
        let o = corridor(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{args:?}: {out:?}");
        assert!(out.contains("M/M/3 \\u{1b}[2J"), "{args:?}: {out}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[cfg(unix)]
#[test]
fn new_counts_a_link_as_an_existing_file() {
    let dir = tmp("links");
    let dangling = dir.join("dangling.toml");
    std::os::unix::fs::symlink(dir.join("missing-target"), &dangling).unwrap();
    let looped = dir.join("loop.toml");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    for link in [&dangling, &looped] {
        let o = corridor(&["new", link.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
        assert!(std::fs::symlink_metadata(link).unwrap().file_type().is_symlink(), "the link was replaced");
    }
    // A file that exists but cannot be written is named once, with the reason.
    let o = corridor(&["new", "/proc/self/status"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let message = first_message(&o);
    assert!(!message.contains("No such file"), "{message}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn sensitivity_ranks_inputs_writes_its_files_and_refuses_mistakes_as_usage() {
    let dir = tmp("sensitivity");
    let out = dir.join("out");
    let o = corridor(&[
        "sensitivity",
        MC,
        "--variant",
        "baseline",
        "--kpi",
        "port.baku.ship_wait_hours.mean",
        "--samples",
        "2",
        "--replications",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("pure JSON on standard output");
    let effects = doc["sensitivity"]["kpis"][0]["effects"].as_array().unwrap();
    assert_eq!(effects.len(), doc["sensitivity"]["factors"].as_array().unwrap().len());
    for file in ["sensitivity.json", "sensitivity.csv", "sensitivity.txt"] {
        assert!(out.join(file).is_file(), "{file} not written");
    }
    let text = std::fs::read_to_string(out.join("sensitivity.txt")).unwrap();
    assert!(text.contains("μ*") && text.contains("baku_rail_ferry_rate"), "{text}");
    // The report ranks the same effects, first the largest μ*, with the chart inlined.
    let report = std::fs::read_to_string(out.join("report.html")).expect("report.html written");
    let top = &effects[0];
    let mu_star = top["mu_star"].as_f64().unwrap();
    assert!(report.contains("id=\"sensitivity-table-1\""), "no ranked table in the report");
    assert!(report.contains(top["factor"].as_str().unwrap()) && report.contains(&format!("{mu_star:.3}")), "{top}");
    assert!(report.contains("<svg"), "no chart in the report");
    // Two shards, run apart and merged, write exactly the files one machine writes.
    let mut parts = Vec::new();
    for k in 0..2 {
        let part = dir.join(format!("shard{k}"));
        let shard = format!("{k}/2");
        let o = corridor(&[
            "sensitivity",
            MC,
            "--variant",
            "baseline",
            "--kpi",
            "port.baku.ship_wait_hours.mean",
            "--samples",
            "2",
            "--replications",
            "2",
            "--shard",
            &shard,
            "--out",
            part.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(part.join("sensitivity_shard.json").is_file());
        parts.push(part);
    }
    let merged = dir.join("merged");
    let o =
        corridor(&["merge", parts[1].to_str().unwrap(), parts[0].to_str().unwrap(), "--out", merged.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for file in ["sensitivity.json", "sensitivity.csv", "sensitivity.txt"] {
        assert_eq!(std::fs::read(merged.join(file)).unwrap(), std::fs::read(out.join(file)).unwrap(), "{file}");
    }
    let o = corridor(&["merge", parts[0].to_str().unwrap(), "--out", dir.join("half").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "a missing shard is refused: {}", stderr(&o));
    assert!(stderr(&o).contains("missing"), "{}", stderr(&o));
    // A mistyped KPI names the nearest; a scenario without inputs says what to add.
    let o = corridor(&["sensitivity", MC, "--kpi", "port.baku.ship_wait_hours.man", "--samples", "2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("port.baku.ship_wait_hours.mean"), "{}", stderr(&o));
    let o = corridor(&["sensitivity", MMC, "--kpi", "system.events"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("[uncertain.<id>]"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_files_carry_the_headline_kpis_unless_asked_for_more() {
    let keys = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["run", MC, "--variant", "baseline", "--replications", "2", "--json", "-"];
        args.extend_from_slice(extra);
        let o = corridor(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["variants"][0]["kpis"].as_object().unwrap().keys().cloned().collect()
    };
    let headline = keys(&[]);
    let all = keys(&["--all-kpis"]);
    let with_services = keys(&["--kpis", "service.*"]);
    assert!(headline.iter().any(|k| k == "port.baku.ship_wait_hours.p95"));
    assert!(headline.iter().any(|k| k == "system.backlog_growth_tonnes_per_day"));
    assert!(!headline.iter().any(|k| k.starts_with("service.")), "service detail left out by default");
    assert!(
        all.iter().any(|k| k.starts_with("service.")) && all.len() > 2 * headline.len(),
        "{} vs {}",
        all.len(),
        headline.len()
    );
    let services = with_services.iter().filter(|k| k.starts_with("service.")).count();
    assert_eq!(services, all.iter().filter(|k| k.starts_with("service.")).count());
    assert_eq!(with_services.len(), headline.len() + services);

    let typo = corridor(&["run", MC, "--variant", "baseline", "--replications", "2", "--kpis", "servise.*"]);
    assert_eq!(typo.status.code(), Some(2), "{}", stderr(&typo));
    assert!(first_message(&typo).contains("--kpis \"servise.*\" matches no KPI"), "{}", stderr(&typo));
    assert!(!stderr(&typo).contains("progress:"), "refused before anything ran");
}

#[test]
fn uncertain_runs_say_what_they_need_and_report_the_spread() {
    let none = corridor(&["run", MMC, "--replications", "2", "--uncertain", "3"]);
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));
    assert!(first_message(&none).contains("declares no uncertain inputs"), "{}", stderr(&none));
    let capacity = corridor(&["capacity", MMC, "--replications", "2", "--uncertain", "3"]);
    assert_eq!(capacity.status.code(), Some(2), "{}", stderr(&capacity));
    assert!(first_message(&capacity).contains("--uncertain:"), "{}", stderr(&capacity));
    assert!(!stderr(&capacity).contains("capacity:"), "refused before any search: {}", stderr(&capacity));
    let one = corridor(&["run", MC, "--variant", "baseline", "--replications", "2", "--uncertain", "1"]);
    assert_eq!(one.status.code(), Some(2), "{}", stderr(&one));
    let sweep = corridor(&["sweep", MC, "--uncertain", "3"]);
    assert_eq!(sweep.status.code(), Some(2), "{}", stderr(&sweep));
    assert!(stderr(&sweep).contains("sweep does not take --uncertain"), "{}", stderr(&sweep));

    let dir = tmp("uncertain");
    let o = corridor(&[
        "run",
        MC,
        "--variant",
        "baseline",
        "--replications",
        "2",
        "--uncertain",
        "3",
        "--out",
        dir.join("o").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("ACROSS WHAT NOBODY KNOWS: 3 input scenarios"), "{text}");
    assert!(text.contains("baseline: stable in"), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("o/summary.json")).unwrap()).unwrap();
    assert_eq!(json["uncertain"]["scenarios"], 3);
    assert_eq!(json["uncertain"]["variants"][0]["stable"].as_array().unwrap().len(), 3);
    let csv = std::fs::read_to_string(dir.join("o/uncertain.csv")).unwrap();
    assert!(csv.starts_with("variant,kpi,scenario,stable,mean,at."), "{csv}");
    let report = std::fs::read_to_string(dir.join("o/report.html")).unwrap();
    assert!(report.contains("Across what nobody knows") && report.contains("id=\"uncertain-table\""));
    assert!(report.contains("port.baku.ship_wait_hours.p95"));

    // The capacity search across the unknowns has its section in the report too.
    let o = corridor(&[
        "capacity",
        "tests/common/robust_two_ports.toml",
        "--criterion",
        "port.a.ship_wait_hours.mean <= 4",
        "--replications",
        "3",
        "--resolution",
        "0.1",
        "--uncertain",
        "3",
        "--out",
        dir.join("c").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("c/capacity.json")).unwrap()).unwrap();
    let median = json["uncertain"]["variants"][0]["median"].as_f64().unwrap();
    let report = std::fs::read_to_string(dir.join("c/report.html")).unwrap();
    assert!(report.contains("id=\"capacity-uncertain-table\""), "no section for the unknowns");
    assert!(report.contains(&format!("×{median:.3} [")), "the median ×{median:.3} is not in the report");
}
