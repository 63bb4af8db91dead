/* dynamics.c — see dynamics.h. */
#include "dynamics.h"
#include "err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "linalg.h"

static const char *names[DYN_COUNT] = {"GD",        "GLD const",   "GLD dynamic",       "GLD diag",
                                       "GLD leading", "GLD Hessian", "GLD 1st eigvec(H)", "SGD"};
static const char *keys[DYN_COUNT] = {"gd",          "gld-const",   "gld-dynamic", "gld-diag",
                                      "gld-leading", "gld-hessian", "gld-eigvec1", "sgd"};

const char *dyn_name(dyn_kind k) { return k < DYN_COUNT ? names[k] : "?"; }
const char *dyn_key(dyn_kind k) { return k < DYN_COUNT ? keys[k] : "?"; }

int dyn_parse(const char *key, dyn_kind *k)
{
    for (int i = 0; i < DYN_COUNT; i++)
        if (!strcmp(key, keys[i])) {
            *k = (dyn_kind)i;
            return 0;
        }
    return -1;
}

/* --- Σ_sgd as a factor --------------------------------------------------- */

int dyn_sigma_from_grads(dyn_sigma *s, size_t D, size_t N, const double *G, long m)
{
    memset(s, 0, sizeof *s);
    if (!D || !N || m < 1)
        return -1;
    s->D = D, s->N = N, s->m = m;
    s->R = SGDN_NEW(s->R, N * D);
    s->G = SGDN_NEW(s->G, N * D);
    s->mean = SGDN_NEW0(s->mean, D);
    dyn_sigma_update(s, G);
    return 0;
}

void dyn_sigma_update(dyn_sigma *s, const double *G)
{
    size_t D = s->D, N = s->N;
    long m = s->m;
    memcpy(s->G, G, N * D * sizeof *G);
    memset(s->mean, 0, D * sizeof *s->mean);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++)
            s->mean[j] += G[i * D + j];
    for (size_t j = 0; j < D; j++)
        s->mean[j] /= (double)N;
    /* Eq. 5: Σ_sgd = (1/m)[(1/N)Σ g_i g_iᵀ − ḡḡᵀ] = (1/(mN)) Σ (g_i − ḡ)(g_i − ḡ)ᵀ */
    double c = 1.0 / sqrt((double)m * (double)N);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++)
            s->R[i * D + j] = c * (G[i * D + j] - s->mean[j]);
}

int dyn_sigma_from_dense(dyn_sigma *s, size_t D, const double *S)
{
    memset(s, 0, sizeof *s);
    int n = (int)D;
    double *w = SGDN_NEW(w, D), *U = SGDN_NEW(U, D * D);
    int rc = linalg_sym_eig(n, S, w, U);
    if (rc == 0) {
        /* Σ = U Λ Uᵀ = RᵀR with row k of R = √λ_k u_kᵀ. */
        s->D = s->N = D;
        s->R = SGDN_NEW(s->R, D * D);
        for (size_t k = 0; k < D; k++) {
            double r = w[k] > 0 ? sqrt(w[k]) : 0.0;
            for (size_t i = 0; i < D; i++)
                s->R[k * D + i] = r * U[i * D + k];
        }
    }
    free(w), free(U);
    return rc;
}

void dyn_sigma_free(dyn_sigma *s)
{
    free(s->R), free(s->G), free(s->mean);
    memset(s, 0, sizeof *s);
}

double dyn_sigma_trace(const dyn_sigma *s)
{
    double t = 0.0;
    for (size_t i = 0; i < s->N * s->D; i++)
        t += s->R[i] * s->R[i];
    return t;
}

void dyn_sigma_diag(const dyn_sigma *s, double *d)
{
    memset(d, 0, s->D * sizeof *d);
    for (size_t n = 0; n < s->N; n++)
        for (size_t i = 0; i < s->D; i++)
            d[i] += s->R[n * s->D + i] * s->R[n * s->D + i];
}

