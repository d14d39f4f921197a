/* Tests for lib/table, lib/hashset and lib/cleaning: TSV round trip with
 * escapes and missing values, typing on read, filtering, and each cleaning
 * rule on a hand-made table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "study/cleaning.h"
#include "core/hashset.h"
#include "io/table.h"

static struct table *make_table(void)
{
    struct err e = {0};
    struct table *t = table_alloc();
    size_t id, x, s;
    assert_int_equal(table_add_column(t, "id", COL_STR, &id, &e), 0);
    assert_int_equal(table_add_column(t, "x", COL_NUM, &x, &e), 0);
    assert_int_equal(table_add_column(t, "s", COL_STR, &s, &e), 0);
    assert_int_equal(table_set_rows(t, 4, &e), 0);
    const char *ids[] = {"1", "2", "3", "4"}, *ss[] = {"  a b ", "tab\there", NULL, "\xc2\xa0стандартт"};
    const double xs[] = {0.1, NAN, -3e-300, 2};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(table_set_str(t, id, i, ids[i], &e), 0);
        assert_int_equal(table_set_str(t, s, i, ss[i], &e), 0);
        t->cols[x].num[i] = xs[i];
    }
    return t;
}

TEST(test_tsv_roundtrip)
{
    struct err e = {0};
    struct table *t = make_table(), *r = NULL;
    char dir[] = "/tmp/test_table.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.tsv", dir);
    assert_int_equal(table_write_tsv(t, path, &e), 0);
    const char *force[] = {"id", NULL};
    assert_int_equal(table_read_tsv(path, force, &r, &e), 0);
    assert_int_equal(r->nrows, 4);
    assert_int_equal(r->ncols, 3);
    assert_int_equal(r->cols[0].type, COL_STR);
    assert_int_equal(r->cols[1].type, COL_NUM);
    assert_int_equal(r->cols[2].type, COL_STR);
    assert_true(r->cols[1].num[0] == 0.1); /* %.17g reads back exactly */
    assert_true(isnan(r->cols[1].num[1]));
    assert_true(r->cols[1].num[2] == -3e-300);
    assert_string_equal(r->cols[2].str[1], "tab\there");
    assert_null(r->cols[2].str[2]);
    /* Without forcing, an all-numeric id column becomes numeric. */
    table_free(r);
    assert_int_equal(table_read_tsv(path, NULL, &r, &e), 0);
    assert_int_equal(r->cols[0].type, COL_NUM);
    assert_true(r->cols[0].num[3] == 4);
    table_free(r);
    /* The escape is visible in the file. */
    FILE *f = fopen(path, "r");
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "2\t\ttab\\there\n"));
    unlink(path);
    rmdir(dir);
    table_free(t);
}

TEST(test_tsv_errors)
{
    struct err e = {0};
    struct table *r = NULL;
    char dir[] = "/tmp/test_table.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/bad.tsv", dir);
    FILE *f = fopen(path, "w");
    fputs("a\tb\n1\t2\n3\n", f);
    fclose(f);
    assert_int_equal(table_read_tsv(path, NULL, &r, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "bad.tsv:3:1: expected 2 tab-separated fields as in the header, found 1"));
    f = fopen(path, "w");
    fclose(f);
    assert_int_equal(table_read_tsv(path, NULL, &r, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "expected a header row, found an empty file"));
    assert_int_equal(table_read_tsv("/nonexistent.tsv", NULL, &r, &e), ERR_IO);
    /* Header only: the columns, no rows; a NUL byte, a duplicate column. */
    f = fopen(path, "w");
    fputs("a\tb\n", f);
    fclose(f);
    assert_int_equal(table_read_tsv(path, NULL, &r, &e), 0);
    assert_int_equal(r->ncols, 2);
    assert_int_equal(r->nrows, 0);
    table_free(r);
    f = fopen(path, "w");
    fputs("a\tb\n1\t2\n3\t4", f);
    fputc('\0', f);
    fputs("\n", f);
    fclose(f);
    assert_int_equal(table_read_tsv(path, NULL, &r, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "bad.tsv:3:1: expected text, found a NUL byte"));
    f = fopen(path, "w");
    fputs("a\ta\n1\t2\n", f);
    fclose(f);
    assert_int_equal(table_read_tsv(path, NULL, &r, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "bad.tsv: column \"a\" appears twice"));
    /* A pipe cannot be read twice: said, not misread. */
    snprintf(path, sizeof path, "%s/fifo.tsv", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *w = fopen(path, "w");
        if (w) {
            fputs("a\n1\n", w);
            fclose(w);
        }
        _exit(0);
    }
    assert_int_equal(table_read_tsv(path, NULL, &r, &e), ERR_IO);
    assert_non_null(strstr(e.msg, "fifo.tsv: expected a regular file (it is read twice)"));
    waitpid(pid, NULL, 0);
    unlink(path);
    snprintf(path, sizeof path, "%s/bad.tsv", dir);
    struct table *empty = table_alloc();
    assert_int_equal(table_write_tsv(empty, "/nonexistent/dir/x.tsv", &e), ERR_IO);
    table_free(empty);
    unlink(path);
    rmdir(dir);
}

