/* Tests for lib/xlsxout: a workbook with Cyrillic sheets, a formula-looking
 * string, percent and money columns, a colour scale, a chart and an image;
 * written twice and compared byte for byte. The parts are read back with a
 * minimal zip reader (zlib) to check what the XML says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_main.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "out/xlsxout.h"

static char dir[] = "/tmp/test_xlsxout.XXXXXX";

/* A valid 1x1 RGBA PNG (68 bytes), made with Python's zlib and struct. */
static const unsigned char png1x1[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00,
    0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00,
    0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    b[*n] = '\0';
    fclose(f);
    return b;
}

static unsigned le16(const unsigned char *p)
{
    return p[0] | (unsigned)p[1] << 8;
}

static unsigned long le32(const unsigned char *p)
{
    return le16(p) | (unsigned long)le16(p + 2) << 16;
}

/* The inflated content of zip member `name`, NUL-terminated, or NULL. Walks
 * the local headers (minizip fills their sizes in). */
static char *zip_member(const char *zip, size_t n, const char *name)
{
    const unsigned char *z = (const unsigned char *)zip;
    size_t pos = 0;
    while (pos + 30 <= n && le32(z + pos) == 0x04034b50) {
        unsigned method = le16(z + pos + 8);
        unsigned long csize = le32(z + pos + 18), usize = le32(z + pos + 22);
        unsigned nlen = le16(z + pos + 26), xlen = le16(z + pos + 28);
        const unsigned char *fname = z + pos + 30, *data = fname + nlen + xlen;
        if (nlen == strlen(name) && memcmp(fname, name, nlen) == 0) {
            char *out = malloc(usize + 1);
            if (method == 0) {
                memcpy(out, data, usize);
            } else {
                z_stream s;
                memset(&s, 0, sizeof s);
                inflateInit2(&s, -MAX_WBITS);
                s.next_in = (unsigned char *)data;
                s.avail_in = (uInt)csize;
                s.next_out = (unsigned char *)out;
                s.avail_out = (uInt)usize;
                int rc = inflate(&s, Z_FINISH);
                inflateEnd(&s);
                assert_int_equal(rc, Z_STREAM_END);
            }
            out[usize] = '\0';
            return out;
        }
        pos = (size_t)(data - z) + csize;
    }
    return NULL;
}

static int count_entries(void)
{
    DIR *d = opendir(dir);
    int k = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        k += de->d_name[0] != '.';
    closedir(d);
    return k;
}

static struct xlsxout_table *customers(void)
{
    const char *head[] = {"id", "Сегмент", "Вероятность снижения", "Прибыль, руб.", "Оценка", "Комментарий"};
    const enum xlsxout_kind kinds[] = {XLSXOUT_INT,   XLSXOUT_TEXT,   XLSXOUT_PERCENT,
                                       XLSXOUT_MONEY, XLSXOUT_NUMBER, XLSXOUT_TEXT};
    struct xlsxout_table *t = xlsxout_table_alloc(6, head, kinds);
    struct err e = {0};
    const char *r1[] = {"215348", "Высокий риск, высокая прибыль", "0.9123", "1234567.891", "0.87345", "=1+1"};
    const char *r2[] = {"215349", "Низкий риск", "0.05", "-12.5", "3", "обычный"};
    const char *r3[] = {"215350", "Средний", "", NULL, "1e-3", "+7 (900) 000-00-00"};
    assert_int_equal(xlsxout_table_add_row(t, r1, &e), 0);
    assert_int_equal(xlsxout_table_add_row(t, r2, &e), 0);
    assert_int_equal(xlsxout_table_add_row(t, r3, &e), 0);
    return t;
}

