/* claims_gate — read the claims files of the programs, recompute every
 * check's status from its numbers, derive each claim's verdict from its
 * rows, compare it with the verdict pinned in the catalogue, print the
 * table, and write data/claims.tsv, the verdicts and the report's tables.
 *
 *   claims_gate [--catalogue F] [--profile paper|ci] [--out F] [--verdicts F]
 *               [--tex F] [--quiet] [--no-fail] [--partial] CLAIMS.tsv...
 *
 * The rules (claims.h): a program never states a verdict.  Each row says
 * what it tests — paper (the statement as printed), corrected (the
 * project's derived correction), exact (the exact prediction for the
 * system simulated), control (code and sanity checks) — and
 *   reproduced                  every paper row passes;
 *   reproduced with correction  a paper row fails, every corrected row
 *                               (at least one) passes;
 *   not reproduced              a paper row fails, and a corrected row
 *                               fails or there is none;
 *   inconclusive                the verdict would rest on a row whose
 *                               named alternative passes the same test,
 *                               or no row tests the paper's statement at
 *                               all (a claim whose rows test only the
 *                               project's numerics says nothing of the
 *                               paper);
 *   pending                     no rows;
 *   not attempted               only from the catalogue, with its reason.
 *
 * Exit status: 2 on input that cannot be trusted (a malformed row, an
 * unknown tests kind or relation, a non-finite number or a negative
 * tolerance, a file with no rows, the legacy format, a claim ID missing
 * from the catalogue, rows for a claim catalogued as not attempted), with
 * one line naming the file and line; 1 when an exact or control row fails
 * (a bug in the project) or a derived verdict differs from the catalogue's
 * expected one for the --profile the claims come from (default paper; the
 * catalogue may pin a different ci verdict, "V; ci: W") (both printed); 0
 * otherwise.  A failing paper or corrected
 * row is a finding, never a failure of the gate.  --no-fail turns exit 1
 * into 0 (for building the report); --partial compares only the claims
 * that have rows (when not every program's file is given).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "err.h"

static void usage_exit(const char *msg)
{
    fprintf(stderr, "claims_gate: error: %s\n"
                    "usage: claims_gate [--catalogue F] [--profile paper|ci] [--out F] [--verdicts F] [--tex F] "
                    "[--quiet] [--no-fail] [--partial] CLAIMS.tsv...\n", msg);
    exit(2);
}

static void input_error(const char *msg)
{
    fprintf(stderr, "claims_gate: error: %s\n", msg);
    exit(2);
}

/* The values of the measurement for which a row passes: the relation, the
 * prediction and the tolerance in one threshold ("<= 46.3", "in [0.9, 1.1]"). */
static void pass_region_tex(FILE *f, const claims_row *r)
{
    switch (r->rel) {
    case REL_EQ:
        fprintf(f, "$\\in[%.4g,\\,%.4g]$", r->predicted - r->tol, r->predicted + r->tol);
        break;
    case REL_LE:
        fprintf(f, "$\\le %.4g$", r->predicted + r->tol);
        break;
    case REL_GE:
        fprintf(f, "$\\ge %.4g$", r->predicted - r->tol);
        break;
    }
}

/* What a row's outcome means: a failing paper row refutes the statement,
 * a failing corrected row refutes the correction (both findings), a
 * failing exact or control row is a bug. */
static const char *row_status(const claims_row *r)
{
    if (r->inconclusive)
        return "inconclusive";
    if (r->pass)
        return "pass";
    switch (r->tests) {
    case CHECK_PAPER:
        return "refuted";
    case CHECK_CORRECTED:
        return "fail";
    default:
        return "bug";
    }
}

/* Outputs are written to FILE.tmp and renamed when complete. */
static FILE *open_tmp(const char *file, char *tmp, size_t len)
{
    snprintf(tmp, len, "%s.tmp", file);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "claims_gate: error: cannot write '%s'\n", tmp);
        exit(2);
    }
    return f;
}

static void commit_tmp(FILE *f, const char *tmp, const char *file)
{
    if (ferror(f) | fclose(f) || rename(tmp, file)) {
        remove(tmp);
        fprintf(stderr, "claims_gate: error: cannot write '%s'\n", file);
        exit(2);
    }
}

/* The claim IDs to report: the catalogue's, or (without one) those of the
 * rows in order of first appearance. */
typedef struct {
    const char **id;
    const claims_cat_entry **cat; /* NULL entries without a catalogue */
    claims_verdict *verdict;
    claims_tally *tally;
    size_t n;
} id_list;

