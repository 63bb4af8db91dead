/* meng_escape — MENG-L6: mean escape time vs barrier height for the
 * power-law dynamic (PLD), Langevin dynamic (GLD) and SGD (Meng et al.,
 * Lemma 6, Table 1, App. 7.5.5).
 *
 * Loss: the piecewise-quadratic family of pwell.h (curvatures Ha, |Hb| fixed,
 * barrier ΔL0 moving the saddle out as √ΔL0), L(w) = mean_i ℓ(w − x_i),
 * x_i ~ N(0, 0.05), i = 1..100.  The paper's experiment: w ← w − ηL'(w) +
 * η√C(w) ξ with PLD C = λ2²(1 + λ1(w − w*)²), GLD C = σ², and SGD
 * w ← w − ηℓ'(w − x_I) (batch 1); escape = first step with w ≥ s.  Each
 * height is checked against the exact mean exit time of the iteration and
 * shown beside the Itô SDE, the paper's Fokker–Planck form and Lemma 6 /
 * Kramers (escape1d.h).
 *
 * Growth exponents: log τ against log X, X = 1 + 2ΔL/(κησg), fitted over the
 * upper half of the heights.  Lemma 6 says κ − ½; the Itô SDE gives κ + ½
 * (its speed measure carries 1/C); the iteration at a finite step escapes
 * with the tail index α of its multiplicative recurrence (pwell.h), whose
 * half tends to κ + ½ as η → 0.  The PLD is therefore run twice: at the
 * paper's η and at a fine step η_f with λ2² scaled by η/η_f, which keeps κ
 * and ησg, hence the SDE, unchanged.
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
#include "sde.h"
#include "stats.h"

#define NDATA 100
#define MAXH OPTS_LIST_MAX
/* The slope and shift rows share one Bonferroni z (1 %): 8 rows, so that an
 * exact or corrected row fails by chance in under 1 % of runs. */
#define NFAMILY 8
#define ZFAM_BASIS "Bonferroni z (1%, 8 fit rows) x SE"

/* A height of the experiment, or the run ends with the reason. */
static esc_slopes fit_slopes(run_ctx *run, const char *what, const esc_height *h, int i0, int n, int use_dL)
{
    esc_slopes s;
    if (esc_fit_slopes(h, i0, n, use_dL, &s))
        run_fail(run, "%s: growth-law fit failed (%d heights)", what, n - i0);
    return s;
}


typedef struct {
    double dL0, dL, Cw, chain, cerr, gauss;
    esc_stat e;
} sgd_result;

/* The barrier of an SGD height: w* and the saddle s. */
static void sgd_setup(run_ctx *run, esc_model *M, double dL0, double *ws, double *s)
{
    pwell_set_barrier(&M->w, dL0);
    M->wstar = 0;
    if (pwell_critical(&M->w, ws, s))
        run_fail(run, "no barrier at dL0 = %g", dL0);
    M->wstar = *ws;
}

/* SGD replicates [j0, j1) at one barrier (replicate j on stream (seed,
 * stream, j)) into st[j]. */
static void sgd_mc(esc_model *M, double ws, double s, long sgd_max, uint64_t seed, uint64_t stream,
                   long j0, long j1, long *st)
{
#pragma omp parallel for schedule(dynamic, 4)
    for (long j = j0; j < j1; j++) {
        rng_stream rs;
        rng_init_sub(&rs, seed, stream, (uint64_t)j);
        st[j] = pwell_sgd_escape(&M->w, M->eta, ws, s, sgd_max, &rs);
    }
}

/* SGD with batch 1 at one barrier: escapes within the cap (st[0..reps),
 * from sgd_mc); its exact chain (grids of 3n and 3n/2 nodes; their
 * difference is the error); and, for the record only (no check), the
 * Gaussian iteration of the same variance, NaN where its exit time exceeds
 * what the linear solve resolves. */
