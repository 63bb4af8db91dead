/* linreg_tail.c — the tail of linear-regression SGD as a discrete chain:
 * the Kesten index of the population chain and the exact mean
 * first-passage time of its radial part (declared in linreg.h). */
#include "linreg.h"

#include <math.h>
#include <stdlib.h>
#include <lapacke.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

/* χ²_k density at x (k ≥ 1). */
static double chisq_pdf(double x, int k)
{
    return exp((k / 2.0 - 1) * log(x) - x / 2 - (k / 2.0) * M_LN2 - lgamma(k / 2.0));
}

/* --- the Kesten tail index of the population chain ----------------------- */
typedef struct {
    int d, B;
    double eta, S, s;
    gsl_integration_workspace *wi;
} kesten_par;

/* over t = √Q (dQ = 2t dt), which removes the χ²_1 density's singularity
 * at Q = 0 (d = 2) */
static double kesten_inner(double t, void *vp)
{
    const kesten_par *p = vp;
    double a = 1 - p->eta * p->S / p->B, b = p->eta * p->eta * p->S / ((double)p->B * p->B), Q = t * t;
    return t > 0 ? pow(a * a + b * Q, p->s) * chisq_pdf(Q, p->d - 1) * 2 * t : 0;
}

static double kesten_outer(double S, void *vp)
{
    kesten_par *p = vp;
    double v, e;
    if (p->d == 1) {
        double a = 1 - p->eta * S / p->B;
        v = pow(a * a, p->s);
    } else {
        p->S = S;
        gsl_function F = {kesten_inner, p};
        gsl_integration_qagiu(&F, 0, 1e-13, 1e-10, 1000, p->wi, &v, &e);
    }
    return v * chisq_pdf(S, p->B);
}

/* E|Me|^{2s} − 1 */
static int kesten_moment(kesten_par *p, double s, double *g)
{
    gsl_integration_workspace *wo = gsl_integration_workspace_alloc(1000);
    p->s = s;
    gsl_function F = {kesten_outer, p};
    double s0 = p->B / p->eta, v1, e1, v2, e2;
    int st = gsl_integration_qags(&F, 0, s0, 1e-13, 1e-10, 1000, wo, &v1, &e1);
    st |= gsl_integration_qagiu(&F, s0, 1e-13, 1e-10, 1000, wo, &v2, &e2);
    gsl_integration_workspace_free(wo);
    *g = v1 + v2 - 1;
    return st || !isfinite(*g) ? -1 : 0;
}

int linreg_kesten_population(int d, int B, double eta, double *s, double *err)
{
    if (d < 1 || B < 1 || !(eta > 0))
        return -1;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    kesten_par p = {d, B, eta, 0, 0, gsl_integration_workspace_alloc(1000)};
    /* g(s) = E A^s − 1 is convex with g(0) = 0 and g'(0) = 2λ < 0: bracket
     * the positive root between the first s with g < 0 and the first with
     * g > 0, then bisect (g is smooth; 60 halvings reach rounding). */
    double lo = 1e-3, hi = 1, g;
    int st = kesten_moment(&p, lo, &g);
    if (!st && !(g < 0))
        st = -1; /* λ ≥ 0: no stationary tail */
    while (!st && (st = kesten_moment(&p, hi, &g)) == 0 && g < 0) {
        lo = hi, hi *= 2;
        if (hi > 1e3)
            st = -1;
    }
    for (int it = 0; !st && it < 60 && hi - lo > 1e-9 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        st = kesten_moment(&p, mid, &g);
        if (g < 0)
            lo = mid;
        else
            hi = mid;
    }
    gsl_integration_workspace_free(p.wi);
    gsl_set_error_handler(old);
    *s = 0.5 * (lo + hi);
    *err = hi - lo;
    return st ? -1 : 0;
}

/* --- the radial chain of the population model ---------------------------- */
/* Normalised Gauss nodes: Hermite for N(0, 1), generalised Laguerre for
 * χ²_k (weight Q^{k/2−1} e^{−Q/2}). */
