/* sinwell_esc.h: the well's shape, Eq. 15 as printed, and the scale
 * invariance of sinwell.h — wells of equal C built from the same draws
 * (R and σ scaled together) have the same predictions at any η. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "err.h"
#include "sinwell_esc.h"

static void predict(double R, double C, sinwell_esc *o)
{
    sinwell w;
    assert_int_equal(sinwell_init(&w, 400, R, C, 5, 3), 0);
    assert_int_equal(sinwell_esc_well(&w, C, 0.1, 1, 4000, o), 0);
    assert_int_equal(sinwell_esc_predict(&w, 0.1, 1, 4000, 400, o), 0);
    sinwell_free(&w);
}

static void test_predictions(void **state)
{
    (void)state;
    sinwell_esc a, b;
    predict(sqrt(0.5), 1.3, &a);
    assert_true(a.h > 0 && a.hs < 0 && a.Lstar > 0 && fabs((a.Lstar + a.dL) / a.Lstar - 1.3) < 1e-9);
    assert_true(a.exact > 0 && a.paper_sde > 0 && a.chain > 0 && a.cerr < 0.1 * a.chain);
    double k15 = 2 * sqrt(a.h * -a.hs) / (2 * M_PI) * pow(1.3, -(1 / (0.1 * a.h) + 0.5));
    assert_true(fabs(a.eq15 - k15) <= 1e-15 * k15);
    predict(1.0, 1.3, &b); /* ΔL twice as large, same C */
    assert_true(fabs(b.dL / a.dL - 2) < 1e-9);
    assert_true(fabs(b.chain / a.chain - 1) < 1e-6 && fabs(b.exact / a.exact - 1) < 1e-6);
    assert_true(fabs(b.paper_sde / a.paper_sde - 1) < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_predictions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
