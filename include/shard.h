/* shard.h — split a program's independent work items (Monte Carlo blocks,
 * seeds) over processes, and merge the partial results into the same bytes
 * as one unsharded run.
 *
 * A shardable program numbers its work items 0 .. n−1 (each item with its
 * own random streams, so an item's result does not depend on who computes
 * it) and keeps one fixed-size record per item; everything after the items
 * — reductions in item order, data files, checks — is computed from the
 * records.  Three modes, chosen by options:
 *
 *   (none)              compute all items, then continue as usual;
 *   --shard i/n         compute items [lo, hi) of shard i (1 ≤ i ≤ n), write
 *                       the partial result <shard-dir>/<name>.shard-i-of-n
 *                       and exit 0 without writing data or claims;
 *   --merge-shards n    compute no item; read the n partial results (which
 *                       must come from a run with the same program, commit,
 *                       profile, seed and options, and tile 0 .. n−1 exactly)
 *                       into the records, then continue as usual.
 *
 *     shard_ctx sh;
 *     shard_parse(&run, &sh, spec);        // instead of run_parse
 *     long lo, hi;
 *     shard_items(&run, &sh, n_items, &lo, &hi);
 *     for (long i = lo; i < hi; i++) ... records[i] = ...;
 *     shard_gather(&run, &sh, records, sizeof *records);
 *     ... reduce records[0 .. n_items) in order, write, check ...
 *
 * The shard options describe how a run is executed, not what it computes,
 * so they are left out of the options recorded in data headers: a merged
 * run's data are byte-identical to an unsharded run's.  Partial files are
 * written under a temporary name and renamed, like every output.
 */
#ifndef SGDN_SHARD_H
#define SGDN_SHARD_H

#include <stddef.h>

#include "run.h"

#define SHARD_MAX 4096

typedef struct {
    const char *spec;  /* --shard "i/n", or NULL */
    long merge;        /* --merge-shards n, or 0 */
    const char *dir;   /* --shard-dir, or NULL for --outdir */
    long index, count; /* shard i of n (1-based); count 0: not a shard run */
    long n_items;      /* set by shard_items */
} shard_ctx;

/* run_parse with the program's specs plus --shard, --merge-shards and
 * --shard-dir; a malformed "i/n", both modes at once, or an unwritable
 * shard directory is a usage error (exit 2). */
void shard_parse(run_ctx *r, shard_ctx *sh, const opts_spec *specs);

/* The half-open range [lo, hi) of n_items that this process computes: all
 * of them unsharded, shard i's contiguous slice (sizes differ by at most
 * one), none when merging. */
void shard_items(run_ctx *r, shard_ctx *sh, long n_items, long *lo, long *hi);

/* The contiguous slice of n_items for shard i of n (1-based). */
void shard_slice(long n_items, long i, long n, long *lo, long *hi);

/* After records[lo .. hi) are computed: as a shard, write them and exit 0;
 * when merging, read every shard's records (exit 1 with one clear line on a
 * missing, duplicated, truncated or mismatched partial file); unsharded,
 * nothing.  records holds n_items records of record_bytes each. */
void shard_gather(run_ctx *r, shard_ctx *sh, void *records, size_t record_bytes);

#endif
