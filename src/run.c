/* run.c — see run.h. */
#include "run.h"
#include "err.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <gsl/gsl_errno.h>
#ifdef _OPENMP
#include <omp.h>
#endif

void openblas_set_num_threads(int);
char *openblas_get_corename(void);

double run_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void buf_printf(run_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(run_buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < room) {
            b->len += (size_t)k;
            return;
        }
        b->cap = 2 * b->cap + (size_t)k + 256;
        b->s = sgdn_realloc(b->s, b->cap);
    }
}

/* Tabs and newlines would break the TSV row. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if (*s == '\t' || *s == '\n' || *s == '\r')
            *s = ' ';
}

/* The run whose temporaries a signal must remove.  The one piece of global
 * state in the library: a signal handler has no other way to reach them. */
static run_ctx *volatile signal_run;

static void remove_temporaries(run_ctx *r)
{
    for (int i = 0; i < RUN_MAX_FILES; i++) {
        run_file *rf = &r->files[i];
        if (rf->f)
            fclose(rf->f);
        if (rf->tmp)
            unlink(rf->tmp);
        free(rf->tmp);
        free(rf->final);
        memset(rf, 0, sizeof *rf);
    }
}

void run_discard_outputs(run_ctx *r)
{
    remove_temporaries(r);
}

/* Async-signal-safe: unlink and _exit only. */
static void on_signal(int sig)
{
    run_ctx *r = signal_run;
    if (r)
        for (int i = 0; i < RUN_MAX_FILES; i++)
            if (r->files[i].tmp)
                unlink(r->files[i].tmp);
    signal(sig, SIG_DFL);
    raise(sig);
    _exit(128 + sig);
}