void dyn_sigma_dense(const dyn_sigma *s, double *S)
{
    int D = (int)s->D, N = (int)s->N;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, D, N, 1.0, s->R, D, s->R, D, 0.0, S, D);
}

int dyn_sigma_top(const dyn_sigma *s, size_t k, double *gamma, double *V)
{
    size_t D = s->D, N = s->N;
    if (k > D || k > N)
        return -1;
    int rc;
    if (D <= N) {
        double *S = SGDN_NEW(S, D * D), *w = SGDN_NEW(w, D), *U = SGDN_NEW(U, D * D);
        dyn_sigma_dense(s, S);
        rc = linalg_sym_eig((int)D, S, w, U);
        for (size_t j = 0; j < k && !rc; j++) {
            gamma[j] = fmax(w[j], 0.0);
            for (size_t i = 0; i < D; i++)
                V[i * k + j] = U[i * D + j];
        }
        free(S), free(w), free(U);
        return rc;
    }
    /* Gram route: R Rᵀ w = μ w  ⇒  (RᵀR)(Rᵀw) = μ (Rᵀw), and |Rᵀw|² = μ. */
    double *K = SGDN_NEW(K, N * N), *w = SGDN_NEW(w, N), *W = SGDN_NEW(W, N * N);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)N, (int)D, 1.0, s->R, (int)D,
                s->R, (int)D, 0.0, K, (int)N);
    rc = linalg_sym_eig((int)N, K, w, W);
    if (!rc) {
        double *wk = SGDN_NEW(wk, N * k), *v = SGDN_NEW(v, D * k);
        for (size_t n = 0; n < N; n++)
            for (size_t j = 0; j < k; j++)
                wk[n * k + j] = W[n * N + j];
        /* v = Rᵀ W_k  (D×k) */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)D, (int)k, (int)N, 1.0, s->R,
                    (int)D, wk, (int)k, 0.0, v, (int)k);
        for (size_t j = 0; j < k; j++) {
            gamma[j] = fmax(w[j], 0.0);
            double inv = gamma[j] > 0 ? 1.0 / sqrt(w[j]) : 0.0;
            for (size_t i = 0; i < D; i++)
                V[i * k + j] = v[i * k + j] * inv;
        }
        free(wk), free(v);
    }
    free(K), free(w), free(W);
    return rc;
}

/* --- H through its top eigenpairs ----------------------------------------- */

int dyn_hess_alloc(dyn_hess *h, size_t D, size_t k)
{
    h->D = D, h->k = k;
    h->lam = SGDN_NEW0(h->lam, k);
    h->U = SGDN_NEW0(h->U, D * k);
    return h->lam && h->U ? 0 : -1;
}

int dyn_hess_from_dense(dyn_hess *h, size_t D, const double *H, size_t k)
{
    if (k > D || dyn_hess_alloc(h, D, k))
        return -1;
    return dyn_hess_update_dense(h, H);
}

int dyn_hess_update_dense(dyn_hess *h, const double *H)
{
    size_t D = h->D, k = h->k;
    double *w = SGDN_NEW(w, D), *U = SGDN_NEW(U, D * D);
    int rc = linalg_sym_eig((int)D, H, w, U);
    for (size_t j = 0; j < k && !rc; j++) {
        h->lam[j] = w[j];
        for (size_t i = 0; i < D; i++)
            h->U[i * k + j] = U[i * D + j];
    }
    free(w), free(U);
    return rc;
}

void dyn_hess_free(dyn_hess *h)
{
    free(h->lam), free(h->U);
    memset(h, 0, sizeof *h);
}

/* --- configurations -------------------------------------------------------- */

dyn_config dyn_config_paper(double rho2, size_t k_leading, size_t k_hessian)
{
    dyn_config c = {.target_sq = -1.0, .rho2 = rho2, .k_leading = k_leading, .k_hessian = k_hessian,
                    .match = DYN_BIT(DYN_GLD_DYNAMIC) | DYN_BIT(DYN_GLD_HESSIAN) | DYN_BIT(DYN_GLD_EIGVEC1)};
    return c;
}

