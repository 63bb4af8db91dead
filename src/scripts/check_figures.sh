#!/usr/bin/env bash
# check_figures.sh CATALOGUE 'N|PROGS|CLAIMS|SECTION'... — one registry per
# figure.  The source is the program's .mk fragment (FIGS += N, FIGDATA_N,
# FIGCLAIMS_N, FIGSECTION_N); everything else that names a figure must agree
# with it:
#   - figures/fig-N.gp exists for every registered N, and every
#     figures/fig-*.gp is registered;
#   - FIGDATA_N names programs that exist (src/progs/P.c);
#   - FIGSECTION_N is a report file holding \reportfigure{N}, and no other
#     report file holds it;
#   - every claim of FIGCLAIMS_N is in the catalogue and lists N in its figs
#     column, and every catalogue figs entry N that is registered lists the
#     claim in FIGCLAIMS_N (numbers of figures not yet registered belong to
#     pending claims and are allowed).
# Prints one line per disagreement and exits 1 if there is any.
set -uo pipefail
cat=$1; shift
bad=0
err() { echo "figure registry: $*" >&2; bad=1; }
declare -A progs claims section
for a in "$@"; do
  IFS='|' read -r n p c s <<<"$a"
  progs[$n]=$p claims[$n]=$c section[$n]=$s
done
# catalogue: id -> figs (as a space-separated list of numbers)
declare -A catfigs
while IFS=$'\t' read -r id figs _; do
  [[ $id == id ]] && continue
  catfigs[$id]=$(tr -c '0-9\n' ' ' <<<"$figs")
done <"$cat"
for n in "${!progs[@]}"; do
  [[ -f figures/fig-$n.gp ]] || err "fig-$n: no figures/fig-$n.gp"
  [[ -n ${progs[$n]// } ]] || err "fig-$n: FIGDATA_$n is empty"
  for p in ${progs[$n]}; do
    [[ -f src/progs/$p.c ]] || err "fig-$n: FIGDATA_$n names '$p', which is not a program"
  done
  s=${section[$n]}
  if [[ -z $s ]]; then err "fig-$n: no FIGSECTION_$n (the report file that shows it)"
  elif [[ ! -f $s ]]; then err "fig-$n: FIGSECTION_$n = $s does not exist"
  elif ! grep -q "\\\\reportfigure{$n}" "$s"; then err "fig-$n: $s has no \\reportfigure{$n}"
  fi
  for c in ${claims[$n]}; do
    if [[ -z ${catfigs[$c]+x} ]]; then err "fig-$n: claim $c of FIGCLAIMS_$n is not in $cat"
    elif ! grep -qw "$n" <<<"${catfigs[$c]}"; then
      err "fig-$n: claim $c lists figures '${catfigs[$c]// /}' in $cat, not $n"; fi
  done
done
for id in "${!catfigs[@]}"; do
  for n in ${catfigs[$id]}; do
    [[ -n ${progs[$n]+x} ]] || continue
    grep -qw -- "$id" <<<"${claims[$n]}" || err "fig-$n: $cat gives it to $id, FIGCLAIMS_$n does not"
  done
done
for g in figures/fig-*.gp; do
  n=${g#figures/fig-}; n=${n%.gp}
  [[ -n ${progs[$n]+x} ]] || err "$g: fig-$n is not registered by any src/progs/*.mk (FIGS += $n)"
done
while IFS=: read -r f line; do
  n=$(sed -n 's/.*\\reportfigure{\([0-9]*\)}.*/\1/p' <<<"$line")
  [[ -z $n ]] && continue
  if [[ -z ${progs[$n]+x} ]]; then err "$f: \\reportfigure{$n} is not registered (FIGS += $n)"
  elif [[ $f != "${section[$n]}" ]]; then err "$f: \\reportfigure{$n} belongs in FIGSECTION_$n = ${section[$n]}"; fi
done < <(grep -H '\\reportfigure{' report/*.tex)
exit $bad
