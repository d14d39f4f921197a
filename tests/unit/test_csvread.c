/* Tests for lib/csvread: the four real exports, the line-end / BOM / quoting
 * variants, chunk-boundary cases, every error message, and num_parse.
 * Small inputs are written byte-exact into a mkdtemp directory, so line ends
 * survive whatever git does to text files. */
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
#include <unistd.h>

#include "io/csvread.h"

enum { CHUNK = 1 << 20 }; /* must match lib/io/csvread.c */

static char tmpdir[64];
static char *made[128];
static size_t nmade;

static int group_setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/test_csvread.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    for (size_t k = 0; k < nmade; k++) {
        unlink(made[k]);
        free(made[k]);
    }
    rmdir(tmpdir);
    return 0;
}

/* Write n bytes to tmpdir/name and return the path (owned by the test group). */
static const char *mkfile(const char *name, const void *bytes, size_t n)
{
    char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
    assert_non_null(path);
    sprintf(path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    assert_true(nmade < sizeof made / sizeof *made);
    made[nmade++] = path;
    return path;
}

static const char *mkstr(const char *name, const char *text)
{
    return mkfile(name, text, strlen(text));
}

static const char *real_path(const char *file)
{
    static char buf[4][512];
    static int k;
    const char *dir = getenv("ONECLICK_REAL");
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir ? dir : "data/raw", file);
    return buf[k];
}

static struct csv_data *read_ok(const char *path, char sep)
{
    struct csv_opts o = {.sep = sep};
    struct csv_data *d = NULL;
    struct err e = {0};
    int rc = csv_read(path, &o, &d, &e);
    if (rc)
        fail_msg("csv_read(%s) failed: %s", path, e.msg);
    assert_non_null(d);
    return d;
}

/* Read a file that must fail; check the code and that every key is in the message. */
static void read_fails(const char *path, int code, ...)
{
    struct csv_data *d = (struct csv_data *)1;
    struct err e = {0};
    int rc = csv_read(path, NULL, &d, &e);
    if (rc != code)
        fail_msg("csv_read(%s): expected code %d, got %d (%s)", path, code, rc, e.msg);
    assert_null(d);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, path))
        fail_msg("message lacks the path: %s", e.msg);
    assert_null(strchr(e.msg, '\n'));
    va_list ap;
    va_start(ap, code);
    for (const char *key; (key = va_arg(ap, const char *));)
        if (!strstr(e.msg, key))
            fail_msg("message lacks \"%s\": %s", key, e.msg);
    va_end(ap);
}

/* Like read_fails, but the message must NOT contain `absent`. */
static void read_fails_without(const char *path, const char *absent)
{
    struct csv_data *d = NULL;
    struct err e = {0};
    assert_int_equal(csv_read(path, NULL, &d, &e), ERR_DATA);
    if (strstr(e.msg, absent))
        fail_msg("message should not contain \"%s\": %s", absent, e.msg);
}

static void assert_no_cr(const struct csv_data *d)
{
    for (size_t k = 0; k < d->nrows * d->ncols; k++)
        assert_null(strchr(d->cells[k], '\r'));
    for (size_t j = 0; j < d->ncols; j++)
        assert_null(strchr(d->header[j], '\r'));
}

/* ------------------------------------------------------------ real data -- */

TEST(test_real_market_file)
{
    struct csv_data *d = read_ok(real_path("market_file.csv"), 0);
    assert_int_equal(d->sep, ',');
    assert_int_equal(d->ncols, 13);
    assert_int_equal(d->nrows, 1300);
    assert_string_equal(d->header[0], "id");
    assert_string_equal(d->header[1], "Покупательская активность");
    assert_string_equal(d->header[12], "Страниц_за_визит");
    assert_int_equal(csv_find(d, "Страниц_за_визит"), 12);
    assert_int_equal(csv_find(d, "Тип сервиса"), 2);
    assert_int_equal(csv_find(d, "нет такой"), -1);
    assert_string_equal(csv_cell(d, 0, 0), "215348");
    assert_string_equal(csv_cell(d, 0, 1), "Снизилась");
    assert_string_equal(csv_cell(d, 0, 12), "5");
    assert_string_equal(csv_cell(d, 1299, 0), "216647");
    assert_string_equal(csv_cell(d, 1299, 12), "12");
    /* CRLF file: one row per physical line, header on line 1. */
    for (size_t i = 0; i < d->nrows; i++)
        assert_int_equal(d->line[i], i + 2);
    assert_no_cr(d);
    /* The known typo is kept as data. */
    size_t typo = 0;
    for (size_t i = 0; i < d->nrows; i++)
        typo += strcmp(csv_cell(d, i, 2), "стандартт") == 0;
    assert_int_equal(typo, 10);
    csv_data_free(d);
}

