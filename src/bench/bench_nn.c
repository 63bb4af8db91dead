/* bench_nn [DIR | --core-rows TAG DIR] — speed of the neural-network engine on ZHU's CNN, against
 * the dgemm speed of this machine measured in the same run.  TSV rows
 *     name  value  unit  reference  ratio
 * on stdout (make bench collects them into data/bench.tsv).  With DIR, also
 * write the net's images, labels, θ, a direction v, this engine's results
 * (loss, ∇L, H v, per-sample gradients, top Hessian eigenvalues) and its
 * one-thread CPU times there, for the PyTorch side of the comparison
 * (src/bench/torch_nn.py).  With --core-rows TAG DIR only three rows,
 * TAG_dgemm_1thread, TAG_cnn_grad_1200_cpu1 and TAG_cnn_hvp_1200_cpu1, also
 * added to DIR/meta.txt: make bench runs it once more under OpenBLAS's own
 * choice of kernels when the environment pins others. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <sys/resource.h>
#include <time.h>
#include <cblas.h>

#include "err.h"
#include "fmnist.h"
#include "nn.h"
#include "rng.h"
#include "run.h"
#include "spectral.h"

void openblas_set_num_threads(int);
char *openblas_get_corename(void);

/* This thread's CPU seconds: on a shared machine they leave out the time
 * spent waiting for a core (the per-layer rows use the same clock). */
static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* The process's CPU seconds (all threads): the one-thread comparison rows. */
static double proc_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double dgemm_gflops(int n)
{
    double *A = malloc((size_t)n * n * sizeof *A), *B = malloc((size_t)n * n * sizeof *B);
    double *C = calloc((size_t)n * n, sizeof *C);
    for (size_t i = 0; i < (size_t)n * n; i++)
        A[i] = 1.0 / (1 + i % 7), B[i] = 1.0 / (1 + i % 5);
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t = cpu_seconds();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, A, n, B, n, 0, C, n);
        t = cpu_seconds() - t;
        double g = 2.0 * n * n * n / t / 1e9;
        best = g > best ? g : best;
    }
    free(A), free(B), free(C);
    return best;
}

/* One row per layer and direction: a convolution's or dense layer's
 * GFLOP/s on one thread against the 1-thread dgemm speed, the other
 * layers' milliseconds per 1,200 images (v NULL: a gradient, else an HVP). */
static void layer_rows(nn_eval *e, const nn_net *net, const double *th, nn_data d,
                       const double *v, double peak1)
{
    double fwd[NN_MAX_LAYERS] = {0}, bwd[NN_MAX_LAYERS] = {0}, f[NN_MAX_LAYERS], b[NN_MAX_LAYERS];
    const int reps = 3;
    for (int r = 0; r < reps; r++) { /* the best of three: the machine is shared */
        nn_profile(e, th, d, v, f, b);
        for (int i = 0; i < net->nl; i++) {
            fwd[i] = r == 0 || f[i] < fwd[i] ? f[i] : fwd[i];
            bwd[i] = r == 0 || b[i] < bwd[i] ? b[i] : bwd[i];
        }
    }
    static const char *kname[] = {"fc", "conv", "maxpool", "relu", "clip"};
    int count[5] = {0};
    const char *what = v ? "hvp" : "grad";
    for (int i = 0; i < net->nl; i++) {
        const nn_layer *L = &net->l[i];
        char name[64];
        snprintf(name, sizeof name, "layer_%s%d_%s", kname[L->kind], ++count[L->kind], what);
        if (L->kind == NN_CONV || L->kind == NN_DENSE) {
            double mnk = 2.0 * L->oh * L->ow * L->oc * (double)(L->kind == NN_CONV ? L->k * L->k * L->ic : L->ic) * d.n;
            /* gradient: forward 1 GEMM, backward 2 (1 without input gradient);
             * prepared HVP: R-forward 2, R-backward 4 (2 without input gradient) */
            double nf = v ? 2 : 1, nb = (v ? 2 : 1) * (i > 0 ? 2 : 1);
            printf("%s_fwd\t%.2f\tGFLOP/s\t%.2f\t%.3f\n", name, nf * mnk / fwd[i] / 1e9, peak1,
                   nf * mnk / fwd[i] / 1e9 / peak1);
            printf("%s_bwd\t%.2f\tGFLOP/s\t%.2f\t%.3f\n", name, nb * mnk / bwd[i] / 1e9, peak1,
                   nb * mnk / bwd[i] / 1e9 / peak1);
        } else {
            printf("%s_fwd\t%.2f\tms\t\t\n", name, 1e3 * fwd[i]);
            printf("%s_bwd\t%.2f\tms\t\t\n", name, 1e3 * bwd[i]);
        }
    }
}

