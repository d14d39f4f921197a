/* logreg: binary logistic regression over liblinear (see logreg.h). */
#include "core/fileio.h"
#include "models/logreg.h"
#include "stats/stats.h"

#include <errno.h>
#include <limits.h>
#include <linear.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/outfile.h"
#include "core/textio.h"

/* liblinear prints progress to stdout by default; lib/ never prints. */
static void quiet(const char *s)
{
    (void)s;
}

void logreg_params_default(struct logreg_params *prm)
{
    memset(prm, 0, sizeof *prm);
    prm->penalty = LOGREG_L2;
    prm->C = 1.0;
    prm->class_weight_balanced = 0;
    prm->tol = 1e-4;
    prm->fit_intercept = 1;
    prm->max_iter = 100;
    prm->seed = 0;
}

void logreg_free(struct logreg *m)
{
    if (!m)
        return;
    free(m->coef);
    free(m);
}

static struct logreg *model_alloc(size_t p)
{
    struct logreg *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->p = p;
    if ((m->coef = calloc(p ? p : 1, sizeof *m->coef)))
        return m;
    free(m);
    return NULL;
}

static int check_params(const struct logreg_params *prm, struct err *e)
{
    if (prm->penalty != LOGREG_L2 && prm->penalty != LOGREG_L1)
        return err_set(e, ERR_PARAMS, "logreg: expected penalty l1 or l2, found %d", (int)prm->penalty);
    if (!(prm->C > 0) || !isfinite(prm->C))
        return err_set(e, ERR_PARAMS, "logreg: expected C > 0, found %g", prm->C);
    if (!(prm->tol > 0) || !isfinite(prm->tol))
        return err_set(e, ERR_PARAMS, "logreg: expected tol > 0, found %g", prm->tol);
    return ERR_OK;
}

/* The liblinear problem built from a dense matrix: one block of feature_nodes
 * holding every row's non-zero entries, the bias node and the terminator. */
struct lin_data {
    struct problem prob;
    struct feature_node *nodes;
};

static void lin_data_free(struct lin_data *d)
{
    free(d->prob.x);
    free(d->prob.y);
    free(d->nodes);
}

static int lin_data_build(const double *X, const int *y, size_t n, size_t p, int bias, struct lin_data *d,
                          struct err *e)
{
    memset(d, 0, sizeof *d);
    size_t nnz = 0;
    for (size_t i = 0; i < n * p; i++) {
        if (!isfinite(X[i]))
            return err_set(e, ERR_DATA, "logreg: row %zu, column %zu: expected a finite number, found %g", i / p,
                           i % p, X[i]);
        nnz += X[i] != 0.0;
    }
    size_t per_row_extra = (bias ? 1 : 0) + 1;
    d->nodes = malloc((nnz + n * per_row_extra) * sizeof *d->nodes);
    d->prob.x = malloc(n * sizeof *d->prob.x);
    d->prob.y = malloc(n * sizeof *d->prob.y);
    if (!d->nodes || !d->prob.x || !d->prob.y) {
        lin_data_free(d);
        return err_set(e, ERR_NOMEM, "logreg: out of memory for %zu x %zu data", n, p);
    }
    struct feature_node *nd = d->nodes;
    for (size_t i = 0; i < n; i++) {
        d->prob.x[i] = nd;
        /* Zeros are skipped, as sklearn's dense-to-sparse helper does: the
         * products liblinear sums are then the same ones, in the same order. */
        for (size_t j = 0; j < p; j++)
            if (X[i * p + j] != 0.0)
                *nd++ = (struct feature_node){(int)j + 1, X[i * p + j]};
        if (bias)
            *nd++ = (struct feature_node){(int)p + 1, 1.0};
        *nd++ = (struct feature_node){-1, 0.0};
        /* +1 for the positive class: liblinear 2.3 then makes it label[0],
         * the class its w scores (it swaps a -1-first pair to put +1 first). */
        d->prob.y[i] = y[i] ? 1.0 : -1.0;
    }
    d->prob.l = (int)n;
    d->prob.n = (int)p + (bias ? 1 : 0);
    /* With intercept_scaling 1, sklearn hands liblinear bias = 1: the
     * constant is an ordinary, penalized feature. */
    d->prob.bias = bias ? 1.0 : -1.0;
    return ERR_OK;
}

