/* nn.h — small neural networks with exact first and second derivatives.
 *
 * A network is a sequence of layers on images stored channels-last
 * (NHWC: x[(y*W + x)*C + c] for one image, images contiguous).  All trained
 * parameters form one flat vector θ of length D; a layer owns the slice
 * θ[woff .. woff+nw) (weights, row-major out × in, a convolution's kernel
 * as Cout × (ky, kx, Cin)) followed by θ[boff .. boff+nb) (biases).
 *
 * A convolution is im2col + dgemm, image by image so that the im2col
 * matrix stays in cache (a one-channel convolution uses the transposed
 * layout, whose GEMM has the output positions as its long side); a dense
 * layer is one dgemm over a chunk.  Derivatives are exact:
 *   gradient          reverse mode (backpropagation),
 *   Hessian × v       forward-over-reverse (Pearlmutter's R-operator):
 *                     R{·} = d/dr (·)(θ + r v) at r = 0 is propagated
 *                     forward through the net and then back through the
 *                     backward pass, giving R{∇L} = H v exactly,
 *   Gauss–Newton × v  Jᵀ H_ℓ J v, the Hessian without its second-order
 *                     terms in the network (the "NTK" part),
 *   per-sample ∇ℓ_i   for the SGD noise covariance,
 *   per-sample ∇f_i   the Jacobian of the outputs (nn_jacobian).
 * The loss is L(θ) = (1/n) Σ_i ℓ(f(x_i; θ), y_i).
 *
 * The engine's files (src/nn_*.c): nn_build (nets), nn_conv (convolution
 * kernels and layouts), nn_layers (each layer's forward, R-forward,
 * backward, R-backward), nn_loss, nn_eval (the stages of a chunk and these
 * entry points), nn_tools (dense Hessian, expected sharpness), nn_profile.
 *
 * Evaluation splits the n samples into fixed chunks (NN_CHUNK images);
 * chunks may run on different OpenMP threads, and their results are added
 * in chunk order, so every result is bitwise independent of the number of
 * threads.  Per-sample gradients, which are not summed, use chunks of
 * NN_CHUNK/4 so that a minibatch of NN_CHUNK keeps several threads busy.
 */
#ifndef SGDN_NN_H
#define SGDN_NN_H

#include <stddef.h>
#include <stdint.h>

#define NN_MAX_LAYERS 16
#define NN_CHUNK 100

typedef enum { NN_DENSE, NN_CONV, NN_MAXPOOL, NN_RELU, NN_CLIP } nn_kind;

typedef enum {
    NN_LOSS_CE,  /* ℓ = logsumexp(f) − Σ_k t_k f_k, t = (1−ε) e_y + ε/C (ε = smoothing) */
    NN_LOSS_MSE, /* ℓ = ½ Σ_k (f_k − t_k)², t = e_y; a single output has t = y */
    NN_LOSS_LOGISTIC /* one output, y ∈ {0, 1}: the cross-entropy of sigmoid(f),
                      * ℓ = log(1 + e^f) − y f = log(1 + e^{−y'f}) with y' = 2y − 1;
                      * ∂ℓ/∂f = σ(f) − y, ∂²ℓ/∂f² = σ(f) σ(−f) */
} nn_loss_kind;

typedef struct {
    nn_kind kind;
    int ih, iw, ic;      /* input shape (a dense layer's input is 1 × 1 × fan-in) */
    int oh, ow, oc;      /* output shape */
    int k, pad;          /* kernel or pool side; zero padding of a convolution */
    size_t in_size, out_size; /* per image */
    size_t woff, nw, boff, nb; /* slices of θ (nw = nb = 0 without parameters) */
    const double *fixed; /* a dense layer with fixed weights (out × in, no bias), or NULL */
    double lo, hi;       /* NN_CLIP: output clipped to [lo, hi] */
} nn_layer;

typedef struct {
    int nl;
    nn_layer l[NN_MAX_LAYERS];
    size_t D;            /* trained parameters */
    int side, chans;     /* input image side and channels */
    size_t in_size;      /* inputs per image */
    int nout;            /* outputs (classes) */
    nn_loss_kind loss;
    double smoothing;    /* label smoothing ε of NN_LOSS_CE */
} nn_net;

/* --- building a network ---------------------------------------------- */
/* An empty net on side × side × chans inputs (a vector input: side 1). */
void nn_init(nn_net *net, int side, int chans);
void nn_add_conv(nn_net *net, int k, int cout, int pad);
void nn_add_maxpool(nn_net *net, int k);  /* k × k windows, stride k (floor) */
void nn_add_relu(nn_net *net);
void nn_add_dense(nn_net *net, int out);
/* A dense layer whose weights W (out × in, row-major, kept by the caller)
 * are not trained; no bias. */
void nn_add_dense_fixed(nn_net *net, int out, const double *W);
void nn_add_clip(nn_net *net, double lo, double hi);
/* Finish: set the loss, count the outputs (NN_LOSS_LOGISTIC needs one). */
void nn_set_loss(nn_net *net, nn_loss_kind loss, double smoothing);
/* A single-output net's loss ℓ(f, y) of one sample with output f, and its
 * derivatives ∂ℓ/∂f into d1 and ∂²ℓ/∂f² into d2 (each if non-NULL): with
 * the per-sample Jacobian J_i = ∇θ f_i, ∇ℓ_i = d1 J_i and the Gauss–Newton
 * matrix is (1/n) Σ_i d2_i J_i J_iᵀ. */
double nn_loss_scalar(const nn_net *net, double f, int y, double *d1, double *d2);

