#!/usr/bin/env bash
# deps.sh build|report|cluster|fuzz — make sure the Debian packages this project needs are
# installed.  As root (with apt-get) it installs what is missing,
# non-interactively; otherwise it stops with the exact command to run.
set -euo pipefail
mode=${1:-build}

# what to look for (a file or a command) and the package that provides it
build_needs=(
  "/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h libopenblas-dev"
  "/usr/include/lapacke.h liblapacke-dev"
  "/usr/include/gsl/gsl_cdf.h libgsl-dev"
  "/usr/include/Random123/philox.h librandom123-dev"
  "/usr/include/zlib.h zlib1g-dev"
  "/usr/include/cmocka.h libcmocka-dev"
  "cmd:gcc gcc"
  "cmd:python3 python3"
  "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz dataset-fashion-mnist"
)
report_needs=(
  "cmd:gnuplot gnuplot-nox"
  "cmd:latexmk latexmk"
  "cmd:pdflatex texlive-latex-base"
  "/usr/share/texlive/texmf-dist/tex/latex/booktabs/booktabs.sty texlive-latex-recommended"
  "/usr/share/texlive/texmf-dist/tex/latex/listings/listings.sty texlive-latex-recommended"
  "/usr/share/texmf/tex/latex/lm/lmodern.sty lmodern"
  "/usr/share/texmf/fonts/opentype/public/lm/lmroman10-regular.otf fonts-lmodern"
  "/usr/share/texlive/texmf-dist/fonts/type1/urw/helvetic/uhvr8a.pfb texlive-fonts-recommended"
  "cmd:pdftoppm poppler-utils"
)
# a single-node Slurm for `make test-cluster`
cluster_needs=(
  "cmd:slurmctld slurm-wlm"
  "cmd:srun slurm-client"
  "cmd:munged munge"
)
# AFL++ (it brings clang) for `make fuzz`
fuzz_needs=(
  "cmd:afl-fuzz afl++"
  "cmd:afl-clang-fast afl++"
)
case $mode in
  build) needs=("${build_needs[@]}") ;;
  report) needs=("${build_needs[@]}" "${report_needs[@]}") ;;
  cluster) needs=("${cluster_needs[@]}") ;;
  fuzz) needs=("${build_needs[@]}" "${fuzz_needs[@]}") ;;
  *) echo "usage: deps.sh build|report|cluster|fuzz" >&2; exit 2 ;;
esac

missing=()
for n in "${needs[@]}"; do
  what=${n% *} pkg=${n##* }
  if [[ $what == cmd:* ]]; then
    command -v "${what#cmd:}" >/dev/null 2>&1 && continue
  else
    [[ -e $what ]] && continue
  fi
  [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  exit 0
fi
echo "deps: missing packages: ${missing[*]}; run: sudo $cmd" >&2
exit 1
