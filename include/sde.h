/* sde.h — the discrete iterations that simulate SGD-noise SDEs, and exact
 * quantities of those iterations.
 *
 * The power-law dynamic of Meng et al. is simulated as the paper writes it,
 *
 *     w_{t+1} = w_t − η L'(w_t) + η √C(w_t) ξ_t,      ξ_t ~ N(0, 1),
 *
 * which is the Euler–Maruyama scheme with step dt = η for the Itô SDE
 * dw = −L'(w) dt + √(η C(w)) dB (time t = η·steps).  With C constant it is
 * Langevin dynamic (GLD); with C(w) = σg + 2ρ(w−w*) + σH(w−w*)² it is the
 * power-law dynamic (PLD).
 *
 * Three kinds of tools:
 *   - steppers: one replicate (sde1d_run, sde1d_escape) and many replicates
 *     in parallel (OpenMP over replicates; replicate i draws from the
 *     stream rng_init_sub(seed, stream, i), so results do not depend on the
 *     number of threads);
 *   - the exact law of the *iteration* (not of its SDE limit), by Nyström
 *     discretisation of its Gaussian transition kernel on a grid: stationary
 *     density and mean exit time through a barrier;
 *   - maximum likelihood of the exponent m of the power-law κ ("q-Gaussian")
 *     family p(w) ∝ (1 + wᵀΓw)^{−m} with Γ known, an exponential family.
 */
#ifndef SGDN_SDE_H
#define SGDN_SDE_H
#include "err.h"

#include <math.h>
#include <stdint.h>
#include "rng.h"

/* A 1-D iteration w ← w − η·grad(w) + η·√var(w)·ξ. */
typedef struct {
    double (*grad)(double w, void *params); /* L'(w) */
    double (*var)(double w, void *params);  /* C(w) ≥ 0, the gradient-noise variance */
    void *params;
    double eta;
} sde1d;

/* The 1-D power-law dynamic on a quadratic well L = ½H(w−w*)²:
 * C(w) = σg + 2ρ(w−w*) + σH(w−w*)² (ρ = σH = 0 is GLD). */
typedef struct {
    double eta, H, wstar, sg, rho, sH;
} sde_pld1d;

static inline double sde_pld1d_step(const sde_pld1d *m, double w, double z)
{
    double x = w - m->wstar;
    double c = m->sg + x * (2 * m->rho + m->sH * x);
    return w - m->eta * m->H * x + m->eta * sqrt(c > 0 ? c : 0) * z;
}

/* n steps of the PLD from *w, in place. */
void sde_pld1d_run(const sde_pld1d *m, double *w, long n, rng_stream *r);
/* Final states of nrep replicates, each started at w0 and run nsteps. */
void sde_pld1d_sample_many(const sde_pld1d *m, double w0, long nsteps, uint64_t seed,
                           uint64_t stream, long nrep, double *out);
/* Replicates [i0, i1) of the same (replicate i on stream (seed, stream, i)),
 * into out[i]: a range gives the values a full run would. */
void sde_pld1d_sample_range(const sde_pld1d *m, double w0, long nsteps, uint64_t seed,
                            uint64_t stream, long i0, long i1, double *out);

/* n steps of a general 1-D iteration, in place. */
void sde1d_run(const sde1d *m, double *w, long n, rng_stream *r);
/* The first step t ≥ 1 with w_t ≥ barrier, started at w0; −1 if none
 * within maxsteps (censored). */
long sde1d_escape(const sde1d *m, double w0, double barrier, long maxsteps, rng_stream *r);
/* sde1d_escape for replicates [j0, j1) in parallel, replicate j on stream
 * (seed, stream, j), into steps[j]: a slice of sde1d_escape_many, for
 * sharded runs (shard.h). */
void sde1d_escape_range(const sde1d *m, double w0, double barrier, long maxsteps, uint64_t seed,
                        uint64_t stream, long j0, long j1, long *steps);
/* sde1d_escape for nrep replicates in parallel, into steps[0..nrep). */
void sde1d_escape_many(const sde1d *m, double w0, double barrier, long maxsteps, uint64_t seed,
                       uint64_t stream, long nrep, long *steps);

/* d-dimensional PLD with everything diagonal in one basis (Meng et al.,
 * Prop. 12 / Theorem 4): L = ½Σ h_i w_i², C(w) = diag(s_i)·(1 + Σ γ_i w_i²),
 *     w_i ← w_i − η h_i w_i + η √(s_i (1 + Σ_j γ_j w_j²)) ξ_i. */
typedef struct {
    int d;
    double eta;
    const double *h, *s, *gam;
} sde_plddiag;
/* q = Σ γ_i w_i² of the final state of each of nrep replicates started at 0. */
void sde_plddiag_sample_q(const sde_plddiag *m, long nsteps, uint64_t seed, uint64_t stream,
                          long nrep, double *q);
/* Replicates [i0, i1) of the same, into q[i]. */
void sde_plddiag_sample_q_range(const sde_plddiag *m, long nsteps, uint64_t seed, uint64_t stream,
                                long i0, long i1, double *q);

/* A grid for Nyström quadrature: nodes x[0..n) and trapezoid weights w,
 * x = c + s·sinh(u) with u uniform, so that heavy tails are covered with
 * few nodes while spacing near c is s·du. */
typedef struct {
    int n;
    double *x, *w;
} sde_grid;
SGDN_MUST_CHECK int sde_grid_sinh(sde_grid *g, int n, double lo, double hi, double c, double s);
void sde_grid_free(sde_grid *g);
/* Linear interpolation of f (values at the nodes) at x. */
double sde_grid_interp(const sde_grid *g, const double *f, double x);

/* Stationary density of the iteration (not of its SDE): the kernel
 * K(x, y) = N(y; x − η L'(x), η² C(x)) on the grid, rows normalised, and the
 * left eigenvector π = πP solved with LAPACK; p[j] = π_j / w_j.  The grid
 * must cover the mass.  Returns 0 or −1. */
SGDN_MUST_CHECK int sde1d_chain_stationary(const sde1d *m, const sde_grid *g, double *p);
/* Mean number of steps until w_t ≥ barrier, from every node (the grid ends
 * at the barrier): T = 1 + Q T, with Q the kernel restricted to the grid and
 * each row scaled to the exact survival probability Φ((b − mean)/sd).
 * Returns 0 or −1. */
SGDN_MUST_CHECK int sde1d_chain_exit_time(const sde1d *m, const sde_grid *g, double barrier, double *T);

/* Power-law κ family p(w) ∝ (1 + q)^{−m}, q = wᵀΓw in dimension d: the
 * expectation of log(1 + q) is ψ(m) − ψ(m − d/2) (finite for m > d/2), and
 * its variance ψ'(m − d/2) − ψ'(m) is the Fisher information of m. */
double sde_qgauss_mean_log(double m, double d);
double sde_qgauss_fisher(double m, double d);
/* Maximum-likelihood m from S = mean of log(1 + q_i) over N samples
 * (the likelihood equation E_m[log(1+q)] = S), with its standard error
 * 1/√(N·Fisher).  Returns 0, or −1 if S ≤ 0. */
SGDN_MUST_CHECK int sde_qgauss_mle(double S, long N, double d, double *m, double *se);

#endif
