/* spectral.h — eigenvalues and traces of symmetric operators known only
 * through their products y = A x (Hessians, noise covariances).
 */
#ifndef SGDN_SPECTRAL_H
#define SGDN_SPECTRAL_H
#include "err.h"

#include <stddef.h>
#include "rng.h"

/* y = A x for a symmetric n × n operator A. */
typedef void (*spectral_op)(void *ctx, const double *x, double *y);

/* The k largest (algebraic) eigenpairs of A by m ≥ k steps of Lanczos with
 * full reorthogonalisation (every new vector is orthogonalised twice
 * against all previous ones, so Ritz values do not duplicate), from a
 * random start drawn from r.  evals[0..k) descending; evecs (n × k,
 * column j = the Ritz vector of evals[j], row-major; may be NULL);
 * resid[j] (may be NULL) = ‖A v_j − λ_j v_j‖ = β_m |s_{m,j}|.  m is capped
 * at n; if the Krylov space becomes invariant earlier the run stops there.
 * Returns the number of steps taken, or -1 on failure. */
SGDN_MUST_CHECK int spectral_lanczos(size_t n, spectral_op op, void *ctx, int k, int m, rng_stream *r,
                     double *evals, double *evecs, double *resid);

/* Hutchinson's estimate of Tr A with p Rademacher probes z: the mean of
 * zᵀAz, its standard error in *se. */
double spectral_hutchinson(size_t n, spectral_op op, void *ctx, int p, rng_stream *r, double *se);

/* Cosine similarity of two symmetric operators,
 *   CS(A, B) = Tr(AB) / √(Tr(A²) Tr(B²)),
 * each trace by Hutchinson with the same p Rademacher probes: Tr(AB) from
 * (Az)ᵀ(Bz), Tr(A²) from ‖Az‖². */
double spectral_cosine(size_t n, spectral_op opA, void *ctxA, spectral_op opB, void *ctxB, int p,
                       rng_stream *r);

/* Eigenpairs of Σ = c · Gᵀ G for G (N × D, row-major), through the N × N
 * Gram matrix when N < D: G Gᵀ w = μ w gives Σ u = c μ u with
 * u = Gᵀ w / √μ.  (For Σ_sgd of Eq. 5 pass the centred per-sample
 * gradients G_i − ḡ and c = 1/(m N).)  The k largest: evals descending,
 * evecs (D × k, row-major; may be NULL).  Returns 0 or the LAPACK info. */
SGDN_MUST_CHECK int spectral_gram_top(size_t N, size_t D, const double *G, double c, int k, double *evals,
                      double *evecs);

#endif
