/* meng_f9 — MENG-F9: escape from the GD minimum θ*_GD of the corrupted
 * Fashion-MNIST task by GD, Langevin (GLD) and the power-law dynamic
 * (PLD): test accuracy and expected sharpness along training (Meng et al.,
 * Fig. 9, App. 7.5.4; the setting of Zhu et al. §5.3).
 *
 * θ*_GD is read from zhu_fm_gd's output (--theta); the training set is
 * rebuilt exactly as zhu_fm_gd built it, from the ntrain, ncorrupt and seed
 * recorded next to it (zhu_fm_gd.vals.tsv, zhu_fm_gd.prov.tsv), and the
 * loss at θ*_GD is checked against the one zhu_fm_gd logged (zhu_fm_gd-train.tsv).  From
 * w0 = w* = θ*_GD, with ∇L the full-batch gradient on the training set
 * and ξ ~ N(0, I_D) fresh at every step (stream (seed, 100 + run)):
 *   GD    w ← w − η∇L,                       η = 0.1
 *   GLD   w ← w − η∇L + σξ,                  η = 0.07, σ = 10⁻⁴
 *   PLD   w ← w − η∇L + ηα ∇L ⊙ √(1 + β(w − w*)²) ⊙ ξ,
 *                                            η = 0.07, α = 2.4, β = 2,
 * the PLD noise read as printed: every factor elementwise (Hadamard), ∇L
 * the same full gradient as in the drift.  Expected sharpness (Neyshabur
 * et al., as the paper): E_ν L(w + ν) − L(w), ν ~ N(0, δ² I), δ = 0.01, by
 * M draws that are the same for every run and time (common random numbers).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <omp.h>

#include "err.h"
#include "fmnist.h"
#include "nn.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "stats.h"

enum { GD, GLD, PLD, NDYN };
static const char *dyn_names[NDYN] = {"GD", "GLD", "PLD"};

typedef struct {
    double lr_gd, lr_gld, sigma, lr_pld, alpha, beta;
} f9_params;

/* One run: its dynamic and seed index, and views into its record (shard.h),
 * a block of 2 + 2·nlog + nsh doubles holding everything computed from
 * the run: sharp_final, its Monte Carlo SE, loss[nlog], acc[nlog],
 * sharp[nsh]. */
typedef struct {
    int dyn, k;            /* dynamic, seed index */
    double *loss, *acc;    /* at the logged iterations */
    double *sharp;         /* at the sharpness iterations */
    double *sharp_final, *sharp_final_se;
} f9_run;

/* Read "key\tvalue" from a .tsv file; returns 0 or -1. */
static int read_key(const char *path, const char *key, double *v)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    size_t kl = strlen(key);
    int found = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == '\t') {
            *v = atof(line + kl + 1);
            found = 0;
            break;
        }
    fclose(f);
    return found;
}

/* The training loss that zhu_fm_gd's training log (*-train.tsv, rows
 * "iter\tloss\t...", loss printed with %.9g) records at iteration iter;
 * returns 0 or -1. */
