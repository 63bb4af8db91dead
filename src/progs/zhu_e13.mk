# ZHU-E13: exact-in-law OU escaping efficiency (fig-1).
FIGS += 1
FIGDATA_1 := zhu_e13
FIGCLAIMS_1 := ZHU-E13
FIGTITLE_1 := OU escaping efficiency: Monte Carlo E[L_t] vs Eq. 13, five covariances of equal trace
FIGSECTION_1 := report/zhu-10-e13.tex
# tiny arguments for the program tests (determinism across thread counts)
TESTARGS_zhu_e13 := --reps 300 --ntimes 4
SHARDABLE += zhu_e13
