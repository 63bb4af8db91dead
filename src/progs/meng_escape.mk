# MENG-L6, MENG-T7: mean escape time vs barrier height, PLD vs GLD vs SGD (fig-11).
FIGS += 11
FIGDATA_11 := meng_escape
FIGCLAIMS_11 := MENG-L6 MENG-T7
FIGTITLE_11 := mean escape time vs barrier height: power-law dynamic vs Langevin vs SGD, with theory
FIGSECTION_11 := report/meng-20-escape.tex
TESTARGS_meng_escape := --reps 4 --reps2 4 --grid 60 --pld 1,2 --gld 1,2 --sgd 1 --twod 1 --sgd-max 100