TEST(test_real_money_semicolon_decimal_comma)
{
    struct csv_data *d = read_ok(real_path("money.csv"), 0);
    assert_int_equal(d->sep, ';');
    assert_int_equal(d->ncols, 2);
    assert_int_equal(d->nrows, 1300);
    assert_string_equal(d->header[1], "Прибыль");
    assert_string_equal(csv_cell(d, 0, 0), "215348");
    assert_string_equal(csv_cell(d, 0, 1), "0,98");
    double v = 0;
    assert_int_equal(num_parse(csv_cell(d, 0, 1), ',', &v), 0);
    assert_true(v == 0.98);
    /* With '.' as the decimal mark the comma is garbage. */
    assert_int_not_equal(num_parse(csv_cell(d, 0, 1), '.', &v), 0);
    /* Every profit parses. */
    double sum = 0;
    for (size_t i = 0; i < d->nrows; i++) {
        assert_int_equal(num_parse(csv_cell(d, i, 1), ',', &v), 0);
        sum += v;
    }
    assert_true(sum > 1300 * 2.0 && sum < 1300 * 6.0);
    assert_string_equal(csv_cell(d, 1299, 1), "3,28");
    assert_int_equal(d->line[1299], 1301);
    csv_data_free(d);
}

TEST(test_real_market_money_and_time)
{
    struct csv_data *d = read_ok(real_path("market_money.csv"), 0);
    assert_int_equal(d->sep, ',');
    assert_int_equal(d->ncols, 3);
    assert_int_equal(d->nrows, 3900);
    assert_string_equal(d->header[2], "Выручка");
    assert_string_equal(csv_cell(d, 0, 1), "препредыдущий_месяц");
    assert_string_equal(csv_cell(d, 0, 2), "0.0");
    assert_string_equal(csv_cell(d, 1, 2), "3293.1");
    assert_no_cr(d);
    csv_data_free(d);

    d = read_ok(real_path("market_time.csv"), ',');
    assert_int_equal(d->ncols, 3);
    assert_int_equal(d->nrows, 2600);
    assert_string_equal(d->header[2], "минут");
    assert_string_equal(csv_cell(d, 0, 1), "текущий_месяц");
    assert_string_equal(csv_cell(d, 0, 2), "14");
    assert_int_equal(d->line[2599], 2601);
    csv_data_free(d);
}

/* ----------------------------------------------------- format variants -- */

TEST(test_bom_stripped)
{
    struct csv_data *d = read_ok(mkstr("bom.csv", "\xEF\xBB\xBFid,name\r\n1,a\r\n"), 0);
    assert_int_equal(d->ncols, 2);
    assert_string_equal(d->header[0], "id");
    assert_int_equal(csv_find(d, "id"), 0);
    assert_int_equal(d->nrows, 1);
    assert_string_equal(csv_cell(d, 0, 1), "a");
    assert_int_equal(d->line[0], 2);
    csv_data_free(d);
}

TEST(test_lf)
{
    struct csv_data *d = read_ok(mkstr("lf.csv", "a,b\n1,2\n3,4\n"), 0);
    assert_int_equal(d->nrows, 2);
    assert_string_equal(csv_cell(d, 1, 0), "3");
    assert_string_equal(csv_cell(d, 1, 1), "4");
    assert_int_equal(d->line[0], 2);
    assert_int_equal(d->line[1], 3);
    csv_data_free(d);
}

