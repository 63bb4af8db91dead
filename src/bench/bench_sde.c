/* bench_sde — SDE steps per second per core for the 1-D power-law dynamic,
 * next to the raw standard-normal generation rate in the same run (the
 * floor an Euler–Maruyama step cannot beat).  One thread; TSV rows
 * name, value, unit, reference, ratio. */
#include <stdio.h>
#include <time.h>

#include "rng.h"
#include "sde.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "%s: error: unexpected argument '%s'\nusage: %s (no options; run by make bench)\n",
                "bench_sde", argv[1], "bench_sde");
        return 2;
    }
    const long n = 20000000;
    rng_stream r;
    double best_norm = 0, best_step = 0, sink = 0;
    for (int rep = 0; rep < 3; rep++) {
        rng_init(&r, 1, (uint64_t)rep);
        double t0 = now(), s = 0;
        for (long i = 0; i < n; i++)
            s += rng_normal(&r);
        double t1 = now();
        sink += s;
        if (n / (t1 - t0) > best_norm)
            best_norm = n / (t1 - t0);
        sde_pld1d m = {0.05, 1.0, 0.0, 1.0, 0.0, 6.0};
        double w = 0;
        rng_init(&r, 2, (uint64_t)rep);
        t0 = now();
        sde_pld1d_run(&m, &w, n, &r);
        t1 = now();
        sink += w;
        if (n / (t1 - t0) > best_step)
            best_step = n / (t1 - t0);
    }
    printf("rng_normal_rate\t%.4g\tnormals/s\t-\t-\n", best_norm);
    printf("sde_pld1d_steps_per_core\t%.4g\tsteps/s\t%.4g\t%.3f\n", best_step, best_norm, best_step / best_norm);
    if (sink == 12345.678)
        fprintf(stderr, "%g\n", sink);
    return 0;
}
