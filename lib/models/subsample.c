/* split_subsample (see split.h): a stratified choice of rows by a fixed hash
 * of their index, so that it needs no generator and nests. */
#include "models/split.h"

#include <stdint.h>
#include <stdlib.h>

/* splitmix64's finalizer: every bit of the row index moves every bit. */
static uint64_t row_hash(size_t row)
{
    uint64_t z = (uint64_t)row + 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

struct keyed {
    uint64_t h;
    size_t pos; /* into rows */
};

static int by_hash(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int by_pos(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int split_subsample(const size_t *rows, size_t n, const int *y, size_t k, size_t *out, size_t *nout, struct err *e)
{
    if (k >= n) {
        for (size_t i = 0; i < n; i++)
            out[i] = rows ? rows[i] : i;
        *nout = n;
        return 0;
    }
    struct keyed *a = malloc((n + 1) * sizeof *a);
    if (!a)
        return err_set(e, ERR_NOMEM, "out of memory");
    size_t npos = 0;
    for (size_t i = 0; i < n; i++)
        npos += y[rows ? rows[i] : i] != 0;
    /* The positives' share of k, half up: floor(k * npos / n + 1/2). */
    size_t want[2];
    want[1] = (size_t)(((unsigned long long)k * npos * 2 + n) / (2 * (unsigned long long)n));
    want[0] = k - want[1];
    size_t m = 0;
    for (int cls = 0; cls < 2; cls++) {
        size_t first = m;
        for (size_t i = 0; i < n; i++) {
            size_t r = rows ? rows[i] : i;
            if ((y[r] != 0) == cls)
                a[m++] = (struct keyed){row_hash(r), i};
        }
        qsort(a + first, m - first, sizeof *a, by_hash);
        if (want[cls] < m - first)
            m = first + want[cls];
    }
    qsort(a, m, sizeof *a, by_pos);
    for (size_t i = 0; i < m; i++)
        out[i] = rows ? rows[a[i].pos] : a[i].pos;
    *nout = m;
    free(a);
    return 0;
}
