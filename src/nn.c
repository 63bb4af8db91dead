/* nn.c — layers, losses and their exact derivatives (see nn.h).
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
 * At the loss, R{∂ℓ/∂f} = ∇²_f ℓ · R{f}; for cross-entropy
 * ∇²_f ℓ u = p ⊙ u − p (pᵀu) with p = softmax(f).
 * The plain forward pass and the plain δ's do not depend on v: an HVP
 * runs them, then the R-forward and the R-backward (which reads δ), so
 * that nn_hvp_prepare can keep the plain passes at a fixed θ and later
 * HVPs run the R-passes alone, with the same arithmetic and result.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>

#include "nn.h"
#include "rng.h"

/* ---------------------------------------------------------------- build */

void nn_init(nn_net *net, int side, int chans)
{
    memset(net, 0, sizeof *net);
    net->side = side;
    net->chans = chans;
    net->in_size = (size_t)side * side * chans;
}

/* The next layer's input shape is the last layer's output shape. */
static nn_layer *push(nn_net *net, nn_kind kind)
{
    if (net->nl == NN_MAX_LAYERS)
        abort();
    nn_layer *L = &net->l[net->nl++];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    if (net->nl == 1) {
        L->ih = L->iw = net->side;
        L->ic = net->chans;
    } else {
        const nn_layer *P = L - 1;
        L->ih = P->oh, L->iw = P->ow, L->ic = P->oc;
    }
    L->in_size = (size_t)L->ih * L->iw * L->ic;
    L->oh = L->ih, L->ow = L->iw, L->oc = L->ic;
    return L;
}

static void finish(nn_net *net, nn_layer *L)
{
    L->out_size = (size_t)L->oh * L->ow * L->oc;
    L->woff = net->D;
    L->boff = net->D + L->nw;
    net->D += L->nw + L->nb;
}

void nn_add_conv(nn_net *net, int k, int cout, int pad)
{
    nn_layer *L = push(net, NN_CONV);
    L->k = k, L->pad = pad;
    L->oh = L->ih + 2 * pad - k + 1;
    L->ow = L->iw + 2 * pad - k + 1;
    L->oc = cout;
    L->nw = (size_t)cout * k * k * L->ic;
    L->nb = cout;
    finish(net, L);
}

void nn_add_maxpool(nn_net *net, int k)
{
    nn_layer *L = push(net, NN_MAXPOOL);
    L->k = k;
    L->oh = L->ih / k, L->ow = L->iw / k;
    finish(net, L);
}

void nn_add_relu(nn_net *net) { finish(net, push(net, NN_RELU)); }

static nn_layer *dense(nn_net *net, int out)
{
    nn_layer *L = push(net, NN_DENSE);
    L->ih = L->iw = 1;
    L->ic = (int)L->in_size;
    L->oh = L->ow = 1;
    L->oc = out;
    return L;
}

void nn_add_dense(nn_net *net, int out)
{
    nn_layer *L = dense(net, out);
    L->nw = (size_t)out * L->ic;
    L->nb = out;
    finish(net, L);
}

void nn_add_dense_fixed(nn_net *net, int out, const double *W)
{
    nn_layer *L = dense(net, out);
    L->fixed = W;
    finish(net, L);
}

void nn_add_clip(nn_net *net, double lo, double hi)
{
    nn_layer *L = push(net, NN_CLIP);
    L->lo = lo, L->hi = hi;
    finish(net, L);
}

void nn_set_loss(nn_net *net, nn_loss_kind loss, double smoothing)
{
    net->loss = loss;
    net->smoothing = smoothing;
    net->nout = (int)net->l[net->nl - 1].out_size;
}

