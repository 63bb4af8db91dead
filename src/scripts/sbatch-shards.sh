#!/usr/bin/env bash
# sbatch-shards.sh PROGRAM N [PROFILE] — run one shardable program on a
# Slurm cluster as a job array of N shards and a merge job that waits for
# them (sbatch --dependency=afterok), for users who prefer batch jobs to
# `make SHARDS=N RUN=srun`.  Run from the project root after `make`; the
# data land in data/PROFILE/ as with `make`, byte-identical to a local run.
#   src/scripts/sbatch-shards.sh zhu_e13 64 paper
# Extra sbatch options (partition, account, time) go in SBATCH_OPTS; DATA
# sets the data root as in the Makefile.
set -euo pipefail
prog=${1:?usage: sbatch-shards.sh PROGRAM N [PROFILE]} n=${2:?usage: sbatch-shards.sh PROGRAM N [PROFILE]}
profile=${3:-paper}
bin=src/build/bin/$prog
[[ -x $bin ]] || { echo "sbatch-shards: $bin not built; run make first" >&2; exit 2; }
[[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 4096)) || { echo "sbatch-shards: N must be in [1, 4096]" >&2; exit 2; }
out=${DATA:-data}/$profile shards=${DATA:-data}/$profile/shards
mkdir -p "$shards"
export SGDN_COMMIT=${SGDN_COMMIT:-$(git describe --always --dirty 2>/dev/null || echo unknown)}
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTS-} --array=1-"$n" --cpus-per-task=2 --job-name="$prog-shards" \
  --output="$shards/$prog-%a.log" --export=ALL \
  --wrap="$bin --profile $profile --outdir $out --shard-dir $shards --shard \$SLURM_ARRAY_TASK_ID/$n")
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTS-} --dependency=afterok:"${array%%;*}" --job-name="$prog-merge" \
  --output="$shards/$prog-merge.log" --export=ALL \
  --wrap="$bin --profile $profile --outdir $out --shard-dir $shards --merge-shards $n")
echo "submitted: shards as array job $array, merge as job $merge"
