# fig-2 — ZHU-P1.  Left: R = Tr(HΣ)/Tr(HΣ_iso) against D for several d
# (points: mean over random instances with 95 % intervals; lines: the
# family's mean-field value; dashes: the corrected lower bound aλ1²D/(TrH)²;
# grey: the universal upper bound D).  Right: on random dense instances,
# R divided by the bound as printed (aλ1D/(TrH)²) and as corrected, against λ1.
figheight = 3.2
textscale = 0.8
load "figures/style.gp"
g = datadir."/zhu_p1-growth.tsv"
dn = datadir."/zhu_p1-dense.tsv"
set multiplot layout 1,2
set logscale xy
set format x "10^{%L}"; set format y "10^{%L}"
set xlabel "dimension D"
set ylabel "Tr(HΣ) / Tr(HΣ_{iso})"

set xrange [20:2e5]
set yrange [1e-8:1e7]
set ytics 1,100,1e7
# the d of each block, and its first point: the paper's rate D^{2d-1} is drawn
# through it (thin dash-dot), so that its departure from the data shows
array dv[5]; array d0[5]; array r0[5]
do for [i=1:5] {
  dv[i] = real(system(sprintf("awk -F'\t' '!/^#/&&NF>3{print $1}' %s | uniq | sed -n %dp", g, i)))
  d0[i] = real(system(sprintf("awk -F'\t' '!/^#/&&NF>3&&$1==%.3f{print $2; exit}' %s", dv[i], g)))
  r0[i] = real(system(sprintf("awk -F'\t' '!/^#/&&NF>3&&$1==%.3f{print $3; exit}' %s", dv[i], g)))
}
# d = 2 grows like d = 1.5 (both as D): its points are drawn open and shifted
# right by 15 % so that both stay visible
sh(i) = (i == 4 ? 1.15 : 1.0)
set key bottom right nobox font ",9" maxrows 7 samplen 1.5 spacing 1.0
plot for [i=0:4] g index i u ($2*sh(i)):3:(1.96*$4) w yerrorbars lt i+1 pt (i == 4 ? 6 : i == 3 ? 5 : 7) \
       title sprintf("d = %.2f", dv[i+1]), \
     for [i=0:4] g index i u ($2*sh(i)):5 w l lt i+1 notitle, \
     for [i=0:4] g index i u ($2*sh(i)):6 w l lt i+1 dt 2 lw 0.8 notitle, \
     for [i=3:5] (x >= d0[i] ? r0[i]*(x/d0[i])**(2*dv[i]-1) : 1/0) w l lt i lw 0.8 dt 4 \
       title (i == 3 ? "paper: ∝ D^{2d-1}" : ""), \
     x w l lc rgb "#888888" dt 3 title "upper bound D"
set xrange [*:*]
set yrange [*:*]
set ytics auto
set xlabel "λ_1 (top Hessian eigenvalue)"
set ylabel "R / bound"
set key top left Left reverse nobox font ",9" width 1
plot dn u 4:($6/$8) w p pt 6 ps 0.3 lc rgb "#D55E00" title "bound as printed: aλ_1D/(TrH)^2", \
     dn u 4:($6/$7) w p pt 7 ps 0.25 lc rgb "#0072B2" title "corrected: aλ_1^2D/(TrH)^2", \
     1 w l lc rgb "#000000" dt 2 notitle
unset multiplot