void nn_zhu_cnn(nn_net *net)
{
    nn_init(net, 28, 1);
    nn_add_conv(net, 5, 10, 0);
    nn_add_maxpool(net, 2);
    nn_add_relu(net);
    nn_add_conv(net, 5, 10, 0);
    nn_add_maxpool(net, 2);
    nn_add_relu(net);
    nn_add_dense(net, 50);
    nn_add_relu(net);
    nn_add_dense(net, 10);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_lenet5(nn_net *net)
{
    nn_init(net, 28, 1);
    nn_add_conv(net, 5, 6, 2);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_conv(net, 5, 16, 0);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_dense(net, 120);
    nn_add_relu(net);
    nn_add_dense(net, 84);
    nn_add_relu(net);
    nn_add_dense(net, 10);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_cnn3(nn_net *net, int side, int c1, int c2, int c3)
{
    nn_init(net, side, 1);
    nn_add_conv(net, 3, c1, 0);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_conv(net, 3, c2, 0);
    nn_add_relu(net);
    nn_add_maxpool(net, 2);
    nn_add_conv(net, 3, c3, 0);
    nn_add_relu(net);
    nn_add_dense(net, 10);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_mlp(nn_net *net, int d, int nh, const int *w, int nout)
{
    nn_init(net, 1, d);
    for (int h = 0; h < nh; h++) {
        nn_add_dense(net, w[h]);
        nn_add_relu(net);
    }
    nn_add_dense(net, nout);
    nn_set_loss(net, NN_LOSS_CE, 0.0);
}

void nn_init_params(const nn_net *net, double *theta, uint64_t seed, uint64_t stream)
{
    rng_stream r;
    rng_init(&r, seed, stream);
    for (int i = 0; i < net->nl; i++) {
        const nn_layer *L = &net->l[i];
        if (!L->nw)
            continue;
        double kk = L->kind == NN_CONV ? (double)L->k * L->k : 1.0;
        double a = sqrt(6.0 / (kk * L->ic + kk * L->oc));
        for (size_t j = 0; j < L->nw; j++)
            theta[L->woff + j] = a * (2.0 * rng_uniform(&r) - 1.0);
        memset(theta + L->boff, 0, L->nb * sizeof *theta);
    }
}

void nn_flops_forward(const nn_net *net, double *conv, double *dense_f)
{
    *conv = *dense_f = 0.0;
    for (int i = 0; i < net->nl; i++) {
        const nn_layer *L = &net->l[i];
        if (L->kind == NN_CONV)
            *conv += 2.0 * L->oh * L->ow * L->oc * (double)L->k * L->k * L->ic;
        if (L->kind == NN_DENSE)
            *dense_f += 2.0 * L->oc * (double)L->ic;
    }
}

/* ------------------------------------------------------------ workspace */

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
    double *zp;                                            /* one image's conv output */
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

static size_t cols_size(const nn_layer *L)
{
    return (size_t)L->oh * L->ow * L->k * L->k * L->ic;
}

static size_t act_size(const nn_net *net, int i)
{
    return i == 0 ? net->in_size : net->l[i - 1].out_size;
}

static void state_alloc(const nn_net *net, nn_state *s)
{
    const size_t B = NN_CHUNK;
    for (int i = 0; i <= net->nl; i++) {
        s->a[i] = calloc(B * act_size(net, i), sizeof(double));
        s->d[i] = calloc(B * act_size(net, i), sizeof(double));
    }
    for (int i = 0; i < net->nl; i++)
        if (net->l[i].kind == NN_MAXPOOL)
            s->arg[i] = malloc(B * net->l[i].out_size * sizeof(int));
}

static void state_free(const nn_net *net, nn_state *s)
{
    for (int i = 0; i <= net->nl; i++)
        free(s->a[i]), free(s->d[i]);
    for (int i = 0; i < net->nl; i++)
        free(s->arg[i]);
}

nn_eval *nn_eval_new(const nn_net *net)
{
    nn_eval *e = calloc(1, sizeof *e);
    e->net = net;
    e->nws = omp_get_max_threads();
    e->ws = calloc((size_t)e->nws, sizeof *e->ws);
    size_t maxcols = 1, maxout = 1;
    for (int i = 0; i < net->nl; i++)
        if (net->l[i].kind == NN_CONV) {
            if (cols_size(&net->l[i]) > maxcols)
                maxcols = cols_size(&net->l[i]);
            if (net->l[i].out_size > maxout)
                maxout = net->l[i].out_size;
        }
    for (int t = 0; t < e->nws; t++) {
        nn_ws *w = &e->ws[t];
        state_alloc(net, &w->st);
        for (int i = 0; i <= net->nl; i++) {
            w->ra[i] = calloc(NN_CHUNK * act_size(net, i), sizeof(double));
            w->rd[i] = calloc(NN_CHUNK * act_size(net, i), sizeof(double));
        }
        w->cols = malloc(maxcols * sizeof(double));
        w->rcols = malloc(maxcols * sizeof(double));
        w->dcols = malloc(maxcols * sizeof(double));
        w->zp = malloc(maxout * sizeof(double));
    }
    return e;
}

static void drop_prepared(nn_eval *e)
{
    for (int c = 0; c < e->c_n; c++)
        state_free(e->net, &e->c_st[c]);
    free(e->c_st), free(e->c_theta);
    e->c_st = NULL, e->c_theta = NULL, e->c_n = 0;
}

void nn_eval_free(nn_eval *e)
{
    if (!e)
        return;
    drop_prepared(e);
    for (int t = 0; t < e->nws; t++) {
        nn_ws *w = &e->ws[t];
        state_free(e->net, &w->st);
        for (int i = 0; i <= e->net->nl; i++)
            free(w->ra[i]), free(w->rd[i]);
        free(w->cols), free(w->rcols), free(w->dcols), free(w->zp);
    }
    free(e->ws), free(e->part), free(e->plos), free(e->pcor);
    free(e);
}

static void ensure_parts(nn_eval *e, int nparts)
{
    if (nparts <= e->nparts)
        return;
    free(e->part), free(e->plos), free(e->pcor);
    e->part = malloc((size_t)nparts * e->net->D * sizeof *e->part);
    e->plos = malloc((size_t)nparts * sizeof *e->plos);
    e->pcor = malloc((size_t)nparts * sizeof *e->pcor);
    e->nparts = nparts;
}

/* -------------------------------------------------------------- kernels */

/* The kernel columns kx ∈ [*kx0, *kx1) of output column ox that fall
 * inside the image (the others read the zero padding). */
static void kx_range(const nn_layer *L, int ox, int *kx0, int *kx1)
{
    int lo = L->pad - ox, hi = L->iw + L->pad - ox;
    *kx0 = lo > 0 ? lo : 0;
    *kx1 = hi < L->k ? hi : L->k;
}

/* >>> snippet nn-im2col */
/* cols[(b, oy, ox), (ky, kx, ci)] = x[b, oy+ky−pad, ox+kx−pad, ci] (0 outside).
 * Channels-last makes the k·ic entries (kx, ci) of one kernel row ky one
 * contiguous run of the input row iy = oy+ky−pad: one copy per (oy, ox, ky). */
static void im2col(const nn_layer *L, int B, const double *x, double *cols)
{
    const int ic = L->ic, run = L->k * ic, K = L->k * run;
    for (int b = 0; b < B; b++) {
        const double *xb = x + (size_t)b * L->in_size;
        for (int oy = 0; oy < L->oh; oy++)
            for (int ox = 0; ox < L->ow; ox++) {
                double *c = cols + ((size_t)(b * L->oh + oy) * L->ow + ox) * K;
                int kx0, kx1;
                kx_range(L, ox, &kx0, &kx1);
                for (int ky = 0; ky < L->k; ky++, c += run) {
                    int iy = oy + ky - L->pad;
                    int j0 = kx0 * ic, j1 = kx1 * ic;
                    if (iy < 0 || iy >= L->ih || j1 <= j0)
                        j0 = j1 = run;
                    for (int j = 0; j < j0; j++)
                        c[j] = 0.0;
                    if (j1 > j0) {
                        const double *src = xb + ((size_t)iy * L->iw + ox - L->pad + kx0) * ic;
                        for (int j = j0; j < j1; j++)
                            c[j] = src[j - j0];
                    }
                    for (int j = j1; j < run; j++)
                        c[j] = 0.0;
                }
            }
    }
}
/* <<< snippet */

/* The adjoint of im2col: dx[b, iy, ix, ci] = Σ of the cols entries that
 * copied it (dx is overwritten); the same contiguous runs. */
static void col2im(const nn_layer *L, int B, const double *cols, double *dx)
{
    const int ic = L->ic, run = L->k * ic, K = L->k * run;
    memset(dx, 0, (size_t)B * L->in_size * sizeof *dx);
    for (int b = 0; b < B; b++) {
        double *xb = dx + (size_t)b * L->in_size;
        for (int oy = 0; oy < L->oh; oy++)
            for (int ox = 0; ox < L->ow; ox++) {
                const double *c = cols + ((size_t)(b * L->oh + oy) * L->ow + ox) * K;
                int kx0, kx1;
                kx_range(L, ox, &kx0, &kx1);
                for (int ky = 0; ky < L->k; ky++, c += run) {
                    int iy = oy + ky - L->pad;
                    if (iy < 0 || iy >= L->ih || kx1 <= kx0)
                        continue;
                    double *t = xb + ((size_t)iy * L->iw + ox - L->pad + kx0) * ic;
                    const double *cj = c + kx0 * ic;
                    for (int j = 0; j < (kx1 - kx0) * ic; j++)
                        t[j] += cj[j];
                }
            }
    }
}

/* The transposed layout, for a convolution on one input channel (the
 * first layer of a CNN), one image: colsT[(ky, kx, ci), (oy, ox)], each
 * row a shifted copy of the image (contiguous runs of ow pixels when
 * ic = 1).  With it the GEMM's long side is the output positions, the
 * shape dgemm runs fastest (about twice the speed for 10 output channels). */
static void im2colT(const nn_layer *L, const double *x, double *colsT)
{
    const int ic = L->ic, P = L->oh * L->ow;
    for (int ky = 0; ky < L->k; ky++)
        for (int kx = 0; kx < L->k; kx++)
            for (int ci = 0; ci < ic; ci++) {
                double *r = colsT + (size_t)((ky * L->k + kx) * ic + ci) * P;
                for (int oy = 0; oy < L->oh; oy++, r += L->ow) {
                    int iy = oy + ky - L->pad, ox0 = L->pad - kx, ox1 = L->iw + L->pad - kx;
                    ox0 = ox0 > 0 ? ox0 : 0, ox1 = ox1 < L->ow ? ox1 : L->ow;
                    if (iy < 0 || iy >= L->ih || ox1 <= ox0)
                        ox0 = ox1 = L->ow;
                    for (int ox = 0; ox < ox0; ox++)
                        r[ox] = 0.0;
                    if (ox1 > ox0) {
                        const double *src = x + ((size_t)iy * L->iw + ox0 + kx - L->pad) * ic + ci;
                        for (int ox = ox0; ox < ox1; ox++)
                            r[ox] = src[(size_t)(ox - ox0) * ic];
                    }
                    for (int ox = ox1; ox < L->ow; ox++)
                        r[ox] = 0.0;
                }
            }
}

/* Its adjoint: dx (one image) overwritten with the sums of colsT. */
static void col2imT(const nn_layer *L, const double *colsT, double *dx)
{
    const int ic = L->ic, P = L->oh * L->ow;
    memset(dx, 0, L->in_size * sizeof *dx);
    for (int ky = 0; ky < L->k; ky++)
        for (int kx = 0; kx < L->k; kx++)
            for (int ci = 0; ci < ic; ci++) {
                const double *r = colsT + (size_t)((ky * L->k + kx) * ic + ci) * P;
                for (int oy = 0; oy < L->oh; oy++, r += L->ow) {
                    int iy = oy + ky - L->pad, ox0 = L->pad - kx, ox1 = L->iw + L->pad - kx;
                    ox0 = ox0 > 0 ? ox0 : 0, ox1 = ox1 < L->ow ? ox1 : L->ow;
                    if (iy < 0 || iy >= L->ih || ox1 <= ox0)
                        continue;
                    double *t = dx + ((size_t)iy * L->iw + ox0 + kx - L->pad) * ic + ci;
                    for (int ox = ox0; ox < ox1; ox++)
                        t[(size_t)(ox - ox0) * ic] += r[ox];
                }
            }
}

/* Which layout a convolution uses. */
static int transposed(const nn_layer *L) { return L->ic == 1; }

/* Z (M × N) = A (M × K) Wᵀ (W: N × K) [+ Z if beta = 1] */
static void gemm_nt(int M, int N, int K, const double *A, const double *W, double beta, double *Z)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0, A, K, W, K, beta, Z, N);
}
/* G (N × K) += δᵀ (δ: M × N) A (M × K) */
static void gemm_tn(int M, int N, int K, const double *d, const double *A, double *G)
{
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, K, M, 1.0, d, N, A, K, 1.0, G, K);
}
/* X (M × K) = δ (M × N) W (N × K) [+ X if beta = 1] */
static void gemm_nn(int M, int N, int K, const double *d, const double *W, double beta, double *X)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, K, N, 1.0, d, N, W, K, beta, X, K);
}
static void add_bias(int M, int N, const double *b, double *Z)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            Z[(size_t)i * N + j] += b[j];
}
static void colsum_add(int M, int N, const double *d, double *g)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            g[j] += d[(size_t)i * N + j];
}

