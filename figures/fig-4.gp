# fig-4 — ZHU-TOY: left, escape success rate of each dynamic over many runs
# with 95 % Wilson intervals; right, Tr(H_t Σ_t) of each dynamic's own noise
# along its run 0 (the paper's indicator), every noise at E|ε|² = 0.01.
load "figures/style.gp"
r = datadir."/zhu_toy-rates.tsv"
f = datadir."/zhu_toy-traj.tsv"
runs = system("awk -F'\t' '$1==\"runs\"{print $2}' ".datadir."/zhu_toy.vals.tsv")
set multiplot layout 1,2
set xrange [-0.6:6.6]
set yrange [0:*]
set ylabel "success rate (".runs." runs)"
set xtics rotate by 35 right ("GD" 0, "GLD const" 1, "GLD diag" 2, "GLD leading" 3, "GLD Hessian" 4, "GLD 1st eigvec(H)" 5, "SGD" 6)
set key top left
plot r u 1:5:6:7 w yerrorbars lt 1 pt 7 title "rate, 95% Wilson interval"
set xtics norotate autofreq
set xrange [0:500]
set logscale y
set yrange [0.005:5]
set xlabel "iteration t"
set ylabel "Tr(H_t Σ_t)"
set key bottom left font ",7" samplen 1 spacing 0.9
plot for [d=1:6] f index d u 3:7 w l lt d+1 lw 0.6 title (d==1?"GLD const":d==2?"GLD diag":d==3?"GLD leading":d==4?"GLD Hessian":d==5?"GLD 1st eigvec(H)":"SGD")
unset multiplot
