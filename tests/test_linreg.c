/* Linear-regression SGD: the exact noise covariance against sampling, the
 * step against its definition, and the φ fit on data with known φ. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "linreg.h"
#include "rng.h"

/* Σ(θ) of linreg_noise_cov against the sample covariance of many
 * minibatch gradients g_𝓑 drawn by the SGD's own batch sampler.  The mean
 * ∇L is known exactly, so each entry's estimate is the mean of
 * (g_i − ∇L_i)(g_j − ∇L_j), unbiased, with a standard error from its
 * sample variance; every entry must lie within 5 SE. */
static void check_noise(int d, long N, int B, long draws)
{
    linreg_data D;
    assert_int_equal(linreg_data_gaussian(&D, d, N, 3, 0), 0);
    double theta[8], S[64], grad[8], g[8];
    rng_stream r;
    rng_init(&r, 5, 1);
    for (int i = 0; i < d; i++)
        theta[i] = D.theta_star[i] + 0.7 * rng_normal(&r);
    linreg_noise_cov(&D, theta, B, S);
    for (int i = 0; i < d; i++) {
        grad[i] = 0;
        for (int j = 0; j < d; j++)
            grad[i] += D.H[i * d + j] * (theta[j] - D.theta_star[j]);
    }
    linreg_sgd s;
    assert_int_equal(linreg_sgd_init(&s, &D, B), 0);
    double *m1 = calloc(d * d, sizeof *m1), *m2 = calloc(d * d, sizeof *m2);
    for (long n = 0; n < draws; n++) {
        linreg_draw_batch(&s, N, &r);
        for (int i = 0; i < d; i++)
            g[i] = 0;
        for (int b = 0; b < B; b++) {
            const double *x = D.X + s.batch[b] * d;
            double res = -D.y[s.batch[b]];
            for (int i = 0; i < d; i++)
                res += theta[i] * x[i];
            for (int i = 0; i < d; i++)
                g[i] += res * x[i] / B;
        }
        for (int i = 0; i < d * d; i++) {
            double p = (g[i / d] - grad[i / d]) * (g[i % d] - grad[i % d]);
            m1[i] += p, m2[i] += p * p;
        }
    }
    for (int i = 0; i < d * d; i++) {
        double mean = m1[i] / draws, se = sqrt((m2[i] / draws - mean * mean) / draws);
        assert_true(fabs(mean - S[i]) <= 5 * se + 1e-14);
    }
    free(m1), free(m2);
    linreg_sgd_free(&s);
    linreg_data_free(&D);
}

static void noise_b1(void **state) { (void)state; check_noise(3, 40, 1, 400000); }
static void noise_b7(void **state) { (void)state; check_noise(2, 30, 7, 400000); }

/* B = N: the batch is the whole data set, the noise vanishes. */
static void noise_full_batch(void **state)
{
    (void)state;
    linreg_data D;
    assert_int_equal(linreg_data_gaussian(&D, 2, 25, 3, 0), 0);
    double theta[2] = {0.3, -1.0}, S[4];
    linreg_noise_cov(&D, theta, 25, S);
    for (int i = 0; i < 4; i++)
        assert_true(fabs(S[i]) < 1e-15);
    linreg_data_free(&D);
}

/* θ*, L*, the incremental loss and one step against the definitions. */
static void step_and_loss(void **state)
{
    (void)state;
    linreg_data D;
    int d = 4;
    assert_int_equal(linreg_data_gaussian(&D, d, 200, 9, 0), 0);
    assert_true(fabs(linreg_loss_direct(&D, D.theta_star) - D.Lstar) < 1e-13);
    double t2[4];
    for (int i = 0; i < d; i++) { /* θ* minimises: L grows either way */
        t2[i] = D.theta_star[i] + 1e-4;
        assert_true(linreg_loss_direct(&D, t2) > D.Lstar);
    }
    linreg_sgd s;
    assert_int_equal(linreg_sgd_init(&s, &D, 3), 0);
    double theta[4] = {1, -2, 0.5, 0.1};
    linreg_sgd_set(&s, &D, theta);
    rng_stream r;
    rng_init(&r, 1, 2);
    for (int k = 0; k < 3000; k++) {
        linreg_sgd_step(&s, &D, 0.05, &r);
        /* s.batch holds the batch just used: apply Eq. 2 to it directly */
        double g[4] = {0};
        for (int b = 0; b < 3; b++) {
            const double *x = D.X + s.batch[b] * d;
            double res = -D.y[s.batch[b]];
            for (int i = 0; i < d; i++)
                res += theta[i] * x[i];
            for (int i = 0; i < d; i++)
                g[i] += res * x[i] / 3;
        }
        assert_true(s.batch[0] != s.batch[1] && s.batch[1] != s.batch[2] && s.batch[0] != s.batch[2]);
        for (int i = 0; i < d; i++)
            theta[i] -= 0.05 * g[i];
    }
    for (int i = 0; i < d; i++)
        assert_true(fabs(s.u[i] + D.theta_star[i] - theta[i]) < 1e-10);
    double L = linreg_loss_direct(&D, theta);
    assert_true(fabs(D.Lstar * exp(linreg_sgd_logratio(&s, &D)) - L) < 1e-10 * L);
    linreg_sgd_free(&s);
    linreg_data_free(&D);
}

