/* eda_study: what the eda stage does (see eda_study.h). */
#include "study/eda_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/outfile.h"
#include "out/eda_fig.h"
#include "out/figure.h"
#include "out/textref.h"

static const char *const tnames[EDA_T_COUNT] = {"clean/customers", "clean/revenue", "clean/minutes", "customers"};

/* The reader's label of a column: a reference to labels.columns.<name> of
 * the text file, which must have it (lib/out/textref.h). */
static int label_of(struct eda_study *c, const char *column, const char **out)
{
    char ref[TEXTREF_MAX];
    int rc = textref_key(ref, sizeof ref, "labels.columns", schema_key(c->s, column), &c->e);
    return rc ? rc : !(*out = textrefs_keep(&c->refs, ref, &c->e)) ? c->e.code : ERR_OK;
}

/* A reference to the text at path. */
static int text(struct eda_study *c, const char *path, const char **out)
{
    return !(*out = textrefs_key(&c->refs, path, NULL, &c->e)) ? c->e.code : ERR_OK;
}

static int is_skipped(const struct eda_study *c, const char *column)
{
    return strcmp(column, c->s->id) == 0 || strcmp(column, "source_line") == 0;
}

static const struct schema_ordinal *ordinal_of(const struct schema *s, const char *column)
{
    for (size_t k = 0; k < s->n_ordinal; k++)
        if (strcmp(s->ordinal[k].column, column) == 0)
            return &s->ordinal[k];
    return NULL;
}

/* Frequencies of a string column in the order a reader expects: the target's
 * classes, ordinal levels lowest first, periods in time order, else by count. */
static int freq_of(struct eda_study *c, int ti, size_t j, struct eda_freq **f)
{
    const char *col = c->t[ti]->cols[j].name, *order[2] = {c->s->negative, c->s->positive};
    const char *const *lv = NULL;
    size_t nlv = 0;
    const struct schema_ordinal *o = ordinal_of(c->s, col);
    if (strcmp(col, c->s->target) == 0)
        lv = order, nlv = 2;
    else if (o)
        lv = o->levels, nlv = o->n_levels;
    for (int r = 0; r < 2 && !lv; r++)
        if (ti == EDA_T_CLEAN_REVENUE + r && strcmp(col, c->s->periods[r].period) == 0)
            lv = c->s->periods[r].labels, nlv = c->s->periods[r].n;
    return eda_freq_count(c->t[ti]->cols[j].str, c->cls[ti], c->t[ti]->nrows, lv, nlv, f, &c->e);
}

/* Every column of every table: statistics of a numeric one, frequencies of
 * a categorical one, overall and by class. */
static int rule_describe(struct eda_study *c)
{
    int rc = 0;
    for (int ti = 0; ti < EDA_T_COUNT && !rc; ti++)
        for (size_t j = 0; j < c->t[ti]->ncols && !rc; j++) {
            const struct column *col = &c->t[ti]->cols[j];
            const char *label;
            struct eda_freq *f = NULL;
            if (is_skipped(c, col->name))
                continue;
            rc = label_of(c, col->name, &label);
            if (!rc && col->type == COL_NUM)
                rc = eda_numeric_add(c->numeric, tnames[ti], col->name, label, col->num, c->cls[ti],
                                     c->t[ti]->nrows, c->names, &c->e);
            if (!rc && col->type == COL_STR && !(rc = freq_of(c, ti, j, &f)))
                rc = eda_categorical_add(c->categorical, tnames[ti], col->name, label, f, c->names,
                                         strcmp(col->name, c->s->target) != 0, &c->e);
            eda_freq_free(f);
        }
    return rc;
}

/* The numeric features of customers.tsv ranked by |SMD| (positive minus
 * negative class, in pooled standard deviations); the top ones are findings. */
static int rule_smd(struct eda_study *c)
{
    struct table *r = NULL;
    int rc = eda_smd_rank(c->t[EDA_T_CUSTOMERS], c->cls[EDA_T_CUSTOMERS], &r, &c->e);
    for (size_t i = 0; r && i < r->nrows && !rc; i++) {
        const char *label, *name = r->cols[0].str[i];
        char key[64];
        rc = label_of(c, name, &label);
        if (!rc)
            rc = table_set_str(r, 1, i, label, &c->e);
        for (int k = 0; k < 5 && !rc && i < (size_t)c->top; k++) {
            static const char *const what[] = {"_column", "_label", "", "_mean_negative", "_mean_positive"};
            snprintf(key, sizeof key, "smd_%zu%s", i + 1, what[k]);
            rc = k < 2 ? kv_set_str(c->kv, key, k ? label : name, &c->e)
                       : kv_set_double(c->kv, key, r->cols[k == 2 ? 4 : k - 1].num[i], &c->e);
        }
    }
    c->smd = r;
    return rc;
}

