/* onehl_props.c — Propositions 2–5 of Zhu et al. at a one-hidden-layer
 * net's θ (see onehl_props.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>

#include "dynamics.h"
#include "err.h"
#include "linalg.h"
#include "onehl_props.h"

/* Extreme eigenvalues (and, with y non-NULL, the top eigenvector) of a
 * symmetric r×r matrix M, by LAPACKE dsyevr restricted to the two ends. */
static int sym_extremes(int r, const double *M, double *lmin, double *lmax, double *y)
{
    /* dsyevr needs room for all r eigenvalues in w, even for one */
    double *a = SGDN_NEW(a, (size_t)r * r), *w = SGDN_NEW(w, (size_t)r);
    double *z = y ? sgdn_malloc((size_t)r * sizeof *z) : NULL;
    lapack_int m, isuppz[2];
    memcpy(a, M, (size_t)r * r * sizeof *a);
    int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, y ? 'V' : 'N', 'I', 'U', r, a, r, 0, 0, r, r, 0.0, &m, w,
                              y ? z : NULL, 1, isuppz);
    *lmax = w[0];
    if (y)
        memcpy(y, z, (size_t)r * sizeof *z);
    if (!info && lmin) {
        memcpy(a, M, (size_t)r * r * sizeof *a);
        info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'N', 'I', 'U', r, a, r, 0, 0, 1, 1, 0.0, &m, w, NULL, 1, isuppz);
        *lmin = w[0];
    }
    free(a), free(z), free(w);
    return info;
}

/* >>> snippet zhu-onehl-weighted */
/* M = (1/N) Lᵀ diag(e) L (r×r) for any factor L (Na×r) with L Lᵀ = K, the
 * Gram matrix of the contributing samples' Jacobians.  Because J = L Q with
 * Q having orthonormal rows, (1/N) Jᵀ diag(e) J = Qᵀ M Q: the nonzero
 * eigenvalues agree, and an eigenvector y of M is u = Qᵀy in θ-space, with
 * J_j·u = (L y)_j.  L = J itself when D ≤ Na, L = K^{1/2} otherwise. */
static void weighted(long Na, long r, long N, const double *L, const double *e, double *M)
{
    double *T = SGDN_NEW(T, Na * r);
    for (long i = 0; i < Na; i++)
        for (long j = 0; j < r; j++)
            T[i * r + j] = e[i] * L[i * r + j] / N;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)r, (int)r, (int)Na, 1.0, L, (int)r, T, (int)r, 0.0,
                M, (int)r);
    for (long i = 0; i < r; i++) /* symmetrise the rounding */
        for (long j = i + 1; j < r; j++)
            M[i * r + j] = M[j * r + i] = 0.5 * (M[i * r + j] + M[j * r + i]);
    free(T);
}
/* <<< snippet */

/* The factor L (Na × rk, rk = min(D, Na)) of the contributing samples act[]:
 * their Jacobian rows when D ≤ Na, the square root of their Gram matrix
 * (from K, N × N) otherwise. */
static int factor(nn_eval *e, nn_data d, const double *theta, long D, const double *K, const long *act,
                  long Na, long rk, double *L)
{
    long N = d.n;
    if (D <= Na) { /* the engine's rows, where the ICML clip passes f */
        double *J = SGDN_NEW(J, sgdn_mul(N, D));
        nn_jacobian(e, theta, d, J);
        for (long i = 0; i < Na; i++)
            memcpy(L + i * rk, J + act[i] * D, D * sizeof *L);
        free(J);
        return SGDN_OK;
    }
    double *Ka = SGDN_NEW(Ka, sgdn_mul(Na, Na));
    for (long i = 0; i < Na; i++)
        for (long j = 0; j < Na; j++)
            Ka[i * Na + j] = K[act[i] * N + act[j]];
    int st = linalg_psd_sqrt((int)Na, Ka, L, 1e-8) ? SGDN_ESING : SGDN_OK;
    free(Ka);
    return st;
}

