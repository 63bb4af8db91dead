# fig-19 — WEI-PATH: the projected SGD path of the small CNN.
# Left: excess training loss (over the label-smoothing floor L0) of the SGD
# states every epoch (mean over initialisations, min–max band) and of the
# projected points and chord maxima after the early phase.  Right: Hessian
# trace (Hutchinson) along the projected path relative to each
# initialisation's first checkpoint: the mean of ln(Tr/Tr_0) over
# initialisations with a ±2 SE band (the traces of different
# initialisations differ by more than their trend).
load "figures/style.gp"
s = datadir."/wei_path-sgd.tsv"
m = datadir."/wei_path-mean.tsv"
p = datadir."/wei_path.tsv"
set multiplot layout 1,2
set logscale y
set format y "10^{%L}"
set xlabel "epoch"
set ylabel "training loss − L_0"
set key top right
plot s u 1:4:5 w filledcurves lc rgb "#cce0f0" notitle, \
     s u 1:2 w l lt 1 title "SGD states (mean, min–max)", \
     p u 2:($5 > 0 ? $5 : 1/0) w p lt 2 pt 6 ps 0.35 title "chord maxima", \
     p u 2:3 w p lt 3 pt 7 ps 0.25 title "projected points", \
     p u 2:6 w l lt 7 dt 2 lw 0.6 title "threshold τ"
unset logscale y
set format y "%g"
set ylabel "Tr H / Tr H at the first checkpoint"
set key top right
set offsets 0, 0, 0.25, 0
plot m u 1:(exp($10 - 2*$11)):(exp($10 + 2*$11)) w filledcurves lc rgb "#f3d3c0" title "mean of ln ratio ± 2 SE over inits", \
     m u 1:(exp($10)) w lp lt 2 pt 7 ps 0.4 title "exp(mean ln ratio)", \
     1 w l lt 7 dt 2 title "no change"
unset multiplot
