# fig-13 — MENG-F3: LeNet-5 conv2 weights after SGD at three batch sizes.
# Top: histogram of one run per batch size (log density) with the fitted
# power-law κ (Student t) and Gaussian densities; Q-Q plots of the weights
# against the fitted Gaussian and the fitted t.  Bottom: 1/κ (0 = Gaussian)
# (as 100/κ) per run with its 95 % profile-likelihood interval, the generalization gap,
# and the gap against 1/κ.
figheight = 4.8
load "figures/style.gp"
f = datadir."/meng_f3.tsv"
h = datadir."/meng_f3-hist.tsv"
q = datadir."/meng_f3-qq.tsv"
set multiplot layout 2,3
set key font ",8" samplen 1.5
# (a) histograms
set logscale y
set format y "10^{%L}"
set xlabel "conv2 weight"
set xtics 0.1
set ylabel "density"
set key bottom center maxrows 2 width 1
set yrange [1e-3:*]
plot h index 0 u 2:($3>0?$3:1/0) w p lt 1 pt 7 ps 0.3 title "B = 64", \
     h index 2 u 2:($3>0?$3:1/0) w p lt 2 pt 5 ps 0.3 title "B = 1024", \
     h index 0 u 2:4 w l lt 1 title "t fits", h index 0 u 2:5 w l lt 1 dt 2 title "Gaussian fits", \
     h index 2 u 2:4 w l lt 2 notitle, h index 2 u 2:5 w l lt 2 dt 2 notitle
unset logscale y
set autoscale y
set format y "%g"
# (b), (c) Q-Q
set xtics 0.1
set format x "%.1f"
set xlabel "Gaussian quantile"
set ylabel "weight quantile"
set key top left maxrows auto
plot q index 0 u 4:3 w p lt 1 pt 7 ps 0.2 title "64", q index 1 u 4:3 w p lt 2 pt 7 ps 0.2 title "256", \
     q index 2 u 4:3 w p lt 3 pt 7 ps 0.2 title "1024", x w l lc rgb "#777777" dt 2 title "y = x"
set xlabel "t (power-law κ) quantile"
plot q index 0 u 5:3 w p lt 1 pt 7 ps 0.2 title "64", q index 1 u 5:3 w p lt 2 pt 7 ps 0.2 title "256", \
     q index 2 u 5:3 w p lt 3 pt 7 ps 0.2 title "1024", x w l lc rgb "#777777" dt 2 title "y = x"
# (d) 1/κ vs B
set xtics autofreq
set format x "%g"
unset key
set logscale x 2
set xrange [40:1600]
set xlabel "batch size B"
set ylabel "100/κ  (0 = Gaussian)"
jit(b, s) = b * 2**((s - 1) * 0.1)
plot f u (jit($1,$2)):(100*$15):(100*$22):(100*$23) w yerrorbars lt 1 pt 7 notitle
# (e) gap vs B
set ylabel "test − train error (%)"
plot f u (jit($1,$2)):($6*100) w p lt 2 pt 5 notitle
unset logscale x
set autoscale x
# (f) gap vs 1/κ
set xlabel "100/κ  (0 = Gaussian)"
plot f u (100*$15):($6*100):(100*$22):(100*$23) w xerrorbars lt 3 pt 9 notitle
unset multiplot
