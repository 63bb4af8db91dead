# fig-16 — WEI-TRDET: mean Hessian trace and determinant over runs (bands:
# 95 % intervals of the mean) under SGD-like noise C = cH₊ and isotropic
# noise in the non-degenerate subspace, from the same start; right: Σλ_i²
# under Theorem 2's noise for f = Σλ_i².  Thin lines: mean-field recursion
# of the discrete iteration; the bands are narrow: lines mark the means.
figheight = 2.4
load "figures/style.gp"
f = datadir."/wei_trdet.tsv"
set multiplot layout 1,3
set xlabel "iteration"
set xtics 10000
set format x "%g"
set key top left
set ylabel "Hessian trace T = λ_1 + λ_2"
plot f index 0 u 2:($3-1.96*$4):($3+1.96*$4) w filledcurves lc rgb "#D55E00" fs transparent solid 0.3 noborder title "SGD-like (95 % CI)", \
     f index 0 u 2:3 w l lt 2 lw 1 notitle, f index 0 u 2:9 w l lt 7 lw 0.6 dt 2 notitle, \
     f index 1 u 2:($3-1.96*$4):($3+1.96*$4) w filledcurves lc rgb "#0072B2" fs transparent solid 0.3 noborder title "isotropic (95 % CI)", \
     f index 1 u 2:3 w l lt 1 lw 1 notitle, f index 1 u 2:9 w l lt 7 lw 0.6 dt 2 title "mean field"
set ylabel "determinant λ_1λ_2"
set key bottom left
plot f index 0 u 2:($5-1.96*$6):($5+1.96*$6) w filledcurves lc rgb "#D55E00" fs transparent solid 0.3 noborder title "SGD-like", \
     f index 0 u 2:5 w l lt 2 lw 1 notitle, f index 0 u 2:10 w l lt 7 lw 0.6 dt 2 notitle, \
     f index 1 u 2:($5-1.96*$6):($5+1.96*$6) w filledcurves lc rgb "#0072B2" fs transparent solid 0.3 noborder title "isotropic", \
     f index 1 u 2:5 w l lt 1 lw 1 notitle, f index 1 u 2:10 w l lt 7 lw 0.6 dt 2 notitle
set ylabel "Σλ_i^2"
set key top right
plot f index 2 u 2:($7-1.96*$8):($7+1.96*$8) w filledcurves lc rgb "#009E73" fs transparent solid 0.3 noborder title "C_{ii} = 2cλ_i^2", \
     f index 2 u 2:7 w l lt 3 lw 1 notitle, f index 2 u 2:11 w l lt 7 lw 0.6 dt 2 notitle, \
     f index 0 u 2:($7-1.96*$8):($7+1.96*$8) w filledcurves lc rgb "#D55E00" fs transparent solid 0.3 noborder title "SGD-like", f index 0 u 2:7 w l lt 2 lw 1 notitle, \
     f index 1 u 2:($7-1.96*$8):($7+1.96*$8) w filledcurves lc rgb "#0072B2" fs transparent solid 0.3 noborder title "isotropic", f index 1 u 2:7 w l lt 1 lw 1 notitle
unset multiplot
