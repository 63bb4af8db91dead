/* meng_thm7 — MENG-T7: Theorem 7's mean escape time in d = 2 against the
 * 1-D well, where the theorem's assumptions hold.
 *
 * The theorem's noise C(w) = σg + 2(L(w) − L(a))/(ηκ) (times I) on the whole
 * path (escape1d.h, ESC_THM), at a fine step η (λ2² = σg scaled so that ησg
 * and κ are those of MENG-L6: the iteration follows its SDE) and at barriers
 * with ΔL ≫ ησg (Assumption 3).  1-D: the pwell family ℓ (one sample at 0),
 * checked against the exact mean exit time of the iteration; 2-D: the well
 * ℓ(w1) + ½h2 w2², escape when w1 ≥ b.
 *
 * Theorem 7 puts the dimension only into the prefactor: with Ha, Hb and h2
 * the same at both ends, τ2D/τ1D = (1 − 1/(2κ))/(1 − 1/κ) at every barrier,
 * and both grow as X^{κ−½}, X = 1 + 2ΔL/(κησg).  Redone, the transverse
 * width at the saddle grows as √X_b (the noise there is X_b times that at a),
 * so for the Itô SDE τ ∝ X^{κ+1−d/2}: the exponent drops by (d − 1)/2, and
 * τ2D/τ1D → X_b^{−1/2}.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "escape1d.h"
#include "pwell.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "stats.h"

#define MAXH OPTS_LIST_MAX
/* The slope, shift and ratio rows share one Bonferroni z (1 %): 5 rows. */
#define NFAMILY 5
#define ZFAM_BASIS "Bonferroni z (1%, 5 fit rows) x SE"

static void row(run_ctx *run, const char *id, check_tests t, const char *check, claim_rel rel, double m, double p,
                double tol, const char *basis, const char *alt_name, double alt, const char *note)
{
    run_check(run, (run_check_row){.id = id, .tests = t, .check = check, .rel = rel, .measured = m, .predicted = p,
                                   .tol = tol, .basis = basis, .alt_name = alt_name, .alt = alt, .note = note});
}

/* One escape time of the 2-D well ℓ(w1) + ½h2 w2² under C = c(L)·I (THM). */
static long escape_2d(const esc_model *M, double h2, double s, long maxsteps, rng_stream *r)
{
    double w1 = 0, w2 = 0, e = M->eta, sg = M->l2 * M->l2, cL = 2 / (e * M->kap);
    for (long t = 1; t <= maxsteps; t++) {
        /* >>> snippet meng-thm7-2d */
        double L = pwell_ell(&M->w, w1) + 0.5 * h2 * w2 * w2; /* L(a) = 0 */
        double amp = e * sqrt(sg + cL * L);
        double g1 = pwell_ell_grad(&M->w, w1);
        w1 += -e * g1 + amp * rng_normal(r);
        w2 += -e * h2 * w2 + amp * rng_normal(r);
        /* <<< snippet */
        if (w1 >= s)
            return t;
    }
    return -1;
}

/* The escapes of barrier i that fall in [lo, hi) of the numbering of all
 * escapes: the 1-D well's own items [2i·reps, (2i + 1)·reps) on stream
 * 1 + 2i, then the 2-D well's on stream 2 + 2i (replicate j on (seed,
 * stream, j), whoever computes it), into st[item]. */
static void run_height(run_ctx *run, esc_model *T, double dL0, int i, double h2, long reps, long maxsteps,
                       long lo, long hi, long *st)
{
    esc_height h;
    if (esc_height_setup(T, dL0, &h))
        run_fail(run, "1-D well, barrier %g: %s", dL0, sgdn_strerror(SGDN_EDOM));
    for (int dim = 0; dim < 2; dim++) {
        long off = (2 * i + dim) * reps, j0 = (lo > off ? lo : off) - off, j1 = (hi < off + reps ? hi : off + reps) - off;
        uint64_t stream = 1 + 2 * (uint64_t)i + (uint64_t)dim;
        if (j0 >= j1)
            continue;
        if (dim == 0)
            esc_height_mc(T, &h, maxsteps, (uint64_t)run->seed, stream, j0, j1, st + off);
        else {
#pragma omp parallel for schedule(dynamic, 4)
            for (long j = j0; j < j1; j++) {
                rng_stream r;
                rng_init_sub(&r, (uint64_t)run->seed, stream, (uint64_t)j);
                st[off + j] = escape_2d(T, h2, h.s, maxsteps, &r);
            }
        }
    }
}

