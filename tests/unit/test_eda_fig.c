/* Tests for lib/eda_fig: names, titles, gnuplot variable files, and the
 * numbers behind the figures against numpy.histogram and matplotlib's
 * boxplot_stats (tests/oracle/eda.py). */
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

#include "study/eda.h"
#include "out/eda_fig.h"
#include "out/figure.h"
#include "out/text.h"

#define FIX "tests/oracle/fixtures/"

#define assert_rel(got, want) assert_true(fabs((double)(got) - (double)(want)) <= 1e-12 * (1 + fabs((double)(want))))

TEST(test_slug)
{
    char s[64];
    eda_fig_slug("Маркет_актив_6_мес", s, sizeof s);
    assert_string_equal(s, "market_aktiv_6_mes");
    eda_fig_slug("Выручка_текущий_месяц", s, sizeof s);
    assert_string_equal(s, "vyruchka_tekushchiy_mesyats");
    eda_fig_slug("Покупательская активность", s, sizeof s);
    assert_string_equal(s, "pokupatelskaya_aktivnost");
    eda_fig_slug("  Ёлка -- ЪЕЗД, Щука!  ", s, sizeof s);
    assert_string_equal(s, "elka_ezd_shchuka");
    eda_fig_slug("ROC AUC (test)", s, sizeof s);
    assert_string_equal(s, "roc_auc_test");
    eda_fig_slug("№ ∑", s, sizeof s);
    assert_string_equal(s, "x");
    eda_fig_slug("", s, sizeof s);
    assert_string_equal(s, "x");
    /* truncation never splits a transliteration: "shch" does not fit in 4 bytes + NUL after "a_" */
    eda_fig_slug("а щ", s, 6);
    assert_string_equal(s, "a");
    eda_fig_slug("abcdef", s, 4);
    assert_string_equal(s, "abc");
}

TEST(test_name)
{
    struct hashset *taken = hashset_alloc(4);
    char n[64];
    struct err e;
    assert_int_equal(eda_fig_name(taken, "hist", "Длительность", n, sizeof n, &e), 0);
    assert_string_equal(n, "hist_dlitelnost");
    assert_int_equal(eda_fig_name(taken, "hist", "ДЛИТЕЛЬНОСТЬ", n, sizeof n, &e), 0);
    assert_string_equal(n, "hist_dlitelnost_2");
    assert_int_equal(eda_fig_name(taken, "hist", "длительность", n, sizeof n, &e), 0);
    assert_string_equal(n, "hist_dlitelnost_3");
    assert_int_equal(eda_fig_name(taken, "box", "длительность", n, sizeof n, &e), 0);
    assert_string_equal(n, "box_dlitelnost");
    assert_int_equal(hashset_size(taken), 4);
    /* the template ends at the first '_': it cannot contain one */
    assert_int_equal(eda_fig_name(taken, "my_hist", "x", n, sizeof n, &e), ERR_DATA);
    assert_int_equal(eda_fig_name(taken, "", "x", n, sizeof n, &e), ERR_DATA);
    hashset_free(taken);
}

/* text_fill (lib/out/text.h), as the figure titles use it. */
TEST(test_title)
{
    char t[64];
    text_fill("{label}: распределение", "label", "Выручка, руб.", t, sizeof t);
    assert_string_equal(t, "Выручка, руб.: распределение");
    text_fill("{label} и {label}", "label", "A", t, sizeof t);
    assert_string_equal(t, "A и A");
    text_fill("без метки {lab}", "label", "A", t, sizeof t);
    assert_string_equal(t, "без метки {lab}");
    /* cut short between the bytes of "ж" (2 bytes): the half letter goes */
    text_fill("ажж", "label", "", t, 5);
    assert_string_equal(t, "аж");
    text_fill("ажж", "label", "", t, 4);
    assert_string_equal(t, "а");
    text_fill("{label}", "label", "жжж", t, 4);
    assert_string_equal(t, "ж");
    text_fill("Клиент {id}: {n} признаков", "id", "215538", t, sizeof t);
    assert_string_equal(t, "Клиент 215538: {n} признаков");
    char num[32];
    assert_string_equal(text_number(num, sizeof num, "%.3f", 0.5347), "0,535");
    assert_string_equal(text_number(num, sizeof num, "%.1f", -12.25), "-12,2");
}

