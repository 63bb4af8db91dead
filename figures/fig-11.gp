# fig-11 — MENG-L6, MENG-T7: mean escape time vs barrier height.
# (a) PLD (λ1 = 1, λ2 = 4), GLD (σ = 4) and SGD (batch 1), η = 0.1, on the
#     1-D family: Monte Carlo means (99 % intervals), the exact mean exit time
#     of the iteration (Nyström; for SGD of its discrete chain), the Itô SDE
#     by quadrature, and Lemma 6 / Kramers.
# (b) PLD in log–log against X = 1 + 2ΔL/(κησg), in time units t = η·steps,
#     at the paper's η and at the fine step (same κ, same SDE), with the Itô
#     SDE, the paper's Fokker–Planck form and Lemma 6.
# (c) Theorem 7 at the fine step under its own noise: τ(2-D)/τ(1-D) against
#     X, with the theorem's constant and the corrected asymptote X^{−1/2}.
figheight = 2.9
load "figures/style.gp"
f  = datadir."/meng_escape.tsv"
f7 = datadir."/meng_thm7.tsv"
set multiplot layout 1,3
set logscale y
set format y "10^{%L}"
set xlabel "barrier height ΔL"
set ylabel "mean escape time (steps)"
set key top right font ",6" samplen 1.2 spacing 0.9 width 1
set logscale x
set format x "%g"
set xrange [0.2:40]
set yrange [10:1e12]
set ytics 10, 100
plot f index 0 u 3:4:(2.58*$5) w yerrorbars lt 1 title "PLD", \
     f index 0 u 3:8 w l lt 1 notitle, \
     f index 0 u 3:12 w l lt 1 dt 3 notitle, \
     f index 1 u 3:4:(2.58*$5) w yerrorbars lt 2 title "GLD", \
     f index 1 u 3:8 w l lt 2 title "exact iteration", \
     f index 1 u 3:10 w l lt 2 dt 2 title "Itô SDE", \
     f index 1 u 3:12 w l lt 2 dt 3 title "Lemma 6 / Kramers", \
     f index 2 u 3:($6>0?$4:NaN):(2.58*$5) w yerrorbars lt 3 title "SGD (escaped runs)", \
     f index 2 u 3:8 w lp lt 3 pt 6 title "SGD exact chain"
set yrange [*:*]
set ytics autofreq
set logscale xy
set format x "%g"
set xlabel "X = 1 + 2ΔL/(κησ_g)"
set ylabel "mean escape time η·steps"
set xrange [1:20]
set key top left font ",6" width 2
plot f index 0 u 13:($4*$14):(2.58*$5*$14) w yerrorbars lt 1 title "PLD, η = 0.1", \
     f index 0 u 13:($8*$14) w l lt 1 title "exact iteration", \
     f index 3 u 13:($4*$14):(2.58*$5*$14) w yerrorbars lt 5 title "PLD, fine η", \
     f index 3 u 13:($8*$14) w l lt 5 notitle, \
     f index 0 u 13:($10*$14) w l lt 7 dt 2 title "Itô SDE (X^{κ+½})", \
     f index 0 u 13:($11*$14) w l lt 4 dt 4 title "paper-FP SDE", \
     f index 0 u 13:($12*$14) w l lt 8 dt 3 title "Lemma 6 (X^{κ−½})"
unset logscale y
set logscale xy
set format y "%g"
set xlabel "X_b (Theorem 7 well, fine η)"
set ylabel "τ(2-D) / τ(1-D)"
set xrange [4:20]
set yrange [0.15:3]
set ytics ("0.2" 0.2, "0.3" 0.3, "0.5" 0.5, "1" 1, "2" 2)
set key top right font ",6" width 2
plot f7 u 2:11:(2.58*$12) w yerrorbars lt 1 title "measured (99 %)", \
     f7 u 2:13 w l lt 2 dt 2 title "Theorem 7", \
     f7 u 2:14 w l lt 3 title "corrected X_b^{−1/2}"
unset multiplot