typedef struct {
    stats_fit f1, f2;
    double shift, shift_se, thr;
} t7_result;

/* Writes the Theorem 7 table and fits log τ (1-D, 2-D) against log X. */
static t7_result t7_analyse(run_ctx *run, FILE *f, const esc_height *h1, const esc_stat *e2, int n, double kap,
                            double eta_sg)
{
    t7_result t = {.thr = (1 - 1 / (2 * kap)) / (1 - 1 / kap)};
    double x[MAXH], y1[MAXH], s1[MAXH], y2[MAXH], s2[MAXH], chi2;
    for (int i = 0; i < n; i++) {
        double ratio = e2[i].mean / h1[i].e.mean, rse = ratio * hypot(e2[i].se / e2[i].mean, h1[i].e.se / h1[i].e.mean);
        fprintf(f, "%g\t%.5g\t%.4g\t%.6g\t%.4g\t%.6g\t%.4g\t%.6g\t%.2g\t%.6g\t%.5g\t%.3g\t%.5g\t%.5g\n", h1[i].dL0,
                h1[i].X, h1[i].dL / eta_sg, e2[i].mean, e2[i].se, h1[i].e.mean, h1[i].e.se, h1[i].chain, h1[i].cerr,
                h1[i].ito, ratio, rse, t.thr, 1 / sqrt(h1[i].X));
        x[i] = log(h1[i].X);
        y1[i] = log(h1[i].e.mean), s1[i] = h1[i].e.se / h1[i].e.mean;
        y2[i] = log(e2[i].mean), s2[i] = e2[i].se / e2[i].mean;
    }
    if (stats_fit_line_weighted(x, y1, s1, n, &t.f1, &chi2) || stats_fit_line_weighted(x, y2, s2, n, &t.f2, &chi2))
        run_fail(run, "Theorem 7: growth-law fit failed");
    t.shift = t.f1.b - t.f2.b, t.shift_se = hypot(t.f1.se_b, t.f2.se_b);
    return t;
}

/* MENG-T7: relations fixed by Theorem 7 (paper) and its redone derivation
 * (corrected), see the header comment. */
