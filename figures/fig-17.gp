# fig-17 — WEI-ENTROPIC on L = ½(θ2² + 1)θ1² + αθ2.  Left: gradient
# descent runs down the tilted valley.  Middle: noisy GD, one chain and the
# mean over chains (95 % band).  Right: equilibrium ⟨θ2⟩ by estimator and
# noise, with 95 % intervals, against Eq. 38 and its discrete value.
figheight = 3.0
textscale = 0.8
load "figures/style.gp"
f = datadir."/wei_entropic.tsv"
e = datadir."/wei_entropic-est.tsv"
v = datadir."/wei_entropic.vals.tsv"
val(k) = real(system("awk -F'\t' '$1==\"".k."\"{print $2}' ".v))
paper = val("paper"); disc = val("disc")
set multiplot layout 1,3
set xlabel "iteration (10^5)"
set key bottom left nobox font ",9"
set ylabel "θ"
plot f index 0 u ($1/1e5):2 w l lt 1 title "GD θ_1", f index 0 u ($1/1e5):3 w l lt 2 title "GD θ_2"
set ylabel "mean θ_2 over chains"
set key bottom right nobox font ",9" samplen 1.5
set xtics 1
# zoomed on the equilibrium: one chain's spread (±0.07) would hide the two
# means; each mean is drawn as a line inside its 95 % band
set yrange [-0.075:0.02]
plot f index 3 u ($1/1e5):($2-1.96*$3):($2+1.96*$3) w filledcurves lc rgb "#D55E00" fs transparent solid 0.25 noborder notitle, \
     f index 3 u ($1/1e5):2 w l lc rgb "#D55E00" lw 0.8 title "C = cH_+", \
     f index 4 u ($1/1e5):($2-1.96*$3):($2+1.96*$3) w filledcurves lc rgb "#0072B2" fs transparent solid 0.25 noborder notitle, \
     f index 4 u ($1/1e5):2 w l lc rgb "#0072B2" lw 0.8 title "Theorem 1 noise", \
     paper w l lt 7 dt 2 title "−2α/(ηc)"
unset yrange
set xlabel ""
set ylabel "equilibrium ⟨θ_2⟩"
set xrange [-0.6:3.6]
set yrange [-0.0225:-0.017]
set xtics ("cH_+" 0, "cH_+ CV" 1, "Thm 1" 2, "Thm 1 CV" 3) rotate by 45 right font ",9"
unset key
plot e u 1:4:(1.96*$5) w yerrorbars lt 1 pt 7 title "measured (95 % CI)", \
     paper w l lt 7 dt 2 title sprintf("Eq. 38: %g", paper), disc w l lt 3 dt 4 title "−α(2−η)/(ηc)"
unset multiplot
