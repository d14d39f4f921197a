/* family logreg: logistic regression over liblinear (lib/models/logreg) as a
 * pipeline family. Hyperparameters: penalty (l1|l2), C, class_weight. Its
 * decision score is the log-odds. */
#include <string.h>

#include "models/family.h"
#include "models/logreg.h"

static int set(struct pipe_config *c, const char *key, const char *v, struct err *e)
{
    int rc = 0;
    if (!strcmp(key, "penalty")) {
        if (!strcmp(v, "l1") || !strcmp(v, "l2"))
            c->logreg.l1 = v[1] == '1';
        else
            return pipe_param_bad(c, key, "l1 or l2", v, e);
    } else if (!strcmp(key, "C")) {
        rc = pipe_param_double(c, key, v, 0.0, 1, &c->logreg.C, e);
    } else if (!strcmp(key, "class_weight")) {
        rc = pipe_param_class_weight(c, v, &c->logreg.balanced, e);
    } else
        return PIPE_KEY_UNKNOWN;
    return rc;
}

static int format(const struct pipe_config *c, char *buf, size_t size)
{
    char a[40];
    pipe_param_real(a, sizeof a, c->logreg.C);
    return snprintf(buf, size, " penalty=%s C=%s class_weight=%s", c->logreg.l1 ? "l1" : "l2", a,
                    c->logreg.balanced ? "balanced" : "none");
}

static int fit(struct pipeline *p, const double *X, const int *y, size_t n, size_t m, int probability,
               struct err *e)
{
    (void)probability;
    struct logreg_params prm;
    logreg_params_default(&prm);
    prm.penalty = p->cfg.logreg.l1 ? LOGREG_L1 : LOGREG_L2;
    prm.C = p->cfg.logreg.C;
    prm.class_weight_balanced = p->cfg.logreg.balanced;
    prm.seed = p->cfg.seed;
    struct logreg *lr = NULL;
    if (prm.penalty == LOGREG_L1)
        pthread_mutex_lock(&pipe_rand_lock);
    int rc = logreg_fit(X, y, n, m, &prm, &lr, e);
    if (prm.penalty == LOGREG_L1)
        pthread_mutex_unlock(&pipe_rand_lock);
    p->logreg = lr;
    return rc;
}

static int score(const struct pipeline *p, const double *X, size_t n, int kind, double *out, struct err *e)
{
    (void)e;
    if (kind)
        logreg_decision(p->logreg, X, n, out);
    else
        logreg_predict_proba(p->logreg, X, n, out);
    return 0;
}

static int write(const struct pipeline *p, FILE *fp, struct err *e)
{
    return logreg_write(p->logreg, fp, e);
}

static int read(struct pipeline *p, FILE *fp, const char *name, struct err *e)
{
    struct logreg *lr = NULL;
    int rc = logreg_read(fp, name, NULL, &lr, e);
    p->logreg = lr;
    return rc;
}

static void release(struct pipeline *p)
{
    logreg_free(p->logreg);
    p->logreg = NULL;
}

const struct pipe_family_ops pipe_family_logreg = {
    .name = "logreg", .threshold = 0.0, .explainer = "linear", .explainers = "linear",
    .set = set, .format = format, .fit = fit, .score = score, .write = write, .read = read, .free = release,
};
