# MENG-T8: Theorem 8 KL bound vs numerical KL (no figure).
TESTARGS_meng_kl := --kappa 3,10 --tau 0.3,3
