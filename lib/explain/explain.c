/* explain: the explainer of a fitted pipeline, permutation importance, and
 * the small summaries the explain stage reports (see explain.h). */
#include "core/mem.h"
#include "explain/explain.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats/kmeans.h"
#include "explain/mix_linear.h"
#include "explain/mix_svc.h"
#include "models/knn.h"
#include "models/svc.h"
#include "models/family.h"
#include "models/logreg.h"
#include "stats/metrics.h"
#include "explain/shap.h"
#include "models/tree.h"

const char *const explain_kind_names[EXPLAIN_NKIND + 1] = {"auto",   "linear",   "tree_path", "tree_interventional",
                                                           "kernel", "tree_xgb", NULL};
const char *const explain_space_names[2] = {"log-odds", "probability"};

/* k-means stops long before this on a few thousand rows. */
#define EXPLAIN_KMEANS_ITER 300

/* The family says which exact explainer fits it (family.h); KernelSHAP fits all. */
int explain_resolve(enum pipe_family f, enum explain_kind want, enum explain_kind *out, struct err *e)
{
    const struct pipe_family_ops *ops = pipe_families[f];
    enum explain_kind exact = EXPLAIN_KERNEL;
    for (int k = 0; explain_kind_names[k]; k++)
        if (!strcmp(explain_kind_names[k], ops->explainer))
            exact = (enum explain_kind)k;
    if (want == EXPLAIN_AUTO)
        want = exact;
    int ok =
        want == EXPLAIN_KERNEL || want == exact || (want == EXPLAIN_TREE_INTERVENTIONAL && exact == EXPLAIN_TREE_PATH);
    if (!ok)
        return err_set(e, ERR_PARAMS, "explainer %s cannot explain a %s model; expected %s or kernel (or auto)",
                       explain_kind_names[want], ops->name, ops->explainers);
    *out = want;
    return 0;
}

enum explain_space explain_space_of(enum explain_kind k)
{
    return k == EXPLAIN_LINEAR || k == EXPLAIN_TREE_XGB ? EXPLAIN_LOGODDS : EXPLAIN_PROBABILITY;
}

/* xgb's TreeSHAP (tree_xgb) explains the calibrated log-odds a s + b of its
 * margin s while the calibration keeps them affine in it (calib_logit_affine);
 * a, b: that map, else the identity. */
static int xgb_affine(const struct pipeline *p, double *a, double *b)
{
    int affine = calib_logit_affine(p->calib, a, b);
    return !strcmp(pipe_families[p->cfg.family]->explainer, "tree_xgb") && affine;
}

int explain_model_output(const struct pipeline *p, enum explain_space space, const double *X, size_t n,
                         double *out, struct err *e)
{
    const char *exact = pipe_families[p->cfg.family]->explainer;
    int xgb = !strcmp(exact, "tree_xgb");
    if (space == EXPLAIN_LOGODDS && strcmp(exact, "linear") != 0 && !xgb)
        return err_set(e, ERR_PARAMS, "explain: log-odds output needs a logreg or xgb model, found %s",
                       pipeline_family_names[p->cfg.family]);
    int rc = pipeline_score_transformed(p, X, n, space == EXPLAIN_LOGODDS, out, e);
    double a, b;
    xgb_affine(p, &a, &b);
    for (size_t i = 0; !rc && xgb && space == EXPLAIN_LOGODDS && i < n; i++)
        out[i] = a * out[i] + b;
    return rc;
}

int explain_model_score(const struct pipeline *p, const double *X, size_t n, double *out, struct err *e)
{
    return pipeline_score_transformed(p, X, n, 1, out, e);
}

void explain_result_free(struct explain_result *r)
{
    if (r)
        FREE_ALL(r->phi, r->phi_cols, r->output, r->gap, r);
}

/* ---- KernelSHAP over threads ------------------------------------------ */

