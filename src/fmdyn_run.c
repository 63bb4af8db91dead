/* fmdyn_run.c — one run of one of ZHU's eight dynamics (fmdyn_run.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fmdyn.h"
#include "fmdyn_run.h"
#include "rng.h"

int fmdyn_is_train_pt(const fmdyn_plan *s, long t)
{
    return t <= s->early || t % s->log_every == 0 || t == s->iters;
}
int fmdyn_is_test_pt(const fmdyn_plan *s, long t)
{
    return (t <= s->early && t % s->early_test == 0) || t % s->test_every == 0 || t == s->iters;
}
int fmdyn_is_sharp_pt(const fmdyn_plan *s, long t)
{
    return t % s->sharp_every == 0 || t == s->iters;
}
long fmdyn_count_pts(const fmdyn_plan *s, int (*is)(const fmdyn_plan *, long))
{
    long n = 0;
    for (long t = 0; t <= s->iters; t++)
        n += is(s, t);
    return n;
}

static int needs_sigma(dyn_kind k)
{
    return k == DYN_GLD_DYNAMIC || k == DYN_GLD_DIAG || k == DYN_GLD_LEADING ||
           k == DYN_GLD_HESSIAN || k == DYN_GLD_EIGVEC1;
}
static size_t hess_rank(const fmdyn_plan *s, dyn_kind k)
{
    return k == DYN_GLD_HESSIAN ? s->cfg.k_hessian : k == DYN_GLD_EIGVEC1 ? 4 : 0;
}

/* One dynamic from θ*_GD; rep selects the random streams. */
void fmdyn_run_one(const fmdyn_plan *s, fmdyn_record *rec)
{
    size_t D = s->D, N = (size_t)s->train.n;
    dyn_kind kind = rec->kind;
    nn_eval *e = nn_eval_new(s->net);
    double *theta = SGDN_NEW(theta, D), *g = SGDN_NEW(g, D), *eps = SGDN_NEW(eps, D);
    memcpy(theta, s->theta0, D * sizeof *theta);
    rng_stream r;
    rng_init(&r, s->seed, 1000 + 100 * (uint64_t)kind + (uint64_t)rec->rep);
    double *G = needs_sigma(kind) ? SGDN_NEW(G, sgdn_mul(N, D)) : NULL;
    dyn_sigma sig = {0};
    size_t kh = hess_rank(s, kind);
    dyn_hess h = {0};
    double *Q = NULL, *resid = NULL;
    if (kh) {
        if (dyn_hess_alloc(&h, D, kh))
            rec->v[FMDYN_R_BAD] = 1;
        Q = SGDN_NEW(Q, D * kh), resid = SGDN_NEW(resid, kh);
        for (size_t i = 0; i < D; i++) /* warm start: the Lanczos vectors at θ*_GD */
            memcpy(Q + i * kh, s->Q0 + i * s->kq, kh * sizeof *Q);
    }
    dyn_noise nz;
    dyn_noise_init(&nz);
    if ((kind == DYN_GD || kind == DYN_GLD_CONST) && dyn_noise_prepare(&nz, kind, &s->cfg, D, NULL, NULL))
        rec->v[FMDYN_R_BAD] = 1;
    size_t *idx = SGDN_NEW(idx, s->m);
    long ptr = 0, pte = 0, pts = 0;
    for (long t = 0; t <= s->iters && !rec->v[FMDYN_R_BAD]; t++) {
        if (t % s->refresh == 0 && (G || kh)) {
            if (G) {
                nn_grad_per_sample(e, theta, s->train, G, NULL);
                if (t == 0) {
                    if (dyn_sigma_from_grads(&sig, D, N, G, s->m)) {
                        rec->v[FMDYN_R_BAD] = 1;
                        break;
                    }
                } else
                    dyn_sigma_update(&sig, G);
            }
            if (kh) {
                /* >>> snippet zhu-fm-dyn-hessian */
                fmdyn_hess hc = {e, theta, s->train};
                nn_hvp_prepare(e, theta, s->train); /* kh HVPs at one θ */
                int rc = fmdyn_subspace_step(D, fmdyn_hess_op, &hc, kh, Q, h.lam, h.U, resid);
                nn_hvp_release(e);
                /* <<< snippet */
                if (rc)
                    rec->v[FMDYN_R_BAD] = 1;
                rec->v[FMDYN_R_HRES] = fmax(rec->v[FMDYN_R_HRES], resid[0] / fabs(h.lam[0]));
                for (size_t j = 0; j < (kind == DYN_GLD_EIGVEC1 ? 1 : kh); j++)
                    rec->v[FMDYN_R_HRES_ALL] = fmax(rec->v[FMDYN_R_HRES_ALL], resid[j] / fabs(h.lam[0]));
            }
            if (rec->v[FMDYN_R_BAD] || dyn_noise_prepare(&nz, kind, &s->cfg, D, &sig, kh ? &h : NULL)) {
                rec->v[FMDYN_R_BAD] = 1;
                break;
            }
            if (t == 0)
                rec->v[FMDYN_R_NSQ0] = nz.expected_sq;
        }
        double loss;
        long correct = 0;
        if (kind == DYN_SGD) {
            for (long b = 0; b < s->m; b++)
                idx[b] = (size_t)rng_uniform_int(&r, N);
            nn_loss_grad(e, theta, (nn_data){s->train.x, s->train.y, idx, (int)s->m}, g, NULL);
            loss = fmdyn_is_train_pt(s, t) ? nn_loss_grad(e, theta, s->train, NULL, &correct) : 0.0;
        } else
            loss = nn_loss_grad(e, theta, s->train, g, &correct);
        if (!isfinite(loss)) {
            rec->v[FMDYN_R_BAD] = 1;
            break;
        }
        if (fmdyn_is_train_pt(s, t))
            rec->loss[ptr] = loss, rec->train_acc[ptr++] = (double)correct / N;
        if (fmdyn_is_test_pt(s, t)) {
            long ct = 0;
            nn_loss_grad(e, theta, s->test, NULL, &ct);
            rec->test_acc[pte++] = (double)ct / s->test.n;
            if (t == s->iters) /* which images: for the paired test of the change */
                rec->v[FMDYN_R_CNT_DIFF] = labs(fmdyn_correct(e, s->net, theta, s->test, rec->ok) - ct);
        }
        if (fmdyn_is_sharp_pt(s, t)) {
            /* the same ν_p at every θ (common random numbers): differences
             * between dynamics and times are not blurred by the draws */
            rec->sharp[pts] = t == 0 ? NAN
                                     : fmdyn_sharpness(e, D, theta, s->train, s->delta, (int)s->pairs,
                                                       s->seed, 7, &rec->sharp_se[pts], NULL);
            pts++;
        }
        if (t == s->iters)
            break;
        /* >>> snippet zhu-fm-dyn-step */
        if (kind == DYN_SGD)
            for (size_t k = 0; k < D; k++)
                theta[k] -= s->lr * g[k];               /* θ ← θ − η g_B */
        else {
            dyn_noise_draw(&nz, &r, eps);
            for (size_t k = 0; k < D; k++)
                theta[k] += s->lr * (eps[k] - g[k]);    /* θ ← θ − η∇L + ηε */
        }
        /* <<< snippet */
    }
    dyn_noise_free(&nz);
    if (G)
        dyn_sigma_free(&sig);
    if (kh)
        dyn_hess_free(&h);
    free(G), free(Q), free(resid), free(idx), free(theta), free(g), free(eps);
    nn_eval_free(e);
}
