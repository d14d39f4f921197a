/* explain_study: what the explain stage does (see explain_study.h). */
#include "core/mem.h"
#include "explain/explain_study.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/hashset.h"
#include "core/outfile.h"
#include "io/kv.h"
#include "out/eda_fig.h"
#include "out/explain_fig.h"
#include "out/figure.h"
#include "out/text.h"
#include "out/textref.h"

#define NDEP 4
#define NTOP_KV 5
#define WATERFALL_BARS 10

int explain_setup_read(const struct params *p, struct explain_setup *s, struct err *e)
{
    static const char *const keys[] = {"explainer", "background_k", "kernel_budget", "kernel_check", "threads",
                                       "n_repeats", "top_k",        "show",          NULL};
    static const struct params_long_field longs[] = {
        {"explain.background_k", 1, 10000, offsetof(struct explain_setup, background_k)},
        {"explain.kernel_budget", 2, 10000000, offsetof(struct explain_setup, budget)},
        {"explain.kernel_check", 0, 1000, offsetof(struct explain_setup, kernel_check)},
        {"explain.threads", 1, 64, offsetof(struct explain_setup, threads)},
        {"explain.n_repeats", 1, 10000, offsetof(struct explain_setup, n_repeats)},
        {"explain.top_k", 1, 100, offsetof(struct explain_setup, top_k)},
        {"explain.show", 1, 1000, offsetof(struct explain_setup, show)},
        {NULL, 0, 0, 0},
    };
    int rc = params_check_keys(p, "explain", keys, e);
    if (!rc)
        rc = params_long(p, "seed", 0, 4294967295L, &s->seed, e);
    if (!rc)
        rc = params_enum(p, "explain.explainer", explain_kind_names, &s->explainer, e);
    return rc ? rc : params_longs(p, longs, s, e);
}

/* A reference to the text file's explain.<path> (which must have it), kept
 * in pool; the first failure wins. */
static const char *lab(struct textrefs *pool, const char *path, int *rc, struct err *e)
{
    char full[320];
    const char *s = NULL;
    snprintf(full, sizeof full, "explain.%s", path);
    if (!*rc && !(s = textrefs_key(pool, full, NULL, e)))
        *rc = e->code;
    return s ? s : "";
}

/* A feature's value as a number with an order: the number, the ordinal code,
 * or, for an unordered category, its position among the pipeline's sorted
 * categories (ordered = 0 tells the caller it has no order). */
static double feature_code(const struct pipe_data *d, const struct prep *pp, size_t j, size_t row, int *ordered)
{
    const struct prep_spec *sp = &d->spec[j];
    *ordered = sp->role != PREP_NOMINAL;
    if (sp->role == PREP_NUMERIC)
        return d->in[j].num[row];
    const char *v = d->in[j].str[row];
    size_t nc = sp->role == PREP_ORDINAL ? sp->norder : pp->feat[j].ncat;
    for (size_t k = 0; v && k < nc; k++)
        if (!strcmp(v, sp->role == PREP_ORDINAL ? sp->order[k] : pp->feat[j].cats[k]))
            return (double)k;
    return NAN;
}

/* A value as the customer table has it: the text, or the shortest number text
 * that reads back to the same double. */
