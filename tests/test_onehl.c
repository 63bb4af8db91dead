/* The one-hidden-layer nets of ZHU-1HL/ZHU-P2 (onehl.h): the popcount Gram
 * matrix against J Jᵀ from the engine's Jacobian, and the per-sample
 * derivatives r_i, c_i against the engine's per-sample gradients,
 * Gauss–Newton product and Hessian, on small random nets of both variants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cblas.h>
#include <cmocka.h>

#include "nn.h"
#include "onehl.h"
#include "rng.h"

static void check_variant(onehl_variant v, int m, int N, uint64_t seed)
{
    onehl o;
    onehl_init(&o, v, m, 0.001);
    size_t D = o.net.D;
    assert_int_equal(D, 3 * (size_t)m);
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
    /* the layout: unit k's (w_k1, w_k2, b_k) */
    assert_true(th[o.net.l[0].woff + 2] == u[3] && th[o.net.l[0].boff + 1] == u[5]);
    nn_data d = {x, y, NULL, N};
    nn_eval *e = nn_eval_new(&o.net);
    double *F = malloc(N * sizeof *F), *rr = malloc(N * sizeof *rr), *cc = malloc(N * sizeof *cc);
    double *K = malloc((size_t)N * N * sizeof *K), *J = malloc(N * D * sizeof *J);
    double *G = malloc(N * D * sizeof *G);
    nn_forward(e, th, d, F);
    onehl_derivs(&o, N, F, y, rr, cc);
    onehl_gram(&o, N, x, th, K);
    nn_jacobian(e, th, d, J); /* of the clipped output: J_i = 0 where φ clips */
    int nin = 0, nout = 0;
    for (int i = 0; i < N; i++)
        nin += cc[i] > 0, nout += cc[i] == 0;
    /* ICML: both kinds of samples occur */
    assert_true(nin >= N / 2 && (v == ONEHL_ICLR ? nout == 0 : nout > 0));
    double kmax = 0;
    for (size_t i = 0; i < (size_t)N * N; i++)
        kmax = fmax(kmax, fabs(K[i]));
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            if (cc[i] == 0 || cc[j] == 0)
                continue;
            double jj = cblas_ddot((int)D, J + i * D, 1, J + j * D, 1);
            if (fabs(K[(size_t)i * N + j] - jj) > 1e-13 * kmax)
                fail_msg("Gram (%d, %d): popcount %.17g, J Jt %.17g", i, j, K[(size_t)i * N + j], jj);
        }
    /* ∇ℓ_i = r_i J_i */
    nn_grad_per_sample(e, th, d, G, NULL);
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < D; k++)
            assert_true(fabs(G[i * D + k] - rr[i] * J[i * D + k]) <= 1e-14 * (1 + fabs(G[i * D + k])));
    /* H v = G v = (1/N) Σ c_i (J_i·v) J_i (f is piecewise linear in θ) */
    double *w = malloc(D * sizeof *w), *Gv = malloc(D * sizeof *Gv), *Hv = malloc(D * sizeof *Hv);
    double *ref = calloc(D, sizeof *ref), s = 0;
    rng_normal_fill(&r, w, D);
    for (int i = 0; i < N; i++)
        cblas_daxpy((int)D, cc[i] * cblas_ddot((int)D, J + i * D, 1, w, 1) / N, J + i * D, 1, ref, 1);
    nn_gnvp(e, th, d, w, Gv);
    nn_hvp(e, th, d, w, Hv);
    for (size_t k = 0; k < D; k++)
        s = fmax(s, fabs(ref[k]));
    assert_true(s > 0);
    for (size_t k = 0; k < D; k++) {
        if (fabs(Gv[k] - ref[k]) > 1e-12 * s || fabs(Hv[k] - ref[k]) > 1e-12 * s)
            fail_msg("H v [%zu]: reference %.17g, G v %.17g, H v %.17g", k, ref[k], Gv[k], Hv[k]);
    }
    nn_eval_free(e);
    free(x), free(u), free(th), free(y), free(F), free(rr), free(cc), free(K), free(J), free(G);
    free(w), free(Gv), free(Hv), free(ref);
    onehl_free(&o);
}

/* m = 70: two words of the bitsets, the second partial */
static void icml(void **state)
{
    (void)state;
    check_variant(ONEHL_ICML, 70, 60, 1);
    check_variant(ONEHL_ICML, 5, 150, 2); /* > 1 chunk of the engine */
}

static void iclr(void **state)
{
    (void)state;
    check_variant(ONEHL_ICLR, 70, 60, 3);
    check_variant(ONEHL_ICLR, 130, 150, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(icml),
        cmocka_unit_test(iclr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