static sgd_result sgd_finish(run_ctx *run, esc_model *M, double dL0, long reps, int ngrid, const long *st)
{
    sgd_result r = {.dL0 = dL0, .gauss = NAN};
    double ws, s, Tg[2];
    sgd_setup(run, M, dL0, &ws, &s);
    r.e = esc_summarise(st, reps);
    for (int k = 0; k < 2; k++)
        Tg[k] = pwell_sgd_exit_time(&M->w, M->eta, ws - 2, s, ws, k ? 3 * ngrid : 3 * ngrid / 2);
    if (!isfinite(Tg[0]) || !isfinite(Tg[1]))
        run_fail(run, "SGD chain exit time failed at dL0 = %g", dL0);
    r.chain = Tg[1], r.cerr = fabs(Tg[1] - Tg[0]), r.Cw = esc_var(ws, M);
    r.dL = pwell_loss(&M->w, s) - pwell_loss(&M->w, ws);
    sde1d m = {esc_grad, esc_var, M, M->eta};
    sde_grid g;
    double *T = SGDN_NEW(T, ngrid);
    if (!sde_grid_sinh(&g, ngrid, ws - 20, s, ws, 0.02)) {
        if (!sde1d_chain_exit_time(&m, &g, s, T))
            r.gauss = sde_grid_interp(&g, T, ws);
        sde_grid_free(&g);
    }
    free(T);
    return r;
}

/* The Monte Carlo work, one task per (dynamic, barrier height): task k
 * owns replicates [off, off + reps) of one numbering of all replicates, so
 * that a shard (shard.h) is a contiguous range of it; its stream is
 * (seed, stream, j) for its own replicate j, whoever computes it. */
typedef struct {
    esc_kind kind;
    double dL0, eta, l2;
    long reps, off;
    uint64_t stream;
} mc_task;

static void model_for(esc_model *M, const mc_task *t)
{
    M->kind = t->kind, M->eta = t->eta, M->l2 = t->l2;
}

/* The replicates of every task that fall in [lo, hi), into st[off + j]. */
static void run_tasks(run_ctx *run, esc_model *M, const mc_task *t, int nt, long lo, long hi,
                      long maxsteps, long sgd_max, uint64_t seed, long *st)
{
    for (int k = 0; k < nt; k++) {
        long j0 = (lo > t[k].off ? lo : t[k].off) - t[k].off;
        long j1 = (hi < t[k].off + t[k].reps ? hi : t[k].off + t[k].reps) - t[k].off;
        if (j0 < j1) {
            model_for(M, &t[k]);
            if (t[k].kind == ESC_SGD) {
                double ws, s;
                sgd_setup(run, M, t[k].dL0, &ws, &s);
                sgd_mc(M, ws, s, sgd_max, seed, t[k].stream, j0, j1, st + t[k].off);
            } else {
                esc_height h;
                if (esc_height_setup(M, t[k].dL0, &h))
                    run_fail(run, "no barrier at dL0 = %g", t[k].dL0);
                esc_height_mc(M, &h, maxsteps, seed, t[k].stream, j0, j1, st + t[k].off);
            }
        }
        if (hi > lo)
            run_progress(run, "barriers", (k + 1.0) / nt);
    }
}

static esc_height run_height(run_ctx *run, esc_model *M, const mc_task *t, long maxsteps, int ngrid,
                             const long *st)
{
    esc_height h;
    model_for(M, t);
    int rc = esc_height_setup(M, t->dL0, &h);
    if (!rc)
        rc = esc_height_finish(M, st + t->off, t->reps, ngrid, &h);
    if (rc == SGDN_ENOCONV)
        run_fail(run, "%ld of %ld runs did not escape within %ld steps (dL0 = %g)", t->reps - h.e.escaped,
                 t->reps, maxsteps, t->dL0);
    if (rc)
        run_fail(run, "barrier dL0 = %g: %s", t->dL0, sgdn_strerror(rc));
    return h;
}

/* The tail index of the iteration's multiplicative recurrence, halved: its
 * escape exponent in X (pwell.h). */
static double kesten_half(run_ctx *run, double eta, double Ha, double sH)
{
    double a;
    if (pwell_kesten_index(1 - eta * Ha, eta * sqrt(sH), &a))
        run_fail(run, "Kesten index failed at eta = %g", eta);
    return 0.5 * a;
}