static const char *slurp(const char *path)
{
    const char *s = file_text(path);
    assert_non_null(s);
    return s;
}

TEST(test_vars_write)
{
    struct kv *v = kv_alloc();
    struct err e;
    char path[] = "/tmp/test_eda_fig_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(kv_set_str(v, "title", "Доля \"по акции\", %", &e), 0);
    assert_int_equal(kv_set_str(v, "tic0", "C:\\dir", &e), 0);
    assert_int_equal(kv_set_long(v, "ntics", 2, &e), 0);
    assert_int_equal(figure_vars_write(v, path, &e), 0);
    const char *got = slurp(path);
    const char *want = "# gnuplot variables for one figure, written by a study stage\n"
                       "title = \"Доля \\\"по акции\\\", %\"\n"
                       "tic0 = \"C:\\\\dir\"\n"
                       "ntics = \"2\"\n";
    assert_string_equal(got, want);
    remove(path);
    kv_free(v);
}

/* ---- the oracle's values: "case cls x" ---- */
struct fixcase {
    char name[16];
    double *x;
    int *cls;
    size_t n;
};
static struct fixcase cases[8];
static size_t ncases;

static struct fixcase *find_case(const char *name)
{
    for (size_t k = 0; k < ncases; k++)
        if (strcmp(cases[k].name, name) == 0)
            return &cases[k];
    fail_msg("no case %s", name);
    return NULL;
}

static int load(void **state)
{
    (void)state;
    FILE *f = fopen(FIX "eda_values.tsv", "r");
    if (!f)
        return -1;
    char line[256];
    if (!fgets(line, sizeof line, f))
        return -1;
    while (fgets(line, sizeof line, f)) {
        char name[16], xs[64] = "";
        int c;
        if (sscanf(line, "%15[^\t]\t%d\t%63[^\n]", name, &c, xs) < 2)
            return -1;
        struct fixcase *fc = NULL;
        for (size_t k = 0; k < ncases && !fc; k++)
            if (strcmp(cases[k].name, name) == 0)
                fc = &cases[k];
        if (!fc) {
            fc = &cases[ncases++];
            strcpy(fc->name, name);
        }
        fc->x = realloc(fc->x, (fc->n + 1) * sizeof *fc->x);
        fc->cls = realloc(fc->cls, (fc->n + 1) * sizeof *fc->cls);
        fc->x[fc->n] = xs[0] ? strtod(xs, NULL) : NAN;
        fc->cls[fc->n++] = c;
    }
    fclose(f);
    return ncases ? 0 : -1;
}

static int unload(void **state)
{
    (void)state;
    for (size_t k = 0; k < ncases; k++) {
        free(cases[k].x);
        free(cases[k].cls);
    }
    return 0;
}

TEST(test_hist_numpy)
{
    FILE *f = fopen(FIX "eda_hist.tsv", "r");
    assert_non_null(f);
    char line[512], name[16], prev[32] = "";
    size_t bins, bin, rows = 0;
    double lo, hi, c0, c1;
    struct table *t = NULL;
    struct err e;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(sscanf(line, "%15s %zu %zu %lf %lf %lf %lf", name, &bins, &bin, &lo, &hi, &c0, &c1), 7);
        char key[32];
        snprintf(key, sizeof key, "%s/%zu", name, bins);
        if (strcmp(key, prev) != 0) {
            struct fixcase *fc = find_case(name);
            table_free(t);
            assert_int_equal(eda_fig_hist(fc->x, fc->cls, fc->n, bins, &t, &e), 0);
            assert_int_equal(t->nrows, bins);
            strcpy(prev, key);
        }
        /* the edges to the bit, the counts exactly */
        if (t->cols[2].num[bin] != lo || t->cols[3].num[bin] != hi || t->cols[4].num[bin] != c0 ||
            t->cols[5].num[bin] != c1)
            fail_msg("%s bin %zu: got [%.17g, %.17g] %g %g, want [%.17g, %.17g] %g %g", key, bin,
                     t->cols[2].num[bin], t->cols[3].num[bin], t->cols[4].num[bin], t->cols[5].num[bin], lo, hi,
                     c0, c1);
        rows++;
    }
    fclose(f);
    table_free(t);
    assert_int_equal(rows, 93);
}