static const char *feature_text(const struct pipe_data *d, size_t j, size_t row, char *buf, size_t size)
{
    if (d->spec[j].role != PREP_NUMERIC)
        return d->in[j].str[row] ? d->in[j].str[row] : "";
    double x = d->in[j].num[row];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

/* shap.tsv: id, one column per original feature (table order), base, output. */
static int write_shap(const char *path, const struct pipe_data *d, const struct explain_result *r, struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fputs("id", of.fp);
    for (size_t j = 0; j < d->nfeat; j++)
        fprintf(of.fp, "\t%s", d->spec[j].name);
    fputs("\tbase\toutput\n", of.fp);
    for (size_t i = 0; i < r->n; i++) {
        fputs(d->id[i], of.fp);
        for (size_t j = 0; j < r->nfeat; j++)
            fprintf(of.fp, "\t%.17g", r->phi[i * r->nfeat + j]);
        fprintf(of.fp, "\t%.17g\t%.17g\n", r->base, r->output[i]);
    }
    return outfile_commit(&of, e);
}

/* drivers.tsv: per customer, the top_k features with the largest positive phi. */
static int write_drivers(const char *path, const struct pipe_data *d, const struct explain_result *r, size_t top_k,
                         size_t *n_rows, struct err *e)
{
    struct outfile of;
    char buf[64];
    size_t *idx = malloc(top_k * sizeof *idx);
    if (!idx)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = outfile_open(path, &of, e);
    if (rc) {
        free(idx);
        return rc;
    }
    *n_rows = 0;
    fputs("id\trank\tfeature\tvalue\tphi\n", of.fp);
    for (size_t i = 0; i < r->n; i++) {
        size_t got = explain_top_positive(r->phi + i * r->nfeat, r->nfeat, top_k, idx);
        for (size_t k = 0; k < got; k++) {
            size_t j = idx[k];
            fprintf(of.fp, "%s\t%zu\t%s\t", d->id[i], k + 1, d->spec[j].name);
            for (const char *s = feature_text(d, j, i, buf, sizeof buf); *s; s++)
                fputc(*s == '\t' || *s == '\n' ? ' ' : *s, of.fp);
            fprintf(of.fp, "\t%.17g\n", r->phi[i * r->nfeat + j]);
        }
        *n_rows += got;
    }
    free(idx);
    return outfile_commit(&of, e);
}

static int write_importance(const char *path, const struct pipe_data *d, const struct explain_importance *im,
                            struct err *e)
{
    struct outfile of;
    int rc = outfile_open(path, &of, e);
    if (rc)
        return rc;
    fputs("feature\tmean_abs_phi\tdirection\tperm_drop_mean\tperm_drop_std\trank\n", of.fp);
    for (size_t r = 0; r < d->nfeat; r++) {
        size_t j = im->order[r];
        fprintf(of.fp, "%s\t%.17g\t%d\t%.17g\t%.17g\t%zu\n", d->spec[j].name, im->mean_abs[j], im->direction[j],
                im->perm_mean[j], im->perm_std[j], im->rank[j]);
    }
    return outfile_commit(&of, e);
}

/* Write figure NAME: NAME.tsv from t (freed) and NAME.gpv from v. */
/* The end of a figure: written when rc is still 0; t and v are freed either way. */
static int write_fig(const char *dir, const char *name, struct table *t, struct kv *v, int rc, struct err *e)
{
    /* A beeswarm sampled at scale keeps every feature's share of dots. */
    if (!rc)
        rc = figure_write(dir, name, t, "feature", v, e);
    table_free(t);
    kv_free(v);
    return rc;
}

/* A figure's title and x label (when rc is still 0). */
static int set_titles(struct kv *v, int rc, const char *title, const char *xlabel, struct err *e)
{
    if (!rc)
        rc = kv_set_str(v, "title", title, e);
    return rc ? rc : kv_set_str(v, "xlabel", xlabel, e);
}

static const char *const fig_names[] = {"shapbee_test", "shapbar_test", "shapdep_1", "shapdep_2",
                                        "shapdep_3",    "shapdep_4",    "shapwf_top", NULL};

/* What the figures share: the test customers' values and SHAP values, the
 * features' labels and the text of explain.* in the text file. */
struct figs {
    const char *dir;
    const struct pipe_data *d;
    const struct pipeline *pipe;
    const struct explain_result *r;
    const size_t *test;
    size_t nt, m, show;
    const struct explain_importance *im;
    const char **labels; /* references to the features' labels */
    struct textrefs refs;
    double *phi, *val; /* nt x m */
    const char *xphi, *xmean, *t_bee, *t_bar, *t_dep, *t_wf, *low, *high, *xval, *cat, *base_l, *out_l, *others;
};

/* Summary (beeswarm). */
static int fig_beeswarm(const struct figs *f, struct err *e)
{
    struct kv *v = kv_alloc();
    struct table *t = NULL;
    char buf[512], key[64];
    int rc = v ? explain_fig_beeswarm(f->phi, f->val, f->nt, f->m, f->im->order, f->show, &t, e)
               : err_set(e, ERR_NOMEM, "out of memory");
    rc = set_titles(v, rc, f->t_bee, f->xphi, e);
    if (!rc)
        rc = kv_set_str(v, "low", f->low, e);
    if (!rc)
        rc = kv_set_str(v, "high", f->high, e);
    if (!rc)
        rc = kv_set_str(v, "value", f->xval, e);
    if (!rc)
        rc = kv_set_long(v, "nshow", (long)f->show, e);
    for (size_t k = 0; !rc && k < f->show; k++) {
        size_t j = f->im->order[k];
        int nominal = f->d->spec[j].role == PREP_NOMINAL;
        snprintf(key, sizeof key, "label_%zu", k + 1);
        snprintf(buf, sizeof buf, "%s%s%s%s", f->labels[j], nominal ? " (" : "", nominal ? f->cat : "",
                 nominal ? ")" : "");
        rc = kv_set_str(v, key, buf, e);
    }
    return write_fig(f->dir, fig_names[0], t, v, rc, e);
}

/* Bar chart of mean |phi|. */
static int fig_bar(const struct figs *f, struct err *e)
{
    struct kv *v = kv_alloc();
    struct table *t = NULL;
    int rc = v ? explain_fig_bar(f->im->mean_abs, f->im->order, f->show, f->labels, &t, e)
               : err_set(e, ERR_NOMEM, "out of memory");
    rc = set_titles(v, rc, f->t_bar, f->xmean, e);
    return write_fig(f->dir, fig_names[1], t, v, rc, e);
}

/* Dependence plot of the k-th feature: x = the value (a category by its position). */
static int fig_dependence(const struct figs *f, size_t k, struct err *e)
{
    const struct pipe_data *d = f->d;
    size_t m = f->m, j = f->im->order[k < m ? k : m - 1];
    char buf[512], key[64];
    struct kv *v = kv_alloc();
    int rc = v ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    snprintf(buf, sizeof buf, "%s", f->t_dep);
    if (!rc)
        rc = textref_arg(buf, sizeof buf, "label", f->labels[j], e);
    rc = set_titles(v, rc, buf, f->labels[j], e);
    if (!rc)
        rc = kv_set_str(v, "ylabel", f->xphi, e);
    const struct prep_spec *s = &d->spec[j];
    const struct prep_feature *pf = &f->pipe->prep->feat[j];
    size_t nc = s->role == PREP_ORDINAL ? s->norder : s->role == PREP_NOMINAL ? pf->ncat : 0;
    if (!rc)
        rc = kv_set_long(v, "ncat", (long)nc, e);
    for (size_t c = 0; !rc && c < nc; c++) {
        snprintf(key, sizeof key, "cat_%zu", c + 1);
        rc = kv_set_str(v, key, s->role == PREP_ORDINAL ? s->order[c] : pf->cats[c], e);
    }
    struct table *dt = rc ? NULL : table_alloc();
    size_t cx = 0, cp = 0;
    if (!rc && !dt)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = table_add_column(dt, "x", COL_NUM, &cx, e);
    if (!rc)
        rc = table_add_column(dt, "phi", COL_NUM, &cp, e);
    if (!rc)
        rc = table_set_rows(dt, f->nt, e);
    for (size_t i = 0; !rc && i < f->nt; i++) {
        int ordered;
        dt->cols[cx].num[i] = feature_code(d, f->pipe->prep, j, f->test[i], &ordered);
        dt->cols[cp].num[i] = f->phi[i * m + j];
    }
    snprintf(key, sizeof key, "shapdep_%zu", k + 1);
    return write_fig(f->dir, key, dt, v, rc, e);
}

/* Waterfall of the test customer with the highest output (the first among equals). */
static int fig_waterfall(const struct figs *f, struct err *e)
{
    const struct pipe_data *d = f->d;
    const struct explain_result *r = f->r;
    size_t m = f->m, top = 0;
    for (size_t i = 1; i < f->nt; i++)
        if (r->output[f->test[i]] > r->output[f->test[top]])
            top = i;
    const char **wl = calloc(m ? m : 1, sizeof *wl);
    char *wbuf = malloc((m ? m : 1) * 256);
    int rc = wl && wbuf ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t j = 0; !rc && j < m; j++) {
        char num[64];
        snprintf(wbuf + j * 256, 256, "%s = %s", f->labels[j], feature_text(d, j, f->test[top], num, sizeof num));
        /* The reader's decimal mark is a comma. */
        char *value = strrchr(wbuf + j * 256, '=');
        if (d->spec[j].role == PREP_NUMERIC && value)
            text_decimal_comma(value);
        wl[j] = wbuf + j * 256;
    }
    struct table *t = NULL;
    size_t nbars = WATERFALL_BARS < m ? WATERFALL_BARS : m;
    char nb[32], oth[1024], title[512];
    snprintf(nb, sizeof nb, "%zu", m - nbars);
    /* "{n}" in the label is the number of features folded together. */
    snprintf(oth, sizeof oth, "%s", f->others);
    if (!rc)
        rc = textref_arg_text(oth, sizeof oth, "n", nb, e);
    if (!rc)
        rc = explain_fig_waterfall(r->phi + f->test[top] * m, m, r->base, nbars, wl, oth, &t, e);
    struct kv *v = rc ? NULL : kv_alloc();
    if (!rc && !v)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    snprintf(title, sizeof title, "%s", f->t_wf);
    if (!rc)
        rc = textref_arg_text(title, sizeof title, "id", d->id[f->test[top]], e);
    rc = set_titles(v, rc, title, f->xphi, e);
    if (!rc)
        rc = kv_set_double(v, "base_value", r->base, e);
    if (!rc)
        rc = kv_set_double(v, "output_value", r->output[f->test[top]], e);
    if (!rc)
        rc = kv_set_str(v, "base_label", f->base_l, e);
    if (!rc)
        rc = kv_set_str(v, "output_label", f->out_l, e);
    free(wl);
    free(wbuf);
    return write_fig(f->dir, fig_names[6], t, v, rc, e);
}

