/* wei_fdr — WEI-FDR: timescale separation seen through Yaida's first
 * fluctuation–dissipation relation (Wei & Schwab, §2.1.3, App. A.5,
 * Fig. 6).
 *
 * For SGD with momentum μ (buffer b ← μb + g_B, θ ← θ − ηb), stationarity
 * of θ·θ and θ·b gives
 *     O_L = ⟨θ·g_B⟩  =  O_R = η(1 + μ)/2 ⟨b·b⟩,
 * and for any fixed direction u in which the state is stationary
 *     ⟨(u·θ)(u·g_B)⟩ = η(1 + μ)/2 ⟨(u·b)²⟩.
 * |O_L/O_R − 1| measures how far from stationary the state is: in the raw
 * parameter space, and in the top-1 eigenspace of the Hessian (u the top
 * eigenvector, by Lanczos, recomputed at the start of every epoch and
 * held fixed during it).
 *
 * Net and data as in wei_path (the 15/20/10-channel CNN on 14×14 images),
 * label-smoothed cross-entropy.  Time averages over each epoch; their
 * standard error from batch means (nnobs_ratio_blocks), θ measured from
 * the epoch's mean state (see the step); `seeds`
 * independent runs.
 *
 * Work items (shard.h): the seeds, seed s on streams keyed by s; its record
 * holds its measurements at every epoch (a run that fails ends the run, or
 * the shard, before anything is written).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "err.h"
#include "fmnist.h"
#include "nn.h"
#include "nnobs.h"
#include "rng.h"
#include "run.h"
#include "run_data.h"
#include "shard.h"
#include "spectral.h"
#include "stats.h"

typedef struct {
    nn_eval *e;
    const double *theta;
    nn_data d;
} hess_ctx;

static void hess_op(void *c, const double *x, double *y)
{
    hess_ctx *h = c;
    nn_hvp(h->e, h->theta, h->d, x, y);
}

typedef struct {
    double r_raw, se_raw, r_top, se_top, lambda1, loss;
} epoch_meas;

static int one_run(const nn_net *net, nn_data train, nn_data sub, long batch, double lr, double mu,
                   long epochs, int lanczos, int nb, uint64_t seed, uint64_t stream,
                   epoch_meas *out)
{
    size_t D = net->D;
    long spe = train.n / batch;
    nn_eval *e = nn_eval_new(net);
    double *th = SGDN_NEW(th, D), *b = SGDN_NEW0(b, D), *g = SGDN_NEW(g, D), *u = SGDN_NEW(u, D);
    double *xl = SGDN_NEW(xl, nb), *xr = SGDN_NEW(xr, nb), *pl = SGDN_NEW(pl, nb),
           *pr = SGDN_NEW(pr, nb), *ug = SGDN_NEW(ug, nb);
    double *thbar = SGDN_NEW(thbar, D), *gb = SGDN_NEW(gb, sgdn_mul(nb, D));
    size_t *perm = SGDN_NEW(perm, train.n);
    nn_init_params(net, th, seed, stream);
    double fac = nnobs_fdr_factor(lr, mu, 0.0);
    int st = SGDN_OK;
    for (long ep = 0; ep < epochs && !st; ep++) {
        /* the top Hessian eigenvector at the epoch's start (on the subset) */
        hess_ctx hc = {e, th, sub};
        rng_stream r;
        rng_init_sub(&r, seed, 3000 + stream, (uint64_t)ep);
        nn_hvp_prepare(e, th, sub);
        int took = spectral_lanczos(D, hess_op, &hc, 1, lanczos, &r, &out[ep].lambda1, u, NULL);
        nn_hvp_release(e);
        if (took < 1) {
            st = SGDN_ENOCONV;
            break;
        }
        rng_init_sub(&r, seed, 1000 + stream, (uint64_t)ep);
        rng_permutation(&r, perm, (size_t)train.n);
        /* >>> snippet wei-fdr-step */
        /* The relations hold for θ measured from any fixed origin; the
         * epoch's mean state θm removes the large constant part of θ·g_B
         * whose mean is zero only at stationarity, and with it most of the
         * variance: per block β of the epoch,
         *   O_L,β = mean_β(θ·g_B) − θm·mean_β(g_B),  O_R,β = η(1+μ)/2 mean_β(b·b),
         * and likewise with the projections u·θ, u·g_B, u·b. */
        long len = spe / nb;
        memset(thbar, 0, D * sizeof *thbar), memset(gb, 0, sgdn_mul(nb, D) * sizeof *gb);
        for (int q = 0; q < nb; q++)
            xl[q] = xr[q] = pl[q] = pr[q] = ug[q] = 0.0;
        double utbar = 0.0;
        for (long k = 0; k < nb * len; k++) {
            int q = (int)(k / len);
            nn_data mb = {train.x, train.y, perm + k * batch, (int)batch};
            if (!isfinite(nn_loss_grad(e, th, mb, g, NULL))) {
                st = SGDN_EDIVERGE;
                break;
            }
            double ut = cblas_ddot((int)D, u, 1, th, 1), ugk = cblas_ddot((int)D, u, 1, g, 1);
            xl[q] += cblas_ddot((int)D, th, 1, g, 1) / len; /* mean_β θ·g_B */
            pl[q] += ut * ugk / len;                        /* mean_β (u·θ)(u·g_B) */
            ug[q] += ugk / len;
            utbar += ut / (nb * len);
            cblas_daxpy((int)D, 1.0 / len, g, 1, gb + q * D, 1);
            cblas_daxpy((int)D, 1.0 / (nb * len), th, 1, thbar, 1);
            for (size_t i = 0; i < D; i++) {
                b[i] = mu * b[i] + g[i];
                th[i] -= lr * b[i];
            }
            double ub = cblas_ddot((int)D, u, 1, b, 1);
            xr[q] += fac * cblas_ddot((int)D, b, 1, b, 1) / len;
            pr[q] += fac * ub * ub / len;
        }
        for (int q = 0; q < nb; q++) {
            xl[q] -= cblas_ddot((int)D, thbar, 1, gb + q * D, 1);
            pl[q] -= utbar * ug[q];
        }
        /* <<< snippet */
        if (st)
            break;
        epoch_meas *m = &out[ep];
        if ((st = nnobs_ratio_blocks(xl, xr, (size_t)nb, nb, &m->r_raw, &m->se_raw)) ||
            (st = nnobs_ratio_blocks(pl, pr, (size_t)nb, nb, &m->r_top, &m->se_top)))
            break;
        m->loss = nn_loss_grad(e, th, train, NULL, NULL);
    }
    free(th), free(b), free(g), free(u), free(xl), free(xr), free(pl), free(pr), free(perm);
    free(ug), free(thbar), free(gb);
    nn_eval_free(e);
    return st;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "wei_fdr", "WEI-FDR: fluctuation-dissipation criterion, raw space vs top-1 Hessian eigenspace",
              argc, argv);
    long ntrain = run.ci ? 512 : 2048, nsub = 256, batch = 16, epochs = run.ci ? 10 : 40;
    long seeds = run.ci ? 2 : 3, lanczos = 20, nb = 8;
    double lr = 0.05, mu = 0.9, smooth = 0.1;
    const char *datadir = NULL;
    opts_spec spec[] = {
        {"ntrain", OPT_INT, &ntrain, 10, 60000, "training images"},
        {"nsub", OPT_INT, &nsub, 2, 60000, "training images on which the top eigenvector is computed"},
        {"batch", OPT_INT, &batch, 1, 60000, "minibatch size"},
        {"epochs", OPT_INT, &epochs, 2, 100000, "epochs"},
        {"seeds", OPT_INT, &seeds, 2, 1000, "independent runs"},
        {"lanczos", OPT_INT, &lanczos, 2, 1000, "Lanczos steps for the top eigenvector"},
        {"blocks", OPT_INT, &nb, 2, 1000, "batch means per epoch for the standard errors"},
        {"lr", OPT_DOUBLE, &lr, 1e-6, 10, "learning rate eta"},
        {"momentum", OPT_DOUBLE, &mu, 0, 0.999, "momentum mu"},
        {"smoothing", OPT_DOUBLE, &smooth, 0, 0.9, "label smoothing epsilon"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (batch > ntrain || nsub > ntrain)
        run_usage_error(&run, "--batch and --nsub must not exceed --ntrain");
    if (ntrain / batch < nb)
        run_usage_error(&run, "an epoch must have at least --blocks steps");

    fmnist_set train;
    run_load_fmnist_subset(&run, datadir, "train", ntrain, "--ntrain", 50000, &train);
    fmnist_downsample(&train, 2);
    nn_net net;
    nn_cnn3(&net, 14, 1, 15, 20, 10); /* the net of wei_path */
    nn_set_loss(&net, NN_LOSS_CE, smooth);
    nn_data dtrain = {train.x, train.y, NULL, train.n}, dsub = {train.x, train.y, NULL, (int)nsub};

    epoch_meas *M = SGDN_NEW0(M, sgdn_mul(seeds, epochs));
    int *status = SGDN_NEW0(status, seeds), done = 0;
    long lo, hi;
    shard_items(&run, &sh, seeds, &lo, &hi);
#pragma omp parallel for schedule(dynamic, 1)
    for (long s = lo; s < hi; s++) {
        status[s] = one_run(&net, dtrain, dsub, batch, lr, mu, epochs, (int)lanczos, (int)nb,
                            (uint64_t)run.seed, (uint64_t)s, M + s * epochs);
#pragma omp critical
        run_progress(&run, "runs", (double)++done / (double)(hi - lo));
    }
    for (long s = lo; s < hi; s++)
        if (status[s])
            run_fail(&run, "run %ld: %s", s, sgdn_strerror(status[s]));
    free(status);
    /* a shard writes its seeds' measurements and exits */
    shard_gather(&run, &sh, M, (size_t)epochs * sizeof *M);

    FILE *f = run_open(&run, "-runs.tsv", "seed\tepoch\tratio_raw\tse_raw\tratio_top1\tse_top1\tlambda1\tloss");
    for (long s = 0; s < seeds; s++) {
        for (long ep = 0; ep < epochs; ep++) {
            epoch_meas *m = &M[s * epochs + ep];
            fprintf(f, "%ld\t%ld\t%.6g\t%.3g\t%.6g\t%.3g\t%.6g\t%.6g\n", s, ep + 1, m->r_raw,
                    m->se_raw, m->r_top, m->se_top, m->lambda1, m->loss);
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);

    /* means over seeds of |R − 1| per epoch, and over the second half */
    f = run_open(&run, ".tsv", "epoch\tdev_raw\tdev_raw_se\tdev_top1\tdev_top1_se\tloss");
    double *a = SGDN_NEW(a, seeds), *c = SGDN_NEW(c, seeds), *l = SGDN_NEW(l, seeds);
    double *hr = SGDN_NEW(hr, seeds), *ht = SGDN_NEW(ht, seeds);
    long half = epochs / 2;
    for (long s = 0; s < seeds; s++)
        hr[s] = ht[s] = 0.0;
    long first_top = -1, first_raw = -1;
    for (long ep = 0; ep < epochs; ep++) {
        for (long s = 0; s < seeds; s++) {
            epoch_meas *m = &M[s * epochs + ep];
            a[s] = fabs(m->r_raw - 1.0), c[s] = fabs(m->r_top - 1.0), l[s] = m->loss;
            if (ep >= half)
                hr[s] += a[s] / (epochs - half), ht[s] += c[s] / (epochs - half);
        }
        double mr = stats_mean(a, seeds), mt = stats_mean(c, seeds);
        fprintf(f, "%ld\t%.6g\t%.3g\t%.6g\t%.3g\t%.6g\n", ep + 1, mr, stats_se(a, seeds), mt,
                stats_se(c, seeds), stats_mean(l, seeds));
        if (first_top < 0 && mt < 0.01)
            first_top = ep + 1;
        if (first_raw < 0 && mr < 0.01)
            first_raw = ep + 1;
    }
    run_close(&run, f);
    double mhr = stats_mean(hr, seeds), sehr = stats_se(hr, seeds);
    double mht = stats_mean(ht, seeds), seht = stats_se(ht, seeds);

    run_value(&run, "ntrain", "%ld", ntrain);
    run_value(&run, "nsub", "%ld", nsub);
    run_value(&run, "batch", "%ld", batch);
    run_value(&run, "spe", "%ld", ntrain / batch);
    run_value(&run, "epochs", "%ld", epochs);
    run_value(&run, "seeds", "%ld", seeds);
    run_value(&run, "lanczos", "%ld", lanczos);
    run_value(&run, "blocks", "%ld", nb);
    run_value(&run, "lr", "%g", lr);
    run_value(&run, "mu", "%g", mu);
    run_value(&run, "D", "%zu", net.D);
    run_value(&run, "half", "%ld", half);
    run_value(&run, "raw-late", "%.3g", mhr);
    run_value(&run, "raw-late-se", "%.2g", sehr);
    run_value(&run, "top-late", "%.3g", mht);
    run_value(&run, "top-late-se", "%.2g", seht);
    run_value(&run, "first-top", "%ld", first_top);
    run_value(&run, "first-raw", "%ld", first_raw);

    char note[256];
    snprintf(note, sizeof note, "epochs %ld..%ld, %ld seeds; first epoch with mean below 1e-2: %ld (top-1), %ld (raw; -1 never)",
             half + 1, epochs, seeds, first_top, first_raw);
    run_check(&run, (run_check_row){.id = "WEI-FDR", .tests = CHECK_PAPER,
        .check = "|O_L/O_R - 1| in the top-1 eigenspace, second half of training", .rel = REL_LE,
        .measured = mht, .predicted = 0.01, .tol = 2.0 * seht, .basis = "2 SE over seeds",
        .alt_name = "no timescale separation (top-1 as raw)", .alt = mhr, .note = note});
    run_check(&run, (run_check_row){.id = "WEI-FDR", .tests = CHECK_PAPER,
        .check = "|O_L/O_R - 1| in the raw parameter space, second half of training", .rel = REL_GE,
        .measured = mhr, .predicted = 0.01, .tol = 2.0 * sehr, .basis = "2 SE over seeds",
        .note = note});
    double dd = mht - mhr, sed = sqrt(seht * seht + sehr * sehr);
    run_value(&run, "diff", "%.3g", dd);
    run_value(&run, "diff-se", "%.2g", sed);
    run_check(&run, (run_check_row){.id = "WEI-FDR", .tests = CHECK_PAPER,
        .check = "upper 2-SE bound of top-1 minus raw |O_L/O_R - 1|, second half (top-1 closer to stationarity)",
        .rel = REL_LE, .measured = dd + 2.0 * sed, .predicted = 0.0, .tol = 0.0,
        .basis = "2 SE over seeds", .note = note});
    free(M), free(a), free(c), free(l), free(hr), free(ht);
    fmnist_free(&train);
    return run_finish(&run);
}
