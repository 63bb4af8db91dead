/* wei_neg — WEI-NEG: the sum of the negative Hessian eigenvalues is linear
 * in the training loss, with intercept ≈ 0 (Wei & Schwab, §4.1, App. A.3,
 * Fig. 2a).
 *
 * Why: in a minimal valley L = L* + ½ Σ_{i≤n} θ_i² λ_i(θ_{n+1..N}), the
 * Hessian block of the valley directions is ½ Σ θ_i² ∂²λ_i, whose average
 * at equilibrium is proportional to ⟨θ_i²⟩ and hence to ⟨L⟩ − L*: any
 * negative eigenvalues come from that block and scale with the loss.
 *
 * Net: one hidden layer, 14×14 inputs (Fashion-MNIST averaged over 2×2
 * blocks) → `hidden` ReLU units → 10 outputs; with 30 hidden units
 * D = 197·30 + 31·10 = 6,220, the paper's count.  ntrain = 500 random
 * training images, label-smoothed cross-entropy.  Protocol: full-batch GD
 * (η = 0.1) from `nmin` initialisations to minima; from each, SGD with
 * every (batch, η) pair of the lists for `steps` iterations to equilibrate
 * at a loss set by the noise, `reps` independent runs per pair; the full
 * Hessian there (D exact HVPs) and its spectrum (LAPACKE dsyevd).  The
 * loss is quoted as the excess over the smoothing floor L0 = H(t), the
 * exact minimum of every sample's loss (label smoothing puts it at L0 > 0,
 * not 0).
 *
 * Work items (shard.h): the points, numbered minimum-major (k = m·per + q,
 * q = 0 the GD minimum itself, q ≥ 1 the SGD runs), the SGD of point k on
 * streams keyed by k.  A point's record holds its spectrum and, for q = 0,
 * the GD curve to its minimum; a shard runs GD to the minima its points
 * start from, the merge runs none.
 *
 * Linearity, decided before the run: the quadratic coefficient of an OLS
 * fit a + b x + c x² is 0 within its 95 % t interval (n − 3 degrees of
 * freedom), a test that fails when the points curve (the paper's "nearly a
 * straight line" read as a statistical statement; R² is not one: it falls
 * with the scatter about any curve).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "err.h"
#include "fmnist.h"
#include "nn.h"
#include "nnobs.h"
#include "polyfit.h"
#include "rng.h"
#include "run.h"
#include "run_data.h"
#include "shard.h"
#include "stats.h"

typedef struct {
    int gmin;          /* which GD minimum */
    long batch;        /* 0: the GD minimum itself */
    double lr;
    int rep;
    double loss, negsum, lmin, lmax, trace;
    long nneg;
    int status;
} point;

/* The record of a work item: its point, then the GD curve (filled for the
 * GD minimum, q = 0). */
typedef struct {
    point p;
    double gd[]; /* training loss at the logged GD iterations */
} record;

/* The GD iterations at which the loss is logged: every gd_iters/50, and
 * the last. */
static long gd_every(long gd_iters)
{
    return gd_iters / 50 > 0 ? gd_iters / 50 : 1;
}

static long gd_logged(long gd_iters)
{
    long e = gd_every(gd_iters);
    return gd_iters / e + 1 + (gd_iters % e != 0);
}

/* >>> snippet wei-neg-sgd */
/* SGD from θ (in place): the minibatches of an epoch are consecutive
 * slices of a permutation from substream (seed, stream, epoch). */
