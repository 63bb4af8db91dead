# MENG-F3: LeNet-5 conv2 weights after SGD at three batch sizes, power-law kappa vs Gaussian fits (fig-13).
FIGS += 13
FIGDATA_13 := meng_f3
FIGCLAIMS_13 := MENG-F3
FIGTITLE_13 := LeNet-5 conv2 weights after SGD: power-law kappa vs Gaussian fits, Q-Q plots, kappa and the generalization gap vs batch size
FIGSECTION_13 := report/meng-60-f3.tex
TESTARGS_meng_f3 := --ntrain 200 --ntest 100 --steps 3 --seeds 2 --batches 8,32
SHARDABLE += meng_f3
