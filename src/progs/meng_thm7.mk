# MENG-T7: Theorem 7, escape time of a 2-D well vs the 1-D well (plotted in fig-11, see meng_escape.mk).
TESTARGS_meng_thm7 := --reps 4 --grid 60 --heights 0.5,0.7,1
SHARDABLE += meng_thm7
