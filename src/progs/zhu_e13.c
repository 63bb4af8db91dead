/* zhu_e13 — ZHU-E13: the escaping efficiency of an Ornstein–Uhlenbeck
 * process (Zhu et al., Eq. 13).
 *
 * For dθ = −Hθ dt + Σ^{1/2} dW from θ0 = 0 and L(θ) = ½θᵀHθ,
 *     E[L(θ_t) − L(θ_0)] = ¼ Tr((I − e^{−2Ht}) Σ)  ≈  (t/2) Tr(HΣ)  (small t).
 * We simulate the process exactly in law (ou.h: Gaussian transitions, no
 * time step) for an ill-conditioned H and five noise covariances of equal
 * trace, and compare the Monte Carlo mean of L(θ_t) with the formula at
 * every time, and the ordering of the five by Tr(HΣ).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "linalg.h"
#include "ou.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "err.h"
#include "stats.h"

#define NSIG 5
#define BLOCK 256

static const char *sig_names[NSIG] = {"isotropic", "diag", "random", "aligned", "maximiser"};

typedef struct {
    long dim, reps, ntimes;
    double cond, tmin, tmax, trace;
} params;

/* H = Q diag(λ) Qᵀ with λ log-spaced from 1 down to 1/cond and Q Haar. */
static void make_hessian(const params *p, rng_stream *r, double *H, double *lam, double *Q)
{
    int n = (int)p->dim;
    for (int k = 0; k < n; k++)
        lam[k] = pow(p->cond, -(double)k / (n - 1));
    linalg_random_orthogonal(n, r, Q);
    linalg_sym_from_eig(n, Q, lam, H);
}

/* The five covariances, each scaled to trace p->trace:
 *   isotropic  (T/D) I                      — GLD with constant noise
 *   diag       diag(T H / TrH)              — GLD diag: the aligned Σ's diagonal
 *   random     Wishart G Gᵀ, random basis   — anisotropic, not aligned
 *   aligned    T H / TrH                    — SGD-like noise, Σ ∝ H
 *   maximiser  T u1 u1ᵀ                     — the Σ of that trace maximising Tr(HΣ) */
static void make_sigmas(const params *p, rng_stream *r, const double *H, const double *Q,
                        double *S[NSIG])
{
    int n = (int)p->dim;
    size_t nn = (size_t)n * n;
    double trH = linalg_trace(n, H), T = p->trace;
    double *G = SGDN_NEW(G, nn);
    for (int s = 0; s < NSIG; s++)
        memset(S[s], 0, nn * sizeof *S[s]);
    for (int i = 0; i < n; i++) {
        S[0][i * n + i] = T / n;
        S[1][i * n + i] = T * H[i * n + i] / trH;
    }
    rng_normal_fill(r, G, nn);
    linalg_matmul(n, G, 0, G, 1, S[2]);
    double tr2 = linalg_trace(n, S[2]);
    for (size_t i = 0; i < nn; i++) {
        S[2][i] *= T / tr2;
        S[3][i] = T * H[i] / trH;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            S[4][i * n + j] = T * Q[i * n] * Q[j * n];
    free(G);
}

/* One work item: block b of BLOCK replicates of covariance s, simulated
 * exactly in law (one OU transition per interval [t_{k−1}, t_k]); acc[k]
 * gets the block's mean of L(θ_{t_k}).  Each replicate has its own stream
 * (seed, 1 + s, replicate), so an item's result does not depend on which
 * thread or process computes it. */
static void simulate_block(const params *p, long seed, int s, long b, const double *H,
                           const ou_step *steps, stats_acc *acc)
{
    int n = (int)p->dim, K = (int)p->ntimes;
    long nblocks = (p->reps + BLOCK - 1) / BLOCK;
    int m = (int)(b == nblocks - 1 ? p->reps - b * BLOCK : BLOCK);
    double *X = SGDN_NEW0(X, (size_t)n * m), *Z = SGDN_NEW(Z, (size_t)n * m);
    double *Y = SGDN_NEW(Y, (size_t)n * m), *HY = SGDN_NEW(HY, (size_t)n * m);
    rng_stream *rs = SGDN_NEW(rs, m);
    for (int j = 0; j < m; j++)
        rng_init_sub(&rs[j], (uint64_t)seed, 1 + (uint64_t)s, (uint64_t)(b * BLOCK + j));
    for (int k = 0; k < K; k++) {
        stats_acc_init(&acc[k]);
        for (int j = 0; j < m; j++)
            for (int i = 0; i < n; i++)
                Z[i * m + j] = rng_normal(&rs[j]);
        /* >>> snippet zhu-e13-step */
        ou_step_apply_many(&steps[k], m, X, Z, Y); /* θ ← e^{−HΔ}θ + V(Δ)^{1/2} z */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, m, n, 1.0, H, n, Y, m,
                    0.0, HY, m);
        for (int j = 0; j < m; j++) {
            double L = 0.0; /* L(θ) = ½ θᵀHθ */
            for (int i = 0; i < n; i++)
                L += 0.5 * Y[i * m + j] * HY[i * m + j];
            stats_acc_add(&acc[k], L);
        }
        /* <<< snippet */
        memcpy(X, Y, (size_t)n * m * sizeof *X);
    }
    free(X), free(Z), free(Y), free(HY), free(rs);
}

