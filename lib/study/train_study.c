/* train_study: the train stage's work (see train_study.h): the split, the
 * search, the refits and the files they leave. */
#include "study/train_study.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cli.h"
#include "core/mem.h"
#include "core/par.h"
#include "core/outfile.h"
#include "io/kv.h"
#include "models/groups.h"
#include "out/textref.h"
#include "stats/metrics.h"

const char *const train_twins_names[] = {"groups", "keep_one", NULL};
const char *const train_choose_names[] = {"best", "one_se", NULL};

int train_setup_read(const struct params *p, struct train_setup *s, struct err *e)
{
    static const char *const keys[] = {"test_size", "folds",   "shuffle_folds", "twins",   "scoring", "choose",
                                       "n_iter",    "threads", "spaces",        "halving", "caps",    "calibration",
                                       NULL};
    static const char *const halving_keys[] = {"above", "first_rows", "factor", NULL};
    static const struct params_long_field longs[] = {
        {"train.halving.above", 0, 1000000000L, offsetof(struct train_setup, halving_above)},
        {"train.halving.first_rows", 2, 1000000000L, offsetof(struct train_setup, halving_first_rows)},
        {"train.halving.factor", 2, 100, offsetof(struct train_setup, halving_factor)},
        {NULL, 0, 0, 0}};
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
        rc = params_enum(p, "train.twins", train_twins_names, &s->twins, e);
    if (!rc)
        rc = params_enum(p, "train.scoring", search_metric_names, &s->scoring, e);
    if (!rc)
        rc = params_enum(p, "train.choose", train_choose_names, &s->choose, e);
    if (!rc)
        rc = params_enum(p, "train.calibration", calib_method_names, &s->calibration, e);
    if (!rc)
        rc = params_long(p, "train.n_iter", 1, 100000, &s->n_iter, e);
    if (!rc)
        rc = params_long(p, "train.threads", 1, 64, &s->threads, e);
    if (!rc)
        rc = params_node(p, "train.spaces", PNODE_SEQ, &sp, e);
    if (!rc)
        rc = search_spaces_parse(sp, "train.spaces", &s->spaces, e);
    if (!rc)
        rc = params_check_keys(p, "train.halving", halving_keys, e);
    if (!rc)
        rc = params_longs(p, longs, s, e);
    if (!rc)
        rc = params_check_keys(p, "train.caps", pipeline_family_names, e);
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++) {
        char path[64];
        snprintf(path, sizeof path, "train.caps.%s", pipeline_family_names[f]);
        rc = params_long(p, path, 0, 1000000000L, &s->cap[f], e);
    }
    return rc;
}

/* The rows of src that are not dropped twins (keep_one), into a new split. */
static int fitted_rows(const struct split_tt *src, const size_t *group, int keep_one, struct split_tt **out,
                       struct err *e)
{
    struct split_tt *f = calloc(1, sizeof *f);
    if (!f || !(f->train = malloc((src->ntrain + 1) * sizeof *f->train)) ||
        !(f->test = malloc((src->ntest + 1) * sizeof *f->test))) {
        split_tt_free(f);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < src->ntrain; i++)
        if (!keep_one || group[src->train[i]] == src->train[i])
            f->train[f->ntrain++] = src->train[i];
    for (size_t i = 0; i < src->ntest; i++)
        if (!keep_one || group[src->test[i]] == src->test[i])
            f->test[f->ntest++] = src->test[i];
    *out = f;
    return ERR_OK;
}

/* The twin groups, the split that keeps each on one side, and the rows fitted. */
static int split_twins(struct train_study *ts, struct err *e)
{
    const struct train_setup *su = &ts->su;
    size_t n = ts->d->n;
    int rc = (ts->group = malloc((n + 1) * sizeof *ts->group)) ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = groups_find(ts->d, ts->group, &ts->twin_groups, &ts->twin_rows, e);
    if (!rc)
        rc = split_group_train_test(ts->d->y, ts->group, n, su->test_size, (unsigned long)su->seed, &ts->sp, e);
    if (!rc)
        rc = fitted_rows(ts->sp, ts->group, su->twins == TWINS_KEEP_ONE, &ts->fit, e);
    if (!rc)
        ts->twins_dropped = ts->sp->ntrain + ts->sp->ntest - ts->fit->ntrain - ts->fit->ntest;
    return rc;
}

