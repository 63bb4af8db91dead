/* tailfit: the Student-t (power-law κ) MLE against closed forms and
 * samples of known law. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>

#include "err.h"
#include "rng.h"
#include "tailfit.h"

/* the log-density against GSL's t density (a closed form) */
static void logpdf_matches_gsl(void **state)
{
    (void)state;
    double nus[3] = {0.7, 3.0, 40.0};
    for (int k = 0; k < 3; k++)
        for (double x = -5; x <= 5; x += 0.7) {
            double want = log(gsl_ran_tdist_pdf((x - 0.3) / 1.7, nus[k]) / 1.7);
            assert_true(fabs(tailfit_t_logpdf(x, 0.3, 1.7, nus[k]) - want) < 1e-12);
        }
}

/* a sample symmetric about c: the likelihood is symmetric, so μ̂ = c */
static void symmetric_sample_centre(void **state)
{
    (void)state;
    double x[40];
    for (int i = 0; i < 20; i++) /* ±(i+1)^1.5 / 10: a long-tailed symmetric sample */
        x[2 * i] = 2.5 + pow(i + 1, 1.5) / 10, x[2 * i + 1] = 2.5 - pow(i + 1, 1.5) / 10;
    double mu = 2.0, s = 1.0, ll;
    assert_int_equal(tailfit_t_fixed_nu(x, 40, 2.0, &mu, &s, &ll), SGDN_OK);
    assert_true(fabs(mu - 2.5) < 1e-9);
    tailfit_t f;
    assert_int_equal(tailfit_t_mle(x, 40, TAILFIT_NU_MAX, &f), SGDN_OK);
    assert_true(fabs(f.mu - 2.5) < 1e-8);
}

/* t draws of known (μ, s, ν = 3): μ + s Z / √(χ²₃/3) */
static void recovers_known_t(void **state)
{
    (void)state;
    size_t n = 10000;
    double *x = malloc(n * sizeof *x);
    rng_stream r;
    rng_init(&r, 11, 0);
    for (size_t i = 0; i < n; i++) {
        double z = rng_normal(&r), c = 0;
        for (int j = 0; j < 3; j++) {
            double g = rng_normal(&r);
            c += g * g;
        }
        x[i] = 1.0 + 2.0 * z / sqrt(c / 3.0);
    }
    tailfit_t f;
    assert_int_equal(tailfit_t_mle(x, n, TAILFIT_NU_MAX, &f), SGDN_OK);
    /* standard errors at n = 10,000: about 0.03 (μ), 0.03 (s), 0.15 (ν) */
    assert_true(fabs(f.mu - 1.0) < 0.1);
    assert_true(fabs(f.s - 2.0) < 0.1);
    assert_true(fabs(f.nu - 3.0) < 0.5);
    assert_false(f.at_max);
    /* the MLE is stationary: the log-likelihood does not rise in any
     * coordinate */
    double h = 1e-4;
    assert_true(tailfit_t_loglik(x, n, f.mu + h, f.s, f.nu) <= f.loglik + 1e-6);
    assert_true(tailfit_t_loglik(x, n, f.mu - h, f.s, f.nu) <= f.loglik + 1e-6);
    assert_true(tailfit_t_loglik(x, n, f.mu, f.s * (1 + h), f.nu) <= f.loglik + 1e-6);
    assert_true(tailfit_t_loglik(x, n, f.mu, f.s, f.nu * (1 + h)) <= f.loglik + 1e-6);
    assert_true(tailfit_t_loglik(x, n, f.mu, f.s, f.nu * (1 - h)) <= f.loglik + 1e-6);
    /* the profile interval covers 3, and the profile sits on the cut at its ends */
    double lo, hi;
    assert_int_equal(tailfit_t_profile_interval(x, n, &f, 0.95, TAILFIT_NU_MAX, &lo, &hi), SGDN_OK);
    assert_true(lo < f.nu && hi > f.nu && hi - lo < 1.0 && isfinite(hi));
    double mu = f.mu, s = f.s, ll;
    assert_int_equal(tailfit_t_fixed_nu(x, n, lo, &mu, &s, &ll), SGDN_OK);
    assert_true(fabs(f.loglik - ll - 0.5 * 3.841458821) < 1e-3);
    /* the Gaussian is rejected */
    double gm, gs, gl;
    tailfit_gauss_mle(x, n, &gm, &gs, &gl);
    assert_true(tailfit_lr_pvalue(2 * (f.loglik - gl)) < 1e-10);
    assert_true(tailfit_vuong(x, n, &f, gm, gs) > 5);
    /* quantiles: the median is μ, the 97.5 % point μ + s t₀.₉₇₅(ν) */
    assert_true(fabs(tailfit_t_quantile(&f, 0.5) - f.mu) < 1e-12);
    free(x);
}

/* a Gaussian sample: the t fit goes to large ν, the likelihood ratio is
 * small, the interval is unbounded above */
static void gaussian_sample(void **state)
{
    (void)state;
    size_t n = 5000;
    double *x = malloc(n * sizeof *x);
    rng_stream r;
    rng_init(&r, 12, 0);
    for (size_t i = 0; i < n; i++)
        x[i] = 0.5 + 0.1 * rng_normal(&r);
    tailfit_t f;
    double gm, gs, gl, lo, hi;
    assert_int_equal(tailfit_t_mle(x, n, TAILFIT_NU_MAX, &f), SGDN_OK);
    tailfit_gauss_mle(x, n, &gm, &gs, &gl);
    assert_true(f.loglik >= gl - 1e-3); /* the t family contains the Gaussian in the limit */
    assert_true(2 * (f.loglik - gl) < 10);
    assert_int_equal(tailfit_t_profile_interval(x, n, &f, 0.95, TAILFIT_NU_MAX, &lo, &hi), SGDN_OK);
    assert_true(isinf(hi) && lo > 5);
    /* the closed-form Gaussian likelihood at its MLE */
    double ll = 0;
    for (size_t i = 0; i < n; i++)
        ll += log(gsl_ran_gaussian_pdf(x[i] - gm, gs));
    assert_true(fabs(ll - gl) < 1e-8 * fabs(gl));
    assert_true(tailfit_lr_pvalue(0.0) == 1.0);
    assert_true(fabs(tailfit_lr_pvalue(2.705543454) - 0.05) < 1e-8);
    free(x);
}

/* κ ↔ ν */
static void kappa_mapping(void **state)
{
    (void)state;
    assert_true(tailfit_kappa_of_nu(1.0) == 1.0); /* Cauchy: (1 + z²)^−1 */
    assert_true(tailfit_nu_of_kappa(tailfit_kappa_of_nu(4.2)) == 4.2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(logpdf_matches_gsl),     cmocka_unit_test(symmetric_sample_centre),
        cmocka_unit_test(recovers_known_t),       cmocka_unit_test(gaussian_sample),
        cmocka_unit_test(kappa_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
