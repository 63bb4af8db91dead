#!/usr/bin/env bash
# run_unit.sh TEST... — run the cmocka test programs and print one total.
set -uo pipefail
pass=0 fail=0
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out"); p=${p:-0}
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out"); f=${f:-0}
  pass=$((pass + p)); fail=$((fail + f))
  if ((rc != 0)); then
    ((f == 0)) && fail=$((fail + 1))
    printf '%s\n' "$out" | grep -v '^\[       OK \]\|^\[ RUN      \]' | tail -n 20
    echo "FAILED: $(basename "$t")"
  else
    echo "ok: $(basename "$t") ($p tests)"
  fi
done
echo "unit: $pass passed, $fail failed"
((fail == 0))
