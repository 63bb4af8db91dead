/* fmdyn: the warm-started subspace iteration against known eigenpairs, the
 * Tr(AΣ) probe estimator and uᵀΣu against dense formulas, and the
 * antithetic expected sharpness against the plain estimator of nn.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "fmdyn.h"
#include "linalg.h"
#include "nn.h"
#include "rng.h"

typedef struct {
    int n;
    const double *A;
} dense;

static void dense_op(void *c, const double *x, double *y)
{
    const dense *d = c;
    for (int i = 0; i < d->n; i++) {
        y[i] = 0.0;
        for (int j = 0; j < d->n; j++)
            y[i] += d->A[i * d->n + j] * x[j];
    }
}

/* A = U diag(λ) Uᵀ with a gap after the 4th eigenvalue: repeated steps
 * from a random subspace converge to the top 4; the residuals returned
 * equal ‖A u − λ u‖ computed directly. */
static void subspace_converges(void **state)
{
    (void)state;
    enum { n = 30, k = 4 };
    double U[n * n], lam[n], A[n * n], Q[n * k], ritz[k], V[n * k], res[k];
    rng_stream r;
    rng_init(&r, 11, 0);
    linalg_random_orthogonal(n, &r, U);
    for (int i = 0; i < n; i++)
        lam[i] = i < k ? 10.0 - i : 3.0 * exp(-0.2 * i) - (i == n - 1 ? 1.0 : 0.0);
    linalg_sym_from_eig(n, U, lam, A);
    for (int i = 0; i < n * k; i++)
        Q[i] = rng_normal(&r);
    /* a non-orthonormal start: the first step's QR makes it orthonormal */
    dense d = {n, A};
    for (int it = 0; it < 200; it++)
        assert_int_equal(fmdyn_subspace_step(n, dense_op, &d, k, Q, ritz, V, res), 0);
    for (int j = 0; j < k; j++) {
        assert_true(fabs(ritz[j] - lam[j]) < 1e-10);
        double av[n], r2 = 0.0, v[n];
        for (int i = 0; i < n; i++)
            v[i] = V[i * k + j];
        dense_op(&d, v, av);
        for (int i = 0; i < n; i++)
            r2 += (av[i] - ritz[j] * v[i]) * (av[i] - ritz[j] * v[i]);
        assert_true(fabs(sqrt(r2) - res[j]) < 1e-12);
        assert_true(res[j] < 1e-8);
    }
    /* Q stays orthonormal */
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++) {
            double s = 0.0;
            for (int i = 0; i < n; i++)
                s += Q[i * k + a] * Q[i * k + b];
            assert_true(fabs(s - (a == b)) < 1e-12);
        }
}

/* E[εᵀAε] for ε = Rᵀz is Tr(A RᵀR): many probes, within 5 SE; uᵀRᵀRu exact. */
static void trace_factor(void **state)
{
    (void)state;
    enum { D = 6, N = 5 };
    double R[N * D], A[D * D], S[D * D] = {0}, u[D];
    rng_stream r;
    rng_init(&r, 12, 0);
    for (int i = 0; i < N * D; i++)
        R[i] = rng_normal(&r);
    for (int a = 0; a < D; a++)
        for (int b = 0; b <= a; b++)
            A[a * D + b] = A[b * D + a] = rng_normal(&r);
    for (int a = 0; a < D; a++)
        for (int b = 0; b < D; b++)
            for (int i = 0; i < N; i++)
                S[a * D + b] += R[i * D + a] * R[i * D + b];
    double exact = linalg_trace_prod(D, A, S), se;
    dense d = {D, A};
    double est = fmdyn_trace_factor(D, dense_op, &d, N, R, 20000, &r, &se);
    assert_true(se > 0);
    assert_true(fabs(est - exact) <= 5 * se);
    /* the probes are εᵀAε with ε = Rᵀz, z the stream's Rademacher draws */
    rng_stream r1, r2;
    rng_init(&r1, 13, 0), rng_init(&r2, 13, 0);
    double direct = 0.0;
    for (int j = 0; j < 3; j++) {
        double z[N], eps[D] = {0};
        for (int i = 0; i < N; i++)
            z[i] = rng_rademacher(&r2);
        for (int i = 0; i < N; i++)
            for (int a = 0; a < D; a++)
                eps[a] += R[i * D + a] * z[i];
        for (int a = 0; a < D; a++)
            for (int b = 0; b < D; b++)
                direct += eps[a] * A[a * D + b] * eps[b] / 3;
    }
    double three = fmdyn_trace_factor(D, dense_op, &d, N, R, 3, &r1, NULL);
    assert_true(fabs(three - direct) < 1e-10 * (fabs(direct) + 1));
    for (int i = 0; i < D; i++)
        u[i] = rng_normal(&r);
    double q = 0.0;
    for (int a = 0; a < D; a++)
        for (int b = 0; b < D; b++)
            q += u[a] * S[a * D + b] * u[b];
    assert_true(fabs(fmdyn_quad_factor(D, N, R, u) - q) < 1e-10 * fabs(q));
}