static int kernel_predict(void *ctx, const double *X, size_t n, size_t p, double *out, struct err *e)
{
    (void)p;
    return pipeline_score_transformed(ctx, X, n, 0, out, e);
}

struct kjob {
    const struct pipeline *p;
    const double *X, *B, *bw;
    size_t from, to, nb, nout, m;
    const size_t *group;
    struct shap_kernel_params par;
    double *phi, *gap, base;
    int rc;
    struct err e;
};

/* KNN values a coalition from per-group distance terms (knn_mix), an RBF SVC
 * from tabulated per-group kernel factors (mix_svc.h), a logistic regression
 * from per-group sums (mix_linear.h), several times faster than from mixed
 * rows, while their tables fit this. */
#define EXPLAIN_MIX_MAX_BYTES ((size_t)256 << 20)

struct mixer {
    struct knn_mix *knn;
    struct svc_mix *svc;
    struct lin_mix *lin;
    const struct calib *cal; /* for knn_mix, whose values are the uncalibrated probabilities */
    size_t nb, ng;
};

static int mix_row(void *ctx, const double *x, struct err *e)
{
    struct mixer *m = ctx;
    if (m->lin) {
        lin_mix_row(m->lin, x);
        return ERR_OK;
    }
    return m->knn ? knn_mix_row(m->knn, x, e) : svc_mix_row(m->svc, x, e);
}

static int mix_values(void *ctx, const unsigned char *take, size_t n, double *out, struct err *e)
{
    (void)e;
    struct mixer *m = ctx;
    if (m->lin) {
        lin_mix_values(m->lin, take, n, out);
        return 0;
    }
    if (!m->knn) {
        svc_mix_values(m->svc, take, n, out);
        return 0;
    }
    for (size_t k = 0; k < n; k++) {
        double *o = out + k * m->nb;
        knn_mix_proba(m->knn, take + k * m->ng, o);
        for (size_t b = 0; m->cal && b < m->nb; b++)
            o[b] = calib_apply(m->cal, o[b]);
    }
    return 0;
}

/* The mixer that fits the pipeline, if any: mx->knn, mx->svc or mx->lin set. */
static int mixer_new(const struct kjob *j, struct mixer *mx, struct err *e)
{
    const struct pipeline *p = j->p;
    *mx = (struct mixer){.cal = p->calib, .nb = j->nb, .ng = j->m};
    if (p->cfg.family == PIPE_KNN && knn_mix_bytes(p->knn, j->nb, j->m) <= EXPLAIN_MIX_MAX_BYTES)
        return knn_mix_new(p->knn, j->B, j->nb, j->group, j->m, &mx->knn, e);
    if (p->cfg.family == PIPE_LOGREG)
        return lin_mix_new(p->logreg, p->calib, j->B, j->nb, j->group, j->m, &mx->lin, e);
    /* The SVC's probability without a calibration is libsvm's Platt model: mixed rows. */
    const struct svc *sv = p->cfg.family == PIPE_SVC ? p->svc : NULL;
    if (sv && p->calib && sv->params.kernel == SVC_RBF && svc_mix_bytes(sv, j->nb, j->m) <= EXPLAIN_MIX_MAX_BYTES)
        return svc_mix_new(sv, p->calib, j->B, j->nb, j->group, j->m, &mx->svc, e);
    return ERR_OK;
}

static void *kernel_job(void *arg)
{
    struct kjob *j = arg;
    struct mixer mx;
    if ((j->rc = mixer_new(j, &mx, &j->e)))
        return NULL;
    struct shap_mixer mix = {mix_row, mix_values, &mx};
    j->rc = shap_kernel_mix(kernel_predict, (void *)j->p, mx.knn || mx.svc || mx.lin ? &mix : NULL,
                            j->X + j->from * j->nout, j->to - j->from, j->nout, j->B, j->bw, j->nb, j->group, j->m,
                            &j->par, j->phi + j->from * j->m, &j->base, j->gap + j->from, &j->e);
    knn_mix_free(mx.knn);
    svc_mix_free(mx.svc);
    lin_mix_free(mx.lin);
    return NULL;
}

