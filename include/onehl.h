/* onehl.h — the one-hidden-layer nets of ZHU-1HL and ZHU-P2 (Zhu et al.,
 * ICML §5.2 and ICLR §5.2) on the network engine (nn.h), and a fast Gram
 * matrix of their per-sample Jacobians.
 *
 *   f(x; θ) = Σ_k a_k relu(w_kᵀx + b_k),  x ∈ R²,  θ = (w_k, b_k)_k,  D = 3m,
 * output weights a fixed:
 *   ICML  a_k = 1/m, output clipped to φ(f) = min{max{f, δ}, 1 − δ}, loss
 *         ½(φ(f) − y)²:  dense(m) → ReLU → dense_fixed(1, a) → clip(δ, 1−δ), MSE;
 *   ICLR  a_k = ±1/√m alternating (f takes both signs), loss the
 *         cross-entropy of sigmoid(f): dense(m) → ReLU → dense_fixed(1, a),
 *         NN_LOSS_LOGISTIC.
 * θ is the engine's layout: W (m × 2, row-major) then b (m).
 */
#ifndef SGDN_ONEHL_H
#define SGDN_ONEHL_H

#include "nn.h"

typedef enum { ONEHL_ICML, ONEHL_ICLR } onehl_variant;

typedef struct {
    onehl_variant variant;
    int m;        /* hidden units */
    double a;     /* |a_k|, the same for every unit */
    double *ak;   /* the output weights a_k (the net's fixed layer points here) */
    nn_net net;
} onehl;

/* Build the variant's net of width m (δ: the ICML clip; unused for ICLR). */
void onehl_init(onehl *o, onehl_variant v, int m, double delta);
void onehl_free(onehl *o);

/* θ in the engine's layout from u = (w_k1, w_k2, b_k)_k, unit by unit. */
void onehl_from_units(const onehl *o, const double *u, double *theta);

/* From the net's outputs F (n, from nn_forward) and labels y: the derivatives
 * of each sample's loss in the unclipped output f, r_i = ∂ℓ_i/∂f_i and
 * c_i = ∂²ℓ_i/∂f_i² (a.e.), so that with J_i = ∇θ f_i (unclipped),
 * ∇ℓ_i = r_i J_i and the Hessian is (1/n) Σ c_i J_i J_iᵀ almost everywhere.
 * ICML: where φ clips, φ' = 0 and r_i = c_i = 0 (the sample drops out). */
void onehl_derivs(const onehl *o, long n, const double *F, const int *y, double *r, double *c);

/* K (n × n) = the Gram matrix J_i·J_j of the unclipped per-sample
 * Jacobians at θ, for inputs x (n × 2).  K_ij = a² (number of units
 * active at both x_i and x_j) (x_i·x_j + 1): a popcount of two activation
 * bitsets, O(n² m/64) instead of the O(n² D) of J Jᵀ.  Equals J Jᵀ from
 * nn_jacobian to rounding (tests/test_onehl.c) wherever the ICML clip
 * passes f. */
void onehl_gram(const onehl *o, long n, const double *x, const double *theta, double *K);

#endif
