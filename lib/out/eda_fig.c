/* eda_fig: figure names, gnuplot variable files, and the numbers behind
 * histograms, bar charts and box plots. */
#include "out/eda_fig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/eda.h"
#include "core/outfile.h"
#include "stats/stats.h"

/* Russian lowercase а..я (U+0430..U+044F), a common passport-style
 * transliteration; ъ and ь vanish. */
static const char *const cyr[32] = {"a", "b", "v", "g", "d", "e", "zh", "z",  "i",    "y", "k", "l",  "m", "n", "o", "p",
                                    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"};

void eda_fig_slug(const char *name, char *out, size_t size)
{
    size_t k = 0;
    int sep = 0; /* a separator is pending (written before the next letter) */
    if (!size)
        return;
    for (const unsigned char *s = (const unsigned char *)name; *s;) {
        const char *piece = NULL;
        char one[2] = {0, 0};
        if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) {
            one[0] = (char)*s++;
            piece = one;
        } else if (*s >= 'A' && *s <= 'Z') {
            one[0] = (char)(*s++ - 'A' + 'a');
            piece = one;
        } else if ((s[0] == 0xD0 || s[0] == 0xD1) && (s[1] & 0xC0) == 0x80) {
            unsigned cp = ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
            s += 2;
            if (cp >= 0x410 && cp <= 0x42F)
                piece = cyr[cp - 0x410];
            else if (cp >= 0x430 && cp <= 0x44F)
                piece = cyr[cp - 0x430];
            else if (cp == 0x401 || cp == 0x451)
                piece = "e";
        } else {
            s++;
        }
        if (!piece) {
            sep = k > 0;
            continue;
        }
        size_t len = strlen(piece);
        if (!len)
            continue;
        if (k + (size_t)sep + len + 1 > size)
            break;
        if (sep)
            out[k++] = '_';
        sep = 0;
        memcpy(out + k, piece, len);
        k += len;
    }
    if (k == 0 && size > 1)
        out[k++] = 'x';
    out[k] = '\0';
}

