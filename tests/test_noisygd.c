/* The toy valley losses: exact gradients and Hessians against finite
 * differences; the noise covariances against their definitions; the drift
 * formula against Theorem 1's constant for the η² toy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include <lapacke.h>

#include "noisygd.h"
#include "rng.h"
#include "stats.h"

/* Random points away from the kinks of the η² loss. */
static void random_point(const ngd_loss *L, rng_stream *r, double *th)
{
    for (int i = 0; i < L->N; i++)
        th[i] = 0.8 * rng_normal(r);
    if (L->kind == NGD_LOSS_ETA2)
        th[2] = 1.0 + rng_uniform(r), th[3] = 0.5 * rng_uniform(r);
}

/* Central differences: error O(h²) in the third derivatives. */
static void grad_and_hessian_match_finite_differences(void **state)
{
    (void)state;
    ngd_loss_kind kinds[3] = {NGD_LOSS_ETA2, NGD_LOSS_TRDET, NGD_LOSS_ENTROPIC};
    rng_stream r;
    rng_init(&r, 5, 0);
    for (int k = 0; k < 3; k++) {
        ngd_loss L;
        ngd_loss_init(&L, kinds[k], 0.3);
        int N = L.N;
        for (int rep = 0; rep < 20; rep++) {
            double th[NGD_MAXDIM], g[NGD_MAXDIM], H[16], tp[NGD_MAXDIM], gp[NGD_MAXDIM],
                gm[NGD_MAXDIM];
            random_point(&L, &r, th);
            ngd_grad(&L, th, g);
            ngd_hess(&L, th, H);
            const double h = 1e-5;
            for (int j = 0; j < N; j++) {
                memcpy(tp, th, sizeof tp);
                tp[j] = th[j] + h;
                double lp = ngd_value(&L, tp);
                ngd_grad(&L, tp, gp);
                tp[j] = th[j] - h;
                double lm = ngd_value(&L, tp);
                ngd_grad(&L, tp, gm);
                double fd = (lp - lm) / (2 * h);
                assert_true(fabs(fd - g[j]) < 1e-7 * (1 + fabs(g[j])));
                for (int i = 0; i < N; i++) {
                    double fdh = (gp[i] - gm[i]) / (2 * h);
                    assert_true(fabs(fdh - H[i * N + j]) < 1e-7 * (1 + fabs(H[i * N + j])));
                    assert_true(H[i * N + j] == H[j * N + i]);
                }
            }
        }
    }
}

/* The spectral functions' gradients against finite differences. */
static void f_grad_matches_finite_differences(void **state)
{
    (void)state;
    double lam[2] = {1.7, 0.4}, df[2];
    for (int f = NGD_F_TRACE; f <= NGD_F_SUMSQ; f++) {
        ngd_f_grad((ngd_f)f, 2, lam, df);
        for (int i = 0; i < 2; i++) {
            double lp[2] = {lam[0], lam[1]}, lm[2] = {lam[0], lam[1]};
            lp[i] += 1e-6, lm[i] -= 1e-6;
            double fd = (ngd_f_value((ngd_f)f, 2, lp) - ngd_f_value((ngd_f)f, 2, lm)) / 2e-6;
            assert_true(fabs(fd - df[i]) < 1e-7);
        }
    }
}

/* Sampled ξ has the covariance ngd_noise_cov reports, and that covariance
 * is cH where H is positive definite, cH₊ (PSD, equal to cH on H's positive
 * eigenvectors) where it is not, and Theorem 2's diagonal otherwise. */
