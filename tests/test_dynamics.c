/* The noise of every dynamic (dynamics.h), checked by sampling: the sample
 * covariance of ε against the covariance the protocol prescribes, built
 * independently from dense Σ and H, and the mean of |ε|² against the matched
 * expected squared norm.  Also the factor identities: the Gram route to the
 * top eigenpairs of Σ (D > N) and Tr(HΣ) from factors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dynamics.h"
#include "linalg.h"
#include "rng.h"
#include "stats.h"

enum { D = 5, N = 12, M = 3, KH = 3, KL = 2 };

typedef struct {
    double G[N * D], S[D * D], H[D * D];
    dyn_sigma sig;
    dyn_hess hess;
} fixture;

/* Per-sample gradients with unequal scales per coordinate; H = Q diag Qᵀ
 * with one negative eigenvalue (clipped by GLD Hessian). */
static void fixture_make(fixture *f)
{
    rng_stream r;
    rng_init(&r, 5, 0);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < D; j++)
            f->G[i * D + j] = (1.0 + j) * rng_normal(&r) + 0.3 * j;
    double Q[D * D], lam[D] = {4.0, 2.0, 1.0, 0.5, -0.2};
    linalg_random_orthogonal(D, &r, Q);
    linalg_sym_from_eig(D, Q, lam, f->H);
    assert_int_equal(dyn_sigma_from_grads(&f->sig, D, N, f->G, M), 0);
    assert_int_equal(dyn_hess_from_dense(&f->hess, D, f->H, KH), 0);
    /* dense Σ_sgd straight from Eq. 5 */
    double mean[D] = {0};
    for (int i = 0; i < N; i++)
        for (int j = 0; j < D; j++)
            mean[j] += f->G[i * D + j] / N;
    for (int a = 0; a < D; a++)
        for (int b = 0; b < D; b++) {
            double s = 0.0;
            for (int i = 0; i < N; i++)
                s += f->G[i * D + a] * f->G[i * D + b];
            f->S[a * D + b] = (s / N - mean[a] * mean[b]) / M;
        }
}

static void fixture_free(fixture *f)
{
    dyn_sigma_free(&f->sig);
    dyn_hess_free(&f->hess);
}

/* The covariance each dynamic must have, from dense Σ and H only. */
static void expected_cov(const fixture *f, dyn_kind k, const dyn_config *c, double *C)
{
    double w[D], U[D * D], g[D], trS = linalg_trace(D, f->S);
    double target = c->target_sq >= 0 ? c->target_sq : trS;
    memset(C, 0, sizeof(double) * D * D);
    switch (k) {
    case DYN_GD:
        return;
    case DYN_GLD_CONST:
        for (int i = 0; i < D; i++)
            C[i * D + i] = c->rho2;
        break;
    case DYN_GLD_DYNAMIC:
        for (int i = 0; i < D; i++)
            C[i * D + i] = 1.0;
        break;
    case DYN_GLD_DIAG:
        for (int i = 0; i < D; i++)
            C[i * D + i] = f->S[i * D + i];
        break;
    case DYN_GLD_LEADING:
    case DYN_GLD_HESSIAN:
    case DYN_GLD_EIGVEC1: {
        assert_int_equal(linalg_sym_eig(D, k == DYN_GLD_LEADING ? f->S : f->H, w, U), 0);
        int kk = k == DYN_GLD_LEADING ? (int)c->k_leading : k == DYN_GLD_HESSIAN ? (int)c->k_hessian : 1;
        for (int j = 0; j < D; j++)
            g[j] = j < kk ? fmax(w[j], 0.0) : 0.0;
        linalg_sym_from_eig(D, U, g, C);
        break;
    }
    case DYN_SGD:
        memcpy(C, f->S, sizeof(double) * D * D);
        break;
    default:
        fail();
    }
    int matched = k == DYN_GLD_DYNAMIC || k == DYN_GLD_HESSIAN || k == DYN_GLD_EIGVEC1 ||
                  (c->match & DYN_BIT(k));
    if (matched) {
        double tr = linalg_trace(D, C);
        for (int i = 0; i < D * D; i++)
            C[i] *= target / tr;
    }
}

