/* cross.c — see include/cross.h. */
#include <math.h>
#include <stdlib.h>

#include "cross.h"
#include "diffusion1d.h"

double cross_kramers_time(double h, double hs, double dL, double eta, double Cstar)
{
    return 2 * M_PI / sqrt(h * hs) * exp(2 * dL / (eta * Cstar));
}

double cross_mori_eq15_time(double h, double hs, double ratio, double B, double eta)
{
    return 2 * M_PI / sqrt(h * hs) * pow(ratio, B / (eta * h) + 0.5);
}

double cross_meng_time(double h, double hs, double dL, double eta, double sg, double sH, int ito)
{
    if (!(sH > 0) || !(sg > 0))
        return NAN; /* the model needs a noise growing from a positive floor */
    double kappa = h / (eta * sH), q = 1 + 2 * dL / (kappa * eta * sg);
    if (ito)
        return 2 * M_PI / sqrt(h * hs) * pow(q, kappa + 0.5);
    if (!(kappa > 0.5))
        return NAN;
    return 2 * M_PI / ((1 - 1 / (2 * kappa)) * sqrt(h * hs)) * pow(q, kappa - 0.5);
}

double cross_batch_factor(long N, long B) { return (double)(N - B) / ((double)B * (N - 1)); }

int cross_valley_init(cross_valley *v, long N, double beta, double sigma, uint64_t seed, uint64_t stream)
{
    if (N < 4 || N % 2 || !(sigma > 0) || !isfinite(beta))
        return SGDN_EDOM;
    v->N = N, v->beta = beta, v->sigma = sigma;
    v->x = SGDN_NEW(v->x, N), v->y = SGDN_NEW(v->y, N);
    rng_stream r;
    rng_init(&r, seed, stream);
    for (long i = 0; i < N; i += 2) { /* (±x, z): odd moments in x vanish */
        double a = rng_normal(&r), z = rng_normal(&r);
        v->x[i] = a, v->x[i + 1] = -a, v->y[i] = v->y[i + 1] = sigma * z;
    }
    double m2 = 0, m4 = 0, yy = 0, xy = 0;
    for (long i = 0; i < N; i++) {
        double x2 = v->x[i] * v->x[i];
        m2 += x2, m4 += x2 * x2, yy += v->y[i] * v->y[i], xy += x2 * v->y[i] * v->y[i];
    }
    v->h0 = m2 / N, v->vx2 = m4 / N - v->h0 * v->h0, v->Lstar = 0.5 * yy / N, v->mx2y2 = xy / N;
    return 0;
}

void cross_valley_free(cross_valley *v)
{
    free(v->x), free(v->y);
    v->x = v->y = NULL;
}

double cross_valley_loss(const cross_valley *v, const double th[2])
{
    double a = exp(0.5 * v->beta * th[1]), s = 0;
    for (long i = 0; i < v->N; i++) {
        double r = v->x[i] * a * th[0] - v->y[i];
        s += r * r;
    }
    return 0.5 * s / v->N;
}

void cross_valley_sgd_step(const cross_valley *v, double th[2], double eta, int B, rng_stream *r)
{
    /* >>> snippet cross-valley-sgd */
    double a = exp(0.5 * v->beta * th[1]), g1 = 0, g2 = 0;
    size_t pick[64];
    rng_distinct(r, (uint64_t)v->N, (size_t)B, pick); /* a B-subset, without replacement */
    for (int b = 0; b < B; b++) {
        size_t k = pick[b];
        double res = v->x[k] * a * th[0] - v->y[k]; /* f_μ − y_μ */
        g1 += res * v->x[k] * a;                     /* ∂f/∂θ1 = x a */
        g2 += res * v->x[k] * a * th[0] * 0.5 * v->beta; /* ∂f/∂θ2 = x a' θ1 */
    }
    th[0] -= eta * g1 / B, th[1] -= eta * g2 / B;
    /* <<< snippet */
}

double cross_valley_c(const cross_valley *v, int B)
{
    return cross_batch_factor(v->N, B) * v->mx2y2 / v->h0;
}

double cross_valley_theta1_var(const cross_valley *v, double lambda, double eta, int B, int wei)
{
    double cB = cross_batch_factor(v->N, B);
    if (wei)
        return 0.5 * eta * cross_valley_c(v, B);
    double a2 = lambda / v->h0;
    double den = 2 * eta * lambda - eta * eta * a2 * a2 * (v->h0 * v->h0 + cB * v->vx2);
    if (!(den > 0))
        return NAN;
    return eta * eta * a2 * cB * v->mx2y2 / den;
}

