/* dynamics.h — the noise of the compared dynamics (Zhu et al., Table 1).
 *
 * Every dynamic is  θ_{t+1} = θ_t − η∇L(θ_t) + ε_t  and differs only in how
 * it draws ε_t from the current SGD noise covariance Σ_sgd and Hessian H:
 *
 *   GD                ε = 0
 *   GLD const         ε ~ N(0, ϱ² I)                       ϱ fixed
 *   GLD dynamic       ε ~ N(0, σ_t² I)                     σ_t: matched norm
 *   GLD diag          ε ~ N(0, diag Σ_sgd)
 *   GLD leading       ε ~ N(0, σ_t Σ_k),  Σ_k = Σ_{j≤k} γ_j v_j v_jᵀ (top-k of Σ_sgd)
 *   GLD Hessian       ε ~ N(0, σ_t H_k),  H_k = Σ_{j≤k} max(λ_j, 0) u_j u_jᵀ
 *   GLD 1st eigvec(H) ε ~ N(0, σ_t λ1 u1 u1ᵀ)
 *   SGD               ε = minibatch gradient − full gradient (not Gaussian)
 *
 * "Matched norm" means E|ε|² = Tr Cov ε equals a target (Eq. 14 of the
 * ICML paper): SGD's own E|ε|² = Tr Σ_sgd by default, or a fixed number (the
 * 2-D toy uses 0.01 for every dynamic).  Which dynamics are rescaled is the
 * caller's choice (dyn_config.match); GLD dynamic, Hessian and 1st eigvec
 * are always scaled, since their covariance has no scale of its own.
 *
 * Nothing here assumes a small dimension D.  Σ_sgd is held as a factor
 *
 *     Σ_sgd = Rᵀ R,   R (N×D, row-major), row i = (g_i − ḡ) / √(mN),
 *
 * where g_i are the N per-sample gradients, ḡ their mean and m the batch
 * size (Eq. 5, sampling with replacement).  From the factor, without ever
 * forming a D×D matrix:
 *   sampling      ε = Rᵀ z, z ~ N(0, I_N)       exact: Cov ε = RᵀR
 *   diagonal      (Σ)_ii = Σ_n R_ni²             column sums of squares
 *   trace         Tr Σ = ‖R‖_F²
 *   top-k eigen   R Rᵀ = W diag(μ) Wᵀ (N×N Gram, LAPACKE) ⇒ Σ v = μ v for
 *                 v = Rᵀw/√μ, since RᵀR Rᵀw = Rᵀ(μw).  When D ≤ N the D×D
 *                 matrix RᵀR is smaller and is used instead.
 * H enters only through its top-k eigenpairs (dyn_hess), however the caller
 * obtained them (dense eigen-solver for small D; Lanczos or a Gram matrix of
 * Jacobians for large D).  The small-D dense case is a convenience:
 * dyn_sigma_from_dense and dyn_hess_from_dense.
 *
 * A dyn_noise holds scratch space: use one per thread.
 */
#ifndef SGDN_DYNAMICS_H
#define SGDN_DYNAMICS_H
#include "err.h"
#include <stddef.h>
#include "rng.h"

typedef enum {
    DYN_GD,
    DYN_GLD_CONST,
    DYN_GLD_DYNAMIC,
    DYN_GLD_DIAG,
    DYN_GLD_LEADING,
    DYN_GLD_HESSIAN,
    DYN_GLD_EIGVEC1,
    DYN_SGD,
    DYN_COUNT
} dyn_kind;

/* Display name ("GLD 1st eigvec(H)") and a file/key name ("gld-eigvec1"). */
const char *dyn_name(dyn_kind k);
const char *dyn_key(dyn_kind k);
/* Parse a key; returns 0, or -1 if unknown. */
SGDN_MUST_CHECK int dyn_parse(const char *key, dyn_kind *k);
#define DYN_BIT(k) (1u << (k))

/* Σ_sgd = RᵀR in factored form. */
typedef struct {
    size_t D, N;
    long m;     /* batch size for SGD draws; 0 when R is not made of samples */
    double *R;  /* N×D row-major, owned */
    double *G;  /* N×D per-sample gradients, owned, or NULL (dense case) */
    double *mean; /* D: the full gradient ḡ, or NULL */
} dyn_sigma;

/* From per-sample gradients G (N×D row-major, row i = ∇ℓ_i): centre and
 * scale by 1/√(mN).  G is copied (SGD draws need it).  Returns 0 or -1. */
SGDN_MUST_CHECK int dyn_sigma_from_grads(dyn_sigma *s, size_t D, size_t N, const double *G, long m);
/* Recompute from new per-sample gradients of the same shape (no allocation:
 * for use inside a training loop). */
void dyn_sigma_update(dyn_sigma *s, const double *G);
/* From a dense symmetric PSD Σ (D×D): R = (U Λ₊^{1/2})ᵀ, N = D, m = 0. */
SGDN_MUST_CHECK int dyn_sigma_from_dense(dyn_sigma *s, size_t D, const double *S);
void dyn_sigma_free(dyn_sigma *s);
double dyn_sigma_trace(const dyn_sigma *s);
/* d[i] = Σ_ii. */
void dyn_sigma_diag(const dyn_sigma *s, double *d);
/* The k largest eigenpairs of Σ: gamma[0..k) descending, V (D×k row-major,
 * column j = unit eigenvector of gamma[j]).  k ≤ min(D, N).  Returns 0, or
 * the LAPACK info. */
SGDN_MUST_CHECK int dyn_sigma_top(const dyn_sigma *s, size_t k, double *gamma, double *V);
/* The dense D×D matrix RᵀR (small D only: tests, the 2-D toy). */
void dyn_sigma_dense(const dyn_sigma *s, double *S);

