/* zhu_toy — ZHU-TOY: escape of the compared dynamics from the sharp minimum
 * of the 2-D toy landscape (Zhu et al., ICML §5.1, Fig. 2, App. D.1).
 *
 *   ℓ(w; x) = min{ 10(s1 cosθ − s2 sinθ)² + 100(s1 cosθ + s2 sinθ)²,
 *                  (w1 − x1 + 1)² + (w2 − x2 + 1)² },   s = w − 1 − x, θ = π/4,
 *   L(w) = (1/N) Σ_k ℓ(w; x_k),
 * a sharp basin near (1, 1) (Hessian eigenvalues 200 and 20) and a flat one
 * near (−1, −1) (Hessian 2I).  Every dynamic starts at (1, 1) and runs
 *   w ← w − η∇L(w) + ε_t,   E|ε_t|² = 0.01 for every noisy dynamic,
 * with ε_t drawn by dynamics.h from the current Σ_sgd and H.  Success: both
 * coordinates below −0.5 after the last iteration.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dynamics.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "err.h"
#include "stats.h"

#define ND 7
static const dyn_kind kinds[ND] = {DYN_GD,          DYN_GLD_CONST,   DYN_GLD_DIAG, DYN_GLD_LEADING,
                                   DYN_GLD_HESSIAN, DYN_GLD_EIGVEC1, DYN_SGD};

typedef struct {
    long runs, iters, npoints, batch;
    double lr, noise, thresh;
} params;

typedef struct {
    long N;
    double *x; /* N×2 data points */
    double Hs[4], Hf[4];
} toy;

static const double C45 = 0.70710678118654752440; /* cos π/4 = sin π/4 */

/* The protocol's reading of "x ~ N(0, Σ)" with Σ a rotation matrix:
 * x = 0.01·(z1√10, z2)·K, K = [[c, −s], [s, c]], a row vector times K.
 * Then Cov x = 10⁻⁴ Kᵀdiag(10, 1)K = 0.02·H_sharp⁻¹: the data covariance is
 * the inverse sharp Hessian, as App. D.1 says it should be. */
static void toy_make(toy *t, long N, rng_stream *r)
{
    t->N = N;
    t->x = SGDN_NEW(t->x, 2 * N);
    for (long k = 0; k < N; k++) {
        double z1 = 0.01 * sqrt(10.0) * rng_normal(r), z2 = 0.01 * rng_normal(r);
        t->x[2 * k] = z1 * C45 + z2 * C45;
        t->x[2 * k + 1] = -z1 * C45 + z2 * C45;
    }
    /* sharp branch: ∇²[10a² + 100b²], a = (s1 − s2)c, b = (s1 + s2)c */
    double e = 20 * C45 * C45, f = 200 * C45 * C45;
    t->Hs[0] = t->Hs[3] = e + f;
    t->Hs[1] = t->Hs[2] = f - e;
    t->Hf[0] = t->Hf[3] = 2.0;
    t->Hf[1] = t->Hf[2] = 0.0;
}

/* >>> snippet zhu-toy-loss */
/* Per-sample gradients G (N×2), the full gradient g, the Hessian H (a.e.:
 * each sample contributes the Hessian of its active branch) and L. */
static double toy_eval(const toy *t, const double *w, double *G, double *g, double *H)
{
    double L = 0.0;
    int nsharp = 0;
    g[0] = g[1] = 0.0;
    for (long k = 0; k < t->N; k++) {
        const double *x = t->x + 2 * k;
        double s1 = w[0] - 1 - x[0], s2 = w[1] - 1 - x[1];
        double a = (s1 - s2) * C45, b = (s1 + s2) * C45;
        double sharp = 10 * a * a + 100 * b * b;
        double f1 = w[0] - x[0] + 1, f2 = w[1] - x[1] + 1, flat = f1 * f1 + f2 * f2;
        double *gk = G + 2 * k;
        if (sharp < flat) {
            gk[0] = (20 * a + 200 * b) * C45, gk[1] = (-20 * a + 200 * b) * C45;
            L += sharp, nsharp++;
        } else {
            gk[0] = 2 * f1, gk[1] = 2 * f2;
            L += flat;
        }
        g[0] += gk[0], g[1] += gk[1];
    }
    double p = (double)nsharp / t->N;
    for (int i = 0; i < 4; i++)
        H[i] = p * t->Hs[i] + (1 - p) * t->Hf[i];
    g[0] /= t->N, g[1] /= t->N;
    return L / t->N;
}
/* <<< snippet */

