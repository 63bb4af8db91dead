# CROSS at a network minimum: short-time loss increase of SGD from an MLP's GD minimum (fig-27).
TESTARGS_cross_net := --n 40 --width 4 --gd-iters 20 --reps 10
SHARDABLE += cross_net
