/* mlp.c — fully connected ReLU networks with per-sample Jacobians (mlp.h). */
#include "mlp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "err.h"
#include "rng.h"

struct mlp_work {
    int nmax, wmax;
    double *A[MLP_MAX_LAYERS]; /* A[l], l = 1..nl−1: hidden activations (nmax × width[l]) */
    double *d0, *d1;           /* backward deltas, nmax × K × wmax each */
    double *nrm;               /* |a_{l−1}|² + 1 per sample */
};

int mlp_init(mlp_net *m, int d, int nh, const int *w, int K)
{
    if (d < 1 || K < 1 || nh < 0 || nh + 1 > MLP_MAX_LAYERS)
        return SGDN_EDOM;
    m->nl = nh + 1;
    m->width[0] = d;
    for (int h = 0; h < nh; h++) {
        if (w[h] < 1)
            return SGDN_EDOM;
        m->width[h + 1] = w[h];
    }
    m->width[m->nl] = K;
    size_t D = 0;
    for (int l = 0; l < m->nl; l++) {
        m->woff[l] = D;
        D += (size_t)m->width[l + 1] * m->width[l];
        m->boff[l] = D;
        D += (size_t)m->width[l + 1];
    }
    m->D = D;
    return SGDN_OK;
}

mlp_work *mlp_work_new(const mlp_net *m, int nmax)
{
    mlp_work *w = SGDN_NEW0(w, 1);
    w->nmax = nmax;
    w->wmax = 1;
    for (int l = 0; l <= m->nl; l++)
        w->wmax = m->width[l] > w->wmax ? m->width[l] : w->wmax;
    for (int l = 1; l < m->nl; l++)
        w->A[l] = SGDN_NEW(w->A[l], sgdn_mul(nmax, m->width[l]));
    size_t nd = sgdn_mul(sgdn_mul(nmax, m->width[m->nl]), w->wmax);
    w->d0 = SGDN_NEW(w->d0, nd);
    w->d1 = SGDN_NEW(w->d1, nd);
    w->nrm = SGDN_NEW(w->nrm, nmax);
    return w;
}

void mlp_work_free(mlp_work *w)
{
    if (!w)
        return;
    for (int l = 1; l < MLP_MAX_LAYERS; l++)
        free(w->A[l]);
    free(w->d0), free(w->d1), free(w->nrm);
    free(w);
}

/* the input of dense layer l (0-based): X for l = 0, else A[l] */
static const double *layer_in(const mlp_work *w, const double *X, int l)
{
    return l == 0 ? X : w->A[l];
}

void mlp_forward(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                 double *F)
{
    SGDN_REQUIRE(n >= 1 && n <= w->nmax);
    for (int l = 0; l < m->nl; l++) {
        int in = m->width[l], out = m->width[l + 1];
        double *Z = l + 1 < m->nl ? w->A[l + 1] : F;
        const double *b = theta + m->boff[l];
        for (int i = 0; i < n; i++)
            memcpy(Z + (size_t)i * out, b, out * sizeof *Z);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, out, in, 1.0, layer_in(w, X, l), in,
                    theta + m->woff[l], in, 1.0, Z, out);
        if (l + 1 < m->nl)
            for (size_t i = 0; i < (size_t)n * out; i++)
                Z[i] = Z[i] > 0 ? Z[i] : 0.0;
    }
}

/* delta ← delta ∘ 1[a > 0], rows of r consecutive deltas per sample */
static void mask_rows(double *delta, const double *A, int n, int r, int wd)
{
    for (int i = 0; i < n; i++) {
        const double *a = A + (size_t)i * wd;
        for (int k = 0; k < r; k++) {
            double *dl = delta + ((size_t)i * r + k) * wd;
            for (int j = 0; j < wd; j++)
                dl[j] = a[j] > 0 ? dl[j] : 0.0;
        }
    }
}

void mlp_backward(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  const double *E, double s, double *grad)
{
    memset(grad, 0, m->D * sizeof *grad);
    const double *dl = E; /* δ at the output of layer l: n × width[l+1] */
    double *bufs[2] = {w->d0, w->d1};
    int cur = 0;
    for (int l = m->nl - 1; l >= 0; l--) {
        int in = m->width[l], out = m->width[l + 1];
        const double *a = layer_in(w, X, l);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, s, dl, out, a, in, 0.0,
                    grad + m->woff[l], in);
        double *gb = grad + m->boff[l];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < out; j++)
                gb[j] += s * dl[(size_t)i * out + j];
        if (l == 0)
            break;
        double *nx = bufs[cur];
        cur ^= 1;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, in, out, 1.0, dl, out,
                    theta + m->woff[l], in, 0.0, nx, in);
        mask_rows(nx, w->A[l], n, 1, in);
        dl = nx;
    }
}

/* >>> snippet mlp-jac-gram */
/* Backpropagate the K unit vectors of the output for every sample at once:
 * Δ_l (n K × width[l]) holds δ_{l,k}(μ) in row μK + k.  Each layer adds
 * (|a_{l−1}(μ)|² + 1) Δ_l(μ) Δ_l(μ)ᵀ to sample μ's K × K block. */