TEST(test_mixed_line_ends_no_final_newline)
{
    struct csv_data *d = read_ok(mkstr("mixed.csv", "a,b\r\n1,2\n3,4\r\n5,6"), 0);
    assert_int_equal(d->nrows, 3);
    assert_string_equal(csv_cell(d, 0, 1), "2");
    assert_string_equal(csv_cell(d, 1, 1), "4");
    assert_string_equal(csv_cell(d, 2, 0), "5");
    assert_string_equal(csv_cell(d, 2, 1), "6");
    assert_int_equal(d->line[0], 2);
    assert_int_equal(d->line[1], 3);
    assert_int_equal(d->line[2], 4);
    assert_no_cr(d);
    csv_data_free(d);

    /* Old Mac line ends: a lone CR is a line end too. */
    d = read_ok(mkstr("cr.csv", "a,b\r1,2\r3,\"x\ry\"\r5,6\r"), 0);
    assert_int_equal(d->nrows, 3);
    assert_string_equal(csv_cell(d, 1, 1), "x\ry");
    assert_int_equal(d->line[0], 2);
    assert_int_equal(d->line[1], 3);
    assert_int_equal(d->line[2], 5);
    csv_data_free(d);

    /* Last field quoted and no final newline: csv_fini delivers it. */
    d = read_ok(mkstr("lastq.csv", "a,b\n1,\"q,\"\"z\"\"\""), 0);
    assert_int_equal(d->nrows, 1);
    assert_string_equal(csv_cell(d, 0, 1), "q,\"z\"");
    csv_data_free(d);
}

TEST(test_quoted_separator_and_newline)
{
    const char *text = "id,text,n\r\n"
                       "1,\"hello, world\r\nsecond line\",5\r\n"
                       "2,\"say \"\"hi\"\"\",6\r\n"
                       "3,\"a\nb\nc\",7\n"
                       "4,plain,8\r\n"
                       "5,\"\",9\r\n";
    struct csv_data *d = read_ok(mkstr("quoted.csv", text), 0);
    assert_int_equal(d->sep, ',');
    assert_int_equal(d->nrows, 5);
    assert_string_equal(csv_cell(d, 0, 1), "hello, world\r\nsecond line");
    assert_string_equal(csv_cell(d, 0, 2), "5");
    assert_string_equal(csv_cell(d, 1, 1), "say \"hi\"");
    assert_string_equal(csv_cell(d, 2, 1), "a\nb\nc");
    assert_string_equal(csv_cell(d, 3, 1), "plain");
    assert_string_equal(csv_cell(d, 4, 1), "");
    size_t want[] = {2, 4, 5, 8, 9};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(d->line[i], want[i]);
    csv_data_free(d);

    /* A quoted newline in the header moves every row down a line. */
    d = read_ok(mkstr("qhead.csv", "id,\"two\nlines\"\n1,2\n"), 0);
    assert_string_equal(d->header[1], "two\nlines");
    assert_int_equal(d->line[0], 3);
    csv_data_free(d);
}

TEST(test_sniff_and_given_separator)
{
    /* Commas inside quotes do not count. */
    struct csv_data *d = read_ok(mkstr("semi.csv", "a;\"b,c,d\";e\n1;2,5;3\n"), 0);
    assert_int_equal(d->sep, ';');
    assert_int_equal(d->ncols, 3);
    assert_string_equal(d->header[1], "b,c,d");
    assert_string_equal(csv_cell(d, 0, 1), "2,5");
    csv_data_free(d);

    d = read_ok(mkstr("tab.tsv", "a\tb c\td\n1\t \t3\n"), 0);
    assert_int_equal(d->sep, '\t');
    assert_int_equal(d->ncols, 3);
    assert_string_equal(d->header[1], "b c");
    assert_string_equal(csv_cell(d, 0, 1), " ");
    csv_data_free(d);

    /* One column: no separator at all, ',' is assumed. */
    d = read_ok(mkstr("one.csv", "only\nx\ny\n"), 0);
    assert_int_equal(d->sep, ',');
    assert_int_equal(d->ncols, 1);
    assert_int_equal(d->nrows, 2);
    csv_data_free(d);

    /* A given separator overrides the sniffing. */
    d = read_ok(mkstr("given.csv", "a;b\n1;2\n"), ',');
    assert_int_equal(d->sep, ',');
    assert_int_equal(d->ncols, 1);
    assert_string_equal(d->header[0], "a;b");
    csv_data_free(d);

    d = read_ok(mkstr("given2.csv", "a,b;c\n1,2;3\n"), ';');
    assert_int_equal(d->ncols, 2);
    assert_string_equal(csv_cell(d, 0, 0), "1,2");
    csv_data_free(d);

    struct csv_opts o = {.sep = '|'};
    struct csv_data *out = NULL;
    struct err e = {0};
    assert_int_equal(csv_read(mkstr("pipe.csv", "a|b\n"), &o, &out, &e), ERR_PARAMS);
    assert_null(out);
    assert_non_null(strstr(e.msg, "separator"));
}

