/* split_group: the stratified splits with groups kept whole (see split.h). */
#include "core/mem.h"
#include "models/split.h"

#include <stdlib.h>
#include <string.h>

struct labelled {
    size_t group, row;
};

static int by_group(const void *pa, const void *pb)
{
    const struct labelled *a = pa, *b = pb;
    return a->group < b->group ? -1 : a->group > b->group ? 1 : a->row < b->row ? -1 : a->row > b->row;
}

/* unit[i]: the unit (0..*nunit) of row i, units numbered by the first row of
 * their group in row order; first[u] that row. */
static int units_of(const size_t *group, size_t n, size_t *unit, size_t *first, size_t *nunit, struct err *e)
{
    struct labelled *l = malloc((n + 1) * sizeof *l);
    size_t *lead = malloc((n + 1) * sizeof *lead);
    if (!l || !lead) {
        free(l);
        free(lead);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        l[i] = (struct labelled){group[i], i};
    qsort(l, n, sizeof *l, by_group);
    for (size_t a = 0; a < n;) { /* lead[row] = the group's first row */
        size_t b = a;
        for (; b < n && l[b].group == l[a].group; b++)
            lead[l[b].row] = l[a].row;
        a = b;
    }
    *nunit = 0;
    for (size_t i = 0; i < n; i++)
        if (lead[i] == i) {
            first[*nunit] = i;
            unit[i] = (*nunit)++;
        }
    for (size_t i = 0; i < n; i++)
        unit[i] = unit[lead[i]];
    free(l);
    free(lead);
    return ERR_OK;
}

int split_group_kfold(const int *y, const size_t *group, size_t n, size_t k, int shuffle, unsigned long seed,
                      int *fold, struct err *e)
{
    if (!group)
        return split_stratified_kfold(y, n, k, shuffle, seed, fold, e);
    size_t *unit = malloc((n + 1) * sizeof *unit), *first = malloc((n + 1) * sizeof *first), nu = 0;
    int *yu = malloc((n + 1) * sizeof *yu), *fu = malloc((n + 1) * sizeof *fu);
    int rc = unit && first && yu && fu ? units_of(group, n, unit, first, &nu, e) : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t u = 0; !rc && u < nu; u++)
        yu[u] = y[first[u]];
    if (!rc)
        rc = split_stratified_kfold(yu, nu, k, shuffle, seed, fu, e);
    for (size_t i = 0; !rc && i < n; i++)
        fold[i] = fu[unit[i]];
    FREE_ALL(unit, first, yu, fu);
    return rc;
}

/* The rows of the units in u[0..nu), unit by unit, each unit's rows in row order. */
static size_t expand(const size_t *u, size_t nu, const size_t *start, const size_t *rows_by_unit, size_t *out)
{
    size_t m = 0;
    for (size_t k = 0; k < nu; k++)
        for (size_t r = start[u[k]]; r < start[u[k] + 1]; r++)
            out[m++] = rows_by_unit[r];
    return m;
}

int split_group_train_test(const int *y, const size_t *group, size_t n, double test_size, unsigned long seed,
                           struct split_tt **out, struct err *e)
{
    if (!group)
        return split_train_test(y, n, test_size, seed, out, e);
    *out = NULL;
    size_t *unit = malloc((n + 1) * sizeof *unit), *first = malloc((n + 1) * sizeof *first), nu = 0;
    size_t *start = calloc(n + 2, sizeof *start), *rows = malloc((n + 1) * sizeof *rows);
    int *yu = malloc((n + 1) * sizeof *yu);
    struct split_tt *su = NULL, *s = calloc(1, sizeof *s);
    int rc = unit && first && start && rows && yu && s ? units_of(group, n, unit, first, &nu, e)
                                                       : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t u = 0; !rc && u < nu; u++)
        yu[u] = y[first[u]];
    if (!rc)
        rc = split_train_test(yu, nu, test_size, seed, &su, e);
    /* Rows by unit: a counting sort, rows in order within each unit. */
    for (size_t i = 0; !rc && i < n; i++)
        start[unit[i] + 1]++;
    for (size_t u = 0; !rc && u < nu; u++)
        start[u + 1] += start[u];
    if (!rc) {
        size_t *at = malloc((nu + 1) * sizeof *at);
        if (!at || !(s->train = malloc((n + 1) * sizeof *s->train)) || !(s->test = malloc((n + 1) * sizeof *s->test)))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t u = 0; !rc && u < nu; u++)
            at[u] = start[u];
        for (size_t i = 0; !rc && i < n; i++)
            rows[at[unit[i]]++] = i;
        free(at);
    }
    if (!rc) {
        s->ntrain = expand(su->train, su->ntrain, start, rows, s->train);
        s->ntest = expand(su->test, su->ntest, start, rows, s->test);
        *out = s;
        s = NULL;
    }
    split_tt_free(su);
    split_tt_free(s);
    FREE_ALL(unit, first, start, rows, yu);
    return rc;
}
