#!/usr/bin/env bash
# findings2tex.sh CATALOGUE FINDINGS — the one-line finding of every claim
# (report/findings.tsv: id, finding as LaTeX; empty for a claim with no
# result yet) as \defval{finding/ID}{text}.  Fails when the two files do not
# list the same claim IDs, so that a new claim gets its line.
set -euo pipefail
cat=$1 fnd=$2
diff <(tail -n +2 "$cat" | cut -f1) <(tail -n +2 "$fnd" | cut -f1) >/dev/null || {
  echo "findings2tex: $fnd does not list the claims of $cat in the same order" >&2; exit 1; }
tail -n +2 "$fnd" | awk -F'\t' '{ printf "\\defval{finding/%s}{%s}\n", $1, $2 }'
