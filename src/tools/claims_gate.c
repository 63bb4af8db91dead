/* claims_gate — gather the claims files of all programs, recompute every
 * check's status from its numbers, print the table, write data/claims.tsv
 * and the report's LaTeX tables, and fail if any check fails.
 *
 * The status column written by a program is not trusted: the gate derives
 * pass/fail again from (measured, predicted, relation, tolerance), so a row
 * whose prediction is edited, or a program that mislabels a row, cannot
 * slip through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "run.h"

#define MAX_ROWS 4096
#define MAX_CAT 128
#define NCOL 10

typedef struct {
    char *col[NCOL]; /* id check status measured predicted relation tolerance tol_basis verdict note */
    double m, p, tol;
    claim_rel rel;
    int pass;
} row;

typedef struct {
    char id[64], figs[64], title[256], absent[64], reason[512];
} cat_entry;

static void die(const char *msg, const char *file, long line)
{
    fprintf(stderr, "claims_gate: error: %s (%s, line %ld)\n", msg, file, line);
    exit(2);
}

static int split(char *s, char **cols, int max)
{
    int n = 0;
    cols[n++] = s;
    for (char *p = s; *p; p++)
        if (*p == '\t') {
            *p = '\0';
            if (n == max)
                return -1;
            cols[n++] = p + 1;
        }
    return n;
}

static double num(const char *s, const char *file, long line)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        die("not a number in a claims row", file, line);
    return v;
}

static int read_claims(const char *file, row *rows, int n)
{
    FILE *f = fopen(file, "r");
    char buf[8192];
    long line = 0;
    if (!f) {
        fprintf(stderr, "claims_gate: error: cannot open '%s'\n", file);
        exit(2);
    }
    while (fgets(buf, sizeof buf, f)) {
        line++;
        buf[strcspn(buf, "\n")] = '\0';
        if (line == 1) {
            if (strncmp(buf, "id\tcheck\tstatus\tmeasured\tpredicted", 34))
                die("missing header row", file, line);
            continue;
        }
        if (!*buf)
            continue;
        if (n == MAX_ROWS)
            die("too many rows", file, line);
        row *r = &rows[n];
        char *s = strdup(buf);
        if (split(s, r->col, NCOL) != NCOL)
            die("a claims row needs 10 tab-separated columns", file, line);
        r->m = num(r->col[3], file, line);
        r->p = num(r->col[4], file, line);
        r->tol = num(r->col[6], file, line);
        if (claim_rel_parse(r->col[5], &r->rel))
            die("relation must be eq, le, ge or ne", file, line);
        if (!claim_verdict_valid(r->col[8]))
            die("invalid verdict", file, line);
        r->pass = claim_passes(r->rel, r->m, r->p, r->tol);
        if (r->pass != (strcmp(r->col[2], "pass") == 0))
            fprintf(stderr, "claims_gate: %s line %ld: status '%s' disagrees with its numbers; using %s\n",
                    file, line, r->col[2], r->pass ? "pass" : "fail");
        n++;
    }
    fclose(f);
    return n;
}

static int read_catalogue(const char *file, cat_entry *cat)
{
    FILE *f = fopen(file, "r");
    char buf[2048], *c[5];
    int n = 0;
    long line = 0;
    if (!f) {
        fprintf(stderr, "claims_gate: error: cannot open '%s'\n", file);
        exit(2);
    }
    while (fgets(buf, sizeof buf, f)) {
        line++;
        buf[strcspn(buf, "\n")] = '\0';
        if (line == 1 || !*buf)
            continue;
        if (n == MAX_CAT || split(buf, c, 5) != 5)
            die("catalogue rows are: id figs title absent reason", file, line);
        snprintf(cat[n].id, sizeof cat[n].id, "%s", c[0]);
        snprintf(cat[n].figs, sizeof cat[n].figs, "%s", c[1]);
        snprintf(cat[n].title, sizeof cat[n].title, "%s", c[2]);
        snprintf(cat[n].absent, sizeof cat[n].absent, "%s", c[3]);
        snprintf(cat[n].reason, sizeof cat[n].reason, "%s", c[4]);
        n++;
    }
    fclose(f);
    return n;
}