static int sgd(nn_eval *e, double *th, size_t D, nn_data d, long B, double lr, long steps,
               uint64_t seed, uint64_t stream)
{
    size_t *perm = SGDN_NEW(perm, d.n);
    double *g = SGDN_NEW(g, D);
    long spe = d.n / B;
    int st = SGDN_OK;
    for (long t = 0; t < steps && !st; t++) {
        if (t % spe == 0) {
            rng_stream r;
            rng_init_sub(&r, seed, stream, (uint64_t)(t / spe));
            rng_permutation(&r, perm, (size_t)d.n);
        }
        nn_data b = {d.x, d.y, perm + (t % spe) * B, (int)B};
        if (!isfinite(nn_loss_grad(e, th, b, g, NULL)))
            st = SGDN_EDIVERGE;
        for (size_t i = 0; i < D; i++)
            th[i] -= lr * g[i];
    }
    free(perm), free(g);
    return st;
}
/* <<< snippet */

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "wei_neg", "WEI-NEG: sum of negative Hessian eigenvalues vs training loss, one hidden layer",
              argc, argv);
    long ntrain = run.ci ? 100 : 500, hidden = run.ci ? 10 : 30, gd_iters = run.ci ? 3000 : 10000;
    long steps = run.ci ? 2000 : 5000, reps = 2, nmin = 1;
    double gd_lr = 0.1, smooth = 0.1;
    opts_list batches = {6, {5, 5, 25, 50, 250, 250}}, lrs = {6, {0.001, 0.01, 0.03, 0.1, 0.03, 0.1}};
    if (run.ci) /* 100 images: batches up to half of them */
        batches = (opts_list){6, {5, 5, 10, 25, 50, 50}};
    const char *datadir = NULL;
    opts_spec spec[] = {
        {"ntrain", OPT_INT, &ntrain, 10, 60000, "training images"},
        {"hidden", OPT_INT, &hidden, 1, 10000, "hidden units"},
        {"gd-iters", OPT_INT, &gd_iters, 1, 1e8, "GD iterations to the minimum"},
        {"gd-lr", OPT_DOUBLE, &gd_lr, 1e-6, 10, "GD learning rate"},
        {"minima", OPT_INT, &nmin, 1, 100, "GD minima (initialisations)"},
        {"batches", OPT_LIST, &batches, 1, 60000, "SGD batch sizes (paired with --lrs)"},
        {"lrs", OPT_LIST, &lrs, 1e-6, 10, "SGD learning rates (paired with --batches)"},
        {"steps", OPT_INT, &steps, 1, 1e8, "SGD iterations to equilibrate"},
        {"reps", OPT_INT, &reps, 1, 1000, "independent SGD runs per (batch, lr)"},
        {"smoothing", OPT_DOUBLE, &smooth, 0, 0.9, "label smoothing epsilon"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (batches.n != lrs.n)
        run_usage_error(&run, "--batches and --lrs must have the same length");
    for (int j = 0; j < batches.n; j++)
        if (batches.v[j] != floor(batches.v[j]) || batches.v[j] > ntrain)
            run_usage_error(&run, "every batch size must be an integer not above --ntrain");
    if (nmin * (1 + reps * batches.n) < 4)
        run_usage_error(&run, "need at least 4 points (a quadratic fit with one degree of freedom left)");

    fmnist_set train;
    run_load_fmnist_subset(&run, datadir, "train", ntrain, "--ntrain", 50000, &train);
    fmnist_downsample(&train, 2);
    nn_net net;
    int w[1] = {(int)hidden};
    nn_mlp(&net, train.d, 1, w, 10);
    nn_set_loss(&net, NN_LOSS_CE, smooth);
    size_t D = net.D;
    nn_data d = {train.x, train.y, NULL, train.n};
    double L0 = nnobs_smoothing_floor(smooth, 10);

    /* the points, minimum-major; their records */
    long per = 1 + reps * batches.n, np = nmin * per, ncurve = gd_logged(gd_iters), every = gd_every(gd_iters);
    size_t rb = sizeof(record) + (size_t)ncurve * sizeof(double);
    char *recs = SGDN_NEW0(recs, sgdn_mul(np, rb));
#define REC(k) ((record *)(recs + (size_t)(k) * rb))
    for (long m = 0; m < nmin; m++)
        for (long q = 0; q < per; q++) {
            point *p = &REC(m * per + q)->p;
            p->gmin = (int)m;
            if (q > 0)
                p->batch = (long)batches.v[(q - 1) / reps], p->lr = lrs.v[(q - 1) / reps],
                p->rep = (int)((q - 1) % reps);
        }
    long lo, hi;
    shard_items(&run, &sh, np, &lo, &hi);

    /* 1. GD to the minima this process's points start from */
    double *thgd = SGDN_NEW(thgd, sgdn_mul(nmin, D)), *g = SGDN_NEW(g, D);
    nn_eval *e = nn_eval_new(&net);
    for (long m = lo / per; lo < hi && m < nmin && m * per < hi; m++) {
        double *th = thgd + m * D, *curve = m * per >= lo ? REC(m * per)->gd : NULL;
        nn_init_params(&net, th, (uint64_t)run.seed, (uint64_t)m);
        for (long t = 0, nl = 0; t <= gd_iters; t++) {
            double l = nn_loss_grad(e, th, d, g, NULL);
            if (!isfinite(l))
                run_fail(&run, "GD diverged at iteration %ld", t);
            if ((t % every == 0 || t == gd_iters) && curve)
                curve[nl++] = l;
            if (t == gd_iters)
                break;
            for (size_t i = 0; i < D; i++)
                th[i] -= gd_lr * g[i];
            run_progress(&run, "GD", (m + (t + 1.0) / gd_iters) / nmin);
        }
    }
    nn_eval_free(e);

    /* 2. SGD from the minimum at every (batch, lr), then the spectrum */
    int done = 0;
#pragma omp parallel for schedule(dynamic, 1)
    for (long k = lo; k < hi; k++) {
        point *p = &REC(k)->p;
        nn_eval *ek = nn_eval_new(&net);
        double *th = SGDN_NEW(th, D), *H = SGDN_NEW(H, sgdn_mul(D, D));
        memcpy(th, thgd + p->gmin * D, D * sizeof *th);
        p->status = p->batch ? sgd(ek, th, D, d, p->batch, p->lr, steps, (uint64_t)run.seed,
                                   1000 + (uint64_t)k)
                             : SGDN_OK;
        if (!p->status) {
            p->loss = nn_loss_grad(ek, th, d, NULL, NULL);
            /* >>> snippet wei-neg-spectrum */
            nn_hessian_dense(ek, th, d, H); /* D exact HVPs */
            p->status = nnobs_neg_spectrum(D, H, &p->negsum, &p->nneg, &p->lmin, &p->lmax,
                                           &p->trace);
            /* <<< snippet */
        }
        free(th), free(H);
        nn_eval_free(ek);
#pragma omp critical
        run_progress(&run, "SGD runs and spectra", (double)++done / (double)(hi - lo));
    }
    for (long k = lo; k < hi; k++)
        if (REC(k)->p.status)
            run_fail(&run, "point %ld (batch %ld, lr %g): %s", k, REC(k)->p.batch, REC(k)->p.lr,
                     sgdn_strerror(REC(k)->p.status));
    free(thgd), free(g);
    shard_gather(&run, &sh, recs, rb); /* a shard writes its points and exits */

    FILE *f = run_open(&run, "-gd.tsv", "minimum\titer\tloss_excess");
    for (long m = 0; m < nmin; m++) {
        const double *curve = REC(m * per)->gd;
        for (long i = 0; i < ncurve; i++)
            fprintf(f, "%ld\t%ld\t%.6g\n", m, i * every < gd_iters ? i * every : gd_iters, curve[i] - L0);
        fprintf(f, "\n\n");
    }
    run_close(&run, f);
    point *pt = SGDN_NEW(pt, np);
    for (long k = 0; k < np; k++)
        pt[k] = REC(k)->p;
    free(recs);
#undef REC

    f = run_open(&run, ".tsv", "minimum\tbatch\tlr\trep\tloss_excess\tnegsum\tnneg\tlambda_min\tlambda_max\ttrace");
    double *x = SGDN_NEW(x, np), *y = SGDN_NEW(y, np);
    for (long k = 0; k < np; k++) {
        point *p = &pt[k];
        fprintf(f, "%d\t%ld\t%g\t%d\t%.6g\t%.6g\t%ld\t%.6g\t%.6g\t%.6g\n", p->gmin, p->batch, p->lr,
                p->rep, p->loss - L0, p->negsum, p->nneg, p->lmin, p->lmax, p->trace);
        x[k] = p->loss - L0, y[k] = p->negsum;
    }
    run_close(&run, f);

    /* 3. the fit: Σ_{λ<0} λ = a + b (L − L0) */
    /* >>> snippet wei-neg-fit */
    stats_fit fit;
    if (stats_fit_line(x, y, (size_t)np, &fit))
        run_fail(&run, "the line fit failed (too few distinct losses)");
    /* linearity: the quadratic coefficient of a + b x + c x², to lie in
     * its 95 % t interval about 0 */
    polyfit_quad q;
    int qst = polyfit_quadratic(x, y, (size_t)np, &q);
    if (qst)
        run_fail(&run, "the quadratic fit failed: %s", sgdn_strerror(qst));
    double c2 = q.c[2], c2_se = q.se[2], tq = gsl_cdf_tdist_Pinv(0.975, (double)(np - 3));
    /* <<< snippet */
    double xmin = x[0], xmax = x[0];
    for (long k = 1; k < np; k++)
        xmin = fmin(xmin, x[k]), xmax = fmax(xmax, x[k]);
    run_value(&run, "ntrain", "%ld", ntrain);
    run_value(&run, "hidden", "%ld", hidden);
    run_value(&run, "D", "%zu", D);
    run_value(&run, "gd-iters", "%ld", gd_iters);
    run_value(&run, "gd-lr", "%g", gd_lr);
    run_value(&run, "minima", "%ld", nmin);
    run_value(&run, "steps", "%ld", steps);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "points", "%ld", np);
    run_value(&run, "smoothing", "%g", smooth);
    run_value(&run, "L0", "%.4f", L0);
    run_value(&run, "gd-loss", "%.3g", pt[0].loss - L0);
    run_value(&run, "gd-negsum", "%.3g", pt[0].negsum);
    run_value(&run, "xmin", "%.3g", xmin);
    run_value(&run, "xmax", "%.3g", xmax);
    run_value(&run, "a", "%.3g", fit.a);
    run_value(&run, "a-se", "%.2g", fit.se_a);
    run_value(&run, "b", "%.4g", fit.b);
    run_value(&run, "b-se", "%.2g", fit.se_b);
    run_value(&run, "r2", "%.3f", fit.r2);
    run_value(&run, "quad-c", "%.3g", c2);
    run_value(&run, "quad-c-se", "%.2g", c2_se);
    run_value(&run, "quad-t", "%.2f", c2 / c2_se);
    run_value(&run, "quad-tcrit", "%.2f", tq);
    run_value(&run, "quad-dof", "%ld", np - 3);
    /* the quadratic term's sag across the fitted range, c (Δx)²/4, against
     * the line's rise b Δx */
    run_value(&run, "quad-sag", "%.2g", c2 * (xmax - xmin) * (xmax - xmin) / 4);
    run_value(&run, "line-rise", "%.2g", fit.b * (xmax - xmin));
    run_value(&run, "quad-sag-tol", "%.2g", tq * c2_se * (xmax - xmin) * (xmax - xmin) / 4);
    {
        double bmin = batches.v[0], bmax = bmin, lmin = lrs.v[0], lmax = lmin;
        for (int j = 1; j < batches.n; j++)
            bmin = fmin(bmin, batches.v[j]), bmax = fmax(bmax, batches.v[j]),
            lmin = fmin(lmin, lrs.v[j]), lmax = fmax(lmax, lrs.v[j]);
        run_value(&run, "batch-min", "%g", bmin);
        run_value(&run, "batch-max", "%g", bmax);
        run_value(&run, "lr-min", "%g", lmin);
        run_value(&run, "lr-max", "%g", lmax);
    }
    /* the intercept as a fraction of the largest |negsum| fitted */
    double ymax = 0.0;
    for (long k = 0; k < np; k++)
        ymax = fmax(ymax, fabs(y[k]));
    run_value(&run, "a-rel-pct", "%.1f", 100.0 * fabs(fit.a) / ymax);

    char note[320];
    snprintf(note, sizeof note, "fit over %ld points, excess loss %.3g..%.3g; slope %.4g +- %.2g", np,
             xmin, xmax, fit.b, fit.se_b);
    run_check(&run, (run_check_row){.id = "WEI-NEG", .tests = CHECK_PAPER,
        .check = "intercept of sum(negative eigenvalues) vs excess training loss", .rel = REL_EQ,
        .measured = fit.a, .predicted = 0.0, .tol = 2.0 * fit.se_a, .basis = "2 SE of the OLS fit",
        .alt_name = "no dependence on the loss (intercept = mean of the sums)", .alt = stats_mean(y, np),
        .note = note});
    run_check(&run, (run_check_row){.id = "WEI-NEG", .tests = CHECK_PAPER,
        .check = "upper 2-SE bound of the slope (negative sum falls with the loss)", .rel = REL_LE,
        .measured = fit.b + 2.0 * fit.se_b, .predicted = 0.0, .tol = 0.0,
        .basis = "2 SE of the OLS fit", .note = note});
    /* "nearly a straight line": no quadratic term.  (R^2 is not a test of
     * linearity: it falls with the scatter about any curve.) */
    char basis[96];
    snprintf(basis, sizeof basis, "t(97.5%%, %ld dof) = %.2f x SE of the OLS quadratic coefficient", np - 3, tq);
    snprintf(note, sizeof note, "fit a + b x + c x^2 over %ld points; sag c (dx)^2/4 = %.2g vs line rise b dx = %.2g; "
             "R^2 of the line %.3f", np, c2 * (xmax - xmin) * (xmax - xmin) / 4, fit.b * (xmax - xmin), fit.r2);
    run_check(&run, (run_check_row){.id = "WEI-NEG", .tests = CHECK_PAPER,
        .check = "linearity: quadratic coefficient of sum(negative eigenvalues) vs excess loss", .rel = REL_EQ,
        .measured = c2, .predicted = 0.0, .tol = tq * c2_se, .basis = basis, .note = note});

    free(pt), free(x), free(y);
    fmnist_free(&train);
    return run_finish(&run);
}
