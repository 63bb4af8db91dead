/* polyfit.h — least-squares quadratic y = c0 + c1 x + c2 x² with the
 * standard errors of its coefficients and of its vertex.
 *
 * MENG's Proposition 1 writes the gradient-noise variance near a minimum
 * as C(w) = σ_g + 2ρ(w − w*) + σ_H(w − w*)²: a quadratic fit of C along a
 * line gives σ_g = c0, ρ = c1/2, σ_H = c2 and the vertex −c1/(2c2).
 * Standard errors are those of ordinary least squares with the residual
 * variance RSS/(n − 3); the vertex's by the delta method.  Solved by QR
 * (LAPACKE dgels) on centred, scaled x, then transformed back.
 */
#ifndef SGDN_POLYFIT_H
#define SGDN_POLYFIT_H

#include <stddef.h>

typedef struct {
    double c[3];        /* c0, c1, c2 */
    double se[3];       /* their standard errors */
    double cov[3][3];   /* their covariance */
    double r2;          /* coefficient of determination */
    double r2_line;     /* R² of the best straight line, for comparison */
    double rss;         /* residual sum of squares */
    double vertex, vertex_se;  /* −c1/(2 c2) and its delta-method SE */
    size_t n;
} polyfit_quad;

/* Fit n ≥ 4 points (x not all equal).  Returns SGDN_OK, SGDN_EDOM or
 * SGDN_ELAPACK; on failure every field is NaN. */
int polyfit_quadratic(const double *x, const double *y, size_t n, polyfit_quad *f);

#endif
