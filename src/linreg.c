/* linreg.c — see linreg.h. */
#include "linreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_integration.h>

int linreg_data_gaussian(linreg_data *D, int d, long N, uint64_t seed, uint64_t stream)
{
    memset(D, 0, sizeof *D);
    if (d < 1 || N <= d)
        return -1;
    D->d = d, D->N = N;
    D->X = malloc((size_t)N * d * sizeof *D->X);
    D->y = malloc((size_t)N * sizeof *D->y);
    D->H = malloc((size_t)d * d * sizeof *D->H);
    D->theta_star = malloc((size_t)d * sizeof *D->theta_star);
    D->rstar = malloc((size_t)N * sizeof *D->rstar);
    D->HX = malloc((size_t)N * d * sizeof *D->HX);
    double *L = malloc((size_t)d * d * sizeof *L);
    if (!D->X || !D->y || !D->H || !D->theta_star || !D->rstar || !D->HX || !L) {
        free(L);
        linreg_data_free(D);
        return -1;
    }
    rng_stream r;
    rng_init(&r, seed, stream);
    for (long m = 0; m < N; m++) { /* row μ: x_μ then y_μ, in this order */
        rng_normal_fill(&r, D->X + m * d, (size_t)d);
        D->y[m] = rng_normal(&r);
    }
    /* H = XᵀX/N and b = Xᵀy/N, then θ* = H⁻¹b by Cholesky */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, (int)N, 1.0 / N, D->X, d, 0.0, D->H, d);
    for (int i = 0; i < d; i++)
        for (int j = 0; j < i; j++)
            D->H[i * d + j] = D->H[j * d + i];
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)N, d, 1.0 / N, D->X, d, D->y, 1, 0.0, D->theta_star, 1);
    memcpy(L, D->H, (size_t)d * d * sizeof *L);
    int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', d, 1, L, d, D->theta_star, 1);
    free(L);
    if (info) {
        linreg_data_free(D);
        return -1;
    }
    double s = 0.0;
    for (long m = 0; m < N; m++) {
        D->rstar[m] = cblas_ddot(d, D->theta_star, 1, D->X + m * d, 1) - D->y[m];
        s += D->rstar[m] * D->rstar[m];
    }
    D->Lstar = s / (2.0 * N);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, d, d, 1.0, D->X, d, D->H, d,
                0.0, D->HX, d); /* row μ: x_μᵀH = (Hx_μ)ᵀ */
    return 0;
}

void linreg_data_free(linreg_data *D)
{
    free(D->X), free(D->y), free(D->H), free(D->theta_star), free(D->rstar), free(D->HX);
    memset(D, 0, sizeof *D);
}

double linreg_loss_direct(const linreg_data *D, const double *theta)
{
    double s = 0.0;
    for (long m = 0; m < D->N; m++) {
        double r = cblas_ddot(D->d, theta, 1, D->X + m * D->d, 1) - D->y[m];
        s += r * r;
    }
    return s / (2.0 * D->N);
}

double linreg_loss(const linreg_data *D, const double *theta)
{
    int d = D->d;
    double q = 0.0;
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            q += (theta[i] - D->theta_star[i]) * D->H[i * d + j] * (theta[j] - D->theta_star[j]);
    return D->Lstar + 0.5 * q;
}

double linreg_noise_factor(long N, int B)
{
    return (double)(N - B) / ((double)B * (N - 1));
}

