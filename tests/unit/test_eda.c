/* Tests for lib/eda: classes, statistics and frequencies by class, the SMD
 * order. Hand-computed cases. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_main.h"

#include "study/eda.h"

static const char *const names[3] = {"neg", "pos", "all"};

#define assert_near(got, want) assert_true(fabs((double)(got) - (double)(want)) <= 1e-12 * (1 + fabs((double)(want))))

/* A table with a string column "id" and "y" from parallel arrays. */
static struct table *str_table(const char *const *id, const char *const *y, size_t n)
{
    struct err e;
    struct table *t = table_alloc();
    assert_non_null(t);
    assert_int_equal(table_add_column(t, "id", COL_STR, NULL, &e), 0);
    assert_int_equal(table_add_column(t, "y", COL_STR, NULL, &e), 0);
    assert_int_equal(table_set_rows(t, n, &e), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(table_set_str(t, 0, i, id[i], &e), 0);
        assert_int_equal(table_set_str(t, 1, i, y ? y[i] : NULL, &e), 0);
    }
    return t;
}

TEST(test_classes)
{
    const char *id[] = {"1", "2", "3", "4"}, *y[] = {"yes", "no", NULL, "maybe"};
    struct table *cu = str_table(id, y, 4);
    int cls[4];
    eda_classes(cu, 1, "yes", "no", cls);
    assert_int_equal(cls[0], EDA_POS);
    assert_int_equal(cls[1], EDA_NEG);
    assert_int_equal(cls[2], -1);
    assert_int_equal(cls[3], -1);

    /* A long table: ids repeat, one is not a customer, one is missing. */
    const char *lid[] = {"2", "1", "2", "9", NULL};
    struct table *lt = str_table(lid, NULL, 5);
    int lc[5];
    struct err e;
    assert_int_equal(eda_classes_by_id(lt, 0, cu, 0, cls, lc, &e), 0);
    assert_int_equal(lc[0], EDA_NEG);
    assert_int_equal(lc[1], EDA_POS);
    assert_int_equal(lc[2], EDA_NEG);
    assert_int_equal(lc[3], -1);
    assert_int_equal(lc[4], -1);
    table_free(lt);
    table_free(cu);
}

TEST(test_select)
{
    const double x[] = {1, 2, NAN, 4, 5};
    const int cls[] = {0, 1, 1, -1, 0};
    double *v;
    size_t m;
    struct err e;
    assert_int_equal(eda_select(x, cls, 5, EDA_POS, &v, &m, &e), 0);
    assert_int_equal(m, 2);
    assert_near(v[0], 2);
    assert_true(isnan(v[1]));
    free(v);
    assert_int_equal(eda_select(x, cls, 5, EDA_ALL, &v, &m, &e), 0);
    assert_int_equal(m, 5);
    free(v);
    assert_int_equal(eda_select(x, cls, 0, EDA_NEG, &v, &m, &e), 0);
    assert_int_equal(m, 0);
    free(v);
}

/* numeric.tsv rows: overall, negative, positive, with describe's numbers. */
TEST(test_numeric)
{
    const double x[] = {1, 2, 3, 4, 100, NAN};
    const int cls[] = {0, 0, 1, 1, 1, 0};
    struct err e;
    struct table *t = eda_numeric_alloc();
    assert_non_null(t);
    assert_int_equal(t->ncols, 15);
    assert_int_equal(eda_numeric_add(t, "tab", "col", "Метка", x, cls, 6, names, &e), 0);
    assert_int_equal(t->nrows, 3);
    assert_string_equal(t->cols[0].str[0], "tab");
    assert_string_equal(t->cols[2].str[0], "Метка");
    assert_string_equal(t->cols[3].str[0], "all");
    assert_string_equal(t->cols[3].str[1], "neg");
    assert_string_equal(t->cols[3].str[2], "pos");
    long cnt = table_find(t, "count"), miss = table_find(t, "missing"), mean = table_find(t, "mean"),
         med = table_find(t, "median"), out = table_find(t, "outliers"), q25 = table_find(t, "q25");
    /* all: 1 2 3 4 100 -> mean 22, median 3, q25 2, q75 4, IQR 2: 100 is the one outlier */
    assert_near(t->cols[cnt].num[0], 5);
    assert_near(t->cols[miss].num[0], 1);
    assert_near(t->cols[mean].num[0], 22);
    assert_near(t->cols[med].num[0], 3);
    assert_near(t->cols[q25].num[0], 2);
    assert_near(t->cols[out].num[0], 1);
    /* neg: 1 2 NaN */
    assert_near(t->cols[cnt].num[1], 2);
    assert_near(t->cols[miss].num[1], 1);
    assert_near(t->cols[mean].num[1], 1.5);
    /* pos: 3 4 100 -> mean 107/3 */
    assert_near(t->cols[mean].num[2], 107.0 / 3);
    assert_near(t->cols[med].num[2], 4);
    table_free(t);
}

