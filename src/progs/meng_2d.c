/* meng_2d — MENG-F4: escape from the sharp minimum of the paper's 2-D model,
 * power-law dynamic for several λ1 vs Langevin (λ1 = 0) vs SGD (Fig. 4,
 * App. 7.5.3).
 *
 * ℓ(w) = 15 Σ_j |w_j − 1|^{2.5}|w_j + 1|³, L(w) = (1/N) Σ_i ℓ(w − x_i),
 * x_i ~ N(0, 0.01 I₂).  L is separable, ∂L/∂w_j = g_j(w_j), so the full
 * gradient is tabulated once per coordinate on a fine grid (linear
 * interpolation; its error is reported).  Dynamics, η = 0.025, 500 steps
 * from w* (the minimum of L near (1, 1)):
 *   SGD   w ← w − η ĝ_b(w), ĝ_b the mean of ∇ℓ(w − x_i) over a batch of b
 *         indices drawn uniformly with replacement;
 *   PLD   w ← w − η∇L + ηλ2 √(1 + λ1(w − w*)²) ⊙ ξ  (λ1 = 0: GLD),
 *         λ2² = Tr C_SGD(w*)/2 so that the noise traces at w* agree.
 * Success: after 500 steps w lies outside the basin of w*, i.e. some
 * coordinate is below the ridge s_j of L_j between −1 and 1.
 * The λ1 that should mimic SGD comes from the quadratic fit of
 * Tr C_SGD(w* + δ(1,1)) = c0 + c1δ + c2δ²: PLD's trace along that line is
 * 2λ2²(1 + λ1δ²), so λ1 = c2/c0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "run.h"
#include "stats.h"

#define NTAB 24001
#define TABLO (-3.0)
#define TABHI (3.0)

typedef struct {
    int n, batch;
    double *x;  /* x[2i + j] */
    double scale;
    double tab[2][NTAB];
    double wstar[2], ridge[2];
} model;

/* dℓ_j/du for ℓ_j(u) = 15|u − 1|^{2.5}|u + 1|³ */
static double dl(double u)
{
    double a = fabs(u - 1), b = fabs(u + 1);
    double sa = u > 1 ? 1 : -1, sb = u > -1 ? 1 : -1;
    return 15 * (2.5 * pow(a, 1.5) * sa * b * b * b + 3 * pow(a, 2.5) * b * b * sb);
}

static double gfull_exact(const model *M, int j, double w)
{
    double s = 0;
    for (int i = 0; i < M->n; i++)
        s += dl(w - M->x[2 * i + j]);
    return M->scale * s / M->n;
}

static double gfull(const model *M, int j, double w)
{
    double u = (w - TABLO) / (TABHI - TABLO) * (NTAB - 1);
    if (u <= 0 || u >= NTAB - 1)
        return gfull_exact(M, j, w);
    int k = (int)u;
    double t = u - k;
    return (1 - t) * M->tab[j][k] + t * M->tab[j][k + 1];
}

/* Tr C_SGD(w) with batch b: Σ_j Var_i(∂ℓ/∂w_j(w − x_i)) / b */
static double trace_sgd(const model *M, const double *w)
{
    double tr = 0;
    for (int j = 0; j < 2; j++) {
        stats_acc a;
        stats_acc_init(&a);
        for (int i = 0; i < M->n; i++)
            stats_acc_add(&a, M->scale * dl(w[j] - M->x[2 * i + j]));
        tr += a.m2 / a.n / M->batch;
    }
    return tr;
}

static void model_init(model *M, double scale)
{
    M->scale = scale;
    for (int j = 0; j < 2; j++) {
        for (int k = 0; k < NTAB; k++)
            M->tab[j][k] = gfull_exact(M, j, TABLO + (TABHI - TABLO) * k / (NTAB - 1));
        /* w*_j: the zero of g_j near 1 (g < 0 left of it); ridge: the zero
         * in (−0.6, 0.7) where g changes from + to −. */
        double lo = 0.5, hi = 1.5;
        for (int it = 0; it < 100; it++) {
            double m = 0.5 * (lo + hi);
            if (gfull_exact(M, j, m) < 0)
                lo = m;
            else
                hi = m;
        }
        M->wstar[j] = 0.5 * (lo + hi);
        lo = -0.6, hi = 0.7;
        for (int it = 0; it < 100; it++) {
            double m = 0.5 * (lo + hi);
            if (gfull_exact(M, j, m) > 0)
                lo = m;
            else
                hi = m;
        }
        M->ridge[j] = 0.5 * (lo + hi);
    }
}

