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
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
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

typedef struct {
    double *a[NN_MAX_LAYERS + 1], *ra[NN_MAX_LAYERS + 1]; /* a[0] the input */
    double *d[NN_MAX_LAYERS + 1], *rd[NN_MAX_LAYERS + 1]; /* ∂/∂a[l], and R{·} */
    double *cols[NN_MAX_LAYERS], *rcols[NN_MAX_LAYERS], *dcols;
    int *arg[NN_MAX_LAYERS]; /* max-pool argmax, an index into a[l] */
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
};

static size_t cols_size(const nn_layer *L)
{
    return (size_t)L->oh * L->ow * L->k * L->k * L->ic;
}

nn_eval *nn_eval_new(const nn_net *net)
{
    nn_eval *e = calloc(1, sizeof *e);
    e->net = net;
    e->nws = omp_get_max_threads();
    e->ws = calloc((size_t)e->nws, sizeof *e->ws);
    const size_t B = NN_CHUNK;
    size_t maxcols = 0;
    for (int t = 0; t < e->nws; t++) {
        nn_ws *w = &e->ws[t];
        for (int i = 0; i <= net->nl; i++) {
            size_t s = i == 0 ? net->in_size : net->l[i - 1].out_size;
            w->a[i] = calloc(B * s, sizeof(double));
            w->ra[i] = calloc(B * s, sizeof(double));
            w->d[i] = calloc(B * s, sizeof(double));
            w->rd[i] = calloc(B * s, sizeof(double));
        }
        for (int i = 0; i < net->nl; i++) {
            const nn_layer *L = &net->l[i];
            if (L->kind == NN_CONV) {
                w->cols[i] = malloc(B * cols_size(L) * sizeof(double));
                w->rcols[i] = malloc(B * cols_size(L) * sizeof(double));
                if (cols_size(L) > maxcols)
                    maxcols = cols_size(L);
            }
            if (L->kind == NN_MAXPOOL)
                w->arg[i] = malloc(B * L->out_size * sizeof(int));
        }
        w->dcols = malloc((B * maxcols + 1) * sizeof(double));
    }
    return e;
}

