#include "core/mem.h"
#include "models/pipeline.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/family.h"
#include "models/split.h"

const char *const pipeline_scaler_names[5] = {"passthrough", "standard", "minmax", "robust", NULL};

/* ---- the configuration ---------------------------------------------------- */

void pipeline_config_default(struct pipe_config *c, enum pipe_family f)
{
    memset(c, 0, sizeof *c);
    c->family = f;
    c->scaler = pipe_families[f]->unscaled ? PREP_PASSTHROUGH : PREP_STANDARD;
    c->drop_first = 1;
    knn_params_default(&c->knn);
    cart_params_default(&c->cart);
    c->logreg.l1 = 0;
    c->logreg.C = 1.0;
    c->svc.kernel = PIPE_SVC_RBF;
    c->svc.C = 1.0;
    c->svc.gamma_mode = PIPE_GAMMA_SCALE;
    c->svc.gamma = 0.0;
    c->svc.degree = 3;
    c->svc.coef0 = 0.0;
    xgb_params_default(&c->xgb);
}

int pipeline_config_set(struct pipe_config *c, const char *key, const char *v, struct err *e)
{
    int i;
    if (!strcmp(key, "scaler")) {
        if ((i = pipe_param_word(pipeline_scaler_names, v)) < 0)
            return pipe_param_bad(c, key, "passthrough, standard, minmax or robust", v, e);
        c->scaler = (enum prep_scaler)i;
        return 0;
    }
    if (!strcmp(key, "drop_first"))
        return pipe_param_bool(c, key, v, &c->drop_first, e);
    if (!strcmp(key, "max_rows")) {
        long m;
        int rc = pipe_param_long(c, key, v, 1, LONG_MAX, &m, e);
        if (!rc)
            c->max_rows = (size_t)m;
        return rc;
    }
    int rc = pipe_families[c->family]->set(c, key, v, e);
    if (rc != PIPE_KEY_UNKNOWN)
        return rc;
    return err_set(e, ERR_PARAMS, "%s: expected a hyperparameter of the family, found \"%s\"",
                   pipeline_family_names[c->family], key);
}

int pipeline_config_format(const struct pipe_config *c, char *buf, size_t size)
{
    int n = snprintf(buf, size, "scaler=%s drop_first=%s", pipeline_scaler_names[c->scaler],
                     c->drop_first ? "true" : "false");
    size_t used = n > 0 ? (size_t)n : 0;
    char *p = used < size ? buf + used : NULL;
    size_t left = used < size ? size - used : 0;
    int m = pipe_families[c->family]->format(c, p, left);
    used += m > 0 ? (size_t)m : 0;
    if (c->max_rows) {
        p = used < size ? buf + used : NULL;
        left = used < size ? size - used : 0;
        m = snprintf(p, left, " max_rows=%zu", c->max_rows);
        used += m > 0 ? (size_t)m : 0;
    }
    return (int)used;
}

int pipeline_config_parse(struct pipe_config *c, const char *text, struct err *e)
{
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = 0;
    for (char *tok = strtok_r(copy, " ", &save); tok && !rc; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            rc = err_set(e, ERR_DATA, "expected key=value, found \"%s\"", tok);
            break;
        }
        *eq = '\0';
        rc = pipeline_config_set(c, tok, eq + 1, e);
    }
    free(copy);
    return rc;
}

/* ---- the rows ------------------------------------------------------------- */

int pipe_read_table(const char *path, const struct schema *s, struct table **out, struct err *e)
{
    size_t n = 2 + s->n_nominal + s->n_ordinal, k = 0;
    const char **names = calloc(n + 1, sizeof *names);
    if (!names)
        return err_set(e, ERR_NOMEM, "out of memory");
    names[k++] = s->id;
    names[k++] = s->target;
    for (size_t j = 0; j < s->n_nominal; j++)
        names[k++] = s->nominal[j];
    for (size_t j = 0; j < s->n_ordinal; j++)
        names[k++] = s->ordinal[j].column;
    int rc = table_read_tsv(path, names, out, e);
    free(names);
    return rc;
}

void pipe_data_free(struct pipe_data *d)
{
    if (d)
        FREE_ALL(d->spec, d->in, d->y, d);
}

