# fig-23 — MORI-PHI: left, the fitted exponent φ of P(θ) ∝ L^{−φ} against B
# for three η (points, 95 % intervals), with the paper's 1 + B/(ηh) (dashes),
# the fit's limit under the exact-noise SDE with the finite-η drift (lines)
# and the SDE's tail exponent (dots); right, the density of |θ − θ*| for one
# (η, B) against the three laws.
load "figures/style.gp"
f = datadir."/mori_phi.tsv"
g = datadir."/mori_phi_density.tsv"
v(k) = system("awk -F'\t' '$1==\"".k."\"{print $2}' ".datadir."/mori_phi.vals.tsv")
set multiplot layout 1,2
set logscale xy
set format y "10^{%L}"
set xlabel "batch size B"
set ylabel "exponent φ"
set key bottom right font ",8"
set xrange [0.8:*]
plot for [e=0:2] f index e u 2:3:(1.96*$4) w yerrorbars lt e+1 title sprintf("η = %s", word("0.01 0.1 1", e+1)), \
     for [e=0:2] f index e u 2:5 w l lt e+1 dt 2 lw 0.8 notitle, \
     for [e=0:2] f index e u 2:7 w l lt e+1 lw 0.8 notitle, \
     for [e=0:2] f index e u 2:9 w l lt e+1 dt 3 lw 0.8 notitle, \
     NaN w l lc rgb "#555555" dt 2 title "paper 1 + B/(ηh*)", \
     NaN w l lc rgb "#555555" title "exact-noise SDE, finite-η drift", \
     NaN w l lc rgb "#555555" dt 3 title "tail exponent of that SDE"
set format x "10^{%L}"
set xrange [*:*]
set xlabel sprintf("|θ − θ*|  (η = %s, B = %s)", v("dens-eta"), v("dens-B"))
set ylabel "density of |θ − θ*|"
set key bottom left
set yrange [1e-7:*]
plot g u 1:2:(1.96*$3) w yerrorbars lt 1 title "SGD", \
     g u 1:4 w l lt 2 dt 2 title sprintf("paper L^{−%s}", v("dens-paper")), \
     g u 1:5 w l lt 4 lw 0.8 title sprintf("fitted L^{−%s}", v("dens-phi")), \
     g u 1:6 w l lt 3 title "exact-noise SDE"
unset multiplot
