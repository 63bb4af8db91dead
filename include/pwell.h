/* pwell.h — the piecewise-quadratic barrier family of the escape-time
 * experiments (Meng et al., App. 7.5.5; REPRODUCTION.md's reading of its
 * garbled loss), and the tail index of the multiplicative iteration that
 * governs escape from it at a finite step.
 *
 * One sample's loss: a C¹ well of curvature Ha joined to an inverted
 * parabola of curvature −|Hb|,
 *     ℓ(u) = ½Ha u²              (u < u1),
 *            ΔL0 − ½|Hb|(u − b)²  (u ≥ u1),
 * u1 = √(2ΔL0/(Ha(1 + Ha/|Hb|))), b = u1(1 + Ha/|Hb|): ΔL0 moves the saddle
 * out as √ΔL0 and leaves both curvatures unchanged.  The training loss is
 * L(w) = (1/n) Σ_i ℓ(w − x_i).  ℓ' is piecewise linear, so with the data
 * sorted and their prefix sums L'(w) is exact in O(log n): the samples with
 * x_i ≤ w − u1 are past the junction, the others in the well.
 */
#ifndef SGDN_PWELL_H
#define SGDN_PWELL_H

#include "rng.h"

typedef struct {
    double Ha, Hb, dL0, u1, b;
    int n;
    double *x;   /* sorted data */
    double *cx;  /* cx[k] = x[0] + ... + x[k−1], k = 0..n */
} pwell;

/* Copy and sort the n ≥ 1 data points; Ha, Hb > 0.  Set the barrier with
 * pwell_set_barrier before use.  Returns 0 (allocation failure ends the
 * program, err.h). */
int pwell_init(pwell *p, double Ha, double Hb, const double *x, int n);
void pwell_free(pwell *p);
/* ΔL0 > 0: the junction u1 and the saddle b of one sample's loss. */
void pwell_set_barrier(pwell *p, double dL0);

double pwell_ell(const pwell *p, double u);      /* ℓ(u) */
double pwell_ell_grad(const pwell *p, double u); /* ℓ'(u) */
double pwell_loss(const pwell *p, double w);     /* L(w), O(n) */
double pwell_grad(const pwell *p, double w);     /* L'(w), O(log n), exact */

/* The minimum w* and the saddle s of L: the sign changes of L' (− to +,
 * then + to −) on [min x − 2, b + max x + 2], refined by bisection.
 * Returns 0, or SGDN_EDOM if L has no such pair. */
int pwell_critical(const pwell *p, double *wstar, double *saddle);

/* SGD with batch 1 on L: w ← w − ηℓ'(w − x_I), I uniform.  Its exact mean
 * number of steps to reach w ≥ s from w0, as a Markov chain on a uniform
 * grid of n nodes on [lo, s] (linear interpolation; below lo onto the first
 * node): T = 1 + (1/n) Σ_i 1[w_i' < s] T(w_i').  NaN if the solve fails. */
double pwell_sgd_exit_time(const pwell *p, double eta, double lo, double s, double w0, int n);
/* One SGD run from w0: the first step with w ≥ s, or −1 after maxsteps. */
long pwell_sgd_escape(const pwell *p, double eta, double w0, double s, long maxsteps, rng_stream *r);

/* The tail index α > 0 of the random recurrence w ← (c + sξ) w, ξ ~ N(0,1):
 * the root of E|c + sξ|^α = 1 (Kesten), which exists when E log|c + sξ| < 0.
 * The power-law dynamic in a quadratic well is this recurrence far from the
 * minimum, with c = 1 − ηH, s = η√σH; its escape time through a barrier at
 * distance b grows as b^α.  As η → 0 at fixed κ = H/(ησH), α → 2κ + 1.
 * Returns 0, or SGDN_EDOM if no root exists in (0, 100], SGDN_ENOCONV if the
 * quadrature fails. */
int pwell_kesten_index(double c, double s, double *alpha);

#endif
