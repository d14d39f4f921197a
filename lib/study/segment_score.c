/* segment_score: every customer scored by a model that did not see them.
 *
 * A training customer's in-sample probability comes from a model fitted on
 * that very customer (with k-NN and distance weights it is nearly 0 or 1), so
 * the training customers are scored out of fold: the chosen pipeline's
 * hyperparameters refitted on K-1 folds, scoring the K-th, as scikit-learn's
 * cross_val_predict(pipe, X_train, y_train, cv=StratifiedKFold(K)). The test
 * customers were never seen by the final pipeline, which scores them. */
#include <stdlib.h>

#include "core/mem.h"
#include "study/segment.h"
#include "models/split.h"

void segment_scorer_free(struct segment_scorer *sc)
{
    if (!sc)
        return;
    for (size_t f = 0; f < sc->k && sc->fold; f++)
        pipeline_free(sc->fold[f]);
    free(sc->fold);
    free(sc->model);
    free(sc);
}

int segment_scorer_fit(const struct pipe_data *d, const unsigned char *is_train, const size_t *group,
                       const struct pipeline *final, size_t folds, int shuffle, unsigned long seed,
                       struct segment_scorer **out, struct err *e)
{
    *out = NULL;
    if (!d->y)
        return err_set(e, ERR_DATA, "the out-of-fold scorer needs the target");
    struct segment_scorer *sc = calloc(1, sizeof *sc);
    size_t n = d->n, ntr = 0;
    size_t *tr = malloc((n + 1) * sizeof *tr), *fit = malloc((n + 1) * sizeof *fit);
    size_t *gtr = group ? malloc((n + 1) * sizeof *gtr) : NULL;
    int *ytr = malloc((n + 1) * sizeof *ytr), *fold = malloc((n + 1) * sizeof *fold);
    int rc = 0;
    if (!sc || !tr || !fit || !ytr || !fold || (group && !gtr) || !(sc->model = malloc((n + 1) * sizeof *sc->model)) ||
        !(sc->fold = calloc(folds + 1, sizeof *sc->fold)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc) {
        sc->k = folds;
        sc->n = n;
        sc->final = final;
        for (size_t i = 0; i < n; i++) {
            sc->model[i] = -1;
            if (is_train[i]) {
                ytr[ntr] = d->y[i];
                if (gtr)
                    gtr[ntr] = group[i];
                tr[ntr++] = i;
            }
        }
        rc = split_group_kfold(ytr, gtr, ntr, folds, shuffle, seed, fold, e);
    }
    for (size_t k = 0; !rc && k < ntr; k++)
        sc->model[tr[k]] = fold[k];
    /* Each fold's pipeline learns on the training rows of the other folds. */
    for (size_t f = 0; !rc && f < folds; f++) {
        size_t nfit = 0;
        for (size_t k = 0; k < ntr; k++)
            if (fold[k] != (int)f)
                fit[nfit++] = tr[k];
        rc = pipeline_fit(d, fit, nfit, &final->cfg, 1, &sc->fold[f], e);
        if (rc)
            err_prefix(e, "fold %zu of %zu: ", f + 1, folds);
    }
    FREE_ALL(tr, fit, gtr, ytr, fold);
    if (rc) {
        segment_scorer_free(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

int segment_scorer_predict(const struct segment_scorer *sc, const struct pipe_data *d, const size_t *rows,
                           size_t nrows, double *out, struct err *e)
{
    size_t *sub = malloc((nrows + 1) * sizeof *sub), *pos = malloc((nrows + 1) * sizeof *pos);
    double *p = malloc((nrows + 1) * sizeof *p);
    int rc = !sub || !pos || !p ? err_set(e, ERR_NOMEM, "out of memory") : 0;
    if (!rc && d->n != sc->n)
        rc = err_set(e, ERR_DATA, "expected the %zu rows the scorer was fitted on, found %zu", sc->n, d->n);
    /* Model by model: -1 is the final pipeline, then each fold's. */
    for (long m = -1; !rc && m < (long)sc->k; m++) {
        size_t ns = 0;
        for (size_t k = 0; k < nrows; k++) {
            size_t i = rows ? rows[k] : k;
            if (i >= sc->n) {
                rc = err_set(e, ERR_DATA, "row %zu out of range (%zu rows)", i, sc->n);
                break;
            }
            if (sc->model[i] == m) {
                sub[ns] = i;
                pos[ns++] = k;
            }
        }
        if (rc || ns == 0)
            continue;
        /* A fold's pipeline gets the final one's calibration (fitted on the
         * same folds' out-of-fold scores by train). */
        const struct calib *cal = m < 0 ? NULL : sc->final->calib;
        rc = cal ? pipeline_decision(sc->fold[m], d, sub, ns, p, e)
                 : pipeline_predict_proba(m < 0 ? sc->final : sc->fold[m], d, sub, ns, p, e);
        for (size_t k = 0; !rc && k < ns; k++)
            out[pos[k]] = cal ? calib_apply(cal, p[k]) : p[k];
    }
    free(sub);
    free(pos);
    free(p);
    return rc;
}
