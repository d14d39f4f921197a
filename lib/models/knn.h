/* knn: k-nearest-neighbours classifier with scikit-learn's
 * KNeighborsClassifier semantics (algorithm='brute', metric='minkowski').
 *
 * P(y = 1) for a query is the share of its n_neighbors nearest training rows
 * labelled 1: each counts 1 (weights "uniform") or 1 / distance (weights
 * "distance"). With distance weights, if any of the neighbours lies at
 * distance exactly 0 the neighbours at distance 0 get weight 1 and all others
 * weight 0, as scikit-learn's _get_weights does.
 *
 * Ties at the k-th distance: neighbours are ordered by (distance, training
 * row index), so among training rows equally far from the query the ones
 * that come first in the training data are taken. scikit-learn leaves this
 * implementation-defined; its single-threaded brute search keeps the first
 * row it met as well. Distances for p = 2 are compared squared (a monotone
 * map, so the same neighbours) and rooted only for the weights.
 *
 * Cost per query: one pass over the training rows with a bounded max-heap of
 * the k best, O(n p + n log k), then k log k to order them. */
#ifndef OC_KNN_H
#define OC_KNN_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

enum knn_weights { KNN_UNIFORM = 0, KNN_DISTANCE = 1 };

struct knn_params {
    size_t n_neighbors;       /* k >= 1, at most the number of training rows */
    enum knn_weights weights; /* uniform | distance */
    int p;                    /* Minkowski power: 1 (manhattan) or 2 (euclidean) */
};

/* The fitted model owns a copy of the training data. */
struct knn {
    struct knn_params par;
    size_t n, n_features;
    double *X; /* n x n_features, row-major */
    int *y;    /* n labels in {0, 1} */
};

/* scikit-learn's defaults: 5 neighbours, uniform, p = 2. */
void knn_params_default(struct knn_params *par);

/* Parse "uniform" / "distance"; ERR_PARAMS otherwise. */
int knn_weights_parse(const char *s, enum knn_weights *w, struct err *e);

/* Copy n rows of X (p columns) and labels y into a new model *out.
 * ERR_PARAMS for invalid params (including n_neighbors > n), ERR_DATA for
 * labels outside {0, 1} or non-finite features, ERR_NOMEM. */
int knn_fit(const double *X, const int *y, size_t n, size_t p, const struct knn_params *par,
            struct knn **out, struct err *e);
void knn_free(struct knn *m);

/* out[i] = P(y = 1) for each of the n rows of X (m->n_features columns).
 * ERR_DATA for a non-finite feature, ERR_NOMEM. */
int knn_predict_proba(const struct knn *m, const double *X, size_t n, double *out, struct err *e);

/* Indices (into the training rows) and distances of the k nearest training
 * rows of one query x, nearest first, in the order described above; idx and
 * dist hold m->par.n_neighbors entries. */
int knn_kneighbors(const struct knn *m, const double *x, size_t *idx, double *dist,
                   struct err *e);

/* KernelSHAP's coalitions without building the mixed rows. A coalition of
 * groups of columns (group[j] in [0, ng) for column j) takes the columns of
 * its groups from a query and the others from background row b; the squared
 * (p = 2) or plain (p = 1) distance to a training row is a sum of per-group
 * terms, so the terms of the nb background rows are computed once
 * (knn_mix_new), those of each query once (knn_mix_row), and a coalition
 * costs a sum of group terms per training row and background row instead of
 * a pass over the columns. The neighbours and tie rule are those of
 * knn_predict_proba on the mixed rows; the distances are summed in another
 * order, so they may differ in the last bit, which can only swap two
 * training rows whose distances differ by that much.
 * knn_mix_bytes: the memory the tables take (SIZE_MAX on overflow).
 * knn_mix_proba: out[b] = P(y = 1) of the mixed row for background row b,
 * take[g] non-zero for the coalition's groups. The model, B and group must
 * outlive the mixer. */
struct knn_mix;
size_t knn_mix_bytes(const struct knn *m, size_t nb, size_t ng);
int knn_mix_new(const struct knn *m, const double *B, size_t nb, const size_t *group, size_t ng,
                struct knn_mix **out, struct err *e);
int knn_mix_row(struct knn_mix *x, const double *q, struct err *e);
void knn_mix_proba(struct knn_mix *x, const unsigned char *take, double *out);
void knn_mix_free(struct knn_mix *x);

/* Text form: "knn 1", "n_neighbors K", "weights uniform|distance", "p P",
 * "n N", "n_features F", then N lines "y x_1 ... x_F" with %.17g, which
 * strtod reads back to the same bits: a reloaded model predicts
 * bit-identically. knn_save writes atomically (lib/outfile). */
int knn_write(const struct knn *m, FILE *fp, struct err *e);
int knn_read(FILE *fp, const char *name, struct knn **out, struct err *e);
int knn_save(const struct knn *m, const char *path, struct err *e);
int knn_load(const char *path, struct knn **out, struct err *e);

#endif
