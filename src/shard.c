/* shard.c — see shard.h.
 *
 * Partial file: a text header of four lines, then the raw records.
 *     sgdn-shard 1
 *     <identity: program, commit, profile, seed, options>
 *     <i> <n> <n_items> <lo> <hi> <record_bytes>
 *     end
 * The records are the bytes of the doubles (or structs of doubles) that the
 * program computed; they are read back on the same kind of machine, so
 * the merge reduces exactly the values an unsharded run would have.
 */
#include "shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

#define MAGIC "sgdn-shard 1"

/* Everything that determines what a run computes. */
static void identity(const run_ctx *r, char *buf, size_t len)
{
    char params[4096];
    opts_format(r->specs + 4, params, sizeof params);
    snprintf(buf, len, "%s commit=%s profile=%s seed=%ld %s", r->name, r->commit, r->profile,
             r->seed, params);
}

static void shard_path(const run_ctx *r, const shard_ctx *sh, long i, long n, char **out)
{
    const char *dir = sh->dir ? sh->dir : r->outdir;
    size_t len = strlen(dir) + strlen(r->name) + 64;
    *out = sgdn_malloc(len);
    snprintf(*out, len, "%s/%s.shard-%ld-of-%ld", dir, r->name, i, n);
}

void shard_parse(run_ctx *r, shard_ctx *sh, const opts_spec *specs)
{
    opts_spec all[RUN_MAX_OPTS];
    int k = 0;
    memset(sh, 0, sizeof *sh);
    for (const opts_spec *s = specs; s && s->name; s++) {
        if (k == RUN_MAX_OPTS - 8)
            run_usage_error(r, "too many options");
        all[k++] = *s;
    }
    all[k++] = (opts_spec){"shard", OPT_STRING, &sh->spec, 0, 0,
                           "i/n: compute only shard i of n of the work items, write a partial result"};
    all[k++] = (opts_spec){"merge-shards", OPT_INT, &sh->merge, 0, SHARD_MAX,
                           "merge the partial results of n shards (0: no merge)"};
    all[k++] = (opts_spec){"shard-dir", OPT_STRING, &sh->dir, 0, 0,
                           "directory of the partial results (default: --outdir)"};
    all[k] = (opts_spec){0};
    run_parse(r, all);
    /* Drop the three shard options from the run's recorded options: they
     * change how the work is distributed, not the result. */
    int n = 0;
    while (r->specs[n].name)
        n++;
    r->specs[n - 3] = (opts_spec){0};

    if (sh->spec && sh->merge)
        run_usage_error(r, "give either --shard or --merge-shards, not both");
    if (sh->spec) {
        char *end;
        errno = 0;
        long i = strtol(sh->spec, &end, 10), m;
        if (end == sh->spec || *end != '/')
            run_usage_error(r, "--shard expects i/n with 1 <= i <= n <= %d, got '%s'", SHARD_MAX, sh->spec);
        const char *p = end + 1;
        m = strtol(p, &end, 10);
        if (end == p || *end || errno || m < 1 || m > SHARD_MAX || i < 1 || i > m)
            run_usage_error(r, "--shard expects i/n with 1 <= i <= n <= %d, got '%s'", SHARD_MAX, sh->spec);
        sh->index = i;
        sh->count = m;
    }
    if ((sh->spec || sh->merge) && sh->dir && access(sh->dir, (sh->spec ? W_OK : R_OK) | X_OK))
        run_usage_error(r, "cannot use shard directory '%s'", sh->dir);
}

void shard_slice(long n_items, long i, long n, long *lo, long *hi)
{
    SGDN_REQUIRE(n >= 1 && i >= 1 && i <= n && n_items >= 0);
    *lo = n_items * (i - 1) / n;
    *hi = n_items * i / n;
}

void shard_items(run_ctx *r, shard_ctx *sh, long n_items, long *lo, long *hi)
{
    (void)r;
    sh->n_items = n_items;
    if (sh->count)
        shard_slice(n_items, sh->index, sh->count, lo, hi);
    else if (sh->merge)
        *lo = *hi = 0;
    else
        *lo = 0, *hi = n_items;
}