/* Family f's cap where it binds (train.caps): a refit on every training row
 * would fit more rows than the cap; 0 where it does not. */
static size_t binding_cap(const struct train_study *ts, int f)
{
    long cap = ts->su.cap[f];
    return cap > 0 && (size_t)cap < ts->fit->ntrain ? (size_t)cap : 0;
}

/* The family to hand over: the best CV score, or by the one-SE rule the
 * simplest family within one standard error of it. */
static void choose_family(struct train_study *ts)
{
    static const enum pipe_family simplest_first[] = {PIPE_LOGREG, PIPE_TREE, PIPE_KNN, PIPE_SVC, PIPE_XGB};
    long b = ts->res->best;
    enum search_metric m = ts->so.scoring;
    ts->top_family = ts->best_family = (int)ts->cand[b].cfg.family;
    ts->one_se_bound = search_mean(ts->res, (size_t)b, m) - search_std(ts->res, (size_t)b, m) / sqrt((double)ts->su.folds);
    if (ts->su.choose != CHOOSE_ONE_SE)
        return;
    for (size_t k = 0; k < PIPE_NFAMILY; k++) {
        long c = ts->fin[simplest_first[k]].cand;
        if (c >= 0 && search_mean(ts->res, (size_t)c, m) >= ts->one_se_bound) {
            ts->best_family = (int)simplest_first[k];
            return;
        }
    }
}

/* What the calibration's fold tasks share: fold q's pipeline, fitted on the
 * training rows of the other folds, scores fold q's rows into oof. */
struct calib_folds {
    const struct train_study *ts;
    const int *fold;
    double *oof;
};

static int calib_fold(void *ctx, size_t q, struct err *e)
{
    const struct calib_folds *c = ctx;
    const struct train_study *ts = c->ts;
    const struct split_tt *f = ts->fit;
    size_t n = f->ntrain, k = (size_t)ts->su.folds, nf = 0, nh = 0;
    size_t *fit = calloc(n + 1, sizeof *fit), *held = malloc((n + 1) * sizeof *held);
    size_t *rows = malloc((n + 1) * sizeof *rows);
    double *s = malloc((n + 1) * sizeof *s);
    struct pipeline *p = NULL;
    int rc = fit && held && rows && s ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        if (c->fold[i] == (int)q) {
            held[nh] = i;
            rows[nh++] = f->train[i];
        } else {
            fit[nf++] = f->train[i];
        }
    }
    if (!rc)
        rc = pipeline_fit(ts->d, fit, nf, &ts->fin[ts->best_family].pipe->cfg, 0, &p, e);
    if (!rc)
        rc = pipeline_decision(p, ts->d, rows, nh, s, e);
    for (size_t i = 0; !rc && i < nh; i++)
        c->oof[held[i]] = s[i];
    pipeline_free(p);
    FREE_ALL(fit, held, rows, s);
    if (rc)
        err_prefix(e, "calibration, fold %zu of %zu: ", q + 1, k);
    return rc;
}

/* The chosen pipeline's calibration, as CalibratedClassifierCV(ensemble=False):
 * its config refitted on the training rows of K-1 folds (the search's folds,
 * twins together) scores the K-th; the calibration maps those out-of-fold
 * ranking scores to the training labels; the test rows get it applied to the
 * final pipeline's scores. The folds run on train.threads. */
