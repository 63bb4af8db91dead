/* err.h — the library's one error-handling convention.
 *
 * 1. Allocation goes through sgdn_malloc / sgdn_calloc / sgdn_realloc (the
 *    macros below).  An allocation that fails ends the program with one
 *    line naming the file, the line and the size: there is no recovery
 *    from running out of memory in a numerical run, and an unchecked NULL
 *    would crash later with no message.  Sizes are products of counts: form
 *    them with sgdn_mul, which ends the program on overflow instead of
 *    wrapping to a small allocation.
 * 2. A function that can fail for a reason other than memory (a solver that
 *    does not converge, a fit with too few points, a file that is corrupt,
 *    a non-finite value) returns an int status, SGDN_OK (0) or one of the
 *    codes below, and leaves its outputs either fully set or set to NaN;
 *    the caller checks it.  sgdn_strerror names a code.
 * 3. Preconditions stated in a header are asserted with SGDN_REQUIRE, which
 *    stays on in optimised builds: a violated precondition is a bug in the
 *    caller, reported with file and line, never a silent wrong number.
 * Programs turn a failed status into one clear line and exit 1 through
 * run_fail (run.h); they never write a claim row from a failed call.
 */
#ifndef SGDN_ERR_H
#define SGDN_ERR_H

#include <stddef.h>

enum {
    SGDN_OK = 0,
    SGDN_EDOM,      /* argument outside the domain (too few points, n < 1, ...) */
    SGDN_ENOCONV,   /* an iterative method did not converge */
    SGDN_ESING,     /* a singular or non-positive-definite matrix */
    SGDN_EDIVERGE,  /* a non-finite value: overflow, NaN, divergence */
    SGDN_EIO,       /* reading or writing a file failed */
    SGDN_EDATA,     /* a file's content is corrupt or inconsistent */
    SGDN_ELAPACK    /* LAPACK reported an error */
};

const char *sgdn_strerror(int status);

void *sgdn_malloc_at(size_t size, const char *file, int line);
void *sgdn_calloc_at(size_t n, size_t size, const char *file, int line);
void *sgdn_realloc_at(void *p, size_t size, const char *file, int line);
size_t sgdn_mul_at(size_t a, size_t b, const char *file, int line);
void sgdn_require_fail(const char *cond, const char *file, int line) __attribute__((noreturn));

#define sgdn_malloc(size) sgdn_malloc_at((size), __FILE__, __LINE__)
#define sgdn_calloc(n, size) sgdn_calloc_at((n), (size), __FILE__, __LINE__)
#define sgdn_realloc(p, size) sgdn_realloc_at((p), (size), __FILE__, __LINE__)
/* a * b, ending the program on overflow */
#define sgdn_mul(a, b) sgdn_mul_at((size_t)(a), (size_t)(b), __FILE__, __LINE__)
/* An n-element array of the type *p points to: p = SGDN_NEW(p, n). */
#define SGDN_NEW(p, n) sgdn_malloc_at(sgdn_mul_at((size_t)(n), sizeof *(p), __FILE__, __LINE__), __FILE__, __LINE__)
#define SGDN_NEW0(p, n) sgdn_calloc_at((size_t)(n), sizeof *(p), __FILE__, __LINE__)
/* On a fallible function's declaration: ignoring its status is a compiler
 * warning. */
#define SGDN_MUST_CHECK __attribute__((warn_unused_result))
#define SGDN_REQUIRE(cond) ((cond) ? (void)0 : sgdn_require_fail(#cond, __FILE__, __LINE__))

#endif
