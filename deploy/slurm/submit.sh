#!/bin/bash
# Submits a sharded experiment and its merge, chained with a dependency.
#   deploy/slurm/submit.sh scenarios/middle_corridor.toml results 2000 16
set -euo pipefail
scenario=${1:?scenario file}
results=${2:?results folder}
replications=${3:-1000}
shards=${4:-16}
here=$(dirname "$0")
array=$(sbatch --parsable --array=0-$((shards - 1)) "$here/run_array.sbatch" "$scenario" "$results" "$replications")
sbatch --dependency=afterok:"$array" "$here/merge.sbatch" "$results"
echo "submitted array job $array and its merge"