int eda_fig_name(struct hashset *taken, const char *tmpl, const char *label, char *out, size_t size, struct err *e)
{
    if (!*tmpl || strspn(tmpl, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(tmpl))
        return err_set(e, ERR_DATA, "eda_fig: expected a template name of [a-z0-9], found \"%s\"", tmpl);
    char slug[96];
    eda_fig_slug(label, slug, sizeof slug);
    for (unsigned k = 1;; k++) {
        if (k == 1)
            snprintf(out, size, "%s_%s", tmpl, slug);
        else
            snprintf(out, size, "%s_%s_%u", tmpl, slug, k);
        if (!hashset_find(taken, out, NULL))
            break;
    }
    if (hashset_insert(taken, out, 0, NULL) < 0)
        return err_set(e, ERR_NOMEM, "eda_fig: out of memory");
    return 0;
}

static struct table *alloc_num(const char *const *names)
{
    struct table *t = table_alloc();
    struct err e;
    for (; t && *names; names++)
        if (table_add_column(t, *names, COL_NUM, NULL, &e)) {
            table_free(t);
            return NULL;
        }
    return t;
}

static int usable(double v, int c) { return isfinite(v) && (c == EDA_NEG || c == EDA_POS); }

int eda_fig_hist(const double *x, const int *cls, size_t n, size_t bins, struct table **out, struct err *e)
{
    static const char *const cols[] = {"x", "width", "lo", "hi", "count0", "count1", "share0", "share1", NULL};
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    size_t total[2] = {0, 0};
    if (bins == 0)
        return err_set(e, ERR_DATA, "eda_fig: expected at least one bin, found 0");
    for (size_t i = 0; i < n; i++)
        if (usable(x[i], cls[i])) {
            lo = x[i] < lo ? x[i] : lo;
            hi = x[i] > hi ? x[i] : hi;
            total[cls[i]]++;
        }
    if (lo > hi)
        return err_set(e, ERR_DATA, "eda_fig: expected a value in some class, found none");
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
    struct table *t = alloc_num(cols);
    double *edge = malloc((bins + 1) * sizeof *edge);
    int rc = !t || !edge ? err_set(e, ERR_NOMEM, "eda_fig: out of memory") : table_set_rows(t, bins, e);
    if (rc) {
        free(edge);
        table_free(t);
        return rc;
    }
    /* numpy.linspace's edges (the last one exactly hi), then numpy's binning:
     * a first guess by scaling, corrected against the edges. */
    double step = (hi - lo) / (double)bins;
    for (size_t k = 0; k <= bins; k++)
        edge[k] = (double)k * step + lo;
    edge[bins] = hi;
    for (size_t k = 0; k < bins; k++) {
        t->cols[0].num[k] = (edge[k] + edge[k + 1]) / 2;
        t->cols[1].num[k] = edge[k + 1] - edge[k];
        t->cols[2].num[k] = edge[k];
        t->cols[3].num[k] = edge[k + 1];
        t->cols[4].num[k] = t->cols[5].num[k] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!usable(x[i], cls[i]))
            continue;
        size_t b = (size_t)((x[i] - lo) / (hi - lo) * (double)bins);
        if (b >= bins)
            b = bins - 1;
        if (x[i] < edge[b] && b > 0)
            b--;
        else if (x[i] >= edge[b + 1] && b != bins - 1)
            b++;
        t->cols[4 + cls[i]].num[b] += 1;
    }
    for (size_t k = 0; k < bins; k++)
        for (int c = 0; c < 2; c++)
            t->cols[6 + c].num[k] = total[c] ? 100.0 * t->cols[4 + c].num[k] / (double)total[c] : NAN;
    free(edge);
    *out = t;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The finite values of x among the rows with a class, sorted; *m their count. */
static double *sorted_usable(const double *x, const int *cls, size_t n, size_t *m)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (cls ? usable(x[i], cls[i]) : isfinite(x[i]))
            v[k++] = x[i];
    qsort(v, k, sizeof *v, cmp_double);
    *m = k;
    return v;
}

int eda_fig_is_discrete(const double *x, size_t n, size_t max_values)
{
    size_t m, distinct = 0;
    double *v = sorted_usable(x, NULL, n, &m);
    if (!v)
        return 0;
    int ok = m > 0;
    for (size_t i = 0; i < m && ok; i++) {
        ok = v[i] == floor(v[i]);
        distinct += i == 0 || v[i] != v[i - 1];
    }
    free(v);
    return ok && distinct <= max_values;
}

