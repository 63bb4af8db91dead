/* mori_decouple — MORI-DECOUPLE: the decoupling approximation (Mori et al.,
 * Eq. 7, §5.1, Fig. 1).
 *
 * Binary Fashion-MNIST (the first N training images; label +1 for an even
 * class index, −1 for an odd one, as the paper's even/odd MNIST digits),
 * two hidden layers of 100 ReLU units, one output, ℓ = ½(f − y)², SGD
 * with η = 0.01, B = 100 from Glorot weights.  At three epochs the
 * nonzero eigenvalues of
 *   exact      (1/N) Σ_μ ℓ_μ ∇f_μ∇f_μᵀ = (1/N) Jᵀ diag(ℓ) J
 *   decoupled  L · (1/N) Σ_μ ∇f_μ∇f_μᵀ = (L/N) JᵀJ
 * are those of the N × N matrices (1/N) diag(√ℓ) K diag(√ℓ) and (L/N) K,
 * K = J Jᵀ the Gram matrix of the per-sample gradients (mlp.h), all N of
 * them, by LAPACK.  Several seeds (initialisation and minibatches).
 *
 * The test, fixed before any run: over the top half of each spectrum (the
 * paper excepts "very small eigenvalues"), the Kolmogorov–Smirnov distance
 * between the log-eigenvalues of the exact and the decoupled matrix, mean
 * over seeds, must not exceed the KS distance between the exact spectra of
 * two different seeds (mean over pairs) by more than 2 SE.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fmnist.h"
#include "linalg.h"
#include "mlp.h"
#include "mori.h"
#include "rng.h"
#include "run.h"
#include "shard.h"
#include "stats.h"

#define NT 3       /* checkpoints */
#define MAXSEED 8
#define NBIN 60    /* histogram bins in log10 λ */

/* One seed's results, pointing into its record: a block of 2 NT (N + 1)
 * doubles, the eigenvalues of both matrices at every checkpoint (NT × N
 * each, descending), then L and the accuracy at every checkpoint. */
typedef struct {
    double *ex, *dec, *L, *acc;
} result;

static size_t record_len(long N) { return 2 * (size_t)NT * ((size_t)N + 1); }

static result record_view(double *rec, long N)
{
    return (result){rec, rec + (size_t)NT * N, rec + 2 * (size_t)NT * N, rec + 2 * (size_t)NT * N + NT};
}

static void spectra(run_ctx *run, const mlp_net *m, mlp_work *w, const double *th, const fmnist_set *s,
                    const double *y, double *K, double *tmp, double *ex, double *dec, double *Lout,
                    double *acc)
{
    int N = s->n;
    double *F = SGDN_NEW(F, N), *sq = SGDN_NEW(sq, N);
    mlp_forward(m, w, th, s->x, N, F);
    double L = 0.0;
    long cor = 0;
    for (int i = 0; i < N; i++) {
        double l = 0.5 * (F[i] - y[i]) * (F[i] - y[i]);
        L += l, sq[i] = sqrt(l), cor += (F[i] > 0) == (y[i] > 0);
    }
    L /= N;
    *Lout = L, *acc = (double)cor / N;
    /* >>> snippet mori-decouple-gram */
    mlp_ntk_gram(m, w, th, s->x, N, K, tmp); /* K_μnu = ∇f_μ·∇f_nu */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double k = K[(size_t)i * N + j] / N;
            tmp[(size_t)i * N + j] = sq[i] * k * sq[j]; /* (1/N) diag(√ℓ) K diag(√ℓ) */
            K[(size_t)i * N + j] = L * k;               /* (L/N) K */
        }
    if (linalg_sym_eigvals(N, tmp, ex) || linalg_sym_eigvals(N, K, dec))
        run_fail(run, "LAPACK eigenvalue solver failed");
    /* <<< snippet */
    free(F), free(sq);
}

/* log10 of the top n eigenvalues (all positive: PSD matrices of rank ≥ n) */
static void top_logs(const double *ev, int n, double *out)
{
    for (int i = 0; i < n; i++)
        out[i] = log10(ev[i] > 1e-300 ? ev[i] : 1e-300);
}

