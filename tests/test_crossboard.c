/* One scoreboard entry on the periodic double well: every prediction is
 * there and finite, the synthesis identity holds, Zhu's exact first step
 * agrees with SGD's, and the linear chain tends to Eq. 13 as η → 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "crossboard.h"
#include "stats.h"

/* An entry of scale R = 0.5 on 400 points (stream 1 of seed), the chain
 * on M intervals, quadrature on 400. */
static void entry(crossboard *e, double eta, double C, int B, int M, uint64_t seed)
{
    const char *what;
    crossboard_setting s = {eta, C, 0.5, B};
    assert_int_equal(crossboard_init(e, &s, 400, seed, 1, M, 400, &what), 0);
}

static void predictions_and_identity(void **state)
{
    (void)state;
    for (int B = 1; B <= 2; B++) {
        crossboard e;
        entry(&e, 0.2, 2.0, B, 64, 3);
        assert_int_equal(e.ks, (long)ceil(0.5 / (e.s.eta * e.h)));
        for (int j = 0; j < 7; j++)
            if (j != 6 || B == 1)
                assert_true(isfinite(e.tau[j]) && e.tau[j] > 0);
        assert_true(B == 1 || isnan(e.tau[6]));
        assert_true(e.dL > 0 && fabs(e.Ls / e.Lstar - e.s.C) < 1e-9);
        assert_true(crossboard_identity_gap(&e) < 1e-9);
        crossboard_free(&e);
    }
}

/* The mean loss increase after one SGD step of batch 1 is the exact mean
 * over the data (4 SE over 20000 runs). */
static void first_step_exact(void **state)
{
    (void)state;
    crossboard e;
    entry(&e, 0.2, 1.5, 1, 64, 5);
    stats_acc a;
    stats_acc_init(&a);
    for (long i = 0; i < 20000; i++) {
        rng_stream r;
        rng_init_sub(&r, 11, 1, (uint64_t)i);
        stats_acc_add(&a, crossboard_short(&e, 1, &r));
    }
    assert_true(fabs(a.mean - e.dLs_k1) < 4 * stats_acc_se(&a));
    crossboard_free(&e);
}

/* At small η the discrete linear chain and Eq. 13 agree (σ_H's effect and
 * the finite-step terms are O(η)). */
static void chain_tends_to_eq13(void **state)
{
    (void)state;
    crossboard e;
    entry(&e, 0.002, 1.5, 1, 16, 5);
    assert_true(fabs(e.dLs_lin / e.dLs_eq13 - 1) < 0.02);
    crossboard_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(predictions_and_identity), cmocka_unit_test(first_step_exact),
                                       cmocka_unit_test(chain_tends_to_eq13)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
