/* Tests for lib/stats: hand-computed cases and numpy/scipy fixtures
 * (tests/oracle/stats.py). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_main.h"

#include "stats/stats.h"

#define FIX "tests/oracle/fixtures/"

/* |got - want| <= atol + rtol |want|; NaN equals NaN. */
#define assert_near(got, want, atol, rtol) assert_near_at((got), (want), (atol), (rtol), __FILE__, __LINE__)
static void assert_near_at(double got, double want, double atol, double rtol, const char *file, int line)
{
    if (isnan(want) && isnan(got))
        return;
    if (!(fabs(got - want) <= atol + rtol * fabs(want)) && got != want)
        fail_msg("%s:%d: got %.17g, want %.17g", file, line, got, want);
}

/* ---- fixture arrays: "case<TAB>value" rows ---- */
struct arr {
    char name[32];
    double *v;
    size_t n;
};
static struct arr arrs[32];
static size_t narrs;

static int load_arrays(void **state)
{
    (void)state;
    FILE *f = fopen(FIX "stats_arrays.tsv", "r");
    if (!f)
        return -1;
    char line[256], name[32];
    if (!fgets(line, sizeof line, f))
        return -1;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            return -1;
        *tab = 0;
        if (strlen(line) >= sizeof name)
            return -1;
        memcpy(name, line, strlen(line) + 1);
        if (narrs == 0 || strcmp(arrs[narrs - 1].name, name) != 0) {
            memcpy(arrs[narrs].name, name, sizeof name);
            arrs[narrs].v = NULL;
            arrs[narrs].n = 0;
            narrs++;
        }
        struct arr *a = &arrs[narrs - 1];
        double *nv = realloc(a->v, (a->n + 1) * sizeof *nv);
        if (!nv)
            return -1;
        a->v = nv;
        a->v[a->n++] = strtod(tab + 1, NULL);
    }
    fclose(f);
    return 0;
}

static int free_arrays(void **state)
{
    (void)state;
    for (size_t i = 0; i < narrs; i++)
        free(arrs[i].v);
    narrs = 0;
    return 0;
}

static const struct arr *find_arr(const char *name)
{
    for (size_t i = 0; i < narrs; i++)
        if (strcmp(arrs[i].name, name) == 0)
            return &arrs[i];
    fail_msg("no fixture array %s", name);
    return NULL;
}

/* Split s at `sep` into doubles; returns the count. */
static size_t parse_list(char *s, char sep, double *out, size_t cap)
{
    size_t k = 0;
    char *p = s;
    while (*p && k < cap) {
        char *end;
        out[k++] = strtod(p, &end);
        if (*end != sep)
            break;
        p = end + 1;
    }
    return k;
}

TEST(test_quantile_hand)
{
    const double x[] = {1, 2, 3, 4};
    assert_near(stats_quantile_sorted(x, 4, 0.25), 1.75, 0, 0);
    assert_near(stats_quantile_sorted(x, 4, 0.5), 2.5, 0, 0);
    assert_near(stats_quantile_sorted(x, 4, 0.75), 3.25, 0, 0);
    assert_near(stats_quantile_sorted(x, 4, 1.0), 4.0, 0, 0);
    assert_near(stats_quantile_sorted(x, 4, 0.0), 1.0, 0, 0);
    assert_true(isnan(stats_quantile_sorted(x, 0, 0.5)));
}

/* Selection gives a sort's order statistics and quantiles bit for bit:
 * arrays with many ties, sorted, reversed, all equal, odd and even sizes. */
