/* tail.h — the index of a heavy tail, estimated beyond a fixed threshold.
 *
 * A law with P(X > x) ~ C x^{−α} has, above a threshold t, Hill's estimator
 *     α̂ = n_t / Σ_{X_i > t} log(X_i / t)      (n_t values above t),
 * the maximum-likelihood index of a Pareto law fitted to the excesses.  For
 * a law that is not an exact power law above t, α̂ converges to the local
 * index 1 / E[log(X/t) | X > t] (tail_hill_law), which is what a measured
 * α̂ must be compared with at the same t.  Values come in g independent
 * groups (replicate runs); the standard error is the delete-one-group
 * jackknife's, so that correlation inside a group is accounted for.
 */
#ifndef SGDN_TAIL_H
#define SGDN_TAIL_H

#include <stddef.h>
#include "err.h"

/* The threshold above which lie the fraction q of the n values of x
 * (positive): the value of rank ceil(q n) from the top.  Returns SGDN_OK or
 * SGDN_EDOM (q not in (0, 1), fewer than 2 values above). */
SGDN_MUST_CHECK int tail_threshold(const double *x, size_t n, double q, double *t);

/* Hill's index of the values of x above t, x in g groups of m values
 * (x[j*m .. j*m+m) is group j), with its jackknife standard error over the
 * groups and the number of exceedances.  Returns SGDN_OK, or SGDN_EDOM
 * (g < 2, or a group left out leaves no exceedance). */
SGDN_MUST_CHECK int tail_hill_groups(const double *x, size_t g, size_t m, double t,
                                     double *alpha, double *se, long *nexc);

/* The local index 1 / E[log(X/t) | X > t] of a law given on a grid: values
 * a[i] ≥ 0 with probability weights p[i] (i < n).  Returns SGDN_OK or
 * SGDN_EDOM (no weight above t). */
SGDN_MUST_CHECK int tail_hill_law(const double *a, const double *p, size_t n, double t,
                                  double *alpha);

#endif
