# fig-3 — ZHU-TOY: contours of log10 L on the 2-D toy, with one trajectory
# (run 0, all iterations) of each dynamic from the sharp minimum (1, 1);
# right: the sharp basin enlarged.
figheight = 3.3
load "figures/style.gp"
set datafile separator whitespace
s = datadir."/zhu_toy-surface.tsv"
f = datadir."/zhu_toy-traj.tsv"
set table $cont
set contour base
set cntrparam levels incremental -3.5, 0.5, 1.5
unset surface
set view map
splot s u 1:2:3 w l
unset table
unset contour
set size ratio -1
set xlabel "w_1"
set ylabel "w_2"
title(d) = (d==0?"GD":d==1?"GLD const":d==2?"GLD diag":d==3?"GLD leading":d==4?"GLD Hessian":d==5?"GLD 1st eigvec(H)":"SGD")
set multiplot layout 1,2
set xrange [-2:2]; set yrange [-2:2]
set key bottom right font ",7" samplen 1 spacing 0.9
plot $cont u 1:2 w l lc rgb "#bbbbbb" lw 0.6 title "log_{10} L (steps 0.5)", \
     for [d=0:6] f index d u 4:5 w l lt d+1 lw 0.6 title title(d)
set xrange [0.55:1.45]; set yrange [0.55:1.45]
unset key
plot $cont u 1:2 w l lc rgb "#bbbbbb" lw 0.6, \
     for [d=0:6] f index d u 4:5 w l lt d+1 lw 0.5, \
     "+" u (1):(1) every ::0::0 w p pt 7 ps 0.6 lc rgb "black"
unset multiplot