/* H = Gauss–Newton a.e.: the engine's G v against a central difference of
 * its ∇L, along a random unit direction drawn unit by unit like θ. */
static void fd_check(const onehl *o, nn_eval *e, nn_data d, const double *theta, double h, rng_stream *r,
                     onehl_props *q)
{
    long D = (long)o->net.D;
    double *v = SGDN_NEW(v, D), *Hv = SGDN_NEW(Hv, D), *gp = SGDN_NEW(gp, D);
    double *gm = SGDN_NEW(gm, D), *tp = SGDN_NEW(tp, D), *tm = SGDN_NEW(tm, D);
    rng_normal_fill(r, tp, D);
    onehl_from_units(o, tp, v);
    double vn = cblas_dnrm2((int)D, v, 1);
    cblas_dscal((int)D, 1.0 / vn, v, 1);
    nn_gnvp(e, theta, d, v, Hv); /* (1/N) Σ c_i (J_i·v) J_i */
    for (long j = 0; j < D; j++)
        tp[j] = theta[j] + h * v[j], tm[j] = theta[j] - h * v[j];
    nn_loss_grad(e, tp, d, gp, NULL);
    nn_loss_grad(e, tm, d, gm, NULL);
    double err = 0.0, hn = 0.0, gn = 0.0;
    for (long j = 0; j < D; j++) {
        double fd = (gp[j] - gm[j]) / (2 * h);
        err += (fd - Hv[j]) * (fd - Hv[j]), hn += Hv[j] * Hv[j], gn += gp[j] * gp[j] + gm[j] * gm[j];
    }
    q->fd_err = sqrt(err / hn);
    /* rounding of the difference quotient: ~ ε ‖∇L‖ / h, relative to ‖Hv‖;
     * the gradient is piecewise linear, so there is no truncation error */
    q->fd_tol = 1e3 * DBL_EPSILON * sqrt(gn) / (h * sqrt(hn));
    free(v), free(Hv), free(gp), free(gm), free(tp), free(tm);
}

