#include "core/mem.h"
#include "out/xlsxout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/outfile.h"
#include "core/utf8.h"

#define XLSX_MAX_ROWS 1048576u
#define XLSX_MAX_COLS 16384u
#define XLSX_MAX_STRING 32767u

/* ---- the table of strings ---- */

struct xlsxout_table *xlsxout_table_alloc(size_t ncols, const char *const *header, const enum xlsxout_kind *kinds)
{
    struct xlsxout_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->header = calloc(ncols ? ncols : 1, sizeof *t->header);
    t->kinds = calloc(ncols ? ncols : 1, sizeof *t->kinds);
    if (!t->header || !t->kinds) {
        xlsxout_table_free(t);
        return NULL;
    }
    for (size_t j = 0; j < ncols; j++) {
        t->header[j] = strdup(header[j] ? header[j] : "");
        if (!t->header[j]) {
            xlsxout_table_free(t);
            return NULL;
        }
        t->kinds[j] = kinds[j];
    }
    return t;
}

/* The cells' strings live in blocks of ARENA_BLOCK bytes or more, freed
 * together: at 10^6 customers the Покупатели sheet has 25 M short strings, and
 * a malloc each cost more in headers and rounding than the text itself. */
enum { ARENA_BLOCK = 1 << 16 };
struct xlsxout_arena {
    struct xlsxout_arena *next;
    size_t used, cap;
    char data[];
};

static char *arena_strdup(struct xlsxout_table *t, const char *s)
{
    size_t n = strlen(s) + 1;
    struct xlsxout_arena *a = t->arena;
    if (!a || a->cap - a->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        if (!(a = malloc(sizeof *a + cap)))
            return NULL;
        a->next = t->arena;
        a->used = 0;
        a->cap = cap;
        t->arena = a;
    }
    char *p = a->data + a->used;
    memcpy(p, s, n);
    a->used += n;
    return p;
}

void xlsxout_table_free(struct xlsxout_table *t)
{
    if (!t)
        return;
    for (size_t j = 0; t->header && j < t->ncols; j++)
        free(t->header[j]);
    while (t->arena) {
        struct xlsxout_arena *next = t->arena->next;
        free(t->arena);
        t->arena = next;
    }
    FREE_ALL(t->header, t->kinds, t->cells, t);
}

int xlsxout_table_add_row(struct xlsxout_table *t, const char *const *cells, struct err *e)
{
    if (t->nrows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 64;
        char **c = realloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof *c);
        if (!c)
            return err_set(e, ERR_NOMEM, "xlsxout: out of memory");
        t->cells = c;
        t->cap_rows = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t j = 0; j < t->ncols; j++) {
        /* On failure the row is not counted; what it copied goes with the arena. */
        row[j] = cells[j] ? arena_strdup(t, cells[j]) : NULL;
        if (cells[j] && !row[j])
            return err_set(e, ERR_NOMEM, "xlsxout: out of memory");
    }
    t->nrows++;
    return ERR_OK;
}

/* ---- workbook ---- */

int xlsxout_created(time_t fallback, time_t *created, struct err *e)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s) {
        *created = fallback;
        return ERR_OK;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || s[0] == '-' || s[0] == '+' || s[0] == ' ' || errno || (long long)(time_t)v != v)
        return err_set(e, ERR_USAGE, "SOURCE_DATE_EPOCH: expected seconds since 1970 as an integer, found \"%s\"", s);
    *created = (time_t)v;
    return ERR_OK;
}

