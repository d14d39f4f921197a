/* corr_study: what the corr stage does (see corr_study.h). */
#include "core/mem.h"
#include "stats/corr_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/outfile.h"
#include "out/corr_fig.h"
#include "out/textref.h"
#include "stats/corr.h"
#include "stats/phik.h"

static int oom(struct corr_study *c) { return err_set(&c->e, ERR_NOMEM, "out of memory"); }

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

/* The role of each column, from the schema: numbers are the schema's numeric
 * columns and the wide period columns; the target, nominal and ordinal columns
 * are categories. A column the schema does not name is not a feature. */
static int roles(struct corr_study *c)
{
    const struct schema *s = c->s;
    c->f = calloc(c->t->ncols ? c->t->ncols : 1, sizeof *c->f);
    c->num = calloc(c->t->ncols ? c->t->ncols : 1, sizeof *c->num);
    if (!c->f || !c->num)
        return oom(c);
    long unnamed = 0;
    for (size_t j = 0; j < c->t->ncols; j++) {
        const struct column *col = &c->t->cols[j];
        int numeric = in_list(col->name, s->numeric, s->n_numeric) ||
                      in_list(col->name, s->periods[0].wide, s->periods[0].n) ||
                      in_list(col->name, s->periods[1].wide, s->periods[1].n);
        int categorical = strcmp(col->name, s->target) == 0 || in_list(col->name, s->nominal, s->n_nominal);
        for (size_t k = 0; k < s->n_ordinal; k++)
            categorical |= strcmp(col->name, s->ordinal[k].column) == 0;
        if (strcmp(col->name, s->id) == 0 || (!numeric && !categorical)) {
            unnamed += strcmp(col->name, s->id) != 0;
            continue;
        }
        if (numeric && col->type != COL_NUM)
            return err_set(&c->e, ERR_DATA, "%s: expected numbers in the numeric column \"%s\", found text", c->in,
                           col->name);
        if (numeric)
            c->num[c->nnum++] = c->nf;
        c->f[c->nf++] = (struct corr_feat){col->name, j, numeric};
    }
    if (c->nnum < 2)
        return err_set(&c->e, ERR_DATA, "%s: expected at least 2 numeric features, found %zu", c->in, c->nnum);
    int rc = kv_set_long(c->kv, "rows", (long)c->t->nrows, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "numeric_features", (long)c->nnum, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "columns_without_role", unnamed, &c->e);
    return rc;
}

/* Pearson, Spearman and VIF over the numeric features. */
static int linear(struct corr_study *c)
{
    size_t p = c->nnum, n = c->t->nrows, used = 0;
    const double **cols = malloc(p * sizeof *cols);
    c->pearson = malloc(p * p * sizeof *c->pearson);
    c->spearman = malloc(p * p * sizeof *c->spearman);
    c->vif = malloc(p * sizeof *c->vif);
    int rc = !cols || !c->pearson || !c->spearman || !c->vif ? oom(c) : 0;
    for (size_t k = 0; !rc && k < p; k++)
        cols[k] = c->t->cols[c->f[c->num[k]].col].num;
    if (!rc)
        rc = corr_pearson(cols, p, n, c->pearson, &c->e);
    if (!rc)
        rc = corr_spearman(cols, p, n, c->spearman, &c->e);
    if (!rc)
        rc = corr_vif(cols, p, n, c->vif, &used, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "vif_rows", (long)used, &c->e);
    free(cols);
    return rc;
}

/* Level codes for phi_K: numbers binned, categories by value; phik drops a
 * number with fewer than 2 distinct values and a category with fewer than 2
 * levels from its matrix, and so do we (named in the kv file). */
