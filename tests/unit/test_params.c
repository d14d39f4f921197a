/* Tests for lib/params and lib/schema: typed getters, ranges, unknown and
 * missing keys, duplicate keys, and that every error names file:line:col. */
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

#include "fixture.h"
#include "io/params.h"
#include "io/schema.h"

static char path[] = "/tmp/test_params.XXXXXX";

static struct params *load_text(const char *text, struct err *e, int *rc)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct params *p = NULL;
    *rc = params_load(path, &p, e);
    unlink(path);
    strcpy(path, "/tmp/test_params.XXXXXX");
    return p;
}

TEST(test_typed_getters)
{
    struct err e = {0};
    int rc;
    struct params *p = load_text("seed: 42\n"
                                 "clean:\n"
                                 "  outlier: {max_revenue: 100000.5}\n"
                                 "  flag: true\n"
                                 "  name: \"12\"\n"
                                 "  list: [a, b, 'c d']\n"
                                 "  how: left\n",
                                 &e, &rc);
    assert_int_equal(rc, 0);
    long seed;
    double x;
    int b, how;
    const char *s;
    assert_int_equal(params_long(p, "seed", 0, 100, &seed, &e), 0);
    assert_int_equal(seed, 42);
    assert_int_equal(params_double(p, "clean.outlier.max_revenue", 0, 1e9, &x, &e), 0);
    assert_true(x == 100000.5);
    assert_int_equal(params_bool(p, "clean.flag", &b, &e), 0);
    assert_int_equal(b, 1);
    assert_int_equal(params_string(p, "clean.name", &s, &e), 0);
    assert_string_equal(s, "12");
    static const char *const hows[] = {"inner", "left", NULL};
    assert_int_equal(params_enum(p, "clean.how", hows, &how, &e), 0);
    assert_int_equal(how, 1);
    const char **v;
    size_t n;
    assert_int_equal(params_strings(p, "clean.list", &v, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[2], "c d");
    free(v);
    /* A quoted number is text, never a number. */
    assert_int_equal(params_double(p, "clean.name", 0, 100, &x, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":5:3: clean.name: expected a number, found \"12\""));
    params_free(p);
}

TEST(test_errors_name_line_and_key)
{
    struct err e = {0};
    int rc;
    struct params *p = load_text("seed: 42\nclean:\n  missing: drop\n  max: 7\n  t: maybe\n", &e, &rc);
    assert_int_equal(rc, 0);
    long l;
    double x;
    int b;
    assert_int_equal(params_long(p, "seed", 0, 10, &l, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":1:1: seed: expected an integer in [0, 10], found 42"));
    assert_int_equal(params_double(p, "clean.max", 8, 9, &x, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":4:3: clean.max: expected a number in [8, 9], found 7"));
    assert_int_equal(params_bool(p, "clean.t", &b, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":5:3: clean.t: expected true or false, found \"maybe\""));
    assert_int_equal(params_double(p, "clean.absent", 0, 1, &x, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":2:1: missing key clean.absent"));
    assert_int_equal(params_double(p, "nosection.key", 0, 1, &x, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ": missing key nosection.key"));
    static const char *const allowed[] = {"missing", "max", NULL};
    assert_int_equal(params_check_keys(p, "clean", allowed, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":5:3: unknown key clean.t: expected one of missing, max"));
    params_free(p);
}

TEST(test_bad_files)
{
    struct err e = {0};
    int rc;
    struct params *p = load_text("a: 1\na: 2\n", &e, &rc);
    assert_int_equal(rc, ERR_PARAMS);
    assert_null(p);
    assert_non_null(strstr(e.msg, ":2:1: expected each key once, found \"a\" again (first at line 1)"));
    p = load_text("a: [1, 2\n", &e, &rc);
    assert_int_equal(rc, ERR_PARAMS);
    assert_non_null(strstr(e.msg, "expected valid YAML"));
    p = load_text("", &e, &rc);
    assert_int_equal(rc, ERR_PARAMS);
    assert_non_null(strstr(e.msg, "expected a mapping of sections, found an empty file"));
    p = load_text("- a\n- b\n", &e, &rc);
    assert_int_equal(rc, ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":1:1: expected a mapping of sections at the top level"));
    assert_int_equal(params_load("/nonexistent/params.yaml", &p, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, "/nonexistent/params.yaml: cannot open"));
    /* Deep nesting is refused, not a stack overflow. */
    char deep[400];
    memset(deep, '[', 300);
    strcpy(deep + 300, "\n");
    p = load_text(deep, &e, &rc);
    assert_int_not_equal(rc, 0);
    assert_null(p);
}

