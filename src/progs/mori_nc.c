/* mori_nc — MORI-NC: the critical effective dimension of Mori et al.,
 * Eq. 18: minima with n ≥ n_c = 2(B/(η h*) + 1) are unstable.
 *
 * Linear regression (linreg.h), x, y i.i.d. N(0, 1), so H ≈ I, h* = 1 and
 * n = d.  Far from θ*, SGD multiplies u = θ − θ* by M = I − (η/B)Σ x_μx_μᵀ;
 * the minimum is stable (SGD has a stationary law around it) iff the top
 * Lyapunov exponent λ of these products is negative, and |θ − θ*| grows
 * like e^{λk} when λ > 0.  Per unit time t = ηk the growth rate is λ/η.
 *
 * Predictions of λ/η (B = 1):
 *   - the paper's SDE (noise (2L/B)H): the radial log-process drifts at
 *     −1 + η(d − 2)/2, zero at d = 2(B/η + 1) = n_c (Eq. 18);
 *   - the SDE with the exact Gaussian-input noise (linreg_radial): drift
 *     −1 + η(d − 3)/2, zero at 2B/η + 3;
 *   - the discrete chain itself: the population exponent
 *     linreg_lyapunov_population (quadrature), exact for isotropic data.
 * Measurement: for every (η, d), R replicates, each with its own data set
 * of N samples, run K steps of a tangent vector driven by SGD minibatches
 * (linreg_tangent_step): the estimate of λ is the mean log-growth, its SE the spread over
 * replicates.  The same replicates also run the full SGD from θ* for K
 * steps and record whether log(L/L*) exceeded LAMBDA (divergence).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "err.h"
#include "linreg.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "stats.h"

#define NETA 2
#define LAMBDA 50.0 /* log(L/L*) counted as divergence */

static const double etas[NETA] = {0.25, 0.1};
static const int dlo[NETA] = {2, 12}, dhi[NETA] = {14, 26};

typedef struct {
    double lam, se, pop, poperr;
    long ndiv;
} point;

/* crossing of zero by linear interpolation between the last negative and
 * the first positive value; the SE follows by the delta method. */
static double crossing(const double *l, const double *se, int n, int d0, double *sd)
{
    for (int i = 1; i < n; i++)
        if (l[i - 1] < 0 && l[i] >= 0) {
            double dl = l[i] - l[i - 1];
            if (sd)
                *sd = hypot(l[i] / (dl * dl) * se[i - 1], l[i - 1] / (dl * dl) * se[i]);
            return d0 + i - 1 - l[i - 1] / dl;
        }
    return NAN;
}

/* One replicate's record: its Lyapunov estimate per step and whether its
 * SGD run diverged. */
typedef struct {
    double lam;
    long div;
} rep_result;

/* Replicate i of (η, d): its own data set (stream key·100000 + i), the
 * tangent run on stream (seed, key, 2i) and the SGD run on (seed, key,
 * 2i + 1), so its record does not depend on who computes it.  Nonzero if the
 * data set cannot be built. */
static int replicate(uint64_t seed, double eta, int d, uint64_t key, long N, long K, long i, rep_result *o)
{
    linreg_data D;
    if (linreg_data_gaussian(&D, d, N, seed, key * 100000 + (uint64_t)i))
        return 1;
    linreg_sgd s;
    linreg_sgd_init(&s, &D, 1);
    rng_stream r;
    rng_init_sub(&r, seed, key, 2 * (uint64_t)i);
    double e[64] = {0}, acc = 0;
    e[0] = 1;
    /* >>> snippet mori-nc-lyap */
    for (long k = 0; k < K; k++)
        acc += linreg_tangent_step(&s, &D, eta, e, &r); /* log|M_k e| */
    o->lam = acc / K;                                   /* estimate of λ per step */
    /* <<< snippet */
    rng_init_sub(&r, seed, key, 2 * (uint64_t)i + 1);
    linreg_sgd_set(&s, &D, NULL);
    o->div = 0;
    for (long k = 0; k < K && !o->div; k++) {
        linreg_sgd_step(&s, &D, eta, &r);
        o->div = !(linreg_sgd_logratio(&s, &D) < LAMBDA);
    }
    linreg_sgd_free(&s);
    linreg_data_free(&D);
    return 0;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "mori_nc", "MORI-NC: Lyapunov exponent of linear-regression SGD vs effective dimension", argc,
              argv);
    long N = run.ci ? 10000 : 100000, reps = run.ci ? 24 : 32, K = run.ci ? 4000 : 16000;
    opts_spec spec[] = {{"N", OPT_INT, &N, 100, 1e6, "data set size"},
                        {"reps", OPT_INT, &reps, 4, 1e5, "replicates (data sets) per (eta, d)"},
                        {"K", OPT_INT, &K, 100, 1e8, "SGD steps per replicate"},
                        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);

    /* >>> snippet mori-nc-shard */
    /* Replicate i of the p-th (η, d) pair (η-major) is work item p·reps + i,
     * so a shard (shard.h) computes a range of them. */
    long npair = 0, lo, hi;
    for (int ie = 0; ie < NETA; ie++)
        npair += dhi[ie] - dlo[ie] + 1;
    rep_result *rec = SGDN_NEW(rec, sgdn_mul(npair, reps));
    shard_items(&run, &sh, npair * reps, &lo, &hi);
    int bad = 0;
