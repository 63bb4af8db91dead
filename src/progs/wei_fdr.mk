# WEI-ALIGN and WEI-FDR: H-C cosine similarity and the fluctuation-dissipation criterion (fig-20).
FIGS += 20
FIGDATA_20 := wei_align wei_fdr
FIGCLAIMS_20 := WEI-ALIGN WEI-FDR
FIGTITLE_20 := Cosine similarity of Hessian and noise covariance along training; fluctuation-dissipation criterion, raw space vs top-1 eigenspace
FIGSECTION_20 := report/wei-60-align-fdr.tex
TESTARGS_wei_fdr := --ntrain 64 --nsub 16 --batch 8 --epochs 2 --seeds 2 --lanczos 4 --blocks 2
SHARDABLE += wei_fdr
