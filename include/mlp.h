/* mlp.h — fully connected ReLU networks with per-sample Jacobians.
 *
 * f(x; θ) = W_L relu(W_{L−1} … relu(W_1 x + b_1) … + b_{L−1}) + b_L, with
 * K outputs and real-valued targets.  The parameter layout is that of
 * nn_mlp (nn.h): layer by layer, the weights W_l (row-major, out × in)
 * followed by the biases b_l, so a θ trained by either module is valid
 * for the other.
 *
 * What nn.h does not give, and MORI needs, are the per-sample Jacobians
 * J_μ = ∂f(x_μ)/∂θ (K × D) in the forms the paper's matrices use:
 *   - the K × K blocks J_μ J_μᵀ (per-sample "NTK"), whose trace summed over
 *     samples is Tr G, G = (1/N) Σ_μ J_μᵀ J_μ the Gauss–Newton matrix;
 *   - for one output, the N × N Gram matrix K_μν = ∇f_μ · ∇f_ν, whose
 *     nonzero eigenvalues (divided by N) are those of G.
 * Both are formed without the D-vectors: for a dense layer ∇_{W_l} f_k =
 * δ_{l,k} a_{l−1}ᵀ and ∇_{b_l} f_k = δ_{l,k}, so
 *   ∇f_k(x_μ) · ∇f_k'(x_ν) = Σ_l (δ_{l,k}(μ) · δ_{l,k'}(ν)) (a_{l−1}(μ) · a_{l−1}(ν) + 1),
 * with δ_{l,k} the backpropagated derivative of f_k at layer l's output
 * and a_0 = x.  Cost O(n K Σ w_l w_{l−1}) for the blocks and
 * O(n² Σ w_l) for the Gram matrix, instead of O(n K D) and O(n² D).
 *
 * A workspace holds the activations of up to nmax samples; functions
 * that take a workspace are not thread-safe on it (one per thread).
 * Every function is deterministic (no threading inside).
 */
#ifndef SGDN_MLP_H
#define SGDN_MLP_H

#include <stddef.h>

#define MLP_MAX_LAYERS 8

typedef struct {
    int nl;                      /* dense layers (hidden + output) */
    int width[MLP_MAX_LAYERS + 1]; /* width[0] = inputs d, width[nl] = outputs K */
    size_t woff[MLP_MAX_LAYERS], boff[MLP_MAX_LAYERS];
    size_t D;                    /* parameters */
} mlp_net;

/* nh hidden layers of widths w[0..nh), d inputs, K outputs; nh + 1 ≤
 * MLP_MAX_LAYERS.  Returns SGDN_OK or SGDN_EDOM. */
int mlp_init(mlp_net *m, int d, int nh, const int *w, int K);

typedef struct mlp_work mlp_work;
mlp_work *mlp_work_new(const mlp_net *m, int nmax);
void mlp_work_free(mlp_work *w);

/* Forward pass of n ≤ nmax samples X (n × d): outputs F (n × K); the
 * activations stay in w for the functions below (with the same X, n). */
void mlp_forward(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                 double *F);

/* After mlp_forward: grad = s · Σ_μ J_μᵀ E_μ for output errors E (n × K)
 * (for the mean-square loss ½Σ_k(f_k − t_k)², E = F − T and s = 1/n give
 * the gradient of the mean loss). */
void mlp_backward(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  const double *E, double s, double *grad);

/* After mlp_forward: JJ[μ K² + k K + k'] = ∇f_k(x_μ) · ∇f_k'(x_μ). */
void mlp_jac_gram(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  double *JJ);

/* After mlp_forward, one output only: Kmat (n × n, full symmetric) with
 * Kmat[μ n + ν] = ∇f(x_μ) · ∇f(x_ν).  tmp: n × n scratch. */
void mlp_ntk_gram(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  double *Kmat, double *tmp);

/* After mlp_forward, one output only: J[μ D + i] = ∂f(x_μ)/∂θ_i (for tests
 * and small nets). */
void mlp_jacobian(const mlp_net *m, mlp_work *w, const double *theta, const double *X, int n,
                  double *J);

/* Glorot-uniform weights and zero biases, exactly as nn_init_params does
 * for nn_mlp (same stream, same order): the two modules start alike. */
void mlp_init_params(const mlp_net *m, double *theta, unsigned long long seed,
                     unsigned long long stream);

#endif