double cross_valley_trace_change(const cross_valley *v, double lambda0, double eta, int B, long K, int wei)
{
    double lam = lambda0;
    for (long k = 0; k < K; k++) {
        double s = cross_valley_theta1_var(v, lam, eta, B, wei);
        if (!isfinite(s))
            return NAN;
        /* θ₂ ← θ₂ − (η/2) β λ s, so λ ← λ e^{−(η/2) β² λ s} */
        lam *= exp(-0.5 * eta * v->beta * v->beta * lam * s);
    }
    return lam - lambda0;
}

void cross_sinwell_noise(const sinwell *w, int B, double *sg, double *sH)
{
    double d = 1e-3 * w->R, cB = cross_batch_factor(w->N, B), v0 = sinwell_grad_var(w, 0);
    /* >>> snippet cross-noise-coef */
    *sg = cB * v0; /* C(θ*) */
    *sH = cB * (sinwell_grad_var(w, d) + sinwell_grad_var(w, -d) - 2 * v0) / (2 * d * d); /* ½C''(θ*) */
    /* <<< snippet */
}

typedef struct {
    const sinwell *w;
    double eta, cB, h;
    int mori;
} sde_par;

static double sde_drift(double th, void *p) { return -sinwell_grad(((sde_par *)p)->w, th); }
static double sde_var(double th, void *p)
{
    sde_par *q = p;
    if (q->mori) /* Mori's noise model: 2 L h* / B, with c_B for 1/B */
        return 2 * q->eta * q->h * sinwell_loss(q->w, th) * q->cB;
    return q->eta * q->cB * sinwell_grad_var(q->w, th);
}

int cross_sinwell_sde_steps(const sinwell *w, int B, double eta, int mori, int grid, double *T, double *err)
{
    sde_par p = {w, eta, cross_batch_factor(w->N, B), sinwell_hess(w, 0), mori};
    diffusion1d d = {sde_drift, sde_var, &p};
    double top = 2 * M_PI * w->R;
    if (diffusion1d_mfpt(&d, 0, 1e-9 * top, top, grid, T, err))
        return -1;
    *T /= eta, *err /= eta;
    return 0;
}

long cross_sinwell_escape(const sinwell *w, double eta, int B, int gauss, long cap, rng_stream *r)
{
    double top = 2 * M_PI * w->R, th = 0, cB = cross_batch_factor(w->N, B);
    long k = 0;
    if (gauss) /* the same mean and variance per step, Gaussian */
        while (fabs(th) < top && k < cap)
            th -= eta * (sinwell_grad(w, th) - sqrt(cB * sinwell_grad_var(w, th)) * rng_normal(r)), k++;
    else
        /* >>> snippet cross-escape */
        while (fabs(th) < top && k < cap)
            th = sinwell_sgd_step(w, th, eta, B, r), k++;
    /* <<< snippet */
    return k;
}

double cross_sinwell_first_step(const sinwell *w, double eta)
{
    double s = 0;
    for (long m = 0; m < w->N; m++) /* ℓ'_μ(0) = −x2 y (p = q = p' = 0, q' = 1): θ₁ = η x2 y */
        s += sinwell_loss(w, eta * w->x2[m] * w->y[m]);
    return s / w->N - sinwell_loss(w, 0);
}

double cross_valley_window(const cross_valley *v, double eta, int B, long K0, long K, rng_stream *r, double *lambda0)
{
    double th[2] = {0, 0};
    for (long k = 0; k < K0; k++)
        cross_valley_sgd_step(v, th, eta, B, r);
    *lambda0 = v->h0 * exp(v->beta * th[1]);
    for (long k = 0; k < K; k++)
        cross_valley_sgd_step(v, th, eta, B, r);
    return v->h0 * exp(v->beta * th[1]) - *lambda0;
}

void cross_valley_plan(const cross_valley *v, double fall, cross_valley_setting *s)
{
    double c = cross_valley_c(v, s->B), rate = s->eta * s->eta * c * v->h0 / 4;
    s->K = (long)ceil(fall / rate);
    s->K0 = (long)ceil(5 / (s->eta * v->h0));
}

void cross_valley_replicate(const cross_valley *v, const cross_valley_setting *s, rng_stream *r, double out[3])
{
    double l0;
    out[0] = cross_valley_window(v, s->eta, s->B, s->K0, s->K, r, &l0);
    out[1] = cross_valley_trace_change(v, l0, s->eta, s->B, s->K, 1);
    out[2] = cross_valley_trace_change(v, l0, s->eta, s->B, s->K, 0);
}

int cross_order_contradictions(int n, const double *ind, const double *lrate, const double *se, double tie,
                               double z)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double d = lrate[i] - lrate[j], s = hypot(se[i], se[j]);
            int pred = fabs(log(ind[i] / ind[j])) < tie ? 0 : (ind[i] > ind[j] ? 1 : -1);
            if ((pred >= 0 && d < -z * s) || (pred <= 0 && d > z * s))
                bad++;
        }
    return bad;
}
