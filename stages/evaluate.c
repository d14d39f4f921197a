/* evaluate: the test-set verdict. For the chosen pipeline ("best") and for each
 * family's best, from their probabilities of the positive class on the test rows
 * (train/scores_test.tsv: id, y, best, then one column per family):
 *   - ROC-AUC with its DeLong interval, average precision, log-loss, Brier;
 *   - the confusion matrix and accuracy/precision/recall/F1 at 0.5 and at the
 *     threshold the rule in params picks (Youden's J or the maximum F1);
 *   - the curves the report draws: ROC, precision-recall, calibration, gains.
 * Tables go to --out as long TSV (one `model` column), the scalars the report
 * cites to --kv: test_* for the chosen pipeline, <family>_* for the others. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kv.h"
#include "metrics.h"
#include "params.h"
#include "table.h"

/* The usual cut-off, reported next to the chosen one. */
#define DEFAULT_THRESHOLD 0.5
/* sklearn's log_loss clip. */
#define LOGLOSS_EPS 1e-15

enum rule { RULE_YOUDEN, RULE_MAX_F1 };
static const char *const rules[] = {"youden", "max_f1", NULL};

struct settings {
    int rule;
    long calib_bins, gains_groups;
    double ci_level;
};

/* One model's column of scores and what the metrics make of it. */
struct model {
    const char *name;
    const double *s;
    struct metrics_auc_ci auc;
    double ap, log_loss, brier;
    struct metrics_threshold thr;
    struct metrics_confusion at_default, at_thr;
    struct metrics_roc *roc;
    struct metrics_pr *pr;
    struct metrics_calib_bin *calib;
    struct metrics_gain_row *gains;
};

static int read_settings(const struct params *p, struct settings *st, struct err *e)
{
    static const char *const keys[] = {"threshold_rule", "calibration_bins", "gains_groups", "ci_level", "labels",
                                       NULL};
    int rc = params_check_keys(p, "evaluate", keys, e);
    if (!rc)
        rc = params_enum(p, "evaluate.threshold_rule", rules, &st->rule, e);
    if (!rc)
        rc = params_long(p, "evaluate.calibration_bins", 2, 100, &st->calib_bins, e);
    if (!rc)
        rc = params_long(p, "evaluate.gains_groups", 2, 100, &st->gains_groups, e);
    if (!rc)
        rc = params_double(p, "evaluate.ci_level", 0.5, 0.999, &st->ci_level, e);
    return rc;
}