int eda_fig_bars(const double *x, const int *cls, size_t n, struct table **out, struct err *e)
{
    static const char *const cols[] = {"x", "count0", "count1", "share0", "share1", NULL};
    size_t m, total[2] = {0, 0};
    double *v = sorted_usable(x, cls, n, &m);
    struct table *t = alloc_num(cols);
    int rc = !v || !t ? err_set(e, ERR_NOMEM, "eda_fig: out of memory") : 0;
    for (size_t i = 0; i < m && !rc; i++)
        if (i == 0 || v[i] != v[i - 1]) {
            rc = table_set_rows(t, t->nrows + 1, e);
            if (!rc) {
                t->cols[0].num[t->nrows - 1] = v[i];
                t->cols[1].num[t->nrows - 1] = t->cols[2].num[t->nrows - 1] = 0;
            }
        }
    /* Each value's row by binary search over the distinct values. */
    for (size_t i = 0; i < n && !rc; i++) {
        if (!usable(x[i], cls[i]))
            continue;
        double *hit = bsearch(&x[i], t->cols[0].num, t->nrows, sizeof(double), cmp_double);
        t->cols[1 + cls[i]].num[hit - t->cols[0].num] += 1;
        total[cls[i]]++;
    }
    for (size_t r = 0; r < (t ? t->nrows : 0) && !rc; r++)
        for (int c = 0; c < 2; c++)
            t->cols[3 + c].num[r] = total[c] ? 100.0 * t->cols[1 + c].num[r] / (double)total[c] : NAN;
    free(v);
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int eda_fig_freq(const struct eda_freq *f, struct table **out, struct err *e)
{
    static const char *const cols[] = {"y", "count0", "count1", "count", "share0", "share1", "share", NULL};
    struct table *t = alloc_num(cols);
    int rc = !t ? err_set(e, ERR_NOMEM, "eda_fig: out of memory") : table_set_rows(t, f->n, e);
    if (rc) {
        table_free(t);
        return rc;
    }
    static const int cls[] = {EDA_NEG, EDA_POS, EDA_ALL};
    for (size_t l = 0; l < f->n; l++) {
        t->cols[0].num[l] = (double)l;
        for (int k = 0; k < 3; k++) {
            t->cols[1 + k].num[l] = (double)f->count[l][cls[k]];
            t->cols[4 + k].num[l] = eda_freq_share(f, l, cls[k]);
        }
    }
    *out = t;
    return 0;
}

int eda_box_compute(const double *x, size_t n, struct eda_box *b, struct err *e)
{
    size_t m;
    double *v = sorted_usable(x, NULL, n, &m);
    memset(b, 0, sizeof *b);
    if (!v)
        return err_set(e, ERR_NOMEM, "eda_fig: out of memory");
    b->n = m;
    b->q25 = stats_quantile_sorted(v, m, 0.25);
    b->median = stats_quantile_sorted(v, m, 0.5);
    b->q75 = stats_quantile_sorted(v, m, 0.75);
    b->lo = b->hi = NAN;
    double iqr = b->q75 - b->q25, flo = b->q25 - 1.5 * iqr, fhi = b->q75 + 1.5 * iqr;
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (v[i] < flo || v[i] > fhi) {
            v[k++] = v[i]; /* compacting in place keeps them ascending */
            continue;
        }
        if (isnan(b->lo))
            b->lo = v[i];
        b->hi = v[i];
    }
    b->n_out = k;
    if (k) {
        b->out = v;
    } else {
        free(v);
    }
    return 0;
}

void eda_box_free(struct eda_box *b)
{
    free(b->out);
    b->out = NULL;
    b->n_out = 0;
}

struct table *eda_fig_box_alloc(void)
{
    static const char *const cols[] = {"x", "cls", "lo", "q25", "median", "q75", "hi", "point", NULL};
    return alloc_num(cols);
}

int eda_fig_box_add(struct table *t, double x, int cls, const double *v, size_t n, struct err *e)
{
    struct eda_box b;
    int rc = eda_box_compute(v, n, &b, e);
    size_t r = t->nrows;
    if (!rc)
        rc = table_set_rows(t, r + 1 + b.n_out, e);
    if (!rc) {
        const double row[] = {x, (double)cls, b.lo, b.q25, b.median, b.q75, b.hi};
        for (size_t j = 0; j < 7; j++)
            t->cols[j].num[r] = row[j];
        for (size_t k = 0; k < b.n_out; k++) {
            t->cols[0].num[r + 1 + k] = x;
            t->cols[1].num[r + 1 + k] = (double)cls;
            t->cols[7].num[r + 1 + k] = b.out[k];
        }
    }
    eda_box_free(&b);
    return rc;
}

int eda_fig_box_classes(struct table *t, double at, double half, const double *x, const int *cls, size_t n,
                        struct err *e)
{
    int rc = 0;
    for (int k = EDA_NEG; k <= EDA_POS && !rc; k++) {
        double *v;
        size_t m;
        rc = eda_select(x, cls, n, k, &v, &m, e);
        if (rc)
            break;
        rc = eda_fig_box_add(t, k == EDA_NEG ? at - half : at + half, k, v, m, e);
        free(v);
    }
    return rc;
}
