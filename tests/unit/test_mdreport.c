/* Tests for lib/mdreport: value formats, placeholders, tables, embedded
 * figures, and diagnostics that name the template line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/kv.h"
#include "out/mdreport.h"

#define NNBSP "\xE2\x80\xAF"
#define MINUS "\xE2\x88\x92"
#define NBSP "\xC2\xA0"

static char dir[] = "/tmp/test_mdreport.XXXXXX";

/* A valid 1x1 RGBA PNG (68 bytes), made with Python's zlib and struct. */
static const unsigned char png1x1[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00,
    0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00,
    0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

static void put(const char *rel, const void *data, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(data, 1, n, f);
    fclose(f);
}

static void put_str(const char *rel, const char *s)
{
    put(rel, s, strlen(s));
}

static void fmt_ok(const char *raw, const char *fmt, const char *want)
{
    char out[128];
    struct err e = {0};
    int rc = mdreport_format(raw, fmt, out, sizeof out, &e);
    if (rc)
        fail_msg("%s|%s: %s", raw, fmt ? fmt : "", e.msg);
    assert_string_equal(out, want);
}

static void fmt_err(const char *raw, const char *fmt, const char *msg)
{
    char out[128];
    struct err e = {0};
    assert_int_equal(mdreport_format(raw, fmt, out, sizeof out, &e), ERR_DATA);
    assert_string_equal(e.msg, msg);
}

TEST(test_format)
{
    fmt_ok("Снизилась", NULL, "Снизилась");
    fmt_ok("0.30000000000000004", "", "0.30000000000000004");
    fmt_ok("0.87345", "%.3f", "0,873");
    fmt_ok("12345.678", "%.2e", "1,23e+04");
    fmt_ok("0.5", "%+8.2f", "   +0,50");
    fmt_ok("0.1234", "pct", "12,3" NBSP "%");
    fmt_ok("1", "pct", "100" NBSP "%"); /* a round share: no ",0" */
    fmt_ok("0.3", "pct", "30" NBSP "%");
    fmt_ok("0.0005", "pct", "0,1" NBSP "%"); /* 0.05 rounds up: 0.0005*100 = 0.05000000000000000277 */
    fmt_ok("-0.0001", "pct", "0" NBSP "%");
    fmt_ok("-0.25", "pct", MINUS "25" NBSP "%"); /* the minus sign, never a hyphen */
    fmt_ok("-0.057", "%.1f", MINUS "0,1");
    fmt_ok("1300", "int", "1" NNBSP "300");
    fmt_ok("999", "int", "999");
    fmt_ok("1299.6", "int", "1" NNBSP "300");
    fmt_ok("2.5", "int", "3");
    fmt_ok("-2.5", "int", MINUS "3");
    fmt_ok("-0.4", "int", "0");
    fmt_ok("-1234567", "int", MINUS "1" NNBSP "234" NNBSP "567");
    fmt_ok("1234567.891", "money", "1" NNBSP "234" NNBSP "567,9"); /* one decimal: a hundred roubles */
    fmt_ok("-1234.5", "money", MINUS "1" NNBSP "234,5");
    fmt_ok("0.05", "rub", "50");
    fmt_ok("4.44e-16", "sci", "4,4\u00b710\u207b\u00b9\u2076");
    fmt_ok("-12345", "sci", MINUS "1,2\u00b710\u2074");
    fmt_ok("0", "sci", "0");
    fmt_ok("4585.733", "num", "4" NNBSP "585,7");
    fmt_ok("9.8379", "num", "9,84");
    fmt_ok("-0.23316", "num", MINUS "0,233");
    fmt_ok("1.2345", "rub", "1" NNBSP "235");
    fmt_ok("0", "money", "0,0");
    fmt_ok("100000", "money", "100" NNBSP "000,0");
    fmt_err("abc", "pct", "expected a number, found \"abc\"");
    fmt_err("", "int", "expected a number, found \"\"");
    fmt_err("1.5x", "%.3f", "expected a number, found \"1.5x\"");
    fmt_err("nan", "money", "expected a finite number, found \"nan\"");
    fmt_err("1", "%d", "expected a format (%.3f-like, pct, int, money, rub, sci, num), found \"%d\"");
    fmt_err("1", "%.3f%s", "expected a format (%.3f-like, pct, int, money, rub, sci, num), found \"%.3f%s\"");
    fmt_err("1", "percent", "expected a format (%.3f-like, pct, int, money, rub, sci, num), found \"percent\"");
    fmt_err("1e300", "int", "expected a number below 1e15, found \"1e300\"");
}

static struct kvset *values(void)
{
    struct err e = {0};
    struct kvset *s = kvset_alloc();
    struct kv *m = kv_alloc();
    kv_set_double(m, "test_roc_auc", 0.87345, &e);
    kv_set_double(m, "share", 0.3846, &e);
    kv_set_str(m, "weird", "<b>&*x*_y_", &e);
    kvset_add(s, "metrics", m, &e);
    struct kv *c = kv_alloc();
    kv_set_long(c, "n_rows", 1300, &e);
    kv_set_double(c, "profit", 1234567.891, &e);
    kvset_add(s, "counts", c, &e);
    return s;
}

static int render(const char *md, const char *banner, char **html, struct err *e)
{
    struct kvset *s = values();
    struct mdreport_opts o = {kvset_lookup, s, dir, NULL, banner, "study.md"};
    int rc = mdreport_render(md, strlen(md), &o, html, e);
    kvset_free(s);
    return rc;
}

TEST(test_values)
{
    const char *md = "# Отчёт {{counts.n_rows|int}}\n"
                     "\n"
                     "ROC AUC на тесте: {{metrics.test_roc_auc|%.3f}}, доля {{ metrics.share | pct }},\n"
                     "прибыль {{counts.profit|money}} руб.\n"
                     "\n"
                     "Сырое: {{metrics.test_roc_auc}}; `{{counts.n_rows}}`; {{metrics.weird}}\n"
                     "\n"
                     "<div class=\"x\">{{metrics.weird}}</div>\n";
    char *html;
    struct err e = {0};
    int rc = render(md, "Данные синтетические", &html, &e);
    if (rc)
        fail_msg("%s", e.msg);
    const char *want = "<!doctype html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n";
    assert_memory_equal(html, want, strlen(want));
    assert_non_null(strstr(html, "<title>Отчёт 1" NNBSP "300</title>"));
    assert_non_null(strstr(html, "<body>\n<p class=\"banner\">Данные синтетические</p>\n<h1>Отчёт 1" NNBSP
                                 "300</h1>\n"));
    assert_non_null(strstr(html, "<p>ROC AUC на тесте: 0,873, доля 38,5" NBSP "%,\nприбыль 1" NNBSP "234" NNBSP
                                 "567,9 руб.</p>\n"));
    /* Raw values are literal text: Markdown in them is not interpreted,
     * HTML in them is escaped, in text and in raw HTML alike. */
    assert_non_null(strstr(html, "<p>Сырое: 0.87344999999999995; <code>1300</code>; &lt;b&gt;&amp;*x*_y_</p>\n"));
    assert_non_null(strstr(html, "<div class=\"x\">&lt;b&gt;&amp;*x*_y_</div>\n"));
    assert_null(strstr(html, "{{"));
    assert_non_null(strstr(html, "@media print"));
    assert_non_null(strstr(html, "</body>\n</html>\n"));

    /* Deterministic: the same input gives the same bytes. */
    char *again;
    assert_int_equal(render(md, "Данные синтетические", &again, &e), 0);
    assert_string_equal(html, again);
    free(again);
    free(html);

    /* No banner; title falls back to "Отчёт" without a heading. */
    assert_int_equal(render("просто текст\n", NULL, &html, &e), 0);
    assert_null(strstr(html, "banner\">"));
    assert_non_null(strstr(html, "<title>Отчёт</title>"));
    free(html);
}

static void render_err(const char *md, int code, const char *msg)
{
    char *html = (char *)1;
    struct err e = {0};
    assert_int_equal(render(md, NULL, &html, &e), code);
    assert_null(html);
    char want[1024];
    snprintf(want, sizeof want, msg, dir);
    assert_string_equal(e.msg, want);
}

TEST(test_errors)
{
    render_err("# Т\n\nСтрока {{metrics.test_roc_auc}} и {{metrics.roc}}.\n", ERR_DATA,
               "study.md:3:35: expected a value for {{metrics.roc}}, found no key \"roc\" in \"metrics\"");
    render_err("a\n\n- пункт\n- ещё {{other.x|pct}}\n", ERR_DATA,
               "study.md:4:7: expected a value for {{other.x}}, found no key \"x\" in \"other\"");
    render_err("Доля {{metrics.weird|pct}}\n", ERR_DATA,
               "study.md:1:6: {{metrics.weird|pct}}: expected a number, found \"<b>&*x*_y_\"");
    render_err("Доля {{metrics.share|pcnt}}\n", ERR_DATA,
               "study.md:1:6: {{metrics.share|pcnt}}: expected a format (%%.3f-like, pct, int, money, rub, sci, num), found "
               "\"pcnt\"");
    render_err("x {{metrics}}\n", ERR_DATA, "study.md:1:3: expected {{name.key}} or {{name.key|format}}, found {{metrics}}");
    render_err("x {{metrics.share\n", ERR_DATA, "study.md:1:3: expected }} closing the placeholder, found end of line");
    render_err("Таблица: {{table:t.tsv|3}}\n", ERR_DATA,
               "study.md:1:10: expected {{table:...}} alone in its paragraph, found it inside text");
    render_err("```\nкод\n{{counts.zz}}\n```\n", ERR_DATA,
               "study.md:3:1: expected a value for {{counts.zz}}, found no key \"zz\" in \"counts\"");
    render_err("<p>\n{{counts.zz}}\n</p>\n", ERR_DATA,
               "study.md:2:1: expected a value for {{counts.zz}}, found no key \"zz\" in \"counts\"");
    render_err("Текст\n\n![ROC-кривая](figures/none.png)\n", ERR_IO,
               "study.md:3:1: expected a figure at \"%s/figures/none.png\", found none (No such file or directory)");
    render_err("Текст\n\nи ![x](notpng.png)\n", ERR_DATA,
               "study.md:3:3: expected a PNG figure at \"%s/notpng.png\", found another kind of file");
    render_err("![x](https://example.com/a.png)\n", ERR_DATA,
               "study.md:1:1: expected the path of a local PNG figure, found \"https://example.com/a.png\"");
    render_err("{{table:none.tsv}}\n", ERR_IO,
               "study.md:1:1: expected a table at \"%s/none.tsv\", found none (No such file or directory)");
    render_err("{{table:ragged.tsv}}\n", ERR_DATA, "%s/ragged.tsv:3:1: expected 2 cells as in the header, found 3");
    render_err("{{table:t.tsv|x}}\n", ERR_DATA, "study.md:1:1: expected a row count after \"t.tsv|\", found \"x\"");
    render_err("{{table:t.tsv|2|pct}}\n", ERR_DATA,
               "study.md:1:1: expected a printf format for the table's numbers, found \"pct\"");
}

TEST(test_table_and_figure)
{
    const char *md = "# Итоги\n"
                     "\n"
                     "{{table:t.tsv|2|%.2f}}\n"
                     "\n"
                     "![ROC-кривая, *тест*](figures/roc.png)\n"
                     "\n"
                     "Текст ![мини](figures/roc.png) в строке.\n"
                     "\n"
                     "  {{table:t.tsv}}\n";
    char *html;
    struct err e = {0};
    int rc = render(md, NULL, &html, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_non_null(strstr(html, "<div class=\"table-wrap\"><table>\n"
                                 "<thead><tr><th>признак</th><th>&lt;значение&gt;</th></tr></thead>\n"
                                 "<tbody>\n"
                                 "<tr><td>Маркет&amp;актив</td><td class=\"num\">0,12</td></tr>\n"
                                 "<tr><td>id</td><td class=\"num\">215348</td></tr>\n"
                                 "</tbody>\n</table></div>\n"));
    /* Without N: all rows, cells as written. */
    assert_non_null(strstr(html, "<tr><td>id</td><td class=\"num\">215348</td></tr>\n"
                                 "<tr><td>нет</td><td></td></tr>\n"
                                 "<tr><td>x</td><td class=\"num\">0,98765</td></tr>\n"
                                 "</tbody>"));
    /* base64 of the 68 bytes (Python's base64.b64encode). */
    const char *b64 = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR42mNgAAIAAAUAAen63NgAAAAASUVORK5CYII=";
    char want[1024];
    snprintf(want, sizeof want,
             "<figure>\n<p><img src=\"%s\" alt=\"ROC-кривая, тест\" /></p>\n"
             "<figcaption>ROC-кривая, тест</figcaption></figure>\n",
             b64);
    assert_non_null(strstr(html, want));
    snprintf(want, sizeof want, "<p>Текст <img src=\"%s\" alt=\"мини\" /> в строке.</p>\n", b64);
    assert_non_null(strstr(html, want));
    free(html);
}

TEST(test_render_file)
{
    char tpl[512], out[512];
    snprintf(tpl, sizeof tpl, "%s/study.md", dir);
    snprintf(out, sizeof out, "%s/report.html", dir);
    put_str("study.md", "# Отчёт\n\nСтрок: {{counts.n_rows|int}}\n");
    struct kvset *s = values();
    struct mdreport_opts o = {kvset_lookup, s, dir, "Заголовок <Тест>", NULL, NULL};
    struct err e = {0};
    assert_int_equal(mdreport_render_file(tpl, out, &o, &e), 0);
    FILE *f = fopen(out, "rb");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "<title>Заголовок &lt;Тест&gt;</title>"));
    assert_non_null(strstr(buf, "<p>Строк: 1" NNBSP "300</p>"));
    /* Errors are named after the template path and leave no output. */
    put_str("study.md", "# Отчёт\n\nСтрок: {{counts.nope}}\n");
    unlink(out);
    assert_int_equal(mdreport_render_file(tpl, out, &o, &e), ERR_DATA);
    char want[1024];
    snprintf(want, sizeof want, "%s:3:8: expected a value for {{counts.nope}}, found no key \"nope\" in \"counts\"", tpl);
    assert_string_equal(e.msg, want);
    assert_int_equal(access(out, F_OK), -1);
    kvset_free(s);
    unlink(tpl);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    char p[512];
    snprintf(p, sizeof p, "%s/figures", dir);
    mkdir(p, 0777);
    put("figures/roc.png", png1x1, sizeof png1x1);
    put_str("notpng.png", "GIF89a....");
    put_str("t.tsv", "признак\t<значение>\nМаркет&актив\t0.123456\nid\t215348\nнет\t\nx\t0.98765\n");
    put_str("ragged.tsv", "a\tb\n1\t2\n1\t2\t3\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format), cmocka_unit_test(test_values), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_table_and_figure), cmocka_unit_test(test_render_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    const char *files[] = {"figures/roc.png", "notpng.png", "t.tsv", "ragged.tsv", "report.html"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/figures", dir);
    rmdir(p);
    rmdir(dir);
    return rc;
}