/* The schema role of a column name; -1 when it is not a feature. */
static int role_of(const struct schema *s, const char *name, const struct schema_ordinal **ord)
{
    for (size_t j = 0; j < s->n_nominal; j++)
        if (!strcmp(s->nominal[j], name))
            return PREP_NOMINAL;
    for (size_t j = 0; j < s->n_ordinal; j++)
        if (!strcmp(s->ordinal[j].column, name)) {
            *ord = &s->ordinal[j];
            return PREP_ORDINAL;
        }
    for (size_t j = 0; j < s->n_numeric; j++)
        if (!strcmp(s->numeric[j], name))
            return PREP_NUMERIC;
    for (int r = 0; r < 2; r++)
        for (size_t j = 0; j < s->periods[r].n; j++)
            if (!strcmp(s->periods[r].wide[j], name))
                return PREP_NUMERIC;
    return -1;
}

int pipe_read_data(const char *path, const struct schema *s, int with_target, struct table **t,
                   struct pipe_data **d, struct err *e)
{
    *d = NULL;
    int rc = pipe_read_table(path, s, t, e);
    if (!rc && (rc = pipe_data_from_table(*t, s, with_target, d, e)))
        err_prefix(e, "%s: ", path);
    return rc;
}

int pipe_data_from_table(const struct table *t, const struct schema *s, int with_target,
                         struct pipe_data **out, struct err *e)
{
    *out = NULL;
    long idc = table_find(t, s->id), tc = table_find(t, s->target);
    if (idc < 0 || t->cols[idc].type != COL_STR)
        return err_set(e, ERR_DATA, "expected an id column \"%s\" of text", s->id);
    if (with_target && (tc < 0 || t->cols[tc].type != COL_STR))
        return err_set(e, ERR_DATA, "expected a target column \"%s\" of text", s->target);
    /* Every feature the schema names must be there, whatever the table's order. */
    size_t want = s->n_nominal + s->n_ordinal + s->n_numeric + s->periods[0].n + s->periods[1].n;
    struct pipe_data *d = calloc(1, sizeof *d);
    if (!d || !(d->spec = calloc(want + 1, sizeof *d->spec)) || !(d->in = calloc(want + 1, sizeof *d->in))) {
        pipe_data_free(d);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    d->n = t->nrows;
    d->id = t->cols[idc].str;
    int rc = 0;
    for (size_t j = 0; j < t->ncols && !rc; j++) {
        const struct schema_ordinal *ord = NULL;
        int role = role_of(s, t->cols[j].name, &ord);
        if (role < 0)
            continue;
        struct prep_spec *sp = &d->spec[d->nfeat];
        sp->name = t->cols[j].name;
        sp->role = (enum prep_role)role;
        sp->scaler = PREP_PASSTHROUGH;
        sp->drop_first = 1;
        if (ord) {
            sp->order = ord->levels;
            sp->norder = ord->n_levels;
        }
        enum col_type need = role == PREP_NUMERIC ? COL_NUM : COL_STR;
        if (t->cols[j].type != need)
            rc = err_set(e, ERR_DATA, "column \"%s\": expected %s values, found %s", t->cols[j].name,
                         need == COL_NUM ? "numeric" : "text", need == COL_NUM ? "text" : "numbers");
        if (need == COL_NUM)
            d->in[d->nfeat].num = t->cols[j].num;
        else
            d->in[d->nfeat].str = (const char *const *)t->cols[j].str;
        d->nfeat++;
    }
    if (!rc && d->nfeat != want)
        rc = err_set(e, ERR_DATA, "expected the %zu feature columns the schema names, found %zu", want, d->nfeat);
    if (!rc && with_target) {
        if (!(d->y = malloc((t->nrows ? t->nrows : 1) * sizeof *d->y)))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; !rc && i < t->nrows; i++) {
            const char *v = t->cols[tc].str[i];
            if (v && !strcmp(v, s->positive))
                d->y[i] = 1;
            else if (v && !strcmp(v, s->negative))
                d->y[i] = 0;
            else
                rc = err_set(e, ERR_DATA, "row %zu: expected a target label \"%s\" or \"%s\", found \"%s\"", i + 1,
                             s->positive, s->negative, v ? v : "");
        }
    }
    if (rc) {
        pipe_data_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* ---- fit and predict ------------------------------------------------------ */

void pipeline_free(struct pipeline *p)
{
    if (!p)
        return;
    prep_free(p->prep);
    calib_free(p->calib);
    pipe_families[p->cfg.family]->free(p);
    free(p);
}

size_t pipeline_nout(const struct pipeline *p)
{
    return p->prep->nout;
}

int pipeline_transform(const struct pipeline *p, const struct pipe_data *d, const size_t *rows, size_t nrows,
                       double *X, struct err *e)
{
    return prep_transform(p->prep, d->in, rows, nrows, X, e);
}

int pipeline_fit(const struct pipe_data *d, const size_t *rows, size_t nrows, const struct pipe_config *c,
                 int probability, struct pipeline **out, struct err *e)
{
    *out = NULL;
    if (!d->y)
        return err_set(e, ERR_DATA, "expected labelled rows to fit on");
    if (nrows == 0)
        return err_set(e, ERR_DATA, "expected rows to fit on, found none");
    struct pipeline *p = calloc(1, sizeof *p);
    struct prep_spec *spec = malloc(d->nfeat * sizeof *spec);
    int *y = malloc(nrows * sizeof *y);
    double *X = NULL;
    size_t *kept = NULL;
    int rc = 0;
    if (!p || !spec || !y)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    /* A cap that binds: the same rows for every candidate (split_subsample). */
    if (!rc && c->max_rows && nrows > c->max_rows) {
        if (!(kept = malloc(c->max_rows * sizeof *kept)))
            rc = err_set(e, ERR_NOMEM, "out of memory");
        if (!rc)
            rc = split_subsample(rows, nrows, d->y, c->max_rows, kept, &nrows, e);
        rows = kept;
    }
    if (!rc) {
        p->cfg = *c;
        /* The scaler is for the numeric features; ordinal codes stay codes. */
        for (size_t j = 0; j < d->nfeat; j++) {
            spec[j] = d->spec[j];
            spec[j].scaler = spec[j].role == PREP_NUMERIC ? c->scaler : PREP_PASSTHROUGH;
            spec[j].drop_first = c->drop_first;
        }
        rc = prep_fit(spec, d->nfeat, d->in, rows, nrows, &p->prep, e);
    }
    if (!rc && !(X = malloc(nrows * (p->prep->nout ? p->prep->nout : 1) * sizeof *X)))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = prep_transform(p->prep, d->in, rows, nrows, X, e);
    for (size_t i = 0; !rc && i < nrows; i++)
        y[i] = d->y[rows ? rows[i] : i];
    if (!rc)
        rc = pipe_families[c->family]->fit(p, X, y, nrows, p->prep->nout, probability, e);
    free(X);
    free(y);
    free(spec);
    free(kept);
    if (rc) {
        pipeline_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* Transform the rows and score them with kind 0 = probability, 1 = decision. */
static int score(const struct pipeline *p, const struct pipe_data *d, const size_t *rows, size_t nrows, int kind,
                 double *out, struct err *e)
{
    if (nrows == 0)
        return 0;
    double *X = malloc(nrows * (p->prep->nout ? p->prep->nout : 1) * sizeof *X);
    if (!X)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = prep_transform(p->prep, d->in, rows, nrows, X, e);
    if (!rc)
        rc = pipeline_score_transformed(p, X, nrows, kind, out, e);
    free(X);
    return rc;
}

int pipeline_score_transformed(const struct pipeline *p, const double *X, size_t n, int kind, double *out,
                               struct err *e)
{
    if (n == 0)
        return 0;
    /* Calibrated: the map from the ranking score (as CalibratedClassifierCV). */
    int rc = pipe_families[p->cfg.family]->score(p, X, n, p->calib && kind == 0 ? 1 : kind, out, e);
    for (size_t i = 0; !rc && p->calib && kind == 0 && i < n; i++)
        out[i] = calib_apply(p->calib, out[i]);
    return rc;
}

int pipeline_predict_proba(const struct pipeline *p, const struct pipe_data *d, const size_t *rows,
                           size_t nrows, double *out, struct err *e)
{
    return score(p, d, rows, nrows, 0, out, e);
}

int pipeline_decision(const struct pipeline *p, const struct pipe_data *d, const size_t *rows, size_t nrows,
                      double *out, struct err *e)
{
    return score(p, d, rows, nrows, 1, out, e);
}

double pipeline_threshold(enum pipe_family f)
{
    return pipe_families[f]->threshold;
}

int pipeline_check_data(const struct pipeline *p, const struct pipe_data *d, struct err *e)
{
    const struct prep *pr = p->prep;
    if (pr->nfeat != d->nfeat)
        return err_set(e, ERR_DATA, "expected the %zu features the pipeline was fitted on, found %zu", pr->nfeat,
                       d->nfeat);
    for (size_t j = 0; j < pr->nfeat; j++)
        if (strcmp(pr->feat[j].name, d->spec[j].name) || pr->feat[j].role != d->spec[j].role)
            return err_set(e, ERR_DATA, "feature %zu: expected \"%s\" as the pipeline was fitted, found \"%s\"",
                           j + 1, pr->feat[j].name, d->spec[j].name);
    return 0;
}