void run_fail(run_ctx *r, const char *fmt, ...)
{
    va_list ap;
    remove_temporaries(r);
    fprintf(stderr, "%s: error: ", r->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

void run_usage_error(run_ctx *r, const char *fmt, ...)
{
    va_list ap;
    remove_temporaries(r);
    fprintf(stderr, "%s: error: ", r->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    opts_usage(stderr, r->name, r->summary, r->specs);
    exit(2);
}

void run_require_memory(run_ctx *r, double bytes, const char *what)
{
    double cap = 0.75 * (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    const char *e = getenv("SGDN_MEM_CAP_GB");
    if (e && *e) {
        char *end;
        double gb = strtod(e, &end);
        if (end != e && !*end && gb > 0)
            cap = gb * 1073741824.0;
    }
    if (!(bytes <= cap))
        run_usage_error(r, "%s needs %.3g GB of memory, above the cap of %.3g GB (3/4 of the "
                           "physical memory, or SGDN_MEM_CAP_GB)", what, bytes / 1e9, cap / 1e9);
}

void run_begin(run_ctx *r, const char *name, const char *summary, int argc, char **argv)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->summary = summary;
    r->argv0 = argv[0];
    r->argc = argc;
    r->argv = argv;
    r->seed = 1;
    r->t_start = r->t_last_progress = run_wall_seconds();
    const char *p = opts_peek(argc, argv, "profile");
    r->profile = p ? p : "paper";
    if (strcmp(r->profile, "paper") && strcmp(r->profile, "ci")) {
        fprintf(stderr, "%s: error: --profile must be 'paper' or 'ci', got '%s'\n", name, r->profile);
        fprintf(stderr, "usage: %s [--profile paper|ci] [options]; see --help\n", name);
        exit(2);
    }
    r->ci = strcmp(r->profile, "ci") == 0;
    r->outdir = r->ci ? "data/ci" : "data/paper";
    const char *c = getenv("SGDN_COMMIT");
    r->commit = c && *c ? c : "unknown";
    /* Parallelism is over independent replicates (OpenMP); BLAS calls
     * inside them must be sequential, or threads would oversubscribe and
     * threaded reductions could change the last bits of a result. */
    openblas_set_num_threads(1);
    /* GSL's default handler aborts; every caller checks return codes. */
    gsl_set_error_handler_off();
    signal_run = r;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
}

void run_parse(run_ctx *r, const opts_spec *specs)
{
    const char *peeked = r->profile;
    int k = 0;
    char err[1024];
    r->specs[k++] = (opts_spec){"profile", OPT_STRING, &r->profile, 0, 0, "paper or ci: sample sizes"};
    r->specs[k++] = (opts_spec){"seed", OPT_INT, &r->seed, 0, 9007199254740992.0, "random seed"};
    r->specs[k++] = (opts_spec){"outdir", OPT_STRING, &r->outdir, 0, 0, "output directory"};
    r->specs[k++] = (opts_spec){"help", OPT_FLAG, &r->help, 0, 0, "print this help and exit"};
    for (const opts_spec *s = specs; s && s->name; s++) {
        if (k == RUN_MAX_OPTS - 1) {
            fprintf(stderr, "%s: error: too many options\n", r->name);
            exit(2);
        }
        r->specs[k++] = *s;
    }
    r->specs[k] = (opts_spec){0};
    if (opts_parse(r->specs, r->argc, r->argv, err, sizeof err))
        run_usage_error(r, "%s", err);
    if (strcmp(r->profile, peeked))
        run_usage_error(r, "give --profile once");
    if (r->help) {
        opts_usage(stdout, r->name, r->summary, r->specs);
        exit(0);
    }
    struct stat st;
    if (stat(r->outdir, &st) != 0 || !S_ISDIR(st.st_mode) || access(r->outdir, W_OK | X_OK) != 0)
        run_usage_error(r, "cannot write to output directory '%s' (%s)", r->outdir,
                        stat(r->outdir, &st) != 0 ? strerror(errno)
                        : !S_ISDIR(st.st_mode) ? "not a directory" : "permission denied");
}

FILE *run_open(run_ctx *r, const char *suffix, const char *columns)
{
    int i = 0;
    while (i < RUN_MAX_FILES && r->files[i].final)
        i++;
    if (i == RUN_MAX_FILES)
        run_fail(r, "too many output files");
    run_file *rf = &r->files[i];
    size_t len = strlen(r->outdir) + strlen(r->name) + strlen(suffix) + 2;
    rf->final = sgdn_malloc(len);
    snprintf(rf->final, len, "%s/%s%s", r->outdir, r->name, suffix);
    for (int j = 0; j < i; j++)
        if (strcmp(r->files[j].final, rf->final) == 0)
            run_fail(r, "output '%s' opened twice", rf->final);
    rf->tmp = sgdn_malloc(len + 32);
    snprintf(rf->tmp, len + 32, "%s.tmp%ld", rf->final, (long)getpid());
    rf->f = fopen(rf->tmp, "w");
    if (!rf->f)
        run_fail(r, "cannot create '%s': %s", rf->tmp, strerror(errno));
    if (columns) {
        char params[4096];
        opts_format(r->specs + 4, params, sizeof params);
        fprintf(rf->f, "# program: %s\n# summary: %s\n# commit: %s\n# profile: %s\n# seed: %ld\n",
                r->name, r->summary, r->commit, r->profile, r->seed);
        fprintf(rf->f, "# options: %s\n# %s\n", params, columns);
    }
    return rf->f;
}

void run_close(run_ctx *r, FILE *f)
{
    for (int i = 0; i < RUN_MAX_FILES; i++) {
        run_file *rf = &r->files[i];
        if (!rf->f || rf->f != f)
            continue;
        int bad = fflush(f) != 0 || ferror(f);
        bad |= fclose(f) != 0;
        rf->f = NULL;
        rf->closed = 1;
        if (bad)
            run_fail(r, "write error on '%s' (disk full?)", rf->tmp);
        return;
    }
    run_fail(r, "run_close on a file not opened by run_open");
}

/* Rename every closed output into place, in the order opened (the claims
 * file, opened last, is renamed last: its presence means the set is
 * complete). */
static void publish(run_ctx *r)
{
    for (int i = 0; i < RUN_MAX_FILES; i++)
        if (r->files[i].final && !r->files[i].closed)
            run_fail(r, "output '%s' was never closed", r->files[i].final);
    for (int i = 0; i < RUN_MAX_FILES; i++) {
        run_file *rf = &r->files[i];
        if (!rf->final)
            continue;
        if (rename(rf->tmp, rf->final))
            run_fail(r, "cannot rename '%s' to '%s': %s", rf->tmp, rf->final, strerror(errno));
        free(rf->tmp);
        rf->tmp = NULL;
    }
    for (int i = 0; i < RUN_MAX_FILES; i++) {
        free(r->files[i].final);
        r->files[i].final = NULL;
    }
}

void run_value(run_ctx *r, const char *key, const char *fmt, ...)
{
    char v[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    sanitize(v);
    buf_printf(&r->vals, "%s\t%s\n", key, v);
}

static const char *rel_names[] = {"eq", "le", "ge"};

const char *claim_rel_name(claim_rel rel)
{
    return (unsigned)rel < 3 ? rel_names[rel] : "?";
}

int claim_rel_parse(const char *s, claim_rel *rel)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, rel_names[i]) == 0) {
            *rel = (claim_rel)i;
            return 0;
        }
    return -1;
}

int claim_passes(claim_rel rel, double m, double p, double tol)
{
    if (!isfinite(m) || !isfinite(p) || !isfinite(tol) || tol < 0)
        return 0;
    switch (rel) {
    case REL_EQ:
        return fabs(m - p) <= tol;
    case REL_LE:
        return m <= p + tol;
    case REL_GE:
        return m >= p - tol;
    }
    return 0;
}

static const char *tests_names[] = {"paper", "corrected", "exact", "control"};

const char *check_tests_name(check_tests t)
{
    return tests_names[t];
}

int check_tests_parse(const char *s, check_tests *t)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, tests_names[i]) == 0) {
            *t = (check_tests)i;
            return 0;
        }
    return -1;
}