/* The weights of a linear layer: from θ, or the fixed ones. */
static const double *weights(const nn_layer *L, const double *theta)
{
    return L->fixed ? L->fixed : theta + L->woff;
}

/* Rows of the GEMM and its input matrix: a dense layer's input is a[l]
 * itself (B rows), a convolution's its im2col (B·oh·ow rows). */
static int gemm_rows(const nn_layer *L, int B) { return B * L->oh * L->ow; }
static int gemm_k(const nn_layer *L)
{
    return L->kind == NN_CONV ? L->k * L->k * L->ic : L->ic;
}

/* Every layer function below works on the images [b0, b0 + B) of the
 * chunk.  Convolutions, pooling and elementwise layers are run one image
 * at a time (see chunk_pass), so that an image's activations and its
 * im2col matrix (≤ 130 kB for the nets here) stay in the core's cache:
 * the GEMMs are then 2–4 times faster than on a whole chunk's matrix,
 * which streams from memory.  Dense layers take the whole chunk. */

/* Max-pooling: the first largest entry of each k × k window, channel by
 * channel; arg gets its index within the image. */
static void maxpool_forward(const nn_layer *L, int B, const double *x, double *z, int *arg)
{
    const int C = L->ic, k = L->k;
    for (int b = 0; b < B; b++, x += L->in_size, z += L->out_size, arg += L->out_size)
        for (int oy = 0; oy < L->oh; oy++)
            for (int ox = 0; ox < L->ow; ox++) {
                int o = (oy * L->ow + ox) * C, j0 = (oy * k * L->iw + ox * k) * C;
                for (int c = 0; c < C; c++) {
                    int best = j0 + c;
                    double m = x[best];
                    for (int u = 0; u < k; u++)
                        for (int v = u ? 0 : 1; v < k; v++) {
                            int j = j0 + (u * L->iw + v) * C + c;
                            if (x[j] > m)
                                m = x[j], best = j;
                        }
                    z[o + c] = m;
                    arg[o + c] = best;
                }
            }
}

