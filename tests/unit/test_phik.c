/* Tests for lib/phik: the worked examples of phik.md, its case files, small
 * tables from tests/oracle/phik_ref.py (an independent numpy/scipy
 * implementation of the same spec) and every pair of market_file.csv. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "test_main.h"

#include "stats/phik.h"

#define FIX "tests/oracle/fixtures/"
#define CASES "tests/oracle/fixtures/phik-cases/"
/* phik.md: phik's own root is only good to xtol 1e-5, compare at 5e-5 */
#define PHIK_TOL 5e-5

static double table_phik(const double *O, size_t r, size_t c, int noise)
{
    double v = -1;
    struct err e = {0};
    int rc = phik_from_table(O, r, c, noise, &v, &e);
    if (rc)
        fail_msg("phik_from_table: %s", e.msg);
    return v;
}

/* ---- a minimal CSV reader for the test inputs (no quotes in them) ---- */
struct csvcol {
    char *name;
    int numeric;
    double *num;
    char **str;
};
struct csvdata {
    size_t nrows, ncols;
    struct csvcol *cols;
};

static void csv_free(struct csvdata *d)
{
    for (size_t j = 0; j < d->ncols; j++) {
        free(d->cols[j].name);
        free(d->cols[j].num);
        for (size_t i = 0; i < d->nrows; i++)
            free(d->cols[j].str[i]);
        free(d->cols[j].str);
    }
    free(d->cols);
    memset(d, 0, sizeof *d);
}

/* Splits line in place at commas; strips \r\n. Returns the field count. */
static size_t split(char *line, char **f, size_t cap)
{
    line[strcspn(line, "\r\n")] = 0;
    size_t k = 0;
    f[k++] = line;
    for (char *p = line; *p && k < cap; p++)
        if (*p == ',') {
            *p = 0;
            f[k++] = p + 1;
        }
    return k;
}

static int csv_read(const char *path, struct csvdata *d)
{
    memset(d, 0, sizeof *d);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    char line[4096], *f[64];
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        return -1;
    }
    d->ncols = split(line, f, 64);
    d->cols = calloc(d->ncols, sizeof *d->cols);
    for (size_t j = 0; j < d->ncols; j++) {
        d->cols[j].name = strdup(f[j]);
        d->cols[j].numeric = 1;
    }
    size_t cap = 0;
    while (fgets(line, sizeof line, fp)) {
        assert_null(strchr(line, '"'));
        assert_int_equal(split(line, f, 64), d->ncols);
        if (d->nrows == cap) {
            cap = cap ? 2 * cap : 256;
            for (size_t j = 0; j < d->ncols; j++)
                d->cols[j].str = realloc(d->cols[j].str, cap * sizeof(char *));
        }
        for (size_t j = 0; j < d->ncols; j++)
            d->cols[j].str[d->nrows] = strdup(f[j]);
        d->nrows++;
    }
    fclose(fp);
    /* a column is numeric when every cell parses completely as a number */
    for (size_t j = 0; j < d->ncols; j++) {
        struct csvcol *c = &d->cols[j];
        c->num = malloc(d->nrows * sizeof *c->num);
        for (size_t i = 0; i < d->nrows; i++) {
            char *end;
            c->num[i] = strtod(c->str[i], &end);
            if (end == c->str[i] || *end)
                c->numeric = 0;
        }
    }
    return 0;
}

/* Level codes of column j: binned when numeric, categorical otherwise. */
static int *column_codes(const struct csvdata *d, size_t j)
{
    int *codes = malloc(d->nrows * sizeof *codes), nl;
    int rc = d->cols[j].numeric
                 ? phik_bin_interval(d->cols[j].num, d->nrows, PHIK_DEFAULT_BINS, codes, &nl, NULL)
                 : phik_levels_from_strings((const char *const *)d->cols[j].str, d->nrows, codes, &nl, NULL);
    assert_int_equal(rc, 0);
    return codes;
}

static double case_file_phik(const char *path)
{
    struct csvdata d;
    assert_int_equal(csv_read(path, &d), 0);
    assert_int_equal(d.ncols, 2);
    int *a = column_codes(&d, 0), *b = column_codes(&d, 1);
    double v;
    assert_int_equal(phik_pair(a, b, d.nrows, 1, &v, NULL), 0);
    free(a);
    free(b);
    csv_free(&d);
    return v;
}

