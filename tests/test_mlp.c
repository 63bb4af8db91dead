/* mlp.h against nn.h and finite differences; mori.h estimators against
 * direct formulas. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "linalg.h"
#include "mlp.h"
#include "mori.h"
#include "nn.h"
#include "rng.h"

enum { DIN = 6, NS = 7 };

static void random_x(double *X, int n, int d, uint64_t seed)
{
    rng_stream r;
    rng_init(&r, seed, 0);
    for (int i = 0; i < n * d; i++)
        X[i] = rng_normal(&r);
}

/* The same θ, loss and per-sample gradients as nn_mlp with the MSE loss. */
static void test_matches_nn(void **state)
{
    (void)state;
    int w[2] = {5, 4}, K = 3;
    nn_net net;
    nn_mlp(&net, DIN, 2, w, K);
    nn_set_loss(&net, NN_LOSS_MSE, 0.0);
    mlp_net m;
    assert_int_equal(mlp_init(&m, DIN, 2, w, K), 0);
    assert_int_equal(m.D, net.D);
    double *th = malloc(m.D * sizeof *th), *th2 = malloc(m.D * sizeof *th2);
    nn_init_params(&net, th, 11, 2);
    mlp_init_params(&m, th2, 11, 2);
    assert_memory_equal(th, th2, m.D * sizeof *th);
    for (size_t i = 0; i < m.D; i++) /* nonzero biases too */
        th[i] += 0.1 * sin(3.0 * i);
    double X[NS * DIN], F[NS * 3], E[NS * 3], JJ[NS * 9];
    int y[NS];
    random_x(X, NS, DIN, 5);
    for (int i = 0; i < NS; i++)
        y[i] = i % K;
    nn_eval *e = nn_eval_new(&net);
    nn_data dd = {X, y, NULL, NS};
    double *gnn = malloc(m.D * sizeof *gnn), *G = malloc(NS * m.D * sizeof *G);
    double Lnn = nn_loss_grad(e, th, dd, gnn, NULL);
    nn_grad_per_sample(e, th, dd, G, NULL);
    mlp_work *wk = mlp_work_new(&m, NS);
    mlp_forward(&m, wk, th, X, NS, F);
    double L = 0;
    for (int i = 0; i < NS; i++)
        for (int k = 0; k < K; k++) {
            E[i * K + k] = F[i * K + k] - (k == y[i]);
            L += 0.5 * E[i * K + k] * E[i * K + k] / NS;
        }
    assert_true(fabs(L - Lnn) < 1e-12);
    double *g = malloc(m.D * sizeof *g);
    mlp_backward(&m, wk, th, X, NS, E, 1.0 / NS, g);
    for (size_t j = 0; j < m.D; j++)
        assert_true(fabs(g[j] - gnn[j]) < 1e-12);
    /* |∇ℓ_μ|² = r_μᵀ (J_μ J_μᵀ) r_μ */
    mlp_jac_gram(&m, wk, th, X, NS, JJ);
    for (int i = 0; i < NS; i++) {
        double a = 0, b = 0;
        for (size_t j = 0; j < m.D; j++)
            a += G[i * m.D + j] * G[i * m.D + j];
        for (int k = 0; k < K; k++)
            for (int q = 0; q < K; q++)
                b += E[i * K + k] * JJ[i * 9 + k * K + q] * E[i * K + q];
        assert_true(fabs(a - b) < 1e-10 * (1 + a));
    }
    /* the noise strength accumulated in two chunks = the direct formula */
    mori_noise_acc acc;
    mori_noise_acc_init(&acc, m.D);
    mori_noise_acc_add(&acc, G, 3);
    mori_noise_acc_add(&acc, G + 3 * m.D, NS - 3);
    double g2, Nn = mori_noise_strength(&acc, &g2), sq = 0, gg = 0;
    for (int i = 0; i < NS; i++)
        for (size_t j = 0; j < m.D; j++)
            sq += G[i * m.D + j] * G[i * m.D + j] / NS;
    for (size_t j = 0; j < m.D; j++)
        gg += gnn[j] * gnn[j];
    assert_true(fabs(g2 - gg) < 1e-12 * (1 + gg));
    assert_true(fabs(Nn - (sq - gg)) < 1e-12 * (1 + sq));
    /* the exact decoupling sum equals (1/N) Σ |∇ℓ_μ|² */
    double R[9] = {0}, Gb[9] = {0}, ex = 0;
    mori_decouple_acc(K, NS, E, JJ, R, Gb, &ex);
    assert_true(fabs(ex / NS - sq) < 1e-10 * (1 + sq));
    assert_true(fabs((R[0] + R[4] + R[8]) / NS - 2 * L) < 1e-12);
    mori_noise_acc_free(&acc);
    mlp_work_free(wk), nn_eval_free(e);
    free(th), free(th2), free(gnn), free(G), free(g);
}

