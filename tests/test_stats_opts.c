/* Statistics against closed forms, and option validation messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "opts.h"
#include "run.h"
#include "stats.h"

static void welford_merge_matches_direct(void **state)
{
    (void)state;
    double x[7] = {1, 4, 2, 8, 5, 7, 3};
    stats_acc a, b;
    stats_acc_init(&a), stats_acc_init(&b);
    for (int i = 0; i < 3; i++)
        stats_acc_add(&a, x[i]);
    for (int i = 3; i < 7; i++)
        stats_acc_add(&b, x[i]);
    stats_acc_merge(&a, &b);
    assert_true(fabs(a.mean - 30.0 / 7) < 1e-14);
    assert_true(fabs(stats_acc_var(&a) - stats_var(x, 7)) < 1e-12);
    assert_true(fabs(stats_var(x, 7) - 46.0 / 7) < 1e-12);
}

static void line_fit_exact_and_se(void **state)
{
    (void)state;
    double x[5] = {0, 1, 2, 3, 4}, y[5] = {1, 3, 5, 7, 9}, y2[5] = {1, 3.5, 4.5, 7.5, 8.5};
    stats_fit f;
    assert_int_equal(stats_fit_line(x, y, 5, &f), 0);
    assert_true(fabs(f.b - 2) < 1e-14 && fabs(f.a - 1) < 1e-14 && f.se_b < 1e-12);
    assert_int_equal(stats_fit_line(x, y2, 5, &f), 0);
    /* residuals (.., computed by hand): slope 1.9, a 1.2, RSS 0.9 -> se_b = sqrt(0.3/10) */
    assert_true(fabs(f.b - 1.9) < 1e-12);
    assert_true(fabs(f.se_b - sqrt(0.3 / 10)) < 1e-12);
}

static void binomial_intervals(void **state)
{
    (void)state;
    double lo, hi;
    stats_binom_exact(0, 10, 0.05, &lo, &hi);
    assert_true(lo == 0.0 && fabs(hi - (1 - pow(0.025, 0.1))) < 1e-10);
    stats_binom_wilson(50, 100, 0.05, &lo, &hi);
    assert_true(fabs(lo - 0.4038) < 1e-4 && fabs(hi - 0.5962) < 1e-4);
    assert_true(fabs(stats_z_two_sided(0.05) - 1.959963985) < 1e-8);
}

static int parse(opts_spec *s, const char *a1, const char *a2, char *err)
{
    char *argv[3] = {"prog", (char *)a1, (char *)a2};
    return opts_parse(s, a2 ? 3 : 2, argv, err, 256);
}

static void option_validation(void **state)
{
    (void)state;
    long n = 5;
    double eta = 0.1;
    opts_list l = {0};
    opts_spec s[] = {{"runs", OPT_INT, &n, 1, 1000, "runs"},
                     {"eta", OPT_DOUBLE, &eta, 1e-9, 10, "learning rate"},
                     {"dims", OPT_LIST, &l, 1, 100, "dims"},
                     {0}};
    char err[256];
    assert_int_equal(parse(s, "--runs", "12", err), 0);
    assert_int_equal(n, 12);
    assert_int_equal(parse(s, "--eta=0.5", NULL, err), 0);
    assert_true(eta == 0.5);
    assert_int_equal(parse(s, "--runs", "0", err), -1);
    assert_non_null(strstr(err, "--runs must be an integer in [1, 1000], got 0"));
    assert_int_equal(parse(s, "--runs", "3x", err), -1);
    assert_non_null(strstr(err, "expects an integer"));
    assert_int_equal(parse(s, "--eta", "-0.1", err), -1);
    assert_int_equal(parse(s, "--eta", "nan", err), -1);
    assert_int_equal(parse(s, "--eta", NULL, err), -1);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse(s, "--bogus", "1", err), -1);
    assert_non_null(strstr(err, "unknown option '--bogus'"));
    assert_int_equal(parse(s, "stray", NULL, err), -1);
    assert_int_equal(parse(s, "--dims", "10,20,40", err), 0);
    assert_int_equal(l.n, 3);
    assert_int_equal(parse(s, "--dims", "10,,x", err), -1);
    assert_int_equal(parse(s, "--dims", "10,200", err), -1);
}

/* The rules a careless command line trips over: a repeated option, an empty
 * or repeated list element, an integer just past a bound that a double
 * cannot tell from the bound. */
static void option_misuse(void **state)
{
    (void)state;
    long seed = 1;
    opts_list l = {0};
    opts_spec s[] = {{"seed", OPT_INT, &seed, 0, 9007199254740992.0, "seed"},
                     {"dims", OPT_LIST, &l, 1, 100, "dims"},
                     {0}};
    char err[256];
    char *argv[5] = {"prog", "--seed", "3", "--seed=4", NULL};
    assert_int_equal(opts_parse(s, 4, argv, err, sizeof err), -1);
    assert_non_null(strstr(err, "--seed given more than once"));
    assert_int_equal(parse(s, "--seed", "9007199254740992", err), 0);
    assert_int_equal(parse(s, "--seed", "9007199254740993", err), -1);
    assert_non_null(strstr(err, "must be an integer"));
    assert_int_equal(parse(s, "--dims", "1,,2", err), -1);
    assert_non_null(strstr(err, "empty element"));
    assert_int_equal(parse(s, "--dims", "1,2,", err), -1);
    assert_int_equal(parse(s, "--dims", ",1", err), -1);
    assert_int_equal(parse(s, "--dims", "2,2", err), -1);
    assert_non_null(strstr(err, "appears twice"));
    assert_int_equal(parse(s, "--dims", "2,3", err), 0);
}

static void claim_relations(void **state)
{
    (void)state;
    assert_true(claim_passes(REL_EQ, 1.0, 1.1, 0.2));
    assert_false(claim_passes(REL_EQ, 1.0, 1.3, 0.2));
    assert_true(claim_passes(REL_GE, 0.9, 1.0, 0.2));
    assert_false(claim_passes(REL_GE, 0.7, 1.0, 0.2));
    assert_true(claim_passes(REL_LE, 1.1, 1.0, 0.2));
    assert_false(claim_passes(REL_LE, 1.3, 1.0, 0.2));
    assert_false(claim_passes(REL_EQ, NAN, 1.0, 0.2));
    assert_false(claim_passes(REL_EQ, 1.0, 1.0, INFINITY));
    assert_false(claim_passes(REL_EQ, 1.0, 1.0, -0.1));
    claim_rel r;
    assert_int_equal(claim_rel_parse("ne", &r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(welford_merge_matches_direct), cmocka_unit_test(line_fit_exact_and_se),
        cmocka_unit_test(binomial_intervals),           cmocka_unit_test(option_validation),
        cmocka_unit_test(claim_relations),              cmocka_unit_test(option_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