#pragma omp parallel for schedule(dynamic) reduction(| : bad)
    for (long it = lo; it < hi; it++) {
        long pr = it / reps;
        int ie = 0;
        while (pr > dhi[ie] - dlo[ie])
            pr -= dhi[ie] - dlo[ie] + 1, ie++;
        int d = dlo[ie] + (int)pr;
        bad |= replicate((uint64_t)run.seed, etas[ie], d, 1 + (uint64_t)ie * 1000 + (uint64_t)d, N, K, it % reps,
                         &rec[it]);
    }
    if (bad)
        run_fail(&run, "cannot build a data set");
    shard_gather(&run, &sh, rec, sizeof *rec); /* a shard writes its replicates and exits */
    /* <<< snippet */

    FILE *f = run_open(&run, ".tsv",
                       "eta\td\trate\tse\trate_exact\tquad_err\trate_paper_sde\trate_exact_sde\tdiverged\tdiv_lo\tdiv_hi");
    double dc_m[NETA], dc_se[NETA], dc_x[NETA], dc_p[NETA], dc_s[NETA], fdiv[NETA], zmax[NETA];
    int dprobe[NETA], nexact[NETA];
    long pair = 0;
    for (int ie = 0; ie < NETA; ie++) {
        double eta = etas[ie];
        int nd = dhi[ie] - dlo[ie] + 1;
        point *pt = SGDN_NEW0(pt, nd);
        for (int id = 0; id < nd; id++) {
            int d = dlo[ie] + id;
            const rep_result *rr = rec + pair++ * reps;
            stats_acc a;
            stats_acc_init(&a);
            pt[id].ndiv = 0;
            for (long i = 0; i < reps; i++)
                stats_acc_add(&a, rr[i].lam / eta), pt[id].ndiv += rr[i].div;
            pt[id].lam = a.mean, pt[id].se = stats_acc_se(&a);
            double lp, le;
            if (linreg_lyapunov_population(d, 1, eta, &lp, &le))
                run_fail(&run, "population Lyapunov quadrature failed (d = %d)", d);
            pt[id].pop = lp / eta, pt[id].poperr = le / eta;
            double lo, hi;
            stats_binom_wilson(pt[id].ndiv, reps, 0.05, &lo, &hi);
            fprintf(f, "%g\t%d\t%.6g\t%.3g\t%.6g\t%.2g\t%.6g\t%.6g\t%.4g\t%.4g\t%.4g\n", eta, d, pt[id].lam, pt[id].se,
                    pt[id].pop, pt[id].poperr, -1 + eta * (d - 2) / 2, -1 + eta * (d - 3) / 2,
                    (double)pt[id].ndiv / reps, lo, hi);
        }
        fprintf(f, "\n\n");
        double l[64], s[64], lx[64];
        for (int id = 0; id < nd; id++)
            l[id] = pt[id].lam, s[id] = pt[id].se, lx[id] = pt[id].pop;
        run_require_finite(&run, l, (size_t)nd, "Lyapunov exponent");
        dc_m[ie] = crossing(l, s, nd, dlo[ie], &dc_se[ie]);
        dc_x[ie] = crossing(lx, s, nd, dlo[ie], NULL);
        dc_p[ie] = 2 * (1 / eta + 1);
        dc_s[ie] = 2 / eta + 3;
        if (!isfinite(dc_m[ie]) || !isfinite(dc_x[ie]))
            run_fail(&run, "eta = %g: no sign change of the Lyapunov exponent in d = %d..%d", eta, dlo[ie], dhi[ie]);
        /* the largest d inside the paper's stable range n < n_c */
        dprobe[ie] = (int)ceil(dc_p[ie]) - 1;
        int ip = dprobe[ie] - dlo[ie];
        fdiv[ie] = (double)pt[ip].ndiv / reps;
        zmax[ie] = 0, nexact[ie] = nd;
        for (int id = 0; id < nd; id++) {
            double zz = fabs(pt[id].lam - pt[id].pop) / hypot(pt[id].se, pt[id].poperr);
            zmax[ie] = zz > zmax[ie] ? zz : zmax[ie];
        }
        free(pt);
    }
    run_close(&run, f);
    free(rec);

    /* Checks, with relations fixed before the run.  The SE of each point
     * is estimated from reps replicates: Student t quantiles.
     *   paper:     the measured d_c equals Eq. 18's n_c = 2(B/(eta h*)+1);
     *              at d = ceil(n_c) - 1, inside the range Eq. 18 calls
     *              stable, no SGD run diverges;
     *   corrected: the measured d_c equals the zero of the discrete chain's
     *              exact Lyapunov exponent (population quadrature);
     *   exact:     the measured exponent at every d equals the quadrature
     *              (largest |z| against the Bonferroni quantile). */
    double z = gsl_cdf_tdist_Pinv(1 - 0.005, (double)(reps - 1));
    for (int ie = 0; ie < NETA; ie++) {
        char chk[200], note[200];
        double eta = etas[ie];
        snprintf(chk, sizeof chk, "eta = %g: measured d_c vs Eq. 18, n_c = 2(B/(eta h*) + 1)", eta);
        run_check(&run, (run_check_row){.id = "MORI-NC", .tests = CHECK_PAPER, .check = chk, .rel = REL_EQ,
                                        .measured = dc_m[ie], .predicted = dc_p[ie], .tol = z * dc_se[ie],
                                        .basis = "t (1%, reps-1 dof) x SE (delta method)",
                                        .alt_name = "discrete-chain d_c", .alt = dc_x[ie],
                                        .note = "the SDE limit behind Eq. 18 needs eta d << 1; here eta d ~ 2"});
        snprintf(chk, sizeof chk, "eta = %g: measured d_c vs discrete-chain d_c (exact Lyapunov exponent)", eta);
        run_check(&run, (run_check_row){.id = "MORI-NC", .tests = CHECK_CORRECTED, .check = chk, .rel = REL_EQ,
                                        .measured = dc_m[ie], .predicted = dc_x[ie], .tol = z * dc_se[ie],
                                        .basis = "t (1%, reps-1 dof) x SE (delta method)",
                                        .alt_name = "Eq. 18 n_c", .alt = dc_p[ie],
                                        .note = "zero of E log|(I - eta x x^T) e|, population quadrature"});
        snprintf(chk, sizeof chk, "eta = %g, d = %d < n_c: fraction of SGD runs diverging (Eq. 18: stable)", eta,
                 dprobe[ie]);
        snprintf(note, sizeof note, "divergence: log(L/L*) > %g within K steps; the discrete chain is unstable here",
                 LAMBDA);
        run_check(&run, (run_check_row){.id = "MORI-NC", .tests = CHECK_PAPER, .check = chk, .rel = REL_LE,
                                        .measured = fdiv[ie], .predicted = 0, .tol = 0,
                                        .basis = "a stable minimum has no divergent run", .note = note});
        double zb = gsl_cdf_tdist_Pinv(1 - 0.005 / nexact[ie], (double)(reps - 1));
        snprintf(chk, sizeof chk, "eta = %g: max |z| of measured lambda/eta vs quadrature over %d dimensions", eta,
                 nexact[ie]);
        run_check(&run, (run_check_row){.id = "MORI-NC", .tests = CHECK_EXACT, .check = chk, .rel = REL_LE,
                                        .measured = zmax[ie], .predicted = 0, .tol = zb,
                                        .basis = "Bonferroni t quantile (1%, reps-1 dof)",
                                        .note = "finite data set (N samples) vs population quadrature"});
        char key[64];
        int e100 = (int)lround(eta * 100);
        snprintf(key, sizeof key, "dc-%d", e100), run_value(&run, key, "%.2f", dc_m[ie]);
        snprintf(key, sizeof key, "dcse-%d", e100), run_value(&run, key, "%.2f", dc_se[ie]);
        snprintf(key, sizeof key, "dcx-%d", e100), run_value(&run, key, "%.2f", dc_x[ie]);
        snprintf(key, sizeof key, "dcp-%d", e100), run_value(&run, key, "%g", dc_p[ie]);
        snprintf(key, sizeof key, "dcs-%d", e100), run_value(&run, key, "%g", dc_s[ie]);
        snprintf(key, sizeof key, "shift-%d", e100), run_value(&run, key, "%.1f", dc_p[ie] - dc_x[ie]);
        snprintf(key, sizeof key, "probe-%d", e100), run_value(&run, key, "%d", dprobe[ie]);
        snprintf(key, sizeof key, "fdiv-%d", e100), run_value(&run, key, "%.2f", fdiv[ie]);
        snprintf(key, sizeof key, "zmax-%d", e100), run_value(&run, key, "%.2f", zmax[ie]);
        snprintf(key, sizeof key, "zb-%d", e100), run_value(&run, key, "%.2f", zb);
    }
    run_value(&run, "N", "%ld", N);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "K", "%ld", K);
    run_value(&run, "Lambda", "%g", LAMBDA);
    return run_finish(&run);
}
