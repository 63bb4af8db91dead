# fig-14 — MENG-F9: from θ*_GD of the corrupted Fashion-MNIST task, GD,
# GLD and PLD: test accuracy (left; mean over seeds, band = min..max over
# seeds) and expected sharpness (right; mean ± SE over seeds) along training.
load "figures/style.gp"
f = datadir."/meng_f9.tsv"
s = datadir."/meng_f9-sharp.tsv"
set multiplot layout 1,2
set xlabel "iteration after θ*_{GD}"
set ylabel "test accuracy (%)"
set key bottom right
set style fill transparent solid 0.2 noborder
plot f index 1 u 2:($5*100):($6*100) w filledcurves lt 2 notitle, \
     f index 2 u 2:($5*100):($6*100) w filledcurves lt 3 notitle, \
     f index 0 u 2:($3*100) w l lt 1 title "GD (η = 0.1)", \
     f index 1 u 2:($3*100) w l lt 2 title "GLD (η = 0.07, σ = 10^{-4})", \
     f index 2 u 2:($3*100) w l lt 3 title "PLD (η = 0.07, α = 2.4, β = 2)"
set ylabel "expected sharpness, δ = 0.01"
set key top right
plot s index 0 u 2:3:4 w yerrorlines lt 1 title "GD", \
     s index 1 u 2:3:4 w yerrorlines lt 2 title "GLD", \
     s index 2 u 2:3:4 w yerrorlines lt 3 title "PLD"
unset multiplot
