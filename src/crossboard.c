/* crossboard.c — see crossboard.h. */
#include <math.h>
#include <string.h>

#include "cross.h"
#include "crossboard.h"

const char *const crossboard_names[CROSSBOARD_NTH] = {"Kramers", "Mori Eq. 15", "Mori SDE", "Meng L6",
                                                      "Meng L6 Ito", "SDE true noise", "discrete chain",
                                                      "Gaussian chain"};

/* Quantities at the minimum and the saddle, and every prediction. */
static int predict(crossboard *e, int M, int grid, const char **what)
{
    const crossboard_setting *s = &e->s;
    sinwell *w = &e->w;
    double R = s->R;
    e->cB = cross_batch_factor(w->N, s->B);
    e->h = sinwell_hess(w, 0), e->hs = -sinwell_hess(w, M_PI * R);
    e->Lstar = sinwell_loss(w, 0), e->Ls = sinwell_loss(w, M_PI * R), e->dL = e->Ls - e->Lstar;
    cross_sinwell_noise(w, s->B, &e->sg, &e->sH);
    e->kappa = e->h / (s->eta * e->sH); /* Meng's κ from the measured noise curvature */
    double eta = s->eta, two = 2 * eta; /* two exits; t → steps */
    for (int j = 0; j < CROSSBOARD_NTH; j++)
        e->terr[j] = 0;
    *what = "quadrature of the escape SDE";
    /* >>> snippet cross-predict */
    e->tau[0] = cross_kramers_time(e->h, e->hs, e->dL, eta, e->sg) / two;
    e->tau[1] = cross_mori_eq15_time(e->h, e->hs, e->Ls / e->Lstar, 1 / e->cB, eta) / two;
    int quad = cross_sinwell_sde_steps(w, s->B, eta, 1, grid, &e->tau[2], &e->terr[2]); /* Mori's noise */
    e->tau[3] = cross_meng_time(e->h, e->hs, e->dL, eta, e->sg, e->sH, 0) / two;
    e->tau[4] = cross_meng_time(e->h, e->hs, e->dL, eta, e->sg, e->sH, 1) / two;
    quad |= cross_sinwell_sde_steps(w, s->B, eta, 0, grid, &e->tau[5], &e->terr[5]); /* SGD's true noise */
    /* <<< snippet */
    if (quad)
        return SGDN_ENOCONV;
    e->tau[6] = NAN;
    if (s->B == 1) {
        double T0, err;
        *what = "discrete-chain solve";
        int st = sinwell_chain_mfpt(w, eta, M, &T0, &err);
        if (st)
            return st;
        e->tau[6] = T0 / eta, e->terr[6] = err / eta;
    }
    /* Zhu: Eq. 13 with the SDE's diffusion ηC(θ*), t = η k_s, and the
     * discrete linear chain with C = σ_g + σ_H θ² (v' = (1−ηh)²v + η²C). */
    double t = eta * e->ks, v = 0;
    e->dLs_eq13 = 0.25 * eta * e->sg * (1 - exp(-2 * e->h * t));
    for (long j = 0; j < e->ks; j++)
        v = (1 - eta * e->h) * (1 - eta * e->h) * v + eta * eta * (e->sg + e->sH * v);
    e->dLs_lin = 0.5 * e->h * v;
    e->dLs_k1 = cross_sinwell_first_step(w, eta); /* exact for B = 1 */
    return 0;
}

int crossboard_init(crossboard *e, const crossboard_setting *s, long N, uint64_t seed, uint64_t stream, int M,
                    int grid, const char **what)
{
    memset(e, 0, sizeof *e);
    e->s = *s;
    *what = "sinwell_init";
    int st = sinwell_init(&e->w, N, s->R, s->C, seed, stream);
    if (st)
        return st;
    e->ks = (long)ceil(0.5 / (s->eta * sinwell_hess(&e->w, 0))); /* t = 1/2h */
    st = predict(e, M, grid, what);
    if (st)
        sinwell_free(&e->w);
    return st;
}

void crossboard_free(crossboard *e) { sinwell_free(&e->w); }

double crossboard_identity_gap(const crossboard *e)
{
    double B = 1 / e->cB, sg = 2 * e->Lstar * e->h / B, sH = e->h * e->h / B;
    double tm = cross_meng_time(e->h, e->hs, e->dL, e->s.eta, sg, sH, 1);
    double t15 = cross_mori_eq15_time(e->h, e->hs, e->Ls / e->Lstar, B, e->s.eta);
    return fabs(log(tm / t15));
}

double crossboard_short(const crossboard *e, long k, rng_stream *r)
{
    double th = 0;
    for (long i = 0; i < k; i++)
        th = sinwell_sgd_step(&e->w, th, e->s.eta, e->s.B, r);
    return sinwell_loss(&e->w, th) - e->Lstar;
}
