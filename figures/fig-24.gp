# fig-24 — MORI-FPT-LR: left, mean first-passage time t_p of linear-regression
# SGD (B = 1, η = 0.1, whitened data) from θ* to L = C·L* (points, 95 %
# intervals), with the exact mean first-passage times of the paper's SDE
# (dashes), of the exact-noise SDE with finite-η drift (thin lines) and of the
# discrete chain (dots); right, local slopes d log t_p / d log C against C
# (filled: the fit window), the chain's local slope (solid), Eq. 16's exponent
# (dashes) and the chain's Kesten index, its limit as C → ∞ (dash-dots).
load "figures/style.gp"
f = datadir."/mori_fpt.tsv"
s = datadir."/mori_fpt_slopes.tsv"
nd = int(system("grep -vc '^#' ".s))
dname(i) = system("grep -v '^#' ".s." | sed -n ".(i+1)."p | cut -f1")
set multiplot layout 1,2
set logscale xy
set format y "10^{%L}"
set xlabel "C = L/L*"
set ylabel "mean first-passage time t_p"
set key top left font ",8"
plot for [i=0:nd-1] f index i u 2:3:(1.96*$4) w yerrorbars lt i+1 pt 7 ps 0.4 title sprintf("SGD, d = %s", dname(i)), \
     for [i=0:nd-1] f index i u 2:5 w l lt i+1 dt 2 lw 0.8 notitle, \
     for [i=0:nd-1] f index i u 2:7 w l lt i+1 lw 0.5 notitle, \
     for [i=0:nd-1] f index i u 2:17 w l lt i+1 dt 3 lw 1.5 notitle, \
     NaN w l lc rgb "#555555" dt 3 lw 1.5 title "discrete chain (exact)", \
     NaN w l lc rgb "#555555" dt 2 title "paper's SDE", \
     NaN w l lc rgb "#555555" lw 0.5 title "exact-noise SDE, finite η"
unset logscale y
set format y "%g"
set ylabel "local slope d log t_p / d log C"
set key top left font ",7" maxrows 3
set yrange [0:10]
plot for [i=0:nd-1] f index i u 9:($16==1 ? $10 : 1/0):(1.96*$11) w yerrorbars lt i+1 pt 7 ps 0.5 title sprintf("SGD, d = %s", dname(i)), \
     for [i=0:nd-1] f index i u 9:($16==0 ? $10 : 1/0):(1.96*$11) w yerrorbars lt i+1 pt 6 ps 0.5 notitle, \
     for [i=0:nd-1] f index i u 9:19 w l lt i+1 lw 1.5 notitle, \
     for [i=0:nd-1] f index i u 2:14 w l lt i+1 dt 2 lw 1 notitle, \
     for [i=0:nd-1] f index i u 2:15 w l lt i+1 dt 4 lw 1 notitle, \
     NaN w l lc rgb "#555555" lw 1.5 title "discrete chain", \
     NaN w l lc rgb "#555555" dt 2 title "Eq. 16", \
     NaN w l lc rgb "#555555" dt 4 title "Kesten index (C → ∞)"
unset multiplot
