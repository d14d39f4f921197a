/* xgb: gradient-boosted trees through libxgboost (see xgb.h). */
#include "models/xgb.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "core/textio.h"
#include "models/split.h"

/* Longest JSON model read back: far above what the search's spaces make. */
#define XGB_MAX_JSON ((size_t)1 << 30)

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

/* XGBoost prints warnings to stderr unless told not to. */
static void quiet(void)
{
    XGBSetGlobalConfig("{\"verbosity\": 0}");
}

static int xerr(struct err *e, const char *what)
{
    const char *m = XGBGetLastError();
    size_t k = m ? strcspn(m, "\n") : 0;
    return err_set(e, ERR_DATA, "xgboost: %s: %.*s", what, (int)(k < 300 ? k : 300), m ? m : "");
}

void xgb_params_default(struct xgb_params *p)
{
    *p = (struct xgb_params){.n_estimators = 100,
                             .max_depth = 6,
                             .learning_rate = 0.3,
                             .subsample = 1,
                             .colsample_bytree = 1,
                             .min_child_weight = 1,
                             .reg_lambda = 1,
                             .reg_alpha = 0,
                             .early_stopping_rounds = 20,
                             .validation_fraction = 0.1};
}

static struct xgb *xgb_new(void)
{
    struct xgb *x = calloc(1, sizeof *x);
    if (x && pthread_mutex_init(&x->lock, NULL)) {
        free(x);
        return NULL;
    }
    return x;
}

void xgb_free(struct xgb *x)
{
    if (!x)
        return;
    if (x->booster)
        XGBoosterFree(x->booster);
    pthread_mutex_destroy(&x->lock);
    free(x);
}

/* A DMatrix of rows[0..n) of X (NULL: rows 0..n-1), floats as XGBoost keeps
 * them, with their labels y (NULL: none), on one thread. */
static int dmatrix(const double *X, const int *y, const size_t *rows, size_t n, size_t m, DMatrixHandle *out,
                   struct err *e)
{
    float *f = malloc((n && m ? n * m : 1) * sizeof *f), *l = malloc((n ? n : 1) * sizeof *l);
    int rc = f && l ? 0 : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        size_t r = rows ? rows[i] : i;
        for (size_t j = 0; j < m; j++)
            f[i * m + j] = (float)X[r * m + j];
        l[i] = y ? (float)y[r] : 0.0f;
    }
    if (!rc && XGDMatrixCreateFromMat_omp(f, (bst_ulong)n, (bst_ulong)m, NAN, out, 1))
        rc = xerr(e, "data");
    if (!rc && y && XGDMatrixSetFloatInfo(*out, "label", l, (bst_ulong)n))
        rc = xerr(e, "labels");
    free(f);
    free(l);
    if (rc && *out) {
        XGDMatrixFree(*out);
        *out = NULL;
    }
    return rc;
}

static int set_params(BoosterHandle h, const struct xgb_params *p, unsigned long seed, struct err *e)
{
    char v[8][40];
    snprintf(v[0], sizeof v[0], "%ld", p->max_depth);
    snprintf(v[1], sizeof v[1], "%.17g", p->learning_rate);
    snprintf(v[2], sizeof v[2], "%.17g", p->subsample);
    snprintf(v[3], sizeof v[3], "%.17g", p->colsample_bytree);
    snprintf(v[4], sizeof v[4], "%.17g", p->min_child_weight);
    snprintf(v[5], sizeof v[5], "%.17g", p->reg_lambda);
    snprintf(v[6], sizeof v[6], "%.17g", p->reg_alpha);
    snprintf(v[7], sizeof v[7], "%lu", seed);
    const char *kv[][2] = {{"objective", "binary:logistic"},
                           {"tree_method", "hist"},
                           {"nthread", "1"},
                           {"eval_metric", "logloss"},
                           {"max_depth", v[0]},
                           {"eta", v[1]},
                           {"subsample", v[2]},
                           {"colsample_bytree", v[3]},
                           {"min_child_weight", v[4]},
                           {"lambda", v[5]},
                           {"alpha", v[6]},
                           {"seed", v[7]}};
    for (size_t k = 0; k < sizeof kv / sizeof kv[0]; k++)
        if (XGBoosterSetParam(h, kv[k][0], kv[k][1]))
            return xerr(e, kv[k][0]);
    return 0;
}

