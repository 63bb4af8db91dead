/* Every derivative of the network engine (src/nn_*.c) against finite differences, on every
 * architecture and loss (the logistic loss also on its own); the Hessian's symmetry;
 * Lanczos, Hutchinson and the Gram route against LAPACK on a net small enough for a dense
 * Hessian. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <cmocka.h>

#include "linalg.h"
#include "nn.h"
#include "rng.h"
#include "spectral.h"

typedef struct {
    nn_net net;
    double *theta, *x;
    int *y, n;
    double W[64]; /* fixed output weights */
} fixture;

static void make_data(fixture *f, int n, uint64_t seed)
{
    rng_stream r;
    rng_init(&r, seed, 99);
    f->n = n;
    f->x = malloc((size_t)n * f->net.in_size * sizeof *f->x);
    f->y = malloc(n * sizeof *f->y);
    for (size_t i = 0; i < (size_t)n * f->net.in_size; i++)
        f->x[i] = 2 * rng_uniform(&r) - 1;
    for (int i = 0; i < n; i++)
        f->y[i] = (int)rng_uniform_int(&r, f->net.nout == 1 ? 2 : (uint64_t)f->net.nout);
    f->theta = malloc(f->net.D * sizeof *f->theta);
    nn_init_params(&f->net, f->theta, seed, 0);
    /* non-zero biases, so that their derivatives are exercised */
    for (size_t k = 0; k < f->net.D; k++)
        f->theta[k] += 0.05 * rng_normal(&r);
}

static void drop(fixture *f) { free(f->theta), free(f->x), free(f->y); }

static nn_data data(const fixture *f) { return (nn_data){f->x, f->y, NULL, f->n}; }

static double rel(size_t n, const double *a, const double *b)
{
    double d = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        d += (a[i] - b[i]) * (a[i] - b[i]), s += b[i] * b[i];
    return sqrt(d / (s > 0 ? s : 1));
}

/* Central differences, h = 1e-6: truncation O(h²) and rounding
 * O(ε/h) ≈ 1e-10 relative, well below the 1e-6 tolerance, unless a ReLU or
 * max-pool kink lies within h of θ along u (with h = 1e-5 one does, for the
 * ZHU CNN at this seed: the difference quotient then moves with h). */