static int calibrate(struct train_study *ts, struct err *e)
{
    const struct split_tt *f = ts->fit;
    const struct pipeline *final = ts->fin[ts->best_family].pipe;
    size_t n = f->ntrain, k = (size_t)ts->su.folds;
    int *y = malloc((n + 1) * sizeof *y), *fold = malloc((n + 1) * sizeof *fold);
    size_t *g = malloc((n + 1) * sizeof *g);
    double *oof = malloc((n + 1) * sizeof *oof);
    int rc = y && fold && g && oof && (ts->best_proba = malloc((f->ntest + 1) * sizeof *ts->best_proba))
                 ? 0
                 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        y[i] = ts->d->y[f->train[i]];
        g[i] = ts->group[f->train[i]];
    }
    if (!rc && ts->su.calibration != CALIB_NONE)
        rc = split_group_kfold(y, g, n, k, ts->su.shuffle, (unsigned long)ts->su.seed, fold, e);
    struct calib_folds cf = {ts, fold, oof};
    if (!rc && ts->su.calibration != CALIB_NONE)
        rc = par_run(k, (int)ts->su.threads, calib_fold, &cf, e);
    if (!rc && ts->su.calibration != CALIB_NONE)
        rc = calib_fit((enum calib_method)ts->su.calibration, oof, y, n, &ts->calib, e);
    /* The test rows: the final pipeline's score through the calibration. */
    if (!rc && ts->calib)
        rc = pipeline_decision(final, ts->d, f->test, f->ntest, ts->best_proba, e);
    for (size_t i = 0; !rc && i < f->ntest; i++)
        ts->best_proba[i] = ts->calib ? calib_apply(ts->calib, ts->best_proba[i]) : ts->fin[ts->best_family].proba[i];
    FREE_ALL(y, fold, g, oof);
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

static int refit(const struct pipe_data *d, const struct split_tt *sp, const struct search_candidate *c,
                 struct train_final *f, struct err *e)
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

static int refit_family(void *ctx, size_t f, struct err *e)
{
    struct train_study *ts = ctx;
    return ts->fin[f].cand < 0 ? 0 : refit(ts->d, ts->fit, ts->cand, &ts->fin[f], e);
}

static const char *params_text(const struct search_candidate *c, char *buf, size_t size)
{
    pipeline_config_format(&c->cfg, buf, size);
    return buf;
}

/* Whether the search halved or a family's cap bound: then candidates.tsv
 * says in which round each candidate stopped and on how many rows. */
static int search_reduced(const struct search_candidate *c, const struct search_result *r)
{
    int any = r->nround > 1;
    for (size_t i = 0; i < r->ncand; i++)
        any |= c[i].cfg.max_rows != 0;
    return any;
}

/* Every candidate: its scores per fold, mean, std, sklearn's rank, the other
 * metrics' means and the failure if any (with halving or a cap: its last
 * round and the rows it fitted per fold). The fit times go to a file of their
 * own: they are measurements, and everything else the study writes is
 * byte-identical from run to run. */