void mlp_jac_gram(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  double *JJ)
{
    int K = m->width[m->nl], L = m->nl;
    memset(JJ, 0, (size_t)n * K * K * sizeof *JJ);
    double *bufs[2] = {w->d0, w->d1};
    int cur = 0;
    double *dl = NULL; /* Δ at the output of layer l */
    for (int l = L - 1; l >= 0; l--) {
        int in = m->width[l], out = m->width[l + 1];
        const double *a = layer_in(w, X, l);
        for (int i = 0; i < n; i++) {
            const double *ai = a + (size_t)i * in;
            double s = 1.0;
            for (int j = 0; j < in; j++)
                s += ai[j] * ai[j];
            double *B = JJ + (size_t)i * K * K;
            if (l == L - 1) /* Δ_L(μ) = I_K */
                for (int k = 0; k < K; k++)
                    B[k * K + k] += s;
            else {
                const double *Di = dl + (size_t)i * K * out; /* Δ_l(μ), K × out */
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, K, K, out, s, Di, out, Di, out,
                            1.0, B, K);
            }
        }
        if (l == 0)
            break;
        double *nx = bufs[cur];
        cur ^= 1;
        const double *W = theta + m->woff[l];
        if (l == L - 1) /* Δ_L W_L = W_L for every sample */
            for (int i = 0; i < n; i++)
                memcpy(nx + (size_t)i * K * in, W, (size_t)K * in * sizeof *nx);
        else
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n * K, in, out, 1.0, dl, out, W,
                        in, 0.0, nx, in);
        mask_rows(nx, w->A[l], n, K, in);
        dl = nx;
    }
}
/* <<< snippet */

/* >>> snippet mlp-ntk-gram */
/* One output: Kmat = Σ_l (Δ_l Δ_lᵀ) ⊙ (A_{l−1} A_{l−1}ᵀ + 1), with Δ_l the
 * n × width[l] backpropagated derivatives (Δ_L = 1). */
void mlp_ntk_gram(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  double *Kmat, double *tmp)
{
    SGDN_REQUIRE(m->width[m->nl] == 1);
    int L = m->nl;
    double *bufs[2] = {w->d0, w->d1};
    int cur = 0;
    double *dl = NULL;
    for (int l = L - 1; l >= 0; l--) {
        int in = m->width[l], out = m->width[l + 1];
        const double *a = layer_in(w, X, l);
        /* tmp = A Aᵀ + 1 (upper triangle) */
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, in, 1.0, a, in, 0.0, tmp, n);
        if (l == L - 1) {
            for (int i = 0; i < n; i++)
                for (int j = i; j < n; j++)
                    Kmat[(size_t)i * n + j] = tmp[(size_t)i * n + j] + 1.0;
        } else {
            /* Kmat += (Δ Δᵀ) ⊙ (tmp + 1), Δ Δᵀ by blocks of MB rows */
            enum { MB = 64 };
            double *blk = SGDN_NEW(blk, sgdn_mul(MB, n));
            for (int i0 = 0; i0 < n; i0 += MB) {
                int mb = n - i0 < MB ? n - i0 : MB, len = n - i0;
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mb, len, out, 1.0,
                            dl + (size_t)i0 * out, out, dl + (size_t)i0 * out, out, 0.0, blk, len);
                for (int i = i0; i < i0 + mb; i++)
                    for (int j = i; j < n; j++)
                        Kmat[(size_t)i * n + j] +=
                            blk[(size_t)(i - i0) * len + (j - i0)] * (tmp[(size_t)i * n + j] + 1.0);
            }
            free(blk);
        }
        if (l == 0)
            break;
        double *nx = bufs[cur];
        cur ^= 1;
        const double *W = theta + m->woff[l];
        if (l == L - 1)
            for (int i = 0; i < n; i++)
                memcpy(nx + (size_t)i * in, W, (size_t)in * sizeof *nx);
        else
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, in, out, 1.0, dl, out, W, in,
                        0.0, nx, in);
        mask_rows(nx, w->A[l], n, 1, in);
        dl = nx;
    }
    for (int i = 0; i < n; i++) /* mirror the upper triangle */
        for (int j = i + 1; j < n; j++)
            Kmat[(size_t)j * n + i] = Kmat[(size_t)i * n + j];
}
/* <<< snippet */

void mlp_jacobian(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  double *J)
{
    SGDN_REQUIRE(m->width[m->nl] == 1);
    double *g = SGDN_NEW(g, m->D), one = 1.0;
    for (int i = 0; i < n; i++) {
        /* backward of sample i alone: its activations sit in row i */
        mlp_work wi = *w;
        for (int l = 1; l < m->nl; l++)
            wi.A[l] = w->A[l] + (size_t)i * m->width[l];
        mlp_backward(m, &wi, theta, X + (size_t)i * m->width[0], 1, &one, 1.0, g);
        memcpy(J + (size_t)i * m->D, g, m->D * sizeof *g);
    }
    free(g);
}

void mlp_init_params(const mlp_net *m, double *theta, unsigned long long seed,
                     unsigned long long stream)
{
    rng_stream r;
    rng_init(&r, seed, stream);
    for (int l = 0; l < m->nl; l++) {
        int in = m->width[l], out = m->width[l + 1];
        double a = sqrt(6.0 / (in + out));
        for (size_t j = 0; j < (size_t)in * out; j++)
            theta[m->woff[l] + j] = a * (2.0 * rng_uniform(&r) - 1.0);
        memset(theta + m->boff[l], 0, (size_t)out * sizeof *theta);
    }
}
