/* Tests for lib/textio: the line reader of the model text files, its cursor,
 * its number parsing and the exact "name:line:col: expected X, found Y"
 * messages of both dialects (tab: logreg/svc, space: tree/knn). */
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

#include "core/textio.h"

/* A stream over text (a real temporary file, so textio_bytes_left sees it). */
static FILE *stream(const char *text, size_t n)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    rewind(fp);
    return fp;
}

TEST(test_tab_keys_and_numbers)
{
    const char text[] = "C\t0.25\ncoef\t1\t-2e-3\t3\nn\t-7\nend\n";
    FILE *fp = stream(text, sizeof text - 1);
    struct textio t;
    struct err e = {0};
    double x;
    long v;
    /* The line count goes on from a model inside a larger file. */
    textio_init(&t, fp, "m.txt", 4, '\t');
    assert_int_equal(textio_key(&t, "C", &e), ERR_OK);
    assert_int_equal(t.line, 5);
    assert_int_equal(textio_col(&t, t.pos), 3);
    assert_int_equal(textio_double(&t, &x, &e), ERR_OK);
    assert_true(x == 0.25);
    assert_int_equal(textio_eol(&t, &e), ERR_OK);
    assert_int_equal(textio_key(&t, "coef", &e), ERR_OK);
    double c[3];
    for (int j = 0; j < 3; j++)
        assert_int_equal(textio_double(&t, &c[j], &e), ERR_OK);
    assert_true(c[0] == 1 && c[1] == -2e-3 && c[2] == 3);
    assert_int_equal(textio_eol(&t, &e), ERR_OK);
    assert_int_equal(textio_key(&t, "n", &e), ERR_OK);
    assert_int_equal(textio_long(&t, -10, 10, "", &v, &e), ERR_OK);
    assert_int_equal(v, -7);
    /* A key alone on its line has an empty value. */
    assert_int_equal(textio_key(&t, "end", &e), ERR_OK);
    assert_string_equal(t.pos, "");
    assert_int_equal(textio_key(&t, "more", &e), ERR_DATA);
    assert_string_equal(e.msg, "m.txt:9:1: expected \"more\", found the end of the file");
    assert_int_equal(textio_bytes_left(fp), 0);
    textio_free(&t);
    fclose(fp);
}

/* One line in, one call, one message out. */
static const char *tab_error(const char *line, int what)
{
    static struct err e;
    memset(&e, 0, sizeof e);
    FILE *fp = stream(line, strlen(line));
    struct textio t;
    textio_init(&t, fp, "m", 0, '\t');
    double x;
    long v;
    int rc = textio_key(&t, "k", &e);
    if (!rc && what == 0)
        rc = textio_double(&t, &x, &e);
    if (!rc && what == 0)
        rc = textio_eol(&t, &e);
    if (!rc && what == 1)
        rc = textio_long(&t, 0, 5, "\t", &v, &e);
    if (!rc && what == 2)
        rc = textio_long(&t, 0, 5, "", &v, &e);
    if (!rc && what == 3)
        rc = textio_fail(&t, t.pos + 1, &e, "a %s name", "kernel");
    textio_free(&t);
    fclose(fp);
    if (rc != ERR_DATA)
        fail_msg("no error for \"%s\"", line);
    assert_int_equal(e.code, ERR_DATA);
    return e.msg;
}

TEST(test_tab_errors)
{
    assert_string_equal(tab_error("kk\t1\n", 0), "m:1:1: expected \"k\", found \"kk\"");
    assert_string_equal(tab_error("k\tx\n", 0), "m:1:3: expected a number, found \"x\"");
    assert_string_equal(tab_error("k\t1x\n", 0), "m:1:3: expected a number, found \"1x\"");
    /* Overflow is an error in the tab dialect; underflow is accepted. */
    assert_string_equal(tab_error("k\t1e999\n", 0), "m:1:3: expected a number, found \"1e999\"");
    assert_string_equal(tab_error("k\t1\t2\n", 0), "m:1:5: expected the end of the line, found \"2\"");
    assert_string_equal(tab_error("k\t6\n", 1), "m:1:3: expected an integer in [0, 5], found \"6\"");
    assert_string_equal(tab_error("k\t1:2\n", 1), "m:1:3: expected an integer in [0, 5], found \"1:2\"");
    /* ends "" allows nothing after the integer, not even a tab. */
    assert_string_equal(tab_error("k\t1\t\n", 2), "m:1:3: expected an integer in [0, 5], found \"1\t\"");
    assert_string_equal(tab_error("k\trbfx\n", 3), "m:1:4: expected a kernel name, found \"bfx\"");
    /* Quotes stop at 32 bytes. */
    assert_string_equal(tab_error("k\tx0123456789012345678901234567890123456789\n", 0),
                        "m:1:3: expected a number, found \"x0123456789012345678901234567890\"");
    /* A NUL byte inside the key is not the end of the line. */
    static const char nul[] = "k\0x\t1\n";
    FILE *fp = stream(nul, sizeof nul - 1);
    struct textio t;
    struct err e = {0};
    textio_init(&t, fp, "m", 0, '\t');
    assert_int_equal(textio_key(&t, "k", &e), ERR_DATA);
    assert_string_equal(e.msg, "m:1:1: expected \"k\", found \"k\"");
    textio_free(&t);
    fclose(fp);
}

