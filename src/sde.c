/* sde.c — see sde.h. */
#include "sde.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>
#include <lapacke.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_psi.h>

void sde_pld1d_run(const sde_pld1d *m, double *w, long n, rng_stream *r)
{
    double x = *w;
    /* >>> snippet meng-pld-step */
    for (long t = 0; t < n; t++) /* w ← w − ηH(w−w*) + η√C(w) ξ */
        x = sde_pld1d_step(m, x, rng_normal(r));
    /* <<< snippet */
    *w = x;
}

void sde_pld1d_sample_many(const sde_pld1d *m, double w0, long nsteps, uint64_t seed,
                           uint64_t stream, long nrep, double *out)
{
    sde_pld1d_sample_range(m, w0, nsteps, seed, stream, 0, nrep, out);
}

void sde_pld1d_sample_range(const sde_pld1d *m, double w0, long nsteps, uint64_t seed,
                            uint64_t stream, long i0, long i1, double *out)
{
#pragma omp parallel for schedule(static)
    for (long i = i0; i < i1; i++) {
        rng_stream r;
        rng_init_sub(&r, seed, stream, (uint64_t)i);
        double w = w0;
        sde_pld1d_run(m, &w, nsteps, &r);
        out[i] = w;
    }
}

void sde1d_run(const sde1d *m, double *w, long n, rng_stream *r)
{
    double x = *w;
    for (long t = 0; t < n; t++)
        x += -m->eta * m->grad(x, m->params) + m->eta * sqrt(m->var(x, m->params)) * rng_normal(r);
    *w = x;
}

long sde1d_escape(const sde1d *m, double w0, double barrier, long maxsteps, rng_stream *r)
{
    double x = w0;
    for (long t = 1; t <= maxsteps; t++) {
        x += -m->eta * m->grad(x, m->params) + m->eta * sqrt(m->var(x, m->params)) * rng_normal(r);
        if (x >= barrier)
            return t;
    }
    return -1;
}

void sde1d_escape_range(const sde1d *m, double w0, double barrier, long maxsteps, uint64_t seed,
                        uint64_t stream, long j0, long j1, long *steps)
{
#pragma omp parallel for schedule(dynamic, 4)
    for (long i = j0; i < j1; i++) {
        rng_stream r;
        rng_init_sub(&r, seed, stream, (uint64_t)i);
        steps[i] = sde1d_escape(m, w0, barrier, maxsteps, &r);
    }
}

void sde1d_escape_many(const sde1d *m, double w0, double barrier, long maxsteps, uint64_t seed,
                       uint64_t stream, long nrep, long *steps)
{
    sde1d_escape_range(m, w0, barrier, maxsteps, seed, stream, 0, nrep, steps);
}

void sde_plddiag_sample_q(const sde_plddiag *m, long nsteps, uint64_t seed, uint64_t stream,
                          long nrep, double *q)
{
    sde_plddiag_sample_q_range(m, nsteps, seed, stream, 0, nrep, q);
}

void sde_plddiag_sample_q_range(const sde_plddiag *m, long nsteps, uint64_t seed, uint64_t stream,
                                long i0, long i1, double *q)
{
    int d = m->d;
#pragma omp parallel for schedule(static)
    for (long i = i0; i < i1; i++) {
        rng_stream r;
        rng_init_sub(&r, seed, stream, (uint64_t)i);
        double w[16] = {0}, qq = 0.0;
        for (long t = 0; t < nsteps; t++) {
            double amp = sqrt(1 + qq);
            qq = 0.0;
            for (int k = 0; k < d; k++) {
                w[k] += -m->eta * m->h[k] * w[k] + m->eta * sqrt(m->s[k]) * amp * rng_normal(&r);
                qq += m->gam[k] * w[k] * w[k];
            }
        }
        q[i] = qq;
    }
}

int sde_grid_sinh(sde_grid *g, int n, double lo, double hi, double c, double s)
{
    if (n < 3 || !(lo < hi) || !(s > 0))
        return -1;
    g->n = n;
    g->x = SGDN_NEW(g->x, n);
    g->w = SGDN_NEW(g->w, n);
    double u0 = asinh((lo - c) / s), u1 = asinh((hi - c) / s), du = (u1 - u0) / (n - 1);
    for (int i = 0; i < n; i++) {
        double u = u0 + i * du;
        g->x[i] = i == n - 1 ? hi : c + s * sinh(u);
        /* trapezoid in u: dx = s cosh(u) du */
        g->w[i] = s * cosh(u) * du * (i == 0 || i == n - 1 ? 0.5 : 1.0);
    }
    return 0;
}

void sde_grid_free(sde_grid *g)
{
    free(g->x), free(g->w);
    g->x = g->w = NULL;
    g->n = 0;
}