/* The text of the figures: references to explain.* of the text file. */
static int figs_text(struct figs *f, const char *sp, struct err *e)
{
    char path[256];
    int rc = 0;
    struct textrefs *t = &f->refs;
    snprintf(path, sizeof path, "axes.phi_%s", sp);
    f->xphi = lab(t, path, &rc, e);
    snprintf(path, sizeof path, "axes.mean_abs_%s", sp);
    f->xmean = lab(t, path, &rc, e);
    f->t_bee = lab(t, "titles.beeswarm", &rc, e);
    f->t_bar = lab(t, "titles.bar", &rc, e);
    f->t_dep = lab(t, "titles.dependence", &rc, e);
    f->t_wf = lab(t, "titles.waterfall", &rc, e);
    f->low = lab(t, "axes.low", &rc, e);
    f->high = lab(t, "axes.high", &rc, e);
    f->xval = lab(t, "axes.value", &rc, e);
    f->cat = lab(t, "axes.category", &rc, e);
    f->base_l = lab(t, "axes.base", &rc, e);
    f->out_l = lab(t, "axes.output", &rc, e);
    f->others = lab(t, "axes.others", &rc, e);
    return rc;
}

static int write_figures(const char *dir, const struct schema *s, const struct pipe_data *d, const struct pipeline *pipe,
                         const struct explain_result *r, const size_t *test, size_t nt,
                         const struct explain_importance *im, size_t show, struct err *e)
{
    size_t m = d->nfeat;
    struct figs f = {.dir = dir, .d = d, .pipe = pipe, .r = r, .test = test, .nt = nt, .m = m,
                     .show = show > m ? m : show, .im = im};
    f.labels = calloc(m ? m : 1, sizeof *f.labels);
    f.phi = malloc((nt && m ? nt * m : 1) * sizeof *f.phi);
    f.val = malloc((nt && m ? nt * m : 1) * sizeof *f.val);
    int rc = f.labels && f.phi && f.val ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t j = 0; !rc && j < m; j++)
        if (!(f.labels[j] = textrefs_column(&f.refs, schema_key(s, d->spec[j].name), d->spec[j].name, e)))
            rc = e->code;
    for (size_t i = 0; !rc && i < nt; i++)
        for (size_t j = 0; j < m; j++) {
            int ordered;
            double c = feature_code(d, pipe->prep, j, test[i], &ordered);
            f.phi[i * m + j] = r->phi[test[i] * m + j];
            f.val[i * m + j] = ordered ? c : NAN;
        }
    if (!rc)
        rc = figs_text(&f, explain_space_names[r->space], e);
    if (!rc)
        rc = fig_beeswarm(&f, e);
    if (!rc)
        rc = fig_bar(&f, e);
    for (size_t k = 0; !rc && k < NDEP; k++)
        rc = fig_dependence(&f, k, e);
    if (!rc)
        rc = fig_waterfall(&f, e);
    free(f.labels);
    free(f.phi);
    free(f.val);
    textrefs_free(&f.refs);
    return rc;
}

