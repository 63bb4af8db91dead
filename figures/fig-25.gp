# fig-25 — MORI-FPT-NN: (left) mean first-passage time t_p of SGD (B = 10)
# from the pre-trained θ* to L = C·L(θ*), one-hidden-layer network, for
# several η (points, 95 % intervals over runs; filled points: the levels
# fitted, t_p ≥ 1), with the fitted power laws (lines) and Eq. 16's slope
# B/(ηh*) + 1 − n/2 (dashes, through the first fitted point).  (middle) the
# fitted slopes against 1/η with the paper's prediction and the fit
# a/η + c.  (right) the top eigenvalues of G = (1/N)Σ∇f∇fᵀ at θ* (App. E).
load "figures/style.gp"
f = datadir."/mori_fpt_nn.tsv"
s = datadir."/mori_fpt_nn_slopes.tsv"
e = datadir."/mori_fpt_nn_eig.tsv"
v = datadir."/mori_fpt_nn.vals.tsv"
val(k) = real(system(sprintf("awk -F'\t' '$1==\"%s\" {print $2}' %s", k, v)))
row(i, c) = real(system(sprintf("grep -v '^#' %s | sed -n %dp | cut -f%d", s, i, c)))
ne = int(system("grep -vc '^#' ".s))
af = val("a-fit"); cf = val("c-fit"); hs = val("hstar"); np = val("npr"); B = val("B")
set multiplot layout 1,3
set logscale xy
set format y "10^{%L}"
set xlabel "C = L/L(θ*)"
set ylabel "mean first-passage time t_p"
set key top left font ",7" spacing 0.9
set samples 400
plot for [i=0:ne-1] f index i u 2:3:(1.96*$4) w yerrorbars lt i+1 pt 6 notitle, \
     for [i=0:ne-1] f index i u 2:($5 > 0 ? $3 : 1/0):(1.96*$4) w yerrorbars lt i+1 title sprintf("η = %.2g", row(i+1,1)), \
     for [i=0:ne-1] (x >= row(i+1,6) && x <= row(i+1,7) ? exp(row(i+1,9))*x**row(i+1,3) : 1/0) w l lt i+1 lw 0.8 notitle, \
     for [i=0:ne-1] (x >= row(i+1,6) && x <= row(i+1,7) ? exp(row(i+1,9))*row(i+1,6)**row(i+1,3)*(x/row(i+1,6))**row(i+1,5) : 1/0) w l lt i+1 dt 2 lw 0.8 notitle, \
     NaN w l lt 7 lw 0.8 title "fit", NaN w l lt 7 dt 2 lw 0.8 title "Eq. 16"
unset logscale
set format y "%g"
set xlabel "1/η"
set ylabel "slope d log t_p / d log C"
set key bottom right font ",7" spacing 0.9
set xrange [*:*]
plot s u 2:3:(1.96*$4) w yerrorbars lt 1 title "measured (95 %)", \
     s u 2:5 w lp lt 2 dt 2 title "Eq. 16, h* and n (Eq. 44) at θ*", \
     af*x + cf w l lt 1 lw 0.8 title "fit a/η + c"
set logscale y
set format y "10^{%L}"
set xlabel "index i"
set ylabel "eigenvalue h_i of G"
unset key
set xrange [0:*]
set yrange [0.3:*]
plot e u 1:2 w p lt 1
unset multiplot
