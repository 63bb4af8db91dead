/* fuzz_claims — AFL++ harness for the claims gate's parsers (claims.c).
 *
 * Each input is read as a claims file and as a catalogue (through
 * fmemopen, as the gate reads files); a claims file that is accepted has
 * its verdicts derived for every ID it holds.  The parsers must accept or
 * reject with a message, never crash, leak or read out of bounds, and an
 * accepted row must have finite numbers, a non-negative tolerance and a
 * known kind and relation (the gate's promise to the report).  Built with
 * AddressSanitizer and UBSan; persistent mode; without AFL it reads one
 * input from stdin.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claims.h"

#include "afl.h"

__AFL_FUZZ_INIT();

static void claims_input(const unsigned char *in, size_t len)
{
    claims_set s = {0};
    char err[1024] = "";
    FILE *f = fmemopen((void *)in, len, "r");
    if (!f)
        return;
    if (claims_read(&s, f, "input", err, sizeof err) == 0) {
        for (size_t i = 0; i < s.n; i++) {
            const claims_row *r = &s.rows[i];
            if (!isfinite(r->measured) || !isfinite(r->predicted) || !isfinite(r->tol) ||
                r->tol < 0 || (unsigned)r->tests > CHECK_CONTROL || (unsigned)r->rel > REL_GE)
                abort();
            claims_tally t;
            claims_verdict v = claims_derive(&s, r->id, 0, &t);
            if ((unsigned)v >= CLAIMS_NVERDICT || !claims_verdict_name(v))
                abort();
        }
        (void)claims_count_bugs(&s);
    } else if (s.n != 0 || !*err) {
        abort(); /* a rejected file appends no row and says why */
    }
    fclose(f);
    claims_free(&s);
}

static void catalogue_input(const unsigned char *in, size_t len)
{
    claims_catalogue c = {0};
    char err[1024] = "";
    FILE *f = fmemopen((void *)in, len, "r");
    if (!f)
        return;
    if (claims_catalogue_read(&c, f, "input", err, sizeof err) != 0 && !*err)
        abort();
    fclose(f);
    claims_catalogue_free(&c);
}

int main(void)
{
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        if (!len)
            continue;
        claims_input(buf, len);
        catalogue_input(buf, len);
    }
    return 0;
}