void run_check(run_ctx *r, run_check_row c)
{
    char chk[512], b[512], n[1024], an[512];
    if (!c.id || !c.check || !c.basis || (unsigned)c.tests > CHECK_CONTROL ||
        (unsigned)c.rel > REL_GE)
        run_fail(r, "run_check: incomplete row (id, check, basis required; relation eq, le or ge)");
    if (!isfinite(c.measured) || !isfinite(c.predicted) || !isfinite(c.tol) || c.tol < 0 ||
        (c.alt_name && !isfinite(c.alt)))
        run_fail(r, "diverged: check '%s' of %s has a non-finite value (measured %g, predicted "
                    "%g, tolerance %g); no claim row is written from it",
                 c.check, c.id, c.measured, c.predicted, c.tol);
    snprintf(chk, sizeof chk, "%s", c.check);
    snprintf(b, sizeof b, "%s", c.basis);
    snprintf(n, sizeof n, "%s", c.note ? c.note : "");
    snprintf(an, sizeof an, "%s", c.alt_name ? c.alt_name : "");
    sanitize(chk);
    sanitize(b);
    sanitize(n);
    sanitize(an);
    int pass = claim_passes(c.rel, c.measured, c.predicted, c.tol);
    /* id tests check status measured predicted relation tolerance tol_basis alt alt_name note */
    buf_printf(&r->checks, "%s\t%s\t%s\t%s\t%.9g\t%.9g\t%s\t%.9g\t%s\t%.9g\t%s\t%s\n", c.id,
               check_tests_name(c.tests), chk, pass ? "pass" : "fail", c.measured, c.predicted,
               claim_rel_name(c.rel), c.tol, b, c.alt_name ? c.alt : 0.0, an, n);
    r->n_claims++;
    r->n_failed += !pass;
}

void run_progress(run_ctx *r, const char *what, double frac)
{
    double now = run_wall_seconds();
    if (now - r->t_last_progress < 3.0 && frac < 1.0)
        return;
    r->t_last_progress = now;
    fprintf(stderr, "%s: %s %3.0f%% (%.1f s)\n", r->name, what, 100.0 * frac, now - r->t_start);
}

void run_require_finite(run_ctx *r, const double *x, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            run_fail(r, "diverged: %s has a non-finite value (NaN or overflow) at index %zu",
                     what, i);
}

static void write_text(run_ctx *r, const char *suffix, const char *header, const run_buf *b)
{
    FILE *f = run_open(r, suffix, NULL);
    if (header)
        fputs(header, f);
    if (b->len)
        fwrite(b->s, 1, b->len, f);
    run_close(r, f);
}

int run_finish(run_ctx *r)
{
    char host[256] = "unknown", params[4096], date[64];
    run_buf prov = {0};
    time_t now = time(NULL);
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    gethostname(host, sizeof host);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    opts_format(r->specs + 4, params, sizeof params);
    sanitize(params);
    buf_printf(&prov, "program\t%s\ncmd\t%s --profile %s --seed %ld %s\nprofile\t%s\nseed\t%ld\n",
               r->name, r->name, r->profile, r->seed, params, r->profile, r->seed);
    /* CPU time of all threads (user + system): the measure of a program's
     * cost that a loaded machine does not inflate, for the budgets */
    struct rusage ru;
    double cpu = -1.0;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    buf_printf(&prov, "commit\t%s\nwall_s\t%.1f\ncpu_s\t%.1f\nthreads\t%d\nhost\t%s\ndate\t%s\nblas_core\t%s\n",
               r->commit, run_wall_seconds() - r->t_start, cpu, threads, host, date,
               openblas_get_corename());
    write_text(r, ".vals.tsv", NULL, &r->vals);
    write_text(r, ".prov.tsv", NULL, &prov);
    /* the header is CLAIMS_HEADER of claims.h, which the gate requires */
    write_text(r, ".claims.tsv",
               "id\ttests\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis"
               "\talt\talt_name\tnote\n",
               &r->checks);
    publish(r);
    signal_run = NULL;
    fprintf(stderr, "%s: done in %.1f s, %d checks, %d failed\n", r->name,
            run_wall_seconds() - r->t_start, r->n_claims, r->n_failed);
    free(prov.s);
    free(r->vals.s);
    free(r->checks.s);
    return 0;
}
