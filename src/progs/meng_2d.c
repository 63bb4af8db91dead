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
 * Success: after 500 steps w is finite and outside the basin of w*, i.e.
 * some coordinate is below the ridge s_j of L_j between −1 and 1.  A run
 * whose iterate overflows (beyond 1e6) diverged: it is counted apart, never
 * as an escape.  λ1 is matched to SGD's noise as λ2 is (match_lambda1);
 * the paper's own grid 16..36 is run beside it, and a decade grid above.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
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

/* One run: 1 if w ends outside the basin of w*, 0 if inside, −1 if the
 * iterate diverged (non-finite or beyond 1e6: a divergence, never counted as
 * an escape).  kind: 0 SGD, 1 PLD. */
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
        if (!isfinite(w[0]) || !isfinite(w[1]) || fabs(w[0]) > 1e6 || fabs(w[1]) > 1e6)
            return -1;
    }
    return w[0] < M->ridge[0] || w[1] < M->ridge[1];
}

/* >>> snippet meng-2d-match */
/* λ1 matched to SGD's noise as the paper matches λ2: PLD's trace on the line
 * w* + δ(1,1) is 2λ2²(1 + λ1δ²) = T0(1 + λ1δ²), T0 = Tr C_SGD(w*), so λ1 is
 * the least-squares solution of T(δ) − T0 = T0 λ1 δ² over the sampled δ. */
static double match_lambda1(const double *dx, const double *ty, int n, double T0, double *r2)
{
    double num = 0, den = 0, ssr = 0, sst = 0, mean = stats_mean(ty, n);
    for (int k = 0; k < n; k++)
        num += (ty[k] - T0) * dx[k] * dx[k], den += T0 * pow(dx[k], 4);
    double l1 = num / den;
    for (int k = 0; k < n; k++) {
        double fit = T0 * (1 + l1 * dx[k] * dx[k]);
        ssr += (ty[k] - fit) * (ty[k] - fit), sst += (ty[k] - mean) * (ty[k] - mean);
    }
    *r2 = 1 - ssr / sst;
    return l1;
}
/* <<< snippet */

/* SGD's noise trace on the line w* + δ(1,1), the matched λ1 and, for the
 * record, the unconstrained quadratic's δ² coefficient (the paper's
 * "roughly 30"), from the centred normal equations. */
enum { NF = 21 };
typedef struct {
    double dx[NF], ty[NF], lam, r2, c2q, r2q;
} trace_fit;

static void fit_trace(const model *M, double tr0, trace_fit *t)
{
    double S[3] = {0}, Sy[2] = {0};
    for (int k = 0; k < NF; k++) {
        t->dx[k] = -0.1 + 0.2 * k / (NF - 1);
        double w[2] = {M->wstar[0] + t->dx[k], M->wstar[1] + t->dx[k]};
        t->ty[k] = trace_sgd(M, w);
    }
    const double *dx = t->dx, *ty = t->ty;
    t->lam = match_lambda1(dx, ty, NF, tr0, &t->r2);
    for (int k = 0; k < NF; k++)
        S[0] += dx[k] * dx[k], S[1] += pow(dx[k], 4), Sy[0] += ty[k], Sy[1] += ty[k] * dx[k] * dx[k];
    t->c2q = (Sy[1] - S[0] * Sy[0] / NF) / (S[1] - S[0] * S[0] / NF);
    double ssr = 0, sst = 0, mean = stats_mean(ty, NF), c0q = (Sy[0] - t->c2q * S[0]) / NF, c1q, sxy = 0;
    for (int k = 0; k < NF; k++)
        sxy += ty[k] * dx[k];
    c1q = sxy / S[0];
    for (int k = 0; k < NF; k++) {
        double fq = c0q + c1q * dx[k] + t->c2q * dx[k] * dx[k];
        ssr += (ty[k] - fq) * (ty[k] - fq), sst += (ty[k] - mean) * (ty[k] - mean);
    }
    t->r2q = 1 - ssr / sst;
}

static int find_lambda(const opts_list *l, double v)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i] == v)
            return i + 1; /* dynamic index: 0 is SGD */
    return -1;
}

