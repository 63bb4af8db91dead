/* nnobs.c — Hessian trace, chord loss, negative spectrum, H–C alignment,
 * ratios of time averages. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>

#include "err.h"
#include "nnobs.h"

/* >>> snippet nnobs-trace */
int nnobs_trace(nn_eval *e, size_t D, const double *theta, nn_data d, int p, rng_stream *r,
                double *tr, double *se)
{
    *tr = *se = NAN;
    if (p < 2)
        return SGDN_EDOM;
    double *z = SGDN_NEW(z, D), *hz = SGDN_NEW(hz, D), sum = 0.0, sum2 = 0.0;
    nn_hvp_prepare(e, theta, d); /* every probe at the same θ: one forward pass */
    for (int j = 0; j < p; j++) {
        for (size_t i = 0; i < D; i++)
            z[i] = rng_rademacher(r);
        nn_hvp(e, theta, d, z, hz);
        double q = cblas_ddot((int)D, z, 1, hz, 1); /* E[zᵀHz] = Tr H */
        sum += q, sum2 += q * q;
    }
    nn_hvp_release(e);
    free(z), free(hz);
    double m = sum / p, v = fmax(sum2 - p * m * m, 0.0) / (p - 1);
    if (!isfinite(m) || !isfinite(v))
        return SGDN_EDIVERGE;
    *tr = m, *se = sqrt(v / p);
    return SGDN_OK;
}
/* <<< snippet */

int nnobs_chord_max(nn_eval *e, const double *a, const double *b, size_t D, nn_data d, int k,
                    double *work, double *lmax)
{
    *lmax = NAN;
    if (k < 1)
        return SGDN_EDOM;
    double m = -INFINITY;
    for (int j = 1; j <= k; j++) {
        double al = (double)j / (k + 1);
        for (size_t i = 0; i < D; i++)
            work[i] = (1.0 - al) * a[i] + al * b[i];
        double l = nn_loss_grad(e, work, d, NULL, NULL);
        if (!isfinite(l))
            return SGDN_EDIVERGE;
        m = fmax(m, l);
    }
    *lmax = m;
    return SGDN_OK;
}

int nnobs_neg_spectrum(size_t D, double *H, double *negsum, long *nneg, double *lmin, double *lmax,
                       double *trace)
{
    *negsum = *lmin = *lmax = *trace = NAN;
    *nneg = -1;
    if (D < 1)
        return SGDN_EDOM;
    double *w = SGDN_NEW(w, D);
    int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)D, H, (lapack_int)D, w);
    if (info) {
        free(w);
        return SGDN_ELAPACK;
    }
    double s = 0.0, t = 0.0; /* w ascending */
    long c = 0;
    for (size_t i = 0; i < D; i++) {
        t += w[i];
        if (w[i] < 0.0)
            s += w[i], c++;
    }
    *negsum = s, *nneg = c, *lmin = w[0], *lmax = w[D - 1], *trace = t;
    free(w);
    return isfinite(s) && isfinite(t) ? SGDN_OK : SGDN_EDIVERGE;
}

/* >>> snippet nnobs-align */
int nnobs_align_exact(size_t N, size_t D, const double *H, const double *G, nnobs_align *out)
{
    out->tr_hc = out->tr_h2 = out->tr_c2 = out->tr_h = out->tr_c = out->cs = NAN;
    if (N < 2 || D < 1)
        return SGDN_EDOM;
    double *Gc = SGDN_NEW(Gc, sgdn_mul(N, D)), *mean = SGDN_NEW0(mean, D);
    for (size_t i = 0; i < N; i++)
        cblas_daxpy((int)D, 1.0 / N, G + i * D, 1, mean, 1);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++)
            Gc[i * D + j] = G[i * D + j] - mean[j]; /* c_i = g_i − mean_i g_i */
    /* Tr(HC) = (1/N) Σ_i c_iᵀ H c_i = (1/N) Σ_ij (Gc H)_ij (Gc)_ij */
    double *GH = SGDN_NEW(GH, sgdn_mul(N, D));
    cblas_dsymm(CblasRowMajor, CblasRight, CblasUpper, (int)N, (int)D, 1.0, H, (int)D, Gc, (int)D,
                0.0, GH, (int)D);
    double hc = 0.0, trc = 0.0;
    for (size_t k = 0; k < N * D; k++)
        hc += GH[k] * Gc[k], trc += Gc[k] * Gc[k];
    free(GH);
    /* Tr(C²) = (1/N²) Tr((GcᵀGc)²) = (1/N²) |Gc Gcᵀ|_F²: an N × N product */
    double *K = SGDN_NEW(K, sgdn_mul(N, N));
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)N, (int)D, 1.0, Gc, (int)D, 0.0, K,
                (int)N);
    double c2 = 0.0;
    for (size_t i = 0; i < N; i++) {
        c2 += K[i * N + i] * K[i * N + i];
        for (size_t j = i + 1; j < N; j++)
            c2 += 2.0 * K[i * N + j] * K[i * N + j];
    }
    free(K), free(Gc), free(mean);
    double h2 = 0.0, th = 0.0;
    for (size_t k = 0; k < D * D; k++)
        h2 += H[k] * H[k];
    for (size_t i = 0; i < D; i++)
        th += H[i * D + i];
    out->tr_hc = hc / N;
    out->tr_c2 = c2 / ((double)N * N);
    out->tr_h2 = h2;
    out->tr_h = th;
    out->tr_c = trc / N;
    out->cs = out->tr_hc / sqrt(out->tr_h2 * out->tr_c2);
    return isfinite(out->cs) ? SGDN_OK : SGDN_EDIVERGE;
}
/* <<< snippet */

int nnobs_ratio_blocks(const double *x, const double *y, size_t n, int nb, double *ratio,
                       double *se)
{
    *ratio = *se = NAN;
    if (nb < 2 || n < (size_t)nb)
        return SGDN_EDOM;
    size_t len = n / nb;
    double xb[nb], yb[nb], mx = 0.0, my = 0.0;
    for (int b = 0; b < nb; b++) {
        double sx = 0.0, sy = 0.0;
        for (size_t i = b * len; i < (b + 1) * len; i++)
            sx += x[i], sy += y[i];
        xb[b] = sx / len, yb[b] = sy / len;
        mx += xb[b] / nb, my += yb[b] / nb;
    }
    if (my == 0.0)
        return SGDN_EDIVERGE;
    double R = mx / my, v = 0.0;
    for (int b = 0; b < nb; b++) {
        double dv = (xb[b] - R * yb[b]) - (mx - R * my);
        v += dv * dv;
    }
    v /= nb - 1;
    if (!isfinite(R) || !isfinite(v))
        return SGDN_EDIVERGE;
    *ratio = R;
    *se = sqrt(v / nb) / fabs(my);
    return SGDN_OK;
}

double nnobs_fdr_factor(double eta, double mu, double nu)
{
    return eta * (1.0 + mu) / (2.0 * (1.0 - nu));
}

double nnobs_smoothing_floor(double eps, int C)
{
    double ty = 1.0 - eps + eps / C, to = eps / C, h = 0.0;
    if (ty > 0.0)
        h -= ty * log(ty);
    if (to > 0.0)
        h -= (C - 1) * to * log(to);
    return h;
}
