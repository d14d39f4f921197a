#include "core/mem.h"
#include "models/split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* numpy's random_interval(max): a uniform integer in [0, max] by rejection
 * on the smallest all-ones mask >= max, one 32-bit word per try. */
static size_t random_interval(gsl_rng *r, size_t max)
{
    if (max == 0)
        return 0;
    unsigned long mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    unsigned long v;
    while ((v = (gsl_rng_get(r) & mask)) > max)
        ;
    return (size_t)v;
}

void split_shuffle(gsl_rng *r, size_t *a, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = random_interval(r, i);
        size_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* rng.permutation(n): arange(n) shuffled. */
static size_t *permutation(gsl_rng *r, size_t n)
{
    size_t *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++)
        p[i] = i;
    split_shuffle(r, p, n);
    return p;
}

static int cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

int split_approximate_mode(const size_t *class_counts, size_t nclass, size_t n_draws,
                           gsl_rng *r, size_t *out, struct err *e)
{
    size_t total = 0;
    for (size_t c = 0; c < nclass; c++)
        total += class_counts[c];
    if (nclass == 0 || total == 0)
        return err_set(e, ERR_DATA, "expected rows to stratify, found none");
    double *rem = malloc(2 * nclass * sizeof *rem), *vals = rem + nclass;
    size_t *inds = malloc(nclass * sizeof *inds);
    if (!rem || !inds) {
        free(rem);
        free(inds);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    /* Same operation order as sklearn: counts / total * n_draws. */
    double fsum = 0;
    for (size_t c = 0; c < nclass; c++) {
        double cont = (double)class_counts[c] / (double)total * (double)n_draws;
        double fl = floor(cont);
        out[c] = (size_t)fl;
        rem[c] = cont - fl;
        vals[c] = rem[c];
        fsum += fl;
    }
    long need = (long)((double)n_draws - fsum);
    if (need > 0) {
        qsort(vals, nclass, sizeof *vals, cmp_double_desc);
        for (size_t v = 0; v < nclass && need > 0; v++) {
            if (v > 0 && vals[v] == vals[v - 1])
                continue; /* np.unique: each distinct remainder once */
            size_t m = 0;
            for (size_t c = 0; c < nclass; c++)
                if (rem[c] == vals[v])
                    inds[m++] = c;
            size_t add = m < (size_t)need ? m : (size_t)need;
            /* rng.choice(inds, add, replace=False) = inds[permutation(m)[:add]] */
            size_t *p = permutation(r, m);
            if (!p) {
                free(rem);
                free(inds);
                return err_set(e, ERR_NOMEM, "out of memory");
            }
            for (size_t k = 0; k < add; k++)
                out[inds[p[k]]]++;
            free(p);
            need -= (long)add;
        }
    }
    free(rem);
    free(inds);
    return ERR_OK;
}

void split_tt_free(struct split_tt *s)
{
    if (s)
        FREE_ALL(s->train, s->test, s);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Classes as np.unique (sorted distinct labels): *cls[c] and, per row, its
 * class index code[i]. */
static int classes_sorted(const int *y, size_t n, int **cls, size_t *ncls, size_t *code)
{
    int *u = malloc(n * sizeof *u);
    if (!u)
        return ERR_NOMEM;
    memcpy(u, y, n * sizeof *u);
    qsort(u, n, sizeof *u, cmp_int);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || u[i] != u[m - 1])
            u[m++] = u[i];
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = m - 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (u[mid] < y[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        code[i] = lo;
    }
    *cls = u;
    *ncls = m;
    return ERR_OK;
}

/* How many rows of each class go to each side (sklearn's _approximate_mode,
 * train first), which ones (a permutation per class), then each side
 * shuffled: all on r, in sklearn's order. ni, ti, rem: per-class scratch. */
static int draw_sides(gsl_rng *r, const size_t *count, const size_t *start, const size_t *byclass, size_t ncls,
                      size_t n_train, size_t n_test, size_t *ni, size_t *ti, size_t *rem, struct split_tt *s,
                      struct err *e)
{
    int rc;
    if ((rc = split_approximate_mode(count, ncls, n_train, r, ni, e)))
        return rc;
    for (size_t c = 0; c < ncls; c++)
        rem[c] = count[c] - ni[c];
    if ((rc = split_approximate_mode(rem, ncls, n_test, r, ti, e)))
        return rc;
    for (size_t c = 0; c < ncls; c++) {
        size_t *p = permutation(r, count[c]);
        if (!p)
            return err_set(e, ERR_NOMEM, "out of memory");
        const size_t *rows = byclass + start[c];
        for (size_t k = 0; k < ni[c]; k++)
            s->train[s->ntrain++] = rows[p[k]];
        for (size_t k = ni[c]; k < ni[c] + ti[c]; k++)
            s->test[s->ntest++] = rows[p[k]];
        free(p);
    }
    split_shuffle(r, s->train, s->ntrain);
    split_shuffle(r, s->test, s->ntest);
    return ERR_OK;
}

int split_train_test(const int *y, size_t n, double test_size, unsigned long seed,
                     struct split_tt **out, struct err *e)
{
    *out = NULL;
    if (!(test_size > 0 && test_size < 1))
        return err_set(e, ERR_PARAMS, "expected test_size in (0, 1), found %g", test_size);
    if (n < 2)
        return err_set(e, ERR_DATA, "expected at least 2 rows to split, found %zu", n);
    size_t n_test = (size_t)ceil(test_size * (double)n), n_train = n - n_test;

    int rc = ERR_NOMEM;
    int *cls = NULL;
    size_t ncls = 0;
    size_t *code = malloc(n * sizeof *code), *count = NULL, *start = NULL, *byclass = NULL;
    size_t *ni = NULL, *ti = NULL, *rem = NULL;
    struct split_tt *s = calloc(1, sizeof *s);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!code || !s || !r || classes_sorted(y, n, &cls, &ncls, code))
        goto fail;
    count = calloc(ncls, sizeof *count);
    start = calloc(ncls + 1, sizeof *start);
    ni = calloc(ncls, sizeof *ni);
    ti = calloc(ncls, sizeof *ti);
    rem = calloc(ncls, sizeof *rem);
    byclass = malloc(n * sizeof *byclass);
    s->train = malloc(n * sizeof *s->train);
    s->test = malloc(n * sizeof *s->test);
    if (!count || !start || !ni || !ti || !rem || !byclass || !s->train || !s->test)
        goto fail;
    for (size_t i = 0; i < n; i++)
        count[code[i]]++;
    for (size_t c = 0; c < ncls; c++) {
        if (count[c] < 2) {
            rc = err_set(e, ERR_DATA, "class %d has %zu row, expected at least 2 to stratify", cls[c], count[c]);
            goto fail_set;
        }
        start[c + 1] = start[c] + count[c];
    }
    if (n_train < ncls || n_test < ncls) {
        rc = err_set(e, ERR_PARAMS, "expected at least %zu rows (one per class) on each side, found %zu train and %zu test",
                     ncls, n_train, n_test);
        goto fail_set;
    }
    /* Rows of each class in input order (np.argsort(kind="mergesort")). */
    {
        size_t *fill = rem;
        for (size_t c = 0; c < ncls; c++)
            fill[c] = start[c];
        for (size_t i = 0; i < n; i++)
            byclass[fill[code[i]]++] = i;
    }

    gsl_rng_set(r, seed);
    if ((rc = draw_sides(r, count, start, byclass, ncls, n_train, n_test, ni, ti, rem, s, e)))
        goto fail_set;
    rc = ERR_OK;
    *out = s;
    s = NULL;
    goto done;
fail:
    rc = err_set(e, ERR_NOMEM, "out of memory");
fail_set:
done:
    split_tt_free(s);
    gsl_rng_free(r);
    FREE_ALL(cls, code, count, start, ni, ti, rem, byclass);
    return rc;
}

int split_stratified_kfold(const int *y, size_t n, size_t k, int shuffle, unsigned long seed,
                           int *fold, struct err *e)
{
    if (k < 2)
        return err_set(e, ERR_PARAMS, "expected at least 2 folds, found %zu", k);
    if (k > n)
        return err_set(e, ERR_PARAMS, "expected at most %zu folds (one row each), found %zu", n, k);
    /* sklearn numbers classes by first appearance, and that numbering
     * decides the round-robin allocation below. */
    int *seen = malloc(n * sizeof *seen);
    size_t *code = malloc(n * sizeof *code), *count = calloc(n, sizeof *count);
    size_t *alloc = NULL, *folds = NULL;
    gsl_rng *r = NULL;
    int rc = ERR_OK;
    if (!seen || !code || !count)
        goto nomem;
    size_t ncls = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        while (c < ncls && seen[c] != y[i])
            c++;
        if (c == ncls)
            seen[ncls++] = y[i];
        code[i] = c;
        count[c]++;
    }
    int fits = 0;
    for (size_t c = 0; c < ncls; c++)
        fits |= count[c] >= k;
    if (!fits) {
        rc = err_set(e, ERR_PARAMS, "expected at most as many folds as rows in some class, found %zu folds", k);
        goto done;
    }
    /* allocation[f][c]: class-c rows among positions f, f+k, f+2k... of the
     * labels sorted by class code (sklearn's round robin over np.sort). */
    alloc = calloc(k * ncls, sizeof *alloc);
    folds = malloc(n * sizeof *folds);
    if (!alloc || !folds)
        goto nomem;
    {
        size_t pos = 0;
        for (size_t c = 0; c < ncls; c++)
            for (size_t j = 0; j < count[c]; j++, pos++)
                alloc[(pos % k) * ncls + c]++;
    }
    if (shuffle) {
        r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!r)
            goto nomem;
        gsl_rng_set(r, seed);
    }
    for (size_t c = 0; c < ncls; c++) {
        size_t m = 0;
        for (size_t f = 0; f < k; f++)
            for (size_t j = 0; j < alloc[f * ncls + c]; j++)
                folds[m++] = f;
        if (shuffle)
            split_shuffle(r, folds, m);
        m = 0;
        for (size_t i = 0; i < n; i++)
            if (code[i] == c)
                fold[i] = (int)folds[m++];
    }
    goto done;
nomem:
    rc = err_set(e, ERR_NOMEM, "out of memory");
done:
    gsl_rng_free(r);
    FREE_ALL(seen, code, count, alloc, folds);
    return rc;
}

void split_fold_indices(const int *fold, size_t n, int f, size_t *train, size_t *ntrain,
                        size_t *test, size_t *ntest)
{
    *ntrain = *ntest = 0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] == f)
            test[(*ntest)++] = i;
        else
            train[(*ntrain)++] = i;
    }
}
