/* evaluate_study: what the evaluate stage does (see evaluate_study.h). */
#include "study/evaluate_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "models/pipeline.h"

#include "core/cli.h"
#include "core/outfile.h"
#include "out/figure.h"
#include "out/text.h"
#include "out/textref.h"

/* The usual cut-off, reported next to the chosen one. */
#define DEFAULT_THRESHOLD 0.5
/* sklearn's log_loss clip. */
#define LOGLOSS_EPS 1e-15

enum rule { RULE_YOUDEN, RULE_MAX_F1 };
static const char *const rules[] = {"youden", "max_f1", NULL};

int evaluate_settings_read(const struct params *p, struct evaluate_settings *st, struct err *e)
{
    static const char *const keys[] = {"threshold_rule", "calibration_bins", "gains_groups", "ci_level",
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

/* Every number the report needs about one model. */
static int model_evaluate(struct evaluate_model *m, const int *y, size_t n, const struct evaluate_settings *st, struct err *e)
{
    int rc = metrics_roc_auc_delong(y, m->s, n, st->ci_level, &m->auc, e);
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
    m->ece = 0;
    for (long b = 0; !rc && b < st->calib_bins; b++)
        if (m->calib[b].count)
            m->ece += (double)m->calib[b].count / (double)n * fabs(m->calib[b].mean_pred - m->calib[b].frac_pos);
    if (!rc && !(m->gains = malloc((size_t)st->gains_groups * sizeof *m->gains)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = metrics_gains(y, m->s, n, (size_t)st->gains_groups, m->gains, e);
    if (rc)
        err_prefix(e, "model %s: ", m->name);
    return rc;
}

static void model_release(struct evaluate_model *m)
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

static int write_metrics(const struct evaluate_model *ms, size_t nm, size_t n, size_t npos, const char *dir, struct err *e)
{
    static const char *const cols[] = {
        "n", "n_pos", "roc_auc", "ci_low", "ci_high", "roc_auc_se", "average_precision", "log_loss", "brier",
        "accuracy_05", "precision_05", "recall_05", "f1_05", "threshold", "threshold_score",
        "accuracy", "precision", "recall", "f1", "ece", "delong_diff", "delong_p", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++) {
        const struct evaluate_model *m = &ms[k];
        const struct metrics_confusion *a = &m->at_default, *b = &m->at_thr;
        double v[] = {(double)n, (double)npos, m->auc.auc, m->auc.lo, m->auc.hi, m->auc.se, m->ap, m->log_loss,
                      m->brier, metrics_accuracy(a), metrics_precision(a), metrics_recall(a), metrics_f1(a),
                      m->thr.threshold, m->thr.value, metrics_accuracy(b), metrics_precision(b),
                      metrics_recall(b), metrics_f1(b), m->ece, m->compared ? m->vs_best.diff : NAN,
                      m->compared ? m->vs_best.p : NAN};
        rc = long_row(t, m->name, v, e);
    }
    return rc ? (table_free(t), rc) : write_long(t, dir, "metrics.tsv", e);
}

/* ROC points as sklearn's roc_curve (drop_intermediate): enough to draw. */
static int write_roc(const struct evaluate_model *ms, size_t nm, const char *dir, const char *name, struct err *e)
{
    static const char *const cols[] = {"fpr", "tpr", "threshold", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++)
        for (size_t i = 0; !rc && i < ms[k].roc->n; i++) {
            double v[] = {ms[k].roc->fpr[i], ms[k].roc->tpr[i], ms[k].roc->thresholds[i]};
            rc = long_row(t, ms[k].name, v, e);
        }
    return rc ? (table_free(t), rc) : write_long(t, dir, name, e);
}

/* PR points by increasing threshold; the last point (recall 0) has none. */
static int write_pr(const struct evaluate_model *ms, size_t nm, const char *dir, const char *name, struct err *e)
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
    return rc ? (table_free(t), rc) : write_long(t, dir, name, e);
}

/* One row per cell, so the table pivots in pandas and draws as a heatmap:
 * actual and predicted are 1 for the positive class. */
static int write_confusion(const struct evaluate_model *ms, size_t nm, const char *dir, struct err *e)
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
static int write_calibration(const struct evaluate_model *ms, size_t nm, size_t nbins, const char *dir, const char *name,
                             struct err *e)
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
    return rc ? (table_free(t), rc) : write_long(t, dir, name, e);
}

/* The figure's copy (origin != 0) starts each curve at group 0, no rows taken. */
static int write_gains(const struct evaluate_model *ms, size_t nm, size_t ngroups, int origin, const char *dir,
                       const char *name, struct err *e)
{
    static const char *const cols[] = {"group", "n", "n_pos", "score_max", "score_min", "rate", "lift",
                                       "cum_frac", "cum_gain", "cum_lift", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (size_t k = 0; !rc && k < nm; k++) {
        if (origin) {
            double v[] = {0, 0, 0, NAN, NAN, NAN, NAN, 0, 0, NAN};
            rc = long_row(t, ms[k].name, v, e);
        }
        for (size_t g = 0; !rc && g < ngroups; g++) {
            const struct metrics_gain_row *w = &ms[k].gains[g];
            double v[] = {(double)g + 1, (double)w->n, (double)w->npos, w->score_max, w->score_min, w->rate,
                          w->lift, w->cum_frac, w->cum_gain, w->cum_lift};
            rc = long_row(t, ms[k].name, v, e);
        }
    }
    return rc ? (table_free(t), rc) : write_long(t, dir, name, e);
}

/* ---- the scalars the report cites --------------------------------------- */

static int set_d(struct kv *kv, const char *prefix, const char *key, double x, struct err *e)
{
    char k[256];
    snprintf(k, sizeof k, "%s_%s", prefix, key);
    return kv_set_double(kv, k, x, e);
}

/* The same keys for the chosen pipeline (prefix "test") and for each family. */
static int kv_model(struct kv *kv, const char *prefix, const struct evaluate_model *m, struct err *e)
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
        rc = set_d(kv, prefix, "ece", m->ece, e);
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

/* The chosen pipeline against each other family (DeLong, paired, on the test
 * rows): per family the difference and p; how many it beats (p < 0.05 and
 * better), and the families it is tied with, as references to their names
 * in the reader's text (report.families). */
static int kv_comparison(struct kv *kv, const struct evaluate_model *ms, size_t nm, struct err *e)
{
    char tied[2048] = "", ref[TEXTREF_MAX];
    size_t ncomp = 0, nbeat = 0, ntied = 0, len = 0;
    int rc = 0;
    for (size_t k = 1; !rc && k < nm; k++) {
        if (!ms[k].compared)
            continue;
        const struct metrics_auc_diff *d = &ms[k].vs_best;
        ncomp++;
        nbeat += d->p < 0.05 && d->diff > 0;
        rc = set_d(kv, ms[k].name, "delong_diff", d->diff, e);
        if (!rc)
            rc = set_d(kv, ms[k].name, "delong_p", d->p, e);
        /* How the family compares, for a sentence each: worse, tied or better. */
        int sig = d->p < 0.05;
        int pos = d->diff > 0;
        if (!rc)
            rc = set_d(kv, ms[k].name, "worse", sig && pos, e);
        if (!rc)
            rc = set_d(kv, ms[k].name, "tied", !sig, e);
        if (!rc)
            rc = set_d(kv, ms[k].name, "better", sig && !pos, e);
        if (!rc && d->p >= 0.05 && !(rc = textref_key(ref, sizeof ref, "report.families", ms[k].name, e)))
            len += (size_t)snprintf(tied + len, len < sizeof tied ? sizeof tied - len : 0, "%s«%s»",
                                    !ntied++ ? "" : ", ", ref);
    }
    /* A family not compared (the chosen one, or one not searched) is none of the three. */
    for (int f = 0; !rc && pipeline_family_names[f]; f++) {
        char k[64];
        snprintf(k, sizeof k, "%s_tied", pipeline_family_names[f]);
        for (int w = 0; !rc && !kv_get(kv, k) && w < 3; w++)
            rc = set_d(kv, pipeline_family_names[f], w == 0 ? "worse" : w == 1 ? "better" : "tied", 0, e);
    }
    /* "«a», «b» и «c»": the last comma becomes "и". */
    char *last = ntied > 1 ? strstr(tied, "», «") : NULL;
    for (char *p = last; p && (p = strstr(p + 1, "», «"));)
        last = p;
    if (last && len + 4 < sizeof tied) {
        memmove(last + 5, last + 3, strlen(last + 3) + 1);
        memcpy(last, "» и ", 6);
    }
    if (!rc)
        rc = kv_set_long(kv, "n_compared", (long)ncomp, e);
    if (!rc)
        rc = kv_set_long(kv, "n_beaten", (long)nbeat, e);
    if (!rc)
        rc = kv_set_long(kv, "beats_all", ncomp > 0 && nbeat == ncomp, e);
    if (!rc)
        rc = kv_set_long(kv, "n_tied", (long)ntied, e);
    if (!rc)
        rc = kv_set_str(kv, "tied_with", tied, e);
    return rc;
}

static int write_kv(const struct evaluate_model *ms, size_t nm, size_t n, size_t npos, const struct evaluate_settings *st,
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
    /* The chosen family's own column is the chosen pipeline before its
     * calibration: "raw_*" for the report's before and after. */
    const char *fam = train ? kv_get(train, "best_family") : NULL;
    for (size_t k = 1; !rc && fam && k < nm; k++)
        if (strcmp(ms[k].name, fam) == 0)
            rc = kv_model(kv, "raw", &ms[k], e);
    if (!rc)
        rc = kv_comparison(kv, ms, nm, e);
    if (!rc)
        rc = kv_write(kv, path, e);
    kv_free(kv);
    return rc;
}

/* ---- figures: DIR/T_test.tsv and DIR/T_test.gpv for report/figures/T.gp ---- */

/* A reference to the text at prefix.key (evaluate.* or labels.* of the
 * text file, which must have it; key NULL: at prefix), kept in tr. */
static const char *lab(struct textrefs *tr, const char *prefix, const char *key, int *rc, struct err *e)
{
    const char *s = NULL;
    if (!*rc && !(s = textrefs_key(tr, prefix, key, e)))
        *rc = e->code;
    return s ? s : "";
}

/* A model's name for the reader: evaluate.models.<name>, else the column name. */
static const char *model_label(struct textrefs *tr, const char *name, int *rc, struct err *e)
{
    char ref[TEXTREF_MAX];
    const char *s = NULL;
    if (!*rc && !(*rc = textref_key(ref, sizeof ref, "evaluate.models", name, e)))
        *rc = textref_arg_text(ref, sizeof ref, "", name, e);
    if (!*rc && !(s = textrefs_keep(tr, ref, e)))
        *rc = e->code;
    return s ? s : "";
}

/* The variables every curve figure shares: title, axes, the models in drawing
 * order (`families`, space-separated, without "best") and `label_<model>`
 * (label_best too) for the legend. */
static int fig_common(struct kv *v, struct textrefs *tr, const char *fig, const char *x, const char *y,
                      const struct evaluate_model *ms, size_t nm, const char *best_family, struct err *e)
{
    char buf[1024];
    int rc = 0;
    const char *title = lab(tr, "evaluate.titles", fig, &rc, e);
    const char *xl = lab(tr, "evaluate.axes", x, &rc, e);
    const char *yl = lab(tr, "evaluate.axes", y, &rc, e);
    if (!rc)
        rc = kv_set_str(v, "title", title, e);
    if (!rc)
        rc = kv_set_str(v, "xlabel", xl, e);
    if (!rc)
        rc = kv_set_str(v, "ylabel", yl, e);
    /* The families in file order; the chosen pipeline ("best") is drawn apart, on top. */
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 1; k < nm; k++)
        len += (size_t)snprintf(buf + len, len < sizeof buf ? sizeof buf - len : 0, "%s%s", k > 1 ? " " : "",
                                ms[k].name);
    if (!rc)
        rc = kv_set_str(v, "families", buf, e);
    for (size_t k = 0; !rc && k < nm; k++) {
        char key[256];
        snprintf(key, sizeof key, "label_%s", ms[k].name);
        const char *name = model_label(tr, ms[k].name, &rc, e);
        if (k == 0 && best_family)
            snprintf(buf, sizeof buf, "%s (%s)", name, model_label(tr, best_family, &rc, e));
        else
            snprintf(buf, sizeof buf, "%s", name);
        if (!rc)
            rc = kv_set_str(v, key, buf, e);
    }
    return rc;
}

/* Append ", <what> <value>" to every model's legend label. */
static int fig_legend_metric(struct kv *v, const struct evaluate_model *ms, size_t nm, int ap, struct err *e)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < nm; k++) {
        char key[256], buf[1024], a[32], b[32], c[32];
        snprintf(key, sizeof key, "label_%s", ms[k].name);
        if (ap)
            snprintf(buf, sizeof buf, "%s: AP %s", kv_get(v, key), text_number(a, sizeof a, "%.3f", ms[k].ap));
        else
            snprintf(buf, sizeof buf, "%s: AUC %s [%s; %s]", kv_get(v, key), text_number(a, sizeof a, "%.3f", ms[k].auc.auc),
                     text_number(b, sizeof b, "%.3f", ms[k].auc.lo), text_number(c, sizeof c, "%.3f", ms[k].auc.hi));
        rc = kv_set_str(v, key, buf, e);
    }
    return rc;
}