static int write_candidates(const char *path, const struct search_candidate *c, const struct search_result *r,
                            int scoring, struct err *e)
{
    struct outfile of;
    char buf[1024];
    int rc = outfile_open(path, &of, e), reduced = search_reduced(c, r);
    if (rc)
        return rc;
    fprintf(of.fp, "candidate\tfamily\tscaler\tparams%s", reduced ? "\tround\trows" : "");
    for (size_t f = 0; f < r->nfold; f++)
        fprintf(of.fp, "\tfold_%zu", f + 1);
    fprintf(of.fp, "\tmean\tstd\trank");
    for (int m = 0; m < SEARCH_NMETRIC; m++)
        fprintf(of.fp, "\tmean_%s", search_metric_names[m]);
    fprintf(of.fp, "\terror\n");
    for (size_t i = 0; i < r->ncand; i++) {
        fprintf(of.fp, "%zu\t%s\t%s\t%s", i + 1, pipeline_family_names[c[i].cfg.family],
                pipeline_scaler_names[c[i].cfg.scaler], params_text(&c[i], buf, sizeof buf));
        if (reduced)
            fprintf(of.fp, "\t%d\t%.0f", r->round[i] + 1, r->rows[i]);
        for (size_t f = 0; f < r->nfold; f++)
            fprintf(of.fp, "\t%.17g", search_score(r, i, f, scoring));
        fprintf(of.fp, "\t%.17g\t%.17g\t%zu", search_mean(r, i, scoring), search_std(r, i, scoring),
                search_rank(r, i, scoring));
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

int train_study_run(struct train_study *ts, const char *in, const char *params_path, struct err *e)
{
    const struct train_setup *su = &ts->su;
    int rc = pipe_read_data(in, ts->s, 1, &ts->t, &ts->d, e);
    if (!rc)
        rc = split_twins(ts, e);

    /* libsvm on unscaled columns (revenue in thousands) barely converges. */
    for (size_t k = 0; !rc && k < su->spaces->n; k++)
        if (su->spaces->sp[k].family == PIPE_SVC && search_space_can_draw(&su->spaces->sp[k], "scaler", "passthrough"))
            fprintf(stderr, "train: warning: the svc space at %s:%zu can draw scaler passthrough; libsvm converges "
                            "very slowly on unscaled columns\n",
                    params_path, su->spaces->sp[k].line);

    if (!rc)
        rc = search_draw(su->spaces, (size_t)su->n_iter, (unsigned long)su->seed, &ts->cand, e);
    for (long i = 0; !rc && i < su->n_iter; i++)
        ts->cand[i].cfg.max_rows = binding_cap(ts, ts->cand[i].cfg.family);
    struct timespec tv;
    clock_gettime(CLOCK_MONOTONIC, &tv);
    ts->t0 = (double)tv.tv_sec + 1e-9 * (double)tv.tv_nsec;
    ts->so = (struct search_opts){.folds = (size_t)su->folds,
                                  .shuffle = su->shuffle,
                                  .seed = (unsigned long)su->seed,
                                  .threads = (int)su->threads,
                                  .scoring = (enum search_metric)su->scoring,
                                  .group = ts->group,
                                  .halving_above = (size_t)su->halving_above,
                                  .halving_first_rows = (size_t)su->halving_first_rows,
                                  .halving_factor = (size_t)su->halving_factor,
                                  .progress = isatty(2) ? progress : NULL,
                                  .ctx = &ts->t0};
    if (!rc)
        rc = search_cv(ts->d, ts->fit->train, ts->fit->ntrain, ts->cand, (size_t)su->n_iter, &ts->so, &ts->res, e);
    if (!rc && ts->res->best < 0)
        rc = err_set(e, ERR_DATA, "no candidate could be fitted; the first error: %s",
                     ts->res->error[0] ? ts->res->error[0] : "none");

    /* Refit each family's best on the whole training set, the families on
     * train.threads. */
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++)
        ts->fin[f].cand = search_best_of(ts->res, ts->cand, (enum pipe_family)f, ts->so.scoring);
    if (!rc)
        rc = par_run(PIPE_NFAMILY, (int)su->threads, refit_family, ts, e);
    if (!rc)
        choose_family(ts);
    if (!rc)
        rc = calibrate(ts, e);
    return rc;
}

/* The pipelines: the chosen one with its calibration, and each family's best
 * as it was fitted. */
static int write_models(const struct train_study *ts, const char *models, struct err *e)
{
    char path[4096], name[64];
    struct pipeline best = *ts->fin[ts->best_family].pipe;
    best.calib = ts->calib;
    int rc = pipeline_save(&best, cli_path(path, sizeof path, models, "best.pipeline"), e);
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++) {
        snprintf(name, sizeof name, "%s.pipeline", pipeline_family_names[f]);
        if (ts->fin[f].pipe)
            rc = pipeline_save(ts->fin[f].pipe, cli_path(path, sizeof path, models, name), e);
    }
    return rc;
}

/* How many candidates of family f the search drew. */
static size_t n_of_family(const struct train_study *ts, int f)
{
    size_t n = 0;
    for (size_t i = 0; i < ts->res->ncand; i++)
        n += (int)ts->cand[i].cfg.family == f;
    return n;
}

