/* The explain part of the report: why the model expects a decline.
 * Reads explain.kv and explain/importance.tsv (one row per feature, in the
 * order of its rank by mean |SHAP|); says the top features and their
 * direction in words (conclusions.shap_*), lists them on Сводка, and writes
 * the sheet Важность признаков: the importance table, a native bar chart of
 * mean |SHAP| and the beeswarm figure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "out/report_sheets.h"

/* How many features the conclusions and Сводка name. */
static int top_count(const struct report *r, size_t nrows, size_t *n, struct err *e)
{
    long k;
    int rc = params_long(r->p, "report.top_features", 1, 100, &k, e);
    if (!rc)
        *n = (size_t)k < nrows ? (size_t)k : nrows;
    return rc;
}

/* The direction of a feature in words: explain writes +1 (the higher the
 * value, the higher its SHAP value towards a decline), -1, or 0. A category
 * has no "more": a nominal one depends on its category, an ordinal one on
 * its level (стандарт < премиум). */
static int direction_word(const struct report *r, const char *feature, double d, const char **out, struct err *e)
{
    int ordinal = 0;
    for (size_t k = 0; feature && k < r->s->n_ordinal; k++)
        ordinal |= strcmp(r->s->ordinal[k].column, feature) == 0;
    for (size_t k = 0; feature && k < r->s->n_nominal; k++)
        if (strcmp(r->s->nominal[k], feature) == 0)
            d = 0;
    const char *code = d == 0 ? "category" : ordinal ? (d > 0 ? "higher_level" : "lower_level") : d > 0 ? "higher" : "lower";
    return report_word(r, "importance_directions", code, out, e);
}

int report_explain_read(struct report *r, struct err *e)
{
    const char *str[] = {"feature", NULL};
    int rc = report_read_kv(r, "explain", e);
    if (!rc)
        rc = report_read_table(r, "explain/importance", str, e);
    const char *code, *word;
    if (!rc)
        rc = report_value(r, "explain", "explainer", &code, e);
    if (!rc)
        rc = report_word(r, "explainers", code, &word, e);
    if (!rc)
        rc = report_fact(r, "explainer", word, e);
    if (!rc)
        rc = report_value(r, "explain", "space", &code, e);
    if (!rc)
        rc = report_word(r, "shap_spaces", code, &word, e);
    if (!rc)
        rc = report_fact(r, "shap_space", word, e);
    const struct column *feat, *dir;
    if (!rc)
        rc = report_col(r, "explain/importance", "feature", COL_STR, &feat, e);
    if (!rc)
        rc = report_col(r, "explain/importance", "direction", COL_NUM, &dir, e);
    size_t n = 0;
    if (!rc)
        rc = top_count(r, report_table(r, "explain/importance")->nrows, &n, e);
    /* "«Доля покупок по акции» — чем больше, тем выше риск; «…» — …" */
    char top[4096] = "";
    size_t len = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        char key[64];
        const char *label = report_column_label(r, feat->str[k] ? feat->str[k] : "");
        rc = direction_word(r, feat->str[k], dir->num[k], &word, e);
        snprintf(key, sizeof key, "shap_%zu_label", k + 1);
        if (!rc)
            rc = report_fact(r, key, label, e);
        snprintf(key, sizeof key, "shap_%zu_direction", k + 1);
        if (!rc)
            rc = report_fact(r, key, word, e);
        if (!rc && len < sizeof top)
            len += (size_t)snprintf(top + len, sizeof top - len, "%s«%s» — %s", k ? "; " : "", label, word);
    }
    if (!rc && n == 0)
        rc = err_set(e, ERR_DATA, "%s/explain/importance.tsv: expected a row per feature, found none", r->interim);
    if (!rc)
        rc = report_fact(r, "shap_top", top, e);
    return rc;
}

int report_explain_summary(struct report *r, struct err *e)
{
    const char *sect;
    const struct column *feat, *dir;
    size_t n = 0;
    int rc = report_label(r, "summary.why", &sect, e);
    if (!rc)
        rc = report_col(r, "explain/importance", "feature", COL_STR, &feat, e);
    if (!rc)
        rc = report_col(r, "explain/importance", "direction", COL_NUM, &dir, e);
    if (!rc)
        rc = top_count(r, report_table(r, "explain/importance")->nrows, &n, e);
    if (!rc)
        rc = report_line_add(r, sect, NULL, XLSXOUT_TEXT, e);
    for (size_t k = 0; k < n && !rc; k++) {
        const char *word;
        char label[512];
        snprintf(label, sizeof label, "%zu. %s", k + 1, report_column_label(r, feat->str[k] ? feat->str[k] : ""));
        rc = direction_word(r, feat->str[k], dir->num[k], &word, e);
        if (!rc)
            rc = report_line_add(r, label, word, XLSXOUT_TEXT, e);
    }
    return rc;
}

