/* search: scikit-learn's RandomizedSearchCV over a list of spaces, one per
 * model family, with the candidates drawn before anything runs so that the
 * result does not depend on how many threads run them.
 *
 * A space is a params.yaml map: `family` (knn|tree|logreg|svc) and one entry
 * per hyperparameter (lib/pipeline's names, `scaler` and `drop_first`
 * included), each a distribution:
 *   value                   a constant
 *   [a, b, ...]             a choice among the items, uniformly; an item may
 *                           itself be a distribution: [scale, auto, {loguniform: [1e-4, 1]}]
 *   {choice: [a, b, ...]}   the same
 *   {int: [lo, hi]}         an integer, uniformly, lo and hi INCLUDED
 *                           (scipy's randint(lo, hi + 1))
 *   {uniform: [lo, hi]}     a real, uniformly in [lo, hi)
 *   {loguniform: [lo, hi]}  a real whose log is uniform: lo * (hi/lo)^u, lo > 0
 * Reals are rounded to 4 significant digits, so that a candidate reads as
 * it is written and its text gives back the same double.
 *
 * Drawing (search_draw): one gsl mt19937 seeded with `seed`; for each of the
 * n_iter candidates, pick a space uniformly (as ParameterSampler does with a
 * list of dicts: every family gets its share on average), draw its entries in
 * the order params.yaml lists them, then one 32-bit word for the candidate's
 * own seed (the tree's feature order, libsvm's Platt CV at refit).
 *
 * Cross-validation (search_cv): stratified K-fold on the given rows
 * (lib/split: StratifiedKFold(k, shuffle, seed)); every (candidate, fold) is a
 * task: fit the pipeline on the other folds (the preprocessing too), score
 * the held-out fold with ROC-AUC, average precision, F1 and accuracy, the
 * ranking metrics on pipeline_decision (as sklearn's scorers use
 * decision_function when there is one) and F1/accuracy on predict(). Tasks
 * run on `threads` pthreads; each writes only its own slot. A task whose fit
 * fails (bad params for the data, no convergence) scores NaN, as sklearn's
 * error_score=nan, and the candidate keeps the first message; running out
 * of memory stops the search. The SVC is fitted without Platt scaling during
 * the search (its decision values rank the rows), so no task calls rand().
 *
 * Successive halving (as scikit-learn's HalvingRandomSearchCV), when more
 * rows are searched than halving_above: round 0 fits every candidate on
 * halving_first_rows of each fold's training rows (split_subsample:
 * stratified, the same rows for every candidate, nested across rounds), and
 * only the best 1/factor of a round (by mean score, first on ties) go on to
 * the next, on factor times more rows; the last round fits on all of each
 * fold's training rows. Rounds: as many as it takes to bring the candidates
 * down to fewer than factor, fewer when the round before the last would fit
 * more than 1/factor of N, the smallest fold's training rows. A round before
 * the last scores the same fraction of each fold's held-out rows (as
 * sklearn's subsample_test=True), the last all of them. One round (too few
 * rows or candidates) is the exhaustive search, bit for bit. */
#ifndef OC_SEARCH_H
#define OC_SEARCH_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/err.h"
#include "io/params.h"
#include "models/pipeline.h"

enum search_dist_kind { SEARCH_CONST, SEARCH_CHOICE, SEARCH_INT, SEARCH_UNIFORM, SEARCH_LOGUNIFORM };

struct search_dist {
    enum search_dist_kind kind;
    char *value;               /* SEARCH_CONST */
    struct search_dist *items; /* SEARCH_CHOICE */
    size_t n;
    double lo, hi;             /* SEARCH_INT (integers), SEARCH_UNIFORM, SEARCH_LOGUNIFORM */
};

/* Draw one value as text into buf. */
void search_dist_sample(const struct search_dist *d, gsl_rng *r, char *buf, size_t size);

struct search_param {
    char *key;
    struct search_dist dist;
};

struct search_space {
    enum pipe_family family;
    struct search_param *par;
    size_t n;
    size_t line, col; /* where params.yaml defines it */
};

