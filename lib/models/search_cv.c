/* search: the cross-validation runner (see search.h). Every (candidate, fold)
 * pair is a task; threads take the next task number under a lock and write
 * only the task's own slots, so the result is the same with any number of
 * threads. */
#include "core/mem.h"
#include "models/search.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats/metrics.h"
#include "models/split.h"

const char *const search_metric_names[SEARCH_NMETRIC + 1] = {"roc_auc", "average_precision", "f1", "accuracy",
                                                              NULL};

int search_metrics(const int *y, const double *s, size_t n, double thr, double out[SEARCH_NMETRIC], struct err *e)
{
    int rc = metrics_roc_auc(y, s, n, &out[SEARCH_ROC_AUC], e);
    if (!rc)
        rc = metrics_average_precision(y, s, n, &out[SEARCH_AP], e);
    if (rc)
        return rc;
    struct metrics_confusion cm = {0};
    for (size_t i = 0; i < n; i++) {
        int pred = s[i] > thr;
        if (y[i])
            pred ? cm.tp++ : cm.fn++;
        else
            pred ? cm.fp++ : cm.tn++;
    }
    out[SEARCH_F1] = metrics_f1(&cm);
    out[SEARCH_ACCURACY] = metrics_accuracy(&cm);
    return 0;
}

struct job {
    const struct pipe_data *d;
    const struct search_candidate *c;
    const struct search_opts *o;
    struct search_result *r;
    size_t nfold;
    size_t **train, **test, *ntrain, *ntest; /* per fold, rows of d */
    size_t **fit, *nfit;                     /* per fold, the round's training rows */
    size_t **held, *nheld;                   /* per fold, the round's held-out rows */
    const size_t *alive;                     /* the round's candidates */
    double *seconds;                         /* [cand][fold] */
    size_t *err_fold;                        /* [cand]: the fold of error[cand] */
    size_t next, done, total, ntask;         /* ntask: this round's tasks */
    int fatal;
    struct err fatal_e;
    pthread_mutex_t lock;
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Fit on the fold's training rows, score its held-out rows. */
static int run_task(struct job *j, size_t cand, size_t f, double *out, struct err *e)
{
    const struct pipe_config *cfg = &j->c[cand].cfg;
    struct pipeline *p = NULL;
    size_t nt = j->nheld[f];
    double *s = malloc((nt ? nt : 1) * sizeof *s);
    int *y = malloc((nt ? nt : 1) * sizeof *y);
    int rc = s && y ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = pipeline_fit(j->d, j->fit[f], j->nfit[f], cfg, 0, &p, e);
    if (!rc)
        rc = pipeline_decision(p, j->d, j->held[f], nt, s, e);
    for (size_t i = 0; !rc && i < nt; i++)
        y[i] = j->d->y[j->held[f][i]];
    if (!rc)
        rc = search_metrics(y, s, nt, pipeline_threshold(cfg->family), out, e);
    pipeline_free(p);
    free(s);
    free(y);
    return rc;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t t = j->fatal ? j->ntask : j->next++;
        pthread_mutex_unlock(&j->lock);
        if (t >= j->ntask)
            break;
        size_t cand = j->alive[t / j->nfold], f = t % j->nfold;
        double *out = &j->r->score[(cand * j->nfold + f) * SEARCH_NMETRIC];
        struct err e = {0};
        double t0 = now();
        int rc = run_task(j, cand, f, out, &e);
        j->seconds[cand * j->nfold + f] = now() - t0;
        pthread_mutex_lock(&j->lock);
        if (rc == ERR_NOMEM && !j->fatal) {
            j->fatal = rc;
            j->fatal_e = e;
        }
        if (rc) {
            for (int m = 0; m < SEARCH_NMETRIC; m++)
                out[m] = NAN;
            /* The first failing fold's message, whatever the scheduling. */
            if (!j->r->error[cand] || f < j->err_fold[cand]) {
                char *msg = strdup(e.msg);
                if (msg) {
                    free(j->r->error[cand]);
                    j->r->error[cand] = msg;
                    j->err_fold[cand] = f;
                }
            }
        }
        j->done++;
        if (j->o->progress)
            j->o->progress(j->o->ctx, j->done, j->total);
        pthread_mutex_unlock(&j->lock);
    }
    return NULL;
}

void search_result_free(struct search_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->error && i < r->ncand; i++)
        free(r->error[i]);
    FREE_ALL(r->error, r->score, r->mean, r->std, r->fit_time, r->round, r->rows, r);
}

double search_score(const struct search_result *r, size_t cand, size_t fold, enum search_metric m)
{
    return r->score[(cand * r->nfold + fold) * SEARCH_NMETRIC + m];
}

