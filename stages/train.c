/* train: choose the model that predicts a decline in a customer's activity.
 *
 *  1. hold out a stratified test set (train.test_size, seed): it is touched
 *     only to score the final pipelines;
 *  2. draw train.n_iter candidates from the spaces in train.spaces (a family,
 *     a scaler, hyperparameters), all before anything runs;
 *  3. cross-validate every candidate with stratified K-fold on the training
 *     rows (train.folds, scored by train.scoring), preprocessing fitted inside
 *     each fold, on train.threads threads;
 *  4. refit the best candidate of every family on the whole training set
 *     (the SVC with Platt scaling for probabilities), score the test rows;
 *  5. save the overall best pipeline (and each family's) to --models.
 *
 * The CV ranks SVC candidates by their decision values (as sklearn's roc_auc
 * scorer does), so libsvm's Platt CV, which calls rand(), runs only in the
 * serial refits, where lib/pipeline seeds it. */
#include "core/cli.h"
#include "core/outfile.h"
#include "io/params.h"
#include "io/schema.h"
#include "study/train_study.h"

int main(int argc, char **argv)
{
    const char *params_path = "params.yaml", *in = "data/interim/customers.tsv", *out = "data/interim/train";
    const char *kv_path = "data/interim/train.kv", *models = "data/models", *times = "";
    const struct cli_opt opts[] = {
        {"params", &params_path, "params.yaml to read (sections: schema, train, seed)"},
        {"in", &in, "the merged table, one row per customer"},
        {"out", &out, "directory for candidates.tsv, leaderboard.tsv, scores_test.tsv, split.tsv"},
        {"kv", &kv_path, "key-value file with the choice and the counts"},
        {"models", &models, "directory for the fitted pipelines (best.pipeline, FAMILY.pipeline)"},
        {"times", &times, "seconds per fit of every candidate (default MODELS/fit_times.tsv): measured, so unlike "
                          "the rest it differs between runs"},
        {NULL, NULL, NULL},
    };
    struct err e = {0};
    struct params *p = NULL;
    struct schema s = {0};
    struct train_study ts = {.s = &s};
    char times_buf[4096];
    int rc = cli_parse(argc, argv, "Search the model families under cross-validation, refit, save the best.", opts, &e);
    if (rc < 0)
        return 0;
    outfile_hold(); /* the outputs land together, at cli_finish */
    if (!*times)
        times = cli_path(times_buf, sizeof times_buf, models, "fit_times.tsv");
    if (!rc)
        rc = params_load(params_path, &p, &e);
    if (!rc)
        rc = schema_read(p, &s, &e);
    if (!rc)
        rc = train_setup_read(p, &ts.su, &e);
    if (!rc)
        rc = train_study_run(&ts, in, params_path, &e);
    if (!rc)
        rc = train_study_write(&ts, &(struct train_paths){.out = out, .models = models, .times = times, .kv = kv_path},
                               &e);
    int status = cli_finish("train", rc, &e);
    if (!status)
        train_study_remove_stale(&ts, models);
    train_study_free(&ts);
    schema_free(&s);
    params_free(p);
    return status;
}
