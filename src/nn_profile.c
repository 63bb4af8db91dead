/* nn_profile.c — where the engine spends its time, for the benchmarks:
 * per-layer CPU seconds of one gradient or one Hessian-vector product. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "nn_impl.h"

/* The profile counts this thread's CPU time: on a shared machine it
 * leaves out the time the thread waited for a core. */
double nn_cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

void nn_profile(nn_eval *e, const double *theta, nn_data d, const double *v, double *fwd,
                double *bwd)
{
    int nl = e->net->nl;
    double *t = SGDN_NEW0(t, 2 * (size_t)nl), *out = SGDN_NEW(out, e->net->D);
    nn_eval_timed(e, theta, d, v, t, out);
    memcpy(fwd, t, nl * sizeof *t);
    memcpy(bwd, t + nl, nl * sizeof *t);
    free(t), free(out);
}
