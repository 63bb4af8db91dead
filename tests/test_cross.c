/* The cross-paper predictions and the valley landscape: the synthesis
 * identity (Meng's Itô escape time under Mori's noise model is Mori's
 * Eq. 15), the valley's loss and gradients against finite differences,
 * its stationary E θ₁² against a long SGD run, and the trace recursion
 * against Theorem 1's closed form for a short window. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "cross.h"

static void synthesis_identity(void **state)
{
    (void)state;
    for (double B = 1; B <= 8; B *= 2)
        for (double eta = 0.05; eta < 0.5; eta *= 2) {
            double h = 1.3, hs = 0.7, Lstar = 0.4, C = 2.5, dL = (C - 1) * Lstar;
            double tm = cross_meng_time(h, hs, dL, eta, 2 * Lstar * h / B, h * h / B, 1);
            double t15 = cross_mori_eq15_time(h, hs, C, B, eta);
            assert_true(fabs(log(tm / t15)) < 1e-12);
        }
    /* the printed Lemma 6 differs by q^{-1}/(1 - 1/(2 kappa)) */
    double k = 4, sg = 1, eta = 0.1, h = 1, sH = h / (eta * k), dL = 0.3, q = 1 + 2 * dL / (k * eta * sg);
    double r = cross_meng_time(h, 1, dL, eta, sg, sH, 0) / cross_meng_time(h, 1, dL, eta, sg, sH, 1);
    assert_true(fabs(r - 1 / (q * (1 - 1 / (2 * k)))) < 1e-12);
    assert_true(isnan(cross_meng_time(h, 1, dL, eta, sg, -1, 1)));
}

static void valley_loss(void **state)
{
    (void)state;
    cross_valley v;
    assert_int_equal(cross_valley_init(&v, 200, 0.7, 1.3, 3, 1), 0);
    for (double t1 = -1; t1 <= 1; t1 += 0.5)
        for (double t2 = -1; t2 <= 1; t2 += 0.5) {
            double th[2] = {t1, t2};
            double want = v.Lstar + 0.5 * v.h0 * exp(v.beta * t2) * t1 * t1;
            assert_true(fabs(cross_valley_loss(&v, th) - want) < 1e-10 * (1 + want));
        }
    /* full-batch step (B = N is too large: B = 64 of a 64-point set) */
    cross_valley w;
    assert_int_equal(cross_valley_init(&w, 64, 0.7, 1.3, 3, 2), 0);
    double th[2] = {0.3, -0.2}, e = 1e-6, eta = 0.01;
    double g1 = (cross_valley_loss(&w, (double[2]){0.3 + e, -0.2}) - cross_valley_loss(&w, (double[2]){0.3 - e, -0.2})) / (2 * e);
    double g2 = (cross_valley_loss(&w, (double[2]){0.3, -0.2 + e}) - cross_valley_loss(&w, (double[2]){0.3, -0.2 - e})) / (2 * e);
    rng_stream r;
    rng_init(&r, 1, 1);
    cross_valley_sgd_step(&w, th, eta, 64, &r);
    assert_true(fabs(th[0] - (0.3 - eta * g1)) < 1e-8);
    assert_true(fabs(th[1] - (-0.2 - eta * g2)) < 1e-8);
    cross_valley_free(&v), cross_valley_free(&w);
}

/* β = 0: θ₂ never moves and θ₁ is a linear chain whose stationary second
 * moment is the closed form */
static void valley_stationary(void **state)
{
    (void)state;
    cross_valley v;
    assert_int_equal(cross_valley_init(&v, 400, 0.0, 1.0, 5, 1), 0);
    double eta = 0.3, s = 0;
    int B = 2;
    long K = 400000, burn = 1000;
    rng_stream r;
    rng_init(&r, 9, 1);
    double th[2] = {0, 0};
    for (long k = 0; k < K + burn; k++) {
        cross_valley_sgd_step(&v, th, eta, B, &r);
        if (k >= burn)
            s += th[0] * th[0];
    }
    s /= K;
    double want = cross_valley_theta1_var(&v, v.h0, eta, B, 0);
    /* autocorrelation time ~ 1/(2 eta h0): relative SE about sqrt(2 * 2/(2 eta K)) */
    assert_true(fabs(s / want - 1) < 0.03);
    assert_true(fabs(cross_valley_theta1_var(&v, v.h0, 1e-4, B, 0) / cross_valley_theta1_var(&v, v.h0, 1e-4, B, 1) - 1) < 1e-3);
    cross_valley_free(&v);
}

