/* shap: Shapley-value explanations of single predictions.
 *
 * Three explainers, one per kind of model the study trains:
 *   - linear models, exactly, in log-odds space (shap_linear);
 *   - decision trees, exactly, on the predicted probability: path-dependent
 *     TreeSHAP, which integrates absent features out with the training covers
 *     (shap_tree_path), and interventional TreeSHAP, which takes absent
 *     features from a background set (shap_tree_interventional);
 *   - any model behind a prediction callback, by KernelSHAP over groups of
 *     columns (shap_kernel), exact when every coalition fits the budget.
 *
 * Every explainer writes phi row-major, one row per explained row, and a
 * base value such that base + sum(phi[i, .]) == f(x_i) (up to rounding for
 * the exact explainers; shap_kernel reports what is left as `gap`). */
#ifndef OC_SHAP_H
#define OC_SHAP_H

#include <stddef.h>

#include "core/err.h"
#include "models/tree.h"

/* The sum of the nb background weights (bw NULL: 1 each), for the
 * interventional explainers: ERR_PARAMS for a negative or non-finite weight
 * or a sum that is not positive. */
int shap_background_sum(const double *bw, size_t nb, double *wsum, struct err *e);

/* Linear model f(x) = b + w.x: phi[i,j] = w[j] * (X[i,j] - mean[j]) and
 * base = b + w.mean. phi is n x p. Cannot fail. */
void shap_linear(const double *w, double b, const double *mean, const double *X, size_t n,
                 size_t p, double *phi, double *base);

/* Path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2): the value of
 * a coalition S is the expected leaf value when the features in S follow x
 * and the others split the way the training rows did (by cover). X is n x p
 * with p >= t->n_features; phi is n x p. *base is the cover-weighted mean of
 * the leaf values. Errors: ERR_DATA for a malformed tree, ERR_NOMEM. */
int shap_tree_path(const struct tree *t, const double *X, size_t n, size_t p, double *phi,
                   double *base, struct err *e);

/* Interventional TreeSHAP: for each background row z the Shapley values of
 * v(S) = f(x_S, z_~S), averaged over the background with weights bw (NULL
 * for equal weights). B is nb x p. *base is the weighted mean of f(z). */
int shap_tree_interventional(const struct tree *t, const double *X, size_t n, const double *B,
                             const double *bw, size_t nb, size_t p, double *phi, double *base,
                             struct err *e);

/* A model's prediction for n rows of width p into out[n]; 0 or an ERR_* code. */
typedef int (*shap_predict_fn)(void *ctx, const double *X, size_t n, size_t p, double *out,
                               struct err *e);

struct shap_kernel_params {
    /* Most coalitions to evaluate per row (the empty and the full one are
     * always evaluated besides). With m groups that vary, all 2^m - 2
     * coalitions are enumerated when they fit; otherwise the smallest and
     * largest coalition sizes are enumerated while they fit and the rest is
     * sampled in complementary pairs. Must be >= 2m when sampling. */
    size_t budget;
    unsigned long seed; /* row i samples with gsl_rng mt19937 seeded seed + i */
};

/* KernelSHAP (Lundberg & Lee 2017) over m groups of columns: group[c] in
 * [0, m) is the player column c belongs to, so a one-hot feature is one
 * player. A coalition's value is the weighted mean model output over the
 * background rows B (nb x p, weights bw or NULL) with the coalition's columns
 * taken from x. phi is n x m; base is the background mean output; gap[i]
 * (gap may be NULL) is f(x_i) - base - sum(phi[i, .]). Groups whose columns
 * equal x in every background row get phi = 0. */
int shap_kernel(shap_predict_fn f, void *ctx, const double *X, size_t n, size_t p,
                const double *B, const double *bw, size_t nb, const size_t *group, size_t m,
                const struct shap_kernel_params *par, double *phi, double *base, double *gap,
                struct err *e);

/* A shortcut for models that value a coalition without its mixed rows being
 * built (knn_mix, mix_svc): row() is told each explained row x before its
 * coalitions; values() is given n coalitions at once, take (n x m) non-zero
 * for the groups each takes from x, and writes out[k * nb + b] = f(x on the
 * columns of coalition k's groups, background row b elsewhere). */
struct shap_mixer {
    int (*row)(void *ctx, const double *x, struct err *e);
    int (*values)(void *ctx, const unsigned char *take, size_t n, double *out, struct err *e);
    void *ctx;
};

/* shap_kernel with the coalitions valued by mix (for the same B and group);
 * f still gives f(x) and the background's outputs. mix NULL: shap_kernel. */
int shap_kernel_mix(shap_predict_fn f, void *ctx, const struct shap_mixer *mix, const double *X, size_t n,
                    size_t p, const double *B, const double *bw, size_t nb, const size_t *group, size_t m,
                    const struct shap_kernel_params *par, double *phi, double *base, double *gap,
                    struct err *e);

/* Sum phi (n x p, transformed columns) into out (n x m) by group[c] in [0, m):
 * the explanation of an original feature is the sum over its columns.
 * ERR_PARAMS when a group index is out of range. */
int shap_group_sum(const double *phi, size_t n, size_t p, const size_t *group, size_t m,
                   double *out, struct err *e);

/* Additivity check: the largest |base + sum(phi[i, .]) - fx[i]| over the rows;
 * gap (may be NULL) receives fx[i] - base - sum(phi[i, .]) per row. */
double shap_additivity(const double *phi, size_t n, size_t p, double base, const double *fx,
                       double *gap);

#endif
