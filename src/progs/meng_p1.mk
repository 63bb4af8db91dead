# MENG-P1: Tr C(w) along lines through a GD minimum of ZHU's CNN, quadratic fits (fig-9).
FIGS += 9
FIGDATA_9 := meng_p1
FIGCLAIMS_9 := MENG-P1
FIGTITLE_9 := CNN on Fashion-MNIST: trace of the gradient-noise covariance around a GD minimum, with quadratic fits
FIGSECTION_9 := report/meng-50-p1.tex
TESTARGS_meng_p1 := --ntrain 30 --iters 3 --points 3 --lanczos-steps 4
