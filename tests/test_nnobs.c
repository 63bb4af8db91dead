/* nnobs against closed forms and brute force: the Hutchinson trace of a
 * network Hessian against the dense Hessian's trace; the exact H–C traces
 * against C formed explicitly; the negative spectrum against a known
 * matrix; the chord maximum against direct evaluation; the ratio of time
 * averages on exactly proportional series; the smoothing floor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "linalg.h"
#include "nn.h"
#include "nnobs.h"
#include "rng.h"

typedef struct {
    nn_net net;
    double *theta, *x;
    int *y, n;
} fx;

static void make(fx *f, int n, uint64_t seed)
{
    int w[1] = {5};
    nn_mlp(&f->net, 6, 1, w, 4);
    nn_set_loss(&f->net, NN_LOSS_CE, 0.1);
    rng_stream r;
    rng_init(&r, seed, 7);
    f->n = n;
    f->x = malloc((size_t)n * 6 * sizeof *f->x);
    f->y = malloc(n * sizeof *f->y);
    for (int i = 0; i < n * 6; i++)
        f->x[i] = 2 * rng_uniform(&r) - 1;
    for (int i = 0; i < n; i++)
        f->y[i] = (int)rng_uniform_int(&r, 4);
    f->theta = malloc(f->net.D * sizeof *f->theta);
    nn_init_params(&f->net, f->theta, seed, 0);
    for (size_t k = 0; k < f->net.D; k++)
        f->theta[k] += 0.1 * rng_normal(&r);
}

static void drop(fx *f) { free(f->theta), free(f->x), free(f->y); }

static void trace_vs_dense(void **s)
{
    (void)s;
    fx f;
    make(&f, 30, 3);
    size_t D = f.net.D;
    nn_eval *e = nn_eval_new(&f.net);
    nn_data d = {f.x, f.y, NULL, f.n};
    double *H = malloc(D * D * sizeof *H);
    nn_hessian_dense(e, f.theta, d, H);
    double exact = linalg_trace((int)D, H), tr, se;
    rng_stream r;
    rng_init(&r, 1, 2);
    assert_int_equal(nnobs_trace(e, D, f.theta, d, 400, &r, &tr, &se), SGDN_OK);
    assert_true(se > 0);
    assert_true(fabs(tr - exact) < 4 * se);
    assert_int_equal(nnobs_trace(e, D, f.theta, d, 1, &r, &tr, &se), SGDN_EDOM);
    free(H);
    nn_eval_free(e);
    drop(&f);
}

static void align_vs_brute_force(void **s)
{
    (void)s;
    size_t N = 7, D = 5;
    rng_stream r;
    rng_init(&r, 4, 1);
    double G[35], H[25], A[25], C[25] = {0}, mean[5] = {0};
    for (size_t k = 0; k < N * D; k++)
        G[k] = rng_normal(&r);
    for (size_t k = 0; k < D * D; k++)
        A[k] = rng_normal(&r);
    linalg_matmul((int)D, A, 0, A, 1, H); /* symmetric */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++)
            mean[j] += G[i * D + j] / N;
    for (size_t i = 0; i < N; i++)
        for (size_t a = 0; a < D; a++)
            for (size_t b = 0; b < D; b++)
                C[a * D + b] += (G[i * D + a] - mean[a]) * (G[i * D + b] - mean[b]) / N;
    double hc = linalg_trace_prod((int)D, H, C), h2 = linalg_trace_prod((int)D, H, H),
           c2 = linalg_trace_prod((int)D, C, C);
    nnobs_align o;
    assert_int_equal(nnobs_align_exact(N, D, H, G, &o), SGDN_OK);
    assert_true(fabs(o.tr_hc - hc) < 1e-10 * fabs(hc));
    assert_true(fabs(o.tr_h2 - h2) < 1e-10 * h2);
    assert_true(fabs(o.tr_c2 - c2) < 1e-10 * c2);
    assert_true(fabs(o.tr_c - linalg_trace((int)D, C)) < 1e-10);
    assert_true(fabs(o.cs - hc / sqrt(h2 * c2)) < 1e-12);
    /* H = C: cosine 1 */
    assert_int_equal(nnobs_align_exact(N, D, C, G, &o), SGDN_OK);
    assert_true(fabs(o.cs - 1.0) < 1e-12);
}

