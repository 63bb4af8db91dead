# fig-18 — WEI-NEG: the sum of the negative Hessian eigenvalues against the
# excess training loss (over the smoothing floor L0) after SGD at several
# (batch, η) from a GD minimum, with the least-squares line and its ±2 SE
# band; right: the number of negative eigenvalues.
load "figures/style.gp"
f = datadir."/wei_neg.tsv"
v = datadir."/wei_neg.vals.tsv"
val(k) = real(system("awk -F'\t' '$1==\"".k."\"{print $2}' ".v))
a = val("a"); b = val("b"); sa = val("a-se"); sb = val("b-se")
set multiplot layout 1,2
set xlabel "training loss − L_0"
set ylabel "Σ_{λ<0} λ"
set key top right font ",8"
set xrange [0:*]
plot f u 5:($2 == 0 ? $6 : 1/0) w p lt 7 pt 5 ps 0.6 title "GD minimum", \
     f u 5:($2 > 0 && $2 <= 10 ? $6 : 1/0) w p lt 1 title "SGD, B ≤ 10", \
     f u 5:($2 > 10 && $2 < 100 ? $6 : 1/0) w p lt 2 title "SGD, 10 < B < 100", \
     f u 5:($2 >= 100 ? $6 : 1/0) w p lt 3 title "SGD, B ≥ 100", \
     a + b*x w l lt 7 title sprintf("fit: %.3g %+.3g x", a, b), \
     b*x w l lt 8 dt 2 title "through the origin, same slope"
set ylabel "number of negative eigenvalues"
set key off
plot f u 5:7 w p lt 1
unset multiplot