TEST(test_header_only_empty_cells_spaces_blank_lines)
{
    struct csv_data *d = read_ok(mkstr("hdr.csv", "a,b,c\r\n"), 0);
    assert_int_equal(d->ncols, 3);
    assert_int_equal(d->nrows, 0);
    assert_non_null(d->cells);
    assert_non_null(d->line);
    csv_data_free(d);

    d = read_ok(mkstr("hdr2.csv", "a,b"), 0);
    assert_int_equal(d->ncols, 2);
    assert_int_equal(d->nrows, 0);
    assert_string_equal(d->header[1], "b");
    csv_data_free(d);

    /* Empty cells are "", spaces are data (RFC 4180), blank lines are skipped. */
    d = read_ok(mkstr("cells.csv", "a,b,c\n,,\n\n x , y ,\"\"\n\r\n\n1,2,3\n\n"), 0);
    assert_int_equal(d->nrows, 3);
    assert_string_equal(csv_cell(d, 0, 0), "");
    assert_string_equal(csv_cell(d, 0, 2), "");
    assert_string_equal(csv_cell(d, 1, 0), " x ");
    assert_string_equal(csv_cell(d, 1, 1), " y ");
    assert_string_equal(csv_cell(d, 1, 2), "");
    assert_string_equal(csv_cell(d, 2, 2), "3");
    assert_int_equal(d->line[0], 2);
    assert_int_equal(d->line[1], 4);
    assert_int_equal(d->line[2], 7);
    csv_data_free(d);
}

/* ------------------------------------------------------ chunk boundaries -- */

/* "a,b\r\n" then a row whose bytes put `at` (a string) at file offset CHUNK-1. */
static const char *straddle(const char *name, const char *pre, const char *at, const char *post)
{
    size_t fill = CHUNK - 1 - 5 - strlen(pre);
    size_t n = 5 + strlen(pre) + fill + strlen(at) + strlen(post);
    char *s = malloc(n + 1);
    assert_non_null(s);
    char *p = s;
    memcpy(p, "a,b\r\n", 5), p += 5;
    memcpy(p, pre, strlen(pre)), p += strlen(pre);
    memset(p, 'x', fill), p += fill;
    memcpy(p, at, strlen(at)), p += strlen(at);
    memcpy(p, post, strlen(post)), p += strlen(post);
    assert_int_equal((size_t)(p - s), n);
    const char *path = mkfile(name, s, n);
    free(s);
    return path;
}

TEST(test_chunk_boundaries)
{
    size_t fill = CHUNK - 1 - 5 - 2;

    /* CR as the last byte of the first chunk, LF the first of the next. */
    struct csv_data *d = read_ok(straddle("crlf_edge.csv", "1,", "\r\n", "2,y\r\n3,z\n"), 0);
    assert_int_equal(d->nrows, 3);
    assert_int_equal(strlen(csv_cell(d, 0, 1)), fill);
    assert_string_equal(csv_cell(d, 1, 1), "y");
    assert_int_equal(d->line[1], 3);
    assert_int_equal(d->line[2], 4);
    assert_no_cr(d);
    csv_data_free(d);

    /* The same inside a quoted field: still one physical line end. */
    d = read_ok(straddle("crlf_q_edge.csv", "1,\"", "\r\nmore\"", "\r\n2,y\r\n"), 0);
    assert_int_equal(d->nrows, 2);
    assert_int_equal(strlen(csv_cell(d, 0, 1)), fill - 1 + 6);
    assert_string_equal(csv_cell(d, 0, 1) + fill - 1, "\r\nmore");
    assert_int_equal(d->line[1], 4);
    csv_data_free(d);

    /* A two-byte and a four-byte UTF-8 character cut by the chunk end. */
    d = read_ok(straddle("utf8_edge.csv", "1,", "Я", "\n2,\xF0\x9F\x98\x80\n"), 0);
    assert_int_equal(d->nrows, 2);
    assert_string_equal(csv_cell(d, 0, 1) + fill, "Я");
    assert_string_equal(csv_cell(d, 1, 1), "\xF0\x9F\x98\x80");
    csv_data_free(d);
    d = read_ok(straddle("utf8_edge4.csv", "1,", "xx\xF0\x9F\x98\x80", "\n"), 0);
    assert_string_equal(csv_cell(d, 0, 1) + fill + 2, "\xF0\x9F\x98\x80");
    csv_data_free(d);

    /* A bad byte in the next chunk: the byte column counts from the line start. */
    const char *p = straddle("bad_edge.csv", "1,", "xxx\xFF", "\n");
    char col[64];
    snprintf(col, sizeof col, "byte column %zu", 2 + fill + 3 + 1);
    read_fails(p, ERR_DATA, ":2:2:", col, "invalid UTF-8", "0xFF", NULL);

    /* A bad byte on a line that starts in the second chunk. */
    p = straddle("bad_edge2.csv", "1,", "\r\n", "2,y\r\n3,ab\xFF\r\n");
    read_fails(p, ERR_DATA, ":4:2:", "byte column 5", "0xFF", NULL);
}

