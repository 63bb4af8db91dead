/* mori_fpt — MORI-FPT-LR: mean first-passage time of linear-regression SGD
 * from θ* to the level L = C·L(θ*) (Mori et al., Eq. 16, Fig. 3b).
 *
 * d-dimensional data, N samples, B = 1, η = 0.1, time t = ηk.  Each run
 * starts at θ* and records the first step at which L(θ_k) ≥ C_j L* for
 * every level C_j of a log-spaced grid; R runs per d.  The paper predicts
 * t_p ∝ C^{B/(ηh*) + 1 − n/2} with h* = 1, n = d.
 *
 * Exact prediction for the system simulated: with H ≈ I, the distance
 * ρ = |θ − θ*| is a 1-D diffusion (linreg_radial), and t_p(C) is its mean
 * first-passage time from 0 to ρ_C = √(2L*(C − 1)) by quadrature
 * (diffusion1d.h), for
 *   - Mori's decoupled noise (2L/B)H: the exact solution of the paper's SDE;
 *   - the exact Gaussian-input noise, whose radial part grows twice as fast;
 *   - the same with the finite-η drift (1 − η/2)ρ, which matches the
 *     discrete recursion's stationary second moment.
 * The power law of Eq. 16 describes the tail, not the stationary bulk
 * (E[L/L*] ≈ 1 + ηd/2), and exists only below the critical dimension
 * (MORI-NC: ≈ 18.5 at η = 0.1).  So the dimensions lie below it and the
 * slope is fitted, by least squares of log t_p on log C, only over the
 * levels C ≥ 1 + 10·ηd/2 (ten times the bulk's mean excess, fixed before
 * the run) that every run reached; bootstrap over runs for its SE.
 * Corrected prediction: the discrete chain's stationary tail is a power law
 * with the Kesten index (linreg_kesten_population), so t_p ∝ C^s with
 * E|(I − ηxxᵀ)e|^{2s} = 1, not the SDE's B/(ηh*) + 1 − n/2.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diffusion1d.h"
#include "err.h"
#include "linreg.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "stats.h"

#define MAXD 16
#define MAXC 40
#define NQ 3 /* decoupled, exact, exact with finite-η drift */

static double mfpt_radial(linreg_radial *q, double C, int n, double *err)
{
    diffusion1d df = {linreg_radial_drift, linreg_radial_var, q};
    double rc = sqrt(2 * q->Lstar * (C - 1)), eps = 1e-7 * rc, T;
    if (diffusion1d_mfpt(&df, eps, 2 * eps, rc, n, &T, err))
        return NAN;
    return T;
}

/* The data set of dimension d: N Gaussian inputs, whitened (stream (seed, d)). */
static void make_data(run_ctx *run, linreg_data *D, int d, long N)
{
    if (linreg_data_gaussian(D, d, N, (uint64_t)run->seed, (uint64_t)d) || linreg_data_whiten(D))
        run_fail(run, "cannot build the data set for d = %d", d);
}

/* Runs [i0, i1) of dimension d: each takes up to kmax steps from θ* and
 * records in kp[i·MAXC + j] its first-passage step to level logC[j] (−1 if
 * never).  Run i has its own stream (seed, 1 + d, i), so its record does not
 * depend on who computes it. */
