/* nn_impl.h — internals of the network engine shared by its files:
 *   nn_build.c   building nets, initial parameters, flop counts
 *   nn_conv.c    the convolution kernels and their im2col layouts
 *   nn_layers.c  each layer kind's forward, R-forward, backward, R-backward
 *   nn_loss.c    the losses, their gradients and Hessian products
 *   nn_eval.c    workspaces, the stages of one chunk, the entry points
 *   nn_tools.c   the dense Hessian, expected sharpness (from the entry points)
 *   nn_profile.c per-layer CPU time for the benchmarks
 *
 * Notation for one layer with input a, output z and, for a dense or
 * convolutional layer, z = A Wᵀ + b where A is the input (dense) or its
 * im2col matrix (convolution: one row per output position, one column per
 * kernel entry (ky, kx, ci)).  Backward: δ_A = δ_z W, ∇W = δ_zᵀ A,
 * ∇b = Σ_rows δ_z.  The R-operator in direction v (V, v_b the slices of v)
 * differentiates each of these once more:
 *   forward   R{z} = R{A} Wᵀ + A Vᵀ + v_b
 *   backward  R{δ_A} = R{δ_z} W + δ_z V,   R{∇W} = R{δ_z}ᵀ A + δ_zᵀ R{A},
 *             R{∇b} = Σ_rows R{δ_z};
 * ReLU, clipping and max-pooling are piecewise linear: their R-forward and
 * R-backward apply the same mask or the same argmax as the plain pass.
 * At the loss, R{∂ℓ/∂f} = ∇²_f ℓ · R{f}.
 */
#ifndef SGDN_NN_IMPL_H
#define SGDN_NN_IMPL_H

#include <stddef.h>
#include <cblas.h>

#include "nn.h"

/* The plain forward and backward pass of one chunk: what an HVP at a fixed
 * (θ, data) can reuse (nn_hvp_prepare keeps one per chunk). */
typedef struct {
    double *a[NN_MAX_LAYERS + 1]; /* activations, a[0] the input */
    double *d[NN_MAX_LAYERS + 1]; /* ∂/∂a[l] of s·Σ_b ℓ_b */
    int *arg[NN_MAX_LAYERS];      /* max-pool argmax, an index into a[l] */
} nn_state;

/* One thread's scratch.  Convolutions run one image at a time, so that
 * its im2col matrix (≤ 130 kB for the nets here) stays in the core's
 * cache: the GEMMs are then 2–4 times faster than on a whole chunk's
 * matrix, which streams from memory. */
typedef struct {
    nn_state st;                                           /* an uncached chunk */
    double *ra[NN_MAX_LAYERS + 1], *rd[NN_MAX_LAYERS + 1]; /* R{a}, R{d} */
    double *cols, *rcols, *dcols;                          /* one image's im2col */
    double *prof; /* NULL, or seconds per layer: forward [0, nl), backward [nl, 2 nl) */
} nn_ws;

struct nn_eval {
    const nn_net *net;
    int nws;
    nn_ws *ws;
    double *part;  /* per-chunk results, nparts × D */
    double *plos;  /* per-chunk losses */
    long *pcor;    /* per-chunk correct counts */
    int nparts;
    /* nn_hvp_prepare: θ, the data and one state per chunk */
    double *c_theta;
    nn_data c_d;
    int c_n;
    nn_state *c_st;
};

/* What a plain backward pass accumulates into the parameter slot g. */
typedef enum {
    NN_BK_GRAD,      /* the gradient, summed over the images */
    NN_BK_PERSAMPLE, /* one gradient per image: rows of stride D */
    NN_BK_DELTA      /* none: only the δ's */
} nn_bk_mode;

