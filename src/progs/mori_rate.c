/* mori_rate — MORI-RATE: escape rate from a 1-D double well with
 * L(θ*) > 0 under the SDE of Mori et al. (Eq. 4 with the noise of Eq. 6):
 *
 *     dθ = −L'(θ) dt + √(2 η h* L(θ) / B) dW        (Itô),
 *
 * against the paper's Eq. 15,
 *
 *     κ = (1/2π) √(h* |h_s|) · [L(θ_s)/L(θ*)]^{−(B/(η h*) + 1/2)},
 *
 * the exact rate 1/T, T the mean first-passage time by quadrature
 * (diffusion1d_mfpt), and Euler–Maruyama simulation; and, as the contrast,
 * Langevin dynamics with constant noise dθ = −L' dt + √(2D) dW, whose
 * Kramers rate is Arrhenius, κ ∝ e^{−ΔL/D}.
 *
 * The wells: the quartic L(θ) = L* + ΔL (1 − θ²/a²)² of qwell.h at fixed
 * curvature h*, escape from −a to +a.  Two families: ΔL = 1 and
 * ΔL = 2, each at the same ratios C = L(θ_s)/L(θ*), i.e. L* = ΔL/(C − 1).
 * Within a family ΔL is fixed and L* varies; across families, wells of the
 * same C are exact rescalings of each other, L₂(θ) = 2 L₁(θ/√2), under which
 * the SDE is invariant (φ = θ/√2 obeys the same equation), so their rates
 * are equal exactly.  The Langevin drift −L' does not involve L* at all, so
 * under Langevin all wells of one family are the same process.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "qwell.h"
#include "sinwell.h"
#include "sinwell_esc.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "stats.h"

#define MAXC 12
#define NFAM 2

typedef struct {
    double mean, se, exact, qerr;
} esc;

/* The exact mean passage time of a well (quadrature). */
static void well_exact(run_ctx *run, const qwell *w, int grid, esc *e)
{
    if (qwell_mfpt(w, grid, &e->exact, &e->qerr))
        run_fail(run, "quadrature failed for L* = %g, dL = %g", w->Lstar, w->dL);
}

/* Escapes [i0, i1) in parallel, replicate i on stream (seed, stream, i), into
 * times[i]; each is followed to 60 times the exact mean (P(T > 60 E T) ~
 * e^{-60} for an exponential law). */
static void escapes(run_ctx *run, const qwell *w, uint64_t stream, long i0, long i1, double dt, double exact,
                    double *times)
{
    if (qwell_escapes(w, dt, 60 * exact, (uint64_t)run->seed, stream, i0, i1, times))
        run_fail(run, "an escape exceeded 60 times the exact mean first-passage time");
}

/* Mean and SE of R passage times, reduced in replicate order. */
static void summarise(const double *times, long R, double *mean, double *se)
{
    stats_acc s;
    stats_acc_init(&s);
    for (long i = 0; i < R; i++)
        stats_acc_add(&s, times[i]);
    *mean = s.mean, *se = stats_acc_se(&s);
}

/* --- true SGD on the periodic double well of sinwell.h (escape, the two
 * SDEs and the discrete chain there) ------------------------------------ */
typedef struct {
    sinwell_esc p; /* the predictions (sinwell_esc.h) */
    double mean, se;
} sgd_well;

/* The data set of one well, its curvatures, and the exact-noise SDE's mean
 * escape time (which caps the simulated escapes). */
static void sgd_setup(run_ctx *run, sinwell *w, sgd_well *o, double R, double C, long N, double eta, int B,
                      int grid, uint64_t data_stream)
{
    int st = sinwell_init(w, N, R, C, (uint64_t)run->seed, data_stream);
    if (st)
        run_fail(run, "cannot build the double-well data set (C = %g): %s", C, sgdn_strerror(st));
    if ((st = sinwell_esc_well(w, C, eta, B, grid, &o->p)))
        run_fail(run, "%s (C = %g)", st == SGDN_EDOM ? "the data set's loss is not a double well"
                                                       : "quadrature failed for the SGD double well", C);
}

