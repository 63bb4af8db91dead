# WEI-ENTROPIC: GD vs noisy GD on the tilted valley of App. A.6 (fig-17).
FIGS += 17
FIGDATA_17 := wei_entropic
FIGCLAIMS_17 := WEI-ENTROPIC
FIGTITLE_17 := Toy model of App. A.6: GD runs down the tilted valley, noisy GD settles at <theta2> = -2 alpha/eta
FIGSECTION_17 := report/wei-30-entropic.tex
TESTARGS_wei_entropic := --chains 4 --burn 100 --meas 200 --every 50 --gdsteps 200
SHARDABLE += wei_entropic