/* --- GEMM shapes of the linear layers (row-major) ----------------------- */
/* Z (M × N) = A (M × K) Wᵀ (W: N × K) [+ Z if beta = 1] */
static inline void nn_gemm_nt(int M, int N, int K, const double *A, const double *W, double beta,
                              double *Z)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0, A, K, W, K, beta, Z, N);
}
/* G (N × K) += δᵀ (δ: M × N) A (M × K) */
static inline void nn_gemm_tn(int M, int N, int K, const double *d, const double *A, double *G)
{
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, K, M, 1.0, d, N, A, K, 1.0, G, K);
}
/* X (M × K) = δ (M × N) W (N × K) [+ X if beta = 1] */
static inline void nn_gemm_nn(int M, int N, int K, const double *d, const double *W, double beta,
                              double *X)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, K, N, 1.0, d, N, W, K, beta, X, K);
}
/* Z (M × N) += b on every row; g (N) += the column sums of d (M × N). */
static inline void nn_add_bias(int M, int N, const double *restrict b, double *restrict Z)
{
    for (int i = 0; i < M; i++)
#pragma omp simd
        for (int j = 0; j < N; j++)
            Z[(size_t)i * N + j] += b[j];
}
static inline void nn_colsum_add(int M, int N, const double *restrict d, double *restrict g)
{
    for (int i = 0; i < M; i++)
#pragma omp simd
        for (int j = 0; j < N; j++)
            g[j] += d[(size_t)i * N + j];
}

/* The weights of a linear layer: from θ, or the fixed ones. */
static inline const double *nn_weights(const nn_layer *L, const double *theta)
{
    return L->fixed ? L->fixed : theta + L->woff;
}

/* --- nn_conv.c: one image at a time --------------------------------------
 * A convolution on one input channel (a CNN's first layer) uses the
 * transposed im2col layout, the others the plain one; these functions
 * pick the layout.  cols holds nn_conv_cols_size(L) doubles. */
size_t nn_conv_cols_size(const nn_layer *L);
/* z = x ⊛ W (+ z if beta = 1) for B images. */
void nn_conv_apply(const nn_layer *L, double *cols, int B, const double *x, const double *W,
                   double beta, double *z);
/* cols = one image's im2col in the layer's layout. */
void nn_conv_cols(const nn_layer *L, const double *xb, double *cols);
/* G (Cout × K) += δᵀ A for one image, A = its im2col (cols). */
void nn_conv_dw(const nn_layer *L, const double *db, const double *cols, double *G);
/* dcols = δ W (+ dcols if beta = 1), one image, in the layer's layout. */
void nn_conv_dcols(const nn_layer *L, const double *db, const double *W, double beta,
                   double *dcols);
/* dxb (one image) = the adjoint of im2col applied to dcols. */
void nn_conv_col2im(const nn_layer *L, const double *dcols, double *dxb);

/* --- nn_layers.c: layer i of the net on images [b0, b0 + B) of a chunk --- */
/* a[i+1] from a[i] (and st->arg[i] for a max-pool). */
void nn_layer_forward(const nn_layer *L, nn_ws *w, nn_state *st, int i, int b0, int B,
                      const double *theta);
/* w->ra[i+1] = R{a[i+1]} from R{a[i]} and the direction v. */
void nn_layer_rforward(const nn_layer *L, nn_ws *w, const nn_state *st, int i, int b0, int B,
                       const double *theta, const double *v);
/* d[i] from d[i+1] when need_dx; parameter derivatives into g by mode
 * (NN_BK_PERSAMPLE: g points at the chunk's first row, of stride D). */
void nn_layer_backward(const nn_layer *L, nn_ws *w, nn_state *st, int i, int b0, int B,
                       const double *theta, nn_bk_mode mode, double *g, size_t D, int need_dx);
/* After the plain backward (whose δ it reads): R{d[i]} into w->rd[i] when
 * need_dx, R{∇θ} of this layer added to g. */
void nn_layer_rbackward(const nn_layer *L, nn_ws *w, const nn_state *st, int i, int b0, int B,
                        const double *theta, const double *v, double *g, int need_dx);

/* --- nn_loss.c: one sample with output f ---------------------------------- */
/* ℓ, and s·∂ℓ/∂f into gf (if non-NULL); *ok = the prediction is right. */
double nn_loss_one(const nn_net *net, const double *f, int y, double s, double *gf, int *ok);
/* hu = s·∇²_f ℓ · u. */
void nn_loss_hess(const nn_net *net, const double *f, double s, const double *u, double *hu);

/* --- nn_eval.c ---------------------------------------------------------------- */
/* One gradient (v NULL; out ∇L) or HVP (out H v) with every chunk on this
 * thread, each layer's CPU seconds added to t: forward [0, nl), backward
 * [nl, 2 nl). */
void nn_eval_timed(nn_eval *e, const double *theta, nn_data d, const double *v, double *t,
                   double *out);

/* --- nn_profile.c ------------------------------------------------------------- */
/* This thread's CPU seconds. */
double nn_cpu_seconds(void);

#endif