static void check_derivatives(fixture *f)
{
    const double h = 1e-6;
    size_t D = f->net.D;
    nn_eval *e = nn_eval_new(&f->net);
    nn_data d = data(f);
    double *g = malloc(D * sizeof *g), *u = malloc(D * sizeof *u), *tp = malloc(D * sizeof *tp);
    double *tm = malloc(D * sizeof *tm), *gp = malloc(D * sizeof *gp), *gm = malloc(D * sizeof *gm);
    double *Hu = malloc(D * sizeof *Hu), *fd = malloc(D * sizeof *fd);
    rng_stream r;
    rng_init(&r, 5, 5);
    rng_normal_fill(&r, u, D);
    double L = nn_loss_grad(e, f->theta, d, g, NULL);
    assert_true(isfinite(L));
    /* gradient: directional derivative gᵀu = (L(θ+hu) − L(θ−hu)) / 2h */
    for (size_t k = 0; k < D; k++)
        tp[k] = f->theta[k] + h * u[k], tm[k] = f->theta[k] - h * u[k];
    double Lp = nn_loss_grad(e, tp, d, gp, NULL), Lm = nn_loss_grad(e, tm, d, gm, NULL);
    double dd = (Lp - Lm) / (2 * h), gu = cblas_ddot((int)D, g, 1, u, 1);
    if (fabs(dd - gu) > 1e-6 * (fabs(gu) + 1e-3))
        fail_msg("gradient: g.u = %.10g, finite difference %.10g", gu, dd);
    /* HVP: H u = (∇L(θ+hu) − ∇L(θ−hu)) / 2h */
    nn_hvp(e, f->theta, d, u, Hu);
    for (size_t k = 0; k < D; k++)
        fd[k] = (gp[k] - gm[k]) / (2 * h);
    double re = rel(D, Hu, fd);
    if (re > 1e-6)
        fail_msg("HVP: relative error %.3g against finite differences", re);
    /* symmetry: wᵀ(Hu) = uᵀ(Hw) */
    double *w = malloc(D * sizeof *w), *Hw = malloc(D * sizeof *Hw);
    rng_normal_fill(&r, w, D);
    nn_hvp(e, f->theta, d, w, Hw);
    double a = cblas_ddot((int)D, w, 1, Hu, 1), b = cblas_ddot((int)D, u, 1, Hw, 1);
    if (fabs(a - b) > 1e-10 * (fabs(a) + fabs(b)))
        fail_msg("HVP not symmetric: %.15g vs %.15g", a, b);
    /* a prepared HVP (cached passes) is bitwise the plain one, and a
     * preparation at θ is not used at another point */
    double *Hp = malloc(D * sizeof *Hp), *Hq = malloc(D * sizeof *Hq);
    nn_hvp_prepare(e, f->theta, d);
    nn_hvp(e, f->theta, d, u, Hp);
    assert_memory_equal(Hp, Hu, D * sizeof *Hu);
    nn_hvp(e, tp, d, u, Hp);
    nn_hvp_release(e);
    nn_hvp(e, tp, d, u, Hq);
    assert_memory_equal(Hp, Hq, D * sizeof *Hq);
    free(Hp), free(Hq);
    /* Gauss–Newton: symmetric and positive semi-definite */
    double *Gu = malloc(D * sizeof *Gu), *Gw = malloc(D * sizeof *Gw);
    nn_gnvp(e, f->theta, d, u, Gu);
    nn_gnvp(e, f->theta, d, w, Gw);
    a = cblas_ddot((int)D, w, 1, Gu, 1), b = cblas_ddot((int)D, u, 1, Gw, 1);
    assert_true(fabs(a - b) <= 1e-10 * (fabs(a) + fabs(b)));
    assert_true(cblas_ddot((int)D, u, 1, Gu, 1) >= -1e-12);
    /* per-sample gradients: their mean is the gradient, and each one
     * matches its own finite difference */
    double *G = malloc((size_t)f->n * D * sizeof *G), *li = malloc(f->n * sizeof *li);
    nn_grad_per_sample(e, f->theta, d, G, li);
    double Ls = 0;
    for (int i = 0; i < f->n; i++)
        Ls += li[i] / f->n;
    assert_true(fabs(Ls - L) < 1e-12 * (1 + fabs(L)));
    for (size_t k = 0; k < D; k++) {
        double m = 0;
        for (int i = 0; i < f->n; i++)
            m += G[(size_t)i * D + k] / f->n;
        fd[k] = m;
    }
    assert_true(rel(D, fd, g) < 1e-12);
    size_t one = (size_t)f->n - 1;
    nn_data d1 = {f->x, f->y, &one, 1};
    double l1p = nn_loss_grad(e, tp, d1, NULL, NULL), l1m = nn_loss_grad(e, tm, d1, NULL, NULL);
    double dd1 = (l1p - l1m) / (2 * h), g1u = cblas_ddot((int)D, G + one * D, 1, u, 1);
    if (fabs(dd1 - g1u) > 1e-6 * (fabs(g1u) + 1e-3))
        fail_msg("per-sample gradient: %.10g vs finite difference %.10g", g1u, dd1);
    free(G), free(li), free(Gu), free(Gw), free(w), free(Hw);
    free(g), free(u), free(tp), free(tm), free(gp), free(gm), free(Hu), free(fd);
    nn_eval_free(e);
}

static void zhu_cnn(void **state)
{
    (void)state;
    fixture f;
    nn_zhu_cnn(&f.net);
    assert_int_equal(f.net.D, 11330);
    make_data(&f, 3, 1);
    check_derivatives(&f);
    drop(&f);
}

static void zhu_cnn_smoothed_and_mse(void **state)
{
    (void)state;
    fixture f;
    nn_zhu_cnn(&f.net);
    nn_set_loss(&f.net, NN_LOSS_CE, 0.1);
    make_data(&f, 2, 2);
    check_derivatives(&f);
    nn_set_loss(&f.net, NN_LOSS_MSE, 0.0);
    check_derivatives(&f);
    drop(&f);
}