static int phik_all(struct corr_study *c)
{
    size_t n = c->t->nrows;
    int **codes = calloc(c->nf, sizeof *codes);
    c->ph = malloc(c->nf * sizeof *c->ph);
    int rc = !codes || !c->ph ? oom(c) : 0;
    char dropped[1024] = "";
    c->target = -1;
    for (size_t k = 0; !rc && k < c->nf; k++) {
        const struct column *col = &c->t->cols[c->f[k].col];
        int nlev = 0;
        if (!(codes[c->nph] = malloc((n ? n : 1) * sizeof **codes))) {
            rc = oom(c);
            break;
        }
        if (c->f[k].numeric)
            rc = phik_bin_interval(col->num, n, (int)c->bins, codes[c->nph], &nlev, &c->e);
        else if (col->type == COL_NUM)
            rc = phik_levels_from_numbers(col->num, n, codes[c->nph], &nlev, &c->e);
        else
            rc = phik_levels_from_strings((const char *const *)col->str, n, codes[c->nph], &nlev, &c->e);
        if (rc)
            break;
        if (c->f[k].numeric ? nlev == 0 : nlev <= 1) {
            snprintf(dropped + strlen(dropped), sizeof dropped - strlen(dropped), "%s%s", *dropped ? ", " : "",
                     c->f[k].name);
            free(codes[c->nph]);
            codes[c->nph] = NULL;
            continue;
        }
        if (strcmp(c->f[k].name, c->s->target) == 0)
            c->target = (long)c->nph;
        c->ph[c->nph++] = k;
    }
    size_t m = c->nph;
    if (!rc && !(c->phik = malloc((m * m + 1) * sizeof *c->phik)))
        rc = oom(c);
    if (!rc && !(c->phik_z = malloc((m * m + 1) * sizeof *c->phik_z)))
        rc = oom(c);
    if (!rc)
        rc = phik_matrix((const int *const *)codes, m, n, c->noise, c->phik, &c->e);
    if (!rc)
        rc = phik_significance_matrix((const int *const *)codes, m, n, c->phik_z, &c->e);
    if (!rc)
        rc = kv_set_long(c->kv, "phik_columns", (long)m, &c->e);
    if (!rc)
        rc = kv_set_str(c->kv, "phik_dropped", dropped, &c->e);
    for (size_t k = 0; codes && k < c->nf; k++)
        free(codes[k]);
    free(codes);
    return rc;
}

static int flag(struct corr_study *c, const char *what, const char *stat, const char *a, const char *b, double v, double thr)
{
    struct table *t = c->flags;
    size_t i = t->nrows;
    int rc = table_set_rows(t, i + 1, &c->e);
    if (!rc)
        rc = table_set_str(t, 0, i, what, &c->e);
    if (!rc)
        rc = table_set_str(t, 1, i, stat, &c->e);
    if (!rc)
        rc = table_set_str(t, 2, i, a, &c->e);
    if (!rc)
        rc = table_set_str(t, 3, i, b, &c->e);
    if (!rc) {
        t->cols[4].num[i] = v;
        t->cols[5].num[i] = thr;
    }
    return rc;
}

/* The flags of the study, one row each: flag, statistic, feature, other, value, threshold. */
static int flags(struct corr_study *c)
{
    static const char *const names[] = {"flag", "statistic", "feature", "other", "value", "threshold"};
    int rc = (c->flags = table_alloc()) ? 0 : oom(c);
    for (int k = 0; !rc && k < 6; k++)
        rc = table_add_column(c->flags, names[k], k < 4 ? COL_STR : COL_NUM, NULL, &c->e);
    long pairs[2] = {0, 0}, nvif = 0, nleak = 0;
    const double *m[2] = {c->pearson, c->spearman};
    static const char *const stat[2] = {"pearson", "spearman"};
    size_t p = c->nnum;
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; !rc && i < p; i++)
            for (size_t j = i + 1; !rc && j < p; j++)
                if (fabs(m[s][i * p + j]) >= c->thr_r) {
                    pairs[s]++;
                    rc = flag(c, "multicollinearity", stat[s], c->f[c->num[i]].name, c->f[c->num[j]].name,
                              m[s][i * p + j], c->thr_r);
                }
    for (size_t i = 0; !rc && i < p; i++)
        if (c->vif[i] >= c->thr_vif) {
            nvif++;
            rc = flag(c, "multicollinearity", "vif", c->f[c->num[i]].name, "", c->vif[i], c->thr_vif);
        }
    for (size_t i = 0; !rc && c->target >= 0 && i < c->nph; i++) {
        double v = c->phik[(size_t)c->target * c->nph + i];
        if ((long)i != c->target && v >= c->thr_leak) {
            nleak++;
            rc = flag(c, "leakage", "phik", c->f[c->ph[i]].name, c->s->target, v, c->thr_leak);
        }
    }
    static const char *const keys[] = {"flags_pearson_pairs", "flags_spearman_pairs", "flags_vif", "flags_leakage",
                                       "flags_total"};
    long counts[] = {pairs[0], pairs[1], nvif, nleak, rc ? 0 : (long)c->flags->nrows};
    for (size_t k = 0; !rc && k < sizeof counts / sizeof *counts; k++)
        rc = kv_set_long(c->kv, keys[k], counts[k], &c->e);
    return rc;
}