static void write_row_tex(FILE *f, const claims_row *r)
{
    fputs("\\claimrow{", f);
    claims_tex_text(f, r->check);
    fprintf(f, "}{%.4g}{%.4g}{", r->measured, r->predicted);
    pass_region_tex(f, r);
    fprintf(f, "}{%.3g}{", r->tol);
    claims_tex_text(f, r->basis);
    fprintf(f, "}{%s}{", row_status(r));
    claims_tex_text(f, r->note);
    fputs("}{", f);
    if (*r->alt_name) {
        fputs("alternative ", f);
        claims_tex_text(f, r->alt_name);
        fprintf(f, ": %.4g, which would %s", r->alt,
                claim_passes(r->rel, r->alt, r->predicted, r->tol) ? "pass too" : "fail");
    }
    fputs("}\n", f);
}

static void write_rows_tex(FILE *f, const claims_set *s, const char *id)
{
    for (int k = CHECK_PAPER; k <= CHECK_CONTROL; k++) {
        int any = 0;
        for (size_t i = 0; i < s->n; i++) {
            const claims_row *r = &s->rows[i];
            if (strcmp(r->id, id) || (int)r->tests != k)
                continue;
            if (!any++)
                fprintf(f, "\\claimgroup{%s}\n", check_tests_name((check_tests)k));
            write_row_tex(f, r);
        }
    }
}

static void write_tex(const char *file, const claims_set *s, const id_list *ids)
{
    char tmp[4200];
    int counts[CLAIMS_NVERDICT] = {0}, failed[4] = {0};
    FILE *f = open_tmp(file, tmp, sizeof tmp);
    for (size_t c = 0; c < ids->n; c++) {
        fprintf(f, "\\expandafter\\def\\csname claimrows@%s\\endcsname{%%\n", ids->id[c]);
        write_rows_tex(f, s, ids->id[c]);
        fputs("}\n", f);
        fprintf(f, "\\defval{verdict/%s}{%s}\n", ids->id[c], claims_verdict_name(ids->verdict[c]));
        counts[ids->verdict[c]]++;
    }
    fputs("\\def\\claimsummaryrows{%\n", f);
    for (size_t c = 0; c < ids->n; c++) {
        const claims_tally *t = &ids->tally[c];
        const claims_cat_entry *e = ids->cat[c];
        fprintf(f, "\\summaryrow{%s}{%s}{", ids->id[c], e ? e->figs : "");
        if (e)
            claims_tex_text(f, e->title);
        fprintf(f, "}{%s}", claims_verdict_name(ids->verdict[c]));
        for (int k = 0; k < 3; k++) {
            int n = k < 2 ? t->n[k] : t->n[2] + t->n[3];
            int p = k < 2 ? t->pass[k] : t->pass[2] + t->pass[3];
            if (n)
                fprintf(f, "{%d/%d}", p, n);
            else
                fputs("{--}", f);
        }
        fputs("{", f);
        if (e && (ids->verdict[c] == VERDICT_PENDING || ids->verdict[c] == VERDICT_NOT_ATTEMPTED))
            claims_tex_text(f, e->reason);
        fputs("}\n", f);
    }
    fputs("}\n", f);
    for (size_t i = 0; i < s->n; i++)
        failed[s->rows[i].tests] += !s->rows[i].pass;
    fprintf(f, "\\def\\countreproduced{%d}\\def\\countcorrected{%d}\\def\\countnotreproduced{%d}"
               "\\def\\countinconclusive{%d}\\def\\countnotattempted{%d}\\def\\countpending{%d}"
               "\\def\\countclaims{%zu}\n",
            counts[VERDICT_REPRODUCED], counts[VERDICT_CORRECTED], counts[VERDICT_NOT_REPRODUCED],
            counts[VERDICT_INCONCLUSIVE], counts[VERDICT_NOT_ATTEMPTED], counts[VERDICT_PENDING],
            ids->n);
    fprintf(f, "\\def\\countchecks{%zu}\\def\\countrefuted{%d}\\def\\countcorrfailed{%d}"
               "\\def\\countbugs{%d}\n",
            s->n, failed[CHECK_PAPER], failed[CHECK_CORRECTED],
            failed[CHECK_EXACT] + failed[CHECK_CONTROL]);
    commit_tmp(f, tmp, file);
}

