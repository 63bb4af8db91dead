/* The SDE steppers, the exact law of the iteration, and the power-law MLE. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "diffusion1d.h"
#include "rng.h"
#include "sde.h"

/* MLE of m on samples drawn exactly from (1 + q)^{−m}: u = q/(1+q) is
 * Beta(d/2, m − d/2), so q = u/(1−u) with u from the beta quantile. */
static void qgauss_mle_known_exponent(void **state)
{
    (void)state;
    const double ms[] = {1.2, 3.0, 6.0}, ds[] = {1, 3};
    long N = 20000;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 2; b++) {
            double m = ms[a] + ds[b] / 2, d = ds[b], S = 0;
            rng_stream r;
            rng_init(&r, 11, (uint64_t)(a * 2 + b));
            for (long i = 0; i < N; i++) {
                double u = gsl_cdf_beta_Pinv(rng_uniform(&r), d / 2, m - d / 2);
                S += log1p(u / (1 - u));
            }
            double mh, se;
            assert_int_equal(sde_qgauss_mle(S / N, N, d, &mh, &se), 0);
            assert_true(fabs(mh - m) < 4 * se);
            assert_true(se < 0.05 * m);
        }
}

/* The GLD iteration x' = (1 − ηH)x + ησξ is a Gaussian AR(1) with exact
 * stationary variance η²σ²/(1 − (1 − ηH)²): the Nyström stationary density
 * must match it. */
typedef struct { double H, s2; } lin_t;
static double g_lin(double w, void *p) { return ((lin_t *)p)->H * w; }
static double v_const(double w, void *p) { (void)w; return ((lin_t *)p)->s2; }

static void chain_stationary_ar1(void **state)
{
    (void)state;
    lin_t P = {1.5, 4.0};
    sde1d m = {g_lin, v_const, &P, 0.2};
    double a = 1 - m.eta * P.H, v = m.eta * m.eta * P.s2 / (1 - a * a);
    sde_grid g;
    assert_int_equal(sde_grid_sinh(&g, 400, -8 * sqrt(v), 8 * sqrt(v), 0, sqrt(v)), 0);
    double *p = malloc(g.n * sizeof *p);
    assert_int_equal(sde1d_chain_stationary(&m, &g, p), 0);
    for (int i = 0; i < g.n; i += 10) {
        double exact = exp(-g.x[i] * g.x[i] / (2 * v)) / sqrt(2 * M_PI * v);
        assert_true(fabs(p[i] - exact) < 1e-6 / sqrt(v));
    }
    free(p);
    sde_grid_free(&g);
}

/* The stationary histogram of the simulated AR(1) chain (independent
 * replicates run far past relaxation) against its exact Gaussian density:
 * Pearson χ² below its 0.1 % upper quantile. */
static void stationary_histogram_ar1(void **state)
{
    (void)state;
    sde_pld1d m = {.eta = 0.2, .H = 1.5, .wstar = 0.3, .sg = 4.0};
    double a = 1 - m.eta * m.H, v = m.eta * m.eta * m.sg / (1 - a * a), sd = sqrt(v);
    long N = 40000;
    double *w = malloc(N * sizeof *w);
    sde_pld1d_sample_many(&m, m.wstar, 150, 5, 1, N, w);
    enum { K = 24 };
    double cnt[K] = {0}, lo = -3 * sd, h = 6 * sd / K;
    for (long i = 0; i < N; i++) {
        int k = (int)floor((w[i] - m.wstar - lo) / h);
        if (k >= 0 && k < K)
            cnt[k]++;
    }
    double chi2 = 0, outside = N;
    for (int k = 0; k < K; k++) {
        double e = N * (gsl_cdf_gaussian_P(lo + (k + 1) * h, sd) - gsl_cdf_gaussian_P(lo + k * h, sd));
        chi2 += (cnt[k] - e) * (cnt[k] - e) / e;
        outside -= cnt[k];
    }
    double eo = N * 2 * gsl_cdf_gaussian_Q(3 * sd, sd);
    chi2 += (outside - eo) * (outside - eo) / eo;
    assert_true(chi2 < gsl_cdf_chisq_Qinv(1e-3, K));
    free(w);
}

/* Itô reading of the PLD: diffusion1d's stationary density of
 * dw = −Hw dt + √(η(σg + σH w²)) dB is (1 + (σH/σg) w²)^{−(κ+1)}, κ = H/(ησH),
 * one power more than the paper's Corollary 3. */
typedef struct { double H, eta, sg, sH; } pld_t;
static double a_pld(double x, void *p) { return -((pld_t *)p)->H * x; }
static double b2_pld(double x, void *p) { pld_t *q = p; return q->eta * (q->sg + q->sH * x * x); }

static void ito_pld_density(void **state)
{
    (void)state;
    pld_t P = {1.0, 0.1, 1.0, 5.0};
    diffusion1d d = {a_pld, b2_pld, &P};
    double kap = P.H / (P.eta * P.sH), *x = malloc(12001 * sizeof *x), *p = malloc(12001 * sizeof *p), c = P.sH / P.sg;
    assert_int_equal(diffusion1d_stationary(&d, -60, 60, 12000, x, p), 0);
    double Z = sqrt(M_PI / c) * exp(lgamma(kap + 0.5) - lgamma(kap + 1));
    for (int i = 5000; i <= 7000; i += 50)
        assert_true(fabs(p[i] - pow(1 + c * x[i] * x[i], -(kap + 1)) / Z) < 1e-3 * p[i]); /* trapezoid O(h²) */
    free(x), free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qgauss_mle_known_exponent),
        cmocka_unit_test(chain_stationary_ar1),
        cmocka_unit_test(stationary_histogram_ar1),
        cmocka_unit_test(ito_pld_density),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