/* Its adjoint (and its R-forward's transpose): each output's gradient
 * goes to its argmax. */
static void maxpool_backward(const nn_layer *L, int B, const int *arg, const double *dz, double *dx)
{
    memset(dx, 0, (size_t)B * L->in_size * sizeof *dx);
    for (int b = 0; b < B; b++, dx += L->in_size, dz += L->out_size, arg += L->out_size)
        for (size_t o = 0; o < L->out_size; o++)
            dx[arg[o]] += dz[o];
}

/* rz = rx at the argmax: the R-forward of max-pooling. */
static void maxpool_gather(const nn_layer *L, int B, const int *arg, const double *rx, double *rz)
{
    for (int b = 0; b < B; b++, rx += L->in_size, rz += L->out_size, arg += L->out_size)
        for (size_t o = 0; o < L->out_size; o++)
            rz[o] = rx[arg[o]];
}

/* out[j] = in[j] where the piecewise-linear layer L passes its input x[j]
 * through (ReLU: x > 0; clip: lo < x < hi), else 0. */
static void apply_mask(const nn_layer *L, size_t n, const double *x, const double *in, double *out)
{
    if (L->kind == NN_RELU)
        for (size_t j = 0; j < n; j++)
            out[j] = x[j] > 0 ? in[j] : 0.0;
    else
        for (size_t j = 0; j < n; j++)
            out[j] = x[j] > L->lo && x[j] < L->hi ? in[j] : 0.0;
}

/* z = x ⊛ W (+ z if beta = 1), image by image; zp: scratch for the
 * transposed layout's channel-major output. */
static void conv_gemm(const nn_layer *L, double *cols, double *zp, int B, const double *x,
                      const double *W, double beta, double *z)
{
    const int P = L->oh * L->ow, N = L->oc, K = gemm_k(L);
    for (int b = 0; b < B; b++) {
        const double *xb = x + (size_t)b * L->in_size;
        double *zb = z + (size_t)b * L->out_size;
        if (transposed(L)) { /* zp (N × P) = W colsT, then z = zpᵀ (+ z) */
            im2colT(L, xb, cols);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, P, K, 1.0, W, K, cols, P,
                        0.0, zp, P);
            for (int p = 0; p < P; p++)
                for (int c = 0; c < N; c++)
                    zb[p * N + c] = beta != 0.0 ? zb[p * N + c] + zp[(size_t)c * P + p]
                                                : zp[(size_t)c * P + p];
        } else {
            im2col(L, 1, xb, cols);
            gemm_nt(P, N, K, cols, W, beta, zb);
        }
    }
}

/* One image's im2col in the layer's layout. */
static void conv_cols(const nn_layer *L, const double *xb, double *cols)
{
    if (transposed(L))
        im2colT(L, xb, cols);
    else
        im2col(L, 1, xb, cols);
}

/* One image: G (N × K) += δᵀ (P × N)ᵀ A, A its im2col in either layout. */
static void conv_dw(const nn_layer *L, const double *db, const double *cols, double *G)
{
    const int P = L->oh * L->ow, N = L->oc, K = gemm_k(L);
    if (transposed(L))
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasTrans, N, K, P, 1.0, db, N, cols, P, 1.0, G, K);
    else
        gemm_tn(P, N, K, db, cols, G);
}

/* One image: dcols = δ W (+ dcols if beta = 1), in the layer's layout. */
static void conv_dcols(const nn_layer *L, const double *db, const double *W, double beta,
                       double *dcols)
{
    const int P = L->oh * L->ow, N = L->oc, K = gemm_k(L);
    if (transposed(L)) /* dcolsT (K × P) = Wᵀ δᵀ */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasTrans, K, P, N, 1.0, W, K, db, N, beta, dcols, P);
    else
        gemm_nn(P, N, K, db, W, beta, dcols);
}

/* One image: dx = the adjoint of im2col applied to dcols. */
static void conv_col2im(const nn_layer *L, const double *dcols, double *dxb)
{
    if (transposed(L))
        col2imT(L, dcols, dxb);
    else
        col2im(L, 1, dcols, dxb);
}

/* Pointers to images b0.. of activation-sized arrays of layer L. */
#define IN(p, L, b0) ((p) + (size_t)(b0) * (L)->in_size)
#define OUT(p, L, b0) ((p) + (size_t)(b0) * (L)->out_size)

