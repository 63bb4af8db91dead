# fig-5 — ZHU-1HL: Tr(HΣ) (solid) and Tr(HΣ̄) (dashed), Σ̄ = (TrΣ/D)I, along
# full-batch Adam training of one-hidden-layer nets; left ICML variant
# (clipped output, mean-square loss), right ICLR variant (cross-entropy).
# Exact values from the Jacobian Gram matrix, seed 0.
load "figures/style.gp"
f = datadir."/zhu_onehl.tsv"
set multiplot layout 1,2
set logscale y
set format y "10^{%L}"
set xlabel "Adam iteration"
set ylabel "trace"
set key bottom left font ",7" samplen 1.5 spacing 0.9 maxrows 3 width -2
# room below the lowest curve for the key
set offsets 0, 0, 0, graph 0.3
set title "ICML: φ-clipped MSE, δ = 0.001" font ",9"
plot for [b=0:2] f index b u 4:10 w lp lt b+1 lw 0.8 title sprintf("m = %d: Tr(HΣ)", b==0?32:b==1?128:512), \
     for [b=0:2] f index b u 4:11 w lp lt b+1 dt 2 lw 0.8 title "Tr(HΣ_{iso})"
set title "ICLR: cross-entropy" font ",9"
plot for [b=3:5] f index b u 4:10 w lp lt b-2 lw 0.8 title sprintf("m = %d: Tr(HΣ)", b==3?20:b==4?200:2000), \
     for [b=3:5] f index b u 4:11 w lp lt b-2 dt 2 lw 0.8 title "Tr(HΣ_{iso})"
unset multiplot