static void row(run_ctx *run, const char *id, check_tests t, const char *check, claim_rel rel, double m, double p,
                double tol, const char *basis, const char *alt_name, double alt, const char *note)
{
    run_check(run, (run_check_row){.id = id, .tests = t, .check = check, .rel = rel, .measured = m, .predicted = p,
                                   .tol = tol, .basis = basis, .alt_name = alt_name, .alt = alt, .note = note});
}

static void slope_values(run_ctx *run, const char *nm, const esc_slopes *s)
{
    char key[48];
    snprintf(key, sizeof key, "%s-slope", nm), run_value(run, key, "%.3f", s->mc.b);
    snprintf(key, sizeof key, "%s-slope-se", nm), run_value(run, key, "%.3f", s->mc.se_b);
    snprintf(key, sizeof key, "%s-slope-chain", nm), run_value(run, key, "%.3f", s->chain.b);
    snprintf(key, sizeof key, "%s-slope-ito", nm), run_value(run, key, "%.3f", s->ito.b);
}

/* MENG-L6.  Every relation and prediction below is fixed by a derivation
 * (pwell.h, the header comment), none by a measurement. */
static void l6_checks(run_ctx *run, const esc_height *hp, const esc_height *hg, const esc_height *hf, int np, int ng,
                      const sgd_result *sr, int ns, long sgd_max, double eta, double etaf, double sigma,
                      double kap, double Ha, double sH)
{
    char check[200], note[400];
    const char *id = "MENG-L6";
    double zb = stats_z_bonferroni(0.01, 2 * np + ng), zz = stats_z_bonferroni(0.01, NFAMILY);
    const esc_height *H[3] = {hp, hg, hf};
    const int nn[3] = {np, ng, np};
    const char *nm[3] = {"PLD", "GLD", "PLD fine step"}, *key[3] = {"maxz-pld", "maxz-gld", "maxz-fine"};
    for (int k = 0; k < 3; k++) {
        double maxz = 0;
        for (int i = 0; i < nn[k]; i++) {
            const esc_height *h = &H[k][i];
            double tol = hypot(h->e.se, h->cerr);
            maxz = fmax(maxz, fabs(h->e.mean - h->chain) / tol);
            snprintf(check, sizeof check, "%s mean escape steps vs exact iteration (Nystrom), dL = %.3g", nm[k], h->dL);
            snprintf(note, sizeof note, "%ld runs; Ito SDE %.1f; %s %.1f", h->e.n, h->ito, k == 1 ? "Kramers" : "Lemma 6",
                     h->lemma);
            row(run, id, CHECK_EXACT, check, REL_EQ, h->e.mean, h->chain, zb * tol,
                "Bonferroni z (1%) x SE (+ Nystrom error)", NULL, 0, note);
        }
        run_value(run, key[k], "%.2f", maxz);
    }
    run_value(run, "zb", "%.2f", zb);
    esc_slopes sp = fit_slopes(run, "PLD", hp, np / 2, np, 0), sl = fit_slopes(run, "GLD", hg, ng / 2, ng, 1),
           sf = fit_slopes(run, "PLD fine step", hf, np / 2, np, 0);
    const esc_slopes *S[3] = {&sp, &sl, &sf};
    for (int k = 0; k < 3; k++) {
        snprintf(check, sizeof check, "%s growth slope vs exact iteration's", nm[k]);
        snprintf(note, sizeof note, "fit over the upper %d heights; Ito SDE slope %.3f", nn[k] - nn[k] / 2, S[k]->ito.b);
        row(run, id, CHECK_EXACT, check, REL_EQ, S[k]->mc.b, S[k]->chain.b, zz * S[k]->mc.se_b, ZFAM_BASIS,
            NULL, 0, note);
    }
    double a_eta = kesten_half(run, eta, Ha, sH * 1.0), a_f = kesten_half(run, etaf, Ha, sH * eta / etaf);
    row(run, id, CHECK_PAPER, "PLD growth exponent vs Lemma 6's kappa - 1/2 (paper's eta)", REL_EQ, sp.mc.b,
        kap - 0.5, zz * sp.mc.se_b, ZFAM_BASIS, "exact iteration", sp.chain.b,
        "log tau against log(1 + 2 dL/(kappa eta sigma_g))");
    row(run, id, CHECK_PAPER, "PLD growth exponent vs Lemma 6's kappa - 1/2 (fine step: the SDE regime)", REL_EQ,
        sf.mc.b, kap - 0.5, zz * sf.mc.se_b, ZFAM_BASIS, "Ito kappa + 1/2", kap + 0.5, NULL);
    row(run, id, CHECK_PAPER, "GLD growth slope vs Kramers 2/(eta sigma^2)", REL_EQ, sl.mc.b, 2 / (eta * sigma * sigma),
        zz * sl.mc.se_b, ZFAM_BASIS, NULL, 0, "log tau against dL");
    row(run, id, CHECK_CORRECTED, "PLD growth exponent vs the Ito SDE's kappa + 1/2 (fine step)", REL_EQ, sf.mc.b,
        kap + 0.5, zz * sf.mc.se_b, ZFAM_BASIS, "Lemma 6 kappa - 1/2", kap - 0.5, NULL);
    snprintf(note, sizeof note, "Kesten alpha/2 = %.3f at eta = %g, %.3f at eta = %g", a_eta, eta, a_f, etaf);
    row(run, id, CHECK_CORRECTED, "finite-step shift of the PLD exponent vs Kesten alpha(eta)/2 - alpha(eta_f)/2",
        REL_EQ, sp.mc.b - sf.mc.b, a_eta - a_f, zz * hypot(sp.mc.se_b, sf.mc.se_b), ZFAM_BASIS,
        "no finite-step shift", 0, note);
    slope_values(run, "pld", &sp), slope_values(run, "gld", &sl), slope_values(run, "fine", &sf);
    run_value(run, "pld-slope-paper", "%.3f", kap - 0.5);
    run_value(run, "pld-slope-ito-asym", "%.3f", kap + 0.5);
    run_value(run, "gld-slope-paper", "%.3f", 2 / (eta * sigma * sigma));
    run_value(run, "kesten-half", "%.3f", a_eta);
    run_value(run, "kesten-half-fine", "%.3f", a_f);
    run_value(run, "shift", "%.2f", sp.mc.b - sf.mc.b);
    run_value(run, "shift-se", "%.2f", hypot(sp.mc.se_b, sf.mc.se_b));
    run_value(run, "shift-kesten", "%.2f", a_eta - a_f);
    {
        double x[MAXH], y[MAXH];
        stats_fit fp;
        for (int i = np / 2; i < np; i++)
            x[i - np / 2] = log(hp[i].X), y[i - np / 2] = log(hp[i].paper_fp);
        if (stats_fit_line(x, y, np - np / 2, &fp))
            run_fail(run, "paper-FP growth fit failed");
        run_value(run, "pld-slope-fp", "%.3f", fp.b);
    }
    /* SGD: the fraction escaped within the cap vs 1 − e^{−cap/T}, T the exact
     * mean exit time of its chain (escape is nearly memoryless). */
    for (int i = 0; i < ns; i++) {
        double pp = 1 - exp(-(double)sgd_max / sr[i].chain), lo, hi, frac = (double)sr[i].e.escaped / sr[i].e.n;
        stats_binom_wilson(sr[i].e.escaped, sr[i].e.n, 0.01, &lo, &hi);
        snprintf(check, sizeof check, "SGD fraction escaped in %ld steps vs its exact chain, dL = %.3g", sgd_max, sr[i].dL);
        snprintf(note, sizeof note, "%ld of %ld; C(w*) = %.3g; exact chain %.3g steps, Gaussian iteration %.3g",
                 sr[i].e.escaped, sr[i].e.n, sr[i].Cw, sr[i].chain, sr[i].gauss);
        row(run, id, CHECK_EXACT, check, REL_EQ, frac, pp, pp < frac ? frac - lo : hi - frac, "99% Wilson interval",
            NULL, 0, note);
        char k[32];
        snprintf(k, sizeof k, "sgd-C%d", i), run_value(run, k, "%.3g", sr[i].Cw);
        snprintf(k, sizeof k, "sgd-Tchain%d", i), run_value(run, k, "%.3g", sr[i].chain);
        snprintf(k, sizeof k, "sgd-Tgauss%d", i), run_value(run, k, "%.3g", sr[i].gauss);
        snprintf(k, sizeof k, "sgd-esc%d", i), run_value(run, k, "%ld", sr[i].e.escaped);
        snprintf(k, sizeof k, "sgd-dL%d", i), run_value(run, k, "%.3g", sr[i].dL);
    }
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "meng_escape", "MENG-L6: mean escape time vs barrier height, PLD vs GLD vs SGD", argc, argv);
    long reps = run.ci ? 300 : 400, repsp = run.ci ? 600 : 800, ngrid = run.ci ? 400 : 700;
    long maxsteps = 20000000, sgd_max = run.ci ? 50000 : 200000;
    double Ha = 4, Hb = 4, l1 = 1, l2 = 4, sigma = 4, eta = 0.1, etaf = 0.01;
    opts_list pldL = {6, {1, 2, 4, 8, 16, 32}}, gldL = {6, {1, 2, 3, 4, 5, 6}}, sgdL = {2, {0.5, 1}};
    if (!run.ci)
        gldL = (opts_list){8, {1, 2, 3, 4, 5, 6, 7, 8}};
    opts_spec spec[] = {
        {"reps", OPT_INT, &reps, 2, 1e7, "escape runs per barrier height, GLD and SGD"},
        {"reps-pld", OPT_INT, &repsp, 2, 1e7, "escape runs per barrier height, PLD (both steps)"},
        {"grid", OPT_INT, &ngrid, 50, 4000, "Nystrom nodes for the exact mean exit time"},
        {"maxsteps", OPT_INT, &maxsteps, 10, 1e12, "cap on steps per run (PLD, GLD)"},
        {"sgd-max", OPT_INT, &sgd_max, 10, 1e12, "cap on steps per SGD run"},
        {"pld", OPT_LIST, &pldL, 0.2, 1000, "barrier heights for PLD (>= 6; the upper half is fitted)"},
        {"gld", OPT_LIST, &gldL, 0.2, 50, "barrier heights for GLD (>= 6; the upper half is fitted)"},
        {"sgd", OPT_LIST, &sgdL, 0.2, 50, "barrier heights for SGD"},
        {"Ha", OPT_DOUBLE, &Ha, 0.1, 19, "curvature at the minimum"},
        {"Hb", OPT_DOUBLE, &Hb, 0.1, 100, "|curvature| at the saddle"},
        {"lambda1", OPT_DOUBLE, &l1, 0.01, 100, "PLD lambda1"},
        {"lambda2", OPT_DOUBLE, &l2, 0.01, 100, "PLD lambda2 (at --eta)"},
        {"sigma", OPT_DOUBLE, &sigma, 0.01, 100, "GLD noise std"},
        {"eta", OPT_DOUBLE, &eta, 1e-4, 0.4, "learning rate (the paper's experiment)"},
        {"eta-fine", OPT_DOUBLE, &etaf, 1e-4, 0.4, "fine step: same kappa and eta*sigma_g (the SDE regime)"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (eta * Ha >= 2 || eta * Hb >= 2)
        run_usage_error(&run, "--eta times --Ha and --Hb must be < 2 (stable well)");
    if (etaf >= eta)
        run_usage_error(&run, "--eta-fine must be below --eta");
    if (pldL.n < 6 || gldL.n < 6)
        run_usage_error(&run, "--pld and --gld need at least 6 heights (the growth laws are fitted over the upper half)");
    double kap = Ha / (eta * l1 * l2 * l2), sg = l2 * l2;
    if (kap <= 1)
        run_usage_error(&run, "kappa = Ha/(eta lambda1 lambda2^2) must exceed 1 (the 2-D density must normalise)");
    uint64_t seed = (uint64_t)run.seed;

    esc_model M = {.kind = ESC_PLD, .l1 = l1, .l2 = l2, .sigma = sigma, .eta = eta, .kap = kap};
    {
        double x[NDATA];
        rng_stream r;
        rng_init(&r, seed, 0);
        for (int i = 0; i < NDATA; i++)
            x[i] = sqrt(0.05) * rng_normal(&r);
        pwell_init(&M.w, Ha, Hb, x, NDATA);
    }
    /* >>> snippet meng-escape-tasks */
    /* PLD at η, GLD, SGD (batch 1), and PLD at the fine step, where λ2²
     * scaled by η/η_f keeps κ and ησg */
    mc_task task[4 * MAXH];
    int nt = 0;
    long total = 0;
    struct { esc_kind kind; const opts_list *L; long reps; double eta, l2; } part[4] = {
        {ESC_PLD, &pldL, repsp, eta, l2}, {ESC_GLD, &gldL, reps, eta, l2},
        {ESC_SGD, &sgdL, reps, eta, l2}, {ESC_PLD, &pldL, repsp, etaf, l2 * sqrt(eta / etaf)}};
    for (int q = 0; q < 4; q++)
        for (int i = 0; i < part[q].L->n; i++, nt++) {
            task[nt] = (mc_task){part[q].kind, part[q].L->v[i], part[q].eta, part[q].l2, part[q].reps,
                                 total, (uint64_t)nt + 1};
            total += part[q].reps;
        }
    long *st = SGDN_NEW(st, total), lo, hi;
    shard_items(&run, &sh, total, &lo, &hi);
    run_tasks(&run, &M, task, nt, lo, hi, maxsteps, sgd_max, seed, st);
    shard_gather(&run, &sh, st, sizeof *st); /* a shard writes its replicates and exits */
    /* <<< snippet */

    FILE *f = run_open(&run, ".tsv", "dynamic\tdL0\tdL\tmean_steps\tse\tescaped\truns\tchain_exact\tchain_err\tito_sde\tpaper_fp\tlemma6\tX\teta");
    esc_height hp[MAXH], hg[MAXH], hf[MAXH];
    sgd_result sr[MAXH];
    const mc_task *tp = task, *tg = tp + pldL.n, *ts = tg + gldL.n, *tf = ts + sgdL.n;
    for (int i = 0; i < pldL.n; i++)
        hp[i] = run_height(&run, &M, &tp[i], maxsteps, (int)ngrid, st);
    esc_heights_write(f, "PLD", hp, pldL.n, eta);
    for (int i = 0; i < gldL.n; i++)
        hg[i] = run_height(&run, &M, &tg[i], maxsteps, (int)ngrid, st);
    esc_heights_write(f, "GLD", hg, gldL.n, eta);
    /* SGD (batch 1): escapes within the cap, against its exact chain */
    for (int i = 0; i < sgdL.n; i++) {
        model_for(&M, &ts[i]);
        sr[i] = sgd_finish(&run, &M, sgdL.v[i], reps, (int)ngrid, st + ts[i].off);
        fprintf(f, "SGD\t%g\t%.5g\t%.6g\t%.4g\t%ld\t%ld\t%.6g\t%.2g\tnan\tnan\tnan\tnan\t%g\n", sgdL.v[i], sr[i].dL,
                sr[i].e.mean, sr[i].e.se, sr[i].e.escaped, reps, sr[i].chain, sr[i].cerr, eta);
    }
    fprintf(f, "\n\n");
    for (int i = 0; i < pldL.n; i++)
        hf[i] = run_height(&run, &M, &tf[i], maxsteps, (int)ngrid, st);
    esc_heights_write(f, "PLD-fine", hf, pldL.n, etaf);
    run_close(&run, f);

    l6_checks(&run, hp, hg, hf, pldL.n, gldL.n, sr, sgdL.n, sgd_max, eta, etaf, sigma, kap, Ha, l1 * sg);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "reps-pld", "%ld", repsp);
    run_value(&run, "kappa", "%.3g", kap);
    run_value(&run, "Ha", "%g", Ha);
    run_value(&run, "Hb", "%g", Hb);
    run_value(&run, "eta", "%g", eta);
    run_value(&run, "eta-fine", "%g", etaf);
    run_value(&run, "lambda2-fine", "%.3g", l2 * sqrt(eta / etaf));
    run_value(&run, "eta-sg", "%.3g", eta * sg);
    run_value(&run, "sgd-max", "%ld", sgd_max);
    pwell_free(&M.w), free(st);
    return run_finish(&run);
}
