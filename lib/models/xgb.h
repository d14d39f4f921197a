/* xgb: gradient-boosted trees through libxgboost's C API (Debian's
 * libxgboost-dev 1.7), binary:logistic, tree_method hist.
 *
 * Deterministic: every booster runs on one thread (nthread 1) with the
 * given seed, so a fit depends on its data, parameters and seed alone; the
 * callers parallelise over fits, not inside one.
 *
 * Early stopping as xgboost.train(..., evals=[(valid, "valid")],
 * early_stopping_rounds=r): after each round the validation log loss (the
 * number xgboost prints, read back as Python's float() reads it); the fit
 * stops once r rounds in a row did not lower the best, and keeps the trees
 * up to the best round (XGBoosterSlice), as predict's default
 * iteration_range does. xgb_fit draws the validation rows from the rows it
 * is given (stratified, split_train_test with the seed), so in a CV fold
 * they come from that fold's training rows only.
 *
 * The margin is the log-odds (base_score 0.5, so the sum of the trees);
 * P(y = 1) = expit(margin) as XGBoost computes it. Contributions: XGBoost's
 * own TreeSHAP (pred_contribs), m values and the bias per row, in log-odds;
 * they add up to the margin.
 *
 * Text form (a block of a pipeline file): "xgb<TAB>1", "n_features<TAB>M",
 * "rounds<TAB>K", "fnv1a<TAB>HEX" (the JSON's 64-bit FNV-1a), "json<TAB>BYTES",
 * then the model in XGBoost's own JSON format (BYTES bytes, one line) and a
 * newline. The JSON keeps every float exactly, so a reloaded model predicts
 * bit-identically. XGBoost trusts the JSON it parses (fuzzing found a double
 * free in 1.7's tree loader on inconsistent arrays): it is handed only JSON
 * whose checksum matches, and the trees it then holds are checked
 * (xgb_check_trees) before anything predicts with them. */
#ifndef OC_XGB_H
#define OC_XGB_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

struct xgb_params {
    long n_estimators; /* boosting rounds at most */
    long max_depth;
    double learning_rate, subsample, colsample_bytree, min_child_weight, reg_lambda, reg_alpha;
    long early_stopping_rounds; /* 0: no early stopping */
    double validation_fraction; /* of the rows given, held out for early stopping */
};

/* XGBoost's defaults, and early stopping after 20 rounds on 10 % of the rows. */
void xgb_params_default(struct xgb_params *p);

struct xgb {
    void *booster; /* BoosterHandle */
    size_t n_features;
    long rounds;          /* the trees kept (the best round + 1) */
    pthread_mutex_t lock; /* one prediction at a time on the booster */
};

/* Fit on n rows of X (n x m, row-major), labels y in {0, 1}; with early
 * stopping, the validation rows are a stratified share of these. */
int xgb_fit(const double *X, const int *y, size_t n, size_t m, const struct xgb_params *p, unsigned long seed,
            struct xgb **out, struct err *e);
void xgb_free(struct xgb *x);

/* P(y = 1) of n rows, as XGBoost computes it (in float). */
int xgb_proba(struct xgb *x, const double *X, size_t n, double *out, struct err *e);
/* The margin (log-odds) of n rows. */
int xgb_margin(struct xgb *x, const double *X, size_t n, double *out, struct err *e);
/* TreeSHAP: phi (n x (m + 1)), row i's m contributions then its bias. */
int xgb_contribs(struct xgb *x, const double *X, size_t n, double *phi, struct err *e);

/* The trees of a model's canonical JSON (what XGBoosterSaveModelToBuffer
 * writes), before anything predicts with them (xgb_check.c): 0 when there
 * are `rounds` trees over n_features columns, each a tree rooted at node 0
 * with numerical splits; -1 when not; -2 out of memory. */
int xgb_check_trees(const char *json, size_t size, size_t n_features, long rounds);

int xgb_write(struct xgb *x, FILE *fp, struct err *e);
int xgb_read(FILE *fp, const char *name, struct xgb **out, struct err *e);

#endif