int main(int argc, char **argv)
{
    run_ctx run;
    run_begin(&run, "mori_decouple", "MORI-DECOUPLE: eigenvalues of the exact vs decoupled matrix", argc, argv);
    long N = run.ci ? 400 : 4000, seeds = 3, B = 100, width = 100;
    double lr = 0.01;
    opts_list epochs = run.ci ? (opts_list){NT, {0, 5, 50}} : (opts_list){NT, {0, 50, 500}};
    const char *datadir = NULL;
    opts_spec spec[] = {
        {"N", OPT_INT, &N, 100, 10000, "training images (the first N; paper 10^4)"},
        {"width", OPT_INT, &width, 2, 2000, "width of both hidden layers"},
        {"B", OPT_INT, &B, 1, 10000, "minibatch size"},
        {"lr", OPT_DOUBLE, &lr, 1e-6, 10, "learning rate eta"},
        {"epochs", OPT_LIST, &epochs, 0, 1e6, "the three checkpoint epochs, increasing"},
        {"seeds", OPT_INT, &seeds, 2, MAXSEED, "seeds"},
        FMNIST_OPT_DATA_DIR(datadir),
        {0}};
    shard_ctx sh;
    shard_parse(&run, &sh, spec);
    if (epochs.n != NT)
        run_usage_error(&run, "--epochs takes exactly %d values", NT);
    for (int t = 0; t < NT; t++)
        if (epochs.v[t] != floor(epochs.v[t]) || (t && epochs.v[t] <= epochs.v[t - 1]))
            run_usage_error(&run, "--epochs: increasing integers");
    if (B > N)
        run_usage_error(&run, "--B must not exceed --N");

    fmnist_set all;
    char err[1024];
    if (fmnist_load_at_least(datadir, "train", (int)N, "--N", &all, err, sizeof err))
        run_fail(&run, "%s", err);
    all.n = (int)N; /* the first N images */
    double *y = SGDN_NEW(y, N);
    for (long i = 0; i < N; i++)
        y[i] = all.y[i] % 2 == 0 ? 1.0 : -1.0;
    for (size_t i = 0; i < (size_t)N * all.d; i++) /* pixels in [0, 1], as mori_noise */
        all.x[i] = 0.5 * (all.x[i] + 1.0);

    int w2[2] = {(int)width, (int)width};
    mlp_net m;
    mlp_init(&m, all.d, 2, w2, 1);
    /* The work items are the seeds (initialisation and minibatches on
     * their own streams); a shard (shard.h) computes a contiguous range. */
    size_t rlen = record_len(N);
    double *recs = SGDN_NEW0(recs, sgdn_mul((size_t)seeds, rlen));
    result *res = SGDN_NEW(res, seeds);
    for (long s = 0; s < seeds; s++)
        res[s] = record_view(recs + (size_t)s * rlen, N);
    long done = 0, lo, hi;
    shard_items(&run, &sh, seeds, &lo, &hi);
#pragma omp parallel for schedule(dynamic, 1)
    for (long s = lo; s < hi; s++) {
        result *r = &res[s];
        mlp_work *w = mlp_work_new(&m, (int)N);
        mlp_work *wb = mlp_work_new(&m, (int)B);
        double *th = SGDN_NEW(th, m.D), *g = SGDN_NEW(g, m.D), *K = SGDN_NEW(K, sgdn_mul(N, N)),
               *tmp = SGDN_NEW(tmp, sgdn_mul(N, N)), *xb = SGDN_NEW(xb, sgdn_mul(B, all.d)),
               *fb = SGDN_NEW(fb, B);
        size_t *perm = SGDN_NEW(perm, N);
        mlp_init_params(&m, th, (unsigned long long)run.seed, 10 + (unsigned long long)s);
        rng_stream rs;
        rng_init(&rs, (uint64_t)run.seed, 100 + (uint64_t)s);
        int t = 0;
        for (long ep = 0; t < NT; ep++) {
            if (ep == (long)epochs.v[t]) {
                spectra(&run, &m, w, th, &all, y, K, tmp, r->ex + (size_t)t * N, r->dec + (size_t)t * N,
                        &r->L[t], &r->acc[t]);
                if (!isfinite(r->L[t]))
                    run_fail(&run, "seed %ld diverged by epoch %ld", s, ep);
                t++;
                if (t == NT)
                    break;
            }
            rng_permutation(&rs, perm, (size_t)N);
            for (long b = 0; b + B <= N; b += B) {
                /* >>> snippet mori-decouple-sgd */
                for (long i = 0; i < B; i++) /* the minibatch, in the order drawn */
                    memcpy(xb + i * all.d, all.x + perm[b + i] * all.d, all.d * sizeof *xb);
                mlp_forward(&m, wb, th, xb, (int)B, fb);
                for (long i = 0; i < B; i++)
                    fb[i] -= y[perm[b + i]]; /* ∂ℓ/∂f = f − y */
                mlp_backward(&m, wb, th, xb, (int)B, fb, 1.0 / B, g);
                for (size_t k = 0; k < m.D; k++)
                    th[k] -= lr * g[k];
                /* <<< snippet */
            }
        }
        mlp_work_free(w), mlp_work_free(wb);
        free(th), free(g), free(K), free(tmp), free(xb), free(fb), free(perm);
#pragma omp critical
        run_progress(&run, "seeds", (double)++done / (hi - lo));
    }
    shard_gather(&run, &sh, recs, rlen * sizeof *recs); /* a shard writes its seeds and exits */

    /* Eigenvalues, and their histograms in log10 λ with the seed spread. */
    int S = (int)seeds, half = (int)(N / 2);
    FILE *fe = run_open(&run, "_eig.tsv", "epoch\tseed\trank\texact\tdecoupled");
    for (int t = 0; t < NT; t++) {
        for (int s = 0; s < S; s++)
            for (long i = 0; i < N; i++)
                fprintf(fe, "%ld\t%d\t%ld\t%.6e\t%.6e\n", (long)epochs.v[t], s, i + 1,
                        res[s].ex[(size_t)t * N + i], res[s].dec[(size_t)t * N + i]);
        fprintf(fe, "\n\n");
    }
    run_close(&run, fe);

    FILE *fh = run_open(&run, ".tsv", "epoch\tlog10_lambda\texact_density\texact_se\tdecoupled_density\tdecoupled_se");
    double *la = SGDN_NEW(la, N), *lb = SGDN_NEW(lb, N);
    double ks[NT][MAXSEED], ksp[NT][MAXSEED * MAXSEED], ksall[NT], top[NT];
    int npair = 0;
    for (int t = 0; t < NT; t++) {
        /* bins spanning the top 99 % of all spectra of this epoch */
        double lo = INFINITY, hi = -INFINITY;
        for (int s = 0; s < S; s++)
            for (long i = 0; i < N; i++) {
                double a = res[s].ex[(size_t)t * N + i], b = res[s].dec[(size_t)t * N + i];
                if (i < N - N / 100) {
                    lo = fmin(lo, log10(fmin(a, b))), hi = fmax(hi, log10(fmax(a, b)));
                }
            }
        double wbin = (hi - lo) / NBIN, hx[MAXSEED][NBIN] = {{0}}, hd[MAXSEED][NBIN] = {{0}};
        for (int s = 0; s < S; s++)
            for (long i = 0; i < N; i++) {
                double a = res[s].ex[(size_t)t * N + i], b = res[s].dec[(size_t)t * N + i];
                if (a > 0 && (a = (log10(a) - lo) / wbin) >= 0 && a < NBIN)
                    hx[s][(int)a] += 1.0 / (N * wbin);
                if (b > 0 && (b = (log10(b) - lo) / wbin) >= 0 && b < NBIN)
                    hd[s][(int)b] += 1.0 / (N * wbin);
            }
        for (int k = 0; k < NBIN; k++) {
            double a[MAXSEED], b[MAXSEED];
            for (int s = 0; s < S; s++)
                a[s] = hx[s][k], b[s] = hd[s][k];
            fprintf(fh, "%ld\t%.4f\t%.5g\t%.3g\t%.5g\t%.3g\n", (long)epochs.v[t], lo + (k + 0.5) * wbin,
                    stats_mean(a, S), stats_se(a, S), stats_mean(b, S), stats_se(b, S));
        }
        fprintf(fh, "\n\n");
        /* >>> snippet mori-decouple-test */
        for (int s = 0; s < S; s++) { /* exact vs decoupled, same seed, top half */
            top_logs(res[s].ex + (size_t)t * N, half, la);
            top_logs(res[s].dec + (size_t)t * N, half, lb);
            ks[t][s] = mori_ks(la, half, lb, half);
        }
        npair = 0;
        for (int s = 0; s < S; s++) /* exact vs exact, two seeds: the spread */
            for (int q = s + 1; q < S; q++) {
                top_logs(res[s].ex + (size_t)t * N, half, la);
                top_logs(res[q].ex + (size_t)t * N, half, lb);
                ksp[t][npair++] = mori_ks(la, half, lb, half);
            }
        /* <<< snippet */
        top_logs(res[0].ex + (size_t)t * N, (int)N, la);
        top_logs(res[0].dec + (size_t)t * N, (int)N, lb);
        ksall[t] = mori_ks(la, (int)N, lb, (int)N);
        top[t] = res[0].ex[(size_t)t * N] / res[0].dec[(size_t)t * N];
    }
    run_close(&run, fh);

    for (int t = 0; t < NT; t++) {
        char key[64], chk[160];
        long e = (long)epochs.v[t];
        double mk = stats_mean(ks[t], S), sk = stats_se(ks[t], S), mp = stats_mean(ksp[t], npair);
        double sp = npair > 1 ? stats_se(ksp[t], npair) : 0.0;
        double Lm = 0, am = 0;
        for (int s = 0; s < S; s++)
            Lm += res[s].L[t] / S, am += res[s].acc[t] / S;
        snprintf(key, sizeof key, "ks-%d", t), run_value(&run, key, "%.3f", mk);
        snprintf(key, sizeof key, "ks-se-%d", t), run_value(&run, key, "%.3f", sk);
        snprintf(key, sizeof key, "spread-%d", t), run_value(&run, key, "%.3f", mp);
        snprintf(key, sizeof key, "ksall-%d", t), run_value(&run, key, "%.3f", ksall[t]);
        snprintf(key, sizeof key, "top-%d", t), run_value(&run, key, "%.3f", top[t]);
        snprintf(key, sizeof key, "epoch-%d", t), run_value(&run, key, "%ld", e);
        snprintf(key, sizeof key, "L-%d", t), run_value(&run, key, "%.3g", Lm);
        snprintf(key, sizeof key, "acc-%d", t), run_value(&run, key, "%.1f", 100 * am);
        snprintf(chk, sizeof chk, "epoch %ld: KS distance exact vs decoupled (top half, log eigenvalues) vs seed spread", e);
        run_check(&run, (run_check_row){.id = "MORI-DECOUPLE", .tests = CHECK_PAPER, .check = chk,
            .rel = REL_LE, .measured = mk, .predicted = mp, .tol = 2 * hypot(sk, sp),
            .basis = "2 SE of the difference over seeds / seed pairs",
            .note = "Fig. 1: the spectra agree except the smallest eigenvalues"});
    }
    run_value(&run, "N", "%ld", N);
    run_value(&run, "seeds", "%ld", seeds);
    run_value(&run, "width", "%ld", width);
    run_value(&run, "lr", "%g", lr);
    run_value(&run, "B", "%ld", B);
    run_value(&run, "D", "%zu", m.D);
    free(recs), free(res), free(la), free(lb), free(y);
    fmnist_free(&all);
    return run_finish(&run);
}
