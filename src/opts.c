/* opts.c — see opts.h. */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const opts_spec *find(const opts_spec *specs, const char *name, size_t len)
{
    for (const opts_spec *s = specs; s->name; s++)
        if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
            return s;
    return NULL;
}

/* A whole string that is a finite number, nothing else. */
static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int in_range(const opts_spec *s, double v)
{
    return v >= s->min && v <= s->max;
}

static int set_value(const opts_spec *s, const char *text, char *err, size_t errlen)
{
    double v;
    switch (s->type) {
    case OPT_INT: {
        char *end;
        errno = 0;
        long x = strtol(text, &end, 10);
        if (end == text || *end != '\0' || errno == ERANGE) {
            snprintf(err, errlen, "--%s expects an integer, got '%s'", s->name, text);
            return -1;
        }
        /* compare as integers too: a double has 53 bits, so 2^53 + 1
         * would pass a range check made in floating point */
        int out = !in_range(s, (double)x) || (s->max < 9.2e18 && x > (long)s->max) ||
                  (s->min > -9.2e18 && x < (long)s->min);
        if (out) {
            snprintf(err, errlen, "--%s must be an integer in [%.10g, %.10g], got %ld",
                     s->name, s->min, s->max, x);
            return -1;
        }
        *(long *)s->dest = x;
        return 0;
    }
    case OPT_DOUBLE:
        if (parse_double(text, &v)) {
            snprintf(err, errlen, "--%s expects a number, got '%s'", s->name, text);
            return -1;
        }
        if (!in_range(s, v)) {
            snprintf(err, errlen, "--%s must be in [%.10g, %.10g], got %.10g", s->name,
                     s->min, s->max, v);
            return -1;
        }
        *(double *)s->dest = v;
        return 0;
    case OPT_STRING:
        if (*text == '\0') {
            snprintf(err, errlen, "--%s expects a non-empty value", s->name);
            return -1;
        }
        *(const char **)s->dest = text;
        return 0;
    case OPT_LIST: {
        opts_list l = {0};
        char buf[4096];
        if (strlen(text) >= sizeof buf) {
            snprintf(err, errlen, "--%s: list too long", s->name);
            return -1;
        }
        strcpy(buf, text);
        if (*text == ',' || (*text && text[strlen(text) - 1] == ',') || strstr(text, ",,")) {
            snprintf(err, errlen, "--%s: empty element in the list '%s'", s->name, text);
            return -1;
        }
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (l.n == OPTS_LIST_MAX) {
                snprintf(err, errlen, "--%s: more than %d values", s->name, OPTS_LIST_MAX);
                return -1;
            }
            if (parse_double(tok, &v) || !in_range(s, v)) {
                snprintf(err, errlen, "--%s expects comma-separated numbers in [%.10g, %.10g], got '%s'",
                         s->name, s->min, s->max, tok);
                return -1;
            }
            for (int k = 0; k < l.n; k++)
                if (l.v[k] == v) {
                    snprintf(err, errlen, "--%s: the value %s appears twice", s->name, tok);
                    return -1;
                }
            l.v[l.n++] = v;
        }
        if (l.n == 0) {
            snprintf(err, errlen, "--%s expects at least one value", s->name);
            return -1;
        }
        *(opts_list *)s->dest = l;
        return 0;
    }
    case OPT_FLAG:
        break;
    }
    snprintf(err, errlen, "--%s takes no value", s->name);
    return -1;
}

int opts_parse(const opts_spec *specs, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            snprintf(err, errlen, "unexpected argument '%s'", a);
            return -1;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const opts_spec *s = find(specs, name, len);
        if (!s) {
            snprintf(err, errlen, "unknown option '--%.*s'", (int)len, name);
            return -1;
        }
        /* a repeated option is a mistake (which value was meant?), not "last wins" */
        for (int j = 1; j < i; j++) {
            const char *b = argv[j];
            if (strncmp(b, "--", 2) == 0 && strncmp(b + 2, s->name, len) == 0 &&
                (b[2 + len] == '\0' || b[2 + len] == '=') && strlen(s->name) == len) {
                snprintf(err, errlen, "--%s given more than once", s->name);
                return -1;
            }
        }
        if (s->type == OPT_FLAG) {
            if (eq) {
                snprintf(err, errlen, "--%s takes no value", s->name);
                return -1;
            }
            *(int *)s->dest = 1;
            continue;
        }
        /* "--reps --outdir x": the next option is not --reps's value */
        const char *val = eq ? eq + 1
                          : (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0 ? argv[++i] : NULL);
        if (!val) {
            snprintf(err, errlen, "--%s needs a value", s->name);
            return -1;
        }
        if (set_value(s, val, err, errlen))
            return -1;
    }
    return 0;
}

const char *opts_peek(int argc, char **argv, const char *name)
{
    size_t len = strlen(name);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) || strncmp(a + 2, name, len))
            continue;
        if (a[2 + len] == '=')
            return a + 3 + len;
        if (a[2 + len] == '\0')
            return i + 1 < argc ? argv[i + 1] : NULL;
    }
    return NULL;
}

void opts_format_value(const opts_spec *s, char *buf, size_t len)
{
    switch (s->type) {
    case OPT_INT:
        snprintf(buf, len, "%ld", *(long *)s->dest);
        break;
    case OPT_DOUBLE:
        snprintf(buf, len, "%.10g", *(double *)s->dest);
        break;
    case OPT_STRING: {
        const char *v = *(const char **)s->dest;
        snprintf(buf, len, "%s", v ? v : "");
        break;
    }
    case OPT_FLAG:
        snprintf(buf, len, "%s", *(int *)s->dest ? "on" : "off");
        break;
    case OPT_LIST: {
        const opts_list *l = s->dest;
        size_t used = 0;
        buf[0] = '\0';
        for (int k = 0; k < l->n && used < len; k++)
            used += (size_t)snprintf(buf + used, len - used, "%s%.10g", k ? "," : "", l->v[k]);
        break;
    }
    }
}

void opts_format(const opts_spec *specs, char *buf, size_t len)
{
    size_t used = 0;
    char val[1024];
    buf[0] = '\0';
    for (const opts_spec *s = specs; s->name && used < len; s++) {
        if (s->type == OPT_FLAG) {
            if (*(int *)s->dest)
                used += (size_t)snprintf(buf + used, len - used, "%s--%s", used ? " " : "", s->name);
            continue;
        }
        opts_format_value(s, val, sizeof val);
        used += (size_t)snprintf(buf + used, len - used, "%s--%s %s", used ? " " : "", s->name, val);
    }
}

void opts_usage(FILE *f, const char *prog, const char *summary, const opts_spec *specs)
{
    char val[1024];
    fprintf(f, "usage: %s [options]\n  %s\noptions:\n", prog, summary);
    for (const opts_spec *s = specs; s->name; s++) {
        opts_format_value(s, val, sizeof val);
        switch (s->type) {
        case OPT_INT:
        case OPT_DOUBLE:
        case OPT_LIST:
            fprintf(f, "  --%-14s %s [%.4g, %.4g] (now: %s)\n", s->name, s->help, s->min, s->max, val);
            break;
        default:
            fprintf(f, "  --%-14s %s (now: %s)\n", s->name, s->help, val);
        }
    }
}
