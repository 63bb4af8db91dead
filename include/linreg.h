/* linreg.h — minibatch SGD on a linear regression, exactly as Mori et al.
 * define it, with its exact noise covariance.
 *
 * Data: N pairs (x_μ, y_μ), x_μ ∈ R^d, every entry of x_μ and y_μ i.i.d.
 * N(0, 1), drawn once and then fixed.  Loss (Mori Eq. 1 with f = θᵀx):
 *
 *     L(θ) = (1/2N) Σ_μ (θᵀx_μ − y_μ)²  =  L* + ½ uᵀHu,   u = θ − θ*,
 *
 * H = (1/N) Σ x_μx_μᵀ, θ* = H⁻¹(1/N)Σ y_μx_μ.  SGD (Mori Eq. 2): at every
 * step a uniformly random B-subset 𝓑 of {1..N} (without replacement, drawn
 * afresh and independently at each step) and
 *
 *     θ ← θ − η g_𝓑,   g_𝓑 = (1/B) Σ_{μ∈𝓑} r_μ x_μ,   r_μ = θᵀx_μ − y_μ.
 *
 * Its noise covariance is exact, not approximate (sampling without
 * replacement from a finite population):
 *
 *     Σ(θ) = Cov(g_𝓑) = c_B [ (1/N) Σ_μ r_μ² x_μx_μᵀ − ∇L∇Lᵀ ],
 *     c_B = (N − B) / (B (N − 1)).
 *
 * Mori's Eq. 6 replaces the bracket by 2L(θ)H (the "decoupling" of r_μ²
 * from x_μx_μᵀ).  For Gaussian inputs the decoupling misses the fourth
 * moment: E[(uᵀx)² xxᵀ] = |u|²I + 2uuᵀ, so the exact bracket is, in the
 * population, (2L* + |u|²) I + uuᵀ instead of (2L* + |u|²) I: the noise
 * along u is (2L* + 2|u|²), twice the decoupled growth.  The functions
 * linreg_radial_* give the resulting exact radial diffusion.
 *
 * The state keeps v = Hu so that L after a step costs O(dB), not O(d²);
 * v is recomputed from u every LINREG_RESYNC steps against rounding drift.
 */
#ifndef SGDN_LINREG_H
#define SGDN_LINREG_H

#include <stdint.h>
#include "rng.h"

#define LINREG_RESYNC 1024

typedef struct {
    int d;
    long N;
    double *X;          /* N×d row-major: row μ is x_μ */
    double *y;          /* N */
    double *H;          /* d×d, (1/N) XᵀX */
    double *theta_star; /* d, the minimiser */
    double Lstar;       /* L(θ*) */
    double *rstar;      /* N, residuals r*_μ = θ*ᵀx_μ − y_μ */
    double *HX;         /* N×d: row μ is H x_μ */
} linreg_data;

/* Draw the data set from stream (seed, stream) and compute H, θ*, L*.
 * Returns 0, or -1 if H is singular or memory fails. */
int linreg_data_gaussian(linreg_data *D, int d, long N, uint64_t seed, uint64_t stream);
void linreg_data_free(linreg_data *D);
/* Whiten the inputs, x_μ ← L⁻¹x_μ with H = LLᵀ, so that H = I exactly
 * (h* = 1, n = d); θ*, the residuals and L* are carried over.  Returns 0
 * or -1. */
int linreg_data_whiten(linreg_data *D);

/* L(θ) by the definition (1/2N)Σ(θᵀx_μ − y_μ)²: O(Nd), for tests. */
double linreg_loss_direct(const linreg_data *D, const double *theta);
/* L(θ) = L* + ½uᵀHu: O(d²), accurate near θ*. */
double linreg_loss(const linreg_data *D, const double *theta);

/* c_B = (N − B)/(B(N − 1)): the variance factor of a B-subset mean. */
double linreg_noise_factor(long N, int B);
/* The exact SGD noise covariance Σ(θ) (d×d) of batch size B. */
void linreg_noise_cov(const linreg_data *D, const double *theta, int B, double *Sigma);
/* Mori's Eq. 6, Σ ≈ (2L(θ)/B) H, for comparison. */
void linreg_noise_cov_decoupled(const linreg_data *D, const double *theta, int B, double *Sigma);

/* One SGD run's state. */
typedef struct {
    int B;
    double *u, *v; /* u = θ − θ*, v = Hu */
    double *g, *gh;
    long *batch;
    uint32_t *stamp, stamp_id; /* for drawing B distinct indices (Floyd) */
    long k;                    /* steps taken */
} linreg_sgd;

int linreg_sgd_init(linreg_sgd *s, const linreg_data *D, int B);
void linreg_sgd_free(linreg_sgd *s);
/* Place the state at θ (NULL: at θ*). */
void linreg_sgd_set(linreg_sgd *s, const linreg_data *D, const double *theta);
/* One step θ ← θ − η g_𝓑 with a fresh uniform B-subset drawn from r. */
void linreg_sgd_step(linreg_sgd *s, const linreg_data *D, double eta, rng_stream *r);
/* log(L(θ)/L*) = log1p(½uᵀHu / L*), accurate however close θ is to θ*. */
double linreg_sgd_logratio(const linreg_sgd *s, const linreg_data *D);
/* Draw B distinct indices of [0, N) uniformly (Floyd's algorithm). */
void linreg_draw_batch(linreg_sgd *s, long N, rng_stream *r);

