/* The propositions at a one-hidden-layer net's θ (onehl_props.h) against
 * dense D×D references built from the engine's Jacobian: λ1(H), u1ᵀΣu1,
 * â, Tr H, Tr Σ and the extreme eigenvalues of the orderings, for both
 * factors of the reduced problem (L = J when D ≤ N, L = K^{1/2} when
 * D > N) and both variants; and the Gauss–Newton finite-difference check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cblas.h>
#include <lapacke.h>
#include <cmocka.h>

#include "nn.h"
#include "onehl.h"
#include "onehl_props.h"
#include "rng.h"

/* All eigenvalues of the symmetric n×n A (ascending), and the eigenvector
 * of the largest in u. */
static void dense_eig(int n, const double *A, double *w, double *u)
{
    double *a = malloc((size_t)n * n * sizeof *a);
    for (int i = 0; i < n * n; i++)
        a[i] = A[i];
    assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', n, a, n, w), 0);
    for (int i = 0; i < n; i++)
        u[i] = a[i * n + n - 1];
    free(a);
}

static void near(double got, double want, double rel, const char *what)
{
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("%s: %.17g, dense reference %.17g", what, got, want);
}

static void check(onehl_variant v, int m, int N, uint64_t seed)
{
    const double delta = 0.001;
    onehl o;
    onehl_init(&o, v, m, delta);
    int D = (int)o.net.D;
    double *x = malloc(2 * N * sizeof *x), *u = malloc(D * sizeof *u), *th = malloc(D * sizeof *th);
    int *y = malloc(N * sizeof *y);
    rng_stream r;
    rng_init(&r, seed, 1);
    for (int i = 0; i < N; i++) {
        x[2 * i] = rng_normal(&r), x[2 * i + 1] = rng_normal(&r);
        y[i] = x[2 * i] + 0.5 * x[2 * i + 1] > 0.2;
    }
    rng_normal_fill(&r, u, D);
    onehl_from_units(&o, u, th);
    nn_data d = {x, y, NULL, N};
    onehl_props q;
    assert_int_equal(onehl_props_eval(&o, d, th, delta, 1e-7, &r, &q), 0);

    /* the dense reference: H, F, Σ from J and the per-sample derivatives */
    nn_eval *e = nn_eval_new(&o.net);
    double *F0 = malloc(N * sizeof *F0), *rr = malloc(N * sizeof *rr), *cc = malloc(N * sizeof *cc);
    double *J = malloc((size_t)N * D * sizeof *J), *g = calloc(D, sizeof *g);
    double *H = calloc((size_t)D * D, sizeof *H), *F = calloc((size_t)D * D, sizeof *F);
    double *S = malloc((size_t)D * D * sizeof *S), *w = malloc(D * sizeof *w), *u1 = malloc(D * sizeof *u1);
    nn_forward(e, th, d, F0);
    onehl_derivs(&o, N, F0, y, rr, cc);
    nn_jacobian(e, th, d, J); /* J_i = 0 where the ICML clip holds f; r_i = c_i = 0 there */
    long Na = 0;
    for (int i = 0; i < N; i++) {
        Na += cc[i] > 0 || rr[i] != 0;
        cblas_dsyr(CblasRowMajor, CblasUpper, D, cc[i] / N, J + (size_t)i * D, 1, H, D);
        cblas_dsyr(CblasRowMajor, CblasUpper, D, rr[i] * rr[i] / N, J + (size_t)i * D, 1, F, D);
        cblas_daxpy(D, rr[i] / N, J + (size_t)i * D, 1, g, 1);
    }
    for (int i = 0; i < D; i++)
        for (int j = i; j < D; j++) {
            H[j * D + i] = H[i * D + j], F[j * D + i] = F[i * D + j];
            S[i * D + j] = S[j * D + i] = F[i * D + j] - g[i] * g[j];
        }
    assert_int_equal(q.n_active, Na);
    double trH = 0, trS = 0;
    for (int i = 0; i < D; i++)
        trH += H[i * D + i], trS += S[i * D + i];
    near(q.trH, trH, 1e-10, "Tr H");
    near(q.trS, trS, 1e-10, "Tr Sigma");
    dense_eig(D, H, w, u1);
    near(q.lam1, w[D - 1], 1e-10, "lambda1");
    double uSu = 0;
    for (int i = 0; i < D; i++)
        for (int j = 0; j < D; j++)
            uSu += u1[i] * S[i * D + j] * u1[j];
    near(q.uSu, uSu, 1e-8, "u1' Sigma u1");
    near(q.ahat, uSu * trH / (w[D - 1] * trS), 1e-8, "ahat");

    /* the first ordering's difference: ICML F − δ²H, ICLR H − e^{−C}F */
    double C = 0;
    for (int i = 0; i < N; i++)
        C = fmax(C, fabs(F0[i]));
    for (int i = 0; i < D * D; i++)
        S[i] = v == ONEHL_ICML ? F[i] - delta * delta * H[i] : H[i] - exp(-C) * F[i];
    dense_eig(D, S, w, u1);
    double scale = fmax(fabs(w[0]), fabs(w[D - 1]));
    if (w[D - 1] > 1e-9 * scale)
        near(q.ord1_max, w[D - 1], 1e-8, "largest eigenvalue of the first ordering");
    if (D <= Na) /* J of full column rank: the range is all of R^D */
        assert_true(fabs(q.ord1_min - w[0]) <= 1e-9 * scale);
    assert_true(q.fd_err <= q.fd_tol);
    nn_eval_free(e);
    free(x), free(u), free(th), free(y), free(F0), free(rr), free(cc), free(J), free(g), free(H), free(F);
    free(S), free(w), free(u1);
    onehl_free(&o);
}

static void factor_j(void **state) /* D ≤ N: L = J */
{
    (void)state;
    check(ONEHL_ICML, 4, 60, 1);
    check(ONEHL_ICLR, 6, 60, 2);
}

static void factor_gram(void **state) /* D > N: L = K^{1/2} */
{
    (void)state;
    check(ONEHL_ICML, 40, 30, 3);
    check(ONEHL_ICLR, 50, 30, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(factor_j),
        cmocka_unit_test(factor_gram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