static void forward_layer(const nn_layer *L, nn_ws *w, nn_state *st, int i, int b0, int B,
                          const double *theta)
{
    const double *x = IN(st->a[i], L, b0);
    double *z = OUT(st->a[i + 1], L, b0);
    size_t n = (size_t)B * L->out_size;
    switch (L->kind) {
    case NN_CONV:
    case NN_DENSE:
        if (L->kind == NN_CONV)
            conv_gemm(L, w->cols, w->zp, B, x, weights(L, theta), 0.0, z);
        else
            gemm_nt(B, L->oc, L->ic, x, weights(L, theta), 0.0, z);
        if (L->nb)
            add_bias(gemm_rows(L, B), L->oc, theta + L->boff, z);
        break;
    case NN_MAXPOOL:
        maxpool_forward(L, B, x, z, OUT(st->arg[i], L, b0));
        break;
    case NN_RELU:
        for (size_t j = 0; j < n; j++)
            z[j] = x[j] > 0 ? x[j] : 0.0;
        break;
    case NN_CLIP:
        for (size_t j = 0; j < n; j++)
            z[j] = x[j] < L->lo ? L->lo : x[j] > L->hi ? L->hi : x[j];
        break;
    }
}

/* R{a[i+1]} from R{a[i]} and the direction v. */
static void rforward_layer(const nn_layer *L, nn_ws *w, const nn_state *st, int i, int b0, int B,
                           const double *theta, const double *v)
{
    const double *rx = IN(w->ra[i], L, b0), *x = IN(st->a[i], L, b0);
    double *rz = OUT(w->ra[i + 1], L, b0);
    size_t n = (size_t)B * L->out_size;
    switch (L->kind) {
    case NN_CONV:
    case NN_DENSE: {
        int M = gemm_rows(L, B), N = L->oc, K = gemm_k(L);
        const double *W = weights(L, theta);
        if (L->kind == NN_CONV) {
            conv_gemm(L, w->rcols, w->zp, B, rx, W, 0.0, rz);                 /* R{A} Wᵀ */
            if (L->nw)
                conv_gemm(L, w->cols, w->zp, B, x, v + L->woff, 1.0, rz);     /* + A Vᵀ */
        } else {
            gemm_nt(M, N, K, rx, W, 0.0, rz);
            if (L->nw)
                gemm_nt(M, N, K, x, v + L->woff, 1.0, rz);
        }
        if (L->nw)
            add_bias(M, N, v + L->boff, rz);                           /* + v_b */
        break;
    }
    case NN_MAXPOOL:
        maxpool_gather(L, B, OUT(st->arg[i], L, b0), rx, rz);
        break;
    case NN_RELU:
    case NN_CLIP:
        apply_mask(L, n, x, rx, rz);
        break;
    }
}

/* What a plain backward pass accumulates into the parameter slot g. */
typedef enum { BK_GRAD, BK_PERSAMPLE, BK_DELTA } bk_mode;

/* A convolution's backward for B images from dz: parameter gradient into
 * g (BK_GRAD: summed; BK_PERSAMPLE: row b of stride D), and dx if non-NULL. */
static void conv_backward(const nn_layer *L, nn_ws *w, int B, const double *x, const double *dz,
                          const double *W, bk_mode mode, double *g, size_t D, double *dx)
{
    const int P = L->oh * L->ow, N = L->oc;
    for (int b = 0; b < B; b++) {
        const double *db = dz + (size_t)b * L->out_size;
        if (L->nw && mode != BK_DELTA) {
            double *gb = mode == BK_PERSAMPLE ? g + (size_t)b * D : g;
            if (mode == BK_PERSAMPLE)
                memset(gb + L->woff, 0, (L->nw + L->nb) * sizeof *gb);
            conv_cols(L, x + (size_t)b * L->in_size, w->cols);
            conv_dw(L, db, w->cols, gb + L->woff);        /* ∇W += δᵀ A */
            colsum_add(P, N, db, gb + L->boff);           /* ∇b += Σ_rows δ */
        }
        if (dx) {
            conv_dcols(L, db, W, 0.0, w->dcols);          /* δ_A = δ W */
            conv_col2im(L, w->dcols, dx + (size_t)b * L->in_size);
        }
    }
}

/* Backward through layer i: from d[i+1] to d[i] when need_dx,
 * accumulating parameter derivatives into g (BK_PERSAMPLE: g is the rows
 * of stride D of images b0.., one per sample; BK_DELTA: none). */
static void backward_layer(const nn_layer *L, nn_ws *w, nn_state *st, int i, int b0, int B,
                           const double *theta, bk_mode mode, double *g, size_t D, int need_dx)
{
    const double *dz = OUT(st->d[i + 1], L, b0), *x = IN(st->a[i], L, b0);
    double *dx = IN(st->d[i], L, b0);
    size_t n = (size_t)B * L->out_size;
    if (mode == BK_PERSAMPLE)
        g += (size_t)b0 * D;
    switch (L->kind) {
    case NN_CONV:
        conv_backward(L, w, B, x, dz, weights(L, theta), mode, g, D, need_dx ? dx : NULL);
        break;
    case NN_DENSE: {
        int N = L->oc, K = L->ic;
        if (L->nw && mode == BK_GRAD) {
            gemm_tn(B, N, K, dz, x, g + L->woff);
            colsum_add(B, N, dz, g + L->boff);
        } else if (L->nw && mode == BK_PERSAMPLE) {
            for (int b = 0; b < B; b++) { /* ∇W_b = δ_b a_bᵀ, ∇b_b = δ_b */
                double *gb = g + (size_t)b * D;
                const double *db = dz + (size_t)b * N, *ab = x + (size_t)b * K;
                for (int o = 0; o < N; o++) {
                    for (int k = 0; k < K; k++)
                        gb[L->woff + (size_t)o * K + k] = db[o] * ab[k];
                    gb[L->boff + o] = db[o];
                }
            }
        }
        if (need_dx)
            gemm_nn(B, N, K, dz, weights(L, theta), 0.0, dx);
        break;
    }
    case NN_MAXPOOL:
        if (need_dx)
            maxpool_backward(L, B, OUT(st->arg[i], L, b0), dz, dx);
        break;
    case NN_RELU:
    case NN_CLIP:
        if (need_dx)
            apply_mask(L, n, x, dz, dx);
        break;
    }
}