/* Rows [0, n) in contiguous blocks, one per thread; block b starts at row s
 * and seeds its rows with seed + s + i, so the values equal a serial run. */
static int kernel_rows(const struct pipeline *p, const double *X, size_t n, const double *Xtrain, size_t ntrain,
                       const struct explain_opts *o, struct explain_result *r, struct err *e)
{
    struct kmeans *km = NULL;
    size_t k = o->background_k ? o->background_k : 1;
    int rc = kmeans_fit(Xtrain, ntrain, r->nout, k, EXPLAIN_KMEANS_ITER, o->seed, &km, e);
    if (rc)
        return rc;
    /* A summarised one-hot or ordinal column keeps values the model has seen. */
    kmeans_round(km, Xtrain, ntrain);
    r->nbackground = km->k;
    size_t nt = o->threads > 1 ? (size_t)o->threads : 1;
    if (nt > n)
        nt = n ? n : 1;
    struct kjob *jobs = calloc(nt, sizeof *jobs);
    pthread_t *tid = calloc(nt, sizeof *tid);
    int *started = calloc(nt, sizeof *started);
    if (!jobs || !tid || !started)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    for (size_t t = 0; !rc && t < nt; t++) {
        struct kjob *j = &jobs[t];
        j->p = p;
        j->X = X;
        j->B = km->centers;
        j->bw = km->weights;
        j->nb = km->k;
        j->nout = r->nout;
        j->m = r->nfeat;
        j->group = p->prep->out_feat;
        j->from = n * t / nt;
        j->to = n * (t + 1) / nt;
        j->par.budget = o->budget;
        j->par.seed = o->seed + j->from;
        j->phi = r->phi;
        j->gap = r->gap;
        j->base = NAN;
    }
    for (size_t t = 1; !rc && t < nt; t++)
        started[t] = pthread_create(&tid[t], NULL, kernel_job, &jobs[t]) == 0;
    if (!rc)
        kernel_job(&jobs[0]);
    for (size_t t = 1; !rc && t < nt; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            kernel_job(&jobs[t]);
    }
    for (size_t t = 0; !rc && t < nt; t++)
        if (jobs[t].rc) {
            *e = jobs[t].e;
            rc = jobs[t].rc;
        }
    if (!rc)
        r->base = jobs[0].base;
    free(started);
    free(tid);
    free(jobs);
    kmeans_free(km);
    return rc;
}

/* ---- the exact explainers --------------------------------------------- */

/* XGBoost's TreeSHAP on the margin, scaled into the calibrated log-odds. */
static int xgb_rows(const struct pipeline *p, const double *X, size_t n, struct explain_result *r, struct err *e)
{
    size_t q = r->nout;
    if (p->xgb->n_features != q)
        return err_set(e, ERR_DATA, "explain: the xgb model was fitted on %zu columns, the rows have %zu",
                       p->xgb->n_features, q);
    double *c = malloc(n * (q + 1) * sizeof *c), a, b;
    xgb_affine(p, &a, &b);
    if (!c)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = xgb_contribs(p->xgb, X, n, c, e);
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t j = 0; j < q; j++)
            r->phi_cols[i * q + j] = a * c[i * (q + 1) + j];
    /* The bias column is the same for every row: the expected margin. */
    if (!rc)
        r->base = a * c[q] + b;
    r->nbackground = 0;
    free(c);
    return rc;
}

