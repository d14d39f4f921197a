/* groups: rows identical in every model feature (see groups.h). */
#include "models/groups.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct keyed {
    uint64_t hash;
    size_t row;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL; /* FNV-1a */
    return h;
}

static uint64_t row_hash(const struct pipe_data *d, size_t i)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t j = 0; j < d->nfeat; j++) {
        if (d->spec[j].role == PREP_NUMERIC) {
            double x = d->in[j].num[i];
            x = isnan(x) ? NAN : x == 0 ? 0.0 : x; /* one NaN, one zero */
            h = mix(h, &x, sizeof x);
        } else {
            const char *s = d->in[j].str[i];
            h = s ? mix(h, s, strlen(s) + 1) : mix(h, "\xff", 1);
        }
    }
    return h;
}

static int same_row(const struct pipe_data *d, size_t a, size_t b)
{
    for (size_t j = 0; j < d->nfeat; j++) {
        if (d->spec[j].role == PREP_NUMERIC) {
            double x = d->in[j].num[a], y = d->in[j].num[b];
            if (!(x == y || (isnan(x) && isnan(y))))
                return 0;
        } else {
            const char *s = d->in[j].str[a], *t = d->in[j].str[b];
            if (s != t && (!s || !t || strcmp(s, t) != 0))
                return 0;
        }
    }
    return 1;
}

static int by_hash(const void *pa, const void *pb)
{
    const struct keyed *a = pa, *b = pb;
    return a->hash < b->hash ? -1 : a->hash > b->hash ? 1 : a->row < b->row ? -1 : a->row > b->row;
}

int groups_find(const struct pipe_data *d, size_t *group, size_t *nmulti, size_t *nrows, struct err *e)
{
    size_t n = d->n;
    struct keyed *k = malloc((n + 1) * sizeof *k);
    if (!k)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        k[i] = (struct keyed){row_hash(d, i), i};
        group[i] = i;
    }
    qsort(k, n, sizeof *k, by_hash);
    /* Within a run of one hash, each row joins the first earlier row it equals
     * (rows are in table order inside the run, so that is its group's first). */
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && k[b].hash == k[a].hash)
            b++;
        for (size_t i = a + 1; i < b; i++)
            for (size_t j = a; j < i; j++)
                if (group[k[j].row] == k[j].row && same_row(d, k[i].row, k[j].row)) {
                    group[k[i].row] = k[j].row;
                    break;
                }
        a = b;
    }
    free(k);
    size_t *size = calloc(n + 1, sizeof *size);
    if (!size)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        size[group[i]]++;
    *nmulti = *nrows = 0;
    for (size_t i = 0; i < n; i++)
        if (size[i] > 1) {
            (*nmulti)++;
            *nrows += size[i];
        }
    free(size);
    return ERR_OK;
}
