#!/usr/bin/env bash
# test_programs.sh BINDIR "PROGS" 'prog=ARGS' 'prog^=DEPS'... — behaviour every result
# program owes its users, and the claim gate:
#   --help exits 0 with the usage; an unknown option, a non-numeric or
#   out-of-range value and an unwritable output directory exit 2 with one
#   "error:" line and the usage, and leave no file behind; a run with the
#   same seed writes byte-identical data with 1 and 2 threads.
set -uo pipefail
bin=$1 progs=$2; shift 2
# prog=ARGS: the program's tiny test arguments; prog^=DEPS: programs whose
# outputs it reads (run first, with their own test arguments, into the same
# output directory)
declare -A targs tdeps
for a in "$@"; do
  k=${a%%=*}
  if [[ $k == *^ ]]; then tdeps[${k%^}]=${a#*=}; else targs[$k]=${a#*=}; fi
done
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }

expect_usage_error() {  # prog, description, args...
  local p=$1 what=$2; shift 2
  local out="$tmp/empty"; rm -rf "$out"; mkdir -p "$out"
  "$bin/$p" --profile ci --outdir "$out" "$@" >"$tmp/stdout" 2>"$tmp/stderr"; local rc=$?
  if ((rc != 2)); then bad "$p $what: exit $rc, expected 2"; return; fi
  if [[ $(grep -c 'error:' "$tmp/stderr") != 1 ]] || ! grep -q '^usage:' "$tmp/stderr"; then
    bad "$p $what: stderr should be one error line and the usage"; return; fi
  if [[ -n $(ls -A "$out") ]]; then bad "$p $what: left files behind"; return; fi
  ok
}

for p in $progs; do
  if "$bin/$p" --help | grep -q '^usage:'; then ok; else bad "$p --help"; fi
  expect_usage_error "$p" "unknown option" --no-such-option
  expect_usage_error "$p" "non-numeric seed" --seed abc
  expect_usage_error "$p" "negative seed" --seed -1
  expect_usage_error "$p" "bad profile" --profile fast
  "$bin/$p" --profile ci --outdir /nonexistent/dir >/dev/null 2>"$tmp/stderr"
  if (($? == 2)) && grep -q 'cannot write' "$tmp/stderr"; then ok; else bad "$p unwritable outdir"; fi
  # determinism across thread counts
  read -r -a extra <<<"${targs[$p]-}"
  for th in 1 2; do
    mkdir -p "$tmp/t$th"
    for dep in ${tdeps[$p]-}; do
      read -r -a dextra <<<"${targs[$dep]-}"
      if ! OMP_NUM_THREADS=$th "$bin/$dep" --profile ci --seed 7 --outdir "$tmp/t$th" "${dextra[@]}" \
           >/dev/null 2>"$tmp/stderr"; then
        bad "$p: prerequisite $dep failed: $(tail -n 1 "$tmp/stderr")"; continue 3
      fi
    done
    if ! OMP_NUM_THREADS=$th "$bin/$p" --profile ci --seed 7 --outdir "$tmp/t$th" "${extra[@]}" \
         >/dev/null 2>"$tmp/stderr"; then
      bad "$p run with $th thread(s): $(tail -n 1 "$tmp/stderr")"; continue 2
    fi
  done
  same=1
  for f in "$tmp/t1"/*; do
    b=$(basename "$f"); [[ $b == *.prov.tsv ]] && continue
    cmp -s "$f" "$tmp/t2/$b" || { same=0; bad "$p: $b differs between 1 and 2 threads"; }
  done
  [[ -s $tmp/t1/$p.claims.tsv ]] || { same=0; bad "$p wrote no claims file"; }
  ((same)) && ok
  rm -rf "$tmp/t1" "$tmp/t2"
done

# Shardable programs (SHARDABLE, from the Makefile): two shards and a merge
# give the bytes of one run; the merge rejects a missing, duplicated
# (renamed) or mismatched shard with one error line and exit 1.
for p in ${SHARDABLE-}; do
  read -r -a extra <<<"${targs[$p]-}"
  run() { "$bin/$p" --profile ci --seed "${SEED:-7}" "${extra[@]}" "$@" >/dev/null 2>"$tmp/stderr"; }
  mkdir -p "$tmp/one" "$tmp/sh" "$tmp/merged"
  if run --outdir "$tmp/one" && run --outdir "$tmp/merged" --shard-dir "$tmp/sh" --shard 1/2 &&
     run --outdir "$tmp/merged" --shard-dir "$tmp/sh" --shard 2/2 &&
     [[ -z $(ls -A "$tmp/merged") ]] && run --outdir "$tmp/merged" --shard-dir "$tmp/sh" --merge-shards 2; then
    same=1
    for f in "$tmp/one"/*; do
      b=$(basename "$f"); [[ $b == *.prov.tsv ]] && continue
      cmp -s "$f" "$tmp/merged/$b" || { same=0; bad "$p: $b differs between 2 shards + merge and one run"; }
    done
    ((same)) && ok
  else
    bad "$p: sharded run failed: $(tail -n 1 "$tmp/stderr")"
  fi
  expect_merge_error() {  # what, pattern, args...
    local what=$1 pat=$2; shift 2
    rm -rf "$tmp/m2"; mkdir -p "$tmp/m2"
    run --outdir "$tmp/m2" --shard-dir "$tmp/sh" "$@"; local rc=$?
    if ((rc == 1)) && grep -q "$pat" "$tmp/stderr" && [[ $(wc -l <"$tmp/stderr") == 1 ]] &&
       [[ -z $(ls -A "$tmp/m2") ]]; then ok; else bad "$p merge with $what: exit $rc, $(head -c 200 "$tmp/stderr")"; fi
  }
  expect_merge_error "a missing shard" "missing shard" --merge-shards 3
  SEED=8 expect_merge_error "another seed" "different run" --merge-shards 2
  cp "$tmp/sh/$p.shard-1-of-2" "$tmp/sh/$p.shard-2-of-2"
  expect_merge_error "a duplicated shard" "duplicated" --merge-shards 2
  rm -rf "$tmp/one" "$tmp/sh" "$tmp/merged" "$tmp/m2"
done

# The gate recomputes each status: a wrong prediction must fail the check.
gate=$bin/claims_gate
if [[ -x $gate ]]; then
  hdr=$'id\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis\tverdict\tnote'
  printf '%s\nZHU-E13\tx\tpass\t1.00\t1.01\teq\t0.05\t4 SE\treproduced\t\n' "$hdr" >"$tmp/good.tsv"
  printf '%s\nZHU-E13\tx\tpass\t1.00\t1.20\teq\t0.05\t4 SE\treproduced\t\n' "$hdr" >"$tmp/wrong.tsv"
  printf '%s\nZHU-E13\tx\tpass\t1.00\n' "$hdr" >"$tmp/broken.tsv"
  "$gate" --quiet "$tmp/good.tsv" >/dev/null 2>&1 && ok || bad "gate rejects a passing check"
  "$gate" --quiet "$tmp/wrong.tsv" >/dev/null 2>&1; (($? == 1)) && ok || bad "gate accepts a wrong prediction"
  "$gate" --quiet "$tmp/broken.tsv" >/dev/null 2>&1; (($? == 2)) && ok || bad "gate accepts a malformed row"
fi
echo "programs: $pass passed, $fail failed"
((fail == 0))
