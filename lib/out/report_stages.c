/* The parts of the report fed by the analysis stages: eda (Статистика),
 * corr (Корреляции), train (Модели), evaluate (Метрики). Each sheet is a TSV
 * the stage wrote, with Russian headers (report.headers, then labels.columns)
 * and number formats chosen from the values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/order.h"
#include "out/report_sheets.h"

/* ---- a TSV as a sheet ---- */

static const char *header_label(const struct report *r, const char *name)
{
    const struct pnode *m = params_find(r->t, NULL, "report.headers");
    const struct pnode *w = m && m->kind == PNODE_MAP ? pnode_child(m, name) : NULL;
    return w && w->kind == PNODE_SCALAR && w->value ? w->value : report_column_label(r, name);
}

/* Integers are counts and ids; other numbers get three decimals. */
static enum xlsxout_kind infer_kind(const struct column *c, size_t n)
{
    if (c->type == COL_STR)
        return XLSXOUT_TEXT;
    for (size_t i = 0; i < n; i++)
        if (!isnan(c->num[i]) && (c->num[i] != floor(c->num[i]) || fabs(c->num[i]) > 1e15))
            return XLSXOUT_NUMBER;
    return XLSXOUT_INT;
}

/* The table read from interim/<stem>.tsv without the skipped columns. */
static int tsv_table(struct report *r, const char *stem, const char *const *skip, struct xlsxout_table **out,
                     struct err *e)
{
    const struct table *s = report_table(r, stem);
    if (!s)
        return err_set(e, ERR_USAGE, "report: the table %s was not read", stem);
    size_t *cols = calloc(s->ncols + 1, sizeof *cols), nc = 0;
    const char **h = calloc(s->ncols + 1, sizeof *h), **cells = calloc(s->ncols + 1, sizeof *cells);
    enum xlsxout_kind *k = calloc(s->ncols + 1, sizeof *k);
    char *nums = malloc(64 * (s->ncols + 1));
    struct xlsxout_table *t = NULL;
    int rc = cols && h && cells && k && nums ? ERR_OK : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < s->ncols && !rc; j++) {
        int skipped = 0;
        for (size_t q = 0; skip && skip[q]; q++)
            skipped |= strcmp(skip[q], s->cols[j].name) == 0;
        if (skipped)
            continue;
        cols[nc] = j;
        h[nc] = header_label(r, s->cols[j].name);
        k[nc++] = infer_kind(&s->cols[j], s->nrows);
    }
    if (!rc && !(t = xlsxout_table_alloc(nc, h, k)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    /* Codes (model families...) in words: report.translate names the map. */
    const struct pnode *tr = params_find(r->t, NULL, "report.translate");
    for (size_t i = 0; i < s->nrows && !rc; i++) {
        for (size_t q = 0; q < nc && !rc; q++) {
            const struct column *c = &s->cols[cols[q]];
            const struct pnode *map = tr && tr->kind == PNODE_MAP ? pnode_child(tr, c->name) : NULL;
            if (c->type == COL_STR && map && map->kind == PNODE_SCALAR && c->str[i])
                rc = report_word(r, map->value, c->str[i], &cells[q], e);
            else if (c->type == COL_STR)
                cells[q] = c->str[i];
            else {
                report_num(c->num[i], nums + 64 * q, 64);
                cells[q] = nums + 64 * q;
            }
        }
        if (!rc)
            rc = xlsxout_table_add_row(t, cells, e);
    }
    if (!rc)
        *out = t;
    else
        xlsxout_table_free(t);
    FREE_ALL(cols, h, cells, k, nums);
    return rc;
}

int report_tsv_sheet(struct report *r, const char *name, const char *stem, const char *html_stem,
                     const char *const *skip, lxw_worksheet **ws, struct xlsxout_table **out, struct err *e)
{
    struct xlsxout_table *t = NULL;
    int rc = tsv_table(r, stem, skip, &t, e);
    if (!rc)
        rc = report_emit_table(r, name, html_stem, t, 0, ws, e);
    if (!rc && out)
        *out = t;
    else
        xlsxout_table_free(t);
    return rc;
}

/* ---- eda: Статистика ---- */

int report_eda_read(struct report *r, struct err *e)
{
    const char *str[] = {"table", "column", "label", "class", NULL};
    int rc = report_read_kv(r, "eda", e);
    if (!rc)
        rc = report_read_table(r, "eda/numeric", str, e);
    /* The direction of each ranked feature (smd_K < 0: lower among those
     * whose activity declined), in words, as conclusions.eda_dir_K. */
    const struct pnode *dirs;
    if (!rc)
        rc = params_node(r->t, "report.directions", PNODE_SEQ, &dirs, e);
    if (!rc && dirs->n != 2)
        return err_set(e, ERR_PARAMS, "%s:%zu:%zu: report.directions: expected [lower, higher], found %zu items",
                       dirs->file, dirs->line, dirs->col, dirs->n);
    for (int k = 1; !rc; k++) {
        char key[32], *end;
        snprintf(key, sizeof key, "smd_%d", k);
        const char *v = kvset_get(r->kv, "eda", key);
        if (!v)
            break;
        double smd = strtod(v, &end);
        if (!*v || *end)
            return err_set(e, ERR_DATA, "%s/eda.kv: %s: expected a number, found \"%s\"", r->interim, key, v);
        const char *word;
        snprintf(key, sizeof key, "eda_dir_%d", k);
        rc = pnode_string(dirs->items[smd > 0], "report.directions", &word, e);
        if (!rc)
            rc = report_fact(r, key, word, e);
    }
    return rc;
}

/* Rows of `all` (built from eda/numeric.tsv row by row) whose table is, or
 * (want_merged = 0) is not, the merged customers table; a column the merged
 * table has is left out of the others (the same customers: the same numbers). */
static int stats_block(const struct table *s, const struct xlsxout_table *all, int want_merged,
                       struct xlsxout_table **out, struct err *e)
{
    long tc = table_find(s, "table"), cc = table_find(s, "column");
    struct xlsxout_table *t = xlsxout_table_alloc(all->ncols, (const char *const *)all->header, all->kinds);
    int rc = t ? ERR_OK : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->nrows && !rc && tc >= 0 && cc >= 0; i++) {
        const char *tab = s->cols[tc].str[i] ? s->cols[tc].str[i] : "", *col = s->cols[cc].str[i];
        int merged = strcmp(tab, "customers") == 0, also = 0;
        for (size_t k = 0; !merged && k < s->nrows && col; k++)
            also |= s->cols[tc].str[k] && strcmp(s->cols[tc].str[k], "customers") == 0 && s->cols[cc].str[k] &&
                    strcmp(s->cols[cc].str[k], col) == 0;
        if (merged == want_merged && !also)
            rc = xlsxout_table_add_row(t, (const char *const *)&all->cells[i * all->ncols], e);
    }
    return report_table_out(rc, t, out);
}

