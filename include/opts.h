/* opts.h — command-line options, validated.
 *
 * A program declares its options as a table of opts_spec; opts_parse
 * checks every argument against it (unknown option, missing value,
 * non-numeric text, value outside [min, max], malformed list) and fills the
 * destinations.  It never exits: on error it returns -1 with one line in
 * err, so the caller decides how to fail (run.h prints it with the usage)
 * and the tests can check every message.
 */
#ifndef SGDN_OPTS_H
#define SGDN_OPTS_H

#include <stddef.h>
#include <stdio.h>

#define OPTS_LIST_MAX 64

typedef enum {
    OPT_INT,      /* long */
    OPT_DOUBLE,   /* double */
    OPT_STRING,   /* const char * (points into argv) */
    OPT_FLAG,     /* int, set to 1; takes no value */
    OPT_LIST      /* opts_list: comma-separated doubles */
} opt_type;

typedef struct {
    int n;
    double v[OPTS_LIST_MAX];
} opts_list;

typedef struct {
    const char *name;  /* without the leading "--"; NULL ends the table */
    opt_type type;
    void *dest;
    double min, max;   /* inclusive range of a number or of each list entry */
    const char *help;
} opts_spec;

/* Parse argv[1..argc) against specs.  Accepts "--name value" and
 * "--name=value".  Returns 0, or -1 with a message in err. */
int opts_parse(const opts_spec *specs, int argc, char **argv, char *err, size_t errlen);

/* Find "--name" or "--name=..." in argv without parsing the rest: the
 * profile must be known before the defaults of the other options are set.
 * Returns the value, or NULL. */
const char *opts_peek(int argc, char **argv, const char *name);

/* The usage text: one line per option with its range and current value. */
void opts_usage(FILE *f, const char *prog, const char *summary, const opts_spec *specs);

/* The options with their current values as a command line, for the
 * provenance record ("--reps 1000 --dims 10,20"). */
void opts_format(const opts_spec *specs, char *buf, size_t len);

/* Format one value of an option, as opts_format does. */
void opts_format_value(const opts_spec *s, char *buf, size_t len);

#endif
