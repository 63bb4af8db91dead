/* cross_net — CROSS at a network minimum: the short-time loss increase of
 * true minibatch SGD from a GD minimum of a small MLP on Fashion-MNIST
 * (mean-square loss on one-hot targets, so L(θ*) > 0), against Zhu's
 * Eq. 13 with the measured Σ and H, against the same formula under Mori's
 * noise model, and against the discrete linear chain.
 *
 * Escape from a network minimum is out of reach; what the four theories
 * say about the first steps away from it is not.  With t = ηk and the SDE
 * dθ = −H(θ−θ*)dt + √(ηΣ) dW (Σ the minibatch noise covariance at θ*),
 *     E[L(θ_t) − L(θ*)] = ¼ Tr((I − e^{−2Ht}) ηΣ)             (Zhu, Eq. 13),
 * and the iteration itself, linearised, gives ½ Tr(H V_k) with
 * V_k = Σ_{j<k} η² (I − ηH)^j Σ (I − ηH)^j.  Mori's model (Eq. 6, for K
 * outputs with isotropic residuals) is Σ ≈ c_B (2 L_star / K) H.  The measured
 * quantity is E[L(SGD_k)] − L(GD_k), both from θ*, so that the small
 * residual gradient's deterministic descent cancels.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <omp.h>

#include "cross.h"
#include "fmnist.h"
#include "linalg.h"
#include "nn.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "stats.h"

#define NJ 5
static const long JS[NJ] = {1, 2, 5, 10, 20}; /* recorded steps */

/* One SGD run from θ* (a work item of shard.h): its loss increase over GD
 * at the recorded steps. */
typedef struct {
    double dl[NJ];
} sgd_record;

/* The network problem: the training set, the net, its minimum θ* and the
 * GD path from θ* (the reference of the measurement). */
typedef struct {
    fmnist_set tr;
    nn_net net;
    nn_data all;
    size_t D;
    double *th, Lstar, gnorm, gd[NJ];
} problem;

/* GD from the initialisation to θ* (gd_iters steps of gd_eta), then the
 * loss of GD from θ* at the recorded steps of eta. */
static void gd_minimum(run_ctx *run, nn_eval *e, problem *p, long gd_iters, double gd_eta, double eta)
{
    size_t D = p->D;
    double *g = SGDN_NEW(g, D), *x = SGDN_NEW(x, D);
    p->th = SGDN_NEW(p->th, D);
    nn_init_params(&p->net, p->th, (uint64_t)run->seed, 2);
    for (long it = 0; it < gd_iters; it++) {
        nn_loss_grad(e, p->th, p->all, g, NULL);
        cblas_daxpy((int)D, -gd_eta, g, 1, p->th, 1);
        if (it % 200 == 0)
            run_progress(run, "GD", (it + 1.0) / gd_iters);
    }
    p->Lstar = nn_loss_grad(e, p->th, p->all, g, NULL), p->gnorm = cblas_dnrm2((int)D, g, 1);
    run_require_finite(run, &p->Lstar, 1, "loss at the minimum");
    memcpy(x, p->th, D * sizeof *x);
    for (long k = 1, j = 0; j < NJ; k++) {
        nn_loss_grad(e, x, p->all, g, NULL);
        cblas_daxpy((int)D, -eta, g, 1, x, 1);
        if (k == JS[j])
            p->gd[j++] = nn_loss_grad(e, x, p->all, NULL, NULL);
    }
    free(g), free(x);
}

/* SGD runs [lo, hi) from θ* into rec[r]; run r draws its minibatches from
 * the stream (seed, 3, r), so its record does not depend on which thread
 * or shard computes it.  One evaluator and state per thread (nn's own
 * chunk parallelism is then serial, and every run's arithmetic is the
 * same whatever the thread). */