/* ---- Важность признаков ---- */

int report_sheet_importance(struct report *r, const char *name, struct err *e)
{
    static const char *const codes[] = {"rank", "feature", "mean_abs_phi", "direction", "perm_drop_mean",
                                        "perm_drop_std"};
    static const enum xlsxout_kind kinds[] = {XLSXOUT_INT,  XLSXOUT_TEXT,   XLSXOUT_NUMBER,
                                              XLSXOUT_TEXT, XLSXOUT_NUMBER, XLSXOUT_NUMBER};
    /* The HTML leaves out the spread of the permutation drop. */
    static const size_t html_cols[] = {0, 1, 2, 3, 4};
    const char *h[6], *space, *title, *cc[6];
    const struct column *feat, *dir, *mean, *pm, *ps, *rank;
    /* The unit of |SHAP| (probability or log-odds) is in its header. */
    char key[128], mean_code[64];
    int rc = report_value(r, "explain", "space", &space, e);
    if (!rc) {
        snprintf(mean_code, sizeof mean_code, "mean_abs_phi_%s", space);
        memcpy(cc, codes, sizeof cc);
        cc[2] = mean_code;
        rc = report_headers(r, "importance", cc, 6, h, e);
    }
    if (!rc) {
        snprintf(key, sizeof key, "charts.importance_%s", space);
        rc = report_label(r, key, &title, e);
    }
    const char *stem = "explain/importance";
    if (!rc)
        rc = report_col(r, stem, "feature", COL_STR, &feat, e);
    if (!rc)
        rc = report_col(r, stem, "direction", COL_NUM, &dir, e);
    if (!rc)
        rc = report_col(r, stem, "mean_abs_phi", COL_NUM, &mean, e);
    if (!rc)
        rc = report_col(r, stem, "perm_drop_mean", COL_NUM, &pm, e);
    if (!rc)
        rc = report_col(r, stem, "perm_drop_std", COL_NUM, &ps, e);
    if (!rc)
        rc = report_col(r, stem, "rank", COL_NUM, &rank, e);
    if (rc)
        return rc;
    struct xlsxout_table *t = xlsxout_table_alloc(6, h, kinds);
    if (!t)
        return err_set(e, ERR_NOMEM, "out of memory");
    size_t nrows = report_table(r, stem)->nrows;
    for (size_t i = 0; i < nrows && !rc; i++) {
        char num[4][64];
        const char *word, *cells[6];
        rc = direction_word(r, feat->str[i], dir->num[i], &word, e);
        report_num(rank->num[i], num[0], 64);
        report_num(mean->num[i], num[1], 64);
        report_num(pm->num[i], num[2], 64);
        report_num(ps->num[i], num[3], 64);
        cells[0] = num[0];
        cells[1] = report_column_label(r, feat->str[i] ? feat->str[i] : "");
        cells[2] = num[1];
        cells[3] = word;
        cells[4] = num[2];
        cells[5] = num[3];
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    lxw_worksheet *ws = NULL;
    if (!rc)
        rc = report_emit_table(r, name, NULL, t, 0, &ws, e);
    if (!rc)
        rc = report_write_shown(r, t, html_cols, 5, "importance", e);
    /* The bar chart beside the table, the beeswarm under it. */
    if (!rc && t->nrows)
        rc = xlsxout_bar_chart(r->x, ws, 1, 7, name, t, 1, 2, title, 1, e);
    /* The chart is max(288, 20 px a bar + 48) high (xlsxout_bar_chart), rows 20 px. */
    size_t chart_px = t->nrows * 20 + 48 > 288 ? t->nrows * 20 + 48 : 288;
    unsigned below = (unsigned)(chart_px / 20 + 3) > (unsigned)t->nrows + 3 ? (unsigned)(chart_px / 20 + 3)
                                                                            : (unsigned)t->nrows + 3;
    char path[4096];
    if (!rc)
        rc = xlsxout_insert_png(ws, below, 0, cli_path(path, sizeof path, r->out, "figures/shapbee_test.png"),
                                0.8, title, e);
    xlsxout_table_free(t);
    return rc;
}