static lxw_format *num_format(lxw_workbook *wb, const char *code)
{
    lxw_format *f = workbook_add_format(wb);
    if (f && code)
        format_set_num_format(f, code);
    /* A row taller than one line (wrapped text beside) reads from the top. */
    if (f)
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

int xlsxout_open(const char *path, time_t created, struct xlsxout **out, struct err *e)
{
    *out = NULL;
    struct xlsxout *x = calloc(1, sizeof *x);
    if (!x || !(x->path = strdup(path))) {
        free(x);
        return err_set(e, ERR_NOMEM, "xlsxout: out of memory");
    }
    int rc = outfile_reserve(path, &x->tmp, e);
    if (rc) {
        free(x->path);
        free(x);
        return rc;
    }
    /* constant_memory: each row goes to a temporary file as soon as the next
     * one starts, so the Покупатели sheet of 10^6 customers is not held whole
     * (about 5 GB); every sheet is written row by row, in order. */
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    x->wb = workbook_new_opt(x->tmp, &opt);
    if (!x->wb) {
        xlsxout_abort(x);
        return err_set(e, ERR_IO, "%s: cannot start the workbook", path);
    }
    /* libxlsxwriter takes created = 0 as "now": that would break byte
     * identity, so the epoch itself becomes one second past it. The zip
     * entries already carry a fixed 1980-01-01 date. */
    lxw_doc_properties props = {0};
    props.created = created ? created : 1;
    struct xlsxout_formats *f = &x->fmt;
    if (workbook_set_properties(x->wb, &props) != LXW_NO_ERROR || !(f->header = workbook_add_format(x->wb)) ||
        !(f->title = workbook_add_format(x->wb)) || !(f->text = num_format(x->wb, NULL)) ||
        !(f->wrap = workbook_add_format(x->wb)) ||
        !(f->integer = num_format(x->wb, "0")) || !(f->number = num_format(x->wb, "0.000")) ||
        !(f->tenths = num_format(x->wb, "0.0")) ||
        !(f->percent = num_format(x->wb, "0.0%")) || !(f->money = num_format(x->wb, "#,##0.00")) ||
        !(f->general = num_format(x->wb, NULL))) {
        xlsxout_abort(x);
        return err_set(e, ERR_NOMEM, "xlsxout: out of memory");
    }
    format_set_bold(f->header);
    format_set_bg_color(f->header, 0xDCE6F1);
    format_set_bottom(f->header, LXW_BORDER_THIN);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    *out = x;
    return ERR_OK;
}

static void release(struct xlsxout *x)
{
    free(x->path);
    free(x->tmp);
    free(x);
}

void xlsxout_abort(struct xlsxout *x)
{
    if (!x)
        return;
    /* libxlsxwriter has no "discard": closing writes the file, which is
     * then removed with the temporary name. */
    if (x->wb)
        workbook_close(x->wb);
    unlink(x->tmp);
    release(x);
}

int xlsxout_close(struct xlsxout *x, struct err *e)
{
    lxw_error le = workbook_close(x->wb);
    x->wb = NULL;
    int rc;
    if (le != LXW_NO_ERROR) {
        unlink(x->tmp);
        rc = err_set(e, ERR_IO, "%s: cannot write the workbook: %s", x->path, lxw_strerror(le));
    } else {
        rc = outfile_commit_path(x->tmp, x->path, e);
    }
    release(x);
    return rc;
}

/* ---- cells ---- */

size_t xlsxout_width(const char *s)
{
    return utf8_count(s, strlen(s));
}

/* A decimal number and nothing else: no blanks, no hex, no nan or inf. */
static int parse_number(const char *s, double *x)
{
    if (!*s || s[0] == ' ' || s[0] == '\t' || s[0] == '+' || strpbrk(s, "xXpP"))
        return 0;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end || !isfinite(d) || (errno == ERANGE && fabs(d) > 1))
        return 0;
    *x = d;
    return 1;
}

static const char *kind_name(enum xlsxout_kind k)
{
    switch (k) {
    case XLSXOUT_INT: return "an integer";
    case XLSXOUT_PERCENT: return "a fraction for a percent";
    case XLSXOUT_MONEY: return "an amount of money";
    default: return "a number";
    }
}

