/* tailfit.c — see tailfit.h. */
#include "tailfit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "err.h"

static double t_const(double s, double nu)
{
    return gsl_sf_lngamma(0.5 * (nu + 1)) - gsl_sf_lngamma(0.5 * nu) - 0.5 * log(nu * M_PI) - log(s);
}

double tailfit_t_logpdf(double x, double mu, double s, double nu)
{
    double z = (x - mu) / s;
    return t_const(s, nu) - 0.5 * (nu + 1) * log1p(z * z / nu);
}

double tailfit_t_loglik(const double *x, size_t n, double mu, double s, double nu)
{
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) {
        double z = (x[i] - mu) / s;
        acc += log1p(z * z / nu);
    }
    return n * t_const(s, nu) - 0.5 * (nu + 1) * acc;
}

int tailfit_t_fixed_nu(const double *x, size_t n, double nu, double *mu, double *s,
                       double *loglik)
{
    if (n < 2 || !(nu > 0) || !(*s > 0))
        return SGDN_EDOM;
    double m = *mu, sc = *s, ll = tailfit_t_loglik(x, n, m, sc, nu);
    /* EM: the likelihood increases at every step; stop when it no longer
     * moves at the precision of a double */
    for (int it = 0; it < 20000; it++) {
        double sw = 0.0, swx = 0.0;
        for (size_t i = 0; i < n; i++) {
            double z = (x[i] - m) / sc, w = (nu + 1) / (nu + z * z);
            sw += w, swx += w * x[i];
        }
        double m2 = swx / sw, ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            double z = (x[i] - m) / sc, w = (nu + 1) / (nu + z * z), d = x[i] - m2;
            ss += w * d * d;
        }
        double s2 = sqrt(ss / n);
        if (!(s2 > 0) || !isfinite(m2))
            return SGDN_EDIVERGE;
        double ll2 = tailfit_t_loglik(x, n, m2, s2, nu);
        int done = fabs(ll2 - ll) <= 1e-12 * (fabs(ll) + n) && fabs(m2 - m) <= 1e-10 * s2 &&
                   fabs(s2 - sc) <= 1e-10 * s2;
        m = m2, sc = s2, ll = ll2;
        if (done) {
            *mu = m, *s = sc, *loglik = ll;
            return SGDN_OK;
        }
    }
    *mu = m, *s = sc, *loglik = ll;
    return SGDN_ENOCONV;
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* The smallest ν fitted: with μ on a data point and s → 0 the likelihood
 * behaves as s^((n−1)ν − 1), unbounded when (n − 1)ν < 1; stay well clear. */
static double nu_lo(size_t n)
{
    double b = 2.0 / (double)(n - 1);
    return b > TAILFIT_NU_MIN ? b : TAILFIT_NU_MIN;
}

/* the profile log-likelihood at ν, warm-started from (*mu, *s) */
static int profile(const double *x, size_t n, double nu, double *mu, double *s, double *ll)
{
    return tailfit_t_fixed_nu(x, n, nu, mu, s, ll);
}

int tailfit_t_mle(const double *x, size_t n, double nu_max, tailfit_t *fit)
{
    fit->mu = fit->s = fit->nu = fit->loglik = NAN;
    fit->at_max = 0;
    if (n < 3 || !(nu_max > TAILFIT_NU_MIN))
        return SGDN_EDOM;
    /* start: median and the MAD scale */
    double *y = SGDN_NEW(y, n);
    memcpy(y, x, n * sizeof *y);
    qsort(y, n, sizeof *y, cmp_double);
    double med = y[n / 2];
    for (size_t i = 0; i < n; i++)
        y[i] = fabs(x[i] - med);
    qsort(y, n, sizeof *y, cmp_double);
    double mad = 1.4826 * y[n / 2];
    free(y);
    if (!(mad > 0)) {
        double m, sg, l;
        tailfit_gauss_mle(x, n, &m, &sg, &l);
        if (!(sg > 0))
            return SGDN_EDOM;
        mad = sg;
    }
    /* a grid in log ν, then golden section around its best point */
    enum { G = 41 };
    double lmin = log(nu_lo(n)), lmax = log(nu_max), lg[G], pl[G], pm[G], ps[G];
    double mu = med, s = mad;
    int best = 0;
    for (int k = G - 1; k >= 0; k--) { /* from the Gaussian end: warm starts stay stable */
        lg[k] = lmin + (lmax - lmin) * k / (G - 1);
        int st = profile(x, n, exp(lg[k]), &mu, &s, &pl[k]);
        if (st)
            return st;
        pm[k] = mu, ps[k] = s;
    }
    for (int k = 1; k < G; k++)
        if (pl[k] > pl[best])
            best = k;
    if (best == G - 1 && pl[G - 1] >= pl[G - 2]) {
        *fit = (tailfit_t){pm[G - 1], ps[G - 1], nu_max, pl[G - 1], 1};
        return SGDN_OK;
    }
    double a = lg[best > 0 ? best - 1 : 0], b = lg[best < G - 1 ? best + 1 : G - 1];
    const double gr = 0.5 * (sqrt(5.0) - 1);
    double c = b - gr * (b - a), d = a + gr * (b - a), fc, fd, mc = pm[best], sc = ps[best],
           md = mc, sd = sc;
    int st;
    if ((st = profile(x, n, exp(c), &mc, &sc, &fc)) || (st = profile(x, n, exp(d), &md, &sd, &fd)))
        return st;
    while (b - a > 1e-7) {
        if (fc > fd) {
            b = d, d = c, fd = fc, md = mc, sd = sc;
            c = b - gr * (b - a);
            if ((st = profile(x, n, exp(c), &mc, &sc, &fc)))
                return st;
        } else {
            a = c, c = d, fc = fd, mc = md, sc = sd;
            d = a + gr * (b - a);
            if ((st = profile(x, n, exp(d), &md, &sd, &fd)))
                return st;
        }
    }
    if (fc > fd)
        *fit = (tailfit_t){mc, sc, exp(c), fc, 0};
    else
        *fit = (tailfit_t){md, sd, exp(d), fd, 0};
    if (pl[best] > fit->loglik) /* never worse than the grid */
        *fit = (tailfit_t){pm[best], ps[best], exp(lg[best]), pl[best], 0};
    return SGDN_OK;
}