static void write_tsv(const char *file, const claims_set *s, const id_list *ids)
{
    char tmp[4200];
    FILE *f = open_tmp(file, tmp, sizeof tmp);
    fputs(CLAIMS_HEADER "\tverdict\n", f);
    for (size_t c = 0; c < ids->n; c++)
        for (size_t i = 0; i < s->n; i++) {
            const claims_row *r = &s->rows[i];
            if (strcmp(r->id, ids->id[c]))
                continue;
            fprintf(f, "%s\t%s\t%s\t%s\t%.9g\t%.9g\t%s\t%.9g\t%s\t%.9g\t%s\t%s\t%s\n", r->id,
                    check_tests_name(r->tests), r->check,
                    r->inconclusive ? "inconclusive" : r->pass ? "pass" : "fail", r->measured,
                    r->predicted, claim_rel_name(r->rel), r->tol, r->basis, r->alt, r->alt_name,
                    r->note, claims_verdict_name(ids->verdict[c]));
        }
    commit_tmp(f, tmp, file);
}

/* The verdict the catalogue pins for the profile the claims come from. */
static claims_verdict expected_of(const claims_cat_entry *e, int ci)
{
    return ci ? e->expected_ci : e->expected;
}

static void write_verdicts(const char *file, const id_list *ids, int ci)
{
    char tmp[4200];
    FILE *f = open_tmp(file, tmp, sizeof tmp);
    fputs("id\tverdict\texpected\tpaper\tcorrected\texact\tcontrol\tinconclusive\n", f);
    for (size_t c = 0; c < ids->n; c++) {
        const claims_tally *t = &ids->tally[c];
        fprintf(f, "%s\t%s\t%s", ids->id[c], claims_verdict_name(ids->verdict[c]),
                ids->cat[c] ? claims_verdict_name(expected_of(ids->cat[c], ci)) : "-");
        for (int k = 0; k < 4; k++)
            fprintf(f, "\t%d/%d", t->pass[k], t->n[k]);
        fprintf(f, "\t%d\n", t->inconclusive[0] + t->inconclusive[1] + t->inconclusive[2] +
                                 t->inconclusive[3]);
    }
    commit_tmp(f, tmp, file);
}

static void print_table(const claims_set *s, const id_list *ids)
{
    for (size_t c = 0; c < ids->n; c++) {
        int any = 0;
        for (size_t i = 0; i < s->n; i++) {
            const claims_row *r = &s->rows[i];
            if (strcmp(r->id, ids->id[c]))
                continue;
            if (!any++)
                printf("%s: %s\n", ids->id[c], claims_verdict_name(ids->verdict[c]));
            printf("  %-9s %-44.44s %-12s %11.5g %2s %11.5g %9.3g\n", check_tests_name(r->tests),
                   r->check, row_status(r), r->measured, claim_rel_name(r->rel), r->predicted,
                   r->tol);
        }
    }
}

