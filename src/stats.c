/* stats.c — see stats.h. */
#include "stats.h"
#include "err.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>

void stats_acc_init(stats_acc *a)
{
    a->n = 0.0;
    a->mean = 0.0;
    a->m2 = 0.0;
}

void stats_acc_add(stats_acc *a, double x)
{
    a->n += 1.0;
    double d = x - a->mean;
    a->mean += d / a->n;
    a->m2 += d * (x - a->mean);
}

void stats_acc_merge(stats_acc *a, const stats_acc *b)
{
    if (b->n == 0.0)
        return;
    double n = a->n + b->n;
    double d = b->mean - a->mean;
    a->mean += d * b->n / n;
    a->m2 += b->m2 + d * d * a->n * b->n / n;
    a->n = n;
}

double stats_acc_var(const stats_acc *a)
{
    return a->n > 1.0 ? a->m2 / (a->n - 1.0) : NAN;
}

double stats_acc_se(const stats_acc *a)
{
    return sqrt(stats_acc_var(a) / a->n);
}

double stats_mean(const double *x, size_t n)
{
    stats_acc a;
    stats_acc_init(&a);
    for (size_t i = 0; i < n; i++)
        stats_acc_add(&a, x[i]);
    return a.mean;
}

double stats_var(const double *x, size_t n)
{
    stats_acc a;
    stats_acc_init(&a);
    for (size_t i = 0; i < n; i++)
        stats_acc_add(&a, x[i]);
    return stats_acc_var(&a);
}

double stats_se(const double *x, size_t n)
{
    return sqrt(stats_var(x, n) / (double)n);
}

double stats_z_two_sided(double alpha)
{
    return gsl_cdf_ugaussian_Qinv(alpha / 2.0);
}

double stats_z_bonferroni(double alpha, int m)
{
    return stats_z_two_sided(alpha / (double)m);
}

void stats_binom_wilson(long k, long n, double alpha, double *lo, double *hi)
{
    double z = stats_z_two_sided(alpha), z2 = z * z;
    double p = (double)k / (double)n, nn = (double)n;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

/* x in (0,1) with cdf(x) = target for an increasing cdf, by bisection: the
 * beta-quantile functions of GSL fail to converge for large n. */
static double beta_quantile(double target, double a, double b, int upper)
{
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        double c = upper ? 1.0 - gsl_cdf_beta_Q(mid, a, b) : gsl_cdf_beta_P(mid, a, b);
        if (c < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void stats_binom_exact(long k, long n, double alpha, double *lo, double *hi)
{
    /* Clopper–Pearson: lo is the alpha/2 quantile of Beta(k, n−k+1), hi the
     * 1 − alpha/2 quantile of Beta(k+1, n−k). */
    *lo = k == 0 ? 0.0 : beta_quantile(alpha / 2, (double)k, (double)(n - k + 1), 0);
    *hi = k == n ? 1.0 : beta_quantile(1 - alpha / 2, (double)(k + 1), (double)(n - k), 1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stats_bootstrap_mean(const double *x, size_t n, int B, double alpha,
                          rng_stream *r, double *lo, double *hi)
{
    double *m = SGDN_NEW(m, (size_t)B);
    for (int b = 0; b < B; b++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += x[rng_uniform_int(r, n)];
        m[b] = s / (double)n;
    }
    qsort(m, (size_t)B, sizeof *m, cmp_double);
    size_t ilo = (size_t)floor(alpha / 2 * (B - 1));
    size_t ihi = (size_t)ceil((1 - alpha / 2) * (B - 1));
    *lo = m[ilo];
    *hi = m[ihi];
    free(m);
}

static double r_squared(const double *x, const double *y, size_t n, double a, double b)
{
    double my = stats_mean(y, n), ss_res = 0.0, ss_tot = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - a - b * x[i];
        ss_res += e * e;
        ss_tot += (y[i] - my) * (y[i] - my);
    }
    return ss_tot > 0 ? 1.0 - ss_res / ss_tot : NAN;
}

/* A failed fit leaves every output NaN, never last call's numbers. */
static int fit_fail(stats_fit *f, int status)
{
    f->a = f->b = f->se_a = f->se_b = f->cov_ab = f->r2 = NAN;
    f->n = 0;
    return status;
}

static int fit_finish(stats_fit *f, size_t n, double c00, double c01, double c11,
                      const double *x, const double *y)
{
    f->se_a = sqrt(c00);
    f->se_b = sqrt(c11);
    f->cov_ab = c01;
    f->n = n;
    f->r2 = r_squared(x, y, n, f->a, f->b);
    if (!isfinite(f->a) || !isfinite(f->b) || !isfinite(f->se_a) || !isfinite(f->se_b))
        return fit_fail(f, SGDN_EDIVERGE);
    return SGDN_OK;
}

int stats_fit_line(const double *x, const double *y, size_t n, stats_fit *f)
{
    double c00, c01, c11, sumsq;
    if (n < 3)
        return fit_fail(f, SGDN_EDOM);
    if (gsl_fit_linear(x, 1, y, 1, n, &f->a, &f->b, &c00, &c01, &c11, &sumsq))
        return fit_fail(f, SGDN_ESING);
    return fit_finish(f, n, c00, c01, c11, x, y);
}

int stats_fit_line_weighted(const double *x, const double *y, const double *sy,
                            size_t n, stats_fit *f, double *chi2)
{
    double c00, c01, c11;
    *chi2 = NAN;
    if (n < 3)
        return fit_fail(f, SGDN_EDOM);
    double *w = SGDN_NEW(w, n);
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0 / (sy[i] * sy[i]);
    int rc = gsl_fit_wlinear(x, 1, w, 1, y, 1, n, &f->a, &f->b, &c00, &c01, &c11, chi2);
    free(w);
    if (rc)
        return fit_fail(f, SGDN_ESING);
    return fit_finish(f, n, c00, c01, c11, x, y);
}