/* The confusion matrices of the chosen pipeline, one row per cell, with the
 * share of the actual class the cell holds (the colour). */
static int fig_confusion_table(const struct evaluate_model *m, const char *dir, struct err *e)
{
    static const char *const cols[] = {"chosen", "threshold", "actual", "predicted", "count", "share", NULL};
    struct table *t;
    int rc = long_table(&t, cols, e);
    for (int chosen = 0; !rc && chosen <= 1; chosen++) {
        const struct metrics_confusion *c = chosen ? &m->at_thr : &m->at_default;
        const size_t cells[4] = {c->tn, c->fp, c->fn, c->tp};
        for (int cell = 0; !rc && cell < 4; cell++) {
            double row = (double)(cells[cell / 2 * 2] + cells[cell / 2 * 2 + 1]);
            double v[] = {chosen, chosen ? m->thr.threshold : DEFAULT_THRESHOLD, cell / 2, cell % 2,
                          (double)cells[cell], row > 0 ? (double)cells[cell] / row : NAN};
            rc = long_row(t, m->name, v, e);
        }
    }
    return rc ? (table_free(t), rc) : write_long(t, dir, "confusion_test.tsv", e);
}

/* Confusion: the chosen pipeline (m) at 0.5 and at the chosen threshold. */
static int fig_confusion(struct kv *v, const struct evaluate_model *m, struct textrefs *tr, const char *thr_word,
                         const char *thr_text, const char *dir, struct err *e)
{
    char b[32], buf[1024];
    int rc = 0;
    const struct kv_pair {
        const char *key, *prefix, *path;
    } conf[] = {{"title", "evaluate.titles", "confusion"}, {"xlabel", "evaluate.axes", "predicted"},
                {"ylabel", "evaluate.axes", "actual"},     {"class0", "labels.classes", "negative"},
                {"class1", "labels.classes", "positive"}};
    for (size_t k = 0; !rc && k < sizeof conf / sizeof *conf; k++) {
        const char *text = lab(tr, conf[k].prefix, conf[k].path, &rc, e);
        if (!rc)
            rc = kv_set_str(v, conf[k].key, text, e);
    }
    snprintf(buf, sizeof buf, "%s %s", thr_word, text_number(b, sizeof b, "%.1f", DEFAULT_THRESHOLD));
    if (!rc)
        rc = kv_set_str(v, "title0", buf, e);
    if (!rc)
        rc = kv_set_str(v, "title1", thr_text, e);
    if (!rc)
        rc = fig_confusion_table(m, dir, e);
    return rc;
}

