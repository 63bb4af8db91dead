/* nnobs.h — observables of a trained network that Wei & Schwab's theory
 * speaks about: the Hessian trace (Hutchinson, exact HVPs), the loss along
 * the chord between two parameter vectors (line-connectedness), the
 * negative part of the Hessian spectrum, the cosine similarity of the
 * Hessian H and the SGD noise covariance C computed exactly, and ratios of
 * time averages with a batch-means standard error (the fluctuation–
 * dissipation criterion |O_L/O_R − 1|).
 *
 * Status codes as in err.h: SGDN_OK, or SGDN_EDOM (bad sizes),
 * SGDN_EDIVERGE (a non-finite value), SGDN_ELAPACK (LAPACK failed); on
 * failure the outputs are NaN.
 */
#ifndef SGDN_NNOBS_H
#define SGDN_NNOBS_H

#include <stddef.h>
#include "nn.h"
#include "rng.h"

/* Tr ∇²L(θ) (θ of length D) by Hutchinson with p ≥ 2 Rademacher probes z drawn from r:
 * *tr = the mean of zᵀHz (each Hz an exact HVP; the forward pass at θ is
 * prepared once and released), *se its standard error over the probes. */
int nnobs_trace(nn_eval *e, size_t D, const double *theta, nn_data d, int p, rng_stream *r,
                double *tr, double *se);

/* The largest training loss at k ≥ 1 evenly spaced interior points of the
 * chord from a to b: L((1 − α)a + αb), α = j/(k + 1), j = 1..k (the ends
 * are not evaluated: they are the caller's).  work: D doubles. */
int nnobs_chord_max(nn_eval *e, const double *a, const double *b, size_t D, nn_data d, int k,
                    double *work, double *lmax);

/* The negative part of the spectrum of a symmetric D × D matrix H
 * (row-major; destroyed): *negsum = Σ of the eigenvalues below zero,
 * *nneg their number, *lmin and *lmax the extreme eigenvalues, *trace
 * Σ λ.  Eigenvalues only, LAPACKE dsyevd. */
int nnobs_neg_spectrum(size_t D, double *H, double *negsum, long *nneg, double *lmin, double *lmax,
                       double *trace);

/* The alignment of H (D × D, symmetric, row-major) and the covariance of
 * the per-sample gradients G (N × D, row-major),
 *     C = (1/N) Σ_i (g_i − ḡ)(g_i − ḡ)ᵀ
 * (SGD's noise covariance up to the factor (1/S)(1 − S/N), which cancels
 * in the cosine), without forming C:
 *     Tr(HC)  = (1/N) Σ_i c_iᵀ H c_i,     c_i = g_i − ḡ,
 *     Tr(C²)  = (1/N²) ‖K‖_F²,            K = Gc Gcᵀ (N × N Gram matrix),
 *     Tr(H²)  = ‖H‖_F²,
 *     CS      = Tr(HC) / √(Tr(H²) Tr(C²)). */
typedef struct {
    double tr_hc, tr_h2, tr_c2, tr_h, tr_c, cs;
} nnobs_align;
int nnobs_align_exact(size_t N, size_t D, const double *H, const double *G, nnobs_align *out);

/* The ratio of two time averages R = mean(x)/mean(y) over n samples and
 * its standard error from nb ≥ 2 batch means (consecutive blocks of
 * ⌊n/nb⌋ samples; a remainder at the end is dropped), by the delta method
 * on the block means: se² = Var_b(x_b − R y_b)/(nb · mean(y)²).  Blocks
 * longer than the correlation time make the batch means independent. */
int nnobs_ratio_blocks(const double *x, const double *y, size_t n, int nb, double *ratio,
                       double *se);

/* The right side of Yaida's first fluctuation–dissipation relation for
 * SGD with momentum μ and dampening ν (buffer b ← μ b + (1 − ν) g,
 * θ ← θ − η b):  ⟨θ·∇L⟩ = η(1 + μ)/(2(1 − ν)) ⟨b·b⟩ at stationarity.
 * Returns the factor multiplying b·b. */
double nnobs_fdr_factor(double eta, double mu, double nu);

/* The smallest possible loss of one sample under label-smoothed
 * cross-entropy with smoothing eps over C classes: the entropy H(t) of the
 * smoothed target t = (1 − eps) e_y + eps/C, reached where softmax(f) = t. */
double nnobs_smoothing_floor(double eps, int C);

#endif
