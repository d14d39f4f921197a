/* prep: preprocessing fitted on training rows, applied to any rows.
 *
 * The pieces follow scikit-learn 1.2 so that numbers can be checked against
 * it (tests/oracle/metrics_prep.py):
 * - scalers (NaN is ignored when fitting and passed through when applying):
 *     standard  (x - mean) / std, population std; a (near-)constant column
 *               (sklearn's _is_constant_feature test on the variance) has
 *               scale 1, so it maps to 0;
 *     minmax    x * scale + min with scale = 1 / (max - min), min = -min*scale
 *               (sklearn's formula, to the bit); constant -> scale 1 -> 0;
 *     robust    (x - median) / (q75 - q25), numpy "linear" percentiles;
 *               IQR below 10 eps -> scale 1;
 *     passthrough x.
 * - one-hot: categories = the sorted distinct training strings (byte order =
 *   code point order, as np.unique); drop_first drops the first category
 *   (drop='first'); an unknown string at transform is all zeros
 *   (handle_unknown='ignore').
 * - ordinal: the category order is given; code = position (0-based, as
 *   OrdinalEncoder(categories=[order])); an unknown string is ERR_DATA naming
 *   it; the codes may then be scaled (the scaler is fitted on the codes).
 * Missing strings (NULL) are ERR_DATA: impute before prep.
 *
 * The column transformer: features in the given order, each routed by its
 * role; output = dense row-major doubles, one block of columns per feature:
 * numeric and ordinal -> 1 column named like the feature; nominal -> one
 * column per kept category named "feature=category". out_feat[j] is the
 * index of the feature output column j came from (SHAP groups by it). */
#ifndef OC_PREP_H
#define OC_PREP_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum prep_role { PREP_NUMERIC, PREP_NOMINAL, PREP_ORDINAL };
enum prep_scaler { PREP_PASSTHROUGH, PREP_STANDARD, PREP_MINMAX, PREP_ROBUST };

/* ---- single pieces ---------------------------------------------------- */

/* Fitted scaler. standard/robust/passthrough: y = (x - a) / b;
 * minmax: y = x * a + b. */
struct prep_scale {
    enum prep_scaler kind;
    double a, b;
};
/* Fit on x[0..n) (NaN skipped). ERR_DATA when no value is finite. */
int prep_scale_fit(enum prep_scaler kind, const double *x, size_t n, struct prep_scale *s, struct err *e);
double prep_scale_apply(const struct prep_scale *s, double x);

/* "passthrough", "standard", "minmax", "robust" (the params.yaml words);
 * ERR_PARAMS for anything else. */
int prep_scaler_from_name(const char *s, enum prep_scaler *out, struct err *e);
const char *prep_scaler_name(enum prep_scaler k);

/* numpy.percentile(x, q, method="linear") of sorted finite x[0..n), n > 0. */
double prep_percentile_sorted(const double *sorted, size_t n, double q);

/* ---- the column transformer ------------------------------------------- */

struct prep_spec {
    const char *name;          /* feature name (no tab or newline) */
    enum prep_role role;
    enum prep_scaler scaler;   /* NUMERIC and ORDINAL; ignored for NOMINAL */
    int drop_first;            /* NOMINAL */
    const char *const *order;  /* ORDINAL: the categories, in order */
    size_t norder;
};

/* One feature's data over all n rows of the table. */
struct prep_input {
    const double *num;         /* NUMERIC */
    const char *const *str;    /* NOMINAL, ORDINAL */
};

struct prep_feature {
    char *name;
    enum prep_role role;
    struct prep_scale scale;   /* NUMERIC, ORDINAL (passthrough for NOMINAL) */
    int drop_first;            /* NOMINAL */
    size_t ncat;               /* NOMINAL: sorted training categories; ORDINAL: the order */
    char **cats;
    size_t out0, nout;         /* its output columns [out0, out0 + nout) */
};

struct prep {
    size_t nfeat;
    struct prep_feature *feat;
    size_t nout;
    char **out_names;
    size_t *out_feat;
};

/* Fit on the rows listed in rows[0..nrows) (rows = NULL: rows 0..nrows-1)
 * of in[0..nfeat) described by spec[0..nfeat). */
int prep_fit(const struct prep_spec *spec, size_t nfeat, const struct prep_input *in,
             const size_t *rows, size_t nrows, struct prep **out, struct err *e);
/* Transform the rows listed (rows = NULL: 0..nrows-1) into X, nrows x p->nout
 * row-major (caller-allocated). */
int prep_transform(const struct prep *p, const struct prep_input *in, const size_t *rows,
                   size_t nrows, double *X, struct err *e);
void prep_free(struct prep *p);
/* The index of category v among a NOMINAL or ORDINAL feature's fitted ones
 * (the order for ORDINAL), or -1 for a category the fit never saw. */
long prep_category_index(const struct prep_feature *f, const char *v);
/* Fill out0/nout of every feature, out_names and out_feat from the fitted
 * features (prep_fit and prep_read call it). */
int prep_layout(struct prep *p, struct err *e);

/* Text form: tab-separated lines, doubles as %.17g, so that a reloaded
 * transformer gives bit-identical outputs. prep_save writes a temporary file
 * and renames it into place. */
int prep_write(const struct prep *p, FILE *f, struct err *e);
int prep_read(FILE *f, const char *path, struct prep **out, struct err *e);
int prep_save(const struct prep *p, const char *path, struct err *e);
int prep_load(const char *path, struct prep **out, struct err *e);

#endif