double search_mean(const struct search_result *r, size_t cand, enum search_metric m)
{
    return r->mean[cand * SEARCH_NMETRIC + m];
}

double search_std(const struct search_result *r, size_t cand, enum search_metric m)
{
    return r->std[cand * SEARCH_NMETRIC + m];
}

static long best_of(const struct search_result *r, const struct search_candidate *c, int family,
                    enum search_metric m)
{
    long best = -1;
    for (size_t i = 0; i < r->ncand; i++) {
        double v = search_mean(r, i, m);
        if ((family >= 0 && (int)c[i].cfg.family != family) || isnan(v))
            continue;
        if (best < 0 || r->round[i] > r->round[best] ||
            (r->round[i] == r->round[best] && v > search_mean(r, (size_t)best, m)))
            best = (long)i;
    }
    return best;
}

long search_best_of(const struct search_result *r, const struct search_candidate *c, enum pipe_family f,
                    enum search_metric m)
{
    return best_of(r, c, (int)f, m);
}

/* a finished ahead of b: a later round, a higher mean (NaN last), a smaller number. */
static int ahead(const struct search_result *r, size_t a, size_t b, enum search_metric m)
{
    if (r->round[a] != r->round[b])
        return r->round[a] > r->round[b];
    double x = search_mean(r, a, m), y = search_mean(r, b, m);
    if (isnan(x) != isnan(y))
        return isnan(y);
    if (!isnan(x) && x != y)
        return x > y;
    return a < b;
}

size_t search_rank(const struct search_result *r, size_t cand, enum search_metric m)
{
    size_t rank = 1;
    double v = search_mean(r, cand, m);
    for (size_t k = 0; k < r->ncand; k++) {
        double w = search_mean(r, k, m);
        /* sklearn's rank: equal scores share one; NaN after every number. */
        if (r->round[k] != r->round[cand])
            rank += r->round[k] > r->round[cand];
        else
            rank += !isnan(w) && (isnan(v) || w > v);
    }
    return rank;
}

/* Mean and population std over the folds, sklearn's mean/std_test_score, of
 * the candidates alive[0..n). */
static void summarize(struct search_result *r, const double *seconds, const size_t *alive, size_t n)
{
    for (size_t a = 0; a < n; a++) {
        size_t i = alive[a];
        double secs = 0;
        for (size_t f = 0; f < r->nfold; f++)
            secs += seconds[i * r->nfold + f];
        r->fit_time[i] = secs / (double)r->nfold;
        for (int m = 0; m < SEARCH_NMETRIC; m++) {
            double sum = 0, ss = 0;
            for (size_t f = 0; f < r->nfold; f++)
                sum += search_score(r, i, f, (enum search_metric)m);
            double mean = sum / (double)r->nfold;
            for (size_t f = 0; f < r->nfold; f++) {
                double dv = search_score(r, i, f, (enum search_metric)m) - mean;
                ss += dv * dv;
            }
            r->mean[i * SEARCH_NMETRIC + m] = mean;
            r->std[i * SEARCH_NMETRIC + m] = sqrt(ss / (double)r->nfold);
        }
    }
}

/* The folds as rows of d (rows = NULL: rows 0..nrows-1); tr, te: scratch. */
static int fold_rows(struct job *j, const int *fold, const size_t *rows, size_t nrows, size_t *tr, size_t *te,
                     struct err *e)
{
    for (size_t f = 0; f < j->nfold; f++) {
        split_fold_indices(fold, nrows, (int)f, tr, &j->ntrain[f], te, &j->ntest[f]);
        j->train[f] = malloc((j->ntrain[f] + 1) * sizeof **j->train);
        j->test[f] = malloc((j->ntest[f] + 1) * sizeof **j->test);
        if (!j->train[f] || !j->test[f])
            return err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < j->ntrain[f]; i++)
            j->train[f][i] = rows ? rows[tr[i]] : tr[i];
        for (size_t i = 0; i < j->ntest[f]; i++)
            j->test[f][i] = rows ? rows[te[i]] : te[i];
    }
    return 0;
}

/* Every fit of the job on `threads` threads (this one among them); fewer
 * when a thread cannot start: the same result, later. */
