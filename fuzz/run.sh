#!/usr/bin/env bash
# run.sh SECONDS HARNESS... — fuzz each harness with AFL++ (afl-fuzz) for
# SECONDS, seeded from fuzz/seeds/<name>, and fail if it found a crash or a
# hang.  Prints one line per harness: executions, paths, crashes, hangs.
set -euo pipefail
secs=$1; shift
out=${FUZZ_OUT:-src/build/fuzz/out}
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
       AFL_NO_AFFINITY=1 AFL_QUIET=1 ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0
status=0
for h in "$@"; do
  name=$(basename "$h"); name=${name#fuzz_}
  rm -rf "${out:?}/$name"; mkdir -p "$out/$name"
  afl-fuzz -i "fuzz/seeds/$name" -o "$out/$name" -V "$secs" -m none -t 1000 -- "$h" \
    >"$out/$name.log" 2>&1 || { tail -n 20 "$out/$name.log"; status=1; continue; }
  st=$out/$name/default/fuzzer_stats
  get() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$st"; }
  printf 'fuzz %s: %s executions in %s s, %s paths, %s crashes, %s hangs\n' "$name" \
    "$(get execs_done)" "$(get run_time)" "$(get corpus_count)" "$(get saved_crashes)" "$(get saved_hangs)"
  if [[ $(get saved_crashes) != 0 || $(get saved_hangs) != 0 ]]; then
    echo "fuzz $name: findings in $out/$name/default/crashes and hangs" >&2; status=1
  fi
done
exit $status
