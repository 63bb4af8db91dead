/* The periodic double-well regression: derivatives against finite
 * differences, the noise variance against its definition, the symmetries
 * the escape tests rely on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "sinwell.h"

static void derivatives(void **state)
{
    (void)state;
    sinwell w;
    assert_int_equal(sinwell_init(&w, 2000, 0.8, 1.5, 7, 1), 0);
    for (double th = -3; th <= 3; th += 0.37) {
        double h = 1e-5;
        double fd1 = (sinwell_loss(&w, th + h) - sinwell_loss(&w, th - h)) / (2 * h);
        double fd2 = (sinwell_grad(&w, th + h) - sinwell_grad(&w, th - h)) / (2 * h);
        assert_true(fabs(fd1 - sinwell_grad(&w, th)) < 1e-7);
        assert_true(fabs(fd2 - sinwell_hess(&w, th)) < 1e-7);
        double v = sinwell_grad_var(&w, th), vd = sinwell_grad_var_direct(&w, th);
        assert_true(fabs(v - vd) < 1e-9 * (1 + vd));
    }
    sinwell_free(&w);
}

static void symmetries(void **state)
{
    (void)state;
    sinwell w;
    double R = 0.7, C = 2.0;
    assert_int_equal(sinwell_init(&w, 4000, R, C, 3, 2), 0);
    double L0 = sinwell_loss(&w, 0), Ls = sinwell_loss(&w, M_PI * R);
    assert_true(fabs(Ls / L0 - C) < 1e-12);                       /* the ratio as asked */
    assert_true(fabs(sinwell_grad(&w, 0)) < 1e-12);               /* minimum at 0 */
    assert_true(fabs(sinwell_grad(&w, M_PI * R)) < 1e-12);        /* saddle at πR */
    assert_true(fabs(sinwell_loss(&w, 2 * M_PI * R) - L0) < 1e-12); /* periodic */
    for (double th = 0.1; th < 3; th += 0.5) {
        assert_true(fabs(sinwell_loss(&w, th) - sinwell_loss(&w, -th)) < 1e-12);
        assert_true(fabs(sinwell_grad_var(&w, th) - sinwell_grad_var(&w, -th)) < 1e-12);
    }
    /* population limits: h* ≈ 1, ΔL ≈ 2R² */
    assert_true(fabs(sinwell_hess(&w, 0) - 1) < 0.1);
    assert_true(fabs((Ls - L0) / (2 * R * R) - 1) < 0.1);
    sinwell_free(&w);
}

/* one SGD step with B = N reproduces gradient descent; the step's variance
 * for B = 1 is Var_μ ℓ'_μ */
static void sgd_step(void **state)
{
    (void)state;
    sinwell w;
    assert_int_equal(sinwell_init(&w, 40, 0.9, 1.8, 5, 3), 0);
    rng_stream r;
    rng_init(&r, 1, 1);
    double th = 0.6, eta = 0.01;
    double gd = th - eta * sinwell_grad(&w, th);
    assert_true(fabs(sinwell_sgd_step(&w, th, eta, 40, &r) - gd) < 1e-12);
    double s = 0, s2 = 0;
    long n = 200000;
    for (long i = 0; i < n; i++) {
        double g = (th - sinwell_sgd_step(&w, th, eta, 1, &r)) / eta;
        s += g, s2 += g * g;
    }
    double v = s2 / n - (s / n) * (s / n), vx = sinwell_grad_var(&w, th);
    assert_true(fabs(v - vx) < 0.03 * vx);
    sinwell_free(&w);
}

/* The chain's mean escape time against direct simulation of the chain
 * (a small data set, a low barrier: fast). */
static void chain_mfpt(void **state)
{
    (void)state;
    sinwell w;
    double eta = 0.2;
    assert_int_equal(sinwell_init(&w, 40, 0.6, 1.3, 9, 4), 0);
    double T, err;
    assert_int_equal(sinwell_chain_mfpt(&w, eta, 800, &T, &err), 0);
    assert_true(err < 0.01 * T);
    rng_stream r;
    rng_init(&r, 2, 1);
    double s = 0, s2 = 0, top = 2 * M_PI * w.R;
    long n = 20000;
    for (long i = 0; i < n; i++) {
        double th = 0;
        long k = 0;
        while (fabs(th) < top)
            th = sinwell_sgd_step(&w, th, eta, 1, &r), k++;
        s += eta * k, s2 += eta * eta * k * k;
    }
    double m = s / n, se = sqrt((s2 / n - m * m) / n);
    assert_true(fabs(m - T) < 4 * se + err);
    sinwell_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(derivatives), cmocka_unit_test(symmetries),
                                       cmocka_unit_test(sgd_step), cmocka_unit_test(chain_mfpt)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
