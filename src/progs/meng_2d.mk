# MENG-F4: 2-D model, escape success rate vs lambda1, sharp and 0.9-scaled loss (fig-12).
FIGS += 12
FIGDATA_12 := meng_2d
FIGCLAIMS_12 := MENG-F4
FIGTITLE_12 := 2-D model: escape success rate vs lambda1, sharp and 0.9-scaled loss
FIGSECTION_12 := report/meng-40-twod.tex
TESTARGS_meng_2d := --runs 6 --steps 20 --ndata 10 --lambda1 0,32,36
SHARDABLE += meng_2d
