/* svc: binary C-support vector classification over libsvm 3.24, with the
 * meaning of scikit-learn 1.2's SVC.
 *
 * What is emulated:
 *   - kernel linear | poly | rbf | sigmoid, C, degree, coef0;
 *   - gamma 'scale' = 1 / (p var(X)) with var over every entry of X, the
 *     population variance, summed in numpy's pairwise order so that the value
 *     is the same double as sklearn's (1 when var(X) = 0); 'auto' = 1 / p; or a value;
 *   - class_weight none | balanced (class c: C_c = C n / (2 n_c));
 *   - tol 1e-3, cache_size 200 MB, shrinking on (sklearn's defaults);
 *   - the same problem as sklearn hands libsvm: class 0 is libsvm's first
 *     label (+1 inside the solver) and its rows come first, so the solver walks
 *     the same path; the decision function is then negated, as sklearn does,
 *     so that decision > 0 means class 1;
 *   - probability: libsvm's Platt scaling from an internal 5-fold CV.
 *
 * What differs from sklearn, and what the caller must know:
 *   - libsvm's Platt CV shuffles the rows with rand(). svc_fit calls
 *     srand(seed) right before svm_train so the same seed gives the same
 *     probabilities, but the folds are not sklearn's (it has its own
 *     generator): P(y = 1) agrees with sklearn only roughly (real data:
 *     within 0.013), while decision values, intercept and support vectors
 *     agree exactly (tests allow 1e-3);
 *   - the print hook and srand() are process-wide: do not fit from two threads;
 *   - libsvm 3.24 has no max_iter: a fit runs until the tolerance is met.
 *     Scale the inputs first (standardize): with unscaled columns (revenue in
 *     thousands next to counts) a linear SVC can take minutes;
 *   - libsvm's model file prints support vectors with %.8g, which does not
 *     reload bit-identically, so svc_write/svc_read use their own text format
 *     (every double with %.17g).
 *
 * The model owns all of its memory: svc_fit deep-copies libsvm's model (whose
 * support vectors point into the training problem) and frees the problem. */
#ifndef OC_SVC_H
#define OC_SVC_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/* libsvm's kernel_type order. */
enum svc_kernel { SVC_LINEAR = 0, SVC_POLY = 1, SVC_RBF = 2, SVC_SIGMOID = 3 };
enum svc_gamma { SVC_GAMMA_SCALE = 0, SVC_GAMMA_AUTO = 1, SVC_GAMMA_VALUE = 2 };

struct svc_params {
    enum svc_kernel kernel;
    double C;                  /* > 0 */
    enum svc_gamma gamma_mode;
    double gamma;              /* SVC_GAMMA_VALUE only, > 0 */
    int degree;                /* poly */
    double coef0;              /* poly, sigmoid */
    int class_weight_balanced; /* 0 = none, 1 = balanced */
    double tol;                /* sklearn default 1e-3 */
    double cache_size;         /* MB, sklearn default 200 */
    int shrinking;             /* sklearn default 1 */
    int probability;           /* 1 = fit Platt scaling (5-fold CV inside libsvm) */
    unsigned long seed;        /* srand() seed for that CV */
};

struct svm_model; /* libsvm's, opaque here */

struct svc {
    size_t p;          /* number of features */
    double gamma;      /* the gamma used (scale/auto resolved) */
    size_t n_support;  /* support vectors, both classes */
    double intercept;  /* sklearn's intercept_[0] */
    struct svc_params params;
    struct svm_model *model; /* owned deep copy in libsvm's layout */
};

/* sklearn's defaults: rbf, C 1, gamma scale, degree 3, coef0 0, no class
 * weights, tol 1e-3, cache 200, shrinking on, no probability, seed 0. */
void svc_params_default(struct svc_params *prm);

/* sklearn's gamma='scale' for X (n x p): 1 / (p X.var()), 1 when the variance is 0. */
double svc_gamma_scale(const double *X, size_t n, size_t p);

/* Fit on X (n x p), y in {0,1} (both classes present, finite X). */
int svc_fit(const double *X, const int *y, size_t n, size_t p, const struct svc_params *prm, struct svc **out,
            struct err *e);

/* sklearn's decision_function: > 0 means class 1. ERR_NOMEM only. */
int svc_decision(const struct svc *m, const double *X, size_t n, double *dec, struct err *e);

/* P(y = 1) from libsvm's Platt model; ERR_PARAMS when fitted without probability. */
int svc_predict_proba(const struct svc *m, const double *X, size_t n, double *proba, struct err *e);

/* An RBF model in dense form: decision(x) = sum_s coef[s] exp(-gamma |x - sv_s|^2)
 * + b, the sign already that of svc_decision. sv (l x p) and coef (l) are
 * malloc'ed for the caller. ERR_PARAMS for another kernel. */
int svc_rbf_dense(const struct svc *m, double **sv, double **coef, double *b, size_t *l, struct err *e);

/* Text model from "svc<TAB>1" to "end", every double %.17g: a reloaded model
 * gives bit-identical decision values and probabilities. read consumes the
 * lines up to and including "end"; name and *line (may be NULL) locate errors.
 * save writes through lib/outfile. */
int svc_write(const struct svc *m, FILE *fp, struct err *e);
int svc_read(FILE *fp, const char *name, size_t *line, struct svc **out, struct err *e);
int svc_save(const struct svc *m, const char *path, struct err *e);
int svc_load(const char *path, struct svc **out, struct err *e);

void svc_free(struct svc *m);

#endif
