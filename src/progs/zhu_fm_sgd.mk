# ZHU-FM-SPEC (fig-6 middle and right) and ZHU-FM-NOISE (fig-8 left): SGD
# from theta*_GD with the projection coefficient, Tr(H Sigma) and the noise
# and gradient norms along it.  Reads zhu_fm_gd's theta*_GD.
FIGS += 8
FIGDATA_8 := zhu_fm_sgd zhu_fm_dyn
FIGCLAIMS_8 := ZHU-FM-NOISE
FIGTITLE_8 := Fashion-MNIST: gradient-mean norm vs noise norm along SGD; first 50 iterations of the dynamics
FIGSECTION_8 := report/zhu-70-fm-noise.tex
ARGS_zhu_fm_sgd := --theta $(D)/zhu_fm_gd.theta
NEEDS_zhu_fm_sgd := zhu_fm_gd
TESTARGS_zhu_fm_sgd := --ntrain 60 --ncorrupt 10 --iters 20 --seeds 2 --probes 2 --lanczos-steps 4 --points 3 --norm-every 5
SHARDABLE += zhu_fm_sgd