int report_sheet_stats(struct report *r, const char *name, struct err *e)
{
    /* Two blocks: a row per customer (the merged table), then the monthly
     * tables with every month pooled; each column once. */
    static const char *const skip[] = {"table", "column", NULL};
    struct xlsxout_table *all = NULL, *per = NULL, *months = NULL;
    const char *t_months;
    int rc = tsv_table(r, "eda/numeric", skip, &all, e);
    if (!rc)
        rc = stats_block(report_table(r, "eda/numeric"), all, 1, &per, e);
    if (!rc)
        rc = stats_block(report_table(r, "eda/numeric"), all, 0, &months, e);
    if (!rc)
        rc = report_label(r, "stats_months", &t_months, e);
    const struct report_sheet_block b[] = {{NULL, per}, {t_months, months}};
    lxw_worksheet *ws;
    unsigned next;
    if (!rc)
        rc = report_blocks_sheet(r, name, b, months && months->nrows ? 2 : 1, &ws, &next, e);
    xlsxout_table_free(all);
    xlsxout_table_free(per);
    xlsxout_table_free(months);
    return rc;
}

int report_eda_summary(struct report *r, struct err *e)
{
    static const struct report_line_spec line = {"summary.differences", "conclusions", "eda", XLSXOUT_TEXT};
    return report_lines_add(r, &line, 1, e);
}

/* ---- corr: Корреляции ---- */

int report_corr_read(struct report *r, struct err *e)
{
    const char *str[] = {"feature", NULL};
    int rc = report_read_kv(r, "corr", e);
    if (!rc)
        rc = report_read_table(r, "corr/phik", str, e);
    /* The reader sees labels, never the export's column names: the matrix's
     * rows (its header already has them) and the features the text names. */
    struct table *t = rc ? NULL : (struct table *)report_table(r, "corr/phik");
    long fc = t ? table_find(t, "feature") : -1;
    for (size_t i = 0; fc >= 0 && i < t->nrows && !rc; i++)
        if (t->cols[fc].str[i])
            rc = table_set_str(t, (size_t)fc, i, report_column_label(r, t->cols[fc].str[i]), e);
    static const char *const named[][2] = {
        {"phik_target_1_name", "corr_target"}, {"phik_top1_x", "corr_top_x"}, {"phik_top1_y", "corr_top_y"}};
    for (size_t k = 0; k < 3 && !rc; k++) {
        const char *v;
        rc = report_value(r, "corr", named[k][0], &v, e);
        if (!rc)
            rc = report_fact(r, named[k][1], report_column_label(r, v), e);
    }
    return rc;
}