/* Sample n draws; every covariance entry and E|ε|² within z SE. */
static void check_sampling(fixture *f, const dyn_config *c, dyn_kind k)
{
    dyn_noise nz;
    dyn_noise_init(&nz);
    assert_int_equal(dyn_noise_prepare(&nz, k, c, D, &f->sig, &f->hess), 0);
    double C[D * D], Cn[D * D];
    expected_cov(f, k, c, C);
    dyn_noise_cov_dense(&nz, Cn);
    double scale = fmax(1e-300, linalg_trace(D, C));
    for (int i = 0; i < D * D; i++)
        assert_true(fabs(C[i] - Cn[i]) < 1e-9 * scale);
    assert_true(fabs(nz.expected_sq - linalg_trace(D, C)) < 1e-9 * scale);
    /* Tr(H Cov) without the dense Cov */
    assert_true(fabs(dyn_noise_trace_h(&nz, f->H) - linalg_trace_prod(D, f->H, C)) < 1e-9 * scale * 10);

    const long n = 200000;
    stats_acc acc[D * D], sq, mean[D];
    for (int i = 0; i < D * D; i++)
        stats_acc_init(&acc[i]);
    for (int i = 0; i < D; i++)
        stats_acc_init(&mean[i]);
    stats_acc_init(&sq);
    rng_stream r;
    rng_init(&r, 99, (uint64_t)k);
    double e[D];
    for (long t = 0; t < n; t++) {
        dyn_noise_draw(&nz, &r, e);
        double s = 0.0;
        for (int i = 0; i < D; i++) {
            s += e[i] * e[i];
            stats_acc_add(&mean[i], e[i]);
            for (int j = 0; j < D; j++)
                stats_acc_add(&acc[i * D + j], e[i] * e[j]);
        }
        stats_acc_add(&sq, s);
    }
    /* 25 entries + 5 means + 1 norm per dynamic; Bonferroni at 1e-3 */
    double z = stats_z_bonferroni(1e-3, 31);
    for (int i = 0; i < D * D; i++) {
        double se = stats_acc_se(&acc[i]);
        if (se == 0.0)
            assert_true(fabs(acc[i].mean - C[i]) < 1e-12 * scale);
        else
            assert_true(fabs(acc[i].mean - C[i]) <= z * se);
    }
    for (int i = 0; i < D; i++) {
        double se = stats_acc_se(&mean[i]);
        assert_true(fabs(mean[i].mean) <= z * se + 1e-300);
    }
    double se = stats_acc_se(&sq);
    if (k == DYN_GD)
        assert_true(sq.mean == 0.0);
    else
        assert_true(fabs(sq.mean - nz.expected_sq) <= z * se);
    dyn_noise_free(&nz);
}

/* The toy's configuration: every noisy dynamic at E|ε|² = 0.01. */
static void noise_all_matched(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f);
    dyn_config c = dyn_config_all(0.01, KL, KH);
    for (int k = 0; k < DYN_COUNT; k++)
        check_sampling(&f, &c, (dyn_kind)k);
    fixture_free(&f);
}

/* The Fashion-MNIST configuration: dynamic, Hessian, 1st eigvec matched to
 * Tr Σ_sgd; const, diag, leading, SGD at their own scale. */
static void noise_paper_config(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f);
    dyn_config c = dyn_config_paper(0.3, KL, KH);
    for (int k = 0; k < DYN_COUNT; k++)
        check_sampling(&f, &c, (dyn_kind)k);
    /* the matched ones have SGD's expected squared norm */
    dyn_noise nz;
    dyn_noise_init(&nz);
    for (int k = DYN_GLD_DYNAMIC; k <= DYN_SGD; k++) {
        if (k == DYN_GLD_DIAG || k == DYN_GLD_LEADING)
            continue;
        assert_int_equal(dyn_noise_prepare(&nz, (dyn_kind)k, &c, D, &f.sig, &f.hess), 0);
        assert_true(fabs(nz.expected_sq - linalg_trace(D, f.S)) < 1e-12 * linalg_trace(D, f.S));
    }
    dyn_noise_free(&nz);
    fixture_free(&f);
}

/* GLD leading with k = min(D, N) is Σ itself (the toy's k = 2 = D). */
static void leading_full_rank(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f);
    dyn_config c = dyn_config_all(0.01, D, KH);
    check_sampling(&f, &c, DYN_GLD_LEADING);
    fixture_free(&f);
}

/* D > N: the Gram route gives the eigenpairs of the dense RᵀR; and
 * Tr(HΣ) from factors equals the dense trace. */
static void gram_route(void **state)
{
    (void)state;
    enum { DD = 40, NN = 7, P = 9, K = 4 };
    rng_stream r;
    rng_init(&r, 3, 1);
    double *G = malloc(sizeof(double) * NN * DD), *B = malloc(sizeof(double) * P * DD);
    for (int i = 0; i < NN * DD; i++)
        G[i] = rng_normal(&r) * (1 + i % 3);
    for (int i = 0; i < P * DD; i++)
        B[i] = rng_normal(&r);
    dyn_sigma s;
    assert_int_equal(dyn_sigma_from_grads(&s, DD, NN, G, 2), 0);
    double *S = malloc(sizeof(double) * DD * DD), *w = malloc(sizeof(double) * DD),
           *U = malloc(sizeof(double) * DD * DD), *V = malloc(sizeof(double) * DD * K), gam[K];
    dyn_sigma_dense(&s, S);
    assert_int_equal(linalg_sym_eig(DD, S, w, U), 0);
    assert_int_equal(dyn_sigma_top(&s, K, gam, V), 0);
    for (int j = 0; j < K; j++) {
        assert_true(fabs(gam[j] - w[j]) < 1e-10 * w[0]);
        double dot = 0.0, nrm = 0.0;
        for (int i = 0; i < DD; i++)
            dot += V[i * K + j] * U[i * DD + j], nrm += V[i * K + j] * V[i * K + j];
        assert_true(fabs(nrm - 1.0) < 1e-10);
        assert_true(fabs(fabs(dot) - 1.0) < 1e-8);
    }
    /* diag and trace */
    double d[DD], tr = 0.0;
    dyn_sigma_diag(&s, d);
    for (int i = 0; i < DD; i++)
        assert_true(fabs(d[i] - S[i * DD + i]) < 1e-12 * (1 + S[i * DD + i])), tr += d[i];
    assert_true(fabs(tr - dyn_sigma_trace(&s)) < 1e-10 * tr);
    /* Tr(HΣ), H = BᵀB */
    double *H = malloc(sizeof(double) * DD * DD);
    for (int a = 0; a < DD; a++)
        for (int b = 0; b < DD; b++) {
            double h = 0.0;
            for (int p = 0; p < P; p++)
                h += B[p * DD + a] * B[p * DD + b];
            H[a * DD + b] = h;
        }
    double t1 = linalg_trace_prod(DD, H, S), t2 = dyn_trace_factors(DD, P, B, NN, s.R);
    assert_true(fabs(t1 - t2) < 1e-10 * fabs(t1));
    dyn_sigma_free(&s);
    free(G), free(B), free(S), free(w), free(U), free(V), free(H);
}