static int exact_rows(const struct pipeline *p, const double *X, size_t n, const double *Xtrain, size_t ntrain,
                      struct explain_result *r, struct err *e)
{
    size_t q = r->nout;
    if (!(r->phi_cols = malloc((n && q ? n * q : 1) * sizeof *r->phi_cols)))
        return err_set(e, ERR_NOMEM, "out of memory");
    if (r->kind == EXPLAIN_TREE_XGB)
        return xgb_rows(p, X, n, r, e);
    if (r->kind == EXPLAIN_LINEAR) {
        const struct logreg *lr = p->logreg;
        if (lr->p != q)
            return err_set(e, ERR_DATA, "explain: the logreg model has %zu coefficients for %zu columns", lr->p, q);
        /* The background is the training rows: E[x_j] over them. */
        double *mean = calloc(q ? q : 1, sizeof *mean);
        if (!mean)
            return err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < ntrain; i++)
            for (size_t j = 0; j < q; j++)
                mean[j] += Xtrain[i * q + j];
        for (size_t j = 0; j < q; j++)
            mean[j] /= (double)(ntrain ? ntrain : 1);
        shap_linear(lr->coef, lr->intercept, mean, X, n, q, r->phi_cols, &r->base);
        free(mean);
        r->nbackground = ntrain;
        return 0;
    }
    if (p->tree->n_features != q)
        return err_set(e, ERR_DATA, "explain: the tree was fitted on %zu columns, the rows have %zu",
                       p->tree->n_features, q);
    if (r->kind == EXPLAIN_TREE_PATH) {
        r->nbackground = 0;
        return shap_tree_path(p->tree, X, n, q, r->phi_cols, &r->base, e);
    }
    r->nbackground = ntrain;
    return shap_tree_interventional(p->tree, X, n, Xtrain, NULL, ntrain, q, r->phi_cols, &r->base, e);
}