TEST(test_many_rows)
{
    enum { N = 100000 };
    size_t cap = 32 + (size_t)N * 32, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    n += (size_t)sprintf(s + n, "id\tname\tvalue\r\n");
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(s + n, "%d\t\"r%d\"\t%d.5\r\n", i, i, i % 97);
    const char *path = mkfile("many.tsv", s, n);
    free(s);
    struct csv_data *d = read_ok(path, 0);
    assert_int_equal(d->sep, '\t');
    assert_int_equal(d->nrows, N);
    assert_string_equal(csv_cell(d, N - 1, 0), "99999");
    assert_string_equal(csv_cell(d, N - 1, 1), "r99999");
    assert_string_equal(csv_cell(d, 12345, 2), "26.5");
    assert_int_equal(d->line[N - 1], N + 1);
    double v;
    assert_int_equal(num_parse(csv_cell(d, 12345, 2), '.', &v), 0);
    assert_true(v == 26.5);
    csv_data_free(d);
}

/* --------------------------------------------------------------- errors -- */

TEST(test_error_io_and_empty)
{
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such.csv", tmpdir);
    read_fails(missing, ERR_IO, "cannot open", "No such file or directory", NULL);
    read_fails(tmpdir, ERR_IO, "cannot read", "Is a directory", NULL);
    read_fails(mkstr("empty.csv", ""), ERR_DATA, ":1:1:", "expected a header row, found an empty file", NULL);
    read_fails(mkstr("bomonly.csv", "\xEF\xBB\xBF"), ERR_DATA, ":1:1:", "found an empty file", NULL);
    read_fails(mkstr("blank.csv", "\r\n\n\r\n"), ERR_DATA, "expected a header row", "blank lines", NULL);
}

TEST(test_error_ragged)
{
    /* The short row is on line 4: the quoted newline in row 1 counts. */
    read_fails(mkstr("short.csv", "id,a,b\r\n1,\"x\r\ny\",z\r\n2,3\r\n4,5,6\r\n"), ERR_DATA, ":4:3:",
               "expected 3 fields as in the header, found 2", NULL);
    read_fails(mkstr("long.csv", "id,a,b\n1,2,3\n\n4,5,6,7\n"), ERR_DATA, ":4:4:",
               "expected 3 fields as in the header, found 4", NULL);
    /* Last row without a final newline is checked too. */
    read_fails(mkstr("shortlast.csv", "id,a,b\n1,2,3\n4"), ERR_DATA, ":3:2:", "expected 3 fields", "found 1", NULL);
    /* A trailing separator is one more (empty) field. */
    read_fails(mkstr("trail.csv", "id,a\n1,2,\n"), ERR_DATA, ":2:3:", "expected 2 fields", "found 3", NULL);
}

TEST(test_error_nul)
{
    read_fails(mkfile("nul.csv", "id,x\n1,a\0b\n", 11), ERR_DATA, ":2:2:", "NUL", "byte column 4", NULL);
    /* UTF-16 without a BOM is ASCII interleaved with NULs. */
    read_fails(mkfile("u16.csv", "i\0d\0\n\0", 6), ERR_DATA, ":1:1:", "NUL", "UTF-16", NULL);
}

