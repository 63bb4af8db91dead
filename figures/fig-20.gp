# fig-20 — WEI-ALIGN (left): CS(H, C) along training for cross-entropy and
# MSE, mean over seeds with ±2 SE bands, early phase shaded; WEI-FDR
# (right): |O_L/O_R − 1| per epoch in the raw parameter space and in the
# top-1 Hessian eigenspace, mean over seeds with ±2 SE bars, and the 10⁻²
# threshold.
load "figures/style.gp"
a = datadir."/wei_align.tsv"
v = datadir."/wei_align.vals.tsv"
fd = datadir."/wei_fdr.tsv"
val(k) = real(system("awk -F'\t' '$1==\"".k."\"{print $2}' ".v))
early = val("early")
set multiplot layout 1,2
set xlabel "SGD iteration"
set ylabel "CS(H, C)"
set yrange [0:1.05]
set key bottom right
set object 1 rect from graph 0, graph 0 to first early, graph 1 fc rgb "#eeeeee" fs solid noborder behind
plot a u 1:($2-2*$3):($2+2*$3) w filledcurves lc rgb "#cce0f0" notitle, \
     a u 1:2 w lp lt 1 title "cross-entropy, η = 0.001", \
     a u 1:($6-2*$7):($6+2*$7) w filledcurves lc rgb "#f3d3c0" notitle, \
     a u 1:6 w lp lt 2 title "MSE, η = 0.1", \
     0.9 w l lt 7 dt 2 title "0.9 (paper)"
unset object 1
set yrange [*:*]
set logscale y
set format y "10^{%L}"
set xlabel "epoch"
set ylabel "|O_L/O_R − 1|"
set key bottom left
set yrange [1e-3:*]
plot fd u 1:2:(($2-2*$3) > 1e-3 ? $2-2*$3 : 1e-3):($2+2*$3) w yerrorlines lt 1 title "raw parameter space (±2 SE)", \
     fd u 1:4:(($4-2*$5) > 1e-3 ? $4-2*$5 : 1e-3):($4+2*$5) w yerrorlines lt 2 title "top-1 Hessian eigenspace (±2 SE)", \
     0.01 w l lt 7 dt 2 title "10^{-2}"
unset multiplot
