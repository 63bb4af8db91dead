/* escape1d.c — one height of an escape-time experiment; see escape1d.h. */
#include "escape1d.h"

#include <math.h>
#include <stdlib.h>

#include "diffusion1d.h"
#include "err.h"
#include "sde.h"

double esc_grad(double w, void *vp) { return pwell_grad(&((esc_model *)vp)->w, w); }

double esc_var(double w, void *vp)
{
    const esc_model *M = vp;
    double d = w - M->wstar;
    switch (M->kind) {
    case ESC_PLD:
        return M->l2 * M->l2 * (1 + M->l1 * d * d);
    case ESC_GLD:
        return M->sigma * M->sigma;
    case ESC_THM:
        return M->l2 * M->l2 + 2 * (pwell_loss(&M->w, w) - M->Lstar) / (M->eta * M->kap);
    case ESC_SGD:
        break;
    }
    double m = esc_grad(w, vp), v = 0;
    for (int i = 0; i < M->w.n; i++) {
        double g = pwell_ell_grad(&M->w, w - M->w.x[i]) - m;
        v += g * g;
    }
    return v / M->w.n;
}

/* diffusion1d: a = −L' (+ ½ηC' for the paper's FP form of the PLD), b² = ηC */
static double drift(double w, void *vp)
{
    const esc_model *M = vp;
    double a = -esc_grad(w, vp);
    if (M->paper_fp)
        a += M->eta * M->l2 * M->l2 * M->l1 * (w - M->wstar);
    return a;
}
static double b2(double w, void *vp) { return ((esc_model *)vp)->eta * esc_var(w, vp); }

esc_stat esc_summarise(const long *st, long n)
{
    stats_acc a;
    stats_acc_init(&a);
    long esc = 0;
    for (long i = 0; i < n; i++)
        if (st[i] > 0)
            stats_acc_add(&a, (double)st[i]), esc++;
    return (esc_stat){esc ? a.mean : NAN, esc > 1 ? stats_acc_se(&a) : NAN, esc, n};
}

int esc_nystrom(esc_model *M, double w0, double s, int n, double *Tout, double *err)
{
    sde1d m = {esc_grad, esc_var, M, M->eta};
    double Tc[2];
    *Tout = *err = NAN;
    for (int r = 0; r < 2; r++) {
        sde_grid g;
        int k = r ? n : n / 2;
        if (sde_grid_sinh(&g, k, w0 - 20, s, w0, 0.1))
            return SGDN_EDOM;
        double *T = SGDN_NEW(T, k);
        int rc = sde1d_chain_exit_time(&m, &g, s, T);
        if (!rc)
            Tc[r] = sde_grid_interp(&g, T, w0);
        free(T);
        sde_grid_free(&g);
        if (rc)
            return SGDN_ELAPACK;
    }
    *Tout = Tc[1], *err = fabs(Tc[1] - Tc[0]);
    return SGDN_OK;
}

int esc_height_setup(esc_model *M, double dL0, esc_height *h)
{
    *h = (esc_height){.dL0 = dL0, .chain = NAN, .ito = NAN, .paper_fp = NAN, .lemma = NAN};
    pwell_set_barrier(&M->w, dL0);
    M->wstar = 0;
    if (pwell_critical(&M->w, &h->ws, &h->s))
        return SGDN_EDOM;
    M->wstar = h->ws, M->Lstar = pwell_loss(&M->w, h->ws);
    h->dL = pwell_loss(&M->w, h->s) - M->Lstar;
    h->X = 1 + 2 * h->dL / (M->kap * M->eta * M->l2 * M->l2);
    return SGDN_OK;
}

void esc_height_mc(esc_model *M, const esc_height *h, long maxsteps, uint64_t seed, uint64_t stream,
                   long j0, long j1, long *steps)
{
    sde1d m = {esc_grad, esc_var, M, M->eta};
    /* >>> snippet meng-escape-mc */
    sde1d_escape_range(&m, h->ws, h->s, maxsteps, seed, stream, j0, j1, steps);
    /* <<< snippet */
}