static void write_workbook(const char *path)
{
    struct err e = {0};
    char png[512];
    snprintf(png, sizeof png, "%s/roc.png", dir);
    struct xlsxout *x;
    assert_int_equal(xlsxout_open(path, 1700000000, &x, &e), 0);
    const char *notes[] = {"Отчёт «В один клик»", "", "Данные синтетические: цифры не про реальных клиентов."};
    assert_int_equal(xlsxout_sheet_text(x, "О данных", notes, 3, NULL, &e), 0);
    struct xlsxout_table *t = customers();
    lxw_worksheet *ws;
    int rc = xlsxout_sheet_from_table(x, "Клиенты", t, &ws, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_non_null(ws);
    assert_int_equal(xlsxout_color_scale(ws, t, 2, 0, &e), 0);
    assert_int_equal(xlsxout_color_scale(ws, t, 1, 0, &e), ERR_USAGE); /* text column */
    lxw_worksheet *charts;
    const char *title[] = {"Графики"};
    assert_int_equal(xlsxout_sheet_text(x, "Графики", title, 1, &charts, &e), 0);
    rc = xlsxout_bar_chart(x, charts, 1, 0, "Клиенты", t, 1, 2, "Вероятность снижения по сегментам", 1, &e);
    if (rc)
        fail_msg("%s", e.msg);
    assert_int_equal(xlsxout_insert_png(charts, 20, 0, png, 0.5, "ROC-кривая", &e), 0);
    assert_int_equal(xlsxout_close(x, &e), 0);
    xlsxout_table_free(t);
}

/* The Клиенты sheet of the workbook in da: inline strings, no formula, the
 * frozen header and the filter, numbers as numbers, widths, the colour scale. */
static void check_sheet(const char *da, size_t na)
{
    char *s2 = zip_member(da, na, "xl/worksheets/sheet2.xml");
    assert_non_null(s2);
    assert_non_null(strstr(s2, "t=\"inlineStr\"><is><t>=1+1</t></is>"));
    assert_non_null(strstr(s2, "<is><t>Высокий риск, высокая прибыль</t></is>"));
    assert_non_null(strstr(s2, "<is><t>+7 (900) 000-00-00</t></is>"));
    assert_null(strstr(s2, "<f>")); /* no formula anywhere */
    assert_non_null(strstr(s2, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
    assert_non_null(strstr(s2, "<autoFilter ref=\"A1:F4\"/>"));
    /* Numbers are numbers: id, fraction, money, 3-decimal. */
    assert_non_null(strstr(s2, "<c r=\"A2\" s=\"3\"><v>215348</v></c>"));
    assert_non_null(strstr(s2, "<c r=\"C2\" s=\"5\"><v>0.9123</v></c>"));
    assert_non_null(strstr(s2, "<c r=\"D2\" s=\"6\"><v>1234567.891</v></c>"));
    assert_non_null(strstr(s2, "<c r=\"E4\" s=\"7\"><v>0.001</v></c>"));
    /* Empty cells stay blank. */
    assert_null(strstr(s2, "r=\"C4\""));
    assert_null(strstr(s2, "r=\"D4\""));
    /* Widths: "Сегмент" column fits its 29-character longest value (+1);
     * "Вероятность снижения" its 20-character header (+2 +1). */
    assert_non_null(strstr(s2, "<col min=\"2\" max=\"2\" width=\"30.7109375\" customWidth=\"1\"/>"));
    assert_non_null(strstr(s2, "<col min=\"3\" max=\"3\" width=\"23.7109375\" customWidth=\"1\"/>"));
    /* The colour scale, green (low risk) to red. */
    assert_non_null(strstr(s2, "<conditionalFormatting sqref=\"C2:C4\">"));
    assert_non_null(strstr(s2, "<color rgb=\"FF63BE7B\"/><color rgb=\"FFFFEB84\"/><color rgb=\"FFF8696B\"/>"));
    free(s2);
}

/* The styles, the native chart (bars, top-down) and the embedded image. */
static void check_parts(const char *da, size_t na)
{
    char *styles = zip_member(da, na, "xl/styles.xml");
    assert_non_null(strstr(styles, "formatCode=\"0.0%\""));
    assert_non_null(strstr(styles, "formatCode=\"#,##0.00\""));
    assert_non_null(strstr(styles, "formatCode=\"0.000\""));
    char *chart = zip_member(da, na, "xl/charts/chart1.xml");
    assert_non_null(chart);
    assert_non_null(strstr(chart, "<c:barDir val=\"bar\"/>"));
    assert_non_null(strstr(chart, "<c:f>'Клиенты'!$B$2:$B$4</c:f>"));
    assert_non_null(strstr(chart, "<c:f>'Клиенты'!$C$2:$C$4</c:f>"));
    /* The category axis reads top-down. */
    const char *cat = strstr(chart, "<c:catAx>");
    assert_non_null(cat);
    assert_non_null(strstr(cat, "<c:orientation val=\"maxMin\"/>"));
    assert_true(strstr(cat, "<c:orientation val=\"maxMin\"/>") < strstr(cat, "</c:catAx>"));
    char *img = zip_member(da, na, "xl/media/image1.png");
    assert_non_null(img);
    assert_memory_equal(img, png1x1, sizeof png1x1);
    free(styles);
    free(chart);
    free(img);
}

TEST(test_workbook)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/a.xlsx", dir);
    snprintf(b, sizeof b, "%s/b.xlsx", dir);
    write_workbook(a);
    /* A second apart: any clock in the file would show. */
    sleep(1);
    write_workbook(b);
    assert_int_equal(count_entries(), 3); /* roc.png, a.xlsx, b.xlsx: no temporaries left */
    size_t na, nb;
    char *da = slurp(a, &na), *db = slurp(b, &nb);
    assert_non_null(da);
    assert_int_equal(na, nb);
    assert_memory_equal(da, db, na);
    free(db);

    char *core = zip_member(da, na, "docProps/core.xml");
    assert_non_null(core);
    assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-11-14T22:13:20Z</dcterms:created>"));
    char *wb = zip_member(da, na, "xl/workbook.xml");
    assert_non_null(strstr(wb, "<sheet name=\"О данных\" sheetId=\"1\""));
    assert_non_null(strstr(wb, "<sheet name=\"Клиенты\" sheetId=\"2\""));
    assert_non_null(strstr(wb, "<sheet name=\"Графики\" sheetId=\"3\""));
    /* The autofilter's defined name spans the header and 3 rows, 6 columns. */
    assert_non_null(strstr(wb, "'Клиенты'!$A$1:$F$4"));
    /* constant_memory: strings are inline in the sheet, no shared table. */
    assert_null(zip_member(da, na, "xl/sharedStrings.xml"));
    check_sheet(da, na);
    check_parts(da, na);
    free(core);
    free(wb);
    free(da);
    /* XLSXOUT_TEST_KEEP=path keeps a copy for tests/oracle/check_xlsx.py. */
    const char *keep = getenv("XLSXOUT_TEST_KEEP");
    if (keep)
        write_workbook(keep);
    unlink(a);
    unlink(b);
}

TEST(test_errors)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bad.xlsx", dir);
    struct err e = {0};
    struct xlsxout *x;
    assert_int_equal(xlsxout_open(path, 1700000000, &x, &e), 0);
    struct xlsxout_table *t = customers();
    assert_int_equal(xlsxout_sheet_from_table(x, "a/b", t, NULL, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "xlsxout: sheet \"a/b\": "));
    assert_int_equal(xlsxout_sheet_from_table(x, "Очень длинное имя листа больше 31", t, NULL, &e), ERR_DATA);
    assert_int_equal(xlsxout_sheet_from_table(x, "Клиенты", t, NULL, &e), 0);
    assert_int_equal(xlsxout_sheet_from_table(x, "Клиенты", t, NULL, &e), ERR_DATA); /* taken */
    const char *bad[] = {"215351", "x", "12%", "1", "1", ""};
    assert_int_equal(xlsxout_table_add_row(t, bad, &e), 0);
    assert_int_equal(xlsxout_sheet_from_table(x, "Лист2", t, NULL, &e), ERR_DATA);
    assert_string_equal(e.msg, "xlsxout: sheet \"Лист2\" cell C5: expected a fraction for a percent, found \"12%\"");
    const char *head[] = {"n", "x"};
    const enum xlsxout_kind kinds[] = {XLSXOUT_INT, XLSXOUT_MONEY};
    const char *cases[][2] = {{"1.5", "1"}, {"1", "nan"}, {"1", "0x10"}, {"1", " 5"}, {"1", "1e999"}, {"1", "5 "}};
    const char *want[] = {"cell A2: expected an integer, found \"1.5\"",
                          "cell B2: expected an amount of money, found \"nan\"",
                          "cell B2: expected an amount of money, found \"0x10\"",
                          "cell B2: expected an amount of money, found \" 5\"",
                          "cell B2: expected an amount of money, found \"1e999\"",
                          "cell B2: expected an amount of money, found \"5 \""};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct xlsxout_table *u = xlsxout_table_alloc(2, head, kinds);
        assert_int_equal(xlsxout_table_add_row(u, cases[i], &e), 0);
        char name[16];
        snprintf(name, sizeof name, "t%zu", i);
        assert_int_equal(xlsxout_sheet_from_table(x, name, u, NULL, &e), ERR_DATA);
        assert_non_null(strstr(e.msg, want[i]));
        xlsxout_table_free(u);
    }
    assert_int_equal(xlsxout_insert_png(NULL, 0, 0, "/nonexistent.png", 1, NULL, &e), ERR_IO);
    char notpng[512];
    snprintf(notpng, sizeof notpng, "%s/not.png", dir);
    FILE *f = fopen(notpng, "w");
    fputs("GIF89a", f);
    fclose(f);
    assert_int_equal(xlsxout_insert_png(NULL, 0, 0, notpng, 1, NULL, &e), ERR_DATA);
    assert_non_null(strstr(e.msg, "expected a PNG file"));
    unlink(notpng);
    /* Abort leaves nothing behind. */
    xlsxout_abort(x);
    xlsxout_table_free(t);
    assert_int_equal(count_entries(), 1); /* roc.png */
    assert_int_equal(xlsxout_open("/nonexistent-dir/x.xlsx", 1, &x, &e), ERR_IO);
}