int report_sheet_corr(struct report *r, const char *name, struct err *e)
{
    lxw_worksheet *ws = NULL;
    struct xlsxout_table *t = NULL;
    int rc = report_tsv_sheet(r, name, "corr/phik", NULL, NULL, &ws, &t, e);
    if (!rc && t->nrows && t->ncols > 1) {
        /* One white-to-red scale over the whole matrix: 0 no link, 1 a full one. */
        lxw_conditional_format cf;
        memset(&cf, 0, sizeof cf);
        cf.type = LXW_CONDITIONAL_2_COLOR_SCALE;
        cf.min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
        cf.min_value = 0;
        cf.min_color = 0xFFFFFF;
        cf.max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER;
        cf.max_value = 1;
        cf.max_color = 0xF8696B;
        if (worksheet_conditional_format_range(ws, 1, 1, (lxw_row_t)t->nrows, (lxw_col_t)(t->ncols - 1), &cf))
            rc = err_set(e, ERR_DATA, "%s: cannot add the colour scale", name);
        worksheet_freeze_panes(ws, 1, 1);
    }
    xlsxout_table_free(t);
    return rc;
}

/* ---- train: Модели ---- */

int report_train_read(struct report *r, struct err *e)
{
    const char *str[] = {"family", "scaler", "params", "error", "scoring", NULL};
    int rc = report_read_kv(r, "train", e);
    if (!rc)
        rc = report_read_table(r, "train/leaderboard", str, e);
    if (!rc)
        rc = report_read_table(r, "train/candidates", str, e);
    const char *fam, *word;
    if (!rc)
        rc = report_value(r, "train", "best_family", &fam, e);
    if (!rc)
        rc = report_word(r, "families", fam, &word, e);
    return rc ? rc : report_fact(r, "best_model", word, e);
}

/* The rows of t in the order of the numbers in column col (stable; empty last). */
static int sort_rows(struct xlsxout_table *t, size_t col, struct err *e)
{
    double *v = malloc((t->nrows + 1) * sizeof *v);
    size_t *o = malloc((t->nrows + 1) * sizeof *o);
    char **cells = malloc((t->nrows * t->ncols + 1) * sizeof *cells);
    int rc = v && o && cells ? ERR_OK : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        const char *s = t->cells[i * t->ncols + col];
        v[i] = s && *s ? strtod(s, NULL) : NAN;
    }
    if (!rc && order_by(v, t->nrows, 0, o))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->nrows && !rc; i++)
        memcpy(cells + i * t->ncols, t->cells + o[i] * t->ncols, t->ncols * sizeof *cells);
    if (!rc)
        memcpy(t->cells, cells, t->nrows * t->ncols * sizeof *cells);
    free(v);
    free(o);
    free(cells);
    return rc;
}

int report_sheet_models(struct report *r, const char *name, struct err *e)
{
    /* Every candidate, the best first; "mean" is mean_roc_auc again. */
    static const char *const skip[] = {"scoring", "error", "mean", NULL};
    struct xlsxout_table *t = NULL;
    int rc = tsv_table(r, "train/candidates", skip, &t, e);
    size_t rank_col = 0;
    while (!rc && rank_col < t->ncols && strcmp(t->header[rank_col], header_label(r, "rank")) != 0)
        rank_col++;
    if (!rc && rank_col < t->ncols)
        rc = sort_rows(t, rank_col, e);
    lxw_worksheet *ws = NULL;
    if (!rc)
        rc = report_emit_table(r, name, NULL, t, 0, &ws, e);
    xlsxout_table_free(t);
    /* The leaderboard (each family's best) is the report's table. */
    /* The hyperparameters stay on the sheet: in the HTML they would push the
     * table past the page. */
    static const char *const lskip[] = {"scoring", "candidate", "cv_score", "candidates", "params", NULL};
    struct xlsxout_table *lt = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/tables/leaderboard.tsv", r->out);
    if (!rc)
        rc = tsv_table(r, "train/leaderboard", lskip, &lt, e);
    if (!rc)
        rc = report_write_tsv(lt, path, e);
    xlsxout_table_free(lt);
    return rc;
}

