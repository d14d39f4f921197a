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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cli.h"
#include "io/kv.h"
#include "stats/metrics.h"
#include "core/outfile.h"
#include "io/params.h"
#include "models/pipeline.h"
#include "io/schema.h"
#include "models/search.h"
#include "models/split.h"

struct setup {
    double test_size;
    long folds, n_iter, threads, seed;
    int shuffle, scoring;
    struct search_spaces *spaces;
};

static int read_params(const struct params *p, struct setup *s, struct err *e)
{
    static const char *const keys[] = {"test_size", "folds", "shuffle_folds", "scoring", "n_iter", "threads",
                                       "spaces", NULL};
    const struct pnode *sp;
    int rc = params_check_keys(p, "train", keys, e);
    if (!rc)
        rc = params_long(p, "seed", 0, 4294967295L, &s->seed, e);
    if (!rc)
        rc = params_double(p, "train.test_size", 0.01, 0.99, &s->test_size, e);
    if (!rc)
        rc = params_long(p, "train.folds", 2, 100, &s->folds, e);
    if (!rc)
        rc = params_bool(p, "train.shuffle_folds", &s->shuffle, e);
    if (!rc)
        rc = params_enum(p, "train.scoring", search_metric_names, &s->scoring, e);
    if (!rc)
        rc = params_long(p, "train.n_iter", 1, 100000, &s->n_iter, e);
    if (!rc)
        rc = params_long(p, "train.threads", 1, 64, &s->threads, e);
    if (!rc)
        rc = params_node(p, "train.spaces", PNODE_SEQ, &sp, e);
    if (!rc)
        rc = search_spaces_parse(sp, "train.spaces", &s->spaces, e);
    return rc;
}

static void progress(void *ctx, size_t done, size_t total)
{
    double t0 = *(const double *)ctx;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double secs = (double)t.tv_sec + 1e-9 * (double)t.tv_nsec - t0;
    fprintf(stderr, "\rtrain: %zu/%zu fits (%3.0f%%), %.1f s", done, total, 100.0 * (double)done / (double)total,
            secs);
    if (done == total)
        fputc('\n', stderr);
}

/* The family best, refitted on every training row, and its test scores. */
struct final {
    long cand;
    struct pipeline *pipe;
    double *proba;   /* on the test rows */
    double test_auc, test_ap;
};

