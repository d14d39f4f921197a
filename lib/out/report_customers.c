/* The sheet Клиенты: one row per customer of the study. With the segment
 * part, each row starts with what a manager acts on: the probability of a
 * decline (and whether it is out-of-fold or the test model's), the segment,
 * the profit, the features pushing this customer towards a decline and the
 * personal offers, one per column with its channel (segment/customers.tsv,
 * consent already respected there); the rows run from the largest expected
 * loss down, the probability coloured green to red.
 * Then every column of customers.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/hashset.h"
#include "core/order.h"
#include "out/report_sheets.h"

#define SC "segment/customers"

static int in_list(const struct report *r, const char *path, const char *name)
{
    const struct pnode *l = params_find(r->p, NULL, path);
    for (size_t i = 0; l && l->kind == PNODE_SEQ && i < l->n; i++)
        if (l->items[i]->kind == PNODE_SCALAR && strcmp(l->items[i]->value, schema_key(r->s, name)) == 0)
            return 1;
    return 0;
}

static int is_money(const struct report *r, const char *name)
{
    const struct schema_period *sp = &r->s->periods[0];
    for (size_t k = 0; k < sp->n; k++)
        if (strcmp(sp->wide[k], name) == 0)
            return 1;
    return r->s->profit_value && strcmp(r->s->profit_value, name) == 0;
}

static enum xlsxout_kind column_kind(const struct report *r, const struct column *c)
{
    if (c->type == COL_STR) {
        /* Numeric ids read better as numbers (no "number stored as text"). */
        int all_int = strcmp(c->name, r->s->id) == 0;
        return all_int ? XLSXOUT_INT : XLSXOUT_TEXT;
    }
    if (is_money(r, c->name))
        return XLSXOUT_MONEY;
    if (in_list(r, "report.percent_columns", c->name))
        return XLSXOUT_PERCENT;
    return XLSXOUT_GENERAL;
}

/* The target's classes by their names in the reader's text (labels.classes),
 * as every figure and sentence names them; any other value as it is. */
static const char *class_word(const struct report *r, const struct column *c, const char *v)
{
    if (!v || strcmp(c->name, r->s->target) != 0)
        return v;
    const char *key = strcmp(v, r->s->positive) == 0 ? "labels.classes.positive"
                      : strcmp(v, r->s->negative) == 0 ? "labels.classes.negative"
                                                       : NULL;
    const struct pnode *w = key ? params_find(r->t, NULL, key) : NULL;
    return w && w->kind == PNODE_SCALAR ? w->value : v;
}

/* "a; b; c" with each item a column's label, into buf. */
static void labels(const struct report *r, const char *list, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    char item[512];
    for (const char *p = list ? list : ""; *p && len < size;) {
        size_t k = strcspn(p, ";");
        snprintf(item, sizeof item, "%.*s", (int)(k < sizeof item ? k : sizeof item - 1), p);
        p += k + (p[k] == ';');
        while (*p == ' ')
            p++;
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "; " : "", report_column_label(r, item));
    }
}

/* The segment columns, in the order the sheet shows them after the id. */
static const char *const seg_codes[] = {"probability",     "source", "segment_name", "profit", "expected_loss",
                                        "lever_drivers",   "context_drivers", "offer", "channel", "offer2",
                                        "channel2"};
enum { NSEG = sizeof seg_codes / sizeof seg_codes[0] };

/* Per data row: its row in segment/customers.tsv; and the data rows by
 * decreasing probability. */
static int join(const struct report *r, const struct table *c, long idc, size_t *seg_row, size_t *order,
                struct err *e)
{
    const struct table *sg = report_table(r, SC);
    const struct column *sid, *prob;
    int rc = report_col(r, SC, "id", COL_STR, &sid, e);
    if (!rc)
        rc = report_col(r, SC, "expected_loss", COL_NUM, &prob, e);
    if (rc)
        return rc;
    struct hashset *h = hashset_alloc(sg->nrows);
    if (!h)
        return err_set(e, ERR_NOMEM, "out of memory");
    size_t first;
    for (size_t i = 0; i < sg->nrows && !rc; i++)
        if (sid->str[i] && hashset_insert(h, sid->str[i], i, &first) < 0)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < c->nrows && !rc; i++) {
        const char *id = c->cols[idc].str[i];
        if (!id || !hashset_find(h, id, &seg_row[i]))
            rc = err_set(e, ERR_DATA, "%s/%s.tsv: expected every customer of customers.tsv, found no row for id %s",
                         r->interim, SC, id ? id : "(missing)");
    }
    hashset_free(h);
    /* The most at stake first, ties in the data's order, a missing loss last
     * (core/order.h; an insertion sort here took hours at 10^6 customers). */
    double *loss = rc ? NULL : malloc((c->nrows ? c->nrows : 1) * sizeof *loss);
    if (!rc && !loss)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < c->nrows && !rc; i++)
        loss[i] = prob->num[seg_row[i]];
    if (!rc && order_by(loss, c->nrows, 1, order))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    free(loss);
    return rc;
}

