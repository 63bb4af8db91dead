# WEI-ALIGN (with WEI-FDR, fig-20): cosine similarity of Hessian and noise covariance.
TESTARGS_wei_align := --ntrain 64 --neval 8 --batch 16 --hidden 4 --steps 10 --points 3 --seeds 2
SHARDABLE += wei_align
