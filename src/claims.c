/* claims.c — see claims.h. */
#include "claims.h"
#include "err.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *verdict_names[CLAIMS_NVERDICT] = {
    "reproduced", "reproduced with correction", "not reproduced", "inconclusive", "not attempted",
    "pending"};

const char *claims_verdict_name(claims_verdict v)
{
    return (unsigned)v < CLAIMS_NVERDICT ? verdict_names[v] : "?";
}

int claims_verdict_parse(const char *s, claims_verdict *v)
{
    for (int i = 0; i < CLAIMS_NVERDICT; i++)
        if (strcmp(s, verdict_names[i]) == 0) {
            *v = (claims_verdict)i;
            return 0;
        }
    return -1;
}

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* Split s in place at tabs into exactly n fields; -1 otherwise. */
static int split(char *s, char **cols, int n)
{
    int k = 0;
    cols[k++] = s;
    for (char *p = s; *p; p++)
        if (*p == '\t') {
            if (k == n)
                return -1;
            *p = '\0';
            cols[k++] = p + 1;
        }
    return k == n ? 0 : -1;
}

/* A finite number filling the whole field: no blanks, no "nan", no "inf". */
static int number(const char *s, double *v)
{
    char *end;
    if (!*s || isspace((unsigned char)*s))
        return -1;
    *v = strtod(s, &end);
    return *end || !isfinite(*v) ? -1 : 0;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = sgdn_malloc(n);
    memcpy(d, s, n);
    return d;
}

int claims_parse_row(const char *line, claims_row *row, char *err, size_t errlen)
{
    static const char *colname[CLAIMS_NCOL] = {"id", "tests", "check", "status", "measured",
                                               "predicted", "relation", "tolerance", "tol_basis",
                                               "alt", "alt_name", "note"};
    char *c[CLAIMS_NCOL];
    double *num[] = {&row->measured, &row->predicted, &row->tol, &row->alt};
    const int numcol[] = {4, 5, 7, 9};
    memset(row, 0, sizeof *row);
    row->buf = dup(line);
    if (split(row->buf, c, CLAIMS_NCOL)) {
        free(row->buf);
        row->buf = NULL;
        return fail(err, errlen, "a row needs %d tab-separated fields", CLAIMS_NCOL);
    }
    const char *why = NULL;
    int bad = -1;
    for (int i = 0; i < 4 && !why; i++)
        if (number(c[numcol[i]], num[i])) {
            why = "is not a finite number";
            bad = numcol[i];
        }
    if (why)
        ;
    else if (!*c[0] || strpbrk(c[0], " \r"))
        why = "is empty or has blanks", bad = 0;
    else if (check_tests_parse(c[1], &row->tests))
        why = "must be paper, corrected, exact or control", bad = 1;
    else if (!*c[2])
        why = "is empty", bad = 2;
    else if (strcmp(c[3], "pass") && strcmp(c[3], "fail") && strcmp(c[3], "inconclusive"))
        why = "must be pass, fail or inconclusive", bad = 3;
    else if (!strcmp(c[6], "ne"))
        why = "'ne' is not a test (a refutation is a paper row that fails)", bad = 6;
    else if (claim_rel_parse(c[6], &row->rel))
        why = "must be eq, le or ge", bad = 6;
    else if (row->tol < 0)
        why = "is negative", bad = 7;
    else if (!*c[8])
        why = "is empty", bad = 8;
    if (why) {
        fail(err, errlen, "field %s ('%.40s') %s", colname[bad], c[bad], why);
        free(row->buf);
        row->buf = NULL;
        return -1;
    }
    row->id = c[0];
    row->check = c[2];
    row->status = c[3];
    row->basis = c[8];
    row->alt_name = c[10];
    row->note = c[11];
    row->pass = claim_passes(row->rel, row->measured, row->predicted, row->tol);
    row->inconclusive =
        row->pass && *row->alt_name && claim_passes(row->rel, row->alt, row->predicted, row->tol);
    return 0;
}

static void push(claims_set *s, const claims_row *r)
{
    if (s->n == s->cap) {
        s->cap = 2 * s->cap + 64;
        s->rows = sgdn_realloc(s->rows, sgdn_mul(s->cap, sizeof *s->rows));
    }
    s->rows[s->n++] = *r;
}

/* Read one line of any length; NULL at end of file.  *len is its length
 * without the newline; an embedded NUL makes strlen differ from it. */
