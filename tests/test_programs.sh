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
# (renamed) or mismatched shard with one error line and exit 1.  A program's
# prerequisites (prog^=DEPS) run once; each output directory starts with a
# copy of their files, and "nothing written" means nothing besides them.
for p in ${SHARDABLE-}; do
  [[ " $progs " == *" $p "* ]] || continue  # only the programs under test (ONLY)
  read -r -a extra <<<"${targs[$p]-}"
  run() { "$bin/$p" --profile ci --seed "${SEED:-7}" "${extra[@]}" "$@" >/dev/null 2>"$tmp/stderr"; }
  # the outputs of the programs it reads (NEEDS), made once and copied into
  # every output directory before the program runs there
  rm -rf "$tmp/dep"; mkdir -p "$tmp/dep"
  for dep in ${tdeps[$p]-}; do
    read -r -a dextra <<<"${targs[$dep]-}"
    "$bin/$dep" --profile ci --seed 7 --outdir "$tmp/dep" "${dextra[@]}" >/dev/null 2>"$tmp/stderr" ||
      bad "$p: prerequisite $dep failed: $(tail -n 1 "$tmp/stderr")"
  done
  with_deps() { mkdir -p "$1" && cp -a "$tmp/dep/." "$1/"; }
  only_deps() { [[ $(ls -A "$1") == $(ls -A "$tmp/dep") ]]; }  # nothing written but the inputs
  mkdir -p "$tmp/sh"; with_deps "$tmp/one"; with_deps "$tmp/merged"
  if run --outdir "$tmp/one" && run --outdir "$tmp/merged" --shard-dir "$tmp/sh" --shard 1/2 &&
     run --outdir "$tmp/merged" --shard-dir "$tmp/sh" --shard 2/2 &&
     only_deps "$tmp/merged" && run --outdir "$tmp/merged" --shard-dir "$tmp/sh" --merge-shards 2; then
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
    rm -rf "$tmp/m2"; with_deps "$tmp/m2"
    run --outdir "$tmp/m2" --shard-dir "$tmp/sh" "$@"; local rc=$?
    if ((rc == 1)) && grep -q "$pat" "$tmp/stderr" && [[ $(wc -l <"$tmp/stderr") == 1 ]] &&
       only_deps "$tmp/m2"; then ok; else bad "$p merge with $what: exit $rc, $(head -c 200 "$tmp/stderr")"; fi
  }
  expect_merge_error "a missing shard" "missing shard" --merge-shards 3
  SEED=8 expect_merge_error "another seed" "different run" --merge-shards 2
  cp "$tmp/sh/$p.shard-1-of-2" "$tmp/sh/$p.shard-2-of-2"
  expect_merge_error "a duplicated shard" "duplicated" --merge-shards 2
  rm -rf "$tmp/one" "$tmp/sh" "$tmp/merged" "$tmp/m2" "$tmp/dep"
done