static int refit(const struct pipe_data *d, const struct split_tt *sp, const struct search_candidate *c,
                 struct final *f, struct err *e)
{
    int rc = pipeline_fit(d, sp->train, sp->ntrain, &c[f->cand].cfg, 1, &f->pipe, e);
    if (!rc && !(f->proba = malloc((sp->ntest + 1) * sizeof *f->proba)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = pipeline_predict_proba(f->pipe, d, sp->test, sp->ntest, f->proba, e);
    int *y = rc ? NULL : malloc((sp->ntest + 1) * sizeof *y);
    if (!rc && !y)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < sp->ntest; i++)
        y[i] = d->y[sp->test[i]];
    if (!rc)
        rc = metrics_roc_auc(y, f->proba, sp->ntest, &f->test_auc, e);
    if (!rc)
        rc = metrics_average_precision(y, f->proba, sp->ntest, &f->test_ap, e);
    free(y);
    if (rc)
        err_prefix(e, "refit of candidate %ld (%s): ", f->cand + 1, pipeline_family_names[c[f->cand].cfg.family]);
    return rc;
}

static const char *params_text(const struct search_candidate *c, char *buf, size_t size)
{
    pipeline_config_format(&c->cfg, buf, size);
    return buf;
}

/* Every candidate: its scores per fold, mean, std, sklearn's rank, the other
 * metrics' means and the failure if any. The fit times go to a file of their
 * own: they are measurements, and everything else the study writes is
 * byte-identical from run to run. */
static int write_candidates(const char *path, const struct search_candidate *c, const struct search_result *r,
                            int scoring, struct err *e)
{
    struct outfile of;
    char buf[1024];
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fprintf(of.fp, "candidate\tfamily\tscaler\tparams");
    for (size_t f = 0; f < r->nfold; f++)
        fprintf(of.fp, "\tfold_%zu", f + 1);
    fprintf(of.fp, "\tmean\tstd\trank");
    for (int m = 0; m < SEARCH_NMETRIC; m++)
        fprintf(of.fp, "\tmean_%s", search_metric_names[m]);
    fprintf(of.fp, "\terror\n");
    for (size_t i = 0; i < r->ncand; i++) {
        double v = search_mean(r, i, scoring);
        size_t rank = 1;
        for (size_t k = 0; k < r->ncand; k++) {
            double w = search_mean(r, k, scoring);
            rank += !isnan(w) && (isnan(v) || w > v);
        }
        fprintf(of.fp, "%zu\t%s\t%s\t%s", i + 1, pipeline_family_names[c[i].cfg.family],
                pipeline_scaler_names[c[i].cfg.scaler], params_text(&c[i], buf, sizeof buf));
        for (size_t f = 0; f < r->nfold; f++)
            fprintf(of.fp, "\t%.17g", search_score(r, i, f, scoring));
        fprintf(of.fp, "\t%.17g\t%.17g\t%zu", v, search_std(r, i, scoring), rank);
        for (int m = 0; m < SEARCH_NMETRIC; m++)
            fprintf(of.fp, "\t%.17g", search_mean(r, i, m));
        fputc('\t', of.fp);
        for (const char *s = r->error[i]; s && *s; s++)
            fputc(*s == '\t' || *s == '\n' ? ' ' : *s, of.fp);
        fputc('\n', of.fp);
    }
    return outfile_commit(&of, e);
}

/* Mean fit time per fold of every candidate, in seconds: the one output that
 * differs between runs, so it is kept out of data/interim (next to the
 * models), and nothing downstream reads it. */
static int write_fit_times(const char *path, const struct search_candidate *c, const struct search_result *r,
                           struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fprintf(of.fp, "candidate\tfamily\tfit_time\n");
    for (size_t i = 0; i < r->ncand; i++)
        fprintf(of.fp, "%zu\t%s\t%.6f\n", i + 1, pipeline_family_names[c[i].cfg.family], r->fit_time[i]);
    return outfile_commit(&of, e);
}

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
    struct setup su = {0};
    struct table *t = NULL;
    struct pipe_data *d = NULL;
    struct split_tt *sp = NULL;
    struct search_candidate *cand = NULL;
    struct search_result *res = NULL;
    struct final fin[PIPE_NFAMILY] = {{0}};
    struct kv *kv = NULL;
    char path[4096], buf[1024], times_buf[4096];
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
        rc = read_params(p, &su, &e);
    if (!rc)
        rc = pipe_read_data(in, &s, 1, &t, &d, &e);
    if (!rc)
        rc = split_train_test(d->y, d->n, su.test_size, (unsigned long)su.seed, &sp, &e);

    /* libsvm on unscaled columns (revenue in thousands) barely converges. */
    for (size_t k = 0; !rc && k < su.spaces->n; k++)
        if (su.spaces->sp[k].family == PIPE_SVC && search_space_can_draw(&su.spaces->sp[k], "scaler", "passthrough"))
            fprintf(stderr, "train: warning: the svc space at %s:%zu can draw scaler passthrough; libsvm converges "
                            "very slowly on unscaled columns\n",
                    params_path, su.spaces->sp[k].line);

    if (!rc)
        rc = search_draw(su.spaces, (size_t)su.n_iter, (unsigned long)su.seed, &cand, &e);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double t0 = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    struct search_opts so = {.folds = (size_t)su.folds, .shuffle = su.shuffle, .seed = (unsigned long)su.seed,
                             .threads = (int)su.threads, .scoring = (enum search_metric)su.scoring,
                             .progress = isatty(2) ? progress : NULL, .ctx = &t0};
    if (!rc)
        rc = search_cv(d, sp->train, sp->ntrain, cand, (size_t)su.n_iter, &so, &res, &e);
    if (!rc && res->best < 0)
        rc = err_set(&e, ERR_DATA, "no candidate could be fitted; the first error: %s",
                     res->error[0] ? res->error[0] : "none");

