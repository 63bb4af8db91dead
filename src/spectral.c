/* spectral.c — Lanczos, Hutchinson, operator cosine, Gram eigenpairs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "linalg.h"
#include "spectral.h"
#include "err.h"

static double norm(size_t n, const double *x) { return cblas_dnrm2((int)n, x, 1); }

/* >>> snippet lanczos-step */
/* w ← w − Q_jᵀ(Q_j w), twice ("twice is enough", Parlett): Q_j holds the
 * j Lanczos vectors as rows. */
static void reorthogonalise(size_t n, int j, const double *Q, double *w, double *h)
{
    for (int pass = 0; pass < 2; pass++) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, j, (int)n, 1.0, Q, (int)n, w, 1, 0.0, h, 1);
        cblas_dgemv(CblasRowMajor, CblasTrans, j, (int)n, -1.0, Q, (int)n, h, 1, 1.0, w, 1);
    }
}

int spectral_lanczos(size_t n, spectral_op op, void *ctx, int k, int m, rng_stream *r,
                     double *evals, double *evecs, double *resid)
{
    if (m > (int)n)
        m = (int)n;
    if (k > m || k < 1)
        return -1;
    double *Q = SGDN_NEW(Q, (size_t)(m + 1) * n), *w = SGDN_NEW(w, n);
    double *alpha = SGDN_NEW0(alpha, m), *beta = SGDN_NEW0(beta, m + 1);
    double *h = SGDN_NEW(h, (m + 1));
    for (size_t i = 0; i < n; i++)
        Q[i] = rng_normal(r);
    cblas_dscal((int)n, 1.0 / norm(n, Q), Q, 1);
    int j;
    for (j = 0; j < m; j++) {
        const double *q = Q + (size_t)j * n;
        op(ctx, q, w);                              /* w = A q_j */
        alpha[j] = cblas_ddot((int)n, q, 1, w, 1);  /* α_j = q_jᵀ A q_j */
        reorthogonalise(n, j + 1, Q, w, h);         /* remove q_0 .. q_j */
        beta[j + 1] = norm(n, w);                   /* β_{j+1} q_{j+1} = w */
        if (beta[j + 1] < 1e-12 * fabs(alpha[j]) || beta[j + 1] == 0.0) {
            j++;                                    /* invariant subspace */
            break;
        }
        for (size_t i = 0; i < n; i++)
            Q[(size_t)(j + 1) * n + i] = w[i] / beta[j + 1];
    }
    /* <<< snippet */
    int steps = j < m ? j : m;
    if (k > steps) {
        free(Q), free(w), free(alpha), free(beta), free(h);
        return -1;
    }
    /* Ritz pairs: T = tridiag(β, α, β) = S diag(θ) Sᵀ, v = Q_mᵀ S */
    double *T = SGDN_NEW0(T, (size_t)steps * steps), *th = SGDN_NEW(th, steps);
    double *S = SGDN_NEW(S, (size_t)steps * steps);
    for (int i = 0; i < steps; i++) {
        T[i * steps + i] = alpha[i];
        if (i + 1 < steps)
            T[i * steps + i + 1] = T[(i + 1) * steps + i] = beta[i + 1];
    }
    int info = linalg_sym_eig(steps, T, th, S);
    if (!info) {
        for (int i = 0; i < k; i++) {
            evals[i] = th[i];
            if (resid)
                resid[i] = beta[steps] * fabs(S[(size_t)(steps - 1) * steps + i]);
        }
        if (evecs) /* (n × k) = Q_mᵀ (n × steps) · S[:, :k] (steps × k) */
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, k, steps, 1.0, Q,
                        (int)n, S, steps, 0.0, evecs, k);
    }
    free(T), free(th), free(S), free(Q), free(w), free(alpha), free(beta), free(h);
    return info ? -1 : steps;
}

double spectral_hutchinson(size_t n, spectral_op op, void *ctx, int p, rng_stream *r, double *se)
{
    double *z = SGDN_NEW(z, n), *y = SGDN_NEW(y, n), sum = 0.0, sum2 = 0.0;
    for (int j = 0; j < p; j++) {
        for (size_t i = 0; i < n; i++)
            z[i] = rng_rademacher(r);
        op(ctx, z, y);
        double q = cblas_ddot((int)n, z, 1, y, 1); /* E[zᵀAz] = Tr A */
        sum += q, sum2 += q * q;
    }
    free(z), free(y);
    double mean = sum / p;
    if (se)
        *se = p > 1 ? sqrt(fmax(sum2 - p * mean * mean, 0.0) / (p - 1) / p) : 0.0;
    return mean;
}

double spectral_cosine(size_t n, spectral_op opA, void *ctxA, spectral_op opB, void *ctxB, int p,
                       rng_stream *r)
{
    double *z = SGDN_NEW(z, n), *a = SGDN_NEW(a, n), *b = SGDN_NEW(b, n);
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (int j = 0; j < p; j++) {
        for (size_t i = 0; i < n; i++)
            z[i] = rng_rademacher(r);
        opA(ctxA, z, a);
        opB(ctxB, z, b);
        ab += cblas_ddot((int)n, a, 1, b, 1); /* E[zᵀAB z] = Tr(AB) */
        aa += cblas_ddot((int)n, a, 1, a, 1);
        bb += cblas_ddot((int)n, b, 1, b, 1);
    }
    free(z), free(a), free(b);
    return ab / sqrt(aa * bb);
}

int spectral_gram_top(size_t N, size_t D, const double *G, double c, int k, double *evals,
                      double *evecs)
{
    double *K = SGDN_NEW(K, N * N), *mu = SGDN_NEW(mu, N);
    double *W = SGDN_NEW(W, N * N);
    /* K = G Gᵀ (N × N) */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)N, (int)D, 1.0, G, (int)D, 0.0, K,
                (int)N);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < i; j++)
            K[i * N + j] = K[j * N + i];
    int info = linalg_sym_eig((int)N, K, mu, W);
    if (!info) {
        for (int j = 0; j < k; j++)
            evals[j] = j < (int)N ? c * fmax(mu[j], 0.0) : 0.0;
        if (evecs) { /* u_j = Gᵀ w_j / √μ_j */
            int kk = k < (int)N ? k : (int)N;
            double *Wk = SGDN_NEW(Wk, N * kk);
            for (size_t i = 0; i < N; i++)
                for (int j = 0; j < kk; j++)
                    Wk[i * kk + j] = mu[j] > 0 ? W[i * N + j] / sqrt(mu[j]) : 0.0;
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)D, kk, (int)N, 1.0, G,
                        (int)D, Wk, kk, 0.0, evecs, k);
            free(Wk);
        }
    }
    free(K), free(mu), free(W);
    return info;
}
