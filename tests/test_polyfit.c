/* polyfit: the quadratic least-squares fit against exact quadratics and a
 * hand-computed residual case. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "err.h"
#include "polyfit.h"

static void exact_quadratic(void **state)
{
    (void)state;
    double x[21], y[21];
    for (int i = 0; i < 21; i++) /* displacements of 1e-4 scale, as in MENG-P1 */
        x[i] = (i - 10) * 1e-4, y[i] = 0.02 + 3.0 * x[i] + 5e4 * x[i] * x[i];
    polyfit_quad f;
    assert_int_equal(polyfit_quadratic(x, y, 21, &f), SGDN_OK);
    assert_true(fabs(f.c[0] - 0.02) < 1e-12 && fabs(f.c[1] - 3.0) < 1e-8 && fabs(f.c[2] - 5e4) < 1e-4);
    assert_true(fabs(f.r2 - 1) < 1e-12 && f.r2_line < 1);
    assert_true(fabs(f.vertex + 3.0 / 1e5) < 1e-12);
}

/* a noisy parabola on a symmetric design, where the normal equations
 * decouple and every number is computed by hand */
static void standard_errors(void **state)
{
    (void)state;
    double x[5] = {-2, -1, 0, 1, 2}, y[5] = {4.1, 0.9, 0.1, 1.1, 3.9};
    polyfit_quad f;
    assert_int_equal(polyfit_quadratic(x, y, 5, &f), SGDN_OK);
    /* symmetric design: c1 = Σxy/Σx², c2 from the centred x², by hand:
     * Σx² = 10, Σxy = −0.2 → c1 = −0.02; x² − 2 = (2,−1,−2,−1,2), Σ(x²−2)² = 14,
     * Σ(x²−2)y = 8.2+(−0.9)+(−0.2)+(−1.1)+7.8 = 13.8 → c2 = 13.8/14 */
    assert_true(fabs(f.c[1] + 0.02) < 1e-12);
    assert_true(fabs(f.c[2] - 13.8 / 14) < 1e-12);
    double ybar = 10.1 / 5, c0 = ybar - 2 * f.c[2];
    assert_true(fabs(f.c[0] - c0) < 1e-12);
    double rss = 0;
    for (int i = 0; i < 5; i++) {
        double r = y[i] - (f.c[0] + f.c[1] * x[i] + f.c[2] * x[i] * x[i]);
        rss += r * r;
    }
    double s2 = rss / 2;
    assert_true(fabs(f.se[1] - sqrt(s2 / 10)) < 1e-12);
    assert_true(fabs(f.se[2] - sqrt(s2 / 14)) < 1e-12);
    assert_true(fabs(f.rss - rss) < 1e-12);
}

static void too_few_points(void **state)
{
    (void)state;
    double x[3] = {0, 1, 2}, y[3] = {0, 1, 4};
    polyfit_quad f;
    assert_int_equal(polyfit_quadratic(x, y, 3, &f), SGDN_EDOM);
    assert_true(isnan(f.c[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(exact_quadratic), cmocka_unit_test(standard_errors),
                                       cmocka_unit_test(too_few_points)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