void linreg_noise_cov(const linreg_data *D, const double *theta, int B, double *S)
{
    int d = D->d;
    long N = D->N;
    double *g = calloc((size_t)d, sizeof *g), *w = malloc((size_t)d * sizeof *w);
    memset(S, 0, (size_t)d * d * sizeof *S);
    /* (1/N) Σ r_μ² x_μx_μᵀ as one rank-1 update per sample (upper triangle) */
    for (long m = 0; m < N; m++) {
        const double *x = D->X + m * d;
        double r = cblas_ddot(d, theta, 1, x, 1) - D->y[m];
        for (int i = 0; i < d; i++) {
            g[i] += r * x[i] / N;
            w[i] = r * x[i];
        }
        cblas_dsyr(CblasRowMajor, CblasUpper, d, 1.0 / N, w, 1, S, d);
    }
    double c = linreg_noise_factor(N, B);
    for (int i = 0; i < d; i++)
        for (int j = i; j < d; j++) {
            S[i * d + j] = c * (S[i * d + j] - g[i] * g[j]);
            S[j * d + i] = S[i * d + j];
        }
    free(g), free(w);
}

void linreg_noise_cov_decoupled(const linreg_data *D, const double *theta, int B, double *S)
{
    int d = D->d;
    double L = linreg_loss(D, theta);
    for (int i = 0; i < d * d; i++)
        S[i] = 2.0 * L / B * D->H[i];
}

int linreg_sgd_init(linreg_sgd *s, const linreg_data *D, int B)
{
    memset(s, 0, sizeof *s);
    if (B < 1 || B > D->N)
        return -1;
    int d = D->d;
    s->B = B;
    s->u = calloc((size_t)d, sizeof *s->u);
    s->v = calloc((size_t)d, sizeof *s->v);
    s->g = calloc((size_t)d, sizeof *s->g);
    s->gh = calloc((size_t)d, sizeof *s->gh);
    s->batch = malloc((size_t)B * sizeof *s->batch);
    if (B > 1)
        s->stamp = calloc((size_t)D->N, sizeof *s->stamp);
    if (!s->u || !s->v || !s->g || !s->gh || !s->batch || (B > 1 && !s->stamp)) {
        linreg_sgd_free(s);
        return -1;
    }
    return 0;
}

void linreg_sgd_free(linreg_sgd *s)
{
    free(s->u), free(s->v), free(s->g), free(s->gh), free(s->batch), free(s->stamp);
    memset(s, 0, sizeof *s);
}

static void resync(linreg_sgd *s, const linreg_data *D)
{
    cblas_dgemv(CblasRowMajor, CblasNoTrans, D->d, D->d, 1.0, D->H, D->d, s->u, 1, 0.0, s->v, 1);
}

void linreg_sgd_set(linreg_sgd *s, const linreg_data *D, const double *theta)
{
    for (int i = 0; i < D->d; i++)
        s->u[i] = theta ? theta[i] - D->theta_star[i] : 0.0;
    resync(s, D);
    s->k = 0;
}

/* Floyd's algorithm: for j = N−B, …, N−1 draw t uniform in [0, j]; take t
 * unless already taken, then take j.  Every B-subset is equally likely.
 * "Taken" is a stamp equal to the current draw's id, so the array is never
 * cleared (it is reset once every 2³² − 1 draws). */
void linreg_draw_batch(linreg_sgd *s, long N, rng_stream *r)
{
    if (s->B == 1) {
        s->batch[0] = (long)rng_uniform_int(r, (uint64_t)N);
        return;
    }
    if (++s->stamp_id == 0) {
        memset(s->stamp, 0, (size_t)N * sizeof *s->stamp);
        s->stamp_id = 1;
    }
    int b = 0;
    for (long j = N - s->B; j < N; j++) {
        long t = (long)rng_uniform_int(r, (uint64_t)j + 1);
        if (s->stamp[t] == s->stamp_id)
            t = j;
        s->stamp[t] = s->stamp_id;
        s->batch[b++] = t;
    }
}

