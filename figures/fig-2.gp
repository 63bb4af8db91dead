# fig-2 — ZHU-P1.  Left: R = Tr(HΣ)/Tr(HΣ_iso) against D for several d
# (points: mean over random instances with 95 % intervals; lines: the
# family's mean-field value; dashes: the corrected lower bound aλ1²D/(TrH)²;
# grey: the universal upper bound D).  Right: on random dense instances,
# R divided by the bound as printed (aλ1D/(TrH)²) and as corrected, against λ1.
load "figures/style.gp"
figheight = 2.8
g = datadir."/zhu_p1-growth.tsv"
dn = datadir."/zhu_p1-dense.tsv"
set multiplot layout 1,2
set logscale xy
set format x "10^{%L}"; set format y "10^{%L}"
set xlabel "dimension D"
set ylabel "Tr(HΣ) / Tr(HΣ_{iso})"
set key top left font ",8"
set xrange [20:2e5]
plot for [i=0:4] g index i u 2:3:(1.96*$4) w yerrorbars lt i+1 title sprintf("d = %.2f", real(system(sprintf("awk -F'\t' '!/^#/&&NF>3{print $1}' %s | uniq | sed -n %dp", g, i+1)))), \
     for [i=0:4] g index i u 2:5 w l lt i+1 notitle, \
     for [i=0:4] g index i u 2:6 w l lt i+1 dt 2 lw 0.8 notitle, \
     x w l lc rgb "#888888" dt 3 title "upper bound D"
set xrange [*:*]
set xlabel "λ_1 (top Hessian eigenvalue)"
set ylabel "R / bound"
set key bottom right font ",8"
plot dn u 4:($6/$8) w p pt 6 ps 0.3 lc rgb "#D55E00" title "bound as printed: aλ_1D/(TrH)^2", \
     dn u 4:($6/$7) w p pt 7 ps 0.25 lc rgb "#0072B2" title "corrected: aλ_1^2D/(TrH)^2", \
     1 w l lc rgb "#000000" dt 2 notitle
unset multiplot
