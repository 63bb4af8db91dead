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

/* Read exactly n bytes; returns the number read (short on EOF), or -1 on a
 * zlib error (a corrupt gzip stream), with the message copied to zmsg
 * (gzerror's string belongs to the gzFile and dies with gzclose). */
static long read_exact(gzFile g, void *buf, size_t n, char *zmsg, size_t zlen)
{
    size_t got = 0;
    while (got < n) {
        size_t chunk = n - got > (1u << 30) ? (1u << 30) : n - got;
        int r = gzread(g, (char *)buf + got, (unsigned)chunk);
        if (r < 0) {
            int errnum;
            snprintf(zmsg, zlen, "%s", gzerror(g, &errnum));
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long)got;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int fmnist_read_idx(const char *path, int magic, unsigned char **data, int *count, char *err,
                    size_t errlen)
{
    *data = NULL;
    *count = 0;
    gzFile g = gzopen(path, "rb");
    if (!g) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno ? errno : ENOENT));
        return -1;
    }
    char zmsg[256] = "";
    int hdr_len = magic == 2051 ? 16 : 8;
    unsigned char h[16];
    long r = read_exact(g, h, (size_t)hdr_len, zmsg, sizeof zmsg);
    if (r < 0) {
        snprintf(err, errlen, "%s: corrupt gzip data (%s)", path, zmsg);
        gzclose(g);
        return -1;
    }
    if (r < hdr_len) {
        snprintf(err, errlen, "%s: truncated header (%ld of %d bytes)", path, r, hdr_len);
        gzclose(g);
        return -1;
    }
    uint32_t m = be32(h), n = be32(h + 4);
    if (m != (uint32_t)magic) {
        snprintf(err, errlen, "%s: bad magic number %u, expected %d (%s file)", path, m, magic,
                 magic == 2051 ? "IDX image" : "IDX label");
        gzclose(g);
        return -1;
    }
    size_t item = 1;
    if (magic == 2051) {
        uint32_t rows = be32(h + 8), cols = be32(h + 12);
        if (rows != FMNIST_SIDE || cols != FMNIST_SIDE) {
            snprintf(err, errlen, "%s: images are %ux%u, expected %dx%d", path, rows, cols,
                     FMNIST_SIDE, FMNIST_SIDE);
            gzclose(g);
            return -1;
        }
        item = FMNIST_SIDE * FMNIST_SIDE;
    }
    if (n == 0 || n > 1000000) {
        snprintf(err, errlen, "%s: implausible item count %u", path, n);
        gzclose(g);
        return -1;
    }
    size_t len = (size_t)n * item;
    unsigned char *buf = sgdn_malloc(len + 1);
    r = read_exact(g, buf, len + 1, zmsg, sizeof zmsg); /* one byte more: trailing garbage */
    gzclose(g);
    if (r < 0) {
        snprintf(err, errlen, "%s: corrupt gzip data (%s)", path, zmsg);
    } else if ((size_t)r < len) {
        snprintf(err, errlen, "%s: truncated: %ld of %zu data bytes for %u items", path, r, len, n);
    } else if ((size_t)r > len) {
        snprintf(err, errlen, "%s: trailing data after %u items", path, n);
    } else {
        *data = buf;
        *count = (int)n;
        return 0;
    }
    free(buf);
    return -1;
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
