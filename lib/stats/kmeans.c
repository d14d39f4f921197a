/* kmeans: Lloyd's algorithm with greedy k-means++ seeding (Arthur &
 * Vassilvitskii 2007). Deterministic for a seed: the only randomness is the seeding. */
#include "core/mem.h"
#include "stats/kmeans.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

void kmeans_free(struct kmeans *km)
{
    if (km)
        FREE_ALL(km->centers, km->weights, km->label, km);
}

static double dist2(const double *a, const double *b, size_t p)
{
    double s = 0.0;
    for (size_t j = 0; j < p; j++) {
        double d = a[j] - b[j];
        s += d * d;
    }
    return s;
}

/* Draw a row with probability proportional to d2 (uniformly if all are 0). */
static size_t draw_d2(const double *d2, size_t n, double tot, gsl_rng *r)
{
    if (!(tot > 0.0))
        return gsl_rng_uniform_int(r, n);
    double u = gsl_rng_uniform(r) * tot, acc = 0.0;
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (d2[i] > 0.0) {
            acc += d2[i];
            last = i;
            if (u < acc)
                return i;
        }
    }
    return last; /* rounding left u at the very top */
}

/* Greedy k-means++ (as scikit-learn seeds): the first center uniformly,
 * then for each next one 2 + ln(k) candidates drawn with probability
 * proportional to the squared distance to the nearest chosen center, keeping
 * the candidate that lowers the total squared distance most. Plain k-means++
 * too often puts two seeds in one blob and leaves Lloyd stuck there. d2
 * ends as the distances to the nearest seed. */
static void seed_pp(const double *X, size_t n, size_t p, size_t k, gsl_rng *r, double *C, double *d2)
{
    size_t ntrials = 2 + (size_t)log((double)k);
    size_t first = gsl_rng_uniform_int(r, n);
    memcpy(C, X + first * p, p * sizeof *C);
    double tot = 0.0;
    for (size_t i = 0; i < n; i++)
        tot += d2[i] = dist2(X + i * p, C, p);
    for (size_t c = 1; c < k; c++) {
        size_t best = n;
        double best_tot = INFINITY;
        for (size_t t = 0; t < ntrials; t++) {
            size_t cand = draw_d2(d2, n, tot, r);
            double s = 0.0;
            for (size_t i = 0; i < n; i++) {
                double d = dist2(X + i * p, X + cand * p, p);
                s += d < d2[i] ? d : d2[i];
            }
            if (s < best_tot) {
                best_tot = s;
                best = cand;
            }
        }
        double *cc = C + c * p;
        memcpy(cc, X + best * p, p * sizeof *cc);
        tot = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = dist2(X + i * p, cc, p);
            if (d < d2[i])
                d2[i] = d;
            tot += d2[i];
        }
    }
}

/* Assign each row to its nearest center (lowest index on ties); returns the
 * number of rows that changed cluster. */
static size_t assign(const double *X, size_t n, size_t p, const double *C, size_t k, size_t *label,
                     double *d2)
{
    size_t changed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t best = 0;
        double bd = dist2(X + i * p, C, p);
        for (size_t c = 1; c < k; c++) {
            double d = dist2(X + i * p, C + c * p, p);
            if (d < bd) {
                bd = d;
                best = c;
            }
        }
        d2[i] = bd;
        if (label[i] != best) {
            label[i] = best;
            changed++;
        }
    }
    return changed;
}

/* Each center becomes the mean of its rows (W: the cluster sizes). */
static void update_centers(const double *X, size_t n, size_t p, size_t k, const size_t *label, double *d2,
                           double *C, double *W)
{
    memset(W, 0, k * sizeof *W);
    memset(C, 0, k * p * sizeof *C);
    for (size_t i = 0; i < n; i++) {
        W[label[i]] += 1.0;
        for (size_t j = 0; j < p; j++)
            C[label[i] * p + j] += X[i * p + j];
    }
    for (size_t c = 0; c < k; c++) {
        if (W[c] > 0.0) {
            for (size_t j = 0; j < p; j++)
                C[c * p + j] /= W[c];
            continue;
        }
        /* An empty cluster restarts at the worst-served row of a
         * cluster that can spare one. */
        size_t far = n;
        for (size_t i = 0; i < n; i++)
            if (W[label[i]] > 1.0 && (far == n || d2[i] > d2[far]))
                far = i;
        if (far == n)
            continue;
        memcpy(C + c * p, X + far * p, p * sizeof *C);
        W[label[far]] -= 1.0;
        W[c] = 1.0;
        d2[far] = 0.0;
    }
}

