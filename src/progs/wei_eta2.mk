# WEI-ETA2: Hessian-trace change vs eta^2 on the 4-D toy (fig-15).
FIGS += 15
FIGDATA_15 := wei_eta2
FIGCLAIMS_15 := WEI-ETA2
FIGTITLE_15 := Toy model: Hessian-trace change over 1000 iterations vs eta, Theorem 1 and the discrete iteration
FIGSECTION_15 := report/wei-10-eta2.tex
TESTARGS_wei_eta2 := --reps 10 --neta 4 --equil 20 --window 20
SHARDABLE += wei_eta2
