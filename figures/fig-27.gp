# fig-27 — CROSS scoreboard: log10(predicted / measured) for every theory.
# Left: mean escape time of minibatch SGD from the periodic double well,
# settings 1–8 (the report's table says what each varies); right: Zhu's
# short-time loss increase on the same settings and Wei's trace drift on
# the valley (V1–V4), and the short-time loss increase at an MLP minimum on
# Fashion-MNIST after k = 1, 2, 5, 10, 20 steps (Zhu, linear chain, Mori's
# noise model).  Bars: 99 % intervals (measurement SE and, where
# there is one, the prediction's quadrature error).  0 = exact agreement.
figheight = 3.6
load "figures/style.gp"
b = datadir."/cross_scoreboard_board.tsv"
r = datadir."/cross_scoreboard_rates.tsv"
n = datadir."/cross_net_rates.tsv"
array T[8] = ["Kramers, constant noise", "Mori Eq. 15", "Mori's SDE (exact)", "Meng Lemma 6", \
              "Meng Lemma 6, Itô", "Itô SDE, true noise", "discrete chain (exact)", "Gaussian chain, same variance"]
array P[8] = [5, 7, 6, 9, 8, 13, 3, 12]
array L[8] = [8, 1, 6, 2, 4, 3, 7, 5]
set multiplot layout 1,2
set xrange [0.4:8.6]
set xtics 1,1,8
set xlabel "escape setting"
set ylabel "log_{10}(predicted / measured escape time)"
set autoscale y
set offsets 0, 0, graph 0.05, graph 0.05
set key below horizontal maxcols 2 box font ",8"
plot 0 w l lt 8 dt 2 notitle, \
     for [j=0:7] b index j u 2:3:4:5 w yerrorbars lt L[j+1] pt P[j+1] ps 0.6 title T[j+1]
set xrange [0.4:19.6]
set xtics ("1" 1, "" 2, "3" 3, "" 4, "5" 5, "" 6, "7" 7, "" 8, "V1" 10, "" 11, "" 12, "V4" 13, "1" 15, "2" 16, "5" 17, "10" 18, "20" 19) font ",8"
set xlabel "short-time loss (1–8) · valley drift (V1–V4) · MLP, k steps" font ",9"
set ylabel "log_{10}(predicted / measured)"
set autoscale y
set key below horizontal maxcols 2 box font ",8"
plot 0 w l lt 8 dt 2 notitle, \
     r index 0 u ($2):3:4:5 w yerrorbars lt 5 pt 11 ps 0.6 title "Zhu Eq. 13", \
     r index 1 u ($2):3:4:5 w yerrorbars lt 3 pt 9 ps 0.6 title "discrete linear chain", \
     r index 2 u ($2+9):3:4:5 w yerrorbars lt 4 pt 5 ps 0.6 title "Wei Theorem 1", \
     r index 3 u ($2+9):3:4:5 w yerrorbars lt 2 pt 7 ps 0.6 title "Wei, finite-η chain", \
     n index 0 u ($2+14):3:4:5 w yerrorbars lt 5 pt 11 ps 0.6 notitle, \
     n index 1 u ($2+14):3:4:5 w yerrorbars lt 3 pt 9 ps 0.6 notitle, \
     n index 2 u ($2+14):3:4:5 w yerrorbars lt 1 pt 7 ps 0.6 title "Mori's noise (MLP)"
unset multiplot
