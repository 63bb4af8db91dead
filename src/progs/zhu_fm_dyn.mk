# ZHU-FM-DYN: the eight dynamics from theta*_GD (fig-7; its first 50
# iterations are fig-8, right).  Reads zhu_fm_gd's theta*_GD: never retrains.
FIGS += 7
FIGDATA_7 := zhu_fm_dyn
FIGCLAIMS_7 := ZHU-FM-DYN
FIGTITLE_7 := Fashion-MNIST: train/test accuracy and expected sharpness of the eight dynamics from theta*_GD
FIGSECTION_7 := report/zhu-60-fm-dyn.tex
ARGS_zhu_fm_dyn := --theta $(D)/zhu_fm_gd.theta
NEEDS_zhu_fm_dyn := zhu_fm_gd
TESTARGS_zhu_fm_dyn := --ntrain 60 --ncorrupt 10 --ntest 100 --iters 4 --seeds 2 --refresh 2 --k-leading 3 --k-hessian 3 --lanczos-steps 6 --early 2 --log-every 2 --early-test-every 1 --test-every 2 --sharp-every 2 --pairs 2
# shardable: its work items are the runs (dynamic, seed), 7·seeds + 1
SHARDABLE += zhu_fm_dyn