/* ---- evaluate: Метрики ---- */

/* The gains chart in one sentence: the smallest top share of the test
 * customers by the chosen pipeline's probability that holds at least
 * report.gains_share of the decliners (conclusions.gains_frac, gains_share). */
static int gains_facts(struct report *r, struct err *e)
{
    static const char *const str[] = {"model", NULL};
    const struct column *model, *frac, *gain;
    double want;
    int rc = report_read_table(r, "evaluate/gains", str, e);
    if (!rc)
        rc = params_double(r->p, "report.gains_share", 0, 1, &want, e);
    if (!rc)
        rc = report_col(r, "evaluate/gains", "model", COL_STR, &model, e);
    if (!rc)
        rc = report_col(r, "evaluate/gains", "cum_frac", COL_NUM, &frac, e);
    if (!rc)
        rc = report_col(r, "evaluate/gains", "cum_gain", COL_NUM, &gain, e);
    size_t n = rc ? 0 : report_table(r, "evaluate/gains")->nrows, i = 0;
    while (i < n && !(model->str[i] && strcmp(model->str[i], "best") == 0 && gain->num[i] >= want))
        i++;
    if (!rc && i == n)
        return err_set(e, ERR_DATA, "%s/evaluate/gains.tsv: expected the chosen pipeline's rows (model best), found none",
                       r->interim);
    if (!rc)
        rc = report_fact_double(r, "gains_frac", frac->num[i], e);
    return rc ? rc : report_fact_double(r, "gains_share", gain->num[i], e);
}

int report_evaluate_read(struct report *r, struct err *e)
{
    const char *str[] = {"model", NULL};
    int rc = report_read_kv(r, "metrics", e);
    if (!rc)
        rc = report_read_table(r, "evaluate/metrics", str, e);
    /* Calibrated, the chosen pipeline's row differs from its family's (the
     * same pipeline before calibration) only in the probabilities' quality:
     * its name says so, or the two rows read as one repeated. */
    if (!rc)
        rc = gains_facts(r, e);
    const char *cal = kvset_get(r->kv, "train", "calibrated");
    struct table *mt = rc ? NULL : (struct table *)report_table(r, "evaluate/metrics");
    long mc = mt ? table_find(mt, "model") : -1;
    for (size_t i = 0; mc >= 0 && cal && strcmp(cal, "1") == 0 && i < mt->nrows && !rc; i++)
        if (mt->cols[mc].str[i] && strcmp(mt->cols[mc].str[i], "best") == 0)
            rc = table_set_str(mt, (size_t)mc, i, "best_calibrated", e);
    /* How the decision threshold was picked, in words: the report says it
     * was picked on the test rows (the metrics at it are optimistic). */
    const char *rule, *word;
    if (!rc)
        rc = report_value(r, "metrics", "threshold_rule", &rule, e);
    if (!rc)
        rc = report_word(r, "threshold_rules", rule, &word, e);
    return rc ? rc : report_fact(r, "threshold_rule", word, e);
}

int report_evaluate_summary(struct report *r, struct err *e)
{
    static const struct report_line_spec lines[] = {
        {"summary.model", NULL, NULL, XLSXOUT_TEXT},
        {"summary.best_model", "conclusions", "best_model", XLSXOUT_TEXT},
        {"summary.test_roc_auc", "metrics", "test_roc_auc", XLSXOUT_NUMBER},
        {"summary.quality", "conclusions", "models", XLSXOUT_TEXT},
    };
    return report_lines_add(r, lines, sizeof lines / sizeof lines[0], e);
}

int report_sheet_metrics(struct report *r, const char *name, struct err *e)
{
    lxw_worksheet *ws = NULL;
    struct xlsxout_table *t = NULL;
    int rc = report_tsv_sheet(r, name, "evaluate/metrics", "metrics", NULL, &ws, &t, e);
    char path[4096];
    snprintf(path, sizeof path, "%s/figures/roc_test.png", r->out);
    if (!rc)
        rc = xlsxout_insert_png(ws, (unsigned)t->nrows + 3, 0, path, 0.8, "ROC", e);
    /* The reliability diagram: the chosen pipeline calibrated, its family before. */
    snprintf(path, sizeof path, "%s/figures/calibration_test.png", r->out);
    if (!rc)
        rc = xlsxout_insert_png(ws, (unsigned)t->nrows + 3, 12, path, 0.8, "Calibration", e);
    xlsxout_table_free(t);
    return rc;
}
