# fig-15 — WEI-ETA2: trace change over the measurement window against η.
# Left: −⟨ΔT⟩ on log-log axes with Theorem 1 (slope 2) and the discrete
# iteration's prediction; right: ⟨ΔT⟩/(cη²·window), whose η → 0 limit is
# Theorem 1's constant −13 and whose slope is the O(η³) correction.
load "figures/style.gp"
f = datadir."/wei_eta2.tsv"
v = datadir."/wei_eta2.vals.tsv"
val(k) = real(system("awk -F'\t' '$1==\"".k."\"{print $2}' ".v))
a = val("a"); b = val("b")
equil = int(val("equil")); window = int(val("window"))
set multiplot layout 1,2
set logscale xy
set xrange [0.008:0.13]
set xlabel "learning rate η"
set ylabel sprintf("−⟨T_{%d} − T_{%d}⟩", equil + window, equil)
set format y "10^{%L}"
set key top left
plot f u 1:(-$3):(1.96*$4) w yerrorbars lt 1 title "measured (95 % CI)", \
     f u 1:(-$5) w l lt 7 dt 2 title sprintf("Theorem 1: 13 c η^2 · %d", window), \
     f u 1:(-$6) w l lt 2 title "discrete iteration"
unset logscale
set format y "%g"
set xlabel "learning rate η"
set ylabel sprintf("⟨ΔT⟩ / (c η^2 · %d)", window)
set key bottom left
set xrange [0:0.105]
plot f u 1:7:(1.96*$8) w yerrorbars lt 1 title "measured (95 % CI)", \
     -13 w l lt 7 dt 2 title "Theorem 1: −13", \
     f u 1:9 w l lt 2 title "discrete iteration", \
     a + b*x w l lt 3 dt 4 title sprintf("line fit: %.2f %+.1f η", a, b)
unset multiplot