static lxw_format *kind_format(const struct xlsxout *x, enum xlsxout_kind k)
{
    switch (k) {
    case XLSXOUT_TEXT: return x->fmt.text;
    case XLSXOUT_INT: return x->fmt.integer;
    case XLSXOUT_NUMBER: return x->fmt.number;
    case XLSXOUT_PERCENT: return x->fmt.percent;
    case XLSXOUT_MONEY: return x->fmt.money;
    case XLSXOUT_PVALUE: return x->fmt.number;
    case XLSXOUT_TENTHS: return x->fmt.tenths;
    default: return x->fmt.general;
    }
}

/* How many characters the number takes as Excel shows it with the kind's
 * format: what the column must fit. */
static size_t number_width(enum xlsxout_kind k, double v)
{
    char buf[64];
    switch (k) {
    case XLSXOUT_INT: snprintf(buf, sizeof buf, "%.0f", v); break;
    case XLSXOUT_NUMBER: snprintf(buf, sizeof buf, "%.3f", v); break;
    case XLSXOUT_PERCENT: snprintf(buf, sizeof buf, "%.1f%%", v * 100); break;
    case XLSXOUT_MONEY: {
        snprintf(buf, sizeof buf, "%.2f", v);
        size_t digits = strcspn(buf, ".") - (v < 0);
        return strlen(buf) + (digits - 1) / 3;
    }
    default: snprintf(buf, sizeof buf, "%.10g", v); break;
    }
    return strlen(buf);
}

static int cell_error(const char *sheet, size_t row, size_t col, const char *what, const char *found,
                      struct err *e)
{
    char ref[32];
    lxw_rowcol_to_cell(ref, (lxw_row_t)row, (lxw_col_t)col);
    return err_set(e, ERR_DATA, "xlsxout: sheet \"%s\" cell %s: expected %s, found \"%.200s\"", sheet, ref, what, found);
}

static int check_sheet_name(struct xlsxout *x, const char *name, struct err *e)
{
    if (!utf8_valid(name))
        return err_set(e, ERR_DATA, "xlsxout: expected a UTF-8 sheet name, found invalid bytes");
    lxw_error le = workbook_validate_sheet_name(x->wb, name);
    if (le != LXW_NO_ERROR)
        return err_set(e, ERR_DATA, "xlsxout: sheet \"%s\": %s", name, lxw_strerror(le));
    return ERR_OK;
}

static int write_text(lxw_worksheet *ws, const char *sheet, size_t r, size_t c, const char *s, lxw_format *f,
                      struct err *e)
{
    if (!utf8_valid(s))
        return cell_error(sheet, r, c, "UTF-8 text", "(invalid bytes)", e);
    if (strlen(s) > XLSX_MAX_STRING)
        return cell_error(sheet, r, c, "at most 32767 bytes of text", "a longer string", e);
    lxw_error le = worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, f);
    if (le != LXW_NO_ERROR)
        return cell_error(sheet, r, c, "a cell libxlsxwriter accepts", lxw_strerror(le), e);
    return ERR_OK;
}

int xlsxout_sheet_from_table(struct xlsxout *x, const char *name, const struct xlsxout_table *t, lxw_worksheet **wsp,
                             struct err *e)
{
    return xlsxout_sheet_from_table_with(x, name, t, NULL, wsp, e);
}

/* How many lines the tallest text cell of row i takes in columns of these
 * widths (about a character less than the width fits on a line). */
static size_t wrapped_lines(const struct xlsxout_table *t, size_t i, const size_t *width)
{
    size_t lines = 1;
    for (size_t j = 0; j < t->ncols; j++) {
        const char *s = t->cells[i * t->ncols + j];
        if (t->kinds[j] != XLSXOUT_TEXT || !s || width[j] < 3)
            continue;
        size_t per = width[j] - 2, w = xlsxout_width(s), n = (w + per - 1) / per;
        lines = n > lines ? n : lines;
    }
    return lines > 8 ? 8 : lines;
}