int main(int argc, char **argv)
{
    const char *out = NULL, *texfile = NULL, *catfile = NULL, *verdfile = NULL, *profile = "paper";
    int quiet = 0, nofail = 0, partial = 0, first = argc;
    char err[1024];
    for (int i = 1; i < argc; i++) {
        const char **opt = !strcmp(argv[i], "--out")         ? &out
                           : !strcmp(argv[i], "--tex")       ? &texfile
                           : !strcmp(argv[i], "--catalogue") ? &catfile
                           : !strcmp(argv[i], "--verdicts")  ? &verdfile
                           : !strcmp(argv[i], "--profile")   ? &profile
                                                             : NULL;
        if (opt) {
            if (i + 1 == argc)
                usage_exit("an option needs a value");
            *opt = argv[++i];
        } else if (!strcmp(argv[i], "--quiet"))
            quiet = 1;
        else if (!strcmp(argv[i], "--no-fail"))
            nofail = 1;
        else if (!strcmp(argv[i], "--partial"))
            partial = 1;
        else if (!strncmp(argv[i], "--", 2)) {
            snprintf(err, sizeof err, "unknown option '%s'", argv[i]);
            usage_exit(err);
        } else {
            first = i;
            break;
        }
    }
    if (first == argc)
        usage_exit("no claims files given");
    if (strcmp(profile, "paper") && strcmp(profile, "ci"))
        usage_exit("--profile must be 'paper' or 'ci'");
    int ci = !strcmp(profile, "ci");

    claims_catalogue cat = {0};
    if (catfile) {
        FILE *f = fopen(catfile, "r");
        if (!f) {
            snprintf(err, sizeof err, "cannot open '%s'", catfile);
            input_error(err);
        }
        if (claims_catalogue_read(&cat, f, catfile, err, sizeof err))
            input_error(err);
        fclose(f);
    }
    claims_set s = {0};
    for (int i = first; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            snprintf(err, sizeof err, "cannot open '%s'", argv[i]);
            input_error(err);
        }
        if (claims_read(&s, f, argv[i], err, sizeof err))
            input_error(err);
        fclose(f);
    }

    /* The written status is not trusted; say where it disagrees. */
    for (size_t i = 0; i < s.n; i++) {
        const claims_row *r = &s.rows[i];
        if (r->pass != (strcmp(r->status, "fail") != 0))
            fprintf(stderr, "claims_gate: %s, line %ld: status '%s' disagrees with its numbers; "
                            "using %s\n", r->file, r->line, r->status, r->pass ? "pass" : "fail");
    }
    /* Every row's claim must be catalogued, and attempted. */
    for (size_t i = 0; catfile && i < s.n; i++) {
        const claims_row *r = &s.rows[i];
        const claims_cat_entry *e = claims_catalogue_find(&cat, r->id);
        if (!e || e->expected == VERDICT_NOT_ATTEMPTED) {
            snprintf(err, sizeof err, "%s, line %ld: claim ID %s %s", r->file, r->line, r->id,
                     e ? "is catalogued as not attempted, yet has a check row"
                       : "is not in the catalogue");
            input_error(err);
        }
    }
    /* The IDs: the catalogue's, else those of the rows. */
    size_t nmax = catfile ? cat.n : s.n;
    id_list ids = {SGDN_NEW(ids.id, nmax + 1), SGDN_NEW(ids.cat, nmax + 1),
                   SGDN_NEW(ids.verdict, nmax + 1), SGDN_NEW(ids.tally, nmax + 1), 0};
    for (size_t i = 0; i < nmax; i++) {
        const char *id = catfile ? cat.e[i].id : s.rows[i].id;
        size_t j = 0;
        while (j < ids.n && strcmp(ids.id[j], id))
            j++;
        if (j < ids.n)
            continue;
        ids.id[ids.n] = id;
        ids.cat[ids.n] = catfile ? &cat.e[i] : NULL;
        ids.verdict[ids.n] =
            claims_derive(&s, id, catfile && cat.e[i].expected == VERDICT_NOT_ATTEMPTED,
                          &ids.tally[ids.n]);
        ids.n++;
    }

    if (!quiet)
        print_table(&s, &ids);
    if (out)
        write_tsv(out, &s, &ids);
    if (verdfile)
        write_verdicts(verdfile, &ids, ci);
    if (texfile)
        write_tex(texfile, &s, &ids);

    fflush(stdout);
    /* Bugs: failing exact or control rows. */
    int bugs = 0, mismatches = 0, findings = 0;
    for (size_t i = 0; i < s.n; i++) {
        const claims_row *r = &s.rows[i];
        if (r->pass)
            continue;
        if (r->tests == CHECK_EXACT || r->tests == CHECK_CONTROL) {
            bugs++;
            fprintf(stderr, "claims_gate: %s, line %ld: %s check of %s fails: %s (measured %.6g, "
                            "%s %.6g, tolerance %.3g)\n", r->file, r->line,
                    check_tests_name(r->tests), r->id, r->check, r->measured,
                    claim_rel_name(r->rel), r->predicted, r->tol);
        } else
            findings++;
    }
    fflush(stdout);
    /* Verdicts against the catalogue's pinned expectations. */
    for (size_t c = 0; catfile && c < ids.n; c++) {
        const claims_tally *t = &ids.tally[c];
        if (partial && t->n[0] + t->n[1] + t->n[2] + t->n[3] == 0)
            continue;
        if (ids.verdict[c] != expected_of(ids.cat[c], ci)) {
            mismatches++;
            fprintf(stderr, "claims_gate: %s: derived verdict '%s' differs from the expected '%s' "
                            "of the %s profile (report/catalogue.tsv)\n", ids.id[c],
                    claims_verdict_name(ids.verdict[c]),
                    claims_verdict_name(expected_of(ids.cat[c], ci)), profile);
        }
    }
    if (!quiet || bugs || mismatches)
        printf("claims: %zu checks in %zu files; %d failing paper/corrected rows (findings), %d "
               "failing exact/control rows (bugs); %d verdicts differ from the catalogue\n",
               s.n, (size_t)(argc - first), findings, bugs, mismatches);
    free(ids.id);
    free(ids.cat);
    free(ids.verdict);
    free(ids.tally);
    claims_free(&s);
    claims_catalogue_free(&cat);
    return (bugs || mismatches) && !nofail ? 1 : 0;
}
