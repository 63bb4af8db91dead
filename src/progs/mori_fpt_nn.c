/* mori_fpt_nn — MORI-FPT-NN: mean first-passage time of SGD on a neural
 * network from a pre-trained minimum to the level L = C·L(θ*) (Mori et
 * al., §5.3, Fig. 3c, App. E).
 *
 * Binary Fashion-MNIST (the first N training images, label ±1 by even/odd
 * class index, pixels in [0, 1]), one hidden layer of 10 ReLU units, one
 * output, ℓ = ½(f − y)² (D = 7,861 on 28 × 28 images, the paper's P).
 *   1. Pre-train: SGD, η = 0.01, B = 100, 10⁵ iterations from Glorot.
 *   2. At θ*: the spectrum of G = (1/N) Σ ∇f∇fᵀ (App. E, Eq. 43) through
 *      the N × N Gram matrix K = J Jᵀ (nonzero eigenvalues of G = those of
 *      K/N): h* = its top eigenvalue (Lanczos), n = (Tr G)²/Tr G² (Eq. 44,
 *      the participation ratio, from traces of K), and the kurtosis
 *      κ = E g⁴/(E g²)² of the per-sample slopes g_μ = ∇f_μ·u along the top
 *      eigenvector u (g = √(N h*) w for the unit eigenvector w of K).
 *   3. From θ*, R runs of SGD with B = 10 for each η; each records the first
 *      step with L ≥ C_j L* for a log grid of C_j (t = ηk); the full loss
 *      after every step comes exactly from fptnn.h.  Levels reached by
 *      every run within the time cap are used (no censoring).
 * Slopes of log t_p on log C (bootstrap over runs for their SE) against
 * B/(ηh*) + 1 − n/2 (Eq. 16), and the fit slope = a/η + c across η against
 * a = B/h* (paper) and a = B/((κ − 1)h*) (the exact noise along u, whose
 * z² coefficient is (κ − 1)h*² instead of the decoupled h*²; MORI-PHI).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "err.h"
#include "fmnist.h"
#include "fptnn.h"
#include "mlp.h"
#include "mori.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "spectral.h"
#include "stats.h"

#define MAXC 40
#define MAXETA 8
#define HID 10
#define PAPER_HSTAR 95.6 /* the paper's h* (App. E), for the report only */

typedef struct {
    const double *K;
    int N;
} gram_op_ctx;

static void gram_op(void *c, const double *x, double *y)
{
    const gram_op_ctx *g = c;
    cblas_dsymv(CblasRowMajor, CblasUpper, g->N, 1.0 / g->N, g->K, g->N, x, 1, 0.0, y, 1);
}

