/* bench_env — the environment every benchmark row depends on: the kernel
 * core OpenBLAS selected (recorded, never relied on) and the thread count. */
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>

char *openblas_get_corename(void);

int main(void)
{
    const char *pin = getenv("OPENBLAS_CORETYPE");
    printf("openblas_core\t%s\tname\t%s\t-\n", openblas_get_corename(), pin && *pin ? pin : "unpinned");
    printf("omp_threads\t%d\tthreads\t-\t-\n", omp_get_max_threads());
    return 0;
}
