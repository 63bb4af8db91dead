/* Quadrature of the 1-D diffusion formulas against closed forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "diffusion1d.h"

typedef struct { double mu, s2, k; } p_t;
static double drift_const(double x, void *p) { (void)x; return ((p_t *)p)->mu; }
static double drift_ou(double x, void *p) { return -((p_t *)p)->k * x; }
static double var_const(double x, void *p) { (void)x; return ((p_t *)p)->s2; }

/* Brownian motion, reflecting at l: T = ((r−l)² − (x0−l)²)/σ². */
static void mfpt_brownian(void **state)
{
    (void)state;
    p_t p = {0, 2.0, 0};
    diffusion1d d = {drift_const, var_const, &p};
    double T, err, exact = (9.0 - 1.0) / 2.0;
    assert_int_equal(diffusion1d_mfpt(&d, 0, 1, 3, 1000, &T, &err), 0);
    assert_true(fabs(T - exact) < 1e-9 * exact);
}

/* Drift μ, variance σ², reflecting at 0, from 0⁺ to r: with c = 2μ/σ²,
 * T(x0) = (r − x0)/μ − (e^{−c x0} − e^{−c r})/(μ c) ... for x0 = l it is
 * r/μ − (1 − e^{−c r})/(μ c). */
static void mfpt_drift(void **state)
{
    (void)state;
    p_t p = {-0.5, 1.0, 0};
    double c = 2 * p.mu / p.s2, r = 2.0, x0 = 1e-9;
    double exact = r / p.mu - (1 - exp(-c * r)) / (p.mu * c);
    diffusion1d d = {drift_const, var_const, &p};
    double T, err;
    assert_int_equal(diffusion1d_mfpt(&d, 0, x0, r, 4000, &T, &err), 0);
    assert_true(fabs(T - exact) < 1e-6 * exact);
    assert_true(err < 1e-3 * exact);
}

/* OU stationary density: N(0, σ²/(2k)). */
static void stationary_ou(void **state)
{
    (void)state;
    p_t p = {0, 0.5, 2.0};
    diffusion1d d = {drift_ou, var_const, &p};
    double x[2001], dens[2001], v = p.s2 / (2 * p.k);
    assert_int_equal(diffusion1d_stationary(&d, -3, 3, 2000, x, dens), 0);
    for (int i = 0; i <= 2000; i += 100)
        assert_true(fabs(dens[i] - exp(-x[i] * x[i] / (2 * v)) / sqrt(2 * M_PI * v)) < 1e-5);
}

/* Quartic double well L = ΔL(1 − x²)², Langevin with variance 2D: the mean
 * first-passage time from −1 to +1 approaches Kramers' 2π/√(h*|h_s|) e^{ΔL/D}
 * (h* = 8ΔL, |h_s| = 4ΔL) as ΔL/D grows, with a relative correction O(D/ΔL). */
static double drift_quartic(double x, void *p) { return 4 * ((p_t *)p)->mu * x * (1 - x * x); }
static void mfpt_kramers(void **state)
{
    (void)state;
    double prev = 1;
    for (double b = 10; b <= 40; b *= 2) { /* ΔL/D */
        p_t p = {1.0, 2.0 / b, 0};        /* mu = ΔL = 1, s2 = 2D */
        diffusion1d d = {drift_quartic, var_const, &p};
        double T, err, kr = 2 * M_PI / sqrt(8.0 * 4.0) * exp(b);
        assert_int_equal(diffusion1d_mfpt(&d, -2, -1, 1, 20000, &T, &err), 0);
        double rel = fabs(T / kr - 1);
        assert_true(rel < 2.0 / b); /* O(D/ΔL) */
        assert_true(rel < prev);    /* and shrinking */
        prev = rel;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mfpt_brownian), cmocka_unit_test(mfpt_drift), cmocka_unit_test(stationary_ou), cmocka_unit_test(mfpt_kramers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