/* The k strongest off-diagonal pairs of a p x p matrix by |value| (skipping
 * index `skip`, -1 for none): keys PREFIX_topK, PREFIX_topK_x, PREFIX_topK_y. */
static int top_pairs(struct corr_study *c, const char *prefix, const double *m, size_t p, const size_t *idx, long skip,
                     int k)
{
    unsigned char *used = calloc(p * p + 1, 1);
    int rc = used ? 0 : oom(c);
    for (int r = 1; !rc && r <= k; r++) {
        long bi = -1, bj = -1;
        for (size_t i = 0; i < p; i++)
            for (size_t j = i + 1; j < p; j++)
                if ((long)i != skip && (long)j != skip && !used[i * p + j] && !isnan(m[i * p + j]) &&
                    (bi < 0 || fabs(m[i * p + j]) > fabs(m[bi * p + bj])))
                    bi = (long)i, bj = (long)j;
        if (bi < 0)
            break;
        used[bi * p + bj] = 1;
        char key[64];
        snprintf(key, sizeof key, "%s_top%d", prefix, r);
        rc = kv_set_double(c->kv, key, m[bi * p + bj], &c->e);
        snprintf(key, sizeof key, "%s_top%d_x", prefix, r);
        if (!rc)
            rc = kv_set_str(c->kv, key, c->f[idx[bi]].name, &c->e);
        snprintf(key, sizeof key, "%s_top%d_y", prefix, r);
        if (!rc)
            rc = kv_set_str(c->kv, key, c->f[idx[bj]].name, &c->e);
    }
    free(used);
    return rc;
}

static const double *rank_key;
static int by_key_desc(const void *a, const void *b)
{
    double x = rank_key[*(const size_t *)a], y = rank_key[*(const size_t *)b];
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x < y) - (x > y);
}

/* What the report cites: the strongest pairs, every feature's phi_K with the
 * target (ranked: phik_target_K, _name, _z), the largest VIF. */
static int summary(struct corr_study *c)
{
    int rc = top_pairs(c, "pearson", c->pearson, c->nnum, c->num, -1, 3);
    if (!rc)
        rc = top_pairs(c, "spearman", c->spearman, c->nnum, c->num, -1, 3);
    if (!rc)
        rc = top_pairs(c, "phik", c->phik, c->nph, c->ph, c->target, 3);
    size_t m = c->nph, *order = malloc((m ? m : 1) * sizeof *order), r = 0;
    if (!rc && !order)
        rc = oom(c);
    if (!rc && c->target >= 0) {
        const double *row = c->phik + (size_t)c->target * m;
        for (size_t i = 0; i < m; i++)
            if ((long)i != c->target)
                order[r++] = i;
        /* qsort needs the key outside the comparator; the stage is single-threaded. */
        rank_key = row;
        qsort(order, r, sizeof *order, by_key_desc);
        for (size_t k = 0; !rc && k < r; k++) {
            char key[64];
            snprintf(key, sizeof key, "phik_target_%zu", k + 1);
            rc = kv_set_double(c->kv, key, row[order[k]], &c->e);
            snprintf(key, sizeof key, "phik_target_%zu_name", k + 1);
            if (!rc)
                rc = kv_set_str(c->kv, key, c->f[c->ph[order[k]]].name, &c->e);
            snprintf(key, sizeof key, "phik_target_%zu_z", k + 1);
            if (!rc)
                rc = kv_set_double(c->kv, key, c->phik_z[(size_t)c->target * m + order[k]], &c->e);
        }
    }
    size_t best = 0;
    for (size_t i = 1; i < c->nnum; i++)
        if (c->vif[i] > c->vif[best])
            best = i;
    if (!rc)
        rc = kv_set_double(c->kv, "vif_max", c->vif[best], &c->e);
    if (!rc)
        rc = kv_set_str(c->kv, "vif_max_name", c->f[c->num[best]].name, &c->e);
    free(order);
    return rc;
}

