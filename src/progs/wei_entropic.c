/* wei_entropic — WEI-ENTROPIC: SGD noise as an entropic force (Wei &
 * Schwab, App. A.6, Eq. 36–38, Fig. 7).
 *
 * L(θ1, θ2) = ½(θ2² + 1) θ1² + α θ2: a valley λ1 = 1 + θ2² whose floor
 * g = αθ2 slopes down to θ2 → −∞.  Gradient descent follows the floor for
 * ever (θ2 falls by ηα per step once θ1 ≈ 0).  With SGD-like noise
 * C = c·H₊, the trace-lowering drift −(η²c/4)‖∇λ1‖² balances the slope;
 * Eq. 38 gives α·2θ2 = −(ηc/4)(2θ2)², i.e. ⟨θ2⟩ = −2α/(ηc) = −0.02.
 *
 * Directly: the stationary mean of ∂L/∂θ2 vanishes, ⟨θ1²θ2⟩ = −α, and
 * θ1 equilibrates fast at fixed θ2 with ⟨θ1²⟩ = ηc/(2 − ηλ1) for the
 * discrete iteration (ηc/2 in the paper's leading order), so
 *     ⟨θ2⟩ ≈ −α (2 − η(1 + ⟨θ2²⟩)) / (ηc) = −0.0199 (discrete).
 *
 * Estimation: θ2 relaxes on the slow time 1/(η⟨θ1²⟩) ≈ 2/(η²c) = 20,000
 * iterations with a stationary spread √(ηc/2) ≈ 0.07, far larger than
 * the mean: time averages over many independent chains.  A control
 * variate removes most of that spread exactly: the OU filter of the
 * injected θ2 noise, Y ← (1 − ηm̂) Y − ηξ2, has E[Y_t] = 0 at every t
 * (ξ2 has conditional mean zero and the filter is linear with constant
 * coefficients), so θ2 − Y has the same mean as θ2 for any constant m̂.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "noisygd.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "err.h"
#include "stats.h"

typedef struct {
    long chains, burn, meas, every, gdsteps;
    double eta, c, alpha, th1, th2;
} params;

#define NVAR 2
static const char *var_names[NVAR] = {"sgd", "thm1"};

typedef struct {
    double plain, cv, th1sq, th1sq_th2;
} chain_result;

/* One work item (a chain of one variant) keeps one record of 2·ncp + 4
 * doubles: its trajectory (θ1, θ2 at every checkpoint), then its
 * chain_result. */
static double *trajectory(double *rec, long ncp, long idx) { return rec + (size_t)idx * (2 * ncp + 4); }
static chain_result *result(double *rec, long ncp, long idx)
{
    return (chain_result *)(trajectory(rec, ncp, idx) + 2 * ncp);
}