static void sgd_runs(run_ctx *run, const problem *p, int nth, double eta, long B, long lo, long hi,
                     sgd_record *rec)
{
    size_t D = p->D;
    long n = p->all.n;
    nn_eval **ev = SGDN_NEW(ev, nth);
    double *xs = SGDN_NEW(xs, (size_t)nth * D), *gs = SGDN_NEW(gs, (size_t)nth * D);
    for (int i = 0; i < nth; i++)
        ev[i] = nn_eval_new(&p->net);
#pragma omp parallel for schedule(dynamic) num_threads(nth)
    for (long r = lo; r < hi; r++) {
        int tid = omp_get_thread_num();
        nn_eval *er = ev[tid];
        double *xr = xs + (size_t)tid * D, *gr = gs + (size_t)tid * D;
        size_t idx[64];
        rng_stream rr;
        rng_init_sub(&rr, (uint64_t)run->seed, 3, (uint64_t)r);
        memcpy(xr, p->th, D * sizeof *xr);
        for (long k = 1, j = 0; j < NJ; k++) {
            /* >>> snippet cross-net-sgd */
            rng_distinct(&rr, (uint64_t)n, (size_t)B, idx); /* B distinct samples */
            nn_data mb = {p->tr.x, p->tr.y, idx, (int)B};
            nn_loss_grad(er, xr, mb, gr, NULL);
            cblas_daxpy((int)D, -eta, gr, 1, xr, 1);
            /* <<< snippet */
            if (k == JS[j])
                rec[r].dl[j] = nn_loss_grad(er, xr, p->all, NULL, NULL) - p->gd[j], j++;
        }
    }
    for (int i = 0; i < nth; i++)
        nn_eval_free(ev[i]);
    free(ev), free(xs), free(gs);
    if (hi > lo)
        run_progress(run, "SGD runs", 1.0);
}

/* The predictions from H and Σ at θ*, and the exact first step. */
typedef struct {
    double zhu[NJ], mori[NJ], lin[NJ];
    double lam1, lamD, trHS, trHM, ex1; /* ex1: NaN unless B = 1 */
} prediction;

