# WEI-PATH: the Hessian trace along the projected SGD path of a small CNN (fig-19).
FIGS += 19
FIGDATA_19 := wei_path
FIGCLAIMS_19 := WEI-PATH
FIGTITLE_19 := Small CNN: training loss and Hessian trace along the projected SGD path, 10 initialisations
FIGSECTION_19 := report/wei-50-path.tex
TESTARGS_wei_path := --ntrain 60 --ntest 20 --inits 2 --epochs 4 --early 1 --batch 20 --probes 2 --maxgd 30
SHARDABLE += wei_path