void linreg_sgd_step(linreg_sgd *s, const linreg_data *D, double eta, rng_stream *r)
{
    int d = D->d, B = s->B;
    linreg_draw_batch(s, D->N, r);
    /* >>> snippet linreg-step */
    /* r_μ = θᵀx_μ − y_μ = uᵀx_μ + r*_μ;  u ← u − (η/B) Σ r_μ x_μ,  and
     * v = Hu follows with the stored Hx_μ, so L = L* + ½uᵀv stays O(dB). */
    if (d == 1) {
        double gs = 0.0, gv = 0.0;
        for (int b = 0; b < B; b++) {
            long m = s->batch[b];
            double rr = s->u[0] * D->X[m] + D->rstar[m];
            gs += rr * D->X[m];
            gv += rr * D->HX[m];
        }
        s->u[0] -= eta / B * gs;
        s->v[0] -= eta / B * gv;
    } else {
        /* residuals first (all at the same θ), then the update */
        memset(s->g, 0, (size_t)d * sizeof *s->g);
        memset(s->gh, 0, (size_t)d * sizeof *s->gh);
        for (int b = 0; b < B; b++) {
            long m = s->batch[b];
            const double *x = D->X + m * d, *hx = D->HX + m * d;
            double rr = D->rstar[m];
            for (int i = 0; i < d; i++)
                rr += s->u[i] * x[i];
            for (int i = 0; i < d; i++) {
                s->g[i] += rr * x[i];
                s->gh[i] += rr * hx[i];
            }
        }
        for (int i = 0; i < d; i++) {
            s->u[i] -= eta / B * s->g[i];
            s->v[i] -= eta / B * s->gh[i];
        }
    }
    /* <<< snippet */
    if (++s->k % LINREG_RESYNC == 0)
        resync(s, D);
}

double linreg_sgd_logratio(const linreg_sgd *s, const linreg_data *D)
{
    double q = 0.0;
    for (int i = 0; i < D->d; i++)
        q += s->u[i] * s->v[i];
    return log1p(0.5 * q / D->Lstar);
}

/* ψ(φ) − ψ(φ − ½) falls monotonically from +∞ (φ → ½) to 0 (~1/(2φ) as
 * φ → ∞): bisection in log(φ − ½) finds the root to machine precision. */
