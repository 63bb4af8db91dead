/* rng.c — Philox streams; see rng.h. */
#include "rng.h"

#include <math.h>
#include <Random123/philox.h>

void rng_init_sub(rng_stream *r, uint64_t seed, uint64_t stream, uint64_t substream)
{
    r->key[0] = seed;
    r->key[1] = stream;
    r->ctr[0] = 0;
    r->ctr[1] = substream;
    r->ctr[2] = 0;
    r->ctr[3] = 0;
    r->pos = 4;
    r->have_spare = 0;
    r->spare = 0.0;
}

void rng_init(rng_stream *r, uint64_t seed, uint64_t stream)
{
    rng_init_sub(r, seed, stream, 0);
}

/* One Philox call gives four 64-bit words; the counter's first word is the
 * block index, so a stream has 2^66 words before it could repeat. */
static void refill(rng_stream *r)
{
    philox4x64_ctr_t c = {{r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3]}};
    philox4x64_key_t k = {{r->key[0], r->key[1]}};
    philox4x64_ctr_t out = philox4x64(c, k);
    for (int i = 0; i < 4; i++)
        r->buf[i] = out.v[i];
    r->ctr[0]++;
    r->pos = 0;
}

uint64_t rng_u64(rng_stream *r)
{
    if (r->pos == 4)
        refill(r);
    return r->buf[r->pos++];
}

/* The top 53 bits as an integer m give (m + 1/2) 2^-53: every value is
 * strictly inside (0, 1), so log(u) in Box–Muller is always finite. */
double rng_uniform(rng_stream *r)
{
    return ((double)(rng_u64(r) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t rng_uniform_int(rng_stream *r, uint64_t n)
{
    /* Accept only below the largest multiple of n that fits in 2^64. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = rng_u64(r);
    while (x >= limit);
    return x % n;
}

double rng_normal(rng_stream *r)
{
    if (r->have_spare) {
        r->have_spare = 0;
        return r->spare;
    }
    /* Box–Muller: (u1, u2) uniform gives two independent N(0,1). */
    double u1 = rng_uniform(r), u2 = rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    double ang = 2.0 * M_PI * u2;
    r->spare = rad * sin(ang);
    r->have_spare = 1;
    return rad * cos(ang);
}

void rng_normal_fill(rng_stream *r, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = rng_normal(r);
}

double rng_rademacher(rng_stream *r)
{
    return (rng_u64(r) >> 63) ? 1.0 : -1.0;
}

void rng_distinct(rng_stream *r, uint64_t n, size_t k, size_t *idx)
{
    for (size_t b = 0; b < k; b++) {
        int dup;
        do {
            idx[b] = (size_t)rng_uniform_int(r, n);
            dup = 0;
            for (size_t c = 0; c < b; c++)
                dup |= idx[c] == idx[b];
        } while (dup);
    }
}

void rng_permutation(rng_stream *r, size_t *perm, size_t n)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_uniform_int(r, i);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}
