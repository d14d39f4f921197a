/* The sheets every workbook has (Сводка, Параметры) and the helpers the
 * stage-specific sheets share. */
#include "out/report_sheets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "out/report_sha256.h"

void report_num(double x, char *buf, size_t size)
{
    if (isnan(x))
        buf[0] = '\0';
    else
        snprintf(buf, size, "%.17g", x);
}

enum xlsxout_kind report_id_kind(char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = ids[i];
        if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 15 || (s[0] == '0' && s[1]))
            return XLSXOUT_TEXT;
    }
    return XLSXOUT_INT;
}

size_t report_longest_word(const char *s)
{
    size_t best = 0, cur = 0;
    for (; *s; s++) {
        if (*s == ' ') {
            cur = 0;
            continue;
        }
        cur += ((unsigned char)*s & 0xC0) != 0x80;
        if (cur > best)
            best = cur;
    }
    return best;
}

size_t report_shown_width(enum xlsxout_kind k, const char *s)
{
    if (k == XLSXOUT_TEXT)
        return xlsxout_width(s);
    double v = strtod(s, NULL);
    char buf[64];
    switch (k) {
    case XLSXOUT_PERCENT: return (size_t)snprintf(buf, sizeof buf, "%.1f%%", v * 100);
    case XLSXOUT_MONEY: {
        size_t n = (size_t)snprintf(buf, sizeof buf, "%.2f", fabs(v));
        return n + (n - 4) / 3 + (v < 0);
    }
    case XLSXOUT_INT: return (size_t)snprintf(buf, sizeof buf, "%.0f", v);
    case XLSXOUT_NUMBER: return (size_t)snprintf(buf, sizeof buf, "%.3f", v);
    default: return (size_t)snprintf(buf, sizeof buf, "%.10g", v);
    }
}

lxw_format *report_header_format(lxw_workbook *wb)
{
    lxw_format *head = workbook_add_format(wb);
    if (head) {
        format_set_bold(head);
        format_set_bg_color(head, 0xDCE6F1);
        format_set_bottom(head, LXW_BORDER_THIN);
        format_set_text_wrap(head);
        format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
    }
    return head;
}

size_t report_fit_header(const struct xlsxout_table *t, size_t maxw, size_t *width)
{
    size_t lines = 1;
    for (size_t j = 0; j < t->ncols; j++) {
        size_t data = 0, hw = xlsxout_width(t->header[j]) + 2;
        for (size_t i = 0; i < t->nrows; i++) {
            const char *s = t->cells[i * t->ncols + j];
            size_t w = s && *s ? report_shown_width(t->kinds[j], s) : 0;
            data = w > data ? w : data;
        }
        size_t w = data;
        if (report_longest_word(t->header[j]) + 3 > w)
            w = report_longest_word(t->header[j]) + 3;
        if ((hw + 2) / 3 + 2 > w)
            w = (hw + 2) / 3 + 2;
        w = w < 8 ? 8 : w > maxw ? maxw : w;
        if (width[j] > w)
            w = width[j];
        width[j] = w;
        size_t need = (hw + w - 3) / (w - 2);
        lines = need > lines ? need : lines;
    }
    return lines;
}

int report_emit_table(struct report *r, const char *name, const char *stem, const struct xlsxout_table *t,
                      unsigned frozen_cols, lxw_worksheet **wsp, struct err *e)
{
    lxw_worksheet *ws = NULL;
    lxw_format *head = report_header_format(r->x->wb);
    size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof *width);
    if (!head || !width) {
        free(width);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    /* xlsxout fits a column to its header; a long label over a column of
     * short numbers is better wrapped: the column fits the data, the longest
     * word of the label and a third of the label. */
    size_t lines = report_fit_header(t, 70, width);
    for (size_t j = 0; j < t->ncols; j++)
        width[j] += 1;
    struct xlsxout_header h = {head, 15.0 * (double)(lines > 4 ? 4 : lines) + 3, width};
    int rc = xlsxout_sheet_from_table_with(r->x, name, t, &h, &ws, e);
    free(width);
    if (rc)
        return rc;
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
    if (frozen_cols)
        worksheet_freeze_panes(ws, 1, (lxw_col_t)frozen_cols);
    if (stem) {
        char path[4096], file[256];
        snprintf(file, sizeof file, "tables/%s.tsv", stem);
        rc = report_write_tsv(t, cli_path(path, sizeof path, r->out, file), e);
    }
    if (wsp)
        *wsp = ws;
    return rc;
}

/* ---- Сводка ---- */

/* The summary sheet's cell formats. */
struct summary_formats {
    lxw_format *wrap, *label, *sect, *warn, *count, *pct, *money, *number;
};

