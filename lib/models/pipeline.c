#include "models/pipeline.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/pipeline_model.h"

const char *const pipeline_family_names[PIPE_NFAMILY + 1] = {"knn", "tree", "logreg", "svc", NULL};
const char *const pipeline_scaler_names[5] = {"passthrough", "standard", "minmax", "robust", NULL};
static const char *const kernel_names[] = {"linear", "poly", "rbf", "sigmoid", NULL};

/* ---- the configuration ---------------------------------------------------- */

void pipeline_config_default(struct pipe_config *c, enum pipe_family f)
{
    memset(c, 0, sizeof *c);
    c->family = f;
    c->scaler = PREP_STANDARD;
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
}

static int word(const char *const *words, const char *s)
{
    for (int i = 0; words[i]; i++)
        if (strcmp(words[i], s) == 0)
            return i;
    return -1;
}

static int is_none(const char *v)
{
    return !strcmp(v, "none") || !strcmp(v, "None") || !strcmp(v, "null") || !strcmp(v, "~");
}

static int bad(const struct pipe_config *c, const char *key, const char *want, const char *v, struct err *e)
{
    return err_set(e, ERR_PARAMS, "%s %s: expected %s, found \"%s\"", pipeline_family_names[c->family], key, want,
                   v);
}

static int get_long(const struct pipe_config *c, const char *key, const char *v, long lo, long hi, long *out,
                    struct err *e)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi) {
        char want[96];
        snprintf(want, sizeof want, "an integer in [%ld, %ld]", lo, hi);
        return bad(c, key, want, v, e);
    }
    *out = x;
    return 0;
}

static int get_double(const struct pipe_config *c, const char *key, const char *v, double lo, int lo_open,
                      double *out, struct err *e)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || x < lo || (lo_open && x == lo)) {
        char want[96];
        snprintf(want, sizeof want, "a number %s %g", lo_open ? ">" : ">=", lo);
        return bad(c, key, want, v, e);
    }
    *out = x;
    return 0;
}

static int get_bool(const struct pipe_config *c, const char *key, const char *v, int *out, struct err *e)
{
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "0"))
        *out = 0;
    else
        return bad(c, key, "true or false", v, e);
    return 0;
}

static int get_class_weight(const struct pipe_config *c, const char *v, int *out, struct err *e)
{
    if (is_none(v))
        *out = 0;
    else if (!strcmp(v, "balanced"))
        *out = 1;
    else
        return bad(c, "class_weight", "none or balanced", v, e);
    return 0;
}

