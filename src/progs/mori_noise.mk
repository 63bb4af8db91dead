# MORI-NOISE: SGD noise strength vs loss during training (fig-21).
FIGS += 21
FIGDATA_21 := mori_noise
FIGCLAIMS_21 := MORI-NOISE
FIGTITLE_21 := SGD noise strength vs loss during training: MLP and CNN (MSE), MLP (cross-entropy)
FIGSECTION_21 := report/mori-40-noise.tex
TESTARGS_mori_noise := --ntrain 100 --cnn-ntrain 100 --width 8 --epochs 8 --cnn-epochs 8 --c1 2 --c2 2 --c3 2 --ncheck 10 --late 0.01 --seeds 2
SHARDABLE += mori_noise