static double full_loss(const mlp_net *m, mlp_work *w, const double *th, const double *X,
                        const double *y, int N, double *F)
{
    mlp_forward(m, w, th, X, N, F);
    double L = 0.0;
    for (int i = 0; i < N; i++)
        L += 0.5 * (F[i] - y[i]) * (F[i] - y[i]);
    return L / N;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "mori_fpt_nn", "MORI-FPT-NN: mean first-passage time vs C, neural network", argc, argv);
    long N = run.ci ? 1000 : 10000, pre_iters = run.ci ? 10000 : 100000, pre_B = 100, B = 10;
    /* ci: more runs at its smaller N, so that the rows on the coefficient of
     * 1/eta can tell B/h* from B/((kappa - 1) h*), as the paper profile's can */
    long reps = run.ci ? 150 : 50, boot = 400, neig = 30;
    double pre_lr = 0.01, Clo = 1.1, Cmax = 20, tcap = run.ci ? 30 : 40, tfit = 1.0;
    opts_list cetas = {3, {0.75, 1.0, 1.25}};
    const char *datadir = NULL;
    opts_spec spec[] = {
        {"N", OPT_INT, &N, 100, 60000, "training images (the first N; paper 10^4)"},
        {"pre-iters", OPT_INT, &pre_iters, 1, 1e8, "pre-training iterations (paper 10^5)"},
        {"pre-lr", OPT_DOUBLE, &pre_lr, 1e-6, 10, "pre-training learning rate"},
        {"pre-B", OPT_INT, &pre_B, 1, 10000, "pre-training minibatch"},
        {"B", OPT_INT, &B, 1, 1000, "minibatch of the passage runs"},
        {"eta-h", OPT_LIST, &cetas, 1e-3, 1.99, "learning rates of the passage runs as eta h* (below 2, the stability limit)"},
        {"reps", OPT_INT, &reps, 10, 1e6, "runs per learning rate"},
        {"Clo", OPT_DOUBLE, &Clo, 1.001, 1e6, "smallest C"},
        {"Cmax", OPT_DOUBLE, &Cmax, 1.002, 1e9, "largest C of the grid"},
        {"tcap", OPT_DOUBLE, &tcap, 0.01, 1e9, "time t = eta k each run is followed for"},
        {"tfit", OPT_DOUBLE, &tfit, 0, 1e9, "fit only levels with mean t_p >= tfit (the paper's Fig. 3c starts at 1)"},
        {"boot", OPT_INT, &boot, 50, 1e6, "bootstrap resamples"},
        {"neig", OPT_INT, &neig, 2, 200, "top eigenvalues of G to report"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (cetas.n > MAXETA)
        run_usage_error(&run, "--eta-h takes at most %d values", MAXETA);
    if (cetas.n < 3)
        run_usage_error(&run, "--eta-h needs at least three values (the fit across eta)");
    if (Cmax <= Clo)
        run_usage_error(&run, "--Cmax must exceed --Clo");
    if (pre_B > N || B > N)
        run_usage_error(&run, "minibatches must not exceed --N");
    if (neig > N)
        run_usage_error(&run, "--neig must not exceed --N");

    fmnist_set all;
    char err[1024];
    if (fmnist_load_at_least(datadir, "train", (int)N, "--N", &all, err, sizeof err))
        run_fail(&run, "%s", err);
    all.n = (int)N;
    int d = all.d;
    double *y = SGDN_NEW(y, N);
    for (long i = 0; i < N; i++)
        y[i] = all.y[i] % 2 == 0 ? 1.0 : -1.0;
    for (size_t i = 0; i < (size_t)N * d; i++) /* pixels in [0, 1], as mori_noise */
        all.x[i] = 0.5 * (all.x[i] + 1.0);

    /* 1. pre-training */
    int wh[1] = {HID};
    mlp_net m;
    mlp_init(&m, d, 1, wh, 1);
    double *th = SGDN_NEW(th, m.D), *g = SGDN_NEW(g, m.D), *F = SGDN_NEW(F, N);
    double *xb = SGDN_NEW(xb, sgdn_mul(pre_B, d)), *fb = SGDN_NEW(fb, pre_B);
    size_t *perm = SGDN_NEW(perm, N);
    mlp_work *wall = mlp_work_new(&m, (int)N), *wb = mlp_work_new(&m, (int)pre_B);
    mlp_init_params(&m, th, (unsigned long long)run.seed, 0);
    rng_stream rp;
    rng_init(&rp, (uint64_t)run.seed, 1);
    /* The work items: passage run r at learning rate ie is item
     * ie·reps + r, on stream (seed, 10 + ie, r); its record is the step of
     * first passage at every level (−1: not reached). A shard (shard.h)
     * computes a contiguous range of items; every shard, and the merge,
     * pre-trains alike (the merge silently: it computes no item). */
    long nitem = cetas.n * reps, lo, hi, done = 0;
    shard_items(&run, &sh, nitem, &lo, &hi);

    /* the pre-training curve, written after the passage runs (shard.h:
     * nothing is written before the gather) */
    long npre = 0, *pre_it = SGDN_NEW(pre_it, pre_iters / 1000 + 2);
    double *pre_L = SGDN_NEW(pre_L, pre_iters / 1000 + 2);
    long nb = N / pre_B, pos = nb;
    for (long it = 0; it <= pre_iters; it++) {
        if (it % 1000 == 0 || it == pre_iters) {
            double L = full_loss(&m, wall, th, all.x, y, (int)N, F);
            if (!isfinite(L))
                run_fail(&run, "pre-training diverged at iteration %ld", it);
            pre_it[npre] = it, pre_L[npre++] = L;
            if (hi > lo)
                run_progress(&run, "pre-training", (double)it / pre_iters);
        }
        if (it == pre_iters)
            break;
        if (pos == nb)
            rng_permutation(&rp, perm, (size_t)N), pos = 0;
        const size_t *bi = perm + pos++ * pre_B;
        for (long i = 0; i < pre_B; i++)
            memcpy(xb + i * d, all.x + bi[i] * d, d * sizeof *xb);
        mlp_forward(&m, wb, th, xb, (int)pre_B, fb);
        for (long i = 0; i < pre_B; i++)
            fb[i] -= y[bi[i]];
        mlp_backward(&m, wb, th, xb, (int)pre_B, fb, 1.0 / pre_B, g);
        for (size_t k = 0; k < m.D; k++)
            th[k] -= pre_lr * g[k];
    }
    double Lstar = full_loss(&m, wall, th, all.x, y, (int)N, F);
    long correct = 0;
    for (long i = 0; i < N; i++)
        correct += (F[i] > 0) == (y[i] > 0);

    /* 2. the spectrum of G at θ* */
    double hstar, trG = 0.0, trG2 = 0.0, kappa = 0.0, *ev = SGDN_NEW(ev, neig);
    {
        /* >>> snippet mori-fptnn-spectrum */
        double *K = SGDN_NEW(K, sgdn_mul(N, N)), *tmp = SGDN_NEW(tmp, sgdn_mul(N, N));
        mlp_forward(&m, wall, th, all.x, (int)N, F);
        mlp_ntk_gram(&m, wall, th, all.x, (int)N, K, tmp); /* K = J Jᵀ */
        free(tmp);
        for (long i = 0; i < N; i++) {
            trG += K[i * N + i] / N;                    /* Tr G = Tr K / N */
            for (long j = 0; j < N; j++)
                trG2 += K[i * N + j] * K[i * N + j];    /* Tr G² = |K|²_F / N² */
        }
        trG2 /= (double)N * N;
        double *wv = SGDN_NEW(wv, sgdn_mul(N, neig)), *res = SGDN_NEW(res, neig);
        rng_stream rl;
        rng_init(&rl, (uint64_t)run.seed, 2);
        gram_op_ctx gc = {K, (int)N};
        int steps = spectral_lanczos((size_t)N, gram_op, &gc, (int)neig, (int)(3 * neig + 20), &rl,
                                     ev, wv, res);
        if (steps < 0)
            run_fail(&run, "Lanczos failed on the Gram matrix");
        hstar = ev[0];
        double w2 = 0.0, w4 = 0.0; /* top eigenvector w of K: g = √(N h*) w */
        for (long i = 0; i < N; i++) {
            double wi = wv[i * neig];
            w2 += wi * wi, w4 += wi * wi * wi * wi;
        }
        kappa = N * w4 / (w2 * w2); /* E g^4 / (E g²)² */
        /* <<< snippet */
        run_value(&run, "lanczos-res", "%.1e", res[0] / hstar);
        free(K), free(wv), free(res);
    }
    double npr = trG * trG / trG2;
    run_require_finite(&run, ev, neig, "eigenvalues of G");

    /* 3. first passage, at η = (η h*)/h*: the paper does not state its η;
     * η h* sets both the exponent and whether the step is stable (< 2) */
    opts_list etas = cetas;
    for (int i = 0; i < etas.n; i++)
        etas.v[i] = cetas.v[i] / hstar;
    fptnn_data dt;
    fptnn_data_init(&dt, all.x, y, (int)N, d);
    int ne = etas.n;
    double logC[MAXC];
    for (int j = 0; j < MAXC; j++)
        logC[j] = log(Clo) + j * (log(Cmax) - log(Clo)) / (MAXC - 1);
    long *kpall = SGDN_NEW(kpall, sgdn_mul((size_t)nitem, MAXC));
    for (long i = 0; i < nitem * MAXC; i++)
        kpall[i] = -1;
#pragma omp parallel for schedule(dynamic, 1)
    for (long it = lo; it < hi; it++) {
        int ie = (int)(it / reps);
        long r = it % reps, *kp = kpall + it * MAXC;
        double eta = etas.v[ie];
        long kmax = (long)(tcap / eta);
        fptnn_state s;
        double L = fptnn_init(&s, &dt, HID, th, (int)B);
        rng_stream rs;
        rng_init_sub(&rs, (uint64_t)run.seed, 10 + (uint64_t)ie, (uint64_t)r);
        size_t *pr = SGDN_NEW(pr, N);
        long nbr = N / B, pb = nbr, k = 0;
        int lvl = 0;
        /* >>> snippet mori-fptnn-passage */
        while (lvl < MAXC && k < kmax) {
            if (pb == nbr) /* minibatches: a fresh permutation every epoch */
                rng_permutation(&rs, pr, (size_t)N), pb = 0;
            L = fptnn_step(&s, &dt, pr + pb++ * B, (int)B, eta);
            k++;
            double lr = log(L / Lstar);
            while (lvl < MAXC && lr >= logC[lvl])
                kp[lvl++] = k; /* t_p = η k */
        }
        /* <<< snippet */
        free(pr);
        fptnn_free(&s);
#pragma omp critical
        run_progress(&run, "passage runs", (double)++done / (hi - lo));
    }
    shard_gather(&run, &sh, kpall, MAXC * sizeof *kpall); /* a shard writes its runs and exits */
    fptnn_data_free(&dt);

    FILE *fp = run_open(&run, "_pretrain.tsv", "iteration\tloss");
    for (long i = 0; i < npre; i++)
        fprintf(fp, "%ld\t%.8g\n", pre_it[i], pre_L[i]);
    run_close(&run, fp);
    FILE *fe = run_open(&run, "_eig.tsv", "i\th_i");
    for (long i = 0; i < neig; i++)
        fprintf(fe, "%ld\t%.6g\n", i + 1, ev[i]);
    run_close(&run, fe);
    FILE *f = run_open(&run, ".tsv", "eta\tC\ttp\tse\tfitted");
    FILE *fs = run_open(&run, "_slopes.tsv", "eta\tinv_eta\tslope\tse\tpaper\tCmin\tCmax\tlevels\tintercept");
    double sl[MAXETA], sse[MAXETA], sp[MAXETA];
    int nlev[MAXETA];
    for (int ie = 0; ie < ne; ie++) {
        double eta = etas.v[ie];
        const long *kp = kpall + (size_t)ie * reps * MAXC;
        int nC = 0;
        for (; nC < MAXC; nC++) {
            long i = 0;
            while (i < reps && kp[i * MAXC + nC] >= 0)
                i++;
            if (i < reps)
                break;
        }
        /* the levels fitted: reached by every run, and mean t_p ≥ tfit;
         * at least the top three reached by every run */
        double lt[MAXC], mt[MAXC], st[MAXC];
        int j0 = nC;
        sp[ie] = B / (eta * hstar) + 1 - npr / 2;
        if (nC < 3)
            run_fail(&run, "eta = %g: fewer than 3 levels reached by every run; raise --tcap", eta);
        for (int j = 0; j < nC; j++) {
            stats_acc a;
            stats_acc_init(&a);
            for (long i = 0; i < reps; i++)
                stats_acc_add(&a, eta * kp[i * MAXC + j]);
            mt[j] = a.mean, lt[j] = log(a.mean), st[j] = stats_acc_se(&a);
            if (j0 == nC && a.mean >= tfit)
                j0 = j;
        }
        if (nC - j0 < 3) {
            j0 = nC - 3;
            fprintf(stderr, "mori_fpt_nn: eta = %g: the top 3 levels reached by every run are fitted\n", eta);
        }
        for (int j = 0; j < nC; j++)
            fprintf(f, "%g\t%.6g\t%.6g\t%.4g\t%d\n", eta, exp(logC[j]), mt[j], st[j], j0 <= j);
        fprintf(f, "\n\n");
        run_require_finite(&run, mt, nC, "mean passage time");
        stats_fit fit;
        if (stats_fit_line(logC + j0, lt + j0, nC - j0, &fit))
            run_fail(&run, "slope fit failed");
        sl[ie] = fit.b, nlev[ie] = nC;
        rng_stream rb;
        rng_init(&rb, (uint64_t)run.seed, 1000 + (uint64_t)ie);
        stats_acc sb;
        stats_acc_init(&sb);
        for (long b = 0; b < boot; b++) { /* bootstrap over runs */
            double sum[MAXC] = {0}, lb[MAXC];
            for (long i = 0; i < reps; i++) {
                long pick = (long)rng_uniform_int(&rb, (uint64_t)reps);
                for (int j = j0; j < nC; j++)
                    sum[j] += kp[pick * MAXC + j];
            }
            for (int j = j0; j < nC; j++)
                lb[j] = log(eta * sum[j] / reps);
            stats_fit fb2;
            if (stats_fit_line(logC + j0, lb + j0, nC - j0, &fb2))
                run_fail(&run, "bootstrap fit failed");
            stats_acc_add(&sb, fb2.b);
        }
        sse[ie] = sqrt(stats_acc_var(&sb));
        fprintf(fs, "%g\t%.6g\t%.5g\t%.4g\t%.5g\t%.4g\t%.4g\t%d\t%.5g\n", eta, 1 / eta, sl[ie], sse[ie], sp[ie],
                exp(logC[j0]), exp(logC[nC - 1]), nC - j0, fit.a);
    }
    run_close(&run, f);
    run_close(&run, fs);

    /* >>> snippet mori-fptnn-fit */
    /* slope = a/η + c across η, weighted by the bootstrap SEs: a = B/h* and
     * c = 1 − n/2 in Eq. 16, so h*_fit = B/a and n_fit = 2(1 − c). */
    double xi[MAXETA];
    for (int ie = 0; ie < ne; ie++)
        xi[ie] = 1.0 / etas.v[ie];
    stats_fit lf;
    double chi2 = NAN;
    if (stats_fit_line_weighted(xi, sl, sse, (size_t)ne, &lf, &chi2))
        run_fail(&run, "fit of the slopes across eta failed");
    /* <<< snippet */
    double a_paper = B / hstar, a_exact = B / ((kappa - 1) * hstar);
    for (int ie = 0; ie < ne; ie++) {
        char chk[160], key[64];
        snprintf(chk, sizeof chk, "eta = %g: slope of log t_p on log C vs B/(eta h*) + 1 - n/2 (h*, n of Eq. 44)",
                 etas.v[ie]);
        run_check(&run, (run_check_row){.id = "MORI-FPT-NN", .tests = CHECK_PAPER, .check = chk, .rel = REL_EQ,
            .measured = sl[ie], .predicted = sp[ie], .tol = 2 * sse[ie], .basis = "2 bootstrap SE over runs",
            .note = "Eq. 16, Fig. 3c"});
        snprintf(key, sizeof key, "slope-%d", ie), run_value(&run, key, "%.2f", sl[ie]);
        snprintf(key, sizeof key, "se-%d", ie), run_value(&run, key, "%.2f", sse[ie]);
        snprintf(key, sizeof key, "paper-%d", ie), run_value(&run, key, "%.2f", sp[ie]);
        snprintf(key, sizeof key, "eta-%d", ie), run_value(&run, key, "%g", etas.v[ie]);
        snprintf(key, sizeof key, "etah-%d", ie), run_value(&run, key, "%g", cetas.v[ie]);
        /* the same eta h* with the paper's h* (App. E) */
        snprintf(key, sizeof key, "eta-paperh-%d", ie), run_value(&run, key, "%.3f", cetas.v[ie] / PAPER_HSTAR);
        snprintf(key, sizeof key, "levels-%d", ie), run_value(&run, key, "%d", nlev[ie]);
    }
    run_check(&run, (run_check_row){.id = "MORI-FPT-NN", .tests = CHECK_PAPER,
        .check = "coefficient a of 1/eta in the slopes (fit a/eta + c) vs B/h*", .rel = REL_EQ,
        .measured = lf.b, .predicted = a_paper, .tol = 2 * lf.se_b, .basis = "2 SE of the weighted fit",
        .alt_name = "exact noise along the top eigenvector", .alt = a_exact});
    run_check(&run, (run_check_row){.id = "MORI-FPT-NN", .tests = CHECK_CORRECTED,
        .check = "coefficient a of 1/eta vs B/((kappa - 1) h*), exact noise along the top eigenvector", .rel = REL_EQ,
        .measured = lf.b, .predicted = a_exact, .tol = 2 * lf.se_b, .basis = "2 SE of the weighted fit",
        .alt_name = "decoupled noise (Eq. 6)", .alt = a_paper,
        .note = "z^2 coefficient of the noise along u: (kappa - 1) h*^2, not h*^2 (as MORI-PHI)"});
    run_value(&run, "N", "%ld", N);
    run_value(&run, "pre-iters", "%ld", pre_iters);
    run_value(&run, "pre-lr", "%g", pre_lr);
    run_value(&run, "pre-B", "%ld", pre_B);
    run_value(&run, "refresh", "%d", FPTNN_REFRESH);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "tcap", "%g", tcap);
    run_value(&run, "B", "%ld", B);
    run_value(&run, "D", "%zu", m.D);
    run_value(&run, "Lstar", "%.4f", Lstar);
    run_value(&run, "acc", "%.1f", 100.0 * correct / N);
    run_value(&run, "hstar", "%.1f", hstar);
    run_value(&run, "h2", "%.1f", ev[1]);
    run_value(&run, "trG", "%.1f", trG);
    run_value(&run, "npr", "%.1f", npr);
    run_value(&run, "kappa", "%.2f", kappa);
    /* κ against 2 (Gaussian inputs: 3): whether the exact noise along u
     * grows faster or more slowly than the decoupled one */
    run_value(&run, "kappa-side", "%s", kappa < 2 ? "below" : "above");
    run_value(&run, "noise-growth", "%s", kappa < 2 ? "more slowly" : "faster");
    run_value(&run, "c-shift", "%.1f", -B / (2 * (kappa - 1)));
    run_value(&run, "chi2-dof", "%d", ne - 2);
    run_value(&run, "a-fit", "%.4f", lf.b);
    run_value(&run, "a-se", "%.4f", lf.se_b);
    run_value(&run, "a-paper", "%.4f", a_paper);
    run_value(&run, "a-exact", "%.4f", a_exact);
    run_value(&run, "c-fit", "%.2f", lf.a);
    run_value(&run, "c-se", "%.2f", lf.se_a);
    run_value(&run, "h-fit", "%.1f", B / lf.b);
    run_value(&run, "n-fit", "%.1f", 2 * (1 - lf.a));
    run_value(&run, "n-fit-se", "%.1f", 2 * lf.se_a);
    run_value(&run, "chi2", "%.1f", chi2);
    run_value(&run, "Clo", "%g", Clo);
    run_value(&run, "tfit", "%g", tfit);
    mlp_work_free(wall), mlp_work_free(wb);
    free(th), free(g), free(F), free(xb), free(fb), free(perm), free(y), free(ev);
    free(kpall), free(pre_it), free(pre_L);
    fmnist_free(&all);
    return run_finish(&run);
}