static int write_figures(const struct evaluate_model *ms, size_t nm, size_t n, size_t npos,
                         const struct evaluate_settings *st, struct textrefs *tr, const char *best_family, const char *dir, struct err *e)
{
    struct kv *v[5] = {0};
    char a[32], b[32], buf[1024];
    int rc = 0;
    for (int f = 0; f < 5 && !rc; f++)
        if (!(v[f] = kv_alloc()))
            rc = err_set(e, ERR_NOMEM, "out of memory");
    const char *chance = lab(tr, "evaluate.axes", "chance", &rc, e);
    const char *positive = lab(tr, "labels.classes", "positive", &rc, e);
    const char *perfect = lab(tr, "evaluate.axes", "perfect", &rc, e);
    const char *ideal = lab(tr, "evaluate.axes", "ideal", &rc, e);
    double rate = (double)npos / (double)n;
    snprintf(buf, sizeof buf, "%s (%s: %s%%)", chance, positive, text_number(a, sizeof a, "%.1f", 100 * rate));
    snprintf(a, sizeof a, "%.17g", rate);

    /* ROC: the chance diagonal and the chosen threshold on the chosen pipeline's curve. */
    if (!rc)
        rc = fig_common(v[0], tr, "roc", "fpr", "tpr", ms, nm, best_family, e);
    if (!rc)
        rc = fig_legend_metric(v[0], ms, nm, 0, e);
    if (!rc)
        rc = kv_set_str(v[0], "chance", chance, e);
    const struct metrics_confusion *c = &ms[0].at_thr;
    if (!rc)
        rc = kv_set_double(v[0], "thr_x", (double)c->fp / (double)(c->fp + c->tn), e);
    if (!rc)
        rc = kv_set_double(v[0], "thr_y", (double)c->tp / (double)(c->tp + c->fn), e);
    const char *thr_word = lab(tr, "evaluate.axes", "threshold", &rc, e);
    char thr_text[512];
    const char *rule_text = lab(tr, "evaluate.rules", rules[st->rule], &rc, e);
    snprintf(thr_text, sizeof thr_text, "%s %s %s", thr_word, text_number(b, sizeof b, "%.3f", ms[0].thr.threshold), rule_text);
    if (!rc)
        rc = kv_set_str(v[0], "thr_label", thr_text, e);
    if (!rc)
        rc = write_roc(ms, nm, dir, "roc_test.tsv", e);
    /* PR: the chance line is the positive rate. */
    if (!rc)
        rc = fig_common(v[1], tr, "pr", "recall", "precision", ms, nm, best_family, e);
    if (!rc)
        rc = fig_legend_metric(v[1], ms, nm, 1, e);
    if (!rc)
        rc = kv_set_str(v[1], "chance", buf, e);
    if (!rc)
        rc = kv_set_str(v[1], "rate", a, e);
    if (!rc)
        rc = write_pr(ms, nm, dir, "pr_test.tsv", e);
    if (!rc)
        rc = fig_common(v[2], tr, "calibration", "mean_pred", "frac_pos", ms, nm, best_family, e);
    if (!rc)
        rc = kv_set_str(v[2], "perfect", perfect, e);
    if (!rc)
        rc = write_calibration(ms, nm, (size_t)st->calib_bins, dir, "calibration_test.tsv", e);
    /* Gains: chance is the diagonal, the ideal model takes every positive first. */
    if (!rc)
        rc = fig_common(v[3], tr, "gains", "cum_frac", "cum_gain", ms, nm, best_family, e);
    if (!rc)
        rc = kv_set_str(v[3], "chance", chance, e);
    if (!rc)
        rc = kv_set_str(v[3], "ideal", ideal, e);
    if (!rc)
        rc = kv_set_str(v[3], "rate", a, e);
    if (!rc)
        rc = write_gains(ms, nm, (size_t)st->gains_groups, 1, dir, "gains_test.tsv", e);
    if (!rc)
        rc = fig_confusion(v[4], &ms[0], tr, thr_word, thr_text, dir, e);
    static const char *const names[] = {"roc_test.gpv", "pr_test.gpv", "calibration_test.gpv", "gains_test.gpv",
                                        "confusion_test.gpv"};
    char path[4096];
    for (int f = 0; f < 5 && !rc; f++)
        rc = figure_vars_write(v[f], cli_path(path, sizeof path, dir, names[f]), e);
    for (int f = 0; f < 5; f++)
        kv_free(v[f]);
    return rc;
}

