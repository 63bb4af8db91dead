# MORI-FPT-LR: first-passage times of linear-regression SGD (fig-24).
FIGS += 24
FIGDATA_24 := mori_fpt
FIGCLAIMS_24 := MORI-FPT-LR
FIGTITLE_24 := mean first-passage time vs C = L(theta_s)/L(theta*), linear regression, several d
FIGSECTION_24 := report/mori-20-fpt.tex
TESTARGS_mori_fpt := --N 400 --reps 10 --ds 17 --tcap 300 --Clo 1.2 --Cmax 30 --grid 400 --boot 50 --chain-M 100 --bulk 5
SHARDABLE += mori_fpt