static int run_threads(struct job *j, int threads, struct err *e)
{
    int rc = 0, started = 0;
    pthread_mutex_init(&j->lock, NULL);
    pthread_t *th = malloc((size_t)threads * sizeof *th);
    if (!th)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (int t = 1; !rc && t < threads; t++)
        if (pthread_create(&th[t], NULL, worker, j) == 0)
            started = t;
        else
            break;
    if (!rc)
        worker(j);
    for (int t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    free(th);
    pthread_mutex_destroy(&j->lock);
    if (!rc && j->fatal) {
        *e = j->fatal_e;
        rc = j->fatal;
    }
    return rc;
}

static int by_number(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The candidates that go on: the best ceil(n / factor) of alive[0..n), by
 * number again. */
static size_t halve(const struct search_result *r, size_t *alive, size_t n, size_t factor, enum search_metric m)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: a few hundred at most */
        for (size_t k = i; k > 0 && ahead(r, alive[k], alive[k - 1], m); k--) {
            size_t t = alive[k];
            alive[k] = alive[k - 1];
            alive[k - 1] = t;
        }
    size_t keep = (n + factor - 1) / factor;
    qsort(alive, keep, sizeof *alive, by_number);
    return keep;
}

/* The rounds of the search and the rows of its first (search.h). */
static size_t plan_rounds(const struct job *j, size_t ncand, size_t nrows, const struct search_opts *o, size_t *n0)
{
    size_t f = o->halving_factor, first = o->halving_first_rows ? o->halving_first_rows : 1, least = SIZE_MAX;
    for (size_t q = 0; q < j->nfold; q++)
        least = j->ntrain[q] < least ? j->ntrain[q] : least;
    *n0 = least;
    if (!o->halving_above || nrows <= o->halving_above || f < 2 || least <= first)
        return 1;
    size_t need = 1, can = 1;
    for (size_t c = ncand; c >= f; c /= f)
        need++;
    for (size_t n = first; n <= least / f; n *= f)
        can++;
    *n0 = first;
    return need < can ? need : can;
}

/* Round q's rows of every fold: n of its training rows and the same
 * fraction of its held-out rows (sklearn's _SubsampleMetaSplitter with
 * subsample_test=True); all of both in the last round. */
static int round_rows(struct job *j, size_t n, int last, struct err *e)
{
    for (size_t q = 0; q < j->nfold; q++) {
        j->fit[q] = j->train[q], j->nfit[q] = j->ntrain[q];
        j->held[q] = j->test[q], j->nheld[q] = j->ntest[q];
        if (last || n >= j->ntrain[q])
            continue;
        size_t nh = (size_t)((double)n * (double)j->ntest[q] / (double)j->ntrain[q] + 0.5);
        nh = nh ? nh : 1;
        j->fit[q] = malloc((n + 1) * sizeof **j->fit);
        j->held[q] = malloc((nh + 1) * sizeof **j->held);
        if (!j->fit[q] || !j->held[q])
            return err_set(e, ERR_NOMEM, "out of memory");
        int rc = split_subsample(j->train[q], j->ntrain[q], j->d->y, n, j->fit[q], &j->nfit[q], e);
        if (!rc)
            rc = split_subsample(j->test[q], j->ntest[q], j->d->y, nh, j->held[q], &j->nheld[q], e);
        if (rc)
            return rc;
    }
    return 0;
}

static void round_rows_free(struct job *j)
{
    for (size_t q = 0; j->fit && q < j->nfold; q++) {
        if (j->fit[q] != j->train[q])
            free(j->fit[q]);
        if (j->held[q] != j->test[q])
            free(j->held[q]);
        j->fit[q] = j->held[q] = NULL;
    }
}

/* The rows a candidate fitted per fold in this round (mean over the folds). */
static double fitted_rows(const struct job *j, size_t cand)
{
    double sum = 0;
    size_t cap = j->c[cand].cfg.max_rows;
    for (size_t q = 0; q < j->nfold; q++)
        sum += (double)(cap && j->nfit[q] > cap ? cap : j->nfit[q]);
    return sum / (double)j->nfold;
}

/* Every round: fit, score, summarize, keep the best for the next. */
static int run_rounds(struct job *j, size_t ncand, size_t nrows, struct err *e)
{
    struct search_result *r = j->r;
    size_t n0, rounds = plan_rounds(j, ncand, nrows, j->o, &n0), n = ncand, size = n0;
    size_t *alive = malloc((ncand + 1) * sizeof *alive);
    if (!alive)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < ncand; i++)
        alive[i] = i;
    for (size_t c = ncand, q = 0; q < rounds; q++) {
        j->total += c * j->nfold;
        if (q + 1 < rounds) /* more than one round: factor >= 2 */
            c = (c + j->o->halving_factor - 1) / j->o->halving_factor;
    }
    r->nround = rounds;
    int rc = 0;
    for (size_t q = 0; !rc && q < rounds; q++) {
        j->alive = alive;
        j->ntask = n * j->nfold;
        j->next = 0;
        rc = round_rows(j, size, q + 1 == rounds, e);
        if (!rc)
            rc = run_threads(j, j->o->threads, e);
        for (size_t a = 0; !rc && a < n; a++) {
            r->round[alive[a]] = (int)q;
            r->rows[alive[a]] = fitted_rows(j, alive[a]);
        }
        if (!rc)
            summarize(r, j->seconds, alive, n);
        for (size_t f = 0; !rc && q == 0 && f < j->nfold; f++)
            r->first_rows += (double)j->nfit[f] / (double)j->nfold;
        r->last_round = n;
        round_rows_free(j);
        if (!rc && q + 1 < rounds) {
            n = halve(r, alive, n, j->o->halving_factor, j->o->scoring);
            size *= j->o->halving_factor;
        }
    }
    free(alive);
    return rc;
}