static void t7_checks(run_ctx *run, const t7_result *t, const esc_height *h1, const esc_stat *e2, int n, double kap)
{
    char check[200], note[300], key[32];
    const char *id = "MENG-T7";
    double zb = stats_z_bonferroni(0.01, n), zz = stats_z_bonferroni(0.01, NFAMILY);
    for (int i = 0; i < n; i++) {
        const esc_height *h = &h1[i];
        double tol = hypot(h->e.se, h->cerr);
        snprintf(check, sizeof check, "1-D mean escape steps vs exact iteration (Nystrom), dL = %g", h->dL0);
        snprintf(note, sizeof note, "Ito SDE %.1f steps", h->ito);
        row(run, id, CHECK_EXACT, check, REL_EQ, h->e.mean, h->chain, zb * tol, "Bonferroni z (1%) x SE (+ Nystrom error)",
            NULL, 0, note);
    }
    for (int i = 0; i < n; i++) {
        double ratio = e2[i].mean / h1[i].e.mean, rse = ratio * hypot(e2[i].se / e2[i].mean, h1[i].e.se / h1[i].e.mean);
        snprintf(check, sizeof check, "tau(2-D)/tau(1-D) vs Theorem 7's (1-1/(2 kappa))/(1-1/kappa), dL = %g", h1[i].dL0);
        snprintf(note, sizeof note, "dL/(eta sigma_g) = %.3g (Assumption 3)", (h1[i].X - 1) * kap / 2);
        row(run, id, CHECK_PAPER, check, REL_EQ, ratio, t->thr, zb * rse, "Bonferroni z (1%) x SE of ratio",
            "corrected asymptote X^(-1/2)", 1 / sqrt(h1[i].X), NULL);
        snprintf(key, sizeof key, "t7-ratio%d", i), run_value(run, key, "%.3f", ratio);
        snprintf(key, sizeof key, "t7-ratiose%d", i), run_value(run, key, "%.3f", rse);
        snprintf(key, sizeof key, "t7-asym%d", i), run_value(run, key, "%.3f", 1 / sqrt(h1[i].X));
        snprintf(key, sizeof key, "t7-X%d", i), run_value(run, key, "%.3g", h1[i].X);
    }
    {   /* the asymptote, where it applies best: the highest barrier */
        int i = n - 1;
        double ratio = e2[i].mean / h1[i].e.mean, rse = ratio * hypot(e2[i].se / e2[i].mean, h1[i].e.se / h1[i].e.mean);
        snprintf(check, sizeof check, "tau(2-D)/tau(1-D) vs the corrected asymptote X_b^(-1/2), highest barrier dL = %g",
                 h1[i].dL0);
        row(run, id, CHECK_CORRECTED, check, REL_EQ, ratio, 1 / sqrt(h1[i].X), zz * rse, ZFAM_BASIS,
            "Theorem 7's constant", t->thr, NULL);
    }
    row(run, id, CHECK_PAPER, "exponent(1-D) - exponent(2-D) vs Theorem 7's 0 (d only in the prefactor)", REL_EQ,
        t->shift, 0, zz * t->shift_se, ZFAM_BASIS, "transverse width at the saddle: 1/2", 0.5, NULL);
    row(run, id, CHECK_PAPER, "2-D growth exponent vs Theorem 7's kappa - 1/2", REL_EQ, t->f2.b, kap - 0.5,
        zz * t->f2.se_b, ZFAM_BASIS, "Ito, d = 2: kappa", kap, NULL);
    row(run, id, CHECK_CORRECTED, "exponent(1-D) - exponent(2-D) vs (d-1)/2 = 1/2", REL_EQ, t->shift, 0.5,
        zz * t->shift_se, ZFAM_BASIS, "Theorem 7: 0", 0, NULL);
    row(run, id, CHECK_CORRECTED, "2-D growth exponent vs the Ito SDE's kappa + 1 - d/2 = kappa", REL_EQ, t->f2.b, kap,
        zz * t->f2.se_b, ZFAM_BASIS, "Theorem 7: kappa - 1/2", kap - 0.5, NULL);
    run_value(run, "t7-theorem", "%.3f", t->thr);
    run_value(run, "t7-slope1", "%.2f", t->f1.b);
    run_value(run, "t7-slope1-se", "%.2f", t->f1.se_b);
    run_value(run, "t7-slope2", "%.2f", t->f2.b);
    run_value(run, "t7-slope2-se", "%.2f", t->f2.se_b);
    run_value(run, "t7-shift", "%.2f", t->shift);
    run_value(run, "t7-shift-se", "%.2f", t->shift_se);
}