# The gate: it recomputes each status, derives the verdicts, fails (1) on a
# failing exact or control row and on a verdict the catalogue does not
# expect, and rejects (2) input it cannot trust, naming file and line.
gate=$bin/claims_gate
if [[ -x $gate ]]; then
  hdr=$'id\ttests\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis\talt\talt_name\tnote'
  row() { printf 'A\t%s\tx\tpass\t%s\t%s\t%s\t%s\t4 SE\t0\t\t' "$@"; }  # tests m p rel tol
  cat_of() { printf 'id\tfigs\ttitle\texpected\treason\nA\t1\tt\t%s\t\n' "$1" >"$tmp/cat.tsv"; }
  gate_rc() {  # expected-rc description expected-verdict rows...
    local want=$1 what=$2; cat_of "$3"; shift 3
    { echo "$hdr"; for r in "$@"; do printf '%s\n' "$r"; done; } >"$tmp/c.claims.tsv"
    "$gate" --quiet --catalogue "$tmp/cat.tsv" --profile "${GATE_PROFILE:-paper}" "$tmp/c.claims.tsv" >/dev/null 2>"$tmp/stderr"
    local rc=$?
    if ((rc != want)); then bad "gate, $what: exit $rc, expected $want"; return; fi
    if ((rc == 2)) && ! grep -q 'c.claims.tsv, line [0-9]' "$tmp/stderr"; then
      bad "gate, $what: the error names no file and line"; return; fi
    ok
  }
  gate_rc 0 "a passing paper row" "reproduced" "$(row paper 1.00 1.01 eq 0.05)"
  gate_rc 0 "a refuted paper row (a finding)" "not reproduced" "$(row paper 1.00 1.20 eq 0.05)"
  gate_rc 1 "an unexpected verdict" "reproduced" "$(row paper 1.00 1.20 eq 0.05)"
  # a ci verdict pinned apart from the paper profile's: each profile compares with its own
  GATE_PROFILE=ci gate_rc 0 "the ci pin, ci profile" "not reproduced; ci: reproduced" "$(row paper 1.00 1.01 eq 0.05)"
  GATE_PROFILE=paper gate_rc 1 "the paper pin, paper profile" "not reproduced; ci: reproduced" "$(row paper 1.00 1.01 eq 0.05)"
  gate_rc 0 "a correction" "reproduced with correction" "$(row paper 1 2 eq 0.1)" "$(row corrected 1 1 eq 0.1)"
  gate_rc 1 "a failing exact row" "reproduced" "$(row paper 1 1 eq 0.1)" "$(row exact 1 2 eq 0.1)"
  gate_rc 1 "a failing control row" "reproduced" "$(row paper 1 1 eq 0.1)" "$(row control 2 1 le 0.1)"
  gate_rc 2 "a malformed row" "reproduced" $'A\tpaper\tx\tpass\t1.00'
  gate_rc 2 "an empty claims file" "pending"
  gate_rc 2 "a NaN tolerance" "reproduced" "$(row paper 1 1 eq nan)"
  gate_rc 2 "an infinite tolerance" "reproduced" "$(row paper 1 1 eq inf)"
  gate_rc 2 "an unknown tests kind" "reproduced" "$(row sanity 1 1 eq 0.1)"
  gate_rc 2 "a ne relation" "reproduced" "$(row paper 1 2 ne 0.1)"
  # a claim without rows is pending: a mismatch unless --partial (a subset of the programs)
  printf 'id\tfigs\ttitle\texpected\treason\nA\t1\tt\treproduced\t\nB\t2\tu\treproduced\t\n' >"$tmp/cat2.tsv"
  { echo "$hdr"; row paper 1 1 eq 0.1; echo; } >"$tmp/a.claims.tsv"
  "$gate" --quiet --catalogue "$tmp/cat2.tsv" "$tmp/a.claims.tsv" >/dev/null 2>&1
  (($? == 1)) && ok || bad "gate: a claim left pending passes"
  "$gate" --quiet --partial --catalogue "$tmp/cat2.tsv" "$tmp/a.claims.tsv" >/dev/null 2>&1
  (($? == 0)) && ok || bad "gate --partial: compares claims without rows"
  # rows for a claim catalogued as not attempted, or not catalogued at all
  printf 'id\tfigs\ttitle\texpected\treason\nA\t1\tt\tnot attempted\tno data\n' >"$tmp/cat3.tsv"
  "$gate" --quiet --catalogue "$tmp/cat3.tsv" "$tmp/a.claims.tsv" >/dev/null 2>&1
  (($? == 2)) && ok || bad "gate accepts rows for a claim not attempted"
  printf 'id\tfigs\ttitle\texpected\treason\nZ\t1\tt\tpending\t\n' >"$tmp/cat4.tsv"
  "$gate" --quiet --catalogue "$tmp/cat4.tsv" "$tmp/a.claims.tsv" >/dev/null 2>&1
  (($? == 2)) && ok || bad "gate accepts a claim ID missing from the catalogue"
  printf 'id\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis\tverdict\tnote\nA\tx\tpass\t1\t1\teq\t0.1\t-\treproduced\t\n' >"$tmp/legacy.tsv"
  "$gate" --quiet "$tmp/legacy.tsv" >/dev/null 2>"$tmp/stderr"
  (($? == 2)) && grep -q legacy "$tmp/stderr" && ok || bad "gate accepts the legacy format"
fi
echo "programs: $pass passed, $fail failed"
((fail == 0))
