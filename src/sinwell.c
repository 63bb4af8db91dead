/* sinwell.c — see include/sinwell.h. */
#include <math.h>
#include <stdlib.h>

#include <lapacke.h>

#include "err.h"
#include "sinwell.h"

/* p, q and their first two derivatives at θ */
static void curve(double R, double th, double c[6])
{
    double ph = th / R, cs = cos(ph), sn = sin(ph);
    c[0] = R * (cs - 1), c[1] = R * sn; /* p, q */
    c[2] = -sn, c[3] = cs;              /* p', q' */
    c[4] = -cs / R, c[5] = -sn / R;     /* p'', q'' */
}

static double loss_sigma(const sinwell *w, double th, double sigma)
{
    double c[6], v[3];
    curve(w->R, th, c);
    v[0] = c[0], v[1] = c[1], v[2] = -1;
    double s = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double mij = w->m[i][j] * (i == 2 ? sigma : 1) * (j == 2 ? sigma : 1);
            s += v[i] * mij * v[j];
        }
    return 0.5 * s;
}

int sinwell_init(sinwell *w, long N, double R, double C, uint64_t seed, uint64_t stream)
{
    if (N < 4 || N % 4 || !(R > 0) || !(C > 1))
        return SGDN_EDOM;
    w->N = N, w->R = R;
    w->x1 = SGDN_NEW(w->x1, N), w->x2 = SGDN_NEW(w->x2, N), w->y = SGDN_NEW(w->y, N);
    rng_stream r;
    rng_init(&r, seed, stream);
    for (long i = 0; i < N; i += 4) { /* (±x1, ±x2, z) */
        double a = rng_normal(&r), b = rng_normal(&r), z = rng_normal(&r);
        for (int k = 0; k < 4; k++)
            w->x1[i + k] = k & 1 ? -a : a, w->x2[i + k] = k & 2 ? -b : b, w->y[i + k] = z; /* z: ×σ below */
    }
    /* moments of (x1, x2, z), then σ from the quadratic
     * L(πR; σ) = C L(0; σ):  (C − 1) m_zz σ² − 4R m_1z σ − 4R² m_11 = 0 */
    double *col[3] = {w->x1, w->x2, w->y};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (long k = 0; k < N; k++)
                s += col[i][k] * col[j][k];
            w->m[i][j] = s / N;
        }
    double a = (C - 1) * w->m[2][2], b = -4 * R * w->m[0][2], c = -4 * R * R * w->m[0][0];
    double sig = (-b + sqrt(b * b - 4 * a * c)) / (2 * a);
    if (!(sig > 0) || !isfinite(sig))
        return SGDN_EDIVERGE;
    w->sigma = sig;
    for (long k = 0; k < N; k++)
        w->y[k] *= sig;
    for (int i = 0; i < 3; i++)
        w->m[i][2] *= sig, w->m[2][i] *= sig;
    /* covariance of the features of ℓ'_μ */
    double mean[5] = {0};
    double (*S)[5] = w->S;
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            S[i][j] = 0;
    for (long k = 0; k < N; k++) {
        double a1 = w->x1[k], a2 = w->x2[k], yy = w->y[k];
        double f[5] = {a1 * a1, a1 * a2, a2 * a2, a1 * yy, a2 * yy};
        for (int i = 0; i < 5; i++) {
            mean[i] += f[i];
            for (int j = 0; j < 5; j++)
                S[i][j] += f[i] * f[j];
        }
    }
    for (int i = 0; i < 5; i++)
        mean[i] /= N;
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            S[i][j] = S[i][j] / N - mean[i] * mean[j];
    return 0;
}

void sinwell_free(sinwell *w)
{
    free(w->x1), free(w->x2), free(w->y);
    w->x1 = w->x2 = w->y = NULL;
}

double sinwell_loss(const sinwell *w, double th) { return loss_sigma(w, th, 1.0); }

double sinwell_grad(const sinwell *w, double th)
{
    double c[6];
    curve(w->R, th, c);
    const double(*m)[3] = w->m;
    return c[0] * c[2] * m[0][0] + (c[2] * c[1] + c[0] * c[3]) * m[0][1] + c[1] * c[3] * m[1][1] -
           c[2] * m[0][2] - c[3] * m[1][2];
}

double sinwell_hess(const sinwell *w, double th)
{
    double c[6];
    curve(w->R, th, c);
    const double(*m)[3] = w->m;
    return (c[2] * c[2] + c[0] * c[4]) * m[0][0] + (c[4] * c[1] + 2 * c[2] * c[3] + c[0] * c[5]) * m[0][1] +
           (c[3] * c[3] + c[1] * c[5]) * m[1][1] - c[4] * m[0][2] - c[5] * m[1][2];
}