/* Names round-trip; a matched dynamic with no curvature is flagged. */
static void names_and_degenerate(void **state)
{
    (void)state;
    for (int k = 0; k < DYN_COUNT; k++) {
        dyn_kind p;
        assert_int_equal(dyn_parse(dyn_key((dyn_kind)k), &p), 0);
        assert_int_equal(p, k);
    }
    dyn_kind p;
    assert_int_equal(dyn_parse("nope", &p), -1);
    dyn_hess h;
    double Hneg[4] = {-1, 0, 0, -2};
    assert_int_equal(dyn_hess_from_dense(&h, 2, Hneg, 2), 0);
    dyn_config c = dyn_config_all(0.01, 2, 2);
    dyn_noise nz;
    dyn_noise_init(&nz);
    assert_int_equal(dyn_noise_prepare(&nz, DYN_GLD_EIGVEC1, &c, 2, NULL, &h), 0);
    assert_true(nz.degenerate);
    double e[2] = {1, 1};
    rng_stream r;
    rng_init(&r, 1, 1);
    dyn_noise_draw(&nz, &r, e);
    assert_true(e[0] == 0.0 && e[1] == 0.0);
    /* missing inputs are refused */
    assert_int_equal(dyn_noise_prepare(&nz, DYN_GLD_DIAG, &c, 2, NULL, &h), -1);
    dyn_noise_free(&nz);
    dyn_hess_free(&h);
}

/* The Gram-matrix identities for scalar-output models against dense H, Σ. */
static void glm_traces(void **state)
{
    (void)state;
    enum { NN = 9, DD = 6 };
    rng_stream r;
    rng_init(&r, 8, 2);
    double J[NN * DD], c[NN], rr[NN], K[NN * NN], H[DD * DD] = {0}, S[DD * DD] = {0}, g[DD] = {0};
    for (int i = 0; i < NN * DD; i++)
        J[i] = rng_normal(&r);
    for (int i = 0; i < NN; i++)
        c[i] = i % 4 ? rng_uniform(&r) : 0.0, rr[i] = rng_normal(&r);
    for (int i = 0; i < NN; i++)
        for (int j = 0; j < NN; j++) {
            double k = 0.0;
            for (int a = 0; a < DD; a++)
                k += J[i * DD + a] * J[j * DD + a];
            K[i * NN + j] = k;
        }
    for (int i = 0; i < NN; i++)
        for (int a = 0; a < DD; a++) {
            g[a] += rr[i] * J[i * DD + a] / NN;
            for (int b = 0; b < DD; b++) {
                H[a * DD + b] += c[i] * J[i * DD + a] * J[i * DD + b] / NN;
                S[a * DD + b] += rr[i] * rr[i] * J[i * DD + a] * J[i * DD + b] / NN;
            }
        }
    for (int a = 0; a < DD; a++)
        for (int b = 0; b < DD; b++)
            S[a * DD + b] -= g[a] * g[b];
    dyn_glm_traces t;
    dyn_glm_traces_gram(NN, DD, K, c, rr, &t);
    double trH = linalg_trace(DD, H), trS = linalg_trace(DD, S), trHS = linalg_trace_prod(DD, H, S);
    assert_true(fabs(t.trH - trH) < 1e-12 * trH);
    assert_true(fabs(t.trS - trS) < 1e-12 * trS);
    assert_true(fabs(t.trHS - trHS) < 1e-12 * fabs(trHS));
    assert_true(fabs(t.trHSbar - trH * trS / DD) < 1e-12 * trH * trS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(noise_all_matched), cmocka_unit_test(noise_paper_config),
        cmocka_unit_test(leading_full_rank), cmocka_unit_test(gram_route),
        cmocka_unit_test(names_and_degenerate), cmocka_unit_test(glm_traces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
