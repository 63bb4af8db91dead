/* bench_nn — speed of the neural-network engine on ZHU's CNN, against the
 * dgemm speed of this machine measured in the same run.  TSV rows
 *     name  value  unit  reference  ratio
 * on stdout (make bench collects them into data/bench.tsv). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <sys/resource.h>
#include <cblas.h>

#include "fmnist.h"
#include "nn.h"
#include "run.h"

void openblas_set_num_threads(int);
char *openblas_get_corename(void);

static double dgemm_gflops(int n)
{
    double *A = malloc((size_t)n * n * sizeof *A), *B = malloc((size_t)n * n * sizeof *B);
    double *C = calloc((size_t)n * n, sizeof *C);
    for (size_t i = 0; i < (size_t)n * n; i++)
        A[i] = 1.0 / (1 + i % 7), B[i] = 1.0 / (1 + i % 5);
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t = run_wall_seconds();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, A, n, B, n, 0, C, n);
        t = run_wall_seconds() - t;
        double g = 2.0 * n * n * n / t / 1e9;
        best = g > best ? g : best;
    }
    free(A), free(B), free(C);
    return best;
}

int main(void)
{
    openblas_set_num_threads(1);
    int threads = omp_get_max_threads();
    double peak1 = dgemm_gflops(1000), peak = peak1 * threads;
    printf("dgemm_1thread\t%.2f\tGFLOP/s\t\t\n", peak1);
    printf("dgemm_peak\t%.2f\tGFLOP/s\t%d threads x 1-thread dgemm\t\n", peak, threads);
    printf("openblas_core\t%s\tname\t\t\n", openblas_get_corename());

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
    double *th = malloc(D * sizeof *th), *g = malloc(D * sizeof *g), *hv = malloc(D * sizeof *hv);
    double *G = malloc((size_t)100 * D * sizeof *G);
    nn_init_params(&net, th, 1, 0);
    nn_data d = {s.x, s.y, NULL, s.n};
    double fc, fd;
    nn_flops_forward(&net, &fc, &fd);
    /* forward + backward ≈ 3 forwards, less conv1's unneeded input
     * gradient; an HVP ≈ 9 forwards (1 forward, 2 R-forward, 2 backward,
     * 4 R-backward GEMMs per layer) */
    double conv1 = 2.0 * 24 * 24 * 10 * 25;
    double f_fb = (3 * (fc + fd) - conv1) * s.n, f_hvp = 9 * (fc + fd) * s.n;

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
    double t_hvp = (run_wall_seconds() - t) / 4;
    printf("cnn_hvp_1200\t%.2f\tGFLOP/s\t%.2f\t%.3f\n", f_hvp / t_hvp / 1e9, peak, f_hvp / t_hvp / 1e9 / peak);
    printf("cnn_hvp_1200_time\t%.4f\ts\t\t\n", t_hvp);

    /* 3,000 GD iterations: extrapolated from the gradient time above
     * (the update itself is negligible) */
    printf("gd_3000_iters_extrapolated\t%.1f\ts\t240\t%.2f\n", 3000 * t_grad, 3000 * t_grad / 240);
    /* 400 eigenpairs with 700 Lanczos steps: extrapolated from the HVP time
     * plus the full reorthogonalisation (2 passes of 2 dgemv, 4·j·D flops
     * each, at step j) at the dgemv speed ≈ a tenth of the dgemm peak */
    double reorth = 0;
    for (int j = 1; j <= 700; j++)
        reorth += 2 * 4.0 * j * D;
    printf("lanczos_400_of_700_extrapolated\t%.1f\ts\t\t\n", 700 * t_hvp + reorth / (0.1 * peak1 * 1e9));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_memory\t%.3f\tGiB\t4\t%.3f\n", ru.ru_maxrss / 1048576.0, ru.ru_maxrss / 1048576.0 / 4);
    free(th), free(g), free(hv), free(G);
    nn_eval_free(e);
    fmnist_free(&s);
    return 0;
}
