/* wei_path — WEI-PATH: the Hessian trace along the projected path of SGD
 * (Wei & Schwab, §2.1.1, §4.3, Figs. 1 and 3).
 *
 * Net: the small CNN of the paper's App. A.5 — three 3×3 convolutions with
 * 15, 20 and 10 channels, each followed by ReLU, the first two by 2×2
 * max-pooling, then a dense layer to the 10 classes — on Fashion-MNIST
 * images averaged over 2×2 blocks to 14×14 (padding 1 keeps the three
 * convolutions inside the smaller image): D = 5,590, the same as on 28×28
 * without padding, at 2.8 times less cost per image.  ntrain training
 * images drawn at random, the first ntest test images, label-smoothed
 * cross-entropy (smoothing ε), SGD with momentum μ = 0.9 at constant η
 * (buffer b ← μb + g, θ ← θ − ηb), batch B, reshuffled every epoch.
 *
 * Protocol, for each of `inits` initialisations (the work items of
 * shard.h, each on streams keyed by its index and with one fixed-size
 * record for its path; results written in initialisation order):
 *  1. run SGD for `epochs` epochs, keeping the state (θ, b) at every epoch;
 *     L_min = the smallest full-batch training loss at an epoch end;
 *  2. project every epoch's state to a minimum: GD (full batch, same η and
 *     μ, buffer from zero) until the training loss is below L_min;
 *  3. line-connectedness of consecutive projected points: the loss at 10
 *     interior points of the chord must stay below the threshold τ;
 *     where it does not, the state half-way between the two (replayed from
 *     the earlier one with the same minibatches) is projected too and both
 *     halves are checked, recursively, to depth `depth` or until the two
 *     states are one iteration apart;
 *  4. the Hessian trace at every epoch's projected point by Hutchinson
 *     with `probes` Rademacher probes (exact HVPs), its standard error from
 *     the probes.
 * Losses are quoted as excess over the smoothing floor L_0 = H(t), the
 * entropy of the smoothed target, the exact minimum of every sample's loss;
 * the chord threshold is τ = L_0 + 2 (L_min − L_0): twice the projection
 * target's excess loss.
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

typedef struct {
    long ntrain, ntest, inits, epochs, batch, probes, maxgd, depth, npts, early, stride;
    double lr, mu, smooth;
} params;

/* one point of the projected path */
typedef struct {
    long t;           /* SGD iteration of the state that was projected */
    double loss, test, chord; /* training and test loss there; chord max from the previous point */
    int connected, depth, reached;
    long gd;          /* GD iterations of the projection */
    double tr, tr_se; /* Hessian trace (epoch points only; NAN otherwise) */
} ppoint;

/* The path of one initialisation, held in its work item's record
 * (shard.h): a header, the SGD losses, then room for `cap` points. */
typedef struct {
    double lmin, tau;
    long n;
} path_hdr;

typedef struct {
    path_hdr *h;      /* L_min, τ and the number of points */
    ppoint *p;        /* the points, at most cap */
    long cap;
    double *sgd_loss; /* full-batch training loss at each epoch end, 0..epochs */
} path;

/* A record's size: a segment between checkpoints ends in at most one point
 * per leaf of its bisection, and there are at most 2^depth leaves, each at
 * least one iteration long. */
static long path_cap(const params *P, long spe, long nc)
{
    long span = P->stride * spe, leaves = P->depth < 62 && (1L << P->depth) < span ? 1L << P->depth : span;
    return 1 + (nc - 1) * leaves;
}

static size_t path_bytes(const params *P, long cap)
{
    return sizeof(path_hdr) + sgdn_mul(P->epochs + 1, sizeof(double)) + sgdn_mul(cap, sizeof(ppoint));
}

static path path_bind(const params *P, char *rec, long cap)
{
    path pa = {.h = (path_hdr *)rec, .cap = cap, .sgd_loss = (double *)(rec + sizeof(path_hdr))};
    pa.p = (ppoint *)(pa.sgd_loss + P->epochs + 1);
    return pa;
}