int explain_rows(const struct pipeline *p, const double *X, size_t n, const double *Xtrain, size_t ntrain,
                 const struct explain_opts *o, struct explain_result **out, struct err *e)
{
    *out = NULL;
    if (ntrain == 0)
        return err_set(e, ERR_DATA, "explain: expected training rows for the background, found none");
    struct explain_result *r = calloc(1, sizeof *r);
    if (!r)
        return err_set(e, ERR_NOMEM, "out of memory");
    r->n = n;
    r->nfeat = p->prep->nfeat;
    r->nout = p->prep->nout;
    /* A calibrated pipeline's probability is the calibration of its score:
     * the exact explainers see the model without it, so auto takes
     * KernelSHAP, which explains the probability handed over; but xgb's
     * TreeSHAP explains the sigmoid-calibrated log-odds exactly. */
    double a, b;
    int stays_exact = xgb_affine(p, &a, &b);
    int rc = explain_resolve(
        p->cfg.family, p->calib && o->kind == EXPLAIN_AUTO && !stays_exact ? EXPLAIN_KERNEL : o->kind, &r->kind, e);
    size_t nn = n ? n : 1;
    if (!rc) {
        r->space = explain_space_of(r->kind);
        r->phi = calloc(nn * (r->nfeat ? r->nfeat : 1), sizeof *r->phi);
        r->output = malloc(nn * sizeof *r->output);
        r->gap = malloc(nn * sizeof *r->gap);
        if (!r->phi || !r->output || !r->gap)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    if (!rc)
        rc = explain_model_output(p, r->space, X, n, r->output, e);
    if (!rc && n > 0) {
        if (r->kind == EXPLAIN_KERNEL) {
            rc = kernel_rows(p, X, n, Xtrain, ntrain, o, r, e);
        } else {
            rc = exact_rows(p, X, n, Xtrain, ntrain, r, e);
            if (!rc)
                rc = shap_group_sum(r->phi_cols, n, r->nout, p->prep->out_feat, r->nfeat, r->phi, e);
        }
    }
    /* Additivity against the model's own output, whatever the explainer said. */
    if (!rc)
        r->max_gap = shap_additivity(r->phi, n, r->nfeat, r->base, r->output, r->gap);
    if (rc) {
        explain_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---- permutation importance ------------------------------------------- */

int explain_permutation(const struct pipeline *p, const double *X, const int *y, size_t n, size_t n_repeats,
                        unsigned long seed, double *base_auc, double *mean, double *std, struct err *e)
{
    size_t q = p->prep->nout, m = p->prep->nfeat;
    if (n_repeats == 0)
        return err_set(e, ERR_PARAMS, "explain: expected n_repeats >= 1, found 0");
    double *Xp = malloc((n && q ? n * q : 1) * sizeof *Xp);
    double *s = malloc((n ? n : 1) * sizeof *s);
    double *drop = malloc(n_repeats * sizeof *drop);
    size_t *perm = malloc((n ? n : 1) * sizeof *perm);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = 0;
    if (!Xp || !s || !drop || !perm || !rng)
        rc = err_set(e, ERR_NOMEM, "out of memory");
    if (!rc) {
        gsl_rng_set(rng, seed);
        memcpy(Xp, X, n * q * sizeof *Xp);
        rc = explain_model_score(p, X, n, s, e);
    }
    if (!rc)
        rc = metrics_roc_auc(y, s, n, base_auc, e);
    for (size_t j = 0; !rc && j < m; j++) {
        size_t c0 = p->prep->feat[j].out0, nc = p->prep->feat[j].nout;
        for (size_t r = 0; !rc && r < n_repeats; r++) {
            for (size_t i = 0; i < n; i++)
                perm[i] = i;
            gsl_ran_shuffle(rng, perm, n, sizeof *perm);
            for (size_t i = 0; i < n; i++)
                memcpy(Xp + i * q + c0, X + perm[i] * q + c0, nc * sizeof *Xp);
            double auc = 0;
            rc = explain_model_score(p, Xp, n, s, e);
            if (!rc)
                rc = metrics_roc_auc(y, s, n, &auc, e);
            drop[r] = *base_auc - auc;
        }
        for (size_t i = 0; i < n; i++)
            memcpy(Xp + i * q + c0, X + i * q + c0, nc * sizeof *Xp);
        if (rc)
            break;
        double mu = 0, ss = 0;
        for (size_t r = 0; r < n_repeats; r++)
            mu += drop[r];
        mu /= (double)n_repeats;
        for (size_t r = 0; r < n_repeats; r++)
            ss += (drop[r] - mu) * (drop[r] - mu);
        mean[j] = mu;
        std[j] = sqrt(ss / (double)n_repeats);
    }
    gsl_rng_free(rng);
    FREE_ALL(perm, drop, s, Xp);
    return rc;
}

/* ---- summaries -------------------------------------------------------- */

int explain_direction(const double *v, const double *phi, size_t n, size_t stride)
{
    double mv = 0, mp = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            mv += v[i];
            mp += phi[i * stride];
            k++;
        }
    if (k < 2)
        return 0;
    mv /= (double)k;
    mp /= (double)k;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            double a = v[i] - mv, b = phi[i * stride] - mp;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
    if (sxx == 0 || syy == 0 || sxy == 0)
        return 0;
    return sxy > 0 ? 1 : -1;
}

size_t explain_top_positive(const double *phi, size_t m, size_t k, size_t *idx)
{
    size_t got = 0;
    for (size_t j = 0; j < m; j++) {
        if (!(phi[j] > 0))
            continue;
        /* Insertion into the k best so far; equal values keep the earlier feature first. */
        size_t at = got < k ? got : k;
        while (at > 0 && phi[idx[at - 1]] < phi[j])
            at--;
        if (at >= k)
            continue;
        size_t last = got < k ? got : k - 1;
        for (size_t t = last; t > at; t--)
            idx[t] = idx[t - 1];
        idx[at] = j;
        if (got < k)
            got++;
    }
    return got;
}

void explain_rank(const double *mean_abs, size_t m, size_t *rank, size_t *order)
{
    for (size_t j = 0; j < m; j++) {
        size_t r = 0;
        for (size_t t = 0; t < m; t++)
            r += mean_abs[t] > mean_abs[j] || (mean_abs[t] == mean_abs[j] && t < j);
        rank[j] = r + 1;
        order[r] = j;
    }
}