static void write_shard(run_ctx *r, shard_ctx *sh, const char *rec, size_t bytes)
{
    char id[8192], *path, *tmp;
    long lo, hi;
    shard_slice(sh->n_items, sh->index, sh->count, &lo, &hi);
    identity(r, id, sizeof id);
    shard_path(r, sh, sh->index, sh->count, &path);
    tmp = sgdn_malloc(strlen(path) + 32);
    sprintf(tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        run_fail(r, "cannot create '%s'", tmp);
    fprintf(f, "%s\n%s\n%ld %ld %ld %ld %ld %zu\nend\n", MAGIC, id, sh->index, sh->count,
            sh->n_items, lo, hi, bytes);
    size_t n = (size_t)(hi - lo);
    int bad = n && fwrite(rec + (size_t)lo * bytes, bytes, n, f) != n;
    bad |= fflush(f) != 0 || ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path)) {
        unlink(tmp);
        run_fail(r, "cannot write the partial result '%s'", path);
    }
    fprintf(stderr, "%s: shard %ld/%ld: items [%ld, %ld) of %ld written to %s (%.1f s)\n",
            r->name, sh->index, sh->count, lo, hi, sh->n_items, path,
            run_wall_seconds() - r->t_start);
    free(tmp);
    free(path);
}

/* Read shard i of n into rec; every mismatch is fatal with the file named. */
static void read_shard(run_ctx *r, shard_ctx *sh, long i, char *rec, size_t bytes,
                       const char *id)
{
    char *path, *line = NULL;
    size_t cap = 0;
    long fi, fn, fitems, flo, fhi, lo, hi;
    size_t fbytes;
    shard_path(r, sh, i, sh->merge, &path);
    FILE *f = fopen(path, "rb");
    if (!f)
        run_fail(r, "missing shard %ld of %ld: cannot open '%s'", i, sh->merge, path);
    if (getline(&line, &cap, f) < 0 || strcmp(line, MAGIC "\n"))
        run_fail(r, "'%s' is not a partial result (bad first line)", path);
    if (getline(&line, &cap, f) < 0 || strncmp(line, id, strlen(id)) || line[strlen(id)] != '\n')
        run_fail(r, "'%s' comes from a different run (program, commit, profile, seed or "
                    "options differ from this merge's)", path);
    if (getline(&line, &cap, f) < 0 ||
        sscanf(line, "%ld %ld %ld %ld %ld %zu", &fi, &fn, &fitems, &flo, &fhi, &fbytes) != 6)
        run_fail(r, "'%s': malformed shard line", path);
    shard_slice(sh->n_items, i, sh->merge, &lo, &hi);
    if (fi != i || fn != sh->merge)
        run_fail(r, "'%s' holds shard %ld of %ld, expected %ld of %ld (duplicated or renamed "
                    "shard)", path, fi, fn, i, sh->merge);
    if (fitems != sh->n_items || flo != lo || fhi != hi || fbytes != bytes)
        run_fail(r, "'%s': items [%ld, %ld) of %ld with %zu-byte records, expected [%ld, %ld) "
                    "of %ld with %zu", path, flo, fhi, fitems, fbytes, lo, hi, sh->n_items, bytes);
    if (getline(&line, &cap, f) < 0 || strcmp(line, "end\n"))
        run_fail(r, "'%s': malformed header", path);
    size_t n = (size_t)(hi - lo);
    if (n && fread(rec + (size_t)lo * bytes, bytes, n, f) != n)
        run_fail(r, "'%s' is truncated", path);
    if (fgetc(f) != EOF)
        run_fail(r, "'%s' has trailing bytes", path);
    fclose(f);
    free(line);
    free(path);
}

void shard_gather(run_ctx *r, shard_ctx *sh, void *records, size_t record_bytes)
{
    if (sh->count) {
        write_shard(r, sh, records, record_bytes);
        /* a shard writes no data: drop any output already opened */
        run_discard_outputs(r);
        exit(0);
    }
    if (sh->merge) {
        char id[8192];
        identity(r, id, sizeof id);
        for (long i = 1; i <= sh->merge; i++)
            read_shard(r, sh, i, records, record_bytes, id);
    }
}
