/* noisygd.c — see noisygd.h. */
#include "noisygd.h"

#include <math.h>
#include <string.h>
#include <lapacke.h>

void ngd_loss_init(ngd_loss *L, ngd_loss_kind kind, double alpha)
{
    L->kind = kind;
    L->alpha = 0.0;
    switch (kind) {
    case NGD_LOSS_ETA2:
    case NGD_LOSS_TRDET:
        L->N = 4, L->n = 2;
        break;
    case NGD_LOSS_ENTROPIC:
        L->N = 2, L->n = 1, L->alpha = alpha;
        break;
    }
}

static double sgn(double x) { return x < 0 ? -1.0 : 1.0; }

void ngd_lambda(const ngd_loss *L, const double *theta, double *lam, double *dlam, double *d2lam)
{
    const double *p = theta + L->n; /* φ */
    int m = L->N - L->n;
    if (d2lam)
        memset(d2lam, 0, (size_t)L->n * m * m * sizeof *d2lam);
    switch (L->kind) {
    case NGD_LOSS_ETA2: {
        /* L = ½λ_0θ_0² + ½λ_1θ_1², λ_0 = 2|φ0 + φ1|, λ_1 = 2|φ0 + 2φ1|:
         * piecewise linear, so ∇λ is constant on each side of the kinks
         * and ∇²λ = 0 away from them. */
        double s0 = p[0] + p[1], s1 = p[0] + 2 * p[1];
        lam[0] = 2 * fabs(s0), lam[1] = 2 * fabs(s1);
        if (dlam) {
            dlam[0] = 2 * sgn(s0), dlam[1] = 2 * sgn(s0);
            dlam[2] = 2 * sgn(s1), dlam[3] = 4 * sgn(s1);
        }
        break;
    }
    case NGD_LOSS_TRDET: {
        /* λ_0 = 8 − 4e^{−r²}, r² = φ0² + φ1²: smallest at the origin;
         * λ_1 = 2e^{−d²}, d = φ0 − φ1: largest on the diagonal. */
        double e0 = exp(-(p[0] * p[0] + p[1] * p[1]));
        double d = p[0] - p[1], e1 = exp(-d * d);
        lam[0] = 8 - 4 * e0, lam[1] = 2 * e1;
        if (dlam) {
            dlam[0] = 8 * e0 * p[0], dlam[1] = 8 * e0 * p[1];
            dlam[2] = -4 * d * e1, dlam[3] = 4 * d * e1;
        }
        if (d2lam) {
            /* ∂a∂b λ_0 = 8e^{−r²}(δ_ab − 2φ_aφ_b);  λ_1'' (d) = e^{−d²}(8d² − 4),
             * times (1, −1)(1, −1)ᵀ. */
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    d2lam[a * 2 + b] = 8 * e0 * ((a == b) - 2 * p[a] * p[b]);
            double c = e1 * (8 * d * d - 4);
            d2lam[4] = c, d2lam[5] = -c, d2lam[6] = -c, d2lam[7] = c;
        }
        break;
    }
    case NGD_LOSS_ENTROPIC:
        /* ½(φ² + 1)θ_0²: λ_0 = 1 + φ². */
        lam[0] = 1 + p[0] * p[0];
        if (dlam)
            dlam[0] = 2 * p[0];
        if (d2lam)
            d2lam[0] = 2;
        break;
    }
}

double ngd_floor(const ngd_loss *L, const double *theta, double *dg)
{
    int m = L->N - L->n;
    if (dg) {
        for (int a = 0; a < m; a++)
            dg[a] = 0.0;
        dg[0] = L->alpha;
    }
    return L->alpha * theta[L->n];
}

double ngd_value(const ngd_loss *L, const double *theta)
{
    double lam[NGD_MAXDIM], v = ngd_floor(L, theta, NULL);
    ngd_lambda(L, theta, lam, NULL, NULL);
    for (int i = 0; i < L->n; i++)
        v += 0.5 * theta[i] * theta[i] * lam[i];
    return v;
}

void ngd_grad(const ngd_loss *L, const double *theta, double *g)
{
    int n = L->n, m = L->N - n;
    double lam[NGD_MAXDIM], dlam[NGD_MAXDIM * NGD_MAXDIM];
    ngd_lambda(L, theta, lam, dlam, NULL);
    ngd_floor(L, theta, g + n);
    for (int i = 0; i < n; i++) {
        g[i] = theta[i] * lam[i];
        for (int a = 0; a < m; a++)
            g[n + a] += 0.5 * theta[i] * theta[i] * dlam[i * m + a];
    }
}

