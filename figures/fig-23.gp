# fig-23 — MORI-PHI: left, the fitted exponent φ of P(θ) ∝ L^{−φ} against B
# for three η (points, 95 % intervals), with the paper's 1 + B/(ηh) (dashes),
# the fit's limit under the exact-noise SDE with the finite-η drift (lines)
# and the SDE's tail exponent (dots); right, the density of |θ − θ*| for one
# (η, B) against the three laws.
textscale = 0.8
load "figures/style.gp"
f = datadir."/mori_phi.tsv"
g = datadir."/mori_phi_density.tsv"
v(k) = system("awk -F'\t' '$1==\"".k."\"{print $2}' ".datadir."/mori_phi.vals.tsv")
set multiplot layout 1,2
set logscale xy
set format y "10^{%L}"
set xlabel "batch size B"
set ylabel "exponent φ"
set key bottom right nobox font ",9" samplen 1.5
set xrange [0.25:*]
set yrange [1e-4:1e4]
# each η named beside its first point (B = 1)
plot for [e=0:2] f index e u 2:3:(1.96*$4) w yerrorbars lt e+1 notitle, \
     for [e=0:2] f index e every ::0::0 u ($2/1.15):3:(sprintf("η = %s", word("0.01 0.1 1", e+1))) w labels right font ",9" tc lt e+1 notitle, \
     for [e=0:2] f index e u 2:5 w l lt e+1 dt 2 lw 0.8 notitle, \
     for [e=0:2] f index e u 2:7 w l lt e+1 lw 0.8 notitle, \
     for [e=0:2] f index e u 2:9 w l lt e+1 dt 3 lw 0.8 notitle, \
     NaN w l lc rgb "#555555" dt 2 title "paper 1 + B/(ηh*)", \
     NaN w l lc rgb "#555555" title "exact-noise SDE, finite η", \
     NaN w l lc rgb "#555555" dt 3 title "its tail exponent"
set format x "10^{%L}"
set xlabel sprintf("|θ − θ*|  (η = %s, B = %s)", v("dens-eta"), v("dens-B"))
set ylabel "density of |θ − θ*|"
set key bottom left Left reverse nobox font ",9" samplen 1.5
set xrange [0.02:3]
set yrange [1e-9:1e3]
set ytics 1e-8,100,1e2
# the threshold above which the tail index (Hill) is measured
tf = real(v("tail-far-t"))
set arrow 1 from tf, graph 0 to tf, graph 1 nohead lc rgb "#999999" dt 3
set label 1 sprintf("top %s %%", v("tail-far-q")) at tf, graph 0.95 right offset -0.5,0 font ",9" tc rgb "#555555"
plot g u 1:2:(1.96*$3) w yerrorbars lt 1 title "SGD", \
     g u 1:4 w l lt 2 dt 2 title sprintf("paper L^{−%s}", v("dens-paper")), \
     g u 1:5 w l lt 4 lw 0.8 title sprintf("fitted L^{−%s}", v("dens-phi")), \
     g u 1:6 w l lt 3 title "exact-noise SDE"
unset multiplot