int logreg_fit(const double *X, const int *y, size_t n, size_t p, const struct logreg_params *prm,
               struct logreg **out, struct err *e)
{
    *out = NULL;
    int rc = check_params(prm, e);
    if (rc)
        return rc;
    if (n == 0 || p == 0 || n > (size_t)INT32_MAX / 2 || p > (size_t)INT32_MAX / 2)
        return err_set(e, ERR_DATA, "logreg: expected a non-empty design matrix, found %zu x %zu", n, p);
    size_t npos = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return err_set(e, ERR_DATA, "logreg: row %zu: expected label 0 or 1, found %d", i, y[i]);
        npos += (size_t)y[i];
    }
    if (npos == 0 || npos == n)
        return err_set(e, ERR_DATA, "logreg: expected both classes in y, found only class %d", npos ? 1 : 0);

    struct lin_data d;
    rc = lin_data_build(X, y, n, p, prm->fit_intercept, &d, e);
    if (rc)
        return rc;

    /* sklearn's class_weight='balanced': w_c = n / (n_classes * n_c). */
    int wlabel[2] = {1, -1};
    double wval[2] = {(double)n / (2.0 * (double)npos), (double)n / (2.0 * (double)(n - npos))};
    struct parameter par;
    memset(&par, 0, sizeof par);
    par.solver_type = prm->penalty == LOGREG_L1 ? L1R_LR : L2R_LR;
    par.eps = prm->tol;
    par.C = prm->C;
    par.nr_weight = prm->class_weight_balanced ? 2 : 0;
    par.weight_label = prm->class_weight_balanced ? wlabel : NULL;
    par.weight = prm->class_weight_balanced ? wval : NULL;
    par.p = 0.1;
    par.init_sol = NULL;

    const char *msg = check_parameter(&d.prob, &par);
    if (msg) {
        lin_data_free(&d);
        return err_set(e, ERR_PARAMS, "logreg: liblinear rejects the parameters: %s", msg);
    }
    set_print_string_function(quiet);
    /* liblinear's l1 solver shuffles coordinates with rand(): seed it here so a
     * fit is reproducible (the only use of the C generator in this module).
     * Only then: an l2 fit draws nothing, and reseeding would disturb an l1 fit
     * drawing in another thread (callers serialise the l1 fits). */
    if (prm->penalty == LOGREG_L1)
        srand((unsigned)prm->seed);
    struct model *lm = train(&d.prob, &par);
    lin_data_free(&d);
    if (!lm)
        return err_set(e, ERR_NOMEM, "logreg: liblinear failed to allocate the model");

    struct logreg *m = model_alloc(p);
    if (!m) {
        free_and_destroy_model(&lm);
        return err_set(e, ERR_NOMEM, "logreg: out of memory for the model");
    }
    /* w scores label[0]; flip it if that is the negative class. */
    double sign = lm->label[0] == 1 ? 1.0 : -1.0;
    for (size_t j = 0; j < p; j++)
        m->coef[j] = sign * lm->w[j];
    m->intercept = prm->fit_intercept ? sign * lm->w[p] : 0.0;
    m->params = *prm;
    free_and_destroy_model(&lm);
    *out = m;
    return ERR_OK;
}

void logreg_decision(const struct logreg *m, const double *X, size_t n, double *dec)
{
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * m->p;
        double s = 0.0;
        for (size_t j = 0; j < m->p; j++)
            s += m->coef[j] * x[j];
        dec[i] = s + m->intercept;
    }
}

void logreg_predict_proba(const struct logreg *m, const double *X, size_t n, double *proba)
{
    logreg_decision(m, X, n, proba);
    for (size_t i = 0; i < n; i++)
        proba[i] = stats_expit(proba[i]);
}

/* ---- text model -------------------------------------------------------- */