static char *read_line(FILE *f, char **buf, size_t *cap, size_t *len)
{
    size_t n = 0;
    int ch;
    while ((ch = getc(f)) != EOF && ch != '\n') {
        if (n + 1 >= *cap) {
            *cap = 2 * *cap + 256;
            *buf = sgdn_realloc(*buf, *cap);
        }
        (*buf)[n++] = (char)ch;
    }
    if (ch == EOF && n == 0)
        return NULL;
    if (!*buf)
        *buf = sgdn_malloc(*cap = 256);
    (*buf)[n] = '\0';
    *len = n;
    return *buf;
}

int claims_read(claims_set *s, FILE *f, const char *name, char *err, size_t errlen)
{
    char *line = NULL, why[256];
    size_t cap = 0, len, first = s->n;
    long ln = 0;
    int rc = 0;
    const char *fname = NULL;
    while (read_line(f, &line, &cap, &len)) {
        ln++;
        if (strlen(line) != len) {
            rc = fail(err, errlen, "%s, line %ld: a NUL byte in the file", name, ln);
            break;
        }
        if (ln == 1) {
            if (!strncmp(line, "id\tcheck\tstatus\t", 16)) {
                rc = fail(err, errlen,
                          "%s, line 1: legacy claims format (run_claim, a verdict per row); the "
                          "program must write its checks with run_check",
                          name);
                break;
            }
            if (strcmp(line, CLAIMS_HEADER)) {
                rc = fail(err, errlen, "%s, line 1: not the claims header (%s)", name,
                          "id tests check status measured predicted relation tolerance tol_basis "
                          "alt alt_name note");
                break;
            }
            continue;
        }
        claims_row r;
        if (claims_parse_row(line, &r, why, sizeof why)) {
            rc = fail(err, errlen, "%s, line %ld: %s", name, ln, why);
            break;
        }
        if (!fname)
            fname = dup(name);
        r.file = fname;
        r.line = ln;
        push(s, &r);
    }
    free(line);
    if (!rc && ferror(f))
        rc = fail(err, errlen, "%s: read error", name);
    else if (!rc && ln == 0)
        rc = fail(err, errlen, "%s, line 1: empty file (no header)", name);
    else if (!rc && s->n == first)
        rc = fail(err, errlen,
                  "%s, line %ld: no check rows: a program that completes must check its claim",
                  name, ln);
    if (rc) {
        for (size_t i = first; i < s->n; i++)
            free(s->rows[i].buf);
        s->n = first;
        free((char *)fname);
    }
    return rc;
}

void claims_free(claims_set *s)
{
    const char *last = NULL;
    for (size_t i = 0; i < s->n; i++) {
        free(s->rows[i].buf);
        if (s->rows[i].file != last)
            free((char *)(last = s->rows[i].file));
    }
    free(s->rows);
    memset(s, 0, sizeof *s);
}

claims_verdict claims_derive(const claims_set *s, const char *id, int not_attempted,
                             claims_tally *tally)
{
    claims_tally t = {0};
    for (size_t i = 0; i < s->n; i++) {
        const claims_row *r = &s->rows[i];
        if (strcmp(r->id, id))
            continue;
        t.n[r->tests]++;
        t.pass[r->tests] += r->pass;
        t.inconclusive[r->tests] += r->inconclusive;
    }
    if (tally)
        *tally = t;
    int total = t.n[0] + t.n[1] + t.n[2] + t.n[3];
    if (not_attempted)
        return VERDICT_NOT_ATTEMPTED;
    if (total == 0)
        return VERDICT_PENDING;
    if (t.n[CHECK_PAPER] == 0)
        return VERDICT_INCONCLUSIVE;
    if (t.pass[CHECK_PAPER] == t.n[CHECK_PAPER])
        return t.inconclusive[CHECK_PAPER] ? VERDICT_INCONCLUSIVE : VERDICT_REPRODUCED;
    if (t.n[CHECK_CORRECTED] == 0 || t.pass[CHECK_CORRECTED] < t.n[CHECK_CORRECTED])
        return VERDICT_NOT_REPRODUCED;
    /* A paper row failed: the paper's statement is off.  The correction
     * holds if no corrected row fails and at least one could have told it
     * from its alternative; a corrected row that could not (where the
     * correction and the paper coincide) is consistent with both and
     * decides nothing either way. */
    return t.inconclusive[CHECK_CORRECTED] == t.n[CHECK_CORRECTED] ? VERDICT_INCONCLUSIVE
                                                                     : VERDICT_CORRECTED;
}

