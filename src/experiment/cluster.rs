//! Where an experiment runs: this machine, or — built with the `mpi` feature and
//! started under `mpirun` — spread over MPI ranks (see `distributed`). The same code
//! path either way, so the command line needs no MPI plumbing of its own.

use super::{Experiment, ExperimentResult, Progress, Shard};
use crate::scenario::Scenario;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The machines an experiment runs on.
pub struct Cluster {
    #[cfg(feature = "mpi")]
    universe: Option<mpi::environment::Universe>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("ranks", &self.ranks()).finish()
    }
}

impl Cluster {
    /// Joins the MPI job if there is one (feature `mpi`); otherwise this machine alone.
    pub fn join() -> Cluster {
        Cluster {
            #[cfg(feature = "mpi")]
            universe: mpi::initialize(),
        }
    }

    /// Number of ranks (1 without MPI).
    pub fn ranks(&self) -> u64 {
        #[cfg(feature = "mpi")]
        if let Some(u) = &self.universe {
            return mpi::traits::Communicator::size(&u.world()) as u64;
        }
        1
    }

    /// Whether this process is rank 0 (true without MPI).
    pub fn is_root(&self) -> bool {
        #[cfg(feature = "mpi")]
        if let Some(u) = &self.universe {
            return mpi::traits::Communicator::rank(&u.world()) == 0;
        }
        true
    }

    /// Whether the experiment is spread over more than one rank.
    pub fn is_distributed(&self) -> bool {
        self.ranks() > 1
    }

    /// This rank's share of work made of independent pieces (input scenarios):
    /// shard `rank` of `ranks`, or `None` on one machine.
    pub fn shard(&self) -> Option<Shard> {
        #[cfg(feature = "mpi")]
        if let Some(u) = &self.universe
            && self.is_distributed()
        {
            let world = u.world();
            return Some(Shard {
                index: mpi::traits::Communicator::rank(&world) as u64,
                count: mpi::traits::Communicator::size(&world) as u64,
            });
        }
        None
    }

    /// Every rank's `part`, in rank order, on rank 0 (`None` on the others); on one
    /// machine, this machine's part alone. Each part travels as JSON, as a shard file
    /// would, and is named after its rank for the merge's messages. Every rank must
    /// call it, as the same step of the same command.
    ///
    /// # Errors
    /// A part that cannot be written or read back.
    pub fn gather<T: Serialize + DeserializeOwned>(&self, part: &T) -> Result<Option<Vec<(String, T)>>, String> {
        #[cfg(feature = "mpi")]
        if let Some(u) = &self.universe
            && self.is_distributed()
        {
            return super::distributed::gather_parts(&u.world(), part);
        }
        let bytes = serde_json::to_vec(part).map_err(|e| e.to_string())?;
        let mine = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        Ok(Some(vec![("this machine".to_string(), mine)]))
    }

    /// Runs `experiment`: here, or over every rank with the merged result on rank 0
    /// and `None` on the others.
    ///
    /// # Errors
    /// The experiment's error, or a rank's result that cannot be gathered.
    pub fn run(
        &self,
        experiment: &Experiment,
        scenario: &Scenario,
        progress: Option<Progress<'_>>,
    ) -> Result<Option<ExperimentResult>, String> {
        #[cfg(feature = "mpi")]
        if let Some(u) = &self.universe
            && self.is_distributed()
        {
            return super::distributed::run_distributed(experiment, scenario, &u.world(), progress);
        }
        experiment.run(scenario, progress).map(Some).map_err(|e| e.to_string())
    }
}