/* The validation log loss of round `it`, from XGBoost's "[it]\tvalid-logloss:V". */
static int eval_round(BoosterHandle h, int it, DMatrixHandle dv, double *loss, struct err *e)
{
    const char *names[1] = {"valid"}, *s = NULL;
    if (XGBoosterEvalOneIter(h, it, &dv, names, 1, &s))
        return xerr(e, "evaluation");
    const char *c = s ? strrchr(s, ':') : NULL;
    char *end;
    *loss = c ? strtod(c + 1, &end) : NAN;
    if (!c || end == c + 1)
        return err_set(e, ERR_DATA, "xgboost: expected \"[%d]\\tvalid-logloss:NUMBER\", found \"%.60s\"", it,
                       s ? s : "");
    return 0;
}

/* Boost up to n_estimators rounds; with dv, stop early and keep the best. */
static int boost(BoosterHandle h, DMatrixHandle dt, DMatrixHandle dv, const struct xgb_params *p, long *best,
                 long *fitted, struct err *e)
{
    double best_loss = INFINITY;
    long since = 0;
    *best = p->n_estimators - 1;
    int rc = 0;
    for (long it = 0; !rc && it < p->n_estimators; it++) {
        if (XGBoosterUpdateOneIter(h, (int)it, dt))
            return xerr(e, "boosting");
        *fitted = it + 1;
        if (!dv)
            continue;
        double loss = NAN;
        if ((rc = eval_round(h, (int)it, dv, &loss, e)))
            break;
        if (loss < best_loss) {
            best_loss = loss;
            *best = it;
            since = 0;
        } else if (++since >= p->early_stopping_rounds)
            break;
    }
    return rc;
}

/* Fit on rows tr[0..n) of X, watching rows va[0..nv) for early stopping (nv
 * = 0: none); tr NULL: rows 0..n-1. */
