//! With `--features mpi`, `mpirun -n 2 corridor run` writes exactly what a single-machine
//! run writes. Needs OpenMPI (`mpirun`); run with
//! `cargo test --features mpi --test mpi`.
#![cfg(feature = "mpi")]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_corridor");

#[test]
fn two_ranks_reproduce_a_single_run() {
    let dir = std::env::temp_dir().join(format!("corridor-mpi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let args = |out: &str| {
        vec![
            "run".to_string(),
            "scenarios/middle_corridor.toml".into(),
            "--variant".into(),
            "baseline".into(),
            "--variant".into(),
            "surge_with_phase2".into(),
            "--replications".into(),
            "7".into(),
            "--seed".into(),
            "13".into(),
            "--out".into(),
            dir.join(out).display().to_string(),
        ]
    };
    let single = Command::new(BIN).args(args("single")).output().unwrap();
    assert!(single.status.success(), "{}", String::from_utf8_lossy(&single.stderr));
    // As root OpenMPI needs --allow-run-as-root; --bind-to none keeps rayon's threads.
    let mpi = Command::new("mpirun")
        .args(["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", "2", BIN])
        .args(args("mpi"))
        .output()
        .expect("mpirun is installed (Debian: openmpi-bin)");
    assert!(mpi.status.success(), "{}", String::from_utf8_lossy(&mpi.stderr));
    for file in [
        "summary.csv",
        "replications.csv",
        "ship_wait.svg",
        "berth_occupancy.svg",
        "binding.svg",
        "yard_stock.svg",
        "transit_times.svg",
    ] {
        let a = std::fs::read(dir.join("single").join(file)).unwrap();
        let b = std::fs::read(dir.join("mpi").join(file)).unwrap();
        assert!(a == b, "{file} differs between mpirun -n 2 and a single run");
    }
    let json = |d: &str| -> serde_json::Value {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(d).join("summary.json")).unwrap()).unwrap();
        let threads = v["threads"].as_u64().unwrap();
        let map = v.as_object_mut().unwrap();
        map.remove("threads");
        map.remove("wall_seconds");
        serde_json::json!([v, threads])
    };
    let (a, b) = (json("single"), json("mpi"));
    assert_eq!(a[0], b[0], "summary.json differs beyond threads and wall_seconds");
    assert!(b[1].as_u64().unwrap() >= 2, "both ranks' threads are counted");
    std::fs::remove_dir_all(dir).ok();
}

fn mpirun(args: &[&str]) -> std::process::Command {
    let mut cmd = Command::new("mpirun");
    cmd.args(["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", "2", BIN]);
    cmd.args(args);
    cmd
}

#[test]
fn precision_under_mpirun_is_refused_with_a_clear_message() {
    let o = mpirun(&["run", "scenarios/mmc_port.toml", "--precision", "port.port.ship_wait_hours.mean=0.05"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(stderr.contains("error: --precision cannot be used under mpirun"), "{stderr}");
}

#[test]
fn ctrl_c_under_mpirun_says_what_happened() {
    use std::io::BufRead;
    let mut child = mpirun(&["run", "scenarios/middle_corridor.toml", "--replications", "100000"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    assert!(lines.by_ref().map_while(Result::ok).any(|l| l.starts_with("progress:")));
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(rest.iter().any(|l| l.contains("under mpirun a Ctrl-C stops every rank at once")), "{rest:?}");
}

/// `mpirun -n 2 corridor <args> --out DIR` and the same command on one machine; the
/// folder each wrote.
/// `shared` is what rank 0 says when the ranks shared the work (a run on rank 0
/// alone would write the same files).
fn single_and_two_ranks(name: &str, args: &[&str], shared: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("corridor-mpi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (single, ranks) = (dir.join("single"), dir.join("mpi"));
    let o = Command::new(BIN).args(args).arg("--out").arg(&single).output().unwrap();
    assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
    let o = mpirun(args).arg("--out").arg(&ranks).output().unwrap();
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{name} under mpirun: {said}");
    assert!(said.contains(shared), "{name}: the ranks did not share the work: {said}");
    (single, ranks)
}

fn same_file(name: &str, a: &std::path::Path, b: &std::path::Path, file: &str) {
    let (x, y) = (std::fs::read(a.join(file)).unwrap(), std::fs::read(b.join(file)).unwrap());
    assert!(x == y, "{name}: {file} differs between mpirun -n 2 and a single machine");
}

#[test]
fn the_ranks_share_the_input_scenarios_and_write_what_one_machine_writes() {
    let file = "tests/common/robust_two_ports.toml";
    // Sensitivity: every input scenario of the design, shared by the ranks.
    let (a, b) = single_and_two_ranks(
        "sensitivity",
        &["sensitivity", file, "--kpi", "port.a.ship_wait_hours.mean", "--samples", "3", "--replications", "4"],
        "sensitivity over 2 ranks",
    );
    for f in ["sensitivity.json", "sensitivity.csv", "sensitivity.txt", "sensitivity_1.svg"] {
        same_file("sensitivity", &a, &b, f);
    }
    // run --uncertain: the replications and the input scenarios.
    let (a, b) = single_and_two_ranks(
        "run",
        &["run", file, "--uncertain", "4", "--replications", "4"],
        "input scenarios over 2 ranks",
    );
    for f in ["uncertain.csv", "summary.csv", "replications.csv"] {
        same_file("run --uncertain", &a, &b, f);
    }
    let json = |d: &std::path::Path| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("summary.json")).unwrap()).unwrap();
        let map = v.as_object_mut().unwrap();
        map.remove("threads");
        map.remove("wall_seconds");
        v
    };
    let (x, y) = (json(&a), json(&b));
    assert!(x.get("uncertain").is_some(), "the run has its spread across the input scenarios");
    assert_eq!(x, y, "run --uncertain: summary.json differs beyond threads and wall_seconds");
    // capacity --uncertain: the search as written on rank 0, the input scenarios shared.
    let (a, b) = single_and_two_ranks(
        "capacity",
        &["capacity", file, "--uncertain", "3", "--replications", "4"],
        "capacity search over 2 ranks",
    );
    for f in ["capacity.json", "capacity.csv"] {
        same_file("capacity --uncertain", &a, &b, f);
    }
    std::fs::remove_dir_all(a.parent().unwrap()).ok();
}
