# MENG-T2, MENG-C3, MENG-T4: PLD stationary densities and tail-index fits (fig-10).
FIGS += 10
FIGDATA_10 := meng_tails
FIGCLAIMS_10 := MENG-T2 MENG-C3 MENG-T4
FIGTITLE_10 := stationary densities of the power-law dynamic and tail-index fits
FIGSECTION_10 := report/meng-10-tails.tex
TESTARGS_meng_tails := --samples 300 --samples-d 200 --grid 60 --relax 2
SHARDABLE += meng_tails