/* Drop the clusters of weight 0, moving the others down; remap[c] is
 * cluster c's new index. Returns how many are left. */
static size_t drop_empty(double *C, double *W, size_t k, size_t p, size_t *remap)
{
    size_t kk = 0;
    for (size_t c = 0; c < k; c++) {
        if (W[c] == 0.0)
            continue;
        remap[c] = kk;
        if (kk != c) {
            memmove(C + kk * p, C + c * p, p * sizeof *C);
            W[kk] = W[c];
        }
        kk++;
    }
    return kk;
}

int kmeans_fit(const double *X, size_t n, size_t p, size_t k, size_t max_iter, unsigned long seed,
               struct kmeans **out, struct err *e)
{
    *out = NULL;
    if (k == 0 || n == 0)
        return err_set(e, ERR_PARAMS, "kmeans: expected at least one row and one cluster, found %zu and %zu", n, k);
    for (size_t i = 0; i < n * p; i++)
        if (isnan(X[i]))
            return err_set(e, ERR_DATA, "kmeans: expected numbers, found NaN at row %zu column %zu", i / p, i % p);
    if (k > n)
        k = n;
    struct kmeans *km = calloc(1, sizeof *km);
    double *d2 = malloc(n * sizeof *d2);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (km) {
        km->centers = malloc(k * p * sizeof *km->centers + 1);
        km->weights = malloc(k * sizeof *km->weights);
        km->label = malloc(n * sizeof *km->label);
    }
    if (!km || !d2 || !r || !km->centers || !km->weights || !km->label) {
        kmeans_free(km);
        free(d2);
        gsl_rng_free(r);
        return err_set(e, ERR_NOMEM, "kmeans: out of memory for %zu rows", n);
    }
    km->k = k;
    km->p = p;
    km->n = n;
    double *C = km->centers, *W = km->weights;
    size_t *label = km->label;
    gsl_rng_set(r, seed);

    if (k == n) {
        memcpy(C, X, n * p * sizeof *C);
        for (size_t i = 0; i < n; i++)
            label[i] = i;
    } else {
        seed_pp(X, n, p, k, r, C, d2);
        for (size_t i = 0; i < n; i++)
            label[i] = SIZE_MAX;
        size_t changed = assign(X, n, p, C, k, label, d2);
        while (changed > 0 && km->n_iter < max_iter) {
            km->n_iter++;
            update_centers(X, n, p, k, label, d2, C, W);
            changed = assign(X, n, p, C, k, label, d2);
        }
    }
    /* Weights are the cluster sizes; drop the clusters left empty. */
    memset(W, 0, k * sizeof *W);
    for (size_t i = 0; i < n; i++)
        W[label[i]] += 1.0;
    size_t *remap = malloc(k * sizeof *remap);
    if (!remap) {
        kmeans_free(km);
        free(d2);
        gsl_rng_free(r);
        return err_set(e, ERR_NOMEM, "kmeans: out of memory for %zu clusters", k);
    }
    size_t kk = drop_empty(C, W, k, p, remap);
    km->k = kk;
    km->inertia = 0.0;
    for (size_t i = 0; i < n; i++) {
        label[i] = remap[label[i]];
        km->inertia += dist2(X + i * p, C + label[i] * p, p);
    }
    free(remap);
    free(d2);
    gsl_rng_free(r);
    *out = km;
    return ERR_OK;
}

void kmeans_round(struct kmeans *km, const double *X, size_t n)
{
    size_t p = km->p;
    for (size_t c = 0; c < km->k; c++)
        for (size_t j = 0; j < p; j++) {
            double v = km->centers[c * p + j], best = v, bd = INFINITY;
            for (size_t i = 0; i < n; i++) {
                double d = fabs(X[i * p + j] - v);
                if (d < bd) {
                    bd = d;
                    best = X[i * p + j];
                }
            }
            km->centers[c * p + j] = best;
        }
}
