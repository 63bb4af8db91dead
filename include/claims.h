/* claims.h — the claims format and the rules that turn check rows into
 * verdicts.  Used by the claims gate (src/tools/claims_gate.c); kept apart
 * so that the rules can be unit tested and the parser fuzzed.
 *
 * A claims file (written by run_finish, see run.h) is a header line
 *     id tests check status measured predicted relation tolerance tol_basis alt alt_name note
 * and one tab-separated row per check.  Every field is validated: tests is
 * paper | corrected | exact | control; relation eq | le | ge; measured,
 * predicted, tolerance and alt finite numbers, tolerance >= 0; id, check
 * and tol_basis non-empty.  The status a program wrote is not trusted: it
 * is recomputed from the numbers.  A file with a header and no row is
 * rejected: every program exists to check a claim, and a program whose
 * checks silently vanished (a fit skipped, a loop that never ran) must not
 * pass for one that checked nothing wrong.
 *
 * A row passes when
 *     eq  |measured − predicted| ≤ tolerance
 *     le  measured ≤ predicted + tolerance
 *     ge  measured ≥ predicted − tolerance.
 * A passing row that names an alternative (alt_name non-empty) whose value
 * alt would pass the same test is inconclusive: it could not tell the
 * statement from the alternative.
 *
 * Verdict of a claim ID, from its rows (claims_derive):
 *   not attempted  only from the catalogue, with its reason (no rows allowed)
 *   pending        no rows
 *   reproduced     every paper row passes, none inconclusive
 *   inconclusive   every paper row passes and one is inconclusive; or a
 *                  paper row fails, all corrected rows pass and every one
 *                  of them is inconclusive; or no row tests the paper's statement
 *                  (only corrected, exact or control rows): the checks did
 *                  not decide the paper's statement
 *   reproduced with correction
 *                  a paper row fails, at least one corrected row exists,
 *                  every corrected row passes, and at least one of them is
 *                  conclusive (an inconclusive corrected row, where the
 *                  correction and its alternative coincide, decides nothing)
 *   not reproduced a paper row fails and there is no corrected row, or one
 *                  fails
 * Exact and control rows never enter a verdict: a failing one is a bug in
 * the project's numerics or code, and fails `make check`.  Failing paper
 * and corrected rows are findings and never fail it.
 */
#ifndef SGDN_CLAIMS_H
#define SGDN_CLAIMS_H

#include <stddef.h>
#include <stdio.h>
#include "run.h"

#define CLAIMS_NCOL 12
#define CLAIMS_HEADER                                                                          \
    "id\ttests\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis\talt\talt_name" \
    "\tnote"

typedef enum {
    VERDICT_REPRODUCED,
    VERDICT_CORRECTED,      /* "reproduced with correction" */
    VERDICT_NOT_REPRODUCED,
    VERDICT_INCONCLUSIVE,
    VERDICT_NOT_ATTEMPTED,
    VERDICT_PENDING
} claims_verdict;
#define CLAIMS_NVERDICT 6

typedef struct {
    char *buf;        /* one allocation holding every string of the row */
    const char *id, *check, *status, *basis, *alt_name, *note;
    check_tests tests;
    claim_rel rel;
    double measured, predicted, tol, alt;
    int pass;         /* recomputed from the numbers */
    int inconclusive; /* passes, and alt would pass too */
    const char *file;
    long line;
} claims_row;

typedef struct {
    claims_row *rows;
    size_t n, cap;
} claims_set;

/* Per claim ID: rows, passing rows and inconclusive rows of each kind
 * (indexed by check_tests). */
typedef struct {
    int n[4], pass[4], inconclusive[4];
} claims_tally;

typedef struct {
    char *id, *figs, *title, *reason;
    claims_verdict expected;    /* pinned for the paper profile */
    claims_verdict expected_ci; /* for the ci profile: the same, unless the
                                   catalogue writes "V; ci: W" */
} claims_cat_entry;

typedef struct {
    claims_cat_entry *e;
    size_t n, cap;
} claims_catalogue;

/* Parse one row (no trailing newline) into row, which owns a copy (free
 * row->buf).  On error returns -1 with a one-line reason in err. */
int claims_parse_row(const char *line, claims_row *row, char *err, size_t errlen);
/* Read a whole claims file from f (name used in messages) and append its
 * rows to s.  Returns 0, or -1 with "FILE, line N: reason" in err; rows of
 * a rejected file are not appended. */
int claims_read(claims_set *s, FILE *f, const char *name, char *err, size_t errlen);
void claims_free(claims_set *s);

/* The verdict of one ID from the rows of s; not_attempted: the catalogue
 * says so (then rows are an error, reported by the caller).  tally may be
 * NULL. */
claims_verdict claims_derive(const claims_set *s, const char *id, int not_attempted,
                             claims_tally *tally);
/* The number of failing exact and control rows: bugs, which fail the gate. */
int claims_count_bugs(const claims_set *s);
const char *claims_verdict_name(claims_verdict v);
int claims_verdict_parse(const char *s, claims_verdict *v);

/* The catalogue: header line, then rows "id figs title expected reason";
 * expected is a verdict name, or "V; ci: W" when the ci profile's smaller
 * sizes decide the claim differently from the paper profile's (both are
 * measured results: the report says why they differ); reason non-empty
 * when it is "not attempted".
 * Returns 0, or -1 with "FILE, line N: reason" in err. */
int claims_catalogue_read(claims_catalogue *c, FILE *f, const char *name, char *err,
                          size_t errlen);
const claims_cat_entry *claims_catalogue_find(const claims_catalogue *c, const char *id);
void claims_catalogue_free(claims_catalogue *c);

/* Write a check's text (name, basis, note) as LaTeX: specials escaped,
 * ASCII Greek names and their indices as mathematics ("lambda1" -> $\lambda_1$,
 * "chi2" -> $\chi^2$, "eta^3", "theta_GD"), "Tr" as an operator, single
 * capitals H, D, ... as symbols, "<x>" as an average. */
void claims_tex_text(FILE *f, const char *s);
void claims_tex_text_n(FILE *f, const char *s, size_t n);

#endif
