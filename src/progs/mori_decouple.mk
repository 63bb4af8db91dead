# MORI-DECOUPLE: eigenvalues of the exact vs the decoupled matrix (fig-22).
FIGS += 22
FIGDATA_22 := mori_decouple
FIGCLAIMS_22 := MORI-DECOUPLE
FIGTITLE_22 := eigenvalue distributions: exact vs decoupled matrix, binary Fashion-MNIST, three epochs
FIGSECTION_22 := report/mori-50-decouple.tex
TESTARGS_mori_decouple := --N 120 --width 8 --epochs 0,1,3 --seeds 2
SHARDABLE += mori_decouple
