/* Tests for lib/kv: round trip, insertion order, exact doubles, and the
 * file:line:col diagnostics of kv_read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/kv.h"

static char dir[] = "/tmp/test_kv.XXXXXX";
static char path[256];

static void write_file(const char *content, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(content, 1, n, f);
    fclose(f);
}

static const char *slurp(void)
{
    const char *s = file_text(path);
    assert_non_null(s);
    return s;
}

TEST(test_roundtrip)
{
    struct err e = {0};
    struct kv *kv = kv_alloc();
    assert_int_equal(kv_set_long(kv, "n_rows", 1300, &e), 0);
    assert_int_equal(kv_set_double(kv, "test_roc_auc", 0.1 + 0.2, &e), 0);
    assert_int_equal(kv_set_str(kv, "target", "Снизилась", &e), 0);
    assert_int_equal(kv_set_str(kv, "empty", "", &e), 0);
    assert_int_equal(kv_set_double(kv, "tiny", 5e-324, &e), 0);
    assert_int_equal(kv_set_double(kv, "undefined", NAN, &e), 0);
    /* Setting again replaces in place, order kept. */
    assert_int_equal(kv_set_long(kv, "n_rows", 1297, &e), 0);
    assert_int_equal(kv->n, 6);
    assert_int_equal(kv_write(kv, path, &e), 0);
    kv_free(kv);

    assert_string_equal(slurp(), "n_rows\t1297\n"
                                 "test_roc_auc\t0.30000000000000004\n"
                                 "target\tСнизилась\n"
                                 "empty\t\n"
                                 "tiny\t4.9406564584124654e-324\n"
                                 "undefined\tnan\n");

    assert_int_equal(kv_read(path, &kv, &e), 0);
    assert_int_equal(kv->n, 6);
    assert_string_equal(kv->keys[1], "test_roc_auc");
    assert_string_equal(kv_get(kv, "target"), "Снизилась");
    assert_string_equal(kv_get(kv, "empty"), "");
    assert_null(kv_get(kv, "absent"));
    double x;
    long l;
    assert_int_equal(kv_get_double(kv, "test_roc_auc", &x, &e), 0);
    assert_true(x == 0.1 + 0.2); /* bit-exact through %.17g */
    assert_int_equal(kv_get_double(kv, "tiny", &x, &e), 0);
    assert_true(x == 5e-324);
    assert_int_equal(kv_get_double(kv, "undefined", &x, &e), 0);
    assert_true(isnan(x));
    assert_int_equal(kv_get_long(kv, "n_rows", &l, &e), 0);
    assert_int_equal(l, 1297);
    assert_int_equal(kv_get_long(kv, "test_roc_auc", &l, &e), ERR_DATA);
    assert_string_equal(e.msg, "kv: key \"test_roc_auc\": expected an integer, found \"0.30000000000000004\"");
    assert_int_equal(kv_get_double(kv, "target", &x, &e), ERR_DATA);
    assert_int_equal(kv_get_double(kv, "empty", &x, &e), ERR_DATA);
    assert_int_equal(kv_get_double(kv, "absent", &x, &e), ERR_DATA);
    assert_string_equal(e.msg, "kv: expected key \"absent\", found none");
    kv_free(kv);
}

TEST(test_set_rejects)
{
    struct err e = {0};
    struct kv *kv = kv_alloc();
    assert_int_equal(kv_set_str(kv, "a", "x\ty", &e), ERR_DATA);
    assert_string_equal(e.msg, "kv: key \"a\": expected a value without tab or line break, found a tab");
    assert_int_equal(kv_set_str(kv, "a", "x\ny", &e), ERR_DATA);
    assert_int_equal(kv_set_str(kv, "a", "x\ry", &e), ERR_DATA);
    assert_int_equal(kv_set_str(kv, "a", "\xD0", &e), ERR_DATA); /* truncated UTF-8 */
    assert_string_equal(e.msg, "kv: key \"a\": expected UTF-8 text, found byte 0xD0");
    assert_int_equal(kv_set_str(kv, "a", "\xC0\x80", &e), ERR_DATA); /* overlong NUL */
    assert_int_equal(kv_set_str(kv, "", "x", &e), ERR_DATA);
    assert_int_equal(kv_set_str(kv, "a b", "x", &e), ERR_DATA);
    assert_int_equal(kv_set_str(kv, ".a", "x", &e), ERR_DATA);
    assert_int_equal(kv_set_str(kv, "ключ", "x", &e), ERR_DATA);
    assert_int_equal(kv_set_str(kv, "a", NULL, &e), ERR_DATA);
    assert_int_equal(kv->n, 0);
    assert_int_equal(kv_set_str(kv, "top10.share-x_1", "x", &e), 0);
    kv_free(kv);
}

