# fig-24 — MORI-FPT-LR: left, mean first-passage time t_p of linear-regression
# SGD (B = 1, η = 0.1) from θ* to L = C·L* (points, 95 % intervals), with the
# exact mean first-passage time of the paper's SDE (dashes) and of the
# exact-noise SDE with finite-η drift (lines); right, the log-log slopes.
load "figures/style.gp"
f = datadir."/mori_fpt.tsv"
s = datadir."/mori_fpt_slopes.tsv"
nd = int(system("grep -vc '^#' ".s))
set multiplot layout 1,2
set logscale xy
set format y "10^{%L}"
set xlabel "C = L(θ_s)/L(θ*)"
set ylabel "mean first-passage time t_p"
set key bottom right font ",8"
plot for [i=0:nd-1] f index i u 2:3:(1.96*$4) w yerrorbars lt i+1 title sprintf("d = %s", system("grep -v '^#' ".s." | sed -n ".(i+1)."p | cut -f1")), \
     for [i=0:nd-1] f index i u 2:5 w l lt i+1 dt 2 lw 0.8 notitle, \
     for [i=0:nd-1] f index i u 2:7 w l lt i+1 lw 0.8 notitle, \
     NaN w l lc rgb "#555555" dt 2 title "paper's SDE (quadrature)", \
     NaN w l lc rgb "#555555" title "exact-noise SDE, finite η"
unset logscale
set format y "%g"
set xlabel "dimension d = n"
set ylabel "slope d log t_p / d log C"
set key top right
set xrange [0:*]
plot s u 1:2:(1.96*$3) w yerrorbars lt 1 title "SGD (bootstrap 95 %)", \
     s u 1:4 w lp lt 2 dt 2 title "paper B/(ηh*) + 1 − n/2", \
     s u 1:5 w lp lt 4 dt 3 title "paper's SDE, same levels", \
     s u 1:7 w lp lt 3 title "exact-noise SDE, finite η"
unset multiplot
