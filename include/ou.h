/* ou.h — the Ornstein–Uhlenbeck process dθ = −Hθ dt + Σ^{1/2} dW, exactly.
 *
 * For symmetric positive semidefinite H and any covariance Σ the
 * transition over a time step Δ is Gaussian and known in closed form:
 *
 *     θ(t+Δ) = e^{−HΔ} θ(t) + ξ,   ξ ~ N(0, V(Δ)),
 *     V(Δ) = ∫_0^Δ e^{−Hs} Σ e^{−Hs} ds.
 *
 * In the eigenbasis H = U diag(λ) Uᵀ, with Σ' = UᵀΣU,
 *     V'_ij = Σ'_ij (1 − e^{−(λi+λj)Δ}) / (λi+λj),
 * so a simulation that applies these transitions has no time-step bias:
 * it is exact in law at every sampled time, whatever Δ.
 */
#ifndef SGDN_OU_H
#define SGDN_OU_H
#include "err.h"

typedef struct {
    int n;
    double dt;
    double *A; /* e^{−HΔ} */
    double *S; /* V(Δ)^{1/2}, symmetric */
} ou_step;

/* Precompute the transition over dt > 0.  Returns 0, or -1 when H is not
 * positive semidefinite or Σ not a covariance. */
SGDN_MUST_CHECK int ou_step_init(ou_step *s, int n, const double *H, const double *Sigma, double dt);
void ou_step_free(ou_step *s);
/* out = A x + S z, with z a vector of n standard normals. */
void ou_step_apply(const ou_step *s, const double *x, const double *z, double *out);
/* The same for m column vectors at once (X, Z, Out are n×m, row-major). */
void ou_step_apply_many(const ou_step *s, int m, const double *X, const double *Z, double *Out);

/* V(t), the covariance of θ(t) started from a fixed point. */
SGDN_MUST_CHECK int ou_cov(int n, const double *H, const double *Sigma, double t, double *V);

/* Eq. (13) of Zhu et al.: E[L(θ_t) − L(θ_0)] = ¼ Tr((I − e^{−2Ht}) Σ) for
 * L(θ) = ½ θᵀHθ and θ_0 = 0. */
double ou_escape_efficiency(int n, const double *H, const double *Sigma, double t);

#endif
