# fig-11 — MENG-L6, MENG-T7: mean escape time vs barrier height.
# (a) PLD (λ1 = 1, λ2 = 4), GLD (σ = 4) and SGD (batch 1), η = 0.1, on the
#     1-D family: Monte Carlo means (99 % intervals), the exact mean exit time
#     of the iteration (Nyström; for SGD of its discrete chain), the Itô SDE
#     by quadrature, and Lemma 6 / Kramers.  (b) PLD in log–log against
#     1 + 2ΔL/(κησg), with the paper-FP SDE.  (c) Theorem 7: the 2-D over the
#     1-D mean escape time, with the theorem's ratio.
figheight = 2.8
load "figures/style.gp"
f  = datadir."/meng_escape.tsv"
f7 = datadir."/meng_escape-2d.tsv"
set multiplot layout 1,3
set logscale y
set format y "10^{%L}"
set xlabel "barrier height ΔL"
set ylabel "mean escape time (steps)"
set key bottom right font ",6" samplen 1.2 spacing 0.9
set xrange [0:8.5]
set yrange [10:1e7]
plot f index 0 u 3:4:(2.58*$5) w yerrorbars lt 1 title "PLD", \
     f index 0 u 3:8 w l lt 1 notitle, \
     f index 0 u 3:13 w l lt 1 dt 3 notitle, \
     f index 1 u 3:4:(2.58*$5) w yerrorbars lt 2 title "GLD", \
     f index 1 u 3:8 w l lt 2 title "exact iteration", \
     f index 1 u 3:10 w l lt 2 dt 2 title "Itô SDE", \
     f index 1 u 3:13 w l lt 2 dt 3 title "Lemma 6 / Kramers", \
     f index 2 u 3:($6>0?$4:NaN):(2.58*$5) w yerrorbars lt 3 title "SGD", \
     f index 2 u 3:8 w lp lt 3 pt 6 notitle
set logscale xy
set format x "%g"
set xrange [*:*]
set yrange [*:*]
set xlabel "1 + 2ΔL/(κησ_g)"
set key top left font ",6"
plot f index 0 u 14:4:(2.58*$5) w yerrorbars lt 1 title "PLD", \
     f index 0 u 14:8 w l lt 1 title "exact iteration", \
     f index 0 u 14:10 w l lt 1 dt 2 title "Itô SDE", \
     f index 0 u 14:12 w l lt 4 dt 4 title "paper-FP SDE", \
     f index 0 u 14:13 w l lt 1 dt 3 title "Lemma 6"
unset logscale y
set logscale x
set format y "%g"
set xlabel "barrier height ΔL (2-D well)"
set ylabel "τ(2-D) / τ(1-D)"
set yrange [0:1.6]
set key top right font ",6"
plot f7 u 1:6:(2.58*$7) w yerrorbars lt 1 title "measured (99 %)", \
     f7 u 1:8 w l lt 2 dt 2 title "Theorem 7"
unset multiplot
