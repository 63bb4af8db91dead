# ZHU-TOY: the 2-D toy, escape of the compared dynamics (fig-3, fig-4).
FIGS += 3 4
FIGDATA_3 := zhu_toy
FIGCLAIMS_3 := ZHU-TOY
FIGTITLE_3 := 2-D toy: loss contours and one trajectory of each dynamic
FIGSECTION_3 := report/zhu-30-toy.tex
FIGDATA_4 := zhu_toy
FIGCLAIMS_4 := ZHU-TOY
FIGTITLE_4 := 2-D toy: escape success rates with 95% intervals; Tr(H_t Sigma_t) along one run
FIGSECTION_4 := report/zhu-30-toy.tex
TESTARGS_zhu_toy := --runs 20 --iters 50
SHARDABLE += zhu_toy
