/* Helpers of the sheets that show several tables on one sheet (Сегменты)
 * or cite a row of a table in a sentence (Сводка): headers from params.yaml,
 * typed columns of the tables the parts read, a table written as a block
 * below another, the HTML's copy of a table as the reader sees it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/cli.h"
#include "out/report_sheets.h"
#include "out/report_text.h"

int report_headers(const struct report *r, const char *table, const char *const *codes, size_t n, const char **out,
                   struct err *e)
{
    int rc = ERR_OK;
    for (size_t j = 0; j < n && !rc; j++) {
        char path[256];
        snprintf(path, sizeof path, "columns.%s.%s", table, codes[j]);
        rc = report_label(r, path, &out[j], e);
    }
    return rc;
}

int report_col(const struct report *r, const char *stem, const char *name, enum col_type type,
               const struct column **out, struct err *e)
{
    const struct table *t = report_table(r, stem);
    long j = t ? table_find(t, name) : -1;
    if (j < 0 || t->cols[j].type != type)
        return err_set(e, ERR_DATA, "%s/%s.tsv: expected a %s column \"%s\", found %s", r->interim, stem,
                       type == COL_NUM ? "numeric" : "text", name, j < 0 ? "none" : "another type");
    *out = &t->cols[j];
    return ERR_OK;
}

/* ---- a table as a block of a sheet ---- */

static lxw_format *kind_format(const struct report *r, enum xlsxout_kind k)
{
    const struct xlsxout_formats *f = &r->x->fmt;
    switch (k) {
    case XLSXOUT_INT: return f->integer;
    case XLSXOUT_NUMBER: return f->number;
    case XLSXOUT_PERCENT: return f->percent;
    case XLSXOUT_MONEY: return f->money;
    case XLSXOUT_GENERAL: return f->general;
    case XLSXOUT_PVALUE: return f->number;
    case XLSXOUT_TENTHS: return f->tenths;
    default: return f->text;
    }
}

int report_block(struct report *r, lxw_worksheet *ws, unsigned row, const char *title, const struct xlsxout_table *t,
                 size_t *width, unsigned *next, struct err *e)
{
    lxw_workbook *wb = r->x->wb;
    lxw_format *head = report_header_format(wb), *bold = workbook_add_format(wb);
    if (!head || !bold)
        return err_set(e, ERR_NOMEM, "out of memory");
    format_set_bold(bold);
    format_set_font_size(bold, 12);
    if (title) {
        worksheet_write_string(ws, (lxw_row_t)row, 0, title, bold);
        row++;
    }
    /* Each column as wide as its data, the longest word of its header and a
     * third of the header (the rest wraps), like report_emit_table. The row's
     * height goes first: the workbook writes rows out in order. */
    size_t lines = report_fit_header(t, 60, width);
    worksheet_set_row(ws, (lxw_row_t)row, 15.0 * (double)(lines > 4 ? 4 : lines) + 3, NULL);
    for (size_t j = 0; j < t->ncols; j++)
        worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, t->header[j], head);
    row++;
    for (size_t i = 0; i < t->nrows; i++, row++) {
        for (size_t j = 0; j < t->ncols; j++) {
            const char *s = t->cells[i * t->ncols + j];
            if (!s || !*s)
                continue;
            lxw_format *f = kind_format(r, t->kinds[j]);
            if (t->kinds[j] == XLSXOUT_TEXT) {
                worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, s, f);
                continue;
            }
            char *end;
            double v = strtod(s, &end);
            if (*end)
                return err_set(e, ERR_DATA, "sheet block \"%s\": row %zu, column \"%s\": expected a number, found \"%s\"",
                               title ? title : "", i + 1, t->header[j], s);
            if (t->kinds[j] == XLSXOUT_PVALUE && v < 0.001)
                worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)j, XLSXOUT_PVALUE_SMALL, r->x->fmt.text);
            else
                worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)j, v, f);
        }
    }
    *next = row;
    return ERR_OK;
}

void report_block_widths(lxw_worksheet *ws, const size_t *width, size_t n)
{
    for (size_t j = 0; j < n; j++)
        if (width[j])
            worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, (double)width[j] + 1, NULL);
}

