/* pipeline: a column transformer (lib/prep) followed by one classifier, fitted
 * on training rows only and applied to any rows, as scikit-learn's
 * Pipeline([("prep", ColumnTransformer(...)), ("model", ...)]).
 *
 * Five families behind one table of operations (models/family.h; each in
 * models/family_NAME.c), with scikit-learn's hyperparameter names and meanings:
 *   knn     n_neighbors, weights (uniform|distance), p (1|2)
 *   tree    criterion (gini|entropy), max_depth (int|none), min_samples_split,
 *           min_samples_leaf, max_features (all|sqrt|log2|int|fraction),
 *           class_weight (none|balanced)
 *   logreg  penalty (l1|l2), C, class_weight
 *   svc     kernel (linear|poly|rbf|sigmoid), C, gamma (scale|auto|value),
 *           degree, coef0, class_weight
 *   xgb     n_estimators, max_depth, learning_rate, subsample,
 *           colsample_bytree, min_child_weight, reg_lambda, reg_alpha (XGBoost's
 *           names), early_stopping_rounds, validation_fraction; tree_method hist
 * and two keys every family takes: `scaler` (passthrough|standard|minmax|
 * robust: applied to the numeric features; ordinal codes and one-hot columns
 * are left as they are, as the study's notebooks do) and `drop_first`
 * (true|false: one-hot drops its first category, the default).
 *
 * The rows of a pipeline are a struct pipe_data: the features of a
 * customers.tsv-shaped table routed by their schema role (nominal, ordinal,
 * numeric, and the wide period columns, numeric too), in table order.
 *
 * Scores: pipeline_predict_proba gives P(y = 1). pipeline_decision gives the
 * score scikit-learn's ranking scorers (roc_auc, average_precision) use:
 * decision_function where the model has one (logreg, svc; xgb's margin), else
 * predict_proba[:, 1]; pipeline_threshold is where predict() switches to the
 * positive class on that score (score > threshold).
 *
 * Text form (one file, lines, doubles %.17g so a reloaded pipeline predicts
 * bit-identically):
 *   oneclick-pipeline<TAB>1
 *   family<TAB>knn
 *   params<TAB>scaler=standard drop_first=true n_neighbors=15 ...
 *   <the prep block, prep_write>
 *   <the model block: knn_write / tree_write / logreg / svc> */
#ifndef OC_PIPELINE_H
#define OC_PIPELINE_H

#include <stddef.h>
#include <stdio.h>

#include "models/cart.h"
#include "core/err.h"
#include "models/knn.h"
#include "models/calib.h"
#include "models/prep.h"
#include "models/xgb.h"
#include "io/schema.h"
#include "io/table.h"

enum pipe_family { PIPE_KNN, PIPE_TREE, PIPE_LOGREG, PIPE_SVC, PIPE_XGB, PIPE_NFAMILY };
/* "knn", "tree", "logreg", "svc", "xgb" (NULL-terminated, pnode_enum-ready). */
extern const char *const pipeline_family_names[PIPE_NFAMILY + 1];
/* "passthrough", "standard", "minmax", "robust" (enum prep_scaler order). */
extern const char *const pipeline_scaler_names[5];

enum pipe_svc_kernel { PIPE_SVC_LINEAR, PIPE_SVC_POLY, PIPE_SVC_RBF, PIPE_SVC_SIGMOID };
enum pipe_svc_gamma { PIPE_GAMMA_SCALE, PIPE_GAMMA_AUTO, PIPE_GAMMA_VALUE };

/* One point of the search space: a family and its hyperparameters. */
struct pipe_config {
    enum pipe_family family;
    enum prep_scaler scaler;
    int drop_first;
    unsigned long seed; /* the tree's feature order; libsvm's Platt CV at refit */
    /* Fit on at most this many of the rows given (split_subsample); 0: all.
     * Set by train only where it binds (train.caps), so that a cap the data
     * does not reach changes nothing, the text of the config included. */
    size_t max_rows;
    struct knn_params knn;
    struct cart_params cart;
    struct {
        int l1;       /* penalty: 0 = l2, 1 = l1 */
        double C;
        int balanced; /* class_weight */
    } logreg;
    struct {
        enum pipe_svc_kernel kernel;
        double C;
        enum pipe_svc_gamma gamma_mode;
        double gamma; /* PIPE_GAMMA_VALUE */
        int degree;
        double coef0;
        int balanced;
    } svc;
    struct xgb_params xgb;
};

