/* pwell.c — the piecewise-quadratic barrier family; see pwell.h. */
#include "pwell.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <lapacke.h>

#include "err.h"
#include "rng.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int pwell_init(pwell *p, double Ha, double Hb, const double *x, int n)
{
    SGDN_REQUIRE(n >= 1 && Ha > 0 && Hb > 0);
    p->Ha = Ha, p->Hb = Hb, p->n = n;
    p->x = SGDN_NEW(p->x, n);
    p->cx = SGDN_NEW(p->cx, n + 1);
    memcpy(p->x, x, (size_t)n * sizeof *x);
    qsort(p->x, (size_t)n, sizeof *p->x, cmp_double);
    p->cx[0] = 0;
    for (int i = 0; i < n; i++)
        p->cx[i + 1] = p->cx[i] + p->x[i];
    pwell_set_barrier(p, 1.0);
    return 0;
}

void pwell_free(pwell *p)
{
    free(p->x), free(p->cx);
    p->x = p->cx = NULL;
}

void pwell_set_barrier(pwell *p, double dL0)
{
    SGDN_REQUIRE(dL0 > 0);
    p->dL0 = dL0;
    p->u1 = sqrt(2 * dL0 / (p->Ha * (1 + p->Ha / p->Hb)));
    p->b = p->u1 * (1 + p->Ha / p->Hb);
}

double pwell_ell(const pwell *p, double u)
{
    return u < p->u1 ? 0.5 * p->Ha * u * u : p->dL0 - 0.5 * p->Hb * (u - p->b) * (u - p->b);
}

double pwell_ell_grad(const pwell *p, double u)
{
    return u < p->u1 ? p->Ha * u : -p->Hb * (u - p->b);
}

double pwell_loss(const pwell *p, double w)
{
    double s = 0;
    for (int i = 0; i < p->n; i++)
        s += pwell_ell(p, w - p->x[i]);
    return s / p->n;
}

double pwell_grad(const pwell *p, double w)
{
    /* k = #{i : x_i ≤ w − u1} (those have u = w − x_i ≥ u1: past the junction) */
    double t = w - p->u1;
    int lo = 0, hi = p->n;
    if (t < p->x[0])
        hi = 0;
    else if (t >= p->x[p->n - 1])
        lo = p->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (p->x[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    int k = lo, n = p->n;
    double past = -p->Hb * (k * (w - p->b) - p->cx[k]);
    double well = p->Ha * ((n - k) * w - (p->cx[n] - p->cx[k]));
    return (past + well) / n;
}

int pwell_critical(const pwell *p, double *wstar, double *saddle)
{
    double lo = p->x[0] - 2, hi = p->b + p->x[p->n - 1] + 2;
    const int N = 4000;
    double h = (hi - lo) / N, prev = pwell_grad(p, lo), pts[2];
    int found = 0;
    for (int k = 1; k <= N && found < 2; k++) {
        double x = lo + k * h, g = pwell_grad(p, x);
        if ((found == 0 && prev < 0 && g >= 0) || (found == 1 && prev > 0 && g <= 0)) {
            double a = x - h, c = x;
            for (int it = 0; it < 100; it++) {
                double m = 0.5 * (a + c), gm = pwell_grad(p, m);
                if ((gm < 0) == (found == 0))
                    a = m;
                else
                    c = m;
            }
            pts[found++] = 0.5 * (a + c);
        }
        prev = g;
    }
    if (found < 2) {
        *wstar = *saddle = NAN;
        return SGDN_EDOM;
    }
    *wstar = pts[0], *saddle = pts[1];
    return 0;
}

typedef struct {
    double c, s, a;
} kes_par;

static double kes_integrand(double z, void *vp)
{
    const kes_par *k = vp;
    double v = fabs(k->c + k->s * z);
    return v > 0 ? exp(k->a * log(v) - 0.5 * z * z) / sqrt(2 * M_PI) : 0; /* no inf·0 */
}

/* E|c + sξ|^a − 1 by adaptive quadrature, split at the zero −c/s */
static int kes_moment(double c, double s, double a, double *f)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    kes_par k = {c, s, a};
    gsl_function F = {kes_integrand, &k};
    double z0 = -c / s, r1, r2, e;
    int st = gsl_integration_qagil(&F, z0, 0, 1e-12, 1000, ws, &r1, &e);
    if (!st)
        st = gsl_integration_qagiu(&F, z0, 0, 1e-12, 1000, ws, &r2, &e);
    gsl_integration_workspace_free(ws);
    *f = st ? NAN : r1 + r2 - 1;
    return st;
}

int pwell_kesten_index(double c, double s, double *alpha)
{
    SGDN_REQUIRE(s > 0);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double lo = 1e-3, hi = 100, f;
    int st = kes_moment(c, s, lo, &f);
    if (!st && f >= 0)
        st = SGDN_EDOM; /* E log|c + sξ| ≥ 0: no positive root */
    if (!st && !kes_moment(c, s, hi, &f) && f <= 0)
        st = SGDN_EDOM;
    for (int it = 0; it < 80 && !st; it++) {
        double m = 0.5 * (lo + hi);
        if (kes_moment(c, s, m, &f)) {
            st = SGDN_ENOCONV;
            break;
        }
        if (f < 0)
            lo = m;
        else
            hi = m;
    }
    gsl_set_error_handler(old);
    if (st && st != SGDN_EDOM)
        st = SGDN_ENOCONV;
    *alpha = st ? NAN : 0.5 * (lo + hi);
    return st;
}

double pwell_sgd_exit_time(const pwell *p, double eta, double lo, double s, double w0, int n)
{
    SGDN_REQUIRE(n >= 2 && lo < w0 && w0 <= s);
    double h = (s - lo) / (n - 1), res = NAN;
    double *A = SGDN_NEW0(A, sgdn_mul(n, n)), *T = SGDN_NEW(T, n);
    lapack_int *piv = SGDN_NEW(piv, n);
    for (int r = 0; r < n; r++) {
        double w = lo + r * h;
        A[(size_t)r * n + r] += 1.0;
        T[r] = 1.0;
        for (int i = 0; i < p->n; i++) {
            double y = w - eta * pwell_ell_grad(p, w - p->x[i]);
            if (y >= s)
                continue;
            double u = fmax((y - lo) / h, 0); /* below the grid: onto its first node */
            int j = (int)floor(u);
            if (j >= n - 1)
                j = n - 2;
            A[(size_t)r * n + j] -= (1 - (u - j)) / p->n;
            A[(size_t)r * n + j + 1] -= (u - j) / p->n;
        }
    }
    if (LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 1, A, n, piv, T, 1) == 0) {
        double u = (w0 - lo) / h;
        int j = (int)floor(u);
        if (j >= n - 1)
            j = n - 2;
        res = (1 - (u - j)) * T[j] + (u - j) * T[j + 1];
    }
    free(A), free(T), free(piv);
    return res;
}

long pwell_sgd_escape(const pwell *p, double eta, double w0, double s, long maxsteps, rng_stream *r)
{
    double w = w0;
    for (long t = 1; t <= maxsteps; t++) {
        w -= eta * pwell_ell_grad(p, w - p->x[rng_uniform_int(r, (uint64_t)p->n)]);
        if (w >= s)
            return t;
    }
    return -1;
}
