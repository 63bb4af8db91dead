/* qwell.c — the quartic double well of MORI-RATE (qwell.h). */
#include "qwell.h"

#include <math.h>

#include "diffusion1d.h"

double qwell_loss(const qwell *w, double th)
{
    double s = 1 - th * th / w->a2;
    return w->Lstar + w->dL * s * s;
}

double qwell_grad(const qwell *w, double th)
{
    return -4 * w->dL * th * (1 - th * th / w->a2) / w->a2;
}

double qwell_drift(double th, void *w) { return -qwell_grad(w, th); }

/* b²(θ): 2 (η h* /B) L(θ) for the SGD SDE, 2D for Langevin. */
double qwell_noise_var(double th, void *p)
{
    const qwell *w = p;
    return w->D > 0 ? 2 * w->D : 2 * w->temp * qwell_loss(w, th);
}

double qwell_escape_em(const qwell *w, double dt, double tmax, rng_stream *r)
{
    double a = sqrt(w->a2), l = -2 * a, th = -a, sdt = sqrt(dt);
    long k = 0, kmax = (long)(tmax / dt);
    /* >>> snippet mori-rate-em */
    while (th < a) {
        double b2 = qwell_noise_var(th, (void *)w); /* 2ηh*L(θ)/B, or 2D */
        th += -qwell_grad(w, th) * dt + sqrt(b2) * sdt * rng_normal(r);
        if (th < l)
            th = 2 * l - th; /* reflecting wall, far in the tail */
        if (++k > kmax)
            return -1;
    }
    /* <<< snippet */
    return k * dt;
}

long qwell_escapes(const qwell *w, double dt, double tmax, uint64_t seed, uint64_t stream, long i0, long i1,
                   double *times)
{
    long failed = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : failed)
    for (long i = i0; i < i1; i++) {
        rng_stream r;
        rng_init_sub(&r, seed, stream, (uint64_t)i);
        times[i] = qwell_escape_em(w, dt, tmax, &r);
        failed += times[i] < 0;
    }
    return failed;
}

int qwell_mfpt(const qwell *w, int grid, double *T, double *err)
{
    diffusion1d df = {qwell_drift, qwell_noise_var, (void *)w};
    double a = sqrt(w->a2);
    return diffusion1d_mfpt(&df, -2 * a, -a, a, grid, T, err) ? -1 : 0;
}