TEST(test_error_utf8)
{
    read_fails(mkstr("latin1.csv", "id,name\r\n1,ok\r\n2,caf\xE9\r\n"), ERR_DATA, ":3:2:", "invalid UTF-8",
               "byte column 6", "0xE9", NULL);
    read_fails_without(mkstr("latin1b.csv", "id,name\r\n1,ok\r\n2,caf\xE9\r\n"), "Windows-1251");
    /* Latin-1 accents are letters in 0xC0-0xFF too, but come one at a time. */
    read_fails_without(mkstr("latin1c.csv", "id,name\n1,caf\xE9 cr\xE8me \xFC" "ber na\xEFve\n"), "Windows-1251");
    /* "Москва", "Казань" in Windows-1251. */
    const char *cp = "id,city\r\n1,\xCC\xEE\xF1\xEA\xE2\xE0\r\n2,\xCA\xE0\xE7\xE0\xED\xFC\r\n";
    read_fails(mkstr("cp1251.csv", cp), ERR_DATA, ":2:2:", "byte column 3", "0xCC",
               "invalid UTF-8; the file looks like Windows-1251: convert it with `iconv -f cp1251 -t utf-8`", NULL);
    /* Cyrillic header in cp1251: the error is on line 1. */
    read_fails(mkstr("cp1251h.csv", "id,\xE3\xEE\xF0\xEE\xE4\r\n1,2\r\n"), ERR_DATA, ":1:2:", "byte column 4",
               "Windows-1251", NULL);
    read_fails(mkstr("overlong.csv", "id,x\n1,\xC0\xAF\n"), ERR_DATA, ":2:2:", "invalid UTF-8", "0xC0", NULL);
    read_fails(mkstr("overlong3.csv", "id,x\n1,\xE0\x80\xAF\n"), ERR_DATA, ":2:2:", "invalid UTF-8", "0xE0", NULL);
    read_fails(mkstr("overlong4.csv", "id,x\n1,\xF0\x8F\xBF\xBF\n"), ERR_DATA, ":2:2:", "invalid UTF-8", NULL);
    read_fails(mkstr("surrogate.csv", "id,x\n1,\xED\xA0\x80\n"), ERR_DATA, ":2:2:", "invalid UTF-8", "0xED", NULL);
    read_fails(mkstr("toobig.csv", "id,x\n1,\xF4\x90\x80\x80\n"), ERR_DATA, ":2:2:", "invalid UTF-8", NULL);
    read_fails(mkstr("cont.csv", "id,x\n1,a\x80\n"), ERR_DATA, ":2:2:", "byte column 4", "0x80", NULL);
    read_fails(mkstr("trunc.csv", "id,x\n1,\xD0"), ERR_DATA, ":2:2:", "invalid UTF-8", "0xD0", NULL);
    read_fails(mkstr("u16bom.csv", "\xFF\xFEi\x00"), ERR_DATA, ":1:1:", "invalid UTF-8", "UTF-16", NULL);
    /* A bad byte inside a quoted field: field index and its own line. */
    read_fails(mkstr("qbad.csv", "id,x,y\n1,\"ok\nstill \xFF\",3\n"), ERR_DATA, ":3:2:", "byte column 7", NULL);
}

TEST(test_error_quotes)
{
    read_fails(mkstr("open.csv", "id,x\n1,ok\n2,\"never\nclosed\n"), ERR_DATA, ":3:2:",
               "expected a closing quote for the field opened on line 3, found the end of the file", NULL);
    read_fails(mkstr("open2.csv", "id,x\n\"abc"), ERR_DATA, ":2:1:", "closing quote", "end of the file", NULL);
    read_fails(mkstr("stray.csv", "id,x\n1,ab\"c\n"), ERR_DATA, ":2:2:", "expected no quote inside an unquoted field",
               "found '\"'", NULL);
    read_fails(mkstr("after.csv", "id,x,y\n1,\"ab\"c,3\n"), ERR_DATA, ":2:2:",
               "expected a separator or a line end after the closing quote, found 'c'", NULL);
    read_fails(mkstr("after2.csv", "id,x\n\"a\" ,1\n"), ERR_DATA, ":2:1:", "after the closing quote", "found a space",
               NULL);
}

TEST(test_error_header_names)
{
    read_fails(mkstr("dup.csv", "id,a,b,a\n1,2,3,4\n"), ERR_DATA, ":1:4:",
               "expected unique column names, found \"a\" again (first in column 2)", NULL);
    read_fails(mkstr("dup3.csv", "z,y,z,y,z\n"), ERR_DATA, ":1:3:", "\"z\" again (first in column 1)", NULL);
    read_fails(mkstr("noname.csv", "id,,b\n1,2,3\n"), ERR_DATA, ":1:2:", "expected a column name, found an empty one",
               NULL);
    read_fails(mkstr("noname2.csv", "id,a,\n"), ERR_DATA, ":1:3:", "column name", NULL);
}

