/* kesten1d.h against closed forms: the index α = 2 where E(1 − ηm)² = 1
 * can be solved by hand, and a two-point data set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "kesten1d.h"

/* m = h χ²_B / B: E(1 − cs)² = 1 − 2cB + c²B(B + 2) with c = ηh/B, which
 * is 1 at ηh = 2B/(B + 2); there α = 2. */
static void test_chisq_index(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    for (int B = 1; B <= 4; B++) {
        double eta = 2.0 * B / (B + 2);
        assert_true(fabs(kesten1d_chisq_index(eta, 1.0, B) - 2.0) < 1e-6);
        assert_true(fabs(kesten1d_chisq_index(eta / 2, 2.0, B) - 2.0) < 1e-6); /* only ηh enters */
    }
}

/* Stable (Lyapunov < 0) at small ηh, unstable at large ηh. */
static void test_chisq_lyapunov(void **state)
{
    (void)state;
    double lam;
    assert_int_equal(kesten1d_chisq_lyapunov(0.1, 1.0, 1, &lam), 0);
    assert_true(lam < 0);
    assert_int_equal(kesten1d_chisq_lyapunov(10.0, 1.0, 1, &lam), 0);
    assert_true(lam > 0);
}

/* Factors |1 − ηx²| = 0 and 2 with equal weight: (0 + 2^α)/2 = 1 at α = 1;
 * no factor above 1: +∞. */
static void test_data_index(void **state)
{
    (void)state;
    double eta = 0.5, x[2] = {sqrt(1 / eta), sqrt(3 / eta)};
    assert_true(fabs(kesten1d_data_index(x, 2, eta) - 1.0) < 1e-5);
    double y[3] = {0.1, 0.5, 1.0};
    assert_true(isinf(kesten1d_data_index(y, 3, eta)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chisq_index),
        cmocka_unit_test(test_chisq_lyapunov),
        cmocka_unit_test(test_data_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
