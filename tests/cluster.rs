//! Sharded runs (`--shard K/N`, Slurm job-array variables) merged with `corridor merge`
//! reproduce a single run exactly; mismatched, missing, duplicated, damaged or edited
//! shards are refused naming the shard and the defect; Ctrl-C stops cleanly; a process
//! killed at any moment never leaves files from two runs. `run --uncertain` and
//! `capacity --uncertain` shard their input scenarios too, and merge into what one
//! machine gives.

use corridor::experiment::shard::ShardResult;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
        "binding.svg",
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
    assert_eq!(strip(&a), strip(&b), "summary.json differs beyond threads and wall_seconds");
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
        String::from_utf8_lossy(&out.stderr).contains("shards missing: 2/3"),
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
fn an_uncertain_run_shards_and_merges_into_exactly_the_single_run() {
    // `run --uncertain 5` on one machine, then in 2 shards (input scenarios 0, 2, 4 and
    // 1, 3) merged in either order: the same spread across the inputs, byte for byte.
    let dir = tmp("uncertain");
    let args = |out: &Path, shard: Option<&str>| {
        let mut a: Vec<String> = run_args("3", out.to_str().unwrap()).into_iter().map(String::from).collect();
        a.extend(["--uncertain", "5"].map(String::from));
        if let Some(k) = shard {
            a.extend(["--shard".to_string(), k.to_string()]);
        }
        a
    };
    let run = |a: Vec<String>| ok(corridor(&a.iter().map(String::as_str).collect::<Vec<_>>(), &[]));
    let single = dir.join("single");
    run(args(&single, None));
    let shards: Vec<PathBuf> = (0..2).map(|k| dir.join(format!("shard{k}"))).collect();
    for (k, d) in shards.iter().enumerate() {
        run(args(d, Some(&format!("{k}/2"))));
        assert!(d.join("uncertain_shard.json").is_file(), "shard {k} wrote no input scenarios");
    }
    let merged = dir.join("merged");
    let (s0, s1) = (shards[0].to_str().unwrap(), shards[1].to_str().unwrap());
    ok(corridor(&["merge", s1, s0, "--out", merged.to_str().unwrap()], &[]));
    let a = std::fs::read(single.join("uncertain.csv")).unwrap();
    assert!(a == std::fs::read(merged.join("uncertain.csv")).unwrap(), "uncertain.csv differs");
    assert!(String::from_utf8_lossy(&a).lines().count() > 10, "uncertain.csv holds too little");
    assert_eq!(results_json(&single), results_json(&merged));
    assert!(results_json(&merged)["uncertain"]["variants"].as_array().is_some_and(|v| v.len() == 2));
    // Refused: an input-scenario part missing beside one shard, and an edited one.
    let bare = dir.join("bare");
    std::fs::create_dir_all(&bare).unwrap();
    std::fs::copy(shards[1].join("shard.json"), bare.join("shard.json")).unwrap();
    let out = corridor(&["merge", s0, bare.to_str().unwrap(), "--out", dir.join("x").to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no uncertain_shard.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let edited = shards[1].join("uncertain_shard.json");
    let text = std::fs::read_to_string(&edited).unwrap().replacen("\"stable\":true", "\"stable\":false", 1);
    std::fs::write(&edited, text).unwrap();
    let out = corridor(&["merge", s0, s1, "--out", dir.join("y").to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("digest does not match"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn an_uncertain_capacity_search_shards_and_merges_into_exactly_the_single_search() {
    // `capacity --uncertain 3` on one machine, then in 2 shards (shard 0: the search as
    // written and input scenarios 0 and 2; shard 1: input scenario 1), merged.
    let dir = tmp("capacity");
    let args = |out: &Path, shard: Option<&str>| {
        let mut a: Vec<String> = [
            "capacity",
            SCENARIO,
            "--variant",
            "baseline",
            "--tags",
            "transit",
            "--replications",
            "2",
            "--resolution",
            "0.2",
            "--max-factor",
            "2",
            "--uncertain",
            "3",
            "--out",
            out.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec();
        if let Some(k) = shard {
            a.extend(["--shard".to_string(), k.to_string()]);
        }
        a
    };
    let run = |a: Vec<String>| ok(corridor(&a.iter().map(String::as_str).collect::<Vec<_>>(), &[]));
    let single = dir.join("single");
    run(args(&single, None));
    let shards: Vec<PathBuf> = (0..2).map(|k| dir.join(format!("shard{k}"))).collect();
    for (k, d) in shards.iter().enumerate() {
        run(args(d, Some(&format!("{k}/2"))));
        assert!(d.join("capacity_shard.json").is_file(), "shard {k} wrote nothing");
    }
    let merged = dir.join("merged");
    let (s0, s1) = (shards[0].to_str().unwrap(), shards[1].to_str().unwrap());
    ok(corridor(&["merge", s1, s0, "--out", merged.to_str().unwrap()], &[]));
    for file in ["capacity.json", "capacity.csv", "capacity_baseline_stability.svg"] {
        let a = std::fs::read(single.join(file)).unwrap();
        assert!(a == std::fs::read(merged.join(file)).unwrap(), "{file} differs between one machine and the merge");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(merged.join("capacity.json")).unwrap()).unwrap();
    assert!(json.to_string().contains("\"answers\""), "capacity.json holds no answers across the inputs");
    // Refused: a missing shard, a shard without --uncertain, an edited shard.
    let out = corridor(&["merge", s1, "--out", dir.join("x").to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shards missing: 0/2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = corridor(&["capacity", SCENARIO, "--shard", "0/2", "--out", dir.join("y").to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let edited = shards[1].join("capacity_shard.json");
    let text = std::fs::read_to_string(&edited).unwrap().replacen("\"at_least\":false", "\"at_least\":true", 1);
    std::fs::write(&edited, text).unwrap();
    let out = corridor(&["merge", s0, s1, "--out", dir.join("z").to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("digest does not match"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
        &[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "2"), ("SLURM_ARRAY_TASK_MIN", "1")],
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
    for command in ["run", "sweep"] {
        let out = dir.join(command);
        let mut child = Command::new(BIN)
            .args([command, SCENARIO, "--replications", "100000", "--threads", "2", "--out", out.to_str().unwrap()])
            .env_remove("SLURM_ARRAY_TASK_ID")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the signal that work has started: the first progress line, written
        // when the first replication is done.
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let started = lines.by_ref().map_while(Result::ok).any(|l| l.starts_with("progress:"));
        assert!(started, "{command}: no progress line");
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        let result = child.wait_with_output().unwrap();
        let stderr = rest.join("\n");
        assert_eq!(result.status.code(), Some(130), "{command}: {stderr}");
        assert!(stderr.contains("interrupted"), "{command}: {stderr}");
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(summary["interrupted"], serde_json::Value::Bool(true), "{command}");
        let done = summary["replications"].as_u64().unwrap();
        assert!(done > 0 && done < 100_000, "{command}: {done} replications");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            assert!(!name.contains("staging") && !name.ends_with(".tmp"), "partial output {name} left behind");
        }
    }
    std::fs::remove_dir_all(dir).ok();
}

/// Two complete reference runs and their files.
fn reference(dir: &Path, seed: &str) -> PathBuf {
    let out = dir.join(format!("reference-{seed}"));
    ok(corridor(
        &["run", "scenarios/mmc_port.toml", "--replications", "12", "--seed", seed, "--out", out.to_str().unwrap()],
        &[],
    ));
    out
}

/// The files of an output folder, with summary.json stripped of machine-dependent fields
/// and report.html of the lines that say when, how fast and by which command line it was
/// written.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "corridor-manifest.json")
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let bytes = if name == "summary.json" {
                serde_json::to_vec(&results_json(dir)).unwrap()
            } else if name == "report.html" {
                let text = std::fs::read_to_string(&p).unwrap();
                let when_and_how = ["<dt>Command line</dt>", "<dt>Written</dt>", " threads</p>"];
                let kept: Vec<&str> = text.lines().filter(|l| !when_and_how.iter().any(|w| l.contains(w))).collect();
                kept.join("\n").into_bytes()
            } else {
                std::fs::read(&p).unwrap()
            };
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_killed_run_never_leaves_files_from_two_runs() {
    let dir = tmp("kill");
    let refs = [reference(&dir, "1"), reference(&dir, "2")];
    let expected: Vec<_> = refs.iter().map(|r| contents(r)).collect();
    let target = dir.join("out");
    ok(corridor(
        &["run", "scenarios/mmc_port.toml", "--replications", "12", "--seed", "1", "--out", target.to_str().unwrap()],
        &[],
    ));
    // How long a whole run takes; kills land anywhere in it, most near the end, where
    // the files are written.
    let started = std::time::Instant::now();
    ok(corridor(
        &[
            "run",
            "scenarios/mmc_port.toml",
            "--replications",
            "12",
            "--seed",
            "2",
            "--out",
            dir.join("timing").to_str().unwrap(),
        ],
        &[],
    ));
    let run_ms = started.elapsed().as_millis() as u64;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut landed_late = 0;
    for kill in 0..40 {
        // Run the seed the folder does not hold now, so a mix would be visible.
        let held: serde_json::Value =
            serde_json::from_slice(&std::fs::read(target.join("summary.json")).unwrap()).unwrap();
        let seed = if held["seed"] == 1 { "2" } else { "1" };
        let mut child = Command::new(BIN)
            .args([
                "run",
                "scenarios/mmc_port.toml",
                "--replications",
                "12",
                "--seed",
                seed,
                "--out",
                target.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let fraction = 0.5 + (state >> 33) as f64 / (1u64 << 31) as f64 * 0.7;
        let delay = (run_ms as f64 * fraction) as u64;
        if fraction > 0.9 {
            landed_late += 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let now = contents(&target);
        assert!(
            now == expected[0] || now == expected[1],
            "after kill {kill} at {delay} ms of {run_ms} ms the folder holds neither complete run: {:?}",
            now.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
    }
    assert!(landed_late > 0);
    // A later run cleans up staging folders that killed runs left.
    ok(corridor(&["run", "scenarios/mmc_port.toml", "--replications", "12", "--out", target.to_str().unwrap()], &[]));
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.contains("staging"), "{name} left behind");
    }
    std::fs::remove_dir_all(dir).ok();
}

/// Writes `shard` to `dir/shard.json`, recomputing its digest when `redigest` is set.
fn write_shard(dir: &Path, mut shard: ShardResult, redigest: bool) {
    std::fs::create_dir_all(dir).unwrap();
    if redigest {
        shard.digest = shard.content_digest();
    }
    std::fs::write(dir.join("shard.json"), serde_json::to_vec(&shard).unwrap()).unwrap();
}

#[test]
fn merge_refuses_damaged_and_edited_shards_naming_the_shard_and_the_defect() {
    let dir = tmp("integrity");
    let shards: Vec<PathBuf> = (0..2).map(|k| dir.join(format!("s{k}"))).collect();
    for (k, d) in shards.iter().enumerate() {
        let shard = format!("{k}/2");
        ok(corridor(
            &["run", SCENARIO, "--replications", "4", "--seed", "5", "--shard", &shard, "--out", d.to_str().unwrap()],
            &[],
        ));
    }
    let original: ShardResult = serde_json::from_slice(&std::fs::read(shards[0].join("shard.json")).unwrap()).unwrap();
    let declared = corridor::scenario::Scenario::load(SCENARIO).unwrap().variant_names().len();
    assert_eq!(original.variants.len(), declared);
    type Edit = fn(&mut ShardResult);
    let edits: Vec<(&str, Edit, bool, &str)> = vec![
        ("an edited value", |s| s.variants[0].records[0].values[3] += 1.0, false, "digest does not match"),
        (
            "a forged saturation",
            |s| {
                s.variants[1].records[0].saturation =
                    s.variants[1].records[0].saturation.clone().or(Some(corridor::model::Saturation {
                        resource: "port.baku.yard".into(),
                        at_hours: 1.0,
                        reason: "forged".into(),
                    }))
            },
            false,
            "digest does not match",
        ),
        ("an edited scenario", |s| s.scenario_text.push('#'), true, "scenario text does not match"),
        (
            "records duplicated 1,000 times",
            |s| {
                let r = s.variants[0].records.clone();
                s.variants[0].records = r.iter().cycle().take(r.len() * 1_000).cloned().collect();
            },
            true,
            "holds 2000 records for 2 replications",
        ),
        ("one of five variants", |s| s.variants.truncate(1), true, "holds variants [baseline]"),
        (
            "a duplicated replication in the third variant",
            |s| {
                let first = s.variants[2].records[0].clone();
                s.variants[2].records[1] = first;
            },
            true,
            "variant \"baku_phase2\" holds replication 0 where replication 2 belongs",
        ),
        ("reordered KPI keys", |s| s.variants[0].keys.swap(0, 1), true, "KPI keys of variant \"baseline\""),
        (
            "a record one value short",
            |s| {
                s.variants[3].records[1].values.pop();
            },
            true,
            "values for",
        ),
        (
            "10^15 replications",
            |s| s.identity.replications = 1_000_000_000_000_000,
            true,
            "declares 1000000000000000 replications",
        ),
    ];
    for (what, edit, redigest, expected) in edits {
        let mut edited = original.clone();
        edit(&mut edited);
        let bad = dir.join("bad");
        let _ = std::fs::remove_dir_all(&bad);
        write_shard(&bad, edited, redigest);
        let out = corridor(
            &["merge", bad.to_str().unwrap(), shards[1].to_str().unwrap(), "--out", dir.join("m").to_str().unwrap()],
            &[],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("bad/shard.json"), "{what}: the shard is not named: {err}");
        assert!(err.contains(expected), "{what}: {err}");
    }
    // The untouched shards still merge.
    ok(corridor(
        &["merge", shards[0].to_str().unwrap(), shards[1].to_str().unwrap(), "--out", dir.join("m").to_str().unwrap()],
        &[],
    ));
    std::fs::remove_dir_all(dir).ok();
}
