/* onehl.c — the one-hidden-layer nets of ZHU-1HL/ZHU-P2 on the engine and
 * the popcount Gram matrix of their Jacobians (see onehl.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "onehl.h"

/* >>> snippet zhu-onehl-forward */
/* The net on the engine. */
void onehl_init(onehl *o, onehl_variant v, int m, double delta)
{
    o->variant = v, o->m = m;
    o->a = v == ONEHL_ICML ? 1.0 / m : 1.0 / sqrt((double)m);
    o->ak = SGDN_NEW(o->ak, m);
    /* ICML: a_k > 0 (f starts inside (δ, 1−δ), where φ is not flat);
     * ICLR: alternating signs (f must take both) */
    for (int k = 0; k < m; k++)
        o->ak[k] = v == ONEHL_ICML || k % 2 == 0 ? o->a : -o->a;
    nn_init(&o->net, 1, 2);
    nn_add_dense(&o->net, m);
    nn_add_relu(&o->net);
    nn_add_dense_fixed(&o->net, 1, o->ak);
    if (v == ONEHL_ICML)
        nn_add_clip(&o->net, delta, 1 - delta);
    nn_set_loss(&o->net, v == ONEHL_ICML ? NN_LOSS_MSE : NN_LOSS_LOGISTIC, 0.0);
}

/* r_i = ∂ℓ_i/∂f_i and c_i = ∂²ℓ_i/∂f_i² from the engine's loss.  f is
 * piecewise linear in θ, so ∇ℓ_i = r_i J_i and H = (1/N) Σ c_i J_i J_iᵀ
 * almost everywhere.  ICML: where φ clips, φ' = 0 and the sample drops
 * out (r_i = c_i = 0). */
void onehl_derivs(const onehl *o, long n, const double *F, const int *y, double *r, double *c)
{
    const nn_layer *clip = &o->net.l[o->net.nl - 1];
    for (long i = 0; i < n; i++) {
        /* ICML: F is φ(f), and φ passes f exactly where lo < φ(f) < hi */
        int in = o->variant != ONEHL_ICML || (F[i] > clip->lo && F[i] < clip->hi);
        nn_loss_scalar(&o->net, F[i], y[i], &r[i], &c[i]);
        if (!in)
            r[i] = c[i] = 0.0;
    }
}
/* <<< snippet */

void onehl_free(onehl *o)
{
    free(o->ak);
    o->ak = NULL;
}

void onehl_from_units(const onehl *o, const double *u, double *theta)
{
    const nn_layer *L = &o->net.l[0];
    for (int k = 0; k < o->m; k++) {
        theta[L->woff + 2 * k] = u[3 * k];
        theta[L->woff + 2 * k + 1] = u[3 * k + 1];
        theta[L->boff + k] = u[3 * k + 2];
    }
}


/* >>> snippet zhu-onehl-gram */
/* K_ij = J_i·J_j = Σ_k a_k² 1[unit k on at x_i] 1[on at x_j] (u_i·u_j),
 * u = (x, 1): with |a_k| = a for all k the unit sum is a² times the number
 * of units active on both samples, a popcount of two bitsets.  Cost
 * O(N² m/64) instead of O(N² D) for the dense product J Jᵀ. */
__attribute__((target("popcnt"))) void onehl_gram(const onehl *o, long n, const double *x,
                                                  const double *theta, double *K)
{
    const nn_layer *L = &o->net.l[0];
    const double *W = theta + L->woff, *b = theta + L->boff;
    long m = o->m, words = (m + 63) / 64;
    uint64_t *mask = SGDN_NEW0(mask, n * words);
    /* the activation pattern: unit k on at x_i iff w_k·x_i + b_k > 0 */
    for (long i = 0; i < n; i++) {
        const double *xi = x + 2 * i;
        uint64_t *mk = mask + i * words;
        for (long k = 0; k < m; k++)
            if (W[2 * k] * xi[0] + W[2 * k + 1] * xi[1] + b[k] > 0)
                mk[k >> 6] |= 1ull << (k & 63);
    }
    double a2 = o->a * o->a;
#pragma omp parallel for schedule(dynamic, 8)
    for (long i = 0; i < n; i++) {
        const uint64_t *mi = mask + i * words;
        const double *xi = x + 2 * i;
        for (long j = i; j < n; j++) {
            const uint64_t *mj = mask + j * words;
            long cnt = 0;
            for (long w = 0; w < words; w++)
                cnt += __builtin_popcountll(mi[w] & mj[w]);
            const double *xj = x + 2 * j;
            K[i * n + j] = K[j * n + i] = a2 * cnt * (xi[0] * xj[0] + xi[1] * xj[1] + 1.0);
        }
    }
    free(mask);
}
/* <<< snippet */