static prediction predict(run_ctx *run, nn_eval *e, const problem *pb, double eta, long B)
{
    size_t D = pb->D;
    long n = pb->all.n;
    prediction pr = {.ex1 = NAN};
    double *H = SGDN_NEW(H, D * D), *G = SGDN_NEW(G, (size_t)n * D), *S = SGDN_NEW0(S, D * D);
    double *lam = SGDN_NEW(lam, D), *U = SGDN_NEW(U, D * D), *T = SGDN_NEW(T, D * D), *g = SGDN_NEW(g, D);
    nn_loss_grad(e, pb->th, pb->all, g, NULL);
    nn_hessian_dense(e, pb->th, pb->all, H);
    nn_grad_per_sample(e, pb->th, pb->all, G, NULL);
    double cB = cross_batch_factor(n, B), Lstar = pb->Lstar;
    /* Σ = c_B ((1/N) GᵀG − ggᵀ) */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)D, (int)n, cB / n, G, (int)D, 0.0, S, (int)D);
    cblas_dsyr(CblasRowMajor, CblasUpper, (int)D, -cB, g, 1, S, (int)D);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < i; j++)
            S[i * D + j] = S[j * D + i];
    int st = linalg_sym_eig((int)D, H, lam, U);
    if (st)
        run_fail(run, "eigen-decomposition of H failed (LAPACK info %d)", st);
    /* s_i = u_iᵀ Σ u_i, m_i = u_iᵀ Σ_M u_i = c_B (2 L_star / K) λ_i */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)D, (int)D, (int)D, 1.0, S, (int)D, U, (int)D, 0.0, T,
                (int)D);
    double *sdiag = SGDN_NEW(sdiag, D);
    for (size_t k = 0; k < D; k++) {
        double s = 0;
        for (size_t i = 0; i < D; i++)
            s += U[i * D + k] * T[i * D + k];
        sdiag[k] = s;
        pr.trHS += lam[k] * s;
        pr.trHM += lam[k] * cB * 2 * Lstar / FMNIST_CLASSES * lam[k];
    }
    double *zhu = pr.zhu, *mori = pr.mori, *lin = pr.lin;
    for (int j = 0; j < NJ; j++) {
        /* >>> snippet cross-net-predict */
        double t = eta * JS[j];
        zhu[j] = mori[j] = lin[j] = 0;
        for (size_t k = 0; k < D; k++) {
            double a = 1 - exp(-2 * lam[k] * t), q = (1 - eta * lam[k]) * (1 - eta * lam[k]), geo = 0, p = 1;
            zhu[j] += 0.25 * eta * a * sdiag[k];                                    /* Eq. 13 */
            mori[j] += 0.25 * eta * a * cB * 2 * Lstar / FMNIST_CLASSES * lam[k]; /* Σ_M */
            for (long i = 0; i < JS[j]; i++)
                geo += p, p *= q;
            lin[j] += 0.5 * eta * eta * lam[k] * sdiag[k] * geo;                     /* ½Tr(H V_k) */
        }
        /* <<< snippet */
    }
    pr.lam1 = lam[0], pr.lamD = lam[D - 1];
    if (B == 1) { /* the exact first step for B = 1: the mean over the data */
        double s = 0;
        for (long i = 0; i < n; i++) {
            memcpy(g, pb->th, D * sizeof *g);
            cblas_daxpy((int)D, -eta, G + (size_t)i * D, 1, g, 1);
            s += nn_loss_grad(e, g, pb->all, NULL, NULL) - pb->gd[0];
        }
        pr.ex1 = s / n;
    }
    free(H), free(G), free(S), free(lam), free(U), free(T), free(g), free(sdiag);
    return pr;
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "cross_net", "CROSS: short-time loss increase of SGD at an MLP minimum vs Zhu, Mori, the linear chain",
              argc, argv);
    long n = run.ci ? 300 : 1000, width = 8, gd_iters = run.ci ? 1500 : 4000, reps = run.ci ? 300 : 2000, B = 1;
    double gd_eta = 0.5, eta = 0.1;
    const char *datadir = NULL;
    opts_spec spec[] = {{"n", OPT_INT, &n, 20, 10000, "training images (7x7, downsampled)"},
                        {"width", OPT_INT, &width, 1, 256, "hidden ReLU units"},
                        {"gd-iters", OPT_INT, &gd_iters, 1, 1e6, "GD iterations to the minimum"},
                        {"gd-eta", OPT_DOUBLE, &gd_eta, 1e-4, 10, "GD learning rate"},
                        {"eta", OPT_DOUBLE, &eta, 1e-4, 10, "SGD learning rate"},
                        {"B", OPT_INT, &B, 1, 64, "SGD batch size"},
                        {"reps", OPT_INT, &reps, 10, 1e7, "SGD runs from the minimum"},
                        FMNIST_OPT_DATA_DIR(datadir),
                        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (B > n)
        run_usage_error(&run, "--B must not exceed --n");

    /* --- data, net, GD to a minimum ------------------------------------ */
    problem p;
    fmnist_set all;
    char err[1024];
    if (fmnist_load_at_least(datadir, "train", (int)n, "--ntrain", &all, err, sizeof err))
        run_fail(&run, "%s", err);
    rng_stream rs;
    rng_init(&rs, (uint64_t)run.seed, 1);
    fmnist_random_subset(&all, (int)n, &rs, &p.tr);
    fmnist_free(&all);
    fmnist_downsample(&p.tr, 4);
    int w = (int)width;
    nn_mlp(&p.net, p.tr.d, 1, &w, FMNIST_CLASSES);
    nn_set_loss(&p.net, NN_LOSS_MSE, 0.0);
    p.D = p.net.D;
    p.all = (nn_data){p.tr.x, p.tr.y, NULL, (int)n};
    /* The net is tiny: splitting a pass into chunks on several threads costs
     * more than it saves, so every evaluator is serial (created with one
     * thread) and the threads run independent SGD runs instead. */
    int nth = omp_get_max_threads();
    omp_set_num_threads(1);
    nn_eval *e = nn_eval_new(&p.net);
    gd_minimum(&run, e, &p, gd_iters, gd_eta, eta);

    /* --- measurement: SGD runs from θ*, minus GD (work items of shard.h) - */
    long lo, hi;
    sgd_record *rec = SGDN_NEW(rec, reps);
    shard_items(&run, &sh, reps, &lo, &hi);
    sgd_runs(&run, &p, nth, eta, B, lo, hi, rec);
    shard_gather(&run, &sh, rec, sizeof *rec); /* a shard writes its runs and exits */

    /* --- H, Σ and the predictions --------------------------------------- */
    prediction pd = predict(&run, e, &p, eta, B);
    omp_set_num_threads(nth); /* the provenance records the threads the run had */
    double m[NJ], se[NJ];
    for (int j = 0; j < NJ; j++) {
        stats_acc a;
        stats_acc_init(&a);
        for (long r = 0; r < reps; r++)
            stats_acc_add(&a, rec[r].dl[j]);
        m[j] = a.mean, se[j] = stats_acc_se(&a);
    }
    run_require_finite(&run, m, NJ, "loss increase");
    const double *zhu = pd.zhu, *mori = pd.mori, *lin = pd.lin;
    double Lstar = p.Lstar, gnorm = p.gnorm, trHS = pd.trHS, trHM = pd.trHM, ex1 = pd.ex1;
    size_t D = p.D;
    /* --- outputs ----------------------------------------------------------- */
    FILE *f = run_open(&run, ".tsv", "k\tt\tdL_sgd_minus_gd\tse\tzhu_eq13\tmori_model\tlinear_chain");
    for (int j = 0; j < NJ; j++)
        fprintf(f, "%ld\t%g\t%.6g\t%.4g\t%.6g\t%.6g\t%.6g\n", JS[j], eta * JS[j], m[j], se[j], zhu[j], mori[j], lin[j]);
    run_close(&run, f);
    double z99 = stats_z_two_sided(0.01), l10 = log(10.0);
    f = run_open(&run, "_rates.tsv", "theory\tx\tlog10_err\tlo\thi");
    const char *nm[3] = {"Zhu Eq. 13", "linear chain", "Mori's noise model"};
    const double *pr[3] = {zhu, lin, mori};
    double zmax[3] = {0, 0, 0};
    for (int q = 0; q < 3; q++) {
        fprintf(f, "# %s\n", nm[q]);
        for (int j = 0; j < NJ; j++) {
            double le = log10(pr[q][j] / m[j]), hw = z99 * se[j] / fabs(m[j]) / l10;
            fprintf(f, "%d\t%.3f\t%.5g\t%.5g\t%.5g\n", q, j + 1 + 0.12 * (q - 1), le, le - hw, le + hw);
            zmax[q] = fmax(zmax[q], fabs(m[j] - pr[q][j]) / se[j]);
        }
        fprintf(f, "\n\n");
    }
    run_close(&run, f);

    /* --- checks ------------------------------------------------------------ */
    char basis[64];
    snprintf(basis, sizeof basis, "Bonferroni z (1%%, %d times)", NJ);
    double zb = stats_z_bonferroni(0.01, NJ);
    run_check(&run, (run_check_row){.id = "CROSS", .tests = CHECK_PAPER,
                                    .check = "ZHU at an MLP minimum: SGD loss increase vs Eq. 13 (max |z| over k)",
                                    .rel = REL_LE, .measured = zmax[0], .predicted = 0, .tol = zb, .basis = basis});
    run_check(&run, (run_check_row){.id = "CROSS", .tests = CHECK_PAPER,
                                    .check = "MORI at an MLP minimum: loss increase vs Eq. 13 with Sigma = c_B (2L*/K) H (max |z|)",
                                    .rel = REL_LE, .measured = zmax[2], .predicted = 0, .tol = zb, .basis = basis});
    run_check(&run, (run_check_row){.id = "CROSS", .tests = CHECK_CORRECTED,
                                    .check = "ZHU at an MLP minimum: loss increase vs the discrete linear chain (max |z|)",
                                    .rel = REL_LE, .measured = zmax[1], .predicted = 0, .tol = zb, .basis = basis});
    if (B == 1)
        run_check(&run, (run_check_row){.id = "CROSS", .tests = CHECK_EXACT,
                                        .check = "MLP minimum: first-step loss increase vs the mean over the data (B = 1)",
                                        .rel = REL_EQ, .measured = m[0], .predicted = ex1, .tol = z99 * se[0],
                                        .basis = "z (1%) x SE"});
    run_value(&run, "n", "%ld", n);
    run_value(&run, "width", "%ld", width);
    run_value(&run, "D", "%zu", D);
    run_value(&run, "gd-iters", "%ld", gd_iters);
    run_value(&run, "gd-eta", "%g", gd_eta);
    run_value(&run, "eta", "%g", eta);
    run_value(&run, "B", "%ld", B);
    run_value(&run, "reps", "%ld", reps);
    run_value(&run, "Lstar", "%.4f", Lstar);
    run_value(&run, "gnorm", "%.2g", gnorm);
    run_value(&run, "lam1", "%.3g", pd.lam1);
    run_value(&run, "lamD", "%.2g", pd.lamD);
    run_value(&run, "trHS", "%.3g", trHS);
    run_value(&run, "trHM", "%.3g", trHM);
    run_value(&run, "ratio", "%.2f", trHS / trHM);
    run_value(&run, "z-zhu", "%.1f", zmax[0]);
    run_value(&run, "z-lin", "%.1f", zmax[1]);
    run_value(&run, "z-mori", "%.1f", zmax[2]);
    run_value(&run, "zb", "%.2f", zb);
    for (int q = 0; q < 3; q++) {
        char key[32];
        snprintf(key, sizeof key, "le1-%d", q);
        run_value(&run, key, "%+.3f", log10(pr[q][0] / m[0]));
        snprintf(key, sizeof key, "le5-%d", q);
        run_value(&run, key, "%+.3f", log10(pr[q][NJ - 1] / m[NJ - 1]));
    }
    run_value(&run, "kmax", "%ld", JS[NJ - 1]);
    char ks[64] = "";
    for (int j = 0; j < NJ; j++)
        snprintf(ks + strlen(ks), sizeof ks - strlen(ks), "%s%ld", j ? ", " : "", JS[j]);
    run_value(&run, "ks", "%s", ks);
    free(p.th), free(rec);
    nn_eval_free(e);
    fmnist_free(&p.tr);
    return run_finish(&run);
}
