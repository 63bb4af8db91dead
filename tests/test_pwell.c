/* test_pwell.c — the barrier family: the O(log n) gradient against the
 * direct sum and finite differences of the loss, the critical points, and
 * the Kesten index against a closed case and its small-step limit, and the
 * exact SGD chain against Monte Carlo. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "pwell.h"
#include "rng.h"

static void test_grad(void **state)
{
    (void)state;
    double x[37];
    rng_stream r;
    rng_init(&r, 3, 0);
    for (int i = 0; i < 37; i++)
        x[i] = 0.3 * rng_normal(&r);
    pwell p;
    pwell_init(&p, 4, 2.5, x, 37);
    pwell_set_barrier(&p, 3.0);
    for (double w = -3; w < p.b + 3; w += 0.0137) {
        double direct = 0;
        for (int i = 0; i < 37; i++)
            direct += pwell_ell_grad(&p, w - x[i]);
        direct /= 37;
        assert_true(fabs(pwell_grad(&p, w) - direct) < 1e-12 * (1 + fabs(direct)));
        double h = 1e-6, fd = (pwell_loss(&p, w + h) - pwell_loss(&p, w - h)) / (2 * h);
        assert_true(fabs(fd - direct) < 1e-5);
    }
    double ws, s;
    assert_int_equal(pwell_critical(&p, &ws, &s), 0);
    assert_true(fabs(pwell_grad(&p, ws)) < 1e-9 && fabs(pwell_grad(&p, s)) < 1e-9);
    assert_true(ws < s && fabs(s - p.b) < 1);
    pwell_free(&p);
}

static void test_kesten(void **state)
{
    (void)state;
    double a;
    /* c = 0: E|sξ|^a = 1 at s = 1 for a = 2 (E ξ² = 1) */
    assert_int_equal(pwell_kesten_index(0, 1, &a), 0);
    assert_true(fabs(a - 2) < 1e-8);
    /* small step at fixed κ = H/(ησH): α → 2κ + 1 (here κ = 2.5) */
    double eta = 1e-3, H = 4, sH = H / (eta * 2.5);
    assert_int_equal(pwell_kesten_index(1 - eta * H, eta * sqrt(sH), &a), 0);
    assert_true(fabs(a - 6) < 0.02);
    /* no positive root when the recurrence is not contracting */
    assert_int_not_equal(pwell_kesten_index(1.5, 0.1, &a), 0);
    assert_true(isnan(a));
}

/* The exact SGD chain against Monte Carlo of the same iteration. */
static void test_sgd_chain(void **state)
{
    (void)state;
    double x[5] = {-0.3, -0.1, 0.0, 0.15, 0.4};
    pwell p;
    pwell_init(&p, 4, 4, x, 5);
    pwell_set_barrier(&p, 0.3);
    double ws, s, eta = 0.3;
    assert_int_equal(pwell_critical(&p, &ws, &s), 0);
    double T = pwell_sgd_exit_time(&p, eta, ws - 2, s, ws, 3000);
    assert_true(isfinite(T) && T > 1);
    rng_stream r;
    double sum = 0, sum2 = 0;
    const int n = 20000;
    for (int i = 0; i < n; i++) {
        rng_init_sub(&r, 5, 1, (uint64_t)i);
        long t = pwell_sgd_escape(&p, eta, ws, s, 100000000, &r);
        assert_true(t > 0);
        sum += t, sum2 += (double)t * t;
    }
    double m = sum / n, se = sqrt((sum2 / n - m * m) / n);
    assert_true(fabs(m - T) < 4 * se + 0.01 * T);
    pwell_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_grad), cmocka_unit_test(test_kesten), cmocka_unit_test(test_sgd_chain)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