TEST(test_tab_stop_byte)
{
    const char text[] = "sv\t0.5\t3:1.5\t7:-2\n";
    FILE *fp = stream(text, sizeof text - 1);
    struct textio t;
    struct err e = {0};
    double x;
    long idx;
    textio_init(&t, fp, "m", 0, '\t');
    assert_int_equal(textio_key(&t, "sv", &e), ERR_OK);
    assert_int_equal(textio_double(&t, &x, &e), ERR_OK);
    /* The cursor stops at ':' (not a separator) and goes past a tab. */
    assert_int_equal(textio_long(&t, 1, 9, "\t:", &idx, &e), ERR_OK);
    assert_int_equal(idx, 3);
    assert_int_equal(*t.pos, ':');
    t.pos++;
    assert_int_equal(textio_double(&t, &x, &e), ERR_OK);
    assert_true(x == 1.5);
    assert_int_equal(textio_col(&t, t.pos), 14);
    assert_int_equal(textio_long(&t, 1, 5, "\t:", &idx, &e), ERR_DATA);
    assert_string_equal(e.msg, "m:1:14: expected an integer in [1, 5], found \"7:-2\"");
    textio_free(&t);
    fclose(fp);
}

TEST(test_space_dialect)
{
    const char text[] = "tree 1\nn_nodes  3\n1 2   0 2.125 1e999 8\n-1 x\n";
    FILE *fp = stream(text, sizeof text - 1);
    struct textio t;
    struct err e = {0};
    long v;
    double x;
    textio_init(&t, fp, "t.txt", 0, ' ');
    assert_int_equal(textio_line(&t, &e), ERR_OK);
    assert_int_equal(textio_word(&t, "tree", &e), ERR_OK);
    assert_int_equal(textio_long(&t, 1, 1, " ", &v, &e), ERR_OK);
    assert_int_equal(textio_eol(&t, &e), ERR_OK);
    /* A run of spaces is one separator. */
    assert_int_equal(textio_line(&t, &e), ERR_OK);
    assert_int_equal(textio_word(&t, "n_nodes", &e), ERR_OK);
    assert_int_equal(textio_col(&t, t.pos), 10);
    assert_int_equal(textio_long(&t, 1, 100, " ", &v, &e), ERR_OK);
    assert_int_equal(v, 3);
    assert_int_equal(textio_line(&t, &e), ERR_OK);
    for (int j = 0; j < 3; j++)
        assert_int_equal(textio_long(&t, -1, 10, " ", &v, &e), ERR_OK);
    assert_int_equal(textio_double(&t, &x, &e), ERR_OK);
    assert_true(x == 2.125);
    /* In the space dialect an overflow reads as inf; the caller judges. */
    assert_int_equal(textio_double(&t, &x, &e), ERR_OK);
    assert_true(isinf(x) && x > 0);
    assert_int_equal(textio_eol(&t, &e), ERR_DATA);
    assert_string_equal(e.msg, "t.txt:3:21: expected end of line, found \"8\"");
    assert_int_equal(textio_line(&t, &e), ERR_OK);
    assert_int_equal(textio_word(&t, "tree", &e), ERR_DATA);
    assert_string_equal(e.msg, "t.txt:4:1: expected \"tree\", found \"-1 x\"");
    assert_int_equal(textio_long(&t, -1, 1, " ", &v, &e), ERR_OK);
    assert_int_equal(textio_double(&t, &x, &e), ERR_DATA);
    assert_string_equal(e.msg, "t.txt:4:4: expected a number, found \"x\"");
    assert_int_equal(textio_fail(&t, t.pos, &e, "a label %d or %d", 0, 1), ERR_DATA);
    assert_string_equal(e.msg, "t.txt:4:4: expected a label 0 or 1, found \"x\"");
    assert_int_equal(textio_line(&t, &e), ERR_DATA);
    assert_string_equal(e.msg, "t.txt:5:1: expected a line, found end of file");
    textio_free(&t);
    fclose(fp);
}

TEST(test_space_quote_and_word_end)
{
    const char text[] = "treex 1\nk x0123456789012345678901234567890123456789\n";
    FILE *fp = stream(text, sizeof text - 1);
    struct textio t;
    struct err e = {0};
    double x;
    textio_init(&t, fp, "t", 0, ' ');
    assert_int_equal(textio_line(&t, &e), ERR_OK);
    /* A word must end at a space or the end of the line. */
    assert_int_equal(textio_word(&t, "tree", &e), ERR_DATA);
    assert_string_equal(e.msg, "t:1:1: expected \"tree\", found \"treex 1\"");
    assert_int_equal(textio_line(&t, &e), ERR_OK);
    assert_int_equal(textio_word(&t, "k", &e), ERR_OK);
    /* Quotes stop at 40 bytes. */
    assert_int_equal(textio_double(&t, &x, &e), ERR_DATA);
    assert_string_equal(e.msg, "t:2:3: expected a number, found \"x012345678901234567890123456789012345678\"");
    textio_free(&t);
    fclose(fp);
}

TEST(test_bytes_left)
{
    const char text[] = "abc\ndefgh\n";
    FILE *fp = stream(text, sizeof text - 1);
    struct textio t;
    struct err e = {0};
    assert_int_equal(textio_bytes_left(fp), 10);
    textio_init(&t, fp, "b", 0, ' ');
    assert_int_equal(textio_line(&t, &e), ERR_OK);
    assert_int_equal(textio_bytes_left(fp), 6);
    textio_free(&t);
    fclose(fp);
    /* Not a regular file: unknown. */
    char buf[] = "x\n";
    FILE *mem = fmemopen(buf, 2, "r");
    assert_non_null(mem);
    assert_true(textio_bytes_left(mem) == SIZE_MAX);
    fclose(mem);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_tab_keys_and_numbers), cmocka_unit_test(test_tab_errors),
          cmocka_unit_test(test_tab_stop_byte), cmocka_unit_test(test_space_dialect),
          cmocka_unit_test(test_space_quote_and_word_end), cmocka_unit_test(test_bytes_left))
