/* kesten1d.h — tail index and Lyapunov exponent of the one-dimensional
 * random linear recursion u ← (1 − η m) u + noise of linear-regression SGD
 * (MORI-PHI), after Kesten (1973): where E log|1 − ηm| < 0 the recursion
 * has a stationary law, and its tail is |u|^{−1−α} with α > 0 the root of
 * E|1 − ηm|^α = 1 (which exists only if |1 − ηm| > 1 with positive
 * probability).
 *
 * Two laws of the multiplier m: a Gaussian population with minibatch B,
 * m = h χ²_B / B (expectations by GSL quadrature), and the data set itself
 * with B = 1, m = x_i² for a uniformly drawn sample i.
 */
#ifndef SGDN_KESTEN1D_H
#define SGDN_KESTEN1D_H

/* α > 0 with E|1 − ηm|^α = 1, m = h χ²_B / B (bisection to a relative
 * 1e-9); the caller turns GSL's error handler off. */
double kesten1d_chisq_index(double eta, double h, int B);

/* The Lyapunov exponent E log|1 − ηm|, m = h χ²_B / B, into *lam.  Returns
 * 0, or nonzero if the quadrature failed or the result is not finite. */
int kesten1d_chisq_lyapunov(double eta, double h, int B, double *lam);

/* The root α > 0 of (1/N) Σ_i |1 − η x_i²|^α = 1 (bisection to a relative
 * 1e-6), or +∞ when no factor exceeds 1 (then the tail is lighter than
 * every power law). */
double kesten1d_data_index(const double *x, long N, double eta);

#endif