/* One run against its reference with b images right only for the
 * reference and c only for the run: the change (c − b)/n and McNemar's
 * √((b + c − nΔ²)/(n(n−1))); two runs: the SE of their two changes. */
static void paired_change(void **state)
{
    (void)state;
    enum { n = 50 };
    double ref[n], r1[n], r2[n];
    for (int i = 0; i < n; i++)
        ref[i] = r1[i] = r2[i] = i % 3 != 0;
    long b = 0, c = 0;
    for (int i = 0; i < 10; i++) { /* b = 7 right → wrong, c = 3 wrong → right */
        r1[i] = 1 - r1[i];
        b += ref[i] == 1, c += ref[i] == 0;
    }
    const double *one[1] = {r1}, *two[2] = {r1, r2};
    double si, ss, m = fmdyn_paired_change(one, 1, ref, n, &si, &ss);
    double dd = (double)(c - b) / n;
    assert_true(fabs(m - dd) < 1e-15);
    assert_true(fabs(si - sqrt((b + c - n * dd * dd) / (n * (n - 1.0)))) < 1e-15);
    assert_true(ss == 0.0);
    m = fmdyn_paired_change(two, 2, ref, n, &si, &ss);
    assert_true(fabs(m - dd / 2) < 1e-15);
    assert_true(fabs(ss - fabs(dd) / 2) < 1e-15); /* SE of {dd, 0} */
}

/* The antithetic estimator and nn_expected_sharpness estimate the same
 * expectation; away from a minimum (∇L ≠ 0) the antithetic one has the
 * much smaller standard error per loss evaluation. */
static void sharpness_antithetic(void **state)
{
    (void)state;
    enum { n = 40, din = 6 };
    nn_net net;
    int w[1] = {8};
    nn_mlp(&net, din, 1, w, 3);
    nn_set_loss(&net, NN_LOSS_CE, 0.0);
    double x[n * din], th[200];
    int y[n];
    rng_stream r;
    rng_init(&r, 13, 0);
    for (int i = 0; i < n * din; i++)
        x[i] = rng_normal(&r);
    for (int i = 0; i < n; i++)
        y[i] = (int)rng_uniform_int(&r, 3);
    assert_true(net.D <= 200);
    nn_init_params(&net, th, 13, 0);
    nn_eval *e = nn_eval_new(&net);
    nn_data d = {x, y, NULL, n};
    double sa, sp, L0;
    double a = fmdyn_sharpness(e, net.D, th, d, 0.05, 4000, 13, 1, &sa, &L0);
    double p = nn_expected_sharpness(e, th, d, 0.05, 8000, 13, 2, &sp);
    assert_true(fabs(L0 - nn_loss_grad(e, th, d, NULL, NULL)) == 0.0);
    assert_true(fabs(a - p) <= 4 * sqrt(sa * sa + sp * sp));
    assert_true(sa < 0.5 * sp); /* same number of loss evaluations */
    /* the per-sample predictions give nn_loss_grad's count, also on a
     * subset selected by idx */
    double ok[n];
    long c = 0, right = fmdyn_correct(e, &net, th, d, ok), sum = 0;
    nn_loss_grad(e, th, d, NULL, &c);
    for (int i = 0; i < n; i++)
        sum += ok[i] == 1.0;
    assert_true(right == c && sum == c && c > 0 && c < n);
    size_t idx[3] = {5, 0, 17};
    nn_data sub = {x, y, idx, 3};
    long cs = 0;
    nn_loss_grad(e, th, sub, NULL, &cs);
    double oks[3];
    assert_true(fmdyn_correct(e, &net, th, sub, oks) == cs);
    assert_true(oks[0] == ok[5] && oks[1] == ok[0] && oks[2] == ok[17]);
    nn_eval_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subspace_converges),
        cmocka_unit_test(trace_factor),
        cmocka_unit_test(paired_change),
        cmocka_unit_test(sharpness_antithetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