/* Non-zero when out of memory. */
static int summary_formats(lxw_workbook *wb, struct summary_formats *f)
{
    lxw_format *wrap = workbook_add_format(wb), *label = workbook_add_format(wb), *sect = workbook_add_format(wb),
               *warn = workbook_add_format(wb), *count = workbook_add_format(wb), *pct = workbook_add_format(wb),
               *money = workbook_add_format(wb), *number = workbook_add_format(wb);
    if (!wrap || !label || !sect || !warn || !count || !pct || !money || !number)
        return -1;
    format_set_text_wrap(wrap);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(wrap, LXW_ALIGN_LEFT);
    format_set_text_wrap(label);
    format_set_align(label, LXW_ALIGN_VERTICAL_TOP);
    format_set_font_color(label, 0x404040);
    format_set_bold(sect);
    format_set_font_size(sect, 12);
    format_set_bottom(sect, LXW_BORDER_THIN);
    format_set_bold(warn);
    format_set_font_color(warn, 0x9C0006);
    format_set_bg_color(warn, 0xFFC7CE);
    format_set_text_wrap(warn);
    format_set_align(warn, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(count, "#,##0");
    format_set_align(count, LXW_ALIGN_LEFT);
    format_set_num_format(pct, "0.0%");
    format_set_align(pct, LXW_ALIGN_LEFT);
    format_set_num_format(money, "#,##0.00");
    format_set_align(money, LXW_ALIGN_LEFT);
    format_set_num_format(number, "0.000");
    format_set_align(number, LXW_ALIGN_LEFT);
    *f = (struct summary_formats){wrap, label, sect, warn, count, pct, money, number};
    return 0;
}

int report_sheet_summary(struct report *r, const char *name, struct err *e)
{
    const char *title, *question, *qlabel, *banner = NULL;
    int rc = report_label(r, "title", &title, e);
    if (!rc)
        rc = report_label(r, "question", &question, e);
    if (!rc)
        rc = report_label(r, "summary.question", &qlabel, e);
    if (!rc && r->synthetic)
        rc = report_label(r, "synthetic", &banner, e);
    if (rc)
        return rc;
    lxw_workbook *wb = r->x->wb;
    lxw_worksheet *ws = NULL;
    const char *first[1] = {title};
    rc = xlsxout_sheet_text(r->x, name, first, 1, &ws, e);
    if (rc)
        return rc;
    struct summary_formats f;
    if (summary_formats(wb, &f))
        return err_set(e, ERR_NOMEM, "out of memory");
    lxw_format *wrap = f.wrap, *label = f.label, *sect = f.sect, *warn = f.warn, *count = f.count, *pct = f.pct,
               *money = f.money, *number = f.number;
    const double wa = 38, wb_ = 92;
    worksheet_set_column(ws, 0, 0, wa, NULL);
    worksheet_set_column(ws, 1, 1, wb_, NULL);
    /* Wrapped cells get the height of their lines: Excel does not grow a
     * row on opening a file. */
#define HEIGHT(s, w) (15.0 * (double)((xlsxout_width(s) + (size_t)(w) - 6) / ((size_t)(w) - 5)) + 2)
    lxw_row_t row = 1;
    if (banner) {
        worksheet_merge_range(ws, row, 0, row, 1, banner, warn);
        worksheet_set_row(ws, row, HEIGHT(banner, wa + wb_), NULL);
        row++;
    }
    row++;
    worksheet_write_string(ws, row, 0, qlabel, label);
    worksheet_write_string(ws, row, 1, question, wrap);
    worksheet_set_row(ws, row, HEIGHT(question, wb_), NULL);
    row++;
    for (size_t i = 0; i < r->n_lines; i++) {
        const struct report_line *l = &r->lines[i];
        if (!l->value) {
            row++;
            worksheet_write_string(ws, row, 0, l->label, sect);
            worksheet_write_blank(ws, row, 1, sect);
            row++;
            continue;
        }
        worksheet_write_string(ws, row, 0, l->label, label);
        if (l->kind == XLSXOUT_TEXT) {
            worksheet_write_string(ws, row, 1, l->value, wrap);
            double h = HEIGHT(l->value, wb_), h2 = HEIGHT(l->label, wa);
            worksheet_set_row(ws, row, h > h2 ? h : h2, NULL);
        } else {
            /* A long label wraps: its row gets the label's lines. */
            worksheet_set_row(ws, row, HEIGHT(l->label, wa), NULL);
            char *end;
            double v = strtod(l->value, &end);
            if (!*l->value || *end)
                return err_set(e, ERR_DATA, "%s: \"%s\": expected a number, found \"%s\"", name, l->label, l->value);
            worksheet_write_number(ws, row, 1, v,
                                   l->kind == XLSXOUT_PERCENT ? pct
                                   : l->kind == XLSXOUT_MONEY ? money
                                   : l->kind == XLSXOUT_NUMBER ? number
                                                               : count);
        }
        row++;
    }
#undef HEIGHT
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 1);
    /* The first sheet when there is no brief (report_brief.c) to open on. */
    if (!report_table(r, "segment/segments"))
        worksheet_activate(ws);
    return ERR_OK;
}

