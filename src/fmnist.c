/* fmnist.c — Fashion-MNIST IDX loader and subsets (see fmnist.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fmnist.h"
#include "err.h"

const char *fmnist_dir(const char *dir)
{
    if (dir && *dir)
        return dir;
    const char *e = getenv("FASHION_MNIST_DIR");
    return e && *e ? e : FMNIST_DEFAULT_DIR;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* A source of the decoded bytes of an IDX file: the raw bytes, or their
 * gzip decompression (zlib, one member), read incrementally so that a
 * header announcing a million images costs nothing until the bytes exist. */
typedef struct {
    const unsigned char *in;
    size_t inlen, pos; /* plain: read position */
    int gz;
    z_stream z;
    int zend;          /* the gzip stream ended */
} idx_src;

static int src_open(idx_src *s, const unsigned char *in, size_t inlen)
{
    memset(s, 0, sizeof *s);
    s->in = in;
    s->inlen = inlen;
    s->gz = inlen >= 2 && in[0] == 0x1f && in[1] == 0x8b;
    if (!s->gz)
        return 0;
    s->z.next_in = (unsigned char *)in;
    s->z.avail_in = (uInt)(inlen > 0x7fffffffu ? 0x7fffffffu : inlen);
    return inflateInit2(&s->z, 16 + MAX_WBITS) == Z_OK ? 0 : -1;
}

static void src_close(idx_src *s)
{
    if (s->gz)
        inflateEnd(&s->z);
}

/* Up to n bytes into buf; returns the number read (short at the end), or
 * -1 on corrupt gzip data (message in zmsg). */
static long src_read(idx_src *s, unsigned char *buf, size_t n, char *zmsg, size_t zlen)
{
    if (!s->gz) {
        size_t k = s->inlen - s->pos < n ? s->inlen - s->pos : n;
        memcpy(buf, s->in + s->pos, k);
        s->pos += k;
        return (long)k;
    }
    size_t got = 0;
    while (got < n && !s->zend) {
        size_t chunk = n - got > (1u << 30) ? (1u << 30) : n - got;
        s->z.next_out = buf + got;
        s->z.avail_out = (uInt)chunk;
        int rc = inflate(&s->z, Z_NO_FLUSH);
        got += chunk - s->z.avail_out;
        if (rc == Z_STREAM_END) {
            s->zend = 1;
        } else if (rc != Z_OK) {
            snprintf(zmsg, zlen, "%s", rc == Z_BUF_ERROR ? "unexpected end of gzip data"
                                       : s->z.msg ? s->z.msg : "inflate error");
            return -1;
        }
    }
    return (long)got;
}

