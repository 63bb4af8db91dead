/* nn_loss.c — the losses of one sample, their gradients in the output and
 * their Hessian products (see nn.h for the definitions).  For
 * cross-entropy ∇²_f ℓ u = p ⊙ u − p (pᵀu) with p = softmax(f). */
#include <math.h>

#include "nn_impl.h"

/* ℓ of one sample with output f, and its gradient s·∂ℓ/∂f into gf (if
 * non-NULL).  Returns ℓ; *ok = the prediction is right. */
double nn_loss_one(const nn_net *net, const double *f, int y, double s, double *gf, int *ok)
{
    int C = net->nout;
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
