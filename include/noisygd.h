/* noisygd.h — noisy gradient descent on analytic "valley" losses with a
 * chosen noise covariance (Wei & Schwab's toy models).
 *
 * A valley loss has the form of Wei & Schwab's Lemma 1 (their Eq. 1, with a
 * tilted floor as in their App. A.6, Eq. 36):
 *
 *     L(θ) = ½ Σ_{i<n} θ_i² λ_i(φ) + g(φ),     φ = (θ_n, …, θ_{N−1}),
 *
 * θ_0..θ_{n−1} the non-degenerate coordinates, φ the valley (degenerate)
 * coordinates, λ_i(φ) > 0 the non-zero Hessian eigenvalues on the valley
 * floor θ_{<n} = 0.  Every loss here provides λ_i, ∇λ_i and ∇²λ_i in closed
 * form, from which the value, gradient and Hessian of L follow exactly:
 *
 *     ∂L/∂θ_i = θ_i λ_i,                ∂L/∂φ_a = ½ Σ_i θ_i² ∂_aλ_i + ∂_a g,
 *     ∂²L/∂θ_i∂θ_j = δ_ij λ_i,          ∂²L/∂θ_i∂φ_a = θ_i ∂_aλ_i,
 *     ∂²L/∂φ_a∂φ_b = ½ Σ_i θ_i² ∂_a∂_bλ_i + ∂_a∂_b g.
 *
 * The iteration is the one of SGD with a gradient noise of covariance C(θ):
 *
 *     θ ← θ − η (∇L(θ) + ξ),    ξ ~ N(0, C(θ)),
 *
 * with C(θ) one of
 *     NGD_NOISE_NONE   0 (gradient descent);
 *     NGD_NOISE_HESS   c·H₊(θ), the full Hessian with its negative
 *                      eigenvalues set to zero ("SGD-like", Wei Eq. 5);
 *     NGD_NOISE_THM2   diagonal in the non-degenerate block,
 *                      C_ii = c λ_i ∂f/∂λ_i (Wei Theorem 2, Eq. 12), zero in
 *                      the valley directions.  f = Σλ_i gives C_ii = cλ_i
 *                      (the noise of Theorem 1's proof, Eq. 10);
 *                      f = log Πλ_i gives C_ii = c, isotropic in the
 *                      non-degenerate subspace (Corollary 2.1);
 *                      f = Σλ_i² gives C_ii = 2cλ_i².
 */
#ifndef SGDN_NOISYGD_H
#define SGDN_NOISYGD_H
#include "err.h"

#include "rng.h"

#define NGD_MAXDIM 4

typedef enum {
    NGD_LOSS_ETA2,     /* |θ3+θ4| θ1² + |θ3+2θ4| θ2²                 (Wei §4.2, Fig. 2b) */
    NGD_LOSS_TRDET,    /* (4 − 2e^{−θ3²−θ4²}) θ1² + e^{−(θ3−θ4)²} θ2² (Wei §4.2, Fig. 2c–d) */
    NGD_LOSS_ENTROPIC  /* ½(θ2² + 1) θ1² + α θ2                       (Wei App. A.6, Fig. 7) */
} ngd_loss_kind;

typedef struct {
    ngd_loss_kind kind;
    int N;        /* dimension */
    int n;        /* non-degenerate coordinates θ_0..θ_{n−1}; the rest are φ */
    double alpha; /* slope of the floor g(φ) = α φ_0 (entropic loss only) */
} ngd_loss;

void ngd_loss_init(ngd_loss *L, ngd_loss_kind kind, double alpha);

/* λ_i(φ) for i < n; if dlam is not NULL, ∇λ_i as dlam[i*m + a] (m = N − n);
 * if d2lam is not NULL, ∇²λ_i as d2lam[(i*m + a)*m + b].  theta is the
 * full parameter vector; only its valley part φ is read. */
void ngd_lambda(const ngd_loss *L, const double *theta, double *lam, double *dlam, double *d2lam);
/* The floor g(φ) and its gradient (dg may be NULL); its Hessian is zero
 * for every loss here. */
double ngd_floor(const ngd_loss *L, const double *theta, double *dg);

double ngd_value(const ngd_loss *L, const double *theta);
void ngd_grad(const ngd_loss *L, const double *theta, double *g);
/* The N×N Hessian, row-major. */
void ngd_hess(const ngd_loss *L, const double *theta, double *H);