/* The header as the caller sets it, known before the rows are written (in
 * constant_memory a row's height set after its cells would be lost). */
TEST(test_header_with)
{
    char path[512];
    snprintf(path, sizeof path, "%s/h.xlsx", dir);
    struct err e = {0};
    struct xlsxout *x;
    assert_int_equal(xlsxout_open(path, 1700000000, &x, &e), 0);
    lxw_format *head = workbook_add_format(x->wb);
    format_set_bg_color(head, 0xDCE6F1);
    struct xlsxout_table *t = customers();
    const size_t width[6] = {10, 20, 30, 12, 9, 40};
    struct xlsxout_header h = {head, 33.0, width};
    assert_int_equal(xlsxout_sheet_from_table_with(x, "Клиенты", t, &h, NULL, &e), 0);
    assert_int_equal(xlsxout_close(x, &e), 0);
    size_t n;
    char *d = slurp(path, &n);
    char *s1 = zip_member(d, n, "xl/worksheets/sheet1.xml"), *styles = zip_member(d, n, "xl/styles.xml");
    assert_non_null(strstr(s1, "<row r=\"1\" ht=\"33\" customHeight=\"1\">"));
    assert_non_null(strstr(s1, "<col min=\"2\" max=\"2\" width=\"20.7109375\" customWidth=\"1\"/>"));
    assert_non_null(strstr(s1, "<col min=\"6\" max=\"6\" width=\"40.7109375\" customWidth=\"1\"/>"));
    assert_non_null(strstr(s1, "<is><t>Вероятность снижения</t></is>"));
    assert_non_null(strstr(styles, "<fgColor rgb=\"FFDCE6F1\"/>"));
    /* The data rows follow the header, all of them. */
    assert_non_null(strstr(s1, "<row r=\"4\""));
    free(s1);
    free(styles);
    free(d);
    xlsxout_table_free(t);
    unlink(path);
}