/* SGD escapes [i0, i1) of one well, replicate i on stream (seed, stream, i). */
static void sgd_escapes(run_ctx *run, const sinwell *w, const sgd_well *o, double eta, int B, uint64_t stream,
                        long i0, long i1, double *times)
{
    long kmax = (long)(60 * o->p.exact / eta);
    int failed = 0;
#pragma omp parallel for schedule(dynamic) reduction(| : failed)
    for (long i = i0; i < i1; i++) {
        rng_stream r;
        rng_init_sub(&r, (uint64_t)run->seed, stream, (uint64_t)i);
        times[i] = sinwell_escape(w, eta, B, kmax, &r);
        failed |= times[i] < 0;
    }
    if (failed)
        run_fail(run, "an SGD escape exceeded 60 times the exact-noise SDE's mean time (C = %g)", o->p.C);
}

/* The rest of a well's predictions (the paper's SDE, the discrete chain,
 * Eq. 15) and the escapes' mean. */
static void sgd_finish(run_ctx *run, sinwell *w, sgd_well *o, double eta, int B, long R_, int grid, int M,
                       const double *times)
{
    int st = sinwell_esc_predict(w, eta, B, grid, M, &o->p);
    if (st)
        run_fail(run, "predictions for the SGD double well failed (C = %g): %s", o->p.C, sgdn_strerror(st));
    summarise(times, R_, &o->mean, &o->se);
}

/* The Monte Carlo work, one task per well: the SGD-noise SDE at every
 * (family, ratio), Langevin per family, true SGD at every (family, ratio).
 * Task k owns replicates [off, off + reps) of one numbering of all escapes,
 * so that a shard (shard.h) is a contiguous range of it; replicate i of the
 * task is on stream (seed, stream, i), whoever computes it. */
typedef enum { T_SDE, T_LANGEVIN, T_SGD } task_kind;
typedef struct {
    task_kind kind;
    int fam, j;
    long reps, off;
    uint64_t stream;
} mc_task;

typedef struct {
    double h, temp, D, dt, seta;
    long sN;
    int B, grid;
    const double *dLs, *Cs, *sCs;
} rate_params;

static qwell task_well(const rate_params *p, const mc_task *t)
{
    double dL = p->dLs[t->fam];
    if (t->kind == T_LANGEVIN) /* L* does not enter −L' */
        return (qwell){1.0, dL, 8 * dL / p->h, p->h, 0, p->D};
    return (qwell){dL / (p->Cs[t->j] - 1), dL, 8 * dL / p->h, p->h, p->temp, 0};
}

/* The escapes of every task that fall in [lo, hi), into times[off + i]. */
static void run_tasks(run_ctx *run, const rate_params *p, const mc_task *t, int nt, long lo, long hi,
                      double *times)
{
    for (int k = 0; k < nt; k++) {
        long i0 = (lo > t[k].off ? lo : t[k].off) - t[k].off;
        long i1 = (hi < t[k].off + t[k].reps ? hi : t[k].off + t[k].reps) - t[k].off;
        if (i0 >= i1)
            continue;
        if (t[k].kind == T_SGD) {
            sinwell w;
            sgd_well o;
            sgd_setup(run, &w, &o, sqrt(p->dLs[t[k].fam] / 2), p->sCs[t[k].j], p->sN, p->seta, p->B, p->grid, 200);
            sgd_escapes(run, &w, &o, p->seta, p->B, t[k].stream, i0, i1, times + t[k].off);
            sinwell_free(&w);
        } else {
            qwell w = task_well(p, &t[k]);
            esc e;
            well_exact(run, &w, p->grid, &e);
            escapes(run, &w, t[k].stream, i0, i1, p->dt, e.exact, times + t[k].off);
        }
        run_progress(run, "wells", (k + 1.0) / nt);
    }
}

/* An SDE or Langevin well's summary from its task's escapes. */
static esc well_result(run_ctx *run, const rate_params *p, const mc_task *t, const double *times)
{
    qwell w = task_well(p, t);
    esc e;
    well_exact(run, &w, p->grid, &e);
    summarise(times + t->off, t->reps, &e.mean, &e.se);
    return e;
}

/* Weighted least-squares slope of log(1/T) on log C and its SE; and the
 * plain slope of a prediction over the same C. */
