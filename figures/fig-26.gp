# fig-26 — left and middle, MORI-RATE: escape rate κ = 1/(mean escape time) from quartic
# double wells (h* = 1) vs the barrier ratio C = L(θ_s)/L(θ*), under the
# SGD-noise SDE (points: Euler–Maruyama, 95 % intervals; line: exact rate from
# the mean first-passage time by quadrature; dashes: Eq. 15) for two barrier
# heights ΔL, and under Langevin with constant noise (horizontal bands: the
# rate depends on ΔL only); middle: true minibatch SGD (B = 1) on the periodic
# double well, with the discrete chain's exact rate, the two SDEs and Eq. 15.  Right, MORI-NC: growth rate λ/η of |θ − θ*| per
# unit time for linear-regression SGD (B = 1) vs d, two η; points measured,
# lines the discrete chain's exact exponent, dashes the paper's SDE (zero at
# n_c = 2(B/η + 1)), dots the exact-noise SDE.
load "figures/style.gp"
f = datadir."/mori_rate.tsv"
g = datadir."/mori_rate_langevin.tsv"
n = datadir."/mori_nc.tsv"
h = datadir."/mori_rate_sgd.tsv"
set multiplot layout 1,3
set logscale xy
set format y "10^{%L}"
set xlabel "barrier ratio C = L(θ_s)/L(θ*)"
set ylabel "escape rate κ (per unit time t)"
set key bottom left font ",7" spacing 1.0
set xrange [1.4:3.2]
set xtics (1.5, 2, 2.5, 3)
k1 = real(system("grep -v '^#' ".g." | sed -n 1p | cut -f7"))
k2 = real(system("grep -v '^#' ".g." | sed -n 2p | cut -f7"))
set samples 2
plot f index 0 u 3:6:7:8 w yerrorbars lt 1 title "SGD SDE, ΔL = 1 (L* varies)", \
     f index 1 u ($3*1.02):6:7:8 w yerrorbars lt 2 title "SGD SDE, ΔL = 2 (L* varies)", \
     f index 0 u 3:9 w l lt 7 lw 0.8 title "exact (quadrature)", \
     f index 0 u 3:11 w l lt 7 dt 2 lw 0.8 title "Eq. 15", \
     g u (1.45):4:5:6 every ::0::0 w yerrorbars lt 1 pt 6 title "Langevin ΔL = 1, 2", \
     g u (1.45):4:5:6 every ::1::1 w yerrorbars lt 2 pt 4 notitle, \
     k1 w l lt 1 dt 3 lw 0.8 title "Langevin exact", \
     k2 w l lt 2 dt 3 lw 0.8 notitle
set xrange [1.07:1.8]
set xtics (1.1, 1.2, 1.35, 1.5, 1.7)
unset logscale y
set format y "%g"
set yrange [0.5:1.5]
set ylabel "escape rate relative to Eq. 15, κ/κ_{15}"
set xlabel "barrier ratio C (true SGD, η = 0.1, B = 1)"
set key top left font ",7"
plot h index 0 u 3:($6/$12):($7/$12):($8/$12) w yerrorbars lt 1 pt 7 ps 0.5 title "SGD, ΔL ≈ 1", \
     h index 1 u ($3*1.01):($6/$12):($7/$12):($8/$12) w yerrorbars lt 2 pt 5 ps 0.5 title "SGD, ΔL ≈ 2 (same data, rescaled)", \
     h index 0 u 3:($15/$12) w l lt 7 lw 1 title "discrete chain (exact)", \
     h index 0 u 3:($9/$12) w l lt 3 dt 3 lw 1 title "exact-noise SDE", \
     h index 0 u 3:($11/$12) w l lt 4 dt 4 lw 1 title "paper's SDE", \
     1 w l lt 7 dt 2 lw 1 title "Eq. 15"
set yrange [*:*]
unset logscale
set format y "%g"
unset xtics
set xtics
set xrange [*:*]
set xlabel "dimension d = n (h* = 1)"
set ylabel "growth rate λ/η of |θ − θ*| per unit time"
set key bottom right font ",7"
set xrange [0:28]
set xzeroaxis lt 7 lw 0.5
plot n index 0 u 2:3:(2.58*$4) w yerrorbars lt 1 title "SGD η = 0.25", \
     n index 0 u 2:5 w l lt 1 lw 0.8 title "discrete chain (exact)", \
     n index 0 u 2:7 w l lt 1 dt 2 lw 0.8 title "paper's SDE (Eq. 18)", \
     n index 0 u 2:8 w l lt 1 dt 3 lw 0.8 title "exact-noise SDE", \
     n index 1 u 2:3:(2.58*$4) w yerrorbars lt 2 title "SGD η = 0.1", \
     n index 1 u 2:5 w l lt 2 lw 0.8 notitle, \
     n index 1 u 2:7 w l lt 2 dt 2 lw 0.8 notitle, \
     n index 1 u 2:8 w l lt 2 dt 3 lw 0.8 notitle
unset multiplot
