/* rng.h — counter-based random streams (Random123 Philox-4x64-10).
 *
 * Every Monte Carlo replicate draws from its own stream, keyed by
 * (seed, stream) and, optionally, a substream.  Because Philox is a
 * bijection of a counter under a key, a stream's numbers depend only on
 * (seed, stream, substream, position): never on which thread draws them or
 * in what order replicates run.  That is what makes every data file of
 * this project byte-identical for any OMP_NUM_THREADS.
 */
#ifndef SGDN_RNG_H
#define SGDN_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t key[2];  /* (seed, stream) */
    uint64_t ctr[4];  /* (block index, substream, 0, 0) */
    uint64_t buf[4];  /* the current output block */
    int pos;          /* next unused word of buf; 4 = empty */
    int have_spare;   /* Box–Muller makes normals in pairs */
    double spare;
} rng_stream;

/* A fresh stream keyed by (seed, stream), substream 0. */
void rng_init(rng_stream *r, uint64_t seed, uint64_t stream);
/* The same, for one of 2^64 independent substreams of (seed, stream). */
void rng_init_sub(rng_stream *r, uint64_t seed, uint64_t stream, uint64_t substream);

uint64_t rng_u64(rng_stream *r);
/* Uniform on the open interval (0, 1), 53 random bits. */
double rng_uniform(rng_stream *r);
/* Uniform integer in [0, n), exactly (rejection, no modulo bias); n > 0. */
uint64_t rng_uniform_int(rng_stream *r, uint64_t n);
/* Standard normal N(0, 1) (Box–Muller). */
double rng_normal(rng_stream *r);
/* Fill x[0..n) with independent standard normals. */
void rng_normal_fill(rng_stream *r, double *x, size_t n);
/* +1 or −1 with probability 1/2 each (Hutchinson probes). */
double rng_rademacher(rng_stream *r);
/* k distinct indices of [0, n), uniformly (rejection: for k much smaller
 * than n, as a minibatch drawn without replacement), in idx[0..k). */
void rng_distinct(rng_stream *r, uint64_t n, size_t k, size_t *idx);
/* A uniformly random permutation of [0, n) (Fisher–Yates). */
void rng_permutation(rng_stream *r, size_t *perm, size_t n);

#endif