static void rate_slope(run_ctx *run, const double *C, const double *T, const double *se, int n, double *b,
                       double *sb)
{
    double lx[64], ly[64], sy[64], chi2;
    stats_fit f;
    for (int i = 0; i < n; i++)
        lx[i] = log(C[i]), ly[i] = -log(T[i]), sy[i] = se ? se[i] / T[i] : 1.0;
    int st = se ? stats_fit_line_weighted(lx, ly, sy, (size_t)n, &f, &chi2) : stats_fit_line(lx, ly, (size_t)n, &f);
    if (st || !isfinite(f.b))
        run_fail(run, "slope fit failed");
    *b = f.b;
    if (sb)
        *sb = f.se_b;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "mori_rate", "MORI-RATE: escape rate vs barrier ratio, SGD-noise SDE vs Langevin", argc,
              argv);
    long reps = 1000, lreps = 250, grid = 20000, Bsz = 1;
    long sreps = 4000, sN = 100000, sB = 1, chainM = run.ci ? 800 : 1600;
    double eta = 0.25, D = 0.5, dt = 0.005, seta = 0.1;
    opts_list Cl = {4, {1.5, 2, 2.5, 3}}, sCl = {5, {1.1, 1.2, 1.35, 1.5, 1.7}};
    opts_spec spec[] = {
        {"reps", OPT_INT, &reps, 10, 1e7, "escapes per well (SDE)"},
        {"lreps", OPT_INT, &lreps, 10, 1e7, "escapes per well (Langevin)"},
        {"sgd-reps", OPT_INT, &sreps, 10, 1e7, "escapes per well (true SGD)"},
        {"sgd-N", OPT_INT, &sN, 100, 1e7, "data set size (true SGD), even"},
        {"chain-M", OPT_INT, &chainM, 16, 4000, "grid intervals of the discrete chain's escape time, multiple of 4"},
        {"sgd-eta", OPT_DOUBLE, &seta, 1e-3, 1, "learning rate (true SGD)"},
        {"sgd-Cs", OPT_LIST, &sCl, 1.01, 1e3, "barrier ratios (true SGD), comma-separated, increasing"},
        {"eta", OPT_DOUBLE, &eta, 1e-3, 10, "learning rate in the noise 2 eta h* L / B"},
        {"B", OPT_INT, &Bsz, 1, 1e6, "batch size in the noise"},
        {"D", OPT_DOUBLE, &D, 0.05, 10, "Langevin noise strength (variance 2D)"},
        {"dt", OPT_DOUBLE, &dt, 1e-5, 0.05, "Euler-Maruyama step"},
        {"Cs", OPT_LIST, &Cl, 1.01, 1e3, "barrier ratios L(theta_s)/L(theta*), comma-separated, increasing"},
        {"grid", OPT_INT, &grid, 100, 1e8, "quadrature grid intervals"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    const double *Cs = Cl.v;
    int nC = Cl.n;
    if (nC < 2 || nC > MAXC)
        run_usage_error(&run, "--Cs takes 2 to %d ratios", MAXC);
    for (int j = 1; j < nC; j++)
        if (Cs[j] <= Cs[j - 1])
            run_usage_error(&run, "--Cs: ratios must increase");
    const double *sCs = sCl.v;
    int nS = sCl.n;
    if (nS < 2 || nS > MAXC)
        run_usage_error(&run, "--sgd-Cs takes 2 to %d ratios", MAXC);
    for (int j = 1; j < nS; j++)
        if (sCs[j] <= sCs[j - 1])
            run_usage_error(&run, "--sgd-Cs: ratios must increase");
    if (sN % 4)
        run_usage_error(&run, "--sgd-N must be a multiple of 4");
    if (chainM % 4)
        run_usage_error(&run, "--chain-M must be a multiple of 4");

    const double h = 1.0, dLs[NFAM] = {1.0, 2.0};
    const double temp = eta * h / Bsz, expo = Bsz / (eta * h) + 0.5; /* T and Eq. 15's exponent */
    rate_params P = {h, temp, D, dt, seta, sN, (int)sB, (int)grid, dLs, Cs, sCs};
    /* >>> snippet mori-rate-tasks */
    mc_task task[NFAM * (2 * MAXC + 1)];
    int nt = 0;
    long total = 0;
    for (int fam = 0; fam < NFAM; fam++) {
        for (int j = 0; j < nC; j++, total += reps)
            task[nt++] = (mc_task){T_SDE, fam, j, reps, total, 1 + (uint64_t)(fam * MAXC + j)};
        task[nt++] = (mc_task){T_LANGEVIN, fam, 0, lreps, total, 100 + (uint64_t)fam};
        total += lreps;
    }
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nS; j++, total += sreps)
            task[nt++] = (mc_task){T_SGD, fam, j, sreps, total, 300 + (uint64_t)(fam * MAXC + j)};
    double *times = SGDN_NEW(times, total);
    long ilo, ihi;
    shard_items(&run, &sh, total, &ilo, &ihi);
    run_tasks(&run, &P, task, nt, ilo, ihi, times);
    shard_gather(&run, &sh, times, sizeof *times); /* a shard writes its escapes and exits */
    /* <<< snippet */
    esc sg[NFAM][MAXC], lg[NFAM];
    double k15[MAXC];

    FILE *f = run_open(&run, ".tsv",
                       "dL\tLstar\tC\tT_mean\tT_se\tkappa\tkappa_lo\tkappa_hi\tkappa_exact\tquad_err\tkappa_eq15");
    FILE *fl = run_open(&run, "_langevin.tsv",
                        "dL\tT_mean\tT_se\tkappa\tkappa_lo\tkappa_hi\tkappa_exact\tquad_err\tkappa_kramers");
    double z95 = stats_z_two_sided(0.05);
    const mc_task *tk = task;
    for (int fam = 0; fam < NFAM; fam++) {
        for (int j = 0; j < nC; j++, tk++) {
            qwell w = task_well(&P, tk);
            sg[fam][j] = well_result(&run, &P, tk, times);
            /* >>> snippet mori-rate-eq15 */
            k15[j] = sqrt(h * h / 2) / (2 * M_PI) * pow(Cs[j], -expo); /* Eq. 15, |h_s| = h* /2 */
            /* <<< snippet */
            esc *e = &sg[fam][j];
            fprintf(f, "%g\t%.6g\t%g\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\t%.6g\t%.3g\t%.6g\n", dLs[fam], w.Lstar,
                    Cs[j], e->mean, e->se, 1 / e->mean, 1 / (e->mean + z95 * e->se),
                    1 / (e->mean - z95 * e->se), 1 / e->exact, e->qerr / (e->exact * e->exact), k15[j]);
        }
        fprintf(f, "\n\n");
        /* Langevin: L* does not enter −L', so one run per family */
        lg[fam] = well_result(&run, &P, tk++, times);
        double kk = sqrt(h * h / 2) / (2 * M_PI) * exp(-dLs[fam] / D); /* Kramers */
        esc *e = &lg[fam];
        fprintf(fl, "%g\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\t%.6g\t%.3g\t%.6g\n", dLs[fam], e->mean, e->se, 1 / e->mean,
                1 / (e->mean + z95 * e->se), 1 / (e->mean - z95 * e->se), 1 / e->exact,
                e->qerr / (e->exact * e->exact), kk);
    }
    run_close(&run, f);
    run_close(&run, fl);

    /* true SGD: two families, R² = ½ and 1 (ΔL ≈ 1 and 2), at each ratio */
    sgd_well sw[NFAM][MAXC];
    FILE *fg = run_open(&run, "_sgd.tsv",
                        "dL\tLstar\tC\tT_mean\tT_se\tkappa\tkappa_lo\tkappa_hi\tkappa_exact_sde\tquad_err"
                        "\tkappa_paper_sde\tkappa_eq15\th\th_s\tkappa_chain\tchain_err");
    for (int fam = 0; fam < NFAM; fam++) {
        for (int j = 0; j < nS; j++, tk++) {
            sgd_well *o = &sw[fam][j];
            sinwell w;
            double R = sqrt(dLs[fam] / 2);
            sgd_setup(&run, &w, o, R, sCs[j], sN, seta, (int)sB, (int)grid, 200);
            sgd_finish(&run, &w, o, seta, (int)sB, sreps, (int)grid, (int)chainM, times + tk->off);
            sinwell_free(&w);
            /* κ per saddle: the well has two, so the escape time is 1/(2κ) */
            fprintf(fg, "%.4g\t%.6g\t%g\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\t%.6g\t%.3g\t%.6g\t%.6g\t%.5g\t%.5g\t%.6g\t%.3g\n",
                    o->p.dL, o->p.Lstar, o->p.C, o->mean, o->se, 0.5 / o->mean, 0.5 / (o->mean + z95 * o->se),
                    0.5 / (o->mean - z95 * o->se), 0.5 / o->p.exact, o->p.qerr / o->p.exact, 0.5 / o->p.paper_sde,
                    0.5 * o->p.eq15, o->p.h, o->p.hs, 0.5 / o->p.chain, o->p.cerr / o->p.chain);
        }
        fprintf(fg, "\n\n");
    }
    run_close(&run, fg);
    free(times);
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nC; j++)
            run_require_finite(&run, &sg[fam][j].mean, 1, "mean escape time");

    /* --- checks: relations and predictions fixed before the run --------
     * SDE part (the paper's SDE, Euler–Maruyama):
     *   exact:     simulation vs the quadrature, every well; same-ΔL log
     *              rate ratio vs the quadrature; Langevin vs its quadrature;
     *   paper:     same ΔL, different L*: the rates differ (lower 99 % bound
     *              of the log ratio above 0, where Arrhenius gives 0); the
     *              slope d log κ/d log C equals Eq. 15's −(B/(ηh*) + ½),
     *              with the finite-barrier (quadrature) slope as the
     *              alternative;
     *   corrected: the slope equals the quadrature's over these barriers;
     *   control:   same ratio, ΔL = 1 vs 2 (equal by exact scale
     *              invariance); Langevin follows Arrhenius.
     * True SGD part (sinwell.h, B = 1):
     *   exact:     SGD mean escape time vs the discrete chain's, every well;
     *   paper:     the slope vs Eq. 15 with the sample h*, the chain's slope
     *              as the alternative;
     *   corrected: the slope vs the discrete chain's;
     *   control:   same ratio, ΔL = 1 vs 2 (same data: equal exactly). */
    const double alpha = 0.01;
    const double z = stats_z_two_sided(alpha);
    char basis[160], chk[200];
    int m = NFAM * nC;
    double zmax = 0;
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nC; j++) {
            esc *e = &sg[fam][j];
            double zz = fabs(e->mean - e->exact) / hypot(e->se, e->qerr);
            zmax = zz > zmax ? zz : zmax;
        }
    double zb = stats_z_bonferroni(alpha, m);
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d wells)", m);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_EXACT,
                                    .check = "SDE: max |z| of Euler-Maruyama mean escape time vs quadrature",
                                    .rel = REL_LE, .measured = zmax, .predicted = 0, .tol = zb, .basis = basis});

    esc *lo = &sg[0][0], *hi = &sg[0][nC - 1];
    double lr_m = log(hi->mean / lo->mean), lr_se = hypot(lo->se / lo->mean, hi->se / hi->mean);
    double lr_x = log(hi->exact / lo->exact), lr_p = expo * log(Cs[nC - 1] / Cs[0]);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_EXACT,
                                    .check = "SDE, same dL, different L*: log(k1/k2) vs quadrature", .rel = REL_EQ,
                                    .measured = lr_m, .predicted = lr_x, .tol = z * lr_se,
                                    .basis = "z (1%) x SE (delta method)"});
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_PAPER,
                                    .check = "SDE, same dL, different L*: lower 99% bound of log(k1/k2) > 0",
                                    .rel = REL_GE, .measured = lr_m - z * lr_se, .predicted = 0, .tol = 0,
                                    .basis = "z (1%) x SE (delta method)",
                                    .note = "Arrhenius (rate set by dL) gives 0"});

    double zr = 0;
    for (int j = 0; j < nC; j++) {
        esc *e1 = &sg[0][j], *e2 = &sg[1][j];
        double d = log(e1->mean / e2->mean), sd = hypot(e1->se / e1->mean, e2->se / e2->mean);
        zr = fabs(d) / sd > zr ? fabs(d) / sd : zr;
    }
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d ratios)", nC);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_CONTROL,
                                    .check = "SDE, same ratio C, dL = 1 vs 2: max |z| of log rate difference",
                                    .rel = REL_LE, .measured = zr, .predicted = 0, .tol = stats_z_bonferroni(alpha, nC),
                                    .basis = basis, .note = "equal exactly: the wells are rescalings"});

    double ll_m = log(lg[1].mean / lg[0].mean), ll_se = hypot(lg[0].se / lg[0].mean, lg[1].se / lg[1].mean);
    double ll_x = log(lg[1].exact / lg[0].exact), ll_p = (dLs[1] - dLs[0]) / D;
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_EXACT,
                                    .check = "Langevin, dL = 2 vs 1: log(k1/k2) vs quadrature", .rel = REL_EQ,
                                    .measured = ll_m, .predicted = ll_x, .tol = z * ll_se,
                                    .basis = "z (1%) x SE (delta method)"});
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_CONTROL,
                                    .check = "Langevin, dL = 2 vs 1: log(k1/k2) vs Arrhenius dL/D", .rel = REL_EQ,
                                    .measured = ll_m, .predicted = ll_p, .tol = z * ll_se,
                                    .basis = "z (1%) x SE (delta method)", .note = "Kramers: equal prefactors"});

    double Cw[2 * MAXC], Tw[2 * MAXC], Sw[2 * MAXC], Xw[2 * MAXC];
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nC; j++) {
            int i = fam * nC + j;
            Cw[i] = Cs[j], Tw[i] = sg[fam][j].mean, Sw[i] = sg[fam][j].se, Xw[i] = sg[fam][j].exact;
        }
    double sl_m, sl_se, sl_x;
    rate_slope(&run, Cw, Tw, Sw, m, &sl_m, &sl_se);
    rate_slope(&run, Cw, Xw, NULL, m, &sl_x, NULL);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_PAPER,
                                    .check = "SDE: slope dlog k/dlog C vs Eq. 15, -(B/(eta h*) + 1/2)", .rel = REL_EQ,
                                    .measured = sl_m, .predicted = -expo, .tol = z * sl_se,
                                    .basis = "z (1%) x SE of the weighted fit",
                                    .alt_name = "finite-barrier slope (quadrature)", .alt = sl_x,
                                    .note = "Eq. 15 is the large-barrier limit"});
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_CORRECTED,
                                    .check = "SDE: slope dlog k/dlog C vs finite-barrier slope (quadrature)",
                                    .rel = REL_EQ, .measured = sl_m, .predicted = sl_x, .tol = z * sl_se,
                                    .basis = "z (1%) x SE of the weighted fit", .alt_name = "Eq. 15", .alt = -expo});

    /* true SGD */
    int ms = NFAM * nS;
    double zs = 0, zq = 0;
    for (int fam = 0; fam < NFAM; fam++)
        for (int j = 0; j < nS; j++) {
            sgd_well *o = &sw[fam][j];
            double zz = fabs(o->mean - o->p.chain) / hypot(o->se, o->p.cerr);
            zs = zz > zs ? zz : zs;
        }
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d wells)", ms);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_EXACT,
                                    .check = "SGD: max |z| of mean escape time vs the discrete chain's (linear solve)",
                                    .rel = REL_LE, .measured = zs, .predicted = 0, .tol = stats_z_bonferroni(alpha, ms),
                                    .basis = basis});
    for (int j = 0; j < nS; j++) {
        sgd_well *o1 = &sw[0][j], *o2 = &sw[1][j];
        double d = log(o1->mean / o2->mean), sd = hypot(o1->se / o1->mean, o2->se / o2->mean);
        zq = fabs(d) / sd > zq ? fabs(d) / sd : zq;
    }
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d ratios)", nS);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_CONTROL,
                                    .check = "SGD, same ratio C, dL = 1 vs 2: max |z| of log rate difference",
                                    .rel = REL_LE, .measured = zq, .predicted = 0, .tol = stats_z_bonferroni(alpha, nS),
                                    .basis = basis, .note = "same data: the two SGD processes are equal in law"});
    double sg_m, sg_se, sg_c, sg_x, sg_p, sg_15;
    {
        double C2[2 * MAXC], T2[2 * MAXC], S2[2 * MAXC], K2[2 * MAXC], X2[2 * MAXC], P2[2 * MAXC], E2[2 * MAXC];
        for (int fam = 0; fam < NFAM; fam++)
            for (int j = 0; j < nS; j++) {
                int i = fam * nS + j;
                sgd_well *o = &sw[fam][j];
                C2[i] = sCs[j], T2[i] = o->mean, S2[i] = o->se, K2[i] = o->p.chain, X2[i] = o->p.exact;
                P2[i] = o->p.paper_sde, E2[i] = 1 / o->p.eq15;
            }
        rate_slope(&run, C2, T2, S2, ms, &sg_m, &sg_se);
        rate_slope(&run, C2, K2, NULL, ms, &sg_c, NULL);
        rate_slope(&run, C2, X2, NULL, ms, &sg_x, NULL);
        rate_slope(&run, C2, P2, NULL, ms, &sg_p, NULL);
        rate_slope(&run, C2, E2, NULL, ms, &sg_15, NULL);
    }
    snprintf(chk, sizeof chk, "SGD (eta = %g, B = 1): slope dlog k/dlog C vs Eq. 15, -(B/(eta h*) + 1/2)", seta);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_PAPER, .check = chk, .rel = REL_EQ,
                                    .measured = sg_m, .predicted = sg_15, .tol = z * sg_se,
                                    .basis = "z (1%) x SE of the weighted fit",
                                    .alt_name = "discrete chain's slope", .alt = sg_c,
                                    .note = "h* = L''(theta*) of the data set"});
    snprintf(chk, sizeof chk, "SGD (eta = %g, B = 1): slope dlog k/dlog C vs the discrete chain's", seta);
    run_check(&run, (run_check_row){.id = "MORI-RATE", .tests = CHECK_CORRECTED, .check = chk, .rel = REL_EQ,
                                    .measured = sg_m, .predicted = sg_c, .tol = z * sg_se,
                                    .basis = "z (1%) x SE of the weighted fit", .alt_name = "Eq. 15", .alt = sg_15});

    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "eta", "%g", eta);
    run_value(&run, "B", "%ld", Bsz);
    run_value(&run, "D", "%g", D);
    run_value(&run, "dt", "%g", dt);
    run_value(&run, "invT", "%g", Bsz / (eta * h));
    run_value(&run, "expo", "%g", expo);
    run_value(&run, "Cmin", "%g", Cs[0]);
    run_value(&run, "Cmax", "%g", Cs[nC - 1]);
    run_value(&run, "Lstar-hi", "%.3g", dLs[0] / (Cs[0] - 1));
    run_value(&run, "Lstar-lo", "%.3g", dLs[0] / (Cs[nC - 1] - 1));
    run_value(&run, "zmax", "%.2f", zmax);
    run_value(&run, "zb", "%.2f", zb);
    run_value(&run, "lr-meas", "%.2f", lr_m);
    run_value(&run, "lr-se", "%.2f", lr_se);
    run_value(&run, "lr-exact", "%.2f", lr_x);
    run_value(&run, "lr-paper", "%.2f", lr_p);
    run_value(&run, "zr", "%.2f", zr);
    run_value(&run, "ll-meas", "%.2f", ll_m);
    run_value(&run, "ll-se", "%.2f", ll_se);
    run_value(&run, "ll-exact", "%.2f", ll_x);
    run_value(&run, "ll-arrh", "%.2f", ll_p);
    run_value(&run, "slope", "%.2f", sl_m);
    run_value(&run, "slope-se", "%.2f", sl_se);
    run_value(&run, "slope-exact", "%.2f", sl_x);
    run_value(&run, "slope-paper", "%.2f", -expo);
    run_value(&run, "lreps", "%ld", lreps);
    run_value(&run, "sgd-reps", "%ld", sreps);
    run_value(&run, "sgd-N", "%ld", sN);
    run_value(&run, "sgd-eta", "%g", seta);
    run_value(&run, "chain-M", "%ld", chainM);
    run_value(&run, "sgd-Cmin", "%g", sCs[0]);
    run_value(&run, "sgd-Cmax", "%g", sCs[nS - 1]);
    run_value(&run, "sgd-h", "%.3f", sw[0][0].p.h);
    run_value(&run, "sgd-hs", "%.3f", sw[0][0].p.hs);
    run_value(&run, "sgd-zmax", "%.2f", zs);
    run_value(&run, "sgd-zb", "%.2f", stats_z_bonferroni(alpha, ms));
    run_value(&run, "sgd-zq", "%.2f", zq);
    run_value(&run, "sgd-slope", "%.2f", sg_m);
    run_value(&run, "sgd-slope-se", "%.2f", sg_se);
    run_value(&run, "sgd-slope-chain", "%.2f", sg_c);
    run_value(&run, "sgd-slope-exsde", "%.2f", sg_x);
    run_value(&run, "sgd-slope-papsde", "%.2f", sg_p);
    run_value(&run, "sgd-slope-eq15", "%.2f", sg_15);
    run_value(&run, "sgd-tol", "%.2f", z * sg_se);
    for (int j = 0; j < nC; j++) {
        char key[64];
        snprintf(key, sizeof key, "eq15-ratio-%d", j);
        run_value(&run, key, "%.2f", k15[j] * sg[0][j].exact);
    }
    return run_finish(&run);
}
