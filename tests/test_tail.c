/* Hill's tail index: exact Pareto samples (the estimator is the MLE, its
 * jackknife SE near α/√n), and the local index of a law on a grid against
 * its closed form for a Pareto law and a Student-t-like law. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rng.h"
#include "tail.h"

/* Pareto(α) above 1: X = U^{−1/α}; 20 groups of 5000. */
static void test_hill_pareto(void **state)
{
    (void)state;
    size_t g = 20, m = 5000;
    double *x = malloc(g * m * sizeof *x), alpha = 3.0;
    rng_stream r;
    rng_init(&r, 11, 2);
    for (size_t i = 0; i < g * m; i++)
        x[i] = pow(1.0 - rng_uniform(&r), -1.0 / alpha);
    double t, a, se;
    long ne;
    assert_int_equal(tail_threshold(x, g * m, 0.1, &t), SGDN_OK);
    assert_true(t > 1.0);
    assert_int_equal(tail_hill_groups(x, g, m, t, &a, &se, &ne), SGDN_OK);
    assert_true(labs(ne - 10000) <= 1);
    /* the SE of the MLE is α/√n: the jackknife within a factor 1.5 */
    assert_true(se > alpha / sqrt((double)ne) / 1.5 && se < 1.5 * alpha / sqrt((double)ne));
    assert_true(fabs(a - alpha) < 4 * se);
    assert_int_equal(tail_hill_groups(x, 1, g * m, t, &a, &se, &ne), SGDN_EDOM);
    free(x);
}

/* The local index of a law on a fine log grid: for Pareto(α) it is α at
 * every t; for p ∝ (1 + a²)^{−φ} it rises towards 2φ − 1 as t grows. */
static void test_hill_law(void **state)
{
    (void)state;
    size_t n = 200000;
    double *a = malloc(n * sizeof *a), *p = malloc(n * sizeof *p), *q = malloc(n * sizeof *q);
    double l0 = log(1e-3), l1 = log(1e6), dl = (l1 - l0) / (double)(n - 1), alpha = 2.5, phi = 3.0;
    for (size_t i = 0; i < n; i++) {
        a[i] = exp(l0 + dl * (double)i);
        p[i] = a[i] >= 1 ? alpha * pow(a[i], -alpha - 1) * a[i] * dl : 0.0; /* density × da */
        q[i] = pow(1 + a[i] * a[i], -phi) * a[i] * dl;
    }
    double h, h1, h2;
    assert_int_equal(tail_hill_law(a, p, n, 2.0, &h), SGDN_OK);
    assert_true(fabs(h - alpha) < 1e-3);
    assert_int_equal(tail_hill_law(a, q, n, 1.0, &h1), SGDN_OK);
    assert_int_equal(tail_hill_law(a, q, n, 100.0, &h2), SGDN_OK);
    assert_true(h1 < h2 && fabs(h2 - (2 * phi - 1)) < 0.01);
    assert_int_equal(tail_hill_law(a, q, n, 1e7, &h), SGDN_EDOM);
    free(a), free(p), free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_hill_pareto),
                                       cmocka_unit_test(test_hill_law)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