static const char *real_dir(void)
{
    const char *r = getenv("ONECLICK_REAL");
    return r ? r : "data/raw";
}

/* ------------------------------------------------------------ tests ---- */

/* phik.md section 8 */
TEST(test_worked_examples)
{
    const double O3[] = {12, 4, 1, 3, 10, 4, 1, 5, 10};
    assert_near(table_phik(O3, 3, 3, 1), 0.7981277, PHIK_TOL);
    assert_near(table_phik(O3, 3, 3, 0), 0.8236077, PHIK_TOL);
    const double O2[] = {20, 5, 8, 17};
    assert_near(table_phik(O2, 2, 2, 1), 0.6182292, PHIK_TOL);
    assert_near(table_phik(O2, 2, 2, 0), 0.6412932, PHIK_TOL);
    /* weak 2x2: chi2 0.08 < pedestal 1 gives exactly 0 */
    const double W[] = {13, 12, 12, 13};
    assert_true(table_phik(W, 2, 2, 1) == 0.0);
    /* the table transposed and permuted gives the same value */
    const double O3t[] = {1, 4, 10, 4, 10, 5, 12, 3, 1};
    assert_near(table_phik(O3t, 3, 3, 1), table_phik(O3, 3, 3, 1), 1e-12);
}

TEST(test_case_files)
{
    FILE *probe = fopen(CASES "unit_interval_pair_50.csv", "r");
    if (!probe) {
        print_message("phik cases not found under %s: skipped\n", CASES);
        skip();
    }
    fclose(probe);
    double vi = case_file_phik(CASES "unit_interval_pair_50.csv");
    double vc = case_file_phik(CASES "unit_categorical_pair_50.csv");
    print_message("phik cases: interval %.7f (doc 0.8115522), categorical %.7f (doc 0.2730578)\n", vi, vc);
    assert_near(vi, 0.8115522, PHIK_TOL);
    assert_near(vc, 0.2730578, PHIK_TOL);
}

TEST(test_special_cases)
{
    enum { N = 300 };
    int a[N], b[N], c[N], k[N], m[N];
    for (int i = 0; i < N; i++) {
        a[i] = i % 3;              /* independent of b by construction: */
        b[i] = (i / 3) % 4;        /* every (a, b) cell has the same count */
        c[i] = a[i];               /* a copy: perfectly dependent */
        k[i] = 5;                  /* constant */
        m[i] = i % 7 == 0 ? -1 : a[i];
    }
    double v;
    assert_int_equal(phik_pair(a, b, N, 1, &v, NULL), 0);
    assert_true(v == 0.0);
    assert_int_equal(phik_pair(a, c, N, 1, &v, NULL), 0);
    assert_true(v == 1.0);
    assert_int_equal(phik_pair(a, a, N, 1, &v, NULL), 0);
    assert_true(v == 1.0);
    assert_int_equal(phik_pair(a, k, N, 1, &v, NULL), 0);
    assert_true(isnan(v));
    /* missing codes are deleted pairwise: still perfectly dependent */
    assert_int_equal(phik_pair(m, c, N, 1, &v, NULL), 0);
    assert_true(v == 1.0);
    /* a table with one row or column, or empty */
    const double one[] = {3, 4, 5};
    assert_true(isnan(table_phik(one, 1, 3, 1)));
    const double zero[] = {0, 0, 0, 0};
    assert_true(isnan(table_phik(zero, 2, 2, 1)));
    double z;
    assert_int_equal(phik_significance(a, k, N, &z, NULL), 0);
    assert_true(isnan(z));
    const double bad[] = {1, -2, 3, 4};
    struct err e = {0};
    assert_int_equal(phik_from_table(bad, 2, 2, 1, &v, &e), ERR_DATA);
    /* constant or empty numeric column: no bins, phik drops it */
    double x[] = {2.5, 2.5, NAN, 2.5};
    int codes[4], nl = -1;
    assert_int_equal(phik_bin_interval(x, 4, 10, codes, &nl, NULL), 0);
    assert_int_equal(nl, 0);
    assert_int_equal(codes[0], -1);
}