dyn_config dyn_config_all(double target, size_t k_leading, size_t k_hessian)
{
    dyn_config c = {.target_sq = target, .rho2 = target, .k_leading = k_leading,
                    .k_hessian = k_hessian, .match = ~0u & ~DYN_BIT(DYN_GD)};
    return c;
}

/* --- the noise of one dynamic ---------------------------------------------- */

void dyn_noise_init(dyn_noise *n) { memset(n, 0, sizeof *n); }

void dyn_noise_free(dyn_noise *n)
{
    free(n->sd), free(n->V), free(n->z);
    memset(n, 0, sizeof *n);
}

static double *grow(double *p, size_t *cap, size_t need)
{
    if (need > *cap) {
        free(p);
        p = SGDN_NEW(p, need);
        *cap = need;
    }
    return p;
}

int dyn_noise_prepare(dyn_noise *n, dyn_kind kind, const dyn_config *c, size_t D,
                      const dyn_sigma *S, const dyn_hess *H)
{
    if (kind >= DYN_COUNT || !D)
        return -1;
    int matched = kind == DYN_GLD_DYNAMIC || kind == DYN_GLD_HESSIAN || kind == DYN_GLD_EIGVEC1 ||
                  (kind != DYN_GD && (c->match & DYN_BIT(kind)));
    int needS = kind == DYN_GLD_DIAG || kind == DYN_GLD_LEADING || kind == DYN_SGD ||
                (matched && c->target_sq < 0);
    int needH = kind == DYN_GLD_HESSIAN || kind == DYN_GLD_EIGVEC1;
    if ((needS && (!S || S->D != D)) || (needH && (!H || H->D != D || !H->k)))
        return -1;
    n->kind = kind, n->D = D, n->scale = 1.0, n->degenerate = 0, n->sigma = NULL, n->k = 0;
    double nat = 0.0; /* E|ε|² of the unscaled form */
    switch (kind) {
    case DYN_GD:
        n->form = DYN_FORM_ZERO;
        break;
    case DYN_GLD_CONST:
    case DYN_GLD_DYNAMIC:
        n->form = DYN_FORM_ISO;
        n->sd = grow(n->sd, &n->cap_sd, 1);
        n->sd[0] = kind == DYN_GLD_CONST ? sqrt(c->rho2) : 1.0;
        nat = n->sd[0] * n->sd[0] * (double)D;
        break;
    case DYN_GLD_DIAG:
        n->form = DYN_FORM_DIAG;
        n->sd = grow(n->sd, &n->cap_sd, D);
        dyn_sigma_diag(S, n->sd);
        for (size_t i = 0; i < D; i++) {
            nat += n->sd[i];
            n->sd[i] = sqrt(n->sd[i]);
        }
        break;
    case DYN_GLD_LEADING: {
        size_t kmax = S->D < S->N ? S->D : S->N;
        if (c->k_leading >= kmax) {
            /* Σ_k = Σ: draw from the factor directly, same law, no eigen-solve. */
            n->form = DYN_FORM_FACTOR;
            n->sigma = S;
            nat = dyn_sigma_trace(S);
            break;
        }
        size_t k = c->k_leading;
        double *gam = SGDN_NEW(gam, k);
        n->V = grow(n->V, &n->cap_V, D * k);
        int rc = dyn_sigma_top(S, k, gam, n->V);
        if (rc) {
            free(gam);
            return rc;
        }
        for (size_t j = 0; j < k; j++) {
            nat += gam[j];
            for (size_t i = 0; i < D; i++)
                n->V[i * k + j] *= sqrt(gam[j]);
        }
        free(gam);
        n->form = DYN_FORM_LOWRANK, n->k = k;
        break;
    }
    case DYN_GLD_HESSIAN:
    case DYN_GLD_EIGVEC1: {
        /* H_k with negative eigenvalues clipped to zero; 1st eigvec: k = 1. */
        size_t k = kind == DYN_GLD_EIGVEC1 ? 1 : (c->k_hessian < H->k ? c->k_hessian : H->k);
        n->V = grow(n->V, &n->cap_V, D * k);
        for (size_t j = 0; j < k; j++) {
            double l = fmax(H->lam[j], 0.0);
            nat += l;
            for (size_t i = 0; i < D; i++)
                n->V[i * k + j] = sqrt(l) * H->U[i * H->k + j];
        }
        n->form = DYN_FORM_LOWRANK, n->k = k;
        break;
    }
    case DYN_SGD:
        n->form = S->m > 0 && S->G ? DYN_FORM_MINIBATCH : DYN_FORM_FACTOR;
        n->sigma = S;
        nat = dyn_sigma_trace(S);
        break;
    default:
        return -1;
    }
    if (matched) {
        double target = c->target_sq >= 0 ? c->target_sq : dyn_sigma_trace(S);
        if (nat > 0) {
            n->scale = sqrt(target / nat); /* E|scale·ε₀|² = scale²·nat = target */
            nat = target;
        } else if (target > 0) {
            n->degenerate = 1, n->form = DYN_FORM_ZERO;
        }
    }
    n->expected_sq = nat;
    size_t nz = n->form == DYN_FORM_LOWRANK ? n->k : n->form == DYN_FORM_FACTOR ? n->sigma->N : 0;
    n->z = grow(n->z, &n->cap_z, nz ? nz : 1);
    return 0;
}