typedef struct {
    nn_eval *e;
    const double *theta;
    nn_data d;
} hvp_ctx;
static void hvp_op(void *c, const double *x, double *y)
{
    hvp_ctx *h = c;
    nn_hvp(h->e, h->theta, h->d, x, y);
}

static void write_raw(const char *dir, const char *name, const void *p, size_t size, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, size, n, f) != n || fclose(f)) {
        fprintf(stderr, "bench_nn: error: cannot write %s\n", path);
        exit(1);
    }
}

/* The comparison with PyTorch: every timing here on one thread, in CPU
 * seconds (the machine is shared), the best of a few repetitions. */
enum { EIG_K = 5, EIG_STEPS = 40, PS_N = 1200 };
typedef struct {
    double grad, hvp, hvp_prepare, ps, lanczos;
} one_thread;

static one_thread time_one_thread(nn_eval *e, size_t D, const double *th, nn_data d, const double *v,
                                  double *hv, double *G, double *eig)
{
    one_thread t = {1e30, 1e30, 1e30, 1e30, 1e30};
    double *g = SGDN_NEW(g, D), t0;
    for (int r = 0; r < 3; r++) {
        t0 = proc_seconds();
        nn_loss_grad(e, th, d, g, NULL);
        t.grad = fmin(t.grad, proc_seconds() - t0);
        t0 = proc_seconds();
        nn_hvp_prepare(e, th, d);
        t.hvp_prepare = fmin(t.hvp_prepare, proc_seconds() - t0);
        t0 = proc_seconds();
        nn_hvp(e, th, d, v, hv);
        t.hvp = fmin(t.hvp, proc_seconds() - t0);
        nn_hvp_release(e);
    }
    nn_data dps = {d.x, d.y, NULL, PS_N};
    for (int r = 0; r < 2; r++) {
        t0 = proc_seconds();
        nn_grad_per_sample(e, th, dps, G, NULL);
        t.ps = fmin(t.ps, proc_seconds() - t0);
    }
    /* the top EIG_K Hessian eigenvalues: EIG_STEPS Lanczos steps on
     * prepared HVPs, the preparation included */
    rng_stream r;
    rng_init(&r, 7, 0);
    hvp_ctx c = {e, th, d};
    t0 = proc_seconds();
    nn_hvp_prepare(e, th, d);
    int steps = spectral_lanczos(D, hvp_op, &c, EIG_K, EIG_STEPS, &r, eig, NULL, NULL);
    nn_hvp_release(e);
    t.lanczos = proc_seconds() - t0;
    if (steps < 0) {
        fprintf(stderr, "bench_nn: error: Lanczos failed\n");
        exit(1);
    }
    free(g);
    return t;
}

/* The rows of --core-rows TAG. */
static void core_rows(const char *tag, const char *dir, const nn_net *net, nn_eval *e,
                      const double *th, nn_data d, const double *v)
{
    double *g = SGDN_NEW(g, net->D), *hv = SGDN_NEW(hv, net->D), t0, tg = 1e30, th_ = 1e30;
    omp_set_num_threads(1);
    nn_hvp_prepare(e, th, d);
    for (int r = 0; r < 3; r++) {
        t0 = proc_seconds();
        nn_loss_grad(e, th, d, g, NULL);
        tg = fmin(tg, proc_seconds() - t0);
        t0 = proc_seconds();
        nn_hvp(e, th, d, v, hv);
        th_ = fmin(th_, proc_seconds() - t0);
    }
    nn_hvp_release(e);
    printf("%s_cnn_grad_1200_cpu1\t%.4f\ts\t1 thread\t\n", tag, tg);
    printf("%s_cnn_hvp_1200_cpu1\t%.4f\ts\t1 thread, prepared\t\n", tag, th_);
    char path[4096];
    snprintf(path, sizeof path, "%s/meta.txt", dir);
    FILE *f = fopen(path, "a");
    if (!f || fprintf(f, "%s_grad %.6g\n%s_hvp %.6g\n", tag, tg, tag, th_) < 0 || fclose(f)) {
        fprintf(stderr, "bench_nn: error: cannot write %s\n", path);
        exit(1);
    }
    free(g), free(hv);
}