static int gauss_nodes(const gsl_integration_fixed_type *T, size_t n, double b, double alpha, double *x,
                       double *w)
{
    gsl_integration_fixed_workspace *ws = gsl_integration_fixed_alloc(T, n, 0, b, alpha, 0);
    if (!ws)
        return -1;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        x[i] = gsl_integration_fixed_nodes(ws)[i], w[i] = gsl_integration_fixed_weights(ws)[i], s += w[i];
    for (size_t i = 0; i < n; i++)
        w[i] /= s;
    gsl_integration_fixed_free(ws);
    return isfinite(s) && s > 0 ? 0 : -1;
}

#define RC_NX 20 /* Hermite nodes for x1 and for ε */
#define RC_NQ 16 /* Laguerre nodes for Q */

typedef struct {
    int d;
    double eta, sd_eps;
    double x[RC_NX], wx[RC_NX], q[RC_NQ], wq[RC_NQ];
} radial_chain;

/* T(0) for the level rc on M intervals (node M absorbing). */
static int radial_chain_solve(const radial_chain *c, double rc, int M, double *T0)
{
    double h = rc / M;
    int n = M, nq = c->d > 1 ? RC_NQ : 1;
    double *A = calloc((size_t)n * n, sizeof *A), *b = malloc((size_t)n * sizeof *b);
    lapack_int *piv = malloc((size_t)n * sizeof *piv);
    if (!A || !b || !piv) {
        free(A), free(b), free(piv);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        double rho = i * h, *row = A + (size_t)i * n;
        row[i] += 1;
        b[i] = c->eta;
        for (int a = 0; a < RC_NX; a++)
            for (int e = 0; e < RC_NX; e++) {
                double x1 = c->x[a], w = rho * x1 + c->sd_eps * c->x[e], wae = c->wx[a] * c->wx[e];
                for (int k = 0; k < nq; k++) {
                    double Q = c->d > 1 ? c->q[k] : 0, wt = wae * (c->d > 1 ? c->wq[k] : 1);
                    /* |u'|² = ρ² − 2ηρ x1 w + η²|x|² w², u = ρe1, w = ρx1 + ε */
                    double r2 = rho * rho - 2 * c->eta * rho * x1 * w + c->eta * c->eta * (x1 * x1 + Q) * w * w;
                    double pos = sqrt(r2 > 0 ? r2 : 0) / h;
                    if (!(pos < M))
                        continue; /* reached the level */
                    int j = (int)pos;
                    double f = pos - j;
                    row[j] -= (1 - f) * wt;
                    if (j + 1 < M)
                        row[j + 1] -= f * wt;
                }
            }
    }
    lapack_int st = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 1, A, n, piv, b, 1);
    *T0 = b[0];
    free(A), free(b), free(piv);
    return st || !isfinite(*T0) || !(*T0 > 0) ? -1 : 0;
}

int linreg_radial_chain_mfpt(int d, double eta, double Lstar, const double *rc, int nlev, int M, double *T,
                             double *err)
{
    if (d < 1 || !(eta > 0) || !(Lstar > 0) || M < 16 || M % 2)
        return -1;
    radial_chain c = {.d = d, .eta = eta, .sd_eps = sqrt(2 * Lstar)};
    if (gauss_nodes(gsl_integration_fixed_hermite, RC_NX, 0.5, 0, c.x, c.wx))
        return -1;
    if (d > 1 && gauss_nodes(gsl_integration_fixed_laguerre, RC_NQ, 0.5, (d - 1) / 2.0 - 1, c.q, c.wq))
        return -1;
    for (int l = 0; l < nlev; l++) {
        double Th;
        if (!(rc[l] > 0) || radial_chain_solve(&c, rc[l], M, &T[l]) || radial_chain_solve(&c, rc[l], M / 2, &Th))
            return -1;
        err[l] = fabs(T[l] - Th);
    }
    return 0;
}

