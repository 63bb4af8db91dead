/* The claims format and the verdict rules (claims.h), on synthetic claims
 * files: every verdict rule, and every kind of input the gate must reject. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "claims.h"

/* A file holding len bytes of text, positioned at its start. */
static FILE *file_of(const char *text, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    rewind(f);
    return f;
}

/* Parse text as a claims file; returns claims_read's status. */
static int parse(claims_set *s, const char *text, char *err, size_t errlen)
{
    FILE *f = file_of(text, strlen(text));
    int rc = claims_read(s, f, "t.claims.tsv", err, errlen);
    fclose(f);
    return rc;
}

#define H CLAIMS_HEADER "\n"
/* id tests check status measured predicted relation tolerance basis alt alt_name note */
#define ROW(id, tests, m, p, rel, tol) id "\t" tests "\tx\tpass\t" m "\t" p "\t" rel "\t" tol "\t4 SE\t0\t\t\n"
#define ALT(id, tests, m, p, rel, tol, alt) \
    id "\t" tests "\tx\tpass\t" m "\t" p "\t" rel "\t" tol "\t4 SE\t" alt "\tthe other model\t\n"
#define PASS(id, tests) ROW(id, tests, "1", "1.01", "eq", "0.05")
#define FAIL(id, tests) ROW(id, tests, "1", "1.2", "eq", "0.05")

static claims_verdict verdict_of(const char *text, claims_tally *t)
{
    claims_set s = {0};
    char err[512] = "";
    int rc = parse(&s, text, err, sizeof err);
    if (rc)
        fail_msg("rejected: %s", err);
    claims_verdict v = claims_derive(&s, "A", 0, t);
    claims_free(&s);
    return v;
}

static void expect_rejected(const char *text, const char *fragment)
{
    claims_set s = {0};
    char err[512] = "";
    assert_int_equal(parse(&s, text, err, sizeof err), -1);
    assert_int_equal(s.n, 0);
    if (!strstr(err, fragment))
        fail_msg("message '%s' lacks '%s'", err, fragment);
    assert_non_null(strstr(err, "t.claims.tsv"));
    claims_free(&s);
}

static void all_paper_pass_is_reproduced(void **state)
{
    (void)state;
    claims_tally t;
    assert_int_equal(verdict_of(H PASS("A", "paper") PASS("A", "paper") FAIL("B", "paper")
                                    PASS("A", "exact") FAIL("A", "corrected"), &t),
                     VERDICT_REPRODUCED);
    assert_int_equal(t.n[CHECK_PAPER], 2);
    assert_int_equal(t.pass[CHECK_PAPER], 2);
    assert_int_equal(t.n[CHECK_CORRECTED], 1);
    assert_int_equal(t.pass[CHECK_CORRECTED], 0);
}

static void failing_paper_with_passing_corrections(void **state)
{
    (void)state;
    assert_int_equal(verdict_of(H PASS("A", "paper") FAIL("A", "paper") PASS("A", "corrected")
                                    PASS("A", "corrected"), NULL),
                     VERDICT_CORRECTED);
}

static void failing_paper_without_correction_is_not_reproduced(void **state)
{
    (void)state;
    assert_int_equal(verdict_of(H FAIL("A", "paper") PASS("A", "exact"), NULL),
                     VERDICT_NOT_REPRODUCED);
    /* a correction that fails does not rescue the claim */
    assert_int_equal(verdict_of(H FAIL("A", "paper") PASS("A", "corrected") FAIL("A", "corrected"),
                                NULL),
                     VERDICT_NOT_REPRODUCED);
}

static void relations(void **state)
{
    (void)state;
    /* le: m <= p + tol; ge: m >= p - tol; boundaries included */
    assert_int_equal(verdict_of(H ROW("A", "paper", "1.05", "1", "le", "0.05"), NULL),
                     VERDICT_REPRODUCED);
    assert_int_equal(verdict_of(H ROW("A", "paper", "1.06", "1", "le", "0.05"), NULL),
                     VERDICT_NOT_REPRODUCED);
    assert_int_equal(verdict_of(H ROW("A", "paper", "0.95", "1", "ge", "0.05"), NULL),
                     VERDICT_REPRODUCED);
    assert_int_equal(verdict_of(H ROW("A", "paper", "0.9", "1", "ge", "0.05"), NULL),
                     VERDICT_NOT_REPRODUCED);
    assert_int_equal(verdict_of(H ROW("A", "paper", "-3", "-2", "eq", "1"), NULL),
                     VERDICT_REPRODUCED);
}