/* Write figure NAME's data and variables, and remember it for the manifest. */
static int figure(struct eda_study *c, const char *name, struct table *data, struct kv *vars)
{
    /* A box plot sampled at scale keeps its statistics rows (no point) and
     * each outlier value's share. */
    int rc = !data ? err_set(&c->e, ERR_NOMEM, "out of memory")
                   : figure_write(c->figdir, name, data, "point", vars, &c->e);
    table_free(data);
    kv_free(vars);
    return rc;
}

/* The variables every figure has: title (labels.titles.<key> with
 * {label}), axis labels and the class names of the legend. */
static int vars_for(struct eda_study *c, const char *title_key, const char *label, const char *xlabel, const char *ylabel,
                    struct kv **out)
{
    char title[TEXTREF_MAX];
    struct kv *v = kv_alloc();
    int rc = !v ? err_set(&c->e, ERR_NOMEM, "out of memory") : textref_key(title, sizeof title, "labels.titles", title_key, &c->e);
    if (!rc)
        rc = textref_arg(title, sizeof title, "label", label, &c->e);
    const char *const kv[][2] = {{"title", title},          {"xlabel", xlabel},        {"ylabel", ylabel},
                                 {"class0", c->names[EDA_NEG]}, {"class1", c->names[EDA_POS]}};
    for (size_t k = 0; k < 5 && !rc; k++)
        rc = kv_set_str(v, kv[k][0], kv[k][1], &c->e);
    if (rc) {
        kv_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

/* Tic labels tic0..tic<n-1> at positions 0..n-1. */
static int tics(struct eda_study *c, struct kv *v, const char *const *labels, size_t n)
{
    char key[32];
    int rc = kv_set_long(v, "ntics", (long)n, &c->e);
    for (size_t k = 0; k < n && !rc; k++) {
        snprintf(key, sizeof key, "tic%zu", k);
        rc = kv_set_str(v, key, labels[k], &c->e);
    }
    return rc;
}

static int fig_name(struct eda_study *c, const char *tmpl, const char *what, char *name, size_t size)
{
    return eda_fig_name(c->figs, tmpl, what, name, size, &c->e);
}

/* The target balance. */
static int fig_balance(struct eda_study *c, const char *klass, const char *customers)
{
    const struct table *m = c->t[EDA_T_CUSTOMERS];
    char name[256];
    int rc = 0;
    long tc = table_find(m, c->s->target);
    struct eda_freq *f = NULL;
    struct table *d = NULL;
    struct kv *v = NULL;
    rc = freq_of(c, EDA_T_CUSTOMERS, (size_t)tc, &f);
    if (!rc)
        rc = eda_fig_freq(f, &d, &c->e);
    if (!rc)
        rc = vars_for(c, "balance", "", klass, customers, &v);
    if (!rc)
        rc = tics(c, v, c->names, 2);
    if (!rc)
        rc = fig_name(c, "balance", "target", name, sizeof name);
    rc = rc ? (table_free(d), kv_free(v), rc) : figure(c, name, d, v);
    eda_freq_free(f);
    return rc;
}

/* Every numeric feature: its distribution by class, and its box plot. */
static int fig_numeric(struct eda_study *c, const char *share, const char *klass)
{
    const struct table *m = c->t[EDA_T_CUSTOMERS];
    const int *cls = c->cls[EDA_T_CUSTOMERS];
    char name[256];
    int rc = 0;
    for (size_t j = 0; j < m->ncols && !rc; j++) {
        if (m->cols[j].type != COL_NUM)
            continue;
        const double *x = m->cols[j].num;
        int discrete = eda_fig_is_discrete(x, m->nrows, (size_t)c->max_discrete);
        const char *tmpl = discrete ? "bars" : "hist", *label;
        struct table *d = NULL;
        struct kv *v = NULL;
        rc = label_of(c, m->cols[j].name, &label);
        if (!rc)
            rc = discrete ? eda_fig_bars(x, cls, m->nrows, &d, &c->e)
                          : eda_fig_hist(x, cls, m->nrows, (size_t)c->bins, &d, &c->e);
        if (!rc)
            rc = vars_for(c, tmpl, label, label, share, &v);
        if (!rc)
            rc = fig_name(c, tmpl, m->cols[j].name, name, sizeof name);
        rc = rc ? (table_free(d), kv_free(v), rc) : figure(c, name, d, v);

        d = eda_fig_box_alloc();
        v = NULL;
        if (!rc && d)
            rc = eda_fig_box_classes(d, 0.5, 0.5, x, cls, m->nrows, &c->e);
        if (!rc)
            rc = vars_for(c, "box", label, klass, label, &v);
        if (!rc)
            rc = tics(c, v, c->names, 2);
        if (!rc)
            rc = kv_set_str(v, "boxwidth", "0.5", &c->e);
        if (!rc)
            rc = fig_name(c, "box", m->cols[j].name, name, sizeof name);
        rc = rc ? (table_free(d), kv_free(v), rc) : figure(c, name, d, v);
    }
    return rc;
}

/* Every categorical feature: the shares of its levels in each class. */
static int fig_categorical(struct eda_study *c, const char *share)
{
    const struct table *m = c->t[EDA_T_CUSTOMERS];
    char name[256];
    const char *label;
    struct eda_freq *f = NULL;
    struct table *d = NULL;
    struct kv *v = NULL;
    int rc = 0;
    for (size_t j = 0; j < m->ncols && !rc; j++) {
        const char *col = m->cols[j].name;
        if (m->cols[j].type != COL_STR || is_skipped(c, col) || strcmp(col, c->s->target) == 0)
            continue;
        f = NULL;
        d = NULL;
        v = NULL;
        rc = label_of(c, col, &label);
        if (!rc)
            rc = freq_of(c, EDA_T_CUSTOMERS, j, &f);
        if (!rc)
            rc = eda_fig_freq(f, &d, &c->e);
        if (!rc)
            rc = vars_for(c, "cat", label, share, "", &v);
        if (!rc)
            rc = tics(c, v, (const char *const *)f->levels, f->n);
        if (!rc)
            rc = fig_name(c, "cat", col, name, sizeof name);
        rc = rc ? (table_free(d), kv_free(v), rc) : figure(c, name, d, v);
        eda_freq_free(f);
    }
    return rc;
}

/* Revenue and minutes by period: a pair of boxes (the classes) per period. */
static int fig_periods(struct eda_study *c, const char *period)
{
    const struct table *m = c->t[EDA_T_CUSTOMERS];
    char name[256];
    const int *cls = c->cls[EDA_T_CUSTOMERS];
    const char *label;
    struct table *d = NULL;
    struct kv *v = NULL;
    int rc = 0;
    for (int r = 0; r < 2 && !rc; r++) {
        const struct schema_period *sp = &c->s->periods[r];
        const char *tic[16], *plabel = NULL;
        char key[512];
        d = eda_fig_box_alloc();
        v = NULL;
        rc = label_of(c, sp->value, &label);
        for (size_t k = 0; k < sp->n && k < 16 && !rc; k++) {
            long wc = table_find(m, sp->wide[k]);
            rc = wc < 0 ? err_set(&c->e, ERR_DATA, "customers.tsv: expected a column \"%s\"", sp->wide[k])
                        : !(plabel = textrefs_key(&c->refs, "labels.periods", sp->labels[k], &c->e)) ? c->e.code : 0;
            tic[k] = plabel;
            if (!rc && d)
                rc = eda_fig_box_classes(d, (double)k, 0.2, m->cols[wc].num, cls, m->nrows, &c->e);
        }
        snprintf(key, sizeof key, "periods_%s", schema_file_roles[FILE_REVENUE + r]);
        if (!rc)
            rc = vars_for(c, key, label, period, label, &v);
        if (!rc)
            rc = tics(c, v, tic, sp->n < 16 ? sp->n : 16);
        if (!rc)
            rc = kv_set_str(v, "boxwidth", "0.35", &c->e);
        if (!rc)
            rc = fig_name(c, "box", key, name, sizeof name);
        rc = rc ? (table_free(d), kv_free(v), rc) : figure(c, name, d, v);
    }
    return rc;
}

/* The data of every eda figure: the target balance, every numeric feature
 * (distribution and box plot by class), every categorical one (shares by
 * class), revenue and minutes by period. */
static int rule_figures(struct eda_study *c)
{
    const char *share, *customers, *klass, *period;
    int rc = text(c, "labels.axes.share", &share);
    if (!rc)
        rc = text(c, "labels.axes.customers", &customers);
    if (!rc)
        rc = text(c, "labels.axes.class", &klass);
    if (!rc)
        rc = text(c, "labels.axes.period", &period);
    if (!rc)
        rc = fig_balance(c, klass, customers);
    if (!rc)
        rc = fig_numeric(c, share, klass);
    if (!rc)
        rc = fig_categorical(c, share);
    if (!rc)
        rc = fig_periods(c, period);
    return rc;
}

/* The class balance and the categorical level whose share differs most. */
static int rule_findings(struct eda_study *c)
{
    const struct table *m = c->t[EDA_T_CUSTOMERS];
    struct eda_freq *f = NULL;
    size_t n[2] = {0, 0}, level = 0;
    for (size_t i = 0; i < m->nrows; i++)
        if (c->cls[EDA_T_CUSTOMERS][i] >= 0)
            n[c->cls[EDA_T_CUSTOMERS][i]]++;
    int rc = kv_set_long(c->kv, "customers", (long)m->nrows, &c->e);
    if (!rc)
        rc = kv_set_str(c->kv, "class_negative", c->names[EDA_NEG], &c->e);
    if (!rc)
        rc = kv_set_str(c->kv, "class_positive", c->names[EDA_POS], &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "count_negative", (long)n[EDA_NEG], &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "count_positive", (long)n[EDA_POS], &c->e);
    if (!rc)
        rc = kv_set_double(c->kv, "share_positive", (double)n[EDA_POS] / (double)(n[0] + n[1]), &c->e);
    double best = NAN, gap;
    const char *best_col = NULL, *best_level = NULL, *label;
    double best_share[2] = {0, 0};
    for (size_t j = 0; j < m->ncols && !rc; j++) {
        const char *col = m->cols[j].name;
        if (m->cols[j].type != COL_STR || is_skipped(c, col) || strcmp(col, c->s->target) == 0)
            continue;
        eda_freq_free(f);
        f = NULL;
        rc = freq_of(c, EDA_T_CUSTOMERS, j, &f);
        if (!rc)
            rc = eda_freq_max_gap(f, &level, &gap, &c->e);
        if (!rc && (isnan(best) || fabs(gap) > fabs(best))) {
            best = gap;
            best_col = col;
            free((char *)best_level);
            best_level = strdup(f->levels[level]);
            best_share[0] = eda_freq_share(f, level, EDA_NEG);
            best_share[1] = eda_freq_share(f, level, EDA_POS);
        }
    }
    eda_freq_free(f);
    if (!rc && best_col) {
        rc = label_of(c, best_col, &label);
        if (!rc)
            rc = kv_set_str(c->kv, "cat_gap_column", best_col, &c->e);
        if (!rc)
            rc = kv_set_str(c->kv, "cat_gap_label", label, &c->e);
        if (!rc)
            rc = kv_set_str(c->kv, "cat_gap_level", best_level ? best_level : "", &c->e);
        if (!rc)
            rc = kv_set_double(c->kv, "cat_gap_share_negative", best_share[0], &c->e);
        if (!rc)
            rc = kv_set_double(c->kv, "cat_gap_share_positive", best_share[1], &c->e);
        if (!rc)
            rc = kv_set_double(c->kv, "cat_gap_points", best, &c->e);
    }
    free((char *)best_level);
    return rc;
}

/* eda/figures.txt: the figure names, one a line, for Make to render. */
static int write_manifest(struct eda_study *c, const char *path)
{
    struct outfile of;
    int rc = outfile_open(path, &of, &c->e);
    if (rc)
        return rc;
    for (size_t i = 0; i < hashset_size(c->figs); i++)
        fprintf(of.fp, "%s\n", hashset_key(c->figs, i));
    return outfile_commit(&of, &c->e);
}

int eda_study_setup(struct eda_study *c, const struct params *p, const struct schema *s, const char *figdir)
{
    static const char *const keys[] = {"bins", "max_discrete_values", "top_features", NULL};
    c->p = p;
    c->s = s;
    c->figdir = figdir;
    int rc = params_check_keys(p, "eda", keys, &c->e);
    if (!rc)
        rc = params_long(p, "eda.bins", 1, 1000, &c->bins, &c->e);
    if (!rc)
        rc = params_long(p, "eda.max_discrete_values", 0, 1000, &c->max_discrete, &c->e);
    if (!rc)
        rc = params_long(p, "eda.top_features", 0, 1000, &c->top, &c->e);
    if (!rc)
        rc = text(c, "labels.classes.negative", &c->names[EDA_NEG]);
    if (!rc)
        rc = text(c, "labels.classes.positive", &c->names[EDA_POS]);
    if (!rc)
        rc = text(c, "labels.classes.all", &c->names[EDA_ALL]);
    return rc;
}

int eda_study_read(struct eda_study *c, const char *clean, const char *merged)
{
    /* The tables, and the class of every row (long tables: through the id). */
    const struct schema *s = c->s;
    char path[4096], name[64];
    const char *str_cols[] = {s->id, s->target, s->periods[0].period, s->periods[1].period, NULL};
    int rc = 0;
    for (int ti = 0; ti < EDA_T_COUNT && !rc; ti++) {
        /* clean/NAME is NAME.tsv in the --clean directory */
        snprintf(name, sizeof name, "%s.tsv", ti == EDA_T_CUSTOMERS ? "" : tnames[ti] + strlen("clean/"));
        rc = table_read_tsv(ti == EDA_T_CUSTOMERS ? merged : cli_path(path, sizeof path, clean, name), str_cols, &c->t[ti],
                            &c->e);
        if (!rc && !(c->cls[ti] = malloc((c->t[ti]->nrows + 1) * sizeof *c->cls[ti])))
            rc = err_set(&c->e, ERR_NOMEM, "out of memory");
        long idc = rc ? -1 : table_find(c->t[ti], s->id), tc = rc ? -1 : table_find(c->t[ti], s->target);
        if (!rc && (idc < 0 || (tc < 0 && (ti == EDA_T_CLEAN_CUSTOMERS || ti == EDA_T_CUSTOMERS))))
            rc = err_set(&c->e, ERR_DATA, "%s: expected the columns \"%s\" and \"%s\"", tnames[ti], s->id, s->target);
        if (!rc && tc >= 0)
            eda_classes(c->t[ti], (size_t)tc, s->positive, s->negative, c->cls[ti]);
        else if (!rc)
            rc = eda_classes_by_id(c->t[ti], (size_t)idc, c->t[EDA_T_CLEAN_CUSTOMERS],
                                   (size_t)table_find(c->t[EDA_T_CLEAN_CUSTOMERS], s->id), c->cls[EDA_T_CLEAN_CUSTOMERS],
                                   c->cls[ti], &c->e);
    }
    if (!rc) {
        c->numeric = eda_numeric_alloc();
        c->categorical = eda_categorical_alloc();
        c->kv = kv_alloc();
        c->figs = hashset_alloc(64);
        if (!c->numeric || !c->categorical || !c->kv || !c->figs)
            rc = err_set(&c->e, ERR_NOMEM, "out of memory");
    }
    return rc;
}

int eda_study_run(struct eda_study *c)
{
    int rc = rule_describe(c);
    if (!rc)
        rc = rule_findings(c);
    if (!rc)
        rc = rule_smd(c);
    if (!rc)
        rc = rule_figures(c);
    if (!rc)
        rc = kv_set_long(c->kv, "figures", (long)hashset_size(c->figs), &c->e);
    return rc;
}

int eda_study_write(struct eda_study *c, const char *out, const char *kv_path)
{
    static const char *const outs[] = {"numeric.tsv", "categorical.tsv", "smd.tsv", "figures.txt"};
    const struct table *tabs[] = {c->numeric, c->categorical, c->smd};
    char path[4096];
    int rc = 0;
    for (int k = 0; k < 3 && !rc; k++)
        rc = table_write_tsv(tabs[k], cli_path(path, sizeof path, out, outs[k]), &c->e);
    if (!rc)
        rc = write_manifest(c, cli_path(path, sizeof path, out, outs[3]));
    if (!rc)
        rc = kv_write(c->kv, kv_path, &c->e);
    return rc;
}

void eda_study_free(struct eda_study *c)
{
    for (int ti = 0; ti < EDA_T_COUNT; ti++) {
        table_free(c->t[ti]);
        free(c->cls[ti]);
    }
    table_free(c->numeric);
    table_free(c->categorical);
    table_free(c->smd);
    kv_free(c->kv);
    hashset_free(c->figs);
    textrefs_free(&c->refs);
}