/* The leaderboard: each family's best, best first. */
static int write_leaderboard(const struct train_study *ts, const char *path, struct err *e)
{
    const struct search_result *res = ts->res;
    int scoring = ts->so.scoring, order[PIPE_NFAMILY], nf = 0;
    for (int f = 0; f < PIPE_NFAMILY; f++)
        if (ts->fin[f].cand >= 0) {
            int k = nf++;
            double v = search_mean(res, (size_t)ts->fin[f].cand, scoring);
            for (; k > 0 && search_mean(res, (size_t)ts->fin[order[k - 1]].cand, scoring) < v; k--)
                order[k] = order[k - 1];
            order[k] = f;
        }
    struct outfile of;
    char buf[1024];
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fprintf(of.fp, "rank\tfamily\tcandidate\tscaler\tparams\tcv_score\tcv_std\tcv_roc_auc\ttest_roc_auc\t"
                   "test_average_precision\tcandidates\tscoring\n");
    for (int k = 0; k < nf; k++) {
        const struct train_final *f = &ts->fin[order[k]];
        size_t c = (size_t)f->cand;
        fprintf(of.fp, "%d\t%s\t%zu\t%s\t%s\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%zu\t%s\n", k + 1,
                pipeline_family_names[order[k]], c + 1, pipeline_scaler_names[ts->cand[c].cfg.scaler],
                params_text(&ts->cand[c], buf, sizeof buf), search_mean(res, c, scoring), search_std(res, c, scoring),
                search_mean(res, c, SEARCH_ROC_AUC), f->test_auc, f->test_ap, n_of_family(ts, order[k]),
                search_metric_names[scoring]);
    }
    return outfile_commit(&of, e);
}

/* The test rows' probabilities, for evaluate. */
static int write_scores_test(const struct train_study *ts, const char *path, struct err *e)
{
    const struct split_tt *sp = ts->fit;
    const struct pipe_data *d = ts->d;
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fprintf(of.fp, "id\ty\tbest");
    for (int f = 0; f < PIPE_NFAMILY; f++)
        fprintf(of.fp, "\t%s", pipeline_family_names[f]);
    fputc('\n', of.fp);
    for (size_t i = 0; i < sp->ntest; i++) {
        fprintf(of.fp, "%s\t%d\t%.17g", d->id[sp->test[i]], d->y[sp->test[i]], ts->best_proba[i]);
        for (int f = 0; f < PIPE_NFAMILY; f++)
            if (ts->fin[f].proba)
                fprintf(of.fp, "\t%.17g", ts->fin[f].proba[i]);
            else
                fputc('\t', of.fp);
        fputc('\n', of.fp);
    }
    return outfile_commit(&of, e);
}

/* Which customers were held out, in table order, for explain and segment. */
static int write_split(const struct train_study *ts, const char *path, struct err *e)
{
    unsigned char *is_test = calloc(ts->d->n + 1, 1);
    if (!is_test)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < ts->sp->ntest; i++)
        is_test[ts->sp->test[i]] = 1;
    int rc = split_file_write(path, ts->d->id, ts->d->n, is_test, e);
    free(is_test);
    return rc;
}

/* The cross-validation fold of every training row the search used, as
 * search_cv made them (same rows, labels, groups and seed). */
static int write_folds(const struct train_study *ts, const char *path, struct err *e)
{
    const struct split_tt *f = ts->fit;
    int *y = malloc((f->ntrain + 1) * sizeof *y), *fold = malloc((f->ntrain + 1) * sizeof *fold);
    size_t *g = malloc((f->ntrain + 1) * sizeof *g);
    int rc = y && fold && g ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < f->ntrain; i++) {
        y[i] = ts->d->y[f->train[i]];
        g[i] = ts->group[f->train[i]];
    }
    if (!rc)
        rc = split_group_kfold(y, g, f->ntrain, (size_t)ts->su.folds, ts->su.shuffle, (unsigned long)ts->su.seed,
                               fold, e);
    struct outfile of;
    if (!rc)
        rc = outfile_open(path, &of, e);
    if (!rc) {
        fputs("id\tfold\n", of.fp);
        for (size_t i = 0; i < f->ntrain; i++)
            fprintf(of.fp, "%s\t%d\n", ts->d->id[f->train[i]], fold[i] + 1);
        rc = outfile_commit(&of, e);
    }
    free(y);
    free(fold);
    free(g);
    return rc;
}

