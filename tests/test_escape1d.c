/* test_escape1d.c — the escape-time height: Theorem 7's noise equals the
 * PLD's inside the quadratic well; the growth fits recover a known power law
 * and refuse too few heights; a GLD height agrees with its own Nyström. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "err.h"
#include "escape1d.h"

static void test_thm_noise(void **state)
{
    (void)state;
    double x0 = 0, Ha = 4, eta = 0.1, l1 = 1, l2 = 4;
    esc_model P = {.kind = ESC_PLD, .l1 = l1, .l2 = l2, .eta = eta, .kap = Ha / (eta * l1 * l2 * l2)};
    pwell_init(&P.w, Ha, 4, &x0, 1);
    pwell_set_barrier(&P.w, 8);
    esc_model T = P;
    T.kind = ESC_THM;
    for (double w = -3; w < P.w.u1; w += 0.1)
        assert_true(fabs(esc_var(w, &P) - esc_var(w, &T)) < 1e-9 * esc_var(w, &P));
    pwell_free(&P.w);
}

static void test_fit(void **state)
{
    (void)state;
    esc_height h[4];
    for (int i = 0; i < 4; i++) {
        double X = 2.0 + 3 * i;
        h[i] = (esc_height){.X = X, .dL = X, .chain = 5 * pow(X, 2.5), .ito = 3 * pow(X, 3.0)};
        h[i].e = (esc_stat){.mean = 7 * pow(X, 2.0), .se = 0.1 * pow(X, 2.0), .escaped = 10, .n = 10};
    }
    esc_slopes s;
    assert_int_equal(esc_fit_slopes(h, 0, 4, 0, &s), SGDN_OK);
    assert_true(fabs(s.mc.b - 2.0) < 1e-9 && fabs(s.chain.b - 2.5) < 1e-9 && fabs(s.ito.b - 3.0) < 1e-9);
    assert_int_equal(esc_fit_slopes(h, 2, 4, 0, &s), SGDN_EDOM);
}

static void test_gld_height(void **state)
{
    (void)state;
    double x0 = 0;
    esc_model M = {.kind = ESC_GLD, .l1 = 1, .l2 = 4, .sigma = 4, .eta = 0.1, .kap = 2.5};
    pwell_init(&M.w, 4, 4, &x0, 1);
    long st[2000];
    esc_height h;
    assert_int_equal(esc_height_run(&M, 1.0, 2000, 1000000, 300, 11, 1, st, &h), SGDN_OK);
    assert_true(fabs(h.e.mean - h.chain) < 4 * h.e.se + h.cerr);
    assert_true(h.ito > 0 && h.lemma > 0 && isnan(h.paper_fp));
    pwell_free(&M.w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_thm_noise), cmocka_unit_test(test_fit),
                                       cmocka_unit_test(test_gld_height)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