struct bad {
    const char *content;
    size_t len; /* 0 = strlen */
    const char *msg; /* after "path:" */
};

TEST(test_read_errors)
{
    const struct bad cases[] = {
        {"a\t1\nb\n", 0, "2:2: expected a tab after the key, found end of line"},
        {"a\t1\n\nb\t2\n", 0, "2:1: expected a key, found an empty line"},
        {"a\t1\n\t2\n", 0, "2:1: expected a key, found a tab"},
        {"a\t1\nкey\t2\n", 0, "2:1: expected a key character [A-Za-z0-9_.-], found byte 0xD0"},
        {"ab c\t2\n", 0, "1:3: expected a key character [A-Za-z0-9_.-], found ' '"},
        {"a\tСнизилась\tx\n", 0, "1:12: expected end of line, found a tab"},
        {"a\t1\r\n", 0, "1:4: expected end of line, found a carriage return (CRLF line ends?)"},
        {"a\t1\nb\t2\na\t3\n", 0, "3:1: expected a unique key, found \"a\" again (first on line 1)"},
        {"a\tx\xFFy\n", 0, "1:4: expected UTF-8 text, found byte 0xFF"},
        {"a\tx\0y\n", 6, "1:4: expected end of line, found a NUL byte"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_file(cases[i].content, cases[i].len ? cases[i].len : strlen(cases[i].content));
        struct kv *kv = (struct kv *)1;
        struct err e = {0};
        assert_int_equal(kv_read(path, &kv, &e), ERR_DATA);
        assert_null(kv);
        char want[512];
        snprintf(want, sizeof want, "%s:%s", path, cases[i].msg);
        assert_string_equal(e.msg, want);
    }
}

TEST(test_read_edge)
{
    struct err e = {0};
    struct kv *kv;
    /* No final newline, and an empty file, are fine. */
    write_file("a\t1\nb\tдва", strlen("a\t1\nb\tдва"));
    assert_int_equal(kv_read(path, &kv, &e), 0);
    assert_int_equal(kv->n, 2);
    assert_string_equal(kv_get(kv, "b"), "два");
    kv_free(kv);
    write_file("", 0);
    assert_int_equal(kv_read(path, &kv, &e), 0);
    assert_int_equal(kv->n, 0);
    kv_free(kv);
    assert_int_equal(kv_read("/nonexistent/kv.tsv", &kv, &e), ERR_IO);
    assert_string_equal(e.msg, "/nonexistent/kv.tsv: cannot open: No such file or directory");
    /* Writing into a missing directory is ERR_IO too. */
    kv = kv_alloc();
    assert_int_equal(kv_write(kv, "/nonexistent/kv.tsv", &e), ERR_IO);
    kv_free(kv);
}

TEST(test_kvset)
{
    struct err e = {0};
    char p[300];
    snprintf(p, sizeof p, "%s/metrics.tsv", dir);
    struct kv *kv = kv_alloc();
    kv_set_double(kv, "test_roc_auc", 0.875, &e);
    assert_int_equal(kv_write(kv, p, &e), 0);
    kv_free(kv);
    struct kvset *s = kvset_alloc();
    assert_int_equal(kvset_add_file(s, p, &e), 0);
    kv = kv_alloc();
    kv_set_long(kv, "n", 7, &e);
    assert_int_equal(kvset_add(s, "counts", kv, &e), 0);
    assert_string_equal(kvset_lookup(s, "metrics", "test_roc_auc"), "0.875");
    assert_string_equal(kvset_get(s, "counts", "n"), "7");
    assert_null(kvset_get(s, "counts", "m"));
    assert_null(kvset_get(s, "other", "n"));
    assert_int_equal(kvset_add_file(s, p, &e), ERR_DATA); /* name taken */
    assert_non_null(strstr(e.msg, "expected a unique name, found \"metrics\" twice"));
    assert_int_equal(kvset_add(s, "a.b", kv_alloc(), &e), ERR_DATA);
    kvset_free(s);
    unlink(p);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/x.tsv", dir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_set_rejects), cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_read_edge), cmocka_unit_test(test_kvset),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(path);
    rmdir(dir);
    return rc;
}