static void lenet5(void **state)
{
    (void)state;
    fixture f;
    nn_lenet5(&f.net);
    assert_int_equal(f.net.D, 156 + 2416 + 48120 + 10164 + 850);
    make_data(&f, 2, 3);
    check_derivatives(&f);
    drop(&f);
}

static void cnn3(void **state)
{
    (void)state;
    fixture f;
    nn_cnn3(&f.net, 28, 0, 15, 20, 10);
    make_data(&f, 2, 4);
    check_derivatives(&f);
    drop(&f);
}

/* A one-channel convolution inside the net, with padding: the transposed
 * im2col layout of nn_conv.c with its input gradient. */
static void conv_one_channel(void **state)
{
    (void)state;
    fixture f;
    nn_init(&f.net, 9, 1);
    nn_add_conv(&f.net, 3, 1, 1);
    nn_add_relu(&f.net);
    nn_add_conv(&f.net, 3, 4, 1);
    nn_add_maxpool(&f.net, 2);
    nn_add_relu(&f.net);
    nn_add_dense(&f.net, 3);
    nn_set_loss(&f.net, NN_LOSS_CE, 0.0);
    make_data(&f, 7, 8);
    check_derivatives(&f);
    drop(&f);
}

static void mlp_losses(void **state)
{
    (void)state;
    fixture f;
    int w[2] = {7, 5};
    nn_mlp(&f.net, 6, 2, w, 4);
    make_data(&f, 205, 5); /* > 2 chunks */
    check_derivatives(&f);
    nn_set_loss(&f.net, NN_LOSS_CE, 0.2);
    check_derivatives(&f);
    nn_set_loss(&f.net, NN_LOSS_MSE, 0.0);
    check_derivatives(&f);
    drop(&f);
}

/* ZHU-1HL: one hidden ReLU layer, fixed output weights ±1/m, output
 * clipped to [δ, 1 − δ], mean-square loss on a single output. */
static void mlp_fixed_clipped(void **state)
{
    (void)state;
    fixture f;
    nn_init(&f.net, 1, 2);
    nn_add_dense(&f.net, 16);
    nn_add_relu(&f.net);
    for (int j = 0; j < 16; j++)
        f.W[j] = (j % 2 ? -1.0 : 1.0) / 4;
    nn_add_dense_fixed(&f.net, 1, f.W);
    nn_add_clip(&f.net, 0.001, 0.999);
    nn_set_loss(&f.net, NN_LOSS_MSE, 0.0);
    assert_int_equal(f.net.D, 48);
    make_data(&f, 50, 6);
    for (size_t k = 0; k < f.net.D; k++)
        f.theta[k] += 0.3; /* push outputs into the clip's open interval */
    check_derivatives(&f);
    drop(&f);
}

/* The outputs and their per-sample Jacobian: J u against central
 * differences of the outputs, and for a single-output mean-square net the
 * per-sample loss gradient (f_i − y_i) ∇f_i. */
static void check_jacobian(fixture *f)
{
    const double h = 1e-6;
    size_t D = f->net.D, C = (size_t)f->net.nout, n = (size_t)f->n;
    nn_eval *e = nn_eval_new(&f->net);
    nn_data d = data(f);
    double *F = malloc(n * C * sizeof *F), *Fp = malloc(n * C * sizeof *Fp);
    double *Fm = malloc(n * C * sizeof *Fm), *J = malloc(n * C * D * sizeof *J);
    double *u = malloc(D * sizeof *u), *tp = malloc(D * sizeof *tp), *tm = malloc(D * sizeof *tm);
    rng_stream r;
    rng_init(&r, 6, 6);
    rng_normal_fill(&r, u, D);
    for (size_t k = 0; k < D; k++)
        tp[k] = f->theta[k] + h * u[k], tm[k] = f->theta[k] - h * u[k];
    nn_forward(e, f->theta, d, F);
    nn_forward(e, tp, d, Fp);
    nn_forward(e, tm, d, Fm);
    nn_jacobian(e, f->theta, d, J);
    for (size_t i = 0; i < n * C; i++) {
        double ju = cblas_ddot((int)D, J + i * D, 1, u, 1), fd = (Fp[i] - Fm[i]) / (2 * h);
        if (fabs(ju - fd) > 1e-6 * (fabs(fd) + 1e-3))
            fail_msg("Jacobian row %zu: J u = %.10g, finite difference %.10g", i, ju, fd);
    }
    if (C == 1 && f->net.loss == NN_LOSS_MSE) {
        double *G = malloc(n * D * sizeof *G);
        nn_grad_per_sample(e, f->theta, d, G, NULL);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < D; k++)
                assert_true(fabs(G[i * D + k] - (F[i] - f->y[i]) * J[i * D + k]) <=
                            1e-12 * (1 + fabs(G[i * D + k])));
        free(G);
    }
    free(F), free(Fp), free(Fm), free(J), free(u), free(tp), free(tm);
    nn_eval_free(e);
}

