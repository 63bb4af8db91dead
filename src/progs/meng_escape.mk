# MENG-L6: mean escape time vs barrier height, PLD vs GLD vs SGD (fig-11, with MENG-T7 from meng_thm7).
FIGS += 11
FIGDATA_11 := meng_escape meng_thm7
FIGCLAIMS_11 := MENG-L6 MENG-T7
FIGTITLE_11 := mean escape time vs barrier height: power-law dynamic vs Langevin vs SGD, and Theorem 7 in 2-D
FIGSECTION_11 := report/meng-20-escape.tex
TESTARGS_meng_escape := --reps 4 --reps-pld 4 --grid 60 --pld 0.5,0.6,0.7,0.8,0.9,1 --gld 0.5,0.6,0.7,0.8,0.9,1 --sgd 0.5 --sgd-max 100
SHARDABLE += meng_escape