int main(int argc, char **argv)
{
    /* bench_nn [DIR] | bench_nn --core-rows TAG DIR (DIR: where to hand the
     * net, data and results to the PyTorch side) */
    const char *dir = argc == 2 && strncmp(argv[1], "--", 2) ? argv[1] : NULL;
    const char *tag = argc == 4 && !strcmp(argv[1], "--core-rows") ? argv[2] : NULL;
    if (tag)
        dir = argv[3];
    if (argc > 1 && !dir) {
        fprintf(stderr, "bench_nn: error: unexpected arguments starting at '%s'\n"
                        "usage: bench_nn [DIR] | bench_nn --core-rows TAG DIR (run by make bench)\n",
                argv[1]);
        return 2;
    }
    openblas_set_num_threads(1);
    int threads = omp_get_max_threads();
    double peak1 = dgemm_gflops(1000), peak = peak1 * threads;
    if (tag)
        printf("%s_dgemm_1thread\t%.2f\tGFLOP/s\tCPU time, %s\t\n", tag, peak1, openblas_get_corename());
    double load[3] = {0};
    FILE *fl = fopen("/proc/loadavg", "r");
    if (fl) {
        if (fscanf(fl, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = -1;
        fclose(fl);
    }
    /* the wall-time rows below depend on the other work of the machine */
    if (!tag) {
        printf("load_average_1min\t%.2f\tprocesses\t%d cores\t\n", load[0], omp_get_num_procs());
        printf("dgemm_1thread\t%.2f\tGFLOP/s\tCPU time, %s\t\n", peak1, openblas_get_corename());
        printf("dgemm_peak\t%.2f\tGFLOP/s\t%d threads x 1-thread dgemm\t\n", peak, threads);
    }

    fmnist_set all, s;
    char err[1024];
    if (fmnist_load(NULL, "train", &all, err, sizeof err)) {
        fprintf(stderr, "bench_nn: error: %s\n", err);
        return 1;
    }
    fmnist_corrupted_subset(&all, 1200, 200, 1, 1, &s, NULL);
    fmnist_free(&all);
    nn_net net;
    nn_zhu_cnn(&net);
    nn_eval *e = nn_eval_new(&net);
    size_t D = net.D;
    double *th = SGDN_NEW(th, D), *g = SGDN_NEW(g, D), *hv = SGDN_NEW(hv, D);
    double *v = SGDN_NEW(v, D), *G = SGDN_NEW(G, sgdn_mul(PS_N, D));
    nn_init_params(&net, th, 1, 0);
    rng_stream rv;
    rng_init(&rv, 1, 1);
    rng_normal_fill(&rv, v, D);
    nn_data d = {s.x, s.y, NULL, s.n};
    double fc, fd;
    nn_flops_forward(&net, &fc, &fd);
    /* forward + backward ≈ 3 forwards, less conv1's unneeded input
     * gradient; a prepared HVP (forward and δ kept) ≈ 6 forwards: 2
     * R-forward and 4 R-backward GEMMs per layer, 2 for conv1 */
    double conv1 = 2.0 * 24 * 24 * 10 * 25;
    double f_fb = (3 * (fc + fd) - conv1) * s.n, f_hvp = (6 * (fc + fd) - 2 * conv1) * s.n;

    if (tag) {
        core_rows(tag, dir, &net, e, th, d, v);
        free(th), free(g), free(hv), free(v), free(G);
        nn_eval_free(e);
        fmnist_free(&s);
        return 0;
    }
    layer_rows(e, &net, th, d, NULL, peak1);

    const int reps = 10;
    double t = run_wall_seconds();
    for (int i = 0; i < reps; i++)
        nn_loss_grad(e, th, d, g, NULL);
    double t_grad = (run_wall_seconds() - t) / reps;
    printf("cnn_grad_1200\t%.2f\tGFLOP/s\t%.2f\t%.3f\n", f_fb / t_grad / 1e9, peak, f_fb / t_grad / 1e9 / peak);
    printf("cnn_grad_1200_time\t%.4f\ts\t\t\n", t_grad);

    nn_data d100 = {s.x, s.y, NULL, 100};
    t = run_wall_seconds();
    for (int i = 0; i < reps; i++)
        nn_grad_per_sample(e, th, d100, G, NULL);
    double t_ps = (run_wall_seconds() - t) / reps, f_ps = f_fb / s.n * 100;
    printf("cnn_per_sample_100\t%.2f\tGFLOP/s\t%.2f\t%.3f\n", f_ps / t_ps / 1e9, peak, f_ps / t_ps / 1e9 / peak);

    t = run_wall_seconds();
    for (int i = 0; i < 4; i++)
        nn_hvp(e, th, d, g, hv);
    double t_hvp_plain = (run_wall_seconds() - t) / 4;
    printf("cnn_hvp_1200_unprepared_time\t%.4f\ts\t\t\n", t_hvp_plain);
    /* at a fixed θ (Lanczos) the forward pass and δ are kept */
    t = run_wall_seconds();
    nn_hvp_prepare(e, th, d);
    printf("cnn_hvp_prepare_time\t%.4f\ts\t\t\n", run_wall_seconds() - t);
    t = run_wall_seconds();
    for (int i = 0; i < 4; i++)
        nn_hvp(e, th, d, g, hv);
    double t_hvp = (run_wall_seconds() - t) / 4;
    layer_rows(e, &net, th, d, g, peak1);
    nn_hvp_release(e);
    printf("cnn_hvp_1200\t%.2f\tGFLOP/s\t%.2f\t%.3f\n", f_hvp / t_hvp / 1e9, peak, f_hvp / t_hvp / 1e9 / peak);
    printf("cnn_hvp_1200_time\t%.4f\ts\t\t\n", t_hvp);

    /* one thread, CPU time: the rows the PyTorch comparison divides by */
    double eig[EIG_K];
    omp_set_num_threads(1);
    one_thread o = time_one_thread(e, D, th, d, v, hv, G, eig);
    omp_set_num_threads(threads);
    printf("cnn_grad_1200_cpu1\t%.4f\ts\t1 thread\t\n", o.grad);
    printf("cnn_hvp_1200_cpu1\t%.4f\ts\t1 thread, prepared\t\n", o.hvp);
    printf("cnn_hvp_prepare_1200_cpu1\t%.4f\ts\t1 thread\t\n", o.hvp_prepare);
    printf("cnn_per_sample_1200_cpu1\t%.4f\ts\t1 thread\t\n", o.ps);
    printf("cnn_lanczos_top%d_%dsteps_cpu1\t%.4f\ts\t1 thread\t\n", EIG_K, EIG_STEPS, o.lanczos);

    /* 3,000 GD iterations: extrapolated from the gradient time above
     * (the update itself is negligible) */
    printf("gd_3000_iters_extrapolated\t%.1f\ts\t240\t%.2f\n", 3000 * t_grad, 3000 * t_grad / 240);
    /* 400 eigenpairs with 1,000 Lanczos steps: extrapolated from the HVP time
     * plus the full reorthogonalisation (2 passes of 2 dgemv, 4·j·D flops
     * each, at step j) at the dgemv speed ≈ a tenth of the dgemm peak */
    double reorth = 0;
    for (int j = 1; j <= 1000; j++)
        reorth += 2 * 4.0 * j * D;
    printf("lanczos_400_of_1000_extrapolated\t%.1f\ts\t\t\n", 1000 * t_hvp + reorth / (0.1 * peak1 * 1e9));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_memory\t%.3f\tGiB\t4\t%.3f\n", ru.ru_maxrss / 1048576.0, ru.ru_maxrss / 1048576.0 / 4);

    if (dir) { /* the same net, data, θ and results for the PyTorch side */
        double L = nn_loss_grad(e, th, d, g, NULL);
        nn_hvp(e, th, d, v, hv);
        nn_grad_per_sample(e, th, (nn_data){s.x, s.y, NULL, 8}, G, NULL);
        write_raw(dir, "x.f64", s.x, sizeof *s.x, sgdn_mul(s.n, net.in_size));
        write_raw(dir, "y.i32", s.y, sizeof *s.y, (size_t)s.n);
        write_raw(dir, "theta.f64", th, sizeof *th, D);
        write_raw(dir, "v.f64", v, sizeof *v, D);
        write_raw(dir, "grad.f64", g, sizeof *g, D);
        write_raw(dir, "hv.f64", hv, sizeof *hv, D);
        write_raw(dir, "ps8.f64", G, sizeof *G, 8 * D);
        write_raw(dir, "eig.f64", eig, sizeof *eig, EIG_K);
        char path[4096];
        snprintf(path, sizeof path, "%s/meta.txt", dir);
        FILE *f = fopen(path, "w");
        if (!f) {
            fprintf(stderr, "bench_nn: error: cannot write %s\n", path);
            return 1;
        }
        fprintf(f, "n %d\nD %zu\nloss %.17g\nps_n %d\neig_k %d\neig_steps %d\n"
                   "grad %.6g\nhvp %.6g\nhvp_prepare %.6g\nps %.6g\nlanczos %.6g\n"
                   "grad_wall2 %.6g\nhvp_wall2 %.6g\n",
                s.n, D, L, PS_N, EIG_K, EIG_STEPS, o.grad, o.hvp, o.hvp_prepare, o.ps, o.lanczos,
                t_grad, t_hvp);
        fclose(f);
    }
    free(th), free(g), free(hv), free(v), free(G);
    nn_eval_free(e);
    fmnist_free(&s);
    return 0;
}
