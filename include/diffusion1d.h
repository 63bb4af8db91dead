/* diffusion1d.h — exact quantities of a one-dimensional Itô diffusion
 *
 *     dX = a(X) dt + b(X) dW
 *
 * by quadrature of the classical formulas (Gardiner, ch. 5; Karlin & Taylor,
 * ch. 15).  With Φ(x) = ∫ 2a/b² (so that the scale density is s = e^{−Φ}
 * and the speed density m = 2e^{Φ}/b²):
 *
 *   mean first-passage time from x0 to r with a reflecting wall at l:
 *       T(x0) = ∫_{x0}^{r} dy ∫_{l}^{y} dz  2 e^{Φ(z) − Φ(y)} / b²(z);
 *   stationary density with zero flux (reflecting walls at l and r):
 *       p(x) ∝ e^{Φ(x)} / b²(x).
 *
 * Both are evaluated on a grid with the trapezoid rule, where only
 * differences Φ(z) − Φ(y) between neighbouring nodes are exponentiated, so
 * a high barrier does not overflow until T itself does.  The error estimate
 * is the Richardson difference between the grid and one twice as fine.
 * The stationary density is that of the Itô SDE; a model written with a
 * different Fokker–Planck equation needs its own a(x) (e.g. adding the
 * spurious drift).
 */
#ifndef SGDN_DIFFUSION1D_H
#define SGDN_DIFFUSION1D_H

typedef struct {
    double (*drift)(double x, void *params); /* a(x) */
    double (*var)(double x, void *params);   /* b(x)², > 0 on [l, r] */
    void *params;
} diffusion1d;

/* Mean first-passage time from x0 to r (reflecting at l < x0 < r), with n
 * grid intervals (≥ 16) and an estimate of its quadrature error.  Returns 0,
 * or -1 on bad arguments or a non-finite result. */
int diffusion1d_mfpt(const diffusion1d *d, double l, double x0, double r, int n,
                     double *T, double *err);

/* The normalised stationary density at the n + 1 nodes x[i] = l + i(r−l)/n. */
int diffusion1d_stationary(const diffusion1d *d, double l, double r, int n, double *x, double *p);

#endif