static void jacobian(void **state)
{
    (void)state;
    fixture f;
    nn_zhu_cnn(&f.net);
    make_data(&f, 3, 11);
    check_jacobian(&f);
    drop(&f);
    nn_init(&f.net, 1, 2); /* ZHU-1HL: one output, clipped, mean square */
    nn_add_dense(&f.net, 16);
    nn_add_relu(&f.net);
    for (int j = 0; j < 16; j++)
        f.W[j] = (j % 2 ? -1.0 : 1.0) / 4;
    nn_add_dense_fixed(&f.net, 1, f.W);
    nn_add_clip(&f.net, 0.001, 0.999);
    nn_set_loss(&f.net, NN_LOSS_MSE, 0.0);
    make_data(&f, 60, 12);
    for (size_t k = 0; k < f.net.D; k++)
        f.theta[k] += 0.3;
    check_jacobian(&f);
    drop(&f);
}

/* NN_LOSS_LOGISTIC on one output: ∂ℓ/∂f and ∂²ℓ/∂f² (nn_loss_scalar) against
 * central differences of ℓ and ∂ℓ/∂f, h = 1e-5 (truncation ≈ 1e-11, rounding
 * ≈ ε|ℓ|/h ≤ 1e-10); ℓ(f, 1) = ℓ(−f, 0); no cancellation or overflow in the
 * tails, where ℓ, |∂ℓ/∂f| and ∂²ℓ/∂f² all tend to e^{−|f|}. */
static void logistic_loss(void **state)
{
    (void)state;
    nn_net net;
    nn_init(&net, 1, 3);
    nn_add_dense(&net, 1);
    nn_set_loss(&net, NN_LOSS_LOGISTIC, 0.0);
    const double fs[] = {-30, -5, -1, -0.3, 0, 0.7, 3, 20}, h = 1e-5;
    for (int y = 0; y <= 1; y++)
        for (size_t i = 0; i < sizeof fs / sizeof *fs; i++) {
            double f = fs[i], d1, d2, d1p, d1m;
            double l = nn_loss_scalar(&net, f, y, &d1, &d2);
            double lp = nn_loss_scalar(&net, f + h, y, &d1p, NULL);
            double lm = nn_loss_scalar(&net, f - h, y, &d1m, NULL);
            assert_true(fabs(l - log1p(exp(y ? -f : f))) <= 1e-15 * (1 + l));
            if (fabs((lp - lm) / (2 * h) - d1) > 1e-8)
                fail_msg("logistic f=%g y=%d: d1 %.12g, difference %.12g", f, y, d1, (lp - lm) / (2 * h));
            if (fabs((d1p - d1m) / (2 * h) - d2) > 1e-8)
                fail_msg("logistic f=%g y=%d: d2 %.12g, difference %.12g", f, y, d2, (d1p - d1m) / (2 * h));
            double l0, e1, e2;
            l0 = nn_loss_scalar(&net, -f, 1 - y, &e1, &e2);
            assert_true(l0 == l && e1 == -d1 && e2 == d2);
        }
    /* the tails, relative to e^{−|f|} */
    double d1, d2, t = exp(-40.0);
    double l = nn_loss_scalar(&net, 40.0, 1, &d1, &d2);
    assert_true(fabs(l / t - 1) < 1e-12 && fabs(-d1 / t - 1) < 1e-12 && fabs(d2 / t - 1) < 1e-12);
    l = nn_loss_scalar(&net, -40.0, 0, &d1, &d2);
    assert_true(fabs(l / t - 1) < 1e-12 && fabs(d1 / t - 1) < 1e-12 && fabs(d2 / t - 1) < 1e-12);
    l = nn_loss_scalar(&net, 800.0, 0, &d1, &d2);
    assert_true(l == 800.0 && d1 == 1.0 && d2 == 0.0);
    l = nn_loss_scalar(&net, -800.0, 0, &d1, &d2);
    assert_true(l == 0.0 && d1 == 0.0 && d2 == 0.0);
    /* MSE on one output: ½(f − y)², f − y, 1 */
    nn_set_loss(&net, NN_LOSS_MSE, 0.0);
    l = nn_loss_scalar(&net, 0.25, 1, &d1, &d2);
    assert_true(l == 0.5 * 0.75 * 0.75 && d1 == -0.75 && d2 == 1.0);
}