/* One run of dynamic `kind`: returns 1 if it escaped, 0 if not, -1 if it
 * diverged, -2 if a noise could not be built (a LAPACK failure).  With traj non-NULL,
 * records w, L, Tr(H_tΣ_t) of the dynamic's own noise and Tr(H_tΣ_sgd,t)
 * (normalised to E|ε|² = noise) at every iteration. */
static int toy_run(const toy *t, const params *p, dyn_kind kind, rng_stream *r, double *traj)
{
    long N = t->N;
    double w[2] = {1.0, 1.0}, g[2], H[4], eps[2];
    double *G = SGDN_NEW(G, 2 * N);
    dyn_config cfg = dyn_config_all(p->noise, 2, 2);
    dyn_sigma S;
    dyn_hess Hk;
    dyn_noise nz;
    toy_eval(t, w, G, g, H);
    int st = dyn_sigma_from_grads(&S, 2, N, G, p->batch);
    st = st || dyn_hess_alloc(&Hk, 2, 2);
    dyn_noise_init(&nz);
    int needS = kind == DYN_GLD_DIAG || kind == DYN_GLD_LEADING || kind == DYN_SGD || traj;
    int needH = kind == DYN_GLD_HESSIAN || kind == DYN_GLD_EIGVEC1;
    for (long it = 0; it < p->iters && !st; it++) {
        double L = toy_eval(t, w, G, g, H);
        if (needS)
            dyn_sigma_update(&S, G);
        if (needH && (st = dyn_hess_update_dense(&Hk, H)))
            break;
        /* >>> snippet zhu-toy-step */
        if ((st = dyn_noise_prepare(&nz, kind, &cfg, 2, &S, &Hk)))
            break;
        dyn_noise_draw(&nz, r, eps);
        if (traj) {
            double *row = traj + 5 * it, trS = dyn_sigma_trace(&S), HS = 0.0;
            row[0] = w[0], row[1] = w[1], row[2] = L;
            row[3] = dyn_noise_trace_h(&nz, H);
            for (long k = 0; k < N; k++) /* Tr(H RᵀR) = Σ_k R_k H R_kᵀ */
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++)
                        HS += S.R[2 * k + i] * H[2 * i + j] * S.R[2 * k + j];
            row[4] = trS > 0 ? HS * p->noise / trS : 0.0;
        }
        w[0] += -p->lr * g[0] + eps[0]; /* noise added to θ directly, not times η */
        w[1] += -p->lr * g[1] + eps[1];
        /* <<< snippet */
    }
    free(G);
    dyn_sigma_free(&S);
    dyn_hess_free(&Hk);
    dyn_noise_free(&nz);
    if (traj) {
        double *row = traj + 5 * p->iters;
        row[0] = w[0], row[1] = w[1], row[2] = NAN, row[3] = NAN, row[4] = NAN;
    }
    if (st)
        return -2;
    if (!isfinite(w[0]) || !isfinite(w[1]))
        return -1;
    return w[0] < p->thresh && w[1] < p->thresh;
}