void ngd_hess(const ngd_loss *L, const double *theta, double *H)
{
    int n = L->n, N = L->N, m = N - n;
    double lam[NGD_MAXDIM], dlam[NGD_MAXDIM * NGD_MAXDIM], d2[NGD_MAXDIM * NGD_MAXDIM * NGD_MAXDIM];
    ngd_lambda(L, theta, lam, dlam, d2);
    memset(H, 0, (size_t)N * N * sizeof *H);
    for (int i = 0; i < n; i++) {
        H[i * N + i] = lam[i];
        for (int a = 0; a < m; a++) {
            H[i * N + n + a] = H[(n + a) * N + i] = theta[i] * dlam[i * m + a];
            for (int b = 0; b < m; b++)
                H[(n + a) * N + n + b] += 0.5 * theta[i] * theta[i] * d2[(i * m + a) * m + b];
        }
    }
}

double ngd_f_value(ngd_f f, int n, const double *lam)
{
    double v = 0.0;
    for (int i = 0; i < n; i++)
        v += f == NGD_F_TRACE ? lam[i] : f == NGD_F_LOGDET ? log(lam[i]) : lam[i] * lam[i];
    return v;
}

void ngd_f_grad(ngd_f f, int n, const double *lam, double *df)
{
    for (int i = 0; i < n; i++)
        df[i] = f == NGD_F_TRACE ? 1.0 : f == NGD_F_LOGDET ? 1.0 / lam[i] : 2.0 * lam[i];
}

/* Theorem 2's diagonal C_ii = c λ_i ∂f/∂λ_i. */
static void thm2_diag(const ngd_noise *nz, int n, const double *lam, double *cii)
{
    double df[NGD_MAXDIM];
    ngd_f_grad(nz->f, n, lam, df);
    for (int i = 0; i < n; i++)
        cii[i] = nz->c * lam[i] * df[i];
}

void ngd_noise_floor_diag(const ngd_loss *L, const ngd_noise *nz, const double *theta, double *cii)
{
    double lam[NGD_MAXDIM];
    ngd_lambda(L, theta, lam, NULL, NULL);
    for (int i = 0; i < L->n; i++)
        cii[i] = 0.0;
    if (nz->kind == NGD_NOISE_HESS)
        for (int i = 0; i < L->n; i++)
            cii[i] = nz->c * lam[i];
    else if (nz->kind == NGD_NOISE_THM2)
        thm2_diag(nz, L->n, lam, cii);
}

/* Eigen-decomposition of a symmetric N×N matrix, no allocation: A is
 * symmetric, so its row-major array is also its column-major one; on
 * return column k of A (A[i + k*N]) is the eigenvector of w[k]. */
static int sym_eig_small(int N, double *A, double *w)
{
    double work[64];
    return LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'L', N, A, N, w, work, 64);
}

void ngd_noise_cov(const ngd_loss *L, const ngd_noise *nz, const double *theta, double *C)
{
    int N = L->N;
    memset(C, 0, (size_t)N * N * sizeof *C);
    if (nz->kind == NGD_NOISE_HESS) {
        double A[NGD_MAXDIM * NGD_MAXDIM], w[NGD_MAXDIM];
        ngd_hess(L, theta, A);
        sym_eig_small(N, A, w);
        for (int k = 0; k < N; k++)
            if (w[k] > 0)
                for (int i = 0; i < N; i++)
                    for (int j = 0; j < N; j++)
                        C[i * N + j] += nz->c * w[k] * A[i + k * N] * A[j + k * N];
    } else if (nz->kind == NGD_NOISE_THM2) {
        double lam[NGD_MAXDIM], cii[NGD_MAXDIM];
        ngd_lambda(L, theta, lam, NULL, NULL);
        thm2_diag(nz, L->n, lam, cii);
        for (int i = 0; i < L->n; i++)
            C[i * N + i] = cii[i];
    }
}

int ngd_noise_apply(const ngd_loss *L, const ngd_noise *nz, const double *theta, const double *z,
                    double *xi)
{
    int N = L->N;
    for (int i = 0; i < N; i++)
        xi[i] = 0.0;
    if (nz->kind == NGD_NOISE_THM2) {
        double lam[NGD_MAXDIM], cii[NGD_MAXDIM];
        ngd_lambda(L, theta, lam, NULL, NULL);
        thm2_diag(nz, L->n, lam, cii);
        for (int i = 0; i < L->n; i++)
            xi[i] = sqrt(cii[i]) * z[i];
    } else if (nz->kind == NGD_NOISE_HESS) {
        double A[NGD_MAXDIM * NGD_MAXDIM], w[NGD_MAXDIM];
        ngd_hess(L, theta, A);
        for (int i = 0; i < N * N; i++)
            A[i] *= nz->c;
        /* Positive definite: ξ = Kz with cH = KKᵀ (Cholesky, lower factor
         * in column-major storage). */
        double K[NGD_MAXDIM * NGD_MAXDIM];
        memcpy(K, A, (size_t)N * N * sizeof *K);
        if (LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', N, K, N) == 0) {
            for (int i = 0; i < N; i++)
                for (int j = 0; j <= i; j++)
                    xi[i] += K[i + j * N] * z[j];
            return 0;
        }
        /* Indefinite: ξ = U diag(√max(w, 0)) z, covariance cH₊. */
        int info = sym_eig_small(N, A, w);
        if (info)
            return info;
        for (int k = 0; k < N; k++)
            if (w[k] > 0) {
                double s = sqrt(w[k]) * z[k];
                for (int i = 0; i < N; i++)
                    xi[i] += A[i + k * N] * s;
            }
    }
    return 0;
}

