# fig-7 — ZHU-FM-DYN: the eight dynamics started from θ*_GD (η = 0.07):
# training accuracy, test accuracy and expected sharpness against the
# iteration, mean over the runs with a ±1 SE band (GD: one deterministic
# run; its sharpness band is the Monte Carlo SE).  Colours: the same for
# each dynamic in fig-7 and fig-8.
figheight = 3.0
load "figures/style.gp"
cols = "#000000 #999999 #56B4E9 #CC79A7 #E69F00 #009E73 #0072B2 #D55E00"
dts = "2 3 4 5 1 1 1 1"
name(d) = d==0?"GD":d==1?"GLD const":d==2?"GLD dynamic":d==3?"GLD diag":d==4?"GLD leading":d==5?"GLD Hessian":d==6?"GLD 1st eigvec(H)":"SGD"
tr = datadir."/zhu_fm_dyn-train.tsv"
te = datadir."/zhu_fm_dyn-test.tsv"
sh = datadir."/zhu_fm_dyn-sharp.tsv"
set style fill transparent solid 0.18 noborder
set multiplot layout 1,3
set xlabel "iteration t from θ*_{GD}"
set ylabel "training accuracy (%)"
# one legend for all panels, below them
set bmargin at screen 0.33
set key at screen 0.5, screen 0.005 center bottom horizontal maxrows 2 font ",8" samplen 2.5 width 1 noopaque
plot for [d=0:7] tr index d u 2:($3-$4):($3+$4) w filledcurves lc rgb word(cols,d+1) notitle, \
     for [d=0:7] tr index d u 2:3 w l lw 1.1 dt int(word(dts,d+1)) lc rgb word(cols,d+1) title name(d)
set ylabel "test accuracy (%)"
unset key
plot for [d=0:7] te index d u 2:($3-$4):($3+$4) w filledcurves lc rgb word(cols,d+1) notitle, \
     for [d=0:7] te index d u 2:3 w lp pt 7 ps 0.25 lw 1.1 dt int(word(dts,d+1)) lc rgb word(cols,d+1) notitle
set ylabel "expected sharpness E_ν L(θ+ν) − L(θ)"
set logscale y
set format y "10^{%L}"
band(m, s, c) = sqrt(s**2 + c**2)
plot for [d=0:7] sh index d u 2:(($3-band($3,$4,$5)) > 0 ? $3-band($3,$4,$5) : $3/10):($3+band($3,$4,$5)) w filledcurves lc rgb word(cols,d+1) notitle, \
     for [d=0:7] sh index d u 2:3 w lp pt 7 ps 0.3 lw 1.1 dt int(word(dts,d+1)) lc rgb word(cols,d+1) notitle
unset multiplot