/* ------------------------------------------------------------ num_parse -- */

TEST(test_num_parse_accepts)
{
    struct {
        const char *s;
        char dec;
        double want;
    } ok[] = {
        {"0", '.', 0.0},          {"42", '.', 42.0},       {"-3.25", '.', -3.25},    {"+7", '.', 7.0},
        {"0,98", ',', 0.98},      {"3,28", ',', 3.28},     {" 12.5 ", '.', 12.5},    {"\t-1\t", '.', -1.0},
        {"5.", '.', 5.0},         {".5", '.', 0.5},        {",5", ',', 0.5},         {"-1e3", '.', -1000.0},
        {"2.5E-2", '.', 0.025},   {"1,5e+2", ',', 150.0},  {"007", '.', 7.0},        {"106862.2", '.', 106862.2},
        {"1e-400", '.', 0.0},     {"-0", '.', -0.0},
    };
    for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) {
        double v = NAN;
        if (num_parse(ok[k].s, ok[k].dec, &v) != 0)
            fail_msg("num_parse(\"%s\", '%c') rejected", ok[k].s, ok[k].dec);
        if (!(v == ok[k].want))
            fail_msg("num_parse(\"%s\") = %.17g, want %.17g", ok[k].s, v, ok[k].want);
    }
    /* A long but valid number (longer than the on-stack copy). */
    char longnum[300];
    memset(longnum, '0', sizeof longnum);
    longnum[0] = '0';
    longnum[1] = ',';
    longnum[sizeof longnum - 2] = '1';
    longnum[sizeof longnum - 1] = '\0';
    double v = 0;
    assert_int_equal(num_parse(longnum, ',', &v), 0);
    assert_true(v > 0 && v < 1e-290);
}

TEST(test_num_parse_rejects)
{
    struct {
        const char *s;
        char dec;
    } bad[] = {
        {"", '.'},       {"   ", '.'},     {"NaN", '.'},   {"nan", '.'},     {"inf", '.'},    {"-inf", '.'},
        {"Infinity", '.'}, {"1e999", '.'}, {"-1e999", '.'}, {"1 234,5", ','}, {"1 234", '.'},  {"1.5", ','},
        {"1,5", '.'},    {"0x10", '.'},    {"1e", '.'},    {"1e+", '.'},     {".", '.'},      {"-", '.'},
        {"12abc", '.'},  {"1..2", '.'},    {"1,2,3", ','}, {"--1", '.'},     {"1e5.5", '.'},  {"e5", '.'},
        {"1.0", 'x'},    {"1,234.5", '.'}, {"١", '.'},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        double v = 123.0;
        if (num_parse(bad[k].s, bad[k].dec, &v) == 0)
            fail_msg("num_parse(\"%s\", '%c') accepted as %.17g", bad[k].s, bad[k].dec, v);
        assert_true(v == 123.0); /* untouched on failure */
    }
    double v;
    assert_int_not_equal(num_parse(NULL, '.', &v), 0);
}

TEST_MAIN_NAMED("csvread", group_setup, group_teardown, cmocka_unit_test(test_real_market_file),
          cmocka_unit_test(test_real_money_semicolon_decimal_comma), cmocka_unit_test(test_real_market_money_and_time),
          cmocka_unit_test(test_bom_stripped), cmocka_unit_test(test_lf),
          cmocka_unit_test(test_mixed_line_ends_no_final_newline), cmocka_unit_test(test_quoted_separator_and_newline),
          cmocka_unit_test(test_sniff_and_given_separator),
          cmocka_unit_test(test_header_only_empty_cells_spaces_blank_lines), cmocka_unit_test(test_chunk_boundaries),
          cmocka_unit_test(test_many_rows), cmocka_unit_test(test_error_io_and_empty),
          cmocka_unit_test(test_error_ragged), cmocka_unit_test(test_error_nul), cmocka_unit_test(test_error_utf8),
          cmocka_unit_test(test_error_quotes), cmocka_unit_test(test_error_header_names),
          cmocka_unit_test(test_num_parse_accepts), cmocka_unit_test(test_num_parse_rejects))