static void the_written_status_is_not_trusted(void **state)
{
    (void)state;
    /* written "pass", but 1 vs 1.2 at 0.05 fails */
    claims_set s = {0};
    char err[256];
    assert_int_equal(parse(&s, H FAIL("A", "paper"), err, sizeof err), 0);
    assert_false(s.rows[0].pass);
    claims_free(&s);
}

static void inconclusive_rows(void **state)
{
    (void)state;
    claims_set s = {0};
    char err[256];
    /* the alternative 1.03 passes too: the row cannot tell them apart */
    const char *weak = H ALT("A", "paper", "1", "1.01", "eq", "0.05", "1.03") PASS("A", "paper");
    assert_int_equal(verdict_of(weak, NULL), VERDICT_INCONCLUSIVE);
    assert_int_equal(parse(&s, weak, err, sizeof err), 0);
    assert_true(s.rows[0].pass && s.rows[0].inconclusive);
    claims_free(&s);
    /* the alternative 2 would fail: the passing row has power */
    assert_int_equal(verdict_of(H ALT("A", "paper", "1", "1.01", "eq", "0.05", "2"), NULL),
                     VERDICT_REPRODUCED);
    /* a failing paper row decides whatever the other rows' power */
    assert_int_equal(verdict_of(H ALT("A", "paper", "1", "1.01", "eq", "0.05", "1.03")
                                    FAIL("A", "paper"), NULL),
                     VERDICT_NOT_REPRODUCED);
    /* a correction that cannot be told from its alternative */
    assert_int_equal(verdict_of(H FAIL("A", "paper")
                                    ALT("A", "corrected", "1", "1.01", "eq", "0.05", "0.99"), NULL),
                     VERDICT_INCONCLUSIVE);
    /* ... but one conclusive corrected row decides, the inconclusive one
     * (where correction and alternative coincide) decides nothing */
    assert_int_equal(verdict_of(H FAIL("A", "paper")
                                    ALT("A", "corrected", "1", "1.01", "eq", "0.05", "0.99")
                                    ALT("A", "corrected", "1", "1.01", "eq", "0.05", "2"), NULL),
                     VERDICT_CORRECTED);
    /* 0/n vs 0/n: a two-proportion test without power */
    assert_int_equal(verdict_of(H ALT("A", "paper", "0", "0", "eq", "0.1", "0"), NULL),
                     VERDICT_INCONCLUSIVE);
}

static void no_paper_row_is_inconclusive(void **state)
{
    (void)state;
    assert_int_equal(verdict_of(H PASS("A", "exact") PASS("A", "control"), NULL),
                     VERDICT_INCONCLUSIVE);
    assert_int_equal(verdict_of(H PASS("A", "corrected"), NULL), VERDICT_INCONCLUSIVE);
}

static void no_rows_pending_and_not_attempted(void **state)
{
    (void)state;
    claims_set s = {0};
    char err[256];
    assert_int_equal(parse(&s, H PASS("B", "paper"), err, sizeof err), 0);
    assert_int_equal(claims_derive(&s, "A", 0, NULL), VERDICT_PENDING);
    assert_int_equal(claims_derive(&s, "A", 1, NULL), VERDICT_NOT_ATTEMPTED);
    claims_free(&s);
}

static void failing_exact_or_control_is_a_bug(void **state)
{
    (void)state;
    claims_set s = {0};
    char err[256];
    assert_int_equal(parse(&s, H FAIL("A", "paper") FAIL("A", "corrected") PASS("A", "exact"),
                           err, sizeof err), 0);
    assert_int_equal(claims_count_bugs(&s), 0); /* findings, not bugs */
    assert_int_equal(parse(&s, H FAIL("A", "exact") FAIL("B", "control") PASS("B", "control"),
                           err, sizeof err), 0);
    assert_int_equal(claims_count_bugs(&s), 2);
    claims_free(&s);
}