/* A p x p matrix as TSV: `feature`, then one column per feature. */
static int write_matrix(struct corr_study *c, const double *m, size_t p, const size_t *idx, const char *path)
{
    struct table *t = table_alloc();
    int rc = t ? table_add_column(t, "feature", COL_STR, NULL, &c->e) : oom(c);
    for (size_t j = 0; !rc && j < p; j++)
        rc = table_add_column(t, c->f[idx[j]].name, COL_NUM, NULL, &c->e);
    if (!rc)
        rc = table_set_rows(t, p, &c->e);
    for (size_t i = 0; !rc && i < p; i++) {
        rc = table_set_str(t, 0, i, c->f[idx[i]].name, &c->e);
        for (size_t j = 0; j < p; j++)
            t->cols[1 + j].num[i] = m[i * p + j];
    }
    if (!rc)
        rc = table_write_tsv(t, path, &c->e);
    table_free(t);
    return rc;
}

static int write_vif(struct corr_study *c, const char *path)
{
    struct table *t = table_alloc();
    int rc = t ? table_add_column(t, "feature", COL_STR, NULL, &c->e) : oom(c);
    if (!rc)
        rc = table_add_column(t, "vif", COL_NUM, NULL, &c->e);
    if (!rc)
        rc = table_set_rows(t, c->nnum, &c->e);
    for (size_t i = 0; !rc && i < c->nnum; i++) {
        rc = table_set_str(t, 0, i, c->f[c->num[i]].name, &c->e);
        t->cols[1].num[i] = c->vif[i];
    }
    if (!rc)
        rc = table_write_tsv(t, path, &c->e);
    table_free(t);
    return rc;
}

/* A column's label on a heatmap, as a reference to the text file:
 * corr.ticks (short, for 17 crowded ticks), else labels.columns, else its name. */
static int label_of(struct corr_study *c, struct textrefs *pool, const char *name, const char **out)
{
    char ref[TEXTREF_MAX];
    const char *key = schema_key(c->s, name);
    int rc = textref_key(ref, sizeof ref, "corr.ticks", key, &c->e);
    if (!rc)
        rc = textref_or(ref, sizeof ref, "labels.columns", key, &c->e);
    if (!rc)
        rc = textref_arg_text(ref, sizeof ref, "", name, &c->e);
    return rc ? rc : !(*out = textrefs_keep(pool, ref, &c->e)) ? c->e.code : ERR_OK;
}