TEST(test_select_is_sort)
{
    enum { N = 257 };
    double v[N], sorted[N], w[N];
    unsigned long s = 12345;
    for (int pattern = 0; pattern < 5; pattern++)
        for (size_t n = 1; n <= N; n += 37) {
            for (size_t i = 0; i < n; i++) {
                s = s * 6364136223846793005UL + 1442695040888963407UL;
                double r = (double)(s >> 33) / 2147483648.0;
                v[i] = pattern == 0   ? r
                       : pattern == 1 ? floor(r * 5) /* ties */
                       : pattern == 2 ? (double)i
                       : pattern == 3 ? (double)(n - i)
                                      : 7.0;
            }
            memcpy(sorted, v, n * sizeof *v);
            qsort(sorted, n, sizeof *sorted, stats_cmp_double);
            for (size_t k = 0; k < n; k++) {
                memcpy(w, v, n * sizeof *v);
                assert_true(stats_select(w, n, k) == sorted[k]);
            }
            static const double qs[] = {0, 0.05, 0.25, 0.5, 0.75, 0.95, 1};
            for (size_t q = 0; q < 7; q++) {
                memcpy(w, v, n * sizeof *v);
                double a = stats_quantile_select(w, n, qs[q]), b = stats_quantile_sorted(sorted, n, qs[q]);
                assert_memory_equal(&a, &b, sizeof a);
            }
        }
    assert_true(isnan(stats_quantile_select(w, 0, 0.5)));
}

TEST(test_describe_hand)
{
    /* 1..9 and 100: mean 14.5, q25 3.25, q75 7.75, IQR 4.5, fence 14.5 -> 1 outlier */
    const double x[] = {5, 1, NAN, 9, 2, 100, 3, 4, 6, 7, 8};
    struct stats_summary s;
    struct err e = {0};
    assert_int_equal(stats_describe(x, 11, &s, &e), 0);
    assert_int_equal(s.count, 10);
    assert_int_equal(s.missing, 1);
    assert_near(s.mean, 14.5, 1e-15, 0);
    assert_near(s.median, 5.5, 0, 0);
    assert_near(s.q25, 3.25, 1e-15, 0);
    assert_near(s.q75, 7.75, 1e-15, 0);
    assert_near(s.min, 1, 0, 0);
    assert_near(s.max, 100, 0, 0);
    assert_int_equal(s.outliers, 1);
}

TEST(test_describe_fixture)
{
    FILE *f = fopen(FIX "stats_describe.tsv", "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        *tab = 0;
        double w[11];
        assert_int_equal(parse_list(tab + 1, '\t', w, 11), 11);
        const struct arr *a = find_arr(line);
        struct stats_summary s;
        assert_int_equal(stats_describe(a->v, a->n, &s, NULL), 0);
        assert_int_equal(s.count, (size_t)w[0]);
        assert_int_equal(s.missing, (size_t)w[1]);
        double got[8] = {s.mean, s.std, s.min, s.q25, s.median, s.q75, s.max, s.skew};
        for (int i = 0; i < 8; i++)
            assert_near(got[i], w[2 + i], 1e-13, 1e-12);
        assert_int_equal(s.outliers, (size_t)w[10]);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 11);
}

TEST(test_tests_fixture)
{
    FILE *f = fopen(FIX "stats_tests.tsv", "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *t1 = strchr(line, '\t');
        *t1 = 0;
        char *t2 = strchr(t1 + 1, '\t');
        *t2 = 0;
        double w[4];
        assert_int_equal(parse_list(t2 + 1, '\t', w, 4), 4);
        const struct arr *x = find_arr(line), *y = find_arr(t1 + 1);
        double smd;
        struct stats_ttest t;
        assert_int_equal(stats_smd(x->v, x->n, y->v, y->n, &smd, NULL), 0);
        assert_int_equal(stats_welch_ttest(x->v, x->n, y->v, y->n, &t, NULL), 0);
        assert_near(smd, w[0], 0, 1e-12);
        assert_near(t.t, w[1], 0, 1e-12);
        assert_near(t.df, w[2], 0, 1e-12);
        assert_near(t.p, w[3], 0, 1e-9);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 5);
}

TEST(test_tests_degenerate)
{
    const double x[] = {1.0}, y[] = {2.0, 3.0}, c[] = {4.0, 4.0};
    struct stats_ttest t;
    double smd;
    assert_int_equal(stats_welch_ttest(x, 1, y, 2, &t, NULL), 0);
    assert_true(isnan(t.t) && isnan(t.p));
    assert_int_equal(stats_welch_ttest(c, 2, c, 2, &t, NULL), 0);
    assert_true(isnan(t.t));
    assert_int_equal(stats_smd(c, 2, c, 2, &smd, NULL), 0);
    assert_true(isnan(smd));
}