/* What the SVC was allowed to see: scaled inputs only, by default. */
static void svc_scalers(const struct search_spaces *spaces, char *sc, size_t size)
{
    *sc = '\0';
    for (int k = 0; k < 4; k++)
        for (size_t q = 0; q < spaces->n; q++)
            if (spaces->sp[q].family == PIPE_SVC &&
                search_space_can_draw(&spaces->sp[q], "scaler", pipeline_scaler_names[k])) {
                snprintf(sc + strlen(sc), size - strlen(sc), "%s%s", *sc ? " " : "", pipeline_scaler_names[k]);
                break;
            }
}

/* train.kv's keys of each family: its cap where it binds (0: it fits every
 * row), its candidates, its best's CV and test ROC-AUC; and how many were searched. */
static int family_kv(const struct train_study *ts, struct kv *kv, struct err *e)
{
    const struct search_result *res = ts->res;
    char key[64];
    long nfam = 0;
    for (int f = 0; f < PIPE_NFAMILY; f++)
        nfam += n_of_family(ts, f) > 0;
    int rc = kv_set_long(kv, "n_families", nfam, e);
    for (int f = 0; !rc && f < PIPE_NFAMILY; f++) {
        snprintf(key, sizeof key, "cap_%s", pipeline_family_names[f]);
        rc = kv_set_long(kv, key, (long)binding_cap(ts, f), e);
        snprintf(key, sizeof key, "candidates_%s", pipeline_family_names[f]);
        if (!rc)
            rc = kv_set_long(kv, key, (long)n_of_family(ts, f), e);
        if (ts->fin[f].cand < 0)
            continue;
        snprintf(key, sizeof key, "cv_roc_auc_%s", pipeline_family_names[f]);
        if (!rc)
            rc = kv_set_double(kv, key, search_mean(res, (size_t)ts->fin[f].cand, SEARCH_ROC_AUC), e);
        snprintf(key, sizeof key, "test_roc_auc_%s", pipeline_family_names[f]);
        if (!rc)
            rc = kv_set_double(kv, key, ts->fin[f].test_auc, e);
    }
    return rc;
}

/* train.kv: the choice, the counts and each family's scores. */
static int write_kv(const struct train_study *ts, const char *path, struct err *e)
{
    const struct search_result *res = ts->res;
    char top_ref[TEXTREF_MAX], calib_ref[TEXTREF_MAX];
    textref_key(top_ref, sizeof top_ref, "report.families", pipeline_family_names[ts->top_family], e);
    textref_key(calib_ref, sizeof calib_ref, "report.calibration_methods", calib_method_names[ts->su.calibration], e);
    size_t b = (size_t)ts->fin[ts->best_family].cand, failed = 0;
    for (size_t i = 0; i < res->ncand; i++)
        failed += res->error[i] != NULL;
    int scoring = ts->so.scoring;
    char buf[1024], sc[128];
    svc_scalers(ts->su.spaces, sc, sizeof sc);
    struct kv *kv = kv_alloc();
    int rc = kv ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    const struct {
        const char *key, *str;
        double num;
        int is_long;
    } rows[] = {
        {"best_family", pipeline_family_names[ts->best_family], 0, 0},
        {"best_scaler", pipeline_scaler_names[ts->cand[b].cfg.scaler], 0, 0},
        {"best_params", params_text(&ts->cand[b], buf, sizeof buf), 0, 0},
        {"best_candidate", NULL, (double)b + 1, 1},
        {"scoring", search_metric_names[scoring], 0, 0},
        {"best_cv_score", NULL, search_mean(res, b, scoring), 0},
        {"best_cv_roc_auc", NULL, search_mean(res, b, SEARCH_ROC_AUC), 0},
        {"best_cv_roc_auc_std", NULL, search_std(res, b, SEARCH_ROC_AUC), 0},
        {"best_test_roc_auc", NULL, ts->fin[ts->best_family].test_auc, 0},
        {"n_candidates", NULL, (double)res->ncand, 1},
        {"n_failed", NULL, (double)failed, 1},
        {"n_train", NULL, (double)ts->fit->ntrain, 1},
        {"n_test", NULL, (double)ts->fit->ntest, 1},
        {"choose", train_choose_names[ts->su.choose], 0, 0},
        {"calibration", calib_method_names[ts->su.calibration], 0, 0},
        {"calibration_name", calib_ref, 0, 0},
        {"calibrated", NULL, (double)(ts->calib != NULL), 1},
        {"uncalibrated", NULL, (double)(ts->calib == NULL), 1},
        {"top_cv_family", pipeline_family_names[ts->top_family], 0, 0},
        {"top_cv_family_name", top_ref, 0, 0},
        {"one_se_changed", NULL, (double)(ts->best_family != ts->top_family), 1},
        {"one_se_bound", NULL, ts->one_se_bound, 0},
        {"twins", train_twins_names[ts->su.twins], 0, 0},
        {"twin_groups", NULL, (double)ts->twin_groups, 1},
        {"twin_rows", NULL, (double)ts->twin_rows, 1},
        {"twins_dropped", NULL, (double)ts->twins_dropped, 1},
        {"test_size", NULL, ts->su.test_size, 0},
        {"folds", NULL, (double)ts->su.folds, 1},
        {"seed", NULL, (double)ts->su.seed, 1},
        {"n_features", NULL, (double)ts->d->nfeat, 1},
        {"svc_scalers", sc, 0, 0},
        {"search_rounds", NULL, (double)res->nround, 1},
        {"halved", NULL, (double)(res->nround > 1), 1},
        {"halving_above", NULL, (double)ts->su.halving_above, 1},
        {"halving_factor", NULL, (double)ts->su.halving_factor, 1},
        {"halving_first_rows", NULL, round(res->first_rows), 1},
        {"final_round_candidates", NULL, (double)res->last_round, 1},
    };
    for (size_t k = 0; !rc && k < sizeof rows / sizeof *rows; k++)
        rc = rows[k].str ? kv_set_str(kv, rows[k].key, rows[k].str, e)
             : rows[k].is_long ? kv_set_long(kv, rows[k].key, (long)rows[k].num, e)
                               : kv_set_double(kv, rows[k].key, rows[k].num, e);
    if (!rc)
        rc = family_kv(ts, kv, e);
    if (!rc)
        rc = kv_write(kv, path, e);
    kv_free(kv);
    return rc;
}