int report_blocks_sheet(struct report *r, const char *name, const struct report_sheet_block *b, size_t n,
                        lxw_worksheet **ws, unsigned *next, struct err *e)
{
    size_t width[32] = {0};
    unsigned row = 0;
    int rc = (*ws = workbook_add_worksheet(r->x->wb, name))
                 ? 0
                 : err_set(e, ERR_DATA, "sheet \"%s\": cannot add (a duplicate or invalid name?)", name);
    for (size_t k = 0; k < n && !rc; k++) {
        rc = report_block(r, *ws, k ? row + 1 : 0, k ? b[k].title : NULL, b[k].t, width, &row, e);
        if (!rc && k == 0) {
            worksheet_autofilter(*ws, 0, 0, (lxw_row_t)b[0].t->nrows, (lxw_col_t)(b[0].t->ncols - 1));
            worksheet_freeze_panes(*ws, 1, 0);
        }
    }
    if (!rc) {
        report_block_widths(*ws, width, 32);
        /* Printed like every table sheet: landscape A4, one page wide. */
        worksheet_set_landscape(*ws);
        worksheet_set_paper(*ws, 9);
        worksheet_fit_to_pages(*ws, 1, 0);
    }
    *next = row;
    return rc;
}

int report_table_out(int rc, struct xlsxout_table *t, struct xlsxout_table **out)
{
    if (rc)
        xlsxout_table_free(t);
    else
        *out = t;
    return rc;
}

int report_sentence(const struct report *r, const char *path, char **out, struct err *e)
{
    struct kv *none = kv_alloc();
    *out = NULL;
    int rc = none ? report_fill_row(r, path, none, out, e) : err_set(e, ERR_NOMEM, "out of memory");
    kv_free(none);
    return rc;
}

/* ---- the HTML's copy ---- */

int report_write_shown(const struct report *r, const struct xlsxout_table *t, const size_t *cols, size_t ncols,
                       const char *stem, struct err *e)
{
    static const char *const fmts[] = {[XLSXOUT_TEXT] = NULL,     [XLSXOUT_INT] = "int",
                                       [XLSXOUT_NUMBER] = "num", [XLSXOUT_PERCENT] = "pct",
                                       [XLSXOUT_MONEY] = "money", [XLSXOUT_GENERAL] = "%.3f",
                                       [XLSXOUT_PVALUE] = "%.3f",      [XLSXOUT_TENTHS] = "%.1f"};
    size_t nc = cols ? ncols : t->ncols;
    const char **h = calloc(nc + 1, sizeof *h), **cells = calloc(nc + 1, sizeof *cells);
    enum xlsxout_kind *k = calloc(nc + 1, sizeof *k);
    char *buf = malloc(128 * (nc + 1));
    struct xlsxout_table *s = NULL;
    int rc = h && cells && k && buf ? ERR_OK : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t q = 0; q < nc && !rc; q++) {
        size_t j = cols ? cols[q] : q;
        if (j >= t->ncols)
            rc = err_set(e, ERR_USAGE, "report: %s: expected a column below %zu, found %zu", stem, t->ncols, j);
        else {
            h[q] = t->header[j];
            k[q] = t->kinds[j];
        }
    }
    if (!rc && !(s = xlsxout_table_alloc(nc, h, k)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        for (size_t q = 0; q < nc && !rc; q++) {
            size_t j = cols ? cols[q] : q;
            const char *v = t->cells[i * t->ncols + j], *f = fmts[t->kinds[j]];
            cells[q] = v;
            if (v && *v && t->kinds[j] == XLSXOUT_PVALUE && strtod(v, NULL) < 0.001)
                cells[q] = XLSXOUT_PVALUE_SMALL;
            else if (v && *v && f) {
                rc = mdreport_format(v, f, buf + 128 * q, 128, e);
                cells[q] = buf + 128 * q;
            }
        }
        if (!rc)
            rc = xlsxout_table_add_row(s, cells, e);
    }
    char path[4096], file[256];
    snprintf(file, sizeof file, "tables/%s.tsv", stem);
    if (!rc)
        rc = report_write_tsv(s, cli_path(path, sizeof path, r->out, file), e);
    xlsxout_table_free(s);
    FREE_ALL(h, cells, k, buf);
    return rc;
}

/* ---- sentences about one row ---- */

struct row_ctx {
    const struct report *r;
    const struct kv *row;
};

static const char *row_lookup(void *ctx, const char *name, const char *key)
{
    const struct row_ctx *c = ctx;
    if (strcmp(name, "row") == 0)
        return kv_get(c->row, key);
    return kvset_get(c->r->kv, name, key);
}

int report_fill_row(const struct report *r, const char *path, const struct kv *row, char **out, struct err *e)
{
    char full[256];
    snprintf(full, sizeof full, "report.%s", path);
    const struct pnode *n = params_find(r->t, NULL, full);
    /* Absent: params_node says so, naming the key. */
    if (!n)
        return params_node(r->t, full, PNODE_SEQ, &n, e);
    struct row_ctx c = {r, row};
    return report_conclusion(n, row_lookup, &c, out, e);
}
