/* bench_env — the environment every benchmark row depends on: the kernel
 * core OpenBLAS selected (recorded, never relied on) and the thread count. */
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>

char *openblas_get_corename(void);

int main(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "%s: error: unexpected argument '%s'\nusage: %s (no options; run by make bench)\n",
                "bench_env", argv[1], "bench_env");
        return 2;
    }
    const char *pin = getenv("OPENBLAS_CORETYPE");
    printf("openblas_core\t%s\tname\t%s\t-\n", openblas_get_corename(), pin && *pin ? pin : "unpinned");
    printf("omp_threads\t%d\tthreads\t-\t-\n", omp_get_max_threads());
    return 0;
}
