/* family svc: a support vector classifier over libsvm (lib/models/svc) as a
 * pipeline family. Hyperparameters: kernel (linear|poly|rbf|sigmoid), C,
 * gamma (scale|auto|value), degree, coef0, class_weight, random_state (Platt
 * scaling's folds). Its decision score is libsvm's decision value; the
 * probability needs Platt scaling, fitted only when asked for (at refit:
 * the search ranks by decision values). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "models/family.h"
#include "models/svc.h"

static const char *const kernel_names[] = {"linear", "poly", "rbf", "sigmoid", NULL};

static int set(struct pipe_config *c, const char *key, const char *v, struct err *e)
{
    long l = 0;
    int rc = 0, i;
    if (!strcmp(key, "random_state")) {
        rc = pipe_param_long(c, key, v, 0, LONG_MAX, &l, e);
        c->seed = (unsigned long)l;
    } else if (!strcmp(key, "kernel")) {
        if ((i = pipe_param_word(kernel_names, v)) < 0)
            return pipe_param_bad(c, key, "linear, poly, rbf or sigmoid", v, e);
        c->svc.kernel = (enum pipe_svc_kernel)i;
    } else if (!strcmp(key, "C")) {
        rc = pipe_param_double(c, key, v, 0.0, 1, &c->svc.C, e);
    } else if (!strcmp(key, "gamma")) {
        if (!strcmp(v, "scale"))
            c->svc.gamma_mode = PIPE_GAMMA_SCALE;
        else if (!strcmp(v, "auto"))
            c->svc.gamma_mode = PIPE_GAMMA_AUTO;
        else if (!(rc = pipe_param_double(c, key, v, 0.0, 1, &c->svc.gamma, e)))
            c->svc.gamma_mode = PIPE_GAMMA_VALUE;
        else
            return pipe_param_bad(c, key, "scale, auto or a number > 0", v, e);
    } else if (!strcmp(key, "degree")) {
        rc = pipe_param_long(c, key, v, 1, 10, &l, e);
        c->svc.degree = (int)l;
    } else if (!strcmp(key, "coef0")) {
        rc = pipe_param_double(c, key, v, -HUGE_VAL, 0, &c->svc.coef0, e);
    } else if (!strcmp(key, "class_weight")) {
        rc = pipe_param_class_weight(c, v, &c->svc.balanced, e);
    } else
        return PIPE_KEY_UNKNOWN;
    return rc;
}

static int format(const struct pipe_config *c, char *buf, size_t size)
{
    char a[40], b[40], c0[40];
    pipe_param_real(a, sizeof a, c->svc.C);
    if (c->svc.gamma_mode == PIPE_GAMMA_VALUE)
        pipe_param_real(b, sizeof b, c->svc.gamma);
    else
        snprintf(b, sizeof b, "%s", c->svc.gamma_mode == PIPE_GAMMA_AUTO ? "auto" : "scale");
    pipe_param_real(c0, sizeof c0, c->svc.coef0);
    return snprintf(buf, size, " kernel=%s C=%s gamma=%s degree=%d coef0=%s class_weight=%s random_state=%lu",
                    kernel_names[c->svc.kernel], a, b, c->svc.degree, c0, c->svc.balanced ? "balanced" : "none",
                    c->seed);
}

static int fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
               struct err *e)
{
    struct svc_params prm;
    svc_params_default(&prm);
    /* pipeline.h's enums follow libsvm's order, as svc.h's do. */
    prm.kernel = (enum svc_kernel)p->cfg.svc.kernel;
    prm.C = p->cfg.svc.C;
    prm.gamma_mode = (enum svc_gamma)p->cfg.svc.gamma_mode;
    prm.gamma = p->cfg.svc.gamma;
    prm.degree = p->cfg.svc.degree;
    prm.coef0 = p->cfg.svc.coef0;
    prm.class_weight_balanced = p->cfg.svc.balanced;
    prm.probability = probability;
    prm.seed = p->cfg.seed;
    struct svc *sv = NULL;
    if (probability)
        pthread_mutex_lock(&pipe_rand_lock);
    int rc = svc_fit(X, y, n, m, &prm, &sv, e);
    if (probability)
        pthread_mutex_unlock(&pipe_rand_lock);
    p->svc = sv;
    p->probability = probability;
    return rc;
}

static int score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e)
{
    return kind ? svc_decision(p->svc, X, n, out, e) : svc_predict_proba(p->svc, X, n, out, e);
}

static int write(const struct pipeline *p, FILE *fp, struct err *e)
{
    return svc_write(p->svc, fp, e);
}

static int read(struct pipeline *p, FILE *fp, const char *name, struct err *e)
{
    struct svc *sv = NULL;
    int rc = svc_read(fp, name, NULL, &sv, e);
    p->svc = sv;
    p->probability = sv && sv->params.probability;
    return rc;
}

static void release(struct pipeline *p)
{
    svc_free(p->svc);
    p->svc = NULL;
}

const struct pipe_family_ops pipe_family_svc = {
    .name = "svc", .threshold = 0.0, .explainer = "kernel", .explainers = "auto",
    .set = set, .format = format, .fit = fit, .score = score, .write = write, .read = read, .free = release,
};
