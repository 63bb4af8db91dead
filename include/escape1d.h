/* escape1d.h — mean escape times through a barrier of the pwell family
 * (pwell.h) for the noisy iterations of Meng et al., with the predictions
 * they are checked against: one "height" of an escape-time experiment.
 *
 * The iteration is w ← w − ηL'(w) + η√C(w) ξ (sde.h) with
 *   ESC_PLD  C = λ2²(1 + λ1(w − w*)²)            (the paper's experiment),
 *   ESC_GLD  C = σ²,
 *   ESC_SGD  C = Var_i ℓ'(w − x_i)                (SGD's batch-1 variance),
 *   ESC_THM  C = λ2² + 2(L(w) − L(w*))/(ηκ)       (Lemma 6 / Theorem 7's
 *            noise on the whole path; equal to ESC_PLD inside the well).
 * For each barrier: Monte Carlo escape steps (first w ≥ s from w*), the
 * exact mean exit time of the iteration (Nyström, sde.h, with the
 * difference between n and n/2 nodes as its error), the Itô SDE's mean
 * first-passage time and, for PLD, the paper's Fokker–Planck form's (the
 * Itô SDE with the extra drift ½ηC'), by quadrature (diffusion1d.h), and
 * Lemma 6 / Kramers; all in steps.  Growth exponents: least-squares slopes
 * of log τ against log X, X = 1 + 2ΔL/(κησg), or against ΔL.
 */
#ifndef SGDN_ESCAPE1D_H
#define SGDN_ESCAPE1D_H

#include <stdint.h>
#include <stdio.h>

#include "pwell.h"
#include "stats.h"

typedef enum { ESC_PLD, ESC_GLD, ESC_SGD, ESC_THM } esc_kind;

typedef struct {
    pwell w;
    esc_kind kind;
    int paper_fp; /* internal: drift of the paper's FP form */
    double l1, l2, sigma, eta, kap, wstar, Lstar;
} esc_model;

/* sde1d / diffusion1d callbacks: L'(w), C(w) (params: an esc_model) */
double esc_grad(double w, void *model);
double esc_var(double w, void *model);

typedef struct {
    double mean, se; /* over the runs that escaped; NaN if none (se: if < 2) */
    long escaped, n;
} esc_stat;
/* steps[i] > 0: escape step, −1: censored */
esc_stat esc_summarise(const long *steps, long n);

typedef struct {
    double dL0, dL, X, ws, s;
    esc_stat e;
    double chain, cerr, ito, paper_fp, lemma;
} esc_height;

/* Exact mean exit time of the iteration from w0 through s (Nyström on
 * sinh grids of n and n/2 nodes centred at w0, reflecting 20 units below);
 * returns 0 or SGDN_ELAPACK. */
int esc_nystrom(esc_model *M, double w0, double s, int n, double *T, double *err);

/* One barrier height: sets the barrier, finds w* and s, runs reps escapes
 * (OpenMP over replicates, replicate j on rng stream (seed, stream, j), at
 * most maxsteps steps each; steps[0..reps) is workspace) and computes the
 * predictions.  Returns 0, SGDN_EDOM (no barrier), SGDN_ENOCONV (some run
 * censored: h->e says how many), SGDN_ELAPACK (Nyström) or SGDN_EDIVERGE (a
 * quadrature failed). */
int esc_height_run(esc_model *M, double dL0, long reps, long maxsteps, int ngrid, uint64_t seed,
                   uint64_t stream, long *steps, esc_height *h);

/* esc_height_run in three steps, for runs whose Monte Carlo is split over
 * processes (shard.h): esc_height_setup sets the barrier and h's geometry
 * (SGDN_EDOM: no barrier); esc_height_mc runs replicates [j0, j1) into
 * steps[j0..j1); esc_height_finish summarises steps[0..reps) and computes
 * the predictions (status as esc_height_run).  The model must be set up
 * for h (esc_height_setup) before each of the other two. */
int esc_height_setup(esc_model *M, double dL0, esc_height *h);
void esc_height_mc(esc_model *M, const esc_height *h, long maxsteps, uint64_t seed, uint64_t stream,
                   long j0, long j1, long *steps);
int esc_height_finish(esc_model *M, const long *steps, long reps, int ngrid, esc_height *h);

/* Rows: name dL0 dL mean se escaped runs chain chain_err ito paper_fp lemma6 X eta,
 * then two blank lines (a gnuplot index). */
void esc_heights_write(FILE *f, const char *name, const esc_height *h, int n, double eta);

typedef struct {
    stats_fit mc, chain, ito; /* Monte Carlo weighted by its SE; Nyström; Itô */
} esc_slopes;
/* Slopes of log τ over the heights [i0, n) against log X (use_dL = 0) or ΔL.
 * Returns 0, or SGDN_EDOM if a fit fails (fewer than 3 heights). */
int esc_fit_slopes(const esc_height *h, int i0, int n, int use_dL, esc_slopes *s);

#endif
