/* wei_align — WEI-ALIGN: the cosine similarity of the Hessian H and the SGD
 * noise covariance C along training (Wei & Schwab, §2.1.2, App. A.4,
 * Fig. 5).
 *
 * Net: one hidden layer of 70 ReLU units on 7×7 grey images (Fashion-MNIST,
 * already grey, averaged over 4×4 blocks of the [−1, 1]-scaled pixels),
 * 10 outputs: D = 50·70 + 71·10 = 4,210.  Two losses, as in the paper:
 * label-smoothed cross-entropy with η = 0.001 and mean-square error with
 * η = 0.1; plain SGD, batch 512, on ntrain training images.  At the
 * measurement steps, on a fixed random evaluation subset of neval training
 * images (the same for every step), exactly:
 *     H  the Hessian of the loss on the subset (D exact HVPs),
 *     C  the covariance of its per-sample gradients,
 *     CS(H, C) = Tr(HC)/√(Tr(H²) Tr(C²))  (nnobs_align_exact).
 * `seeds` independent runs (initialisation and minibatches) per loss.
 *
 * Work items (shard.h): the runs, numbered loss-major (k = l·seeds + s),
 * run k on streams keyed by k; its record holds its measurements at every
 * step (a run that fails ends the run, or the shard, before anything is
 * written).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fmnist.h"
#include "nn.h"
#include "nnobs.h"
#include "rng.h"
#include "run.h"
#include "run_data.h"
#include "shard.h"
#include "stats.h"

#define NLOSS 2

typedef struct {
    double cs, tr_hc, tr_h2, tr_c2, tr_h, tr_c, loss;
} meas;

/* One run: SGD with the given loss, measuring at steps ts[0..nt). */
static int one_run(const nn_net *net, nn_data train, nn_data ev, long batch, double lr,
                   const long *ts, int nt, uint64_t seed, uint64_t stream, meas *out)
{
    size_t D = net->D;
    nn_eval *e = nn_eval_new(net);
    double *th = SGDN_NEW(th, D), *g = SGDN_NEW(g, D), *H = SGDN_NEW(H, sgdn_mul(D, D));
    double *G = SGDN_NEW(G, sgdn_mul(ev.n, D));
    size_t *perm = SGDN_NEW(perm, train.n);
    nn_init_params(net, th, seed, stream);
    long spe = train.n / batch, t = 0;
    int st = SGDN_OK;
    for (int k = 0; k < nt && !st; k++) {
        for (; t < ts[k] && !st; t++) {
            if (t % spe == 0) {
                rng_stream r;
                rng_init_sub(&r, seed, 1000 + stream, (uint64_t)(t / spe));
                rng_permutation(&r, perm, (size_t)train.n);
            }
            nn_data b = {train.x, train.y, perm + (t % spe) * batch, (int)batch};
            if (!isfinite(nn_loss_grad(e, th, b, g, NULL)))
                st = SGDN_EDIVERGE;
            for (size_t i = 0; i < D; i++)
                th[i] -= lr * g[i];
        }
        if (st)
            break;
        /* >>> snippet wei-align-measure */
        nnobs_align a;
        nn_hessian_dense(e, th, ev, H);          /* H on the evaluation subset */
        nn_grad_per_sample(e, th, ev, G, NULL);  /* its per-sample gradients */
        st = nnobs_align_exact((size_t)ev.n, D, H, G, &a);
        /* <<< snippet */
        out[k] = (meas){a.cs, a.tr_hc, a.tr_h2, a.tr_c2, a.tr_h, a.tr_c,
                        nn_loss_grad(e, th, train, NULL, NULL)};
    }
    free(th), free(g), free(H), free(G), free(perm);
    nn_eval_free(e);
    return st;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "wei_align", "WEI-ALIGN: cosine similarity of Hessian and noise covariance along training",
              argc, argv);
    long ntrain = run.ci ? 2048 : 4096, neval = run.ci ? 128 : 512, batch = 512, hidden = 70;
    long steps = run.ci ? 2000 : 5000, early = -1, seeds = run.ci ? 2 : 3, npts = run.ci ? 5 : 8;
    double lr_ce = 0.001, lr_mse = 0.1, smooth = 0.1;
    const char *datadir = NULL;
    opts_spec spec[] = {
        {"ntrain", OPT_INT, &ntrain, 10, 60000, "training images"},
        {"neval", OPT_INT, &neval, 2, 60000, "training images on which H and C are computed"},
        {"batch", OPT_INT, &batch, 1, 60000, "minibatch size"},
        {"hidden", OPT_INT, &hidden, 1, 10000, "hidden units"},
        {"steps", OPT_INT, &steps, 2, 1e8, "SGD iterations"},
        {"early", OPT_INT, &early, -1, 1e8, "iterations of the early phase (-1: a fifth of --steps)"},
        {"points", OPT_INT, &npts, 3, 1000, "measurement steps (0 and geometrically spaced to --steps)"},
        {"seeds", OPT_INT, &seeds, 2, 1000, "independent runs per loss"},
        {"lr-ce", OPT_DOUBLE, &lr_ce, 1e-7, 10, "learning rate with cross-entropy"},
        {"lr-mse", OPT_DOUBLE, &lr_mse, 1e-7, 10, "learning rate with mean-square error"},
        {"smoothing", OPT_DOUBLE, &smooth, 0, 0.9, "label smoothing epsilon (cross-entropy)"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (batch > ntrain || neval > ntrain)
        run_usage_error(&run, "--batch and --neval must not exceed --ntrain");
    if (early < 0)
        early = steps / 5;
    if (early >= steps)
        run_usage_error(&run, "--early must be below --steps");

    fmnist_set train;
    run_load_fmnist_subset(&run, datadir, "train", ntrain, "--ntrain", 50000, &train);
    fmnist_downsample(&train, 4); /* 28×28 → 7×7 */
    /* the evaluation subset: the first neval of the (random) training set */
    nn_data dtrain = {train.x, train.y, NULL, train.n}, dev = {train.x, train.y, NULL, (int)neval};

    /* measurement steps: 0, then geometric from steps/100 to steps, and
     * the end of the early phase */
    int nt = (int)npts;
    long *ts = SGDN_NEW(ts, nt + 1);
    ts[0] = 0;
    double t1 = fmax(1.0, steps / 100.0);
    for (int k = 1; k < nt; k++)
        ts[k] = lround(t1 * pow((double)steps / t1, (k - 1.0) / (nt - 2)));
    /* make the early-phase end a measurement step */
    int have = 0;
    for (int k = 0; k < nt; k++)
        have |= ts[k] == early;
    if (!have) {
        int k = nt;
        while (k > 0 && ts[k - 1] > early)
            ts[k] = ts[k - 1], k--;
        ts[k] = early, nt++;
    }

    nn_net nets[NLOSS];
    int w[1] = {(int)hidden};
    const char *lname[NLOSS] = {"ce", "mse"};
    double lrs[NLOSS] = {lr_ce, lr_mse};
    for (int l = 0; l < NLOSS; l++) {
        nn_mlp(&nets[l], train.d, 1, w, 10);
        nn_set_loss(&nets[l], l == 0 ? NN_LOSS_CE : NN_LOSS_MSE, l == 0 ? smooth : 0.0);
    }
    size_t D = nets[0].D;
    long nrun = NLOSS * seeds, lo, hi;
    meas *M = SGDN_NEW0(M, sgdn_mul(nrun, nt));
    int *status = SGDN_NEW0(status, nrun), done = 0;
    shard_items(&run, &sh, nrun, &lo, &hi);
#pragma omp parallel for schedule(dynamic, 1)
    for (long k = lo; k < hi; k++) {
        int l = (int)(k / seeds);
        status[k] = one_run(&nets[l], dtrain, dev, batch, lrs[l], ts, nt, (uint64_t)run.seed,
                            (uint64_t)k, M + k * nt);
#pragma omp critical
        run_progress(&run, "runs", (double)++done / (double)(hi - lo));
    }
    for (long k = lo; k < hi; k++)
        if (status[k])
            run_fail(&run, "run %ld (%s): %s", k, lname[k / seeds], sgdn_strerror(status[k]));
    free(status);
    /* a shard writes its runs' measurements and exits */
    shard_gather(&run, &sh, M, (size_t)nt * sizeof *M);

    FILE *f = run_open(&run, "-runs.tsv", "loss\tseed\tstep\tcs\ttr_hc\ttr_h2\ttr_c2\ttr_h\ttr_c\ttrain_loss");
    for (long k = 0; k < nrun; k++) {
        for (int i = 0; i < nt; i++) {
            meas *m = &M[k * nt + i];
            fprintf(f, "%s\t%ld\t%ld\t%.6f\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", lname[k / seeds],
                    k % seeds, ts[i], m->cs, m->tr_hc, m->tr_h2, m->tr_c2, m->tr_h, m->tr_c, m->loss);
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);

    /* means over seeds; the smallest mean CS after the early phase */
    f = run_open(&run, ".tsv", "step\tcs_ce\tcs_ce_se\tloss_ce\tloss_ce_se\tcs_mse\tcs_mse_se\tloss_mse\tloss_mse_se");
    double *v = SGDN_NEW(v, seeds), *u = SGDN_NEW(u, seeds);
    double worst[NLOSS], worst_se[NLOSS], final[NLOSS];
    long worst_t[NLOSS];
    for (int l = 0; l < NLOSS; l++)
        worst[l] = INFINITY, worst_se[l] = 0.0, worst_t[l] = 0;
    for (int i = 0; i < nt; i++) {
        fprintf(f, "%ld", ts[i]);
        for (int l = 0; l < NLOSS; l++) {
            for (long s = 0; s < seeds; s++)
                v[s] = M[(l * seeds + s) * nt + i].cs, u[s] = M[(l * seeds + s) * nt + i].loss;
            double m = stats_mean(v, seeds), se = stats_se(v, seeds);
            fprintf(f, "\t%.6f\t%.3g\t%.6g\t%.3g", m, se, stats_mean(u, seeds), stats_se(u, seeds));
            if (ts[i] >= early && m < worst[l])
                worst[l] = m, worst_se[l] = se, worst_t[l] = ts[i];
            final[l] = m;
        }
        fprintf(f, "\n");
    }
    run_close(&run, f);

    run_value(&run, "ntrain", "%ld", ntrain);
    run_value(&run, "neval", "%ld", neval);
    run_value(&run, "batch", "%ld", batch);
    run_value(&run, "hidden", "%ld", hidden);
    run_value(&run, "D", "%zu", D);
    run_value(&run, "steps", "%ld", steps);
    run_value(&run, "early", "%ld", early);
    run_value(&run, "seeds", "%ld", seeds);
    run_value(&run, "points", "%d", nt);
    run_value(&run, "lr-ce", "%g", lr_ce);
    run_value(&run, "lr-mse", "%g", lr_mse);
    run_value(&run, "smoothing", "%g", smooth);
    run_value(&run, "epochs", "%.1f", (double)steps * batch / ntrain);
    for (int l = 0; l < NLOSS; l++) {
        char key[64], chk[160], note[200];
        snprintf(key, sizeof key, "%s-worst", lname[l]);
        run_value(&run, key, "%.3f", worst[l]);
        snprintf(key, sizeof key, "%s-worst-se", lname[l]);
        run_value(&run, key, "%.3f", worst_se[l]);
        snprintf(key, sizeof key, "%s-final", lname[l]);
        run_value(&run, key, "%.3f", final[l]);
        snprintf(key, sizeof key, "%s-cs0", lname[l]);
        double c0 = 0.0;
        for (long s = 0; s < seeds; s++)
            c0 += M[(l * seeds + s) * nt].cs / seeds;
        run_value(&run, key, "%.3f", c0);
        snprintf(chk, sizeof chk, "smallest mean CS(H, C) from step %ld on, %s", early,
                 l == 0 ? "label-smoothed cross-entropy" : "mean-square error");
        snprintf(note, sizeof note, "at step %ld; %ld seeds; H, C on %ld training images", worst_t[l],
                 seeds, neval);
        run_check(&run, (run_check_row){.id = "WEI-ALIGN", .tests = CHECK_PAPER, .check = chk,
            .rel = REL_GE, .measured = worst[l], .predicted = 0.9, .tol = 2.0 * worst_se[l],
            .basis = "2 SE over seeds", .alt_name = "unaligned (random matrices: CS ~ 0)", .alt = 0.0,
            .note = note});
    }
    free(ts), free(M), free(v), free(u);
    fmnist_free(&train);
    return run_finish(&run);
}
