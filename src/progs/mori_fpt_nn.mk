# MORI-FPT-NN: first-passage times of SGD on a one-hidden-layer network (fig-25).
FIGS += 25
FIGDATA_25 := mori_fpt_nn
FIGCLAIMS_25 := MORI-FPT-NN
FIGTITLE_25 := mean first-passage time vs C, one-hidden-layer network, with h* and n from the Gauss-Newton spectrum
FIGSECTION_25 := report/mori-60-fpt-nn.tex
TESTARGS_mori_fpt_nn := --N 200 --pre-iters 200 --reps 10 --tcap 5 --tfit 0 --Clo 1.01 --Cmax 1.5 --neig 5 --boot 50 --eta-h 1,1.5,1.9
SHARDABLE += mori_fpt_nn
