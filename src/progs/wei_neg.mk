# WEI-NEG: sum of the negative Hessian eigenvalues vs the training loss (fig-18).
FIGS += 18
FIGDATA_18 := wei_neg
FIGCLAIMS_18 := WEI-NEG
FIGTITLE_18 := One hidden layer: sum of the negative Hessian eigenvalues vs training loss after SGD at several batch sizes and learning rates
FIGSECTION_18 := report/wei-40-neg.tex
TESTARGS_wei_neg := --ntrain 50 --hidden 3 --gd-iters 20 --steps 20 --reps 2 --batches 5,25 --lrs 0.01,0.1
SHARDABLE += wei_neg