int train_study_write(const struct train_study *ts, const struct train_paths *o, struct err *e)
{
    char path[4096];
    int rc = write_models(ts, o->models, e);
    if (!rc)
        rc = write_candidates(cli_path(path, sizeof path, o->out, "candidates.tsv"), ts->cand, ts->res,
                              ts->so.scoring, e);
    if (!rc)
        rc = write_fit_times(o->times, ts->cand, ts->res, e);
    if (!rc)
        rc = write_leaderboard(ts, cli_path(path, sizeof path, o->out, "leaderboard.tsv"), e);
    if (!rc)
        rc = write_scores_test(ts, cli_path(path, sizeof path, o->out, "scores_test.tsv"), e);
    if (!rc)
        rc = write_split(ts, cli_path(path, sizeof path, o->out, "split.tsv"), e);
    if (!rc)
        rc = write_folds(ts, cli_path(path, sizeof path, o->out, "folds.tsv"), e);
    if (!rc)
        rc = write_kv(ts, o->kv, e);
    return rc;
}

void train_study_remove_stale(const struct train_study *ts, const char *models)
{
    char path[4096], name[64];
    for (int f = 0; f < PIPE_NFAMILY; f++)
        if (!ts->fin[f].pipe) {
            snprintf(name, sizeof name, "%s.pipeline", pipeline_family_names[f]);
            remove(cli_path(path, sizeof path, models, name));
        }
}

void train_study_free(struct train_study *ts)
{
    for (int f = 0; f < PIPE_NFAMILY; f++) {
        pipeline_free(ts->fin[f].pipe);
        free(ts->fin[f].proba);
    }
    search_result_free(ts->res);
    free(ts->cand);
    split_tt_free(ts->sp);
    split_tt_free(ts->fit);
    free(ts->group);
    calib_free(ts->calib);
    free(ts->best_proba);
    pipe_data_free(ts->d);
    table_free(ts->t);
    search_spaces_free(ts->su.spaces);
}
