/* qwell.h — the quartic double well of MORI-RATE under the SGD-noise SDE of
 * Mori et al. (Eq. 4 with the noise of Eq. 6) or under Langevin dynamics.
 *
 *     L(θ) = L* + ΔL (1 − θ²/a²)²,   a² = 8 ΔL / h*,
 *
 * minima ±a (L = L*, curvature h*), saddle 0 (L = L* + ΔL, |h_s| = h* /2).
 * The diffusion is dθ = −L'(θ) dt + b(θ) dW (Itô) with
 *     b² = 2 T L(θ),  T = η h* /B   (the SGD SDE; D = 0),
 *     b² = 2 D                      (Langevin; D > 0, T unused).
 * An escape starts at θ* = −a and ends at the other minimum +a; a
 * reflecting wall at −2a (where L − L* = 9ΔL) closes the left side.
 */
#ifndef SGDN_QWELL_H
#define SGDN_QWELL_H

#include <stdint.h>

#include "rng.h"

typedef struct {
    double Lstar, dL, a2, h; /* L*, ΔL, a², h* */
    double temp;             /* SGD SDE: η h* /B; Langevin: unused */
    double D;                /* Langevin: noise D; SGD SDE: 0 */
} qwell;

double qwell_loss(const qwell *w, double th);
double qwell_grad(const qwell *w, double th);

/* The drift −L'(θ) and the noise variance b²(θ), in the signature of
 * diffusion1d.h (params: a const qwell *). */
double qwell_drift(double th, void *w);
double qwell_noise_var(double th, void *w);

/* One Euler–Maruyama escape from −a to +a with step dt, reflecting at −2a;
 * returns the passage time, or −1 if it exceeds tmax. */
double qwell_escape_em(const qwell *w, double dt, double tmax, rng_stream *r);

/* Escapes i ∈ [i0, i1) in parallel (OpenMP), escape i on the stream
 * (seed, stream, i), into times[i] (−1 beyond tmax).  Returns the number of
 * escapes that exceeded tmax. */
long qwell_escapes(const qwell *w, double dt, double tmax, uint64_t seed, uint64_t stream, long i0, long i1,
                   double *times);

/* The exact mean passage time from −a to +a (diffusion1d_mfpt on grid
 * intervals) and its quadrature error.  Returns 0, or -1 on failure. */
int qwell_mfpt(const qwell *w, int grid, double *T, double *err);

#endif