/* (p_a − p_b) in SE of the difference, p = escapes/n, with the diverged
 * runs of each side counted as escapes or not, whichever is worse for the
 * check: for "a above b" (eq = 0) the smallest z, for "a equals b" (eq = 1)
 * the z of largest magnitude. */
static double z_worst(double pa, long da, double pb, long db, long n, int eq)
{
    double best = NAN;
    for (int ia = 0; ia < 2; ia++)
        for (int ib = 0; ib < 2; ib++) {
            double a = pa + ia * (double)da / n, b = pb + ib * (double)db / n;
            double sa = sqrt(fmax(a * (1 - a), 1.0 / n) / n), sb = sqrt(fmax(b * (1 - b), 1.0 / n) / n);
            double z = (a - b) / hypot(sa, sb);
            if (isnan(best) || (eq ? fabs(z) > fabs(best) : z < best))
                best = z;
        }
    return best;
}

static void row(run_ctx *run, check_tests t, const char *check, claim_rel rel, double m, double p, double tol,
                const char *basis, const char *note)
{
    run_check(run, (run_check_row){.id = "MENG-F4", .tests = t, .check = check, .rel = rel, .measured = m,
                                   .predicted = p, .tol = tol, .basis = basis, .note = note});
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "meng_2d", "MENG-F4: 2-D model, escape success vs lambda1, PLD vs GLD vs SGD", argc, argv);
    long runs = run.ci ? 400 : 2000, steps = 500, ndata = 100, batch = 1;
    double eta = 0.025, xsd = 0.01, lpaper = 32, ltop = 36;
    opts_list lams = {11, {0, 16, 20, 24, 28, 32, 36, 300, 1000, 3000, 10000}};
    opts_spec spec[] = {
        {"runs", OPT_INT, &runs, 2, 1e8, "runs per dynamic and loss"},
        {"steps", OPT_INT, &steps, 1, 1e8, "iterations per run"},
        {"ndata", OPT_INT, &ndata, 2, 100000, "training points x_i"},
        {"batch", OPT_INT, &batch, 1, 100000, "SGD batch size"},
        {"eta", OPT_DOUBLE, &eta, 1e-5, 0.1, "learning rate"},
        {"data-sd", OPT_DOUBLE, &xsd, 1e-4, 1, "standard deviation of the data x_i"},
        {"lambda1", OPT_LIST, &lams, 0, 1e5, "PLD lambda1 values, the first 0 (= GLD); the matched one is added"},
        {"lambda-paper", OPT_DOUBLE, &lpaper, 1, 1e5, "the lambda1 the paper says mimics SGD (in --lambda1)"},
        {"lambda-top", OPT_DOUBLE, &ltop, 1, 1e5, "top of the paper's lambda1 grid (in --lambda1)"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (lams.v[0] != 0 || lams.n >= OPTS_LIST_MAX)
        run_usage_error(&run, "--lambda1 must start with 0 (GLD) and have < %d entries", OPTS_LIST_MAX);
    int ipap = find_lambda(&lams, lpaper);
    if (ipap < 0 || find_lambda(&lams, ltop) < 0 || lpaper > ltop)
        run_usage_error(&run, "--lambda-paper and --lambda-top must be values of --lambda1, paper <= top");
    uint64_t seed = (uint64_t)run.seed;
    model *M = SGDN_NEW(M, 1);
    M->n = (int)ndata, M->batch = (int)batch;
    M->x = SGDN_NEW(M->x, 2 * ndata);
    {
        rng_stream r;
        rng_init(&r, seed, 0);
        for (long i = 0; i < 2 * ndata; i++)
            M->x[i] = xsd * rng_normal(&r);
    }
    char note[256], check[200], key[64];
    const double scales[2] = {1.0, 0.9};
    int nl = lams.n, nd = nl + 2; /* dynamics: SGD, PLD for each λ1, PLD at the matched λ1 */
    double succ[2][OPTS_LIST_MAX + 1];
    long ndiv[2][OPTS_LIST_MAX + 1];
    double tr0s[2], l2s[2];
    trace_fit tf;
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
    /* the two losses (L and 0.9 L), their noise scale λ2, and λ1 matched at L */
    model *Ms = SGDN_NEW(Ms, 2);
    for (int sc = 0; sc < 2; sc++) {
        Ms[sc].n = M->n, Ms[sc].batch = M->batch, Ms[sc].x = M->x;
        model_init(&Ms[sc], scales[sc]);
        tr0s[sc] = trace_sgd(&Ms[sc], Ms[sc].wstar), l2s[sc] = sqrt(tr0s[sc] / 2);
    }
    fit_trace(&Ms[0], tr0s[0], &tf);
    double lam_fit = tf.lam, r2 = tf.r2, r2q = tf.r2q, c2q = tf.c2q;
    /* >>> snippet meng-2d-shard */
    /* Run i of dynamic dyn on loss sc is work item (sc·nd + dyn)·runs + i, on
     * stream (seed, 1 + 100 sc + dyn, i), so a shard (shard.h) computes a
     * range of them. */
    int *res = SGDN_NEW(res, sgdn_mul(2 * nd, runs));
    long lo, hi;
    shard_items(&run, &sh, 2 * nd * runs, &lo, &hi);
#pragma omp parallel for schedule(static)
    for (long it = lo; it < hi; it++) {
        int sc = (int)(it / runs / nd), dyn = (int)(it / runs % nd);
        double l1 = dyn == 0 ? 0 : dyn <= nl ? lams.v[dyn - 1] : lam_fit;
        rng_stream r;
        rng_init_sub(&r, seed, (uint64_t)(1 + sc * 100 + dyn), (uint64_t)(it % runs));
        res[it] = run_one(&Ms[sc], dyn ? 1 : 0, eta, steps, l1, l2s[sc], &r);
    }
    shard_gather(&run, &sh, res, sizeof *res); /* a shard writes its runs and exits */
    /* <<< snippet */
    FILE *f = run_open(&run, ".tsv", "loss_scale\tdynamic\tlambda1\tsuccess\tlo99\thi99\tcount\truns\tdiverged");
    FILE *ft = run_open(&run, "-trace.tsv", "delta\ttrace_sgd\tpld_matched");
    for (int k = 0; k < NF; k++)
        fprintf(ft, "%.4f\t%.6g\t%.6g\n", tf.dx[k], tf.ty[k], tr0s[0] * (1 + lam_fit * tf.dx[k] * tf.dx[k]));
    for (int sc = 0; sc < 2; sc++) {
        for (int dyn = 0; dyn < nd; dyn++) {
            double l1 = dyn == 0 ? 0 : dyn <= nl ? lams.v[dyn - 1] : lam_fit;
            const int *rd = res + (long)(sc * nd + dyn) * runs;
            long k = 0, div = 0;
            for (long i = 0; i < runs; i++)
                k += rd[i] == 1, div += rd[i] < 0;
            const char *name = dyn ? (dyn > nl ? "PLD-matched" : l1 > 0 ? "PLD" : "GLD") : "SGD";
            /* A divergence is never an escape: it is counted apart, and each
             * check below counts it on whichever side makes the check harder
             * to pass, so a divergence can never make a check pass. */
            ndiv[sc][dyn] = div;
            double lo, hi;
            stats_binom_wilson(k, runs, 0.01, &lo, &hi);
            succ[sc][dyn] = (double)k / runs;
            fprintf(f, "%g\t%s\t%g\t%.5f\t%.5f\t%.5f\t%ld\t%ld\t%ld\n", scales[sc], name, l1, succ[sc][dyn], lo, hi, k,
                    runs, div);
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);
    run_close(&run, ft);
    /* Checks: a difference of success rates in SE of the difference, with
     * relations fixed by the paper's statements (Fig. 4, Sec. 5.2, 7.5.3). */
    double z = stats_z_two_sided(0.01);
    int imatch = nl + 1;
#define DZ(a, b, c, d) z_worst(succ[a][b], ndiv[a][b], succ[c][d], ndiv[c][d], runs, 0)
#define DZE(a, b, c, d) z_worst(succ[a][b], ndiv[a][b], succ[c][d], ndiv[c][d], runs, 1)
    /* Statement (1), growth with λ1 over the paper's grid, gets no row: at
     * this noise level no run escapes anywhere on the grid (0 of n against
     * 0 of n), a comparison with no power either way; the report says so
     * and gives the counts. */
    snprintf(note, sizeof note, "SGD %.3f, GLD %.3f", succ[0][0], succ[0][1]);
    row(&run, CHECK_PAPER, "success(SGD) - success(GLD), in SE", REL_GE, DZ(0, 0, 0, 1), z, 0,
        "GLD below SGD: difference >= 2.58 SE", note);
    snprintf(check, sizeof check, "success(PLD, lambda1 = %g, the paper's match) - success(SGD), in SE", lpaper);
    snprintf(note, sizeof note, "PLD %.3f, SGD %.3f", succ[0][ipap], succ[0][0]);
    row(&run, CHECK_PAPER, check, REL_EQ, DZE(0, ipap, 0, 0), 0, z, "mimics SGD: |difference| <= 2.58 SE", note);
    snprintf(note, sizeof note, "matched lambda1 = %.0f (R2 = %.3f): PLD %.3f (%ld diverged), SGD %.3f", lam_fit, r2,
             succ[0][imatch], ndiv[0][imatch], succ[0][0]);
    row(&run, CHECK_PAPER, "success(PLD, matched lambda1) - success(SGD), in SE", REL_EQ, DZE(0, imatch, 0, 0), 0, z,
        "mimics SGD: |difference| <= 2.58 SE", note);
    snprintf(note, sizeof note, "L: %.3f, 0.9L: %.3f", succ[0][0], succ[1][0]);
    row(&run, CHECK_PAPER, "SGD: success(L) - success(0.9 L), in SE", REL_GE, DZ(0, 0, 1, 0), z, 0,
        "flatter escaped less: difference >= 2.58 SE", note);
#undef DZ
#undef DZE
    for (int sc = 0; sc < 2; sc++)
        for (int d = 0; d < nd; d++) {
            if (d > nl)
                snprintf(key, sizeof key, "s%d-pldmatch", sc);
            else
                snprintf(key, sizeof key, "s%d-%s%g", sc, d ? "pld" : "sgd", d ? lams.v[d - 1] : 0);
            run_value(&run, key, "%.3f", succ[sc][d]);
        }
    run_value(&run, "lambda-match", "%.0f", lam_fit);
    run_value(&run, "r2-match", "%.3f", r2);
    run_value(&run, "c2-quad", "%.0f", c2q);
    run_value(&run, "r2-quad", "%.3f", r2q);
    run_value(&run, "trace0", "%.3f", tr0s[0]);
    run_value(&run, "lambda2", "%.3f", l2s[0]);
    run_value(&run, "lambda2-flat", "%.3f", l2s[1]);
    run_value(&run, "lambda-paper", "%g", lpaper);
    run_value(&run, "lambda-top", "%g", ltop);
    {   /* statement (1): the largest escape fraction over the paper's grid */
        double gmax = 0;
        for (int sc = 0; sc < 2; sc++)
            for (int d = 1; d <= nl; d++)
                if (lams.v[d - 1] <= ltop)
                    gmax = fmax(gmax, succ[sc][d]);
        run_value(&run, "grid-max", "%.3f", gmax);
    }
    for (int d = nl; d <= nl + 1; d++) {
        snprintf(key, sizeof key, "div-%s", d > nl ? "match" : "last");
        run_value(&run, key, "%ld", ndiv[0][d]);
    }
    run_value(&run, "lambda-last", "%g", lams.v[nl - 1]);
    run_value(&run, "data-sd", "%g", xsd);
    run_value(&run, "runs", "%ld", runs);
    run_value(&run, "ndata", "%ld", ndata);
    run_value(&run, "batch", "%ld", batch);
    run_value(&run, "eta", "%g", eta);
    run_value(&run, "wstar", "(%.4f, %.4f)", Ms[1].wstar[0], Ms[1].wstar[1]);
    run_value(&run, "ridge", "(%.4f, %.4f)", Ms[1].ridge[0], Ms[1].ridge[1]);
    free(res), free(M->x), free(M), free(Ms);
    return run_finish(&run);
}