struct search_spaces {
    struct search_space *sp;
    size_t n;
};

/* Parse a sequence of space maps. Every constant and every end of a range is
 * checked against the family (pipeline_config_set), so a typo stops with
 * params.yaml:LINE:COL before anything runs. `what` names the key in errors. */
int search_spaces_parse(const struct pnode *seq, const char *what, struct search_spaces **out, struct err *e);
void search_spaces_free(struct search_spaces *s);
/* Whether the space can draw the given value for key (a constant or a choice
 * item equal to it; a key it does not set counts as the default). */
int search_space_can_draw(const struct search_space *sp, const char *key, const char *value);

struct search_candidate {
    size_t space;          /* index of the space it came from */
    struct pipe_config cfg;
};

/* Draw n_iter candidates; *out is a new array (free()). */
int search_draw(const struct search_spaces *s, size_t n_iter, unsigned long seed, struct search_candidate **out,
                struct err *e);

enum search_metric { SEARCH_ROC_AUC, SEARCH_AP, SEARCH_F1, SEARCH_ACCURACY, SEARCH_NMETRIC };
/* "roc_auc", "average_precision", "f1", "accuracy" (NULL-terminated). */
extern const char *const search_metric_names[SEARCH_NMETRIC + 1];

struct search_opts {
    size_t folds;
    int shuffle;             /* StratifiedKFold(shuffle=...) */
    unsigned long seed;      /* its random_state */
    int threads;             /* >= 1 */
    enum search_metric scoring;
    /* The group of every row of the data (lib/models/groups.h), or NULL: a
     * group's rows share a fold (StratifiedGroupKFold). */
    const size_t *group;
    /* Successive halving above this many rows searched (0: never), its
     * first round's training rows per fold and its factor (>= 2). */
    size_t halving_above, halving_first_rows, halving_factor;
    /* Called after each task, under a lock, from any thread (may be NULL). */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *ctx;
};

struct search_result {
    size_t ncand, nfold;
    size_t nround;     /* 1: exhaustive */
    double first_rows; /* the training rows per fold of round 1 (mean over folds) */
    size_t last_round; /* the candidates of the last round */
    int *round;        /* [cand]: the last round it ran in; its scores are that round's */
    double *rows;      /* [cand]: the rows fitted per fold in that round (mean over folds) */
    double *score;     /* [cand][fold][metric], NaN for a failed fit */
    double *mean;      /* [cand][metric], over folds (NaN if a fold failed) */
    double *std;       /* [cand][metric], population std as sklearn's std_test_score */
    double *fit_time;  /* [cand]: seconds per fold (fit + score), mean */
    char **error;      /* [cand]: NULL, or the first failure's message */
    /* Of the candidates of the last round, the highest mean score (first on
     * ties), -1 if none scored. */
    long best;
};

/* Cross-validate the candidates on the labelled rows[0..nrows) of d. */
int search_cv(const struct pipe_data *d, const size_t *rows, size_t nrows, const struct search_candidate *c,
              size_t ncand, const struct search_opts *o, struct search_result **out, struct err *e);
void search_result_free(struct search_result *r);

double search_score(const struct search_result *r, size_t cand, size_t fold, enum search_metric m);
double search_mean(const struct search_result *r, size_t cand, enum search_metric m);
double search_std(const struct search_result *r, size_t cand, enum search_metric m);
/* Candidates in the order they finished: a later round first, then by mean
 * score (NaN last), then by number. 1 for the best. */
size_t search_rank(const struct search_result *r, size_t cand, enum search_metric m);
/* The best candidate of a family: of its candidates that reached the latest
 * round, the highest mean score (first on ties), -1 if none scored. */
long search_best_of(const struct search_result *r, const struct search_candidate *c, enum pipe_family f,
                    enum search_metric m);

/* The metrics of scores s against y at a predict() threshold (s > thr is positive). */
int search_metrics(const int *y, const double *s, size_t n, double thr, double out[SEARCH_NMETRIC], struct err *e);

#endif
