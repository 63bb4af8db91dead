/* fptnn.c — one-hidden-layer SGD with the exact full loss per step (fptnn.h). */
#include "fptnn.h"

#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "err.h"

void fptnn_data_init(fptnn_data *dt, const double *X, const double *y, int N, int d)
{
    dt->N = N, dt->d = d, dt->X = X, dt->y = y;
    dt->G = SGDN_NEW(dt->G, sgdn_mul(N, N));
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, N, d, 1.0, X, d, 0.0, dt->G, N);
    for (int i = 0; i < N; i++)
        for (int j = i; j < N; j++)
            dt->G[(size_t)j * N + i] = dt->G[(size_t)i * N + j] += 1.0;
}

void fptnn_data_free(fptnn_data *dt)
{
    free(dt->G);
    dt->G = NULL;
}

/* outputs from Z and L = (1/2N) Σ (f − y)², in sample order */
static double outputs(fptnn_state *s, const fptnn_data *dt)
{
    int N = dt->N, h = s->h, d = dt->d;
    const double *w2 = s->theta + (size_t)h * d + h, b2 = w2[h];
    for (int i = 0; i < N; i++)
        s->F[i] = b2;
    for (int k = 0; k < h; k++) {
        const double *z = s->Zt + (size_t)k * N;
        double w = w2[k];
        for (int i = 0; i < N; i++)
            s->F[i] += w * (z[i] > 0 ? z[i] : 0.0);
    }
    double L = 0.0;
    for (int i = 0; i < N; i++)
        L += (s->F[i] - dt->y[i]) * (s->F[i] - dt->y[i]);
    return 0.5 * L / N;
}

double fptnn_refresh(fptnn_state *s, const fptnn_data *dt)
{
    int N = dt->N, h = s->h, d = dt->d;
    const double *b1 = s->theta + (size_t)h * d;
    for (int k = 0; k < h; k++)
        for (int i = 0; i < N; i++)
            s->Zt[(size_t)k * N + i] = b1[k];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, h, N, d, 1.0, s->theta, d, dt->X, d, 1.0,
                s->Zt, N);
    return outputs(s, dt);
}

double fptnn_init(fptnn_state *s, const fptnn_data *dt, int h, const double *theta, int Bmax)
{
    size_t D = (size_t)h * dt->d + 2 * (size_t)h + 1;
    s->h = h, s->Bmax = Bmax, s->steps = 0;
    s->theta = SGDN_NEW(s->theta, D);
    memcpy(s->theta, theta, D * sizeof *theta);
    s->Zt = SGDN_NEW(s->Zt, sgdn_mul(h, dt->N));
    s->F = SGDN_NEW(s->F, dt->N);
    s->dl = SGDN_NEW(s->dl, sgdn_mul(Bmax, h));
    s->gb = SGDN_NEW(s->gb, sgdn_mul(Bmax, dt->N));
    return fptnn_refresh(s, dt);
}

void fptnn_free(fptnn_state *s)
{
    free(s->theta), free(s->Zt), free(s->F), free(s->dl), free(s->gb);
    s->theta = s->Zt = s->F = s->dl = s->gb = NULL;
}

/* >>> snippet fptnn-step */
double fptnn_step(fptnn_state *s, const fptnn_data *dt, const size_t *idx, int B, double eta)
{
    SGDN_REQUIRE(B >= 1 && B <= s->Bmax);
    int N = dt->N, h = s->h, d = dt->d;
    double *W1 = s->theta, *b1 = W1 + (size_t)h * d, *w2 = b1 + h, *b2 = w2 + h;
    double gw2[64], gb2 = 0.0;
    SGDN_REQUIRE(h <= 64);
    memset(gw2, 0, sizeof gw2);
    /* backward on the batch from the current Z (exact forward values) */
    for (int b = 0; b < B; b++) {
        size_t mu = idx[b];
        double r = (s->F[mu] - dt->y[mu]) / B; /* ∂L_B/∂f_μ */
        gb2 += r;
        for (int k = 0; k < h; k++) {
            double z = s->Zt[(size_t)k * N + mu];
            gw2[k] += r * (z > 0 ? z : 0.0);
            s->dl[b * h + k] = z > 0 ? r * w2[k] : 0.0; /* δ_μ */
        }
    }
    /* first layer: W1 −= η Σ δ_μ x_μᵀ, b1 −= η Σ δ_μ; and Z with it:
     * Zt += −η Δᵀ G_B with G_B the rows μ ∈ B of G (= its columns) */
    for (int b = 0; b < B; b++) {
        size_t mu = idx[b];
        memcpy(s->gb + (size_t)b * N, dt->G + mu * N, (size_t)N * sizeof *s->gb);
        for (int k = 0; k < h; k++) {
            double c = -eta * s->dl[b * h + k];
            cblas_daxpy(d, c, dt->X + mu * d, 1, W1 + (size_t)k * d, 1);
            b1[k] += c;
        }
    }
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, h, N, B, -eta, s->dl, h, s->gb, N, 1.0,
                s->Zt, N);
    for (int k = 0; k < h; k++)
        w2[k] -= eta * gw2[k];
    *b2 -= eta * gb2;
    if (++s->steps % FPTNN_REFRESH == 0)
        return fptnn_refresh(s, dt);
    return outputs(s, dt);
}
/* <<< snippet */
