/* zhu_fm_dyn — ZHU-FM-DYN: the eight dynamics of Zhu et al. (ICML 2019,
 * Table 1, §5.3, Fig. 3 and App. C.2/D.3) started from the sharp minimum
 * θ*_GD of the corrupted Fashion-MNIST task (written by zhu_fm_gd).
 *
 * Every dynamic is θ ← θ − η∇L(θ) + ηε with η = 0.07 (SGD: θ ← θ − η g_B,
 * a minibatch of m = 20 drawn with replacement).  The noise ε of the GLD
 * variants comes from dynamics.h: Σ_sgd from the exact per-sample gradients
 * at the current θ, re-estimated every `refresh` iterations; the Hessian's
 * top-k eigenpairs tracked by one warm-started subspace-iteration step
 * (k exact HVPs) per refresh, from a Lanczos start at θ*_GD; GLD dynamic,
 * Hessian and 1st eigvec scaled to SGD's E|ε|² = Tr Σ_sgd (Eq. 14).
 * Along each run: training loss and accuracy, test accuracy, and the
 * expected sharpness (antithetic estimator, fmdyn.h).  Each stochastic
 * dynamic runs `seeds` times (OpenMP across runs, results in fixed order);
 * the runs are the work items of shard.h (--shard i/n, --merge-shards n).
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dynamics.h"
#include "err.h"
#include "fmdyn.h"
#include "fmnist.h"
#include "fmdyn_run.h"
#include "nn.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "spectral.h"
#include "stats.h"

/* One file of a series: per dynamic (a gnuplot index block, in dyn_kind
 * order) and log point, the mean over the runs of the record array at
 * offset off, its standard error over the runs, and the mean Monte Carlo
 * SE of the array at seoff (0: none). */