static int read_train_loss(const char *path, long iter, double *loss)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        char *end;
        if (line[0] == '#')
            continue;
        long t = strtol(line, &end, 10);
        if (end != line && *end == '\t' && t == iter) {
            *loss = strtod(end + 1, NULL);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

static void run_dynamic(const nn_net *net, const double *wstar, nn_data dtr, nn_data dte,
                        const f9_params *P, long iters, long log_every, long sharp_every,
                        int Msharp, int Mfinal, double delta, uint64_t seed, int run_index,
                        f9_run *r)
{
    size_t D = net->D;
    nn_eval *e = nn_eval_new(net);
    double *w = SGDN_NEW(w, D), *g = SGDN_NEW(g, D), *xi = SGDN_NEW(xi, D);
    memcpy(w, wstar, D * sizeof *w);
    rng_stream rs;
    rng_init(&rs, seed, 100 + (uint64_t)run_index);
    double lr = r->dyn == GD ? P->lr_gd : r->dyn == GLD ? P->lr_gld : P->lr_pld;
    for (long t = 0; t <= iters; t++) {
        double loss = nn_loss_grad(e, w, dtr, g, NULL);
        if (t % log_every == 0) {
            long c = 0;
            nn_loss_grad(e, w, dte, NULL, &c);
            r->loss[t / log_every] = loss;
            r->acc[t / log_every] = (double)c / dte.n;
        }
        if (t % sharp_every == 0) /* the same draws (seed, 1) everywhere */
            r->sharp[t / sharp_every] = nn_expected_sharpness(e, w, dtr, delta, Msharp, seed, 1, NULL);
        if (t == iters)
            break;
        if (r->dyn != GD)
            rng_normal_fill(&rs, xi, D);
        /* >>> snippet meng-f9-step */
        switch (r->dyn) {
        case GD:
            for (size_t k = 0; k < D; k++)
                w[k] -= lr * g[k];
            break;
        case GLD: /* w ← w − η∇L + σξ */
            for (size_t k = 0; k < D; k++)
                w[k] += -lr * g[k] + P->sigma * xi[k];
            break;
        case PLD: /* w ← w − η∇L + ηα∇L ⊙ √(1 + β(w − w*)²) ⊙ ξ, elementwise */
            for (size_t k = 0; k < D; k++) {
                double d = w[k] - wstar[k];
                w[k] += -lr * g[k] + lr * P->alpha * g[k] * sqrt(1 + P->beta * d * d) * xi[k];
            }
            break;
        }
        /* <<< snippet */
    }
    *r->sharp_final = nn_expected_sharpness(e, w, dtr, delta, Mfinal, seed, 2, r->sharp_final_se);
    free(w), free(g), free(xi);
    nn_eval_free(e);
}

/* mean and standard error over the seeds of one dynamic (SE 0 for one run) */
static void over_seeds(const f9_run *R, int first, int n, size_t off, int which, double *m, double *se)
{
    stats_acc a;
    stats_acc_init(&a);
    for (int i = 0; i < n; i++) {
        const f9_run *r = &R[first + i];
        double v = which == 0 ? r->acc[off] : which == 1 ? r->sharp[off] : which == 2 ? *r->sharp_final : r->loss[off];
        stats_acc_add(&a, v);
    }
    *m = a.mean, *se = n > 1 ? stats_acc_se(&a) : 0.0;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "meng_f9", "MENG-F9: GD vs GLD vs PLD from theta*_GD on corrupted Fashion-MNIST", argc, argv);
    long iters = run.ci ? 40 : 500, seeds = run.ci ? 2 : 3, ntest = run.ci ? 500 : 2000;
    long log_every = run.ci ? 10 : 25, sharp_every = run.ci ? 20 : 100, msharp = run.ci ? 5 : 20;
    long mfinal = run.ci ? 10 : 100;
    double delta = 0.01;
    f9_params P = {0.1, 0.07, 1e-4, 0.07, 2.4, 2.0};
    const char *theta_path = NULL, *datadir = NULL;
    opts_spec spec[] = {
        {"theta", OPT_STRING, &theta_path, 0, 0, "theta*_GD written by zhu_fm_gd, its .vals.tsv and .prov.tsv beside it (default: in --outdir)"},
        {"iters", OPT_INT, &iters, 1, 1e7, "iterations of each dynamic from theta*_GD"},
        {"seeds", OPT_INT, &seeds, 2, 100, "runs of each noisy dynamic"},
        {"ntest", OPT_INT, &ntest, 1, 10000, "test images (the first of the test split)"},
        {"log-every", OPT_INT, &log_every, 1, 1e7, "iterations between test-accuracy rows"},
        {"sharp-every", OPT_INT, &sharp_every, 1, 1e7, "iterations between expected-sharpness rows"},
        {"sharp-draws", OPT_INT, &msharp, 2, 1e5, "draws of nu per expected sharpness along training"},
        {"sharp-final", OPT_INT, &mfinal, 2, 1e5, "draws of nu for the final expected sharpness"},
        {"delta", OPT_DOUBLE, &delta, 1e-8, 1, "std of the sharpness perturbation"},
        {"lr-gd", OPT_DOUBLE, &P.lr_gd, 1e-6, 10, "GD learning rate"},
        {"lr-gld", OPT_DOUBLE, &P.lr_gld, 1e-6, 10, "GLD learning rate"},
        {"sigma", OPT_DOUBLE, &P.sigma, 0, 1, "GLD noise std"},
        {"lr-pld", OPT_DOUBLE, &P.lr_pld, 1e-6, 10, "PLD learning rate"},
        {"alpha", OPT_DOUBLE, &P.alpha, 0, 100, "PLD noise scale alpha"},
        {"beta", OPT_DOUBLE, &P.beta, 0, 1e6, "PLD state dependence beta"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx shd;
    shard_parse(&run, &shd, spec);
    /* default: zhu_fm_gd's output in the output directory (resolved here,
     * not in the option, so that the data's header does not name the
     * directory) */
    char theta_buf[1100];
    if (theta_path && *theta_path)
        snprintf(theta_buf, sizeof theta_buf, "%s", theta_path);
    else
        snprintf(theta_buf, sizeof theta_buf, "%s/zhu_fm_gd.theta", run.outdir);
    const char *tpath = theta_buf;
    if (iters % log_every || iters % sharp_every)
        run_usage_error(&run, "--iters must be a multiple of --log-every and of --sharp-every");

    /* zhu_fm_gd's training set: its ntrain, ncorrupt, seed and loss */
    char dir[1100], path[1200];
    snprintf(dir, sizeof dir, "%s", tpath);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    double v_ntrain, v_ncorrupt, v_iters, v_seed, v_loss = NAN;
    snprintf(path, sizeof path, "%s/zhu_fm_gd.vals.tsv", dir);
    if (read_key(path, "ntrain", &v_ntrain) || read_key(path, "ncorrupt", &v_ncorrupt) ||
        read_key(path, "iters", &v_iters))
        run_fail(&run, "cannot read ntrain, ncorrupt and iters from %s", path);
    /* the loss at θ*_GD, to 9 significant digits: its last training-log row */
    snprintf(path, sizeof path, "%s/zhu_fm_gd-train.tsv", dir);
    if (read_train_loss(path, (long)v_iters, &v_loss) || !isfinite(v_loss) || v_loss <= 0)
        run_fail(&run, "cannot read the loss at iteration %.0f from %s", v_iters, path);
    snprintf(path, sizeof path, "%s/zhu_fm_gd.prov.tsv", dir);
    if (read_key(path, "seed", &v_seed))
        run_fail(&run, "cannot read the seed from %s", path);

    nn_net net;
    nn_zhu_cnn(&net);
    size_t D = net.D;
    double *wstar = SGDN_NEW(wstar, D);
    FILE *ft = fopen(tpath, "rb");
    if (!ft)
        run_fail(&run, "cannot open %s", tpath);
    size_t got = fread(wstar, sizeof *wstar, D, ft);
    int extra = fgetc(ft) != EOF;
    fclose(ft);
    if (got != D || extra)
        run_fail(&run, "%s: expected %zu doubles of ZHU's CNN", tpath, D);
    run_require_finite(&run, wstar, D, "theta*_GD");

    char err[1024];
    fmnist_set all, test, train;
    if (fmnist_load_at_least(datadir, "train", (int)v_ntrain, "zhu_fm_gd's ntrain", &all, err, sizeof err) ||
        fmnist_load_at_least(datadir, "t10k", (int)ntest, "--ntest", &test, err, sizeof err))
        run_fail(&run, "%s", err);
    int *corrupted = SGDN_NEW(corrupted, (size_t)v_ncorrupt + 1);
    /* >>> snippet meng-f9-subset */
    fmnist_corrupted_subset(&all, (int)v_ntrain, (int)v_ncorrupt, (uint64_t)v_seed, 1, &train, corrupted);
    /* <<< snippet */
    fmnist_free(&all);
    int ntest_all = test.n;
    test.n = (int)ntest;
    nn_data dtr = {train.x, train.y, NULL, train.n}, dte = {test.x, test.y, NULL, test.n};

    /* the runs: GD once (deterministic), GLD and PLD over seeds; this
     * process computes runs [lo, hi) into their records */
    int nrun = 1 + 2 * (int)seeds, nlog = (int)(iters / log_every) + 1, nsh = (int)(iters / sharp_every) + 1;
    size_t nrec = 2 + 2 * (size_t)nlog + (size_t)nsh;
    double *recs = SGDN_NEW0(recs, sgdn_mul((size_t)nrun, nrec));
    f9_run *R = SGDN_NEW0(R, nrun);
    for (int i = 0; i < nrun; i++) {
        double *b = recs + (size_t)i * nrec;
        R[i].dyn = i == 0 ? GD : i <= seeds ? GLD : PLD;
        R[i].k = i == 0 ? 0 : (i - 1) % (int)seeds;
        R[i].sharp_final = b, R[i].sharp_final_se = b + 1;
        R[i].loss = b + 2, R[i].acc = b + 2 + nlog, R[i].sharp = b + 2 + 2 * nlog;
    }
    long lo, hi;
    shard_items(&run, &shd, nrun, &lo, &hi);
    int done = 0;
    omp_set_max_active_levels(1); /* one thread per run */
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = (int)lo; i < (int)hi; i++) {
        run_dynamic(&net, wstar, dtr, dte, &P, iters, log_every, sharp_every, (int)msharp, (int)mfinal,
                    delta, (uint64_t)run.seed, i, &R[i]);
#pragma omp atomic
        done++;
#pragma omp critical
        run_progress(&run, "dynamics", (double)done / (double)(hi - lo));
    }
    shard_gather(&run, &shd, recs, nrec * sizeof *recs); /* a shard writes its runs and exits */
    for (int i = 0; i < nrun; i++) {
        run_require_finite(&run, R[i].loss, nlog, "training loss");
        run_require_finite(&run, R[i].sharp, nsh, "expected sharpness");
        run_require_finite(&run, R[i].sharp_final, 1, "final expected sharpness");
    }

    /* every run, and the bands over seeds */
    int first[NDYN] = {0, 1, 1 + (int)seeds}, count[NDYN] = {1, (int)seeds, (int)seeds};
    FILE *f = run_open(&run, ".tsv", "dynamic\titer\tacc_mean\tacc_se\tacc_min\tacc_max\tloss_mean");
    for (int d = 0; d < NDYN; d++) {
        for (int j = 0; j < nlog; j++) {
            double m, se, lm, lse, lo = INFINITY, hi = -INFINITY;
            over_seeds(R, first[d], count[d], (size_t)j, 0, &m, &se);
            over_seeds(R, first[d], count[d], (size_t)j, 3, &lm, &lse);
            for (int i = 0; i < count[d]; i++)
                lo = fmin(lo, R[first[d] + i].acc[j]), hi = fmax(hi, R[first[d] + i].acc[j]);
            fprintf(f, "%s\t%ld\t%.6f\t%.6f\t%.6f\t%.6f\t%.6g\n", dyn_names[d], j * log_every, m, se, lo, hi, lm);
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);
    f = run_open(&run, "-sharp.tsv", "dynamic\titer\tsharp_mean\tsharp_se");
    for (int d = 0; d < NDYN; d++) {
        for (int j = 0; j < nsh; j++) {
            double m, se;
            over_seeds(R, first[d], count[d], (size_t)j, 1, &m, &se);
            fprintf(f, "%s\t%ld\t%.6g\t%.4g\n", dyn_names[d], j * sharp_every, m, se);
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);
    f = run_open(&run, "-final.tsv", "dynamic\tseed\ttest_acc\ttrain_loss\tsharp\tsharp_mc_se");
    for (int i = 0; i < nrun; i++)
        fprintf(f, "%s\t%d\t%.6f\t%.6g\t%.6g\t%.3g\n", dyn_names[R[i].dyn], R[i].k, R[i].acc[nlog - 1],
                R[i].loss[nlog - 1], *R[i].sharp_final, *R[i].sharp_final_se);
    run_close(&run, f);

    /* final numbers */
    double acc[NDYN], acc_se[NDYN], sh[NDYN], sh_se[NDYN];
    for (int d = 0; d < NDYN; d++) {
        over_seeds(R, first[d], count[d], (size_t)nlog - 1, 0, &acc[d], &acc_se[d]);
        over_seeds(R, first[d], count[d], 0, 2, &sh[d], &sh_se[d]);
    }
    sh_se[GD] = *R[0].sharp_final_se; /* GD: the Monte Carlo error of its one run */
    double loss0 = R[0].loss[0];
    run_value(&run, "ntrain", "%.0f", v_ntrain);
    run_value(&run, "ncorrupt", "%.0f", v_ncorrupt);
    run_value(&run, "ntest", "%ld", ntest);
    run_value(&run, "iters", "%ld", iters);
    run_value(&run, "seeds", "%ld", seeds);
    run_value(&run, "sharp-draws", "%ld", msharp);
    run_value(&run, "sharp-final", "%ld", mfinal);
    run_value(&run, "loss0", "%.3g", loss0);
    run_value(&run, "lr-gd", "%g", P.lr_gd);
    run_value(&run, "lr-gld", "%g", P.lr_gld);
    run_value(&run, "sigma", "%g", P.sigma);
    run_value(&run, "lr-pld", "%g", P.lr_pld);
    run_value(&run, "alpha", "%g", P.alpha);
    run_value(&run, "beta", "%g", P.beta);
    run_value(&run, "delta", "%g", delta);
    run_value(&run, "acc0", "%.1f", 100 * R[0].acc[0]);
    run_value(&run, "sharp0", "%.3g", R[0].sharp[0]);
    for (int d = 0; d < NDYN; d++) {
        char key[64];
        snprintf(key, sizeof key, "acc-%s", dyn_names[d]);
        run_value(&run, key, "%.2f", 100 * acc[d]);
        snprintf(key, sizeof key, "acc-se-%s", dyn_names[d]);
        run_value(&run, key, "%.2f", 100 * acc_se[d]);
        snprintf(key, sizeof key, "sharp-%s", dyn_names[d]);
        run_value(&run, key, "%.3g", sh[d]);
        snprintf(key, sizeof key, "sharp-se-%s", dyn_names[d]);
        run_value(&run, key, "%.2g", sh_se[d]);
        snprintf(key, sizeof key, "loss-%s", dyn_names[d]);
        double lm, lse;
        over_seeds(R, first[d], count[d], (size_t)nlog - 1, 3, &lm, &lse);
        run_value(&run, key, "%.3g", lm);
    }

    /* Checks, fixed before the runs: PLD ends above GLD and GD in test
     * accuracy and below them in expected sharpness, by the 95 % interval
     * of the difference over seeds (t quantile; GD is one deterministic
     * run, its sharpness has the Monte Carlo error). */
    char note[256];
    for (int d = GD; d <= GLD; d++) {
        double dof = d == GD ? seeds - 1.0 : 2.0 * seeds - 2.0, tq = gsl_cdf_tdist_Pinv(0.975, dof);
        double da = acc[PLD] - acc[d], sa = sqrt(acc_se[PLD] * acc_se[PLD] + acc_se[d] * acc_se[d]);
        double ds = sh[PLD] - sh[d], ss = sqrt(sh_se[PLD] * sh_se[PLD] + sh_se[d] * sh_se[d]);
        char check[128];
        snprintf(check, sizeof check, "PLD - %s final test accuracy: lower 95%% bound", dyn_names[d]);
        snprintf(note, sizeof note, "difference %.4f +- %.4f (t, %.0f dof) after %ld iterations", da, tq * sa, dof, iters);
        run_check(&run, (run_check_row){.id = "MENG-F9", .tests = CHECK_PAPER, .check = check,
            .rel = REL_GE, .measured = da - tq * sa, .predicted = 0, .tol = 0,
            .basis = "95% t interval over seeds", .alt_name = "no difference", .alt = -tq * sa, .note = note});
        snprintf(check, sizeof check, "PLD - %s final expected sharpness: upper 95%% bound", dyn_names[d]);
        snprintf(note, sizeof note, "difference %.4g +- %.3g (t, %.0f dof), delta = %g, %ld draws", ds, tq * ss, dof,
                 delta, mfinal);
        run_check(&run, (run_check_row){.id = "MENG-F9", .tests = CHECK_PAPER, .check = check,
            .rel = REL_LE, .measured = ds + tq * ss, .predicted = 0, .tol = 0,
            .basis = "95% t interval over seeds", .alt_name = "no difference", .alt = tq * ss, .note = note});
    }
    /* control: the rebuilt training set and the loss code are zhu_fm_gd's,
     * so the loss at θ*_GD is the same double; the log prints it with 9
     * significant digits, which differ from it by at most half a unit in
     * the 9th digit (and the parse by half an ulp, the 1e-9 margin). */
    double tol_round = 0.5 * pow(10.0, floor(log10(v_loss)) - 8) * (1 + 1e-9);
    snprintf(note, sizeof note, "zhu_fm_gd-train.tsv, iteration %.0f: %.9g", v_iters, v_loss);
    run_check(&run, (run_check_row){.id = "MENG-F9", .tests = CHECK_CONTROL,
        .check = "training loss at theta*_GD on the rebuilt training set vs zhu_fm_gd's", .rel = REL_EQ,
        .measured = loss0, .predicted = v_loss, .tol = tol_round,
        .basis = "half a unit in the 9th significant digit (%.9g in zhu_fm_gd's log)", .note = note});

    free(recs), free(R), free(wstar), free(corrupted);
    fmnist_free(&train);
    test.n = ntest_all;
    fmnist_free(&test);
    return run_finish(&run);
}
