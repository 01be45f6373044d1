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