typedef struct {
    const params *P;
    const nn_net *net;
    nn_eval *e;
    nn_data train, test;
    long spe;         /* SGD steps per epoch */
    uint64_t seed;
    long init;
    size_t *perm;     /* the current epoch's permutation */
    long perm_epoch;
    double *g, *work;
    path *out;
    run_ctx *run;
} job;

static void push(path *pa, ppoint q)
{
    SGDN_REQUIRE(pa->h->n < pa->cap); /* path_cap bounds the points */
    pa->p[pa->h->n++] = q;
}

/* SGD with momentum from iteration t0 to t1; the minibatch of iteration t
 * is a slice of epoch t/spe's permutation, drawn from its own substream,
 * so that any stretch can be replayed exactly. */
/* >>> snippet wei-path-sgd */
static int sgd(job *j, double *th, double *buf, long t0, long t1)
{
    const params *P = j->P;
    size_t D = j->net->D;
    for (long t = t0; t < t1; t++) {
        long ep = t / j->spe, k = t % j->spe;
        if (ep != j->perm_epoch) {
            rng_stream r;
            rng_init_sub(&r, j->seed, 1000 + (uint64_t)j->init, (uint64_t)ep);
            rng_permutation(&r, j->perm, (size_t)j->train.n);
            j->perm_epoch = ep;
        }
        nn_data b = {j->train.x, j->train.y, j->perm + k * P->batch, (int)P->batch};
        double l = nn_loss_grad(j->e, th, b, j->g, NULL);
        if (!isfinite(l))
            return SGDN_EDIVERGE;
        for (size_t i = 0; i < D; i++) {
            buf[i] = P->mu * buf[i] + j->g[i]; /* b ← μ b + ∇L_B */
            th[i] -= P->lr * buf[i];           /* θ ← θ − η b */
        }
    }
    return SGDN_OK;
}
/* <<< snippet */

/* Project th to a minimum: full-batch GD with the same η and μ, buffer
 * from zero, until L < target (at most maxgd iterations). */
/* >>> snippet wei-path-project */
static int project(job *j, const double *th, double target, double *Pt, ppoint *q)
{
    const params *P = j->P;
    size_t D = j->net->D;
    double *buf = SGDN_NEW0(buf, D);
    memcpy(Pt, th, D * sizeof *Pt);
    q->reached = 0;
    long s;
    double l = NAN;
    for (s = 0; s <= P->maxgd; s++) {
        l = nn_loss_grad(j->e, Pt, j->train, j->g, NULL);
        if (!isfinite(l))
            break;
        if (l < target) {
            q->reached = 1;
            break;
        }
        if (s == P->maxgd)
            break;
        for (size_t i = 0; i < D; i++) {
            buf[i] = P->mu * buf[i] + j->g[i];
            Pt[i] -= P->lr * buf[i];
        }
    }
    free(buf);
    q->gd = s, q->loss = l;
    q->test = nn_loss_grad(j->e, Pt, j->test, NULL, NULL);
    return isfinite(l) && isfinite(q->test) ? SGDN_OK : SGDN_EDIVERGE;
}
/* <<< snippet */

/* Check the chord P_A → P_B; where the loss rises above τ, project the
 * state half-way (replayed from A's state) and check both halves.
 * Appends the points after A, ending with B (whose fields come in qB). */
/* >>> snippet wei-path-connect */
static int connect(job *j, const double *thA, const double *bufA, long tA, const double *PA,
                   long tB, const double *PB, ppoint qB, int depth)
{
    size_t D = j->net->D;
    double chord;
    int st = nnobs_chord_max(j->e, PA, PB, D, j->train, (int)j->P->npts, j->work, &chord);
    if (st)
        return st;
    if (chord <= j->out->h->tau || tB - tA <= 1 || depth >= j->P->depth) {
        qB.chord = chord, qB.connected = chord <= j->out->h->tau, qB.depth = depth;
        push(j->out, qB);
        return SGDN_OK;
    }
    long tC = (tA + tB) / 2;
    double *thC = SGDN_NEW(thC, D), *bufC = SGDN_NEW(bufC, D), *PC = SGDN_NEW(PC, D);
    memcpy(thC, thA, D * sizeof *thC), memcpy(bufC, bufA, D * sizeof *bufC);
    ppoint qC = {.t = tC, .tr = NAN, .tr_se = NAN};
    if (!(st = sgd(j, thC, bufC, tA, tC)) && !(st = project(j, thC, j->out->h->lmin, PC, &qC)) &&
        !(st = connect(j, thA, bufA, tA, PA, tC, PC, qC, depth + 1)))
        st = connect(j, thC, bufC, tC, PC, tB, PB, qB, depth + 1);
    free(thC), free(bufC), free(PC);
    return st;
}
/* <<< snippet */

