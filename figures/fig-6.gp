# fig-6 — ZHU-FM-SPEC: the top Hessian eigenvalues at θ*_GD (left), and
# their ratio to λ1 on a log scale with the Lanczos residual bound (right).
# The projection coefficient â and Tr(HΣ) vs Tr(HΣ̄) panels of the paper's
# Fig. 5 are future work (they need SGD from θ*_GD).
load "figures/style.gp"
f = datadir."/zhu_fm_gd.tsv"
set multiplot layout 1,2
set xlabel "index k"
set ylabel "Hessian eigenvalue λ_k at θ*_{GD}"
set key top right
plot f u 1:2 w p lt 1 pt 7 ps 0.3 title "Lanczos (exact HVPs)"
set logscale y
set format y "10^{%L}"
set ylabel "λ_k / λ_1"
set yrange [1e-4:1.5]
plot f u 1:($4 > 0 ? $4 : 1/0) w p lt 1 pt 7 ps 0.3 title "λ_k/λ_1", \
     f u 1:(abs($3*$4/$2)) w l lt 2 title "Lanczos residual / λ_1", \
     0.01 w l lc rgb "#777777" dt 3 title "1 % (paper, k ≈ 140)"
unset multiplot