int xlsxout_sheet_from_table_with(struct xlsxout *x, const char *name, const struct xlsxout_table *t,
                                  const struct xlsxout_header *h, lxw_worksheet **wsp, struct err *e)
{
    if (wsp)
        *wsp = NULL;
    int rc = check_sheet_name(x, name, e);
    if (rc)
        return rc;
    if (t->ncols == 0 || t->ncols > XLSX_MAX_COLS || t->nrows + 1 > XLSX_MAX_ROWS)
        return err_set(e, ERR_DATA, "xlsxout: sheet \"%s\": expected 1..16384 columns and at most 1048575 rows, found "
                                    "%zu x %zu",
                       name, t->ncols, t->nrows);
    size_t *width = calloc(t->ncols, sizeof *width);
    if (!width)
        return err_set(e, ERR_NOMEM, "xlsxout: out of memory");
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws) {
        free(width);
        return err_set(e, ERR_NOMEM, "xlsxout: sheet \"%s\": cannot add", name);
    }
    /* Widths the caller gives are not measured again cell by cell. */
    int fit = !(h && h->width);
    if (h && h->height > 0)
        worksheet_set_row(ws, 0, h->height, NULL);
    for (size_t j = 0; j < t->ncols && !rc; j++) {
        rc = write_text(ws, name, 0, j, t->header[j], h && h->format ? h->format : x->fmt.header, e);
        /* Bold and the autofilter's drop-down button take about two more. */
        width[j] = xlsxout_width(t->header[j]) + 2;
    }
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        /* With the widths given, a text longer than its column wraps, and the
         * row gets the height of its lines (set before the row is written:
         * the workbook streams rows out in order). */
        size_t lines = fit ? 1 : wrapped_lines(t, i, h->width);
        if (lines > 1)
            worksheet_set_row(ws, (lxw_row_t)(i + 1), 15.0 * (double)lines + 2, NULL);
        for (size_t j = 0; j < t->ncols && !rc; j++) {
            const char *s = t->cells[i * t->ncols + j];
            if (!s || !*s)
                continue;
            enum xlsxout_kind k = t->kinds[j];
            lxw_format *f = kind_format(x, k);
            size_t w = 0;
            if (k == XLSXOUT_TEXT) {
                if (!fit && xlsxout_width(s) + 1 > (size_t)h->width[j])
                    f = x->fmt.wrap;
                rc = write_text(ws, name, i + 1, j, s, f, e);
                if (fit)
                    w = xlsxout_width(s);
            } else {
                double v;
                if (!parse_number(s, &v) || (k == XLSXOUT_INT && (v != floor(v) || fabs(v) > 9007199254740992.0))) {
                    rc = cell_error(name, i + 1, j, kind_name(k), s, e);
                    break;
                }
                if (k == XLSXOUT_PVALUE && v < 0.001) {
                    rc = write_text(ws, name, i + 1, j, XLSXOUT_PVALUE_SMALL, x->fmt.text, e);
                    continue;
                }
                lxw_error le = worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)j, v, f);
                if (le != LXW_NO_ERROR)
                    rc = cell_error(name, i + 1, j, "a cell libxlsxwriter accepts", lxw_strerror(le), e);
                if (fit)
                    w = number_width(k, v);
            }
            if (w > width[j])
                width[j] = w;
        }
    }
    for (size_t j = 0; j < t->ncols && !rc; j++) {
        double w = fit ? (double)(width[j] < 6 ? 6 : width[j] > 60 ? 60 : width[j]) + 1 : (double)h->width[j];
        worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, w, NULL);
    }
    free(width);
    if (rc)
        return rc;
    worksheet_freeze_panes(ws, 1, 0);
    lxw_error le = worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows, (lxw_col_t)(t->ncols - 1));
    if (le != LXW_NO_ERROR)
        return err_set(e, ERR_DATA, "xlsxout: sheet \"%s\": autofilter: %s", name, lxw_strerror(le));
    if (wsp)
        *wsp = ws;
    return ERR_OK;
}

