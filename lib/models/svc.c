/* svc: binary SVC over libsvm (see svc.h). Model text I/O is in svc_io.c. */
#include "models/svc.h"

#include <libsvm/svm.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "models/svc_model.h"

/* libsvm prints progress to stdout by default; lib/ never prints. */
static void quiet(const char *s)
{
    (void)s;
}

void svc_params_default(struct svc_params *prm)
{
    /* scikit-learn's SVC: rbf, C = 1, gamma 'scale', degree 3, tol 1e-3, a 200 MB cache, shrinking. */
    *prm = (struct svc_params){.kernel = SVC_RBF, .C = 1.0, .gamma_mode = SVC_GAMMA_SCALE, .degree = 3,
                               .tol = 1e-3, .cache_size = 200.0, .shrinking = 1};
}

/* numpy's pairwise summation (numpy/core/src/umath/loops_utils.h): blocks of
 * up to 128 summed in 8 interleaved accumulators, halves split at multiples
 * of 8. np.sum over a contiguous array uses it, so sklearn's X.var() is this
 * sum, and so is the gamma below, to the last bit. */
static double pairwise_sum(const double *a, size_t n)
{
    if (n < 8) {
        double res = 0.;
        for (size_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8], res;
        size_t i;
        for (int j = 0; j < 8; j++)
            r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += a[i + j];
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

/* numpy's reduction hands the inner loop at most one buffer (8192 items) at
 * a time and adds the pieces in order. */
static double numpy_sum(const double *a, size_t n)
{
    const size_t buf = 8192;
    double s = 0.;
    for (size_t i = 0; i < n; i += buf)
        s += pairwise_sum(a + i, n - i < buf ? n - i : buf);
    return s;
}

double svc_gamma_scale(const double *X, size_t n, size_t p)
{
    size_t N = n * p;
    if (N == 0)
        return 1.0;
    double mean = numpy_sum(X, N) / (double)N;
    double *sq = malloc(N * sizeof *sq);
    double var;
    if (sq) {
        for (size_t i = 0; i < N; i++) {
            double d = X[i] - mean;
            sq[i] = d * d;
        }
        var = numpy_sum(sq, N) / (double)N;
        free(sq);
    } else {
        /* Without memory for the squares: the same value up to rounding. */
        double s = 0.;
        for (size_t i = 0; i < N; i++)
            s += (X[i] - mean) * (X[i] - mean);
        var = s / (double)N;
    }
    return var != 0.0 ? 1.0 / ((double)p * var) : 1.0;
}

static int check_params(const struct svc_params *prm, struct err *e)
{
    if (prm->kernel < SVC_LINEAR || prm->kernel > SVC_SIGMOID)
        return err_set(e, ERR_PARAMS, "svc: expected kernel linear, poly, rbf or sigmoid, found %d", (int)prm->kernel);
    if (!(prm->C > 0) || !isfinite(prm->C))
        return err_set(e, ERR_PARAMS, "svc: expected C > 0, found %g", prm->C);
    if (prm->gamma_mode < SVC_GAMMA_SCALE || prm->gamma_mode > SVC_GAMMA_VALUE)
        return err_set(e, ERR_PARAMS, "svc: expected gamma scale, auto or a value, found mode %d",
                       (int)prm->gamma_mode);
    if (prm->gamma_mode == SVC_GAMMA_VALUE && (!(prm->gamma > 0) || !isfinite(prm->gamma)))
        return err_set(e, ERR_PARAMS, "svc: expected gamma > 0, found %g", prm->gamma);
    if (prm->kernel == SVC_POLY && prm->degree < 0)
        return err_set(e, ERR_PARAMS, "svc: expected degree >= 0, found %d", prm->degree);
    if (!isfinite(prm->coef0))
        return err_set(e, ERR_PARAMS, "svc: expected a finite coef0, found %g", prm->coef0);
    if (!(prm->tol > 0) || !isfinite(prm->tol))
        return err_set(e, ERR_PARAMS, "svc: expected tol > 0, found %g", prm->tol);
    if (!(prm->cache_size > 0))
        return err_set(e, ERR_PARAMS, "svc: expected cache_size > 0, found %g", prm->cache_size);
    return ERR_OK;
}

/* The libsvm problem: one block of svm_nodes (non-zeros + terminator per row). */
struct sv_data {
    struct svm_problem prob;
    struct svm_node *nodes;
};

static void sv_data_free(struct sv_data *d)
{
    free(d->prob.x);
    free(d->prob.y);
    free(d->nodes);
}

static int sv_data_build(const double *X, const int *y, size_t n, size_t p, struct sv_data *d, struct err *e)
{
    memset(d, 0, sizeof *d);
    size_t nnz = 0;
    for (size_t i = 0; i < n * p; i++) {
        if (!isfinite(X[i]))
            return err_set(e, ERR_DATA, "svc: row %zu, column %zu: expected a finite number, found %g", i / p, i % p,
                           X[i]);
        nnz += X[i] != 0.0;
    }
    d->nodes = malloc((nnz + n) * sizeof *d->nodes);
    d->prob.x = malloc(n * sizeof *d->prob.x);
    d->prob.y = malloc(n * sizeof *d->prob.y);
    if (!d->nodes || !d->prob.x || !d->prob.y) {
        sv_data_free(d);
        return err_set(e, ERR_NOMEM, "svc: out of memory for %zu x %zu data", n, p);
    }
    struct svm_node *nd = d->nodes;
    for (size_t i = 0; i < n; i++) {
        d->prob.x[i] = nd;
        /* Zeros contribute nothing to any kernel's dot product or distance. */
        for (size_t j = 0; j < p; j++)
            if (X[i * p + j] != 0.0)
                *nd++ = (struct svm_node){(int)j + 1, X[i * p + j]};
        *nd++ = (struct svm_node){-1, 0.0};
        /* sklearn's libsvm sorts the labels, so class 0 is its first label,
         * +1 inside the solver, with its rows first. libsvm 3.24 orders labels
         * by first appearance but swaps a -1-first {-1, +1} pair: coding class
         * 0 as +1 makes it the first label whatever the row order, and the
         * solver then sees sklearn's problem. */
        d->prob.y[i] = y[i] ? -1.0 : 1.0;
    }
    d->prob.l = (int)n;
    return ERR_OK;
}

/* libsvm's parameters for prm (wlabel, wval: the balanced class weights). */
static void libsvm_params(const struct svc_params *prm, double gamma, int *wlabel, double *wval,
                          struct svm_parameter *par)
{
    memset(par, 0, sizeof *par);
    par->svm_type = C_SVC;
    par->kernel_type = (int)prm->kernel;
    par->degree = prm->degree;
    par->gamma = gamma;
    par->coef0 = prm->coef0;
    par->cache_size = prm->cache_size;
    par->eps = prm->tol;
    par->C = prm->C;
    par->nr_weight = prm->class_weight_balanced ? 2 : 0;
    par->weight_label = prm->class_weight_balanced ? wlabel : NULL;
    par->weight = prm->class_weight_balanced ? wval : NULL;
    par->nu = 0.5;
    par->p = 0.1;
    par->shrinking = prm->shrinking ? 1 : 0;
    par->probability = prm->probability ? 1 : 0;
}

int svc_fit(const double *X, const int *y, size_t n, size_t p, const struct svc_params *prm, struct svc **out,
            struct err *e)
{
    *out = NULL;
    int rc = check_params(prm, e);
    if (rc)
        return rc;
    if (n == 0 || p == 0 || n > (size_t)INT32_MAX / 2 || p > (size_t)INT32_MAX / 2)
        return err_set(e, ERR_DATA, "svc: expected a non-empty design matrix, found %zu x %zu", n, p);
    size_t npos = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return err_set(e, ERR_DATA, "svc: row %zu: expected label 0 or 1, found %d", i, y[i]);
        npos += (size_t)y[i];
    }
    if (npos == 0 || npos == n)
        return err_set(e, ERR_DATA, "svc: expected both classes in y, found only class %d", npos ? 1 : 0);

    double gamma = prm->gamma_mode == SVC_GAMMA_SCALE  ? svc_gamma_scale(X, n, p)
                   : prm->gamma_mode == SVC_GAMMA_AUTO ? 1.0 / (double)p
                                                       : prm->gamma;
    struct sv_data d;
    rc = sv_data_build(X, y, n, p, &d, e);
    if (rc)
        return rc;

    /* sklearn's class_weight='balanced': w_c = n / (n_classes * n_c). */
    int wlabel[2] = {1, -1}; /* class 0, class 1 */
    double wval[2] = {(double)n / (2.0 * (double)(n - npos)), (double)n / (2.0 * (double)npos)};
    struct svm_parameter par;
    libsvm_params(prm, gamma, wlabel, wval, &par);

    const char *msg = svm_check_parameter(&d.prob, &par);
    if (msg) {
        sv_data_free(&d);
        return err_set(e, ERR_PARAMS, "svc: libsvm rejects the parameters: %s", msg);
    }
    svm_set_print_string_function(quiet);
    /* libsvm's Platt CV permutes the rows with rand(): seed it here, right
     * before training, so a fit is reproducible. Only then: a fit without
     * probabilities draws nothing, and reseeding would disturb a draw in
     * another thread (callers serialise the fits that draw). */
    if (prm->probability)
        srand((unsigned)prm->seed);
    struct svm_model *lm = svm_train(&d.prob, &par);
    if (!lm) {
        sv_data_free(&d);
        return err_set(e, ERR_NOMEM, "svc: libsvm failed to train");
    }
    struct svc *m = calloc(1, sizeof *m);
    if (m)
        m->model = svc_model_copy(lm);
    /* The copy owns its support vectors, so the problem can go now. */
    svm_free_and_destroy_model(&lm);
    sv_data_free(&d);
    if (!m || !m->model) {
        free(m);
        return err_set(e, ERR_NOMEM, "svc: out of memory for the model");
    }
    m->p = p;
    m->gamma = gamma;
    m->params = *prm;
    svc_model_summary(m);
    *out = m;
    return ERR_OK;
}

static struct svm_node *row_nodes(const double *x, size_t p, struct svm_node *nd)
{
    struct svm_node *s = nd;
    for (size_t j = 0; j < p; j++)
        if (x[j] != 0.0)
            *s++ = (struct svm_node){(int)j + 1, x[j]};
    s->index = -1;
    s->value = 0.0;
    return nd;
}

int svc_decision(const struct svc *m, const double *X, size_t n, double *dec, struct err *e)
{
    struct svm_node *nd = malloc((m->p + 1) * sizeof *nd);
    if (!nd)
        return err_set(e, ERR_NOMEM, "svc: out of memory");
    double sign = svc_model_flip(m);
    for (size_t i = 0; i < n; i++) {
        double v;
        svm_predict_values(m->model, row_nodes(X + i * m->p, m->p, nd), &v);
        dec[i] = sign * v;
    }
    free(nd);
    return ERR_OK;
}

int svc_predict_proba(const struct svc *m, const double *X, size_t n, double *proba, struct err *e)
{
    if (!svm_check_probability_model(m->model))
        return err_set(e, ERR_PARAMS, "svc: expected a model fitted with probability, found one without");
    struct svm_node *nd = malloc((m->p + 1) * sizeof *nd);
    if (!nd)
        return err_set(e, ERR_NOMEM, "svc: out of memory");
    /* prob_estimates follow libsvm's label order. */
    int k1 = m->model->label[0] == -1 ? 0 : 1;
    for (size_t i = 0; i < n; i++) {
        double pe[2];
        svm_predict_probability(m->model, row_nodes(X + i * m->p, m->p, nd), pe);
        proba[i] = pe[k1];
    }
    free(nd);
    return ERR_OK;
}

int svc_rbf_dense(const struct svc *m, double **sv, double **coef, double *b, size_t *l, struct err *e)
{
    *sv = *coef = NULL;
    if (m->params.kernel != SVC_RBF)
        return err_set(e, ERR_PARAMS, "svc: expected an rbf kernel, found kernel %d", (int)m->params.kernel);
    const struct svm_model *mod = m->model;
    size_t n = (size_t)mod->l;
    double sign = svc_model_flip(m);
    *sv = calloc((n ? n : 1) * (m->p ? m->p : 1), sizeof **sv);
    *coef = malloc((n ? n : 1) * sizeof **coef);
    if (!*sv || !*coef) {
        FREE_ALL(*sv, *coef);
        *sv = *coef = NULL;
        return err_set(e, ERR_NOMEM, "svc: out of memory");
    }
    for (size_t s = 0; s < n; s++) {
        for (const struct svm_node *nd = mod->SV[s]; nd->index != -1; nd++)
            (*sv)[s * m->p + (size_t)nd->index - 1] = nd->value;
        (*coef)[s] = sign * mod->sv_coef[0][s];
    }
    *b = -sign * mod->rho[0];
    *l = n;
    return ERR_OK;
}

void svc_free(struct svc *m)
{
    if (!m)
        return;
    svc_model_free(m->model);
    free(m);
}