void dyn_noise_draw(dyn_noise *n, rng_stream *r, double *eps)
{
    size_t D = n->D;
    switch (n->form) {
    case DYN_FORM_ZERO:
        memset(eps, 0, D * sizeof *eps);
        return;
    case DYN_FORM_ISO:
        for (size_t i = 0; i < D; i++)
            eps[i] = n->scale * n->sd[0] * rng_normal(r);
        return;
    case DYN_FORM_DIAG:
        for (size_t i = 0; i < D; i++)
            eps[i] = n->scale * n->sd[i] * rng_normal(r);
        return;
    case DYN_FORM_LOWRANK:
        /* ε = scale · V z, z ~ N(0, I_k): Cov = scale² V Vᵀ */
        rng_normal_fill(r, n->z, n->k);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)D, (int)n->k, n->scale, n->V, (int)n->k, n->z, 1,
                    0.0, eps, 1);
        return;
    case DYN_FORM_FACTOR:
        /* ε = scale · Rᵀ z, z ~ N(0, I_N): Cov = scale² RᵀR = scale² Σ */
        rng_normal_fill(r, n->z, n->sigma->N);
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)n->sigma->N, (int)D, n->scale, n->sigma->R, (int)D,
                    n->z, 1, 0.0, eps, 1);
        return;
    case DYN_FORM_MINIBATCH: {
        /* ε = (1/m) Σ_b (g_{i_b} − ḡ), i_b uniform with replacement:
         * Cov = (1/m) Cov(g_i) = Σ_sgd (Eq. 5). */
        const dyn_sigma *s = n->sigma;
        memset(eps, 0, D * sizeof *eps);
        for (long b = 0; b < s->m; b++) {
            const double *g = s->G + rng_uniform_int(r, s->N) * D;
            for (size_t i = 0; i < D; i++)
                eps[i] += g[i] - s->mean[i];
        }
        for (size_t i = 0; i < D; i++)
            eps[i] *= n->scale / (double)s->m;
        return;
    }
    }
}

