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
        .args([
            "--allow-run-as-root",
            "--oversubscribe",
            "--bind-to",
            "none",
            "-n",
            "2",
            BIN,
        ])
        .args(args("mpi"))
        .output()
        .expect("mpirun is installed (Debian: openmpi-bin)");
    assert!(mpi.status.success(), "{}", String::from_utf8_lossy(&mpi.stderr));
    for file in [
        "summary.csv",
        "replications.csv",
        "ship_wait.svg",
        "berth_occupancy.svg",
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