int xlsxout_sheet_text(struct xlsxout *x, const char *name, const char *const *lines, size_t n, lxw_worksheet **wsp,
                       struct err *e)
{
    if (wsp)
        *wsp = NULL;
    int rc = check_sheet_name(x, name, e);
    if (rc)
        return rc;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws)
        return err_set(e, ERR_NOMEM, "xlsxout: sheet \"%s\": cannot add", name);
    size_t width = 20;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!lines[i] || !*lines[i])
            continue;
        rc = write_text(ws, name, i, 0, lines[i], i == 0 ? x->fmt.title : x->fmt.text, e);
        size_t w = xlsxout_width(lines[i]) + (i == 0 ? 8 : 2);
        if (w > width)
            width = w;
    }
    if (rc)
        return rc;
    worksheet_set_column(ws, 0, 0, (double)(width > 120 ? 120 : width), NULL);
    if (wsp)
        *wsp = ws;
    return ERR_OK;
}

/* ---- decorations ---- */

int xlsxout_color_scale(lxw_worksheet *ws, const struct xlsxout_table *t, size_t col, int high_is_good,
                        struct err *e)
{
    if (col >= t->ncols || t->kinds[col] == XLSXOUT_TEXT)
        return err_set(e, ERR_USAGE, "xlsxout: expected a numeric column for a colour scale, found column %zu", col);
    if (t->nrows == 0)
        return ERR_OK;
    /* Excel's own red / yellow / green scale colours. */
    const lxw_color_t red = 0xF8696B, yellow = 0xFFEB84, green = 0x63BE7B;
    lxw_conditional_format cf;
    memset(&cf, 0, sizeof cf);
    cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
    cf.min_color = high_is_good ? red : green;
    cf.mid_color = yellow;
    cf.max_color = high_is_good ? green : red;
    lxw_error le = worksheet_conditional_format_range(ws, 1, (lxw_col_t)col, (lxw_row_t)t->nrows, (lxw_col_t)col, &cf);
    if (le != LXW_NO_ERROR)
        return err_set(e, ERR_DATA, "xlsxout: colour scale: %s", lxw_strerror(le));
    return ERR_OK;
}

int xlsxout_insert_png(lxw_worksheet *ws, unsigned row, unsigned col, const char *png_path, double scale,
                       const char *description, struct err *e)
{
    /* Checked here so that a missing or wrong figure is a clear error, not
     * a warning printed by the library. */
    FILE *fp = fopen(png_path, "rb");
    if (!fp)
        return err_set(e, ERR_IO, "%s: cannot open: %s", png_path, strerror(errno));
    unsigned char sig[8];
    size_t got = fread(sig, 1, sizeof sig, fp);
    fclose(fp);
    if (got != 8 || memcmp(sig, "\x89PNG\r\n\x1a\n", 8) != 0)
        return err_set(e, ERR_DATA, "%s: expected a PNG file, found another kind of file", png_path);
    if (!(scale > 0))
        return err_set(e, ERR_USAGE, "xlsxout: expected a positive image scale, found %g", scale);
    lxw_image_options opt;
    memset(&opt, 0, sizeof opt);
    opt.x_scale = scale;
    opt.y_scale = scale;
    opt.description = (char *)(description ? description : "");
    lxw_error le = worksheet_insert_image_opt(ws, (lxw_row_t)row, (lxw_col_t)col, png_path, &opt);
    if (le != LXW_NO_ERROR)
        return err_set(e, ERR_DATA, "%s: cannot insert the image: %s", png_path, lxw_strerror(le));
    return ERR_OK;
}

/* A bar (horizontal) or column chart of one series: values and labels in
 * rows first..last of data_sheet, inserted into ws at (row, col). */