/* The R-backward through layer i (after the plain backward, whose δ = d[]
 * it reads): R{δ_x} = R{δ_z} W + δ_z V into rd[i] when need_dx, and
 * R{∇W} = R{δ_z}ᵀ A + δ_zᵀ R{A}, R{∇b} = Σ_rows R{δ_z} added to g. */
static void rbackward_layer(const nn_layer *L, nn_ws *w, const nn_state *st, int i, int b0,
                            int B, const double *theta, const double *v, double *g, int need_dx)
{
    const double *dz = OUT(st->d[i + 1], L, b0), *rdz = OUT(w->rd[i + 1], L, b0);
    const double *x = IN(st->a[i], L, b0), *rx = IN(w->ra[i], L, b0);
    double *rdx = IN(w->rd[i], L, b0);
    size_t n = (size_t)B * L->out_size;
    switch (L->kind) {
    case NN_CONV: {
        const int P = L->oh * L->ow, N = L->oc;
        const double *W = weights(L, theta);
        for (int b = 0; b < B; b++) {
            const double *db = dz + (size_t)b * L->out_size, *rdb = rdz + (size_t)b * L->out_size;
            if (L->nw) {
                conv_cols(L, x + (size_t)b * L->in_size, w->cols);
                conv_cols(L, rx + (size_t)b * L->in_size, w->rcols);
                conv_dw(L, rdb, w->cols, g + L->woff);          /* R{δ}ᵀ A */
                conv_dw(L, db, w->rcols, g + L->woff);          /* + δᵀ R{A} */
                colsum_add(P, N, rdb, g + L->boff);
            }
            if (need_dx) {
                conv_dcols(L, rdb, W, 0.0, w->dcols);                /* R{δ} W */
                if (L->nw)
                    conv_dcols(L, db, v + L->woff, 1.0, w->dcols);   /* + δ V */
                conv_col2im(L, w->dcols, rdx + (size_t)b * L->in_size);
            }
        }
        break;
    }
    case NN_DENSE: {
        int N = L->oc, K = L->ic;
        if (L->nw) {
            gemm_tn(B, N, K, rdz, x, g + L->woff);
            gemm_tn(B, N, K, dz, rx, g + L->woff);
            colsum_add(B, N, rdz, g + L->boff);
        }
        if (need_dx) {
            gemm_nn(B, N, K, rdz, weights(L, theta), 0.0, rdx);
            if (L->nw)
                gemm_nn(B, N, K, dz, v + L->woff, 1.0, rdx);
        }
        break;
    }
    case NN_MAXPOOL:
        if (need_dx)
            maxpool_backward(L, B, OUT(st->arg[i], L, b0), rdz, rdx);
        break;
    case NN_RELU:
    case NN_CLIP:
        if (need_dx)
            apply_mask(L, n, x, rdz, rdx);
        break;
    }
}

/* ----------------------------------------------------------------- loss */

/* ℓ of one sample with output f, and its gradient s·∂ℓ/∂f into gf (if
 * non-NULL).  Returns ℓ; *ok = the prediction is right. */
static double loss_one(const nn_net *net, const double *f, int y, double s, double *gf, int *ok)
{
    int C = net->nout;
    if (net->loss == NN_LOSS_MSE) {
        double l = 0.0;
        for (int k = 0; k < C; k++) {
            double t = C == 1 ? y : (k == y);
            l += 0.5 * (f[k] - t) * (f[k] - t);
            if (gf)
                gf[k] = s * (f[k] - t);
        }
        if (C == 1)
            *ok = (f[0] > 0.5) == (y == 1);
        else {
            int am = 0;
            for (int k = 1; k < C; k++)
                if (f[k] > f[am])
                    am = k;
            *ok = am == y;
        }
        return l;
    }
    int am = 0;
    for (int k = 1; k < C; k++)
        if (f[k] > f[am])
            am = k;
    *ok = am == y;
    double m = f[am], z = 0.0, eps = net->smoothing, tf = 0.0;
    for (int k = 0; k < C; k++) {
        z += exp(f[k] - m);
        tf += ((1 - eps) * (k == y) + eps / C) * f[k];
    }
    if (gf)
        for (int k = 0; k < C; k++)
            gf[k] = s * (exp(f[k] - m) / z - ((1 - eps) * (k == y) + eps / C));
    return m + log(z) - tf;
}

/* hu = s·∇²_f ℓ · u for one sample. */
static void loss_hess(const nn_net *net, const double *f, double s, const double *u, double *hu)
{
    int C = net->nout;
    if (net->loss == NN_LOSS_MSE) {
        for (int k = 0; k < C; k++)
            hu[k] = s * u[k];
        return;
    }
    double m = f[0], z = 0.0, pu = 0.0, p[64];
    for (int k = 1; k < C; k++)
        m = f[k] > m ? f[k] : m;
    for (int k = 0; k < C; k++)
        z += (p[k] = exp(f[k] - m));
    for (int k = 0; k < C; k++)
        pu += (p[k] /= z) * u[k];
    for (int k = 0; k < C; k++)
        hu[k] = s * (p[k] * u[k] - p[k] * pu);
}

/* ------------------------------------------------------------- a chunk */

typedef enum { P_LOSS, P_GRAD, P_PERSAMPLE, P_HVP, P_GN, P_STATE } pass_kind;

