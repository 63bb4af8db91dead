/* bench_linreg — linear-regression SGD steps per second (d = 10, B = 1,
 * N = 10⁴), one thread.  TSV row: name value unit reference ratio.  The
 * reference is the cost of the arithmetic alone at ~1 flop/ns (4d flops
 * per step plus one random index): ratio > 1 means faster than that. */
#include <stdio.h>
#include <stdlib.h>

#include "linreg.h"
#include "run.h"

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "%s: error: unexpected argument '%s'\nusage: %s (no options; run by make bench)\n",
                "bench_linreg", argv[1], "bench_linreg");
        return 2;
    }
    linreg_data D;
    if (linreg_data_gaussian(&D, 10, 10000, 1, 0))
        return 1;
    linreg_sgd s;
    linreg_sgd_init(&s, &D, 1);
    linreg_sgd_set(&s, &D, NULL);
    rng_stream r;
    rng_init(&r, 1, 1);
    long steps = 0;
    double sink = 0.0, t0 = run_wall_seconds(), t;
    do {
        for (int k = 0; k < 100000; k++)
            linreg_sgd_step(&s, &D, 0.1, &r);
        sink += linreg_sgd_logratio(&s, &D);
        steps += 100000;
        t = run_wall_seconds() - t0;
    } while (t < 1.0);
    double rate = steps / t, ref = 1e9 / (4.0 * 10 + 10);
    printf("linreg_sgd_steps_d10_B1\t%.4g\tsteps/s\t%.4g\t%.3f\n", rate, ref, rate / ref);
    linreg_sgd_free(&s);
    linreg_data_free(&D);
    return sink != sink; /* keep the loop */
}
