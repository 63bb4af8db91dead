# MORI-RATE and MORI-NC: escape rate vs barrier ratio (1-D SDE and true minibatch SGD), critical
# effective dimension (linear-regression SGD) (fig-26).
FIGS += 26
FIGDATA_26 := mori_rate mori_nc
FIGCLAIMS_26 := MORI-RATE MORI-NC
FIGTITLE_26 := escape rate vs barrier ratio (SGD-noise SDE vs Langevin; true SGD vs Eq. 15); Lyapunov exponent vs effective dimension
FIGSECTION_26 := report/mori-30-rate.tex
TESTARGS_mori_rate := --reps 20 --lreps 10 --Cs 1.5,2 --dt 0.01 --grid 2000 --sgd-reps 20 --sgd-N 400 --sgd-Cs 1.1,1.2 --chain-M 64
SHARDABLE += mori_rate
