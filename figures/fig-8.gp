# fig-8 — ZHU-FM-NOISE: left, the gradient-mean norm |∇L(θ_t)| against the
# SGD noise norm √E|g_B − ∇L|² = √Tr Σ_sgd along SGD from θ*_GD (mean over
# the runs, ±1 SE bands); middle and right, the first iterations of the
# eight dynamics of fig-7 (same colours): training and test accuracy.
figheight = 3.0
load "figures/style.gp"
cols = "#000000 #999999 #56B4E9 #CC79A7 #E69F00 #009E73 #0072B2 #D55E00"
dts = "2 3 4 5 1 1 1 1"
name(d) = d==0?"GD":d==1?"GLD const":d==2?"GLD dynamic":d==3?"GLD diag":d==4?"GLD leading":d==5?"GLD Hessian":d==6?"GLD 1st eigvec(H)":"SGD"
nf = datadir."/zhu_fm_sgd-norms.tsv"
tr = datadir."/zhu_fm_dyn-train.tsv"
te = datadir."/zhu_fm_dyn-test.tsv"
early = system("awk -F'\t' '$1==\"early\"{print $2}' ".datadir."/zhu_fm_dyn.vals.tsv")+0
set style fill transparent solid 0.2 noborder
set multiplot layout 1,3
set bmargin at screen 0.33
set xlabel "SGD iteration t from θ*_{GD}"
set ylabel "norm (gradient units)"
set logscale y
set format y "10^{%L}"
set key top right font ",8"
lo(m, s) = m - s > 0 ? m - s : m / 10
plot nf u 1:(lo($2,$3)):($2+$3) w filledcurves lc rgb "#0072B2" notitle, \
     nf u 1:2 w l lc rgb "#0072B2" title "|∇L(θ_t)|", \
     nf u 1:(lo($4,$5)):($4+$5) w filledcurves lc rgb "#D55E00" notitle, \
     nf u 1:4 w l lc rgb "#D55E00" title "√(Tr Σ_{sgd}) (noise)"
unset logscale y
set format y "%g"
set xrange [0:early]
set xlabel "iteration t from θ*_{GD}"
set ylabel "training accuracy (%)"
# one legend for the dynamics, below the panels
set key at screen 0.5, screen 0.005 center bottom horizontal maxrows 2 font ",8" samplen 2.5 width 1 noopaque
plot for [d=0:7] tr index d u 2:($3-$4):($3+$4) w filledcurves lc rgb word(cols,d+1) notitle, \
     for [d=0:7] tr index d u 2:3 w l lw 1.1 dt int(word(dts,d+1)) lc rgb word(cols,d+1) title name(d)
unset key
set ylabel "test accuracy (%)"
plot for [d=0:7] te index d u 2:($3-$4):($3+$4) w filledcurves lc rgb word(cols,d+1) notitle, \
     for [d=0:7] te index d u 2:3 w lp pt 7 ps 0.25 lw 1.1 dt int(word(dts,d+1)) lc rgb word(cols,d+1) notitle
unset multiplot
