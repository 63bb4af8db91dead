/* fuzz_idx — AFL++ harness for the Fashion-MNIST IDX reader (fmnist.c).
 *
 * Each input is parsed (fmnist_parse_idx: the decoder behind
 * fmnist_read_idx, gzip'd or plain) as a label file and as an image file.  The reader must either fail with a message or
 * return exactly the items its header announces, never crash, leak or read
 * out of bounds (the harness is built with AddressSanitizer and UBSan).
 * Persistent mode: many inputs per process.  Without AFL (a plain build)
 * it reads one input from stdin, to replay a finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmnist.h"

#include "afl.h"

__AFL_FUZZ_INIT();

static void check(const unsigned char *in, size_t len, int magic)
{
    unsigned char *data = NULL;
    int count = -1;
    char err[512] = "";
    if (fmnist_parse_idx(in, len, "input", magic, &data, &count, err, sizeof err) == 0) {
        size_t item = magic == 2051 ? FMNIST_SIDE * FMNIST_SIDE : 1;
        if (!data || count < 1)
            abort(); /* success must deliver items */
        volatile unsigned sum = 0; /* touch every byte: ASan checks the length */
        for (size_t i = 0; i < (size_t)count * item; i++)
            sum += data[i];
        (void)sum;
    } else if (data || !*err || !memchr(err, '\0', sizeof err)) {
        abort(); /* failure must leave no data and say why */
    }
    free(data);
}

int main(void)
{
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        check(buf, len, 2049);
        check(buf, len, 2051);
    }
    return 0;
}
