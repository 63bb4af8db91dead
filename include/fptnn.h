/* fptnn.h — SGD on a one-hidden-layer ReLU net with the full training loss
 * known exactly after every step, for first-passage times (MORI-FPT-NN).
 *
 * f(x) = w2 · relu(W1 x + b1) + b2 (h hidden units, one output),
 * L = (1/2N) Σ_μ (f(x_μ) − y_μ)², parameters in the layout of mlp.h.
 * A first-passage time needs L after every SGD step; a forward pass over
 * all N samples costs N h d multiply–adds.  But a step changes the first
 * layer by a sum of B outer products, W1 ← W1 − η Σ_{μ∈𝓑} δ_μ x_μᵀ
 * (δ_μ ∈ R^h the backpropagated error of sample μ, divided by B), so the
 * pre-activations Z = W1 X + b1 of all samples move by
 *     Z_{·ν} ← Z_{·ν} − η Σ_{μ∈𝓑} δ_μ (x_μ·x_ν + 1),
 * which needs only the rows μ ∈ 𝓑 of the matrix G = X Xᵀ + 1 (N × N,
 * formed once): N h B operations instead of N h d.  Rounding drift is
 * removed by recomputing Z from W1 every FPTNN_REFRESH steps.
 */
#ifndef SGDN_FPTNN_H
#define SGDN_FPTNN_H

#include <stddef.h>

#define FPTNN_REFRESH 1000

typedef struct {
    int N, d;
    const double *X;  /* N × d */
    const double *y;  /* N */
    double *G;        /* N × N, X Xᵀ + 1 */
} fptnn_data;

typedef struct {
    int h;
    double *theta;    /* mlp layout: W1 (h × d), b1 (h), w2 (h), b2 (1) */
    double *Zt;       /* h × N pre-activations, hidden-major */
    double *F;        /* N outputs */
    double *dl;       /* B × h errors of the current batch */
    double *gb;       /* B × N rows of G of the current batch */
    int Bmax;
    long steps;
} fptnn_state;

/* G = X Xᵀ + 1 (allocated; free with fptnn_data_free). */
void fptnn_data_init(fptnn_data *dt, const double *X, const double *y, int N, int d);
void fptnn_data_free(fptnn_data *dt);

/* A state at θ (copied; D = h d + 2h + 1) for minibatches up to Bmax;
 * returns L(θ). */
double fptnn_init(fptnn_state *s, const fptnn_data *dt, int h, const double *theta, int Bmax);
void fptnn_free(fptnn_state *s);

/* One SGD step θ ← θ − η ∇L_𝓑(θ) on the samples idx[0..B); returns the
 * full loss L after it. */
double fptnn_step(fptnn_state *s, const fptnn_data *dt, const size_t *idx, int B, double eta);

/* Z and the outputs recomputed from θ exactly; returns L. */
double fptnn_refresh(fptnn_state *s, const fptnn_data *dt);

#endif
