/* run.h — one run of a result program: options, output files, claims and
 * provenance.
 *
 * Life of a program:
 *
 *     run_ctx run;
 *     run_begin(&run, "zhu_e13", "what it computes", argc, argv);
 *     long reps = run.ci ? 4000 : 100000;           // profile defaults
 *     opts_spec spec[] = {{"reps", OPT_INT, &reps, 1, 1e9, "replicates"}, {0}};
 *     run_parse(&run, spec);                        // validate, or exit 2
 *     FILE *f = run_open(&run, ".tsv", "t\tmean\tse");
 *     ...                                           // compute, write rows
 *     run_close(&run, f);                           // atomic rename
 *     run_value(&run, "slope", "%.3f", b);          // a number for the report
 *     run_check(&run, (run_check_row){.id = "ZHU-E13", .tests = CHECK_PAPER, ...});
 *     return run_finish(&run);                      // vals, provenance, claims
 *
 * Outputs are a set: every file is written under a temporary name, and
 * run_finish renames them all when the run has completed, the claims file
 * last.  A run that fails (run_fail, a usage error, SIGINT/SIGTERM/SIGHUP)
 * removes its temporaries and leaves the previous complete set untouched,
 * so no reader ever sees a partial file or a mix of two runs' files.
 * Files under <outdir>:
 *     <name><suffix>      data, with a '#' header block (program, commit,
 *                         profile, seed, every option's value)
 *     <name>.vals.tsv     key, value: numbers quoted by the report
 *     <name>.prov.tsv     wall time, host, threads: kept apart, because they
 *                         change from run to run while the data must not
 *     <name>.claims.tsv   one row per check; written last, so its presence
 *                         means the run completed (it is the make target)
 */
#ifndef SGDN_RUN_H
#define SGDN_RUN_H

#include <stdio.h>
#include "opts.h"

#define RUN_MAX_FILES 32
#define RUN_MAX_OPTS 64

/* The relation of a check (a refutation is a paper row that fails its own
 * test, never a relation of its own). */
typedef enum { REL_EQ, REL_LE, REL_GE } claim_rel;

/* What a check row tests (the claims gate derives each claim's verdict
 * from these; a program never states a verdict):
 *   CHECK_PAPER      the paper's statement as printed (its formula,
 *                    inequality or ordering);
 *   CHECK_CORRECTED  the project's corrected statement, derived and
 *                    explained in the report;
 *   CHECK_EXACT      the exact prediction for the system simulated
 *                    (quadrature, closed form, recursion): a test of the
 *                    project's own numerics;
 *   CHECK_CONTROL    code and sanity checks (finite differences, facts
 *                    that hold by construction). */
typedef enum { CHECK_PAPER, CHECK_CORRECTED, CHECK_EXACT, CHECK_CONTROL } check_tests;

/* One check row.  Written with designated initialisers:
 *     run_check(&run, (run_check_row){.id = "ZHU-E13", .tests = CHECK_PAPER,
 *         .check = "E[L_t] at t = 1 vs Eq. 13", .rel = REL_EQ,
 *         .measured = m, .predicted = p, .tol = 4 * se, .basis = "4 SE"});
 * The relation, the prediction and the tolerance's rule are fixed before
 * the measurement.  Power: a row may name the alternative the report
 * proposes (alt_name, and alt, the value the measurement would take under
 * it); if that value would pass the same test, the row could not have told
 * the two apart and the gate marks it inconclusive. */
typedef struct {
    const char *id;        /* claim ID of report/catalogue.tsv */
    check_tests tests;
    const char *check;     /* what is compared, in words */
    claim_rel rel;
    double measured, predicted, tol;
    const char *basis;     /* where the tolerance comes from: "4 SE", "95% CI" */
    const char *alt_name;  /* NULL: no alternative named */
    double alt;
    const char *note;      /* may be NULL */
} run_check_row;

typedef struct {
    FILE *f;       /* open while the program writes it */
    char *tmp;     /* <final>.tmp<pid>: where it is written */
    char *final;   /* its name once the run completes */
    int closed;    /* written completely, waiting for run_finish */
} run_file;

typedef struct {
    char *s;
    size_t len, cap;
} run_buf;

typedef struct {
    const char *name;     /* program name: stem of every output file */
    const char *summary;
    const char *argv0;
    const char *profile;  /* "paper" or "ci" */
    int ci;               /* profile is ci */
    long seed;
    const char *outdir;
    int help;
    const char *commit;
    int argc;
    char **argv;
    opts_spec specs[RUN_MAX_OPTS];
    run_file files[RUN_MAX_FILES];
    run_buf vals, checks;
    int n_claims, n_failed;
    double t_start, t_last_progress;
} run_ctx;

/* Read --profile (paper or ci; exit 2 on anything else) so that the
 * program can set its profile's defaults before run_parse. */
void run_begin(run_ctx *r, const char *name, const char *summary, int argc, char **argv);
/* Parse every option (the program's specs plus --profile, --seed,
 * --outdir, --help); on error print one line and the usage and exit 2. */
void run_parse(run_ctx *r, const opts_spec *specs);
/* Fail as run_parse does, for a check across options made after it
 * ("--tmax must exceed --tmin"). */
void run_usage_error(run_ctx *r, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* A new output <outdir>/<name><suffix> (under its temporary name until
 * run_finish); columns (or NULL) heads the '#' block of a data file. */
FILE *run_open(run_ctx *r, const char *suffix, const char *columns);
/* Finish writing f (a write error fails the run); it is renamed into place
 * by run_finish together with the run's other outputs. */
void run_close(run_ctx *r, FILE *f);
/* Fail as run_usage_error does (exit 2, naming the options in what) when a
 * run would need more than the memory cap: 3/4 of the physical memory, or
 * SGDN_MEM_CAP_GB gigabytes if that is set. */
void run_require_memory(run_ctx *r, double bytes, const char *what);
/* Remove every output opened so far (a shard run, which writes none). */
void run_discard_outputs(run_ctx *r);

void run_value(run_ctx *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Append a check row; its status is pass when
 *   REL_EQ |measured − predicted| ≤ tol,   REL_LE measured ≤ predicted + tol,
 *   REL_GE measured ≥ predicted − tol.
 * The claims gate (claims.h) derives every verdict from these rows.  A
 * non-finite measured, predicted, tolerance or alternative, or a negative
 * tolerance, is never written: the run fails with a "diverged" message
 * instead. */
void run_check(run_ctx *r, run_check_row c);
const char *check_tests_name(check_tests t);
int check_tests_parse(const char *s, check_tests *t);

int claim_passes(claim_rel rel, double measured, double predicted, double tol);
const char *claim_rel_name(claim_rel rel);
int claim_rel_parse(const char *s, claim_rel *rel);

/* Progress on stderr, at most every few seconds; frac in [0, 1]. */
void run_progress(run_ctx *r, const char *what, double frac);
/* Exit 1 with "name: error: ..." after removing every temporary file. */
void run_fail(run_ctx *r, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* run_fail with a divergence message unless all of x[0..n) are finite. */
void run_require_finite(run_ctx *r, const double *x, size_t n, const char *what);
int run_finish(run_ctx *r);

double run_wall_seconds(void);

#endif