/* One run; returns 1 if w ends outside the basin of w*. kind: 0 SGD, 1 PLD */
static int run_one(const model *M, int kind, double eta, long steps, double l1, double l2, rng_stream *r)
{
    double w[2] = {M->wstar[0], M->wstar[1]};
    for (long t = 0; t < steps; t++) {
        /* >>> snippet meng-2d-step */
        if (kind == 0) { /* SGD: minibatch gradient */
            double g[2] = {0, 0};
            for (int k = 0; k < M->batch; k++) {
                const double *xi = M->x + 2 * rng_uniform_int(r, (uint64_t)M->n);
                g[0] += dl(w[0] - xi[0]), g[1] += dl(w[1] - xi[1]);
            }
            for (int j = 0; j < 2; j++)
                w[j] -= eta * M->scale * g[j] / M->batch;
        } else { /* PLD: w ← w − η∇L + ηλ2√(1 + λ1(w − w*)²) ⊙ ξ */
            for (int j = 0; j < 2; j++) {
                double d = w[j] - M->wstar[j];
                w[j] += -eta * gfull(M, j, w[j]) + eta * l2 * sqrt(1 + l1 * d * d) * rng_normal(r);
            }
        }
        /* <<< snippet */
        if (!isfinite(w[0]) || !isfinite(w[1]) || fabs(w[0]) > 1e6)
            return 1; /* left every basin */
    }
    return w[0] < M->ridge[0] || w[1] < M->ridge[1];
}

/* A predicted increase, measured as a z-score: resolved (z ≥ zc, REL_GE) or
 * not (REL_EQ to 0 within zc: no effect at this sample size; a reversed
 * effect z < −zc fails). */
/* A difference of success rates in standard errors, against the outcome
 * stated in advance: an effect (zv ≥ zc) or none (|zv| ≤ zc).  The relation
 * never depends on the measurement, so either row can fail. */