TEST(test_chi2_fixture)
{
    FILE *f = fopen(FIX "stats_chi2.tsv", "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *fld[8], *p = line;
        for (int i = 0; i < 8; i++) {
            fld[i] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = 0;
            else
                assert_int_equal(i, 7);
        }
        size_t r = strtoul(fld[0], NULL, 10), c = strtoul(fld[1], NULL, 10);
        double O[64];
        assert_int_equal(parse_list(fld[2], ',', O, 64), r * c);
        int corr = atoi(fld[3]);
        enum stats_chi2_lambda lam = strcmp(fld[4], "pearson") == 0 ? STATS_CHI2_PEARSON : STATS_CHI2_LOGLIK;
        struct stats_chi2 res;
        assert_int_equal(stats_chi2_contingency(O, r, c, corr, lam, &res, NULL), 0);
        assert_near(res.stat, strtod(fld[5], NULL), 1e-13, 1e-12);
        assert_int_equal(res.dof, strtoul(fld[6], NULL, 10));
        assert_near(res.p, strtod(fld[7], NULL), 1e-300, 1e-9);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 36);
}

TEST(test_chi2_hand_and_errors)
{
    /* 2x2 Yates from phik.md: 30.25 (2/14 + 2/11) */
    const double O[] = {20, 5, 8, 17};
    struct stats_chi2 res;
    assert_int_equal(stats_chi2_contingency(O, 2, 2, 1, STATS_CHI2_PEARSON, &res, NULL), 0);
    assert_near(res.stat, 30.25 * (2.0 / 14 + 2.0 / 11), 1e-13, 0);
    const double Z[] = {1, 0, 2, 0};
    struct err e = {0};
    assert_int_equal(stats_chi2_contingency(Z, 2, 2, 1, STATS_CHI2_PEARSON, &res, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "column 1"));
    const double N[] = {1, -1, 2, 3};
    assert_int_equal(stats_chi2_contingency(N, 2, 2, 1, STATS_CHI2_PEARSON, &res, &e), ERR_DATA);
}

TEST(test_holm_fixture)
{
    FILE *f = fopen(FIX "stats_holm.tsv", "r");
    assert_non_null(f);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, f));
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        *tab = 0;
        double p[64], w[64], adj[64];
        size_t m = parse_list(line, ',', p, 64);
        assert_int_equal(parse_list(tab + 1, ',', w, 64), m);
        assert_int_equal(stats_holm(p, m, adj, NULL), 0);
        for (size_t i = 0; i < m; i++)
            assert_near(adj[i], w[i], 1e-16, 1e-15);
        /* in place */
        assert_int_equal(stats_holm(p, m, p, NULL), 0);
        for (size_t i = 0; i < m; i++)
            assert_near(p[i], w[i], 1e-16, 1e-15);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 4);
    /* NaN stays out of the family: m = 2 */
    double q[] = {0.01, NAN, 0.04}, a[3];
    assert_int_equal(stats_holm(q, 3, a, NULL), 0);
    assert_near(a[0], 0.02, 1e-17, 0);
    assert_true(isnan(a[1]));
    assert_near(a[2], 0.04, 1e-17, 0);
    double bad[] = {1.5};
    struct err e = {0};
    assert_int_equal(stats_holm(bad, 1, a, &e), ERR_DATA);
}

TEST_MAIN_NAMED("stats", load_arrays, free_arrays, cmocka_unit_test(test_quantile_hand), cmocka_unit_test(test_select_is_sort),
          cmocka_unit_test(test_describe_hand), cmocka_unit_test(test_describe_fixture),
          cmocka_unit_test(test_tests_fixture), cmocka_unit_test(test_tests_degenerate),
          cmocka_unit_test(test_chi2_fixture), cmocka_unit_test(test_chi2_hand_and_errors),
          cmocka_unit_test(test_holm_fixture))
