# WEI-TRDET: trace and determinant under SGD-like, isotropic and Theorem 2 noise (fig-16).
FIGS += 16
FIGDATA_16 := wei_trdet
FIGCLAIMS_16 := WEI-TRDET
FIGTITLE_16 := Toy model: Hessian trace and determinant under SGD-like vs isotropic noise, and Theorem 2 with f = sum of squares
FIGSECTION_16 := report/wei-20-trdet.tex
TESTARGS_wei_trdet := --reps 4 --steps 60 --equil 10 --every 20
SHARDABLE += wei_trdet
