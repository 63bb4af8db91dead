#!/usr/bin/env bash
# snippets.sh OUTDIR FILE... — copy each region of C between
#     /* >>> snippet NAME */   and   /* <<< snippet */
# into OUTDIR/NAME.c, so that the report shows the code that actually runs.
set -euo pipefail
out=$1; shift
rm -f "$out"/*.c
awk -v out="$out" '
  /\/\* >>> snippet [A-Za-z0-9_-]+ \*\// { name = $0; sub(/.*>>> snippet /, "", name); sub(/ .*/, "", name);
                                          file = out "/" name ".c"; if (file in seen) { print "duplicate snippet " name > "/dev/stderr"; exit 1 }
                                          seen[file] = 1; next }
  /\/\* <<< snippet \*\// { if (file) close(file); file = ""; next }
  file { print > file }
' "$@"