static void rejected_files(void **state)
{
    (void)state;
    expect_rejected("", "empty file");
    expect_rejected(H, "no check rows");
    expect_rejected("id\tcheck\tstatus\tmeasured\tpredicted\trelation\ttolerance\ttol_basis\tverdict"
                    "\tnote\nA\tx\tpass\t1\t1\teq\t0\t-\treproduced\t\n", "legacy");
    expect_rejected("id\ttests\tcheck\n", "header");
    expect_rejected(H "A\tpaper\tx\tpass\t1\t1\n", "12 tab-separated");
    expect_rejected(H PASS("A", "paper") "A\tpaper\tx\tpass\t1\t1\teq\t0.1\tb\t0\t\t\textra\n",
                    "line 3");
    expect_rejected(H ROW("A", "sanity", "1", "1", "eq", "0.1"), "tests");
    expect_rejected(H ROW("A", "paper", "1", "1", "ne", "0.1"), "relation");
    expect_rejected(H ROW("A", "paper", "1", "1", "lt", "0.1"), "relation");
    expect_rejected(H ROW("A", "paper", "1", "1", "eq", "nan"), "tolerance");
    expect_rejected(H ROW("A", "paper", "1", "1", "eq", "NaN"), "tolerance");
    expect_rejected(H ROW("A", "paper", "1", "1", "eq", "inf"), "tolerance");
    expect_rejected(H ROW("A", "paper", "1", "1", "eq", "1e999"), "tolerance");
    expect_rejected(H ROW("A", "paper", "1", "1", "eq", "-0.1"), "negative");
    expect_rejected(H ROW("A", "paper", "nan", "1", "eq", "0.1"), "measured");
    expect_rejected(H ROW("A", "paper", "1", "-inf", "eq", "0.1"), "predicted");
    expect_rejected(H ROW("A", "paper", "1", "1x", "eq", "0.1"), "predicted");
    expect_rejected(H ROW("A", "paper", "", "1", "eq", "0.1"), "measured");
    expect_rejected(H ROW("A", "paper", " 1", "1", "eq", "0.1"), "measured");
    expect_rejected(H ALT("A", "paper", "1", "1", "eq", "0.1", "nan"), "alt");
    expect_rejected(H ROW("", "paper", "1", "1", "eq", "0.1"), "id");
    expect_rejected(H "A\tpaper\tx\tmaybe\t1\t1\teq\t0.1\t4 SE\t0\t\t\n", "status");
    expect_rejected(H "A\tpaper\tx\tpass\t1\t1\teq\t0.1\t\t0\t\t\n", "tol_basis");
    expect_rejected(H "A\tpaper\t\tpass\t1\t1\teq\t0.1\t4 SE\t0\t\t\n", "check");
    const char nul[] = H "A\tpaper\tx\0y\tpass\t1\t1\teq\t0.1\t4 SE\t0\t\t\n";
    claims_set s = {0};
    char err[256];
    FILE *f = file_of(nul, sizeof nul - 1);
    assert_int_equal(claims_read(&s, f, "t.claims.tsv", err, sizeof err), -1);
    assert_non_null(strstr(err, "NUL"));
    fclose(f);
    /* a rejected file appends nothing, even after good rows of other files */
    assert_int_equal(parse(&s, H PASS("A", "paper"), err, sizeof err), 0);
    assert_int_equal(parse(&s, H PASS("A", "paper") FAIL("A", "bogus"), err, sizeof err), -1);
    assert_int_equal(s.n, 1);
    claims_free(&s);
}

