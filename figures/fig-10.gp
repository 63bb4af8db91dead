# fig-10 — MENG-T2, -C3, -T4: stationary densities of the power-law dynamic.
# (a) Theorem 2 (ρ ≠ 0): histogram of independent stationary samples of the
#     iteration, with the paper's density, the Itô density and the exact law
#     of the iteration (Nyström); (b) Corollary 3: fitted exponent offset
#     m̂ − κ over the (H, η, σH) grid, paper 0, Itô 1, exact iteration; (c)
#     Theorem 4: m̂ − κ vs η for d = 2..5 with the weighted line to η → 0.
figheight = 2.8
textscale = 0.8
load "figures/style.gp"
f  = datadir."/meng_tails.tsv"
f3 = datadir."/meng_tails-c3.tsv"
f4 = datadir."/meng_tails-t4.tsv"
set multiplot layout 1,3
set logscale y
set format y "10^{%L}"
# the tails are power laws: an asinh axis (linear within ±0.1, logarithmic
# beyond) shows both sides out to where the histogram ends
set nonlinear x via asinh(x/0.1) inverse 0.1*sinh(x)
set xtics ("-10" -10, "-1" -1, "0" 0, "1" 1, "10" 10)
set xlabel "w − w* (asinh scale)"
set ylabel "stationary density"
set xrange [-15:15]
set yrange [1e-6:1e7]
set ytics 1e-6,100,1e6
set key top left Left reverse font ",9" samplen 1.2 nobox
plot f u 1:($7>0?$2:NaN):3 w yerrorbars lt 7 title "histogram", \
     f u 1:4 w l lt 2 dt 2 title "paper, Thm 2", \
     f u 1:5 w l lt 3 title "Itô", \
     f u 1:6 w l lt 1 lw 0.8 title "exact iteration"
unset logscale y
unset nonlinear x
set ytics auto
set format y "%g"
set yrange [-0.3:1.3]
set xrange [0:0.32]
set xtics 0.1
set xlabel "η H κ"
set ylabel "fitted exponent m̂ − κ"
set yrange [-0.3:1.3]
set key bottom right font ",9" nobox samplen 1.2 width -4
set yrange [-1.7:1.3]
plot f3 u 5:($6-$4):(2.58*$7) w yerrorbars lt 7 title "MLE (99 %)", \
     f3 u 5:($8-$4) w p lt 1 pt 6 ps 0.7 title "exact iteration", \
     0 w l lt 2 dt 2 title "paper (κ)", 1 w l lt 3 title "Itô (κ+1)"
set xlabel "step η"
set xrange [0:0.09]
set xtics 0.04
set key bottom left Left reverse font ",9" nobox samplen 1.2
set yrange [-1.7:1.3]
plot for [d=0:3] f4 index d u 2:($3-3):(2.58*$4) w yerrorbars lt d+1 title sprintf("d = %d", d+2), \
     for [d=0:3] f4 index d u 2:($5+$6*$2-3) w l lt d+1 notitle, \
     0 w l lt 2 dt 2 notitle, 1 w l lt 3 notitle
unset multiplot
