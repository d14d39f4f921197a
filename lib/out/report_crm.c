/* The list the CRM team imports: one row per targeted customer, by priority
 * (the expected saving, largest first), with one primary offer, its stable
 * code and one channel (consent respected by the segment stage), the reason
 * in plain words, and whether the customer is in the control group (no offer:
 * the campaign's effect is measured against them). A second offer, where the
 * customer has one, in its own columns.
 *
 * Written twice: the sheet «Список для CRM», and <out>/offers.csv, UTF-8 with
 * a byte-order mark, `;` between fields, decimal commas and CRLF lines, as
 * Excel in a Russian locale opens a file without asking. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/outfile.h"
#include "out/report_sheets.h"

#define SC "segment/customers"

static const char *const codes[] = {"priority", "id",          "group",  "segment_name", "offer_code",
                                    "offer",    "channel",     "reason", "saving",       "probability",
                                    "offer2_code", "offer2",   "channel2"};
enum { NC = sizeof codes / sizeof codes[0] };
static const enum xlsxout_kind kinds[NC] = {XLSXOUT_INT,  XLSXOUT_TEXT, XLSXOUT_TEXT,    XLSXOUT_TEXT, XLSXOUT_TEXT,
                                            XLSXOUT_TEXT, XLSXOUT_TEXT, XLSXOUT_TEXT,    XLSXOUT_INT,  XLSXOUT_PERCENT,
                                            XLSXOUT_TEXT, XLSXOUT_TEXT, XLSXOUT_TEXT};

struct crm_cols {
    const struct column *priority, *id, *control, *segment_name, *offer_code, *offer, *channel, *reason, *saving,
        *probability, *offer2_code, *offer2, *channel2;
};

static int crm_cols(const struct report *r, struct crm_cols *c, struct err *e)
{
    const struct {
        const char *name;
        enum col_type type;
        const struct column **out;
    } want[] = {{"priority", COL_NUM, &c->priority},       {"id", COL_STR, &c->id},
                {"control", COL_NUM, &c->control},         {"segment_name", COL_STR, &c->segment_name},
                {"offer_code", COL_STR, &c->offer_code},   {"offer", COL_STR, &c->offer},
                {"channel", COL_STR, &c->channel},         {"reason", COL_STR, &c->reason},
                {"expected_saving", COL_NUM, &c->saving},  {"probability", COL_NUM, &c->probability},
                {"offer2_code", COL_STR, &c->offer2_code}, {"offer2", COL_STR, &c->offer2},
                {"channel2", COL_STR, &c->channel2}};
    int rc = ERR_OK;
    for (size_t k = 0; k < sizeof want / sizeof want[0] && !rc; k++)
        rc = report_col(r, SC, want[k].name, want[k].type, want[k].out, e);
    return rc;
}

/* The targeted rows of segment/customers.tsv by priority (1, 2, ...). */
static int by_priority(const struct table *t, const struct column *priority, size_t **rows, size_t *n, struct err *e)
{
    *n = 0;
    *rows = calloc(t->nrows + 1, sizeof **rows);
    if (!*rows)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->nrows; i++) {
        double p = priority->num[i];
        if (isnan(p))
            continue;
        if (p < 1 || p > (double)t->nrows || p != floor(p) || (*rows)[(size_t)p - 1])
            return err_set(e, ERR_DATA, "%s.tsv:%zu: expected priorities 1..n, each once, found %g", SC, i + 2, p);
        (*rows)[(size_t)p - 1] = i + 1;
        (*n)++;
    }
    for (size_t k = 0; k < *n; k++) {
        if (!(*rows)[k])
            return err_set(e, ERR_DATA, "%s.tsv: expected priorities 1..%zu without gaps, found none for %zu", SC, *n,
                           k + 1);
        (*rows)[k]--;
    }
    return ERR_OK;
}

/* The cells of one customer, as the sheet shows them (numbers as %.17g). */
static int crm_row(const struct report *r, const struct crm_cols *c, size_t i, char (*num)[64], const char **cells,
                   struct err *e)
{
    const char *group = NULL, *ch = NULL, *ch2 = NULL;
    int rc = report_word(r, "crm_groups", c->control->num[i] != 0 ? "control" : "send", &group, e);
    if (!rc && c->channel->str[i])
        rc = report_word(r, "channels", c->channel->str[i], &ch, e);
    if (!rc && c->channel2->str[i])
        rc = report_word(r, "channels", c->channel2->str[i], &ch2, e);
    snprintf(num[0], 64, "%.0f", c->priority->num[i]);
    snprintf(num[1], 64, "%.0f", isnan(c->saving->num[i]) ? 0 : c->saving->num[i] * 1000);
    report_num(c->probability->num[i], num[2], 64);
    const char *row[NC] = {num[0],
                           c->id->str[i],
                           group,
                           c->segment_name->str[i],
                           c->offer_code->str[i],
                           c->offer->str[i],
                           ch,
                           c->reason->str[i],
                           num[1],
                           num[2],
                           c->offer2_code->str[i],
                           c->offer2->str[i],
                           ch2};
    memcpy(cells, row, sizeof row);
    return rc;
}

/* A field of the CSV: quoted when it holds the separator, a quote or a line
 * break; a number with a decimal comma (percent: as a percentage). */
static void csv_field(FILE *fp, const char *s, enum xlsxout_kind k)
{
    if (!s)
        return;
    if (k == XLSXOUT_PERCENT) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.1f", strtod(s, NULL) * 100);
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = ',';
        fputs(buf, fp);
        return;
    }
    if (!strpbrk(s, ";\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static int write_csv(const struct report *r, const struct xlsxout_table *t, struct err *e)
{
    char path[4096];
    struct outfile of;
    int rc = outfile_open(cli_path(path, sizeof path, r->out, "offers.csv"), &of, e);
    if (rc)
        return rc;
    fputs("\xEF\xBB\xBF", of.fp);
    for (size_t i = 0; i <= t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            if (j)
                fputc(';', of.fp);
            if (i == 0)
                csv_field(of.fp, t->header[j], XLSXOUT_TEXT);
            else
                csv_field(of.fp, t->cells[(i - 1) * t->ncols + j], t->kinds[j]);
        }
        fputs("\r\n", of.fp);
    }
    return outfile_commit(&of, e);
}

int report_sheet_crm(struct report *r, const char *name, struct err *e)
{
    const struct table *st = report_table(r, SC);
    const char *h[NC], *cells[NC];
    char num[3][64];
    struct crm_cols c;
    size_t *rows = NULL, n = 0;
    int rc = st ? report_headers(r, "crm", codes, NC, h, e)
                : err_set(e, ERR_DATA, "%s/%s.tsv: expected the segment stage's customers", r->interim, SC);
    if (!rc)
        rc = crm_cols(r, &c, e);
    if (!rc)
        rc = by_priority(st, c.priority, &rows, &n, e);
    enum xlsxout_kind k[NC];
    memcpy(k, kinds, sizeof k);
    if (!rc)
        k[1] = report_id_kind(c.id->str, st->nrows);
    struct xlsxout_table *t = rc ? NULL : xlsxout_table_alloc(NC, h, k);
    if (!rc && !t)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n && !rc; k++) {
        rc = crm_row(r, &c, rows[k], num, cells, e);
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    if (!rc)
        rc = report_emit_table(r, name, NULL, t, 2, NULL, e);
    if (!rc)
        rc = write_csv(r, t, e);
    xlsxout_table_free(t);
    free(rows);
    return rc;
}
