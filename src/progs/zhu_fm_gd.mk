# ZHU-FM, first step: GD to theta*_GD, Hessian spectrum there (fig-6, left
# panel; the middle and right panels come from zhu_fm_sgd).
FIGS += 6
FIGDATA_6 := zhu_fm_gd zhu_fm_sgd
FIGCLAIMS_6 := ZHU-FM-SPEC
FIGTITLE_6 := Fashion-MNIST: Hessian spectrum at theta*_GD, projection coefficient and Tr(H Sigma) vs Tr(H Sigmabar) along SGD
FIGSECTION_6 := report/zhu-50-fm-spec.tex
# tiny arguments for the program tests (determinism across thread counts)
TESTARGS_zhu_fm_gd := --ntrain 60 --ncorrupt 10 --ntest 200 --iters 5 --neig 5 --lanczos-steps 10
