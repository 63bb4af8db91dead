# ZHU-AB: the model of Proposition 2 is not convex (no figure).
TESTARGS_zhu_ab := --pairs 1000 --grid 21