int pipeline_config_set(struct pipe_config *c, const char *key, const char *v, struct err *e)
{
    long l = 0;
    int rc = 0, i;
    if (!strcmp(key, "scaler")) {
        if ((i = word(pipeline_scaler_names, v)) < 0)
            return bad(c, key, "passthrough, standard, minmax or robust", v, e);
        c->scaler = (enum prep_scaler)i;
        return 0;
    }
    if (!strcmp(key, "drop_first"))
        return get_bool(c, key, v, &c->drop_first, e);
    if (!strcmp(key, "random_state") && (c->family == PIPE_TREE || c->family == PIPE_SVC)) {
        rc = get_long(c, key, v, 0, LONG_MAX, &l, e);
        c->seed = (unsigned long)l;
        return rc;
    }
    switch (c->family) {
    case PIPE_KNN:
        if (!strcmp(key, "n_neighbors")) {
            rc = get_long(c, key, v, 1, 1000000, &l, e);
            c->knn.n_neighbors = (size_t)l;
        } else if (!strcmp(key, "weights")) {
            rc = knn_weights_parse(v, &c->knn.weights, e);
        } else if (!strcmp(key, "p")) {
            rc = get_long(c, key, v, 1, 2, &l, e);
            c->knn.p = (int)l;
        } else
            break;
        return rc;
    case PIPE_TREE:
        if (!strcmp(key, "criterion")) {
            if (!strcmp(v, "gini"))
                c->cart.criterion = CART_GINI;
            else if (!strcmp(v, "entropy") || !strcmp(v, "log_loss"))
                c->cart.criterion = CART_ENTROPY;
            else
                return bad(c, key, "gini or entropy", v, e);
        } else if (!strcmp(key, "max_depth")) {
            if (is_none(v))
                c->cart.max_depth = 0;
            else if (!(rc = get_long(c, key, v, 1, 100000, &l, e)))
                c->cart.max_depth = (size_t)l;
        } else if (!strcmp(key, "min_samples_split")) {
            rc = get_long(c, key, v, 2, 100000000, &l, e);
            c->cart.min_samples_split = (size_t)l;
        } else if (!strcmp(key, "min_samples_leaf")) {
            rc = get_long(c, key, v, 1, 100000000, &l, e);
            c->cart.min_samples_leaf = (size_t)l;
        } else if (!strcmp(key, "max_features")) {
            rc = cart_max_features_parse(v, &c->cart, e);
        } else if (!strcmp(key, "class_weight")) {
            rc = get_class_weight(c, v, &c->cart.class_weight_balanced, e);
        } else
            break;
        return rc;
    case PIPE_LOGREG:
        if (!strcmp(key, "penalty")) {
            if (!strcmp(v, "l1") || !strcmp(v, "l2"))
                c->logreg.l1 = v[1] == '1';
            else
                return bad(c, key, "l1 or l2", v, e);
        } else if (!strcmp(key, "C")) {
            rc = get_double(c, key, v, 0.0, 1, &c->logreg.C, e);
        } else if (!strcmp(key, "class_weight")) {
            rc = get_class_weight(c, v, &c->logreg.balanced, e);
        } else
            break;
        return rc;
    case PIPE_SVC:
        if (!strcmp(key, "kernel")) {
            if ((i = word(kernel_names, v)) < 0)
                return bad(c, key, "linear, poly, rbf or sigmoid", v, e);
            c->svc.kernel = (enum pipe_svc_kernel)i;
        } else if (!strcmp(key, "C")) {
            rc = get_double(c, key, v, 0.0, 1, &c->svc.C, e);
        } else if (!strcmp(key, "gamma")) {
            if (!strcmp(v, "scale"))
                c->svc.gamma_mode = PIPE_GAMMA_SCALE;
            else if (!strcmp(v, "auto"))
                c->svc.gamma_mode = PIPE_GAMMA_AUTO;
            else if (!(rc = get_double(c, key, v, 0.0, 1, &c->svc.gamma, e)))
                c->svc.gamma_mode = PIPE_GAMMA_VALUE;
            else
                return bad(c, key, "scale, auto or a number > 0", v, e);
        } else if (!strcmp(key, "degree")) {
            rc = get_long(c, key, v, 1, 10, &l, e);
            c->svc.degree = (int)l;
        } else if (!strcmp(key, "coef0")) {
            rc = get_double(c, key, v, -HUGE_VAL, 0, &c->svc.coef0, e);
        } else if (!strcmp(key, "class_weight")) {
            rc = get_class_weight(c, v, &c->svc.balanced, e);
        } else
            break;
        return rc;
    default:
        break;
    }
    return err_set(e, ERR_PARAMS, "%s: expected a hyperparameter of the family, found \"%s\"",
                   pipeline_family_names[c->family], key);
}

