# CROSS: the four theories and Kramers side by side against true minibatch SGD (fig-27).
FIGS += 27
FIGDATA_27 := cross_scoreboard cross_net
FIGCLAIMS_27 := CROSS
FIGTITLE_27 := Scoreboard: log error of each theory's escape time, short-time loss increase and trace drift
FIGSECTION_27 := report/cross-20-scoreboard.tex
TESTARGS_cross_scoreboard := --reps 10 --short-reps 50 --valley-reps 20 --N 400 --M 32 --grid 400
SHARDABLE += cross_scoreboard
