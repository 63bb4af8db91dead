# fig-6 — ZHU-FM-SPEC: left, the top Hessian eigenvalues at θ*_GD relative
# to λ1 (Lanczos on exact HVPs; the paper: λ140 ≈ 1 % of λ1 on 1,200
# images) with the Lanczos residual, and the test: 1 % ± half a decade at
# k = round(140 n/1200), the paper's index at this training-set size; middle, the projection coefficient
# â = u1ᵀΣu1·TrH/(λ1TrΣ) along SGD from θ*_GD against the isotropic 1/D;
# right, Tr(H_tΣ_t) against Tr(H_tΣ̄_t), Σ̄ = (TrΣ/D) I.  Mean over the
# SGD runs with ±1 SE bands (over runs).
figheight = 2.5
load "figures/style.gp"
f = datadir."/zhu_fm_gd.tsv"
s = datadir."/zhu_fm_sgd.tsv"
val(k) = system("awk -F'\t' '$1==\"".k."\"{print $2}' ".datadir."/zhu_fm_gd.vals.tsv")
D = val("D")+0
K = val("k-spec")+0
set style fill transparent solid 0.2 noborder
set multiplot layout 1,3
set xlabel "index k"
set logscale y
set format y "10^{%L}"
set ylabel "λ_k / λ_1 at θ*_{GD}"
set yrange [1e-5:1.5]
set key bottom left font ",8"
plot f u 1:($4 > 0 ? $4 : 1/0) w p lt 1 pt 7 ps 0.25 title "λ_k/λ_1", \
     f u 1:(abs($3*$4/$2)) w l lt 2 title "residual / λ_1", \
     0.01 w l lc rgb "#777777" dt 3 title "1 % (paper: k = 140, n = 1,200)", \
     '+' u (K):(0.01):(10**-2.5):(10**-1.5) every ::0::0 w yerrorbars lc rgb "#000000" pt 6 ps 0.8 \
         title sprintf("test: k = %d, ± ½ decade", K)
set yrange [*:*]
set logscale x
set autoscale xfix
set xlabel "SGD iteration t + 1"
set ylabel "projection coefficient"
lo(m, e) = m - e > 0 ? m - e : m / 10
# column 18/19: ahat, ahat_se; 34/35: log10(ahat D)
plot s u ($1+1):(lo($18,$19)):($18+$19) w filledcurves lc rgb "#D55E00" notitle, \
     s u ($1+1):18 w lp pt 7 ps 0.3 lc rgb "#D55E00" title "â (SGD)", \
     1.0/D w l lc rgb "#777777" dt 3 title "1/D (isotropic)"
set ylabel "trace"
set key bottom left font ",8"
plot s u ($1+1):(lo($20,$21)):($20+$21) w filledcurves lc rgb "#D55E00" notitle, \
     s u ($1+1):20 w lp pt 7 ps 0.3 lc rgb "#D55E00" title "Tr(H_tΣ_t)", \
     s u ($1+1):(lo($22,$23)):($22+$23) w filledcurves lc rgb "#0072B2" notitle, \
     s u ($1+1):22 w lp pt 5 ps 0.3 lc rgb "#0072B2" title "Tr(H_t Σ̄_t)"
unset multiplot
