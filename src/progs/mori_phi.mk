# MORI-PHI: stationary exponent of linear-regression SGD (fig-23).
FIGS += 23
FIGDATA_23 := mori_phi
FIGCLAIMS_23 := MORI-PHI
FIGTITLE_23 := exponent phi of P(theta) ~ L^-phi vs B, three eta: measured, paper, exact-noise SDE
FIGSECTION_23 := report/mori-10-phi.tex
TESTARGS_mori_phi := --N 300 --samples 40 --reps 4 --thin 5 --Bs 1,3 --grid 2000 --dens-samples 40000
