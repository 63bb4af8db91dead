/* cross_scoreboard — CROSS: the four theories (Zhu, Meng, Wei, Mori) and
 * Kramers side by side on the same landscapes under true minibatch SGD.
 *
 * Escape (sinwell.h): a mean-square regression whose loss is a periodic
 * double well with L(θ*) > 0; settings (η, B, ratio C = L(θs)/L*, scale R)
 * chosen so that barrier, L*, η and B vary one at a time.  Measured: mean
 * number of SGD steps from θ* = 0 to the next minimum (|θ| = 2πR), and the
 * mean loss increase after a short time t = ηk.  Every prediction uses
 * only quantities measured at θ* and θs (h*, h_s, L*, L(θs), the
 * minibatch noise C(θ) = σ_g + σ_H θ² + …), never the escape data
 * (crossboard.h lists the predictors).  Zhu: Eq. 13 for the short-time
 * loss increase, and Tr(HΣ) as the indicator of escape.
 *
 * Valley (cross.h): L = L* + ½ λ(θ₂) θ₁², λ = h₀ e^{βθ₂}, with SGD's own
 * noise; measured: the change of the trace T = λ over K steps after
 * equilibration; Wei's Theorem 1, −(η²c/4)(βλ)² per step, against the
 * discrete chain's stationary E θ₁² (finite η).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cross.h"
#include "crossboard.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "sinwell.h"
#include "stats.h"

#define NS 8                 /* escape settings */
#define NTH CROSSBOARD_NTH   /* escape predictors */
#define NV 4                 /* valley settings */
#define VALLEY_FALL 0.3      /* the fall of T over a valley window at Wei's initial rate */

/* η, C = L(θs)/L*, R, B: chosen so that barrier, L*, η and B vary one at a
 * time (pairs compared in write_outputs). */
static const crossboard_setting S[NS] = {
    {0.2, 1.5, 0.5, 1}, /* base */
    {0.2, 2.0, 0.5, 1}, /* same dL, lower L* */
    {0.2, 3.0, 0.5, 1}, /* same dL, lower L* */
    {0.2, 2.0, 1.0, 1}, /* same C, 4x dL */
    {0.1, 1.5, 0.5, 1}, /* eta / 2 */
    {0.2, 1.5, 0.5, 2}, /* B x 2 */
    {0.4, 2.0, 0.5, 2}, /* eta, B x 2 */
    {0.2, 3.0, 1.0, 1}  /* same L* as base */
};

/* The Monte Carlo work, one task per (setting, measurement): task t owns
 * replicates [off, off + reps) of one numbering of all replicates, so that
 * a shard (shard.h) is a contiguous range of it; replicate j of a task
 * draws from the stream (seed, stream, j), whoever computes it. */
typedef enum { T_ESCAPE, T_GAUSS, T_SHORT, T_VALLEY } task_kind;

typedef struct {
    task_kind kind;
    int set;       /* escape or valley setting */
    long k;        /* T_SHORT: steps */
    long reps, off;
    uint64_t stream;
    double cap;    /* T_ESCAPE, T_GAUSS: the step cap */
} mc_task;

/* One replicate's record: steps to escape, loss increase after k steps,
 * or (valley) the trace change over K steps with Wei's and the finite-η
 * prediction from the same start. */
typedef struct {
    double v[3]; /* the measurement; (valley) the two predictions */
} sample;

