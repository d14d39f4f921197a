/* segment_profile: how a segment differs from the reference customers, feature
 * by feature (see segment.h): means and a Welch t-test for numbers, shares
 * and a chi-squared test for categories, Holm over all features. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "study/segment.h"
#include "stats/stats.h"

enum {
    C_FEATURE, C_KIND, C_LEVEL, C_SEG, C_REF, C_SEG_SD, C_REF_SD, C_SMD, C_TEST, C_STAT, C_DF, C_P, C_HOLM,
    C_NSEG, C_NREF, C_COUNT
};
static const char *const col_names[C_COUNT] = {"feature", "kind", "level", "segment", "reference", "segment_sd",
                                               "reference_sd", "smd", "test", "stat", "df", "p", "p_holm",
                                               "n_segment", "n_reference"};

static int add_row(struct table *t, const char *feature, const char *kind, const char *level, const char *test,
                   size_t *row, struct err *e)
{
    *row = t->nrows;
    int rc = table_set_rows(t, t->nrows + 1, e);
    if (!rc)
        rc = table_set_str(t, C_FEATURE, *row, feature, e);
    if (!rc)
        rc = table_set_str(t, C_KIND, *row, kind, e);
    if (!rc)
        rc = table_set_str(t, C_LEVEL, *row, level, e);
    if (!rc)
        rc = table_set_str(t, C_TEST, *row, test, e);
    return rc;
}

static int numeric(struct table *t, const char *name, const double *x, const unsigned char *g, size_t n,
                   double *a, double *b, double *p, struct err *e)
{
    size_t na = 0, nb = 0, row;
    for (size_t i = 0; i < n; i++) {
        if (g[i] == 1)
            a[na++] = x[i];
        else if (g[i] == 2)
            b[nb++] = x[i];
    }
    struct stats_summary sa, sb;
    struct stats_ttest tt;
    double smd;
    int rc = stats_describe(a, na, &sa, e);
    if (!rc)
        rc = stats_describe(b, nb, &sb, e);
    if (!rc)
        rc = stats_smd(a, na, b, nb, &smd, e);
    if (!rc)
        rc = stats_welch_ttest(a, na, b, nb, &tt, e);
    if (!rc)
        rc = add_row(t, name, "numeric", NULL, "welch_t", &row, e);
    if (rc)
        return rc;
    double v[C_COUNT] = {0};
    v[C_SEG] = sa.mean, v[C_REF] = sb.mean, v[C_SEG_SD] = sa.std, v[C_REF_SD] = sb.std, v[C_SMD] = smd;
    v[C_STAT] = tt.t, v[C_DF] = tt.df, v[C_P] = tt.p, v[C_NSEG] = (double)sa.count, v[C_NREF] = (double)sb.count;
    for (int c = C_SEG; c < C_COUNT; c++)
        if (c != C_TEST && c != C_HOLM)
            t->cols[c].num[row] = v[c];
    *p = tt.p;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The levels of a categorical feature: ordinal in their order, nominal the
 * sorted distinct values of the two groups. *levels is malloc'ed (strings
 * point into the data or the spec). */
static int levels_of(const struct prep_spec *sp, const char *const *x, const unsigned char *g, size_t n,
                     const char ***levels, size_t *nl, struct err *e)
{
    const char **l = malloc((n + sp->norder + 1) * sizeof *l);
    if (!l)
        return err_set(e, ERR_NOMEM, "out of memory");
    size_t m = 0;
    if (sp->role == PREP_ORDINAL) {
        for (size_t k = 0; k < sp->norder; k++)
            l[m++] = sp->order[k];
    } else {
        for (size_t i = 0; i < n; i++)
            if (g[i] && x[i])
                l[m++] = x[i];
        qsort(l, m, sizeof *l, cmp_str);
        size_t u = 0;
        for (size_t k = 0; k < m; k++)
            if (u == 0 || strcmp(l[u - 1], l[k]) != 0)
                l[u++] = l[k];
        m = u;
    }
    *levels = l;
    *nl = m;
    return 0;
}