static void neg_spectrum(void **s)
{
    (void)s;
    /* Q diag(−2, −0.5, 0, 1, 3) Qᵀ */
    int n = 5;
    double lam[5] = {-2, -0.5, 0, 1, 3}, Q[25], H[25];
    rng_stream r;
    rng_init(&r, 9, 9);
    linalg_random_orthogonal(n, &r, Q);
    linalg_sym_from_eig(n, Q, lam, H);
    H[2 * n + 2] += 0; /* keep the zero eigenvalue */
    double ns, lmin, lmax, tr;
    long nn;
    assert_int_equal(nnobs_neg_spectrum(5, H, &ns, &nn, &lmin, &lmax, &tr), SGDN_OK);
    assert_true(fabs(ns + 2.5) < 1e-12);
    assert_true(nn == 2 || nn == 3); /* the zero eigenvalue may round either way */
    assert_true(fabs(lmin + 2) < 1e-12 && fabs(lmax - 3) < 1e-12 && fabs(tr - 1.5) < 1e-12);
}

static void chord(void **s)
{
    (void)s;
    fx f;
    make(&f, 20, 5);
    size_t D = f.net.D;
    nn_eval *e = nn_eval_new(&f.net);
    nn_data d = {f.x, f.y, NULL, f.n};
    double *b = malloc(D * sizeof *b), *w = malloc(D * sizeof *w), m;
    for (size_t k = 0; k < D; k++)
        b[k] = -f.theta[k];
    assert_int_equal(nnobs_chord_max(e, f.theta, b, D, d, 3, w, &m), SGDN_OK);
    double best = -INFINITY;
    for (int j = 1; j <= 3; j++) {
        double al = j / 4.0;
        for (size_t k = 0; k < D; k++)
            w[k] = (1 - al) * f.theta[k] + al * b[k];
        best = fmax(best, nn_loss_grad(e, w, d, NULL, NULL));
    }
    assert_true(m == best);
    free(b), free(w);
    nn_eval_free(e);
    drop(&f);
}

static void ratio_blocks(void **s)
{
    (void)s;
    double x[12], y[12], r, se;
    for (int i = 0; i < 12; i++)
        y[i] = 1.0 + i, x[i] = 2.5 * y[i];
    assert_int_equal(nnobs_ratio_blocks(x, y, 12, 4, &r, &se), SGDN_OK);
    assert_true(fabs(r - 2.5) < 1e-14 && se < 1e-14);
    /* a noisy ratio: SE positive, ratio of the means of the used blocks */
    for (int i = 0; i < 12; i++)
        x[i] = y[i] * (i % 2 ? 1.1 : 0.9) + (i == 11 ? 100 : 0);
    assert_int_equal(nnobs_ratio_blocks(x, y, 11, 5, &r, &se), SGDN_OK); /* 5 blocks of 2 */
    double sx = 0, sy = 0;
    for (int i = 0; i < 10; i++)
        sx += x[i], sy += y[i];
    assert_true(fabs(r - sx / sy) < 1e-14 && se > 0);
    assert_int_equal(nnobs_ratio_blocks(x, y, 3, 4, &r, &se), SGDN_EDOM);
    assert_true(fabs(nnobs_fdr_factor(0.1, 0.9, 0.0) - 0.095) < 1e-15);
}

static void smoothing_floor(void **s)
{
    (void)s;
    /* the floor is the loss of the logits f = log t for every sample */
    assert_true(nnobs_smoothing_floor(0.0, 10) == 0.0);
    double eps = 0.1, ty = 1 - eps + eps / 10, to = eps / 10;
    double h = -(ty * log(ty) + 9 * to * log(to));
    assert_true(fabs(nnobs_smoothing_floor(eps, 10) - h) < 1e-15);
    nn_net net;
    nn_mlp(&net, 1, 0, NULL, 10);
    nn_set_loss(&net, NN_LOSS_CE, eps);
    double th[20] = {0}, x = 0.0;
    int y = 3;
    for (int k = 0; k < 10; k++)
        th[10 + k] = log(k == y ? ty : to); /* biases = log t */
    nn_eval *e = nn_eval_new(&net);
    double l = nn_loss_grad(e, th, (nn_data){&x, &y, NULL, 1}, NULL, NULL);
    assert_true(fabs(l - h) < 1e-12);
    nn_eval_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_vs_dense),     cmocka_unit_test(align_vs_brute_force),
        cmocka_unit_test(neg_spectrum),       cmocka_unit_test(chord),
        cmocka_unit_test(ratio_blocks),       cmocka_unit_test(smoothing_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