/* LaTeX-escape the ASCII specials; Unicode letters are declared in the
 * report's preamble. */
static void tex(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': case '%': case '$': case '#': case '_': case '{': case '}':
            fprintf(f, "\\%c", *s);
            break;
        case '~':
            fputs("\\textasciitilde{}", f);
            break;
        case '^':
            fputs("\\textasciicircum{}", f);
            break;
        case '\\':
            fputs("\\textbackslash{}", f);
            break;
        case '<':
            fputs("\\textless{}", f);
            break;
        case '>':
            fputs("\\textgreater{}", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static const char *rel_tex(claim_rel rel)
{
    static const char *t[] = {"$=$", "$\\le$", "$\\ge$", "$\\neq$"};
    return t[rel];
}

/* The verdict of a claim ID from its rows: all rows carry the same verdict
 * by convention; if they do not, the most cautious wins. */
static const char *id_verdict(const row *rows, int n, const char *id)
{
    static const char *order[] = {"not reproduced", "reproduced with correction", "reproduced",
                                  "not attempted"};
    for (int o = 0; o < 4; o++)
        for (int i = 0; i < n; i++)
            if (!strcmp(rows[i].col[0], id) && !strcmp(rows[i].col[8], order[o]))
                return order[o];
    return NULL;
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
    if (fclose(f) || rename(tmp, file)) {
        fprintf(stderr, "claims_gate: error: cannot write '%s'\n", file);
        exit(2);
    }
}

static void write_row_tex(FILE *f, const row *r)
{
    fputs("\\claimrow{", f);
    tex(f, r->col[1]);
    fprintf(f, "}{%.4g}{%.4g}{%s}{%.3g}{", r->m, r->p, rel_tex(r->rel), r->tol);
    tex(f, r->col[7]);
    fprintf(f, "}{%s}{", r->pass ? "pass" : "fail");
    tex(f, r->col[9]);
    fputs("}\n", f);
}

static void write_tex(const char *file, const row *rows, int n, const cat_entry *cat, int ncat)
{
    char tmp[1100];
    FILE *f = open_tmp(file, tmp, sizeof tmp);
    /* Per-ID rows, for the table under each result. */
    for (int c = 0; c < ncat; c++) {
        fprintf(f, "\\expandafter\\def\\csname claimrows@%s\\endcsname{%%\n", cat[c].id);
        for (int i = 0; i < n; i++)
            if (!strcmp(rows[i].col[0], cat[c].id))
                write_row_tex(f, &rows[i]);
        fputs("}\n", f);
    }
    /* The catalogue summary with each ID's verdict, and the counts. */
    int counts[5] = {0};
    static const char *names[] = {"reproduced", "reproduced with correction", "not reproduced",
                                  "not attempted", "pending"};
    for (int c = 0; c < ncat; c++) {
        const char *v = id_verdict(rows, n, cat[c].id);
        fprintf(f, "\\defval{verdict/%s}{%s}\n", cat[c].id, v ? v : cat[c].absent);
    }
    fputs("\\def\\claimsummaryrows{%\n", f);
    for (int c = 0; c < ncat; c++) {
        const char *v = id_verdict(rows, n, cat[c].id);
        int pass = 0, total = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(rows[i].col[0], cat[c].id)) {
                total++;
                pass += rows[i].pass;
            }
        const char *shown = v ? v : cat[c].absent;
        for (int k = 0; k < 5; k++)
            if (!strcmp(shown, names[k]))
                counts[k]++;
        fprintf(f, "\\summaryrow{%s}{%s}{", cat[c].id, cat[c].figs);
        tex(f, cat[c].title);
        fprintf(f, "}{%s}{%d}{%d}{", shown, pass, total);
        if (!v)
            tex(f, cat[c].reason);
        fputs("}\n", f);
    }
    fputs("}\n", f);
    fprintf(f, "\\def\\countreproduced{%d}\\def\\countcorrected{%d}\\def\\countnotreproduced{%d}"
               "\\def\\countnotattempted{%d}\\def\\countpending{%d}\\def\\countclaims{%d}\n",
            counts[0], counts[1], counts[2], counts[3], counts[4], ncat);
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += !rows[i].pass;
    fprintf(f, "\\def\\countchecks{%d}\\def\\countfailed{%d}\n", n, failed);
    /* Every row, for the appendix. */
    fputs("\\def\\claimallrows{%\n", f);
    for (int i = 0; i < n; i++) {
        fputs("\\allrow{", f);
        tex(f, rows[i].col[0]);
        fputs("}", f);
        write_row_tex(f, &rows[i]);
    }
    fputs("}\n", f);
    commit_tmp(f, tmp, file);
}

static void write_tsv(const char *file, const row *rows, int n)
{
    char tmp[1100];
    FILE *f = open_tmp(file, tmp, sizeof tmp);
    fputs("id\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis\tverdict\tnote\n", f);
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        fprintf(f, "%s\t%s\t%s", r->col[0], r->col[1], r->pass ? "pass" : "fail");
        for (int c = 3; c < NCOL; c++)
            fprintf(f, "\t%s", r->col[c]);
        fputc('\n', f);
    }
    commit_tmp(f, tmp, file);
}

