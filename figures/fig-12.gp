# fig-12 — MENG-F4: 2-D model of Meng et al. Fig. 4.  (a) fraction of runs
# that escape the sharp minimum in 500 steps (finite, outside the basin;
# 99 % Wilson intervals) and fraction that diverge, for GLD (λ1 = 0, at 1)
# and PLD over λ1 (the paper's grid 16..36, a decade grid above it, and the
# matched λ1, open symbols), on L and 0.9 L; horizontal lines: SGD.
# (b) Tr C_SGD(w* + δ(1,1)) and the matched PLD trace T0(1 + λ1 δ²).
load "figures/style.gp"
f  = datadir."/meng_2d.tsv"
ft = datadir."/meng_2d-trace.tsv"
set multiplot layout 1,2
set xlabel "λ1 of the power-law dynamic (0 = GLD, plotted at 1)"
set ylabel "fraction of runs"
set logscale x
set xrange [0.7:30000]
set yrange [-0.05:1.05]
set key at graph 0.2, 0.95 left top font ",7" width 1
plot f index 0 every ::1 u ($3>0?$3:1):4:5:6 w yerrorbars lt 1 ps 0.8 title "escaped, L", \
     f index 1 every ::1 u ($3>0?$3*1.15:1.15):4:5:6 w yerrorbars lt 2 ps 0.8 title "escaped, 0.9 L", \
     f index 0 every ::1 u ($3>0?$3:1):($9/$8) w p lt 1 pt 6 ps 1.0 title "diverged, L", \
     f index 1 every ::1 u ($3>0?$3*1.15:1.15):($9/$8) w p lt 2 pt 4 ps 1.0 title "diverged, 0.9 L", \
     NaN w l lt 3 title "SGD escaped, L", NaN w l lt 3 dt 2 title "SGD escaped, 0.9 L", \
     f index 0 every ::0::0 u (0.7):4:(29999.3):(0) w vectors nohead lt 3 dt 1 notitle, \
     f index 1 every ::0::0 u (0.7):4:(29999.3):(0) w vectors nohead lt 3 dt 2 notitle
unset logscale x
set xrange [*:*]
set yrange [*:*]
set xlabel "δ (w = w* + δ(1, 1))"
set ylabel "Tr C(w)"
set key at graph 0.5, 0.97 center top font ",8" width 1
plot ft u 1:2 w p lt 7 title "SGD, batch 1 (exact)", ft u 1:3 w l lt 2 title "PLD, matched λ1"
unset multiplot
