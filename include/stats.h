/* stats.h — estimators with their uncertainties.
 *
 * Every number this project compares with a theory carries an error bar
 * computed here: the Monte Carlo standard error of a mean, a binomial
 * confidence interval for a success rate, a bootstrap percentile interval,
 * a least-squares slope with its standard error.  Tolerances of the claims
 * are multiples of these, with the multiple taken from a normal quantile
 * (stats_z_two_sided), never tuned.
 */
#ifndef SGDN_STATS_H
#define SGDN_STATS_H

#include <stddef.h>
#include "rng.h"
#include "err.h"

/* Running mean and variance (Welford), numerically stable in one pass. */
typedef struct {
    double n, mean, m2;
} stats_acc;

void stats_acc_init(stats_acc *a);
void stats_acc_add(stats_acc *a, double x);
/* Merge b into a (Chan et al.); merging in a fixed order keeps results
 * independent of the thread count. */
void stats_acc_merge(stats_acc *a, const stats_acc *b);
double stats_acc_var(const stats_acc *a); /* unbiased sample variance */
double stats_acc_se(const stats_acc *a);  /* standard error of the mean */

double stats_mean(const double *x, size_t n);
double stats_var(const double *x, size_t n);  /* unbiased */
double stats_se(const double *x, size_t n);   /* sqrt(var / n) */

/* z such that P(|N(0,1)| > z) = alpha. */
double stats_z_two_sided(double alpha);
/* z such that P(|N(0,1)| > z) = alpha / m: Bonferroni over m comparisons. */
double stats_z_bonferroni(double alpha, int m);

/* Wilson score interval for k successes in n trials at level 1 − alpha. */
void stats_binom_wilson(long k, long n, double alpha, double *lo, double *hi);
/* Clopper–Pearson (exact) interval, from beta quantiles. */
void stats_binom_exact(long k, long n, double alpha, double *lo, double *hi);

/* Percentile bootstrap interval of the mean of x[0..n): B resamples drawn
 * from r; level 1 − alpha. */
void stats_bootstrap_mean(const double *x, size_t n, int B, double alpha,
                          rng_stream *r, double *lo, double *hi);

/* Ordinary least squares y = a + b x, with the standard errors of a and b
 * and the coefficient of determination. */
typedef struct {
    double a, b, se_a, se_b, cov_ab, r2;
    size_t n;
} stats_fit;

/* Returns SGDN_OK, SGDN_EDOM (n < 3), SGDN_ESING (all x equal) or
 * SGDN_EDIVERGE (a non-finite coefficient); on failure every field of *f
 * is NaN.  The status must be checked. */
SGDN_MUST_CHECK int stats_fit_line(const double *x, const double *y, size_t n, stats_fit *f);
/* Weighted least squares with known standard deviations sy of y
 * (weights 1/sy^2): the standard errors follow from sy, not the residuals;
 * chi2 is the residual sum of squares in units of sy. */
SGDN_MUST_CHECK int stats_fit_line_weighted(const double *x, const double *y, const double *sy,
                            size_t n, stats_fit *f, double *chi2);

#endif