TEST(test_freq_order_and_shares)
{
    /* b x3, a x3, c x1 (+ one missing); order given: "z" (never seen), "c" */
    char *x[] = {"b", "a", "b", "c", NULL, "a", "b", "a"};
    const int cls[] = {0, 1, 1, 0, 1, 0, -1, 1};
    const char *order[] = {"z", "c"};
    struct eda_freq *f;
    struct err e;
    assert_int_equal(eda_freq_count(x, cls, 8, order, 2, &f, &e), 0);
    assert_int_equal(f->n, 4);
    /* ordered first, then by count descending, ties by bytes: a before b */
    assert_string_equal(f->levels[0], "z");
    assert_string_equal(f->levels[1], "c");
    assert_string_equal(f->levels[2], "a");
    assert_string_equal(f->levels[3], "b");
    assert_int_equal(f->missing, 1);
    assert_int_equal(f->total[EDA_ALL], 7);
    assert_int_equal(f->total[EDA_NEG], 3); /* b, c, a */
    assert_int_equal(f->total[EDA_POS], 3); /* a, b, a */
    assert_int_equal(f->count[0][EDA_ALL], 0);
    assert_int_equal(f->count[2][EDA_POS], 2);
    assert_int_equal(f->count[3][EDA_ALL], 3);
    assert_int_equal(f->count[3][EDA_NEG], 1);
    assert_near(eda_freq_share(f, 2, EDA_POS), 200.0 / 3);
    assert_near(eda_freq_share(f, 1, EDA_NEG), 100.0 / 3);
    assert_near(eda_freq_share(f, 0, EDA_ALL), 0);

    /* share gaps (pos - neg): z 0, c -33.3, a +33.3, b 0: the first largest wins */
    size_t level;
    double gap;
    assert_int_equal(eda_freq_max_gap(f, &level, &gap, &e), 0);
    assert_int_equal(level, 1);
    assert_near(gap, -100.0 / 3);

    struct table *t = eda_categorical_alloc();
    assert_int_equal(eda_categorical_add(t, "tab", "col", "L", f, names, 1, &e), 0);
    assert_int_equal(t->nrows, 12);
    assert_string_equal(t->cols[3].str[4], "neg");
    assert_string_equal(t->cols[4].str[6], "a");
    assert_near(t->cols[5].num[6], 1);        /* a in neg */
    assert_near(t->cols[6].num[6], 100.0 / 3); /* percent of neg */
    assert_int_equal(eda_categorical_add(t, "tab", "target", "L", f, names, 0, &e), 0);
    assert_int_equal(t->nrows, 16);
    table_free(t);
    eda_freq_free(f);
}

TEST(test_freq_empty_class)
{
    char *x[] = {"a", "b"};
    const int cls[] = {0, 0};
    struct eda_freq *f;
    struct err e;
    assert_int_equal(eda_freq_count(x, cls, 2, NULL, 0, &f, &e), 0);
    assert_true(isnan(eda_freq_share(f, 0, EDA_POS)));
    size_t level;
    double gap;
    assert_int_equal(eda_freq_max_gap(f, &level, &gap, &e), ERR_DATA);
    eda_freq_free(f);
    /* nothing at all */
    assert_int_equal(eda_freq_count(NULL, NULL, 0, NULL, 0, &f, &e), 0);
    assert_int_equal(f->n, 0);
    eda_freq_free(f);
}

TEST(test_smd_order)
{
    const double smd[] = {0.1, -1.2, NAN, 0.5, 1.2, -0.05};
    size_t order[6];
    struct err e;
    assert_int_equal(eda_smd_order(smd, 6, order, &e), 0);
    /* |-1.2| = |1.2|: the earlier index first; NaN last */
    const size_t want[] = {1, 4, 3, 0, 5, 2};
    for (int i = 0; i < 6; i++)
        assert_int_equal(order[i], want[i]);
}

/* a: neg 1 2 3, pos 3 4 5: means 2, 4, pooled sd 1 -> +2.
 * b: neg 10 20 30, pos 10 10 10: pooled var (2 * 100 + 0) / 4 = 50 -> -10 / sqrt(50) = -sqrt(2).
 * c: constant -> NaN, ranked last; the string column is skipped. */
TEST(test_smd_rank)
{
    struct err e;
    struct table *t = table_alloc(), *r;
    const double a[] = {1, 2, 3, 3, 4, 5, NAN}, b[] = {30, 10, 20, 10, 10, 10, 99}, c[] = {1, 1, 1, 1, 1, 1, 1};
    const int cls[] = {0, 0, 0, 1, 1, 1, -1};
    const double *cols[] = {c, b, a};
    const char *names[] = {"c", "b", "a"};
    assert_int_equal(table_add_column(t, "s", COL_STR, NULL, &e), 0);
    for (int j = 0; j < 3; j++)
        assert_int_equal(table_add_column(t, names[j], COL_NUM, NULL, &e), 0);
    assert_int_equal(table_set_rows(t, 7, &e), 0);
    for (int j = 0; j < 3; j++)
        memcpy(t->cols[1 + j].num, cols[j], sizeof a);
    assert_int_equal(eda_smd_rank(t, cls, &r, &e), 0);
    assert_int_equal(r->nrows, 3);
    assert_string_equal(r->cols[0].str[0], "a");
    assert_string_equal(r->cols[0].str[1], "b");
    assert_string_equal(r->cols[0].str[2], "c");
    assert_near(r->cols[2].num[0], 2);
    assert_near(r->cols[3].num[0], 4);
    assert_near(r->cols[4].num[0], 2);
    assert_near(r->cols[2].num[1], 20);
    assert_near(r->cols[4].num[1], -sqrt(2.0));
    assert_true(isnan(r->cols[4].num[2]));
    table_free(r);
    table_free(t);
}

TEST_MAIN_NAMED("eda", NULL, NULL, cmocka_unit_test(test_classes), cmocka_unit_test(test_select),
          cmocka_unit_test(test_numeric), cmocka_unit_test(test_freq_order_and_shares),
          cmocka_unit_test(test_freq_empty_class), cmocka_unit_test(test_smd_order), cmocka_unit_test(test_smd_rank))