double sde_grid_interp(const sde_grid *g, const double *f, double x)
{
    if (x <= g->x[0])
        return f[0];
    if (x >= g->x[g->n - 1])
        return f[g->n - 1];
    int lo = 0, hi = g->n - 1;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (g->x[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    double t = (x - g->x[lo]) / (g->x[hi] - g->x[lo]);
    return (1 - t) * f[lo] + t * f[hi];
}

/* Row i of the Nyström kernel: P_ij = w_j N(x_j; μ_i, s_i²), normalised to
 * sum to `mass`.  The normalisation removes the quadrature error of the
 * Gaussian's total mass when s_i is not much wider than the grid spacing. */
static int kernel_row(const sde1d *m, const sde_grid *g, int i, double *row, double *mu, double *sd)
{
    double x = g->x[i];
    *mu = x - m->eta * m->grad(x, m->params);
    *sd = m->eta * sqrt(m->var(x, m->params));
    if (!(*sd > 0))
        return -1;
    double sum = 0.0;
    for (int j = 0; j < g->n; j++) {
        double z = (g->x[j] - *mu) / *sd;
        row[j] = z * z < 1400 ? g->w[j] * exp(-0.5 * z * z) : 0.0;
        sum += row[j];
    }
    if (!(sum > 0))
        return -1;
    for (int j = 0; j < g->n; j++)
        row[j] /= sum;
    return 0;
}

int sde1d_chain_stationary(const sde1d *m, const sde_grid *g, double *p)
{
    int n = g->n, rc = 0;
    /* A = I − Pᵀ (row-major), last equation replaced by Σ π = 1. */
    double *A = SGDN_NEW0(A, (size_t)n * n), *row = SGDN_NEW(row, n);
    lapack_int *piv = SGDN_NEW(piv, n);
    for (int i = 0; i < n && !rc; i++) {
        double mu, sd;
        rc = kernel_row(m, g, i, row, &mu, &sd);
        for (int j = 0; j < n; j++)
            A[(size_t)j * n + i] = -row[j];
        A[(size_t)i * n + i] += 1.0;
    }
    for (int i = 0; i < n; i++) {
        A[(size_t)(n - 1) * n + i] = 1.0;
        p[i] = i == n - 1 ? 1.0 : 0.0;
    }
    if (!rc && LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 1, A, n, piv, p, 1) != 0)
        rc = -1;
    for (int i = 0; i < n && !rc; i++) {
        p[i] /= g->w[i];
        if (!isfinite(p[i]))
            rc = -1;
    }
    free(A), free(row), free(piv);
    return rc;
}

int sde1d_chain_exit_time(const sde1d *m, const sde_grid *g, double barrier, double *T)
{
    int n = g->n, rc = 0;
    /* (I − Q) T = 1, Q_ij = P_ij · P(w' < barrier | w = x_i) */
    double *A = SGDN_NEW0(A, (size_t)n * n), *row = SGDN_NEW(row, n);
    lapack_int *piv = SGDN_NEW(piv, n);
    for (int i = 0; i < n && !rc; i++) {
        double mu, sd;
        rc = kernel_row(m, g, i, row, &mu, &sd);
        double surv = gsl_cdf_ugaussian_P((barrier - mu) / sd);
        for (int j = 0; j < n; j++)
            A[(size_t)i * n + j] = -surv * row[j];
        A[(size_t)i * n + i] += 1.0;
        T[i] = 1.0;
    }
    if (!rc && LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 1, A, n, piv, T, 1) != 0)
        rc = -1;
    for (int i = 0; i < n && !rc; i++)
        if (!isfinite(T[i]) || T[i] < 0)
            rc = -1;
    free(A), free(row), free(piv);
    return rc;
}

/* For p ∝ (1 + q)^{−m}, q = wᵀΓw in d dimensions, the normaliser is
 * Z(m) = π^{d/2} Γ(m − d/2) / (Γ(m) √det Γ), so the family is exponential
 * in the statistic −log(1 + q) with log-partition log Z(m):
 *     E[log(1+q)] = −d/dm log Z = ψ(m) − ψ(m − d/2),
 *     Var[log(1+q)] = d²/dm² log Z = ψ'(m − d/2) − ψ'(m). */
double sde_qgauss_mean_log(double m, double d)
{
    return gsl_sf_psi(m) - gsl_sf_psi(m - 0.5 * d);
}

double sde_qgauss_fisher(double m, double d)
{
    return gsl_sf_psi_1(m - 0.5 * d) - gsl_sf_psi_1(m);
}

typedef struct {
    double S, d;
} mle_par;

static double mle_eq(double lm, void *vp)
{
    mle_par *p = vp; /* unknown: log(m − d/2), so the root is unconstrained */
    return sde_qgauss_mean_log(0.5 * p->d + exp(lm), p->d) - p->S;
}

int sde_qgauss_mle(double S, long N, double d, double *m, double *se)
{
    if (!(S > 0) || N < 1)
        return -1;
    mle_par par = {S, d};
    gsl_function F = {mle_eq, &par};
    /* E[log(1+q)] decreases from +∞ (m → d/2) to 0 (m → ∞): bracket in log. */
    double lo = -30, hi = 30;
    if (mle_eq(lo, &par) < 0 || mle_eq(hi, &par) > 0)
        return -1;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    gsl_root_fsolver_set(s, &F, lo, hi);
    int status = GSL_CONTINUE;
    for (int it = 0; it < 200 && status == GSL_CONTINUE; it++) {
        gsl_root_fsolver_iterate(s);
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                        1e-13, 1e-13);
    }
    double lm = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    gsl_set_error_handler(old);
    *m = 0.5 * d + exp(lm);
    *se = 1.0 / sqrt((double)N * sde_qgauss_fisher(*m, d));
    return status == GSL_SUCCESS ? 0 : -1;
}
