/* fmdyn.c — see fmdyn.h. */
#include "fmdyn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>

#include "err.h"
#include "linalg.h"
#include "stats.h"

void fmdyn_hess_op(void *ctx, const double *x, double *y)
{
    fmdyn_hess *h = ctx;
    nn_hvp(h->e, h->theta, h->d, x, y);
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
    double m = pairs > 0 ? stats_mean(s, (size_t)pairs) : 0.0;
    if (se)
        *se = pairs > 1 ? stats_se(s, (size_t)pairs) : 0.0;
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

/* Σ = RᵀR gives Tr(AΣ) = Tr(R A Rᵀ): Hutchinson's estimator of the N × N
 * operator B = R A Rᵀ, whose probe zᵀBz = εᵀAε with ε = Rᵀz is the
 * factor estimator of fmdyn.h.  One implementation (spectral.h) of the
 * estimator; only the operator is new. */
typedef struct {
    size_t D, N;
    const double *R;
    spectral_op op;
    void *ctx;
    double *eps, *aeps; /* D each */
} factor_op;

static void factor_apply(void *ctx, const double *z, double *y)
{
    factor_op *f = ctx;
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)f->N, (int)f->D, 1.0, f->R, (int)f->D, z, 1, 0.0,
                f->eps, 1); /* ε = Rᵀz */
    f->op(f->ctx, f->eps, f->aeps);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)f->N, (int)f->D, 1.0, f->R, (int)f->D, f->aeps, 1,
                0.0, y, 1); /* y = R A ε */
}

double fmdyn_trace_factor(size_t D, spectral_op op, void *ctx, size_t N, const double *R, int p,
                          rng_stream *r, double *se)
{
    factor_op f = {D, N, R, op, ctx, SGDN_NEW(f.eps, D), SGDN_NEW(f.aeps, D)};
    double m = spectral_hutchinson(N, factor_apply, &f, p, r, se);
    free(f.eps), free(f.aeps);
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

long fmdyn_correct(nn_eval *e, const nn_net *net, const double *theta, nn_data d, double *ok)
{
    int C = net->nout;
    double *F = SGDN_NEW(F, sgdn_mul((size_t)d.n, (size_t)C));
    nn_forward(e, theta, d, F);
    long right = 0;
    for (int i = 0; i < d.n; i++) {
        const double *f = F + (size_t)i * C;
        int am = 0;
        for (int k = 1; k < C; k++)
            if (f[k] > f[am])
                am = k;
        ok[i] = am == d.y[d.idx ? d.idx[i] : (size_t)i];
        right += ok[i] != 0.0;
    }
    free(F);
    return right;
}

double fmdyn_paired_change(const double *const *ok, int S, const double *ref, size_t n, double *se_img,
                           double *se_seed)
{
    double *d = SGDN_NEW(d, n), *c = SGDN_NEW(c, S);
    for (size_t i = 0; i < n; i++) {
        double a = 0.0;
        for (int j = 0; j < S; j++)
            a += ok[j][i];
        d[i] = a / S - ref[i];
    }
    for (int j = 0; j < S; j++) {
        double a = 0.0;
        for (size_t i = 0; i < n; i++)
            a += ok[j][i] - ref[i];
        c[j] = a / (double)n;
    }
    double m = stats_mean(d, n);
    *se_img = n > 1 ? stats_se(d, n) : 0.0;
    *se_seed = S > 1 ? stats_se(c, (size_t)S) : 0.0;
    free(d), free(c);
    return m;
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
