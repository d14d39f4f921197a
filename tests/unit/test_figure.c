/* figure_write: a figure's data above FIGURE_MAX_ROWS rows is a seeded,
 * stratified sample in the rows' order, and its variables say so; below,
 * nothing changes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_main.h"
#include "out/figure.h"
#include "fixture.h"

static char dir[64];

/* n rows: i = 0..n-1 and seg = 0 for the first half, 1 for the next 30 %, 2
 * for the rest, interleaved (row i's seg by i mod 10). */
static struct table *rows(size_t n)
{
    struct table *t = table_alloc();
    size_t ci, cs;
    struct err e = {0};
    assert_int_equal(table_add_column(t, "i", COL_NUM, &ci, &e), 0);
    assert_int_equal(table_add_column(t, "seg", COL_NUM, &cs, &e), 0);
    assert_int_equal(table_set_rows(t, n, &e), 0);
    for (size_t r = 0; r < n; r++) {
        t->cols[ci].num[r] = (double)r;
        t->cols[cs].num[r] = r % 10 < 5 ? 0 : r % 10 < 8 ? 1 : 2;
    }
    return t;
}

static struct tsv *written(const char *name, size_t n, const char *strata, const char **note)
{
    struct table *t = rows(n);
    struct kv *v = kv_alloc();
    struct err e = {0};
    assert_int_equal(kv_set_str(v, "title", "t", &e), 0);
    assert_int_equal(figure_write(dir, name, t, strata, v, &e), 0);
    static char buf[512];
    const char *s = kv_get(v, "sample_note");
    *note = s ? strcpy(buf, s) : NULL;
    table_free(t);
    kv_free(v);
    char path[128];
    snprintf(path, sizeof path, "%s/%s.tsv", dir, name);
    return tsv_read(path);
}

TEST(test_small_untouched)
{
    const char *note;
    struct tsv *t = written("small", FIGURE_MAX_ROWS, "seg", &note);
    assert_int_equal(t->nrows, FIGURE_MAX_ROWS);
    assert_null(note);
    tsv_free(t);
}

TEST(test_sampled_stratified)
{
    const char *note;
    struct tsv *t = written("big", 50000, "seg", &note);
    assert_int_equal(t->nrows, FIGURE_MAX_ROWS);
    size_t per[3] = {0};
    double last = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        double i = tsv_num(t, r, "i");
        assert_true(i > last); /* the rows' order */
        last = i;
        per[(size_t)tsv_num(t, r, "seg")]++;
    }
    /* Each segment its exact share: 50 %, 30 %, 20 % of 20 000. */
    assert_int_equal(per[0], 10000);
    assert_int_equal(per[1], 6000);
    assert_int_equal(per[2], 4000);
    assert_string_equal(note, "${report.figure_sample|n=20\u202f000|of=50\u202f000}");
    /* The gpv carries the note; the same name gives the same sample. */
    char gpv[128];
    snprintf(gpv, sizeof gpv, "%s/big.gpv", dir);
    assert_non_null(strstr(file_text(gpv), "sample_note = \"${report.figure_sample"));
    struct tsv *again = written("big", 50000, "seg", &note);
    for (size_t r = 0; r < t->nrows; r++)
        assert_true(tsv_num(t, r, "i") == tsv_num(again, r, "i"));
    tsv_free(again);
    tsv_free(t);
}

TEST(test_sampled_uniform)
{
    const char *note;
    struct tsv *t = written("flat", 30001, NULL, &note);
    assert_int_equal(t->nrows, FIGURE_MAX_ROWS);
    assert_non_null(note);
    /* Without strata the segments keep their shares only roughly. */
    size_t zero = 0;
    for (size_t r = 0; r < t->nrows; r++)
        zero += tsv_num(t, r, "seg") == 0;
    assert_true(zero > 9600 && zero < 10400);
    tsv_free(t);
}

/* A box plot's data: two statistics rows (no point), then 30 000 outliers
 * of values 3 and 5: the statistics always stay, the values keep their
 * shares of the rest. */
TEST(test_box_statistics_kept)
{
    struct table *t = table_alloc();
    size_t cc, cp;
    struct err e = {0};
    assert_int_equal(table_add_column(t, "cls", COL_NUM, &cc, &e), 0);
    assert_int_equal(table_add_column(t, "point", COL_NUM, &cp, &e), 0);
    assert_int_equal(table_set_rows(t, 30002, &e), 0);
    for (size_t r = 0; r < 30002; r++) {
        t->cols[cc].num[r] = r % 2;
        t->cols[cp].num[r] = r < 2 ? NAN : r % 3 ? 3 : 5;
    }
    struct kv *v = kv_alloc();
    assert_int_equal(figure_write(dir, "box_x", t, "point", v, &e), 0);
    assert_int_equal(t->nrows, FIGURE_MAX_ROWS);
    assert_true(isnan(t->cols[cp].num[0]) && isnan(t->cols[cp].num[1]));
    size_t fives = 0;
    for (size_t r = 2; r < t->nrows; r++)
        fives += t->cols[cp].num[r] == 5;
    assert_int_equal(fives, 6666); /* 10 000 of 30 000 outliers are 5: a third of 19 998 */
    table_free(t);
    kv_free(v);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_figure.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_small_untouched), cmocka_unit_test(test_sampled_stratified),
          cmocka_unit_test(test_sampled_uniform), cmocka_unit_test(test_box_statistics_kept))