/* --- the fitted exponent of P(θ) ∝ L(θ)^{−φ} (d = 1) --------------------
 * For L = L*(1 + hu²/(2L*)) the density L^{−φ} on the line is a scaled
 * Student t with 2φ − 1 degrees of freedom, normalisable for φ > ½, and
 * its maximum-likelihood φ solves
 *     ψ(φ) − ψ(φ − ½) = mean of log(L(θ_i)/L*),
 * a function of that one sufficient statistic. */
double linreg_phi_from_meanlog(double m);
/* d/dφ [ψ(φ) − ψ(φ − ½)] = ψ'(φ) − ψ'(φ − ½) (< 0): for the delta method. */
double linreg_phi_dmeanlog(double phi);

/* --- the radial diffusion of the population model ------------------------
 * With H = I (population), ρ = |θ − θ*| obeys the Itô SDE (time t = ηk)
 *     dρ = [−ρ + ηc(d−1)(2L* + ρ²)/(2ρ)] dt + √(ηc s(ρ)) dW,
 * s(ρ) = 2L* + 2ρ² for the exact (Gaussian-input) noise and
 * s(ρ) = 2L* + ρ² for Mori's decoupled noise (2L/B)H.  Both have the same
 * tangential part, so they share the drift.  Use with diffusion1d.h.
 * hdrift replaces the −ρ of the drift by −hdrift·ρ: 1 is the SDE limit,
 * 1 − η/2 matches the discrete recursion's exact stationary second moment
 * (E|u|'² = E|(I − ηxxᵀ)u|² + … gives 2η − η² where the SDE has 2η). */
typedef struct {
    int d;
    double eta, c, Lstar, hdrift;
    int decoupled; /* 1: Mori's Eq. 6 noise; 0: exact */
} linreg_radial;
double linreg_radial_drift(double rho, void *p);
double linreg_radial_var(double rho, void *p);

/* --- stability of the minimum: the top Lyapunov exponent ----------------
 * Far from θ* the affine term of the SGD recursion is negligible and
 * u ← M u, M = I − (η/B) Σ_{μ∈𝓑} x_μx_μᵀ.  The minimum is stable (a
 * stationary law exists) when the top Lyapunov exponent
 *     λ = lim (1/k) log |M_k ⋯ M_1 e|
 * is negative, and |θ − θ*| grows like e^{λk} when it is positive.
 *
 * linreg_tangent_step draws a minibatch from r as linreg_sgd_step does,
 * applies M to the unit vector e, renormalises it and returns log|Me|: the
 * mean of these increments along a run estimates λ for the data set D.
 *
 * For the population (x ~ N(0, I_d), B draws) M is invariant under
 * rotations, so the increments are i.i.d. and λ = E log|Me| for any fixed
 * unit e (Furstenberg).  Writing x_i = s_i e + x_⊥i, S = Σ s_i² ~ χ²_B
 * and |Σ s_i x_⊥i|² = S·Q with Q ~ χ²_{d−1}, independent:
 *     λ = ½ E log[(1 − ηS/B)² + η² S Q / B²],
 * which linreg_lyapunov_population evaluates by nested adaptive quadrature
 * (GSL QAGS/QAGIU) with an absolute error estimate.  Small η:
 * λ ≈ −η + (η²/2B)(d + B − 5 + ...) for B = 1: −η + η²(d − 4)/2. */
/* The tail of the stationary law of the same population chain (Kesten):
 * P(|θ − θ*| > r) ∝ r^{−2s} for large r, where s > 0 solves
 *     E[((1 − ηS/B)² + η²SQ/B²)^s] = 1   (E|Me|^{2s} = 1),
 * the positive root beside s = 0 when λ < 0.  Then P(L − L* > x) ∝ x^{−s}
 * (H ≈ I) and the mean first-passage time to a high level C·L* grows as
 * C^s.  Nested quadrature as above and bisection; err is the final bracket.
 * Returns 0, or -1 (λ ≥ 0, or the quadrature failed). */
int linreg_kesten_population(int d, int B, double eta, double *s, double *err);
/* The mean first-passage time (t = ηk) of the population chain itself
 * (B = 1, x ~ N(0, I_d), residual at θ* ε ~ N(0, 2L*)) from θ* to
 * |θ − θ*| ≥ rc[l], for each level l: by rotation invariance ρ = |u| is a
 * Markov chain, u' = (I − ηxxᵀ)u − ηxε, and T(ρ) = η + E T(ρ') with T = 0
 * beyond rc is solved on M intervals of [0, rc] with linear interpolation;
 * the expectation over (x1, ε, |x_⊥|²) by Gauss–Hermite and generalised
 * Gauss–Laguerre nodes.  err[l]: the difference to the solution on M/2.
 * Returns 0 or -1 (bad arguments, a failed solve). */
int linreg_radial_chain_mfpt(int d, double eta, double Lstar, const double *rc, int nlev, int M, double *T,
                             double *err);
double linreg_tangent_step(linreg_sgd *s, const linreg_data *D, double eta, double *e, rng_stream *r);
int linreg_lyapunov_population(int d, int B, double eta, double *lambda, double *err);

#endif
