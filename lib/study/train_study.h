/* train_study: what the train stage does (stages/train.c is its table of
 * contents): hold out a stratified test set, draw the candidates, cross-
 * validate them, refit each family's best on every training row, score the
 * test rows, and write the pipelines, candidates.tsv, fit_times.tsv,
 * leaderboard.tsv, scores_test.tsv, split.tsv and train.kv. */
#ifndef OC_TRAIN_STUDY_H
#define OC_TRAIN_STUDY_H

#include "core/err.h"
#include "io/params.h"
#include "io/schema.h"
#include "io/table.h"
#include "models/pipeline.h"
#include "models/search.h"
#include "models/split.h"

/* The train section of params.yaml (and the top-level seed). */
/* Customers identical in every feature (lib/models/groups.h): kept, each
 * group on one side of every split (groups), or one of each kept (keep_one:
 * the others are neither fitted nor scored, but stay on their group's side). */
enum train_twins { TWINS_GROUPS, TWINS_KEEP_ONE };
extern const char *const train_twins_names[];
/* Which family is chosen: the best CV score (best), or the simplest family
 * (logreg < tree < knn < svc) whose best CV score is within one standard
 * error of the best's (one_se: the error over the folds, std / sqrt(folds)). */
enum train_choose { CHOOSE_BEST, CHOOSE_ONE_SE };
extern const char *const train_choose_names[];

struct train_setup {
    double test_size;
    long folds, n_iter, threads, seed;
    long halving_above, halving_first_rows, halving_factor; /* train.halving */
    long cap[PIPE_NFAMILY];                               /* train.caps, 0: none */
    int shuffle, scoring, twins, choose, calibration;
    struct search_spaces *spaces;
};
int train_setup_read(const struct params *p, struct train_setup *s, struct err *e);

/* A family's best candidate, refitted on every training row, and its test scores. */
struct train_final {
    long cand;
    struct pipeline *pipe;
    double *proba; /* on the test rows */
    double test_auc, test_ap;
};

struct train_study {
    const struct schema *s;
    struct train_setup su;
    struct table *t;
    struct pipe_data *d;
    struct split_tt *sp;  /* every customer's side (split.tsv) */
    struct split_tt *fit; /* the rows fitted and scored: sp, less the twins keep_one drops */
    size_t *group;        /* each row's twin group: its first row (lib/models/groups.h) */
    size_t twin_groups, twin_rows, twins_dropped;
    struct search_candidate *cand;
    struct search_result *res;
    struct search_opts so;
    double t0; /* when the search started, for its progress line */
    struct train_final fin[PIPE_NFAMILY];
    int best_family;      /* the chosen one */
    int top_family;       /* the one with the best CV score */
    struct calib *calib;  /* the chosen pipeline's calibration (NULL: none), fitted out of fold */
    double *best_proba;   /* the chosen pipeline's (calibrated) probabilities on the test rows */
    double one_se_bound;  /* the best CV score less its standard error */
};

/* Read the customers, split, draw, search, refit (params_path names the
 * params file in warnings). */
int train_study_run(struct train_study *ts, const char *in, const char *params_path, struct err *e);

struct train_paths {
    const char *out, *models, *times, *kv;
};
/* Every output (through lib/core/outfile: held until the stage releases them). */
int train_study_write(const struct train_study *ts, const struct train_paths *o, struct err *e);
/* Remove MODELS/FAMILY.pipeline of a family this run did not fit (an earlier
 * run's), once this run's outputs are in place. */
void train_study_remove_stale(const struct train_study *ts, const char *models);
void train_study_free(struct train_study *ts);

#endif