/* J_μ J_μᵀ against central differences of the outputs. */
static void test_jac_gram_fd(void **state)
{
    (void)state;
    int w[2] = {5, 4}, K = 3;
    mlp_net m;
    mlp_init(&m, DIN, 2, w, K);
    double *th = malloc(m.D * sizeof *th), X[NS * DIN], F[NS * 3], Fp[NS * 3], Fm[NS * 3],
           JJ[NS * 9];
    mlp_init_params(&m, th, 3, 1);
    for (size_t i = 0; i < m.D; i++)
        th[i] += 0.1 * cos(2.0 * i);
    random_x(X, NS, DIN, 9);
    mlp_work *wk = mlp_work_new(&m, NS);
    double *J = calloc(NS * 3 * m.D, sizeof *J), h = 1e-6;
    for (size_t j = 0; j < m.D; j++) {
        double t = th[j];
        th[j] = t + h;
        mlp_forward(&m, wk, th, X, NS, Fp);
        th[j] = t - h;
        mlp_forward(&m, wk, th, X, NS, Fm);
        th[j] = t;
        for (int i = 0; i < NS * K; i++)
            J[i * m.D + j] = (Fp[i] - Fm[i]) / (2 * h);
    }
    mlp_forward(&m, wk, th, X, NS, F);
    mlp_jac_gram(&m, wk, th, X, NS, JJ);
    for (int i = 0; i < NS; i++)
        for (int k = 0; k < K; k++)
            for (int q = 0; q < K; q++) {
                double s = 0;
                for (size_t j = 0; j < m.D; j++)
                    s += J[(i * K + k) * m.D + j] * J[(i * K + q) * m.D + j];
                assert_true(fabs(s - JJ[i * 9 + k * K + q]) < 1e-6 * (1 + fabs(s)));
            }
    mlp_work_free(wk);
    free(th), free(J);
}

/* One output: the Jacobian rows against central differences, the Gram
 * matrix against J Jᵀ. */
static void test_ntk_gram(void **state)
{
    (void)state;
    int w[2] = {5, 4};
    mlp_net m;
    mlp_init(&m, DIN, 2, w, 1);
    double *th = malloc(m.D * sizeof *th), X[NS * DIN], F[NS], Fp[NS], Fm[NS];
    mlp_init_params(&m, th, 4, 1);
    for (size_t i = 0; i < m.D; i++)
        th[i] += 0.1 * cos(5.0 * i);
    random_x(X, NS, DIN, 13);
    mlp_work *wk = mlp_work_new(&m, NS);
    double *J = malloc(NS * m.D * sizeof *J), Kg[NS * NS], tmp[NS * NS], h = 1e-6;
    mlp_forward(&m, wk, th, X, NS, F);
    mlp_jacobian(&m, wk, th, X, NS, J);
    mlp_ntk_gram(&m, wk, th, X, NS, Kg, tmp);
    for (int i = 0; i < NS; i++)
        for (int j = 0; j < NS; j++) {
            double s = 0;
            for (size_t p = 0; p < m.D; p++)
                s += J[i * m.D + p] * J[j * m.D + p];
            assert_true(fabs(s - Kg[i * NS + j]) < 1e-10 * (1 + fabs(s)));
        }
    for (size_t p = 0; p < m.D; p++) {
        double t = th[p];
        th[p] = t + h;
        mlp_forward(&m, wk, th, X, NS, Fp);
        th[p] = t - h;
        mlp_forward(&m, wk, th, X, NS, Fm);
        th[p] = t;
        for (int i = 0; i < NS; i++)
            assert_true(fabs((Fp[i] - Fm[i]) / (2 * h) - J[i * m.D + p]) < 1e-6);
    }
    mlp_work_free(wk);
    free(th), free(J);
}

static void test_mori_estimators(void **state)
{
    (void)state;
    double h[5] = {3, 3, 3, 0, -1e-12};
    assert_true(fabs(mori_participation(h, 5) - 3.0) < 1e-12);
    double h2[2] = {1, 3}; /* (4)²/(1 + 9) */
    assert_true(fabs(mori_participation(h2, 2) - 1.6) < 1e-12);
    double a[4] = {1, 2, 3, 4}, b[2] = {2.5, 10};
    /* F_a − F_b at 2: 0.5 − 0; at 2.5: 0.5 − 0.5; at 4: 1 − 0.5 */
    assert_true(fabs(mori_ks(a, 4, b, 2) - 0.5) < 1e-15);
    assert_true(mori_ks(a, 4, a, 4) == 0.0);
    double A[9] = {2, 1, 0, 1, 2, 0, 0, 0, 5}, wv[3];
    assert_int_equal(linalg_sym_eigvals(3, A, wv), 0);
    assert_true(fabs(wv[0] - 5) < 1e-12 && fabs(wv[1] - 3) < 1e-12 && fabs(wv[2] - 1) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_nn),
        cmocka_unit_test(test_jac_gram_fd),
        cmocka_unit_test(test_ntk_gram),
        cmocka_unit_test(test_mori_estimators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
