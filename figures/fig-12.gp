# fig-12 — MENG-F4: 2-D model of Meng et al. Fig. 4.  (a) success rate of
# escaping the sharp minimum in 500 steps (99 % Wilson intervals) for SGD,
# GLD (λ1 = 0) and PLD over λ1, on L and on 0.9L; the last PLD point is at
# the fitted λ1 = c2/c0.  (b) Tr C_SGD(w* + δ(1,1)) and its quadratic fit.
load "figures/style.gp"
f  = datadir."/meng_2d.tsv"
ft = datadir."/meng_2d-trace.tsv"
set multiplot layout 1,2
set xlabel "λ1 of the power-law dynamic (0 = GLD)"
set ylabel "success rate"
set logscale x
set xrange [0.5:2000]
set yrange [-0.05:1.05]
set key center right font ",7"
set label 1 "λ1 = 0 plotted at 1" at 1.1,0.95 font ",7"
plot f index 0 every ::1 u ($3>0?$3:1):4:5:6 w yerrorbars lt 1 title "PLD / GLD, L", \
     f index 1 every ::1 u ($3>0?$3*1.06:1.06):4:5:6 w yerrorbars lt 2 title "PLD / GLD, 0.9 L", \
     NaN w l lt 3 title "SGD on L", NaN w l lt 3 dt 2 title "SGD on 0.9 L", \
     f index 0 every ::0::0 u (0.5):4:(1999.5):(0) w vectors nohead lt 3 dt 1 notitle, \
     f index 1 every ::0::0 u (0.5):4:(1999.5):(0) w vectors nohead lt 3 dt 2 notitle
unset label 1
unset logscale x
set xrange [*:*]
set yrange [*:*]
set xlabel "δ (w = w* + δ(1, 1))"
set ylabel "Tr C_{SGD}(w)"
set key top center
plot ft u 1:2 w p lt 7 title "Tr C (exact, batch 1)", ft u 1:3 w l lt 2 title "quadratic fit"
unset multiplot
