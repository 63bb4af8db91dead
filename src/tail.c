/* tail.c — Hill's tail index beyond a fixed threshold (see tail.h). */
#include "tail.h"

#include <math.h>
#include <stdlib.h>

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

int tail_threshold(const double *x, size_t n, double q, double *t)
{
    *t = NAN;
    if (!(q > 0 && q < 1) || n < 2)
        return SGDN_EDOM;
    size_t k = (size_t)ceil(q * (double)n);
    if (k < 2 || k >= n)
        return SGDN_EDOM;
    double *s = sgdn_malloc(n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        s[i] = x[i];
    qsort(s, n, sizeof *s, cmp_desc);
    *t = s[k];
    free(s);
    return SGDN_OK;
}

int tail_hill_groups(const double *x, size_t g, size_t m, double t, double *alpha, double *se,
                     long *nexc)
{
    *alpha = *se = NAN;
    *nexc = 0;
    if (g < 2 || !(t > 0))
        return SGDN_EDOM;
    double *sl = sgdn_calloc(g, sizeof *sl);
    long *cn = sgdn_calloc(g, sizeof *cn), ntot = 0;
    double stot = 0.0;
    for (size_t j = 0; j < g; j++) {
        for (size_t i = 0; i < m; i++)
            if (x[j * m + i] > t)
                sl[j] += log(x[j * m + i] / t), cn[j]++;
        ntot += cn[j], stot += sl[j];
    }
    int st = SGDN_OK;
    double mean = 0.0, ss = 0.0;
    for (size_t j = 0; j < g && st == SGDN_OK; j++) {
        if (ntot - cn[j] < 1 || !(stot - sl[j] > 0))
            st = SGDN_EDOM;
        else
            mean += (ntot - cn[j]) / (stot - sl[j]) / (double)g;
    }
    if (st == SGDN_OK) {
        for (size_t j = 0; j < g; j++) {
            double aj = (ntot - cn[j]) / (stot - sl[j]);
            ss += (aj - mean) * (aj - mean);
        }
        *alpha = ntot / stot;
        *se = sqrt((double)(g - 1) / (double)g * ss);
        *nexc = ntot;
    }
    free(sl), free(cn);
    return st;
}

int tail_hill_law(const double *a, const double *p, size_t n, double t, double *alpha)
{
    double w = 0.0, s = 0.0;
    *alpha = NAN;
    for (size_t i = 0; i < n; i++)
        if (a[i] > t)
            w += p[i], s += p[i] * log(a[i] / t);
    if (!(w > 0 && s > 0))
        return SGDN_EDOM;
    *alpha = w / s;
    return SGDN_OK;
}