/* The replicates of every task that fall in [lo, hi), into smp[off + j]. */
static void run_tasks(run_ctx *run, const crossboard *E, const cross_valley *cv, const cross_valley_setting *V, const mc_task *t, int nt,
                      long lo, long hi, sample *smp)
{
    for (int q = 0; q < nt; q++) {
        const mc_task *tk = &t[q];
        long j0 = (lo > tk->off ? lo : tk->off) - tk->off;
        long j1 = (hi < tk->off + tk->reps ? hi : tk->off + tk->reps) - tk->off;
        sample *o = smp + tk->off;
        const crossboard_setting *s = &S[tk->set];
        const crossboard *e = &E[tk->set];
#pragma omp parallel for schedule(dynamic, 16)
        for (long j = j0; j < j1; j++) {
            rng_stream r;
            rng_init_sub(&r, (uint64_t)run->seed, tk->stream, (uint64_t)j);
            sample x = {{0, 0, 0}};
            if (tk->kind == T_VALLEY)
                cross_valley_replicate(cv, &V[tk->set], &r, x.v);
            else if (tk->kind == T_SHORT)
                x.v[0] = crossboard_short(e, tk->k, &r);
            else
                x.v[0] = (double)cross_sinwell_escape(&e->w, s->eta, s->B, tk->kind == T_GAUSS, (long)tk->cap, &r);
            o[j] = x;
        }
        if (hi > lo)
            run_progress(run, "settings", (q + 1.0) / nt);
    }
}

/* A task's replicates reduced in order: mean and SE of the measurement
 * (an escape beyond the cap ends the run), and the means of the
 * predictions (valley). */
static void summarise(run_ctx *run, const mc_task *tk, const sample *smp, double *mean, double *se, double *wei,
                      double *corr)
{
    const sample *o = smp + tk->off;
    stats_acc a[3];
    for (int q = 0; q < 3; q++)
        stats_acc_init(&a[q]);
    for (long j = 0; j < tk->reps; j++) {
        if (tk->kind <= T_GAUSS && o[j].v[0] >= (double)(long)tk->cap) { /* censored */
            const crossboard_setting *s = &S[tk->set];
            run_fail(run, "an escape took more than %g steps (eta %g, B %d, C %g)", tk->cap, s->eta, s->B, s->C);
        }
        for (int q = 0; q < 3; q++)
            stats_acc_add(&a[q], o[j].v[q]);
    }
    *mean = a[0].mean, *se = stats_acc_se(&a[0]), *wei = a[1].mean, *corr = a[2].mean;
}

/* run_value under a key with one or two indices (keys are fixed strings in run.h) */
static void val_key(run_ctx *run, const char *pfx, int i, int j, const char *num)
{
    char key[48];
    if (j < 0)
        snprintf(key, sizeof key, "%s-%d", pfx, i);
    else
        snprintf(key, sizeof key, "%s-%d-%d", pfx, i, j);
    run_value(run, key, "%s", num);
}
#define VAL2(pfx, i, j, fmt, x)                                                                    \
    do {                                                                                           \
        char num_[32];                                                                             \
        snprintf(num_, sizeof num_, fmt, x);                                                       \
        val_key(run, pfx, i, j, num_);                                                             \
    } while (0)

