/* tailfit.h — heavy-tailed fits of a sample: the power-law κ distribution
 * (Student t with location and scale) against a Gaussian, by maximum
 * likelihood, with a profile-likelihood interval on the tail index and a
 * test of the Gaussian.
 *
 * MENG's power-law κ distribution (Corollary 3) is
 *     p(w) ∝ (1 + (σ_H/σ_g)(w − w*)²)^(−κ),
 * the Student t with ν degrees of freedom, location μ = w* and scale s is
 *     p(x) ∝ (1 + ((x − μ)/s)²/ν)^(−(ν+1)/2),
 * so the two are one family with
 *     κ = (ν + 1)/2,   ν = 2κ − 1,   σ_H/σ_g = 1/(ν s²)
 * (Tsallis' q-Gaussian with q > 1 is the same family, κ = 1/(q − 1)).
 * ν → ∞ is the Gaussian, so the Gaussian is the boundary of the t family
 * and the likelihood ratio 2(ℓ_t − ℓ_G) ≥ 0 has the null law
 * ½χ²₀ + ½χ²₁ (Self & Liang 1987).
 *
 * Estimation: for a fixed ν the MLE of (μ, s) is the fixed point of the EM
 * (iteratively reweighted) iteration w_i = (ν+1)/(ν + z_i²),
 * μ = Σ w_i x_i / Σ w_i, s² = Σ w_i (x_i − μ)²/n, which increases the
 * likelihood at every step; ν is then found by maximising the profile
 * log-likelihood ℓ_p(ν) = max_{μ,s} ℓ over log ν (grid, then golden
 * section).  The interval is {ν : 2(ℓ_p(ν̂) − ℓ_p(ν)) ≤ χ²₁(level)}; its
 * upper end is +∞ when the profile stays above the cut up to nu_max
 * (the data do not exclude a Gaussian).
 */
#ifndef SGDN_TAILFIT_H
#define SGDN_TAILFIT_H

#include <stddef.h>

/* The largest ν considered: beyond it the t is a Gaussian to within
 * O(1/ν) in the log-density of any sample of practical size. */
#define TAILFIT_NU_MAX 1e4
#define TAILFIT_NU_MIN 0.05

typedef struct {
    double mu, s, nu;  /* location, scale, degrees of freedom */
    double loglik;     /* total log-likelihood at the MLE */
    int at_max;        /* ν̂ = nu_max: the Gaussian limit */
} tailfit_t;

/* Σ_i log p_t(x_i; μ, s, ν). */
double tailfit_t_loglik(const double *x, size_t n, double mu, double s, double nu);
/* log p_t(x; μ, s, ν) of one point. */
double tailfit_t_logpdf(double x, double mu, double s, double nu);

/* The MLE of (μ, s) at fixed ν by EM, from the start (*mu, *s) (s > 0);
 * *loglik the maximised log-likelihood.  Returns SGDN_OK, SGDN_EDOM
 * (n < 2, ν ≤ 0, s ≤ 0) or SGDN_ENOCONV. */
int tailfit_t_fixed_nu(const double *x, size_t n, double nu, double *mu, double *s,
                       double *loglik);

/* The full MLE (μ, s, ν), ν in [max(TAILFIT_NU_MIN, 2/(n−1)), nu_max]
 * (below 1/(n−1) the likelihood is unbounded as s → 0).  Returns
 * SGDN_OK, SGDN_EDOM (n < 3, a constant sample) or SGDN_ENOCONV. */
int tailfit_t_mle(const double *x, size_t n, double nu_max, tailfit_t *fit);

/* The profile-likelihood interval of ν at the given level (0.95), around
 * the MLE fit: *lo ≥ the smallest ν fitted, *hi = INFINITY when the profile does
 * not fall below the cut by nu_max.  Returns SGDN_OK or a status. */
int tailfit_t_profile_interval(const double *x, size_t n, const tailfit_t *fit, double level,
                               double nu_max, double *lo, double *hi);

/* The Gaussian MLE: mean, σ (divisor n) and the log-likelihood. */
void tailfit_gauss_mle(const double *x, size_t n, double *mu, double *sigma, double *loglik);

/* p-value of the likelihood ratio lr = 2(ℓ_t − ℓ_G) under the Gaussian
 * (the boundary null ½χ²₀ + ½χ²₁). */
double tailfit_lr_pvalue(double lr);

/* Vuong's statistic z = √n · mean(d_i)/sd(d_i), d_i = log p_t(x_i) −
 * log p_G(x_i), at the two fits: z > 0 favours the t. */
double tailfit_vuong(const double *x, size_t n, const tailfit_t *t, double gmu, double gsigma);

/* The p-quantile of the fitted t (p in (0,1)). */
double tailfit_t_quantile(const tailfit_t *t, double p);

/* κ of the power-law κ distribution for ν degrees of freedom, and back. */
static inline double tailfit_kappa_of_nu(double nu) { return 0.5 * (nu + 1.0); }
static inline double tailfit_nu_of_kappa(double kappa) { return 2.0 * kappa - 1.0; }

#endif
