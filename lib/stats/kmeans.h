/* kmeans: k-means clustering (greedy k-means++ seeding, Lloyd iterations), used to
 * summarise a background set for KernelSHAP into k weighted points. */
#ifndef OC_KMEANS_H
#define OC_KMEANS_H

#include <stddef.h>

#include "core/err.h"

struct kmeans {
    size_t k, p;      /* clusters kept (non-empty ones) and width */
    double *centers;  /* k x p, row-major: the cluster means */
    double *weights;  /* k: the number of rows in each cluster */
    size_t n;         /* rows fitted */
    size_t *label;    /* n: the cluster of each row */
    size_t n_iter;    /* Lloyd iterations run */
    double inertia;   /* sum of squared distances of rows to their centers */
};

/* Cluster the n rows of X (n x p, no NaN) into at most k clusters: greedy k-means++
 * seeding from a gsl_rng mt19937 seeded with `seed`, then Lloyd iterations
 * until no row changes cluster or max_iter is reached. A cluster left empty
 * takes over the row farthest from its center; clusters still empty at the
 * end (fewer distinct rows than k) are dropped, so km->k <= k. With k >= n
 * every row is its own cluster. Errors: ERR_PARAMS (k == 0, n == 0),
 * ERR_DATA (NaN), ERR_NOMEM. */
int kmeans_fit(const double *X, size_t n, size_t p, size_t k, size_t max_iter, unsigned long seed,
               struct kmeans **out, struct err *e);
void kmeans_free(struct kmeans *km);

/* Move each center coordinate to the nearest value its column takes in X
 * (n x km->p), as shap.kmeans(round_values=True) does: a summarised one-hot
 * or ordinal column keeps values the model has seen. */
void kmeans_round(struct kmeans *km, const double *X, size_t n);

#endif
