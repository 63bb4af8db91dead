# fig-5 — ZHU-1HL: the ratio the claim is about, Tr(HΣ)/Tr(HΣ̄) with
# Σ̄ = (TrΣ/D)I, along full-batch Adam training of one-hidden-layer nets of
# three widths; left ICML variant (clipped output, mean-square loss), right
# ICLR variant (cross-entropy).  The dotted line at 1 is isotropic noise.
# Exact values from the Jacobian Gram matrix, seed 0.
figheight = 2.9
textscale = 0.8
load "figures/style.gp"
f = datadir."/zhu_onehl.tsv"
set multiplot layout 1,2
set logscale y
set format y "10^{%L}"
set yrange [0.3:1e8]
set ytics 1,100,1e8
set label 1 "isotropic noise: 1" at graph 0.98, first 2.8 right font ",9" tc rgb "#555555"
set xlabel "Adam iteration"
set ylabel "Tr(HΣ) / Tr(HΣ_{iso})"
set key top left Left reverse nobox font ",9" samplen 1.5 maxrows 4
set title "ICML: φ-clipped MSE, δ = 0.001" font ",10"
plot for [b=0:2] f index b u 4:12 w lp lt b+1 lw 0.8 title sprintf("width m = %d (D = %d)", b==0?32:b==1?128:512, 3*(b==0?32:b==1?128:512)), \
     1 w l lc rgb "#777777" dt 3 notitle
set title "ICLR: cross-entropy" font ",10"
plot for [b=3:5] f index b u 4:12 w lp lt b-2 lw 0.8 title sprintf("width m = %d (D = %d)", b==3?20:b==4?200:2000, 3*(b==3?20:b==4?200:2000)), \
     1 w l lc rgb "#777777" dt 3 notitle
unset multiplot