int fmnist_parse_idx(const unsigned char *in, size_t inlen, const char *name, int magic,
                     unsigned char **data, int *count, char *err, size_t errlen)
{
    *data = NULL;
    *count = 0;
    idx_src src;
    char zmsg[256] = "";
    if (src_open(&src, in, inlen)) {
        snprintf(err, errlen, "%s: cannot start gzip decompression", name);
        return -1;
    }
    int hdr_len = magic == 2051 ? 16 : 8;
    unsigned char h[16];
    long r = src_read(&src, h, (size_t)hdr_len, zmsg, sizeof zmsg);
    size_t item = magic == 2051 ? FMNIST_SIDE * FMNIST_SIDE : 1;
    uint32_t m = r == hdr_len ? be32(h) : 0, n = r == hdr_len ? be32(h + 4) : 0;
    if (r < 0)
        snprintf(err, errlen, "%s: corrupt gzip data (%s)", name, zmsg);
    else if (r < hdr_len)
        snprintf(err, errlen, "%s: truncated header (%ld of %d bytes)", name, r, hdr_len);
    else if (m != (uint32_t)magic)
        snprintf(err, errlen, "%s: bad magic number %u, expected %d (%s file)", name, m, magic,
                 magic == 2051 ? "IDX image" : "IDX label");
    else if (magic == 2051 && (be32(h + 8) != FMNIST_SIDE || be32(h + 12) != FMNIST_SIDE))
        snprintf(err, errlen, "%s: images are %ux%u, expected %dx%d", name, be32(h + 8),
                 be32(h + 12), FMNIST_SIDE, FMNIST_SIDE);
    else if (n == 0 || n > 1000000)
        snprintf(err, errlen, "%s: implausible item count %u", name, n);
    else {
        /* the payload, one byte more to catch trailing data, in a buffer
         * that grows only as fast as the bytes arrive */
        size_t len = (size_t)n * item, cap = len + 1 < (1u << 20) ? len + 1 : (1u << 20), have = 0;
        unsigned char *buf = sgdn_malloc(cap);
        for (;;) {
            r = src_read(&src, buf + have, cap - have, zmsg, sizeof zmsg);
            if (r < 0)
                break;
            have += (size_t)r;
            if (have < cap || cap == len + 1)
                break;
            cap = 2 * cap < len + 1 ? 2 * cap : len + 1;
            buf = sgdn_realloc(buf, cap);
        }
        if (r < 0)
            snprintf(err, errlen, "%s: corrupt gzip data (%s)", name, zmsg);
        else if (have < len)
            snprintf(err, errlen, "%s: truncated: %zu of %zu data bytes for %u items", name, have,
                     len, n);
        else if (have > len || (src.gz && src.z.avail_in > 0) || (!src.gz && src.pos < inlen))
            snprintf(err, errlen, "%s: trailing data after %u items", name, n);
        else {
            src_close(&src);
            *data = buf;
            *count = (int)n;
            return 0;
        }
        free(buf);
    }
    src_close(&src);
    return -1;
}

