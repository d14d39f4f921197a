/* The data part of the report: what load, clean and merge wrote (load.kv,
 * clean.kv, merge.kv, quality.tsv, customers.tsv). Its summary lines and
 * the sheet Качество данных (the quality log in words); the sheet Покупатели
 * is report_customers.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_sheets.h"

int report_data_read(struct report *r, struct err *e)
{
    static const char *const kvs[] = {"load", "clean", "merge", NULL};
    int rc = ERR_OK;
    for (size_t i = 0; kvs[i] && !rc; i++)
        rc = report_read_kv(r, kvs[i], e);
    const char *quality_str[] = {"check", "table", "column", "action", "detail", NULL};
    const char *cust_str[] = {r->s->id, r->s->target, NULL};
    if (!rc)
        rc = report_read_table(r, "quality", quality_str, e);
    if (!rc)
        rc = report_read_table(r, "customers", cust_str, e);
    if (rc)
        return rc;

    /* The share of the positive class, for the summary and the sentences. */
    const struct table *t = report_table(r, "customers");
    long tc = table_find(t, r->s->target);
    if (tc < 0)
        return err_set(e, ERR_DATA, "%s/customers.tsv: expected a column \"%s\"", r->interim, r->s->target);
    size_t pos = 0;
    for (size_t i = 0; i < t->nrows; i++)
        pos += t->cols[tc].str[i] && strcmp(t->cols[tc].str[i], r->s->positive) == 0;
    double share = t->nrows ? (double)pos / (double)t->nrows : NAN;
    rc = kv_set_long(r->concl, "positive", (long)pos, e);
    if (!rc)
        rc = report_fact_double(r, "positive_share", share, e);
    if (!rc)
        rc = report_fact(r, "data_dir", r->data_dir, e);
    if (!rc)
        rc = report_fact(r, "version", r->version, e);
    if (!rc)
        rc = report_fact(r, "commit", r->commit, e);
    return rc;
}

int report_data_summary(struct report *r, struct err *e)
{
    /* Сводка: the data, where it came from, what cleaning did. */
    static const struct report_line_spec lines[] = {
        {"summary.data", NULL, NULL, XLSXOUT_TEXT},
        {"summary.kind", "conclusions", "data_kind", XLSXOUT_TEXT},
        {"summary.source", "conclusions", "data_source", XLSXOUT_TEXT},
        {"summary.customers_in", "load", "customers_rows", XLSXOUT_INT},
        {"summary.customers_out", "merge", "rows", XLSXOUT_INT},
        {"summary.target_share", "conclusions", "positive_share", XLSXOUT_PERCENT},
        {"summary.cleaning", "conclusions", "data", XLSXOUT_TEXT},
    };
    const char *kind;
    char source[4096];
    snprintf(source, sizeof source, "%s: %s, %s, %s, %s", r->data_dir, r->s->files[0].name, r->s->files[1].name,
             r->s->files[2].name, r->s->files[3].name);
    int rc = report_label(r, r->synthetic ? "synthetic" : "real", &kind, e);
    if (!rc)
        rc = report_fact(r, "data_kind", kind, e);
    if (!rc)
        rc = report_fact(r, "data_source", source, e);
    return rc ? rc : report_lines_add(r, lines, sizeof lines / sizeof lines[0], e);
}

/* ---- Качество данных ---- */

int report_sheet_quality(struct report *r, const char *name, struct err *e)
{
    const struct table *q = report_table(r, "quality");
    static const char *const cols[] = {"check", "table", "column", "rows", "action", "detail"};
    /* Which code map translates each column (NULL: shown as it is). */
    static const char *const maps[] = {"checks", "tables", NULL, NULL, "actions", NULL};
    long idx[6];
    for (size_t j = 0; j < 6; j++)
        if ((idx[j] = table_find(q, cols[j])) < 0)
            return err_set(e, ERR_DATA, "%s/quality.tsv: expected a column \"%s\"", r->interim, cols[j]);
    const struct pnode *hdr;
    int rc = params_node(r->t, "report.columns.quality", PNODE_SEQ, &hdr, e);
    if (!rc && hdr->n != 6)
        rc = err_set(e, ERR_PARAMS, "%s:%zu:%zu: report.columns.quality: expected 6 headers, found %zu", hdr->file,
                     hdr->line, hdr->col, hdr->n);
    const char *h[6];
    for (size_t j = 0; j < 6 && !rc; j++)
        rc = pnode_string(hdr->items[j], "report.columns.quality", &h[j], e);
    if (rc)
        return rc;
    const enum xlsxout_kind kinds[6] = {XLSXOUT_TEXT, XLSXOUT_TEXT, XLSXOUT_TEXT,
                                        XLSXOUT_INT,  XLSXOUT_TEXT, XLSXOUT_TEXT};
    struct xlsxout_table *t = xlsxout_table_alloc(6, h, kinds);
    if (!t)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < q->nrows && !rc; i++) {
        const char *cells[6];
        char num[64];
        for (size_t j = 0; j < 6 && !rc; j++) {
            const struct column *c = &q->cols[idx[j]];
            if (c->type == COL_NUM) {
                report_num(c->num[i], num, sizeof num);
                cells[j] = num;
            } else if (maps[j] && c->str[i]) {
                rc = report_word(r, maps[j], c->str[i], &cells[j], e);
            } else {
                cells[j] = c->str[i] && j == 2 ? report_column_label(r, c->str[i]) : c->str[i];
            }
        }
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    lxw_worksheet *ws = NULL;
    if (!rc)
        rc = report_emit_table(r, name, "quality", t, 0, &ws, e);
    /* A check that touched rows is what the reader looks for: shade it. */
    if (!rc && t->nrows) {
        lxw_format *hit = workbook_add_format(r->x->wb);
        lxw_conditional_format cf;
        memset(&cf, 0, sizeof cf);
        cf.type = LXW_CONDITIONAL_TYPE_CELL;
        cf.criteria = LXW_CONDITIONAL_CRITERIA_GREATER_THAN;
        cf.value = 0;
        cf.format = hit;
        if (!hit)
            rc = err_set(e, ERR_NOMEM, "out of memory");
        else {
            format_set_bg_color(hit, 0xFFEB9C);
            worksheet_conditional_format_range(ws, 1, 3, (lxw_row_t)t->nrows, 3, &cf);
        }
    }
    xlsxout_table_free(t);
    return rc;
}