static void catalogue(void **state)
{
    (void)state;
    const char *good = "id\tfigs\ttitle\texpected\treason\n"
                       "A\t1\tfirst\treproduced\t\nB\t-\tsecond\tnot attempted\tno data\n";
    claims_catalogue c = {0};
    char err[256];
    FILE *f = file_of(good, strlen(good));
    assert_int_equal(claims_catalogue_read(&c, f, "cat", err, sizeof err), 0);
    fclose(f);
    assert_int_equal(c.n, 2);
    assert_int_equal(claims_catalogue_find(&c, "B")->expected, VERDICT_NOT_ATTEMPTED);
    assert_int_equal(claims_catalogue_find(&c, "A")->expected_ci, VERDICT_REPRODUCED);
    assert_null(claims_catalogue_find(&c, "C"));
    claims_catalogue_free(&c);
    /* a ci verdict that differs from the paper profile's */
    const char *two = "id\tfigs\ttitle\texpected\treason\nA\t1\tt\tnot reproduced; ci: reproduced\t\n";
    f = file_of(two, strlen(two));
    assert_int_equal(claims_catalogue_read(&c, f, "cat", err, sizeof err), 0);
    fclose(f);
    assert_int_equal(claims_catalogue_find(&c, "A")->expected, VERDICT_NOT_REPRODUCED);
    assert_int_equal(claims_catalogue_find(&c, "A")->expected_ci, VERDICT_REPRODUCED);
    claims_catalogue_free(&c);
    const char *bad[] = {"id\tfigs\ttitle\tabsent\treason\nA\t1\tt\tpending\tx\n",
                         "id\tfigs\ttitle\texpected\treason\nA\t1\tt\tfine\tx\n",
                         "id\tfigs\ttitle\texpected\treason\nA\t1\tt\tnot attempted\t\n",
                         "id\tfigs\ttitle\texpected\treason\nA\t1\tt\tpending\tx\nA\t1\tt\tpending\tx\n",
                         "id\tfigs\ttitle\texpected\treason\nA\t1\tt\n",
                         "id\tfigs\ttitle\texpected\treason\nA\t1\tt\treproduced; ci: fine\t\n",
                         "id\tfigs\ttitle\texpected\treason\nA\t1\tt\treproduced; ci: reproduced\t\n",
                         "id\tfigs\ttitle\texpected\treason\nA\t1\tt\tnot attempted; ci: reproduced\tx\n",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        f = file_of(bad[i], strlen(bad[i]));
        assert_int_equal(claims_catalogue_read(&c, f, "cat", err, sizeof err), -1);
        fclose(f);
        claims_catalogue_free(&c);
    }
}

/* Random corruptions of a valid file (bytes replaced by tabs, newlines,
 * NULs, digits or letters; truncation): the reader accepts or rejects, never
 * crashes (the sanitizer build runs this too), and a rejected file adds no
 * row. */
static void corrupted_files_are_accepted_or_rejected(void **state)
{
    (void)state;
    const char good[] = H ALT("A", "paper", "1", "1.01", "eq", "0.05", "2") FAIL("B", "exact")
        ROW("C", "control", "-3e-5", "0", "le", "1e-9");
    const char alphabet[] = "\t\n\0001.e-+xnaif ";
    char buf[sizeof good], err[512];
    uint64_t x = 88172645463325252u;
    for (int trial = 0; trial < 20000; trial++) {
        memcpy(buf, good, sizeof good);
        size_t len = sizeof good - 1;
        for (int k = 0; k < 1 + trial % 4; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[x % len] = alphabet[(x >> 32) % (sizeof alphabet - 1)];
        }
        if (trial % 5 == 0)
            len = (x >> 16) % len;
        claims_set s = {0};
        FILE *f = file_of(buf, len);
        int rc = claims_read(&s, f, "t.claims.tsv", err, sizeof err);
        fclose(f);
        assert_true(rc == 0 || rc == -1);
        if (rc)
            assert_int_equal(s.n, 0);
        for (size_t i = 0; i < s.n; i++) {
            assert_true(isfinite(s.rows[i].measured) && isfinite(s.rows[i].tol) && s.rows[i].tol >= 0);
            (void)claims_derive(&s, s.rows[i].id, 0, NULL);
        }
        claims_free(&s);
    }
}

static void verdict_names_round_trip(void **state)
{
    (void)state;
    for (int v = 0; v < CLAIMS_NVERDICT; v++) {
        claims_verdict w;
        assert_int_equal(claims_verdict_parse(claims_verdict_name((claims_verdict)v), &w), 0);
        assert_int_equal(w, v);
    }
    claims_verdict w;
    assert_int_equal(claims_verdict_parse("reproduced mostly", &w), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_paper_pass_is_reproduced),
        cmocka_unit_test(failing_paper_with_passing_corrections),
        cmocka_unit_test(failing_paper_without_correction_is_not_reproduced),
        cmocka_unit_test(relations),
        cmocka_unit_test(the_written_status_is_not_trusted),
        cmocka_unit_test(inconclusive_rows),
        cmocka_unit_test(no_paper_row_is_inconclusive),
        cmocka_unit_test(no_rows_pending_and_not_attempted),
        cmocka_unit_test(failing_exact_or_control_is_a_bug),
        cmocka_unit_test(rejected_files),
        cmocka_unit_test(catalogue),
        cmocka_unit_test(corrupted_files_are_accepted_or_rejected),
        cmocka_unit_test(verdict_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
