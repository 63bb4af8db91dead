/* ou.c — see ou.h. */
#include "ou.h"
#include "err.h"
#include "linalg.h"

#include <math.h>
#include <stdlib.h>
#include <cblas.h>

/* (1 − e^{−sΔ})/s, continuous at s = 0 where it equals Δ. */
static double decay_integral(double s, double dt)
{
    return s * dt < 1e-12 ? dt : -expm1(-s * dt) / s;
}

/* V(dt) from the eigen-decomposition of H; see ou.h. */
static void cov_from_eig(int n, const double *w, const double *U, const double *Sigma,
                         double dt, double *V)
{
    size_t nn = (size_t)n * n;
    double *T = SGDN_NEW(T, nn), *Sp = SGDN_NEW(Sp, nn);
    /* Σ' = Uᵀ Σ U */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, n, 1.0, U, n, Sigma, n, 0.0, T, n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, T, n, U, n, 0.0, Sp, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            Sp[i * n + j] *= decay_integral(w[i] + w[j], dt);
    /* V = U V' Uᵀ */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, U, n, Sp, n, 0.0, T, n);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0, T, n, U, n, 0.0, V, n);
    free(T);
    free(Sp);
}

static int eig_psd(int n, const double *H, double *w, double *U)
{
    if (linalg_sym_eig(n, H, w, U))
        return -1;
    if (w[n - 1] < -1e-12 * fmax(1.0, fabs(w[0])))
        return -1;
    for (int k = 0; k < n; k++)
        w[k] = fmax(w[k], 0.0);
    return 0;
}

int ou_cov(int n, const double *H, const double *Sigma, double t, double *V)
{
    double *w = SGDN_NEW(w, (size_t)n), *U = SGDN_NEW(U, (size_t)n * n);
    int rc = eig_psd(n, H, w, U);
    if (rc == 0)
        cov_from_eig(n, w, U, Sigma, t, V);
    free(w);
    free(U);
    return rc;
}

int ou_step_init(ou_step *s, int n, const double *H, const double *Sigma, double dt)
{
    size_t nn = (size_t)n * n;
    double *w = SGDN_NEW(w, (size_t)n), *U = SGDN_NEW(U, nn);
    double *g = SGDN_NEW(g, (size_t)n), *V = SGDN_NEW(V, nn);
    s->n = n;
    s->dt = dt;
    s->A = SGDN_NEW(s->A, nn);
    s->S = SGDN_NEW(s->S, nn);
    int rc = eig_psd(n, H, w, U);
    if (rc == 0) {
        for (int k = 0; k < n; k++)
            g[k] = exp(-w[k] * dt);
        linalg_sym_from_eig(n, U, g, s->A);
        cov_from_eig(n, w, U, Sigma, dt, V);
        /* The square root, not a Cholesky factor: V is singular when Σ
         * has low rank (the rank-one maximiser Tr(Σ)·u1u1ᵀ, say). */
        rc = linalg_psd_sqrt(n, V, s->S, 1e-10);
    }
    free(w);
    free(U);
    free(g);
    free(V);
    if (rc)
        ou_step_free(s);
    return rc;
}

void ou_step_free(ou_step *s)
{
    free(s->A);
    free(s->S);
    s->A = s->S = NULL;
}

void ou_step_apply(const ou_step *s, const double *x, const double *z, double *out)
{
    int n = s->n;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0, s->A, n, x, 1, 0.0, out, 1);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0, s->S, n, z, 1, 1.0, out, 1);
}

void ou_step_apply_many(const ou_step *s, int m, const double *X, const double *Z, double *Out)
{
    int n = s->n;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, m, n, 1.0, s->A, n, X, m, 0.0, Out, m);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, m, n, 1.0, s->S, n, Z, m, 1.0, Out, m);
}

double ou_escape_efficiency(int n, const double *H, const double *Sigma, double t)
{
    double *w = SGDN_NEW(w, (size_t)n), *U = SGDN_NEW(U, (size_t)n * n);
    double e = NAN;
    if (eig_psd(n, H, w, U) == 0) {
        /* ¼ Σ_k (1 − e^{−2λk t}) u_kᵀ Σ u_k */
        e = 0.0;
        for (int k = 0; k < n; k++) {
            double q = 0.0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    q += U[i * n + k] * Sigma[i * n + j] * U[j * n + k];
            e += 0.25 * -expm1(-2.0 * w[k] * t) * q;
        }
    }
    free(w);
    free(U);
    return e;
}
