/* xgb: gradient-boosted trees through libxgboost (see xgb.h). */
#include "models/xgb.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

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

/* A DMatrix of n rows (floats, as XGBoost keeps them) on one thread. */
static int dmatrix(const double *X, const int *y, size_t n, size_t m, DMatrixHandle *out, struct err *e)
{
    float *f = malloc((n && m ? n * m : 1) * sizeof *f);
    if (!f)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n * m; i++)
        f[i] = (float)X[i];
    int rc = XGDMatrixCreateFromMat_omp(f, (bst_ulong)n, (bst_ulong)m, NAN, out, 1) ? xerr(e, "data") : 0;
    free(f);
    if (!rc && y) {
        float *l = malloc((n ? n : 1) * sizeof *l);
        if (!l)
            rc = err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; !rc && i < n; i++)
            l[i] = (float)y[i];
        if (!rc && XGDMatrixSetFloatInfo(*out, "label", l, (bst_ulong)n))
            rc = xerr(e, "labels");
        free(l);
    }
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

int xgb_fit_valid(const double *X, const int *y, size_t n, const double *Xv, const int *yv, size_t nv, size_t m,
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
    int rc = x ? dmatrix(X, y, n, m, &dt, e) : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc && early)
        rc = dmatrix(Xv, yv, nv, m, &dv, e);
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
        x->rounds_fitted = fitted;
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

/* Rows `rows` of X (n x m) into a new matrix. */
static double *take_rows(const double *X, const size_t *rows, size_t k, size_t m)
{
    double *o = malloc((k && m ? k * m : 1) * sizeof *o);
    for (size_t i = 0; o && i < k; i++)
        memcpy(o + i * m, X + rows[i] * m, m * sizeof *o);
    return o;
}

int xgb_fit(const double *X, const int *y, size_t n, size_t m, const struct xgb_params *p, unsigned long seed,
            struct xgb **out, struct err *e)
{
    *out = NULL;
    if (p->early_stopping_rounds <= 0 || p->validation_fraction <= 0)
        return xgb_fit_valid(X, y, n, NULL, NULL, 0, m, p, seed, out, e);
    struct split_tt *s = NULL;
    int rc = split_train_test(y, n, p->validation_fraction, seed, &s, e);
    if (rc) {
        err_prefix(e, "xgb early stopping: ");
        return rc;
    }
    double *Xt = take_rows(X, s->train, s->ntrain, m), *Xv = take_rows(X, s->test, s->ntest, m);
    int *yt = malloc((s->ntrain + 1) * sizeof *yt), *yv = malloc((s->ntest + 1) * sizeof *yv);
    if (!Xt || !Xv || !yt || !yv)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < s->ntrain; i++)
        yt[i] = y[s->train[i]];
    for (size_t i = 0; !rc && i < s->ntest; i++)
        yv[i] = y[s->test[i]];
    if (!rc)
        rc = xgb_fit_valid(Xt, yt, s->ntrain, Xv, yv, s->ntest, m, p, seed, out, e);
    free(Xt);
    free(Xv);
    free(yt);
    free(yv);
    split_tt_free(s);
    return rc;
}

/* Predict n rows as `type` (0: probability, 1: margin, 2: contributions): width values a row. */
static int predict(struct xgb *x, const double *X, size_t n, int type, size_t width, double *out, struct err *e)
{
    if (n == 0)
        return 0;
    DMatrixHandle d = NULL;
    int rc = dmatrix(X, NULL, n, x->n_features, &d, e);
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

/* "KEY<TAB>N" with lo <= N <= hi. */
static int read_key(FILE *fp, const char *name, const char *key, long long lo, long long hi, long long *v,
                    struct err *e)
{
    char line[96];
    size_t k = strlen(key);
    if (!fgets(line, sizeof line, fp))
        return err_set(e, ERR_DATA, "%s: xgb model: expected \"%s\", found the end of the file", name, key);
    line[strcspn(line, "\r\n")] = '\0';
    char *end = NULL;
    long long x = 0;
    if (!strncmp(line, key, k) && line[k] == '\t')
        x = strtoll(line + k + 1, &end, 10);
    if (!end || end == line + k + 1 || *end || x < lo || x > hi)
        return err_set(e, ERR_DATA, "%s: xgb model: expected \"%s<TAB>N\" with %lld <= N <= %lld, found \"%.40s\"",
                       name, key, lo, hi, line);
    *v = x;
    return 0;
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
    long long v[4];
    int rc = read_key(fp, name, "xgb", 1, 1, &v[0], e);
    if (!rc)
        rc = read_key(fp, name, "n_features", 1, 100000000, &v[1], e);
    if (!rc)
        rc = read_key(fp, name, "rounds", 1, 100000000, &v[2], e);
    char sum[64] = "";
    if (!rc && (!fgets(sum, sizeof sum, fp) || strncmp(sum, "fnv1a\t", 6) || strlen(sum) != 23 ||
                strspn(sum + 6, "0123456789abcdef") != 16))
        rc = err_set(e, ERR_DATA, "%s: xgb model: expected \"fnv1a<TAB>16 hex digits\", found \"%.40s\"", name,
                     strtok(sum, "\n") ? sum : "");
    if (!rc)
        rc = read_key(fp, name, "json", 2, (long long)XGB_MAX_JSON, &v[3], e);
    if (rc)
        return rc;
    size_t len = (size_t)v[3];
    char *buf = malloc(len + 1);
    struct xgb *x = xgb_new();
    if (!buf || !x)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc && (fread(buf, 1, len, fp) != len || fgetc(fp) != '\n'))
        rc = err_set(e, ERR_DATA, "%s: xgb model: expected %zu bytes of JSON and a newline", name, len);
    if (!rc && strtoull(sum + 6, NULL, 16) != fnv1a(buf, len))
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
        x->rounds = x->rounds_fitted = (long)v[2];
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
