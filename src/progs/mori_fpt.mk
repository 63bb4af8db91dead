# MORI-FPT-LR: first-passage times of linear-regression SGD (fig-24).
FIGS += 24
FIGDATA_24 := mori_fpt
FIGCLAIMS_24 := MORI-FPT-LR
FIGTITLE_24 := mean first-passage time vs C = L(theta_s)/L(theta*), linear regression, several d
FIGSECTION_24 := report/mori-20-fpt.tex
TESTARGS_mori_fpt := --N 200 --reps 10 --ds 2,3 --tcap 30 --Clo 1.05 --Cmax 3 --grid 400 --boot 50