/* L^{−φ} with L = L*(1 + hu²/(2L*)) is a Student t with ν = 2φ − 1 degrees
 * of freedom in u·√(hν/(2L*)).  Draw n samples by inversion, fit φ by
 * maximum likelihood and require |φ̂ − φ| ≤ 4 SE (delta method). */
static void phi_fit(void **state)
{
    (void)state;
    const double phis[] = {0.8, 1.5, 3.0, 11.0, 101.0, 2001.0};
    const double Lstar = 0.37, h = 1.3;
    const int n = 200000;
    gsl_rng *gr = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(gr, 17);
    for (int k = 0; k < 6; k++) {
        double phi = phis[k], nu = 2 * phi - 1, sc = sqrt(2 * Lstar / (h * nu));
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double u = sc * gsl_ran_tdist(gr, nu);
            double l = log1p(h * u * u / (2 * Lstar));
            s += l, s2 += l * l;
        }
        double m = s / n, se_m = sqrt((s2 / n - m * m) / n);
        double fit = linreg_phi_from_meanlog(m);
        double se = se_m / fabs(linreg_phi_dmeanlog(fit));
        assert_true(fabs(fit - phi) <= 4 * se);
        assert_true(se < 0.02 * phi); /* and the fit is informative */
        /* the inverse is exact: ψ(φ) − ψ(φ−½) at the fit returns m */
        assert_true(fabs(linreg_phi_from_meanlog(m) - fit) == 0.0);
    }
    gsl_rng_free(gr);
    assert_true(fabs(linreg_phi_from_meanlog(2 * log(2.0)) - 1.0) < 1e-9); /* ψ(1)−ψ(½) = 2 ln 2 */
}

/* The radial drift and variance at a point against Σ of a large data set:
 * uᵀΣu/|u|² ≈ c(2L* + 2|u|²) (exact) and c(2L* + |u|²) (decoupled). */
static void radial_matches_population(void **state)
{
    (void)state;
    linreg_data D;
    int d = 3;
    assert_int_equal(linreg_data_gaussian(&D, d, 200000, 21, 0), 0);
    double theta[3], S[9], Sd[9], u[3] = {0.6, -0.8, 0.0};
    for (int i = 0; i < d; i++)
        theta[i] = D.theta_star[i] + u[i];
    linreg_noise_cov(&D, theta, 1, S);
    linreg_noise_cov_decoupled(&D, theta, 1, Sd);
    double rad = 0, radd = 0;
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            rad += u[i] * S[i * d + j] * u[j], radd += u[i] * Sd[i * d + j] * u[j];
    linreg_radial ex = {d, 1.0, linreg_noise_factor(D.N, 1), D.Lstar, 1.0, 0}, dc = ex;
    dc.decoupled = 1;
    assert_true(fabs(rad - linreg_radial_var(1.0, &ex)) < 0.05 * rad);
    assert_true(fabs(radd - linreg_radial_var(1.0, &dc)) < 0.02 * radd);
    linreg_data_free(&D);
}

/* Population Lyapunov exponent: the small-η expansion
 * λ = −η + η²(d − 4)/2 + O(η³ d²), and a Monte Carlo of the tangent
 * recursion with fresh Gaussian inputs. */
