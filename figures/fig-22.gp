# fig-22 — MORI-DECOUPLE: distributions of the nonzero eigenvalues of the
# exact matrix (1/N)Σ ℓ_μ ∇f_μ∇f_μᵀ and the decoupled L·(1/N)Σ ∇f_μ∇f_μᵀ
# (from the N × N Gram matrices) at three epochs: density of log10 λ, mean
# over seeds with a ±1 SE band.  The titles give the KS distance between
# the two spectra's top halves (mean over seeds) and that between the exact
# spectra of two seeds (the spread).
figheight = 2.5
load "figures/style.gp"
f = datadir."/mori_decouple.tsv"
v = datadir."/mori_decouple.vals.tsv"
val(k) = system(sprintf("awk -F'\t' '$1==\"%s\" {print $2}' %s", k, v))
set multiplot layout 1,3
set xlabel "log_{10} λ"
set ylabel "density"
set key top right font ",7"
set xtics 1
set yrange [0:*]
do for [t=0:2] {
  set title sprintf("epoch %s: KS %s (seeds %s)", val("epoch-".t), val("ks-".t), val("spread-".t)) font ",9"
  if (t > 0) { unset ylabel; unset key }
  plot f index t u 2:($3-$4):($3+$4) w filledcurves lc rgb "#a6cbe3" notitle, \
       f index t u 2:3 w l lt 1 title "exact", \
       f index t u 2:($5-$6):($5+$6) w filledcurves lc rgb "#f2c19e" fs transparent solid 0.6 notitle, \
       f index t u 2:5 w l lt 2 title "decoupled"
}
unset multiplot