int main(int argc, char **argv)
{
    run_ctx run;
    params p = {.burn = 150000, .every = 2000, .gdsteps = 1000000, .eta = 0.01, .c = 1.0,
                .alpha = 1e-4, .th1 = 0.1, .th2 = 0.1};
    run_begin(&run, "wei_entropic", "WEI-ENTROPIC: GD vs noisy GD on 1/2(theta2^2+1)theta1^2 + alpha theta2",
              argc, argv);
    p.chains = run.ci ? 96 : 200;
    p.meas = run.ci ? 300000 : 800000;
    opts_spec spec[] = {
        {"chains", OPT_INT, &p.chains, 4, 1e6, "independent noisy chains"},
        {"burn", OPT_INT, &p.burn, 0, 1e9, "burn-in iterations of each chain"},
        {"meas", OPT_INT, &p.meas, 100, 1e10, "measured iterations of each chain"},
        {"every", OPT_INT, &p.every, 1, 1e9, "record the trajectories every this many iterations"},
        {"gdsteps", OPT_INT, &p.gdsteps, 10, 1e10, "gradient-descent iterations"},
        {"eta", OPT_DOUBLE, &p.eta, 1e-5, 0.5, "learning rate"},
        {"c", OPT_DOUBLE, &p.c, 1e-4, 100, "noise strength c = (1/S)(1 - S/M)"},
        {"alpha", OPT_DOUBLE, &p.alpha, 0, 1, "slope of the valley floor"},
        {"th1", OPT_DOUBLE, &p.th1, -10, 10, "start theta1"},
        {"th2", OPT_DOUBLE, &p.th2, -10, 10, "start theta2"},
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);

    ngd_loss L;
    ngd_loss_init(&L, NGD_LOSS_ENTROPIC, p.alpha);
    /* variant 0: SGD-like C = cH₊; variant 1: Theorem 1's noise C = cλ1 on
     * θ1 only (Eq. 10), the noise Eq. 37–38 are derived for */
    ngd_noise noises[NVAR] = {{NGD_NOISE_HESS, p.c, NGD_F_TRACE}, {NGD_NOISE_THM2, p.c, NGD_F_TRACE}};
    ngd_noise none = {NGD_NOISE_NONE, 0, NGD_F_TRACE};
    double eta = p.eta;
    double paper = -2 * p.alpha / (eta * p.c);
    double mhat = eta * p.c / (2 - eta); /* ⟨θ1²⟩ of the discrete iteration at θ2 = 0 */
    double disc = -p.alpha / mhat;       /* −α(2 − η)/(ηc) */

    /* Gradient descent: deterministic. */
    long ngd = p.gdsteps / p.every + 1;
    long R0 = p.chains, ncp0 = (p.burn + p.meas) / p.every + 1;
    /* the recorded trajectories: every chain, every --every-th iteration */
    run_require_memory(&run, 16.0 * ((double)NVAR * R0 * ncp0 + ngd),
                       "--chains x (--burn + --meas) / --every (recorded trajectories)");
    /* Noisy chains: chain j of variant v is work item idx = vR + j, on its
     * own stream (seed, 1 + v, j), so a shard (shard.h) computes a range. */
    long R = p.chains, S = p.burn + p.meas, ncp = S / p.every + 1, lo, hi;
    double *rec = SGDN_NEW(rec, sgdn_mul((size_t)NVAR * R, (size_t)ncp * 2 + 4));
    int failed = 0;
    shard_items(&run, &sh, NVAR * R, &lo, &hi);
#pragma omp parallel for schedule(dynamic)
    for (long idx = lo; idx < hi; idx++) {
        int v = (int)(idx / R);
        long j = idx % R;
        const ngd_noise *nz = &noises[v];
        rng_stream r;
        rng_init_sub(&r, (uint64_t)run.seed, 1 + (uint64_t)v, (uint64_t)j);
        double x[2] = {p.th1, p.th2}, xi[2], Y = 0, s_plain = 0, s_cv = 0, s_q = 0, s_q2 = 0;
        double *tr = trajectory(rec, ncp, idx);
        chain_result *o = result(rec, ncp, idx);
        for (long t = 0; t <= S; t++) {
            if (t % p.every == 0)
                tr[(t / p.every) * 2] = x[0], tr[(t / p.every) * 2 + 1] = x[1];
            if (t == S)
                break;
            if (t >= p.burn) {
                s_plain += x[1], s_cv += x[1] - Y;
                s_q += x[0] * x[0], s_q2 += x[0] * x[0] * x[1];
            }
            /* >>> snippet wei-entropic-cv */
            if (ngd_step(&L, nz, eta, x, &r, xi)) /* θ ← θ − η(∇L + ξ), ξ ~ N(0, C(θ)) */
#pragma omp atomic write
                failed = 1;
            Y = (1 - eta * mhat) * Y - eta * xi[1]; /* E[Y] = 0: θ2 − Y estimates E[θ2] */
            /* <<< snippet */
        }
        o->plain = s_plain / p.meas, o->cv = s_cv / p.meas;
        o->th1sq = s_q / p.meas, o->th1sq_th2 = s_q2 / p.meas;
    }
    if (failed)
        run_fail(&run, "noise sampling failed (LAPACK)");
    shard_gather(&run, &sh, rec, (2 * ncp + 4) * sizeof *rec); /* a shard writes its chains and exits */
    for (long idx = 0; idx < NVAR * R; idx++)
        run_require_finite(&run, trajectory(rec, ncp, idx), (size_t)ncp * 2, "noisy trajectories");

    double *gd = SGDN_NEW(gd, (size_t)ngd * 2), th[2] = {p.th1, p.th2}, th2_half = 0;
    for (long t = 0; t <= p.gdsteps; t++) {
        if (t % p.every == 0)
            gd[2 * (t / p.every)] = th[0], gd[2 * (t / p.every) + 1] = th[1];
        if (t == p.gdsteps / 2)
            th2_half = th[1];
        if (t < p.gdsteps && ngd_step(&L, &none, eta, th, NULL, NULL))
            run_fail(&run, "GD step failed");
    }
    double gd_slope = (th[1] - th2_half) / (double)(p.gdsteps - p.gdsteps / 2);


    stats_acc ap[NVAR], ac[NVAR], aq[NVAR], aq2[NVAR];
    for (int v = 0; v < NVAR; v++) {
        stats_acc_init(&ap[v]), stats_acc_init(&ac[v]), stats_acc_init(&aq[v]), stats_acc_init(&aq2[v]);
        for (long j = 0; j < R; j++) {
            const chain_result *o = result(rec, ncp, v * R + j);
            stats_acc_add(&ap[v], o->plain);
            stats_acc_add(&ac[v], o->cv);
            stats_acc_add(&aq[v], o->th1sq);
            stats_acc_add(&aq2[v], o->th1sq_th2);
        }
    }

    /* Trajectories: block 0 GD; blocks 1, 2: chain 0 of each variant;
     * blocks 3, 4: mean θ2 over the chains of each variant with its SE. */
    FILE *f = run_open(&run, ".tsv", "t\ttheta1\ttheta2 (blocks 3-4: t, mean theta2, se)");
    for (long k = 0; k < ngd; k++)
        fprintf(f, "%ld\t%.6g\t%.9g\n", k * p.every, gd[2 * k], gd[2 * k + 1]);
    fprintf(f, "\n\n");
    for (int v = 0; v < NVAR; v++) {
        for (long k = 0; k < ncp; k++)
            fprintf(f, "%ld\t%.6g\t%.6g\n", k * p.every, trajectory(rec, ncp, v * R)[k * 2],
                    trajectory(rec, ncp, v * R)[k * 2 + 1]);
        fprintf(f, "\n\n");
    }
    for (int v = 0; v < NVAR; v++) {
        for (long k = 0; k < ncp; k++) {
            stats_acc a;
            stats_acc_init(&a);
            for (long j = 0; j < R; j++)
                stats_acc_add(&a, trajectory(rec, ncp, v * R + j)[k * 2 + 1]);
            fprintf(f, "%ld\t%.9g\t%.6g\n", k * p.every, a.mean, stats_acc_se(&a));
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);

    FILE *g = run_open(&run, "-est.tsv", "k\tnoise\testimator\tmean\tse\tpaper\tdiscrete");
    for (int v = 0; v < NVAR; v++) {
        fprintf(g, "%d\t%s\tplain\t%.9g\t%.6g\t%.6g\t%.6g\n", 2 * v, var_names[v], ap[v].mean,
                stats_acc_se(&ap[v]), paper, disc);
        fprintf(g, "%d\t%s\tcontrol_variate\t%.9g\t%.6g\t%.6g\t%.6g\n", 2 * v + 1, var_names[v],
                ac[v].mean, stats_acc_se(&ac[v]), paper, disc);
    }
    run_close(&run, g);

    double alpha = 0.01, z = stats_z_bonferroni(alpha, 1);
    char note[256];
    double se1 = stats_acc_se(&ac[1]), se0 = stats_acc_se(&ac[0]);
    run_value(&run, "sgd-z", "%.1f", (ac[0].mean - paper) / se0);
    const char *basis = "z (1%) x SE over chains";
    snprintf(note, sizeof note, "noise c lambda1 on theta1 only; %ld chains x %ld iterations; tolerance %.1f%% of 0.02",
             R, p.meas, 100 * z * se1 / fabs(paper));
    run_check(&run, (run_check_row){.id = "WEI-ENTROPIC", .tests = CHECK_PAPER,
              .check = "Theorem 1 noise: <theta2> vs Eq. 38, -2 alpha/(eta c)", .rel = REL_EQ,
              .measured = ac[1].mean, .predicted = paper, .tol = z * se1, .basis = basis,
              .note = note});
    /* Not checks: the discrete leading order −α(2 − η)/(ηc) neglects the
     * O(ηc) covariance of θ1² and θ2, of the same size as its own
     * correction; and the SGD-like noise's shift (a few per cent, resolved
     * only in the paper profile) is reported as values. */
    /* a fact of the model (the θ2 gradient is the constant α): a control */
    run_check(&run, (run_check_row){.id = "WEI-ENTROPIC", .tests = CHECK_CONTROL,
              .check = "GD: theta2 per step over the second half", .rel = REL_EQ,
              .measured = gd_slope, .predicted = -eta * p.alpha, .tol = 1e-6 * eta * p.alpha,
              .basis = "deterministic: rounding",
              .note = "theta2 decreases without bound at rate eta alpha"});

    for (int v = 0; v < NVAR; v++) {
        char key[64];
        const char *n = var_names[v];
#define VAL(k, fmt, x) (snprintf(key, sizeof key, "%s-%s", n, k), run_value(&run, key, fmt, x))
        VAL("plain", "%.5f", ap[v].mean);
        VAL("plain-se", "%.5f", stats_acc_se(&ap[v]));
        VAL("cv", "%.5f", ac[v].mean);
        VAL("cv-se", "%.5f", stats_acc_se(&ac[v]));
        VAL("th1sq", "%.6f", aq[v].mean);
        VAL("th1sq-se", "%.6f", stats_acc_se(&aq[v]));
        VAL("th1sq-th2", "%.3g", aq2[v].mean);
        VAL("th1sq-th2-se", "%.2g", stats_acc_se(&aq2[v]));
        VAL("shift-pct", "%.1f", 100 * (ac[v].mean - paper) / fabs(paper));
#undef VAL
    }
    run_value(&run, "var-ratio", "%.0f", pow(stats_acc_se(&ap[0]) / se0, 2));
    run_value(&run, "th1sq-disc", "%.6f", mhat);
    run_value(&run, "tol-pct", "%.1f", 100 * z * se1 / fabs(paper));
    run_value(&run, "chains", "%ld", R);
    run_value(&run, "burn", "%ld", p.burn);
    run_value(&run, "meas", "%ld", p.meas);
    run_value(&run, "gdsteps", "%ld", p.gdsteps);
    run_value(&run, "paper", "%.4f", paper);
    run_value(&run, "disc", "%.5f", disc);
    run_value(&run, "gd-final", "%.3f", th[1]);
    run_value(&run, "gd-slope", "%.4g", gd_slope);
    run_value(&run, "z", "%.2f", z);
    /* numbers the report quotes: the start, the discrete value's distance
     * from Eq. 38's, θ2's relaxation time 1/(η⟨θ1²⟩) and one chain's
     * stationary spread √(ηc/2) under cH₊ */
    run_value(&run, "th1-start", "%g", p.th1);
    run_value(&run, "th2-start", "%g", p.th2);
    run_value(&run, "disc-paper-pct", "%.1f", 100 * fabs(disc - paper) / fabs(paper));
    run_value(&run, "relax", "%.0f", 1 / (eta * mhat));
    run_value(&run, "spread", "%.2f", sqrt(eta * p.c / 2));
    free(gd), free(rec);
    return run_finish(&run);
}
