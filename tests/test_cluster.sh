#!/usr/bin/env bash
# test_cluster.sh — the sharded pipeline through a real Slurm scheduler.
#
# Starts munge and a single-node Slurm (slurmctld + slurmd, configuration
# generated in a scratch directory, this machine as the only node), builds
# the data of three figures (CLUSTER_FIGS, default 1 11 12: four shardable
# programs) with SHARDS=4 and every program run through `srun`, builds the
# same data locally without sharding, and compares every data file byte for
# byte (provenance files, which record wall time and
# host, excepted).  The daemons are stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
FIGS=${CLUSTER_FIGS:-"1 11 12"}
src/scripts/deps.sh cluster
T=$(mktemp -d /tmp/sgdn-cluster.XXXXXX)
chmod 755 "$T"
pids=()
cleanup() {
  for f in "$T"/slurmd.pid "$T"/slurmctld.pid "$T"/munge/munged.pid; do
    [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$T"
}
trap cleanup EXIT

# munge: a fresh key and socket of our own, so no system daemon is touched
mkdir -p "$T/munge" "$T/state" "$T/spool"
chmod 700 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
munged --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" \
  --log-file="$T/munge/munged.log" --pid-file="$T/munge/munged.pid" \
  --seed-file="$T/munge/munged.seed" --force

# ports: two free ones above 20000
port=$((20000 + RANDOM % 20000))
host=$(hostname -s)
cpus=$(nproc)
cat >"$T/slurm.conf" <<CONF
ClusterName=sgdntest
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 30); do
  sinfo -h -o %t 2>/dev/null | grep -q idle && break
  sleep 1
done
if ! sinfo -h -o %t | grep -q idle; then
  echo "test-cluster: Slurm did not come up; logs:" >&2
  tail -n 20 "$T/slurmctld.log" "$T/slurmd.log" >&2
  exit 1
fi
echo "test-cluster: single-node Slurm up ($(sinfo -h -o '%P %D %c %t'))"

targets=$(for f in $FIGS; do printf 'figdata-%s ' "$f"; done)
start=$SECONDS
make --no-print-directory $targets PROFILE=ci DATA="$T/local" -j2 >"$T/local.log" 2>&1 \
  || { tail -n 20 "$T/local.log"; exit 1; }
echo "test-cluster: local unsharded run done ($((SECONDS - start)) s)"
start=$SECONDS
make --no-print-directory $targets PROFILE=ci DATA="$T/slurm" SHARDS=4 RUN='srun -n1 -c1 --quiet' -j4 \
  >"$T/slurm.log" 2>&1 || { tail -n 20 "$T/slurm.log"; exit 1; }
nsrun=$(grep -c '^srun ' "$T/slurm.log" || true)
nshards=$(find "$T/slurm/ci/shards" -name '*.shard-*-of-4' | wc -l)
echo "test-cluster: sharded run through srun done ($((SECONDS - start)) s, $nsrun srun jobs, $nshards shards)"
((nshards > 0)) || { echo "test-cluster: no shard was written" >&2; exit 1; }

# the batch recipe: a job array of 4 shards and a dependent merge job
start=$SECONDS
DATA="$T/batch" src/scripts/sbatch-shards.sh zhu_e13 4 ci
for _ in $(seq 300); do
  [[ -z $(squeue -h -o %i) ]] && break
  sleep 1
done
echo "test-cluster: sbatch array + merge done ($((SECONDS - start)) s)"

pass=0 fail=0
for f in "$T/local/ci"/zhu_e13.*; do
  b=$(basename "$f")
  [[ $b == *.prov.tsv ]] && continue
  if cmp -s "$f" "$T/batch/ci/$b"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $b differs (sbatch)"; fi
done
for f in "$T/local/ci"/*; do
  b=$(basename "$f")
  [[ $b == *.prov.tsv ]] && continue
  if cmp -s "$f" "$T/slurm/ci/$b"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $b differs"; fi
done
echo "cluster: $pass passed, $fail failed"
((fail == 0 && pass > 0))