/* scikit-learn's defaults for the family, scaler standard, drop_first true. */
void pipeline_config_default(struct pipe_config *c, enum pipe_family f);
/* Set one hyperparameter by its scikit-learn name from its text
 * ("n_neighbors", "15"). ERR_PARAMS naming the key for an unknown key or a bad
 * value. */
int pipeline_config_set(struct pipe_config *c, const char *key, const char *value, struct err *e);
/* "scaler=standard drop_first=true n_neighbors=15 weights=distance p=1": every
 * key of the family in a fixed order, then max_rows=N when set; reals in
 * their shortest text that reads back to the same double. Returns the
 * length it needed (as snprintf). */
int pipeline_config_format(const struct pipe_config *c, char *buf, size_t size);
/* Parse what pipeline_config_format wrote (space-separated key=value). */
int pipeline_config_parse(struct pipe_config *c, const char *text, struct err *e);

/* ---- the rows ---------------------------------------------------------- */

struct pipe_data {
    size_t n, nfeat;
    struct prep_spec *spec;  /* roles and names (into the table), scalers unset */
    struct prep_input *in;   /* column pointers into the table */
    int *y;                  /* n labels, 1 = schema positive; NULL without target */
    char *const *id;         /* the id column of the table */
};

/* Read a customers.tsv-shaped table with the id, the target and the nominal
 * and ordinal columns kept as text. */
int pipe_read_table(const char *path, const struct schema *s, struct table **out, struct err *e);
/* pipe_read_table then pipe_data_from_table, an error about the data
 * prefixed with the path. *t and *d are set as far as they got (free both). */
int pipe_read_data(const char *path, const struct schema *s, int with_target, struct table **t,
                   struct pipe_data **d, struct err *e);
/* Route the table's feature columns by their schema role (table order).
 * with_target: also read the target (ERR_DATA on a label that is neither
 * positive nor negative). The table must outlive the data. */
int pipe_data_from_table(const struct table *t, const struct schema *s, int with_target,
                         struct pipe_data **out, struct err *e);
void pipe_data_free(struct pipe_data *d);

/* ---- fit, predict, save ------------------------------------------------ */

struct pipeline {
    struct pipe_config cfg;
    struct prep *prep;
    struct knn *knn;
    struct tree *tree;
    void *logreg; /* struct logreg * */
    void *svc;    /* struct svc * */
    struct xgb *xgb;
    int probability; /* the svc was fitted with Platt scaling */
    /* The probabilities' calibration (lib/models/calib.h), or NULL: applied
     * by every probability this pipeline gives, to the ranking score. */
    struct calib *calib;
};

/* Fit on the listed rows (rows = NULL: all), which need labels. probability:
 * for svc, also fit Platt scaling (libsvm's internal 5-fold CV); without it
 * pipeline_predict_proba fails on an svc but pipeline_decision works. */
int pipeline_fit(const struct pipe_data *d, const size_t *rows, size_t nrows, const struct pipe_config *c,
                 int probability, struct pipeline **out, struct err *e);
void pipeline_free(struct pipeline *p);

/* The transformed design matrix of the listed rows: nrows x pipeline_nout. */
size_t pipeline_nout(const struct pipeline *p);
int pipeline_transform(const struct pipeline *p, const struct pipe_data *d, const size_t *rows, size_t nrows,
                       double *X, struct err *e);

int pipeline_predict_proba(const struct pipeline *p, const struct pipe_data *d, const size_t *rows,
                           size_t nrows, double *out, struct err *e);
int pipeline_decision(const struct pipeline *p, const struct pipe_data *d, const size_t *rows, size_t nrows,
                      double *out, struct err *e);
double pipeline_threshold(enum pipe_family f);
/* The model alone on rows already transformed (n x pipeline_nout): kind 0
 * gives P(y = 1), kind 1 the ranking score (the decision function where the
 * family has one, else the probability). */
int pipeline_score_transformed(const struct pipeline *p, const double *X, size_t n, int kind, double *out,
                               struct err *e);

/* The features the pipeline was fitted on must be those of d (names and roles,
 * in order): ERR_DATA naming the first difference. */
int pipeline_check_data(const struct pipeline *p, const struct pipe_data *d, struct err *e);

int pipeline_write(const struct pipeline *p, FILE *fp, struct err *e);
int pipeline_read(FILE *fp, const char *name, struct pipeline **out, struct err *e);
int pipeline_save(const struct pipeline *p, const char *path, struct err *e);
int pipeline_load(const char *path, struct pipeline **out, struct err *e);

#endif
