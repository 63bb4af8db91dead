/* nn_tools.c — quantities built from the engine's entry points: the dense
 * Hessian and ZHU's expected sharpness (see nn.h). */
#include <math.h>
#include <stdlib.h>

#include "err.h"
#include "nn_impl.h"
#include "rng.h"

void nn_hessian_dense(nn_eval *e, const double *theta, nn_data d, double *H)
{
    size_t D = e->net->D;
    double *u = SGDN_NEW0(u, D);
    nn_hvp_prepare(e, theta, d);
    for (size_t j = 0; j < D; j++) {
        u[j] = 1.0;
        nn_hvp(e, theta, d, u, H + j * D); /* column j = row j: H is symmetric */
        u[j] = 0.0;
    }
    nn_hvp_release(e);
    free(u);
}

double nn_expected_sharpness(nn_eval *e, const double *theta, nn_data d, double delta, int M,
                             uint64_t seed, uint64_t stream, double *se)
{
    size_t D = e->net->D;
    double L0 = nn_loss_grad(e, theta, d, NULL, NULL), sum = 0.0, sum2 = 0.0;
    double *t = SGDN_NEW(t, D);
    for (int j = 0; j < M; j++) {
        rng_stream r;
        rng_init_sub(&r, seed, stream, (uint64_t)j);
        for (size_t k = 0; k < D; k++)
            t[k] = theta[k] + delta * rng_normal(&r);
        double dl = nn_loss_grad(e, t, d, NULL, NULL) - L0;
        sum += dl, sum2 += dl * dl;
    }
    free(t);
    double mean = sum / M;
    if (se)
        *se = M > 1 ? sqrt(fmax(sum2 / M - mean * mean, 0.0) * M / (M - 1) / M) : 0.0;
    return mean;
}