double linreg_phi_from_meanlog(double m)
{
    if (!(m > 0))
        return m == 0 ? INFINITY : NAN;
    double lo = log(1e-12), hi = log(1e15);
    for (int it = 0; it < 200 && hi - lo > 1e-14; it++) {
        double mid = 0.5 * (lo + hi), phi = 0.5 + exp(mid);
        double f = gsl_sf_psi(phi) - gsl_sf_psi(phi - 0.5);
        if (f > m)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 + exp(0.5 * (lo + hi));
}

double linreg_phi_dmeanlog(double phi)
{
    return gsl_sf_psi_1(phi) - gsl_sf_psi_1(phi - 0.5);
}

double linreg_radial_drift(double rho, void *p)
{
    const linreg_radial *q = p;
    return -q->hdrift * rho + q->eta * q->c * (q->d - 1) * (2 * q->Lstar + rho * rho) / (2 * rho);
}

double linreg_radial_var(double rho, void *p)
{
    const linreg_radial *q = p;
    return q->eta * q->c * (2 * q->Lstar + (q->decoupled ? 1.0 : 2.0) * rho * rho);
}

/* --- the top Lyapunov exponent ------------------------------------------- */

double linreg_tangent_step(linreg_sgd *s, const linreg_data *D, double eta, double *e, rng_stream *r)
{
    int d = D->d, B = s->B;
    linreg_draw_batch(s, D->N, r);
    /* >>> snippet linreg-tangent */
    /* e ← M e = e − (η/B) Σ x_μ (x_μᵀe); return log|Me| and renormalise */
    memset(s->g, 0, (size_t)d * sizeof *s->g);
    for (int b = 0; b < B; b++) {
        const double *x = D->X + s->batch[b] * d;
        double p = 0;
        for (int i = 0; i < d; i++)
            p += x[i] * e[i];
        for (int i = 0; i < d; i++)
            s->g[i] += p * x[i];
    }
    double n2 = 0;
    for (int i = 0; i < d; i++) {
        e[i] -= eta / B * s->g[i];
        n2 += e[i] * e[i];
    }
    double nrm = sqrt(n2);
    for (int i = 0; i < d; i++)
        e[i] /= nrm;
    return log(nrm);
    /* <<< snippet */
}

typedef struct {
    int d, B;
    double eta, S;
    gsl_integration_workspace *wi;
} lyap_par;

/* χ²_k density at x (k ≥ 1). */
static double chisq_pdf(double x, int k)
{
    return exp((k / 2.0 - 1) * log(x) - x / 2 - (k / 2.0) * M_LN2 - lgamma(k / 2.0));
}

static double lyap_inner(double Q, void *vp)
{
    const lyap_par *p = vp;
    double a = 1 - p->eta * p->S / p->B, b = p->eta * p->eta * p->S / ((double)p->B * p->B);
    return log(a * a + b * Q) * chisq_pdf(Q, p->d - 1);
}

/* E_Q log[(1 − ηS/B)² + η²SQ/B²] at fixed S (or log|1 − ηS/B|² for d = 1),
 * times the χ²_B density of S. */
static double lyap_outer(double S, void *vp)
{
    lyap_par *p = vp;
    double v, e;
    if (p->d == 1) {
        double a = 1 - p->eta * S / p->B;
        v = log(a * a);
    } else {
        p->S = S;
        gsl_function F = {lyap_inner, p};
        gsl_integration_qagiu(&F, 0, 1e-12, 1e-10, 1000, p->wi, &v, &e);
    }
    return v * chisq_pdf(S, p->B);
}

int linreg_lyapunov_population(int d, int B, double eta, double *lambda, double *err)
{
    if (d < 1 || B < 1 || !(eta > 0))
        return -1;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_integration_workspace *wo = gsl_integration_workspace_alloc(1000);
    lyap_par p = {d, B, eta, 0, gsl_integration_workspace_alloc(1000)};
    gsl_function F = {lyap_outer, &p};
    /* split at S = B/η, where 1 − ηS/B vanishes (a log singularity for d = 1) */
    double s0 = B / eta, v1, e1, v2, e2;
    int st = gsl_integration_qags(&F, 0, s0, 1e-12, 1e-9, 1000, wo, &v1, &e1);
    st |= gsl_integration_qagiu(&F, s0, 1e-12, 1e-9, 1000, wo, &v2, &e2);
    gsl_integration_workspace_free(p.wi);
    gsl_integration_workspace_free(wo);
    gsl_set_error_handler(old);
    *lambda = 0.5 * (v1 + v2);
    *err = 0.5 * (e1 + e2);
    return st || !isfinite(*lambda) ? -1 : 0;
}

int linreg_data_whiten(linreg_data *D)
{
    int d = D->d;
    long N = D->N;
    double *L = malloc((size_t)d * d * sizeof *L);
    if (!L)
        return -1;
    memcpy(L, D->H, (size_t)d * d * sizeof *L);
    if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', d, L, d)) {
        free(L);
        return -1;
    }
    /* X ← X L⁻ᵀ (H = LLᵀ), so XᵀX/N = I; θ* ← Lᵀθ* keeps every prediction */
    cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)N, d, 1.0, L, d, D->X, d);
    cblas_dtrmv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, d, L, d, D->theta_star, 1);
    free(L);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, (int)N, 1.0 / N, D->X, d, 0.0, D->H, d);
    for (int i = 0; i < d; i++)
        for (int j = 0; j < i; j++)
            D->H[i * d + j] = D->H[j * d + i];
    double s = 0.0;
    for (long m = 0; m < N; m++) {
        D->rstar[m] = cblas_ddot(d, D->theta_star, 1, D->X + m * d, 1) - D->y[m];
        s += D->rstar[m] * D->rstar[m];
    }
    D->Lstar = s / (2.0 * N);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, d, d, 1.0, D->X, d, D->H, d, 0.0, D->HX, d);
    return isfinite(D->Lstar) ? 0 : -1;
}
