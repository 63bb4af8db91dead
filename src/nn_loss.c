/* nn_loss.c — the losses of one sample, their gradients in the output and
 * their Hessian products (see nn.h for the definitions).  For
 * cross-entropy ∇²_f ℓ u = p ⊙ u − p (pᵀu) with p = softmax(f). */
#include <math.h>

#include "err.h"
#include "nn_impl.h"

/* The logistic loss of one output f, label y ∈ {0, 1}: ℓ and (if non-NULL)
 * ∂ℓ/∂f, ∂²ℓ/∂f².  ℓ = log(1 + e^{−y'f}), y' = 2y − 1.  From e = e^{−|f|}
 * ∈ (0, 1], so that nothing overflows: log(1 + e^{±f}) = max(±f, 0) +
 * log1p(e), and σ(|f|) = 1/(1 + e), σ(−|f|) = e/(1 + e); none of ℓ, ∂ℓ/∂f
 * (σ(f) for y = 0, −σ(−f) for y = 1) and ∂²ℓ/∂f² cancels. */
static double logistic(double f, int y, double *d1, double *d2)
{
    double e = exp(-fabs(f)), big = 1.0 / (1.0 + e), small = e / (1.0 + e);
    double sp = f > 0 ? big : small, sm = f > 0 ? small : big; /* σ(f), σ(−f) */
    if (d1)
        *d1 = y ? -sm : sp;
    if (d2)
        *d2 = sp * sm;
    double t = y ? -f : f;
    return (t > 0 ? t : 0.0) + log1p(e);
}

/* ℓ of one sample with output f, and its gradient s·∂ℓ/∂f into gf (if
 * non-NULL).  Returns ℓ; *ok = the prediction is right. */
double nn_loss_one(const nn_net *net, const double *f, int y, double s, double *gf, int *ok)
{
    int C = net->nout;
    if (net->loss == NN_LOSS_LOGISTIC) {
        double d1, l = logistic(f[0], y, &d1, NULL);
        if (gf)
            gf[0] = s * d1;
        *ok = (f[0] > 0) == (y == 1);
        return l;
    }
    if (net->loss == NN_LOSS_MSE) {
        double l = 0.0;
        for (int k = 0; k < C; k++) {
            double t = C == 1 ? y : (k == y);
            l += 0.5 * (f[k] - t) * (f[k] - t);
            if (gf)
                gf[k] = s * (f[k] - t);
        }
        if (C == 1)
            *ok = (f[0] > 0.5) == (y == 1);
        else {
            int am = 0;
            for (int k = 1; k < C; k++)
                if (f[k] > f[am])
                    am = k;
            *ok = am == y;
        }
        return l;
    }
    int am = 0;
    for (int k = 1; k < C; k++)
        if (f[k] > f[am])
            am = k;
    *ok = am == y;
    double m = f[am], z = 0.0, eps = net->smoothing, tf = 0.0;
    for (int k = 0; k < C; k++) {
        z += exp(f[k] - m);
        tf += ((1 - eps) * (k == y) + eps / C) * f[k];
    }
    if (gf)
        for (int k = 0; k < C; k++)
            gf[k] = s * (exp(f[k] - m) / z - ((1 - eps) * (k == y) + eps / C));
    return m + log(z) - tf;
}

/* hu = s·∇²_f ℓ · u for one sample. */
void nn_loss_hess(const nn_net *net, const double *f, double s, const double *u, double *hu)
{
    int C = net->nout;
    if (net->loss == NN_LOSS_LOGISTIC) {
        double d2;
        logistic(f[0], 0, NULL, &d2);
        hu[0] = s * d2 * u[0];
        return;
    }
    if (net->loss == NN_LOSS_MSE) {
        for (int k = 0; k < C; k++)
            hu[k] = s * u[k];
        return;
    }
    double m = f[0], z = 0.0, pu = 0.0, p[64];
    for (int k = 1; k < C; k++)
        m = f[k] > m ? f[k] : m;
    for (int k = 0; k < C; k++)
        z += (p[k] = exp(f[k] - m));
    for (int k = 0; k < C; k++)
        pu += (p[k] /= z) * u[k];
    for (int k = 0; k < C; k++)
        hu[k] = s * (p[k] * u[k] - p[k] * pu);
}

double nn_loss_scalar(const nn_net *net, double f, int y, double *d1, double *d2)
{
    SGDN_REQUIRE(net->nout == 1);
    int ok;
    double g, one = 1.0, h;
    double l = nn_loss_one(net, &f, y, 1.0, &g, &ok);
    nn_loss_hess(net, &f, 1.0, &one, &h);
    if (d1)
        *d1 = g;
    if (d2)
        *d2 = h;
    return l;
}
