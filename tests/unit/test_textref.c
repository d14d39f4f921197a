/* textref: references to the reader's text, made by the stages and resolved
 * against a small text file, hand-checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/params.h"
#include "io/table.h"
#include "out/textref.h"
#include "study/segment.h"

static const char *const text_yaml = "labels:\n"
                                     "  columns:\n"
                                     "    Страниц_за_визит: Страниц за визит\n"
                                     "    a.b: label of a dotted name\n"
                                     "  titles:\n"
                                     "    hist: \"{label}: распределение\"\n"
                                     "explain:\n"
                                     "  waterfall: \"Клиент {id}: {n} признаков\"\n"
                                     "segment:\n"
                                     "  offers:\n"
                                     "    pages:\n"
                                     "      offer: \"Подборка в категории «{cat}»\"\n";

static int setup(void **state)
{
    char path[] = "/tmp/test_textref_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text_yaml, fp);
    fclose(fp);
    struct params *t = NULL;
    struct err e = {0};
    int rc = params_load(path, &t, &e);
    unlink(path);
    assert_int_equal(rc, 0);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    params_free(*state);
    return 0;
}

/* in resolved against the text, compared with want. */
static void check(const struct params *t, const char *in, const char *want)
{
    char *out = NULL;
    struct err e = {0};
    assert_int_equal(textref_resolve(t, in, "x.gpv:1", &out, &e), 0);
    assert_string_equal(out, want);
    free(out);
}

static void test_plain_and_keys(void **state)
{
    const struct params *t = *state;
    struct err e = {0};
    char ref[TEXTREF_MAX];
    check(t, "", "");
    check(t, "no references here: {label} stays", "no references here: {label} stays");
    assert_int_equal(textref_key(ref, sizeof ref, "labels.columns", "Страниц_за_визит", &e), 0);
    assert_string_equal(ref, "${labels.columns.Страниц_за_визит}");
    check(t, ref, "Страниц за визит");
    /* Two references and the text around them. */
    char two[2 * TEXTREF_MAX + 8];
    snprintf(two, sizeof two, "%s = 5; %s", ref, ref);
    check(t, two, "Страниц за визит = 5; Страниц за визит");
    /* A key holding the path separator is encoded, and found. */
    assert_int_equal(textref_key(ref, sizeof ref, "labels.columns", "a.b", &e), 0);
    assert_string_equal(ref, "${labels.columns.a%2Eb}");
    check(t, ref, "label of a dotted name");
}

static void test_alternatives_and_default(void **state)
{
    const struct params *t = *state;
    struct err e = {0};
    char ref[TEXTREF_MAX];
    /* corr's ticks: the short label, else the column's label, else the name. */
    assert_int_equal(textref_key(ref, sizeof ref, "corr.ticks", "Страниц_за_визит", &e), 0);
    assert_int_equal(textref_or(ref, sizeof ref, "labels.columns", "Страниц_за_визит", &e), 0);
    assert_int_equal(textref_arg_text(ref, sizeof ref, "", "Страниц_за_визит", &e), 0);
    check(t, ref, "Страниц за визит");
    assert_int_equal(textref_column(ref, sizeof ref, "no_label", "no_label", &e), 0);
    assert_string_equal(ref, "${labels.columns.no_label|=no_label}");
    check(t, ref, "no_label");
}

static void test_arguments(void **state)
{
    const struct params *t = *state;
    struct err e = {0};
    char title[TEXTREF_MAX], label[TEXTREF_MAX];
    /* A title over a label: a reference as an argument, resolved inside. */
    assert_int_equal(textref_key(title, sizeof title, "labels.titles", "hist", &e), 0);
    assert_int_equal(textref_column(label, sizeof label, "Страниц_за_визит", "Страниц_за_визит", &e), 0);
    assert_int_equal(textref_arg(title, sizeof title, "label", label, &e), 0);
    check(t, title, "Страниц за визит: распределение");
    /* Data as an argument: every character that means something is encoded. */
    assert_int_equal(textref_key(title, sizeof title, "explain.waterfall", NULL, &e), 0);
    assert_int_equal(textref_arg_text(title, sizeof title, "id", "a|b}c%d${e}", &e), 0);
    assert_int_equal(textref_arg_text(title, sizeof title, "n", "12", &e), 0);
    assert_non_null(strstr(title, "|id=a%7Cb%7Dc%25d%24%7Be%7D|n=12}"));
    check(t, title, "Клиент a|b}c%d${e}: 12 признаков");
}

static void test_errors(void **state)
{
    const struct params *t = *state;
    struct err e = {0};
    char *out = NULL;
    assert_int_equal(textref_resolve(t, "x ${labels.titles.nope} y", "fig.gpv:3", &out, &e), ERR_PARAMS);
    assert_null(out);
    assert_non_null(strstr(e.msg, "fig.gpv:3: "));
    assert_non_null(strstr(e.msg, "expected a text at labels.titles.nope, found none"));
    /* A map is not a text. */
    assert_int_equal(textref_resolve(t, "${labels.titles}", "fig.gpv:4", &out, &e), ERR_PARAMS);
    assert_int_equal(textref_resolve(t, "${labels.titles.hist", "fig.gpv:5", &out, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "expected '}'"));
    /* Too long to build: an error, never a cut reference. */
    char small[24];
    assert_int_equal(textref_key(small, sizeof small, "labels.columns", "Страниц_за_визит", &e), ERR_DATA);
}

static void test_pool(void **state)
{
    const struct params *t = *state;
    struct textrefs pool = {0};
    struct err e = {0};
    const char *a = textrefs_column(&pool, "Страниц_за_визит", "x", &e);
    const char *b = textrefs_key(&pool, "labels.titles", "hist", &e);
    for (int k = 0; k < 100; k++) /* the pool grows; earlier references stay valid */
        assert_non_null(textrefs_keep(&pool, "x", &e));
    check(t, a, "Страниц за визит");
    assert_string_equal(b, "${labels.titles.hist}");
    textrefs_free(&pool);
    assert_int_equal(pool.n, 0);
}

static void test_offer(void **state)
{
    const struct params *t = *state;
    struct table *tab = table_alloc();
    /* The column "kat" has the key "cat" (schema.columns); "n" has none. */
    const char *keys[] = {"cat"}, *cols[] = {"kat"};
    struct schema sch = {.keys = keys, .columns = cols, .n_columns = 1};
    struct err e = {0};
    size_t c, k;
    assert_int_equal(table_add_column(tab, "kat", COL_STR, &c, &e), 0);
    assert_int_equal(table_add_column(tab, "n", COL_NUM, &k, &e), 0);
    assert_int_equal(table_set_rows(tab, 2, &e), 0);
    assert_int_equal(table_set_str(tab, c, 0, "Toys", &e), 0);
    char *s = NULL;
    /* The customer's categories become the offer's arguments; numbers do not. */
    assert_int_equal(segment_offer_text("${segment.offers.pages.offer}", &sch, tab, 0, &s, &e), 0);
    assert_string_equal(s, "${segment.offers.pages.offer|cat=Toys}");
    check(t, s, "Подборка в категории «Toys»");
    free(s);
    /* A missing category: empty. */
    assert_int_equal(segment_offer_text("${segment.offers.pages.offer}", &sch, tab, 1, &s, &e), 0);
    check(t, s, "Подборка в категории «»");
    free(s);
    table_free(tab);
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_plain_and_keys), cmocka_unit_test(test_alternatives_and_default),
          cmocka_unit_test(test_arguments), cmocka_unit_test(test_errors), cmocka_unit_test(test_pool),
          cmocka_unit_test(test_offer))