static int range_chart(struct xlsxout *x, lxw_worksheet *ws, unsigned row, unsigned col, const char *data_sheet,
                       unsigned first, unsigned last, size_t label_col, size_t value_col, const char *series,
                       const char *title, int horizontal, int percent, double x_scale, double y_scale,
                       struct err *e)
{
    lxw_chart *chart = workbook_add_chart(x->wb, horizontal ? LXW_CHART_BAR : LXW_CHART_COLUMN);
    if (!chart)
        return err_set(e, ERR_NOMEM, "xlsxout: cannot add a chart");
    lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
    if (!s)
        return err_set(e, ERR_NOMEM, "xlsxout: cannot add a chart series");
    chart_series_set_categories(s, data_sheet, first, (lxw_col_t)label_col, last, (lxw_col_t)label_col);
    chart_series_set_values(s, data_sheet, first, (lxw_col_t)value_col, last, (lxw_col_t)value_col);
    if (series)
        chart_series_set_name(s, series);
    if (title)
        chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    /* In libxlsxwriter a bar chart's category axis is y_axis and its value
     * axis x_axis; a column chart has them the usual way round. */
    lxw_chart_axis *cat = horizontal ? chart->y_axis : chart->x_axis;
    lxw_chart_axis *val = horizontal ? chart->x_axis : chart->y_axis;
    if (percent)
        chart_axis_set_num_format(val, "0%");
    /* Excel draws a bar chart's first category at the bottom: reverse the
     * category axis so the bars read top-down in the table's order, and keep
     * the value axis at the bottom by crossing at the maximum category. */
    if (horizontal) {
        chart_axis_set_reverse(cat);
        chart_axis_set_crossing_max(cat);
    }
    lxw_chart_options opt;
    memset(&opt, 0, sizeof opt);
    opt.x_scale = x_scale;
    opt.y_scale = y_scale;
    lxw_error le = worksheet_insert_chart_opt(ws, (lxw_row_t)row, (lxw_col_t)col, chart, &opt);
    if (le != LXW_NO_ERROR)
        return err_set(e, ERR_DATA, "xlsxout: cannot insert the chart: %s", lxw_strerror(le));
    return ERR_OK;
}

int xlsxout_bar_chart(struct xlsxout *x, lxw_worksheet *ws, unsigned row, unsigned col, const char *data_sheet,
                      const struct xlsxout_table *t, size_t label_col, size_t value_col, const char *title,
                      int horizontal, struct err *e)
{
    if (label_col >= t->ncols || value_col >= t->ncols || t->kinds[value_col] == XLSXOUT_TEXT)
        return err_set(e, ERR_USAGE, "xlsxout: expected a label column and a numeric value column, found %zu and %zu",
                       label_col, value_col);
    if (t->nrows == 0)
        return err_set(e, ERR_DATA, "xlsxout: chart \"%s\": expected data rows, found none", title ? title : "");
    /* About 20 px per bar beyond the default 288 px height. */
    double y_scale = horizontal && t->nrows > 12 ? (double)(t->nrows * 20 + 48) / 288.0 : 1.0;
    return range_chart(x, ws, row, col, data_sheet, 1, (unsigned)t->nrows, label_col, value_col, t->header[value_col],
                       title, horizontal, t->kinds[value_col] == XLSXOUT_PERCENT, 1.5, y_scale, e);
}

int xlsxout_range_chart(struct xlsxout *x, lxw_worksheet *ws, unsigned row, unsigned col, const char *data_sheet,
                        unsigned first, unsigned last, size_t label_col, size_t value_col, const char *title,
                        struct err *e)
{
    if (last < first)
        return err_set(e, ERR_DATA, "xlsxout: chart \"%s\": expected data rows, found none", title ? title : "");
    return range_chart(x, ws, row, col, data_sheet, first, last, label_col, value_col, title, title, 1, 0, 1.0, 1.0, e);
}
