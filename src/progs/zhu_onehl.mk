# ZHU-1HL, ZHU-P2: one-hidden-layer nets, ICML and ICLR variants (fig-5).
FIGS += 5
FIGDATA_5 := zhu_onehl
FIGCLAIMS_5 := ZHU-1HL ZHU-P2
FIGTITLE_5 := one hidden layer: Tr(H Sigma) and Tr(H Sigma-bar) along training, ICML and ICLR widths
FIGSECTION_5 := report/zhu-40-onehl.tex
TESTARGS_zhu_onehl := --npoints 40 --iters 10 --ncheck 3 --seeds 1
SHARDABLE += zhu_onehl
