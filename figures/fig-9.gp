# fig-9 — MENG-P1: Tr Σ(w) along lines through a GD minimum w* of ZHU's CNN,
# conv1 (left) and conv2 (right), relative to its value at w* (log scale:
# along some lines it grows by decades), with the least-squares quadratics
# (lines; drawn where positive).  Tr Σ is exact on the training set (no
# Monte Carlo error); three directions per layer.
load "figures/style.gp"
f = datadir."/meng_p1.tsv"
pos(y) = y > 0 ? y : 1/0
set multiplot layout 1,2
set logscale y
set format y "10^{%L}"
set ylabel "Tr Σ(w* + x u) / Tr Σ(w*)"
set key top center
set xlabel "per-parameter shift x (10^{-3}), conv1"
plot f index 0 u ($4*1e3):($8+1) w p lt 1 title "ones (as printed)", f index 0 u ($4*1e3):(pos($9+1)) w l lt 1 notitle, \
     f index 1 u ($4*1e3):($8+1) w p lt 2 title "random ±1", f index 1 u ($4*1e3):(pos($9+1)) w l lt 2 notitle, \
     f index 2 u ($4*1e3):($8+1) w p lt 3 title "top eigvec of H", f index 2 u ($4*1e3):(pos($9+1)) w l lt 3 notitle
set xlabel "per-parameter shift x (10^{-4}), conv2"
plot f index 3 u ($4*1e4):($8+1) w p lt 1 title "ones (as printed)", f index 3 u ($4*1e4):(pos($9+1)) w l lt 1 notitle, \
     f index 4 u ($4*1e4):($8+1) w p lt 2 title "random ±1", f index 4 u ($4*1e4):(pos($9+1)) w l lt 2 notitle, \
     f index 5 u ($4*1e4):($8+1) w p lt 3 title "top eigvec of H", f index 5 u ($4*1e4):(pos($9+1)) w l lt 3 notitle
unset multiplot
