/* kesten1d.c — tail index and Lyapunov exponent of the 1-D random linear
 * recursion of linear-regression SGD (kesten1d.h). */
#include "kesten1d.h"

#include <math.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

/* Kesten's tail index of u ← (1 − ηm)u + noise with m = χ²_B/B·h (Gaussian
 * population): α > 0 with E|1 − ηm|^α = 1. */
typedef struct { double eta, h, alpha; int B; } kes_par;
static double kes_integrand(double s, void *vp)
{
    const kes_par *k = vp;
    double a = fabs(1 - k->eta * k->h * s / k->B);
    if (a == 0)
        return 0;
    return exp(k->alpha * log(a) + log(gsl_ran_chisq_pdf(s, k->B)));
}
static double kes_moment(kes_par *k, gsl_integration_workspace *ws)
{
    gsl_function F = {kes_integrand, k};
    double s0 = k->B / (k->eta * k->h), r1, r2, e;
    gsl_integration_qags(&F, 0, s0, 0, 1e-10, 1000, ws, &r1, &e);
    gsl_integration_qagiu(&F, s0, 0, 1e-10, 1000, ws, &r2, &e);
    return r1 + r2;
}
double kesten1d_chisq_index(double eta, double h, int B)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    kes_par k = {eta, h, 1e-3, B};
    /* E|1−ηm|^α is convex in α, equal to 1 at 0 and decreasing there
     * when the fixed point is stable: bracket the second root. */
    double lo = 1e-3, hi = 2.0;
    for (k.alpha = hi; kes_moment(&k, ws) < 1 && hi < 1e6; k.alpha = hi)
        lo = hi, hi *= 2;
    for (int it = 0; it < 100 && hi - lo > 1e-9 * hi; it++) {
        k.alpha = 0.5 * (lo + hi);
        if (kes_moment(&k, ws) < 1)
            lo = k.alpha;
        else
            hi = k.alpha;
    }
    gsl_integration_workspace_free(ws);
    return 0.5 * (lo + hi);
}

/* The Lyapunov exponent E log|1 − ηm| of u ← (1 − ηm)u + noise, m as
 * above: where it is ≥ 0 the recursion has no stationary law and its
 * iterates grow without bound (η = 10 reaches u² ≈ 1e91). */
static double log_integrand(double s, void *vp)
{
    const kes_par *k = vp;
    double a = fabs(1 - k->eta * k->h * s / k->B);
    return a > 0 ? log(a) * gsl_ran_chisq_pdf(s, k->B) : 0.0;
}
int kesten1d_chisq_lyapunov(double eta, double h, int B, double *lam)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    kes_par k = {eta, h, 0, B};
    gsl_function F = {log_integrand, &k};
    double s0 = B / (eta * h), r1, r2, e;
    int st = gsl_integration_qags(&F, 0, s0, 1e-12, 1e-9, 1000, ws, &r1, &e);
    st |= gsl_integration_qagiu(&F, s0, 1e-12, 1e-9, 1000, ws, &r2, &e);
    gsl_integration_workspace_free(ws);
    *lam = r1 + r2;
    return st || !isfinite(*lam);
}

/* The Kesten index of the chain itself with B = 1 on the data set x[0..N):
 * the root α > 0 of (1/N) Σ|1 − ηx_i²|^α = 1, or +∞ when no factor exceeds
 * 1 (then the tail is lighter than every power law). */
static double mean_pow(const double *x, long N, double eta, double a)
{
    double m = 0.0;
    for (long i = 0; i < N; i++)
        m += pow(fabs(1 - eta * x[i] * x[i]), a) / N;
    return m;
}
double kesten1d_data_index(const double *x, long N, double eta)
{
    double mx = 0.0, lo = 1e-3, hi = 2.0;
    for (long i = 0; i < N; i++)
        mx = fmax(mx, fabs(1 - eta * x[i] * x[i]));
    if (mx <= 1)
        return INFINITY;
    while (mean_pow(x, N, eta, hi) < 1 && hi < 1e4)
        lo = hi, hi *= 2;
    for (int it = 0; it < 80 && hi - lo > 1e-6 * hi; it++) {
        double a = 0.5 * (lo + hi);
        if (mean_pow(x, N, eta, a) < 1)
            lo = a;
        else
            hi = a;
    }
    return 0.5 * (lo + hi);
}

