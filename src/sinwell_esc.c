/* sinwell_esc.c — predictions for SGD's escape from a sinwell well
 * (sinwell_esc.h). */
#include "sinwell_esc.h"

#include <math.h>

#include "diffusion1d.h"
#include "err.h"

int sinwell_esc_well(const sinwell *w, double C, double eta, int B, int grid, sinwell_esc *o)
{
    double R = w->R;
    long N = w->N;
    o->C = C, o->h = sinwell_hess(w, 0), o->hs = sinwell_hess(w, M_PI * R);
    o->Lstar = sinwell_loss(w, 0), o->dL = sinwell_loss(w, M_PI * R) - o->Lstar;
    if (!(o->h > 0) || !(o->hs < 0))
        return SGDN_EDOM;
    double cB = (double)(N - B) / ((double)B * (N - 1)), top = 2 * M_PI * R, eps = 1e-9 * top;
    sinwell_sde ex = {w, eta, cB, o->h, 0};
    diffusion1d dx = {sinwell_sde_drift, sinwell_sde_var, &ex};
    if (diffusion1d_mfpt(&dx, 0, eps, top, grid, &o->exact, &o->qerr))
        return SGDN_EDIVERGE;
    return SGDN_OK;
}

int sinwell_esc_predict(const sinwell *w, double eta, int B, int grid, int M, sinwell_esc *o)
{
    double top = 2 * M_PI * w->R, eps = 1e-9 * top, e2;
    sinwell_sde pa = {w, eta, 1.0 / B, o->h, 1};
    diffusion1d dp = {sinwell_sde_drift, sinwell_sde_var, &pa};
    if (diffusion1d_mfpt(&dp, 0, eps, top, grid, &o->paper_sde, &e2))
        return SGDN_EDIVERGE;
    int st = sinwell_chain_mfpt(w, eta, M, &o->chain, &o->cerr);
    if (st)
        return st;
    /* Eq. 15 per saddle; two saddles lead out of the well */
    o->eq15 = 2 * sqrt(o->h * -o->hs) / (2 * M_PI) * pow(o->C, -(B / (eta * o->h) + 0.5));
    return SGDN_OK;
}