void nn_eval_free(nn_eval *e)
{
    if (!e)
        return;
    for (int t = 0; t < e->nws; t++) {
        nn_ws *w = &e->ws[t];
        for (int i = 0; i <= e->net->nl; i++)
            free(w->a[i]), free(w->ra[i]), free(w->d[i]), free(w->rd[i]);
        for (int i = 0; i < e->net->nl; i++)
            free(w->cols[i]), free(w->rcols[i]), free(w->arg[i]);
        free(w->dcols);
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

static void forward_layer(const nn_layer *L, nn_ws *w, int i, int B, const double *theta)
{
    const double *x = w->a[i];
    double *z = w->a[i + 1];
    size_t n = (size_t)B * L->out_size;
    switch (L->kind) {
    case NN_CONV:
        im2col(L, B, x, w->cols[i]);
        x = w->cols[i];
        /* fall through */
    case NN_DENSE:
        gemm_nt(gemm_rows(L, B), L->oc, gemm_k(L), x, weights(L, theta), 0.0, z);
        if (L->nb)
            add_bias(gemm_rows(L, B), L->oc, theta + L->boff, z);
        break;
    case NN_MAXPOOL:
        for (int b = 0; b < B; b++)
            for (int oy = 0; oy < L->oh; oy++)
                for (int ox = 0; ox < L->ow; ox++)
                    for (int c = 0; c < L->oc; c++) {
                        int best = -1;
                        double m = -INFINITY;
                        for (int u = 0; u < L->k; u++)
                            for (int v = 0; v < L->k; v++) {
                                int j = (int)(b * L->in_size) +
                                        ((oy * L->k + u) * L->iw + ox * L->k + v) * L->ic + c;
                                if (x[j] > m)
                                    m = x[j], best = j;
                            }
                        size_t o = b * L->out_size + ((size_t)oy * L->ow + ox) * L->oc + c;
                        z[o] = m;
                        w->arg[i][o] = best;
                    }
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

/* The derivative mask of a piecewise-linear layer at input x[j]. */
static int pass_mask(const nn_layer *L, double x)
{
    return L->kind == NN_RELU ? x > 0 : (x > L->lo && x < L->hi);
}

/* R{a[i+1]} from R{a[i]} and the direction v. */
static void rforward_layer(const nn_layer *L, nn_ws *w, int i, int B, const double *theta,
                           const double *v)
{
    const double *rx = w->ra[i], *x = w->a[i];
    double *rz = w->ra[i + 1];
    size_t n = (size_t)B * L->out_size;
    switch (L->kind) {
    case NN_CONV:
        im2col(L, B, rx, w->rcols[i]);
        rx = w->rcols[i];
        x = w->cols[i];
        /* fall through */
    case NN_DENSE: {
        int M = gemm_rows(L, B), N = L->oc, K = gemm_k(L);
        gemm_nt(M, N, K, rx, weights(L, theta), 0.0, rz);  /* R{A} Wᵀ */
        if (L->nw) {
            gemm_nt(M, N, K, x, v + L->woff, 1.0, rz);     /* + A Vᵀ */
            add_bias(M, N, v + L->boff, rz);                /* + v_b */
        }
        break;
    }
    case NN_MAXPOOL:
        for (size_t o = 0; o < n; o++)
            rz[o] = rx[w->arg[i][o]];
        break;
    case NN_RELU:
    case NN_CLIP:
        for (size_t j = 0; j < n; j++)
            rz[j] = pass_mask(L, x[j]) ? rx[j] : 0.0;
        break;
    }
}

/* What a backward pass accumulates into the parameter slot g. */
typedef enum { BK_GRAD, BK_PERSAMPLE, BK_HVP } bk_mode;

/* Backward through layer i: from d[i+1] (and rd[i+1] for BK_HVP) to
 * d[i] (rd[i]) when need_dx, accumulating parameter derivatives into g
 * (BK_PERSAMPLE: g is B rows of stride D, one per sample). */
static void backward_layer(const nn_layer *L, nn_ws *w, int i, int B, const double *theta,
                           const double *v, bk_mode mode, double *g, size_t D, int need_dx)
{
    const double *dz = w->d[i + 1], *rdz = w->rd[i + 1];
    double *dx = w->d[i], *rdx = w->rd[i];
    size_t n = (size_t)B * L->out_size;
    switch (L->kind) {
    case NN_CONV:
    case NN_DENSE: {
        int M = gemm_rows(L, B), N = L->oc, K = gemm_k(L);
        const double *A = L->kind == NN_CONV ? w->cols[i] : w->a[i];
        const double *RA = L->kind == NN_CONV ? w->rcols[i] : w->ra[i];
        const double *W = weights(L, theta);
        if (L->nw) {
            if (mode == BK_GRAD) {
                gemm_tn(M, N, K, dz, A, g + L->woff);
                colsum_add(M, N, dz, g + L->boff);
            } else if (mode == BK_HVP) {
                gemm_tn(M, N, K, rdz, A, g + L->woff);  /* R{δ}ᵀ A */
                gemm_tn(M, N, K, dz, RA, g + L->woff);  /* + δᵀ R{A} */
                colsum_add(M, N, rdz, g + L->boff);
            } else {
                int P = M / B; /* rows per sample */
                for (int b = 0; b < B; b++) {
                    double *gb = g + (size_t)b * D;
                    const double *db = dz + (size_t)b * P * N, *Ab = A + (size_t)b * P * K;
                    memset(gb + L->woff, 0, (L->nw + L->nb) * sizeof *gb);
                    gemm_tn(P, N, K, db, Ab, gb + L->woff);
                    colsum_add(P, N, db, gb + L->boff);
                }
            }
        }
        if (!need_dx)
            break;
        double *tgt = L->kind == NN_CONV ? w->dcols : dx;
        gemm_nn(M, N, K, dz, W, 0.0, tgt);
        if (L->kind == NN_CONV)
            col2im(L, B, tgt, dx);
        if (mode == BK_HVP) {
            tgt = L->kind == NN_CONV ? w->dcols : rdx;
            gemm_nn(M, N, K, rdz, W, 0.0, tgt);             /* R{δ} W */
            if (L->nw)
                gemm_nn(M, N, K, dz, v + L->woff, 1.0, tgt); /* + δ V */
            if (L->kind == NN_CONV)
                col2im(L, B, tgt, rdx);
        }
        break;
    }
    case NN_MAXPOOL:
        if (!need_dx)
            break;
        memset(dx, 0, (size_t)B * L->in_size * sizeof *dx);
        for (size_t o = 0; o < n; o++)
            dx[w->arg[i][o]] += dz[o];
        if (mode == BK_HVP) {
            memset(rdx, 0, (size_t)B * L->in_size * sizeof *rdx);
            for (size_t o = 0; o < n; o++)
                rdx[w->arg[i][o]] += rdz[o];
        }
        break;
    case NN_RELU:
    case NN_CLIP:
        if (!need_dx)
            break;
        for (size_t j = 0; j < n; j++) {
            int m = pass_mask(L, w->a[i][j]);
            dx[j] = m ? dz[j] : 0.0;
            if (mode == BK_HVP)
                rdx[j] = m ? rdz[j] : 0.0;
        }
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

typedef enum { P_LOSS, P_GRAD, P_PERSAMPLE, P_HVP, P_GN } pass_kind;

/* One chunk of B samples starting at sample s0 of d.  Scale s multiplies
 * every ∂ℓ/∂f (1/n for a mean, 1 per sample).  out: D-vector (or B × D
 * rows for P_PERSAMPLE), overwritten. */
static double chunk_pass(const nn_net *net, nn_ws *w, const double *theta, nn_data d, int s0,
                         int B, const double *v, pass_kind kind, double s, double *out,
                         double *loss_i, long *correct)
{
    int nl = net->nl, C = net->nout;
    for (int b = 0; b < B; b++) {
        size_t j = d.idx ? d.idx[s0 + b] : (size_t)(s0 + b);
        memcpy(w->a[0] + (size_t)b * net->in_size, d.x + j * net->in_size,
               net->in_size * sizeof(double));
    }
    int want_r = kind == P_HVP || kind == P_GN;
    if (want_r)
        memset(w->ra[0], 0, (size_t)B * net->in_size * sizeof(double));
    for (int i = 0; i < nl; i++) {
        double t0 = w->prof ? omp_get_wtime() : 0.0;
        forward_layer(&net->l[i], w, i, B, theta);
        if (want_r)
            rforward_layer(&net->l[i], w, i, B, theta, v);
        if (w->prof)
            w->prof[i] += omp_get_wtime() - t0;
    }
    double loss = 0.0;
    long cor = 0;
    const double *f = w->a[nl];
    for (int b = 0; b < B; b++) {
        size_t j = d.idx ? d.idx[s0 + b] : (size_t)(s0 + b);
        int ok;
        double *gf = kind == P_LOSS || kind == P_GN ? NULL : w->d[nl] + (size_t)b * C;
        double l = loss_one(net, f + (size_t)b * C, d.y[j], s, gf, &ok);
        if (kind == P_HVP)
            loss_hess(net, f + (size_t)b * C, s, w->ra[nl] + (size_t)b * C, w->rd[nl] + (size_t)b * C);
        if (kind == P_GN) /* the backward pass carries ∇²ℓ J v in place of ∂ℓ/∂f */
            loss_hess(net, f + (size_t)b * C, s, w->ra[nl] + (size_t)b * C, w->d[nl] + (size_t)b * C);
        if (loss_i)
            loss_i[b] = l;
        loss += l;
        cor += ok;
    }
    *correct = cor;
    if (kind == P_LOSS)
        return loss;
    bk_mode mode = kind == P_HVP ? BK_HVP : kind == P_PERSAMPLE ? BK_PERSAMPLE : BK_GRAD;
    if (mode != BK_PERSAMPLE)
        memset(out, 0, net->D * sizeof *out);
    for (int i = nl - 1; i >= 0; i--) {
        double t0 = w->prof ? omp_get_wtime() : 0.0;
        backward_layer(&net->l[i], w, i, B, theta, v, mode, out, net->D, i > 0);
        if (w->prof)
            w->prof[nl + i] += omp_get_wtime() - t0;
    }
    return loss;
}

/* Run the chunks of d (in parallel, deterministically) and combine. */
static double run_pass(nn_eval *e, const double *theta, nn_data d, const double *v,
                       pass_kind kind, double *out, double *loss_i, long *correct)
{
    const nn_net *net = e->net;
    int nch = (d.n + NN_CHUNK - 1) / NN_CHUNK;
    ensure_parts(e, nch);
    double s = kind == P_PERSAMPLE ? 1.0 : 1.0 / d.n;
    int par = nch > 1 && e->nws > 1 && !e->ws[0].prof;
#pragma omp parallel for schedule(dynamic, 1) if (par)
    for (int c = 0; c < nch; c++) {
        int s0 = c * NN_CHUNK, B = d.n - s0 < NN_CHUNK ? d.n - s0 : NN_CHUNK;
        nn_ws *w = &e->ws[omp_get_thread_num()];
        double *o = kind == P_PERSAMPLE ? out + (size_t)s0 * net->D : e->part + (size_t)c * net->D;
        e->plos[c] = chunk_pass(net, w, theta, d, s0, B, v, kind, s, o,
                                loss_i ? loss_i + s0 : NULL, &e->pcor[c]);
    }
    double loss = 0.0;
    long cor = 0;
    for (int c = 0; c < nch; c++)
        loss += e->plos[c], cor += e->pcor[c];
    if (correct)
        *correct = cor;
    if (out && kind != P_PERSAMPLE && kind != P_LOSS) {
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
    for (size_t j = 0; j < D; j++) {
        u[j] = 1.0;
        nn_hvp(e, theta, d, u, H + j * D); /* column j = row j: H is symmetric */
        u[j] = 0.0;
    }
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
