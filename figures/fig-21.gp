# fig-21 — MORI-NOISE: the SGD noise strength 𝒩 = (1/N)Σ|∇ℓ_μ|² − |∇L|²
# (exact, from per-sample gradients) along training.  (a) 𝒩 vs L for the MLP
# and the CNN with the mean-square loss, geometric means over seeds with
# ±1 SE bars (log scale), and lines of slope 1.  (b) 𝒩/(2L Tr H) of the MLP
# along training (band ±1 SE over seeds) against Eq. 6 (1), the decoupled
# value Σ R_kk'Ḡ_kk' for ten outputs, and 1/K.  (c) the MLP with
# cross-entropy: 𝒩 vs L with lines of slope 1 and 2 (App. D).  (d) L and 𝒩
# vs epoch (MSE runs).
figheight = 4.9
load "figures/style.gp"
f = datadir."/mori_noise_mean.tsv"
last(run, col) = real(system(sprintf("awk -F'\t' '!/^#/ && $1==\"%s\" {v=$%d} END{print v}' %s", run, col, f)))
lm = last("mlp-mse", 3); nm = last("mlp-mse", 6)
lc = last("cnn-mse", 3); nc = last("cnn-mse", 6)
le = last("mlp-ce", 3); ne = last("mlp-ce", 6)
set multiplot layout 2,2
set logscale xy
set format x "10^{%L}"; set format y "10^{%L}"
set xlabel "training loss L"
set ylabel "noise strength 𝒩"
set key top left font ",8"
plot f index 0 u 3:6:4:5:7:8 w xyerrorbars lt 1 title "MLP, MSE", \
     f index 0 u 3:6 w l lt 1 lw 0.6 notitle, \
     nm*x/lm w l lt 1 dt 2 lw 0.8 title "slope 1", \
     f index 1 u 3:6:4:5:7:8 w xyerrorbars lt 2 title "CNN, MSE", \
     f index 1 u 3:6 w l lt 2 lw 0.6 notitle, \
     nc*x/lc w l lt 2 dt 2 lw 0.8 notitle
unset logscale y
set format y "%g"
set logscale x
set xlabel "epoch + 1"
set ylabel "𝒩 / (2 L Tr H)"
set format x "10^{%L}"
set key at graph 0.02, 0.8 left top font ",8"
set yrange [0:1.15]
plot f index 0 u ($2+1):($9-$10):($9+$10) w filledcurves lc rgb "#a6cbe3" notitle, \
     f index 0 u ($2+1):9 w lp lt 1 title "measured (MLP, MSE, K = 10)", \
     f index 0 u ($2+1):($11-$12):($11+$12) w filledcurves lc rgb "#f2c19e" notitle, \
     f index 0 u ($2+1):11 w l lt 2 title "decoupled, K outputs: Σ R_{kk'}Ḡ_{kk'} / (2 L Tr H)", \
     0.1 w l lt 7 dt 3 title "1/K", \
     1 w l lt 7 dt 2 title "Eq. 6 (one output)"
set yrange [*:*]
set logscale xy
set format y "10^{%L}"
set xlabel "training loss L"
set ylabel "noise strength 𝒩"
set key top left font ",8"
plot f index 2 u 3:6:4:5:7:8 w xyerrorbars lt 3 title "MLP, cross-entropy", \
     f index 2 u 3:6 w l lt 3 lw 0.6 notitle, \
     ne*x/le w l lt 7 dt 2 lw 0.8 title "slope 1", \
     ne*(x/le)**2 w l lt 7 dt 3 lw 0.8 title "slope 2"
set xlabel "epoch + 1"
set ylabel "L (lines), 𝒩/100 (dashes)"
set key bottom left font ",8"
plot f index 0 u ($2+1):3:4:5 w yerrorbars lt 1 ps 0.3 notitle, f index 0 u ($2+1):3 w l lt 1 title "MLP, MSE", \
     f index 0 u ($2+1):($6/100) w l lt 1 dt 2 notitle, \
     f index 1 u ($2+1):3:4:5 w yerrorbars lt 2 ps 0.3 notitle, f index 1 u ($2+1):3 w l lt 2 title "CNN, MSE", \
     f index 1 u ($2+1):($6/100) w l lt 2 dt 2 notitle
unset multiplot