static int categorical(struct table *t, const struct prep_spec *sp, const char *const *x, const unsigned char *g,
                       size_t n, double *p, struct err *e)
{
    const char **lv = NULL;
    size_t nl = 0, row;
    int rc = levels_of(sp, x, g, n, &lv, &nl, e);
    double *O = rc ? NULL : calloc(2 * nl + 1, sizeof *O);
    if (!rc && !O)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    double na = 0, nb = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (!g[i] || !x[i])
            continue;
        size_t k = 0;
        while (k < nl && strcmp(lv[k], x[i]) != 0)
            k++;
        if (k == nl) {
            rc = err_set(e, ERR_DATA, "feature \"%s\": expected one of its levels, found \"%s\"", sp->name, x[i]);
            break;
        }
        O[(g[i] - 1) * nl + k] += 1;
        *(g[i] == 1 ? &na : &nb) += 1;
    }
    /* Levels no one in either group has would make an expected count 0. */
    size_t used = 0;
    double *Ou = rc ? NULL : calloc(2 * nl + 1, sizeof *Ou);
    if (!rc && !Ou)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < nl; k++)
        if (O[k] + O[nl + k] > 0)
            used++;
    for (size_t k = 0, u = 0; !rc && k < nl; k++)
        if (O[k] + O[nl + k] > 0) {
            Ou[u] = O[k];
            Ou[used + u] = O[nl + k];
            u++;
        }
    struct stats_chi2 chi = {NAN, 0, NAN};
    if (!rc && used >= 2 && na > 0 && nb > 0)
        rc = stats_chi2_contingency(Ou, 2, used, 1, STATS_CHI2_PEARSON, &chi, e);
    if (!rc)
        rc = add_row(t, sp->name, "categorical", NULL, "chi2", &row, e);
    if (!rc) {
        for (int c = C_SEG; c < C_COUNT; c++)
            if (c != C_TEST)
                t->cols[c].num[row] = NAN;
        t->cols[C_STAT].num[row] = chi.stat;
        t->cols[C_DF].num[row] = isnan(chi.stat) ? NAN : (double)chi.dof;
        t->cols[C_P].num[row] = chi.p;
        t->cols[C_NSEG].num[row] = na;
        t->cols[C_NREF].num[row] = nb;
        *p = chi.p;
    }
    for (size_t k = 0; !rc && k < nl; k++) {
        rc = add_row(t, sp->name, "level", lv[k], NULL, &row, e);
        if (!rc) {
            for (int c = C_SEG; c < C_COUNT; c++)
                if (c != C_TEST)
                    t->cols[c].num[row] = NAN;
            t->cols[C_SEG].num[row] = na > 0 ? O[k] / na : NAN;
            t->cols[C_REF].num[row] = nb > 0 ? O[nl + k] / nb : NAN;
            t->cols[C_NSEG].num[row] = O[k];
            t->cols[C_NREF].num[row] = O[nl + k];
        }
    }
    free(lv);
    free(O);
    free(Ou);
    return rc;
}

int segment_profile(const struct pipe_data *d, const unsigned char *group, struct table **out, struct err *e)
{
    *out = NULL;
    struct table *t = table_alloc();
    double *a = malloc((d->n + 1) * sizeof *a), *b = malloc((d->n + 1) * sizeof *b);
    double *p = malloc((d->nfeat + 1) * sizeof *p), *adj = malloc((d->nfeat + 1) * sizeof *adj);
    size_t *test_row = malloc((d->nfeat + 1) * sizeof *test_row);
    int rc = !t || !a || !b || !p || !adj || !test_row ? err_set(e, ERR_NOMEM, "out of memory") : 0;
    for (int c = 0; !rc && c < C_COUNT; c++)
        rc = table_add_column(t, col_names[c],
                              c == C_FEATURE || c == C_KIND || c == C_LEVEL || c == C_TEST ? COL_STR : COL_NUM,
                              NULL, e);
    for (size_t j = 0; !rc && j < d->nfeat; j++) {
        test_row[j] = t->nrows;
        if (d->spec[j].role == PREP_NUMERIC)
            rc = numeric(t, d->spec[j].name, d->in[j].num, group, d->n, a, b, &p[j], e);
        else
            rc = categorical(t, &d->spec[j], d->in[j].str, group, d->n, &p[j], e);
    }
    if (!rc)
        rc = stats_holm(p, d->nfeat, adj, e);
    for (size_t j = 0; !rc && j < d->nfeat; j++)
        t->cols[C_HOLM].num[test_row[j]] = adj[j];
    FREE_ALL(a, b, p, adj, test_row);
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}
