/* The Fashion-MNIST loader against corrupt files (written here as small
 * gzip'd IDX files), and the subsets against their definitions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <zlib.h>
#include <cmocka.h>

#include "fmnist.h"

static char tmpdir[256];

static void put32(unsigned char *b, uint32_t v)
{
    b[0] = v >> 24, b[1] = v >> 16, b[2] = v >> 8, b[3] = v;
}

/* Write <tmpdir>/<split>-{images,labels}-idx?-ubyte.gz with n items; the
 * knobs break one thing at a time. */
typedef struct {
    uint32_t img_magic, lab_magic, rows, nimg, nlab;
    long img_cut;   /* drop this many payload bytes from the images */
    int bad_label;  /* put a label 10 at item 1 */
    int garbage;    /* the images file is not gzip but random bytes... */
} spec;

static void write_files(const char *split, spec s)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s-images-idx3-ubyte.gz", tmpdir, split);
    size_t len = (size_t)s.nimg * s.rows * s.rows;
    unsigned char *b = calloc(16 + len, 1);
    put32(b, s.img_magic), put32(b + 4, s.nimg), put32(b + 8, s.rows), put32(b + 12, s.rows);
    for (size_t k = 0; k < len; k++)
        b[16 + k] = (unsigned char)(k * 7);
    for (uint32_t j = 0; j < s.nimg && s.rows == 28; j++)
        b[16 + (size_t)j * 784] = (unsigned char)j; /* the item's number, to find it again */
    if (s.garbage) {
        /* a gzip header followed by a corrupt deflate stream */
        FILE *f = fopen(p, "wb");
        unsigned char junk[64] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xfe};
        fwrite(junk, 1, sizeof junk, f);
        fclose(f);
    } else {
        gzFile g = gzopen(p, "wb");
        gzwrite(g, b, (unsigned)(16 + len - s.img_cut));
        gzclose(g);
    }
    free(b);
    snprintf(p, sizeof p, "%s/%s-labels-idx1-ubyte.gz", tmpdir, split);
    unsigned char *l = calloc(8 + s.nlab, 1);
    put32(l, s.lab_magic), put32(l + 4, s.nlab);
    for (uint32_t i = 0; i < s.nlab; i++)
        l[8 + i] = i % 10;
    if (s.bad_label)
        l[8 + 1] = 10;
    gzFile g = gzopen(p, "wb");
    gzwrite(g, l, 8 + s.nlab);
    gzclose(g);
    free(l);
}

static const spec good = {2051, 2049, 28, 5, 5, 0, 0, 0};

static void expect_error(spec s, const char *needle)
{
    write_files("train", s);
    fmnist_set d;
    char err[1024] = "";
    assert_int_equal(fmnist_load(tmpdir, "train", &d, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error '%s' lacks '%s'", err, needle);
    assert_null(strchr(err, '\n'));
    assert_null(d.x);
}

static void loader_good_file(void **state)
{
    (void)state;
    write_files("train", good);
    fmnist_set d;
    char err[1024] = "";
    assert_int_equal(fmnist_load(tmpdir, "train", &d, err, sizeof err), 0);
    assert_int_equal(d.n, 5);
    assert_int_equal(d.d, 784);
    assert_int_equal(d.y[3], 3);
    /* byte k*7 mod 256 at k = 1: 7 → (7 − 127.5)/127.5 */
    assert_true(d.x[1] == (7 - 127.5) / 127.5);
    fmnist_free(&d);
    /* the environment variable is the fallback directory */
    setenv("FASHION_MNIST_DIR", tmpdir, 1);
    assert_int_equal(fmnist_load(NULL, "train", &d, err, sizeof err), 0);
    unsetenv("FASHION_MNIST_DIR");
    fmnist_free(&d);
}

static void loader_errors(void **state)
{
    (void)state;
    spec s = good;
    s.img_magic = 2049;
    expect_error(s, "bad magic number");
    s = good, s.lab_magic = 2051;
    expect_error(s, "bad magic number");
    s = good, s.rows = 27;
    expect_error(s, "expected 28x28");
    s = good, s.img_cut = 100;
    expect_error(s, "truncated");
    s = good, s.img_cut = 5 * 784 + 4; /* cut into the header */
    expect_error(s, "truncated");
    s = good, s.nlab = 4;
    expect_error(s, "4 labels");
    s = good, s.bad_label = 1;
    expect_error(s, "not in 0..9");
    s = good, s.garbage = 1;
    expect_error(s, "corrupt gzip");
    fmnist_set d;
    char err[1024] = "";
    assert_int_equal(fmnist_load("/nonexistent", "train", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open /nonexistent/train-images-idx3-ubyte.gz"));
}

static void subsets(void **state)
{
    (void)state;
    spec s = good;
    s.nimg = s.nlab = 50;
    write_files("train", s);
    fmnist_set d, a, b;
    char err[1024];
    assert_int_equal(fmnist_load(tmpdir, "train", &d, err, sizeof err), 0);
    int which[10];
    fmnist_corrupted_subset(&d, 30, 10, 3, 0, &a, which);
    fmnist_corrupted_subset(&d, 30, 10, 3, 0, &b, NULL);
    assert_int_equal(a.n, 30);
    assert_memory_equal(a.y, b.y, 30 * sizeof *a.y);
    assert_memory_equal(a.x, b.x, 30 * 784 * sizeof *a.x);
    /* exactly the 10 chosen labels are wrong: compare with the true label,
     * recovered from the first pixel (the item's number) */
    int wrong = 0;
    for (int i = 0; i < 30; i++) {
        double x0 = a.x[(size_t)i * 784] * 127.5 + 127.5;
        int item = (int)(x0 + 0.5);
        assert_true(item >= 0 && item < 50);
        assert_memory_equal(d.x + (size_t)item * 784, a.x + (size_t)i * 784, 784 * sizeof(double));
        int is_chosen = 0;
        for (int k = 0; k < 10; k++)
            is_chosen |= which[k] == i;
        assert_int_equal(a.y[i] != d.y[item], is_chosen);
        wrong += a.y[i] != d.y[item];
    }
    assert_int_equal(wrong, 10);
    fmnist_free(&b);
    fmnist_binary(&a, 0x1f);
    for (int i = 0; i < 30; i++)
        assert_true(a.y[i] == 0 || a.y[i] == 1);
    /* 7×7 downsampling averages 4×4 blocks */
    double first = 0.0;
    for (int u = 0; u < 4; u++)
        for (int v = 0; v < 4; v++)
            first += d.x[u * 28 + v] / 16;
    fmnist_downsample(&d, 4);
    assert_int_equal(d.d, 49);
    assert_true(fabs(d.x[0] - first) < 1e-15);
    fmnist_free(&a), fmnist_free(&d);
}

/* The real files, when installed: counts and label range. */
static void real_test_split(void **state)
{
    (void)state;
    fmnist_set d;
    char err[1024];
    if (fmnist_load(NULL, "t10k", &d, err, sizeof err)) {
        print_message("skipped: %s\n", err);
        skip();
    }
    assert_int_equal(d.n, 10000);
    int count[10] = {0};
    for (int i = 0; i < d.n; i++)
        count[d.y[i]]++;
    for (int c = 0; c < 10; c++)
        assert_int_equal(count[c], 1000);
    fmnist_free(&d);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_fmnist.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loader_good_file),
        cmocka_unit_test(loader_errors),
        cmocka_unit_test(subsets),
        cmocka_unit_test(real_test_split),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