/* ZHU-1HL's ICLR net: one hidden ReLU layer, fixed output weights ±1/4,
 * the logistic loss: every derivative of check_derivatives and the Jacobian. */
static void mlp_fixed_logistic(void **state)
{
    (void)state;
    fixture f;
    nn_init(&f.net, 1, 2);
    nn_add_dense(&f.net, 16);
    nn_add_relu(&f.net);
    for (int j = 0; j < 16; j++)
        f.W[j] = (j % 2 ? -1.0 : 1.0) / 4;
    nn_add_dense_fixed(&f.net, 1, f.W);
    nn_set_loss(&f.net, NN_LOSS_LOGISTIC, 0.0);
    make_data(&f, 130, 13); /* > 1 chunk */
    for (size_t k = 0; k < f.net.D; k++)
        f.theta[k] *= 4; /* outputs of order 1, both signs */
    check_derivatives(&f);
    check_jacobian(&f);
    drop(&f);
}

/* An nn_eval per thread inside a parallel region (OpenMP across seeds):
 * the same gradient and HVP, bitwise, as the parallel chunks outside. */
static void eval_in_parallel_region(void **state)
{
    (void)state;
    fixture f;
    int w[2] = {9, 6};
    nn_mlp(&f.net, 5, 2, w, 3);
    make_data(&f, 230, 9); /* 3 chunks */
    size_t D = f.net.D;
    nn_eval *e = nn_eval_new(&f.net);
    double *g = malloc(D * sizeof *g), *hv = malloc(D * sizeof *hv);
    double L = nn_loss_grad(e, f.theta, data(&f), g, NULL);
    nn_hvp(e, f.theta, data(&f), g, hv);
    int bad = 0;
#pragma omp parallel num_threads(2) reduction(+ : bad)
    {
        nn_eval *ep = nn_eval_new(&f.net);
        double *gp = malloc(D * sizeof *gp), *hp = malloc(D * sizeof *hp);
        for (int rep = 0; rep < 3; rep++) {
            double Lp = nn_loss_grad(ep, f.theta, data(&f), gp, NULL);
            nn_hvp(ep, f.theta, data(&f), g, hp);
            bad += Lp != L || memcmp(gp, g, D * sizeof *g) || memcmp(hp, hv, D * sizeof *hv);
        }
        free(gp), free(hp);
        nn_eval_free(ep);
    }
    assert_int_equal(bad, 0);
    free(g), free(hv);
    nn_eval_free(e);
    drop(&f);
}

/* ---- spectral tools on a dense Hessian ---- */
typedef struct {
    nn_eval *e;
    const double *theta;
    nn_data d;
} hctx;
static void hop(void *c, const double *x, double *y)
{
    hctx *h = c;
    nn_hvp(h->e, h->theta, h->d, x, y);
}