static void write_outputs(run_ctx *run, const crossboard *E, const cross_valley *cv, const cross_valley_setting *V)
{
    double z99 = stats_z_two_sided(0.01), l10 = log(10.0);
    FILE *f = run_open(run, ".tsv",
                       "i\teta\tB\tC\tR\tdL\tLstar\th\ths\tsigma_g\tsigma_H\tkappa\tsteps\tsteps_se\tKramers\tMori_"
                       "eq15\tMori_sde\tMeng_L6\tMeng_L6_ito\tsde_true\tchain\tgauss_chain\tks\tdL_short\tdL_short_se\teq13"
                       "\tlin_chain\tdL1_exact\tdL1\tdL1_se");
    for (int i = 0; i < NS; i++) {
        const crossboard *e = &E[i];
        fprintf(f, "%d\t%g\t%d\t%g\t%g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.4g", i + 1, S[i].eta,
                S[i].B, S[i].C, S[i].R, e->dL, e->Lstar, e->h, e->hs, e->sg, e->sH, e->kappa, e->mean, e->se);
        for (int j = 0; j < NTH; j++)
            fprintf(f, "\t%.6g", e->tau[j]);
        fprintf(f, "\t%ld\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\t%.6g\t%.4g\n", e->ks, e->dLs_m, e->dLs_se, e->dLs_eq13,
                e->dLs_lin, e->dLs_k1, e->dLs_k1m, e->dLs_k1se);
    }
    run_close(run, f);
    /* the scoreboard: one block per predictor, log10(predicted/measured)
     * with a 99 % interval from the measurement's SE and the prediction's
     * quadrature error */
    f = run_open(run, "_board.tsv", "theory\tx\tlog10_err\tlo\thi");
    for (int j = 0; j < NTH; j++) {
        fprintf(f, "# %s\n", crossboard_names[j]);
        for (int i = 0; i < NS; i++) {
            const crossboard *e = &E[i];
            if (!isfinite(e->tau[j]))
                continue;
            double le = log10(e->tau[j] / e->mean), hw = z99 * hypot(e->se / e->mean, e->terr[j] / e->tau[j]) / l10;
            fprintf(f, "%d\t%.3f\t%.5g\t%.5g\t%.5g\n", j, i + 1 + 0.09 * (j - 3.5), le, le - hw, le + hw);
            VAL2("le", i + 1, j, "%+.2f", le);
            VAL2("hw", i + 1, j, "%.2f", hw);
        }
        fprintf(f, "\n\n");
    }
    run_close(run, f);
    int at[NTH]; /* the setting of each predictor's largest error */
    for (int j = 0; j < NTH; j++) { /* the extremes of each predictor's error, for the prose */
        int imax = -1, imin = -1;
        for (int i = 0; i < NS; i++) {
            if (!isfinite(E[i].tau[j]))
                continue;
            double a = fabs(log(E[i].tau[j] / E[i].mean));
            if (imax < 0 || a > fabs(log(E[imax].tau[j] / E[imax].mean)))
                imax = i;
            if (imin < 0 || a < fabs(log(E[imin].tau[j] / E[imin].mean)))
                imin = i;
        }
        VAL2("lemax", j, -1, "%+.2f", log10(E[imax].tau[j] / E[imax].mean));
        VAL2("lemin", j, -1, "%+.2f", log10(E[imin].tau[j] / E[imin].mean));
        VAL2("lemax-at", j, -1, "%d", (at[j] = imax) + 1);
        VAL2("fmax", j, -1, "%.2g", fmax(E[imax].tau[j] / E[imax].mean, E[imax].mean / E[imax].tau[j]));
    }
    const crossboard *e4 = &E[at[4]]; /* the share of Lemma 6's log error there that the Ito reading removes */
    run_value(run, "ito-cut", "%.0f", 100 * (1 - log(e4->tau[4] / e4->mean) / log(e4->tau[3] / e4->mean)));
    /* which dependence each predictor gets right: log ratios of the escape
     * time t = eta x steps between pairs of settings that differ in one
     * thing (settings a, b: 0-based), measured (SE) and predicted */
    static const int QA[4] = {1, 0, 0, 1}, QB[4] = {3, 4, 5, 6};
    for (int q = 0; q < 4; q++) {
        const crossboard *a = &E[QA[q]], *c = &E[QB[q]];
        double ra = S[QB[q]].eta / S[QA[q]].eta;
        VAL2("scm", q, -1, "%+.2f", log(ra * c->mean / a->mean));
        VAL2("scs", q, -1, "%.2f", hypot(a->se / a->mean, c->se / c->mean));
        for (int j = 0; j < NTH; j++)
            if (isfinite(a->tau[j]) && isfinite(c->tau[j]))
                VAL2("sc", q, j, "%+.2f", log(ra * c->tau[j] / a->tau[j]));
            else
                val_key(run, "sc", q, j, "--");
    }
    run_value(run, "r18", "%.0f", E[7].mean / E[0].mean);
    run_value(run, "r24", "%.2f", E[3].mean / E[1].mean);
    run_value(run, "r38", "%.2f", E[7].mean / E[2].mean);
    /* Zhu's short-time loss increase and Wei's trace drift */
    f = run_open(run, "_rates.tsv", "theory\tx\tlog10_err\tlo\thi");
    const char *nm[4] = {"Zhu Eq. 13", "linear chain", "Wei Thm 1", "Wei, finite eta"};
    for (int j = 0; j < 4; j++) {
        fprintf(f, "# %s\n", nm[j]);
        int n = j < 2 ? NS : NV;
        double lmax = 0, lmin = 0;
        for (int i = 0; i < n; i++) {
            double p, m, se;
            if (j < 2)
                p = j ? E[i].dLs_lin : E[i].dLs_eq13, m = E[i].dLs_m, se = E[i].dLs_se;
            else
                p = j == 3 ? V[i].corr : V[i].wei, m = V[i].m, se = V[i].se;
            double le = log10(p / m), hw = z99 * fabs(se / m) / l10;
            fprintf(f, "%d\t%.3f\t%.5g\t%.5g\t%.5g\n", j, i + 1 + 0.12 * (j % 2 ? 1 : -1), le, le - hw, le + hw);
            VAL2("re", i + 1, j, "%+.3f", le);
            if (i == 0 || fabs(le) > fabs(lmax))
                lmax = le;
            if (i == 0 || fabs(le) < fabs(lmin))
                lmin = le;
            VAL2("rh", i + 1, j, "%.3f", hw);
        }
        fprintf(f, "\n\n");
        VAL2("remax", j, -1, "%+.3f", lmax);
        VAL2("remin", j, -1, "%+.3f", lmin);
    }
    run_close(run, f);
    f = run_open(run, "_valley.tsv", "eta\tB\tK0\tK\tc\tdT_per_step\tse\twei\tfinite_eta");
    for (int i = 0; i < NV; i++)
        fprintf(f, "%g\t%d\t%ld\t%ld\t%.6g\t%.6g\t%.4g\t%.6g\t%.6g\n", V[i].eta, V[i].B, V[i].K0, V[i].K,
                cross_valley_c(cv, V[i].B), V[i].m, V[i].se, V[i].wei, V[i].corr);
    run_close(run, f);
    for (int i = 0; i < NS; i++) {
        VAL2("eta", i + 1, -1, "%g", S[i].eta);
        VAL2("B", i + 1, -1, "%d", S[i].B);
        VAL2("C", i + 1, -1, "%g", S[i].C);
        VAL2("R", i + 1, -1, "%g", S[i].R);
        VAL2("steps-se", i + 1, -1, "%.0f", E[i].se);
        VAL2("h", i + 1, -1, "%.3f", E[i].h);
        VAL2("kappa", i + 1, -1, "%.3g", E[i].kappa);
        VAL2("kmori", i + 1, -1, "%.3g", E[i].h / (S[i].eta * E[i].cB));
        VAL2("kratio", i + 1, -1, "%.2f", E[i].kappa / (E[i].h / (S[i].eta * E[i].cB)));
        VAL2("dLx", i + 1, -1, "%.2f", E[i].dL / E[0].dL);
        VAL2("steps", i + 1, -1, "%.0f", E[i].mean);
        VAL2("dL", i + 1, -1, "%.3g", E[i].dL);
        VAL2("Lstar", i + 1, -1, "%.3g", E[i].Lstar);
        VAL2("ratio", i + 1, -1, "%.3g", E[i].Ls / E[i].Lstar);
        VAL2("sgratio", i + 1, -1, "%.3f", E[i].sg / (2 * E[i].Lstar * E[i].h * E[i].cB));
        VAL2("sHratio", i + 1, -1, "%.3f", E[i].sH / (E[i].h * E[i].h * E[i].cB));
    }
    /* the data's fourth moment: Meng's sigma_H of the exact noise is Var(x^2)/B */
    run_value(run, "varx2", "%.3f", sinwell_x2_spread(&E[0].w));
    for (int i = 0; i < NV; i++) {
        VAL2("v-eta", i + 1, -1, "%g", V[i].eta);
        VAL2("v-B", i + 1, -1, "%d", V[i].B);
        VAL2("v-K", i + 1, -1, "%ld", V[i].K);
        VAL2("v-c", i + 1, -1, "%.3g", cross_valley_c(cv, V[i].B));
    }
    run_value(run, "v-fall", "%.0f", 100 * VALLEY_FALL);
    run_value(run, "v-h0", "%.3f", cv->h0);
    run_value(run, "v-Lstar", "%.3f", cv->Lstar);
    run_value(run, "v-beta", "%g", cv->beta);
}