/* The profile counts this thread's CPU time: on a shared machine it
 * leaves out the time the thread waited for a core. */
static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
static double now_if(const nn_ws *w) { return w->prof ? cpu_seconds() : 0.0; }
static void prof_add(nn_ws *w, int slot, double t0)
{
    if (w->prof)
        w->prof[slot] += cpu_seconds() - t0;
}

/* Layers [i0, end) form a segment run image by image (convolutions,
 * pooling, elementwise layers), or a dense layer alone, run on the chunk. */
static int segment_end(const nn_net *net, int i0)
{
    int i = i0 + 1;
    if (net->l[i0].kind != NN_DENSE)
        while (i < net->nl && net->l[i].kind != NN_DENSE)
            i++;
    return i;
}

/* The backward pass through the segments seg[0..nseg) (starts; seg[nseg]
 * = nl) in reverse: the plain one in mode (BK_DELTA: only δ = d[]), or
 * with v the R-backward, parameter derivatives into g. */
static void backward_pass(const nn_net *net, nn_ws *w, nn_state *st, const int *seg, int nseg,
                          int B, const double *theta, const double *v, bk_mode mode, double *g)
{
    int nl = net->nl;
    for (int s = nseg - 1; s >= 0; s--) {
        int per_image = net->l[seg[s]].kind != NN_DENSE, nb = per_image ? 1 : B;
        for (int b0 = 0; b0 < B; b0 += nb)
            for (int i = seg[s + 1] - 1; i >= seg[s]; i--) {
                if (mode == BK_DELTA && i == 0)
                    continue;
                double t0 = now_if(w);
                if (v)
                    rbackward_layer(&net->l[i], w, st, i, b0, nb, theta, v, g, i > 0);
                else
                    backward_layer(&net->l[i], w, st, i, b0, nb, theta, mode, g, net->D, i > 0);
                prof_add(w, nl + i, t0);
            }
    }
}

/* One chunk of B samples starting at sample s0 of d, its plain passes in
 * st; cached: st already holds them (a prepared HVP).  Scale s multiplies
 * every ∂ℓ/∂f (1/n for a mean, 1 per sample).  out: D-vector (or B × D
 * rows for P_PERSAMPLE), overwritten.  P_STATE only fills st (forward,
 * and the backward's δ without parameter gradients). */
static double chunk_pass(const nn_net *net, nn_ws *w, nn_state *st, int cached,
                         const double *theta, nn_data d, int s0, int B, const double *v,
                         pass_kind kind, double s, double *out, double *loss_i, long *correct)
{
    int nl = net->nl, C = net->nout;
    int want_r = kind == P_HVP || kind == P_GN, need_delta = kind == P_HVP || kind == P_STATE;
    if (!cached)
        for (int b = 0; b < B; b++) {
            size_t j = d.idx ? d.idx[s0 + b] : (size_t)(s0 + b);
            memcpy(st->a[0] + (size_t)b * net->in_size, d.x + j * net->in_size,
                   net->in_size * sizeof(double));
        }
    if (want_r)
        memset(w->ra[0], 0, (size_t)B * net->in_size * sizeof(double));
    for (int i0 = 0, i1; i0 < nl; i0 = i1) {
        i1 = segment_end(net, i0);
        int per_image = net->l[i0].kind != NN_DENSE;
        for (int b0 = 0; b0 < B; b0 += per_image ? 1 : B)
            for (int i = i0; i < i1; i++) {
                double t0 = now_if(w);
                int nb = per_image ? 1 : B;
                if (!cached)
                    forward_layer(&net->l[i], w, st, i, b0, nb, theta);
                if (want_r)
                    rforward_layer(&net->l[i], w, st, i, b0, nb, theta, v);
                prof_add(w, i, t0);
            }
    }
    double loss = 0.0;
    long cor = 0;
    const double *f = st->a[nl];
    for (int b = 0; b < B; b++) {
        size_t j = d.idx ? d.idx[s0 + b] : (size_t)(s0 + b);
        int ok;
        int want_gf = kind == P_GRAD || kind == P_PERSAMPLE || (need_delta && !cached);
        double *gf = want_gf ? st->d[nl] + (size_t)b * C : NULL;
        double l = loss_one(net, f + (size_t)b * C, d.y[j], s, gf, &ok);
        if (kind == P_HVP)
            loss_hess(net, f + (size_t)b * C, s, w->ra[nl] + (size_t)b * C, w->rd[nl] + (size_t)b * C);
        if (kind == P_GN) /* the backward pass carries ∇²ℓ J v in place of ∂ℓ/∂f */
            loss_hess(net, f + (size_t)b * C, s, w->ra[nl] + (size_t)b * C, st->d[nl] + (size_t)b * C);
        if (loss_i)
            loss_i[b] = l;
        loss += l;
        cor += ok;
    }
    *correct = cor;
    if (kind == P_LOSS)
        return loss;
    int nseg = 0, seg[NN_MAX_LAYERS + 1];
    for (int i0 = 0; i0 < nl; i0 = segment_end(net, i0))
        seg[nseg++] = i0;
    seg[nseg] = nl;
    if (need_delta && !cached) /* δ of every layer, no parameter gradient */
        backward_pass(net, w, st, seg, nseg, B, theta, NULL, BK_DELTA, NULL);
    if (kind == P_STATE)
        return loss;
    if (kind != P_PERSAMPLE)
        memset(out, 0, net->D * sizeof *out);
    backward_pass(net, w, st, seg, nseg, B, theta, kind == P_HVP ? v : NULL,
                  kind == P_PERSAMPLE ? BK_PERSAMPLE : BK_GRAD, out);
    return loss;
}

/* Whether nn_hvp_prepare holds the passes of exactly this θ and d. */
static int prepared_for(const nn_eval *e, const double *theta, nn_data d)
{
    return e->c_n > 0 && d.x == e->c_d.x && d.y == e->c_d.y && d.idx == e->c_d.idx &&
           d.n == e->c_d.n && !memcmp(theta, e->c_theta, e->net->D * sizeof *theta);
}