/* Model names become kv keys (<name>_roc_auc) and figure legends: keep them plain. */
static int plain_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* Every number the report needs about one model. */
static int model_evaluate(struct model *m, const int *y, size_t n, const struct settings *st, struct err *e)
{
    int rc = metrics_roc_auc_delong(y, m->s, n, st->ci_level, &m->auc, e);
    for (size_t i = 0; !rc && i < n; i++)
        if (m->s[i] < 0 || m->s[i] > 1)
            rc = err_set(e, ERR_DATA, "row %zu: expected a probability in [0, 1], found %.17g", i + 1, m->s[i]);
    if (!rc)
        rc = metrics_average_precision(y, m->s, n, &m->ap, e);
    if (!rc)
        rc = metrics_log_loss(y, m->s, n, LOGLOSS_EPS, &m->log_loss, e);
    if (!rc)
        rc = metrics_brier(y, m->s, n, &m->brier, e);
    /* The threshold is picked on the test rows themselves: it describes what
     * the best cut-off would have been, so the metrics at it are optimistic. */
    if (!rc)
        rc = st->rule == RULE_YOUDEN ? metrics_threshold_youden(y, m->s, n, &m->thr, e)
                                     : metrics_threshold_max_f1(y, m->s, n, &m->thr, e);
    if (!rc)
        rc = metrics_confusion_at(y, m->s, n, DEFAULT_THRESHOLD, &m->at_default, e);
    if (!rc)
        rc = metrics_confusion_at(y, m->s, n, m->thr.threshold, &m->at_thr, e);
    if (!rc)
        rc = metrics_roc_curve(y, m->s, n, 1, &m->roc, e);
    if (!rc)
        rc = metrics_pr_curve(y, m->s, n, &m->pr, e);
    if (!rc && !(m->calib = malloc((size_t)st->calib_bins * sizeof *m->calib)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = metrics_calibration(y, m->s, n, (size_t)st->calib_bins, m->calib, e);
    if (!rc && !(m->gains = malloc((size_t)st->gains_groups * sizeof *m->gains)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = metrics_gains(y, m->s, n, (size_t)st->gains_groups, m->gains, e);
    if (rc)
        err_prefix(e, "model %s: ", m->name);
    return rc;
}

static void model_release(struct model *m)
{
    metrics_roc_free(m->roc);
    metrics_pr_free(m->pr);
    free(m->calib);
    free(m->gains);
}

/* ---- long tables: a `model` column, then numbers, one row at a time ------ */

static int long_table(struct table **out, const char *const *cols, struct err *e)
{
    struct table *t = table_alloc();
    int rc = t ? table_add_column(t, "model", COL_STR, NULL, e) : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t j = 0; !rc && cols[j]; j++)
        rc = table_add_column(t, cols[j], COL_NUM, NULL, e);
    if (rc) {
        table_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

/* Append a row: the model's name and ncols - 1 numbers. */
static int long_row(struct table *t, const char *model, const double *v, struct err *e)
{
    size_t r = t->nrows;
    int rc = table_set_rows(t, r + 1, e);
    if (!rc)
        rc = table_set_str(t, 0, r, model, e);
    for (size_t j = 1; !rc && j < t->ncols; j++)
        t->cols[j].num[r] = v[j - 1];
    return rc;
}

static int write_long(struct table *t, const char *dir, const char *name, struct err *e)
{
    char path[4096];
    int rc = table_write_tsv(t, cli_path(path, sizeof path, dir, name), e);
    table_free(t);
    return rc;
}

static int write_metrics(const struct model *ms, size_t nm, size_t n, size_t npos, const char *dir, struct err *e)
{
    static const char *const cols[] = {
        "n", "n_pos", "roc_auc", "ci_low", "ci_high", "roc_auc_se", "average_precision", "log_loss", "brier",
        "accuracy_05", "precision_05", "recall_05", "f1_05", "threshold", "threshold_score",
        "accuracy", "precision", "recall", "f1", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++) {
        const struct model *m = &ms[k];
        const struct metrics_confusion *a = &m->at_default, *b = &m->at_thr;
        double v[] = {(double)n, (double)npos, m->auc.auc, m->auc.lo, m->auc.hi, m->auc.se, m->ap, m->log_loss,
                      m->brier, metrics_accuracy(a), metrics_precision(a), metrics_recall(a), metrics_f1(a),
                      m->thr.threshold, m->thr.value, metrics_accuracy(b), metrics_precision(b),
                      metrics_recall(b), metrics_f1(b)};
        rc = long_row(t, m->name, v, e);
    }
    return rc ? (table_free(t), rc) : write_long(t, dir, "metrics.tsv", e);
}

/* ROC points as sklearn's roc_curve (drop_intermediate): enough to draw. */
static int write_roc(const struct model *ms, size_t nm, const char *dir, struct err *e)
{
    static const char *const cols[] = {"fpr", "tpr", "threshold", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++)
        for (size_t i = 0; !rc && i < ms[k].roc->n; i++) {
            double v[] = {ms[k].roc->fpr[i], ms[k].roc->tpr[i], ms[k].roc->thresholds[i]};
            rc = long_row(t, ms[k].name, v, e);
        }
    return rc ? (table_free(t), rc) : write_long(t, dir, "roc.tsv", e);
}

/* PR points by increasing threshold; the last point (recall 0) has none. */
static int write_pr(const struct model *ms, size_t nm, const char *dir, struct err *e)
{
    static const char *const cols[] = {"recall", "precision", "threshold", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++) {
        const struct metrics_pr *p = ms[k].pr;
        for (size_t i = 0; !rc && i < p->n; i++) {
            double v[] = {p->recall[i], p->precision[i], i + 1 < p->n ? p->thresholds[i] : NAN};
            rc = long_row(t, ms[k].name, v, e);
        }
    }
    return rc ? (table_free(t), rc) : write_long(t, dir, "pr.tsv", e);
}

/* One row per cell, so the table pivots in pandas and draws as a heatmap:
 * actual and predicted are 1 for the positive class. */
static int write_confusion(const struct model *ms, size_t nm, const char *dir, struct err *e)
{
    static const char *const cols[] = {"chosen", "threshold", "actual", "predicted", "count", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++)
        for (int chosen = 0; !rc && chosen <= 1; chosen++) {
            const struct metrics_confusion *c = chosen ? &ms[k].at_thr : &ms[k].at_default;
            double thr = chosen ? ms[k].thr.threshold : DEFAULT_THRESHOLD;
            const size_t cells[4] = {c->tn, c->fp, c->fn, c->tp};
            for (int cell = 0; !rc && cell < 4; cell++) {
                double v[] = {chosen, thr, cell / 2, cell % 2, (double)cells[cell]};
                rc = long_row(t, ms[k].name, v, e);
            }
        }
    return rc ? (table_free(t), rc) : write_long(t, dir, "confusion.tsv", e);
}

/* Empty bins have no mean: they are left out, as sklearn's calibration_curve does. */
static int write_calibration(const struct model *ms, size_t nm, size_t nbins, const char *dir, struct err *e)
{
    static const char *const cols[] = {"bin", "lo", "hi", "mean_pred", "frac_pos", "count", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++)
        for (size_t b = 0; !rc && b < nbins; b++) {
            const struct metrics_calib_bin *c = &ms[k].calib[b];
            if (c->count == 0)
                continue;
            double v[] = {(double)b + 1, c->lo, c->hi, c->mean_pred, c->frac_pos, (double)c->count};
            rc = long_row(t, ms[k].name, v, e);
        }
    return rc ? (table_free(t), rc) : write_long(t, dir, "calibration.tsv", e);
}

static int write_gains(const struct model *ms, size_t nm, size_t ngroups, const char *dir, struct err *e)
{
    static const char *const cols[] = {"group", "n", "n_pos", "score_max", "score_min", "rate", "lift",
                                       "cum_frac", "cum_gain", "cum_lift", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++)
        for (size_t g = 0; !rc && g < ngroups; g++) {
            const struct metrics_gain_row *w = &ms[k].gains[g];
            double v[] = {(double)g + 1, (double)w->n, (double)w->npos, w->score_max, w->score_min, w->rate,
                          w->lift, w->cum_frac, w->cum_gain, w->cum_lift};
            rc = long_row(t, ms[k].name, v, e);
        }
    return rc ? (table_free(t), rc) : write_long(t, dir, "gains.tsv", e);
}

/* ---- the scalars the report cites --------------------------------------- */

static int set_d(struct kv *kv, const char *prefix, const char *key, double x, struct err *e)
{
    char k[256];
    snprintf(k, sizeof k, "%s_%s", prefix, key);
    return kv_set_double(kv, k, x, e);
}

/* The same keys for the chosen pipeline (prefix "test") and for each family. */
static int kv_model(struct kv *kv, const char *prefix, const struct model *m, struct err *e)
{
    const struct metrics_confusion *a = &m->at_default, *b = &m->at_thr;
    int rc = set_d(kv, prefix, "roc_auc", m->auc.auc, e);
    if (!rc)
        rc = set_d(kv, prefix, "roc_auc_ci_low", m->auc.lo, e);
    if (!rc)
        rc = set_d(kv, prefix, "roc_auc_ci_high", m->auc.hi, e);
    if (!rc)
        rc = set_d(kv, prefix, "average_precision", m->ap, e);
    if (!rc)
        rc = set_d(kv, prefix, "log_loss", m->log_loss, e);
    if (!rc)
        rc = set_d(kv, prefix, "brier", m->brier, e);
    if (!rc)
        rc = set_d(kv, prefix, "threshold", m->thr.threshold, e);
    if (!rc)
        rc = set_d(kv, prefix, "accuracy_05", metrics_accuracy(a), e);
    if (!rc)
        rc = set_d(kv, prefix, "precision_05", metrics_precision(a), e);
    if (!rc)
        rc = set_d(kv, prefix, "recall_05", metrics_recall(a), e);
    if (!rc)
        rc = set_d(kv, prefix, "f1_05", metrics_f1(a), e);
    if (!rc)
        rc = set_d(kv, prefix, "accuracy", metrics_accuracy(b), e);
    if (!rc)
        rc = set_d(kv, prefix, "precision", metrics_precision(b), e);
    if (!rc)
        rc = set_d(kv, prefix, "recall", metrics_recall(b), e);
    if (!rc)
        rc = set_d(kv, prefix, "f1", metrics_f1(b), e);
    if (!rc)
        rc = set_d(kv, prefix, "top_group_lift", m->gains[0].lift, e);
    if (!rc)
        rc = set_d(kv, prefix, "top_group_gain", m->gains[0].cum_gain, e);
    return rc;
}

static int write_kv(const struct model *ms, size_t nm, size_t n, size_t npos, const struct settings *st,
                    const struct kv *train, const char *path, struct err *e)
{
    struct kv *kv = kv_alloc();
    int rc = kv ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = kv_set_long(kv, "n_test", (long)n, e);
    if (!rc)
        rc = kv_set_long(kv, "n_test_pos", (long)npos, e);
    if (!rc)
        rc = kv_set_str(kv, "threshold_rule", rules[st->rule], e);
    if (!rc)
        rc = kv_set_double(kv, "ci_level", st->ci_level, e);
    if (!rc && train && kv_get(train, "best_family"))
        rc = kv_set_str(kv, "best_family", kv_get(train, "best_family"), e);
    /* The headline: the chosen pipeline (column "best", always first). */
    if (!rc)
        rc = kv_set_double(kv, "threshold", ms[0].thr.threshold, e);
    if (!rc)
        rc = kv_model(kv, "test", &ms[0], e);
    if (!rc)
        rc = kv_set_long(kv, "test_tn", (long)ms[0].at_thr.tn, e);
    if (!rc)
        rc = kv_set_long(kv, "test_fp", (long)ms[0].at_thr.fp, e);
    if (!rc)
        rc = kv_set_long(kv, "test_fn", (long)ms[0].at_thr.fn, e);
    if (!rc)
        rc = kv_set_long(kv, "test_tp", (long)ms[0].at_thr.tp, e);
    /* Which family ranks the test rows best (first on ties, in file order). */
    size_t top = nm > 1 ? 1 : 0;
    for (size_t k = 2; k < nm; k++)
        if (ms[k].auc.auc > ms[top].auc.auc)
            top = k;
    if (!rc && nm > 1)
        rc = kv_set_str(kv, "top_test_family", ms[top].name, e);
    for (size_t k = 1; !rc && k < nm; k++)
        rc = kv_model(kv, ms[k].name, &ms[k], e);
    if (!rc)
        rc = kv_write(kv, path, e);
    kv_free(kv);
    return rc;
}

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *scores_path = "data/interim/train/scores_test.tsv";
    const char *train_kv = "", *out = "data/interim/evaluate", *kv_path = "data/interim/metrics.kv";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (section: evaluate)"},
        {"scores", &scores_path, "test-row probabilities: id, y, best, then one column per family"},
        {"train-kv", &train_kv, "train's key-value file, for best_family (optional)"},
        {"out", &out, "directory for metrics, roc, pr, confusion, calibration and gains .tsv"},
        {"kv", &kv_path, "key-value file with the metrics the report cites"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct settings st = {0};
    struct table *t = NULL;
    struct kv *train = NULL;
    struct model *ms = NULL;
    int *y = NULL;
    size_t nm = 0, npos = 0;
    int rc = cli_parse(argc, argv, "Test-set metrics, thresholds and curves of the chosen model and of each family.",
                       opts, &e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = params_load(params_path, &p, &e);
    if (!rc)
        rc = read_settings(p, &st, &e);
    if (!rc && *train_kv)
        rc = kv_read(train_kv, &train, &e);
    static const char *const str_cols[] = {"id", NULL};
    if (!rc)
        rc = table_read_tsv(scores_path, str_cols, &t, &e);
    /* The contract with train: id, y, best, then the families' columns. */
    long yc = rc ? -1 : table_find(t, "y"), bc = rc ? -1 : table_find(t, "best");
    if (!rc && (yc < 0 || bc < 0 || t->cols[yc].type != COL_NUM))
        rc = err_set(&e, ERR_DATA, "%s: expected numeric columns \"y\" and \"best\"", scores_path);
    if (!rc && !(ms = calloc(t->ncols + 1, sizeof *ms)))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    if (!rc && !(y = malloc((t->nrows ? t->nrows : 1) * sizeof *y)))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < t->nrows; i++) {
        double v = t->cols[yc].num[i];
        if (v != 0 && v != 1)
            rc = err_set(&e, ERR_DATA, "%s:%zu: expected y 0 or 1, found %.17g", scores_path, i + 2, v);
        y[i] = v == 1;
        npos += (size_t)y[i];
    }
    if (!rc && (size_t)st.gains_groups > t->nrows)
        rc = err_set(&e, ERR_DATA, "%s: expected at least evaluate.gains_groups = %ld rows, found %zu", scores_path,
                     st.gains_groups, t->nrows);
    /* "best" first, then every other column but id and y, in file order. */
    for (size_t j = 0; !rc && j <= t->ncols; j++) {
        size_t c = j == 0 ? (size_t)bc : j - 1;
        if (j > 0 && ((long)c == yc || (long)c == bc || strcmp(t->cols[c].name, "id") == 0))
            continue;
        if (t->cols[c].type != COL_NUM || !plain_name(t->cols[c].name))
            rc = err_set(&e, ERR_DATA, "%s: expected a numeric column named [A-Za-z0-9_]+, found \"%s\"",
                         scores_path, t->cols[c].name);
        else
            ms[nm++] = (struct model){.name = t->cols[c].name, .s = t->cols[c].num};
    }
    for (size_t k = 0; !rc && k < nm; k++) {
        rc = model_evaluate(&ms[k], y, t->nrows, &st, &e);
        if (rc)
            err_prefix(&e, "%s: ", scores_path);
    }
    static const char *const outputs[] = {"metrics.tsv", "roc.tsv", "pr.tsv", "confusion.tsv", "calibration.tsv",
                                          "gains.tsv"};
    char path[4096];
    if (!rc)
        rc = write_metrics(ms, nm, t->nrows, npos, out, &e);
    if (!rc)
        rc = write_roc(ms, nm, out, &e);
    if (!rc)
        rc = write_pr(ms, nm, out, &e);
    if (!rc)
        rc = write_confusion(ms, nm, out, &e);
    if (!rc)
        rc = write_calibration(ms, nm, (size_t)st.calib_bins, out, &e);
    if (!rc)
        rc = write_gains(ms, nm, (size_t)st.gains_groups, out, &e);
    if (!rc)
        rc = write_kv(ms, nm, t->nrows, npos, &st, train, kv_path, &e);
    /* A failed run leaves none of its outputs: Make must not take them as up to date. */
    for (size_t k = 0; rc && k < sizeof outputs / sizeof *outputs; k++)
        remove(cli_path(path, sizeof path, out, outputs[k]));
    if (rc)
        remove(kv_path);
    int status = rc ? cli_fail("evaluate", &e) : 0;
    for (size_t k = 0; k < nm; k++)
        model_release(&ms[k]);
    free(ms);
    free(y);
    table_free(t);
    kv_free(train);
    params_free(p);
    return status;
}
