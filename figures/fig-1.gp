# fig-1 — ZHU-E13: E[L(θ_t)] of the exact-in-law OU process for five noise
# covariances of equal trace; lines Eq. (13), dashes its small-t form
# (t/2)Tr(HΣ); right: standardized residuals with the Bonferroni band.
textscale = 0.8
load "figures/style.gp"
f = datadir."/zhu_e13.tsv"
zb = real(system("awk -F'\t' '$1==\"z\"{print $2}' ".datadir."/zhu_e13.vals.tsv"))
set multiplot layout 1,2
set logscale xy
set format x "10^{%L}"; set format y "10^{%L}"
set xlabel "time t"
set ylabel "E[L(θ_t) − L(θ_0)]"
set key bottom right
set yrange [1e-5:1]
names = "isotropic diag random aligned maximiser"
plot for [s=0:4] f index s u 3:4:(1.96*$5) w yerrorbars lt s+1 title word(names, s+1), \
     for [s=0:4] f index s u 3:6 w l lt s+1 notitle, \
     for [s=0:4] f index s u 3:7 w l lt s+1 dt 2 lw 0.8 notitle
unset logscale y
set format y "%g"
set yrange [-5:5]
set ylabel "(mean − Eq. 13) / SE"
set key top right
plot for [s=0:4] f index s u 3:8 w lp lt s+1 lw 0.6 notitle, \
     zb w l lc rgb "#777777" dt 3 title sprintf("±%.2f (Bonferroni)", zb), -zb w l lc rgb "#777777" dt 3 notitle
unset multiplot
