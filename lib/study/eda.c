/* eda: statistics and frequencies split by class, and the SMD ranking. */
#include "core/order.h"
#include "core/mem.h"
#include "study/eda.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hashset.h"
#include "stats/stats.h"

void eda_classes(const struct table *t, size_t col, const char *positive, const char *negative, int *cls)
{
    for (size_t i = 0; i < t->nrows; i++) {
        const char *v = t->cols[col].str[i];
        cls[i] = !v ? -1 : strcmp(v, positive) == 0 ? EDA_POS : strcmp(v, negative) == 0 ? EDA_NEG : -1;
    }
}

int eda_classes_by_id(const struct table *t, size_t idcol, const struct table *cu, size_t cu_id, const int *cu_cls,
                      int *cls, struct err *e)
{
    struct hashset *row_of = hashset_alloc(cu->nrows);
    if (!row_of)
        return err_set(e, ERR_NOMEM, "eda: out of memory");
    for (size_t i = 0; i < cu->nrows; i++)
        if (cu->cols[cu_id].str[i] && hashset_insert(row_of, cu->cols[cu_id].str[i], i, NULL) < 0) {
            hashset_free(row_of);
            return err_set(e, ERR_NOMEM, "eda: out of memory");
        }
    for (size_t i = 0; i < t->nrows; i++) {
        size_t r;
        const char *id = t->cols[idcol].str[i];
        cls[i] = id && hashset_find(row_of, id, &r) ? cu_cls[r] : -1;
    }
    hashset_free(row_of);
    return 0;
}

int eda_select(const double *x, const int *cls, size_t n, int c, double **out, size_t *m, struct err *e)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return err_set(e, ERR_NOMEM, "eda: out of memory for %zu values", n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (c == EDA_ALL || cls[i] == c)
            v[k++] = x[i];
    *out = v;
    *m = k;
    return 0;
}

/* A table with the given string columns, then the given numeric ones. */
static struct table *alloc_with(const char *const *str, const char *const *num)
{
    struct table *t = table_alloc();
    struct err e;
    for (; t && *str; str++)
        if (table_add_column(t, *str, COL_STR, NULL, &e)) {
            table_free(t);
            return NULL;
        }
    for (; t && *num; num++)
        if (table_add_column(t, *num, COL_NUM, NULL, &e)) {
            table_free(t);
            return NULL;
        }
    return t;
}

/* Append a row whose leading string cells are s[0..ns). */
static int add_row(struct table *t, const char *const *s, size_t ns, struct err *e)
{
    int rc = table_set_rows(t, t->nrows + 1, e);
    for (size_t j = 0; j < ns && !rc; j++)
        rc = table_set_str(t, j, t->nrows - 1, s[j], e);
    return rc;
}

struct table *eda_numeric_alloc(void)
{
    static const char *const str[] = {"table", "column", "label", "class", NULL};
    static const char *const num[] = {"count", "missing", "mean", "std", "min",  "q25",
                                      "median", "q75",   "max",  "skew", "outliers", NULL};
    return alloc_with(str, num);
}

int eda_numeric_add(struct table *out, const char *tname, const char *column, const char *label, const double *x,
                    const int *cls, size_t n, const char *const names[3], struct err *e)
{
    static const int order[] = {EDA_ALL, EDA_NEG, EDA_POS};
    for (size_t k = 0; k < 3; k++) {
        double *v;
        size_t m;
        struct stats_summary s;
        int rc = eda_select(x, cls, n, order[k], &v, &m, e);
        if (rc)
            return rc;
        rc = stats_describe(v, m, &s, e);
        free(v);
        const char *cells[] = {tname, column, label, names[order[k]]};
        if (!rc)
            rc = add_row(out, cells, 4, e);
        if (rc)
            return rc;
        const double nums[] = {(double)s.count, (double)s.missing, s.mean, s.std, s.min, s.q25,
                               s.median, s.q75, s.max, s.skew, (double)s.outliers};
        for (size_t j = 0; j < sizeof nums / sizeof *nums; j++)
            out->cols[4 + j].num[out->nrows - 1] = nums[j];
    }
    return 0;
}