/* ---- Параметры ---- */

struct rows {
    struct xlsxout_table *t;
    const char *kind;
};

static int add3(struct xlsxout_table *t, const char *a, const char *b, const char *c, struct err *e)
{
    const char *cells[3] = {a, b, c};
    return xlsxout_table_add_row(t, cells, e);
}

/* Every scalar of the params tree as path = value, in file order. */
static int flatten(struct rows *w, const struct pnode *n, char *path, size_t len, size_t cap, struct err *e)
{
    if (n->kind == PNODE_SCALAR)
        return add3(w->t, w->kind, path, n->value, e);
    int rc = ERR_OK;
    for (size_t i = 0; i < n->n && !rc; i++) {
        int k = n->kind == PNODE_MAP ? snprintf(path + len, cap - len, "%s%s", len ? "." : "", n->items[i]->key)
                                     : snprintf(path + len, cap - len, "[%zu]", i);
        if (k < 0 || (size_t)k >= cap - len)
            return err_set(e, ERR_PARAMS, "params: a key path longer than %zu bytes", cap);
        rc = flatten(w, n->items[i], path, len + (size_t)k, cap, e);
        path[len] = '\0';
    }
    if (!rc && n->n == 0)
        rc = add3(w->t, w->kind, path, n->kind == PNODE_MAP ? "{}" : "[]", e);
    return rc;
}

int report_sheet_params(struct report *r, const char *name, struct err *e)
{
    const struct pnode *hdr;
    int rc = params_node(r->t, "report.columns.params", PNODE_SEQ, &hdr, e);
    if (!rc && hdr->n != 3)
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: report.columns.params: expected 3 headers, found %zu", hdr->file,
                     hdr->line, hdr->col, hdr->n);
    const char *h[3] = {0}, *k[9], *yes_no[2];
    static const char *const kinds[] = {"version", "commit", "data_dir", "synthetic", "created", "rerun", "input",
                                        "param", "text"};
    for (size_t j = 0; j < 3 && !rc; j++)
        rc = pnode_string(hdr->items[j], "report.columns.params", &h[j], e);
    for (size_t j = 0; j < 9 && !rc; j++) {
        char path[64];
        snprintf(path, sizeof path, "columns.params_kinds.%s", kinds[j]);
        rc = report_label(r, path, &k[j], e);
    }
    if (!rc)
        rc = report_yes_no(r, yes_no, e);
    if (rc)
        return rc;
    enum xlsxout_kind tk[3] = {XLSXOUT_TEXT, XLSXOUT_TEXT, XLSXOUT_TEXT};
    struct xlsxout_table *t = xlsxout_table_alloc(3, h, tk);
    if (!t)
        return err_set(e, ERR_NOMEM, "out of memory");
    char created[64], rerun[4200];
    struct tm tm;
    gmtime_r(&r->created, &tm);
    strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S", &tm);
    if (r->synthetic)
        snprintf(rerun, sizeof rerun, "git checkout %s && make report", r->commit);
    else
        snprintf(rerun, sizeof rerun, "git checkout %s && make report DATA=%s", r->commit, r->data_dir);
    rc = add3(t, k[0], "", r->version, e);
    if (!rc)
        rc = add3(t, k[1], "", r->commit, e);
    if (!rc)
        rc = add3(t, k[2], "", r->data_dir, e);
    if (!rc)
        rc = add3(t, k[3], "", yes_no[r->synthetic != 0], e);
    if (!rc)
        rc = add3(t, k[4], "", created, e);
    if (!rc)
        rc = add3(t, k[5], "", rerun, e);
    for (int f = 0; f < FILE_COUNT && !rc; f++) {
        char path[4096], hex[65];
        rc = report_sha256_file(cli_path(path, sizeof path, r->data_dir, r->s->files[f].name), hex, e);
        if (!rc)
            rc = add3(t, k[6], r->s->files[f].name, hex, e);
    }
    /* The reader's text is an input of the report too: its file and hash. */
    char hex[65];
    if (!rc)
        rc = report_sha256_file(r->t->file, hex, e);
    if (!rc)
        rc = add3(t, k[8], r->t->file, hex, e);
    char path[1024] = "";
    struct rows w = {t, k[7]};
    if (!rc)
        rc = flatten(&w, r->p->root, path, 0, sizeof path, e);
    if (!rc)
        rc = report_emit_table(r, name, NULL, t, 0, NULL, e);
    xlsxout_table_free(t);
    return rc;
}
