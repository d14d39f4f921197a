/* logreg: binary logistic regression over liblinear, with the meaning of
 * scikit-learn 1.2's LogisticRegression(solver='liblinear').
 *
 * What is emulated:
 *   - penalty l2 (liblinear L2R_LR, trust-region Newton) or l1 (L1R_LR, newGLMNET);
 *   - C, tol (liblinear's eps, default 1e-4 as in sklearn);
 *   - class_weight none or balanced: class c gets weight n / (2 n_c), i.e. C_c = C w_c;
 *   - fit_intercept with intercept_scaling 1: like sklearn, a constant feature
 *     of value 1 is appended, so the intercept is penalized like any coefficient;
 *   - coef and decision are for the positive class (y = 1), as sklearn's coef_.
 *
 * What cannot be emulated with the Debian liblinear 2.3:
 *   - max_iter: liblinear 2.3 has no such parameter (its TRON stops after
 *     1000 Newton iterations, newGLMNET after 1000 outer iterations), so
 *     logreg_params.max_iter is recorded for the record only;
 *   - the exact stopping point: liblinear 2.3's TRON is preconditioned and stops
 *     at |g| <= tol * min(n_pos, n_neg) / n * |g0|, sklearn's vendored copy is
 *     not preconditioned and stops at |g| <= tol * |g0|. Both are near the same
 *     optimum (tests: coefficients agree within 1e-4 on the real data).
 *   - the l1 solver visits coordinates in a random order drawn with rand();
 *     logreg_fit calls srand(seed) right before train() so that a fit is
 *     reproducible, but the order is not sklearn's (its own generator);
 *   - liblinear's print hook and srand() are process-wide: do not fit from
 *     two threads at once.
 *
 * Data: row-major X (n x p), y in {0,1}; NaN is rejected. */
#ifndef OC_LOGREG_H
#define OC_LOGREG_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum logreg_penalty { LOGREG_L2 = 0, LOGREG_L1 = 1 };

struct logreg_params {
    enum logreg_penalty penalty;
    double C;           /* inverse regularization strength, > 0 */
    int class_weight_balanced; /* 0 = none, 1 = balanced */
    double tol;         /* stopping tolerance (sklearn default 1e-4) */
    int fit_intercept;  /* 1 = append the constant feature (intercept_scaling 1) */
    int max_iter;       /* sklearn's default 100; not honoured by liblinear 2.3 */
    unsigned long seed; /* srand() seed for liblinear's coordinate order (l1) */
};

struct logreg {
    size_t p;        /* number of features */
    double *coef;    /* p coefficients for the positive class */
    double intercept;
    struct logreg_params params; /* what the model was fitted with */
};

/* sklearn's defaults: l2, C = 1, no class weights, tol 1e-4, intercept on,
 * max_iter 100, seed 0. */
void logreg_params_default(struct logreg_params *prm);

/* Fit on X (n x p), y in {0,1}; both classes must be present. *out is a new
 * model (free with logreg_free). */
int logreg_fit(const double *X, const int *y, size_t n, size_t p,
               const struct logreg_params *prm, struct logreg **out, struct err *e);

/* dec[i] = coef . X[i] + intercept, the log-odds of y = 1 (sklearn's decision_function). */
void logreg_decision(const struct logreg *m, const double *X, size_t n, double *dec);

/* proba[i] = P(y = 1 | X[i]) = 1 / (1 + exp(-dec)), sklearn's predict_proba[:, 1]. */
void logreg_predict_proba(const struct logreg *m, const double *X, size_t n, double *proba);

/* Text model (key<TAB>value lines from "logreg<TAB>1" to "end", doubles as
 * %.17g): a reloaded model predicts bit-identically. write/read work on an open
 * stream so that a model can sit inside a bigger file (the pipeline's); read
 * consumes the lines up to and including "end". name and *line (may be NULL)
 * locate errors as "name:line:col: expected ..., found ...". save writes
 * through lib/outfile (temporary file + rename). */
int logreg_write(const struct logreg *m, FILE *fp, struct err *e);
int logreg_read(FILE *fp, const char *name, size_t *line, struct logreg **out, struct err *e);
int logreg_save(const struct logreg *m, const char *path, struct err *e);
int logreg_load(const char *path, struct logreg **out, struct err *e);

void logreg_free(struct logreg *m);

#endif