/* The fold of each of the rows searched: stratified, groups kept whole. */
static int group_folds(const size_t *rows, size_t nrows, const int *ysub, size_t k, const struct search_opts *o,
                       int *fold, struct err *e)
{
    size_t *g = NULL;
    if (o->group && !(g = malloc((nrows + 1) * sizeof *g)))
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; g && i < nrows; i++)
        g[i] = o->group[rows ? rows[i] : i];
    int rc = split_group_kfold(ysub, g, nrows, k, o->shuffle, o->seed, fold, e);
    free(g);
    return rc;
}

int search_cv(const struct pipe_data *d, const size_t *rows, size_t nrows, const struct search_candidate *c,
              size_t ncand, const struct search_opts *o, struct search_result **out, struct err *e)
{
    *out = NULL;
    if (!d->y)
        return err_set(e, ERR_DATA, "expected labelled rows to cross-validate on");
    if (o->threads < 1 || o->folds < 2)
        return err_set(e, ERR_PARAMS, "expected threads >= 1 and folds >= 2, found %d and %zu", o->threads, o->folds);
    size_t k = o->folds;
    struct job j = {.d = d, .c = c, .o = o, .nfold = k};
    struct search_result *r = calloc(1, sizeof *r);
    int *ysub = malloc((nrows ? nrows : 1) * sizeof *ysub), *fold = malloc((nrows ? nrows : 1) * sizeof *fold);
    size_t *tr = malloc((nrows ? nrows : 1) * sizeof *tr), *te = malloc((nrows ? nrows : 1) * sizeof *te);
    j.train = calloc(k, sizeof *j.train);
    j.test = calloc(k, sizeof *j.test);
    j.ntrain = calloc(k, sizeof *j.ntrain);
    j.ntest = calloc(k, sizeof *j.ntest);
    j.fit = calloc(k, sizeof *j.fit);
    j.nfit = calloc(k, sizeof *j.nfit);
    j.held = calloc(k, sizeof *j.held);
    j.nheld = calloc(k, sizeof *j.nheld);
    j.seconds = calloc(ncand * k + 1, sizeof *j.seconds);
    j.err_fold = calloc(ncand + 1, sizeof *j.err_fold);
    int rc = 0;
    if (!r || !ysub || !fold || !tr || !te || !j.train || !j.test || !j.ntrain || !j.ntest || !j.fit || !j.nfit ||
        !j.held || !j.nheld || !j.seconds || !j.err_fold)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc) {
        r->ncand = ncand;
        r->nfold = k;
        r->best = -1;
        r->score = calloc(ncand * k * SEARCH_NMETRIC + 1, sizeof *r->score);
        r->round = calloc(ncand + 1, sizeof *r->round);
        r->rows = calloc(ncand + 1, sizeof *r->rows);
        r->mean = calloc(ncand * SEARCH_NMETRIC + 1, sizeof *r->mean);
        r->std = calloc(ncand * SEARCH_NMETRIC + 1, sizeof *r->std);
        r->fit_time = calloc(ncand + 1, sizeof *r->fit_time);
        r->error = calloc(ncand + 1, sizeof *r->error);
        if (!r->score || !r->mean || !r->std || !r->fit_time || !r->error || !r->round || !r->rows)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; !rc && i < nrows; i++)
        ysub[i] = d->y[rows ? rows[i] : i];
    if (!rc)
        rc = group_folds(rows, nrows, ysub, k, o, fold, e);
    if (!rc)
        rc = fold_rows(&j, fold, rows, nrows, tr, te, e);
    if (!rc) {
        j.r = r;
        rc = run_rounds(&j, ncand, nrows, e);
    }
    if (!rc)
        r->best = best_of(r, c, -1, o->scoring);
    for (size_t f = 0; j.train && f < k; f++) {
        free(j.train[f]);
        free(j.test[f]);
    }
    FREE_ALL(j.train, j.test, j.ntrain, j.ntest, j.fit, j.nfit, j.held, j.nheld, j.seconds, j.err_fold, ysub, fold,
             tr, te);
    if (rc) {
        search_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}
