#!/usr/bin/env bash
# snippets.sh OUTDIR FILE... — copy each region of C between
#     /* >>> snippet NAME */   and   /* <<< snippet */
# into OUTDIR/NAME.c, less the indentation common to its lines, so that the
# report shows the code that actually runs.
set -euo pipefail
out=$1; shift
rm -f "$out"/*.c
awk -v out="$out" '
  function flush(   i, m, k, line) {
    m = 1000
    for (i = 1; i <= n; i++) if (lines[i] ~ /[^ ]/) { match(lines[i], /^ */); if (RLENGTH < m) m = RLENGTH }
    for (i = 1; i <= n; i++) print substr(lines[i], m + 1) > file
    close(file)
  }
  /\/\* >>> snippet [A-Za-z0-9_-]+ \*\// {
    name = $0; sub(/.*>>> snippet /, "", name); sub(/ .*/, "", name)
    file = out "/" name ".c"
    if (file in seen) { print "snippets: duplicate snippet " name > "/dev/stderr"; exit 1 }
    seen[file] = 1; n = 0; next
  }
  /\/\* <<< snippet \*\// { if (file) flush(); file = ""; next }
  file { lines[++n] = $0 }
' "$@"