/* bisection in log ν for the crossing of the cut between la (above the
 * cut) and lb (below it) */
static int crossing(const double *x, size_t n, const tailfit_t *fit, double cut, double la,
                    double lb, double *out)
{
    double mu = fit->mu, s = fit->s, ll;
    for (int it = 0; it < 60 && fabs(lb - la) > 1e-6; it++) {
        double lm = 0.5 * (la + lb);
        int st = profile(x, n, exp(lm), &mu, &s, &ll);
        if (st)
            return st;
        if (ll >= cut)
            la = lm;
        else
            lb = lm;
    }
    *out = exp(0.5 * (la + lb));
    return SGDN_OK;
}

int tailfit_t_profile_interval(const double *x, size_t n, const tailfit_t *fit, double level,
                               double nu_max, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (!(level > 0 && level < 1) || !(fit->s > 0))
        return SGDN_EDOM;
    double cut = fit->loglik - 0.5 * gsl_cdf_chisq_Pinv(level, 1.0), ll, mu = fit->mu, s = fit->s;
    double l0 = log(fit->nu);
    int st;
    /* lower end */
    if ((st = profile(x, n, nu_lo(n), &mu, &s, &ll)))
        return st;
    if (ll >= cut)
        *lo = nu_lo(n);
    else if ((st = crossing(x, n, fit, cut, l0, log(nu_lo(n)), lo)))
        return st;
    /* upper end */
    mu = fit->mu, s = fit->s;
    if (fit->at_max) {
        *hi = INFINITY;
        return SGDN_OK;
    }
    if ((st = profile(x, n, nu_max, &mu, &s, &ll)))
        return st;
    if (ll >= cut) {
        *hi = INFINITY;
        return SGDN_OK;
    }
    return crossing(x, n, fit, cut, l0, log(nu_max), hi);
}

void tailfit_gauss_mle(const double *x, size_t n, double *mu, double *sigma, double *loglik)
{
    double m = 0.0, v = 0.0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    v /= n;
    *mu = m, *sigma = sqrt(v);
    *loglik = -0.5 * n * (log(2 * M_PI * v) + 1);
}

double tailfit_lr_pvalue(double lr)
{
    if (!(lr > 0))
        return 1.0;
    return 0.5 * gsl_cdf_chisq_Q(lr, 1.0);
}

double tailfit_vuong(const double *x, size_t n, const tailfit_t *t, double gmu, double gsigma)
{
    double sum = 0.0, sum2 = 0.0, cg = -0.5 * log(2 * M_PI) - log(gsigma);
    for (size_t i = 0; i < n; i++) {
        double z = (x[i] - gmu) / gsigma;
        double d = tailfit_t_logpdf(x[i], t->mu, t->s, t->nu) - (cg - 0.5 * z * z);
        sum += d, sum2 += d * d;
    }
    double m = sum / n, var = sum2 / n - m * m;
    return var > 0 ? sqrt((double)n) * m / sqrt(var) : 0.0;
}

double tailfit_t_quantile(const tailfit_t *t, double p)
{
    return t->mu + t->s * gsl_cdf_tdist_Pinv(p, t->nu);
}
