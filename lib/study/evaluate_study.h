/* evaluate_study: the test-set verdict (stages/evaluate.c is its table of
 * contents). For the chosen pipeline ("best") and each family's best, from
 * their probabilities on the test rows (train/scores_test.tsv: id, y, best,
 * then one column per family): ROC-AUC with its DeLong interval, average
 * precision, log-loss, Brier; the confusion matrix and the usual metrics at
 * 0.5 and at the threshold the rule in params picks; the curves the report
 * draws. A family column left empty (train did not search it) is skipped. */
#ifndef OC_EVALUATE_STUDY_H
#define OC_EVALUATE_STUDY_H

#include "core/err.h"
#include "io/kv.h"
#include "io/params.h"
#include "io/table.h"
#include "stats/metrics.h"

/* The evaluate section of params.yaml. */
struct evaluate_settings {
    int rule; /* youden | max_f1 */
    long calib_bins, gains_groups;
    double ci_level;
};
int evaluate_settings_read(const struct params *p, struct evaluate_settings *st, struct err *e);

/* One model's column of scores and what the metrics make of it. */
struct evaluate_model {
    const char *name;
    const double *s;
    struct metrics_auc_ci auc;
    double ap, log_loss, brier;
    double ece; /* expected calibration error: sum over the calibration bins of share x |mean p - share of 1s| */
    struct metrics_threshold thr;
    struct metrics_confusion at_default, at_thr;
    struct metrics_roc *roc;
    struct metrics_pr *pr;
    struct metrics_calib_bin *calib;
    struct metrics_gain_row *gains;
    /* The chosen pipeline against this family, paired on the test rows
     * (DeLong; diff = chosen - this), for every family but the chosen one. */
    int compared;
    struct metrics_auc_diff vs_best;
};

struct evaluate_study {
    struct evaluate_settings st;
    struct table *t;     /* scores_test.tsv */
    struct kv *train;    /* train.kv, or NULL */
    struct evaluate_model *ms;
    size_t nm, npos;
    int *y;
};

/* Read and check the scores (and train_kv unless ""), then evaluate every model. */
int evaluate_study_read(struct evaluate_study *ev, const char *scores_path, const char *train_kv, struct err *e);
/* The long tables into out/, the figures' data into figdir/ (their text as
 * references to the text file), the metrics the report cites into kv_path. */
int evaluate_study_write(const struct evaluate_study *ev, const char *out, const char *figdir, const char *kv_path,
                         struct err *e);
void evaluate_study_free(struct evaluate_study *ev);

#endif