/* An unordered level as qsort sees it: overall count descending, then bytes. */
struct level_key {
    size_t count, idx;
    const char *name;
};
static int cmp_level(const void *a, const void *b)
{
    const struct level_key *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

void eda_freq_free(struct eda_freq *f)
{
    if (!f)
        return;
    for (size_t l = 0; l < f->n && f->levels; l++)
        free(f->levels[l]);
    free(f->levels);
    free(f->count);
    free(f);
}

/* Put the levels from `from` on in the order of cmp_level. */
static int sort_levels(struct eda_freq *f, size_t from, struct err *e)
{
    size_t m = f->n - from;
    struct level_key *k = malloc((m ? m : 1) * sizeof *k);
    char **lv = malloc((m ? m : 1) * sizeof *lv);
    size_t(*cnt)[3] = malloc((m ? m : 1) * sizeof *cnt);
    if (!k || !lv || !cnt) {
        free(k);
        free(lv);
        free(cnt);
        return err_set(e, ERR_NOMEM, "eda: out of memory for %zu levels", m);
    }
    for (size_t i = 0; i < m; i++)
        k[i] = (struct level_key){f->count[from + i][EDA_ALL], from + i, f->levels[from + i]};
    qsort(k, m, sizeof *k, cmp_level);
    for (size_t i = 0; i < m; i++) {
        lv[i] = f->levels[k[i].idx];
        memcpy(cnt[i], f->count[k[i].idx], sizeof cnt[i]);
    }
    memcpy(f->levels + from, lv, m * sizeof *lv);
    memcpy(f->count + from, cnt, m * sizeof *cnt);
    free(k);
    free(lv);
    free(cnt);
    return 0;
}

int eda_freq_count(char *const *x, const int *cls, size_t nrows, const char *const *order, size_t norder,
                   struct eda_freq **out, struct err *e)
{
    /* Room for every distinct value plus every ordered level: at most both. */
    size_t cap = nrows + norder + 1;
    struct eda_freq *f = calloc(1, sizeof *f);
    struct hashset *idx = hashset_alloc(cap);
    int rc = 0;
    if (f) {
        f->levels = calloc(cap, sizeof *f->levels);
        f->count = calloc(cap, sizeof *f->count);
    }
    if (!f || !idx || !f->levels || !f->count)
        rc = err_set(e, ERR_NOMEM, "eda: out of memory for %zu levels", cap);
    /* The ordered levels come first, in their order, seen or not. */
    for (size_t k = 0; k < norder && !rc; k++) {
        int ins = hashset_insert(idx, order[k], f->n, NULL);
        if (ins < 0 || (ins == 0 && !(f->levels[f->n++] = strdup(order[k]))))
            rc = err_set(e, ERR_NOMEM, "eda: out of memory");
    }
    size_t nord = f ? f->n : 0;
    for (size_t i = 0; i < nrows && !rc; i++) {
        size_t l = f->n;
        if (!x[i]) {
            f->missing++;
            continue;
        }
        int ins = hashset_insert(idx, x[i], l, &l);
        if (ins < 0 || (ins == 0 && !(f->levels[f->n++] = strdup(x[i])))) {
            rc = err_set(e, ERR_NOMEM, "eda: out of memory");
            break;
        }
        f->count[l][EDA_ALL]++;
        f->total[EDA_ALL]++;
        if (cls[i] == EDA_NEG || cls[i] == EDA_POS) {
            f->count[l][cls[i]]++;
            f->total[cls[i]]++;
        }
    }
    if (!rc)
        rc = sort_levels(f, nord, e);
    hashset_free(idx);
    if (rc) {
        eda_freq_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

double eda_freq_share(const struct eda_freq *f, size_t l, int c)
{
    return f->total[c] ? 100.0 * (double)f->count[l][c] / (double)f->total[c] : NAN;
}

int eda_freq_max_gap(const struct eda_freq *f, size_t *level, double *gap, struct err *e)
{
    if (!f->total[EDA_NEG] || !f->total[EDA_POS] || !f->n)
        return err_set(e, ERR_DATA, "eda: expected values in both classes, found %zu and %zu", f->total[EDA_NEG],
                       f->total[EDA_POS]);
    *level = 0;
    *gap = 0.0;
    for (size_t l = 0; l < f->n; l++) {
        double d = eda_freq_share(f, l, EDA_POS) - eda_freq_share(f, l, EDA_NEG);
        if (l == 0 || fabs(d) > fabs(*gap)) {
            *level = l;
            *gap = d;
        }
    }
    return 0;
}

struct table *eda_categorical_alloc(void)
{
    static const char *const str[] = {"table", "column", "label", "class", "value", NULL};
    static const char *const num[] = {"count", "share", NULL};
    return alloc_with(str, num);
}

int eda_categorical_add(struct table *out, const char *tname, const char *column, const char *label,
                        const struct eda_freq *f, const char *const names[3], int by_class, struct err *e)
{
    static const int order[] = {EDA_ALL, EDA_NEG, EDA_POS};
    for (size_t k = 0; k < (by_class ? 3u : 1u); k++)
        for (size_t l = 0; l < f->n; l++) {
            const char *cells[] = {tname, column, label, names[order[k]], f->levels[l]};
            int rc = add_row(out, cells, 5, e);
            if (rc)
                return rc;
            out->cols[5].num[out->nrows - 1] = (double)f->count[l][order[k]];
            out->cols[6].num[out->nrows - 1] = eda_freq_share(f, l, order[k]);
        }
    return 0;
}

int eda_smd_order(const double *smd, size_t n, size_t *order, struct err *e)
{
    /* By |SMD|, largest first, ties in the features' order, NaN last. */
    double *a = malloc((n ? n : 1) * sizeof *a);
    for (size_t i = 0; a && i < n; i++)
        a[i] = fabs(smd[i]);
    int rc = a && !order_by(a, n, 1, order) ? 0 : err_set(e, ERR_NOMEM, "eda: out of memory for %zu values", n);
    free(a);
    return rc;
}

int eda_smd_rank(const struct table *t, const int *cls, struct table **out, struct err *e)
{
    static const char *const str[] = {"column", "label", NULL};
    static const char *const num[] = {"mean_negative", "mean_positive", "smd", NULL};
    struct table *r = alloc_with(str, num);
    double *smd = calloc(t->ncols + 1, sizeof *smd), *mean = calloc(2 * t->ncols + 2, sizeof *mean);
    size_t *order = calloc(t->ncols + 1, sizeof *order), *col_of = calloc(t->ncols + 1, sizeof *col_of), nf = 0;
    int rc = r && smd && mean && order && col_of ? 0 : err_set(e, ERR_NOMEM, "eda: out of memory");
    for (size_t j = 0; j < t->ncols && !rc; j++) {
        double *v[2] = {NULL, NULL};
        size_t n[2] = {0, 0};
        struct stats_summary s;
        if (t->cols[j].type != COL_NUM)
            continue;
        for (int k = 0; k < 2 && !rc; k++)
            rc = eda_select(t->cols[j].num, cls, t->nrows, k, &v[k], &n[k], e);
        if (!rc)
            rc = stats_smd(v[EDA_POS], n[EDA_POS], v[EDA_NEG], n[EDA_NEG], &smd[nf], e);
        for (int k = 0; k < 2 && !rc; k++) {
            rc = stats_describe(v[k], n[k], &s, e);
            mean[2 * nf + (size_t)k] = s.mean;
        }
        col_of[nf++] = j;
        free(v[0]);
        free(v[1]);
    }
    if (!rc)
        rc = eda_smd_order(smd, nf, order, e);
    for (size_t i = 0; i < nf && !rc; i++) {
        size_t f = order[i];
        const char *cells[] = {t->cols[col_of[f]].name, ""};
        rc = add_row(r, cells, 2, e);
        if (!rc) {
            r->cols[2].num[i] = mean[2 * f + EDA_NEG];
            r->cols[3].num[i] = mean[2 * f + EDA_POS];
            r->cols[4].num[i] = smd[f];
        }
    }
    FREE_ALL(smd, mean, order, col_of);
    if (rc) {
        table_free(r);
        return rc;
    }
    *out = r;
    return 0;
}
