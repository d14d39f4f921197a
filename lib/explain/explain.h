/* explain: why a fitted pipeline (lib/pipeline) predicts what it does, per
 * customer and overall, on top of the explainers of lib/shap.
 *
 * Which explainer goes with which family:
 *   linear               logreg: exact, in log-odds, background = the
 *                        training rows (phi_j = w_j (x_j - mean_j) on the
 *                        transformed columns);
 *   tree_path            tree: exact path-dependent TreeSHAP on P(y = 1);
 *   tree_interventional  tree: exact interventional TreeSHAP on P(y = 1),
 *                        background = the training rows;
 *   tree_xgb             xgb: XGBoost's own exact TreeSHAP (pred_contribs) in
 *                        log-odds; under a sigmoid calibration, of the
 *                        calibrated log-odds (linear in the margin: each
 *                        value times -a, the base -(a base + b));
 *   kernel               any family: KernelSHAP on P(y = 1) over one player
 *                        per original feature (a one-hot block is one
 *                        player), background = the training rows summarised
 *                        by k-means to background_k weighted points (rounded
 *                        to values the columns take).
 * "auto" picks the exact explainer where the family allows (linear for
 * logreg, tree_path for tree, tree_xgb for xgb) and kernel otherwise.
 *
 * Values on transformed columns are summed back to their original feature
 * (prep's out_feat), so every explanation is one value per original feature,
 * and base + sum(phi) = the model's output (log-odds or probability). */
#ifndef OC_EXPLAIN_H
#define OC_EXPLAIN_H

#include <stddef.h>

#include "core/err.h"
#include "models/pipeline.h"

enum explain_kind {
    EXPLAIN_AUTO,
    EXPLAIN_LINEAR,
    EXPLAIN_TREE_PATH,
    EXPLAIN_TREE_INTERVENTIONAL,
    EXPLAIN_KERNEL,
    EXPLAIN_TREE_XGB,
    EXPLAIN_NKIND
};
/* "auto", "linear", "tree_path", "tree_interventional", "kernel", "tree_xgb"
 * (NULL-terminated). */
extern const char *const explain_kind_names[EXPLAIN_NKIND + 1];

enum explain_space { EXPLAIN_LOGODDS, EXPLAIN_PROBABILITY };
/* "log-odds", "probability". */
extern const char *const explain_space_names[2];

/* The explainer for a family: auto resolved, and ERR_PARAMS when the asked
 * explainer cannot explain the family (linear needs logreg, tree_* a tree). */
int explain_resolve(enum pipe_family f, enum explain_kind want, enum explain_kind *out, struct err *e);
/* The space an explainer's values are in. */
enum explain_space explain_space_of(enum explain_kind k);

/* The fitted model of p on already transformed rows X (n x pipeline_nout):
 * out[i] = the log-odds (EXPLAIN_LOGODDS: logreg's, or xgb's, calibrated by
 * a sigmoid calibration) or P(y = 1). */
int explain_model_output(const struct pipeline *p, enum explain_space space, const double *X, size_t n,
                         double *out, struct err *e);
/* The ranking score scikit-learn's roc_auc scorer uses: the decision
 * function of logreg and svc, P(y = 1) of knn and tree. */
int explain_model_score(const struct pipeline *p, const double *X, size_t n, double *out, struct err *e);

struct explain_opts {
    enum explain_kind kind;  /* resolved or auto */
    size_t background_k;     /* kernel: k-means centres of the background */
    size_t budget;           /* kernel: coalitions per row (shap_kernel_params) */
    unsigned long seed;      /* kernel: k-means seeding; row i samples with seed + i */
    int threads;             /* kernel: rows are split over this many threads */
};

struct explain_result {
    size_t n, nfeat, nout;
    enum explain_kind kind;   /* resolved */
    enum explain_space space;
    double *phi;      /* n x nfeat: one value per original feature */
    double *phi_cols; /* n x nout on the transformed columns (exact explainers), else NULL */
    double base;      /* the expected output over the background */
    double *output;   /* n: the model's output f(x_i) in `space` */
    double *gap;      /* n: output - base - sum(phi) */
    double max_gap;   /* the largest |gap| */
    size_t nbackground; /* background rows (k-means centres for kernel) */
};

/* Explain the n transformed rows X (n x pipeline_nout) of p, with the
 * transformed training rows Xtrain (ntrain x pipeline_nout) as background.
 * The result's phi for row i depends on row i and the options only (not on n
 * or the thread count). */
int explain_rows(const struct pipeline *p, const double *X, size_t n, const double *Xtrain, size_t ntrain,
                 const struct explain_opts *o, struct explain_result **out, struct err *e);
void explain_result_free(struct explain_result *r);

/* Permutation importance by ROC-AUC (sklearn.inspection.permutation_importance
 * with scoring "roc_auc"): for each original feature and each of n_repeats
 * repeats, its block of transformed columns is shuffled across the rows (one
 * permutation per block, so a one-hot feature moves as one) and the drop
 * base_auc - auc is recorded. mean[j] and std[j] (population std, as numpy's)
 * over the repeats. Permutations come from one gsl_rng mt19937 seeded with
 * seed, drawn feature by feature, repeat by repeat. */
int explain_permutation(const struct pipeline *p, const double *X, const int *y, size_t n, size_t n_repeats,
                        unsigned long seed, double *base_auc, double *mean, double *std, struct err *e);

/* The sign of Pearson's correlation between a feature's values v and its
 * phi over the rows where v is finite: +1, -1, or 0 when undefined (fewer
 * than two finite values, or a constant). */
int explain_direction(const double *v, const double *phi, size_t n, size_t stride);

/* The indices of the (at most) k largest strictly positive values of
 * phi[0..m), largest first (ties: lower index first); returns how many. */
size_t explain_top_positive(const double *phi, size_t m, size_t k, size_t *idx);

/* Ranks 1..m of mean_abs (largest = 1; ties: lower index first), and the
 * order: order[r] is the feature of rank r + 1. */
void explain_rank(const double *mean_abs, size_t m, size_t *rank, size_t *order);

#endif