/* Top-k eigenpairs of H: lam[0..k) descending, U (D×k row-major). */
typedef struct {
    size_t D, k;
    double *lam, *U; /* owned */
} dyn_hess;

SGDN_MUST_CHECK int dyn_hess_alloc(dyn_hess *h, size_t D, size_t k);
/* From a dense symmetric H (D×D): its k largest eigenpairs. */
SGDN_MUST_CHECK int dyn_hess_from_dense(dyn_hess *h, size_t D, const double *H, size_t k);
/* Refill an allocated dyn_hess from a new dense H of the same size. */
SGDN_MUST_CHECK int dyn_hess_update_dense(dyn_hess *h, const double *H);
void dyn_hess_free(dyn_hess *h);

typedef struct {
    double target_sq;   /* E|ε|² of matched dynamics; < 0: Tr Σ_sgd */
    double rho2;        /* GLD const: per-coordinate variance ϱ² */
    size_t k_leading;   /* GLD leading: rank of Σ_k */
    size_t k_hessian;   /* GLD Hessian: rank of H_k (≤ the dyn_hess's k) */
    unsigned match;     /* DYN_BIT(kind) set: rescale that kind to target_sq
                           (dynamic, Hessian, 1st eigvec always are) */
} dyn_config;

/* The paper's matching for the Fashion-MNIST runs (ICML App. D.3): GLD
 * dynamic, Hessian and 1st eigvec matched to Tr Σ_sgd; const, diag, leading
 * and SGD keep their own scale. */
dyn_config dyn_config_paper(double rho2, size_t k_leading, size_t k_hessian);
/* Every noisy dynamic rescaled to E|ε|² = target (the 2-D toy). */
dyn_config dyn_config_all(double target, size_t k_leading, size_t k_hessian);

typedef enum { DYN_FORM_ZERO, DYN_FORM_ISO, DYN_FORM_DIAG, DYN_FORM_LOWRANK, DYN_FORM_FACTOR,
               DYN_FORM_MINIBATCH } dyn_form;

/* One dynamic's noise at the current θ: ε = scale · (a draw of its form). */
typedef struct {
    dyn_kind kind;
    dyn_form form;
    size_t D;
    double scale;
    double expected_sq;     /* E|ε|² = Tr Cov ε, after scaling */
    double *sd;             /* DIAG: per-coordinate sd (D); ISO uses sd[0] */
    size_t k;               /* LOWRANK: ε = scale Σ_j V[:, j] z_j */
    double *V;              /* D×k, columns = √variance · unit direction */
    const dyn_sigma *sigma; /* FACTOR, MINIBATCH */
    double *z;              /* scratch */
    size_t cap_sd, cap_V, cap_z;
    int degenerate;         /* a matched dynamic whose covariance vanished
                               (e.g. λ1 ≤ 0): ε = 0 and this flag set */
} dyn_noise;

void dyn_noise_init(dyn_noise *n);
void dyn_noise_free(dyn_noise *n);
/* Build kind's noise from Σ_sgd (may be NULL for GD and GLD const when
 * target_sq ≥ 0) and H (may be NULL unless kind needs it).  Returns 0, or
 * -1 on bad arguments, or a LAPACK info. */
SGDN_MUST_CHECK int dyn_noise_prepare(dyn_noise *n, dyn_kind kind, const dyn_config *c, size_t D,
                      const dyn_sigma *S, const dyn_hess *H);
/* Draw ε into eps (D). */
void dyn_noise_draw(dyn_noise *n, rng_stream *r, double *eps);
/* Cov ε as a dense D×D matrix (small D: tests, Tr(HΣ) in the 2-D toy). */
void dyn_noise_cov_dense(const dyn_noise *n, double *C);
/* Tr(H Cov ε) for a dense H (D×D) without forming Cov ε. */
double dyn_noise_trace_h(const dyn_noise *n, const double *H);

/* Tr(HΣ) = Tr(BᵀB RᵀR) = ‖B Rᵀ‖_F² for H = BᵀB and Σ = RᵀR given by
 * factors B (P×D) and R (N×D), both row-major: one P×N product (dgemm,
 * cost P·N·D), never a D×D matrix. */
double dyn_trace_factors(size_t D, size_t P, const double *B, size_t N, const double *R);

/* Models with one scalar output per sample (linear and generalised linear
 * models, one-hidden-layer nets with a fixed output layer): with
 * J_i = ∇_θ f_i, r_i = ℓ_i'(f_i) and c_i = ℓ_i''(f_i), and f piecewise
 * linear in θ (so that the Hessian is its Gauss–Newton part a.e.),
 *     ∇ℓ_i = r_i J_i,   H = (1/N) Σ c_i J_i J_iᵀ,
 *     Σ = (1/N) Σ r_i² J_i J_iᵀ − ḡḡᵀ,  ḡ = (1/N) Σ r_i J_i   (batch size 1).
 * Every trace below needs only the N×N Gram matrix K = J Jᵀ, K_ij = J_i·J_j:
 *     Tr H = (1/N) Σ c_i K_ii,   |ḡ|² = rᵀKr / N²,
 *     Tr Σ = (1/N) Σ r_i² K_ii − |ḡ|²,
 *     Tr(HΣ) = (1/N) Σ_i c_i [ (1/N) Σ_j r_j² K_ij² − (J_i·ḡ)² ],
 *     J_i·ḡ = (1/N) Σ_j K_ij r_j,      Tr(H Σbar) = Tr H · Tr Σ / D,
 * at cost O(N²) given K, never a D×D matrix. */
typedef struct {
    double trH, trS, trHS, trHSbar, gnorm2;
} dyn_glm_traces;
void dyn_glm_traces_gram(size_t N, size_t D, const double *K, const double *c, const double *r,
                         dyn_glm_traces *t);

#endif