static void lanczos_vs_dsyevr(void **state)
{
    (void)state;
    fixture f;
    int w[1] = {10};
    nn_mlp(&f.net, 5, 1, w, 3);
    make_data(&f, 40, 7);
    size_t D = f.net.D;
    nn_eval *e = nn_eval_new(&f.net);
    nn_data d = data(&f);
    double *H = malloc(D * D * sizeof *H), *ev = malloc(D * sizeof *ev), *U = malloc(D * D * sizeof *U);
    nn_hessian_dense(e, f.theta, d, H);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < i; j++)
            assert_true(fabs(H[i * D + j] - H[j * D + i]) <= 1e-12 * (1 + fabs(H[i * D + j])));
    assert_int_equal(linalg_sym_eig((int)D, H, ev, U), 0);
    hctx c = {e, f.theta, d};
    rng_stream r;
    rng_init(&r, 1, 2);
    const int k = 8;
    double lam[8], res[8], *V = malloc(D * k * sizeof *V);
    int steps = spectral_lanczos(D, hop, &c, k, (int)D, &r, lam, V, res);
    assert_true(steps > 0);
    for (int j = 0; j < k; j++) {
        if (fabs(lam[j] - ev[j]) > 1e-9 * fabs(ev[0]))
            fail_msg("Lanczos eigenvalue %d: %.12g vs dsyevr %.12g", j, lam[j], ev[j]);
        double dot = 0; /* eigenvector up to sign */
        for (size_t i = 0; i < D; i++)
            dot += V[i * k + j] * U[i * D + j];
        assert_true(fabs(fabs(dot) - 1) < 1e-6);
    }
    /* fewer steps than D: the top Ritz value has converged, and the
     * residual bound brackets the error */
    rng_init(&r, 1, 3);
    steps = spectral_lanczos(D, hop, &c, 3, 30, &r, lam, NULL, res);
    assert_int_equal(steps, 30);
    assert_true(fabs(lam[0] - ev[0]) <= res[0] + 1e-12 * fabs(ev[0]));
    /* Hutchinson: within 5 standard errors of the trace */
    double tr = linalg_trace((int)D, H), se;
    double est = spectral_hutchinson(D, hop, &c, 200, &r, &se);
    assert_true(fabs(est - tr) < 5 * se);
    /* cosine of an operator with itself is 1 */
    assert_true(fabs(spectral_cosine(D, hop, &c, hop, &c, 3, &r) - 1) < 1e-12);
    free(H), free(ev), free(U), free(V);
    nn_eval_free(e);
    drop(&f);
}

/* Σ = c GᵀG through the N × N Gram matrix against dsyevr on the D × D one. */
static void gram_route(void **state)
{
    (void)state;
    const size_t N = 7, D = 20;
    double G[7 * 20], S[400], ev[20], U[400], lam[4], V[80];
    rng_stream r;
    rng_init(&r, 3, 3);
    rng_normal_fill(&r, G, N * D);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, D, N, 0.5, G, D, G, D, 0.0, S, D);
    assert_int_equal(linalg_sym_eig((int)D, S, ev, U), 0);
    assert_int_equal(spectral_gram_top(N, D, G, 0.5, 4, lam, V), 0);
    for (int j = 0; j < 4; j++) {
        assert_true(fabs(lam[j] - ev[j]) < 1e-10 * ev[0]);
        double dot = 0;
        for (size_t i = 0; i < D; i++)
            dot += V[i * 4 + j] * U[i * D + j];
        assert_true(fabs(fabs(dot) - 1) < 1e-8);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zhu_cnn),
        cmocka_unit_test(zhu_cnn_smoothed_and_mse),
        cmocka_unit_test(lenet5),
        cmocka_unit_test(cnn3),
        cmocka_unit_test(conv_one_channel),
        cmocka_unit_test(mlp_losses),
        cmocka_unit_test(mlp_fixed_clipped),
        cmocka_unit_test(jacobian),
        cmocka_unit_test(logistic_loss),
        cmocka_unit_test(mlp_fixed_logistic),
        cmocka_unit_test(eval_in_parallel_region),
        cmocka_unit_test(lanczos_vs_dsyevr),
        cmocka_unit_test(gram_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
