/* Tests for lib/corr: hand cases and numpy/scipy fixtures (tests/oracle/corr.py). */
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

#include "stats/corr.h"

#define FIX "tests/oracle/fixtures/"
#define P 6
#define NMAX 512

static double data[P][NMAX];
static size_t nrows;

static int load(void **state)
{
    (void)state;
    FILE *f = fopen(FIX "corr_data.tsv", "r");
    if (!f)
        return -1;
    char line[1024];
    if (!fgets(line, sizeof line, f))
        return -1;
    while (fgets(line, sizeof line, f) && nrows < NMAX) {
        char *p = line;
        for (int j = 0; j < P; j++) {
            data[j][nrows] = strtod(p, &p);
            p++;
        }
        nrows++;
    }
    fclose(f);
    return 0;
}

TEST(test_hand)
{
    /* y = 2x + 1 except a NaN; z = -x^3 (monotone decreasing); k constant */
    double x[] = {1, 2, 3, 4, 5}, y[] = {3, 5, NAN, 9, 11}, z[] = {-1, -8, -27, -64, -125}, k[] = {2, 2, 2, 2, 2};
    const double *cols[] = {x, y, z, k};
    double out[16];
    assert_int_equal(corr_pearson(cols, 4, 5, out, NULL), 0);
    assert_near(out[0 * 4 + 1], 1.0, 1e-15);
    assert_near(out[0 * 4 + 0], 1.0, 0);
    assert_true(out[0 * 4 + 2] < -0.9 && out[0 * 4 + 2] > -1.0);
    assert_true(isnan(out[0 * 4 + 3]) && isnan(out[3 * 4 + 3]));
    assert_int_equal(corr_spearman(cols, 4, 5, out, NULL), 0);
    assert_near(out[0 * 4 + 1], 1.0, 1e-15);
    assert_near(out[0 * 4 + 2], -1.0, 1e-15);
    assert_near(out[1 * 4 + 2], -1.0, 1e-15);
    assert_true(isnan(out[2 * 4 + 3]));
    /* ranks: ties averaged, NaN kept */
    double v[] = {10, NAN, 20, 10, 5, 20, 20}, r[7];
    assert_int_equal(corr_rank(v, 7, r, NULL), 0);
    const double want[] = {2.5, NAN, 5, 2.5, 1, 5, 5};
    for (int i = 0; i < 7; i++)
        assert_near(r[i], want[i], 0);
}

TEST(test_fixture)
{
    const double *cols[P];
    for (int j = 0; j < P; j++)
        cols[j] = data[j];
    double pe[P * P], sp[P * P], vif[P], rk[NMAX];
    size_t nused;
    assert_int_equal(corr_pearson(cols, P, nrows, pe, NULL), 0);
    assert_int_equal(corr_spearman(cols, P, nrows, sp, NULL), 0);
    assert_int_equal(corr_vif(cols, P, nrows, vif, &nused, NULL), 0);
    assert_int_equal(corr_rank(data[3], nrows, rk, NULL), 0);
    FILE *f = fopen(FIX "corr_expected.tsv", "r");
    assert_non_null(f);
    char line[256], kind[16];
    assert_non_null(fgets(line, sizeof line, f));
    int counts[4] = {0};
    double maxd[4] = {0};
    while (fgets(line, sizeof line, f)) {
        int i, j;
        char val[64];
        assert_int_equal(sscanf(line, "%15s %d %d %63s", kind, &i, &j, val), 4);
        double w = strtod(val, NULL), got, tol;
        int kk;
        if (strcmp(kind, "pearson") == 0)
            kk = 0, got = pe[i * P + j], tol = 1e-14;
        else if (strcmp(kind, "spearman") == 0)
            kk = 1, got = sp[i * P + j], tol = 1e-14;
        else if (strcmp(kind, "vif") == 0) {
            kk = 2, got = vif[i], tol = 1e-10 * w;
            assert_int_equal(nused, (size_t)j);
        } else
            kk = 3, got = rk[i], tol = 0;
        assert_near(got, w, tol);
        if (!isnan(w))
            maxd[kk] = fmax(maxd[kk], kk == 2 ? fabs(got - w) / w : fabs(got - w));
        counts[kk]++;
    }
    fclose(f);
    assert_int_equal(counts[0], P * P);
    assert_int_equal(counts[1], P * P);
    assert_int_equal(counts[2], P);
    assert_int_equal(counts[3], (int)nrows);
    print_message("corr: max |diff| pearson %.3g, spearman %.3g; vif max rel %.3g\n", maxd[0], maxd[1], maxd[2]);
}

TEST(test_vif_collinear)
{
    enum { N = 50 };
    double a[N], b[N], c[N], d[N], k[N];
    for (int i = 0; i < N; i++) {
        a[i] = sin(i * 0.7) + i * 0.01;
        b[i] = cos(i * 1.3);
        c[i] = 2.0 * a[i] - 3.0 * b[i] + 1.0; /* exact linear combination */
        d[i] = (i * 37 % 11) / 11.0;
        k[i] = 4.0;
    }
    const double *cols[] = {a, b, c, d};
    double vif[4];
    assert_int_equal(corr_vif(cols, 4, N, vif, NULL, NULL), 0);
    assert_true(isinf(vif[0]) && isinf(vif[1]) && isinf(vif[2]));
    assert_true(isfinite(vif[3]) && vif[3] >= 1.0);
    /* a constant column is collinear with the intercept */
    const double *cols2[] = {a, k, d};
    assert_int_equal(corr_vif(cols2, 3, N, vif, NULL, NULL), 0);
    assert_true(isinf(vif[1]));
    /* the others as if the constant were absent (numpy lstsq: 1.0008638456459975) */
    assert_near(vif[0], 1.0008638456459975, 1e-12);
    assert_near(vif[2], 1.0008638456459975, 1e-12);
    /* one column: nothing to regress on */
    assert_int_equal(corr_vif(cols, 1, N, vif, NULL, NULL), 0);
    assert_near(vif[0], 1.0, 0);
    /* too few complete rows */
    struct err e = {0};
    assert_int_equal(corr_vif(cols, 4, 4, vif, NULL, &e), ERR_DATA);
}

TEST_MAIN_NAMED("corr", load, NULL, cmocka_unit_test(test_hand), cmocka_unit_test(test_fixture),
          cmocka_unit_test(test_vif_collinear))
