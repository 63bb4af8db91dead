/* fmdyn.h — measurements along the dynamics of a network (ZHU-FM):
 * expected sharpness without its first-order noise, the Hessian's top
 * eigenpairs tracked along a trajectory, and Tr(HΣ) from a factor of Σ.
 *
 * Everything works through operators (exact Hessian-vector products of
 * nn.h, spectral_op of spectral.h) and factors Σ = RᵀR (dynamics.h): no
 * D×D matrix is formed.
 */
#ifndef SGDN_FMDYN_H
#define SGDN_FMDYN_H

#include <stddef.h>
#include <stdint.h>

#include "fmnist.h"
#include "nn.h"
#include "rng.h"
#include "spectral.h"

/* The Hessian of L at (theta, d) as a spectral_op: ctx is an fmdyn_hess. */
typedef struct {
    nn_eval *e;
    const double *theta;
    nn_data d;
} fmdyn_hess;
void fmdyn_hess_op(void *ctx, const double *x, double *y);

/* Expected sharpness E_ν[L(θ+ν)] − L(θ), ν ~ N(0, δ²I) (ZHU App. D.3,
 * Eq. 88), by antithetic pairs: the mean over p = 1..pairs of
 *     s_p = ½[L(θ+ν_p) + L(θ−ν_p)] − L(θ),
 * ν_p from the substream (seed, stream, p).  The first-order term ∇L·ν,
 * whose variance δ²|∇L|² dominates the plain estimator's at δ = 0.01,
 * cancels exactly in each pair; E s_p is the same expected sharpness.
 * D is the net's parameter count.  Costs 2·pairs + 1 losses.  *se (may be NULL) gets the standard error
 * over the pairs; *L0 (may be NULL) gets L(θ). */
double fmdyn_sharpness(nn_eval *e, size_t D, const double *theta, nn_data d, double delta,
                       int pairs, uint64_t seed, uint64_t stream, double *se, double *L0);

/* One step of subspace iteration with Rayleigh–Ritz for the k largest
 * eigenpairs of a symmetric operator A (n × n), warm-started: Q (n × k,
 * row-major, orthonormal columns) spans the current guess.  With Y = AQ
 * (k products) and QᵀY = W diag(lam) Wᵀ (lam descending):
 *     U = QW      the Ritz vectors of span(Q), lam their Ritz values,
 *     resid[j] = ‖A u_j − lam_j u_j‖ from AU = YW (no further product),
 *     Q ← orth(YW)  the next iterate (QR), for the next call.
 * Called at every refresh along a trajectory, each call both returns
 * eigenpairs of the current operator and improves the subspace, so the
 * tracking costs k products per refresh.  U (n × k, may be NULL), resid
 * (k, may be NULL).  Returns 0, or a LAPACK info. */
int fmdyn_subspace_step(size_t n, spectral_op op, void *ctx, size_t k, double *Q, double *lam,
                        double *U, double *resid);

/* Tr(A Σ) for Σ = RᵀR (R: N × D row-major) by p probes ε = Rᵀz with z
 * Rademacher (N): E[εᵀAε] = Tr(A RᵀR) — spectral_hutchinson of the N × N
 * operator R A Rᵀ, whose probes zᵀ(R A Rᵀ)z are exactly these εᵀAε.
 * p ≥ 1 products of A; *se (may be NULL) the standard error over the
 * probes. */
double fmdyn_trace_factor(size_t D, spectral_op op, void *ctx, size_t N, const double *R, int p,
                          rng_stream *r, double *se);

/* uᵀΣu = ‖R u‖² for Σ = RᵀR. */
double fmdyn_quad_factor(size_t D, size_t N, const double *R, const double *u);

/* Which of the samples of d the net at θ classifies right: ok[i] = 1 or 0
 * (the argmax of the outputs, first maximum on ties, as nn_loss_grad
 * counts them).  net is e's net.  Returns the number right. */
long fmdyn_correct(nn_eval *e, const nn_net *net, const double *theta, nn_data d, double *ok);

/* The change of test accuracy of S runs against a reference classifier,
 * both measured on the same n images: ok[j][i] ∈ {0, 1} is run j on image
 * i, ref[i] the reference.  Returns the mean change (the runs' mean
 * accuracy minus the reference's), the mean over the images of the paired
 * differences d_i = (1/S)Σ_j ok[j][i] − ref[i].  *se_img: the standard error
 * of that mean over the images, stats_se(d) — the error of a change
 * measured on one sample of test images, which only the images the two
 * disagree on carry (McNemar's; for S = 1, b right only for the reference
 * and c only for the run, √((b + c − nΔ²)/(n(n−1)))).  *se_seed: the
 * standard error over the runs of their own changes (0 for S = 1). */
double fmdyn_paired_change(const double *const *ok, int S, const double *ref, size_t n, double *se_img,
                           double *se_seed);

/* The ZHU-FM task as zhu_fm_gd made it: ntrain training images drawn from
 * the training split with ncorrupt wrong labels (streams (seed, 1) and
 * (seed, 2), as zhu_fm_gd draws them: the same seed gives the same set),
 * the first ntest test images, and θ*_GD (D raw doubles) from theta_path.
 * Returns 0, or -1 with a one-line message in err (a missing or
 * wrong-sized θ file, an unreadable data set). */
int fmdyn_task_load(const char *datadir, int ntrain, int ncorrupt, int ntest, uint64_t seed,
                    const char *theta_path, size_t D, fmnist_set *train, fmnist_set *test,
                    double *theta, char *err, size_t errlen);
/* Free what fmdyn_task_load allocated (test.n restored first). */
void fmdyn_task_free(fmnist_set *train, fmnist_set *test);

#endif