TEST(test_hashset)
{
    struct hashset *h = hashset_alloc(1);
    char key[32];
    size_t v;
    for (size_t i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        assert_int_equal(hashset_insert(h, key, i, NULL), 0);
    }
    assert_int_equal(hashset_insert(h, "k77", 5, &v), 1);
    assert_int_equal(v, 77);
    assert_int_equal(hashset_size(h), 10000);
    assert_string_equal(hashset_key(h, 9999), "k9999");
    assert_int_equal(hashset_find(h, "k10000", NULL), 0);
    assert_int_equal(hashset_find(h, "k0", &v), 1);
    assert_int_equal(v, 0);
    hashset_free(h);
}

TEST(test_cleaning_rules)
{
    struct err e = {0};
    struct table *t = make_table();
    size_t n;
    assert_int_equal(clean_trim(t, &n, &e), 0);
    assert_int_equal(n, 2); /* "  a b " and the leading no-break space */
    assert_string_equal(t->cols[2].str[0], "a b");
    assert_string_equal(t->cols[2].str[3], "стандартт");
    assert_int_equal(clean_replace(t, 2, "стандартт", "стандарт", &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(t->cols[2].str[3], "стандарт");
    assert_int_equal(clean_first_outside(t, 1, 0, 1), 2);
    assert_int_equal(clean_first_outside(t, 1, -1, 2), (size_t)-1);
    struct hashset *drop = hashset_alloc(4);
    assert_int_equal(clean_mark_missing(t, 0, 1, drop, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(clean_mark_missing(t, 0, 2, drop, &n, &e), 0);
    assert_int_equal(n, 1);
    char ids[64];
    clean_list_ids(drop, 10, ids, sizeof ids);
    assert_string_equal(ids, "2, 3");
    assert_int_equal(clean_drop_ids(t, 0, drop, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(t->nrows, 2);
    assert_string_equal(t->cols[0].str[1], "4");
    assert_true(t->cols[1].num[1] == 2);
    hashset_free(drop);
    table_free(t);
}

TEST(test_duplicates_but_id)
{
    struct err e = {0};
    struct table *t = table_alloc();
    table_add_column(t, "id", COL_STR, NULL, &e);
    table_add_column(t, "v", COL_NUM, NULL, &e);
    table_add_column(t, "line", COL_NUM, NULL, &e);
    table_set_rows(t, 5, &e);
    const double v[] = {1, 2, 1, 1, 2};
    for (size_t i = 0; i < 5; i++) {
        char id[8];
        snprintf(id, sizeof id, "c%zu", i);
        table_set_str(t, 0, i, id, &e);
        t->cols[1].num[i] = v[i];
        t->cols[2].num[i] = (double)i; /* differs on every row: skipped */
    }
    size_t groups, extra;
    char detail[128];
    struct hashset *mark = hashset_alloc(4);
    assert_int_equal(clean_duplicates_but_id(t, 0, 2, &groups, &extra, mark, detail, sizeof detail, &e), 0);
    assert_int_equal(groups, 2);
    assert_int_equal(extra, 3);
    assert_string_equal(detail, "c2=c0, c3=c0, c4=c1");
    assert_int_equal(hashset_size(mark), 3);
    /* Not skipping the line column, no row repeats. */
    assert_int_equal(clean_duplicates_but_id(t, 0, -1, &groups, &extra, NULL, detail, sizeof detail, &e), 0);
    assert_int_equal(extra, 0);
    hashset_free(mark);
    table_free(t);
}

TEST_MAIN_NAMED("table", NULL, NULL, cmocka_unit_test(test_tsv_roundtrip), cmocka_unit_test(test_tsv_errors),
          cmocka_unit_test(test_hashset), cmocka_unit_test(test_cleaning_rules),
          cmocka_unit_test(test_duplicates_but_id))