TEST(test_hist_shares)
{
    /* 0 1 2 3 4 in 2 bins [0, 2) [2, 4]: neg {0, 2, 4}, pos {1, 3}; NaN and class -1 left out */
    const double x[] = {0, 1, 2, 3, 4, NAN, 100};
    const int cls[] = {0, 1, 0, 1, 0, 1, -1};
    struct table *t;
    struct err e;
    assert_int_equal(eda_fig_hist(x, cls, 7, 2, &t, &e), 0);
    assert_rel(t->cols[0].num[0], 1);   /* centre */
    assert_rel(t->cols[1].num[1], 2);   /* width */
    assert_rel(t->cols[6].num[0], 100.0 / 3);
    assert_rel(t->cols[6].num[1], 200.0 / 3);
    assert_rel(t->cols[7].num[0], 50);
    assert_rel(t->cols[7].num[1], 50);
    table_free(t);
    assert_int_equal(eda_fig_hist(x, cls, 7, 0, &t, &e), ERR_DATA);
    const int none[] = {-1, -1, -1, -1, -1, -1, -1};
    assert_int_equal(eda_fig_hist(x, none, 7, 3, &t, &e), ERR_DATA);
}

TEST(test_discrete_and_bars)
{
    const double x[] = {3, 1, 3, NAN, 2, 3, 1};
    const int cls[] = {0, 0, 1, 1, 1, 0, -1};
    assert_true(eda_fig_is_discrete(x, 7, 3));
    assert_false(eda_fig_is_discrete(x, 7, 2));
    const double y[] = {1, 1.5};
    assert_false(eda_fig_is_discrete(y, 2, 10));
    const double z[] = {NAN};
    assert_false(eda_fig_is_discrete(z, 1, 10));

    struct table *t;
    struct err e;
    assert_int_equal(eda_fig_bars(x, cls, 7, &t, &e), 0);
    /* values with a class: 1 (neg), 2 (pos), 3 (neg, pos, neg) */
    assert_int_equal(t->nrows, 3);
    assert_rel(t->cols[0].num[0], 1);
    assert_rel(t->cols[0].num[2], 3);
    assert_rel(t->cols[1].num[2], 2); /* count0 of 3 */
    assert_rel(t->cols[2].num[1], 1); /* count1 of 2 */
    assert_rel(t->cols[3].num[0], 100.0 / 3);
    assert_rel(t->cols[4].num[2], 50);
    table_free(t);
}

TEST(test_box_matplotlib)
{
    FILE *f = fopen(FIX "eda_box.tsv", "r");
    assert_non_null(f);
    char line[2048], name[16], fl[1024];
    double q1, med, q3, wlo, whi;
    size_t rows = 0;
    struct err e;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        fl[0] = '\0';
        assert_true(sscanf(line, "%15[^\t]\t%lf\t%lf\t%lf\t%lf\t%lf\t%1023[^\n]", name, &q1, &med, &q3, &wlo, &whi,
                           fl) >= 6);
        struct fixcase *fc = find_case(name);
        struct eda_box b;
        assert_int_equal(eda_box_compute(fc->x, fc->n, &b, &e), 0);
        assert_rel(b.q25, q1);
        assert_rel(b.median, med);
        assert_rel(b.q75, q3);
        assert_true(b.lo == wlo && b.hi == whi);
        size_t k = 0;
        for (char *s = fl; *s; k++) {
            char *end;
            double v = strtod(s, &end);
            assert_true(k < b.n_out);
            assert_true(b.out[k] == v);
            s = *end == ',' ? end + 1 : end;
        }
        assert_int_equal(k, b.n_out);
        eda_box_free(&b);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 5);
}