static int fit_rows(const double *X, const int *y, const size_t *tr, size_t n, const size_t *va, size_t nv, size_t m,
                    const struct xgb_params *p, unsigned long seed, struct xgb **out, struct err *e)
{
    *out = NULL;
    pthread_once(&quiet_once, quiet);
    if (n == 0 || m == 0)
        return err_set(e, ERR_DATA, "xgboost: expected rows and columns to fit, found %zu x %zu", n, m);
    DMatrixHandle dt = NULL, dv = NULL;
    BoosterHandle h = NULL, sliced = NULL;
    struct xgb *x = xgb_new();
    long best = 0, fitted = 0;
    int early = nv > 0 && p->early_stopping_rounds > 0;
    int rc = x ? dmatrix(X, y, tr, n, m, &dt, e) : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc && early)
        rc = dmatrix(X, y, va, nv, m, &dv, e);
    DMatrixHandle cache[2] = {dt, dv};
    if (!rc && XGBoosterCreate(cache, early ? 2 : 1, &h))
        rc = xerr(e, "booster");
    if (!rc)
        rc = set_params(h, p, seed, e);
    if (!rc)
        rc = boost(h, dt, early ? dv : NULL, p, &best, &fitted, e);
    /* Keep the rounds up to the best (all of them without early stopping). */
    if (!rc && best + 1 < fitted && XGBoosterSlice(h, 0, (int)best + 1, 1, &sliced))
        rc = xerr(e, "slice");
    if (!rc && sliced && XGBoosterSetParam(sliced, "nthread", "1"))
        rc = xerr(e, "nthread");
    if (!rc) {
        x->booster = sliced ? sliced : h;
        if (sliced)
            XGBoosterFree(h);
        h = NULL;
        x->n_features = m;
        x->rounds = best + 1;
    }
    if (h)
        XGBoosterFree(h);
    if (rc && sliced)
        XGBoosterFree(sliced);
    if (dt)
        XGDMatrixFree(dt);
    if (dv)
        XGDMatrixFree(dv);
    if (rc) {
        xgb_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

int xgb_fit(const double *X, const int *y, size_t n, size_t m, const struct xgb_params *p, unsigned long seed,
            struct xgb **out, struct err *e)
{
    *out = NULL;
    if (p->early_stopping_rounds <= 0 || p->validation_fraction <= 0)
        return fit_rows(X, y, NULL, n, NULL, 0, m, p, seed, out, e);
    struct split_tt *s = NULL;
    int rc = split_train_test(y, n, p->validation_fraction, seed, &s, e);
    if (rc)
        return err_prefix(e, "xgb early stopping: ");
    rc = fit_rows(X, y, s->train, s->ntrain, s->test, s->ntest, m, p, seed, out, e);
    split_tt_free(s);
    return rc;
}

/* Predict n rows as `type` (0: probability, 1: margin, 2: contributions): width values a row. */
static int predict(struct xgb *x, const double *X, size_t n, int type, size_t width, double *out, struct err *e)
{
    if (n == 0)
        return 0;
    DMatrixHandle d = NULL;
    int rc = dmatrix(X, NULL, NULL, n, x->n_features, &d, e);
    if (rc)
        return rc;
    char cfg[160];
    snprintf(cfg, sizeof cfg,
             "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
             "\"strict_shape\": false}",
             type);
    const bst_ulong *shape = NULL;
    bst_ulong dim = 0;
    const float *r = NULL;
    pthread_mutex_lock(&x->lock);
    if (XGBoosterPredictFromDMatrix(x->booster, d, cfg, &shape, &dim, &r))
        rc = xerr(e, "prediction");
    else {
        size_t total = 1;
        for (bst_ulong k = 0; k < dim; k++)
            total *= (size_t)shape[k];
        if (total != n * width)
            rc = err_set(e, ERR_DATA, "xgboost: expected %zu values from the prediction, found %zu", n * width, total);
        for (size_t i = 0; !rc && i < n * width; i++)
            out[i] = r[i];
    }
    pthread_mutex_unlock(&x->lock);
    XGDMatrixFree(d);
    return rc;
}

int xgb_proba(struct xgb *x, const double *X, size_t n, double *out, struct err *e)
{
    return predict(x, X, n, 0, 1, out, e);
}

int xgb_margin(struct xgb *x, const double *X, size_t n, double *out, struct err *e)
{
    return predict(x, X, n, 1, 1, out, e);
}

int xgb_contribs(struct xgb *x, const double *X, size_t n, double *phi, struct err *e)
{
    return predict(x, X, n, 2, x->n_features + 1, phi, e);
}

/* 64-bit FNV-1a of the JSON: XGBoost reads only the bytes xgb_write wrote. */
static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

int xgb_write(struct xgb *x, FILE *fp, struct err *e)
{
    bst_ulong len = 0;
    const char *buf = NULL;
    pthread_mutex_lock(&x->lock);
    int rc = XGBoosterSaveModelToBuffer(x->booster, "{\"format\": \"json\"}", &len, &buf) ? xerr(e, "save") : 0;
    if (!rc && memchr(buf, '\n', (size_t)len))
        rc = err_set(e, ERR_DATA, "xgboost: the JSON model has a line break");
    if (!rc) {
        fprintf(fp, "xgb\t1\nn_features\t%zu\nrounds\t%ld\nfnv1a\t%016llx\njson\t%zu\n", x->n_features, x->rounds,
                (unsigned long long)fnv1a(buf, (size_t)len), (size_t)len);
        fwrite(buf, 1, (size_t)len, fp);
        fputc('\n', fp);
    }
    pthread_mutex_unlock(&x->lock);
    return rc; /* a write error is the caller's to report, with errno (fileio) */
}

/* The block's header (xgb.h): the widths and rounds into v, the JSON's
 * checksum and length; errors name the line (textio, tab dialect). */
static int read_header(struct textio *r, long v[4], uint64_t *sum, struct err *e)
{
    static const struct {
        const char *key;
        long lo, hi;
    } keys[] = {{"xgb", 1, 1}, {"n_features", 1, 100000000}, {"rounds", 1, 100000000}};
    int rc = 0;
    for (size_t k = 0; !rc && k < 3; k++) {
        rc = textio_key(r, keys[k].key, e);
        if (!rc)
            rc = textio_long(r, keys[k].lo, keys[k].hi, "", &v[k], e);
    }
    if (!rc)
        rc = textio_key(r, "fnv1a", e);
    if (!rc && (strlen(r->pos) != 16 || strspn(r->pos, "0123456789abcdef") != 16))
        rc = textio_fail(r, r->pos, e, "16 hexadecimal digits");
    if (!rc) {
        *sum = strtoull(r->pos, NULL, 16);
        rc = textio_key(r, "json", e);
    }
    return rc ? rc : textio_long(r, 2, (long)XGB_MAX_JSON, "", &v[3], e);
}

/* The model's own count of features and rounds must be what the block says. */
static int check_model(struct xgb *x, const char *name, struct err *e)
{
    bst_ulong nf = 0;
    int rounds = 0;
    if (XGBoosterGetNumFeature(x->booster, &nf) || XGBoosterBoostedRounds(x->booster, &rounds))
        return xerr(e, "model");
    if ((size_t)nf != x->n_features || (long)rounds != x->rounds)
        return err_set(e, ERR_DATA,
                       "%s: xgb model: the JSON has %zu features and %d rounds, the block says %zu and %ld", name,
                       (size_t)nf, rounds, x->n_features, x->rounds);
    /* XGBoost trusts the trees it reads: check them in its own rewrite. */
    bst_ulong len = 0;
    const char *buf = NULL;
    if (XGBoosterSaveModelToBuffer(x->booster, "{\"format\": \"json\"}", &len, &buf))
        return xerr(e, "model");
    int rc = xgb_check_trees(buf, (size_t)len, x->n_features, x->rounds);
    if (rc == -2)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (rc)
        return err_set(e, ERR_DATA,
                       "%s: xgb model: expected %ld binary trees over %zu features with numerical splits, "
                       "each node the child of one node before it",
                       name, x->rounds, x->n_features);
    return 0;
}

int xgb_read(FILE *fp, const char *name, struct xgb **out, struct err *e)
{
    *out = NULL;
    pthread_once(&quiet_once, quiet);
    struct textio r;
    textio_init(&r, fp, name, 0, '\t');
    long v[4];
    uint64_t sum = 0;
    int rc = read_header(&r, v, &sum, e);
    textio_free(&r);
    if (rc)
        return rc;
    size_t len = (size_t)v[3];
    if (len > textio_bytes_left(fp))
        return err_set(e, ERR_DATA, "%s: xgb model: expected %zu bytes of JSON, found fewer", name, len);
    char *buf = malloc(len + 1);
    struct xgb *x = xgb_new();
    if (!buf || !x)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc && (fread(buf, 1, len, fp) != len || fgetc(fp) != '\n'))
        rc = err_set(e, ERR_DATA, "%s: xgb model: expected %zu bytes of JSON and a newline", name, len);
    if (!rc && sum != fnv1a(buf, len))
        rc = err_set(e, ERR_DATA, "%s: xgb model: the JSON's checksum is not the one saved with it (%s)", name,
                     "the file was edited or damaged");
    if (!rc && XGBoosterCreate(NULL, 0, &x->booster))
        rc = xerr(e, "booster");
    if (!rc && XGBoosterLoadModelFromBuffer(x->booster, buf, (bst_ulong)len))
        rc = xerr(e, "load");
    if (!rc && XGBoosterSetParam(x->booster, "nthread", "1"))
        rc = xerr(e, "nthread");
    if (!rc) {
        x->n_features = (size_t)v[1];
        x->rounds = v[2];
        rc = check_model(x, name, e);
    }
    free(buf);
    if (rc) {
        xgb_free(x);
        return rc;
    }
    *out = x;
    return 0;
}
