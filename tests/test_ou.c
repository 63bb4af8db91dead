/* The exact OU transition against its closed-form moments, and the
 * symmetric eigen-solver against its definition. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>

#include "linalg.h"
#include "ou.h"
#include "rng.h"
#include "stats.h"

/* 1-D: x(t+Δ) = x e^{−hΔ} + N(0, σ²(1 − e^{−2hΔ})/(2h)). */
static void ou_1d_moments(void **state)
{
    (void)state;
    double h = 2.0, s2 = 0.5, dt = 0.3, x0 = 1.5;
    ou_step st;
    assert_int_equal(ou_step_init(&st, 1, &h, &s2, dt), 0);
    assert_true(fabs(st.A[0] - exp(-h * dt)) < 1e-14);
    double v = s2 * (1 - exp(-2 * h * dt)) / (2 * h);
    assert_true(fabs(st.S[0] * st.S[0] - v) < 1e-14);
    rng_stream r;
    rng_init(&r, 11, 0);
    stats_acc m, q;
    stats_acc_init(&m), stats_acc_init(&q);
    const int n = 400000;
    for (int i = 0; i < n; i++) {
        double z = rng_normal(&r), y;
        ou_step_apply(&st, &x0, &z, &y);
        stats_acc_add(&m, y);
        stats_acc_add(&q, (y - x0 * exp(-h * dt)) * (y - x0 * exp(-h * dt)));
    }
    assert_true(fabs(m.mean - x0 * exp(-h * dt)) < 5 * sqrt(v / n));
    assert_true(fabs(q.mean - v) < 5 * v * sqrt(2.0 / n));
    ou_step_free(&st);
}

/* Composition: two steps of Δ equal one step of 2Δ (A and V both). */
static void ou_semigroup(void **state)
{
    (void)state;
    const int n = 4;
    double H[16] = {3, 1, 0, 0, 1, 2, 0.5, 0, 0, 0.5, 1, 0.2, 0, 0, 0.2, 0.1};
    double S[16] = {1, 0.3, 0, 0, 0.3, 2, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0.01};
    double V1[16], V2[16], A2[16], tmp[16], V12[16];
    ou_step s1, s2;
    assert_int_equal(ou_step_init(&s1, n, H, S, 0.4), 0);
    assert_int_equal(ou_step_init(&s2, n, H, S, 0.8), 0);
    assert_int_equal(ou_cov(n, H, S, 0.4, V1), 0);
    assert_int_equal(ou_cov(n, H, S, 0.8, V2), 0);
    linalg_matmul(n, s1.A, 0, s1.A, 0, A2);
    for (int i = 0; i < 16; i++)
        assert_true(fabs(A2[i] - s2.A[i]) < 1e-12);
    /* V(2Δ) = A V(Δ) Aᵀ + V(Δ) */
    linalg_matmul(n, s1.A, 0, V1, 0, tmp);
    linalg_matmul(n, tmp, 0, s1.A, 1, V12);
    for (int i = 0; i < 16; i++)
        assert_true(fabs(V12[i] + V1[i] - V2[i]) < 1e-12);
    ou_step_free(&s1), ou_step_free(&s2);
}

/* Eq. (13) against a direct evaluation in the eigenbasis, and its limits:
 * (t/2)Tr(HΣ) for small t, ¼TrΣ for large t. */
static void escape_efficiency_limits(void **state)
{
    (void)state;
    const int n = 3;
    double H[9] = {2, 0, 0, 0, 1, 0, 0, 0, 0.5}, S[9] = {1, 0.2, 0, 0.2, 1, 0, 0, 0, 2};
    double t = 0.7;
    double e = ou_escape_efficiency(n, H, S, t);
    double direct = 0.25 * ((1 - exp(-4 * t)) * 1 + (1 - exp(-2 * t)) * 1 + (1 - exp(-t)) * 2);
    assert_true(fabs(e - direct) < 1e-14);
    double trHS = linalg_trace_prod(n, H, S);
    assert_true(fabs(ou_escape_efficiency(n, H, S, 1e-7) / (0.5e-7 * trHS) - 1) < 1e-6);
    assert_true(fabs(ou_escape_efficiency(n, H, S, 1e3) - 1.0) < 1e-12);
}

/* dsyevr: A U = U diag(w), UᵀU = I, eigenvalues descending. */
static void sym_eig_definition(void **state)
{
    (void)state;
    const int n = 30;
    double *A = malloc(n * n * sizeof *A), *U = malloc(n * n * sizeof *U), w[30];
    rng_stream r;
    rng_init(&r, 4, 4);
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            A[i * n + j] = A[j * n + i] = rng_normal(&r);
    assert_int_equal(linalg_sym_eig(n, A, w, U), 0);
    for (int k = 1; k < n; k++)
        assert_true(w[k - 1] >= w[k]);
    for (int k = 0; k < n; k++)
        for (int i = 0; i < n; i++) {
            double au = 0, uu = 0;
            for (int j = 0; j < n; j++) {
                au += A[i * n + j] * U[j * n + k];
                uu += U[j * n + i] * U[j * n + k];
            }
            assert_true(fabs(au - w[k] * U[i * n + k]) < 1e-10);
            assert_true(fabs(uu - (i == k)) < 1e-12);
        }
    free(A), free(U);
}

static void random_orthogonal_is_orthogonal(void **state)
{
    (void)state;
    const int n = 12;
    double Q[144], I[144];
    rng_stream r;
    rng_init(&r, 8, 1);
    linalg_random_orthogonal(n, &r, Q);
    linalg_matmul(n, Q, 1, Q, 0, I);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            assert_true(fabs(I[i * n + j] - (i == j)) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ou_1d_moments), cmocka_unit_test(ou_semigroup),
        cmocka_unit_test(escape_efficiency_limits), cmocka_unit_test(sym_eig_definition),
        cmocka_unit_test(random_orthogonal_is_orthogonal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
