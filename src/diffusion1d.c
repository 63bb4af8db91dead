/* diffusion1d.c — see diffusion1d.h. */
#include "diffusion1d.h"

#include <math.h>
#include <stdlib.h>

/* T = ∫_{x0}^{r} K(y) dy with K(y) = ∫_l^y 2e^{Φ(z)−Φ(y)}/b²(z) dz, on a grid
 * with n1 intervals on [l, x0] and n2 on [x0, r].  K obeys, node to node,
 *     K_{i+1} = e^{Φ_i−Φ_{i+1}} K_i + (h/2)(2e^{Φ_i−Φ_{i+1}}/b²_i + 2/b²_{i+1}),
 * with Φ_{i+1} − Φ_i = (h/2)(f_i + f_{i+1}), f = 2a/b². */
static double mfpt_grid(const diffusion1d *d, double l, double x0, double r, int n1, int n2)
{
    double K = 0.0, T = 0.0, x = l;
    double fprev = 2 * d->drift(x, d->params) / d->var(x, d->params);
    double mprev = 2 / d->var(x, d->params);
    for (int i = 0; i < n1 + n2; i++) {
        double h = i < n1 ? (x0 - l) / n1 : (r - x0) / n2;
        double xn = i < n1 ? l + (i + 1) * h : x0 + (i + 1 - n1) * h;
        double v = d->var(xn, d->params);
        double f = 2 * d->drift(xn, d->params) / v, m = 2 / v;
        double e = exp(-0.5 * h * (fprev + f)); /* e^{Φ_i − Φ_{i+1}} */
        double Knext = e * K + 0.5 * h * (e * mprev + m);
        if (i >= n1)
            T += 0.5 * h * (K + Knext);
        K = Knext, fprev = f, mprev = m, x = xn;
    }
    return T;
}

int diffusion1d_mfpt(const diffusion1d *d, double l, double x0, double r, int n,
                     double *T, double *err)
{
    if (!(l < x0 && x0 < r) || n < 16)
        return -1;
    int n1 = (int)fmax(4, round(n * (x0 - l) / (r - l))), n2 = (int)fmax(4, n - n1);
    double coarse = mfpt_grid(d, l, x0, r, n1, n2);
    double fine = mfpt_grid(d, l, x0, r, 2 * n1, 2 * n2);
    /* Richardson: the trapezoid error is O(h²), so fine + (fine − coarse)/3
     * is O(h⁴) and |fine − coarse|/3 estimates the error of fine. */
    *T = fine + (fine - coarse) / 3;
    *err = fabs(fine - coarse) / 3;
    return isfinite(*T) ? 0 : -1;
}

int diffusion1d_stationary(const diffusion1d *d, double l, double r, int n, double *x, double *p)
{
    if (!(l < r) || n < 2)
        return -1;
    double h = (r - l) / n, phi = 0.0, fprev = 0.0, pmax = -INFINITY;
    /* log p up to a constant, then normalise without overflow */
    for (int i = 0; i <= n; i++) {
        x[i] = l + i * h;
        double v = d->var(x[i], d->params), f = 2 * d->drift(x[i], d->params) / v;
        if (i)
            phi += 0.5 * h * (fprev + f);
        fprev = f;
        p[i] = phi - log(v);
        pmax = fmax(pmax, p[i]);
    }
    double Z = 0.0;
    for (int i = 0; i <= n; i++) {
        p[i] = exp(p[i] - pmax);
        Z += (i == 0 || i == n ? 0.5 : 1.0) * h * p[i];
    }
    for (int i = 0; i <= n; i++)
        p[i] /= Z;
    return isfinite(Z) && Z > 0 ? 0 : -1;
}