static void trace_recursion(void **state)
{
    (void)state;
    cross_valley v;
    assert_int_equal(cross_valley_init(&v, 400, 1.0, 1.0, 5, 1), 0);
    double eta = 0.01, c = cross_valley_c(&v, 1), lam = v.h0;
    double d = cross_valley_trace_change(&v, lam, eta, 1, 10, 1);
    double want = -10 * eta * eta * c / 4 * lam * lam;
    assert_true(fabs(d / want - 1) < 1e-3);
    cross_valley_free(&v);
}

/* the escape loop against the exact discrete chain, and the first step's
 * exact mean against sampling */
static void escape_loop(void **state)
{
    (void)state;
    sinwell w;
    assert_int_equal(sinwell_init(&w, 400, 0.5, 1.5, 11, 1), 0);
    double eta = 0.2, T0, err;
    assert_int_equal(sinwell_chain_mfpt(&w, eta, 256, &T0, &err), 0);
    long n = 2000;
    double s = 0, s2 = 0;
    for (long i = 0; i < n; i++) {
        rng_stream r;
        rng_init_sub(&r, 3, 1, (uint64_t)i);
        double k = (double)cross_sinwell_escape(&w, eta, 1, 0, 10000000, &r);
        s += k, s2 += k * k;
    }
    double m = s / n, se = sqrt((s2 / n - m * m) / n);
    assert_true(fabs(m - T0 / eta) < 4 * se + err / eta);
    /* first step */
    double f = 0, f2 = 0;
    rng_stream r;
    rng_init(&r, 5, 1);
    for (long i = 0; i < 100000; i++) {
        double d = sinwell_loss(&w, sinwell_sgd_step(&w, 0, eta, 1, &r)) - sinwell_loss(&w, 0);
        f += d, f2 += d * d;
    }
    double fm = f / 100000, fse = sqrt((f2 / 100000 - fm * fm) / 100000);
    assert_true(fabs(fm - cross_sinwell_first_step(&w, eta)) < 4 * fse);
    /* noise coefficients: σ_g is the exact variance at 0, σ_H its curvature */
    double sg, sH, d = 1e-2;
    cross_sinwell_noise(&w, 1, &sg, &sH);
    assert_true(fabs(sg - sinwell_grad_var_direct(&w, 0)) < 1e-9 * sg);
    double fd = (sinwell_grad_var_direct(&w, d) + sinwell_grad_var_direct(&w, -d) - 2 * sinwell_grad_var_direct(&w, 0)) / (2 * d * d);
    assert_true(fabs(sH - fd) < 1e-2 * fabs(fd) + 1e-6);
    sinwell_free(&w);
}

static void order_contradictions(void **state)
{
    (void)state;
    double ind[4] = {1, 2, 2.01, 4}, se[4] = {0.1, 0.1, 0.1, 0.1};
    double agree[4] = {0, 1, 1.05, 2}, wrong[4] = {0, 1, 2, 2};
    assert_int_equal(cross_order_contradictions(4, ind, agree, se, 0.05, 3), 0);
    /* 2 vs 3: a tie in ind, rates 1 apart (7 SE): contradicted */
    assert_int_equal(cross_order_contradictions(4, ind, wrong, se, 0.05, 3), 1);
    double rev[4] = {3, 2, 2, 0}; /* every resolved pair against the order */
    assert_int_equal(cross_order_contradictions(4, ind, rev, se, 0.05, 3), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(synthesis_identity), cmocka_unit_test(valley_loss),
                                       cmocka_unit_test(valley_stationary), cmocka_unit_test(trace_recursion), cmocka_unit_test(escape_loop), cmocka_unit_test(order_contradictions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
