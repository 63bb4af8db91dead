/* fptnn.h: the incremental SGD against plain SGD with mlp.h, step by step. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fptnn.h"
#include "mlp.h"
#include "rng.h"

static void test_matches_plain_sgd(void **state)
{
    (void)state;
    enum { N = 40, DIN = 9, H = 5, B = 4, STEPS = 1200 }; /* crosses one refresh */
    double X[N * DIN], y[N];
    rng_stream r;
    rng_init(&r, 7, 0);
    for (int i = 0; i < N * DIN; i++)
        X[i] = rng_uniform(&r);
    for (int i = 0; i < N; i++)
        y[i] = rng_uniform(&r) < 0.5 ? -1.0 : 1.0;
    int w[1] = {H};
    mlp_net m;
    mlp_init(&m, DIN, 1, w, 1);
    double *th = malloc(m.D * sizeof *th), *g = malloc(m.D * sizeof *g), F[N], xb[B * DIN], fb[B];
    mlp_init_params(&m, th, 3, 0);
    fptnn_data dt;
    fptnn_data_init(&dt, X, y, N, DIN);
    fptnn_state s;
    fptnn_init(&s, &dt, H, th, B);
    mlp_work *wa = mlp_work_new(&m, N), *wb = mlp_work_new(&m, B);
    size_t idx[B];
    double eta = 0.05, maxdiff = 0.0;
    for (int t = 0; t < STEPS; t++) {
        for (int b = 0; b < B; b++) /* distinct samples */
            idx[b] = (size_t)((t * 7 + b * 11) % N);
        double L = fptnn_step(&s, &dt, idx, B, eta);
        for (int b = 0; b < B; b++)
            memcpy(xb + b * DIN, X + idx[b] * DIN, DIN * sizeof *xb);
        mlp_forward(&m, wb, th, xb, B, fb);
        for (int b = 0; b < B; b++)
            fb[b] -= y[idx[b]];
        mlp_backward(&m, wb, th, xb, B, fb, 1.0 / B, g);
        for (size_t k = 0; k < m.D; k++)
            th[k] -= eta * g[k];
        mlp_forward(&m, wa, th, X, N, F);
        double L2 = 0;
        for (int i = 0; i < N; i++)
            L2 += 0.5 * (F[i] - y[i]) * (F[i] - y[i]) / N;
        maxdiff = fmax(maxdiff, fabs(L - L2) / L2);
    }
    for (size_t k = 0; k < m.D; k++)
        assert_true(fabs(s.theta[k] - th[k]) < 1e-10 * (1 + fabs(th[k])));
    assert_true(maxdiff < 1e-10);
    fptnn_free(&s), fptnn_data_free(&dt);
    mlp_work_free(wa), mlp_work_free(wb);
    free(th), free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_matches_plain_sgd)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
