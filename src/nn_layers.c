/* nn_layers.c — every layer kind's four passes side by side: forward,
 * R-forward, backward, R-backward (formulas in nn_impl.h).
 *
 * Each pass works on the images [b0, b0 + B) of a chunk.  Convolutions,
 * pooling and elementwise layers are called one image at a time (see
 * nn_eval.c), so that an image's activations and its im2col matrix stay in
 * the core's cache; dense layers take the whole chunk as one GEMM. */
#include <string.h>

#include "nn_impl.h"

/* Pointers to images b0.. of activation-sized arrays of layer L. */
#define IN(p, L, b0) ((p) + (size_t)(b0) * (L)->in_size)
#define OUT(p, L, b0) ((p) + (size_t)(b0) * (L)->out_size)

/* ---------------------------------------------------------------- dense */

static void dense_forward(const nn_layer *L, int B, const double *x, const double *theta,
                          double *z)
{
    nn_gemm_nt(B, L->oc, L->ic, x, nn_weights(L, theta), 0.0, z);
    if (L->nb)
        nn_add_bias(B, L->oc, theta + L->boff, z);
}

/* R{z} = R{x} Wᵀ + x Vᵀ + v_b */
static void dense_rforward(const nn_layer *L, int B, const double *x, const double *rx,
                           const double *theta, const double *v, double *rz)
{
    int N = L->oc, K = L->ic;
    nn_gemm_nt(B, N, K, rx, nn_weights(L, theta), 0.0, rz);
    if (L->nw) {
        nn_gemm_nt(B, N, K, x, v + L->woff, 1.0, rz);
        nn_add_bias(B, N, v + L->boff, rz);
    }
}

