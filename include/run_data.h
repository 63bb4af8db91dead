/* run_data.h — a program's data set, loaded or the run fails: the one place
 * where a program turns a loader's error into its one error line. */
#ifndef SGDN_RUN_DATA_H
#define SGDN_RUN_DATA_H

#include "fmnist.h"
#include "run.h"
#include <stdint.h>

/* fmnist_load_at_least (fmnist.h); on error run_fail with its message
 * (which names the file, or the option that asked for more images than
 * the split holds). */
void run_load_fmnist(run_ctx *r, const char *dir, const char *split, long need,
                     const char *option, fmnist_set *s);

/* n images drawn at random (fmnist_random_subset, stream (seed, stream))
 * from the split, loaded by run_load_fmnist; the split is freed. */
void run_load_fmnist_subset(run_ctx *r, const char *dir, const char *split, long n,
                            const char *option, uint64_t stream, fmnist_set *out);

#endif