/* The three heatmaps: data and variables for report/figures/heatmap.gp. */
static int figures(struct corr_study *c, const char *dir)
{
    const struct {
        const char *name, *title_key;
        const double *m;
        size_t p;
        const size_t *idx;
        int is_signed;
    } figs[] = {
        {"heatmap_pearson", "pearson", c->pearson, c->nnum, c->num, 1},
        {"heatmap_spearman", "spearman", c->spearman, c->nnum, c->num, 1},
        {"heatmap_phik", "phik", c->phik, c->nph, c->ph, 0},
    };
    struct textrefs pool = {0};
    int rc = 0;
    for (size_t k = 0; !rc && k < sizeof figs / sizeof *figs; k++) {
        const char **labels = malloc((figs[k].p ? figs[k].p : 1) * sizeof *labels), *title;
        if (!labels) {
            rc = oom(c);
            break;
        }
        for (size_t i = 0; !rc && i < figs[k].p; i++)
            rc = label_of(c, &pool, c->f[figs[k].idx[i]].name, &labels[i]);
        if (!rc && !(title = textrefs_key(&pool, "corr.titles", figs[k].title_key, &c->e)))
            rc = c->e.code;
        if (!rc)
            rc = corr_fig_heatmap(dir, figs[k].name, title, labels, figs[k].m, figs[k].p, figs[k].is_signed, &c->e);
        free(labels);
    }
    textrefs_free(&pool);
    return rc;
}

int corr_study_setup(struct corr_study *c, const struct params *p, const struct schema *s, const char *in)
{
    static const char *const keys[] = {"bins", "noise_correction", "thresholds", NULL};
    static const char *const thr_keys[] = {"abs_r", "vif", "phik_target", NULL};
    int rc = params_check_keys(p, "corr", keys, &c->e);
    if (!rc)
        rc = params_check_keys(p, "corr.thresholds", thr_keys, &c->e);
    if (!rc)
        rc = params_long(p, "corr.bins", 2, 1000, &c->bins, &c->e);
    if (!rc)
        rc = params_bool(p, "corr.noise_correction", &c->noise, &c->e);
    if (!rc)
        rc = params_double(p, "corr.thresholds.abs_r", 0, 1, &c->thr_r, &c->e);
    if (!rc)
        rc = params_double(p, "corr.thresholds.vif", 1, 1e300, &c->thr_vif, &c->e);
    if (!rc)
        rc = params_double(p, "corr.thresholds.phik_target", 0, 1, &c->thr_leak, &c->e);
    c->p = p;
    c->s = s;
    c->in = in;
    return rc;
}

int corr_study_run(struct corr_study *c)
{
    const char *str_cols[] = {c->s->id, c->s->target, NULL};
    int rc = table_read_tsv(c->in, str_cols, &c->t, &c->e);
    if (!rc && !(c->kv = kv_alloc()))
        rc = oom(c);
    static int (*const steps[])(struct corr_study *) = {roles, linear, phik_all, flags, summary};
    for (size_t k = 0; !rc && k < sizeof steps / sizeof *steps; k++)
        rc = steps[k](c);
    return rc;
}

int corr_study_write(struct corr_study *c, const char *out, const char *figdir, const char *kv_path)
{
    static const char *const outs[] = {"pearson.tsv", "spearman.tsv", "phik.tsv", "phik_z.tsv", "vif.tsv",
                                       "flags.tsv"};
    char path[4096];
    int rc = write_matrix(c, c->pearson, c->nnum, c->num, cli_path(path, sizeof path, out, outs[0]));
    if (!rc)
        rc = write_matrix(c, c->spearman, c->nnum, c->num, cli_path(path, sizeof path, out, outs[1]));
    if (!rc)
        rc = write_matrix(c, c->phik, c->nph, c->ph, cli_path(path, sizeof path, out, outs[2]));
    if (!rc)
        rc = write_matrix(c, c->phik_z, c->nph, c->ph, cli_path(path, sizeof path, out, outs[3]));
    if (!rc)
        rc = write_vif(c, cli_path(path, sizeof path, out, outs[4]));
    if (!rc)
        rc = table_write_tsv(c->flags, cli_path(path, sizeof path, out, outs[5]), &c->e);
    if (!rc)
        rc = figures(c, figdir);
    if (!rc)
        rc = kv_write(c->kv, kv_path, &c->e);
    return rc;
}

void corr_study_free(struct corr_study *c)
{
    FREE_ALL(c->f, c->num, c->ph, c->pearson, c->spearman, c->vif, c->phik, c->phik_z);
    table_free(c->flags);
    table_free(c->t);
    kv_free(c->kv);
}