    /* Refit each family's best on the whole training set. */
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++) {
        fin[f].cand = search_best_of(res, cand, (enum pipe_family)f, so.scoring);
        if (fin[f].cand >= 0)
            rc = refit(d, sp, cand, &fin[f], &e);
    }
    int bf = rc ? 0 : (int)cand[res->best].cfg.family;

    /* The pipelines: the best, and each family's best. */
    if (!rc)
        rc = pipeline_save(fin[bf].pipe, cli_path(path, sizeof path, models, "best.pipeline"), &e);
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++) {
        snprintf(buf, sizeof buf, "%s.pipeline", pipeline_family_names[f]);
        if (fin[f].pipe)
            rc = pipeline_save(fin[f].pipe, cli_path(path, sizeof path, models, buf), &e);
    }
    if (!rc)
        rc = write_candidates(cli_path(path, sizeof path, out, "candidates.tsv"), cand, res, so.scoring, &e);
    if (!rc)
        rc = write_fit_times(times, cand, res, &e);

    /* The leaderboard: each family's best, best first. */
    int order[PIPE_NFAMILY], nf = 0;
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++)
        if (fin[f].cand >= 0) {
            int k = nf++;
            double v = search_mean(res, (size_t)fin[f].cand, so.scoring);
            for (; k > 0 && search_mean(res, (size_t)fin[order[k - 1]].cand, so.scoring) < v; k--)
                order[k] = order[k - 1];
            order[k] = f;
        }
    struct outfile of = {0};
    if (!rc)
        rc = outfile_open(cli_path(path, sizeof path, out, "leaderboard.tsv"), &of, &e);
    if (!rc) {
        fprintf(of.fp, "rank\tfamily\tcandidate\tscaler\tparams\tcv_score\tcv_std\tcv_roc_auc\ttest_roc_auc\t"
                       "test_average_precision\tcandidates\tscoring\n");
        for (int k = 0; k < nf; k++) {
            const struct final *f = &fin[order[k]];
            size_t n_of = 0, c = (size_t)f->cand;
            for (size_t i = 0; i < res->ncand; i++)
                n_of += (int)cand[i].cfg.family == order[k];
            fprintf(of.fp, "%d\t%s\t%zu\t%s\t%s\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%zu\t%s\n", k + 1,
                    pipeline_family_names[order[k]], c + 1, pipeline_scaler_names[cand[c].cfg.scaler],
                    params_text(&cand[c], buf, sizeof buf), search_mean(res, c, so.scoring),
                    search_std(res, c, so.scoring), search_mean(res, c, SEARCH_ROC_AUC), f->test_auc, f->test_ap,
                    n_of, search_metric_names[so.scoring]);
        }
        rc = outfile_commit(&of, &e);
    }

    /* The test rows' probabilities, for evaluate. */
    if (!rc)
        rc = outfile_open(cli_path(path, sizeof path, out, "scores_test.tsv"), &of, &e);
    if (!rc) {
        fprintf(of.fp, "id\ty\tbest");
        for (int f = 0; f < PIPE_NFAMILY; f++)
            fprintf(of.fp, "\t%s", pipeline_family_names[f]);
        fputc('\n', of.fp);
        for (size_t i = 0; i < sp->ntest; i++) {
            fprintf(of.fp, "%s\t%d\t%.17g", d->id[sp->test[i]], d->y[sp->test[i]], fin[bf].proba[i]);
            for (int f = 0; f < PIPE_NFAMILY; f++)
                if (fin[f].proba)
                    fprintf(of.fp, "\t%.17g", fin[f].proba[i]);
                else
                    fputc('\t', of.fp);
            fputc('\n', of.fp);
        }
        rc = outfile_commit(&of, &e);
    }
    /* Which customers were held out, in table order, for explain and segment. */
    if (!rc) {
        unsigned char *is_test = calloc(d->n + 1, 1);
        if (!is_test)
            rc = err_set(&e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; !rc && i < sp->ntest; i++)
            is_test[sp->test[i]] = 1;
        if (!rc)
            rc = split_file_write(cli_path(path, sizeof path, out, "split.tsv"), d->id, d->n, is_test, &e);
        free(is_test);
    }

    if (!rc && !(kv = kv_alloc()))
        rc = err_set(&e, ERR_NOMEM, "out of memory");
    if (!rc) {
        size_t b = (size_t)res->best, failed = 0;
        for (size_t i = 0; i < res->ncand; i++)
            failed += res->error[i] != NULL;
        const struct pipe_config *bc = &cand[b].cfg;
        rc = kv_set_str(kv, "best_family", pipeline_family_names[bf], &e);
        if (!rc)
            rc = kv_set_str(kv, "best_scaler", pipeline_scaler_names[bc->scaler], &e);
        if (!rc)
            rc = kv_set_str(kv, "best_params", params_text(&cand[b], buf, sizeof buf), &e);
        if (!rc)
            rc = kv_set_long(kv, "best_candidate", (long)b + 1, &e);
        if (!rc)
            rc = kv_set_str(kv, "scoring", search_metric_names[so.scoring], &e);
        if (!rc)
            rc = kv_set_double(kv, "best_cv_score", search_mean(res, b, so.scoring), &e);
        if (!rc)
            rc = kv_set_double(kv, "best_cv_roc_auc", search_mean(res, b, SEARCH_ROC_AUC), &e);
        if (!rc)
            rc = kv_set_double(kv, "best_cv_roc_auc_std", search_std(res, b, SEARCH_ROC_AUC), &e);
        if (!rc)
            rc = kv_set_double(kv, "best_test_roc_auc", fin[bf].test_auc, &e);
        if (!rc)
            rc = kv_set_long(kv, "n_candidates", (long)res->ncand, &e);
        if (!rc)
            rc = kv_set_long(kv, "n_failed", (long)failed, &e);
        if (!rc)
            rc = kv_set_long(kv, "n_train", (long)sp->ntrain, &e);
        if (!rc)
            rc = kv_set_long(kv, "n_test", (long)sp->ntest, &e);
        if (!rc)
            rc = kv_set_double(kv, "test_size", su.test_size, &e);
        if (!rc)
            rc = kv_set_long(kv, "folds", su.folds, &e);
        if (!rc)
            rc = kv_set_long(kv, "seed", su.seed, &e);
        if (!rc)
            rc = kv_set_long(kv, "n_features", (long)d->nfeat, &e);
        /* What the SVC was allowed to see: scaled inputs only, by default. */
        char sc[128] = "";
        for (int k = 0; k < 4; k++)
            for (size_t q = 0; q < su.spaces->n; q++)
                if (su.spaces->sp[q].family == PIPE_SVC &&
                    search_space_can_draw(&su.spaces->sp[q], "scaler", pipeline_scaler_names[k])) {
                    snprintf(sc + strlen(sc), sizeof sc - strlen(sc), "%s%s", *sc ? " " : "",
                             pipeline_scaler_names[k]);
                    break;
                }
        if (!rc)
            rc = kv_set_str(kv, "svc_scalers", sc, &e);
        for (int f = 0; !rc && f < PIPE_NFAMILY; f++) {
            char key[64];
            size_t n_of = 0;
            for (size_t i = 0; i < res->ncand; i++)
                n_of += (int)cand[i].cfg.family == f;
            snprintf(key, sizeof key, "candidates_%s", pipeline_family_names[f]);
            rc = kv_set_long(kv, key, (long)n_of, &e);
            if (fin[f].cand < 0)
                continue;
            snprintf(key, sizeof key, "cv_roc_auc_%s", pipeline_family_names[f]);
            if (!rc)
                rc = kv_set_double(kv, key, search_mean(res, (size_t)fin[f].cand, SEARCH_ROC_AUC), &e);
            snprintf(key, sizeof key, "test_roc_auc_%s", pipeline_family_names[f]);
            if (!rc)
                rc = kv_set_double(kv, key, fin[f].test_auc, &e);
        }
        if (!rc)
            rc = kv_write(kv, kv_path, &e);
    }
    int status = cli_finish("train", rc, &e);
    /* A family not searched this time leaves no pipeline of an earlier run
     * behind; only once this run's outputs are in place. */
    for (int f = 0; !status && f < PIPE_NFAMILY; f++)
        if (!fin[f].pipe) {
            snprintf(buf, sizeof buf, "%s.pipeline", pipeline_family_names[f]);
            remove(cli_path(path, sizeof path, models, buf));
        }
    for (int f = 0; f < PIPE_NFAMILY; f++) {
        pipeline_free(fin[f].pipe);
        free(fin[f].proba);
    }
    kv_free(kv);
    search_result_free(res);
    free(cand);
    split_tt_free(sp);
    pipe_data_free(d);
    table_free(t);
    search_spaces_free(su.spaces);
    schema_free(&s);
    params_free(p);
    return status;
}