int claims_count_bugs(const claims_set *s)
{
    int bugs = 0;
    for (size_t i = 0; i < s->n; i++)
        bugs += !s->rows[i].pass && (s->rows[i].tests == CHECK_EXACT || s->rows[i].tests == CHECK_CONTROL);
    return bugs;
}

int claims_catalogue_read(claims_catalogue *c, FILE *f, const char *name, char *err,
                          size_t errlen)
{
    char *line = NULL, *col[5];
    size_t cap = 0, len;
    long ln = 0;
    int rc = 0;
    while (!rc && read_line(f, &line, &cap, &len)) {
        ln++;
        if (ln == 1) {
            if (strcmp(line, "id\tfigs\ttitle\texpected\treason"))
                rc = fail(err, errlen, "%s, line 1: the header must be: id figs title expected "
                                       "reason", name);
            continue;
        }
        if (strlen(line) != len || split(line, col, 5))
            rc = fail(err, errlen, "%s, line %ld: a row is: id figs title expected reason "
                                   "(5 tab-separated fields)", name, ln);
        else if (!*col[0] || strpbrk(col[0], " \r"))
            rc = fail(err, errlen, "%s, line %ld: empty claim ID or one with blanks", name, ln);
        else if (claims_catalogue_find(c, col[0]))
            rc = fail(err, errlen, "%s, line %ld: claim ID %s listed twice", name, ln, col[0]);
        else {
            claims_verdict v, vci = VERDICT_PENDING;
            char *ci = strstr(col[3], "; ci: ");
            if (ci)
                *ci = '\0', ci += strlen("; ci: ");
            if (claims_verdict_parse(col[3], &v) || (ci && claims_verdict_parse(ci, &vci)))
                rc = fail(err, errlen, "%s, line %ld: expected verdict '%.40s' of %s is not a "
                                       "verdict (or 'V; ci: W')", name, ln, ci ? ci : col[3], col[0]);
            else if (ci && (v == VERDICT_NOT_ATTEMPTED || vci == VERDICT_NOT_ATTEMPTED || vci == v))
                rc = fail(err, errlen, "%s, line %ld: %s: a ci verdict must differ from the paper's "
                                       "and neither be 'not attempted'", name, ln, col[0]);
            else if (v == VERDICT_NOT_ATTEMPTED && !*col[4])
                rc = fail(err, errlen, "%s, line %ld: %s is not attempted without a reason",
                          name, ln, col[0]);
            else {
                if (c->n == c->cap) {
                    c->cap = 2 * c->cap + 32;
                    c->e = sgdn_realloc(c->e, sgdn_mul(c->cap, sizeof *c->e));
                }
                c->e[c->n++] = (claims_cat_entry){dup(col[0]), dup(col[1]), dup(col[2]),
                                                  dup(col[4]), v, ci ? vci : v};
            }
        }
    }
    free(line);
    if (!rc && ln == 0)
        rc = fail(err, errlen, "%s: empty catalogue", name);
    return rc;
}

const claims_cat_entry *claims_catalogue_find(const claims_catalogue *c, const char *id)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].id, id))
            return &c->e[i];
    return NULL;
}

void claims_catalogue_free(claims_catalogue *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].id);
        free(c->e[i].figs);
        free(c->e[i].title);
        free(c->e[i].reason);
    }
    free(c->e);
    memset(c, 0, sizeof *c);
}

/* ---- typesetting a check's text ---------------------------------------- */

/* Greek names that the programs spell in ASCII ("eta", "lambda1"). */
static const char *const greek_names[] = {
    "alpha", "beta",  "gamma", "delta", "epsilon", "eta",   "theta", "kappa", "lambda",
    "mu",    "rho",   "sigma", "tau",   "phi",     "chi",   "psi",   "omega", "xi",
    "Sigma", "Gamma", "Delta", "Lambda", "Phi",    "Psi",   "Omega", "Theta", NULL};

static int is_greek(const char *w, size_t n)
{
    for (const char *const *g = greek_names; *g; g++)
        if (strlen(*g) == n && !strncmp(*g, w, n))
            return 1;
    return 0;
}

static void tex_char(FILE *f, char c)
{
    switch (c) {
    case '&': case '%': case '$': case '#': case '_': case '{': case '}':
        fprintf(f, "\\%c", c);
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
        fputs("$<$", f);
        break;
    case '>':
        fputs("$>$", f);
        break;
    default:
        fputc(c, f);
    }
}

