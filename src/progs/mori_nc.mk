# MORI-NC: critical effective dimension (data plotted in fig-26, registered by mori_rate.mk).
TESTARGS_mori_nc := --N 300 --reps 4 --K 300
SHARDABLE += mori_nc
