#!/usr/bin/env bash
# bench2tex.sh BENCH.TSV — the benchmark rows as LaTeX: \defval{bench/NAME}{value}
# and \defval{bench/NAME/ratio}{ratio} for the prose, and \benchtable, the
# engine's rows (ZHU's CNN: per layer, whole passes, PyTorch side by side).
set -euo pipefail
awk -F'\t' '
function esc(v) { gsub(/\\/, "\\textbackslash ", v); gsub(/[&%$#_{}]/, "\\\\&", v);
                  gsub(/~/, "\\textasciitilde ", v); return v }
NR == 1 { next }
{ printf "\\defval{bench/%s}{%s}\n", $1, esc($2)
  if ($5 != "") printf "\\defval{bench/%s/ratio}{%s}\n", $1, esc($5)
  if ($1 ~ /^(openblas_core|load_average|dgemm_1thread|blas_auto|layer_(conv|fc)|cnn_|torch_)/)
    rows = rows sprintf("\\texttt{%s} & %s & %s & %s & %s\\\\\n", esc($1), esc($2), esc($3), esc($4), esc($5)) }
END { printf "\\newcommand{\\benchtable}{{\\footnotesize\\begin{longtable}{@{}p{2.3in}rlp{1.6in}r@{}}\\toprule\n"
      printf "row & value & unit & reference & ratio\\\\\\midrule\\endhead\n%s\\bottomrule\\end{longtable}}}\n", rows }
' "$1"
