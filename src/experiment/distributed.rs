//! Replications spread over MPI ranks (cargo feature `mpi`).
//!
//! Rank k of P runs shard k/P of the replications (with rayon inside the rank), every
//! rank sends its records to rank 0 as a shard result, and rank 0 merges them with
//! [`super::shard::merge`] — so the result equals a single-machine run exactly.
//!
//! OpenMPI binds each rank to one core by default, which silently makes rayon
//! single-threaded: start with `mpirun --bind-to none -n P corridor run ...`.

use super::shard::{ShardResult, merge};
use super::{Experiment, ExperimentResult, Progress, Shard};
use crate::scenario::Scenario;
use mpi::datatype::PartitionMut;
use mpi::traits::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Runs `experiment` on every rank of `world`; returns the merged result on rank 0 and
/// `None` on the other ranks.
///
/// # Errors
/// The experiment's error on this rank, or a rank's result that cannot be read back.
pub fn run_distributed<C: Communicator>(
    experiment: &Experiment,
    scenario: &Scenario,
    world: &C,
    progress: Option<Progress<'_>>,
) -> Result<Option<ExperimentResult>, String> {
    let size = world.size() as u64;
    let rank = world.rank() as u64;
    let shard = Shard { index: rank, count: size };
    let mut mine = experiment.clone();
    mine.shard = Some(shard);
    mine.precision = None;
    let result = mine.run(scenario, if rank == 0 { progress } else { None }).map_err(|e| e.to_string())?;
    let part = ShardResult::new(&result, scenario.text(), shard, experiment.replications);
    let Some(parts) = gather_parts(world, &part)? else { return Ok(None) };
    let (mut merged, _) = merge(&parts, None).map_err(|e| e.to_string())?;
    merged.threads = parts.iter().map(|(_, p)| p.threads).sum();
    merged.wall_seconds = parts.iter().map(|(_, p)| p.wall_seconds).fold(0.0, f64::max);
    merged.focus = crate::experiment::Focus::of(scenario);
    Ok(Some(merged))
}

/// Every rank's `part`, in rank order and named after its rank, on rank 0 (`None` on
/// the others). Each travels as JSON, as a shard file would. Every rank must call it
/// at the same step.
///
/// # Errors
/// A part that cannot be written or read back.
pub fn gather_parts<C: Communicator, T: Serialize + DeserializeOwned>(
    world: &C,
    part: &T,
) -> Result<Option<Vec<(String, T)>>, String> {
    let bytes = serde_json::to_vec(part).map_err(|e| e.to_string())?;
    let Some(all) = gather_bytes(world, &bytes) else { return Ok(None) };
    all.iter()
        .enumerate()
        .map(|(r, b)| {
            serde_json::from_slice(b)
                .map(|p| (format!("rank {r}"), p))
                .map_err(|e| format!("rank {r} sent an unreadable result: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Every rank's `bytes`, in rank order, on rank 0 (`None` on the others). Every rank
/// must call it at the same step.
fn gather_bytes<C: Communicator>(world: &C, bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let size = world.size() as usize;
    let root = world.process_at_rank(0);
    let length = bytes.len() as i32;
    if world.rank() != 0 {
        root.gather_into(&length);
        root.gather_varcount_into(bytes);
        return None;
    }
    let mut lengths = vec![0i32; size];
    root.gather_into_root(&length, &mut lengths[..]);
    let displacements: Vec<i32> = lengths
        .iter()
        .scan(0i32, |offset, &len| {
            let at = *offset;
            *offset += len;
            Some(at)
        })
        .collect();
    let total: usize = lengths.iter().map(|&l| l as usize).sum();
    let mut buffer = vec![0u8; total];
    {
        let mut partition = PartitionMut::new(&mut buffer[..], &lengths[..], &displacements[..]);
        root.gather_varcount_into_root(bytes, &mut partition);
    }
    Some(
        displacements
            .iter()
            .zip(&lengths)
            .map(|(&at, &len)| buffer[at as usize..(at + len) as usize].to_vec())
            .collect(),
    )
}