int main(int argc, char **argv)
{
    run_ctx run;
    params p = {.iters = 500, .npoints = 100, .batch = 10, .lr = 0.005, .noise = 0.01, .thresh = -0.5};
    run_begin(&run, "zhu_toy", "ZHU-TOY: escape of the compared dynamics from the sharp minimum of the 2-D toy",
              argc, argv);
    p.runs = run.ci ? 2000 : 10000;
    opts_spec spec[] = {
        {"runs", OPT_INT, &p.runs, 10, 1e7, "independent runs of every dynamic"},
        {"iters", OPT_INT, &p.iters, 1, 1e6, "iterations per run"},
        {"npoints", OPT_INT, &p.npoints, 2, 1e6, "data points N"},
        {"batch", OPT_INT, &p.batch, 1, 1e6, "SGD minibatch size m (with replacement)"},
        {"lr", OPT_DOUBLE, &p.lr, 1e-8, 0.0099, "learning rate η (stable below 2/200)"},
        {"noise", OPT_DOUBLE, &p.noise, 0, 10, "E|ε|² of every noisy dynamic"},
        {"thresh", OPT_DOUBLE, &p.thresh, -10, 10, "success: both coordinates below this"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);

    toy t;
    rng_stream r0;
    rng_init(&r0, (uint64_t)run.seed, 0);
    toy_make(&t, p.npoints, &r0);

    /* Success rates: run j of dynamic d is work item d·runs + j, on stream
     * (seed, 1 + kind, j), so a shard (shard.h) computes a range of them. */
    int *ok = SGDN_NEW(ok, sgdn_mul(ND, p.runs));
    long lo, hi;
    shard_items(&run, &sh, ND * p.runs, &lo, &hi);
#pragma omp parallel for schedule(dynamic, 16)
    for (long i = lo; i < hi; i++) {
        rng_stream r;
        rng_init_sub(&r, (uint64_t)run.seed, 1 + (uint64_t)kinds[i / p.runs], (uint64_t)(i % p.runs));
        ok[i] = toy_run(&t, &p, kinds[i / p.runs], &r, NULL);
    }
    shard_gather(&run, &sh, ok, sizeof *ok); /* a shard writes its runs and exits */

    /* loss surface for the contours */
    FILE *fc = run_open(&run, "-surface.tsv", "w1\tw2\tlog10_L");
    {
        double g[2], H[4], *G = SGDN_NEW(G, 2 * p.npoints);
        for (int i = 0; i <= 120; i++) {
            for (int j = 0; j <= 120; j++) {
                double w[2] = {-2 + 4.0 * i / 120, -2 + 4.0 * j / 120};
                fprintf(fc, "%.4f\t%.4f\t%.6f\n", w[0], w[1], log10(toy_eval(&t, w, G, g, H) + 1e-4));
            }
            fprintf(fc, "\n");
        }
        free(G);
    }
    run_close(&run, fc);

    /* one recorded run of each dynamic (run 0) */
    long T = p.iters;
    FILE *ft = run_open(&run, "-traj.tsv", "dyn\tname\tt\tw1\tw2\tL\ttr_H_Sigma\ttr_H_Sigma_sgd_normalised");
    double trHS0[ND];
    double *traj = SGDN_NEW(traj, 5 * (T + 1));
    for (int d = 0; d < ND; d++) {
        rng_stream r;
        rng_init_sub(&r, (uint64_t)run.seed, 1 + (uint64_t)kinds[d], 0);
        int rc = toy_run(&t, &p, kinds[d], &r, traj);
        if (rc < 0)
            run_fail(&run, "%s: %s", rc == -1 ? "diverged" : "noise construction failed (LAPACK)",
                     dyn_name(kinds[d]));
        trHS0[d] = traj[3];
        for (long it = 0; it <= T; it++) {
            const double *row = traj + 5 * it;
            fprintf(ft, "%d\t%s\t%ld\t%.6f\t%.6f\t%.6g\t%.6g\t%.6g\n", d, dyn_key(kinds[d]), it, row[0],
                    row[1], row[2], row[3], row[4]);
        }
        fprintf(ft, "\n\n");
    }
    run_close(&run, ft);
    free(traj);

    /* the successes of each dynamic, in run order */
    long succ[ND];
    for (int d = 0; d < ND; d++) {
        const int *okd = ok + d * p.runs;
        succ[d] = 0;
        for (long j = 0; j < p.runs; j++) {
            if (okd[j] < 0)
                run_fail(&run, "%s: %s run %ld",
                         okd[j] == -1 ? "diverged" : "noise construction failed (LAPACK)",
                         dyn_name(kinds[d]), j);
            succ[d] += okd[j];
        }
    }
    free(ok);

    /* 95 % Wilson intervals for the figure */
    FILE *fr = run_open(&run, "-rates.tsv", "dyn\tname\tsuccesses\truns\trate\tlo95\thi95\ttr_H_Sigma_t0");
    double rate[ND];
    for (int d = 0; d < ND; d++) {
        double lo, hi;
        rate[d] = (double)succ[d] / p.runs;
        stats_binom_wilson(succ[d], p.runs, 0.05, &lo, &hi);
        fprintf(fr, "%d\t%s\t%ld\t%ld\t%.5f\t%.5f\t%.5f\t%.6g\n", d, dyn_name(kinds[d]), succ[d], p.runs,
                rate[d], lo, hi, trHS0[d]);
        char key[64];
        run_value(&run, dyn_key(kinds[d]), "%.3f", rate[d]);
        snprintf(key, sizeof key, "%s-k", dyn_key(kinds[d]));
        run_value(&run, key, "%ld", succ[d]);
        snprintf(key, sizeof key, "%s-trhs", dyn_key(kinds[d]));
        run_value(&run, key, "%.3f", trHS0[d]);
    }
    run_close(&run, fr);

    /* Claims.  Ordering claims compare two success rates: the difference
     * must exceed z·SE (unpooled two-proportion SE), z Bonferroni over every
     * ordering comparison made below at 1 % family-wise. */
    enum { IGD, ICONST, IDIAG, ILEAD, IHESS, IEIG, ISGD };
    int aligned[3] = {IEIG, IHESS, ILEAD}, iso[3] = {IGD, ICONST, IDIAG};
    int ncomp = 9 + 2;
    double z = stats_z_bonferroni(0.01, ncomp);
    char check[160], note[200], basis[64];
    snprintf(basis, sizeof basis, "z=%.2f SE (Bonferroni, %d comparisons, 1%%)", z, ncomp);
#define SE2(a, b) sqrt(rate[a] * (1 - rate[a]) / p.runs + rate[b] * (1 - rate[b]) / p.runs)
    run_check(&run, (run_check_row){.id = "ZHU-TOY", .tests = CHECK_CONTROL,
              .check = "GD successes (GD is deterministic and stays at (1,1))", .rel = REL_EQ,
              .measured = (double)succ[IGD], .predicted = 0.0, .tol = 0.0, .basis = "exact"});
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            int i = aligned[a], k = iso[b];
            double se = SE2(i, k);
            if (se == 0) /* both rates 0 or 1: use the exact-binomial floor 1/runs */
                se = 1.0 / p.runs;
            snprintf(check, sizeof check, "rate(%s) - rate(%s), in units of SE", dyn_name(kinds[i]),
                     dyn_name(kinds[k]));
            snprintf(note, sizeof note, "%ld/%ld vs %ld/%ld", succ[i], p.runs, succ[k], p.runs);
            run_check(&run, (run_check_row){.id = "ZHU-TOY", .tests = CHECK_PAPER, .check = check,
                      .rel = REL_GE, .measured = (rate[i] - rate[k]) / se, .predicted = z,
                      .tol = 0.0, .basis = basis, .note = note});
        }
    for (int a = 1; a < 3; a++) {
        int i = IEIG, k = aligned[a];
        double se = SE2(i, k);
        if (se == 0)
            se = 1.0 / p.runs;
        snprintf(check, sizeof check, "rate(%s) - rate(%s), in units of SE", dyn_name(kinds[i]),
                 dyn_name(kinds[k]));
        snprintf(note, sizeof note, "%ld/%ld vs %ld/%ld; paper: 1st eigvec highest", succ[i], p.runs, succ[k],
                 p.runs);
        run_check(&run, (run_check_row){.id = "ZHU-TOY", .tests = CHECK_PAPER, .check = check,
                  .rel = REL_GE, .measured = (rate[i] - rate[k]) / se, .predicted = z, .tol = 0.0,
                  .basis = basis, .note = note});
    }
    run_value(&run, "z", "%.2f", z);
    run_value(&run, "runs", "%ld", p.runs);
    run_value(&run, "iters", "%ld", p.iters);
    run_value(&run, "batch", "%ld", p.batch);
    free(t.x);
    return run_finish(&run);
}