TEST(test_binning)
{
    /* 0..10: edges ~ -2.2e-308, 1, 2, ..., 10; 0 and 1 share bin 1 (left-open) */
    double x[12];
    for (int i = 0; i <= 10; i++)
        x[i] = i;
    x[11] = NAN;
    int codes[12], nl;
    assert_int_equal(phik_bin_interval(x, 12, 10, codes, &nl, NULL), 0);
    assert_int_equal(nl, 10);
    const int want[12] = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1};
    for (int i = 0; i < 12; i++)
        assert_int_equal(codes[i], want[i]);
    double edges[11];
    assert_int_equal(phik_bin_edges(x, 12, 10, edges), 1);
    assert_true(edges[0] == -2.2250738585072014e-308);
    assert_true(edges[1] == 1.0 && edges[9] == 9.0 && edges[10] == 10.0);
    /* categorical levels: strcmp order, NULL missing */
    const char *s[] = {"b", "a", NULL, "b", "c"};
    assert_int_equal(phik_levels_from_strings(s, 5, codes, &nl, NULL), 0);
    assert_int_equal(nl, 3);
    const int ws[5] = {1, 0, -1, 1, 2};
    for (int i = 0; i < 5; i++)
        assert_int_equal(codes[i], ws[i]);
    const double d[] = {3.0, NAN, -1.0, 3.0};
    assert_int_equal(phik_levels_from_numbers(d, 4, codes, &nl, NULL), 0);
    assert_int_equal(nl, 2);
    assert_true(codes[0] == 1 && codes[1] == -1 && codes[2] == 0 && codes[3] == 1);
}

/* Small tables: phi_K (with and without noise correction) and Z. */
TEST(test_tables_fixture)
{
    struct tsv *t = tsv_read(FIX "phik_tables.tsv");
    double maxd = 0, maxz = 0;
    size_t rows = 0;
    for (; rows < t->nrows; rows++) {
        char *const *fld = t->cell[rows];
        size_t r = strtoul(fld[1], NULL, 10), c = strtoul(fld[2], NULL, 10);
        double O[128];
        size_t k = 0;
        for (char *q = fld[3]; k < r * c; q++) {
            O[k++] = strtod(q, &q);
            if (*q != ',')
                break;
        }
        assert_int_equal(k, r * c);
        double want = strtod(fld[4], NULL), want0 = strtod(fld[5], NULL), wantz = strtod(fld[6], NULL);
        double got = table_phik(O, r, c, 1), got0 = table_phik(O, r, c, 0), z;
        assert_int_equal(phik_significance_from_table(O, r, c, &z, NULL), 0);
        maxd = fmax(maxd, fmax(fabs(got - want), fabs(got0 - want0)));
        if (isfinite(wantz))
            maxz = fmax(maxz, fabs(z - wantz) / fabs(wantz));
        assert_near(got, want, PHIK_TOL);
        assert_near(got0, want0, PHIK_TOL);
        if (isinf(wantz))
            assert_true(z == wantz);
        else
            assert_near(z, wantz, 1e-9 * fabs(wantz));
    }
    tsv_free(t);
    assert_int_equal(rows, 12);
    print_message("phik tables: %zu, max |phik diff| %.3g, max rel Z diff %.3g\n", rows, maxd, maxz);
}

/* market_file.csv: bin edges to the bit, then every pair against phik_ref.py. */
/* The real file's numeric columns binned as phik's numpy edges do (fixture). */
static void check_market_bins(const struct csvdata *dp, int *const *codes)
{
    const struct csvdata d = *dp;
    struct tsv *t = tsv_read(FIX "phik_market_bins.tsv");
    size_t nbinned = 0;
    for (; nbinned < t->nrows; nbinned++) {
        const char *name = t->cell[nbinned][0];
        size_t j = 0;
        while (j < d.ncols && strcmp(d.cols[j].name, name) != 0)
            j++;
        assert_true(j < d.ncols && d.cols[j].numeric);
        double edges[11];
        assert_int_equal(phik_bin_edges(d.cols[j].num, d.nrows, 10, edges), 1);
        char *q = t->cell[nbinned][1];
        for (int k = 0; k < 11; k++, q++) {
            double w = strtod(q, &q);
            if (edges[k] != w)
                fail_msg("%s edge %d: %.17g, numpy %.17g", name, k, edges[k], w);
        }
        q = t->cell[nbinned][2];
        for (int k = 0; k < 10; k++, q++) {
            long w = strtol(q, &q, 10), got = 0;
            for (size_t i = 0; i < d.nrows; i++)
                got += codes[j][i] == k;
            if (got != w)
                fail_msg("%s bin %d: %ld records, numpy %ld", name, k + 1, got, w);
        }
    }
    tsv_free(t);
    assert_int_equal(nbinned, 8);
}