/* Every (covariance, block) item in [lo, hi), in parallel; item i is
 * covariance i / nblocks, block i % nblocks, and writes K accumulators at
 * acc + i·K. */
static void simulate(const params *p, run_ctx *run, long lo, long hi, const double *H,
                     ou_step *const steps[NSIG], stats_acc *acc)
{
    int K = (int)p->ntimes;
    long nblocks = (p->reps + BLOCK - 1) / BLOCK, done = 0;
#pragma omp parallel for schedule(dynamic)
    for (long i = lo; i < hi; i++) {
        int s = (int)(i / nblocks);
        simulate_block(p, run->seed, s, i % nblocks, H, steps[s], acc + i * K);
        long d;
#pragma omp atomic capture
        d = ++done;
        if (d % 64 == 0) {
#pragma omp critical
            run_progress(run, "replicate blocks", (double)d / (double)(hi - lo));
        }
    }
}

/* The mean over all replicates of covariance s at each time: the blocks'
 * accumulators merged in block order (fixed, so the result is the same for
 * any thread count and any sharding). */
static void reduce(const params *p, int s, const stats_acc *acc, stats_acc *out)
{
    int K = (int)p->ntimes;
    long nblocks = (p->reps + BLOCK - 1) / BLOCK;
    for (int k = 0; k < K; k++) {
        stats_acc_init(&out[k]);
        for (long b = 0; b < nblocks; b++)
            stats_acc_merge(&out[k], &acc[((long)s * nblocks + b) * K + k]);
    }
}