TEST(test_created)
{
    struct err e = {0};
    time_t t = 0;
    unsetenv("SOURCE_DATE_EPOCH");
    assert_int_equal(xlsxout_created(42, &t, &e), 0);
    assert_int_equal(t, 42);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    assert_int_equal(xlsxout_created(42, &t, &e), 0);
    assert_int_equal(t, 1700000000);
    setenv("SOURCE_DATE_EPOCH", "17e8", 1);
    assert_int_equal(xlsxout_created(42, &t, &e), ERR_USAGE);
    assert_string_equal(e.msg, "SOURCE_DATE_EPOCH: expected seconds since 1970 as an integer, found \"17e8\"");
    setenv("SOURCE_DATE_EPOCH", "-5", 1);
    assert_int_equal(xlsxout_created(42, &t, &e), ERR_USAGE);
    setenv("SOURCE_DATE_EPOCH", "", 1);
    assert_int_equal(xlsxout_created(42, &t, &e), ERR_USAGE);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_int_equal(xlsxout_width("Сегмент"), 7);
    assert_int_equal(xlsxout_width("a€😀"), 3);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    char png[512];
    snprintf(png, sizeof png, "%s/roc.png", dir);
    FILE *f = fopen(png, "wb");
    fwrite(png1x1, 1, sizeof png1x1, f);
    fclose(f);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workbook),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_header_with),
        cmocka_unit_test(test_created),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(png);
    rmdir(dir);
    return rc;
}
