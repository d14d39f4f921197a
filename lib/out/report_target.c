/* report_target: the «Отбор» sheet and its HTML tables: who gets an offer by
 * expected value, against the focus segment as a rule, and how the choice
 * moves with the assumed cost and response (segment.kv target_*,
 * segment/sensitivity.tsv; lib/study/segment_money.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/mdreport.h"
#include "out/report_sheets.h"

#define SENS "segment/sensitivity"

int report_target_read(struct report *r, struct err *e)
{
    static const char *const none[] = {NULL};
    return report_read_table(r, SENS, none, e);
}

/* One row per rule: customers, expected saving, cost, net effect, decliners left out. */
static int rules_table(struct report *r, struct xlsxout_table **out, struct err *e)
{
    static const char *const codes[] = {"rule", "n", "saving", "cost", "net", "declined_out"};
    static const char *const rules[] = {"target_ev", "target_focus"};
    static const enum xlsxout_kind kinds[] = {XLSXOUT_TEXT,  XLSXOUT_INT,   XLSXOUT_MONEY,
                                              XLSXOUT_MONEY, XLSXOUT_MONEY, XLSXOUT_INT};
    enum { NC = sizeof codes / sizeof *codes };
    const char *h[NC];
    int rc = report_headers(r, "targeting", codes, NC, h, e);
    struct xlsxout_table *t = rc ? NULL : xlsxout_table_alloc(NC, h, kinds);
    if (!rc && !t)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < 2; k++) {
        char b[NC][64], key[96];
        const char *cells[NC], *v;
        rc = report_word(r, "targeting_rules", rules[k], &cells[0], e);
        for (size_t j = 1; !rc && j < NC; j++) {
            snprintf(key, sizeof key, "%s_%s", rules[k], codes[j]);
            rc = report_value(r, "segment", key, &v, e);
            if (!rc)
                report_num(strtod(v, NULL), b[j], 64), cells[j] = b[j];
        }
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    return report_table_out(rc, t, out);
}

/* The grid: a row per cost, a column per response, each cell the customers
 * targeted and the net effect ("605 / 75,4"). */
static int grid_table(struct report *r, struct xlsxout_table **out, struct err *e)
{
    const struct table *s = report_table(r, SENS);
    const struct column *cost, *resp, *n, *net;
    int rc = report_col(r, SENS, "offer_cost", COL_NUM, &cost, e);
    if (!rc)
        rc = report_col(r, SENS, "response", COL_NUM, &resp, e);
    if (!rc)
        rc = report_col(r, SENS, "n_targeted", COL_NUM, &n, e);
    if (!rc)
        rc = report_col(r, SENS, "net_effect", COL_NUM, &net, e);
    size_t nr = 0; /* the responses: the first cost's rows */
    while (!rc && nr < s->nrows && cost->num[nr] == cost->num[0])
        nr++;
    if (!rc && (nr == 0 || nr > 16 || s->nrows % nr))
        rc = err_set(e, ERR_DATA, "%s/%s.tsv: expected a full grid of costs by responses", r->interim, SENS);
    const char *corner = NULL, *resp_word = NULL, *h[17];
    char head[17][96];
    enum xlsxout_kind kinds[17];
    if (!rc)
        rc = report_label(r, "targeting_grid_corner", &corner, e);
    if (!rc)
        rc = report_label(r, "targeting_grid_response", &resp_word, e);
    h[0] = corner, kinds[0] = XLSXOUT_NUMBER;
    for (size_t j = 0; !rc && j < nr; j++) {
        char num[32];
        report_num(100 * resp->num[j], num, sizeof num);
        for (char *c = num; *c; c++)
            *c = *c == '.' ? ',' : *c;
        snprintf(head[j], sizeof head[j], "%s %s\u00a0%%", resp_word, num);
        h[j + 1] = head[j], kinds[j + 1] = XLSXOUT_TEXT;
    }
    struct xlsxout_table *t = rc ? NULL : xlsxout_table_alloc(nr + 1, h, kinds);
    if (!rc && !t)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t a = 0; !rc && a < s->nrows / nr; a++) {
        char b[17][80];
        const char *cells[17];
        report_num(cost->num[a * nr], b[0], 80);
        cells[0] = b[0];
        for (size_t j = 0; j < nr; j++) {
            char cnt[32], sum[32], raw[2][32];
            snprintf(raw[0], sizeof raw[0], "%.17g", n->num[a * nr + j]);
            snprintf(raw[1], sizeof raw[1], "%.17g", net->num[a * nr + j]);
            if (!rc)
                rc = mdreport_format(raw[0], "int", cnt, sizeof cnt, e);
            if (!rc)
                rc = mdreport_format(raw[1], "money", sum, sizeof sum, e);
            snprintf(b[j + 1], sizeof b[j + 1], "%s / %s", cnt, sum);
            cells[j + 1] = b[j + 1];
        }
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    return report_table_out(rc, t, out);
}

int report_sheet_targeting(struct report *r, const char *name, struct err *e)
{
    struct xlsxout_table *rules = NULL, *grid = NULL;
    char *s_grid = NULL;
    int rc = report_sentence(r, "sentences.sensitivity_title", &s_grid, e);
    if (!rc)
        rc = rules_table(r, &rules, e);
    if (!rc)
        rc = grid_table(r, &grid, e);
    /* The rules first; then the assumptions, titling the grid over them. */
    const struct report_sheet_block b[] = {{NULL, rules}, {s_grid, grid}};
    lxw_worksheet *ws;
    unsigned row;
    if (!rc)
        rc = report_blocks_sheet(r, name, b, 2, &ws, &row, e);
    if (!rc)
        rc = report_write_shown(r, rules, NULL, 0, "targeting", e);
    if (!rc)
        rc = report_write_shown(r, grid, NULL, 0, "sensitivity", e);
    xlsxout_table_free(rules);
    xlsxout_table_free(grid);
    free(s_grid);
    return rc;
}