int fmnist_read_idx(const char *path, int magic, unsigned char **data, int *count, char *err,
                    size_t errlen)
{
    *data = NULL;
    *count = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    /* the whole file: the largest split is 26 MB compressed, 47 MB plain */
    size_t cap = 1u << 16, len = 0, k;
    unsigned char *in = sgdn_malloc(cap);
    while ((k = fread(in + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            if (cap >= ((size_t)1 << 30)) {
                snprintf(err, errlen, "%s: larger than 1 GiB, not an IDX file of this data set", path);
                fclose(f);
                free(in);
                return -1;
            }
            cap *= 2;
            in = sgdn_realloc(in, cap);
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read %s", path);
        free(in);
        return -1;
    }
    int rc = fmnist_parse_idx(in, len, path, magic, data, count, err, errlen);
    free(in);
    return rc;
}

int fmnist_load(const char *dir, const char *split, fmnist_set *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (strcmp(split, "train") && strcmp(split, "t10k")) {
        snprintf(err, errlen, "unknown split '%s' (train or t10k)", split);
        return -1;
    }
    char pi[4096], pl[4096];
    dir = fmnist_dir(dir);
    snprintf(pi, sizeof pi, "%s/%s-images-idx3-ubyte.gz", dir, split);
    snprintf(pl, sizeof pl, "%s/%s-labels-idx1-ubyte.gz", dir, split);
    unsigned char *img, *lab;
    int ni, nl;
    if (fmnist_read_idx(pi, 2051, &img, &ni, err, errlen))
        return -1;
    if (fmnist_read_idx(pl, 2049, &lab, &nl, err, errlen)) {
        free(img);
        return -1;
    }
    if (ni != nl) {
        snprintf(err, errlen, "%s has %d images but %s has %d labels", pi, ni, pl, nl);
        free(img), free(lab);
        return -1;
    }
    for (int i = 0; i < nl; i++)
        if (lab[i] >= FMNIST_CLASSES) {
            snprintf(err, errlen, "%s: label %d of item %d is not in 0..9", pl, lab[i], i);
            free(img), free(lab);
            return -1;
        }
    s->n = ni;
    s->side = FMNIST_SIDE;
    s->d = FMNIST_SIDE * FMNIST_SIDE;
    s->nclass = FMNIST_CLASSES;
    s->x = SGDN_NEW(s->x, sgdn_mul(ni, s->d));
    s->y = SGDN_NEW(s->y, ni);
    for (size_t k = 0; k < (size_t)ni * s->d; k++)
        s->x[k] = (img[k] - 127.5) / 127.5;
    for (int i = 0; i < ni; i++)
        s->y[i] = lab[i];
    free(img), free(lab);
    return 0;
}

int fmnist_load_at_least(const char *dir, const char *split, int need, const char *option,
                         fmnist_set *s, char *err, size_t errlen)
{
    if (fmnist_load(dir, split, s, err, errlen))
        return -1;
    if (s->n < need) {
        snprintf(err, errlen, "the %s split of %s holds %d images, fewer than %s %d", split,
                 fmnist_dir(dir), s->n, option, need);
        fmnist_free(s);
        return -1;
    }
    return 0;
}

void fmnist_free(fmnist_set *s)
{
    free(s->x), free(s->y);
    memset(s, 0, sizeof *s);
}

void fmnist_subset(const fmnist_set *src, const size_t *idx, int n, fmnist_set *dst)
{
    SGDN_REQUIRE(n >= 0 && n <= src->n);
    *dst = *src;
    dst->n = n;
    dst->x = SGDN_NEW(dst->x, sgdn_mul(n, src->d));
    dst->y = SGDN_NEW(dst->y, n);
    for (int i = 0; i < n; i++) {
        SGDN_REQUIRE(idx[i] < (size_t)src->n);
        memcpy(dst->x + (size_t)i * src->d, src->x + idx[i] * src->d, src->d * sizeof *dst->x);
        dst->y[i] = src->y[idx[i]];
    }
}

void fmnist_random_subset(const fmnist_set *src, int n, rng_stream *r, fmnist_set *dst)
{
    SGDN_REQUIRE(n >= 0 && n <= src->n);
    size_t *perm = SGDN_NEW(perm, src->n);
    rng_permutation(r, perm, (size_t)src->n);
    fmnist_subset(src, perm, n, dst);
    free(perm);
}

void fmnist_corrupt_labels(fmnist_set *s, int k, rng_stream *r, int *which)
{
    SGDN_REQUIRE(k >= 0 && k <= s->n && s->nclass >= 2);
    size_t *perm = SGDN_NEW(perm, s->n);
    rng_permutation(r, perm, (size_t)s->n);
    for (int j = 0; j < k; j++) {
        int i = (int)perm[j];
        /* uniform over the nclass − 1 wrong labels: skip the true one */
        int w = (int)rng_uniform_int(r, (uint64_t)s->nclass - 1);
        s->y[i] = w >= s->y[i] ? w + 1 : w;
        if (which)
            which[j] = i;
    }
    free(perm);
}

void fmnist_binary(fmnist_set *s, unsigned group)
{
    for (int i = 0; i < s->n; i++)
        s->y[i] = (group >> s->y[i]) & 1u;
    s->nclass = 2;
}

void fmnist_downsample(fmnist_set *s, int factor)
{
    SGDN_REQUIRE(factor >= 1 && factor <= s->side);
    int side = s->side / factor, d = side * side;
    double *x = SGDN_NEW(x, sgdn_mul(s->n, d)), w = 1.0 / (factor * factor);
    for (int i = 0; i < s->n; i++) {
        const double *src = s->x + (size_t)i * s->d;
        for (int a = 0; a < side; a++)
            for (int b = 0; b < side; b++) {
                double acc = 0.0;
                for (int u = 0; u < factor; u++)
                    for (int v = 0; v < factor; v++)
                        acc += src[(a * factor + u) * s->side + b * factor + v];
                x[(size_t)i * d + a * side + b] = acc * w;
            }
    }
    free(s->x);
    s->x = x;
    s->side = side;
    s->d = d;
}

void fmnist_corrupted_subset(const fmnist_set *train, int n, int k, uint64_t seed, uint64_t stream,
                             fmnist_set *dst, int *which)
{
    rng_stream r;
    rng_init(&r, seed, stream);
    fmnist_random_subset(train, n, &r, dst);
    rng_init(&r, seed, stream + 1);
    fmnist_corrupt_labels(dst, k, &r, which);
}