/* Run the chunks of d (in parallel, deterministically) and combine. */
static double run_pass(nn_eval *e, const double *theta, nn_data d, const double *v,
                       pass_kind kind, double *out, double *loss_i, long *correct)
{
    const nn_net *net = e->net;
    /* per-sample gradients need no reduction: smaller chunks (of a fixed
     * size, so the result is still independent of the threads) let a
     * minibatch of 100 use every core */
    int chunk = kind == P_PERSAMPLE ? NN_CHUNK / 4 : NN_CHUNK;
    int nch = (d.n + chunk - 1) / chunk;
    ensure_parts(e, nch);
    double s = kind == P_PERSAMPLE ? 1.0 : 1.0 / d.n;
    int cached = kind == P_HVP && prepared_for(e, theta, d);
    int par = nch > 1 && e->nws > 1 && !e->ws[0].prof;
#pragma omp parallel for schedule(dynamic, 1) if (par)
    for (int c = 0; c < nch; c++) {
        int s0 = c * chunk, B = d.n - s0 < chunk ? d.n - s0 : chunk;
        nn_ws *w = &e->ws[omp_get_thread_num()];
        nn_state *st = cached || kind == P_STATE ? &e->c_st[c] : &w->st;
        double *o = kind == P_PERSAMPLE ? out + (size_t)s0 * net->D : e->part + (size_t)c * net->D;
        e->plos[c] = chunk_pass(net, w, st, cached, theta, d, s0, B, v, kind, s, o,
                                loss_i ? loss_i + s0 : NULL, &e->pcor[c]);
    }
    double loss = 0.0;
    long cor = 0;
    for (int c = 0; c < nch; c++)
        loss += e->plos[c], cor += e->pcor[c];
    if (correct)
        *correct = cor;
    if (out && kind != P_PERSAMPLE && kind != P_LOSS && kind != P_STATE) {
        memcpy(out, e->part, net->D * sizeof *out);
        for (int c = 1; c < nch; c++) {
            const double *p = e->part + (size_t)c * net->D;
            for (size_t k = 0; k < net->D; k++)
                out[k] += p[k];
        }
    }
    return loss / d.n;
}

double nn_loss_grad(nn_eval *e, const double *theta, nn_data d, double *grad, long *correct)
{
    return run_pass(e, theta, d, NULL, grad ? P_GRAD : P_LOSS, grad, NULL, correct);
}

void nn_hvp_prepare(nn_eval *e, const double *theta, nn_data d)
{
    drop_prepared(e);
    int nch = (d.n + NN_CHUNK - 1) / NN_CHUNK;
    e->c_st = calloc((size_t)nch, sizeof *e->c_st);
    for (int c = 0; c < nch; c++)
        state_alloc(e->net, &e->c_st[c]);
    e->c_theta = malloc(e->net->D * sizeof *e->c_theta);
    memcpy(e->c_theta, theta, e->net->D * sizeof *theta);
    e->c_d = d;
    run_pass(e, theta, d, NULL, P_STATE, NULL, NULL, NULL);
    e->c_n = nch;
}

void nn_hvp_release(nn_eval *e) { drop_prepared(e); }

void nn_hvp(nn_eval *e, const double *theta, nn_data d, const double *v, double *Hv)
{
    run_pass(e, theta, d, v, P_HVP, Hv, NULL, NULL);
}

void nn_gnvp(nn_eval *e, const double *theta, nn_data d, const double *v, double *Gv)
{
    run_pass(e, theta, d, v, P_GN, Gv, NULL, NULL);
}

void nn_grad_per_sample(nn_eval *e, const double *theta, nn_data d, double *G, double *loss_i)
{
    run_pass(e, theta, d, NULL, P_PERSAMPLE, G, loss_i, NULL);
}

void nn_profile(nn_eval *e, const double *theta, nn_data d, const double *v, double *fwd,
                double *bwd)
{
    int nl = e->net->nl;
    double *t = calloc(2 * (size_t)nl, sizeof *t), *out = malloc(e->net->D * sizeof *out);
    e->ws[0].prof = t;
    run_pass(e, theta, d, v, v ? P_HVP : P_GRAD, out, NULL, NULL);
    e->ws[0].prof = NULL;
    memcpy(fwd, t, nl * sizeof *t);
    memcpy(bwd, t + nl, nl * sizeof *t);
    free(t), free(out);
}

void nn_hessian_dense(nn_eval *e, const double *theta, nn_data d, double *H)
{
    size_t D = e->net->D;
    double *u = calloc(D, sizeof *u);
    nn_hvp_prepare(e, theta, d);
    for (size_t j = 0; j < D; j++) {
        u[j] = 1.0;
        nn_hvp(e, theta, d, u, H + j * D); /* column j = row j: H is symmetric */
        u[j] = 0.0;
    }
    nn_hvp_release(e);
    free(u);
}

double nn_expected_sharpness(nn_eval *e, const double *theta, nn_data d, double delta, int M,
                             uint64_t seed, uint64_t stream, double *se)
{
    size_t D = e->net->D;
    double L0 = nn_loss_grad(e, theta, d, NULL, NULL), sum = 0.0, sum2 = 0.0;
    double *t = malloc(D * sizeof *t);
    for (int j = 0; j < M; j++) {
        rng_stream r;
        rng_init_sub(&r, seed, stream, (uint64_t)j);
        for (size_t k = 0; k < D; k++)
            t[k] = theta[k] + delta * rng_normal(&r);
        double dl = nn_loss_grad(e, t, d, NULL, NULL) - L0;
        sum += dl, sum2 += dl * dl;
    }
    free(t);
    double mean = sum / M;
    if (se)
        *se = M > 1 ? sqrt(fmax(sum2 / M - mean * mean, 0.0) * M / (M - 1) / M) : 0.0;
    return mean;
}