static void noise_covariances(void **state)
{
    (void)state;
    ngd_loss Le, L4;
    ngd_loss_init(&Le, NGD_LOSS_ENTROPIC, 1e-4);
    ngd_loss_init(&L4, NGD_LOSS_ETA2, 0.0);
    double the[2] = {0.3, 0.2}, th4[4] = {0.1, -0.2, 1.0, 0.5};
    ngd_noise hess = {NGD_NOISE_HESS, 0.7, NGD_F_TRACE};
    double C[16], H[16];
    /* entropic at (0.3, 0.2): H = [[1.04, 0.12], [0.12, 0.09]], positive definite */
    ngd_noise_cov(&Le, &hess, the, C);
    ngd_hess(&Le, the, H);
    for (int i = 0; i < 4; i++)
        assert_true(fabs(C[i] - 0.7 * H[i]) < 1e-12);
    /* the η² toy: indefinite (zero valley block, nonzero coupling) */
    ngd_noise_cov(&L4, &hess, th4, C);
    ngd_hess(&L4, th4, H);
    double w[4], U[16];
    memcpy(U, H, sizeof U);
    double neg = 0;
    for (int i = 0; i < 16; i++)
        neg += fabs(C[i] - 0.7 * H[i]);
    assert_true(neg > 1e-3); /* clipping did something */
    /* C is PSD and C − cH is PSD as well (it is c times the negative part) */
    {
        double A[16];
        memcpy(A, C, sizeof A);
        LAPACKE_dsyev(LAPACK_COL_MAJOR, 'N', 'L', 4, A, 4, w);
        for (int k = 0; k < 4; k++)
            assert_true(w[k] > -1e-12);
        for (int i = 0; i < 16; i++)
            A[i] = C[i] - 0.7 * H[i];
        LAPACKE_dsyev(LAPACK_COL_MAJOR, 'N', 'L', 4, A, 4, w);
        for (int k = 0; k < 4; k++)
            assert_true(w[k] > -1e-12);
    }
    (void)U;
    /* Monte Carlo: sampled covariance of ξ within 5 SE of C, for HESS on
     * both losses and for the three Theorem 2 noises on the η² toy. */
    ngd_noise nzs[4] = {hess, {NGD_NOISE_THM2, 0.7, NGD_F_TRACE}, {NGD_NOISE_THM2, 0.7, NGD_F_LOGDET},
                        {NGD_NOISE_THM2, 0.7, NGD_F_SUMSQ}};
    rng_stream r;
    rng_init(&r, 9, 1);
    const int M = 200000;
    for (int s = 0; s < 5; s++) {
        const ngd_loss *L = s == 0 ? &Le : &L4;
        const double *th = s == 0 ? the : th4;
        const ngd_noise *nz = &nzs[s == 0 ? 0 : s - 1];
        int N = L->N;
        ngd_noise_cov(L, nz, th, C);
        double S[16] = {0}, z[4], xi[4];
        for (int k = 0; k < M; k++) {
            for (int i = 0; i < N; i++)
                z[i] = rng_normal(&r);
            assert_int_equal(ngd_noise_apply(L, nz, th, z, xi), 0);
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++)
                    S[i * N + j] += xi[i] * xi[j] / M;
        }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double se = sqrt((C[i * N + i] * C[j * N + j] + C[i * N + j] * C[i * N + j]) / M);
                assert_true(fabs(S[i * N + j] - C[i * N + j]) <= 5 * se + 1e-15);
            }
    }
    /* Theorem 2's diagonals: cλ, c, 2cλ² */
    double lam[2];
    ngd_lambda(&L4, th4, lam, NULL, NULL);
    ngd_noise_cov(&L4, &nzs[1], th4, C);
    assert_true(fabs(C[0] - 0.7 * lam[0]) < 1e-14 && fabs(C[5] - 0.7 * lam[1]) < 1e-14);
    ngd_noise_cov(&L4, &nzs[2], th4, C);
    assert_true(fabs(C[0] - 0.7) < 1e-14 && fabs(C[5] - 0.7) < 1e-14 && C[10] == 0);
    ngd_noise_cov(&L4, &nzs[3], th4, C);
    assert_true(fabs(C[0] - 1.4 * lam[0] * lam[0]) < 1e-12);
}

/* Theorem 1 on the η² toy: ⟨ΔT⟩ = −(η²c/4)‖Σ∇λ_i‖² = −13η²c at leading
 * order (∇λ_1 = (2, 2), ∇λ_2 = (2, 4)); the discrete iteration's rate is
 * −η²c (10/(2 − ηλ_1) + 16/(2 − ηλ_2)). */
static void drift_rate_eta2(void **state)
{
    (void)state;
    ngd_loss L;
    ngd_loss_init(&L, NGD_LOSS_ETA2, 0.0);
    ngd_noise nz = {NGD_NOISE_HESS, 0.01, NGD_F_TRACE};
    double th[4] = {0, 0, 1.0, 0.5}, eta = 0.05; /* λ = (3, 4) */
    assert_true(fabs(ngd_drift_rate(&L, &nz, NGD_F_TRACE, eta, th, 0) + 13 * eta * eta * 0.01) < 1e-15);
    double ex = -eta * eta * 0.01 * (10 / (2 - 3 * eta) + 16 / (2 - 4 * eta));
    assert_true(fabs(ngd_drift_rate(&L, &nz, NGD_F_TRACE, eta, th, 1) - ex) < 1e-15);
}

/* The mean-field recursion at fixed λ converges to the AR(1) fixed point
 * ηC/(λ(2 − ηλ)), which a simulation of the θ coordinates reproduces. */
static void stationary_second_moment(void **state)
{
    (void)state;
    ngd_loss L;
    ngd_loss_init(&L, NGD_LOSS_ENTROPIC, 0.0);
    ngd_noise nz = {NGD_NOISE_THM2, 1.0, NGD_F_TRACE};
    double eta = 0.5, th[2] = {0, 1.0}, m2 = 0, ex; /* λ = 2, ηλ = 1: far from the SDE limit */
    ngd_stationary_m2(&L, &nz, eta, th, 1, &ex);
    for (int t = 0; t < 200; t++)
        ngd_meanfield_step(&L, &nz, eta, th, &m2), th[1] = 1.0;
    assert_true(fabs(m2 - ex) < 1e-12);
    assert_true(fabs(ex - eta * 2 / (2 * (2 - 1.0))) < 1e-15);
    /* θ_0 with φ frozen: Var ξ = cλ = 2, θ ← (1 − ηλ)θ − ηξ = −ηξ: Var = η²·2 = 0.5 */
    rng_stream r;
    rng_init(&r, 3, 0);
    stats_acc a;
    stats_acc_init(&a);
    double x[2] = {0, 1.0};
    for (int t = 0; t < 100000; t++) {
        assert_int_equal(ngd_step(&L, &nz, eta, x, &r, NULL), 0);
        x[1] = 1.0;
        stats_acc_add(&a, x[0] * x[0]);
    }
    assert_true(fabs(a.mean - ex) < 5 * ex * sqrt(2.0 / 100000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grad_and_hessian_match_finite_differences),
        cmocka_unit_test(f_grad_matches_finite_differences),
        cmocka_unit_test(noise_covariances),
        cmocka_unit_test(drift_rate_eta2),
        cmocka_unit_test(stationary_second_moment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