void dyn_noise_cov_dense(const dyn_noise *n, double *C)
{
    size_t D = n->D;
    double s2 = n->scale * n->scale;
    memset(C, 0, D * D * sizeof *C);
    switch (n->form) {
    case DYN_FORM_ZERO:
        return;
    case DYN_FORM_ISO:
    case DYN_FORM_DIAG:
        for (size_t i = 0; i < D; i++) {
            double sd = n->form == DYN_FORM_ISO ? n->sd[0] : n->sd[i];
            C[i * D + i] = s2 * sd * sd;
        }
        return;
    case DYN_FORM_LOWRANK:
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)D, (int)D, (int)n->k, s2, n->V,
                    (int)n->k, n->V, (int)n->k, 0.0, C, (int)D);
        return;
    case DYN_FORM_FACTOR:
    case DYN_FORM_MINIBATCH:
        dyn_sigma_dense(n->sigma, C);
        for (size_t i = 0; i < D * D; i++)
            C[i] *= s2;
        return;
    }
}

/* xᵀ H x for dense H. */
static double quad(size_t D, const double *H, const double *x, size_t stride)
{
    double q = 0.0;
    for (size_t i = 0; i < D; i++) {
        double hx = 0.0;
        for (size_t j = 0; j < D; j++)
            hx += H[i * D + j] * x[j * stride];
        q += x[i * stride] * hx;
    }
    return q;
}

double dyn_noise_trace_h(const dyn_noise *n, const double *H)
{
    size_t D = n->D;
    double s2 = n->scale * n->scale, t = 0.0;
    switch (n->form) {
    case DYN_FORM_ZERO:
        return 0.0;
    case DYN_FORM_ISO:
    case DYN_FORM_DIAG:
        for (size_t i = 0; i < D; i++) {
            double sd = n->form == DYN_FORM_ISO ? n->sd[0] : n->sd[i];
            t += H[i * D + i] * sd * sd;
        }
        return s2 * t;
    case DYN_FORM_LOWRANK:
        /* Tr(H V Vᵀ) = Σ_j V_jᵀ H V_j */
        for (size_t j = 0; j < n->k; j++)
            t += quad(D, H, n->V + j, n->k);
        return s2 * t;
    case DYN_FORM_FACTOR:
    case DYN_FORM_MINIBATCH:
        /* Tr(H RᵀR) = Σ_n R_n H R_nᵀ */
        for (size_t r = 0; r < n->sigma->N; r++)
            t += quad(D, H, n->sigma->R + r * D, 1);
        return s2 * t;
    }
    return 0.0;
}

double dyn_trace_factors(size_t D, size_t P, const double *B, size_t N, const double *R)
{
    double *M = SGDN_NEW(M, P * N), t = 0.0;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)P, (int)N, (int)D, 1.0, B, (int)D, R,
                (int)D, 0.0, M, (int)N);
    for (size_t i = 0; i < P * N; i++)
        t += M[i] * M[i];
    free(M);
    return t;
}

void dyn_glm_traces_gram(size_t N, size_t D, const double *K, const double *c, const double *r,
                         dyn_glm_traces *t)
{
    double *Kr = SGDN_NEW(Kr, N), trH = 0.0, s2 = 0.0, g2 = 0.0, hs = 0.0;
    /* Kr = K r / N = (J_i·ḡ)_i */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)N, 1.0 / (double)N, K, (int)N, r, 1, 0.0, Kr, 1);
    for (size_t i = 0; i < N; i++) {
        trH += c[i] * K[i * N + i];
        s2 += r[i] * r[i] * K[i * N + i];
        g2 += r[i] * Kr[i];
    }
    trH /= (double)N, s2 /= (double)N, g2 /= (double)N;
    for (size_t i = 0; i < N; i++) {
        if (c[i] == 0.0)
            continue;
        double a = 0.0;
        for (size_t j = 0; j < N; j++)
            a += r[j] * r[j] * K[i * N + j] * K[i * N + j];
        hs += c[i] * (a / (double)N - Kr[i] * Kr[i]);
    }
    t->trH = trH;
    t->gnorm2 = g2;
    t->trS = s2 - g2;
    t->trHS = hs / (double)N;
    t->trHSbar = trH * t->trS / (double)D;
    free(Kr);
}