static void write_series(run_ctx *run, const char *suffix, const char *col, fmdyn_record *recs, int nrec,
                         const fmdyn_plan *s, int (*is)(const fmdyn_plan *, long), size_t off, size_t seoff,
                         double scale)
{
    char hdr[256];
    snprintf(hdr, sizeof hdr, "dyn\titer\t%s\t%s_se\t%s_mcse", col, col, col);
    FILE *f = run_open(run, suffix, hdr);
    for (int k = 0; k < DYN_COUNT; k++) {
        fmdyn_record *rk[64];
        int n = 0;
        for (int j = 0; j < nrec; j++)
            if ((int)recs[j].kind == k)
                rk[n++] = &recs[j];
        long p = 0;
        for (long t = 0; t <= s->iters; t++) {
            if (!is(s, t))
                continue;
            double v[64], m, se, mc = 0.0;
            for (int j = 0; j < n; j++) {
                v[j] = (*(double **)((char *)rk[j] + off))[p];
                if (seoff)
                    mc += (*(double **)((char *)rk[j] + seoff))[p] / n;
            }
            m = stats_mean(v, (size_t)n), se = n > 1 ? stats_se(v, (size_t)n) : 0.0; /* GD: 1 run */
            fprintf(f, "%s\t%ld\t%.8g\t%.4g\t%.4g\n", dyn_key(k), t, scale * m, scale * se, scale * mc);
            p++;
        }
        fprintf(f, "\n\n");
    }
    run_close(run, f);
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "zhu_fm_dyn",
              "ZHU-FM-DYN: the eight dynamics from theta*_GD, accuracy and expected sharpness", argc, argv);
    int ci = run.ci;
    long ntrain = ci ? 200 : 1200, ncorrupt = ci ? 33 : 200, ntest = ci ? 2000 : 10000;
    long iters = ci ? 60 : 120, seeds = ci ? 2 : 5, m = 20, refresh = 10, kl = 20, kh = 20;
    long early = ci ? 20 : 50, log_every = 10, early_test = 5, test_every = ci ? 20 : 35;
    long sharp_every = ci ? 30 : 60, pairs = ci ? 10 : 25, lsteps = ci ? 40 : 60;
    double lr = 0.07, sigma = 1e-3, delta = 0.01;
    const char *datadir = NULL, *theta_path = NULL;
    opts_spec spec[] = {
        {"theta", OPT_STRING, &theta_path, 0, 0, "theta*_GD from zhu_fm_gd (default <outdir>/zhu_fm_gd.theta)"},
        {"ntrain", OPT_INT, &ntrain, 10, 60000, "training images (as zhu_fm_gd, same --seed)"},
        {"ncorrupt", OPT_INT, &ncorrupt, 0, 60000, "of them with a wrong label (as zhu_fm_gd)"},
        {"ntest", OPT_INT, &ntest, 1, 10000, "test images (the first of the test split)"},
        {"iters", OPT_INT, &iters, 1, 1e6, "iterations of every dynamic"},
        {"seeds", OPT_INT, &seeds, 2, 64, "runs of every stochastic dynamic (an SE needs two)"},
        {"lr", OPT_DOUBLE, &lr, 1e-6, 10, "learning rate eta"},
        {"batch", OPT_INT, &m, 1, 60000, "SGD batch size m"},
        {"sigma", OPT_DOUBLE, &sigma, 0, 10, "GLD const noise sd"},
        {"k-leading", OPT_INT, &kl, 1, 1000, "GLD leading: top-k of Sigma_sgd"},
        {"k-hessian", OPT_INT, &kh, 1, 1000, "GLD Hessian: top-k of H"},
        {"refresh", OPT_INT, &refresh, 1, 1e6, "iterations between re-estimates of Sigma_sgd and H"},
        {"lanczos-steps", OPT_INT, &lsteps, 1, 11330, "Lanczos steps for H's top-k at theta*_GD"},
        {"early", OPT_INT, &early, 0, 1e6, "log every iteration up to this one"},
        {"log-every", OPT_INT, &log_every, 1, 1e6, "iterations between training-set rows later"},
        {"early-test-every", OPT_INT, &early_test, 1, 1e6, "iterations between test rows up to --early"},
        {"test-every", OPT_INT, &test_every, 1, 1e6, "iterations between test rows later"},
        {"sharp-every", OPT_INT, &sharp_every, 1, 1e6, "iterations between sharpness estimates"},
        {"pairs", OPT_INT, &pairs, 2, 1e6, "antithetic pairs per sharpness estimate (M = 2 pairs)"},
        {"delta", OPT_DOUBLE, &delta, 1e-8, 1, "sharpness perturbation sd"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (ncorrupt > ntrain)
        run_usage_error(&run, "--ncorrupt must not exceed --ntrain");
    if (kl >= ntrain)
        run_usage_error(&run, "--k-leading must be below --ntrain");
    long kq = kh > 4 ? kh : 4;
    if (lsteps < kq)
        run_usage_error(&run, "--lanczos-steps must be at least max(--k-hessian, 4)");
    /* the default path is not written back into the option, so that the
     * data headers do not depend on the output directory */
    char tpath[1024];
    snprintf(tpath, sizeof tpath, "%s/zhu_fm_gd.theta", run.outdir);
    const char *theta_file = theta_path ? theta_path : tpath;

    nn_net net;
    nn_zhu_cnn(&net);
    size_t D = net.D;
    fmnist_set train, test;
    double *theta0 = SGDN_NEW(theta0, D);
    char err[1024];
    if (fmdyn_task_load(datadir, (int)ntrain, (int)ncorrupt, (int)ntest, (uint64_t)run.seed, theta_file,
                        D, &train, &test, theta0, err, sizeof err))
        run_fail(&run, "%s", err);
    fmdyn_plan s = {.net = &net, .D = D, .train = {train.x, train.y, NULL, train.n},
                .test = {test.x, test.y, NULL, test.n}, .theta0 = theta0, .kq = (size_t)kq,
                .cfg = dyn_config_paper(sigma * sigma, (size_t)kl, (size_t)kh), .iters = iters,
                .m = m, .refresh = refresh, .early = early, .log_every = log_every,
                .early_test = early_test, .test_every = test_every, .sharp_every = sharp_every,
                .pairs = pairs, .lr = lr, .delta = delta, .seed = (uint64_t)run.seed};

    /* fmdyn_plan start: H's top eigenpairs at θ*_GD, Σ_sgd's trace, the sharpness */
    nn_eval *e = nn_eval_new(&net);
    double *Q0 = SGDN_NEW(Q0, D * kq), *lam0 = SGDN_NEW(lam0, kq), *res0 = SGDN_NEW(res0, kq);
    fmdyn_hess hc = {e, theta0, s.train};
    rng_stream r;
    rng_init(&r, (uint64_t)run.seed, 3);
    nn_hvp_prepare(e, theta0, s.train);
    int took = spectral_lanczos(D, fmdyn_hess_op, &hc, (int)kq, (int)lsteps, &r, lam0, Q0, res0);
    nn_hvp_release(e);
    if (took < 0)
        run_fail(&run, "Lanczos failed at theta*_GD");
    s.Q0 = Q0;
    double *G0 = SGDN_NEW(G0, sgdn_mul(train.n, D));
    nn_grad_per_sample(e, theta0, s.train, G0, NULL);
    dyn_sigma sig0;
    if (dyn_sigma_from_grads(&sig0, D, (size_t)train.n, G0, m))
        run_fail(&run, "cannot form the SGD noise at theta*_GD");
    double trS0 = dyn_sigma_trace(&sig0);
    dyn_sigma_free(&sig0);
    free(G0);
    double sh0_se, L0, sh0 = fmdyn_sharpness(e, D, theta0, s.train, delta, (int)pairs, s.seed, 7,
                                             &sh0_se, &L0);
    double pl_se, pl = nn_expected_sharpness(e, theta0, s.train, delta, (int)(2 * pairs), s.seed, 8,
                                             &pl_se);
    long c0 = 0;
    nn_loss_grad(e, theta0, s.test, NULL, &c0);
    double acc0 = (double)c0 / test.n, *ok0 = SGDN_NEW(ok0, test.n);
    long cdiff0 = labs(fmdyn_correct(e, &net, theta0, s.test, ok0) - c0);
    nn_eval_free(e);

    /* the runs, the work items of shard.h: item rep·7 + o is run rep of
     * the o-th stochastic dynamic of `order`, the last item GD's single
     * run (it is deterministic), so that a shard's contiguous slice mixes
     * cheap and expensive dynamics; within a shard the most expensive go
     * first, so that the threads finish together.  Each run's streams are
     * keyed by (kind, rep): its result does not depend on who computes it. */
    static const dyn_kind order[DYN_COUNT] = {DYN_GLD_HESSIAN, DYN_GLD_LEADING, DYN_GLD_EIGVEC1,
                                              DYN_GLD_DIAG, DYN_GLD_DYNAMIC, DYN_GLD_CONST,
                                              DYN_SGD, DYN_GD};
    int nrec = (int)((DYN_COUNT - 1) * seeds + 1);
    long ntr = fmdyn_count_pts(&s, fmdyn_is_train_pt), nte = fmdyn_count_pts(&s, fmdyn_is_test_pt),
         nsh = fmdyn_count_pts(&s, fmdyn_is_sharp_pt);
    size_t rlen = (size_t)(FMDYN_R_NSCAL + 2 * ntr + nte + 2 * nsh + test.n); /* doubles per record */
    double *blk = SGDN_NEW0(blk, sgdn_mul((size_t)nrec, rlen));
    fmdyn_record *recs = SGDN_NEW0(recs, nrec);
    for (int j = 0; j < nrec; j++) {
        fmdyn_record *c = &recs[j];
        c->kind = j == nrec - 1 ? DYN_GD : order[j % (DYN_COUNT - 1)];
        c->rep = j == nrec - 1 ? 0 : j / (DYN_COUNT - 1);
        c->v = blk + (size_t)j * rlen;
        c->loss = c->v + FMDYN_R_NSCAL, c->train_acc = c->loss + ntr, c->test_acc = c->train_acc + ntr;
        c->sharp = c->test_acc + nte, c->sharp_se = c->sharp + nsh, c->ok = c->sharp_se + nsh;
    }
    long lo, hi;
    shard_items(&run, &sh, nrec, &lo, &hi);
    int *todo = SGDN_NEW(todo, nrec), ntodo = 0, done = 0;
    for (int o = 0; o < DYN_COUNT; o++)
        for (long j = lo; j < hi; j++)
            if (recs[j].kind == order[o])
                todo[ntodo++] = (int)j;
#pragma omp parallel for schedule(dynamic, 1)
    for (int j = 0; j < ntodo; j++) {
        fmdyn_run_one(&s, &recs[todo[j]]);
#pragma omp critical
        run_progress(&run, "dynamics", (double)++done / ntodo);
    }
    for (long j = lo; j < hi; j++)
        if (recs[j].v[FMDYN_R_BAD])
            run_fail(&run, "%s (run %d) diverged or its eigen-solver failed", dyn_name(recs[j].kind),
                     recs[j].rep);
    shard_gather(&run, &sh, blk, rlen * sizeof *blk); /* a shard writes its runs and exits */
    for (int j = 0; j < nrec; j++)
        recs[j].sharp[0] = sh0, recs[j].sharp_se[0] = sh0_se; /* t = 0: θ*_GD, fmdyn_plan */

    write_series(&run, "-train.tsv", "train_acc", recs, nrec, &s, fmdyn_is_train_pt,
                 offsetof(fmdyn_record, train_acc), 0, 100.0);
    write_series(&run, "-loss.tsv", "loss", recs, nrec, &s, fmdyn_is_train_pt, offsetof(fmdyn_record, loss), 0, 1.0);
    write_series(&run, "-test.tsv", "test_acc", recs, nrec, &s, fmdyn_is_test_pt,
                 offsetof(fmdyn_record, test_acc), 0, 100.0);
    write_series(&run, "-sharp.tsv", "sharp", recs, nrec, &s, fmdyn_is_sharp_pt, offsetof(fmdyn_record, sharp),
                 offsetof(fmdyn_record, sharp_se), 1.0);

    /* the final state of every dynamic, and the escape tests against GD's
     * own continuation (which keeps fitting at η = 0.07, deterministically) */
    double facc[DYN_COUNT], facc_se[DYN_COUNT], fsh[DYN_COUNT], fsh_se[DYN_COUNT], fmc[DYN_COUNT];
    double nsq[DYN_COUNT], hres = 0.0, hres_all = 0.0, cdiff = (double)cdiff0;
    double chg[DYN_COUNT], chg_se[DYN_COUNT], chg_img[DYN_COUNT], chg_seed[DYN_COUNT];
    for (int k = 0; k < DYN_COUNT; k++) {
        double a[64], b[64], mc = 0.0, q = 0.0;
        const double *okk[64];
        int n = 0;
        for (int j = 0; j < nrec; j++)
            if ((int)recs[j].kind == k) {
                a[n] = recs[j].test_acc[nte - 1], b[n] = recs[j].sharp[nsh - 1];
                mc += recs[j].sharp_se[nsh - 1], q += recs[j].v[FMDYN_R_NSQ0];
                hres = fmax(hres, recs[j].v[FMDYN_R_HRES]), hres_all = fmax(hres_all, recs[j].v[FMDYN_R_HRES_ALL]);
                cdiff = fmax(cdiff, recs[j].v[FMDYN_R_CNT_DIFF]), okk[n] = recs[j].ok;
                n++;
            }
        facc[k] = stats_mean(a, (size_t)n), facc_se[k] = n > 1 ? stats_se(a, (size_t)n) : 0.0;
        fsh[k] = stats_mean(b, (size_t)n), fsh_se[k] = n > 1 ? stats_se(b, (size_t)n) : 0.0;
        fmc[k] = mc / n, nsq[k] = q / n;
        /* >>> snippet zhu-fm-dyn-paired */
        /* The accuracy change that the stays/escapes rows test, paired on
         * the same test images: a stochastic dynamic against GD's
         * continuation, GD against θ*_GD.  Two accuracies on the same
         * images are not independent binomials (most images are right for
         * both), so the test-image error of their difference comes from
         * the per-image differences, i.e. from the images they disagree
         * on (McNemar); the runs' own spread adds the SE over seeds (GD:
         * none, it is deterministic).  Floor: half an image. */
        const double *ref = k == DYN_GD ? ok0 : recs[nrec - 1].ok; /* item nrec−1: GD */
        chg[k] = fmdyn_paired_change(okk, n, ref, (size_t)test.n, &chg_img[k], &chg_seed[k]);
        chg_se[k] = fmax(hypot(chg_img[k], chg_seed[k]), 0.5 / test.n);
        /* <<< snippet */
    }
    FILE *f = run_open(&run, ".tsv",
                       "dyn\tname\truns\ttest_acc\ttest_acc_se\tsharp\tsharp_se\tsharp_mcse\tnoise_sq0");
    for (int k = 0; k < DYN_COUNT; k++)
        fprintf(f, "%s\t\"%s\"\t%ld\t%.4f\t%.3g\t%.6g\t%.3g\t%.3g\t%.6g\n", dyn_key(k), dyn_name(k),
                k == DYN_GD ? 1L : seeds, 100 * facc[k], 100 * facc_se[k], fsh[k], fsh_se[k], fmc[k],
                nsq[k]);
    run_close(&run, f);

    /* the sizes and cadences, for the text (integers as "%.0f") */
    const struct { const char *key, *fmt; double v; } sizes[] = {
        {"ntrain", "%.0f", ntrain}, {"ncorrupt", "%.0f", ncorrupt}, {"ntest", "%.0f", test.n},
        {"iters", "%.0f", iters}, {"seeds", "%.0f", seeds}, {"runs", "%.0f", nrec}, {"lr", "%g", lr},
        {"batch", "%.0f", m}, {"sigma", "%g", sigma}, {"k-leading", "%.0f", kl}, {"k-hessian", "%.0f", kh},
        {"refresh", "%.0f", refresh}, {"lanczos-steps", "%.0f", took}, {"early", "%.0f", early},
        {"log-every", "%.0f", log_every}, {"early-test-every", "%.0f", early_test},
        {"test-every", "%.0f", test_every}, {"sharp-every", "%.0f", sharp_every}, {"pairs", "%.0f", pairs},
        {"M", "%.0f", 2 * pairs}, {"delta", "%g", delta},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        run_value(&run, sizes[i].key, sizes[i].fmt, sizes[i].v);
    run_value(&run, "lambda1", "%.4g", lam0[0]);
    run_value(&run, "trS0", "%.4g", trS0);
    run_value(&run, "gld-const-sq", "%.4g", sigma * sigma * (double)D);
    run_value(&run, "acc0", "%.2f", 100 * acc0);
    run_value(&run, "gd-change", "%.2f", 100 * chg[DYN_GD]);
    run_value(&run, "gd-change-se", "%.2f", 100 * chg_se[DYN_GD]);
    run_value(&run, "gd-change-se-unpaired", "%.2f", 100 * sqrt(2 * acc0 * (1 - acc0) / test.n));
    run_value(&run, "loss0", "%.3g", L0);
    run_value(&run, "sharp0", "%.4g", sh0);
    run_value(&run, "sharp0-se", "%.2g", sh0_se);
    run_value(&run, "sharp0-plain", "%.4g", pl);
    run_value(&run, "sharp0-plain-se", "%.2g", pl_se);
    /* variance ratio, plain vs antithetic, at the same number of loss
     * evaluations (2 per antithetic pair, 2·pairs plain draws) */
    run_value(&run, "sharp-var-ratio", "%.0f", (pl_se * pl_se) / (sh0_se * sh0_se));
    run_value(&run, "hess-track-res1", "%.2g", hres);
    run_value(&run, "hess-track-res", "%.2g", hres_all);
    for (int k = 0; k < DYN_COUNT; k++) {
        char key[64];
        snprintf(key, sizeof key, "acc-%s", dyn_key(k));
        run_value(&run, key, "%.1f", 100 * facc[k]);
        snprintf(key, sizeof key, "acc-se-%s", dyn_key(k));
        run_value(&run, key, "%.1f", 100 * facc_se[k]);
        snprintf(key, sizeof key, "sharp-%s", dyn_key(k));
        run_value(&run, key, "%.3g", fsh[k]);
        snprintf(key, sizeof key, "gain-%s", dyn_key(k));
        run_value(&run, key, "%.1f", 100 * (facc[k] - facc[DYN_GD]));
        snprintf(key, sizeof key, "chg-se-%s", dyn_key(k)); /* the paired SE of the rows */
        run_value(&run, key, "%.2f", 100 * chg_se[k]);
    }
    fprintf(stderr, "zhu_fm_dyn: test acc at theta*_GD %.2f %%, Tr Sigma %.3g, sharpness %.4g +- %.2g"
                    " (plain %.4g +- %.2g)\n", 100 * acc0, trS0, sh0, sh0_se, pl, pl_se);

    /* Checks, fixed before the run.  The accuracy change of each dynamic
     * at the last iteration (paired, above: against GD's continuation,
     * which keeps fitting at η = 0.07; GD itself against θ*_GD) and the
     * sharpness drop below GD's (SE over seeds and GD's Monte Carlo SE).
     * Escape (SGD, leading, Hessian, 1st eigvec): the change above 0 and
     * the drop above 0 by more than 2 SE.  Stay (GD, const, dynamic,
     * diag): both within 2 SE of 0, either side — a dynamic that loses
     * accuracy has moved too.  Every stay row names the alternative "it
     * escapes like SGD": the value it would measure had it moved as SGD
     * did, so that a row whose 2 SE cannot tell the two apart is marked
     * inconclusive by the gate. */
    char chk[160], note[256];
    double sgd_drop = fsh[DYN_GD] - fsh[DYN_SGD];
    for (int k = 0; k < DYN_COUNT; k++) {
        int esc = k == DYN_SGD || k == DYN_GLD_LEADING || k == DYN_GLD_HESSIAN || k == DYN_GLD_EIGVEC1;
        double se = chg_se[k], gain = chg[k];
        double sse = sqrt(fsh_se[k] * fsh_se[k] + fmc[DYN_GD] * fmc[DYN_GD]);
        double drop = fsh[DYN_GD] - fsh[k];
        const char *basis = "2 SE: test images (paired, McNemar) + seeds";
        if (k == DYN_GD) {
            snprintf(note, sizeof note, "GD from %.2f %% to %.2f %% test accuracy in %ld iterations; "
                     "%.0f images change", 100 * acc0, 100 * facc[DYN_GD], iters,
                     test.n * (chg_img[k] * chg_img[k] * (test.n - 1.0) + gain * gain));
            run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_PAPER,
                .check = "GD stays: test-acc change from theta*_GD (pp)", .rel = REL_EQ,
                .measured = 100 * gain, .predicted = 0.0, .tol = 100 * 2 * se,
                .basis = "2 SE of the paired change on the same test images (McNemar)",
                .alt_name = "escapes like SGD (SGD's change from theta*_GD)",
                .alt = 100 * (chg[DYN_SGD] + facc[DYN_GD] - acc0), .note = note});
            continue;
        }
        snprintf(note, sizeof note, "change %.2f +- %.2f pp (images %.2f, %ld runs %.2f)", 100 * gain,
                 100 * se, 100 * chg_img[k], seeds, 100 * chg_seed[k]);
        if (esc) {
            snprintf(chk, sizeof chk, "%s: test-acc gain over GD at t=%ld, minus 2 SE (pp)", dyn_name(k), iters);
            run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_PAPER, .check = chk,
                .rel = REL_GE, .measured = 100 * (gain - 2 * se), .predicted = 0.0, .tol = 0.0,
                .basis = "2 SE (test images paired, seeds) inside measured", .note = note});
        } else {
            snprintf(chk, sizeof chk, "%s stays: test-acc change vs GD at t=%ld (pp)", dyn_name(k), iters);
            run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_PAPER, .check = chk,
                .rel = REL_EQ, .measured = 100 * gain, .predicted = 0.0, .tol = 100 * 2 * se,
                .basis = basis, .alt_name = "escapes like SGD (SGD's change vs GD)",
                .alt = 100 * chg[DYN_SGD], .note = note});
        }
        snprintf(note, sizeof note, "drop %.3g +- %.2g (seeds, Monte Carlo)", drop, sse);
        if (esc) {
            snprintf(chk, sizeof chk, "%s: sharpness drop below GD at t=%ld, minus 2 SE", dyn_name(k), iters);
            run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_PAPER, .check = chk,
                .rel = REL_GE, .measured = drop - 2 * sse, .predicted = 0.0, .tol = 0.0,
                .basis = "2 SE (seeds, Monte Carlo) inside measured", .note = note});
        } else {
            snprintf(chk, sizeof chk, "%s stays: sharpness change vs GD at t=%ld", dyn_name(k), iters);
            run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_PAPER, .check = chk,
                .rel = REL_EQ, .measured = drop, .predicted = 0.0, .tol = 2 * sse,
                .basis = "2 SE (seeds, Monte Carlo)", .alt_name = "escapes like SGD (SGD's drop)",
                .alt = sgd_drop, .note = note});
        }
    }
    run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_CONTROL,
        .check = "per-image test predictions vs the loss pass's count (images)", .rel = REL_EQ,
        .measured = cdiff, .predicted = 0.0, .tol = 0.0, .basis = "exact (same argmax)",
        .note = "largest difference over theta*_GD and every run's last iteration"});
    snprintf(note, sizeof note, "%ld pairs vs %ld plain samples at theta*_GD", pairs, 2 * pairs);
    run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_CONTROL,
                                    .check = "antithetic vs plain expected sharpness at theta*_GD",
                                    .rel = REL_EQ, .measured = sh0, .predicted = pl,
                                    .tol = 3 * sqrt(sh0_se * sh0_se + pl_se * pl_se),
                                    .basis = "3 combined SE", .note = note});
    run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_CONTROL,
                                    .check = "GLD Hessian E|eps|^2 / Tr Sigma_sgd at theta*_GD (Eq. 14)",
                                    .rel = REL_EQ, .measured = nsq[DYN_GLD_HESSIAN] / trS0,
                                    .predicted = 1.0, .tol = 1e-9, .basis = "rounding"});
    double rmax = 0.0;
    for (long j = 0; j < kq; j++)
        rmax = fmax(rmax, res0[j] / fabs(lam0[0]));
    snprintf(note, sizeof note, "%d Lanczos steps, top %ld pairs", took, kq);
    run_check(&run, (run_check_row){.id = "ZHU-FM-DYN", .tests = CHECK_CONTROL,
                                    .check = "Lanczos residual / lambda1 of H's top-k at theta*_GD",
                                    .rel = REL_LE, .measured = rmax, .predicted = 0.0, .tol = 1e-2,
                                    .basis = "1 % of lambda1", .note = note});

    free(recs), free(blk), free(todo), free(ok0), free(theta0), free(Q0), free(lam0), free(res0);
    fmdyn_task_free(&train, &test);
    return run_finish(&run);
}