int onehl_props_eval(const onehl *o, nn_data d, const double *theta, double delta, double h, rng_stream *r,
                     onehl_props *q)
{
    long N = d.n, D = (long)o->net.D;
    nn_eval *e = nn_eval_new(&o->net);
    double *K = SGDN_NEW(K, sgdn_mul(N, N)), *f = SGDN_NEW(f, N), *rr = SGDN_NEW(rr, N), *cc = SGDN_NEW(cc, N);
    nn_forward(e, theta, d, f);
    onehl_derivs(o, N, f, d.y, rr, cc);
    onehl_gram(o, N, d.x, theta, K);
    dyn_glm_traces tr;
    dyn_glm_traces_gram(N, D, K, cc, rr, &tr);
    /* the samples that contribute to H, F or Σ (ICML: φ not clipped) */
    long Na = 0, *act = SGDN_NEW(act, N);
    for (long i = 0; i < N; i++)
        if (cc[i] > 0 || rr[i] != 0)
            act[Na++] = i;
    double *ca = SGDN_NEW(ca, Na), *ra = SGDN_NEW(ra, Na);
    for (long i = 0; i < Na; i++)
        ca[i] = cc[act[i]], ra[i] = rr[act[i]];
    long rk = D <= Na ? D : Na;
    double *L = SGDN_NEW0(L, sgdn_mul(Na, rk)), *M = SGDN_NEW(M, sgdn_mul(rk, rk));
    double *y = SGDN_NEW(y, rk), *Ju = SGDN_NEW(Ju, Na), *e1 = SGDN_NEW(e1, Na), *e2 = SGDN_NEW(e2, Na);
    double mu, dl = delta;
    int st = factor(e, d, theta, D, K, act, Na, rk, L);
    if (st)
        goto out;
    weighted(Na, rk, N, L, ca, M); /* H */
    if (sym_extremes((int)rk, M, NULL, &mu, y)) {
        st = SGDN_ELAPACK;
        goto out;
    }
    /* >>> snippet zhu-onehl-align */
    /* λ1 and J_j·u1 = (L y1)_j; then
     * u1ᵀΣu1 = (1/N) Σ_j r_j² (J_j·u1)² − ((1/N) Σ_j r_j J_j·u1)². */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)Na, (int)rk, 1.0, L, (int)rk, y, 1, 0.0, Ju, 1);
    double s2 = 0.0, s1 = 0.0;
    for (long j = 0; j < Na; j++)
        s2 += ra[j] * ra[j] * Ju[j] * Ju[j], s1 += ra[j] * Ju[j];
    q->uSu = s2 / N - (s1 / N) * (s1 / N);
    q->lam1 = mu, q->trS = tr.trS, q->trH = tr.trH;
    q->ahat = (q->uSu / tr.trS) / (mu / tr.trH); /* ahat = u1ᵀΣu1·TrH / (λ1 TrΣ) */
    /* <<< snippet */
    /* uᵀFu = uᵀΣu + (ḡ·u)²; the proposition's regime is ‖∇L‖² ≤ δ²uᵀFu */
    q->grad2_over_uFu = tr.gnorm2 / (q->uSu + (s1 / N) * (s1 / N));

    /* orderings: F = (1/N) Σ r_i² J_iJ_iᵀ (the uncentred second moment, the
     * paper's Fisher), H = (1/N) Σ c_i J_iJ_iᵀ */
    /* >>> snippet zhu-onehl-order */
    if (o->variant == ONEHL_ICML) {
        /* Prop. 2 (orders in the PSD sense): F >= δ²H; F <= (δ+ε)²H with ε = max_i |φ(f_i) − y_i| − δ over
         * the contributing samples: the smallest ε for which θ lies in the
         * proposition's set */
        double emax = 0.0;
        for (long i = 0; i < Na; i++)
            emax = fmax(emax, fabs(ra[i]) - dl);
        for (long i = 0; i < Na; i++) {
            e1[i] = ra[i] * ra[i] - dl * dl * ca[i];
            e2[i] = (dl + emax) * (dl + emax) * ca[i] - ra[i] * ra[i];
        }
        q->eps_or_C = emax;
        q->abound = (1 - 2 * dl * dl) * dl * dl / ((dl + emax) * (dl + emax)); /* Eq. 83 */
    } else {
        /* Prop. 4: e^{−C}F <= H <= e^{C}F with C = max_i |f_i| */
        double C = 0.0;
        for (long i = 0; i < N; i++)
            C = fmax(C, fabs(f[i]));
        for (long i = 0; i < Na; i++) {
            e1[i] = ca[i] - exp(-C) * ra[i] * ra[i];
            e2[i] = exp(C) * ra[i] * ra[i] - ca[i];
        }
        q->eps_or_C = C;
        q->abound = exp(-2 * C); /* Prop. 5 with its δ → 0 (the strongest form) */
    }
    /* <<< snippet */
    weighted(Na, rk, N, L, e1, M);
    if (sym_extremes((int)rk, M, &q->ord1_min, &q->ord1_max, NULL)) {
        st = SGDN_ELAPACK;
        goto out;
    }
    weighted(Na, rk, N, L, e2, M);
    if (sym_extremes((int)rk, M, &q->ord2_min, &q->ord2_max, NULL)) {
        st = SGDN_ELAPACK;
        goto out;
    }
    q->n_active = Na;
    fd_check(o, e, d, theta, h, r, q);
out:
    free(K), free(f), free(rr), free(cc), free(act), free(ca), free(ra), free(L), free(M), free(y), free(Ju);
    free(e1), free(e2);
    nn_eval_free(e);
    return st;
}