/* The shortest of %.15g, %.16g, %.17g that reads back to the same double. */
static void fmt_real(char *buf, size_t size, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

int pipeline_config_format(const struct pipe_config *c, char *buf, size_t size)
{
    char a[40], b[40];
    int n = snprintf(buf, size, "scaler=%s drop_first=%s", pipeline_scaler_names[c->scaler],
                     c->drop_first ? "true" : "false");
    size_t used = n > 0 ? (size_t)n : 0;
    char *p = used < size ? buf + used : NULL;
    size_t left = used < size ? size - used : 0;
    int m = 0;
    switch (c->family) {
    case PIPE_KNN:
        m = snprintf(p, left, " n_neighbors=%zu weights=%s p=%d", c->knn.n_neighbors,
                     c->knn.weights == KNN_DISTANCE ? "distance" : "uniform", c->knn.p);
        break;
    case PIPE_TREE: {
        const struct cart_params *t = &c->cart;
        if (t->max_features == CART_MF_INT)
            snprintf(a, sizeof a, "%zu", t->max_features_n);
        else if (t->max_features == CART_MF_FRACTION)
            fmt_real(a, sizeof a, t->max_features_frac);
        else
            snprintf(a, sizeof a, "%s", t->max_features == CART_MF_SQRT ? "sqrt"
                                        : t->max_features == CART_MF_LOG2 ? "log2"
                                                                          : "none");
        if (t->max_depth)
            snprintf(b, sizeof b, "%zu", t->max_depth);
        else
            snprintf(b, sizeof b, "none");
        m = snprintf(p, left,
                     " criterion=%s max_depth=%s min_samples_split=%zu min_samples_leaf=%zu max_features=%s "
                     "class_weight=%s random_state=%lu",
                     t->criterion == CART_ENTROPY ? "entropy" : "gini", b, t->min_samples_split,
                     t->min_samples_leaf, a, t->class_weight_balanced ? "balanced" : "none", c->seed);
        break;
    }
    case PIPE_LOGREG:
        fmt_real(a, sizeof a, c->logreg.C);
        m = snprintf(p, left, " penalty=%s C=%s class_weight=%s", c->logreg.l1 ? "l1" : "l2", a,
                     c->logreg.balanced ? "balanced" : "none");
        break;
    case PIPE_SVC:
        fmt_real(a, sizeof a, c->svc.C);
        if (c->svc.gamma_mode == PIPE_GAMMA_VALUE)
            fmt_real(b, sizeof b, c->svc.gamma);
        else
            snprintf(b, sizeof b, "%s", c->svc.gamma_mode == PIPE_GAMMA_AUTO ? "auto" : "scale");
        {
            char c0[40];
            fmt_real(c0, sizeof c0, c->svc.coef0);
            m = snprintf(p, left, " kernel=%s C=%s gamma=%s degree=%d coef0=%s class_weight=%s random_state=%lu",
                         kernel_names[c->svc.kernel], a, b, c->svc.degree, c0,
                         c->svc.balanced ? "balanced" : "none", c->seed);
        }
        break;
    default:
        break;
    }
    return (int)used + (m > 0 ? m : 0);
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
    if (!d)
        return;
    free(d->spec);
    free(d->in);
    free(d->y);
    free(d);
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
    knn_free(p->knn);
    tree_free(p->tree);
    pipe_model_free(p);
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
    int rc = 0;
    if (!p || !spec || !y)
        rc = err_set(e, ERR_NOMEM, "out of memory");
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
    if (!rc) {
        size_t m = p->prep->nout;
        switch (c->family) {
        case PIPE_KNN:
            rc = knn_fit(X, y, nrows, m, &c->knn, &p->knn, e);
            break;
        case PIPE_TREE: {
            struct cart_params cp = c->cart;
            cp.seed = c->seed;
            rc = cart_fit(X, y, NULL, nrows, m, &cp, &p->tree, e);
            break;
        }
        default:
            rc = pipe_model_fit(p, X, y, nrows, m, probability, e);
            break;
        }
    }
    free(X);
    free(y);
    free(spec);
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
    switch (p->cfg.family) {
    case PIPE_KNN:
        return knn_predict_proba(p->knn, X, n, out, e);
    case PIPE_TREE:
        tree_predict_proba(p->tree, X, n, out);
        return 0;
    default:
        return pipe_model_score(p, X, n, kind, out, e);
    }
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
    return f == PIPE_LOGREG || f == PIPE_SVC ? 0.0 : 0.5;
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