int logreg_write(const struct logreg *m, FILE *fp, struct err *e)
{
    const struct logreg_params *q = &m->params;
    fprintf(fp, "logreg\t1\npenalty\t%s\nC\t%.17g\nclass_weight\t%s\ntol\t%.17g\nfit_intercept\t%d\n",
            q->penalty == LOGREG_L1 ? "l1" : "l2", q->C, q->class_weight_balanced ? "balanced" : "none", q->tol,
            q->fit_intercept ? 1 : 0);
    fprintf(fp, "max_iter\t%d\nseed\t%lu\np\t%zu\ncoef", q->max_iter, q->seed, m->p);
    for (size_t j = 0; j < m->p; j++)
        fprintf(fp, "\t%.17g", m->coef[j]);
    fprintf(fp, "\nintercept\t%.17g\nend\n", m->intercept);
    if (ferror(fp))
        return err_set(e, ERR_IO, "logreg: write failed: %s", strerror(errno));
    return ERR_OK;
}

static int write_cb(const void *obj, FILE *fp, struct err *e)
{
    return logreg_write(obj, fp, e);
}

int logreg_save(const struct logreg *m, const char *path, struct err *e)
{
    return fileio_save(path, write_cb, m, e);
}

/* "expected a or b": the value of a two-word setting (0 for a, 1 for b). */
static int rd_word(struct textio *r, const char *a, const char *b, int *which, struct err *e)
{
    if (strcmp(r->pos, a) == 0)
        *which = 0;
    else if (strcmp(r->pos, b) == 0)
        *which = 1;
    else
        return textio_fail(r, r->pos, e, "%s or %s", a, b);
    return ERR_OK;
}

static int rd_key_long(struct textio *r, const char *key, long lo, long hi, long *v, struct err *e)
{
    int rc = textio_key(r, key, e);
    return rc ? rc : textio_long(r, lo, hi, "", v, e);
}

static int read_body(struct textio *r, struct logreg **out, struct err *e)
{
    struct logreg_params q;
    logreg_params_default(&q);
    long v;
    int w, rc;
    if ((rc = rd_key_long(r, "logreg", 1, 1, &v, e)))
        return rc;
    if ((rc = textio_key(r, "penalty", e)) || (rc = rd_word(r, "l2", "l1", &w, e)))
        return rc;
    q.penalty = w ? LOGREG_L1 : LOGREG_L2;

    if ((rc = textio_key_double(r, "C", &q.C, e)))
        return rc;
    if ((rc = textio_key(r, "class_weight", e)) || (rc = rd_word(r, "none", "balanced", &q.class_weight_balanced, e)))
        return rc;
    if ((rc = textio_key_double(r, "tol", &q.tol, e)))
        return rc;
    if ((rc = rd_key_long(r, "fit_intercept", 0, 1, &v, e)))
        return rc;
    q.fit_intercept = (int)v;
    if ((rc = rd_key_long(r, "max_iter", -1, INT32_MAX, &v, e)))
        return rc;
    q.max_iter = (int)v;
    if ((rc = rd_key_long(r, "seed", 0, LONG_MAX, &v, e)))
        return rc;
    q.seed = (unsigned long)v;
    if ((rc = rd_key_long(r, "p", 1, INT32_MAX / 2, &v, e)))
        return rc;
    struct logreg *m = model_alloc((size_t)v);
    if (!m)
        return err_set(e, ERR_NOMEM, "%s:%zu:1: out of memory for %ld coefficients", r->name, r->line, v);
    m->params = q;
    if ((rc = textio_key(r, "coef", e)))
        goto fail;
    for (size_t j = 0; j < m->p; j++)
        if ((rc = textio_double(r, &m->coef[j], e)))
            goto fail;
    if ((rc = textio_eol(r, e)) || (rc = textio_key_double(r, "intercept", &m->intercept, e)) ||
        (rc = textio_key(r, "end", e)))
        goto fail;
    *out = m;
    return ERR_OK;
fail:
    logreg_free(m);
    return rc;
}

int logreg_read(FILE *fp, const char *name, size_t *line, struct logreg **out, struct err *e)
{
    *out = NULL;
    struct textio r;
    textio_init(&r, fp, name ? name : "logreg", line ? *line : 0, '\t');
    int rc = read_body(&r, out, e);
    textio_free(&r);
    if (line)
        *line = r.line;
    return rc;
}

static int read_cb(FILE *fp, const char *name, void *out, struct err *e)
{
    return logreg_read(fp, name, NULL, out, e);
}

int logreg_load(const char *path, struct logreg **out, struct err *e)
{
    *out = NULL;
    return fileio_load(path, read_cb, out, e);
}