static void row_maxz(run_ctx *run, check_tests t, const char *chk, double z, int m, const char *note)
{
    char basis[96];
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d settings)", m);
    run_check(run, (run_check_row){.id = "CROSS", .tests = t, .check = chk, .rel = REL_LE, .measured = z,
                                   .predicted = 0, .tol = stats_z_bonferroni(0.01, m), .basis = basis,
                                   .note = note});
}

/* The row of escape predictor j: max |z| of log(prediction/measurement),
 * with the prediction's own error, over the settings where j exists. */
static double row_pred(run_ctx *run, check_tests t, const char *chk, const crossboard *E, int j)
{
    double z = 0;
    int m = 0;
    for (int i = 0; i < NS; i++)
        if (isfinite(E[i].tau[j]))
            z = fmax(z, fabs(log(E[i].tau[j] / E[i].mean) / hypot(E[i].se / E[i].mean, E[i].terr[j] / E[i].tau[j]))),
            m++;
    row_maxz(run, t, chk, z, m, "");
    return z;
}

static void check_rows(run_ctx *run, const crossboard *E, const cross_valley_setting *V)
{
    /* exact: the discrete chain (B = 1) and the first step */
    double z = row_pred(run, CHECK_EXACT, "escape steps: max |z| of SGD vs its discrete chain (B = 1)", E, 6);
    run_value(run, "z-chain", "%.2f", z);
    double z1 = 0;
    int m1 = 0;
    for (int i = 0; i < NS; i++)
        if (S[i].B == 1)
            z1 = fmax(z1, fabs(E[i].dLs_k1m - E[i].dLs_k1) / E[i].dLs_k1se), m1++;
    row_maxz(run, CHECK_EXACT, "first-step loss increase: max |z| of SGD vs the mean over the data (B = 1)", z1,
             m1, "");
    /* control: Meng's Itô escape time under Mori's noise model is Eq. 15 */
    double id = 0;
    for (int i = 0; i < NS; i++)
        id = fmax(id, crossboard_identity_gap(&E[i]));
    run_value(run, "id-max", "%.1e", id);
    { /* the noise at the saddle of setting 3: true, Mori's model, Meng's extrapolation */
        const crossboard *e = &E[2];
        run_value(run, "csad-true", "%.3g", e->cB * sinwell_grad_var(&e->w, M_PI * S[2].R));
        run_value(run, "csad-mori", "%.3g", 2 * e->Ls * e->h * e->cB);
        run_value(run, "csad-meng", "%.3g", e->sg + 2 * e->sH / e->h * e->dL);
        run_value(run, "cmin-true", "%.3g", e->sg);
    }
    run_check(run, (run_check_row){.id = "CROSS", .tests = CHECK_CONTROL,
                                   .check = "Meng's Ito Lemma 6 with Mori's noise model equals Eq. 15 (max |log ratio|)",
                                   .rel = REL_LE, .measured = id, .predicted = 0, .tol = 1e-9,
                                   .basis = "rounding", .note = "the synthesis identity"});
    /* paper rows */
    double zb = stats_z_bonferroni(0.01, NS);
    double zz = 0;
    for (int i = 0; i < NS; i++)
        zz = fmax(zz, fabs(E[i].dLs_m - E[i].dLs_eq13) / E[i].dLs_se);
    row_maxz(run, CHECK_PAPER, "ZHU: short-time loss increase vs Eq. 13 (max |z|)", zz, NS, "t = 1/(2h*)");
    run_value(run, "z-eq13", "%.1f", zz);
    /* Zhu's indicator: a pair is contradicted when the measured escape
     * rates (per unit time t) differ significantly against the order (or
     * tie) of eta Tr(H Sigma) */
    int npair = NS * (NS - 1) / 2;
    double ind[NS], lrate[NS], lsd[NS];
    for (int i = 0; i < NS; i++) /* indicator eta Tr(H Sigma); log rate per unit time t */
        ind[i] = S[i].eta * E[i].h * E[i].sg, lrate[i] = -log(S[i].eta * E[i].mean), lsd[i] = E[i].se / E[i].mean;
    int bad = cross_order_contradictions(NS, ind, lrate, lsd, 0.05, stats_z_bonferroni(0.01, npair));
    run_check(run, (run_check_row){.id = "CROSS", .tests = CHECK_PAPER,
                                   .check = "ZHU: pairs of settings whose escape rates contradict the order of eta Tr(H Sigma)",
                                   .rel = REL_LE, .measured = bad, .predicted = 0, .tol = 0,
                                   .basis = "count; a pair counts when |z| > Bonferroni z (1%, all pairs)"});
    run_value(run, "zhu-bad", "%d", bad);
    run_value(run, "ind-8-1", "%.2f", ind[7] / ind[0]);
    run_value(run, "ind-4-2", "%.2f", ind[3] / ind[1]);
    run_value(run, "npair", "%d", npair);
    row_pred(run, CHECK_PAPER, "MENG: escape steps vs Lemma 6 as printed (max |z| of log ratio)", E, 3);
    row_pred(run, CHECK_PAPER, "MORI: escape steps vs Eq. 15 (max |z| of log ratio)", E, 1);
    /* Mori: the exponent in C at fixed dL (settings 1-3), and B/eta scaling (2 vs 7) */
    double lx[3], ly[3], sy[3], sl[NTH], chi2;
    for (int i = 0; i < 3; i++)
        lx[i] = log(E[i].Ls / E[i].Lstar), ly[i] = log(E[i].mean), sy[i] = E[i].se / E[i].mean;
    for (int j = 0; j < NTH; j++) { /* every predictor's exponent in C at fixed dL (NaN: none) */
        double lp[3];
        stats_fit fp;
        for (int i = 0; i < 3; i++)
            lp[i] = log(E[i].tau[j]);
        sl[j] = isfinite(lp[0] + lp[1] + lp[2]) && !stats_fit_line(lx, lp, 3, &fp) ? fp.b : NAN;
        if (isfinite(sl[j]))
            VAL2("sl", j, -1, "%.2f", sl[j]);
        else
            val_key(run, "sl", j, -1, "--");
    }
    stats_fit fm;
    if (stats_fit_line_weighted(lx, ly, sy, 3, &fm, &chi2) || !isfinite(sl[0] + sl[6]))
        run_fail(run, "slope fit failed");
    double expo = 1 / (S[0].eta * E[0].cB * E[0].h) + 0.5;
    double z99 = stats_z_two_sided(0.01);
    run_check(run, (run_check_row){.id = "CROSS", .tests = CHECK_PAPER,
                                   .check = "MORI: exponent of escape time in L(theta_s)/L* at fixed dL vs B/(eta h*) + 1/2",
                                   .rel = REL_EQ, .measured = fm.b, .predicted = expo, .tol = z99 * fm.se_b,
                                   .basis = "z (1%) x SE of the weighted fit (settings 1-3)",
                                   .alt_name = "Kramers with constant noise", .alt = sl[0]});
    run_check(run, (run_check_row){.id = "CROSS", .tests = CHECK_CORRECTED,
                                   .check = "MORI: exponent of escape time in L(theta_s)/L* at fixed dL vs the discrete chain's",
                                   .rel = REL_EQ, .measured = fm.b, .predicted = sl[6], .tol = z99 * fm.se_b,
                                   .basis = "z (1%) x SE of the weighted fit (settings 1-3)",
                                   .alt_name = "Eq. 15", .alt = expo});
    run_value(run, "slope-chain", "%.2f", sl[6]);
    run_value(run, "slope", "%.2f", fm.b);
    run_value(run, "slope-se", "%.2f", fm.se_b);
    run_value(run, "slope-mori", "%.2f", expo);
    run_value(run, "slope-kramers", "%.2f", sl[0]);
    double lr = log(S[6].eta * E[6].mean / (S[1].eta * E[1].mean));
    double lse = hypot(E[6].se / E[6].mean, E[1].se / E[1].mean);
    double lp = log(E[6].tau[1] * S[6].eta / (E[1].tau[1] * S[1].eta));
    run_check(run, (run_check_row){.id = "CROSS", .tests = CHECK_PAPER,
                                   .check = "MORI: B/eta scaling, log of escape time t (eta 0.4, B 2 over eta 0.2, B 1)",
                                   .rel = REL_EQ, .measured = lr, .predicted = lp, .tol = z99 * lse,
                                   .basis = "z (1%) x SE (delta method)"});
    run_value(run, "bscale", "%.3f", lr);
    run_value(run, "bscale-se", "%.3f", lse);
    double zw = 0, zc = 0;
    for (int i = 0; i < NV; i++)
        zw = fmax(zw, fabs(V[i].m - V[i].wei) / V[i].se), zc = fmax(zc, fabs(V[i].m - V[i].corr) / V[i].se);
    row_maxz(run, CHECK_PAPER, "WEI: trace drift vs Theorem 1, -(eta^2 c/4) |grad T|^2 per step (max |z|)", zw, NV, "");
    /* corrected rows */
    row_pred(run, CHECK_CORRECTED, "MENG: escape steps vs Lemma 6, Ito reading kappa + 1/2 (max |z|)", E, 4);
    row_pred(run, CHECK_CORRECTED, "MORI: escape steps vs Mori's SDE by quadrature (finite barrier) (max |z|)", E, 2);
    row_pred(run, CHECK_CORRECTED, "ALL: escape steps vs the Ito SDE with SGD's true noise (max |z|)", E, 5);
    row_maxz(run, CHECK_CORRECTED, "WEI: trace drift vs the discrete chain's stationary E theta1^2 (max |z|)", zc, NV,
             "");
    double zl = 0;
    for (int i = 0; i < NS; i++)
        zl = fmax(zl, fabs(E[i].dLs_m - E[i].dLs_lin) / E[i].dLs_se);
    row_maxz(run, CHECK_CORRECTED, "ZHU: short-time loss increase vs the discrete linear chain (max |z|)", zl, NS, "");
    run_value(run, "z-lin", "%.1f", zl);
    run_value(run, "z-wei", "%.1f", zw);
    run_value(run, "z-weic", "%.1f", zc);
    run_value(run, "zb", "%.2f", zb);
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "cross_scoreboard", "CROSS: four theories and Kramers against true SGD", argc, argv);
    long reps = run.ci ? 1000 : 4000, sreps = run.ci ? 20000 : 80000, vreps = run.ci ? 2000 : 8000, N = 40000;
    long M = run.ci ? 512 : 1024, grid = 4000;
    opts_spec spec[] = {{"reps", OPT_INT, &reps, 10, 1e7, "escapes per setting"},
                        {"short-reps", OPT_INT, &sreps, 10, 1e8, "runs per setting for the short-time loss"},
                        {"valley-reps", OPT_INT, &vreps, 10, 1e7, "runs per valley setting"},
                        {"N", OPT_INT, &N, 8, 1e6, "data points (multiple of 4)"},
                        {"M", OPT_INT, &M, 16, 4096, "discrete-chain grid intervals (multiple of 4)"},
                        {"grid", OPT_INT, &grid, 100, 1e7, "quadrature grid intervals"},
                        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (N % 4)
        run_usage_error(&run, "--N must be a multiple of 4");
    if (M % 4)
        run_usage_error(&run, "--M must be a multiple of 4");

    /* --- the landscapes and every prediction (no Monte Carlo) ------------ */
    static crossboard E[NS];
    for (int i = 0; i < NS; i++) {
        const char *what;
        int st = crossboard_init(&E[i], &S[i], N, (uint64_t)run.seed, 1000, (int)M, (int)grid, &what);
        if (st)
            run_fail(&run, "setting %d: %s: %s", i + 1, what, sgdn_strerror(st));
    }
    cross_valley cv;
    if (cross_valley_init(&cv, N, 1.0, 1.0, (uint64_t)run.seed, 2000))
        run_fail(&run, "cross_valley_init failed");
    cross_valley_setting V[NV] = {{.eta = 0.05, .B = 1}, {.eta = 0.1, .B = 1}, {.eta = 0.2, .B = 1}, {.eta = 0.1, .B = 4}};
    for (int i = 0; i < NV; i++)
        cross_valley_plan(&cv, VALLEY_FALL, &V[i]);

    /* --- the Monte Carlo work (work items of shard.h) -------------------- */
    enum { NT = 4 * NS + NV };
    mc_task T[NT];
    long total = 0;
    for (int i = 0; i < NS; i++) {
        double ref = isfinite(E[i].tau[6]) ? E[i].tau[6] : E[i].tau[5], cap = fmax(1e5, 60 * ref);
        T[4 * i] = (mc_task){T_ESCAPE, i, 0, reps, 0, 1 + (uint64_t)i, cap};
        T[4 * i + 1] = (mc_task){T_GAUSS, i, 0, reps, 0, 400 + (uint64_t)i, cap};
        T[4 * i + 2] = (mc_task){T_SHORT, i, E[i].ks, sreps, 0, 100 + (uint64_t)i, 0};
        T[4 * i + 3] = (mc_task){T_SHORT, i, 1, sreps, 0, 200 + (uint64_t)i, 0};
    }
    for (int i = 0; i < NV; i++)
        T[4 * NS + i] = (mc_task){T_VALLEY, i, 0, vreps, 0, 300 + (uint64_t)i, 0};
    for (int q = 0; q < NT; q++)
        T[q].off = total, total += T[q].reps;
    run_require_memory(&run, (double)total * sizeof(sample), "the replicate options");
    sample *smp = SGDN_NEW(smp, total);
    long lo, hi;
    shard_items(&run, &sh, total, &lo, &hi);
    run_tasks(&run, E, &cv, V, T, NT, lo, hi, smp);
    shard_gather(&run, &sh, smp, sizeof *smp); /* a shard writes its replicates and exits */

    /* --- reductions in task order, outputs, checks ------------------------ */
    double none;
    for (int i = 0; i < NS; i++) {
        crossboard *e = &E[i];
        summarise(&run, &T[4 * i], smp, &e->mean, &e->se, &none, &none);
        summarise(&run, &T[4 * i + 1], smp, &e->tau[7], &e->terr[7], &none, &none);
        summarise(&run, &T[4 * i + 2], smp, &e->dLs_m, &e->dLs_se, &none, &none);
        summarise(&run, &T[4 * i + 3], smp, &e->dLs_k1m, &e->dLs_k1se, &none, &none);
    }
    for (int i = 0; i < NV; i++) {
        summarise(&run, &T[4 * NS + i], smp, &V[i].m, &V[i].se, &V[i].wei, &V[i].corr);
        V[i].m /= V[i].K, V[i].se /= V[i].K, V[i].wei /= V[i].K, V[i].corr /= V[i].K;
    }
    write_outputs(&run, E, &cv, V);
    check_rows(&run, E, V);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "short-reps", "%ld", sreps);
    run_value(&run, "valley-reps", "%ld", vreps);
    run_value(&run, "N", "%ld", N);
    run_value(&run, "M", "%ld", M);
    for (int i = 0; i < NS; i++)
        crossboard_free(&E[i]);
    cross_valley_free(&cv);
    free(smp);
    return run_finish(&run);
}
