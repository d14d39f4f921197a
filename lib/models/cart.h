/* cart: a CART classification tree with scikit-learn's DecisionTreeClassifier
 * semantics (splitter='best', max_leaf_nodes=None, min_weight_fraction_leaf=0),
 * fitted into the shared layout of lib/models/tree.h.
 *
 * What matches scikit-learn 1.2 exactly: node numbering (depth first, left
 * child first), the gini and entropy (log2) impurities and the improvement
 * that ranks splits, thresholds at the midpoint of two consecutive distinct
 * sorted values (the lower value when the midpoint rounds up to the upper
 * one), values closer than 1e-7 treated as equal, a node is a leaf when it is
 * at max_depth, has fewer than min_samples_split or 2 * min_samples_leaf rows,
 * or is pure (impurity <= DBL_EPSILON); a split leaving fewer than
 * min_samples_leaf rows on a side is never considered; class_weight
 * "balanced" multiplies the sample weights by n / (2 * n_class); max_features
 * (sqrt, log2, int, fraction) counts drawn features the way scikit-learn does,
 * constant ones included, but keeps drawing until a non-constant one is seen.
 *
 * Where it differs, on purpose:
 *   - a node splits only if the best split lowers the weighted impurity
 *     (improvement > DBL_EPSILON). scikit-learn, with min_impurity_decrease=0,
 *     also makes splits that improve nothing (XOR-like nodes), choosing among
 *     them, all tied at zero, by its random feature order;
 *   - features are drawn in the order of a gsl_rng mt19937 seeded with
 *     `seed`, not numpy's; two splits with exactly equal improvement are
 *     resolved by that order (first drawn wins; within a feature the lower
 *     threshold wins, as in scikit-learn). Without such ties the fitted tree
 *     does not depend on the seed when max_features is "all";
 *   - X is used in double precision; scikit-learn casts it to float32 first,
 *     so the two agree on data that float32 represents exactly.
 * NaN or infinite features are rejected (ERR_DATA), as scikit-learn 1.2 does. */
#ifndef OC_CART_H
#define OC_CART_H

#include <stddef.h>

#include "core/err.h"
#include "models/tree.h"

enum cart_criterion { CART_GINI = 0, CART_ENTROPY = 1 };

enum cart_max_features {
    CART_MF_ALL = 0,  /* None: every feature */
    CART_MF_SQRT,     /* max(1, floor(sqrt(p))) */
    CART_MF_LOG2,     /* max(1, floor(log2(p))) */
    CART_MF_INT,      /* max_features_n, at most p */
    CART_MF_FRACTION  /* max(1, floor(max_features_frac * p)) */
};

struct cart_params {
    enum cart_criterion criterion;
    size_t max_depth;         /* 0 = unlimited (None) */
    size_t min_samples_split; /* >= 2 */
    size_t min_samples_leaf;  /* >= 1 */
    enum cart_max_features max_features;
    size_t max_features_n;    /* for CART_MF_INT, >= 1 */
    double max_features_frac; /* for CART_MF_FRACTION, in (0, 1] */
    int class_weight_balanced; /* 0 = None, 1 = "balanced" */
    unsigned long seed;       /* gsl_rng mt19937 seed for the feature order */
};

/* scikit-learn's defaults: gini, no depth limit, 2, 1, all features, no
 * class weights, seed 0. */
void cart_params_default(struct cart_params *par);

/* Parse a max_features knob as params.yaml writes it: "all" or "none" (None),
 * "sqrt", "log2", an integer >= 1, or a fraction in (0, 1) such as "0.5".
 * ERR_PARAMS otherwise. */
int cart_max_features_parse(const char *s, struct cart_params *par, struct err *e);

/* Fit on n rows of X (row-major, p columns) with labels y in {0, 1} and
 * optional sample_weight (NULL = all 1; each >= 0, finite, with a positive
 * sum). *out is a new tree (tree_free it): value[i] is the weighted share of
 * y = 1 at node i, cover[i] the weighted count (class weights included).
 * ERR_PARAMS for invalid params, ERR_DATA for bad data, ERR_NOMEM. */
int cart_fit(const double *X, const int *y, const double *sample_weight, size_t n, size_t p,
             const struct cart_params *par, struct tree **out, struct err *e);

#endif
