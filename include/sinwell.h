/* sinwell.h — a one-parameter mean-square regression whose loss is a
 * periodic double well with L(θ*) > 0, for minibatch SGD escape tests.
 *
 * Data (N a multiple of 4): N triples (x1_μ, x2_μ, z_μ), N/4 of them i.i.d. N(0, 1) and each
 * repeated as (±x1, ±x2, z); labels y_μ = σ z_μ.  Model and loss:
 *
 *     f_μ(θ) = x1_μ p(θ) + x2_μ q(θ),  p = R(cos(θ/R) − 1),  q = R sin(θ/R),
 *     L(θ) = (1/2N) Σ_μ (f_μ(θ) − y_μ)².
 *
 * (p, q) runs at unit speed round a circle through the origin, so the
 * Gauss–Newton matrix is ≈ 1 everywhere and equals the Hessian where f = 0.
 * f vanishes at θ = 2πRk: there L = L* = ½⟨y²⟩ and L' = 0 exactly (the
 * mirrored copies make ⟨x1 y⟩ = ⟨x2 y⟩ = ⟨x1 x2⟩ = 0, so h* = L''(0) =
 * ⟨x2²⟩ whatever σ), L is exactly even and 2πR-periodic, and θ = πR is the
 * saddle; in the population
 * L − L* = R²(1 − cos(θ/R)), ΔL = 2R², h* = −h_s = 1.
 *
 * With y = σz and R scaled together, SGD in φ = θ/R is the same process for
 * every R (mean-square loss, model linear in R): wells of equal ratio
 * C = L(πR)/L* escape at the same rate, at any η.
 *
 * Exact SGD noise of a B-subset drawn without replacement: c_B Var_μ ℓ'_μ,
 * c_B = (N − B)/(B(N − 1)); ℓ'_μ is linear in the five features
 * (x1², x1x2, x2², x1y, x2y), so Var_μ ℓ'_μ = wᵀSw with S their covariance.
 */
#ifndef SGDN_SINWELL_H
#define SGDN_SINWELL_H

#include <stdint.h>
#include "rng.h"

typedef struct {
    long N;
    double R, sigma;
    double *x1, *x2, *y; /* N each */
    double m[3][3];      /* second moments of (x1, x2, y) */
    double S[5][5];      /* covariance of (x1², x1x2, x2², x1y, x2y) */
} sinwell;

/* Draw the data (stream (seed, stream)) and choose σ so that the data
 * set's ratio L(πR)/L(0) equals C exactly.  N even, R > 0, C > 1.
 * Returns 0, or an SGDN_E* status. */
int sinwell_init(sinwell *w, long N, double R, double C, uint64_t seed, uint64_t stream);
void sinwell_free(sinwell *w);

double sinwell_loss(const sinwell *w, double th);
double sinwell_grad(const sinwell *w, double th);
double sinwell_hess(const sinwell *w, double th);
/* Var_μ of the per-sample gradient ℓ'_μ(θ) (population normalisation 1/N). */
double sinwell_grad_var(const sinwell *w, double th);
/* The same by the definition, O(N): for tests. */
double sinwell_grad_var_direct(const sinwell *w, double th);

/* One SGD step θ ← θ − η (1/B) Σ_{μ∈𝓑} ℓ'_μ(θ), 𝓑 a uniform B-subset
 * (distinct indices, B ≤ 64). */
double sinwell_sgd_step(const sinwell *w, double th, double eta, int B, rng_stream *r);

/* Escape: SGD from θ* = 0 until |θ| ≥ 2πR (a neighbouring minimum);
 * returns t = ηk, or −1 after kmax steps. */
double sinwell_escape(const sinwell *w, double eta, int B, long kmax, rng_stream *r);

/* The two SDEs of the same loss (time t = ηk), for diffusion1d.h:
 *   exact noise   dθ = −L' dt + √(η c_B Var_μ ℓ'_μ(θ)) dW   (paper = 0);
 *   the paper's   dθ = −L' dt + √(2η h* L(θ) c_B) dW, c_B = 1/B (paper = 1). */
typedef struct {
    const sinwell *w;
    double eta, cB, h;
    int paper;
} sinwell_sde;
double sinwell_sde_drift(double th, void *p);
double sinwell_sde_var(double th, void *p);

/* Var(x2²)/⟨x2²⟩² over the data: σ_H of the exact noise at θ* is
 * h*² c_B times this (h* = ⟨x2²⟩). */
double sinwell_x2_spread(const sinwell *w);

/* The exact mean escape time of SGD with B = 1 (t = ηk) from θ = 0 to
 * |θ| ≥ 2πR, by the Markov chain itself: T(θ) = η + (1/N) Σ_μ T(θ − ηℓ'_μ(θ)),
 * T = 0 outside (−2πR, 2πR), solved on M + 1 nodes with linear
 * interpolation (LU, O(M³ + MN)).  err: the difference to the solution on
 * M/2 intervals.  Returns 0 or an SGDN_E* status. */
int sinwell_chain_mfpt(const sinwell *w, double eta, int M, double *T0, double *err);

#endif
