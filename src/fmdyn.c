/* fmdyn.c — see fmdyn.h. */
#include "fmdyn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>

#include "err.h"
#include "linalg.h"

void fmdyn_hess_op(void *ctx, const double *x, double *y)
{
    fmdyn_hess *h = ctx;
    nn_hvp(h->e, h->theta, h->d, x, y);
}

/* mean and standard error of x[0..n) */
static double mean_se(const double *x, int n, double *se)
{
    double s = 0.0, s2 = 0.0;
    for (int i = 0; i < n; i++)
        s += x[i];
    double m = s / n;
    for (int i = 0; i < n; i++)
        s2 += (x[i] - m) * (x[i] - m);
    if (se)
        *se = n > 1 ? sqrt(s2 / (n - 1) / n) : 0.0;
    return m;
}

double fmdyn_sharpness(nn_eval *e, size_t D, const double *theta, nn_data d, double delta,
                       int pairs, uint64_t seed, uint64_t stream, double *se, double *L0out)
{
    double L0 = nn_loss_grad(e, theta, d, NULL, NULL);
    double *nu = SGDN_NEW(nu, D), *tp = SGDN_NEW(tp, D), *tm = SGDN_NEW(tm, D);
    double *s = SGDN_NEW(s, pairs > 0 ? pairs : 1);
    /* >>> snippet fmdyn-sharpness */
    for (int p = 0; p < pairs; p++) {
        rng_stream r;
        rng_init_sub(&r, seed, stream, (uint64_t)p);
        rng_normal_fill(&r, nu, D);
        for (size_t k = 0; k < D; k++)
            tp[k] = theta[k] + delta * nu[k], tm[k] = theta[k] - delta * nu[k];
        /* θ + δz and θ − δz: the first-order term ∇L·δz cancels in the pair's mean */
        s[p] = 0.5 * (nn_loss_grad(e, tp, d, NULL, NULL) + nn_loss_grad(e, tm, d, NULL, NULL)) - L0;
    }
    /* <<< snippet */
    double m = pairs > 0 ? mean_se(s, pairs, se) : 0.0;
    if (L0out)
        *L0out = L0;
    free(nu), free(tp), free(tm), free(s);
    return m;
}

int fmdyn_subspace_step(size_t n, spectral_op op, void *ctx, size_t k, double *Q, double *lam,
                        double *U, double *resid)
{
    double *Y = SGDN_NEW(Y, sgdn_mul(n, k)), *v = SGDN_NEW(v, n), *hv = SGDN_NEW(hv, n);
    double *B = SGDN_NEW(B, k * k), *W = SGDN_NEW(W, k * k), *w = SGDN_NEW(w, k);
    double *AU = SGDN_NEW(AU, sgdn_mul(n, k)), *tau = SGDN_NEW(tau, k);
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++)
            v[i] = Q[i * k + j];
        op(ctx, v, hv);
        for (size_t i = 0; i < n; i++)
            Y[i * k + j] = hv[i];
    }
    /* Rayleigh quotient QᵀAQ, symmetrised against rounding */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)k, (int)n, 1.0, Q, (int)k, Y,
                (int)k, 0.0, B, (int)k);
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < a; b++)
            B[a * k + b] = B[b * k + a] = 0.5 * (B[a * k + b] + B[b * k + a]);
    int rc = linalg_sym_eig((int)k, B, w, W); /* descending */
    if (!rc) {
        memcpy(lam, w, k * sizeof *w);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)k, (int)k, 1.0, Y, (int)k,
                    W, (int)k, 0.0, AU, (int)k);
        if (U || resid) {
            double *Uw = U ? U : SGDN_NEW(Uw, sgdn_mul(n, k));
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)k, (int)k, 1.0, Q,
                        (int)k, W, (int)k, 0.0, Uw, (int)k);
            if (resid)
                for (size_t j = 0; j < k; j++) {
                    double r2 = 0.0;
                    for (size_t i = 0; i < n; i++) {
                        double x = AU[i * k + j] - lam[j] * Uw[i * k + j];
                        r2 += x * x;
                    }
                    resid[j] = sqrt(r2);
                }
            if (!U)
                free(Uw);
        }
        /* the next subspace: orth(A U), columns kept in eigenvalue order */
        memcpy(Q, AU, n * k * sizeof *Q);
        rc = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)k, Q, (lapack_int)k, tau);
        if (!rc)
            rc = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)k, (lapack_int)k, Q,
                                (lapack_int)k, tau);
    }
    free(Y), free(v), free(hv), free(B), free(W), free(w), free(AU), free(tau);
    return rc;
}

double fmdyn_trace_factor(size_t D, spectral_op op, void *ctx, size_t N, const double *R, int p,
                          rng_stream *r, double *se)
{
    double *z = SGDN_NEW(z, N), *eps = SGDN_NEW(eps, D), *aeps = SGDN_NEW(aeps, D);
    double *q = SGDN_NEW(q, p > 0 ? p : 1);
    for (int j = 0; j < p; j++) {
        for (size_t i = 0; i < N; i++)
            z[i] = rng_rademacher(r);
        /* ε = Rᵀz: Cov ε = RᵀR = Σ */
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)N, (int)D, 1.0, R, (int)D, z, 1, 0.0, eps, 1);
        op(ctx, eps, aeps);
        q[j] = cblas_ddot((int)D, eps, 1, aeps, 1);
    }
    double m = p > 0 ? mean_se(q, p, se) : 0.0;
    free(z), free(eps), free(aeps), free(q);
    return m;
}

double fmdyn_quad_factor(size_t D, size_t N, const double *R, const double *u)
{
    double *ru = SGDN_NEW(ru, N);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)D, 1.0, R, (int)D, u, 1, 0.0, ru, 1);
    double q = cblas_ddot((int)N, ru, 1, ru, 1);
    free(ru);
    return q;
}

int fmdyn_task_load(const char *datadir, int ntrain, int ncorrupt, int ntest, uint64_t seed,
                    const char *theta_path, size_t D, fmnist_set *train, fmnist_set *test,
                    double *theta, char *err, size_t errlen)
{
    memset(train, 0, sizeof *train), memset(test, 0, sizeof *test);
    FILE *f = fopen(theta_path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read theta*_GD from '%s' (run zhu_fm_gd first)", theta_path);
        return -1;
    }
    size_t got = fread(theta, sizeof *theta, D, f);
    int extra = fgetc(f) != EOF;
    fclose(f);
    if (got != D || extra) {
        snprintf(err, errlen, "'%s' does not hold %zu doubles", theta_path, D);
        return -1;
    }
    fmnist_set all;
    if (fmnist_load_at_least(datadir, "train", ntrain, "--ntrain", &all, err, errlen))
        return -1;
    if (fmnist_load_at_least(datadir, "t10k", ntest, "--ntest", test, err, errlen)) {
        fmnist_free(&all);
        return -1;
    }
    fmnist_corrupted_subset(&all, ntrain, ncorrupt, seed, 1, train, NULL);
    fmnist_free(&all);
    test->n = ntest < test->n ? ntest : test->n;
    return 0;
}

void fmdyn_task_free(fmnist_set *train, fmnist_set *test)
{
    fmnist_free(train);
    test->n = 10000;
    fmnist_free(test);
}
