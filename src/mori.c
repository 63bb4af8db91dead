/* mori.c — estimators for the noise model of Mori et al. (mori.h). */
#include "mori.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void mori_noise_acc_init(mori_noise_acc *a, size_t D)
{
    a->D = D, a->n = 0, a->sq = 0.0;
    a->sum = SGDN_NEW0(a->sum, D);
}

void mori_noise_acc_free(mori_noise_acc *a)
{
    free(a->sum);
    a->sum = NULL;
}

void mori_noise_acc_add(mori_noise_acc *a, const double *G, long n)
{
    for (long i = 0; i < n; i++) {
        const double *g = G + (size_t)i * a->D;
        double s = 0.0;
        for (size_t j = 0; j < a->D; j++) {
            s += g[j] * g[j];
            a->sum[j] += g[j];
        }
        a->sq += s;
    }
    a->n += n;
}

/* >>> snippet mori-noise-strength */
double mori_noise_strength(const mori_noise_acc *a, double *gnorm2)
{
    double g2 = 0.0;
    for (size_t j = 0; j < a->D; j++)
        g2 += (a->sum[j] / a->n) * (a->sum[j] / a->n); /* |∇L|² */
    if (gnorm2)
        *gnorm2 = g2;
    return a->sq / a->n - g2; /* noise strength = (1/N) Σ |∇ℓ_μ|² − |∇L|² */
}
/* <<< snippet */

void mori_decouple_acc(int K, long n, const double *r, const double *JJ, double *R, double *G,
                       double *exact)
{
    for (long i = 0; i < n; i++) {
        const double *ri = r + (size_t)i * K, *B = JJ + (size_t)i * K * K;
        for (int k = 0; k < K; k++)
            for (int q = 0; q < K; q++) {
                R[k * K + q] += ri[k] * ri[q];
                G[k * K + q] += B[k * K + q];
                *exact += ri[k] * B[k * K + q] * ri[q];
            }
    }
}

double mori_participation(const double *h, int n)
{
    double s = 0.0, s2 = 0.0;
    for (int i = 0; i < n; i++)
        if (h[i] > 0)
            s += h[i], s2 += h[i] * h[i];
    return s > 0 ? s * s / s2 : NAN; /* 1/Σp² with p = h/Σh */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double mori_ks(const double *a, int na, const double *b, int nb)
{
    double *x = SGDN_NEW(x, na), *y = SGDN_NEW(y, nb);
    memcpy(x, a, (size_t)na * sizeof *x);
    memcpy(y, b, (size_t)nb * sizeof *y);
    qsort(x, na, sizeof *x, cmp_double);
    qsort(y, nb, sizeof *y, cmp_double);
    int i = 0, j = 0;
    double d = 0.0;
    while (i < na && j < nb) {
        double v = x[i] < y[j] ? x[i] : y[j];
        while (i < na && x[i] <= v)
            i++;
        while (j < nb && y[j] <= v)
            j++;
        double e = fabs((double)i / na - (double)j / nb);
        d = e > d ? e : d;
    }
    free(x), free(y);
    return d;
}
