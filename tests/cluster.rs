//! Sharded runs (`--shard K/N`, Slurm job-array variables) merged with `corridor merge`
//! reproduce a single run exactly; mismatched, missing or duplicated shards are refused;
//! Ctrl-C stops cleanly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_corridor");
const SCENARIO: &str = "scenarios/middle_corridor.toml";

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("corridor-cluster-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn corridor(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for var in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("corridor runs")
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn run_args<'a>(seed: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        SCENARIO,
        "--variant",
        "baseline",
        "--variant",
        "baku_phase2",
        "--replications",
        "5",
        "--seed",
        seed,
        "--out",
        out,
    ]
}

/// summary.json without the two fields that describe the machine, not the results.
fn results_json(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    let map = v.as_object_mut().unwrap();
    map.remove("threads");
    map.remove("wall_seconds");
    v
}

#[test]
fn shards_merge_into_exactly_the_single_run() {
    let dir = tmp("merge");
    let single = dir.join("single");
    ok(corridor(&run_args("3", single.to_str().unwrap()), &[]));
    let mut shard_dirs = Vec::new();
    for k in 0..3 {
        let d = dir.join(format!("shard{k}"));
        let mut args = run_args("3", d.to_str().unwrap());
        let shard = format!("{k}/3");
        args.extend(["--shard", &shard]);
        ok(corridor(&args, &[]));
        shard_dirs.push(d);
    }
    let merged = dir.join("merged");
    // Order of the shards does not matter.
    ok(corridor(
        &[
            "merge",
            shard_dirs[2].to_str().unwrap(),
            shard_dirs[0].to_str().unwrap(),
            shard_dirs[1].to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
        &[],
    ));
    for file in [
        "summary.csv",
        "replications.csv",
        "ship_wait.svg",
        "berth_occupancy.svg",
        "yard_stock.svg",
        "transit_times.svg",
    ] {
        let a = std::fs::read(single.join(file)).unwrap();
        let b = std::fs::read(merged.join(file)).unwrap();
        assert!(a == b, "{file} differs between the single run and the merge");
    }
    let a = std::fs::read_to_string(single.join("summary.json")).unwrap();
    let b = std::fs::read_to_string(merged.join("summary.json")).unwrap();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"threads\"") && !l.contains("\"wall_seconds\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip(&a),
        strip(&b),
        "summary.json differs beyond threads and wall_seconds"
    );
    assert_eq!(results_json(&single), results_json(&merged));

    // Refusals: a missing shard, a duplicated shard, a shard of another seed.
    let out = corridor(
        &[
            "merge",
            shard_dirs[0].to_str().unwrap(),
            shard_dirs[1].to_str().unwrap(),
            "--out",
            dir.join("x").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("replications missing: 2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = corridor(
        &[
            "merge",
            shard_dirs[0].to_str().unwrap(),
            shard_dirs[0].to_str().unwrap(),
            "--out",
            dir.join("x").to_str().unwrap(),
        ],
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("shard 0/3 is given twice"));
    let other = dir.join("other");
    let mut args = run_args("4", other.to_str().unwrap());
    args.extend(["--shard", "1/3"]);
    ok(corridor(&args, &[]));
    let out = corridor(
        &[
            "merge",
            shard_dirs[0].to_str().unwrap(),
            other.to_str().unwrap(),
            shard_dirs[2].to_str().unwrap(),
            "--out",
            dir.join("x").to_str().unwrap(),
        ],
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("belongs to a different run: the seed is 4"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn slurm_array_variables_choose_the_shard() {
    let dir = tmp("slurm");
    let explicit = dir.join("explicit");
    let mut args = run_args("9", explicit.to_str().unwrap());
    args.extend(["--shard", "1/2"]);
    ok(corridor(&args, &[]));
    let slurm = dir.join("slurm");
    // An array declared as --array=1-2: task 2 is shard 1.
    ok(corridor(
        &run_args("9", slurm.to_str().unwrap()),
        &[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ],
    ));
    let read = |d: &Path| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("shard.json")).unwrap()).unwrap();
        serde_json::json!([v["identity"], v["shard_index"], v["replications"], v["variants"]])
    };
    assert_eq!(read(&explicit), read(&slurm));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn ctrl_c_writes_completed_replications_and_no_partial_files() {
    let dir = tmp("ctrlc");
    let out = dir.join("out");
    let child = Command::new(BIN)
        .args([
            "run",
            SCENARIO,
            "--replications",
            "100000",
            "--threads",
            "2",
            "--out",
            out.to_str().unwrap(),
        ])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(4000));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["interrupted"], serde_json::Value::Bool(true));
    let done = summary["replications"].as_u64().unwrap();
    assert!(done > 0 && done < 100_000, "{done} replications");
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.ends_with(".tmp"), "partial file {name} left behind");
    }
    std::fs::remove_dir_all(dir).ok();
}