/* A math token's scripts: ^digits or ^letters, '*', _word. */
static const char *tex_scripts(FILE *f, const char *s)
{
    for (;;) {
        if (*s == '^' && isalnum((unsigned char)s[1])) {
            fputs("^{", f);
            for (s++; isalnum((unsigned char)*s); s++)
                fputc(*s, f);
            fputc('}', f);
        } else if (*s == '*') {
            fputs("^*", f);
            s++;
        } else if (*s == '_' && isalnum((unsigned char)s[1])) {
            int one = !isalnum((unsigned char)s[2]);
            fputs(one ? "_{" : "_{\\mathrm{", f);
            for (s++; isalnum((unsigned char)*s); s++)
                fputc(*s, f);
            fputs(one ? "}" : "}}", f);
        } else
            return s;
    }
}

void claims_tex_text(FILE *f, const char *s)
{
    const char *start = s;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        int boundary = s == start || !isalnum((unsigned char)s[-1]);
        if (isalpha(c) && boundary) {
            const char *w = s;
            while (isalpha((unsigned char)*s))
                s++;
            size_t n = (size_t)(s - w);
            const char *d = s;
            while (isdigit((unsigned char)*s))
                s++;
            if (isalnum((unsigned char)*s)) { /* e.g. "eta2x": not a symbol */
                while (isalnum((unsigned char)*s))
                    s++;
                for (; w < s; w++)
                    tex_char(f, *w);
                continue;
            }
            if (is_greek(w, n) || (n == 2 && !strncmp(w, "Tr", 2)) ||
                (n == 3 && !strncmp(w, "TrH", 3))) {
                if (is_greek(w, n))
                    fprintf(f, "$\\%.*s", (int)n, w);
                else
                    fprintf(f, n == 2 ? "$\\operatorname{Tr}" : "$\\operatorname{Tr}H");
                if (s > d)
                    fprintf(f, "%s{%.*s}", n == 3 && !strncmp(w, "chi", 3) ? "^" : "_",
                            (int)(s - d), d);
                s = tex_scripts(f, s);
                fputc('$', f);
                continue;
            }
            if (n == 1 && s == d &&
                (strchr("BCDFHLNRT", *w) || (*s == '_' && isalnum((unsigned char)s[1])))) {
                /* a matrix or size (H, D), or a subscripted symbol (n_c) */
                fprintf(f, "$%c", *w);
                s = tex_scripts(f, s);
                fputc('$', f);
                continue;
            }
            if (s == d && *s == '_' && isalnum((unsigned char)s[1]) &&
                ((n == 3 && !strncmp(w, "max", 3)) || (n == 3 && !strncmp(w, "min", 3)))) {
                fprintf(f, "$\\%.3s", w); /* max_t */
                s = tex_scripts(f, s);
                fputc('$', f);
                continue;
            }
            for (; w < s; w++)
                fputc(*w, f);
            if (*s == '^' && isalnum((unsigned char)s[1])) {
                fputc('$', f);
                s = tex_scripts(f, s);
                fputc('$', f);
            }
            continue;
        }
        if (c >= 0x80) { /* a UTF-8 character (declared in the preamble), then its scripts */
            do
                fputc(*s++, f);
            while (((unsigned char)*s & 0xC0) == 0x80);
            if (*s == '*' || *s == '^' || (*s == '_' && isalnum((unsigned char)s[1]))) {
                fputc('$', f);
                s = tex_scripts(f, s);
                fputc('$', f);
            }
            continue;
        }
        if ((c == '<' || c == '>') && s[1] == '=') {
            fputs(c == '<' ? "$\\le$" : "$\\ge$", f);
            s += 2;
            continue;
        }
        if (isdigit(c) && s[1] == '^' && isalnum((unsigned char)s[2]) &&
            (s == start || !isalnum((unsigned char)s[-1]) || isdigit((unsigned char)s[-1]))) {
            fputc(*s++, f); /* 2^12: the exponent as a superscript */
            fputc('$', f);
            s = tex_scripts(f, s);
            fputc('$', f);
            continue;
        }
        if (c == '<' && s[1] && !isspace((unsigned char)s[1])) {
            const char *e = s + 1;
            while (*e && *e != '>' && !isspace((unsigned char)*e))
                e++;
            if (*e == '>') {
                fputs("$\\langle$", f);
                claims_tex_text_n(f, s + 1, (size_t)(e - s - 1));
                fputs("$\\rangle$", f);
                s = e + 1;
                continue;
            }
        }
        tex_char(f, *s++);
    }
}

void claims_tex_text_n(FILE *f, const char *s, size_t n)
{
    char buf[256];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
    claims_tex_text(f, buf);
}
