#!/usr/bin/env bash
# findings2tex.sh CATALOGUE FINDINGS — the one-line finding of every claim
# (report/findings.tsv: id, finding as LaTeX; empty for a claim with no
# result yet) as \defval{finding/ID}{text}.  A claim of the catalogue with
# no line gets a warning (the summary table then shows its title); a line
# for an ID the catalogue does not have is an error.
set -euo pipefail
cat=$1 fnd=$2
extra=$(comm -13 <(tail -n +2 "$cat" | cut -f1 | sort) <(tail -n +2 "$fnd" | cut -f1 | sort))
if [[ -n $extra ]]; then
  echo "findings2tex: $fnd has lines for claims not in $cat: $extra" >&2; exit 1
fi
missing=$(comm -23 <(tail -n +2 "$cat" | cut -f1 | sort) <(tail -n +2 "$fnd" | cut -f1 | sort))
[[ -z $missing ]] || echo "findings2tex: warning: no finding in $fnd for: $missing" >&2
tail -n +2 "$fnd" | awk -F'\t' '{ printf "\\defval{finding/%s}{%s}\n", $1, $2 }'