/* ℓ'_μ = x1² pp' + x1x2 (pq' + qp') + x2² qq' − x1y p' − x2y q' */
static void grad_weights(double R, double th, double wv[5])
{
    double c[6];
    curve(R, th, c);
    wv[0] = c[0] * c[2], wv[1] = c[0] * c[3] + c[1] * c[2], wv[2] = c[1] * c[3], wv[3] = -c[2], wv[4] = -c[3];
}

double sinwell_grad_var(const sinwell *w, double th)
{
    double wv[5], s = 0;
    grad_weights(w->R, th, wv);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            s += wv[i] * w->S[i][j] * wv[j];
    return s;
}

static double grad_one(const sinwell *w, long k, const double c[6])
{
    double r = w->x1[k] * c[0] + w->x2[k] * c[1] - w->y[k];
    return r * (w->x1[k] * c[2] + w->x2[k] * c[3]);
}

double sinwell_grad_var_direct(const sinwell *w, double th)
{
    double c[6], s = 0, s2 = 0;
    curve(w->R, th, c);
    for (long k = 0; k < w->N; k++) {
        double g = grad_one(w, k, c);
        s += g, s2 += g * g;
    }
    s /= w->N;
    return s2 / w->N - s * s;
}

double sinwell_sgd_step(const sinwell *w, double th, double eta, int B, rng_stream *r)
{
    /* >>> snippet sinwell-sgd */
    double c[6], g = 0;
    size_t pick[64];
    curve(w->R, th, c);
    rng_distinct(r, (uint64_t)w->N, (size_t)B, pick); /* a B-subset, without replacement */
    for (int b = 0; b < B; b++)
        g += grad_one(w, (long)pick[b], c); /* ℓ'_μ = r_μ ∂f_μ/∂θ */
    return th - eta * g / B;
    /* <<< snippet */
}

/* T at θ = 0 on M intervals (M even, so that 0 is a node). */
static int chain_solve(const sinwell *w, double eta, int M, double *T0)
{
    int n = M - 1; /* interior nodes 1..M−1; nodes 0 and M are absorbing */
    double top = 2 * M_PI * w->R, h = 2 * top / M;
    double *A = SGDN_NEW0(A, (size_t)n * n), *b = SGDN_NEW(b, n);
    lapack_int *piv = SGDN_NEW(piv, n);
    double inv = 1.0 / w->N;
    for (int i = 0; i < n; i++) {
        double th = -top + (i + 1) * h, c[6];
        curve(w->R, th, c);
        double *row = A + (size_t)i * n;
        row[i] += 1;
        b[i] = eta;
        for (long k = 0; k < w->N; k++) {
            double x = (th - eta * grad_one(w, k, c) + top) / h; /* in node units */
            if (!(x > 0) || !(x < M))
                continue; /* escaped: T = 0 */
            int j = (int)x;
            double f = x - j;
            if (j >= 1)
                row[j - 1] -= (1 - f) * inv;
            if (j + 1 <= n)
                row[j] -= f * inv;
        }
    }
    lapack_int st = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 1, A, n, piv, b, 1);
    *T0 = b[M / 2 - 1];
    free(A), free(b), free(piv);
    if (st)
        return SGDN_ELAPACK;
    return isfinite(*T0) && *T0 > 0 ? 0 : SGDN_EDIVERGE;
}

int sinwell_chain_mfpt(const sinwell *w, double eta, int M, double *T0, double *err)
{
    if (M < 8 || M % 4 || !(eta > 0))
        return SGDN_EDOM;
    double Th;
    int st = chain_solve(w, eta, M, T0);
    if (!st)
        st = chain_solve(w, eta, M / 2, &Th);
    *err = fabs(*T0 - Th);
    return st;
}

double sinwell_escape(const sinwell *w, double eta, int B, long kmax, rng_stream *r)
{
    double th = 0, top = 2 * M_PI * w->R;
    long k = 0;
    /* >>> snippet mori-rate-sgd */
    while (fabs(th) < top) {
        th = sinwell_sgd_step(w, th, eta, B, r); /* θ ← θ − η (1/B) Σ ℓ'_μ(θ) */
        if (++k > kmax)
            return -1;
    }
    /* <<< snippet */
    return eta * k;
}

double sinwell_sde_drift(double th, void *p) { return -sinwell_grad(((sinwell_sde *)p)->w, th); }

double sinwell_sde_var(double th, void *p)
{
    const sinwell_sde *q = p;
    if (q->paper)
        return 2 * q->eta * q->h * sinwell_loss(q->w, th) * q->cB;
    return q->eta * q->cB * sinwell_grad_var(q->w, th);
}

double sinwell_x2_spread(const sinwell *w)
{
    double m2 = 0, m4 = 0;
    for (long k = 0; k < w->N; k++)
        m2 += w->x2[k] * w->x2[k], m4 += w->x2[k] * w->x2[k] * w->x2[k] * w->x2[k];
    m2 /= w->N, m4 /= w->N;
    return (m4 - m2 * m2) / (m2 * m2);
}