static void dense_backward(const nn_layer *L, int B, const double *x, const double *dz,
                           const double *theta, nn_bk_mode mode, double *g, size_t D, double *dx)
{
    int N = L->oc, K = L->ic;
    if (L->nw && mode == NN_BK_GRAD) {
        nn_gemm_tn(B, N, K, dz, x, g + L->woff);
        nn_colsum_add(B, N, dz, g + L->boff);
    } else if (L->nw && mode == NN_BK_PERSAMPLE) {
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
    if (dx)
        nn_gemm_nn(B, N, K, dz, nn_weights(L, theta), 0.0, dx);
}

/* R{∇W} += R{δ}ᵀ x + δᵀ R{x}, R{∇b} += Σ R{δ}; R{dx} = R{δ} W + δ V */
static void dense_rbackward(const nn_layer *L, int B, const double *x, const double *rx,
                            const double *dz, const double *rdz, const double *theta,
                            const double *v, double *g, double *rdx)
{
    int N = L->oc, K = L->ic;
    if (L->nw) {
        nn_gemm_tn(B, N, K, rdz, x, g + L->woff);
        nn_gemm_tn(B, N, K, dz, rx, g + L->woff);
        nn_colsum_add(B, N, rdz, g + L->boff);
    }
    if (rdx) {
        nn_gemm_nn(B, N, K, rdz, nn_weights(L, theta), 0.0, rdx);
        if (L->nw)
            nn_gemm_nn(B, N, K, dz, v + L->woff, 1.0, rdx);
    }
}

/* ---------------------------------------------------------- convolution */

static void conv_forward(const nn_layer *L, nn_ws *w, int B, const double *x, const double *theta,
                         double *z)
{
    nn_conv_apply(L, w->cols, B, x, nn_weights(L, theta), 0.0, z);
    if (L->nb)
        nn_add_bias(B * L->oh * L->ow, L->oc, theta + L->boff, z);
}

static void conv_rforward(const nn_layer *L, nn_ws *w, int B, const double *x, const double *rx,
                          const double *theta, const double *v, double *rz)
{
    nn_conv_apply(L, w->rcols, B, rx, nn_weights(L, theta), 0.0, rz); /* R{A} Wᵀ */
    if (L->nw) {
        nn_conv_apply(L, w->cols, B, x, v + L->woff, 1.0, rz);          /* + A Vᵀ */
        nn_add_bias(B * L->oh * L->ow, L->oc, v + L->boff, rz);                /* + v_b */
    }
}

static void conv_backward(const nn_layer *L, nn_ws *w, int B, const double *x, const double *dz,
                          const double *theta, nn_bk_mode mode, double *g, size_t D, double *dx)
{
    const int P = L->oh * L->ow, N = L->oc;
    for (int b = 0; b < B; b++) {
        const double *db = dz + (size_t)b * L->out_size;
        if (L->nw && mode != NN_BK_DELTA) {
            double *gb = mode == NN_BK_PERSAMPLE ? g + (size_t)b * D : g;
            if (mode == NN_BK_PERSAMPLE)
                memset(gb + L->woff, 0, (L->nw + L->nb) * sizeof *gb);
            nn_conv_cols(L, x + (size_t)b * L->in_size, w->cols);
            nn_conv_dw(L, db, w->cols, gb + L->woff); /* ∇W += δᵀ A */
            nn_colsum_add(P, N, db, gb + L->boff);    /* ∇b += Σ_rows δ */
        }
        if (dx) {
            nn_conv_dcols(L, db, nn_weights(L, theta), 0.0, w->dcols); /* δ_A = δ W */
            nn_conv_col2im(L, w->dcols, dx + (size_t)b * L->in_size);
        }
    }
}

static void conv_rbackward(const nn_layer *L, nn_ws *w, int B, const double *x, const double *rx,
                           const double *dz, const double *rdz, const double *theta,
                           const double *v, double *g, double *rdx)
{
    const int P = L->oh * L->ow, N = L->oc;
    for (int b = 0; b < B; b++) {
        const double *db = dz + (size_t)b * L->out_size, *rdb = rdz + (size_t)b * L->out_size;
        if (L->nw) {
            nn_conv_cols(L, x + (size_t)b * L->in_size, w->cols);
            nn_conv_cols(L, rx + (size_t)b * L->in_size, w->rcols);
            nn_conv_dw(L, rdb, w->cols, g + L->woff); /* R{δ}ᵀ A */
            nn_conv_dw(L, db, w->rcols, g + L->woff); /* + δᵀ R{A} */
            nn_colsum_add(P, N, rdb, g + L->boff);
        }
        if (rdx) {
            nn_conv_dcols(L, rdb, nn_weights(L, theta), 0.0, w->dcols); /* R{δ} W */
            if (L->nw)
                nn_conv_dcols(L, db, v + L->woff, 1.0, w->dcols);       /* + δ V */
            nn_conv_col2im(L, w->dcols, rdx + (size_t)b * L->in_size);
        }
    }
}

/* ---------------------------------------------------------- max-pooling */

/* The first largest entry of each k × k window, channel by channel; arg
 * gets its index within the image. */
static void maxpool_forward(const nn_layer *L, int B, const double *x, double *z, int *arg)
{
    const int C = L->ic, k = L->k;
    if (k == 2) { /* the same comparisons in the same order, without branches
                   * (random comparisons mispredict), vectorised over c */
        const int row = L->iw * C;
        for (int b = 0; b < B; b++, x += L->in_size, z += L->out_size, arg += L->out_size)
            for (int oy = 0; oy < L->oh; oy++)
                for (int ox = 0; ox < L->ow; ox++) {
                    int o = (oy * L->ow + ox) * C, j0 = (oy * 2 * L->iw + ox * 2) * C;
#pragma omp simd
                    for (int c = 0; c < C; c++) {
                        int j = j0 + c, best = j;
                        double m = x[j], u = x[j + C], s = x[j + row], t = x[j + row + C];
                        best = u > m ? j + C : best;
                        m = u > m ? u : m;
                        best = s > m ? j + row : best;
                        m = s > m ? s : m;
                        best = t > m ? j + row + C : best;
                        m = t > m ? t : m;
                        z[o + c] = m;
                        arg[o + c] = best;
                    }
                }
        return;
    }
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

/* rz = rx at the argmax. */
static void maxpool_rforward(const nn_layer *L, int B, const int *arg, const double *rx, double *rz)
{
    for (int b = 0; b < B; b++, rx += L->in_size, rz += L->out_size, arg += L->out_size)
        for (size_t o = 0; o < L->out_size; o++)
            rz[o] = rx[arg[o]];
}

/* The adjoint of the gather: each output's δ goes to its argmax (also the
 * R-backward, with R{δ}). */
static void maxpool_backward(const nn_layer *L, int B, const int *arg, const double *dz, double *dx)
{
    memset(dx, 0, (size_t)B * L->in_size * sizeof *dx);
    for (int b = 0; b < B; b++, dx += L->in_size, dz += L->out_size, arg += L->out_size)
        for (size_t o = 0; o < L->out_size; o++)
            dx[arg[o]] += dz[o];
}

/* ------------------------------------------------------- ReLU, clipping */

static void pointwise_forward(const nn_layer *L, size_t n, const double *restrict x,
                              double *restrict z)
{
    if (L->kind == NN_RELU) {
#pragma omp simd
        for (size_t j = 0; j < n; j++)
            z[j] = x[j] > 0 ? x[j] : 0.0;
    } else {
        const double lo = L->lo, hi = L->hi;
#pragma omp simd
        for (size_t j = 0; j < n; j++)
            z[j] = x[j] < lo ? lo : x[j] > hi ? hi : x[j];
    }
}

/* out[j] = in[j] where the layer passes its input x[j] through (ReLU:
 * x > 0; clip: lo < x < hi), else 0: the R-forward (in = R{x}), the
 * backward (in = δ) and the R-backward (in = R{δ}) alike. */
static void pointwise_mask(const nn_layer *L, size_t n, const double *restrict x,
                           const double *restrict in, double *restrict out)
{
    /* in[j] is loaded unconditionally so that the loop is a select, not
     * a branch (which mispredicts on random signs) */
    if (L->kind == NN_RELU) {
#pragma omp simd
        for (size_t j = 0; j < n; j++) {
            double v = in[j];
            out[j] = x[j] > 0 ? v : 0.0;
        }
    } else {
        const double lo = L->lo, hi = L->hi;
#pragma omp simd
        for (size_t j = 0; j < n; j++) {
            double v = in[j];
            out[j] = x[j] > lo && x[j] < hi ? v : 0.0;
        }
    }
}

/* ------------------------------------------------------------- dispatch */

void nn_layer_forward(const nn_layer *L, nn_ws *w, nn_state *st, int i, int b0, int B,
                      const double *theta)
{
    const double *x = IN(st->a[i], L, b0);
    double *z = OUT(st->a[i + 1], L, b0);
    switch (L->kind) {
    case NN_DENSE: dense_forward(L, B, x, theta, z); break;
    case NN_CONV: conv_forward(L, w, B, x, theta, z); break;
    case NN_MAXPOOL: maxpool_forward(L, B, x, z, OUT(st->arg[i], L, b0)); break;
    case NN_RELU:
    case NN_CLIP: pointwise_forward(L, (size_t)B * L->out_size, x, z); break;
    }
}

void nn_layer_rforward(const nn_layer *L, nn_ws *w, const nn_state *st, int i, int b0, int B,
                       const double *theta, const double *v)
{
    const double *rx = IN(w->ra[i], L, b0), *x = IN(st->a[i], L, b0);
    double *rz = OUT(w->ra[i + 1], L, b0);
    switch (L->kind) {
    case NN_DENSE: dense_rforward(L, B, x, rx, theta, v, rz); break;
    case NN_CONV: conv_rforward(L, w, B, x, rx, theta, v, rz); break;
    case NN_MAXPOOL: maxpool_rforward(L, B, OUT(st->arg[i], L, b0), rx, rz); break;
    case NN_RELU:
    case NN_CLIP: pointwise_mask(L, (size_t)B * L->out_size, x, rx, rz); break;
    }
}

void nn_layer_backward(const nn_layer *L, nn_ws *w, nn_state *st, int i, int b0, int B,
                       const double *theta, nn_bk_mode mode, double *g, size_t D, int need_dx)
{
    const double *dz = OUT(st->d[i + 1], L, b0), *x = IN(st->a[i], L, b0);
    double *dx = need_dx ? IN(st->d[i], L, b0) : NULL;
    if (mode == NN_BK_PERSAMPLE)
        g += (size_t)b0 * D;
    switch (L->kind) {
    case NN_DENSE: dense_backward(L, B, x, dz, theta, mode, g, D, dx); break;
    case NN_CONV: conv_backward(L, w, B, x, dz, theta, mode, g, D, dx); break;
    case NN_MAXPOOL:
        if (dx)
            maxpool_backward(L, B, OUT(st->arg[i], L, b0), dz, dx);
        break;
    case NN_RELU:
    case NN_CLIP:
        if (dx)
            pointwise_mask(L, (size_t)B * L->out_size, x, dz, dx);
        break;
    }
}

void nn_layer_rbackward(const nn_layer *L, nn_ws *w, const nn_state *st, int i, int b0, int B,
                        const double *theta, const double *v, double *g, int need_dx)
{
    const double *dz = OUT(st->d[i + 1], L, b0), *rdz = OUT(w->rd[i + 1], L, b0);
    const double *x = IN(st->a[i], L, b0), *rx = IN(w->ra[i], L, b0);
    double *rdx = need_dx ? IN(w->rd[i], L, b0) : NULL;
    switch (L->kind) {
    case NN_DENSE: dense_rbackward(L, B, x, rx, dz, rdz, theta, v, g, rdx); break;
    case NN_CONV: conv_rbackward(L, w, B, x, rx, dz, rdz, theta, v, g, rdx); break;
    case NN_MAXPOOL:
        if (rdx)
            maxpool_backward(L, B, OUT(st->arg[i], L, b0), rdz, rdx);
        break;
    case NN_RELU:
    case NN_CLIP:
        if (rdx)
            pointwise_mask(L, (size_t)B * L->out_size, x, rdz, rdx);
        break;
    }
}