/* Every pair of the real file's columns: table shape, phi_K and its Z (fixture). */
static void check_market_pairs(const struct csvdata *dp, int *const *codes)
{
    const struct csvdata d = *dp;
    struct tsv *t = tsv_read(FIX "phik_market.tsv");
    size_t npairs = 0;
    double maxd = 0, maxz = 0;
    for (; npairs < t->nrows; npairs++) {
        char *const *fld = t->cell[npairs];
        size_t jx = 0, jy = 0;
        while (jx < d.ncols && strcmp(d.cols[jx].name, fld[0]) != 0)
            jx++;
        while (jy < d.ncols && strcmp(d.cols[jy].name, fld[1]) != 0)
            jy++;
        assert_true(jx < d.ncols && jy < d.ncols);
        double v, z, *O;
        size_t r, c;
        assert_int_equal(phik_table(codes[jx], codes[jy], d.nrows, &O, &r, &c, NULL), 0);
        free(O);
        assert_int_equal(r, strtoul(fld[2], NULL, 10));
        assert_int_equal(c, strtoul(fld[3], NULL, 10));
        assert_int_equal(phik_pair(codes[jx], codes[jy], d.nrows, 1, &v, NULL), 0);
        assert_int_equal(phik_significance(codes[jx], codes[jy], d.nrows, &z, NULL), 0);
        double want = strtod(fld[4], NULL), wantz = strtod(fld[5], NULL);
        maxd = fmax(maxd, fabs(v - want));
        maxz = fmax(maxz, fabs(z - wantz) / fmax(1.0, fabs(wantz)));
        /* the brief's contract is 0.01; the spec's own resolution is 5e-5 */
        assert_near(v, want, 0.01);
        assert_near(v, want, PHIK_TOL);
        assert_near(z, wantz, 1e-8 * fmax(1.0, fabs(wantz)));
    }
    tsv_free(t);
    assert_int_equal(npairs, 66);
    print_message("phik market_file: %zu pairs, max |phik diff| %.3g, max rel Z diff %.3g\n", npairs, maxd, maxz);
}

TEST(test_market_file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/market_file.csv", real_dir());
    struct csvdata d;
    if (csv_read(path, &d) != 0) {
        print_message("real data not found at %s: skipped\n", path);
        skip();
    }
    int *codes[64] = {0};
    for (size_t j = 0; j < d.ncols; j++)
        if (strcmp(d.cols[j].name, "id") != 0)
            codes[j] = column_codes(&d, j);

    check_market_bins(&d, codes);
    check_market_pairs(&d, codes);

    /* the matrix is the pairs, mirrored, with a unit diagonal */
    const int *cols[2] = {codes[1], codes[4]};
    double mat[4], v;
    assert_int_equal(phik_matrix(cols, 2, d.nrows, 1, mat, NULL), 0);
    assert_int_equal(phik_pair(codes[1], codes[4], d.nrows, 1, &v, NULL), 0);
    assert_true(mat[0] == 1.0 && mat[3] == 1.0 && mat[1] == v && mat[2] == v);
    assert_int_equal(phik_significance_matrix(cols, 2, d.nrows, mat, NULL), 0);
    assert_true(isnan(mat[0]) && mat[1] == mat[2]);

    for (size_t j = 0; j < d.ncols; j++)
        free(codes[j]);
    csv_free(&d);
}

TEST_MAIN_NAMED("phik", NULL, NULL, cmocka_unit_test(test_worked_examples), cmocka_unit_test(test_case_files),
          cmocka_unit_test(test_special_cases), cmocka_unit_test(test_binning), cmocka_unit_test(test_tables_fixture),
          cmocka_unit_test(test_market_file))
