# MENG-F9: GD vs GLD vs PLD from ZHU-FM's theta*_GD on corrupted Fashion-MNIST (fig-14).
FIGS += 14
FIGDATA_14 := meng_f9
FIGCLAIMS_14 := MENG-F9
FIGTITLE_14 := corrupted Fashion-MNIST: test accuracy and expected sharpness of GD, GLD and PLD from theta*_GD
FIGSECTION_14 := report/meng-70-f9.tex
# theta*_GD and the training set's parameters come from zhu_fm_gd
ARGS_meng_f9 := --theta $(D)/zhu_fm_gd.theta
NEEDS_meng_f9 := zhu_fm_gd
TESTARGS_meng_f9 := --iters 4 --log-every 2 --sharp-every 2 --sharp-draws 2 --sharp-final 2 --ntest 50
SHARDABLE += meng_f9
