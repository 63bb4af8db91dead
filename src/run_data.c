/* run_data.c — see run_data.h. */
#include "run_data.h"

void run_load_fmnist(run_ctx *r, const char *dir, const char *split, long need,
                     const char *option, fmnist_set *s)
{
    char err[1024];
    if (need > 2147483647L || fmnist_load_at_least(dir, split, (int)need, option, s, err, sizeof err))
        run_fail(r, "%s", need > 2147483647L ? "too many images asked for" : err);
}
