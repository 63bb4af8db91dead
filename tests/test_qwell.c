/* qwell.h: the well's shape (minima, saddle, curvatures, gradient against
 * finite differences), and the exact mean passage time against the mean
 * of Euler–Maruyama escapes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include "err.h"
#include "qwell.h"

static qwell sde_well(double Lstar, double dL, double h, double temp)
{
    return (qwell){Lstar, dL, 8 * dL / h, h, temp, 0};
}

static void test_shape(void **state)
{
    (void)state;
    qwell w = sde_well(0.5, 2.0, 1.0, 0.25);
    double a = sqrt(w.a2), e = 1e-5;
    assert_true(fabs(qwell_loss(&w, -a) - 0.5) < 1e-14 && fabs(qwell_loss(&w, 0) - 2.5) < 1e-14);
    assert_true(fabs(qwell_grad(&w, -a)) < 1e-14 && fabs(qwell_grad(&w, 0)) < 1e-14);
    double h = (qwell_loss(&w, -a + e) - 2 * qwell_loss(&w, -a) + qwell_loss(&w, -a - e)) / (e * e);
    double hs = (qwell_loss(&w, e) - 2 * qwell_loss(&w, 0) + qwell_loss(&w, -e)) / (e * e);
    assert_true(fabs(h - 1.0) < 1e-4 && fabs(hs + 0.5) < 1e-4); /* h* and |h_s| = h* /2 */
    for (double th = -3; th <= 3; th += 0.37) {
        double fd = (qwell_loss(&w, th + e) - qwell_loss(&w, th - e)) / (2 * e);
        assert_true(fabs(qwell_grad(&w, th) - fd) < 1e-7 * (1 + fabs(fd)));
        assert_true(fabs(qwell_drift(th, &w) + qwell_grad(&w, th)) == 0);
        assert_true(fabs(qwell_noise_var(th, &w) - 2 * 0.25 * qwell_loss(&w, th)) < 1e-15);
    }
    qwell l = {1.0, 2.0, 16.0, 1.0, 0, 0.5}; /* Langevin: constant 2D */
    assert_true(qwell_noise_var(0.3, &l) == 1.0);
}

/* The mean of 2000 escapes within 4 SE of the quadrature. */
static void test_mfpt_vs_em(void **state)
{
    (void)state;
    qwell w = sde_well(1.0, 1.0, 1.0, 0.5);
    double T, err;
    assert_int_equal(qwell_mfpt(&w, 4000, &T, &err), 0);
    assert_true(T > 0 && err < 1e-3 * T);
    long n = 2000;
    double *t = SGDN_NEW(t, n), m = 0, m2 = 0;
    assert_int_equal(qwell_escapes(&w, 0.002, 60 * T, 1, 7, 0, n, t), 0);
    for (long i = 0; i < n; i++)
        m += t[i] / n, m2 += t[i] * t[i] / n;
    double se = sqrt((m2 - m * m) / (n - 1));
    assert_true(fabs(m - T) < 4 * se + 0.02 * T); /* + the Euler–Maruyama bias */
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_mfpt_vs_em),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