int esc_height_finish(esc_model *M, const long *st, long reps, int ngrid, esc_height *h)
{
    h->e = esc_summarise(st, reps);
    if (h->e.escaped < reps)
        return SGDN_ENOCONV;
    int rc = esc_nystrom(M, h->ws, h->s, ngrid, &h->chain, &h->cerr);
    if (rc)
        return rc;
    diffusion1d d = {drift, b2, M};
    double err;
    M->paper_fp = 0;
    if (diffusion1d_mfpt(&d, h->ws - 20, h->ws, h->s, 20000, &h->ito, &err))
        return SGDN_EDIVERGE;
    h->ito /= M->eta;
    if (M->kind == ESC_PLD) {
        M->paper_fp = 1;
        rc = diffusion1d_mfpt(&d, h->ws - 20, h->ws, h->s, 20000, &h->paper_fp, &err);
        M->paper_fp = 0;
        if (rc)
            return SGDN_EDIVERGE;
        h->paper_fp /= M->eta;
    }
    /* Lemma 6 (reading: 2π/((1 − 1/(2κ))√(Ha|Hb|)) X^{κ−½}); Kramers for GLD */
    double Ha = M->w.Ha, Hb = M->w.Hb;
    if (M->kind == ESC_GLD)
        h->lemma = 2 * M_PI / sqrt(Ha * Hb) * exp(2 * h->dL / (M->eta * esc_var(h->ws, M))) / M->eta;
    else
        h->lemma = 2 * M_PI / ((1 - 1 / (2 * M->kap)) * sqrt(Ha * Hb)) * pow(h->X, M->kap - 0.5) / M->eta;
    return SGDN_OK;
}

int esc_height_run(esc_model *M, double dL0, long reps, long maxsteps, int ngrid, uint64_t seed,
                   uint64_t stream, long *st, esc_height *h)
{
    int rc = esc_height_setup(M, dL0, h);
    if (rc)
        return rc;
    esc_height_mc(M, h, maxsteps, seed, stream, 0, reps, st);
    return esc_height_finish(M, st, reps, ngrid, h);
}

void esc_heights_write(FILE *f, const char *name, const esc_height *h, int n, double eta)
{
    for (int i = 0; i < n; i++)
        fprintf(f, "%s\t%g\t%.5g\t%.6g\t%.4g\t%ld\t%ld\t%.6g\t%.2g\t%.6g\t%.6g\t%.6g\t%.5g\t%g\n", name, h[i].dL0,
                h[i].dL, h[i].e.mean, h[i].e.se, h[i].e.escaped, h[i].e.n, h[i].chain, h[i].cerr, h[i].ito,
                h[i].paper_fp, h[i].lemma, h[i].X, eta);
    fprintf(f, "\n\n");
}

int esc_fit_slopes(const esc_height *h, int i0, int n, int use_dL, esc_slopes *s)
{
    if (i0 < 0 || n - i0 < 3)
        return SGDN_EDOM;
    int k = n - i0;
    double *x = SGDN_NEW(x, 5 * k), *y = x + k, *sy = x + 2 * k, *yc = x + 3 * k, *yi = x + 4 * k, chi2;
    for (int j = 0; j < k; j++) {
        const esc_height *e = &h[i0 + j];
        x[j] = use_dL ? e->dL : log(e->X);
        y[j] = log(e->e.mean), sy[j] = e->e.se / e->e.mean;
        yc[j] = log(e->chain), yi[j] = log(e->ito);
    }
    int rc = stats_fit_line_weighted(x, y, sy, k, &s->mc, &chi2) || stats_fit_line(x, yc, k, &s->chain) ||
             stats_fit_line(x, yi, k, &s->ito);
    free(x);
    return rc ? SGDN_EDOM : SGDN_OK;
}