static int run_init(job *j)
{
    const params *P = j->P;
    size_t D = j->net->D;
    long E = P->epochs, nc = (E - P->early) / P->stride + 1; /* checkpoints */
    path *pa = j->out;
    /* 1. SGD, keeping the state at every checkpoint epoch early + c·stride */
    double *S = SGDN_NEW(S, sgdn_mul(nc, 2 * D)); /* (θ, b) of checkpoint c at S + 2Dc */
    double *th = SGDN_NEW(th, 2 * D), *buf = th + D;
    nn_init_params(j->net, th, j->seed, (uint64_t)j->init);
    memset(buf, 0, D * sizeof *buf);
    pa->sgd_loss[0] = nn_loss_grad(j->e, th, j->train, NULL, NULL);
    pa->h->lmin = INFINITY;
    for (long e = 1; e <= E; e++) {
        int st = sgd(j, th, buf, (e - 1) * j->spe, e * j->spe);
        if (st)
            return free(S), free(th), st;
        pa->sgd_loss[e] = nn_loss_grad(j->e, th, j->train, NULL, NULL);
        if (!isfinite(pa->sgd_loss[e]))
            return free(S), free(th), SGDN_EDIVERGE;
        if (e >= P->early) {
            pa->h->lmin = fmin(pa->h->lmin, pa->sgd_loss[e]);
            if ((e - P->early) % P->stride == 0)
                memcpy(S + 2 * D * ((e - P->early) / P->stride), th, 2 * D * sizeof *S);
        }
    }
    free(th);
    double L0 = nnobs_smoothing_floor(P->smooth, 10);
    pa->h->tau = L0 + 2.0 * (pa->h->lmin - L0);
    /* 2–4. project, connect, trace */
    double *Pprev = SGDN_NEW(Pprev, D), *Pcur = SGDN_NEW(Pcur, D);
    int st = SGDN_OK;
    long span = P->stride * j->spe;
    for (long c = 0; c < nc && !st; c++) {
        long t = (P->early + c * P->stride) * j->spe;
        ppoint q = {.t = t};
        if ((st = project(j, S + 2 * D * c, pa->h->lmin, Pcur, &q)))
            break;
        rng_stream r;
        rng_init_sub(&r, j->seed, 2000 + (uint64_t)j->init, (uint64_t)c);
        if ((st = nnobs_trace(j->e, D, Pcur, j->train, (int)P->probes, &r, &q.tr, &q.tr_se)))
            break;
        if (c == 0) {
            q.chord = NAN, q.connected = 1;
            push(pa, q);
        } else {
            double *sA = S + 2 * D * (c - 1);
            st = connect(j, sA, sA + D, t - span, Pprev, t, Pcur, q, 0);
        }
        double *tmp = Pprev;
        Pprev = Pcur, Pcur = tmp;
        if (j->init == 0)
#pragma omp critical
            run_progress(j->run, "checkpoints of initialisation 0", (c + 1.0) / nc);
    }
    free(S), free(Pprev), free(Pcur);
    return st;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "wei_path", "WEI-PATH: Hessian trace along the projected SGD path of a small CNN",
              argc, argv);
    params P = {.ntrain = run.ci ? 128 : 256, .ntest = run.ci ? 200 : 1000,
                .inits = run.ci ? 3 : 10, .epochs = run.ci ? 30 : 60, .batch = 32,
                .probes = run.ci ? 4 : 10, .maxgd = 3000, .depth = run.ci ? 1 : 2, .npts = 10,
                .early = -1, .stride = -1, .lr = 0.1, .mu = 0.9, .smooth = 0.1};
    const char *datadir = NULL;
    opts_spec spec[] = {
        {"ntrain", OPT_INT, &P.ntrain, 10, 60000, "training images"},
        {"ntest", OPT_INT, &P.ntest, 1, 10000, "test images (the first of the test split)"},
        {"inits", OPT_INT, &P.inits, 2, 1000, "initialisations (independent runs)"},
        {"epochs", OPT_INT, &P.epochs, 3, 100000, "SGD epochs"},
        {"batch", OPT_INT, &P.batch, 1, 60000, "minibatch size B"},
        {"lr", OPT_DOUBLE, &P.lr, 1e-6, 10, "learning rate eta"},
        {"momentum", OPT_DOUBLE, &P.mu, 0, 0.999, "momentum mu"},
        {"smoothing", OPT_DOUBLE, &P.smooth, 0, 0.9, "label smoothing epsilon"},
        {"probes", OPT_INT, &P.probes, 2, 100000, "Hutchinson probes per projected point"},
        {"maxgd", OPT_INT, &P.maxgd, 1, 1e7, "GD iterations allowed for one projection"},
        {"depth", OPT_INT, &P.depth, 0, 30, "bisection depth allowed between two epochs"},
        {"npts", OPT_INT, &P.npts, 1, 1000, "interior points of each chord"},
        {"early", OPT_INT, &P.early, -1, 100000, "epochs of the early phase, not projected (-1: half of --epochs)"},
        {"stride", OPT_INT, &P.stride, -1, 100000, "epochs between checkpoints of the path (-1: (epochs - early)/10)"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (P.batch > P.ntrain)
        run_usage_error(&run, "--batch must not exceed --ntrain");
    if (P.early < 0)
        P.early = P.epochs / 2;
    if (P.stride < 0)
        P.stride = (P.epochs - P.early) / 10 > 1 ? (P.epochs - P.early) / 10 : 1;
    if ((P.epochs - P.early) / P.stride < 2)
        run_usage_error(&run, "need at least 3 checkpoints after the early phase (--epochs, --early, --stride)");

    /* data: ntrain random training images, the first ntest test images,
     * both averaged over 2×2 blocks to 14×14 */
    fmnist_set all, train, test;
    run_load_fmnist_subset(&run, datadir, "train", P.ntrain, "--ntrain", 50000, &train);
    run_load_fmnist(&run, datadir, "t10k", P.ntest, "--ntest", &all);
    size_t *ti = SGDN_NEW(ti, P.ntest);
    for (long i = 0; i < P.ntest; i++)
        ti[i] = (size_t)i;
    fmnist_subset(&all, ti, (int)P.ntest, &test);
    fmnist_free(&all), free(ti);
    fmnist_downsample(&train, 2), fmnist_downsample(&test, 2);

    /* >>> snippet wei-path-net */
    nn_net net;
    nn_cnn3(&net, 14, 1, 15, 20, 10); /* padding 1: 14 → 7 → 3 */
    nn_set_loss(&net, NN_LOSS_CE, P.smooth);
    /* <<< snippet */
    size_t D = net.D;
    long E = P.epochs, spe = P.ntrain / P.batch, K = P.inits;
    double L0 = nnobs_smoothing_floor(P.smooth, 10);

    /* one work item (shard.h) per initialisation, its streams keyed by it */
    long nc = (E - P.early) / P.stride + 1, cap = path_cap(&P, spe, nc), lo, hi;
    size_t rb = path_bytes(&P, cap);
    char *recs = SGDN_NEW0(recs, sgdn_mul(K, rb));
    path *paths = SGDN_NEW(paths, K);
    for (long k = 0; k < K; k++)
        paths[k] = path_bind(&P, recs + k * rb, cap);
    int *status = SGDN_NEW0(status, K), done = 0;
    shard_items(&run, &sh, K, &lo, &hi);
#pragma omp parallel for schedule(dynamic, 1)
    for (long k = lo; k < hi; k++) {
        job j = {.P = &P, .net = &net, .e = nn_eval_new(&net),
                 .train = {train.x, train.y, NULL, train.n}, .test = {test.x, test.y, NULL, test.n},
                 .spe = spe, .seed = (uint64_t)run.seed, .init = k, .perm_epoch = -1,
                 .out = &paths[k], .run = &run};
        j.perm = SGDN_NEW(j.perm, P.ntrain), j.g = SGDN_NEW(j.g, D), j.work = SGDN_NEW(j.work, D);
        status[k] = run_init(&j);
        nn_eval_free(j.e), free(j.perm), free(j.g), free(j.work);
#pragma omp critical
        run_progress(&run, "initialisations", (double)++done / (double)(hi - lo));
    }
    for (long k = lo; k < hi; k++)
        if (status[k])
            run_fail(&run, "initialisation %ld: %s", k, sgdn_strerror(status[k]));
    free(status);
    shard_gather(&run, &sh, recs, rb); /* a shard writes its paths and exits */

    /* the projected paths, point by point, in initialisation order */
    FILE *f = run_open(&run, ".tsv",
                       "init\tepoch\tloss_excess\ttest_loss\tchord_excess\ttau_excess\tconnected\tdepth\tgd_iters\treached\ttrace\ttrace_se");
    long nseg = 0, nconn = 0, nund = 0, nproj = 0, nreach = 0, gdmax = 0, npoints = 0;
    for (long k = 0; k < K; k++) {
        path *pa = &paths[k];
        for (int i = 0; i < pa->h->n; i++) {
            ppoint *q = &pa->p[i];
            double ep = (double)q->t / spe;
            fprintf(f, "%ld\t%.6f\t%.6g\t%.6g\t%.6g\t%.6g\t%d\t%d\t%ld\t%d\t%.6g\t%.3g\n", k, ep,
                    q->loss - L0, q->test, q->chord - L0, pa->h->tau - L0, q->connected, q->depth,
                    q->gd, q->reached, q->tr, q->tr_se);
            nproj++, nreach += q->reached, gdmax = q->gd > gdmax ? q->gd : gdmax;
            /* a chord is decided when it is below τ, or above τ with its ends
             * one iteration apart (nothing left to bisect); it is left
             * undecided when the depth cap stopped the bisection */
            if (i > 0)
                nseg++, nconn += q->connected,
                nund += !q->connected && q->depth >= P.depth && q->t - pa->p[i - 1].t > 1;
        }
        npoints += pa->h->n;
        fprintf(f, "\n\n");
    }
    run_close(&run, f);

    /* per init: the slope of ln Tr H against epoch along the path, and the
     * ratio of the last checkpoint's trace to the first's */
    double *slope = SGDN_NEW(slope, K), *ratio = SGDN_NEW(ratio, K), *relse = SGDN_NEW(relse, K);
    double *xe = SGDN_NEW(xe, nc), *ye = SGDN_NEW(ye, nc);
    double *lt = SGDN_NEW(lt, sgdn_mul(K, nc)), *trs = SGDN_NEW(trs, sgdn_mul(K, nc));
    double *pl = SGDN_NEW(pl, sgdn_mul(K, nc)), *pt = SGDN_NEW(pt, sgdn_mul(K, nc));
    for (long k = 0; k < K; k++) {
        long m = 0;
        relse[k] = 0.0;
        for (int i = 0; i < paths[k].h->n; i++) {
            ppoint *q = &paths[k].p[i];
            if (isnan(q->tr))
                continue; /* a bisection point */
            if (!(q->tr > 0))
                run_fail(&run, "initialisation %ld: Hessian trace %g at epoch %ld is not positive", k,
                         q->tr, q->t / spe);
            relse[k] += q->tr_se / q->tr / nc;
            xe[m] = (double)q->t / spe, ye[m] = log(q->tr);
            lt[k * nc + m] = ye[m], trs[k * nc + m] = q->tr;
            pl[k * nc + m] = q->loss - L0, pt[k * nc + m] = q->test;
            m++;
        }
        stats_fit fit;
        if (m != nc || stats_fit_line(xe, ye, (size_t)m, &fit))
            run_fail(&run, "initialisation %ld: the trend fit failed", k);
        slope[k] = fit.b, ratio[k] = trs[k * nc + nc - 1] / trs[k * nc];
    }
    double ms = stats_mean(slope, K), ses = stats_se(slope, K);
    double mr = stats_mean(ratio, K), ser = stats_se(ratio, K);
    long ndec = 0;
    for (long k = 0; k < K; k++)
        ndec += slope[k] < 0;

    /* means over initialisations: the SGD states every epoch, the
     * projected path at every checkpoint */
    double *a = SGDN_NEW(a, K), *b = SGDN_NEW(b, K), *c = SGDN_NEW(c, K), *dd = SGDN_NEW(dd, K);
    f = run_open(&run, "-sgd.tsv", "epoch\tsgd_excess_mean\tse\tmin\tmax");
    for (long e = 0; e <= E; e++) {
        for (long k = 0; k < K; k++)
            a[k] = paths[k].sgd_loss[e] - L0;
        double lo = a[0], hi = a[0];
        for (long k = 1; k < K; k++)
            lo = fmin(lo, a[k]), hi = fmax(hi, a[k]);
        fprintf(f, "%ld\t%.6g\t%.3g\t%.6g\t%.6g\n", e, stats_mean(a, K), stats_se(a, K), lo, hi);
    }
    run_close(&run, f);
    f = run_open(&run, "-mean.tsv",
                 "epoch\tproj_excess\tproj_excess_se\tproj_test\tproj_test_se\tlntrace\tlntrace_se\ttrace\ttrace_se\tdlntrace\tdlntrace_se");
    double *r0 = SGDN_NEW(r0, K);
    for (long m = 0; m < nc; m++) {
        for (long k = 0; k < K; k++)
            a[k] = pl[k * nc + m], b[k] = pt[k * nc + m], c[k] = lt[k * nc + m], dd[k] = trs[k * nc + m],
            r0[k] = lt[k * nc + m] - lt[k * nc]; /* ln(Tr/Tr at the first checkpoint) */
        fprintf(f, "%ld\t%.6g\t%.3g\t%.6g\t%.3g\t%.6g\t%.3g\t%.6g\t%.3g\t%.6g\t%.3g\n",
                P.early + m * P.stride, stats_mean(a, K), stats_se(a, K), stats_mean(b, K),
                stats_se(b, K), stats_mean(c, K), stats_se(c, K), stats_mean(dd, K), stats_se(dd, K),
                stats_mean(r0, K), stats_se(r0, K));
    }
    free(r0);
    run_close(&run, f);

    f = run_open(&run, "-slopes.tsv", "init\tslope_lntrace_per_epoch\ttrace_ratio_last_first\tlmin_excess\ttau_excess");
    for (long k = 0; k < K; k++)
        fprintf(f, "%ld\t%.6g\t%.6g\t%.6g\t%.6g\n", k, slope[k], ratio[k], paths[k].h->lmin - L0,
                paths[k].h->tau - L0);
    run_close(&run, f);

    double lmin_mean = 0.0;
    for (long k = 0; k < K; k++)
        lmin_mean += (paths[k].h->lmin - L0) / K;
    run_value(&run, "ntrain", "%ld", P.ntrain);
    run_value(&run, "ntest", "%ld", P.ntest);
    run_value(&run, "inits", "%ld", K);
    run_value(&run, "epochs", "%ld", E);
    run_value(&run, "early", "%ld", P.early);
    run_value(&run, "batch", "%ld", P.batch);
    run_value(&run, "spe", "%ld", spe);
    run_value(&run, "lr", "%g", P.lr);
    run_value(&run, "mu", "%g", P.mu);
    run_value(&run, "smoothing", "%g", P.smooth);
    run_value(&run, "L0", "%.4f", L0);
    run_value(&run, "D", "%zu", D);
    run_value(&run, "probes", "%ld", P.probes);
    run_value(&run, "depth", "%ld", P.depth);
    run_value(&run, "npts", "%ld", P.npts);
    run_value(&run, "maxgd", "%ld", P.maxgd);
    run_value(&run, "lmin-excess", "%.3g", lmin_mean);
    run_value(&run, "points", "%ld", npoints);
    run_value(&run, "stride", "%ld", P.stride);
    run_value(&run, "checkpoints", "%ld", nc);
    run_value(&run, "extra-points", "%ld", npoints - K * nc);
    run_value(&run, "segments", "%ld", nseg);
    run_value(&run, "connected", "%ld", nconn);
    run_value(&run, "decided", "%ld", nseg - nund);
    run_value(&run, "undecided", "%ld", nund);
    run_value(&run, "connected-pct", "%.1f", nseg > nund ? 100.0 * nconn / (nseg - nund) : 0.0);
    run_value(&run, "reached", "%ld", nreach);
    run_value(&run, "projections", "%ld", nproj);
    run_value(&run, "gd-max", "%ld", gdmax);
    run_value(&run, "slope", "%.4f", ms);
    run_value(&run, "slope-se", "%.4f", ses);
    run_value(&run, "slope-ndec", "%ld", ndec);
    run_value(&run, "ratio", "%.3f", mr);
    run_value(&run, "ratio-se", "%.3f", ser);
    run_value(&run, "hutch-relse-pct", "%.1f", 100.0 * stats_mean(relse, K));

    /* Checks, fixed before the run. */
    char note[256];
    snprintf(note, sizeof note, "%ld of %ld projections reached L < L_min within %ld GD iterations",
             nreach, nproj, P.maxgd);
    run_check(&run, (run_check_row){.id = "WEI-PATH", .tests = CHECK_CONTROL,
        .check = "fraction of projections that reached the target loss", .rel = REL_GE,
        .measured = (double)nreach / nproj, .predicted = 1.0, .tol = 0.0,
        .basis = "every projection must reach it", .note = note});
    long ndecd = nseg - nund;
    snprintf(note, sizeof note, "%ld of %ld decided chords from epoch %ld on below tau = L0 + 2(L_min - L0); "
             "%ld undecided at bisection depth %ld", nconn, ndecd, P.early, nund, P.depth);
    run_check(&run, (run_check_row){.id = "WEI-PATH", .tests = CHECK_PAPER,
        .check = "fraction of decided chords between consecutive projected points that are line-connected",
        .rel = REL_GE, .measured = ndecd ? (double)nconn / ndecd : 0.0, .predicted = 1.0, .tol = 0.0,
        .basis = "count; paper: all", .note = note});
    snprintf(note, sizeof note, "%ld of %ld chords above tau where bisection depth %ld stopped with the ends more "
             "than one iteration apart", nund, nseg, P.depth);
    run_check(&run, (run_check_row){.id = "WEI-PATH", .tests = CHECK_CONTROL,
        .check = "chords left undecided at the bisection depth cap", .rel = REL_LE, .measured = (double)nund,
        .predicted = 0.0, .tol = 0.0, .basis = "count; the cap must decide every chord", .note = note});
    snprintf(note, sizeof note, "mean slope %.4f +- %.4f per epoch over %ld inits (%ld decreasing); epochs %ld..%ld",
             ms, ses, K, ndec, P.early, E);
    run_check(&run, (run_check_row){.id = "WEI-PATH", .tests = CHECK_PAPER,
        .check = "upper 2-SE bound of the mean slope of ln Tr H vs epoch along the projected path",
        .rel = REL_LE, .measured = ms + 2.0 * ses, .predicted = 0.0, .tol = 0.0,
        .basis = "2 SE over initialisations", .note = note});

    free(recs), free(paths), free(slope), free(ratio), free(relse), free(xe), free(ye);
    free(a), free(b), free(c), free(dd), free(lt), free(trs), free(pl), free(pt);
    fmnist_free(&train), fmnist_free(&test);
    return run_finish(&run);
}