/* The networks of the papers.  ZHU's CNN (ICML App. D.3): conv 5×5×10 →
 * maxpool 2 → ReLU → conv 5×5×10 → maxpool 2 → ReLU → fc 160→50 → ReLU →
 * fc 50→10, no padding, cross-entropy: D = 11,330. */
void nn_zhu_cnn(nn_net *net);
/* LeNet-5 on 28×28: conv 5×5×6 (pad 2) → ReLU → maxpool 2 → conv 5×5×16 →
 * ReLU → maxpool 2 → fc 400→120 → ReLU → fc 120→84 → ReLU → fc 84→10. */
void nn_lenet5(nn_net *net);
/* Three 3×3 convolutions with c1, c2, c3 channels (WEI: 15, 20, 10) and
 * zero padding pad, each followed by ReLU, the first two by maxpool 2, then
 * fc → 10; cross-entropy without smoothing (nn_set_loss may change it). */
void nn_cnn3(nn_net *net, int side, int pad, int c1, int c2, int c3);
/* A fully connected ReLU net on d inputs with hidden widths w[0..nh) and
 * nout outputs. */
void nn_mlp(nn_net *net, int d, int nh, const int *w, int nout);

/* Glorot-uniform weights U(−a, a), a = √(6/(fan_in + fan_out)) (a
 * convolution's fans are k²·Cin and k²·Cout), zero biases; from the
 * stream (seed, stream). */
void nn_init_params(const nn_net *net, double *theta, uint64_t seed, uint64_t stream);

/* --- evaluation -------------------------------------------------------- */
typedef struct nn_eval nn_eval;

/* Workspaces for one thread per OpenMP thread; free with nn_eval_free.
 * Threads: an nn_eval serves one caller at a time, and its calls run their
 * chunks on the OpenMP threads.  Inside a parallel region (say OpenMP
 * across seeds) give every thread its own nn_eval, made inside the region
 * or outside: its calls then run their chunks serially on the calling
 * thread, with bitwise the same results. */
nn_eval *nn_eval_new(const nn_net *net);
void nn_eval_free(nn_eval *e);

/* A data set view: n samples x[i*in_size ..], labels y[i]; idx (NULL for
 * 0..n−1) selects samples idx[0..n) of it, e.g. a minibatch. */
typedef struct {
    const double *x;
    const int *y;
    const size_t *idx;
    int n;
} nn_data;

/* L(θ) and, if grad is non-NULL, ∇L(θ).  *correct (if non-NULL) gets the
 * number of samples classified right. */
double nn_loss_grad(nn_eval *e, const double *theta, nn_data d, double *grad, long *correct);
/* H v = ∇²L(θ) v, exactly (R-operator). */
void nn_hvp(nn_eval *e, const double *theta, nn_data d, const double *v, double *Hv);
/* Many HVPs at one point (Lanczos, the dense Hessian): keep the forward
 * pass and the backward pass's δ at (θ, d), which do not depend on v; an
 * nn_hvp with equal θ values and the same d (same x, y, idx pointers and
 * n, whose contents must not change meanwhile) then runs only the
 * R-passes, about 1/3 less work, with bitwise the same result.  Memory:
 * two doubles per activation of every sample (≈ 170 kB per image for
 * ZHU's CNN).  A new prepare replaces the old; release frees it. */
void nn_hvp_prepare(nn_eval *e, const double *theta, nn_data d);
void nn_hvp_release(nn_eval *e);
/* G v = (1/n) Σ_i J_iᵀ ∇²_f ℓ_i J_i v: the Gauss–Newton (Fisher for
 * cross-entropy) product. */
void nn_gnvp(nn_eval *e, const double *theta, nn_data d, const double *v, double *Gv);
/* G[i*D ..] = ∇ℓ_i(θ) for each sample (n × D); loss_i (may be NULL) gets ℓ_i. */
void nn_grad_per_sample(nn_eval *e, const double *theta, nn_data d, double *G, double *loss_i);
/* F[i*nout + k] = f_k(x_i; θ), the network's outputs before the loss
 * (n × nout).  d.y may be NULL. */
void nn_forward(nn_eval *e, const double *theta, nn_data d, double *F);
/* J[(i*nout + k)*D ..] = ∇_θ f_k(x_i; θ): the per-sample Jacobian of the
 * outputs (n·nout × D), e.g. for the Gram matrix J Jᵀ (the empirical NTK) or,
 * for a single-output mean-square net, ∇f_i itself (whose per-sample loss
 * gradient is (f_i − y_i) ∇f_i).  One per-sample backward pass per output.
 * d.y may be NULL. */
void nn_jacobian(nn_eval *e, const double *theta, nn_data d, double *J);
/* The dense Hessian (D × D) by D exact Hessian-vector products. */
void nn_hessian_dense(nn_eval *e, const double *theta, nn_data d, double *H);
/* Expected sharpness (ZHU App. D.3, Eq. 88): (1/M) Σ_j L(θ + ν_j) − L(θ),
 * ν_j ~ N(0, δ² I) from the substreams (seed, stream, j); *se its standard
 * error. */
double nn_expected_sharpness(nn_eval *e, const double *theta, nn_data d, double delta, int M,
                             uint64_t seed, uint64_t stream, double *se);

/* For the benchmarks: the CPU seconds spent in each layer i < nl, forward
 * (fwd[i]) and backward (bwd[i]), by one full-batch gradient (v NULL) or
 * one Hessian-vector product in direction v, all chunks on one thread.
 * An HVP's forward includes the R-forward. */
void nn_profile(nn_eval *e, const double *theta, nn_data d, const double *v, double *fwd,
                double *bwd);

/* Floating-point operations of one forward (multiply–adds count 2) over n
 * samples, split into convolution and dense layers: for the benchmarks. */
void nn_flops_forward(const nn_net *net, double *conv, double *dense);

#endif