int evaluate_study_read(struct evaluate_study *ev, const char *scores_path, const char *train_kv, struct err *e)
{
    int rc = 0;
    if (*train_kv)
        rc = kv_read(train_kv, &ev->train, e);
    static const char *const str_cols[] = {"id", NULL};
    if (!rc)
        rc = table_read_tsv(scores_path, str_cols, &ev->t, e);
    /* The contract with train: id, y, best, then the families' columns. */
    long yc = rc ? -1 : table_find(ev->t, "y"), bc = rc ? -1 : table_find(ev->t, "best");
    if (!rc && (yc < 0 || bc < 0 || ev->t->cols[yc].type != COL_NUM))
        rc = err_set(e, ERR_DATA, "%s: expected numeric columns \"y\" and \"best\"", scores_path);
    if (!rc && !(ev->ms = calloc(ev->t->ncols + 1, sizeof *ev->ms)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc && !(ev->y = malloc((ev->t->nrows ? ev->t->nrows : 1) * sizeof *ev->y)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < ev->t->nrows; i++) {
        double v = ev->t->cols[yc].num[i];
        if (v != 0 && v != 1)
            rc = err_set(e, ERR_DATA, "%s:%zu: expected y 0 or 1, found %.17g", scores_path, i + 2, v);
        ev->y[i] = v == 1;
        ev->npos += (size_t)ev->y[i];
    }
    if (!rc && (size_t)ev->st.gains_groups > ev->t->nrows)
        rc = err_set(e, ERR_DATA, "%s: expected at least evaluate.gains_groups = %ld rows, found %zu", scores_path,
                     ev->st.gains_groups, ev->t->nrows);
    /* "best" first, then every other column but id and y, in file order. */
    for (size_t j = 0; !rc && j <= ev->t->ncols; j++) {
        size_t c = j == 0 ? (size_t)bc : j - 1;
        if (j > 0 && ((long)c == yc || (long)c == bc || strcmp(ev->t->cols[c].name, "id") == 0))
            continue;
        /* train leaves the column of a family it did not search empty. */
        size_t given = 0;
        for (size_t i = 0; i < ev->t->nrows; i++)
            given += ev->t->cols[c].type == COL_STR ? ev->t->cols[c].str[i] != NULL : !isnan(ev->t->cols[c].num[i]);
        if (j > 0 && given == 0)
            continue;
        if (ev->t->cols[c].type != COL_NUM || !ascii_name(ev->t->cols[c].name))
            rc = err_set(e, ERR_DATA, "%s: expected a numeric column named [A-Za-z0-9_]+, found \"%s\"",
                         scores_path, ev->t->cols[c].name);
        else
            ev->ms[ev->nm++] = (struct evaluate_model){.name = ev->t->cols[c].name, .s = ev->t->cols[c].num};
        /* Log-loss and calibration need probabilities; name the line that has none. */
        for (size_t i = 0; !rc && i < ev->t->nrows; i++) {
            double v = ev->t->cols[c].num[i];
            if (isnan(v))
                rc = err_set(e, ERR_DATA, "%s:%zu: expected a probability in [0, 1] in column %s, found an empty cell",
                             scores_path, i + 2, ev->t->cols[c].name);
            else if (!(v >= 0 && v <= 1))
                rc = err_set(e, ERR_DATA, "%s:%zu: expected a probability in [0, 1] in column %s, found %.17g",
                             scores_path, i + 2, ev->t->cols[c].name, v);
        }
    }
    for (size_t k = 0; !rc && k < ev->nm; k++) {
        rc = model_evaluate(&ev->ms[k], ev->y, ev->t->nrows, &ev->st, e);
        if (rc)
            err_prefix(e, "%s: ", scores_path);
    }
    /* Is the chosen pipeline better than the others, or tied with them? */
    const char *chosen = ev->train ? kv_get(ev->train, "best_family") : NULL;
    for (size_t k = 1; !rc && k < ev->nm; k++) {
        struct evaluate_model *m = &ev->ms[k];
        if (chosen && strcmp(m->name, chosen) == 0)
            continue;
        m->compared = 1;
        rc = metrics_delong_paired(ev->y, ev->ms[0].s, m->s, ev->t->nrows, &m->vs_best, e);
        if (rc)
            err_prefix(e, "%s: the chosen pipeline against %s: ", scores_path, m->name);
    }
    return rc;
}

int evaluate_study_write(const struct evaluate_study *ev, const char *out, const char *figdir, const char *kv_path,
                         struct err *e)
{
    struct textrefs tr = {0};
    const struct evaluate_model *ms = ev->ms;
    size_t nm = ev->nm, n = ev->t->nrows;
    int rc = write_metrics(ms, nm, n, ev->npos, out, e);
    if (!rc)
        rc = write_roc(ms, nm, out, "roc.tsv", e);
    if (!rc)
        rc = write_pr(ms, nm, out, "pr.tsv", e);
    if (!rc)
        rc = write_confusion(ms, nm, out, e);
    if (!rc)
        rc = write_calibration(ms, nm, (size_t)ev->st.calib_bins, out, "calibration.tsv", e);
    if (!rc)
        rc = write_gains(ms, nm, (size_t)ev->st.gains_groups, 0, out, "gains.tsv", e);
    if (!rc)
        rc = write_figures(ms, nm, n, ev->npos, &ev->st, &tr, ev->train ? kv_get(ev->train, "best_family") : NULL,
                           figdir, e);
    if (!rc)
        rc = write_kv(ms, nm, n, ev->npos, &ev->st, ev->train, kv_path, e);
    textrefs_free(&tr);
    return rc;
}

void evaluate_study_free(struct evaluate_study *ev)
{
    for (size_t k = 0; k < ev->nm; k++)
        model_release(&ev->ms[k]);
    free(ev->ms);
    free(ev->y);
    table_free(ev->t);
    kv_free(ev->train);
}
