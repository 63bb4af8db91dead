# fig-4 — ZHU-TOY: left, escape success rate of each dynamic over many runs
# with 95 % Wilson intervals; right, the same rates against each dynamic's
# indicator at the start, Tr(H_0 Σ_0), every noise at E|ε|² = 0.01.
textscale = 0.8
load "figures/style.gp"
r = datadir."/zhu_toy-rates.tsv"
runs = system("awk -F'\t' '$1==\"runs\"{print $2}' ".datadir."/zhu_toy.vals.tsv")
set multiplot layout 1,2
set xrange [-0.6:6.6]
set yrange [0:0.5]
set ylabel "success rate (".runs." runs)"
set xtics rotate by 35 right ("GD" 0, "GLD const" 1, "GLD diag" 2, "GLD leading" 3, "GLD Hessian" 4, "GLD 1st eigvec(H)" 5, "SGD" 6)
unset key
plot r u 1:5:6:7 w yerrorbars lt 1 pt 7 notitle
set xtics norotate autofreq
# right: the rate against the paper's indicator at the start, Tr(H_0 Σ_0),
# one labelled point per dynamic (GD, with no noise, sits at 0)
set xrange [-0.1:2.6]
set yrange [-0.02:0.5]
set xlabel "indicator at the start, Tr(H_0 Σ_0)"
set ylabel "success rate"
set ylabel font ",10"
unset key
plot r u 8:5:6:7 w yerrorbars lt 1 pt 7 notitle, \
     r u ($1 == 3 || $1 == 2 || $1 == 5 ? 1/0 : $8):5:2 w labels left offset 0.8,0 font ",9" notitle, \
     r u ($1 == 3 || $1 == 5 ? $8 : 1/0):5:2 w labels right offset -0.8,0 font ",9" notitle, \
     r u ($1 == 2 ? $8 : 1/0):5:2 w labels center offset 0,1 font ",9" notitle
unset multiplot