int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "meng_thm7", "MENG-T7: Theorem 7, escape time of a 2-D well vs the 1-D well", argc, argv);
    long reps2 = run.ci ? 400 : 500, ngrid = run.ci ? 400 : 700, maxsteps = 20000000;
    double Ha = 4, Hb = 4, h2 = 4, l1 = 1, l2 = 4, eta = 0.1, etaf = 0.01;
    opts_list twoL = {3, {8, 16, 32}};
    opts_spec spec[] = {
        {"reps", OPT_INT, &reps2, 2, 1e7, "escape runs per barrier (1-D and 2-D)"},
        {"grid", OPT_INT, &ngrid, 50, 4000, "Nystrom nodes for the exact mean exit time"},
        {"maxsteps", OPT_INT, &maxsteps, 10, 1e12, "cap on steps per run"},
        {"heights", OPT_LIST, &twoL, 0.2, 1000, "barrier heights (>= 3, all fitted)"},
        {"Ha", OPT_DOUBLE, &Ha, 0.1, 19, "curvature at the minimum"},
        {"Hb", OPT_DOUBLE, &Hb, 0.1, 100, "|curvature| at the saddle"},
        {"h2", OPT_DOUBLE, &h2, 0.1, 100, "transverse curvature of the 2-D well"},
        {"lambda1", OPT_DOUBLE, &l1, 0.01, 100, "lambda1 (kappa = Ha/(eta lambda1 lambda2^2))"},
        {"lambda2", OPT_DOUBLE, &l2, 0.01, 100, "lambda2 at --eta (sigma_g = lambda2^2)"},
        {"eta", OPT_DOUBLE, &eta, 1e-4, 0.4, "the step at which kappa and eta*sigma_g are set (MENG-L6's)"},
        {"eta-fine", OPT_DOUBLE, &etaf, 1e-4, 0.4, "the step simulated (same kappa and eta*sigma_g)"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (etaf * Ha >= 2 || etaf * Hb >= 2 || etaf * h2 >= 2)
        run_usage_error(&run, "--eta-fine times --Ha, --Hb and --h2 must be < 2 (stable well)");
    if (twoL.n < 3)
        run_usage_error(&run, "--heights needs at least 3 barrier heights (the growth exponents are fitted)");
    double kap = Ha / (eta * l1 * l2 * l2), sg = l2 * l2;
    if (kap <= 1)
        run_usage_error(&run, "kappa = Ha/(eta lambda1 lambda2^2) must exceed 1 (the 2-D density must normalise)");
    esc_model T = {.kind = ESC_THM, .l1 = l1, .l2 = l2 * sqrt(eta / etaf), .eta = etaf, .kap = kap};
    double x0 = 0;
    pwell_init(&T.w, Ha, Hb, &x0, 1);
    /* >>> snippet meng-thm7-shard */
    int n = twoL.n;
    long *st = SGDN_NEW(st, sgdn_mul(2 * n, reps2)), lo, hi;
    shard_items(&run, &sh, 2 * n * reps2, &lo, &hi);
    for (int i = 0; i < n; i++) {
        if (lo < (2 * i + 2) * reps2 && hi > 2 * i * reps2) {
            run_height(&run, &T, twoL.v[i], i, h2, reps2, maxsteps, lo, hi, st);
            run_progress(&run, "barriers", (i + 1.0) / n);
        }
    }
    shard_gather(&run, &sh, st, sizeof *st); /* a shard writes its escapes and exits */
    /* <<< snippet */
    FILE *f7 = run_open(&run, ".tsv", "dL0\tX\tdL_over_eta_sg\tmean2d\tse2d\tmean1d\tse1d\tchain1d\tchain1d_err\tito1d\tratio\tratio_se\ttheorem7_ratio\tcorrected_asymptote");
    esc_height h1[MAXH];
    esc_stat e2[MAXH];
    for (int i = 0; i < n; i++) {
        int rc = esc_height_setup(&T, twoL.v[i], &h1[i]);
        if (!rc)
            rc = esc_height_finish(&T, st + 2 * i * reps2, reps2, (int)ngrid, &h1[i]);
        if (rc == SGDN_ENOCONV)
            run_fail(&run, "1-D well: %ld runs did not escape within %ld steps", reps2 - h1[i].e.escaped, maxsteps);
        if (rc)
            run_fail(&run, "1-D well, barrier %g: %s", twoL.v[i], sgdn_strerror(rc));
        e2[i] = esc_summarise(st + (2 * i + 1) * reps2, reps2);
        if (e2[i].escaped < reps2)
            run_fail(&run, "2-D well: %ld runs did not escape within %ld steps", reps2 - e2[i].escaped, maxsteps);
    }
    t7_result t7 = t7_analyse(&run, f7, h1, e2, twoL.n, kap, sg * eta);
    run_close(&run, f7);
    t7_checks(&run, &t7, h1, e2, twoL.n, kap);
    run_value(&run, "reps", "%ld", reps2);
    {   /* the heights and their Assumption-3 ratios ΔL/(ησg), for the prose */
        char list[256] = "";
        double lo = INFINITY, hi = 0;
        for (int i = 0; i < twoL.n; i++) {
            size_t k = strlen(list);
            snprintf(list + k, sizeof list - k, "%s%g", i ? ", " : "", twoL.v[i]);
            lo = fmin(lo, h1[i].dL / (eta * sg)), hi = fmax(hi, h1[i].dL / (eta * sg));
        }
        run_value(&run, "heights", "%s", list);
        run_value(&run, "a3-min", "%.3g", lo);
        run_value(&run, "a3-max", "%.3g", hi);
    }
    run_value(&run, "kappa", "%.3g", kap);
    run_value(&run, "h2", "%g", h2);
    run_value(&run, "eta-fine", "%g", etaf);
    run_value(&run, "eta-sg", "%.3g", eta * sg);
    pwell_free(&T.w), free(st);
    return run_finish(&run);
}