int main(int argc, char **argv)
{
    run_ctx run;
    params p = {.dim = 20, .cond = 1e3, .tmin = 1e-2, .tmax = 1e3, .ntimes = 26, .trace = 1.0};
    run_begin(&run, "zhu_e13", "ZHU-E13: exact-in-law OU escaping efficiency vs Eq. (13)", argc, argv);
    p.reps = run.ci ? 20000 : 200000;
    opts_spec spec[] = {
        {"dim", OPT_INT, &p.dim, 2, 400, "dimension D"},
        {"cond", OPT_DOUBLE, &p.cond, 1, 1e12, "condition number of H"},
        {"reps", OPT_INT, &p.reps, 100, 1e9, "Monte Carlo replicates per covariance"},
        {"tmin", OPT_DOUBLE, &p.tmin, 1e-8, 1e8, "first time"},
        {"tmax", OPT_DOUBLE, &p.tmax, 1e-8, 1e8, "last time"},
        {"ntimes", OPT_INT, &p.ntimes, 2, 1000, "number of log-spaced times"},
        {"trace", OPT_DOUBLE, &p.trace, 1e-12, 1e12, "Tr Σ, the same for every covariance"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (p.tmax <= p.tmin)
        run_usage_error(&run, "--tmax must exceed --tmin");

    int n = (int)p.dim, K = (int)p.ntimes;
    size_t nn = (size_t)n * n;
    double *H = SGDN_NEW(H, nn), *Q = SGDN_NEW(Q, nn), *lam = SGDN_NEW(lam, n);
    double *S[NSIG], *t = SGDN_NEW(t, K);
    rng_stream r0;
    rng_init(&r0, (uint64_t)run.seed, 0);
    for (int s = 0; s < NSIG; s++)
        S[s] = SGDN_NEW(S[s], nn);
    make_hessian(&p, &r0, H, lam, Q);
    make_sigmas(&p, &r0, H, Q, S);
    for (int k = 0; k < K; k++)
        t[k] = p.tmin * pow(p.tmax / p.tmin, (double)k / (K - 1));

    int ncomp = NSIG * K;
    double alpha = 0.01, z = stats_z_bonferroni(alpha, ncomp);
    double trHS[NSIG], mean_small[NSIG], se_small[NSIG], maxdev[NSIG];
    /* >>> snippet zhu-e13-shard */
    ou_step *steps[NSIG];
    for (int s = 0; s < NSIG; s++) {
        steps[s] = SGDN_NEW(steps[s], K);
        for (int k = 0; k < K; k++)
            if (ou_step_init(&steps[s][k], n, H, S[s], t[k] - (k ? t[k - 1] : 0.0)))
                run_fail(&run, "cannot build the OU transition for Σ %s", sig_names[s]);
    }
    long nblocks = (p.reps + BLOCK - 1) / BLOCK, lo, hi;
    run_require_memory(&run, (double)NSIG * nblocks * K * sizeof(stats_acc), "--reps x --ntimes");
    stats_acc *bacc = SGDN_NEW(bacc, sgdn_mul(NSIG * nblocks, K));
    shard_items(&run, &sh, NSIG * nblocks, &lo, &hi);
    simulate(&p, &run, lo, hi, H, steps, bacc);
    shard_gather(&run, &sh, bacc, K * sizeof *bacc); /* a shard writes its blocks and exits */
    /* <<< snippet */

    FILE *f = run_open(&run, ".tsv", "sigma\tname\tt\tmean\tse\texact\tsmall_t\tz_score");
    stats_acc *acc = SGDN_NEW(acc, K);
    for (int s = 0; s < NSIG; s++) {
        reduce(&p, s, bacc, acc);
        trHS[s] = linalg_trace_prod(n, H, S[s]);
        maxdev[s] = 0.0;
        for (int k = 0; k < K; k++) {
            double exact = ou_escape_efficiency(n, H, S[s], t[k]);
            double se = stats_acc_se(&acc[k]), zs = (acc[k].mean - exact) / se;
            if (!isfinite(acc[k].mean) || !isfinite(se))
                run_fail(&run, "diverged: non-finite mean of L at t=%g", t[k]);
            maxdev[s] = fmax(maxdev[s], fabs(zs));
            fprintf(f, "%d\t%s\t%.6g\t%.9g\t%.6g\t%.9g\t%.9g\t%.4f\n", s, sig_names[s], t[k],
                    acc[k].mean, se, exact, 0.5 * t[k] * trHS[s], zs);
        }
        fprintf(f, "\n\n");
        mean_small[s] = acc[0].mean;
        se_small[s] = stats_acc_se(&acc[0]);
        for (int k = 0; k < K; k++)
            ou_step_free(&steps[s][k]);
        free(steps[s]);
    }
    free(bacc);
    run_close(&run, f);

    /* Checks. Each Σ: the largest |mean − exact|/SE over all times, against a
     * Bonferroni z for a 1 % family-wise false-alarm rate. */
    char note[256];
    for (int s = 0; s < NSIG; s++) {
        char check[128];
        snprintf(check, sizeof check, "max_t |E[L_t] - Eq.13|/SE, Sigma %s", sig_names[s]);
        snprintf(note, sizeof note, "%ld replicates, %d times in [%g, %g]", p.reps, K, p.tmin, p.tmax);
        run_check(&run, (run_check_row){.id = "ZHU-E13", .tests = CHECK_PAPER, .check = check,
                  .rel = REL_EQ, .measured = maxdev[s], .predicted = 0.0, .tol = z,
                  .basis = "Bonferroni z, 1% family-wise over 5x times", .note = note});
        run_value(&run, sig_names[s], "%.4g", trHS[s]);
        run_value(&run, strcat(strcpy(check, sig_names[s]), "-maxdev"), "%.2f", maxdev[s]);
    }
    /* Ordering at the first time, where E[L] ≈ (t/2)Tr(HΣ): every pair whose
     * exact difference exceeds 4 standard errors of the measured difference
     * must come out in the order of Tr(HΣ). */
    int decided = 0, concordant = 0, undecided = 0;
    for (int a = 0; a < NSIG; a++)
        for (int b = a + 1; b < NSIG; b++) {
            double dex = ou_escape_efficiency(n, H, S[a], t[0]) - ou_escape_efficiency(n, H, S[b], t[0]);
            double sed = hypot(se_small[a], se_small[b]);
            if (fabs(dex) < 4 * sed) {
                undecided++;
                continue;
            }
            decided++;
            concordant += (mean_small[a] - mean_small[b]) * (trHS[a] - trHS[b]) > 0;
        }
    snprintf(note, sizeof note, "t = %g; %d of 10 pairs differ by < 4 SE and are not counted", t[0], undecided);
    run_check(&run, (run_check_row){.id = "ZHU-E13", .tests = CHECK_PAPER,
              .check = "pairs ordered as Tr(H Sigma) at smallest t", .rel = REL_EQ,
              .measured = concordant, .predicted = decided, .tol = 0.0,
              .basis = "exact: every decided pair", .note = note});
    run_value(&run, "z", "%.2f", z);
    run_value(&run, "reps", "%ld", p.reps);
    run_value(&run, "dim", "%ld", p.dim);
    run_value(&run, "cond", "%.0f", p.cond);
    run_value(&run, "ntimes", "%d", K);
    run_value(&run, "decided", "%d", decided);
    run_value(&run, "ratio", "%.1f", trHS[4] / trHS[0]);

    for (int s = 0; s < NSIG; s++)
        free(S[s]);
    free(H), free(Q), free(lam), free(t), free(acc);
    return run_finish(&run);
}