static void passage_runs(const linreg_data *D, double eta, const double *logC, long kmax, uint64_t seed, int d,
                         long i0, long i1, long *kp)
{
#pragma omp parallel for schedule(dynamic)
    for (long i = i0; i < i1; i++) {
        linreg_sgd s;
        rng_stream r;
        rng_init_sub(&r, seed, 1 + (uint64_t)d, (uint64_t)i);
        linreg_sgd_init(&s, D, 1);
        linreg_sgd_set(&s, D, NULL);
        int lvl = 0;
        for (int j = 0; j < MAXC; j++)
            kp[i * MAXC + j] = -1;
        /* >>> snippet mori-fpt-passage */
        while (lvl < MAXC && s.k < kmax) {
            linreg_sgd_step(&s, D, eta, &r);
            double lr = linreg_sgd_logratio(&s, D); /* log(L/L*) */
            while (lvl < MAXC && lr >= logC[lvl])
                kp[i * MAXC + lvl++] = s.k; /* t_p = η k */
        }
        /* <<< snippet */
        linreg_sgd_free(&s);
    }
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "mori_fpt", "MORI-FPT-LR: mean first-passage time vs C, linear regression", argc, argv);
    long N = 100000, reps = run.ci ? 100 : 200, grid = 20000, boot = 400, chainM = 600;
    double eta = 0.1, Clo = 1.2, Cmax = 100, tcap = run.ci ? 60000 : 150000, bulk = 10;
    opts_list ds = {3, {15, 16, 17}};
    opts_spec spec[] = {
        {"N", OPT_INT, &N, 100, 1e7, "data set size"},
        {"reps", OPT_INT, &reps, 10, 1e6, "runs per dimension"},
        {"eta", OPT_DOUBLE, &eta, 1e-4, 1, "learning rate (B = 1)"},
        {"ds", OPT_LIST, &ds, 1, 100, "dimensions, comma-separated integers"},
        {"Clo", OPT_DOUBLE, &Clo, 1.01, 1e6, "smallest C"},
        {"Cmax", OPT_DOUBLE, &Cmax, 1.02, 1e12, "largest C allowed"},
        {"tcap", OPT_DOUBLE, &tcap, 1, 1e9, "time t = eta k each run is followed for"},
        {"grid", OPT_INT, &grid, 100, 1e8, "quadrature grid intervals"},
        {"boot", OPT_INT, &boot, 50, 1e6, "bootstrap resamples"},
        {"chain-M", OPT_INT, &chainM, 16, 4000, "grid intervals of the radial chain, even"},
        {"bulk", OPT_DOUBLE, &bulk, 0, 1e3, "fit levels C >= 1 + bulk * eta d / 2"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    const double *dsd = ds.v;
    int nd = ds.n;
    if (nd > MAXD)
        run_usage_error(&run, "--ds takes at most %d dimensions", MAXD);
    for (int i = 0; i < nd; i++)
        if (dsd[i] != floor(dsd[i]))
            run_usage_error(&run, "--ds: integers in [1, 100]");
    if (chainM % 2)
        run_usage_error(&run, "--chain-M must be even");
    if (Cmax <= Clo)
        run_usage_error(&run, "--Cmax must exceed --Clo");

    FILE *f = run_open(&run, ".tsv",
                       "d\tC\ttp\tse\ttp_decoupled\ttp_exact\ttp_exact_eta\tquad_err\tC_mid\tlocal_slope"
                       "\tlocal_se\tlocal_decoupled\tlocal_exact_eta\tpaper\tkesten\tin_fit\ttp_chain\tchain_err\tlocal_chain");
    FILE *fs = run_open(&run, "_slopes.tsv",
                        "d\tslope\tse\tpaper\tslope_decoupled\tslope_exact\tslope_exact_eta\tCmin\tCmax\tkesten\tslope_chain");
    double sl_m[MAXD], sl_se[MAXD], sl_q[MAXD][NQ], sl_p[MAXD], sl_k[MAXD], cfit[MAXD], chi[MAXD], sl_c[MAXD];
    double zl[MAXD];
    int nl[MAXD]; /* levels compared with the chain */
    double c = linreg_noise_factor(N, 1);
    /* >>> snippet mori-fpt-shard */
    /* Simulate: every run takes kmax steps from θ* and records its
     * first-passage step for each level of a fine grid; run i of dimension
     * index id is work item id·reps + i (shard.h), one record of MAXC steps. */
    double logC[MAXC];
    for (int j = 0; j < MAXC; j++)
        logC[j] = log(Clo) + j * (log(Cmax) - log(Clo)) / (MAXC - 1);
    long kmax = (long)(tcap / eta), lo, hi;
    long *kpall = SGDN_NEW(kpall, sgdn_mul((size_t)nd * reps, MAXC));
    shard_items(&run, &sh, nd * reps, &lo, &hi);
    for (int id = 0; id < nd; id++) {
        long i0 = lo > id * reps ? lo - id * reps : 0, i1 = hi < (id + 1) * reps ? hi - id * reps : reps;
        if (i0 < i1) {
            linreg_data D;
            make_data(&run, &D, (int)dsd[id], N);
            passage_runs(&D, eta, logC, kmax, (uint64_t)run.seed, (int)dsd[id], i0, i1, kpall + id * reps * MAXC);
            linreg_data_free(&D);
            run_progress(&run, "dimensions", (id + 1.0) / nd);
        }
    }
    shard_gather(&run, &sh, kpall, MAXC * sizeof *kpall); /* a shard writes its runs and exits */
    /* <<< snippet */
    for (int id = 0; id < nd; id++) {
        int d = (int)dsd[id];
        linreg_data D;
        make_data(&run, &D, d, N);
        linreg_radial q[NQ] = {{d, eta, c, D.Lstar, 1.0, 1}, {d, eta, c, D.Lstar, 1.0, 0},
                               {d, eta, c, D.Lstar, 1 - eta / 2, 0}};
        /* the levels that every run reached are used (no censoring) */
        double Cs[MAXC], Tq[NQ][MAXC], Te[MAXC], err, Tc[MAXC], Tce[MAXC], rcs[MAXC];
        const long *kp = kpall + id * reps * MAXC;
        int nC = 0;
        while (nC < MAXC) {
            long i = 0;
            while (i < reps && kp[i * MAXC + nC] >= 0)
                i++;
            if (i < reps)
                break;
            nC++;
        }
        if (nC < 3)
            run_fail(&run, "d = %d: fewer than 3 levels reached by every run; raise --tcap", d);
        for (int j = 0; j < nC; j++) {
            Cs[j] = exp(logC[j]);
            for (int k = 0; k < NQ; k++) {
                Tq[k][j] = mfpt_radial(&q[k], Cs[j], (int)grid, &err);
                if (k == 2)
                    Te[j] = err;
            }
        }
        /* the discrete chain itself: exact t_p at every level */
        for (int j = 0; j < nC; j++)
            rcs[j] = sqrt(2 * D.Lstar * (Cs[j] - 1));
        if (linreg_radial_chain_mfpt(d, eta, D.Lstar, rcs, nC, (int)chainM, Tc, Tce))
            run_fail(&run, "d = %d: the radial chain's passage times failed", d);
        double Chi = Cs[nC - 1];
        /* the fit window: levels above the bulk, fixed by the rule above */
        cfit[id] = 1 + bulk * eta * d / 2;
        int j0 = 0;
        while (j0 < nC && Cs[j0] < cfit[id])
            j0++;
        int nF = nC - j0;
        chi[id] = Chi;
        if (nF < 3)
            run_fail(&run, "d = %d: fewer than 3 levels above C = %g reached by every run; raise --tcap", d, cfit[id]);
        double kerr;
        if (linreg_kesten_population(d, 1, eta, &sl_k[id], &kerr))
            run_fail(&run, "d = %d: the Kesten index does not exist (unstable chain) or its quadrature failed", d);
        /* means and SEs per level; slope by OLS of log mean on log C */
        double Tm[MAXC], Ts[MAXC], lt[MAXC];
        stats_fit fit;
        for (int j = 0; j < nC; j++) {
            stats_acc a;
            stats_acc_init(&a);
            for (long i = 0; i < reps; i++)
                stats_acc_add(&a, eta * kp[i * MAXC + j]);
            Tm[j] = a.mean, Ts[j] = stats_acc_se(&a), lt[j] = log(Tm[j]);
        }
        run_require_finite(&run, Tm, nC, "mean passage time");
        if (stats_fit_line(logC + j0, lt + j0, nF, &fit))
            run_fail(&run, "d = %d: slope fit failed", d);
        sl_m[id] = fit.b;
        /* bootstrap over runs (levels of one run are correlated) */
        rng_stream rb;
        rng_init(&rb, (uint64_t)run.seed, 100000 + (uint64_t)d);
        stats_acc sb;
        stats_acc_init(&sb);
        for (long b = 0; b < boot; b++) {
            double sum[MAXC] = {0}, lb[MAXC];
            for (long i = 0; i < reps; i++) {
                long pick = (long)rng_uniform_int(&rb, (uint64_t)reps);
                for (int j = 0; j < nC; j++)
                    sum[j] += kp[pick * MAXC + j];
            }
            for (int j = 0; j < nC; j++)
                lb[j] = log(eta * sum[j] / reps);
            stats_fit fb;
            if (stats_fit_line(logC + j0, lb + j0, nF, &fb))
                run_fail(&run, "d = %d: bootstrap slope fit failed", d);
            stats_acc_add(&sb, fb.b);
        }
        sl_se[id] = sqrt(stats_acc_var(&sb));
        for (int k = 0; k < NQ; k++) {
            double lq[MAXC];
            for (int j = 0; j < nC; j++)
                lq[j] = log(Tq[k][j]);
            run_require_finite(&run, lq, nC, "quadrature passage time");
            if (stats_fit_line(logC + j0, lq + j0, nF, &fit))
                run_fail(&run, "d = %d: quadrature slope fit failed", d);
            sl_q[id][k] = fit.b;
        }
        {
            double lq[MAXC];
            for (int j = 0; j < nC; j++)
                lq[j] = log(Tc[j]);
            if (stats_fit_line(logC + j0, lq + j0, nF, &fit))
                run_fail(&run, "d = %d: chain slope fit failed", d);
            sl_c[id] = fit.b;
        }
        /* every level against the chain: largest |z| (SE and the chain's
         * grid error combined) */
        zl[id] = 0;
        for (int j = 0; j < nC; j++) {
            double zz = fabs(Tm[j] - Tc[j]) / hypot(Ts[j], Tce[j]);
            zl[id] = zz > zl[id] ? zz : zl[id];
        }
        nl[id] = nC;
        sl_p[id] = 1.0 / eta + 1 - d / 2.0; /* B/(ηh*) + 1 − n/2, B = h* = 1 */
        /* local slopes between neighbouring levels (the last row has none) */
        for (int j = 0; j < nC; j++) {
            double cm = NAN, ls = NAN, lse = NAN, ld = NAN, lx = NAN, lc = NAN;
            if (j + 1 < nC) {
                double dl = logC[j + 1] - logC[j];
                cm = exp(0.5 * (logC[j] + logC[j + 1]));
                ls = (lt[j + 1] - lt[j]) / dl;
                lse = hypot(Ts[j] / Tm[j], Ts[j + 1] / Tm[j + 1]) / dl;
                ld = log(Tq[0][j + 1] / Tq[0][j]) / dl;
                lx = log(Tq[2][j + 1] / Tq[2][j]) / dl;
                lc = log(Tc[j + 1] / Tc[j]) / dl;
            }
            fprintf(f, "%d\t%.6g\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\t%.3g\t%.5g\t%.5g\t%.4g\t%.5g\t%.5g\t%.4g\t%.5g\t%d"
                       "\t%.6g\t%.3g\t%.5g\n", d,
                    Cs[j], Tm[j], Ts[j], Tq[0][j], Tq[1][j], Tq[2][j], Te[j], cm, ls, lse, ld, lx, sl_p[id],
                    sl_k[id], j >= j0, Tc[j], Tce[j], lc);
        }
        fprintf(f, "\n\n");
        fprintf(fs, "%d\t%.5g\t%.4g\t%.5g\t%.5g\t%.5g\t%.5g\t%.4g\t%.4g\t%.5g\t%.5g\n", d, sl_m[id], sl_se[id],
                sl_p[id], sl_q[id][0], sl_q[id][1], sl_q[id][2], Cs[j0], Chi, sl_k[id], sl_c[id]);
        linreg_data_free(&D);
    }
    free(kpall);
    run_close(&run, f);
    run_close(&run, fs);

    /* Checks, per dimension, fixed before the run: the slope fitted over
     * the window against Eq. 16 (paper) and against the discrete chain's
     * exact passage times over the same levels (corrected), each naming the
     * other as its alternative; and every level's mean passage time against
     * the chain (exact). */
    double z = stats_z_two_sided(0.01);
    for (int id = 0; id < nd; id++) {
        char chk[200], basis[120];
        int d = (int)dsd[id];
        snprintf(chk, sizeof chk, "d = %d: slope dlog t_p/dlog C over C in [%.3g, %.3g] vs Eq. 16, B/(eta h*) + 1 - n/2",
                 d, cfit[id], chi[id]);
        run_check(&run, (run_check_row){.id = "MORI-FPT-LR", .tests = CHECK_PAPER, .check = chk, .rel = REL_EQ,
                                        .measured = sl_m[id], .predicted = sl_p[id], .tol = z * sl_se[id],
                                        .basis = "z (1%) x bootstrap SE over runs",
                                        .alt_name = "discrete chain, same levels", .alt = sl_c[id]});
        snprintf(chk, sizeof chk, "d = %d: slope over the same levels vs the discrete chain's (exact passage times)", d);
        run_check(&run, (run_check_row){.id = "MORI-FPT-LR", .tests = CHECK_CORRECTED, .check = chk, .rel = REL_EQ,
                                        .measured = sl_m[id], .predicted = sl_c[id], .tol = z * sl_se[id],
                                        .basis = "z (1%) x bootstrap SE over runs", .alt_name = "Eq. 16",
                                        .alt = sl_p[id], .note = "tends to the Kesten index as C grows"});
        snprintf(chk, sizeof chk, "d = %d: max |z| of mean passage time vs the discrete chain over %d levels", d, nl[id]);
        snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d levels)", nl[id]);
        run_check(&run, (run_check_row){.id = "MORI-FPT-LR", .tests = CHECK_EXACT, .check = chk, .rel = REL_LE,
                                        .measured = zl[id], .predicted = 0, .tol = stats_z_bonferroni(0.01, nl[id]),
                                        .basis = basis, .note = "SE and the chain's grid error combined"});
    }
    run_value(&run, "bulk", "%g", bulk);
    run_value(&run, "N", "%ld", N);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "eta", "%g", eta);
    run_value(&run, "tcap", "%g", tcap);
    for (int id = 0; id < nd; id++) {
        char key[64];
        int d = (int)dsd[id];
        snprintf(key, sizeof key, "slope-%d", d), run_value(&run, key, "%.2f", sl_m[id]);
        snprintf(key, sizeof key, "se-%d", d), run_value(&run, key, "%.2f", sl_se[id]);
        snprintf(key, sizeof key, "paper-%d", d), run_value(&run, key, "%.1f", sl_p[id]);
        snprintf(key, sizeof key, "dec-%d", d), run_value(&run, key, "%.2f", sl_q[id][0]);
        snprintf(key, sizeof key, "exact-%d", d), run_value(&run, key, "%.2f", sl_q[id][1]);
        snprintf(key, sizeof key, "corr-%d", d), run_value(&run, key, "%.2f", sl_q[id][2]);
        snprintf(key, sizeof key, "kesten-%d", d), run_value(&run, key, "%.2f", sl_k[id]);
        snprintf(key, sizeof key, "chain-%d", d), run_value(&run, key, "%.2f", sl_c[id]);
        snprintf(key, sizeof key, "zl-%d", d), run_value(&run, key, "%.2f", zl[id]);
        snprintf(key, sizeof key, "cfit-%d", d), run_value(&run, key, "%.3g", cfit[id]);
        snprintf(key, sizeof key, "chi-%d", d), run_value(&run, key, "%.3g", chi[id]);
    }
    return run_finish(&run);
}