static void lyapunov_population(void **state)
{
    (void)state;
    double lam, err, eta = 1e-3;
    assert_int_equal(linreg_lyapunov_population(3, 1, eta, &lam, &err), 0);
    assert_true(fabs(lam - (-eta + eta * eta * (3 - 4) / 2)) < 20 * eta * eta * eta);
    /* Monte Carlo at η = 0.25, d = 5 with a large data set */
    linreg_data D;
    assert_int_equal(linreg_data_gaussian(&D, 5, 100000, 3, 0), 0);
    linreg_sgd s;
    linreg_sgd_init(&s, &D, 1);
    rng_stream r;
    rng_init(&r, 5, 1);
    double e[5] = {1, 0, 0, 0, 0}, acc = 0;
    long K = 400000;
    for (long k = 0; k < K; k++)
        acc += linreg_tangent_step(&s, &D, 0.25, e, &r);
    assert_int_equal(linreg_lyapunov_population(5, 1, 0.25, &lam, &err), 0);
    /* per-step SD of log|Me| is below 0.5 here: 6 SE ~ 0.005 */
    assert_true(fabs(acc / K - lam) < 0.005);
    linreg_sgd_free(&s);
    linreg_data_free(&D);
}

/* Closed forms of the Kesten root: for B = 1
 * E A = 1 − 2η + η²(d + 2), so s = 1 exactly where that equals 1
 * (d = 18 at η = 0.1; d = 1 at η = 2/3). */
static void kesten_population(void **state)
{
    (void)state;
    double s, err;
    assert_int_equal(linreg_kesten_population(18, 1, 0.1, &s, &err), 0);
    assert_true(fabs(s - 1) < 1e-6);
    assert_int_equal(linreg_kesten_population(1, 1, 2.0 / 3.0, &s, &err), 0);
    assert_true(fabs(s - 1) < 1e-6);
    assert_int_equal(linreg_kesten_population(2, 1, 0.1, &s, &err), 0); /* χ²_1 inner density */
    assert_true(s > 1 && s < 20);
    /* unstable chain (λ > 0): no root */
    assert_int_equal(linreg_kesten_population(30, 1, 0.1, &s, &err), -1);
}

/* The radial chain's passage time against a direct simulation of the
 * population chain u' = (I − ηxxᵀ)u − ηxε. */
static void radial_chain(void **state)
{
    (void)state;
    enum { d = 15 };
    double eta = 0.1, Ls = 0.5, rc = sqrt(2 * Ls * 2.0), T, err; /* C = 3, t_p ≈ 2 */
    assert_int_equal(linreg_radial_chain_mfpt(d, eta, Ls, &rc, 1, 400, &T, &err), 0);
    rng_stream r;
    rng_init(&r, 5, 5);
    double s = 0, s2 = 0;
    long n = 20000;
    for (long i = 0; i < n; i++) {
        double u[d] = {0}, x[d], u2 = 0;
        long k = 0;
        while (u2 < rc * rc) {
            rng_normal_fill(&r, x, d);
            double w = sqrt(2 * Ls) * rng_normal(&r);
            for (int j = 0; j < d; j++)
                w += x[j] * u[j];
            u2 = 0;
            for (int j = 0; j < d; j++)
                u[j] -= eta * x[j] * w, u2 += u[j] * u[j];
            k++;
        }
        s += eta * k, s2 += eta * eta * k * k;
    }
    double m = s / n, se = sqrt((s2 / n - m * m) / n);
    assert_true(fabs(m - T) < 4 * se + err);
}

static void whiten(void **state)
{
    (void)state;
    linreg_data D;
    assert_int_equal(linreg_data_gaussian(&D, 4, 500, 3, 1), 0);
    double L0 = D.Lstar;
    assert_int_equal(linreg_data_whiten(&D), 0);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            assert_true(fabs(D.H[i * 4 + j] - (i == j)) < 1e-12);
    assert_true(fabs(D.Lstar - L0) < 1e-12);
    assert_true(fabs(linreg_loss_direct(&D, D.theta_star) - L0) < 1e-12);
    linreg_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(noise_b1),        cmocka_unit_test(noise_b7),
        cmocka_unit_test(noise_full_batch), cmocka_unit_test(step_and_loss),
        cmocka_unit_test(phi_fit),         cmocka_unit_test(radial_matches_population),
        cmocka_unit_test(lyapunov_population), cmocka_unit_test(kesten_population), cmocka_unit_test(whiten), cmocka_unit_test(radial_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
