#include "core/order.h"

#include <math.h>
#include <stdlib.h>

struct keyed {
    double v;
    size_t i;
};

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int nx = isnan(x->v), ny = isnan(y->v);
    if (nx != ny)
        return nx - ny;
    if (!nx && x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

int order_by(const double *v, size_t n, int descending, size_t *out)
{
    struct keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return -1;
    /* Descending is ascending on -v: ties and NaN keep their places. */
    for (size_t i = 0; i < n; i++)
        k[i] = (struct keyed){descending ? -v[i] : v[i], i};
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        out[i] = k[i].i;
    free(k);
    return 0;
}
