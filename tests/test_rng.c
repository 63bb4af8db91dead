/* Random streams: reproducible, independent across keys, right moments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "rng.h"
#include "stats.h"

static void same_key_same_numbers(void **state)
{
    (void)state;
    rng_stream a, b;
    rng_init_sub(&a, 42, 7, 3);
    rng_init_sub(&b, 42, 7, 3);
    for (int i = 0; i < 1000; i++)
        assert_true(rng_u64(&a) == rng_u64(&b));
}

static void different_keys_differ(void **state)
{
    (void)state;
    rng_stream a, b, c;
    rng_init_sub(&a, 42, 7, 3);
    rng_init_sub(&b, 42, 8, 3);
    rng_init_sub(&c, 42, 7, 4);
    int same_b = 0, same_c = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = rng_u64(&a);
        same_b += x == rng_u64(&b);
        same_c += x == rng_u64(&c);
    }
    assert_int_equal(same_b, 0);
    assert_int_equal(same_c, 0);
}

/* Moments of N(0,1) from 10^6 draws: mean 0, variance 1, third moment 0,
 * fourth 3, each within 5 standard errors of its estimator. */
static void normal_moments(void **state)
{
    (void)state;
    const int n = 1000000;
    rng_stream r;
    rng_init(&r, 1, 2);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (int i = 0; i < n; i++) {
        double x = rng_normal(&r), x2 = x * x;
        m1 += x, m2 += x2, m3 += x2 * x, m4 += x2 * x2;
    }
    m1 /= n, m2 /= n, m3 /= n, m4 /= n;
    /* standard errors: Var(x)=1, Var(x^2)=2, Var(x^3)=15, Var(x^4)=96 */
    assert_true(fabs(m1) < 5 * sqrt(1.0 / n));
    assert_true(fabs(m2 - 1) < 5 * sqrt(2.0 / n));
    assert_true(fabs(m3) < 5 * sqrt(15.0 / n));
    assert_true(fabs(m4 - 3) < 5 * sqrt(96.0 / n));
}

static void uniform_in_open_interval(void **state)
{
    (void)state;
    rng_stream r;
    rng_init(&r, 3, 0);
    double s = 0;
    const int n = 1000000;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        assert_true(u > 0.0 && u < 1.0);
        s += u;
    }
    assert_true(fabs(s / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
}

/* Chi-square test of rng_uniform_int on 7 cells (not a power of two). */
static void uniform_int_unbiased(void **state)
{
    (void)state;
    rng_stream r;
    rng_init(&r, 5, 1);
    long cnt[7] = {0};
    const long n = 700000;
    for (long i = 0; i < n; i++)
        cnt[rng_uniform_int(&r, 7)]++;
    double chi2 = 0, e = n / 7.0;
    for (int k = 0; k < 7; k++)
        chi2 += (cnt[k] - e) * (cnt[k] - e) / e;
    assert_true(chi2 < 22.46); /* 99.9 % quantile of chi2 with 6 dof */
}

static void permutation_is_permutation(void **state)
{
    (void)state;
    rng_stream r;
    rng_init(&r, 9, 9);
    size_t p[100];
    int seen[100] = {0};
    rng_permutation(&r, p, 100);
    for (int i = 0; i < 100; i++)
        seen[p[i]]++;
    for (int i = 0; i < 100; i++)
        assert_int_equal(seen[i], 1);
}

/* k distinct indices, each pair of [0, n) equally likely (n = 5, k = 2:
 * 10 pairs, chi-squared over many draws). */
static void distinct_uniform_subsets(void **state)
{
    (void)state;
    rng_stream r;
    rng_init(&r, 4, 2);
    int cnt[5][5] = {{0}}, n = 50000;
    for (int t = 0; t < n; t++) {
        size_t idx[2];
        rng_distinct(&r, 5, 2, idx);
        assert_true(idx[0] < 5 && idx[1] < 5 && idx[0] != idx[1]);
        cnt[idx[0] < idx[1] ? idx[0] : idx[1]][idx[0] < idx[1] ? idx[1] : idx[0]]++;
    }
    double chi2 = 0, e = n / 10.0;
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            chi2 += (cnt[i][j] - e) * (cnt[i][j] - e) / e;
    assert_true(chi2 < 27.88); /* 99.9 % quantile of chi2 with 9 dof */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_key_same_numbers), cmocka_unit_test(different_keys_differ),
        cmocka_unit_test(normal_moments),        cmocka_unit_test(uniform_in_open_interval),
        cmocka_unit_test(uniform_int_unbiased),  cmocka_unit_test(permutation_is_permutation),
        cmocka_unit_test(distinct_uniform_subsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
