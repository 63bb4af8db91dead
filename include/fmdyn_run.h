/* fmdyn_run.h — one run of one of ZHU's eight dynamics from θ*_GD on the
 * corrupted Fashion-MNIST task (ZHU-FM-DYN), and the record it fills.
 *
 * A plan holds what every run shares (the net, the data, θ*_GD, H's top
 * eigenvectors there, the noise configuration and the log schedule) and is
 * read only, so runs can go in parallel.  A run fills a record: a fixed
 * block of doubles (the scalars FMDYN_R_*, then the series at the log
 * points), so that runs are shard.h work items and their results can be
 * written, read back and reduced in a fixed order.
 */
#ifndef SGDN_FMDYN_RUN_H
#define SGDN_FMDYN_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "dynamics.h"
#include "nn.h"

/* what every run shares (read only inside the parallel region) */
typedef struct {
    const nn_net *net;
    size_t D;
    nn_data train, test;
    const double *theta0;
    const double *Q0;      /* D × kq: top Hessian eigenvectors at θ*_GD (Lanczos) */
    size_t kq;
    dyn_config cfg;
    long iters, m, refresh, early, log_every, early_test, test_every, sharp_every, pairs;
    double lr, delta;
    uint64_t seed;
} fmdyn_plan;

/* One run's record (a shard.h work item): a fixed block of doubles, the
 * scalars below and then the series at the log points; kind and rep
 * follow from the item's index. */
enum { FMDYN_R_BAD,       /* diverged / solver failure */
       FMDYN_R_NSQ0,      /* E|ηε|²/η² at the first refresh */
       FMDYN_R_HRES,      /* largest Ritz residual / λ1 of the tracked top pair */
       FMDYN_R_HRES_ALL,  /* ... of all tracked pairs */
       FMDYN_R_CNT_DIFF,  /* |per-image count − nn_loss_grad's count| at the end (a control) */
       FMDYN_R_NSCAL };
typedef struct {
    dyn_kind kind;
    int rep;
    double *v; /* FMDYN_R_NSCAL scalars, then the series below, in one block */
    double *loss, *train_acc, *test_acc, *sharp, *sharp_se;
    double *ok; /* test image i classified right at the last iteration: 1 or 0 */
} fmdyn_record;

/* The log schedule: training-set rows, test-accuracy rows and sharpness
 * estimates at iteration t (every one up to `early`, then every
 * log_every / test_every / sharp_every, and the last). */
int fmdyn_is_train_pt(const fmdyn_plan *s, long t);
int fmdyn_is_test_pt(const fmdyn_plan *s, long t);
int fmdyn_is_sharp_pt(const fmdyn_plan *s, long t);
/* How many iterations 0..iters the schedule `is` selects. */
long fmdyn_count_pts(const fmdyn_plan *s, int (*is)(const fmdyn_plan *, long));

/* One dynamic (rec->kind) from θ*_GD for s->iters iterations; rec->rep
 * selects its random streams (seed, 1000 + 100·kind + rep), so the result
 * does not depend on which thread or shard computes it.  rec's arrays must
 * be laid out for s's schedule; a divergence or an eigen-solver failure
 * sets rec->v[FMDYN_R_BAD] and ends the run. */
void fmdyn_run_one(const fmdyn_plan *s, fmdyn_record *rec);

#endif