static void trend_claim(run_ctx *run, const char *check, double zv, double zc, int effect, const char *verdict,
                        const char *note)
{
    if (effect)
        run_claim(run, "MENG-F4", check, REL_GE, zv, zc, 0, "effect: difference >= 2.58 SE", verdict, note);
    else
        run_claim(run, "MENG-F4", check, REL_EQ, zv, 0, zc, "no effect: |difference| <= 2.58 SE", verdict, note);
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "meng_2d", "MENG-F4: 2-D model, escape success vs lambda1, PLD vs GLD vs SGD", argc, argv);
    long runs = run.ci ? 400 : 2000, steps = 500, ndata = 100, batch = 1;
    double eta = 0.025, xsd = 0.01;
    opts_list lams = {9, {0, 16, 20, 24, 28, 32, 36, 100, 300}};
    opts_spec spec[] = {
        {"runs", OPT_INT, &runs, 2, 1e8, "runs per dynamic and loss"},
        {"steps", OPT_INT, &steps, 1, 1e8, "iterations per run"},
        {"ndata", OPT_INT, &ndata, 2, 100000, "training points x_i"},
        {"batch", OPT_INT, &batch, 1, 100000, "SGD batch size"},
        {"eta", OPT_DOUBLE, &eta, 1e-5, 0.1, "learning rate"},
        {"data-sd", OPT_DOUBLE, &xsd, 1e-4, 1, "standard deviation of the data x_i"},
        {"lambda1", OPT_LIST, &lams, 0, 1e5, "PLD lambda1 values, the first 0 (= GLD); the fitted one is added"},
        {0}};
    run_parse(&run, spec);
    if (lams.v[0] != 0 || lams.n >= OPTS_LIST_MAX)
        run_usage_error(&run, "--lambda1 must start with 0 (GLD) and have < %d entries", OPTS_LIST_MAX);
    uint64_t seed = (uint64_t)run.seed;
    model *M = malloc(sizeof *M);
    M->n = (int)ndata, M->batch = (int)batch;
    M->x = malloc(2 * ndata * sizeof *M->x);
    {
        rng_stream r;
        rng_init(&r, seed, 0);
        for (long i = 0; i < 2 * ndata; i++)
            M->x[i] = xsd * rng_normal(&r);
    }
    char note[256], check[160], key[64];
    const double scales[2] = {1.0, 0.9};
    int nl = lams.n, nd = nl + 2; /* dynamics: SGD, PLD for each λ1, PLD at the fitted λ1 */
    double succ[2][OPTS_LIST_MAX + 1], se[2][OPTS_LIST_MAX + 1];
    double lam_fit = 0, c0 = 0, c2 = 0, c2se = 0, r2 = 0, l2s[2];
    FILE *f = run_open(&run, ".tsv", "loss_scale\tdynamic\tlambda1\tsuccess\tlo99\thi99\tcount\truns");
    FILE *ft = run_open(&run, "-trace.tsv", "delta\ttrace_sgd\tquadratic_fit");
    int *res = malloc(runs * sizeof *res);
    /* Linear stability of the minimum for this step: ηH at w*, for the data
     * used and for the covariance reading x ~ N(0, 0.01 I) (sd 0.1). */
    double etaH[2];
    for (int v = 0; v < 2; v++) {
        double fct = v ? 0.1 / xsd : 1.0, hh = 1e-5;
        for (long i = 0; i < 2 * ndata; i++)
            M->x[i] *= fct;
        model_init(M, 1.0);
        etaH[v] = eta * (gfull_exact(M, 0, M->wstar[0] + hh) - gfull_exact(M, 0, M->wstar[0] - hh)) / (2 * hh);
        for (long i = 0; i < 2 * ndata; i++)
            M->x[i] /= fct;
    }
    run_value(&run, "etaH", "%.2f", etaH[0]);
    run_value(&run, "etaH-cov", "%.2f", etaH[1]);
    for (int sc = 0; sc < 2; sc++) {
        model_init(M, scales[sc]);
        double tr0 = trace_sgd(M, M->wstar), l2 = sqrt(tr0 / 2);
        l2s[sc] = l2;
        if (sc == 0) {
            /* quadratic fit of Tr C(w* + δ(1,1)), δ ∈ [−0.1, 0.1] */
            enum { NF = 21 };
            double dx[NF], ty[NF];
            for (int k = 0; k < NF; k++) {
                dx[k] = -0.1 + 0.2 * k / (NF - 1);
                double w[2] = {M->wstar[0] + dx[k], M->wstar[1] + dx[k]};
                ty[k] = trace_sgd(M, w);
            }
            /* least squares on (1, δ, δ²) via normal equations (3×3) */
            double S[3][4] = {{0}};
            for (int k = 0; k < NF; k++) {
                double b[3] = {1, dx[k], dx[k] * dx[k]};
                for (int a = 0; a < 3; a++) {
                    for (int c = 0; c < 3; c++)
                        S[a][c] += b[a] * b[c];
                    S[a][3] += b[a] * ty[k];
                }
            }
            double A[3][4];
            memcpy(A, S, sizeof A);
            for (int p = 0; p < 3; p++)
                for (int q = 0; q < 3; q++)
                    if (q != p) {
                        double fct = A[q][p] / A[p][p];
                        for (int c = 0; c < 4; c++)
                            A[q][c] -= fct * A[p][c];
                    }
            double coef[3] = {A[0][3] / A[0][0], A[1][3] / A[1][1], A[2][3] / A[2][2]};
            double ssr = 0, sst = 0, mean = stats_mean(ty, NF);
            for (int k = 0; k < NF; k++) {
                double fit = coef[0] + coef[1] * dx[k] + coef[2] * dx[k] * dx[k];
                ssr += (ty[k] - fit) * (ty[k] - fit), sst += (ty[k] - mean) * (ty[k] - mean);
                fprintf(ft, "%.4f\t%.6g\t%.6g\n", dx[k], ty[k], fit);
            }
            c0 = coef[0], c2 = coef[2], r2 = 1 - ssr / sst;
            (void)c2se;
            lam_fit = c2 / c0;
        }
        for (int dyn = 0; dyn < nd; dyn++) {
            double l1 = dyn == 0 ? 0 : dyn <= nl ? lams.v[dyn - 1] : lam_fit;
#pragma omp parallel for schedule(static)
            for (long i = 0; i < runs; i++) {
                rng_stream r;
                rng_init_sub(&r, seed, (uint64_t)(1 + sc * 100 + dyn), (uint64_t)i);
                res[i] = run_one(M, dyn ? 1 : 0, eta, steps, l1, l2, &r);
            }
            long k = 0;
            for (long i = 0; i < runs; i++)
                k += res[i];
            double lo, hi;
            stats_binom_wilson(k, runs, 0.01, &lo, &hi);
            succ[sc][dyn] = (double)k / runs;
            se[sc][dyn] = sqrt(fmax(succ[sc][dyn] * (1 - succ[sc][dyn]), 1.0 / runs) / runs);
            fprintf(f, "%g\t%s\t%g\t%.5f\t%.5f\t%.5f\t%ld\t%ld\n", scales[sc], dyn ? (dyn > nl ? "PLD-fit" : l1 > 0 ? "PLD" : "GLD") : "SGD", l1,
                    succ[sc][dyn], lo, hi, k, runs);
            run_progress(&run, "dynamics", (sc * nd + dyn + 1.0) / (2 * nd));
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);
    run_close(&run, ft);
    double z = stats_z_two_sided(0.01);
    const char *V = "not reproduced";
    int ifit = nl + 1, i36 = 1;
    for (int d = 1; d <= nl; d++)
        if (lams.v[d - 1] <= 36)
            i36 = d;
    /* The expected outcomes below are this reproduction's findings, fixed
     * here so that a change in behaviour fails a check: PLD does not escape
     * more than GLD (no effect of λ1), SGD escapes more than GLD, PLD at the
     * fitted λ1 does not match SGD, and only SGD feels the 0.9 scaling. */
    /* 1. success grows with λ1: at the fitted λ1, and within the paper's range */
    double dz = (succ[0][ifit] - succ[0][1]) / hypot(se[0][ifit], se[0][1]);
    snprintf(note, sizeof note, "PLD lambda1=%.0f (fit): %.3f, GLD: %.3f (%ld runs)", lam_fit, succ[0][ifit], succ[0][1], runs);
    trend_claim(&run, "success(PLD, fitted lambda1) - success(GLD), in SE", dz, z, 0, V, note);
    double dz36 = (succ[0][i36] - succ[0][1]) / hypot(se[0][i36], se[0][1]);
    snprintf(note, sizeof note, "PLD lambda1=%g: %.3f, GLD: %.3f; the paper's range 0..36 %s", lams.v[i36 - 1],
             succ[0][i36], succ[0][1], dz36 >= z ? "shows the growth" : "shows no growth here");
    trend_claim(&run, "success(PLD, lambda1=36) - success(GLD), in SE", dz36, z, 0, V, note);
    /* 2. GLD below SGD */
    double gz = (succ[0][0] - succ[0][1]) / hypot(se[0][0], se[0][1]);
    snprintf(note, sizeof note, "SGD %.3f, GLD %.3f", succ[0][0], succ[0][1]);
    trend_claim(&run, "success(SGD) - success(GLD), in SE", gz, z, 1, V, note);
    /* 3. PLD at the fitted λ1 = c2/c0 matches SGD (paper: ~30 matches SGD) */
    snprintf(note, sizeof note, "fitted lambda1 = c2/c0 = %.1f (R2 = %.4f): %.3f vs SGD %.3f; PLD at 36: %.3f", lam_fit,
             r2, succ[0][ifit], succ[0][0], succ[0][i36]);
    run_claim(&run, "MENG-F4", "PLD(fitted lambda1) vs SGD success (refuted)", REL_NE, succ[0][ifit], succ[0][0],
              z * hypot(se[0][ifit], se[0][0]), "2.58 SE of the difference", V, note);
    /* 4. the 0.9-scaled loss is escaped less, by SGD and by PLD at the fit */
    for (int k = 0; k < 2; k++) {
        int dyn = k ? ifit : 0;
        double sz = (succ[0][dyn] - succ[1][dyn]) / hypot(se[0][dyn], se[1][dyn]);
        snprintf(check, sizeof check, "%s: success(L) - success(0.9 L), in SE", k ? "PLD fitted lambda1" : "SGD");
        snprintf(note, sizeof note, "L: %.3f, 0.9L: %.3f", succ[0][dyn], succ[1][dyn]);
        trend_claim(&run, check, sz, z, k == 0, V, note);
    }
    for (int sc = 0; sc < 2; sc++)
        for (int d = 0; d < nd; d++) {
            if (d > nl)
                snprintf(key, sizeof key, "s%d-pldfit", sc);
            else
                snprintf(key, sizeof key, "s%d-%s%g", sc, d ? "pld" : "sgd", d ? lams.v[d - 1] : 0);
            run_value(&run, key, "%.3f", succ[sc][d]);
        }
    run_value(&run, "lambda-fit", "%.1f", lam_fit);
    run_value(&run, "c0", "%.4g", c0);
    run_value(&run, "c2", "%.4g", c2);
    run_value(&run, "r2", "%.4f", r2);
    run_value(&run, "lambda2", "%.3f", l2s[0]);
    run_value(&run, "lambda2-flat", "%.3f", l2s[1]);
    run_value(&run, "data-sd", "%g", xsd);
    run_value(&run, "runs", "%ld", runs);
    run_value(&run, "ndata", "%ld", ndata);
    run_value(&run, "batch", "%ld", batch);
    run_value(&run, "wstar", "(%.4f, %.4f)", M->wstar[0], M->wstar[1]);
    run_value(&run, "ridge", "(%.4f, %.4f)", M->ridge[0], M->ridge[1]);
    free(res), free(M->x), free(M);
    return run_finish(&run);
}