/* Functions of the spectrum for Theorem 2. */
typedef enum {
    NGD_F_TRACE,  /* Σ λ_i */
    NGD_F_LOGDET, /* Σ log λ_i = log of the non-degenerate determinant */
    NGD_F_SUMSQ   /* Σ λ_i² */
} ngd_f;

double ngd_f_value(ngd_f f, int n, const double *lam);
/* ∂f/∂λ_i, i < n. */
void ngd_f_grad(ngd_f f, int n, const double *lam, double *df);

typedef enum { NGD_NOISE_NONE, NGD_NOISE_HESS, NGD_NOISE_THM2 } ngd_noise_kind;

typedef struct {
    ngd_noise_kind kind;
    double c;  /* noise strength: (1/S)(1 − S/M) for SGD */
    ngd_f f;   /* the f of NGD_NOISE_THM2 */
} ngd_noise;

/* The covariance C(θ), N×N row-major (for the tests and the report). */
void ngd_noise_cov(const ngd_loss *L, const ngd_noise *nz, const double *theta, double *C);

/* ξ ~ N(0, C(θ)) from N standard normals z.  HESS: a Cholesky factor of
 * cH when H is positive definite, otherwise the clipped eigen-square-root
 * U diag(√max(cw, 0)); both have covariance cH₊.  Returns 0, or a nonzero
 * LAPACK status. */
SGDN_MUST_CHECK int ngd_noise_apply(const ngd_loss *L, const ngd_noise *nz, const double *theta, const double *z,
                    double *xi);

/* One step θ ← θ − η(∇L(θ) + ξ).  Draws exactly N normals from r for every
 * noise kind but NONE (which draws none), so streams stay aligned.  If xi
 * is not NULL it receives the noise ξ of the step.  Returns 0, or nonzero
 * if the noise could not be sampled. */
SGDN_MUST_CHECK int ngd_step(const ngd_loss *L, const ngd_noise *nz, double eta, double *theta, rng_stream *r,
             double *xi);

/* The noise's diagonal C_ii in the non-degenerate block, evaluated on the
 * valley floor above the current φ (for HESS: cλ_i, the floor value of
 * c·H_ii), i < n. */
void ngd_noise_floor_diag(const ngd_loss *L, const ngd_noise *nz, const double *theta, double *cii);

/* Stationary ⟨θ_i²⟩ at fixed φ.  exact = 1: the discrete AR(1) recursion
 * θ ← (1 − ηλ)θ − ηξ, Var ξ = C_ii, whose fixed point is
 *     ⟨θ_i²⟩ = η C_ii / (λ_i (2 − ηλ_i));
 * exact = 0: its leading order η C_ii / (2λ_i) (Wei Eq. 11 and 14). */
void ngd_stationary_m2(const ngd_loss *L, const ngd_noise *nz, double eta, const double *theta,
                       int exact, double *m2);

/* The expected change per step of a spectral function h(λ) when the
 * non-degenerate coordinates are stationary at the current φ:
 *     ⟨Δh⟩ = Σ_i ∂h/∂λ_i ∇λ_i · ⟨Δφ⟩,   ⟨Δφ⟩ = −η (½ Σ_j ⟨θ_j²⟩ ∇λ_j + ∇g).
 * With exact = 0 and g = 0 this is Wei's Theorem 2 (Eq. 15):
 * −(η²c/4)‖Σ ∂f/∂λ_i ∇λ_i‖² when h = f; with exact = 1 the ⟨θ_j²⟩ are
 * those of the discrete iteration. */
double ngd_drift_rate(const ngd_loss *L, const ngd_noise *nz, ngd_f h, double eta,
                      const double *theta, int exact);

/* One step of the mean-field recursion of the iteration: the second
 * moments m2[i] = ⟨θ_i²⟩ and the mean valley coordinates φ (stored in
 * theta[n..N)), with the fluctuations of φ neglected:
 *     m2_i ← (1 − ηλ_i)² m2_i + η² C_ii,     φ ← φ − η(½ Σ_i m2_i ∇λ_i + ∇g).
 * For the HESS noise C_ii is the floor value cλ_i. */
void ngd_meanfield_step(const ngd_loss *L, const ngd_noise *nz, double eta, double *theta, double *m2);

#endif