int explain_study_read(struct explain_study *st, const char *in, const char *model, const char *split,
                       struct err *e)
{
    int rc = pipe_read_data(in, st->s, 1, &st->t, &st->d, e);
    if (!rc)
        rc = pipeline_load(model, &st->pipe, e);
    if (!rc && (rc = pipeline_check_data(st->pipe, st->d, e)))
        err_prefix(e, "%s against %s: ", model, in);
    const struct pipe_data *d = st->d;
    if (!rc) {
        st->q = pipeline_nout(st->pipe);
        st->m = d->nfeat;
        st->is_test = calloc(d->n + 1, 1);
        st->test = malloc((d->n + 1) * sizeof *st->test);
        st->train = malloc((d->n + 1) * sizeof *st->train);
        st->X = malloc((d->n * st->q + 1) * sizeof *st->X);
        if (!st->is_test || !st->test || !st->train || !st->X)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    if (!rc)
        rc = split_file_read(split, d->id, d->n, in, SPLIT_EVERY_CUSTOMER, st->is_test, NULL, e);
    for (size_t i = 0; !rc && i < d->n; i++) {
        if (st->is_test[i])
            st->test[st->nt++] = i;
        else
            st->train[st->ntr++] = i;
    }
    if (!rc && (st->nt < 2 || st->ntr < 1))
        rc = err_set(e, ERR_DATA, "%s: expected training rows and at least 2 test rows, found %zu and %zu", split,
                     st->ntr, st->nt);
    /* Every customer through the pipeline's own transformer, once. */
    size_t q = st->q, nt = st->nt, ntr = st->ntr;
    if (!rc)
        rc = pipeline_transform(st->pipe, d, NULL, d->n, st->X, e);
    if (!rc && (!(st->Xtr = malloc((ntr * q + 1) * sizeof *st->Xtr)) ||
                !(st->Xte = malloc((nt * q + 1) * sizeof *st->Xte)) || !(st->yte = malloc((nt + 1) * sizeof *st->yte))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < ntr; i++)
        memcpy(st->Xtr + i * q, st->X + st->train[i] * q, q * sizeof *st->X);
    for (size_t i = 0; !rc && i < nt; i++) {
        memcpy(st->Xte + i * q, st->X + st->test[i] * q, q * sizeof *st->X);
        st->yte[i] = d->y[st->test[i]];
    }
    return rc;
}

/* Importance on the test customers: mean |phi|, direction, permutation drop, rank. */
static int importance(struct explain_study *st, struct err *e)
{
    struct explain_importance *im = &st->im;
    size_t m = st->m, nt = st->nt;
    im->mean_abs = calloc(m + 1, sizeof *im->mean_abs);
    im->perm_mean = calloc(m + 1, sizeof *im->perm_mean);
    im->perm_std = calloc(m + 1, sizeof *im->perm_std);
    im->direction = calloc(m + 1, sizeof *im->direction);
    im->rank = calloc(m + 1, sizeof *im->rank);
    im->order = calloc(m + 1, sizeof *im->order);
    int rc = 0;
    if (!im->mean_abs || !im->perm_mean || !im->perm_std || !im->direction || !im->rank || !im->order)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    double *v = NULL, *ph = NULL;
    if (!rc && (!(v = malloc(nt * sizeof *v)) || !(ph = malloc(nt * sizeof *ph))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t j = 0; !rc && j < m; j++) {
        int ordered = 1;
        for (size_t i = 0; i < nt; i++) {
            ph[i] = st->r->phi[st->test[i] * m + j];
            v[i] = feature_code(st->d, st->pipe->prep, j, st->test[i], &ordered);
            im->mean_abs[j] += fabs(ph[i]);
        }
        im->mean_abs[j] /= (double)nt;
        /* An unordered category has no "higher value": no direction. */
        im->direction[j] = ordered ? explain_direction(v, ph, nt, 1) : 0;
    }
    free(v);
    free(ph);
    if (!rc)
        rc = explain_permutation(st->pipe, st->Xte, st->yte, nt, (size_t)st->su.n_repeats, (unsigned long)st->su.seed,
                                 &im->test_auc, im->perm_mean, im->perm_std, e);
    if (!rc)
        explain_rank(im->mean_abs, m, im->rank, im->order);
    return rc;
}

/* KernelSHAP samples coalitions when they do not all fit its budget: on the
 * first kernel_check test customers, the same explanation with every
 * coalition (the exact Shapley values of the same value function) measures
 * what the sampling costs. Up to 20 features (2^20 coalitions). */
static int kernel_check(struct explain_study *st, const struct explain_opts *eo, struct err *e)
{
    size_t n = (size_t)st->su.kernel_check < st->nt ? (size_t)st->su.kernel_check : st->nt, m = st->m, q = st->q;
    if (st->r->kind != EXPLAIN_KERNEL || n == 0 || m > 20)
        return ERR_OK;
    struct explain_opts all = *eo;
    all.kind = EXPLAIN_KERNEL;
    all.budget = ((size_t)1 << m) - 2;
    if (all.budget <= eo->budget) /* every coalition fitted already: exact */
        all.budget = eo->budget;
    double *X = malloc((n * q + 1) * sizeof *X);
    struct explain_result *x = NULL;
    int rc = X ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        memcpy(X + i * q, st->X + st->test[i] * q, q * sizeof *X);
    if (!rc)
        rc = explain_rows(st->pipe, X, n, st->Xtr, st->ntr, &all, &x, e);
    double sum = 0, max = 0, scale = 0;
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t j = 0; j < m; j++) {
            double d = fabs(st->r->phi[st->test[i] * m + j] - x->phi[i * m + j]);
            sum += d;
            max = d > max ? d : max;
            scale += fabs(x->phi[i * m + j]);
        }
    if (!rc)
        st->check.n = n, st->check.coalitions = all.budget, st->check.mean_abs_error = sum / (double)(n * m),
        st->check.max_abs_error = max, st->check.mean_abs_phi = scale / (double)(n * m);
    explain_result_free(x);
    free(X);
    return rc;
}

int explain_study_run(struct explain_study *st, struct err *e)
{
    const struct explain_setup *su = &st->su;
    struct explain_opts eo = {.kind = (enum explain_kind)su->explainer, .background_k = (size_t)su->background_k,
                              .budget = (size_t)su->budget, .seed = (unsigned long)su->seed,
                              .threads = (int)su->threads};
    int rc = explain_rows(st->pipe, st->X, st->d->n, st->Xtr, st->ntr, &eo, &st->r, e);
    if (!rc)
        rc = kernel_check(st, &eo, e);
    return rc ? rc : importance(st, e);
}

/* explain.kv: the explainer, additivity, the top features, the counts. */
static int write_kv(const struct explain_study *st, const char *path, struct err *e)
{
    const struct explain_result *r = st->r;
    size_t nt = st->nt, m = st->m;
    double gap_test = 0, mean_out = 0;
    for (size_t i = 0; i < nt; i++) {
        double g = fabs(r->gap[st->test[i]]);
        gap_test = g > gap_test ? g : gap_test;
        mean_out += r->output[st->test[i]] / (double)nt;
    }
    struct kv *kv = kv_alloc();
    int rc = kv ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    char key[64];
    if (!rc)
        rc = kv_set_str(kv, "explainer", explain_kind_names[r->kind], e);
    if (!rc)
        rc = kv_set_str(kv, "space", explain_space_names[r->space], e);
    if (!rc)
        rc = kv_set_str(kv, "family", pipeline_family_names[st->pipe->cfg.family], e);
    if (!rc)
        rc = kv_set_double(kv, "max_additivity_gap", r->max_gap, e);
    if (!rc)
        rc = kv_set_double(kv, "max_additivity_gap_test", gap_test, e);
    for (size_t k = 0; !rc && k < NTOP_KV; k++) {
        snprintf(key, sizeof key, "top%zu", k + 1);
        rc = kv_set_str(kv, key, k < m ? st->d->spec[st->im.order[k]].name : "", e);
    }
    const struct {
        const char *key;
        double x;
        int is_long;
    } rows[] = {
        {"n_explained", (double)r->n, 1},
        {"n_test", (double)nt, 1},
        {"n_features", (double)m, 1},
        {"base", r->base, 0},
        {"mean_output_test", mean_out, 0},
        {"n_background", (double)r->nbackground, 1},
        {"kernel_budget", r->kind == EXPLAIN_KERNEL ? (double)st->su.budget : 0, 1},
        {"test_roc_auc", st->im.test_auc, 0},
        {"n_repeats", (double)st->su.n_repeats, 1},
        {"n_driver_rows", (double)st->n_drivers, 1},
        {"kernel_check_n", (double)st->check.n, 1},
        {"kernel_check_coalitions", (double)st->check.coalitions, 1},
        {"kernel_check_mean_abs_error", st->check.mean_abs_error, 0},
        {"kernel_check_max_abs_error", st->check.max_abs_error, 0},
        {"kernel_check_mean_abs_phi", st->check.mean_abs_phi, 0},
        {"kernel_check_relative_error",
         st->check.mean_abs_phi > 0 ? st->check.mean_abs_error / st->check.mean_abs_phi : 0, 0},
    };
    for (size_t k = 0; !rc && k < sizeof rows / sizeof *rows; k++)
        rc = rows[k].is_long ? kv_set_long(kv, rows[k].key, (long)rows[k].x, e)
                             : kv_set_double(kv, rows[k].key, rows[k].x, e);
    if (!rc)
        rc = kv_write(kv, path, e);
    kv_free(kv);
    return rc;
}

int explain_study_write(struct explain_study *st, const char *out, const char *figures, const char *kv_path,
                        struct err *e)
{
    char path[4096];
    int rc = write_shap(cli_path(path, sizeof path, out, "shap.tsv"), st->d, st->r, e);
    if (!rc)
        rc = write_drivers(cli_path(path, sizeof path, out, "drivers.tsv"), st->d, st->r, (size_t)st->su.top_k,
                           &st->n_drivers, e);
    if (!rc)
        rc = write_importance(cli_path(path, sizeof path, out, "importance.tsv"), st->d, &st->im, e);
    if (!rc)
        rc = write_figures(figures, st->s, st->d, st->pipe, st->r, st->test, st->nt, &st->im, (size_t)st->su.show, e);
    if (!rc)
        rc = write_kv(st, kv_path, e);
    return rc;
}

void explain_study_free(struct explain_study *st)
{
    struct explain_importance *im = &st->im;
    FREE_ALL(im->mean_abs, im->perm_mean, im->perm_std, im->direction, im->rank, im->order);
    explain_result_free(st->r);
    FREE_ALL(st->yte, st->Xte, st->Xtr, st->X, st->train, st->test, st->is_test);
    pipeline_free(st->pipe);
    pipe_data_free(st->d);
    table_free(st->t);
}
