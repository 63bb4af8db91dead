/* crossboard.h — one escape setting of the cross-paper scoreboard (CROSS)
 * on the periodic double well of sinwell.h: the landscape, the quantities
 * measured at the minimum θ* = 0 and the saddle θs = πR, and every
 * predictor's mean escape time and short-time loss increase computed from
 * those quantities alone, never from escape data.
 *
 * Escape-time predictors (index j of tau, in SGD steps from θ* = 0 to the
 * next minimum |θ| = 2πR; closed forms of cross.h halved for the two exits):
 *   0 Kramers with constant noise C(θ*)     4 Meng's Lemma 6, Itô reading
 *   1 Mori's Eq. 15                         5 the Itô SDE with SGD's true
 *   2 Mori's SDE, by quadrature               noise C(θ), by quadrature
 *   3 Meng's Lemma 6 as printed             6 the discrete chain (B = 1 only,
 *                                             sinwell_chain_mfpt; else NaN)
 *   7 the Gaussian chain of SGD's per-step mean and variance: measured by
 *     the caller (cross_sinwell_escape with gauss = 1), left 0 here.
 * terr[j] is the quadrature or grid error of tau[j] (0 for closed forms).
 *
 * Zhu's short-time loss increase after k_s = ⌈1/(2ηh*)⌉ steps (t = 1/2h*):
 * Eq. 13 with the SDE's diffusion ηC(θ*), and the discrete linear chain
 * with C = σ_g + σ_H θ² (v' = (1−ηh)²v + η²C, ΔL = ½hv); and the exact
 * first-step increase for B = 1 (the mean over the data).
 *
 * The measured fields (mean, se, dLs_*m, dLs_*se) are the caller's: the
 * entry holds prediction and measurement side by side.
 */
#ifndef SGDN_CROSSBOARD_H
#define SGDN_CROSSBOARD_H

#include <stdint.h>

#include "err.h"
#include "rng.h"
#include "sinwell.h"

#define CROSSBOARD_NTH 8

/* The predictors' names, for data-file comments and legends. */
extern const char *const crossboard_names[CROSSBOARD_NTH];

typedef struct {
    double eta, C, R; /* step, ratio L(θs)/L*, scale of the well */
    int B;            /* batch size */
} crossboard_setting;

typedef struct {
    crossboard_setting s;
    sinwell w;
    double cB, h, hs, Ls, Lstar, dL, sg, sH, kappa; /* at θ* and θs; κ = h/(ησ_H) */
    double tau[CROSSBOARD_NTH], terr[CROSSBOARD_NTH];
    long ks;                            /* short-time steps k_s */
    double dLs_eq13, dLs_lin, dLs_k1;   /* Zhu's predictions, the exact first step */
    double mean, se;                    /* measured escape steps */
    double dLs_m, dLs_se, dLs_k1m, dLs_k1se; /* measured loss increase after k_s and 1 steps */
} crossboard;

/* The landscape of N points (sinwell_init, stream (seed, stream)) and
 * every prediction: discrete chain on M intervals, quadrature on grid
 * intervals.  Returns 0, or the SGDN_E* status of the step that failed
 * (*what names it); e->w is freed on failure. */
SGDN_MUST_CHECK int crossboard_init(crossboard *e, const crossboard_setting *s, long N, uint64_t seed,
                                    uint64_t stream, int M, int grid, const char **what);
void crossboard_free(crossboard *e);

/* |log| of the ratio of Meng's Itô Lemma 6 under Mori's noise model
 * (σ_g = 2L*h/B, σ_H = h²/B with B = 1/c_B: ΔL is the same along the path,
 * and σ_g + σ_H θ² ↔ 2Lh/B) to Mori's Eq. 15 at this entry's quantities:
 * zero up to rounding, the synthesis identity of cross.h. */
double crossboard_identity_gap(const crossboard *e);

/* The loss increase L(θ_k) − L* after k SGD steps from θ* = 0. */
double crossboard_short(const crossboard *e, long k, rng_stream *r);

#endif
