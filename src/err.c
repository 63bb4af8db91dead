/* err.c — see err.h. */
#include "err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

const char *sgdn_strerror(int status)
{
    switch (status) {
    case SGDN_OK: return "success";
    case SGDN_EDOM: return "argument outside the domain";
    case SGDN_ENOCONV: return "did not converge";
    case SGDN_ESING: return "singular or non-positive-definite matrix";
    case SGDN_EDIVERGE: return "non-finite value (divergence or overflow)";
    case SGDN_EIO: return "input/output error";
    case SGDN_EDATA: return "corrupt or inconsistent data";
    case SGDN_ELAPACK: return "LAPACK error";
    }
    return "unknown error";
}

static void out_of_memory(size_t size, const char *file, int line)
{
    fprintf(stderr, "error: out of memory: cannot allocate %zu bytes (%.3g GiB) at %s:%d\n",
            size, (double)size / 1073741824.0, file, line);
    exit(1);
}

void *sgdn_malloc_at(size_t size, const char *file, int line)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size, file, line);
    return p;
}

void *sgdn_calloc_at(size_t n, size_t size, const char *file, int line)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(sgdn_mul_at(n, size, file, line), file, line);
    return p;
}

void *sgdn_realloc_at(void *p, size_t size, const char *file, int line)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory(size, file, line);
    return q;
}

size_t sgdn_mul_at(size_t a, size_t b, const char *file, int line)
{
    if (b && a > SIZE_MAX / b) {
        fprintf(stderr, "error: size overflow: %zu x %zu at %s:%d\n", a, b, file, line);
        exit(1);
    }
    return a * b;
}

void sgdn_require_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "error: precondition failed: %s at %s:%d\n", cond, file, line);
    abort();
}
