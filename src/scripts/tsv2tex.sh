#!/usr/bin/env bash
# tsv2tex.sh DATADIR PROFILE — turn every program's values (NAME.vals.tsv)
# and provenance (NAME.prov.tsv) into \defval{NAME/key}{value} and
# \defval{prov/NAME/key}{value}, so that the report quotes numbers from the
# data and never types them.
set -euo pipefail
dir=$1 profile=$2
esc='{ v=$0; sub(/^[^\t]*\t/, "", v);
       gsub(/\\/, "\\textbackslash ", v); gsub(/[&%$#_{}]/, "\\\\&", v);
       gsub(/~/, "\\textasciitilde ", v); gsub(/\^/, "\\textasciicircum ", v); gsub(/--/, "-{}-", v);
       printf "\\defval{%s%s}{%s}\n", prefix, $1, v }'
printf '\\defval{profile}{%s}\n' "$profile"
for f in "$dir"/*.vals.tsv; do
  [[ -e $f ]] || continue
  n=$(basename "$f" .vals.tsv)
  awk -F'\t' -v prefix="$n/" "$esc" "$f"
done
for f in "$dir"/*.prov.tsv; do
  [[ -e $f ]] || continue
  n=$(basename "$f" .prov.tsv)
  awk -F'\t' -v prefix="prov/$n/" "$esc" "$f"
done