TEST(test_box_table)
{
    /* 1 2 3 4 100: quartiles 2 3 4, whiskers 1 and 4, 100 beyond */
    const double v[] = {1, 2, 3, 4, 100, NAN};
    struct table *t = eda_fig_box_alloc();
    struct err e;
    assert_int_equal(eda_fig_box_add(t, 0.8, 1, v, 6, &e), 0);
    assert_int_equal(eda_fig_box_add(t, 2, 0, v, 0, &e), 0); /* an empty group: a row of NaN */
    assert_int_equal(t->nrows, 3);
    assert_string_equal(t->cols[7].name, "point"); /* box.gp reads column 8 by number */
    const double row0[] = {0.8, 1, 1, 2, 3, 4, 4};
    for (int j = 0; j < 7; j++)
        assert_rel(t->cols[j].num[0], row0[j]);
    assert_true(isnan(t->cols[7].num[0]));
    assert_rel(t->cols[0].num[1], 0.8);
    assert_rel(t->cols[7].num[1], 100);
    assert_true(isnan(t->cols[3].num[1]));
    assert_true(isnan(t->cols[3].num[2]));
    table_free(t);
}

TEST(test_box_classes)
{
    const double x[] = {1, 2, 3, 10, 20, 30, 5};
    const int cls[] = {0, 0, 0, 1, 1, 1, -1};
    struct table *t = eda_fig_box_alloc();
    struct err e;
    assert_int_equal(eda_fig_box_classes(t, 2, 0.2, x, cls, 7, &e), 0);
    assert_int_equal(t->nrows, 2);
    assert_rel(t->cols[0].num[0], 1.8);
    assert_rel(t->cols[1].num[0], 0);
    assert_rel(t->cols[4].num[0], 2);  /* median of the negative class */
    assert_rel(t->cols[0].num[1], 2.2);
    assert_rel(t->cols[1].num[1], 1);
    assert_rel(t->cols[4].num[1], 20);
    assert_rel(t->cols[6].num[1], 30); /* upper whisker */
    table_free(t);
}

TEST(test_fig_freq)
{
    char *x[] = {"b", "a", "b", "b"};
    const int cls[] = {0, 1, 1, -1};
    struct eda_freq *f;
    struct table *t;
    struct err e;
    assert_int_equal(eda_freq_count(x, cls, 4, NULL, 0, &f, &e), 0);
    assert_int_equal(eda_fig_freq(f, &t, &e), 0);
    assert_int_equal(t->nrows, 2); /* b (3), a (1) */
    assert_rel(t->cols[0].num[1], 1);
    assert_rel(t->cols[3].num[0], 3);
    assert_rel(t->cols[4].num[0], 100);
    assert_rel(t->cols[5].num[0], 50);
    assert_rel(t->cols[6].num[0], 75);
    table_free(t);
    eda_freq_free(f);
}

TEST_MAIN_NAMED("eda_fig", load, unload, cmocka_unit_test(test_slug), cmocka_unit_test(test_name),
          cmocka_unit_test(test_title), cmocka_unit_test(test_vars_write), cmocka_unit_test(test_hist_numpy),
          cmocka_unit_test(test_hist_shares), cmocka_unit_test(test_discrete_and_bars),
          cmocka_unit_test(test_box_matplotlib), cmocka_unit_test(test_box_table), cmocka_unit_test(test_box_classes),
          cmocka_unit_test(test_fig_freq))