int ngd_step(const ngd_loss *L, const ngd_noise *nz, double eta, double *theta, rng_stream *r,
             double *xi_out)
{
    int N = L->N, rc = 0;
    double g[NGD_MAXDIM], z[NGD_MAXDIM], xi[NGD_MAXDIM] = {0};
    ngd_grad(L, theta, g);
    if (nz->kind != NGD_NOISE_NONE) {
        for (int i = 0; i < N; i++)
            z[i] = rng_normal(r);
        rc = ngd_noise_apply(L, nz, theta, z, xi);
    }
    /* >>> snippet wei-ngd-step */
    for (int i = 0; i < N; i++) /* θ ← θ − η (∇L(θ) + ξ),  ξ ~ N(0, C(θ)) */
        theta[i] -= eta * (g[i] + xi[i]);
    /* <<< snippet */
    if (xi_out)
        for (int i = 0; i < N; i++)
            xi_out[i] = xi[i];
    return rc;
}

void ngd_stationary_m2(const ngd_loss *L, const ngd_noise *nz, double eta, const double *theta,
                       int exact, double *m2)
{
    double lam[NGD_MAXDIM], cii[NGD_MAXDIM];
    ngd_lambda(L, theta, lam, NULL, NULL);
    ngd_noise_floor_diag(L, nz, theta, cii);
    for (int i = 0; i < L->n; i++)
        m2[i] = exact ? eta * cii[i] / (lam[i] * (2 - eta * lam[i])) : eta * cii[i] / (2 * lam[i]);
}

double ngd_drift_rate(const ngd_loss *L, const ngd_noise *nz, ngd_f h, double eta,
                      const double *theta, int exact)
{
    int n = L->n, m = L->N - n;
    double lam[NGD_MAXDIM], dlam[NGD_MAXDIM * NGD_MAXDIM], m2[NGD_MAXDIM], dh[NGD_MAXDIM];
    double dphi[NGD_MAXDIM];
    ngd_lambda(L, theta, lam, dlam, NULL);
    ngd_stationary_m2(L, nz, eta, theta, exact, m2);
    ngd_f_grad(h, n, lam, dh);
    ngd_floor(L, theta, dphi);
    /* >>> snippet wei-drift */
    /* E[Δφ] = −η(½ Σ_j E[θ_j²] ∇λ_j + ∇g);   E[Δh] = Σ_i ∂h/∂λ_i ∇λ_i·E[Δφ] */
    for (int a = 0; a < m; a++) {
        double s = dphi[a];
        for (int j = 0; j < n; j++)
            s += 0.5 * m2[j] * dlam[j * m + a];
        dphi[a] = -eta * s;
    }
    double rate = 0.0;
    for (int i = 0; i < n; i++)
        for (int a = 0; a < m; a++)
            rate += dh[i] * dlam[i * m + a] * dphi[a];
    /* <<< snippet */
    return rate;
}

void ngd_meanfield_step(const ngd_loss *L, const ngd_noise *nz, double eta, double *theta, double *m2)
{
    int n = L->n, m = L->N - n;
    double lam[NGD_MAXDIM], dlam[NGD_MAXDIM * NGD_MAXDIM], cii[NGD_MAXDIM], dphi[NGD_MAXDIM];
    ngd_lambda(L, theta, lam, dlam, NULL);
    ngd_noise_floor_diag(L, nz, theta, cii);
    ngd_floor(L, theta, dphi);
    for (int a = 0; a < m; a++) {
        double s = dphi[a];
        for (int j = 0; j < n; j++)
            s += 0.5 * m2[j] * dlam[j * m + a];
        theta[n + a] -= eta * s;
    }
    for (int i = 0; i < n; i++) {
        double a = 1 - eta * lam[i];
        m2[i] = a * a * m2[i] + eta * eta * cii[i];
    }
}
