/* fmnist.h — Fashion-MNIST from its original gzip'd IDX files, and the
 * reproducible subsets the experiments train on.
 *
 * The files (Debian package dataset-fashion-mnist) are
 *     <dir>/train-images-idx3-ubyte.gz   magic 2051, 60000 × 28 × 28 bytes
 *     <dir>/train-labels-idx1-ubyte.gz   magic 2049, 60000 labels in 0..9
 *     <dir>/t10k-images-idx3-ubyte.gz    10000 images
 *     <dir>/t10k-labels-idx1-ubyte.gz    10000 labels
 * The directory is, in order: the caller's (an option), $FASHION_MNIST_DIR,
 * FMNIST_DEFAULT_DIR.  Every header field, the file length and every label
 * is checked; a missing, truncated or corrupt file gives one line in err.
 *
 * A data set holds n images of d pixels as doubles, x[i*d + p] scaled as
 * (byte − 127.5)/127.5 ∈ [−1, 1], row-major 28×28 (or 7×7 after
 * fmnist_downsample), with integer labels y[i] in [0, nclass).
 */
#ifndef SGDN_FMNIST_H
#define SGDN_FMNIST_H

#include <stddef.h>
#include "rng.h"

#define FMNIST_DEFAULT_DIR "/usr/share/datasets/fashion-mnist"
/* The --data-dir option of every program that reads Fashion-MNIST (an
 * opts_spec entry; var a const char *, NULL for the default). */
#define FMNIST_OPT_DATA_DIR(var)                                                                    \
    {"data-dir", OPT_STRING, &(var), 0, 0,                                                          \
     "Fashion-MNIST directory (default $FASHION_MNIST_DIR, then " FMNIST_DEFAULT_DIR ")"}
#define FMNIST_SIDE 28
#define FMNIST_CLASSES 10

typedef struct {
    int n, side, d;  /* images, side length, d = side² pixels */
    int nclass;      /* 10, or 2 after fmnist_binary */
    double *x;       /* n × d, scaled to [−1, 1] */
    int *y;          /* n labels */
} fmnist_set;

/* The directory to read: dir if non-NULL and non-empty, else
 * $FASHION_MNIST_DIR if set and non-empty, else FMNIST_DEFAULT_DIR. */
const char *fmnist_dir(const char *dir);

/* Read one split, "train" or "t10k", from dir (resolved by fmnist_dir).
 * Returns 0, or -1 with a one-line message in err (the file and what is
 * wrong with it); on error *s is left empty. */
int fmnist_load(const char *dir, const char *split, fmnist_set *s, char *err, size_t errlen);
/* fmnist_load, then require at least need images: a smaller (valid) data
 * set is an error whose message names the option that asked for them
 * ("the t10k split of DIR holds 500 images, fewer than --ntest 10000"). */
int fmnist_load_at_least(const char *dir, const char *split, int need, const char *option,
                         fmnist_set *s, char *err, size_t errlen);

/* Read one IDX file (gzip or plain, through zlib) and check its header:
 * magic (2049 labels, 2051 images), then for images rows = cols = 28, and
 * exactly the bytes the header announces.  *data (malloc'd) gets the
 * payload; *count the number of items.  Returns 0 or -1 with err. */
int fmnist_read_idx(const char *path, int magic, unsigned char **data, int *count, char *err,
                    size_t errlen);
/* The same from the file's bytes in memory (name labels the messages):
 * fmnist_read_idx reads the file and calls this, and the fuzzer feeds it. */
int fmnist_parse_idx(const unsigned char *in, size_t inlen, const char *name, int magic,
                     unsigned char **data, int *count, char *err, size_t errlen);

void fmnist_free(fmnist_set *s);

/* Preconditions (asserted): counts n, k within 0 .. the set's size, indices
 * within the set. */
/* dst = the images src[idx[0..n)], in that order (a copy). */
void fmnist_subset(const fmnist_set *src, const size_t *idx, int n, fmnist_set *dst);
/* n images drawn without replacement, uniformly: the first n of a random
 * permutation of the stream r.  Reproducible from (seed, stream). */
void fmnist_random_subset(const fmnist_set *src, int n, rng_stream *r, fmnist_set *dst);
/* Give k distinct random images a random wrong label (uniform over the
 * nclass − 1 others).  If which is non-NULL it receives their indices, in
 * the order drawn. */
void fmnist_corrupt_labels(fmnist_set *s, int k, rng_stream *r, int *which);
/* Binary task: label 1 for a class in group (a bit mask over the ten
 * classes, e.g. 0x1f = classes 0–4 against 5–9), else 0. */
void fmnist_binary(fmnist_set *s, unsigned group);
/* Downsample every image by averaging factor×factor blocks (28 → 7 with
 * factor 4); side must be divisible by factor. */
void fmnist_downsample(fmnist_set *s, int factor);
/* The training set of ZHU-FM: n images of the training split drawn at
 * random, k of them relabelled wrongly, from the streams (seed, stream)
 * and (seed, stream + 1). */
void fmnist_corrupted_subset(const fmnist_set *train, int n, int k, uint64_t seed, uint64_t stream,
                             fmnist_set *dst, int *which);

#endif
