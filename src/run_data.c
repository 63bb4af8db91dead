/* run_data.c — see run_data.h. */
#include "run_data.h"

void run_load_fmnist(run_ctx *r, const char *dir, const char *split, long need,
                     const char *option, fmnist_set *s)
{
    char err[1024];
    if (need > 2147483647L || fmnist_load_at_least(dir, split, (int)need, option, s, err, sizeof err))
        run_fail(r, "%s", need > 2147483647L ? "too many images asked for" : err);
}

void run_load_fmnist_subset(run_ctx *r, const char *dir, const char *split, long n,
                            const char *option, uint64_t stream, fmnist_set *out)
{
    fmnist_set all;
    rng_stream rs;
    run_load_fmnist(r, dir, split, n, option, &all);
    rng_init(&rs, (uint64_t)r->seed, stream);
    fmnist_random_subset(&all, (int)n, &rs, out);
    fmnist_free(&all);
}