/* The segment columns of one customer (row k of segment/customers.tsv). */
static int seg_cells(const struct report *r, size_t k, char (*buf)[4096], const char **cells, struct err *e)
{
    const struct column *c[NSEG];
    int rc = ERR_OK;
    for (size_t j = 0; j < NSEG && !rc; j++)
        rc = report_col(r, SC, seg_codes[j], j == 0 || j == 3 || j == 4 ? COL_NUM : COL_STR, &c[j], e);
    if (rc)
        return rc;
    for (size_t j = 0; j < NSEG; j++)
        if (c[j]->type == COL_NUM) {
            report_num(c[j]->num[k], buf[j], 4096);
            cells[j] = buf[j];
        } else {
            cells[j] = c[j]->str[k];
        }
    rc = report_word(r, "sources", c[1]->str[k] ? c[1]->str[k] : "", &cells[1], e);
    for (size_t j = 5; j <= 6; j++) {
        labels(r, c[j]->str[k], buf[j], 4096);
        cells[j] = buf[j];
    }
    for (size_t j = 8; j < NSEG && !rc; j += 2)
        if (c[j]->str[k])
            rc = report_word(r, "channels", c[j]->str[k], &cells[j], e);
    return rc;
}

/* Sheet column q shows data column col[q], headed h[q], of kind k[q]; the
 * segment columns sit right after the id (col[q] = SIZE_MAX). */
static int layout(struct report *r, const struct table *c, long idc, int seg, size_t *col, const char **h,
                  enum xlsxout_kind *k, struct err *e)
{
    int rc = ERR_OK;
    size_t q = 0;
    for (size_t j = 0; j < c->ncols && !rc; j++) {
        col[q] = j;
        h[q] = report_column_label(r, c->cols[j].name);
        k[q] = column_kind(r, &c->cols[j]);
        if (k[q] == XLSXOUT_INT && c->cols[j].type == COL_STR)
            k[q] = report_id_kind(c->cols[j].str, c->nrows);
        q++;
        if ((long)j == idc && seg) {
            static const enum xlsxout_kind sk[NSEG] = {XLSXOUT_PERCENT, XLSXOUT_TEXT, XLSXOUT_TEXT, XLSXOUT_MONEY,
                                                       XLSXOUT_MONEY,   XLSXOUT_TEXT, XLSXOUT_TEXT, XLSXOUT_TEXT,
                                                       XLSXOUT_TEXT,    XLSXOUT_TEXT, XLSXOUT_TEXT};
            rc = report_headers(r, "customers", seg_codes, NSEG, h + q, e);
            for (size_t s = 0; s < NSEG; s++) {
                col[q + s] = (size_t)-1;
                k[q + s] = sk[s];
            }
            q += NSEG;
        }
    }
    return rc;
}

int report_sheet_customers(struct report *r, const char *name, struct err *e)
{
    const struct table *c = report_table(r, "customers");
    int seg = report_table(r, SC) != NULL;
    long idc = table_find(c, r->s->id);
    if (idc < 0)
        return err_set(e, ERR_DATA, "%s/customers.tsv: expected a column \"%s\"", r->interim, r->s->id);
    size_t extra = seg ? NSEG : 0, nc = c->ncols + extra;
    const char **h = calloc(nc, sizeof *h), **cells = calloc(nc, sizeof *cells);
    enum xlsxout_kind *k = calloc(nc, sizeof *k);
    size_t *col = calloc(nc, sizeof *col), *seg_row = calloc(c->nrows + 1, sizeof *seg_row);
    size_t *order = calloc(c->nrows + 1, sizeof *order);
    char *nums = malloc(64 * nc);
    char(*buf)[4096] = malloc(NSEG * sizeof *buf);
    struct xlsxout_table *t = NULL;
    int rc = h && cells && k && col && seg_row && order && nums && buf ? ERR_OK
                                                                       : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = layout(r, c, idc, seg, col, h, k, e);
    if (!rc && seg)
        rc = join(r, c, idc, seg_row, order, e);
    for (size_t i = 0; i < c->nrows && !rc && !seg; i++)
        order[i] = i;
    if (!rc && !(t = xlsxout_table_alloc(nc, h, k)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    size_t first_seg = (size_t)idc + 1;
    for (size_t o = 0; o < c->nrows && !rc; o++) {
        size_t i = order[o];
        if (seg)
            rc = seg_cells(r, seg_row[i], buf, cells + first_seg, e);
        for (size_t j = 0; j < nc && !rc; j++) {
            if (col[j] == (size_t)-1)
                continue;
            const struct column *cj = &c->cols[col[j]];
            if (cj->type == COL_STR) {
                cells[j] = class_word(r, cj, cj->str[i]);
            } else {
                report_num(cj->num[i], nums + 64 * j, 64);
                cells[j] = nums + 64 * j;
            }
        }
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    lxw_worksheet *ws = NULL;
    if (!rc)
        rc = report_emit_table(r, name, NULL, t, 1, &ws, e);
    /* Green (unlikely) to red (likely to buy less); the id stays in view. */
    if (!rc && seg)
        rc = xlsxout_color_scale(ws, t, first_seg, 0, e);
    xlsxout_table_free(t);
    FREE_ALL(h, cells, k, col, seg_row, order, nums, buf);
    return rc;
}
