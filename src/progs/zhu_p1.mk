# ZHU-P1: Proposition 1, its bound and its growth rate in D (fig-2).
FIGS += 2
FIGDATA_2 := zhu_p1
FIGCLAIMS_2 := ZHU-P1
FIGTITLE_2 := Tr(HΣ)/Tr(HΣ_iso) vs D for several d, with the proposition's bound
FIGSECTION_2 := report/zhu-20-p1.tex
TESTARGS_zhu_p1 := --instances 20 --reps 5 --dhi 9 --fitfrom 6
SHARDABLE += zhu_p1