static void print_table(const row *rows, int n)
{
    printf("%-14s %-44s %-6s %12s %3s %12s %10s  %s\n", "id", "check", "status", "measured", "rel",
           "predicted", "tolerance", "verdict");
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        printf("%-14s %-44.44s %-6s %12.5g %3s %12.5g %10.3g  %s\n", r->col[0], r->col[1],
               r->pass ? "pass" : "FAIL", r->m, claim_rel_name(r->rel), r->p, r->tol, r->col[8]);
    }
}

int main(int argc, char **argv)
{
    static row rows[MAX_ROWS];
    static cat_entry cat[MAX_CAT];
    const char *out = NULL, *texfile = NULL, *catfile = NULL;
    int quiet = 0, nofail = 0, n = 0, ncat = 0, first = argc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--tex") && i + 1 < argc)
            texfile = argv[++i];
        else if (!strcmp(argv[i], "--catalogue") && i + 1 < argc)
            catfile = argv[++i];
        else if (!strcmp(argv[i], "--quiet"))
            quiet = 1;
        else if (!strcmp(argv[i], "--no-fail"))
            nofail = 1;
        else if (!strncmp(argv[i], "--", 2)) {
            fprintf(stderr, "claims_gate: error: unknown option '%s'\n"
                            "usage: claims_gate [--catalogue F] [--out F] [--tex F] [--quiet] "
                            "[--no-fail] CLAIMS.tsv...\n", argv[i]);
            return 2;
        } else {
            first = i;
            break;
        }
    }
    if (catfile)
        ncat = read_catalogue(catfile, cat);
    for (int i = first; i < argc; i++)
        n = read_claims(argv[i], rows, n);
    for (int i = 0; i < n; i++) {
        int known = !catfile;
        for (int c = 0; c < ncat; c++)
            known |= !strcmp(cat[c].id, rows[i].col[0]);
        if (!known) {
            fprintf(stderr, "claims_gate: error: claim ID '%s' is not in the catalogue\n", rows[i].col[0]);
            return 2;
        }
    }
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += !rows[i].pass;
    if (!quiet)
        print_table(rows, n);
    if (out)
        write_tsv(out, rows, n);
    if (texfile)
        write_tex(texfile, rows, n, cat, ncat);
    if (!quiet || failed)
        printf("claims: %d passed, %d failed\n", n - failed, failed);
    if (n == 0 && !nofail) {
        fprintf(stderr, "claims_gate: error: no checks were given\n");
        return 1;
    }
    return failed && !nofail ? 1 : 0;
}