TEST(test_schema_of_the_project)
{
    struct err e = {0};
    struct params *p = NULL;
    assert_int_equal(params_load(study_params(), &p, &e), 0);
    struct schema s;
    assert_int_equal(schema_read(p, &s, &e), 0);
    assert_string_equal(s.files[FILE_PROFIT].name, "money.csv");
    assert_int_equal(s.files[FILE_PROFIT].sep, ';');
    assert_int_equal(s.files[FILE_PROFIT].decimal, ',');
    assert_string_equal(s.positive, "Снизилась");
    assert_int_equal(s.n_numeric, 8);
    assert_int_equal(s.n_nominal, 1);
    assert_int_equal(s.n_ordinal, 2);
    assert_string_equal(s.ordinal[0].levels[1], "премиум");
    assert_int_equal(s.periods[0].n, 3);
    assert_string_equal(s.periods[1].labels[0], "предыдущий_месяц");
    assert_string_equal(s.periods[1].wide[1], "Минуты_текущий_месяц");
    /* Roles name columns by key; the struct holds the export's names. */
    assert_string_equal(s.target, "Покупательская активность");
    assert_string_equal(s.ordinal[1].column, "Разрешить сообщать");
    assert_string_equal(s.periods[0].period, "Период");
    assert_string_equal(schema_column(&s, "promo_share"), "Акционные_покупки");
    assert_null(schema_column(&s, "Акционные_покупки"));
    assert_string_equal(schema_key(&s, "Страниц_за_визит"), "pages_per_visit");
    assert_string_equal(schema_key(&s, "Выручка_текущий_месяц"), "Выручка_текущий_месяц");
    schema_free(&s);
    params_free(p);
}

/* A project's params with one line replaced: the schema's column errors. */
static void schema_error_with(const char *from, const char *to, const char *want)
{
    struct err e = {0};
    struct params *p = NULL;
    char path[] = "/tmp/test_params_schema_XXXXXX";
    assert_int_equal(params_load(study_params(), &p, &e), 0);
    params_free(p);
    FILE *in = fopen(study_params(), "r");
    int fd = mkstemp(path);
    assert_true(in && fd >= 0);
    FILE *out = fdopen(fd, "w");
    char line[4096];
    int replaced = 0;
    while (fgets(line, sizeof line, in)) {
        int hit = !replaced && strcmp(line, from) == 0;
        fputs(hit ? to : line, out);
        replaced += hit;
    }
    fclose(in);
    fclose(out);
    assert_int_equal(replaced, 1);
    assert_int_equal(params_load(path, &p, &e), 0);
    unlink(path);
    struct schema s;
    assert_int_equal(schema_read(p, &s, &e), ERR_PARAMS);
    if (!strstr(e.msg, want))
        fail_msg("expected \"%s\" in \"%s\"", want, e.msg);
    params_free(p);
}

TEST(test_schema_column_errors)
{
    /* A role naming a column by its export name instead of its key. */
    schema_error_with("  nominal: [category]\n", "  nominal: [Популярная_категория]\n",
                      ": schema.nominal: expected a column key of schema.columns, found \"Популярная_категория\"");
    /* The same export column under two keys. */
    schema_error_with("    tenure: Длительность\n", "    tenure: Ошибка_сервиса\n",
                      ": schema.columns: expected each column once, found \"Ошибка_сервиса\" under tenure and site_errors");
    schema_error_with("    column: activity\n", "    column: target\n",
                      ": schema.target.column: expected a column key of schema.columns, found \"target\"");
}

TEST(test_schema_errors)
{
    struct err e = {0};
    int rc;
    struct params *p = load_text("schema:\n  files:\n    customers: {name: a.csv, sep: \"|\", decimal: .}\n", &e, &rc);
    assert_int_equal(rc, 0);
    struct schema s;
    assert_int_equal(schema_read(p, &s, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":3:30: schema.files.customers.sep: expected one of ,, ;, tab, found \"|\""));
    params_free(p);
    p = load_text("schema:\n  files: {}\n", &e, &rc);
    assert_int_equal(schema_read(p, &s, &e), ERR_PARAMS);
    assert_non_null(strstr(e.msg, ":2:3: missing key schema.files.customers"));
    params_free(p);
}

TEST_MAIN_NAMED("params", NULL, NULL, cmocka_unit_test(test_typed_getters),
          cmocka_unit_test(test_errors_name_line_and_key), cmocka_unit_test(test_bad_files),
          cmocka_unit_test(test_schema_of_the_project), cmocka_unit_test(test_schema_errors),
          cmocka_unit_test(test_schema_column_errors))
