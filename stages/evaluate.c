/* evaluate: the test-set verdict. For the chosen pipeline ("best") and for each
 * family's best, from their probabilities of the positive class on the test
 * rows (train/scores_test.tsv: id, y, best, then one column per family):
 *   - ROC-AUC with its DeLong interval, average precision, log-loss, Brier;
 *   - the confusion matrix and accuracy/precision/recall/F1 at 0.5 and at the
 *     threshold the rule in params picks (Youden's J or the maximum F1);
 *   - the curves the report draws: ROC, precision-recall, calibration, gains.
 * Tables go to --out as long TSV (one `model` column), the scalars the report
 * cites to --kv: test_* for the chosen pipeline, <family>_* for the others;
 * --figures gets T_test.tsv/.gpv for report/figures/T.gp (mk/figures.mk).
 * A family column left empty (train did not search that family) is skipped. */
#include "io/params.h"
#include "io/stage.h"
#include "study/evaluate_study.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *scores_path = "data/interim/train/scores_test.tsv";
    const char *train_kv = "", *out = "data/interim/evaluate", *kv_path = "data/interim/metrics.kv";
    const char *figdir = "data/interim/figures";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (section: evaluate)"},
        {"scores", &scores_path, "test-row probabilities: id, y, best, then one column per family"},
        {"train-kv", &train_kv, "train's key-value file, for best_family (empty: none)"},
        {"out", &out, "directory for metrics, roc, pr, confusion, calibration and gains .tsv"},
        {"figures", &figdir,
         "directory for the figures' data: "
         "{roc,pr,calibration,gains,confusion}_test.{tsv,gpv}"},
        {"kv", &kv_path, "key-value file with the metrics the report cites"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct evaluate_study ev = {0};
    int rc = stage_start(argc, argv,
                         "Test-set metrics, thresholds and curves of the chosen "
                         "model and of each family.",
                         opts, &params_path, &p, NULL, &e);
    if (rc < 0)
        return 0;
    if (!rc)
        rc = evaluate_settings_read(p, &ev.st, &e);
    if (!rc)
        rc = evaluate_study_read(&ev, scores_path, train_kv, &e);
    if (!rc)
        rc = evaluate_study_write(&ev, out, figdir, kv_path, &e);
    int status = stage_finish("evaluate", rc, &e, p, NULL);
    evaluate_study_free(&ev);
    return status;
}
